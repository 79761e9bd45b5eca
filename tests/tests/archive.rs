//! Backups, restoration, and archives of closed elections moved between hubs.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use urne_tests::{Hub, fixture, import, run_hub, wait_until};

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn gouesnou_configuration(db: &Path) -> i64 {
    let ids = import(
        db,
        &[
            "--configuration-only",
            &path_text(&fixture(
                "data/gouesnou_29061_legislatives2024_t1_bureaux.csv",
            )),
            &path_text(&fixture(
                "data/gouesnou_29061_legislatives2024_t1_candidats.csv",
            )),
        ],
    );
    assert_eq!(ids.len(), 1);
    ids[0]
}

/// Voters stored at 12:00 for each station, from `GET /turnout`.
fn noon_voters(hub: &Hub, id: i64) -> Vec<(String, u64)> {
    let turnout = hub.get_json(&format!("/api/v1/elections/{id}/turnout"));
    turnout["slots"][0]["stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|station| {
            (
                station["code"].as_str().unwrap().to_string(),
                station["entry"]["voters"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn backup_during_writes_keeps_acknowledged() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = gouesnou_configuration(&db);
    let hub = Hub::serve(&db);
    let token = hub.token.clone().unwrap();
    let token_before = token.clone();

    // A writer thread keys turnout figures as fast as the hub acknowledges them and
    // records the time of each acknowledgement.
    let base = hub.base.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let writer_stop = stop.clone();
    let writer = std::thread::spawn(move || {
        let client = reqwest::blocking::Client::new();
        let mut acknowledged: Vec<(Instant, String, u32)> = Vec::new();
        for step in 0u32..5_000 {
            if writer_stop.load(Ordering::Relaxed) {
                break;
            }
            let station = format!("{:04}", step % 6 + 1);
            let voters = step / 6 + 1;
            let response = client
                .put(format!(
                    "{base}/api/v1/elections/{id}/stations/{station}/turnout/12:00"
                ))
                .bearer_auth(&token)
                .json(&json!({"base_version": step / 6, "voters": voters}))
                .send()
                .unwrap();
            assert!(response.status().is_success(), "write {step} rejected");
            acknowledged.push((Instant::now(), station, voters));
        }
        acknowledged
    });
    assert!(wait_until(Duration::from_secs(30), || {
        hub.get_json("/api/v1/health")["latest_event_id"]
            .as_i64()
            .unwrap_or(0)
            > 60
    }));

    let backup = directory.path().join("backup.sqlite");
    let started = Instant::now();
    let output = run_hub(&[
        "backup",
        "--db",
        &path_text(&db),
        "--out",
        &path_text(&backup),
    ]);
    assert!(output.success, "{}", output.stderr);
    // Writes go on after the backup, so the copy must be older than the live file.
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let acknowledged = writer.join().unwrap();
    let before_backup: Vec<&(Instant, String, u32)> = acknowledged
        .iter()
        .filter(|(at, _, _)| *at < started)
        .collect();
    assert!(before_backup.len() > 60, "{} writes", before_backup.len());
    assert!(acknowledged.len() > before_backup.len());

    // While a hub serves the database, restore rejects it without --force.
    let refused = run_hub(&["restore", "--db", &path_text(&db), &path_text(&backup)]);
    assert!(!refused.success);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    drop(hub);

    let restored = run_hub(&["restore", "--db", &path_text(&db), &path_text(&backup)]);
    assert!(restored.success, "{}", restored.stderr);
    assert!(restored.stdout.contains("conservée"), "{}", restored.stdout);

    let mut hub = Hub::serve(&db);
    // The restored database keeps the token of the database it was copied from.
    hub.token = Some(token_before);
    let stored = noon_voters(&hub, id);
    for (_, station, voters) in &before_backup {
        let value = stored
            .iter()
            .find(|(code, _)| code == station)
            .map_or(0, |(_, value)| *value);
        assert!(
            value >= u64::from(*voters),
            "station {station}: acknowledged {voters} before the backup, restored {value}"
        );
    }
    // The restored hub keeps working: one more write on top of the restored version.
    let version: u64 = hub.get_json(&format!("/api/v1/elections/{id}/turnout"))["slots"][0]
        ["stations"][0]["entry"]["version"]
        .as_u64()
        .unwrap();
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/stations/0001/turnout/12:00"),
        &json!({"base_version": version, "voters": 900}),
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn restore_rejects_damaged_backup() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    gouesnou_configuration(&db);
    let backup = directory.path().join("backup.sqlite");
    let output = run_hub(&[
        "backup",
        "--db",
        &path_text(&db),
        "--out",
        &path_text(&backup),
    ]);
    assert!(output.success, "{}", output.stderr);

    // Overwrite a page in the middle of the copy.
    let mut bytes = std::fs::read(&backup).unwrap();
    assert!(bytes.len() > 8192);
    for byte in &mut bytes[4096..8192] {
        *byte = 0xA5;
    }
    std::fs::write(&backup, &bytes).unwrap();
    let before = std::fs::read(&db).unwrap();
    let output = run_hub(&["restore", "--db", &path_text(&db), &path_text(&backup)]);
    assert!(!output.success);
    assert!(output.stderr.contains("refusée"), "{}", output.stderr);
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database changed");
}

#[test]
fn scheduled_backups_keep_newest() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    gouesnou_configuration(&db);
    let folder = directory.path().join("backups");
    let db_text = path_text(&db);
    let folder_text = path_text(&folder);
    let args = [
        "serve",
        "--db",
        &db_text,
        "--listen",
        "127.0.0.1:0",
        "--backup-dir",
        &folder_text,
        "--backup-every",
        "1s",
        "--backup-keep",
        "2",
    ];
    let hub = Hub::start(&args, 2);
    let count = || {
        std::fs::read_dir(&folder).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_name().to_string_lossy().ends_with(".sqlite"))
                .count()
        })
    };
    // Four periods give four backups, of which the two newest are kept.
    std::thread::sleep(Duration::from_millis(4_500));
    assert_eq!(count(), 2);
    drop(hub);
    let newest = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .max()
        .unwrap();
    let copy = directory.path().join("restored.sqlite");
    let output = run_hub(&["restore", "--db", &path_text(&copy), &path_text(&newest)]);
    assert!(output.success, "{}", output.stderr);
    let hub = Hub::serve(&copy);
    let elections: Value = hub.get_json("/api/v1/elections");
    assert_eq!(
        elections["elections"].as_array().map(Vec::len),
        Some(1),
        "{elections}"
    );
}

