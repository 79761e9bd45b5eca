//! The JSON API on a real hub process: consistency rules through the write endpoints,
//! versions and stale writes, tokens, the events stream, the copy rule and the CLI view.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;
use urne_tests::{Hub, fixture, import, run_hub, wait_until};

/// Imports the configuration of Gouesnou's législatives 2024 round 1 (6 stations, 10
/// candidates, no results) and serves it.
fn gouesnou_hub(directory: &Path) -> (Hub, i64) {
    let db = directory.join("urne.sqlite");
    let ids = import(
        &db,
        &[
            "--configuration-only",
            fixture("data/gouesnou_29061_legislatives2024_t1_bureaux.csv")
                .to_str()
                .unwrap(),
            fixture("data/gouesnou_29061_legislatives2024_t1_candidats.csv")
                .to_str()
                .unwrap(),
        ],
    );
    assert_eq!(ids.len(), 1);
    (Hub::serve(&db), ids[0])
}

/// Station 0001's official record: 994 inscrits, 760 votants, 13 blancs, 7 nuls.
fn station_one(base_version: u64) -> Value {
    json!({
        "base_version": base_version,
        "voters": 760,
        "blank": 13,
        "invalid": 7,
        "valid_votes": 740,
        "votes": {"1": 175, "2": 23, "3": 192, "4": 11, "5": 5, "6": 2, "7": 165, "8": 163,
                  "9": 3, "10": 1}
    })
}

fn results_path(id: i64, station: &str) -> String {
    format!("/api/v1/elections/{id}/stations/{station}/results")
}

fn codes(body: &Value) -> Vec<String> {
    body["error"]["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .map(|f| f["code"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn final_results_accepted_and_aggregated() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());

    let (status, body) = hub.put(&results_path(id, "0001"), &station_one(0));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"], 1);
    assert_eq!(body["status"], "entered");

    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    let commune = &results["commune"];
    assert_eq!(commune["progress"]["label"], "1 bureau sur 6");
    assert_eq!(commune["voters"], 760);
    assert_eq!(commune["registered_counted"], 994);
    assert_eq!(commune["registered_all"], 5397);
    assert_eq!(commune["candidates"][0]["votes"], 175);
    assert_eq!(
        commune["candidates"][0]["share_of_valid_votes"]["percent"],
        "23,65"
    );
    assert_eq!(
        commune["candidates"][0]["share_of_valid_votes"]["of"],
        "valid_votes"
    );
    assert_eq!(commune["turnout_of_counted"]["percent"], "76,46");
    let uncounted = &results["stations"][1];
    assert_eq!(uncounted["status"], "not_arrived");
    assert_eq!(uncounted["turnout"], Value::Null);
}

/// GETs `path` with an `If-None-Match` header when `etag` is given.
fn get_with_etag(hub: &Hub, path: &str, etag: Option<&str>) -> reqwest::blocking::Response {
    let mut request = hub.client.get(hub.url(path));
    if let Some(etag) = etag {
        request = request.header("If-None-Match", etag);
    }
    request.send().unwrap()
}

fn header_of(response: &reqwest::blocking::Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_string()
}

#[test]
fn results_etag_and_next_read() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let path = format!("/api/v1/elections/{id}/results");

    let first = get_with_etag(&hub, &path, None);
    assert_eq!(first.status().as_u16(), 200);
    assert_eq!(header_of(&first, "cache-control"), "no-cache");
    assert_eq!(header_of(&first, "content-type"), "application/json");
    let etag = header_of(&first, "etag");
    assert!(
        etag.starts_with(&format!("\"{id}-results-")),
        "ETag names the election and the view: {etag}"
    );

    let unchanged = get_with_etag(&hub, &path, Some(&etag));
    assert_eq!(unchanged.status().as_u16(), 304);
    assert_eq!(header_of(&unchanged, "etag"), etag);
    assert_eq!(header_of(&unchanged, "cache-control"), "no-cache");
    assert!(unchanged.bytes().unwrap().is_empty(), "304 has no body");
    let listed = get_with_etag(&hub, &path, Some(&format!("\"other\", {etag}")));
    assert_eq!(listed.status().as_u16(), 304, "ETag found in a list");

    // The write is acknowledged, so the very next read must show it.
    let (status, body) = hub.put(&results_path(id, "0001"), &station_one(0));
    assert_eq!(status, 200, "{body}");
    let after = get_with_etag(&hub, &path, Some(&etag));
    assert_eq!(after.status().as_u16(), 200, "old ETag no longer matches");
    let new_etag = header_of(&after, "etag");
    assert_ne!(new_etag, etag);
    let results: Value = after.json().unwrap();
    assert_eq!(results["commune"]["progress"]["label"], "1 bureau sur 6");
    assert_eq!(results["commune"]["voters"], 760);
}

