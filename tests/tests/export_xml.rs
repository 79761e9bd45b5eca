//! `urne-hub export` on bundled real data sets: the prefecture XML and the Ministry-layout
//! CSV against golden files, the open-data round trip through `urne-hub import`, a
//! rehearsal's SIMULATION mark, and the command line's messages on bad input.
//!
//! `UPDATE_GOLDEN=1 cargo test -p urne-tests --test export_xml` rewrites the golden files
//! in tests/fixtures/golden/ from the current output; review the diff before committing.
//! The XML and CSV carry no timestamp, so nothing needs normalising.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use urne_tests::{Hub, fixture, import, run_hub, wait_until};

const GOUESNOU_T1: [&str; 3] = [
    "data/gouesnou_29061_legislatives2024_t1_bureaux.csv",
    "data/gouesnou_29061_legislatives2024_t1_candidats.csv",
    "data/gouesnou_29061_legislatives2024_t1_voix.csv",
];
const BONDY_T1: [&str; 3] = [
    "data/bondy_93010_presidentielle2022_t1_bureaux.csv",
    "data/bondy_93010_presidentielle2022_t1_candidats.csv",
    "data/bondy_93010_presidentielle2022_t1_voix.csv",
];

fn paths(relative: &[&str]) -> Vec<String> {
    relative
        .iter()
        .map(|r| fixture(r).to_string_lossy().into_owned())
        .collect()
}

/// Imports a data set into `db` and returns its election id.
fn import_data_set(db: &Path, files: &[&str]) -> i64 {
    let files = paths(files);
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let ids = import(db, &args);
    assert_eq!(ids.len(), 1, "one election per data set");
    ids[0]
}

/// Runs `urne-hub export` and returns the files it printed.
fn export(db: &Path, id: i64, format: &str, out: &Path) -> (Vec<PathBuf>, String) {
    let db = db.to_string_lossy().into_owned();
    let id = id.to_string();
    let out = out.to_string_lossy().into_owned();
    let output = run_hub(&[
        "export", "--db", &db, &id, "--format", format, "--out", &out,
    ]);
    assert!(output.success, "export {format} failed: {}", output.stderr);
    let files = output.stdout.lines().map(PathBuf::from).collect();
    (files, output.stderr)
}

/// Compares `actual` with the golden file, or rewrites it when UPDATE_GOLDEN is set.
fn check_golden(name: &str, actual: &str) {
    let path = fixture(&format!("golden/{name}"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "golden file {} unreadable ({error}): run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let difference = expected
        .lines()
        .zip(actual.lines())
        .enumerate()
        .find(|(_, (expected, actual))| expected != actual);
    match difference {
        Some((index, (expected, actual))) => panic!(
            "{name} differs from its golden file at line {}:\n  expected: {expected}\n  actual:   {actual}\n\
             (UPDATE_GOLDEN=1 rewrites the golden file)",
            index + 1
        ),
        None => panic!(
            "{name} differs from its golden file in length: {} lines expected, {} written",
            expected.lines().count(),
            actual.lines().count()
        ),
    }
}

#[test]
fn gouesnou_prefecture_xml_golden() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_data_set(&db, &GOUESNOU_T1);
    let (files, stderr) = export(&db, id, "prefecture-xml", directory.path());
    assert_eq!(
        files,
        vec![directory.path().join("29061_LG2024T1_prefecture.xml")]
    );
    assert!(stderr.contains("disposition XML : feed-2024"), "{stderr}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    check_golden("gouesnou_29061_LG2024T1_prefecture.xml", &text);
}

#[test]
fn bondy_prefecture_xml_golden() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_data_set(&db, &BONDY_T1);
    let (files, stderr) = export(
        &db,
        id,
        "prefecture-xml",
        &directory.path().join("bondy.xml"),
    );
    assert_eq!(files, vec![directory.path().join("bondy.xml")]);
    assert!(
        stderr.contains("disposition XML : commune-feed-2022"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&files[0]).unwrap();
    check_golden("bondy_93010_PR2022T1_prefecture.xml", &text);
}

#[test]
fn layout_chosen_on_command_line() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_data_set(&db, &GOUESNOU_T1);
    let out = directory.path().join("gouesnou-2022.xml");
    let (files, stderr) = export(&db, id, "prefecture-xml:commune-feed-2022", &out);
    assert!(
        stderr.contains("disposition XML : commune-feed-2022"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("<RapportExprime>23,59</RapportExprime>"));
    assert!(text.contains("<CodCirLg>2902</CodCirLg>"));
}

#[test]
fn gouesnou_opendata_csv_golden() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_data_set(&db, &GOUESNOU_T1);
    let (files, _) = export(&db, id, "opendata-csv", directory.path());
    let bytes = std::fs::read(&files[0]).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte-order mark"
    );
    check_golden(
        "gouesnou_29061_LG2024T1_resultats-bv.csv",
        &String::from_utf8(bytes).unwrap(),
    );
}

