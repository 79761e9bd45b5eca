//! Seats and outcomes through the hub's API, on real data: Toulouse municipales 2026
//! round 2 (69 seats) and Gouesnou législatives 2024 round 1.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use urne_tests::{Hub, fixture, import};

fn seats_of(view: &Value, council: &str, ballot_number: u64) -> u64 {
    view[council]["allocation"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|list| list["ballot_number"] == ballot_number)
        .unwrap()["seats"]
        .as_u64()
        .unwrap()
}

/// Imports Toulouse round 2 and configures its council from the population table.
fn toulouse_round_two(directory: &std::path::Path) -> (Hub, i64) {
    let db = directory.join("urne.sqlite");
    let results = fixture("formats/toulouse_opendata_municipales2026_t2_raw_columns.csv");
    let lists = fixture("data/toulouse_31555_municipales2026_t2_listes.csv");
    let id = import(&db, &[results.to_str().unwrap(), lists.to_str().unwrap()])[0];
    let hub = Hub::serve(&db);
    // Toulouse has more than 300 000 inhabitants: 69 seats (CGCT, art. L2121-2).
    let (status, answer) = hub.put(
        &format!("/api/v1/elections/{id}/seats/configuration"),
        &json!({"base_version": 0, "population": 504_078, "community_council": 0}),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["configuration"]["municipal_council"], 69);
    (hub, id)
}

#[test]
fn toulouse_round_two_69_seats() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = toulouse_round_two(directory.path());
    let view = hub.get_json(&format!("/api/v1/elections/{id}/seats"));
    assert_eq!(view["provisional"], false);
    let allocation = &view["municipal_council"]["allocation"];
    assert_eq!(allocation["status"]["status"], "allocated");
    assert_eq!(allocation["majority_bonus"], 35);
    assert_eq!(allocation["bonus_list"], 5);
    assert_eq!(seats_of(&view, "municipal_council", 5), 53);
    assert_eq!(seats_of(&view, "municipal_council", 12), 16);
    assert!(view["community_council"].is_null());
    assert!(
        !view["municipal_council"]["trail_fr"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the trail is shown"
    );
    assert!(view["municipal_council"]["margins"].is_object());
}

#[test]
fn correction_records_seat_change() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = toulouse_round_two(directory.path());

    // Moving list 12's votes of three stations to list 5 (829 votes) gives list 5 one
    // more proportional seat: 719 votes are enough, computed by hand with D'Hondt on 34.
    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    for code in ["0001", "0002", "0003"] {
        let station = results["stations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code)
            .unwrap();
        let count = &station["count"];
        let moved = count["votes"]["12"].as_u64().unwrap();
        let kept = count["votes"]["5"].as_u64().unwrap();
        let mut body = count.clone();
        body["base_version"] = station["version"].clone();
        body["votes"] = json!({"5": kept + moved, "12": 0});
        body["ballots_found"] = count.get("ballots_found").cloned().unwrap_or(Value::Null);
        let (status, answer) = hub.put(
            &format!("/api/v1/elections/{id}/stations/{code}/results"),
            &body,
        );
        assert_eq!(status, 200, "{answer}");
    }

    let view = hub.get_json(&format!("/api/v1/elections/{id}/seats"));
    assert_eq!(seats_of(&view, "municipal_council", 5), 54);
    assert_eq!(seats_of(&view, "municipal_council", 12), 15);
    let changes = view["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    let text = changes[0]["text"].as_array().unwrap();
    assert!(
        text.iter()
            .any(|t| t.as_str().unwrap().contains("−1 siège")),
        "{text:?}"
    );
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "seats.change")
    );
}

#[test]
fn seats_configuration_rejects_bad_input() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = toulouse_round_two(directory.path());
    let path = format!("/api/v1/elections/{id}/seats/configuration");
    let (status, answer) = hub.put(&path, &json!({"base_version": 0, "municipal_council": 59}));
    assert_eq!(status, 409, "stale version: {answer}");
    let (status, answer) = hub.put(&path, &json!({"base_version": 1}));
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["code"], "missing_seats");
    let (status, answer) = hub.put(&path, &json!({"base_version": 1, "municipal_council": 0}));
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["field"], "municipal_council");
    let view = hub.get_json(&format!("/api/v1/elections/{id}/seats"));
    assert_eq!(view["configuration"]["municipal_council"], 69);
}