#[test]
fn rule_voters_exceed_registered() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let mut body = station_one(0);
    body["registered"] = json!(700);
    let (status, answer) = hub.put(&results_path(id, "0001"), &body);
    assert_eq!(status, 422);
    assert!(codes(&answer).contains(&"voters_exceed_registered".to_string()));
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("votants (760) supérieurs aux inscrits (700)")
    );
}

#[test]
fn rule_ballots_sum() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let mut body = station_one(0);
    body["blank"] = json!(14);
    let (status, answer) = hub.put(&results_path(id, "0001"), &body);
    assert_eq!(status, 422);
    assert_eq!(codes(&answer), vec!["ballots_sum_mismatch"]);

    // Stored anyway when the clerk records that the paper itself is inconsistent.
    body["inconsistency_reason"] = json!("le procès-verbal porte 14 blancs, erreur du bureau");
    let (status, answer) = hub.put(&results_path(id, "0001"), &body);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "inconsistent");
    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    assert_eq!(results["stations"][0]["status"], "inconsistent");
    assert_eq!(
        results["stations"][0]["findings"][0]["code"],
        "ballots_sum_mismatch"
    );
}

#[test]
fn rule_signature_gap_is_warning() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let mut body = station_one(0);
    body["voters"] = json!(762);
    body["ballots_found"] = json!(760);
    let (status, answer) = hub.put(&results_path(id, "0001"), &body);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "entered");
    assert_eq!(answer["findings"][0]["code"], "signatures_ballots_gap");
    assert_eq!(answer["findings"][0]["severity"], "warning");
}

#[test]
fn rule_votes_sum() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let mut body = station_one(0);
    body["votes"]["7"] = json!(166);
    let (status, answer) = hub.put(&results_path(id, "0001"), &body);
    assert_eq!(status, 422);
    assert_eq!(codes(&answer), vec!["votes_sum_mismatch"]);
}

#[test]
fn unknown_candidate_cannot_be_overridden() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let mut body = station_one(0);
    body["votes"]["11"] = json!(0);
    body["inconsistency_reason"] = json!("essai");
    let (status, answer) = hub.put(&results_path(id, "0001"), &body);
    assert_eq!(status, 422);
    assert!(codes(&answer).contains(&"unknown_candidate".to_string()));
}

#[test]
fn rule_turnout_monotonic_and_bounded() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let slot = |slot: &str| format!("/api/v1/elections/{id}/stations/0001/turnout/{slot}");

    let (status, answer) = hub.put(&slot("12:00"), &json!({"base_version": 0, "voters": 300}));
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = hub.put(&slot("17:00"), &json!({"base_version": 0, "voters": 250}));
    assert_eq!(status, 422);
    assert_eq!(codes(&answer), vec!["turnout_decreases"]);
    let (status, answer) = hub.put(&slot("17:00"), &json!({"base_version": 0, "voters": 995}));
    assert_eq!(status, 422);
    assert!(codes(&answer).contains(&"turnout_exceeds_registered".to_string()));
    let (status, _) = hub.put(&slot("17h00"), &json!({"base_version": 0, "voters": 600}));
    assert_eq!(status, 200);

    // Final votants below the 17:00 turnout are rejected, and the reverse.
    let mut body = station_one(0);
    body["voters"] = json!(590);
    body["valid_votes"] = json!(570);
    body["votes"]["1"] = json!(5);
    let (status, answer) = hub.put(&results_path(id, "0001"), &body);
    assert_eq!(status, 422);
    assert!(codes(&answer).contains(&"turnout_exceeds_voters".to_string()));
    let (status, _) = hub.put(&results_path(id, "0001"), &station_one(0));
    assert_eq!(status, 200);
    let (status, answer) = hub.put(&slot("17:00"), &json!({"base_version": 1, "voters": 761}));
    assert_eq!(status, 422);
    assert_eq!(codes(&answer), vec!["turnout_exceeds_voters"]);

    let (status, answer) = hub.put(&slot("15:00"), &json!({"base_version": 0, "voters": 1}));
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["code"], "unknown_slot");

    let turnout = hub.get_json(&format!("/api/v1/elections/{id}/turnout"));
    let noon = &turnout["slots"][0];
    assert_eq!(noon["slot"], "12:00");
    assert_eq!(noon["voters"], 300);
    assert_eq!(noon["turnout_of_reported"]["percent"], "30,18");
    assert_eq!(noon["turnout_of_all"]["percent"], "5,56");
}

