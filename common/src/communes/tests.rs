use super::*;
use crate::election::{Candidate, Commune, PollingStation, Scope, StationCode};
use chrono::NaiveDate;

fn config() -> ElectionConfig {
    let station = |code: &str, registered| PollingStation {
        code: StationCode::parse(code).unwrap(),
        name: format!("Bureau {code}"),
        polling_place: None,
        canton: None,
        constituency: Some("29-02".into()),
        registered,
    };
    let candidate = |number, surname: &str| Candidate {
        ballot_number: number,
        surname: surname.to_string(),
        first_name: String::new(),
        sex: None,
        nuance: None,
        nuance_label: None,
        list_label: None,
        colour: None,
    };
    ElectionConfig {
        kind: ElectionKind::Legislative,
        date: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
        round: 1,
        scope: Scope::Commune,
        label: "Test".into(),
        commune: Commune {
            insee_code: "29061".into(),
            department_code: "29".into(),
            name: "Gouesnou".into(),
        },
        opening: ElectionConfig::default_opening(),
        closing: ElectionConfig::default_closing(),
        turnout_slots: ElectionConfig::default_turnout_slots(),
        rehearsal: false,
        stations: vec![station("1", 100), station("2", 100)],
        candidates: vec![candidate(1, "UN"), candidate(2, "DEUX")],
    }
}

fn record(registered: u32, a: u32, b: u32) -> StationRecord {
    StationRecord {
        status: StationStatus::Entered,
        count: FinalCount {
            registered,
            voters: a + b,
            ballots_found: None,
            blank: 0,
            invalid: 0,
            valid_votes: a + b,
            votes: BTreeMap::from([(1, a), (2, b)]),
        },
        findings: vec![],
        inconsistency_reason: None,
        version: 1,
        updated_at: String::new(),
        updated_by: String::new(),
    }
}

fn summary() -> ElectionSummary {
    ElectionSummary {
        id: 1,
        kind: ElectionKind::Legislative,
        kind_label: String::new(),
        date: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
        round: 1,
        label: String::new(),
        commune_name: String::new(),
        rehearsal: false,
    }
}

fn list() -> OtherCommunes {
    let commune = |insee: &str, registered| OtherCommune {
        insee_code: insee.into(),
        name: format!("Commune {insee}"),
        registered,
    };
    OtherCommunes {
        version: 1,
        area: Some(GroupingArea {
            kind: AreaKind::Constituency,
            code: "29-02".into(),
            name: "2e circonscription du Finistère".into(),
        }),
        communes: vec![commune("29011", 300), commune("29069", 500)],
    }
}

fn stations() -> BTreeMap<StationCode, StationRecord> {
    BTreeMap::from([
        (StationCode::parse("1").unwrap(), record(100, 60, 20)),
        (StationCode::parse("2").unwrap(), record(100, 50, 30)),
    ])
}

#[test]
fn race_sums_stations_and_communes() {
    let totals = BTreeMap::from([("29011".to_string(), record(300, 100, 150))]);
    let race = compute_race(summary(), 3, &config(), &stations(), &list(), &totals);
    assert_eq!(race.area.code, "29-02");
    assert_eq!(race.area.registered_all, 100 + 100 + 300 + 500);
    assert_eq!(race.area.registered_counted, 100 + 100 + 300);
    assert_eq!(race.area.valid_votes, 80 + 80 + 250);
    assert_eq!(race.area.candidates[0].votes, 60 + 50 + 100);
    assert_eq!(race.area.candidates[1].votes, 20 + 30 + 150);
    assert_eq!(
        race.progress.label,
        "bureaux de la commune 2/2, communes 1/2"
    );
    assert!(!race.progress.complete);
    assert!(race.provisional);
    assert_eq!(race.communes[1].status, StationStatus::NotArrived);
}

#[test]
fn race_final_once_every_commune_is_in() {
    let totals = BTreeMap::from([
        ("29011".to_string(), record(300, 100, 150)),
        ("29069".to_string(), record(500, 300, 100)),
    ]);
    let race = compute_race(summary(), 3, &config(), &stations(), &list(), &totals);
    assert!(race.progress.complete);
    assert!(!race.provisional, "{}", race.label);
    let outcome = race.outcome.expect("an outcome");
    assert!(!outcome.provisional);
    // 510 of 810 valid votes and 510 of 1000 inscrits: elected in round 1.
    assert_eq!(
        outcome.decision,
        crate::outcome::RaceDecision::Elected { ballot_number: 1 }
    );
}

#[test]
fn list_rejects_duplicates_and_host() {
    let area = list().area.unwrap();
    let mut communes = list().communes;
    communes.push(OtherCommune {
        insee_code: "29011".into(),
        name: "Bohars".into(),
        registered: 1,
    });
    let error = check_list(&area, &communes, "29061").unwrap_err();
    assert_eq!(error.field, "communes.2.insee_code");
    assert!(error.message.contains("deux fois"), "{}", error.message);

    let host = [OtherCommune {
        insee_code: "29061".into(),
        name: "Gouesnou".into(),
        registered: 1,
    }];
    let error = check_list(&area, &host, "29061").unwrap_err();
    assert!(error.message.contains("celle du hub"), "{}", error.message);
}

#[test]
fn insee_codes_normalised() {
    assert_eq!(normalize_insee("1034").as_deref(), Some("01034"));
    assert_eq!(normalize_insee(" 2a004 ").as_deref(), Some("2A004"));
    assert_eq!(normalize_insee("Brest"), None);
    assert_eq!(normalize_insee("290190"), None);
}

#[test]
fn race_without_communes_stays_provisional() {
    let empty = OtherCommunes {
        version: 0,
        area: None,
        communes: Vec::new(),
    };
    let race = compute_race(
        summary(),
        1,
        &config(),
        &stations(),
        &empty,
        &BTreeMap::new(),
    );
    assert!(race.provisional);
    assert_eq!(race.area.code, "29-02", "the stations' constituency");
    assert!(
        race.label.contains("aucune autre commune"),
        "{}",
        race.label
    );
}
