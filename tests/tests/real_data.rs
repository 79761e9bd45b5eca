//! Every bundled real data set, imported with `urne-hub import` and read back through the
//! API: the commune's totals and every candidate's votes equal the official figures
//! published by the Ministry of the Interior and Toulouse Métropole.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::time::Duration;
use urne_tests::{Hub, fixture, import, wait_until};

/// Official commune totals: inscrits, signatures (votants), ballots found, blancs, nuls,
/// exprimés, then (ballot number, votes) for every candidate or list.
struct Official {
    stations: u64,
    registered: u64,
    voters: u64,
    ballots_found: u64,
    blank: u64,
    invalid: u64,
    valid_votes: u64,
    votes: &'static [(u64, u64)],
}

const GOUESNOU_T1: Official = Official {
    stations: 6,
    registered: 5397,
    voters: 4005,
    ballots_found: 4005,
    blank: 69,
    invalid: 27,
    valid_votes: 3909,
    votes: &[
        (1, 922),
        (2, 104),
        (3, 833),
        (4, 88),
        (5, 24),
        (6, 12),
        (7, 945),
        (8, 957),
        (9, 21),
        (10, 3),
    ],
};

const GOUESNOU_T2: Official = Official {
    stations: 6,
    registered: 5398,
    voters: 4097,
    ballots_found: 4097,
    blank: 69,
    invalid: 18,
    valid_votes: 4010,
    votes: &[(3, 1824), (7, 1149), (8, 1037)],
};

const BONDY_T1: Official = Official {
    stations: 32,
    registered: 25281,
    voters: 17732,
    ballots_found: 17732,
    blank: 260,
    invalid: 125,
    valid_votes: 17347,
    votes: &[
        (1, 80),
        (2, 276),
        (3, 3290),
        (4, 254),
        (5, 2026),
        (6, 705),
        (7, 9290),
        (8, 173),
        (9, 378),
        (10, 551),
        (11, 113),
        (12, 211),
    ],
};

/// Toulouse publishes two counts: the one consistent with blancs + nuls + exprimés (the
/// ballots found, 158977) and a second one (158959), read as the signatures.
const TOULOUSE_T1: Official = Official {
    stations: 284,
    registered: 281354,
    voters: 158959,
    ballots_found: 158977,
    blank: 1221,
    invalid: 735,
    valid_votes: 157021,
    votes: &[
        (1, 653),
        (2, 1611),
        (3, 39245),
        (4, 43274),
        (5, 58462),
        (7, 2648),
        (8, 8447),
        (9, 438),
        (10, 290),
        (11, 1953),
    ],
};

const TOULOUSE_T2: Official = Official {
    stations: 285,
    registered: 281713,
    voters: 175980,
    ballots_found: 175998,
    blank: 3397,
    invalid: 1524,
    valid_votes: 171077,
    votes: &[(5, 92152), (12, 78925)],
};

fn paths(relative: &[&str]) -> Vec<String> {
    relative
        .iter()
        .map(|r| fixture(r).to_string_lossy().into_owned())
        .collect()
}