#[test]
fn rule_hundreds() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let path = |which: &str| format!("/api/v1/elections/{id}/stations/0001/hundreds/{which}");
    let first = json!({"1": 27, "2": 3, "3": 25, "4": 1, "5": 1, "6": 0, "7": 20, "8": 20,
                       "9": 0, "10": 0});
    let second = json!({"1": 60, "2": 5, "3": 45, "4": 2, "5": 2, "6": 0, "7": 40, "8": 42,
                        "9": 0, "10": 0});

    let (status, answer) = hub.put(
        &path("first"),
        &json!({"base_version": 0, "blank": 2, "invalid": 1, "votes": first}),
    );
    assert_eq!(status, 200, "{answer}");

    // 201 ballots in the second centaine.
    let mut too_many = second.clone();
    too_many["1"] = json!(61);
    let (status, answer) = hub.put(
        &path("second"),
        &json!({"base_version": 0, "blank": 3, "invalid": 1, "votes": too_many}),
    );
    assert_eq!(status, 422);
    assert_eq!(codes(&answer), vec!["hundred_size"]);

    // 200 ballots, but candidate 3 falls from 25 to 24.
    let mut decreasing = second.clone();
    decreasing["1"] = json!(81);
    decreasing["3"] = json!(24);
    let (status, answer) = hub.put(
        &path("second"),
        &json!({"base_version": 0, "blank": 3, "invalid": 1, "votes": decreasing}),
    );
    assert_eq!(status, 422);
    assert_eq!(codes(&answer), vec!["hundred_decreases"]);

    let (status, answer) = hub.put(
        &path("second"),
        &json!({"base_version": 0, "blank": 3, "invalid": 1, "votes": second}),
    );
    assert_eq!(status, 200, "{answer}");

    // A short centaine waits for the final ballots: a warning, then checked against them.
    let short = format!("/api/v1/elections/{id}/stations/0002/hundreds/first");
    let mut ninety = first.clone();
    ninety["1"] = json!(17);
    let (status, answer) = hub.put(
        &short,
        &json!({"base_version": 0, "blank": 2, "invalid": 1, "votes": ninety}),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["findings"][0]["code"], "hundred_size_unverified");
    let station_two = json!({
        "base_version": 0, "voters": 765, "blank": 15, "invalid": 6, "valid_votes": 744,
        "votes": {"1": 158, "2": 19, "3": 140, "4": 12, "5": 6, "6": 2, "7": 176, "8": 226,
                  "9": 4, "10": 1}
    });
    let (status, answer) = hub.put(&results_path(id, "0002"), &station_two);
    assert_eq!(status, 422);
    assert_eq!(codes(&answer), vec!["hundred_size"]);

    let view = hub.get_json(&format!("/api/v1/elections/{id}/hundreds"));
    assert_eq!(view["hundreds"][0]["ballots"], 190);
    assert_eq!(view["hundreds"][1]["ballots"], 200);
    assert_eq!(view["hundreds"][1]["progress"]["label"], "1 bureau sur 6");
}

#[test]
fn stale_write_rejected_with_current() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let (status, _) = hub.put(&results_path(id, "0001"), &station_one(0));
    assert_eq!(status, 200);

    let mut other = station_one(0);
    other["blank"] = json!(12);
    other["invalid"] = json!(8);
    let (status, answer) = hub.put(&results_path(id, "0001"), &other);
    assert_eq!(status, 409);
    assert_eq!(answer["error"]["code"], "stale_version");
    assert_eq!(answer["error"]["current_version"], 1);
    assert_eq!(answer["error"]["current"]["count"]["blank"], 13);

    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    assert_eq!(results["stations"][0]["count"]["blank"], 13);

    let (status, answer) = hub.put(&results_path(id, "0001"), &station_one(1));
    assert_eq!(status, 200);
    assert_eq!(answer["version"], 2);
}

#[test]
fn validation_then_correction_needs_reason() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    hub.put(&results_path(id, "0001"), &station_one(0));
    let validation = format!("/api/v1/elections/{id}/stations/0001/validation");
    let (status, answer) = hub.post(&validation, &json!({"base_version": 1}));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "validated");

    let (status, answer) = hub.put(&results_path(id, "0001"), &station_one(2));
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["code"], "correction_reason_required");

    let mut corrected = station_one(2);
    corrected["correction_reason"] = json!("erreur de report sur le bureau 1");
    let (status, answer) = hub.put(&results_path(id, "0001"), &corrected);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "entered");

    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let entries = audit["entries"].as_array().unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last["action"], "final_results.write");
    assert_eq!(last["reason"], "erreur de report sur le bureau 1");
    assert_eq!(last["before"]["blank"], 13);
    assert!(last["actor"].as_str().unwrap().starts_with("jeton:"));
}