/// GETs a JSON document from a hub serving `db`.
fn view(db: &Path, path: &str) -> Value {
    let hub = Hub::serve(db);
    hub.get_json(path)
}

/// Exports the Ministry-layout CSV, imports it into a fresh database and compares the
/// stations, the candidates and every station's count.
fn check_opendata_round_trip(files: &[&str]) {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("source.sqlite");
    let id = import_data_set(&db, files);
    let (exported, _) = export(&db, id, "opendata-csv", directory.path());
    let copy = directory.path().join("copy.sqlite");
    let copy_ids = import(&copy, &[exported[0].to_str().unwrap()]);
    assert_eq!(copy_ids.len(), 1);

    let source = view(&db, &format!("/api/v1/elections/{id}"));
    let copied = view(&copy, &format!("/api/v1/elections/{}", copy_ids[0]));
    for field in ["kind", "date", "round", "commune"] {
        assert_eq!(copied[field], source[field], "{field}");
    }
    let stations = |config: &Value| -> Vec<(Value, Value)> {
        config["stations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["code"].clone(), s["registered"].clone()))
            .collect()
    };
    assert_eq!(stations(&copied), stations(&source));
    let source_candidates = source["candidates"].as_array().unwrap();
    let copied_candidates = copied["candidates"].as_array().unwrap();
    assert_eq!(copied_candidates.len(), source_candidates.len());
    for (found, expected) in copied_candidates.iter().zip(source_candidates) {
        for field in [
            "ballot_number",
            "surname",
            "first_name",
            "sex",
            "nuance",
            "list_label",
        ] {
            assert_eq!(
                found[field], expected[field],
                "candidate {}: {field}",
                expected["ballot_number"]
            );
        }
    }

    let source_results = view(&db, &format!("/api/v1/elections/{id}/results"));
    let copied_results = view(&copy, &format!("/api/v1/elections/{}/results", copy_ids[0]));
    let counts = |results: &Value| -> Vec<(Value, Value)> {
        results["stations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["code"].clone(), s["count"].clone()))
            .collect()
    };
    let source_counts = counts(&source_results);
    assert!(source_counts.iter().all(|(_, count)| !count.is_null()));
    assert_eq!(counts(&copied_results), source_counts);
}

#[test]
fn gouesnou_opendata_round_trip() {
    check_opendata_round_trip(&GOUESNOU_T1);
}

#[test]
fn bondy_opendata_round_trip() {
    check_opendata_round_trip(&BONDY_T1);
}

/// Toulouse publishes signatures and ballots found separately for 25 stations: both
/// survive the round trip.
#[test]
fn toulouse_opendata_round_trip() {
    check_opendata_round_trip(&[
        "formats/toulouse_opendata_municipales2026_t1_raw_columns.csv",
        "data/toulouse_31555_municipales2026_t1_listes.csv",
    ]);
}

#[test]
fn long_csv_and_json_written() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_data_set(&db, &GOUESNOU_T1);
    let (files, _) = export(&db, id, "long-csv", directory.path());
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("UTF-8 byte-order mark");
    assert_eq!(
        text.lines().count(),
        1 + 6 * 10,
        "a header and a row per station and candidate"
    );
    assert!(text.contains(";0001;Bureau 0001;"), "{text}");
    assert!(
        text.contains(";BRÉHIER;Tristan;MASCULIN;;175;23,65"),
        "{text}"
    );

    let (files, _) = export(&db, id, "json", directory.path());
    let document: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(document["totals"]["valid_votes"], 3909);
    assert_eq!(document["commune"]["department_name"], "Finistère");
    assert_eq!(document["stations"][0]["figures"]["votes"][0]["votes"], 175);
}

/// `urne-hub demo` marks its elections as rehearsals, so every export is marked SIMULATION.
#[test]
fn rehearsal_exports_say_simulation() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("demo.sqlite");
    let db_text = db.to_string_lossy().into_owned();
    let mut hub = Hub::demo(&db, 60, 3);
    let elections = hub.get_json("/api/v1/elections")["elections"].clone();
    let bondy = elections
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["commune_name"] == "Bondy")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/elections/{bondy}/results");
    let complete = wait_until(Duration::from_secs(60), || {
        hub.get_json(&path)["commune"]["progress"]["counted"] == 32
    });
    assert!(complete, "the demo did not finish");
    hub.kill();

    let id = bondy.to_string();
    let out = directory
        .path()
        .join("bondy.xml")
        .to_string_lossy()
        .into_owned();
    let output = run_hub(&[
        "export",
        "--db",
        &db_text,
        &id,
        "--format",
        "prefecture-xml",
        "--out",
        &out,
    ]);
    assert!(output.success, "{}", output.stderr);
    assert!(
        output.stderr.contains("est une simulation"),
        "{}",
        output.stderr
    );
    let written = directory.path().join("bondy-SIMULATION.xml");
    assert_eq!(output.stdout.trim(), written.to_string_lossy());
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.contains("<Election Statut=\"SIMULATION\">"));
    assert!(text.contains("<!-- SIMULATION : "));
    assert!(!directory.path().join("bondy.xml").exists());

    let (files, stderr) = export(&db, bondy, "json", directory.path());
    assert!(stderr.contains("simulation"), "{stderr}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(name, "93010_PR2022T1_resultats-SIMULATION.json");
}

