//! Bugs found by feeding the hub hostile input, each pinned by the test under its
//! one-line statement.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Duration;
use urne_tests::{Hub, fixture, import, run_hub};

fn gouesnou_files(round: u8) -> Vec<String> {
    ["bureaux", "candidats", "voix"]
        .iter()
        .map(|role| {
            fixture(&format!(
                "data/gouesnou_29061_legislatives2024_t{round}_{role}.csv"
            ))
            .to_string_lossy()
            .into_owned()
        })
        .collect()
}

/// Imports Gouesnou's législatives 2024 round 1 with its results and returns the
/// database and the election id.
fn gouesnou_db(directory: &Path) -> (PathBuf, i64) {
    let db = directory.join("urne.sqlite");
    let files = gouesnou_files(1);
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let ids = import(&db, &args);
    (db, ids[0])
}

fn audit_count(hub: &Hub, id: i64) -> usize {
    hub.get_json(&format!("/api/v1/elections/{id}/audit"))["entries"]
        .as_array()
        .unwrap()
        .len()
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

fn error_message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

/// Sends a raw request and returns its status and the body parsed as JSON, or
/// `Value::Null` when the body is not JSON.
fn send_raw(hub: &Hub, method: reqwest::Method, path: &str, body: Vec<u8>) -> (u16, Value) {
    let mut request = hub
        .client
        .request(method, hub.url(path))
        .header("content-type", "application/json")
        .body(body);
    if let Some(token) = &hub.token {
        request = request.bearer_auth(token);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let text = response.text().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn first_event_id(reader: &mut impl BufRead) -> i64 {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stream ended");
        if let Some(id) = line.trim_end().strip_prefix("id:") {
            return id.trim().parse().unwrap();
        }
    }
}

// A Last-Event-ID above the latest event used to leave the stream silent until the
// database reached that id, and i64::MAX made the hub panic on an integer overflow.
#[test]
fn events_resume_past_latest_id() {
    let directory = tempfile::tempdir().unwrap();
    let (db, id) = gouesnou_db(directory.path());
    let hub = Hub::serve(&db);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let maximum = client
        .get(hub.url("/api/v1/events"))
        .header("Last-Event-ID", i64::MAX.to_string())
        .send()
        .unwrap();
    assert_eq!(maximum.status().as_u16(), 200);
    let from_other_database = client
        .get(hub.url("/api/v1/events?since=1000000"))
        .send()
        .unwrap();
    assert_eq!(from_other_database.status().as_u16(), 200);

    let slot = format!("/api/v1/elections/{id}/stations/0001/turnout/12:00");
    let (status, written) = hub.put(&slot, &json!({"base_version": 0, "voters": 100}));
    assert_eq!(status, 200, "{written}");
    let event_id = written["event_id"].as_i64().unwrap();
    assert_eq!(first_event_id(&mut BufReader::new(maximum)), event_id);
    assert_eq!(
        first_event_id(&mut BufReader::new(from_other_database)),
        event_id
    );
}

// An invalid `since` or `election` on the events stream used to return 400 in English
// plain text.
#[test]
fn events_bad_query_returns_json_error() {
    let directory = tempfile::tempdir().unwrap();
    let (db, _) = gouesnou_db(directory.path());
    let hub = Hub::serve(&db);
    for (query, field) in [("since=abc", "since"), ("election=x", "election")] {
        let (status, body) = send_raw(
            &hub,
            reqwest::Method::GET,
            &format!("/api/v1/events?{query}"),
            Vec::new(),
        );
        assert_eq!(status, 422, "{query}");
        assert_eq!(error_code(&body), "invalid_query", "{query}");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
}

// A body over the size limit used to return 413 in English plain text.
#[test]
fn oversized_body_returns_json_error() {
    let directory = tempfile::tempdir().unwrap();
    let (db, id) = gouesnou_db(directory.path());
    let hub = Hub::serve(&db);
    let before = audit_count(&hub, id);
    let padding = " ".repeat(3 * 1024 * 1024);
    let body = format!(r#"{{"base_version": 0, "voters": 1{padding}}}"#);
    let path = format!("/api/v1/elections/{id}/stations/0001/turnout/12:00");
    let (status, answer) = send_raw(&hub, reqwest::Method::PUT, &path, body.into_bytes());
    assert_eq!(status, 413);
    assert_eq!(error_code(&answer), "body_too_large");
    assert!(error_message(&answer).contains("octets"));
    // The hub closes a connection whose body it did not read: count on a new one.
    let mut hub = hub;
    hub.client = reqwest::blocking::Client::new();
    assert_eq!(audit_count(&hub, id), before);
}

// A station code or slot that is not UTF-8 once percent-decoded used to answer 400 in
// English plain text.
#[test]
fn non_utf8_path_returns_json_error() {
    let directory = tempfile::tempdir().unwrap();
    let (db, id) = gouesnou_db(directory.path());
    let hub = Hub::serve(&db);
    let before = audit_count(&hub, id);
    let cases = [
        (
            format!("/api/v1/elections/{id}/stations/%FF/results"),
            "station",
        ),
        (
            format!("/api/v1/elections/{id}/stations/0001/turnout/%C3%28"),
            "slot",
        ),
    ];
    for (path, field) in cases {
        let (status, answer) = send_raw(&hub, reqwest::Method::PUT, &path, b"{}".to_vec());
        assert_eq!(status, 422, "{path}");
        assert_eq!(error_code(&answer), "invalid_path", "{path}");
        assert_eq!(answer["error"]["field"], field, "{path}");
    }
    assert_eq!(audit_count(&hub, id), before);
}

// A method that a path does not accept used to return 405 with an empty body.
#[test]
fn wrong_method_returns_json_error() {
    let directory = tempfile::tempdir().unwrap();
    let (db, id) = gouesnou_db(directory.path());
    let hub = Hub::serve(&db);
    let cases = [
        (reqwest::Method::DELETE, format!("/api/v1/elections/{id}")),
        (
            reqwest::Method::GET,
            format!("/api/v1/elections/{id}/stations/0001/results"),
        ),
    ];
    for (method, path) in cases {
        let (status, answer) = send_raw(&hub, method.clone(), &path, Vec::new());
        assert_eq!(status, 405, "{method} {path}");
        assert_eq!(error_code(&answer), "method_not_allowed", "{method} {path}");
        assert!(error_message(&answer).contains(&path), "{answer}");
    }
}

// A body that did not fit used to return serde's English text, and a missing field
// was reported on the field « . » instead of its name.
#[test]
fn body_errors_name_field_in_french() {
    let directory = tempfile::tempdir().unwrap();
    let (db, id) = gouesnou_db(directory.path());
    let hub = Hub::serve(&db);
    let before = audit_count(&hub, id);
    let path = format!("/api/v1/elections/{id}/stations/0001/turnout/12:00");
    let cases = [
        (json!({"base_version": 0}), "voters"),
        (json!({"base_version": 0, "voters": "beaucoup"}), "voters"),
        (
            json!({"base_version": 0, "voters": 4_294_967_296_u64}),
            "voters",
        ),
        (
            json!({"base_version": 0, "voters": 1, "slot": "12:00"}),
            "slot",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = hub.put(&path, &body);
        assert_eq!(status, 422, "{body}");
        assert_eq!(error_code(&answer), "invalid_body", "{body}");
        assert_eq!(answer["error"]["field"], field, "{body}");
        let message = error_message(&answer);
        assert!(message.contains(field), "{message}");
        for english in [
            "missing field",
            "unknown field",
            "invalid type",
            "invalid value",
        ] {
            assert!(!message.contains(english), "{message}");
        }
    }
    assert_eq!(audit_count(&hub, id), before);
}

// `Authorization: bearer TOKEN` used to be rejected as a missing token, although HTTP
// authentication schemes are case-insensitive.
#[test]
fn lowercase_bearer_scheme_accepted() {
    let directory = tempfile::tempdir().unwrap();
    let (db, id) = gouesnou_db(directory.path());
    let hub = Hub::serve(&db);
    let token = hub.token.clone().unwrap();
    let response = hub
        .client
        .put(hub.url(&format!(
            "/api/v1/elections/{id}/stations/0001/turnout/12:00"
        )))
        .header("Authorization", format!("bearer {token}"))
        .json(&json!({"base_version": 0, "voters": 100}))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

// An export to an existing symbolic link (or a device such as /dev/stdout) used to
// replace the link with a regular file.
#[cfg(unix)]
#[test]
fn export_keeps_non_regular_destination() {
    let directory = tempfile::tempdir().unwrap();
    let (db, id) = gouesnou_db(directory.path());
    let target = directory.path().join("target.json");
    std::fs::write(&target, "unchanged").unwrap();
    let link = directory.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let output = run_hub(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        &id.to_string(),
        "--format",
        "json",
        "--out",
        link.to_str().unwrap(),
    ]);
    assert!(!output.success);
    assert!(
        output.stderr.contains("n'est pas un fichier ordinaire"),
        "{}",
        output.stderr
    );
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "unchanged");
}

// The export error for a folder that does not exist used to print the system's cause
// twice.
#[test]
fn export_write_error_cause_once() {
    let directory = tempfile::tempdir().unwrap();
    let (db, id) = gouesnou_db(directory.path());
    let out = directory.path().join("missing-folder/out.json");
    let output = run_hub(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        &id.to_string(),
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!output.success);
    assert_eq!(
        output.stderr.matches("os error 2").count(),
        1,
        "{}",
        output.stderr
    );
}

// The seats export of a list ballot used to claim that Urne does not compute seats yet,
// although the hub computes them; the message now gives the conditions.
#[test]
fn seats_export_names_conditions() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let ids = import(
        &db,
        &[fixture("formats/synthetique_csv_bv_MUN2026T1_exemple.csv")
            .to_str()
            .unwrap()],
    );
    let output = run_hub(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        &ids[0].to_string(),
        "--format",
        "prefecture-seats-xml",
        "--out",
        directory.path().to_str().unwrap(),
    ]);
    assert!(!output.success);
    assert!(
        !output.stderr.contains("pas encore disponible"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("seats/configuration"),
        "{}",
        output.stderr
    );
}

// `token reset` on a mistyped database path used to create an empty database and print
// a token that no running hub accepts.
#[test]
fn token_reset_needs_existing_database() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("mistyped.sqlite");
    let output = run_hub(&["token", "reset", "--db", db.to_str().unwrap()]);
    assert!(!output.success);
    assert!(output.stderr.contains("introuvable"), "{}", output.stderr);
    assert!(!db.exists());
}

// A binary file given to the importer used to be quoted whole in the error message, its
// bytes shown as Windows-1252 text.
#[test]
fn import_binary_file_short_message() {
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("resultats.csv");
    let mut bytes = b"PK\x03\x04\x14\x00\x06\x00\x08\x00".to_vec();
    bytes.extend((0..4000_u32).map(|i| u8::try_from(i % 251).unwrap()));
    std::fs::write(&file, bytes).unwrap();
    let db = directory.path().join("urne.sqlite");
    let output = run_hub(&[
        "import",
        "--db",
        db.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert!(!output.success);
    assert!(
        output.stderr.contains("n'est pas un fichier texte"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.len() < 600, "{}", output.stderr);
}

// A count too large for the hub (over 4294967295) used to be reported as « un nombre
// entier positif est attendu », which it is.
#[test]
fn import_oversized_count_says_too_large() {
    let directory = tempfile::tempdir().unwrap();
    let files = gouesnou_files(1);
    let votes = std::fs::read_to_string(&files[2]).unwrap();
    let changed = votes.replacen(
        "0001,1,BRÉHIER,Tristan,175",
        "0001,1,BRÉHIER,Tristan,99999999999",
        1,
    );
    assert_ne!(changed, votes, "the fixture's first row changed");
    let copy = directory
        .path()
        .join("gouesnou_29061_legislatives2024_t1_voix.csv");
    std::fs::write(&copy, changed).unwrap();
    let db = directory.path().join("urne.sqlite");
    let output = run_hub(&[
        "import",
        "--db",
        db.to_str().unwrap(),
        &files[0],
        &files[1],
        copy.to_str().unwrap(),
    ]);
    assert!(!output.success);
    assert!(output.stderr.contains("trop grande"), "{}", output.stderr);
    assert!(output.stderr.contains("4294967295"), "{}", output.stderr);
}

// The error for a file of several communes used to suggest `--commune 31555` whatever
// the file held.
#[test]
fn import_several_communes_suggests_present_code() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let file = fixture("formats/opendatasoft_export_MUN2014T1_extrait.csv");
    let output = run_hub(&[
        "import",
        "--db",
        db.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert!(!output.success);
    assert!(
        output.stderr.contains("--commune 75116"),
        "{}",
        output.stderr
    );
}