#[test]
fn writes_need_valid_token() {
    let directory = tempfile::tempdir().unwrap();
    let (mut hub, id) = gouesnou_hub(directory.path());
    assert!(hub.token.is_some(), "first start prints the token");
    hub.token = Some("0".repeat(64));
    let (status, answer) = hub.put(&results_path(id, "0001"), &station_one(0));
    assert_eq!(status, 401);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("jeton")
    );
    hub.token = None;
    let (status, _) = hub.put(&results_path(id, "0001"), &station_one(0));
    assert_eq!(status, 401);
    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    assert_eq!(results["commune"]["progress"]["counted"], 0);
}

#[test]
fn bad_bodies_named_in_french() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let mut body = station_one(0);
    body["voters"] = json!(-5);
    let (status, answer) = hub.put(&results_path(id, "0001"), &body);
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["field"], "voters");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("entier positif")
    );

    let mut body = station_one(0);
    body.as_object_mut().unwrap().remove("blank");
    let (status, answer) = hub.put(&results_path(id, "0001"), &body);
    assert_eq!(status, 422);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("blank")
    );

    let (status, answer) = hub.put(&results_path(id, "9999"), &station_one(0));
    assert_eq!(status, 404);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("9999")
    );
    let (status, _) = hub.put(&results_path(999, "0001"), &station_one(0));
    assert_eq!(status, 404);
}

#[test]
fn configuration_copied_at_creation() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let first = import(
        &db,
        &[
            "--configuration-only",
            fixture("data/gouesnou_29061_legislatives2024_t1_bureaux.csv")
                .to_str()
                .unwrap(),
            fixture("data/gouesnou_29061_legislatives2024_t1_candidats.csv")
                .to_str()
                .unwrap(),
        ],
    )[0];
    // Round 2 brings new inscrits for the same stations (5398 instead of 5397).
    let second = import(
        &db,
        &[
            "--configuration-only",
            fixture("data/gouesnou_29061_legislatives2024_t2_bureaux.csv")
                .to_str()
                .unwrap(),
            fixture("data/gouesnou_29061_legislatives2024_t2_candidats.csv")
                .to_str()
                .unwrap(),
        ],
    )[0];
    let hub = Hub::serve(&db);
    let total = |id: i64| -> u64 {
        let config = hub.get_json(&format!("/api/v1/elections/{id}"));
        config["stations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["registered"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(total(first), 5397);
    assert_eq!(total(second), 5398);
}

#[test]
fn cli_results_match_api() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    hub.put(&results_path(id, "0001"), &station_one(0));
    let api = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    let db = directory.path().join("urne.sqlite");
    let output = run_hub(&[
        "results",
        "--db",
        db.to_str().unwrap(),
        &id.to_string(),
        "--json",
    ]);
    assert!(output.success, "{}", output.stderr);
    let cli: Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(cli, api);

    let output = run_hub(&["results", "--db", db.to_str().unwrap(), "424242"]);
    assert!(!output.success);
    assert!(output.stderr.contains("424242"));
}

#[test]
fn events_stream_resumes_from_last_id() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_hub(directory.path());
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();

    let response = client.get(hub.url("/api/v1/events")).send().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let mut reader = BufReader::new(response);
    let (status, first) = hub.put(&results_path(id, "0001"), &station_one(0));
    assert_eq!(status, 200);
    let first_id = first["event_id"].as_i64().unwrap();
    let received = read_event_ids(&mut reader, 1);
    assert_eq!(received, vec![first_id]);

    // Two writes while disconnected; reconnecting with Last-Event-ID replays them.
    drop(reader);
    let slot = format!("/api/v1/elections/{id}/stations/0002/turnout/12:00");
    let (_, second) = hub.put(&slot, &json!({"base_version": 0, "voters": 100}));
    let (_, third) = hub.put(&slot, &json!({"base_version": 1, "voters": 120}));
    let response = client
        .get(hub.url("/api/v1/events"))
        .header("Last-Event-ID", first_id.to_string())
        .send()
        .unwrap();
    let mut reader = BufReader::new(response);
    let replayed = read_event_ids(&mut reader, 2);
    assert_eq!(
        replayed,
        vec![
            second["event_id"].as_i64().unwrap(),
            third["event_id"].as_i64().unwrap()
        ]
    );
    assert!(replayed[0] > first_id && replayed[1] > replayed[0]);
}