/// Station 0001 of Gouesnou, round 1: 994 inscrits, 760 votants, 13 blancs, 7 nuls.
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

/// Lists every row of the election's tables, its own row first, without the renumbered
/// `id` keys and with the election id replaced by 0.
fn election_rows(db: &Path, id: i64) -> Vec<String> {
    use rusqlite::types::Value as SqlValue;
    let connection = rusqlite::Connection::open(db).unwrap();
    let mut tables: Vec<String> = connection
        .prepare(
            "SELECT m.name FROM sqlite_schema m WHERE m.type = 'table' AND m.name <> 'event'
             AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'election_id')",
        )
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables.sort();
    let mut lines = Vec::new();
    let mut dump = |table: &str, filter: &str| {
        let mut statement = connection
            .prepare(&format!(
                "SELECT * FROM {table} WHERE {filter} ORDER BY rowid"
            ))
            .unwrap();
        let names: Vec<String> = statement
            .column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        let rows: Vec<String> = statement
            .query_map([id], |row| {
                let mut cells = Vec::new();
                for (index, name) in names.iter().enumerate() {
                    if name == "id" {
                        continue;
                    }
                    let value: SqlValue = row.get(index)?;
                    let value = if name == "election_id" {
                        SqlValue::Integer(0)
                    } else {
                        value
                    };
                    cells.push(format!("{name}={value:?}"));
                }
                Ok(format!("{table}: {}", cells.join(" | ")))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        lines.extend(rows);
    };
    dump("election", "id = ?1");
    for table in &tables {
        dump(table, "election_id = ?1");
    }
    lines
}

#[test]
fn archive_moves_election_identically() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = gouesnou_configuration(&db);
    let hub = Hub::serve(&db);
    for (index, station) in ["0001", "0002", "0003"].iter().enumerate() {
        let voters = 200 + u32::try_from(index).unwrap();
        let (status, body) = hub.put(
            &format!("/api/v1/elections/{id}/stations/{station}/turnout/12:00"),
            &json!({"base_version": 0, "voters": voters}),
        );
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/stations/0001/results"),
        &station_one(0),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = hub.post(
        &format!("/api/v1/elections/{id}/stations/0001/validation"),
        &json!({"base_version": 1}),
    );
    assert_eq!(status, 200, "{body}");

    let db_text = path_text(&db);
    let id_text = id.to_string();
    let output = run_hub(&["archive", "close", "--db", &db_text, &id_text]);
    assert!(output.success, "{}", output.stderr);

    // Every write is now rejected with a French message, whatever its route.
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/stations/0002/turnout/12:00"),
        &json!({"base_version": 1, "voters": 300}),
    );
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("archivée"), "{body}");
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/embargo"),
        &json!({"until": "2024-06-30T20:00:00+02:00"}),
    );
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("élection archivée"), "{body}");
    drop(hub);

    let archive = directory.path().join("gouesnou.urne-archive.json");
    let output = run_hub(&[
        "archive",
        "export",
        "--db",
        &db_text,
        &id_text,
        "--out",
        &path_text(&archive),
    ]);
    assert!(output.success, "{}", output.stderr);

    let other = directory.path().join("other.sqlite");
    let other_text = path_text(&other);
    // The other hub already contains another election, so the ids differ.
    import(
        &other,
        &[
            "--configuration-only",
            &path_text(&fixture(
                "data/toulouse_31555_municipales2026_t2_bureaux.csv",
            )),
            &path_text(&fixture(
                "data/toulouse_31555_municipales2026_t2_listes.csv",
            )),
        ],
    );
    let output = run_hub(&[
        "archive",
        "import",
        "--db",
        &other_text,
        &path_text(&archive),
    ]);
    assert!(output.success, "{}", output.stderr);
    let imported: i64 = output.stdout.split('\t').next().unwrap().parse().unwrap();
    assert_ne!(imported, id);

    let original = election_rows(&db, id);
    let copy = election_rows(&other, imported);
    assert!(original.iter().any(|line| line.starts_with("audit:")));
    assert!(
        original
            .iter()
            .any(|line| line.starts_with("station_votes:"))
    );
    assert!(original.iter().any(|line| line.starts_with("turnout:")));
    assert_eq!(original.len(), copy.len());
    for (left, right) in original.iter().zip(&copy) {
        assert_eq!(left, right);
    }

    // Exported again from the other hub, the archive has the same content.
    let again = directory.path().join("again.json");
    let output = run_hub(&[
        "archive",
        "export",
        "--db",
        &other_text,
        &imported.to_string(),
        "--out",
        &path_text(&again),
    ]);
    assert!(output.success, "{}", output.stderr);
    let first: Value = serde_json::from_slice(&std::fs::read(&archive).unwrap()).unwrap();
    let second: Value = serde_json::from_slice(&std::fs::read(&again).unwrap()).unwrap();
    assert_eq!(first["election"], second["election"]);
    assert_eq!(first["tables"], second["tables"]);

    // The same election twice is rejected, and nothing changes.
    let output = run_hub(&[
        "archive",
        "import",
        "--db",
        &other_text,
        &path_text(&archive),
    ]);
    assert!(!output.success);
    assert!(output.stderr.contains("existe déjà"), "{}", output.stderr);
}

#[test]
fn web_archiving_freezes_election() {
    use urne_tests::browser::{FormSession, PASSWORD, gouesnou_site};
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let admin = FormSession::login(&hub.base, "admin", PASSWORD);
    for target in ["closed", "archived"] {
        let response = admin.post(
            &format!("/admin/elections/{id}/state"),
            &[("target", target.to_string())],
        );
        assert_eq!(response.status, 303, "{target}: {}", response.body);
    }
    let elections = hub.get_json("/api/v1/elections");
    assert_eq!(elections["elections"][0]["state"], "archived");
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let last = audit["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "election.state");
    assert_eq!(last["after"]["state"], "archived");

    // Nothing can be changed any more, through the API or the pages.
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/embargo"),
        &json!({"until": "2099-01-01T20:00:00+01:00"}),
    );
    assert_eq!(status, 409, "{body}");
    let response = admin.post(
        &format!("/admin/elections/{id}/state"),
        &[
            ("target", "open".to_string()),
            ("reason", "essai".to_string()),
        ],
    );
    assert_eq!(response.status, 409, "{}", response.body);
}