#[test]
fn legislative_outcome_at_commune_level() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let files: Vec<String> = [
        "data/gouesnou_29061_legislatives2024_t1_bureaux.csv",
        "data/gouesnou_29061_legislatives2024_t1_candidats.csv",
        "data/gouesnou_29061_legislatives2024_t1_voix.csv",
    ]
    .iter()
    .map(|f| fixture(f).to_string_lossy().into_owned())
    .collect();
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let id = import(&db, &args)[0];
    let hub = Hub::serve(&db);
    let view = hub.get_json(&format!("/api/v1/elections/{id}/outcome"));
    assert_eq!(
        view["provisional"], true,
        "the constituency extends beyond Gouesnou"
    );
    let decision = &view["outcome"]["decision"];
    assert_eq!(decision["decision"], "second_round");
    // 12.5 % of 5397 inscrits is 674.6: BRÉHIER 922, LARSONNEUR 833, CADALEN 945 and
    // KERVELLA 957 qualify in Gouesnou's figures.
    let mut qualified: Vec<u64> = decision["qualified"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    qualified.sort_unstable();
    assert_eq!(qualified, vec![1, 3, 7, 8]);

    let response = hub
        .client
        .get(hub.url(&format!("/api/v1/elections/{id}/seats")))
        .send()
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        404,
        "no seats for a single-member race"
    );
}

#[test]
fn seats_command_matches_official_cases() {
    let cases = fixture("seats/seats_cases.csv");
    let output = urne_tests::run_hub(&["seats", cases.to_str().unwrap()]);
    assert!(output.success, "{}", output.stderr);
    let mut lines = output.stdout.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<String>> = output.stdout.lines().skip(1).map(split_csv).collect();
    assert_eq!(rows.len(), 35, "one row per list of the 11 communes");
    for (official, computed) in [
        ("sieges_cm_officiels", "sieges_cm_calcules"),
        ("sieges_cc_officiels", "sieges_cc_calcules"),
        ("sieges_secteur_officiels", "sieges_secteur_calcules"),
    ] {
        for row in &rows {
            let expected = row[column(official)].as_str();
            let actual = row[column(computed)].as_str();
            if expected.is_empty() {
                assert!(
                    actual.is_empty(),
                    "{computed} without official figure: {row:?}"
                );
            } else {
                assert_eq!(actual, expected, "{computed}: {row:?}");
            }
        }
    }
    assert!(
        rows.iter()
            .all(|row| row[column("decision_requise")].is_empty())
    );

    let missing = urne_tests::run_hub(&["seats", "/nonexistent/cases.csv"]);
    assert!(!missing.success);
    assert!(missing.stderr.contains("/nonexistent/cases.csv"));
}

/// Splits one CSV line, honouring double quotes.
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut characters = line.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '"' if quoted && characters.peek() == Some(&'"') => {
                fields.last_mut().unwrap().push('"');
                characters.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            other => fields.last_mut().unwrap().push(other),
        }
    }
    fields
}