#[test]
fn bad_input_explained_in_french() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_data_set(&db, &GOUESNOU_T1);
    let db_text = db.to_string_lossy().into_owned();
    let id_text = id.to_string();
    let out = directory
        .path()
        .join("x.xml")
        .to_string_lossy()
        .into_owned();

    let output = run_hub(&[
        "export", "--db", &db_text, &id_text, "--format", "xml", "--out", &out,
    ]);
    assert!(!output.success);
    assert!(
        output.stderr.contains("format d'export inconnu « xml »"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("utilisez prefecture-xml"),
        "{}",
        output.stderr
    );

    let output = run_hub(&[
        "export", "--db", &db_text, "99", "--format", "json", "--out", &out,
    ]);
    assert!(!output.success);
    assert!(
        output.stderr.contains("élection 99 introuvable"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("urne-hub import"),
        "{}",
        output.stderr
    );

    let blocker = directory.path().join("not-a-folder");
    std::fs::write(&blocker, b"").unwrap();
    let unwritable = blocker.join("export.xml").to_string_lossy().into_owned();
    let output = run_hub(&[
        "export",
        "--db",
        &db_text,
        &id_text,
        "--format",
        "prefecture-xml",
        "--out",
        &unwritable,
    ]);
    assert!(!output.success);
    assert!(
        output.stderr.contains("impossible d'écrire"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains(&unwritable), "{}", output.stderr);
    assert!(output.stderr.contains("--out"), "{}", output.stderr);

    let missing = directory
        .path()
        .join("missing.sqlite")
        .to_string_lossy()
        .into_owned();
    let output = run_hub(&[
        "export", "--db", &missing, "1", "--format", "json", "--out", &out,
    ]);
    assert!(!output.success);
    assert!(output.stderr.contains("introuvable"), "{}", output.stderr);
    assert!(output.stderr.contains("--db"), "{}", output.stderr);
    assert!(
        !Path::new(&missing).exists(),
        "a missing database is not created"
    );

    let output = run_hub(&[
        "export",
        "--db",
        &db_text,
        &id_text,
        "--format",
        "prefecture-seats-xml",
        "--out",
        &out,
    ]);
    assert!(!output.success);
    assert!(
        output
            .stderr
            .contains("répartition des sièges non calculée"),
        "{}",
        output.stderr
    );
    assert!(!Path::new(&out).exists());
}
