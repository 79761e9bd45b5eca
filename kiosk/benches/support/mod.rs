//! Hub set-up shared by the kiosk's benchmarks.

use serde_json::json;
use urne_tests::Hub;

/// Returns the id of the Toulouse election among the demo's elections.
pub fn toulouse_id(hub: &Hub) -> i64 {
    let list = hub.get_json("/api/v1/elections");
    list["elections"]
        .as_array()
        .and_then(|elections| {
            elections.iter().find(|election| {
                election["commune_name"]
                    .as_str()
                    .is_some_and(|name| name.contains("Toulouse"))
            })
        })
        .and_then(|election| election["id"].as_i64())
        .expect("the demo serves Toulouse")
}

/// Sets the municipal council's seats to fill on top of `version` and returns the new
/// version of the configuration.
pub fn set_seats(hub: &Hub, election: i64, version: i64, seats: u32) -> i64 {
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{election}/seats/configuration"),
        &json!({"base_version": version, "municipal_council": seats, "community_council": 0}),
    );
    assert_eq!(status, 200, "seats configuration: {body}");
    body["version"].as_i64().unwrap_or(version + 1)
}