fn check_commune(results: &Value, official: &Official) {
    let commune = &results["commune"];
    let name = results["election"]["label"].clone();
    assert_eq!(commune["progress"]["total"], official.stations, "{name}");
    assert_eq!(commune["progress"]["counted"], official.stations, "{name}");
    assert_eq!(commune["registered_all"], official.registered, "{name}");
    assert_eq!(commune["registered_counted"], official.registered, "{name}");
    assert_eq!(commune["voters"], official.voters, "{name}");
    assert_eq!(commune["ballots_found"], official.ballots_found, "{name}");
    assert_eq!(commune["blank"], official.blank, "{name}");
    assert_eq!(commune["invalid"], official.invalid, "{name}");
    assert_eq!(commune["valid_votes"], official.valid_votes, "{name}");
    let candidates = commune["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), official.votes.len(), "{name}");
    for (number, votes) in official.votes {
        let candidate = candidates
            .iter()
            .find(|c| c["ballot_number"] == *number)
            .unwrap_or_else(|| panic!("{name}: no candidate {number}"));
        assert_eq!(candidate["votes"], *votes, "{name}: candidate {number}");
    }
    assert_eq!(
        commune["progress"]["share"]["percent"], "100,00",
        "{name}: every station counted"
    );
}

/// Imports one data set into a fresh database and checks it through the API.
fn check_data_set(files: &[&str], extra: &[&str], official: &Official) {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let files = paths(files);
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(files.iter().map(String::as_str));
    let ids = import(&db, &args);
    assert_eq!(ids.len(), 1, "one election per data set");
    let hub = Hub::serve(&db);
    let results = hub.get_json(&format!("/api/v1/elections/{}/results", ids[0]));
    check_commune(&results, official);
}

#[test]
fn gouesnou_round_one_own_layout() {
    check_data_set(
        &[
            "data/gouesnou_29061_legislatives2024_t1_bureaux.csv",
            "data/gouesnou_29061_legislatives2024_t1_candidats.csv",
            "data/gouesnou_29061_legislatives2024_t1_voix.csv",
        ],
        &[],
        &GOUESNOU_T1,
    );
}

#[test]
fn gouesnou_round_one_resaved_ministry_file() {
    check_data_set(
        &["formats/tiers_reexport_csv_bv_LG2024T1_gouesnou_extrait.csv"],
        &[],
        &GOUESNOU_T1,
    );
}

#[test]
fn gouesnou_round_two_own_layout() {
    check_data_set(
        &[
            "data/gouesnou_29061_legislatives2024_t2_bureaux.csv",
            "data/gouesnou_29061_legislatives2024_t2_candidats.csv",
            "data/gouesnou_29061_legislatives2024_t2_voix.csv",
        ],
        &[],
        &GOUESNOU_T2,
    );
}

#[test]
fn gouesnou_round_two_ministry_file() {
    check_data_set(
        &["formats/ministere_csv_bv_LG2024T2_gouesnou_extrait.csv"],
        &[],
        &GOUESNOU_T2,
    );
}

#[test]
fn gouesnou_from_constituency_file() {
    check_data_set(
        &["formats/ministere_csv_bv_LG2024T2_circos_29-02_29-03_sans_brest_plouzane.csv"],
        &["--commune", "29061"],
        &GOUESNOU_T2,
    );
}

#[test]
fn bondy_own_layout() {
    check_data_set(
        &[
            "data/bondy_93010_presidentielle2022_t1_bureaux.csv",
            "data/bondy_93010_presidentielle2022_t1_candidats.csv",
            "data/bondy_93010_presidentielle2022_t1_voix.csv",
        ],
        &[],
        &BONDY_T1,
    );
}

#[test]
fn bondy_ministry_file() {
    check_data_set(
        &["formats/tiers_reexport_csv_bv_PR2022T1_bondy.csv"],
        &[],
        &BONDY_T1,
    );
}

#[test]
fn toulouse_round_one_row_layout() {
    check_data_set(
        &[
            "formats/toulouse_opendata_municipales2026_t1_raw_columns.csv",
            "data/toulouse_31555_municipales2026_t1_listes.csv",
        ],
        &[],
        &TOULOUSE_T1,
    );
}

#[test]
fn toulouse_round_one_own_layout() {
    check_data_set(
        &[
            "data/toulouse_31555_municipales2026_t1_bureaux.csv",
            "data/toulouse_31555_municipales2026_t1_listes.csv",
            "data/toulouse_31555_municipales2026_t1_voix.csv",
        ],
        &[],
        &TOULOUSE_T1,
    );
}

#[test]
fn toulouse_round_two_row_layout() {
    check_data_set(
        &[
            "formats/toulouse_opendata_municipales2026_t2_raw_columns.csv",
            "data/toulouse_31555_municipales2026_t2_listes.csv",
        ],
        &[],
        &TOULOUSE_T2,
    );
}

#[test]
fn toulouse_round_two_own_layout() {
    check_data_set(
        &[
            "data/toulouse_31555_municipales2026_t2_bureaux.csv",
            "data/toulouse_31555_municipales2026_t2_listes.csv",
            "data/toulouse_31555_municipales2026_t2_voix.csv",
        ],
        &[],
        &TOULOUSE_T2,
    );
}

#[test]
fn toulouse_signature_gaps_recorded_as_warnings() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let files = paths(&[
        "formats/toulouse_opendata_municipales2026_t1_raw_columns.csv",
        "data/toulouse_31555_municipales2026_t1_listes.csv",
    ]);
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let id = import(&db, &args)[0];
    let hub = Hub::serve(&db);
    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    let with_gap = results["stations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|station| {
            station["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "signatures_ballots_gap" && f["severity"] == "warning")
        })
        .count();
    assert_eq!(
        with_gap, 25,
        "25 stations of round 1 publish two different counts"
    );
    let station = results["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "054A");
    assert!(station.is_some(), "letter-suffixed station codes are kept");
}

/// `urne-hub demo` replays both bundled elections through the write path; once every
/// station has arrived, the totals equal the official ones.
#[test]
fn demo_replays_to_official_totals() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("demo.sqlite");
    let hub = Hub::demo(&db, 60, 7);
    assert!(hub.token.is_some(), "{:?}", hub.stdout_lines);
    let elections = hub.get_json("/api/v1/elections")["elections"].clone();
    let elections = elections.as_array().unwrap();
    assert_eq!(elections.len(), 2);
    assert!(elections.iter().all(|e| e["rehearsal"] == true));

    for election in elections {
        let id = election["id"].as_i64().unwrap();
        let official = if election["commune_name"] == "Toulouse" {
            &TOULOUSE_T1
        } else {
            &BONDY_T1
        };
        let path = format!("/api/v1/elections/{id}/results");
        let complete = wait_until(Duration::from_secs(60), || {
            hub.get_json(&path)["commune"]["progress"]["counted"] == official.stations
        });
        assert!(complete, "election {id} did not complete");
        check_commune(&hub.get_json(&path), official);

        let turnout = hub.get_json(&format!("/api/v1/elections/{id}/turnout"));
        for slot in turnout["slots"].as_array().unwrap() {
            assert_eq!(slot["progress"]["counted"], official.stations);
        }
        let hundreds = hub.get_json(&format!("/api/v1/elections/{id}/hundreds"));
        for hundred in hundreds["hundreds"].as_array().unwrap() {
            assert_eq!(hundred["progress"]["counted"], official.stations);
        }
        let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
        let writes = audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["actor"] == "démo")
            .count();
        // Two turnout slots, two centaines and the final results per station, plus the
        // creation record.
        assert_eq!(
            u64::try_from(writes).unwrap(),
            official.stations * 5 + 1,
            "election {id}"
        );
    }
}