#[test]
fn seats_payload_exported_for_prefecture() {
    let directory = tempfile::tempdir().unwrap();
    let (_hub, id) = toulouse_round_two(directory.path());
    let db = directory.path().join("urne.sqlite");
    let out = directory.path().join("export");
    std::fs::create_dir(&out).unwrap();
    let output = urne_tests::run_hub(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        &id.to_string(),
        "--format",
        "prefecture-seats-xml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.success, "{}", output.stderr);
    let file = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let xml = std::fs::read_to_string(file).unwrap();
    assert!(xml.contains("<NbSiegesCM>69</NbSiegesCM>"), "{xml}");
    let seats: Vec<&str> = xml
        .match_indices("<NbSiegesCM>")
        .map(|(at, _)| &xml[at + 12..at + 14])
        .collect();
    assert_eq!(seats, vec!["69", "53", "16"]);
}

/// Members of a list for the tests, named by their rank (real results, invented names:
/// the published files do not carry whole lists).
fn members(count: u32, community: u32) -> Value {
    let members: Vec<Value> = (1..=count)
        .map(|rank| {
            let mut member = json!({
                "surname": format!("CANDIDAT{rank}"),
                "first_name": format!("Rang{rank}"),
                "sex": if rank % 2 == 0 { "M" } else { "F" },
            });
            if rank <= community {
                member["community_rank"] = json!(rank);
            }
            member
        })
        .collect();
    Value::Array(members)
}

#[test]
fn list_members_named_in_seats_and_export() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = toulouse_round_two(directory.path());
    let configuration = format!("/api/v1/elections/{id}/seats/configuration");
    let (status, answer) = hub.put(
        &configuration,
        &json!({"base_version": 1, "municipal_council": 69, "community_council": 5}),
    );
    assert_eq!(status, 200, "{answer}");
    for (list, count) in [(5, 71), (12, 71)] {
        let path = format!("/api/v1/elections/{id}/lists/{list}/members");
        let (status, answer) = hub.put(
            &path,
            &json!({"base_version": 0, "members": members(count, 7)}),
        );
        assert_eq!(status, 200, "{answer}");
        let stored = hub.get_json(&path);
        assert_eq!(stored["version"], 1);
        assert_eq!(stored["members"].as_array().unwrap().len(), 71);
    }

    let view = hub.get_json(&format!("/api/v1/elections/{id}/seats"));
    let lists = view["municipal_council"]["allocation"]["lists"]
        .as_array()
        .unwrap();
    let elected = lists[0]["elected"].as_array().unwrap();
    assert_eq!(elected.len(), 53);
    assert_eq!(elected[0]["name"], "Rang1 CANDIDAT1");
    assert_eq!(elected[52]["rank"], 53);
    let councillors = view["community_assignment"]["lists"].as_array().unwrap();
    let community_seats: usize = councillors
        .iter()
        .map(|list| list["councillors"].as_array().unwrap().len())
        .sum();
    assert_eq!(community_seats, 5);

    let db = directory.path().join("urne.sqlite");
    let out = directory.path().join("export");
    std::fs::create_dir(&out).unwrap();
    let output = urne_tests::run_hub(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        &id.to_string(),
        "--format",
        "prefecture-seats-xml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.success, "{}", output.stderr);
    let file = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let xml = std::fs::read_to_string(file).unwrap();
    assert!(
        xml.contains("CANDIDAT53"),
        "list 5's 53rd candidate is elected"
    );
    assert!(!xml.contains("CANDIDAT54<"), "list 5 has 53 seats");
}

#[test]
fn list_members_rejected_when_invalid() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = toulouse_round_two(directory.path());
    let path = format!("/api/v1/elections/{id}/lists/5/members");
    let mut gap = members(3, 0);
    gap[0]["community_rank"] = json!(1);
    gap[1]["community_rank"] = json!(3);
    let (status, answer) = hub.put(&path, &json!({"base_version": 0, "members": gap}));
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["code"], "invalid_community_rank");
    let (status, answer) = hub.put(&path, &json!({"base_version": 0, "members": []}));
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["code"], "empty_list");
    let mut unnamed = members(2, 0);
    unnamed[1]["surname"] = json!(" ");
    let (status, answer) = hub.put(&path, &json!({"base_version": 0, "members": unnamed}));
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["field"], "members[1].surname");
    let (status, _) = hub.put(
        &format!("/api/v1/elections/{id}/lists/7/members"),
        &json!({"base_version": 0, "members": members(2, 0)}),
    );
    assert_eq!(status, 404, "list 7 does not stand in round 2");
    let (status, _) = hub.put(&path, &json!({"base_version": 3, "members": members(2, 0)}));
    assert_eq!(status, 409);
    let stored = hub.get_json(&path);
    assert_eq!(stored["version"], 0);
}