fn read_event_ids(reader: &mut impl BufRead, count: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut line = String::new();
    while ids.len() < count {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stream ended");
        if let Some(id) = line.trim_end().strip_prefix("id:") {
            ids.push(id.trim().parse().unwrap());
        }
    }
    ids
}

#[test]
fn killed_hub_keeps_acknowledged_writes() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let (mut hub, id) = gouesnou_hub(directory.path());
    let token = hub.token.clone();

    // A writer thread keys turnout figures as fast as the hub acknowledges them, while
    // the main thread kills the hub with SIGKILL in the middle.
    let base = hub.base.clone();
    let writer = std::thread::spawn(move || {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let mut acknowledged = Vec::new();
        for step in 0u32..100_000 {
            let station = format!("{:04}", step % 6 + 1);
            let voters = step / 6 + 1;
            let base_version = u64::from(step / 6);
            let response = client
                .put(format!(
                    "{base}/api/v1/elections/{id}/stations/{station}/turnout/12:00"
                ))
                .bearer_auth(token.as_deref().unwrap_or_default())
                .json(&json!({"base_version": base_version, "voters": voters}))
                .send();
            match response {
                Ok(response) if response.status().is_success() => {
                    acknowledged.push((station, voters));
                }
                _ => break,
            }
        }
        acknowledged
    });
    assert!(wait_until(Duration::from_secs(20), || {
        hub.get_json("/api/v1/health")["latest_event_id"]
            .as_i64()
            .unwrap_or(0)
            > 120
    }));
    hub.kill();
    let acknowledged = writer.join().unwrap();
    assert!(acknowledged.len() > 120, "{} writes", acknowledged.len());

    let hub = Hub::serve(&db);
    let turnout = hub.get_json(&format!("/api/v1/elections/{id}/turnout"));
    for (station, voters) in &acknowledged {
        let stored = turnout["slots"][0]["stations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == station.as_str())
            .unwrap()["entry"]["voters"]
            .as_u64()
            .unwrap();
        assert!(
            stored >= u64::from(*voters),
            "station {station}: acknowledged {voters}, stored {stored}"
        );
    }
    // One audit record per stored write: the acknowledged ones, plus at most one that
    // was committed while its answer was lost in the kill.
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let writes = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "turnout.write")
        .count();
    assert!(
        writes == acknowledged.len() || writes == acknowledged.len() + 1,
        "{writes} audit records for {} acknowledged writes",
        acknowledged.len()
    );
    let stored_sum: u64 = turnout["slots"][0]["stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["entry"]["version"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(stored_sum, u64::try_from(writes).unwrap());
}

/// The demo replay killed with SIGKILL halfway: after a restart, every stored figure has
/// its audit record and the other way round.
#[test]
fn killed_demo_replay_keeps_audit_in_step() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("demo.sqlite");
    let mut hub = Hub::demo(&db, 12, 2026);
    assert!(wait_until(Duration::from_secs(30), || {
        hub.get_json("/api/v1/health")["latest_event_id"]
            .as_i64()
            .unwrap_or(0)
            > 800
    }));
    hub.kill();

    let hub = Hub::serve(&db);
    let mut total_writes = 0u64;
    for id in [1, 2] {
        let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
        let audited = |action: &str| -> u64 {
            let count = audit["entries"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["action"] == action)
                .count();
            u64::try_from(count).unwrap()
        };
        let versions = |values: Vec<&Value>| -> u64 {
            values
                .iter()
                .map(|v| v["version"].as_u64().unwrap_or(0))
                .sum()
        };
        let turnout = hub.get_json(&format!("/api/v1/elections/{id}/turnout"));
        let turnout_entries: Vec<&Value> = turnout["slots"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|slot| slot["stations"].as_array().unwrap())
            .map(|station| &station["entry"])
            .collect();
        assert_eq!(audited("turnout.write"), versions(turnout_entries));

        let hundreds = hub.get_json(&format!("/api/v1/elections/{id}/hundreds"));
        let hundred_entries: Vec<&Value> = hundreds["hundreds"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|hundred| hundred["stations"].as_array().unwrap())
            .map(|station| &station["entry"])
            .collect();
        assert_eq!(audited("hundred.write"), versions(hundred_entries));

        let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
        let stations: Vec<&Value> = results["stations"].as_array().unwrap().iter().collect();
        assert_eq!(audited("final_results.write"), versions(stations));
        total_writes += audited("turnout.write") + audited("hundred.write");
    }
    assert!(
        total_writes > 700,
        "the kill came after {total_writes} writes"
    );
}
