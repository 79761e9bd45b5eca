//! Exports of real elections imported into a temporary database: the XML layouts and their
//! reader, the Ministry's own XML files, the seats payload, the open-data round trip, the
//! SIMULATION mark and the all-or-nothing writing.

use super::*;
use crate::import::{ImportOptions, read_batch, read_files};
use crate::{db, service};
use std::collections::BTreeMap;
use tempfile::TempDir;
use urne_common::election::ElectionConfig;

const GOUESNOU: [&str; 3] = [
    "data/gouesnou_29061_legislatives2024_t1_bureaux.csv",
    "data/gouesnou_29061_legislatives2024_t1_candidats.csv",
    "data/gouesnou_29061_legislatives2024_t1_voix.csv",
];
const BONDY: [&str; 3] = [
    "data/bondy_93010_presidentielle2022_t1_bureaux.csv",
    "data/bondy_93010_presidentielle2022_t1_candidats.csv",
    "data/bondy_93010_presidentielle2022_t1_voix.csv",
];
/// Three stations and three lists of an invented commune, in the 2026 municipal layout.
const MUNICIPAL: [&str; 1] = ["formats/synthetique_csv_bv_MUN2026T1_exemple.csv"];

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(relative)
}

/// A temporary database holding one election imported from fixtures, with its results.
struct Imported {
    directory: TempDir,
    connection: Connection,
    id: i64,
}

fn import_fixtures(files: &[&str], rehearsal: bool) -> Imported {
    let directory = tempfile::tempdir().unwrap();
    let mut connection = db::open(&directory.path().join("urne.sqlite")).unwrap();
    let paths: Vec<PathBuf> = files.iter().map(|file| fixture(file)).collect();
    let mut elections = read_files(&paths, &ImportOptions::default()).unwrap();
    assert_eq!(elections.len(), 1, "one election per data set");
    elections[0].config.rehearsal = rehearsal;
    let created = service::import_elections(&mut connection, &elections, "test", true).unwrap();
    Imported {
        directory,
        connection,
        id: created[0].id,
    }
}

impl Imported {
    fn snapshot(&self) -> snapshot::Snapshot {
        snapshot::Snapshot::load(&self.connection, self.id).unwrap()
    }

    fn out(&self, name: &str) -> PathBuf {
        self.directory.path().join(name)
    }

    /// Files of the temporary folder other than the database.
    fn written_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.directory.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with("urne.sqlite"))
            .collect();
        names.sort();
        names
    }
}

fn seats_of_municipal(config: &ElectionConfig) -> SeatsInput {
    let person = |surname: &str, first_name: &str| ElectedCandidate {
        surname: surname.to_string(),
        first_name: first_name.to_string(),
    };
    let numbers: Vec<u32> = config.candidates.iter().map(|c| c.ballot_number).collect();
    SeatsInput {
        lists: vec![
            ListSeats {
                ballot_number: numbers[0],
                municipal_council: 3,
                community_council: 2,
                municipal_elected: vec![
                    person("LE GALL", "Anne"),
                    person("MORVAN", "Loïc"),
                    person("ÉVEN", "Gaëlle"),
                ],
                community_elected: vec![person("LE GALL", "Anne"), person("MORVAN", "Loïc")],
            },
            ListSeats {
                ballot_number: numbers[1],
                municipal_council: 1,
                community_council: 0,
                municipal_elected: vec![person("D'ARMOR", "Zoé")],
                community_elected: vec![],
            },
        ],
        trail: vec![
            "Prime majoritaire : 2 sièges à la liste arrivée en tête.".to_string(),
            "Répartition des 2 autres sièges à la plus forte moyenne.".to_string(),
        ],
    }
}

#[test]
fn format_names_parsed() {
    for name in Format::NAMES {
        let format: Format = name.parse().unwrap();
        assert_eq!(format.name(), name);
    }
    assert_eq!(
        "prefecture-xml:commune-feed-2022"
            .parse::<Format>()
            .unwrap(),
        Format::PrefectureXml {
            layout: Some("commune-feed-2022")
        }
    );
    let message = "xml".parse::<Format>().unwrap_err().to_string();
    assert!(message.contains("« xml »"), "{message}");
    assert!(
        message.contains("prefecture-xml, prefecture-seats-xml"),
        "{message}"
    );
    let message = "prefecture-xml:2019"
        .parse::<Format>()
        .unwrap_err()
        .to_string();
    assert!(message.contains("« 2019 »"), "{message}");
}

#[test]
fn ministry_samples_read_and_add_up() {
    for (file, constituencies) in [
        ("formats/ministere_xml_presse_LG2022T1_dpt29_R129CIR.xml", 8),
        ("formats/ministere_xml_presse_LG2022T1_dptZX_R1ZXCIR.xml", 1),
    ] {
        let bytes = std::fs::read(fixture(file)).unwrap();
        let document = xml::read_results(&bytes).unwrap();
        assert_eq!(document.election_type, "Législatives", "{file}");
        assert_eq!(document.year.as_deref(), Some("2022"), "{file}");
        assert!(!document.simulation, "{file}");
        assert_eq!(document.areas.len(), constituencies, "{file}");
        for area in &document.areas {
            let round = &area.rounds[0];
            let mentions = &round.mentions;
            let code = &area.code;
            assert_eq!(round.votes_total(), mentions.valid_votes, "{file} {code}");
            assert_eq!(
                mentions.abstentions.unwrap() + mentions.voters,
                mentions.registered,
                "{file} {code}"
            );
            assert_eq!(
                mentions.blank.unwrap() + mentions.invalid.unwrap() + mentions.valid_votes,
                mentions.voters,
                "{file} {code}"
            );
            assert!(
                round.candidates.iter().all(|c| c.nuance.is_some()),
                "{file} {code}"
            );
        }
    }
    let bytes = std::fs::read(fixture(
        "formats/ministere_xml_presse_LG2022T1_dptZX_R1ZXCIR.xml",
    ))
    .unwrap();
    let document = xml::read_results(&bytes).unwrap();
    assert_eq!(document.department_code, "ZX");
    let area = &document.areas[0];
    assert_eq!(area.code, "ZX01");
    assert_eq!(area.seats_to_fill, Some(1));
    let gumbs = &area.rounds[0].candidates[5];
    assert_eq!(gumbs.surname, "GUMBS");
    assert_eq!(gumbs.votes, 2383);
    assert_eq!(gumbs.share_of_valid_votes.as_deref(), Some("47,09"));
    assert_eq!(gumbs.elected.as_deref(), Some("QUALIF T2"));
}

#[test]
fn every_layout_round_trips() {
    let imported = import_fixtures(&GOUESNOU, false);
    let snapshot = imported.snapshot();
    for layout in xml::layouts() {
        let bytes = xml::write_results(&snapshot, *layout, None).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let names = layout.names();
        for name in [
            names.ratio_registered,
            names.ratio_voters,
            names.ratio_valid_votes,
            names.candidate_nuance,
            names.constituency,
        ] {
            assert!(
                text.contains(&format!("<{name}>")),
                "{}: <{name}>",
                layout.id()
            );
        }
        check::results_xml(&snapshot, &bytes, None).unwrap();
        let document = xml::read_results(&bytes).unwrap();
        let round = &document.areas[0].rounds[0];
        assert_eq!(round.mentions.registered, 5397, "{}", layout.id());
        assert_eq!(round.mentions.voters, 4005, "{}", layout.id());
        assert_eq!(round.mentions.valid_votes, 3909, "{}", layout.id());
        assert_eq!(round.votes_total(), 3909, "{}", layout.id());
        assert_eq!(round.stations.len(), 6, "{}", layout.id());
        assert_eq!(round.candidates[0].surname, "BRÉHIER", "{}", layout.id());
        assert_eq!(
            round.candidates[0].nuance.as_deref(),
            Some("ENS"),
            "{}",
            layout.id()
        );
        assert_eq!(
            document.areas[0].constituency.as_deref(),
            Some("2902"),
            "{}",
            layout.id()
        );
    }
}

#[test]
fn vintages_use_their_own_names() {
    let imported = import_fixtures(&GOUESNOU, false);
    let snapshot = imported.snapshot();
    let layout_2022 = xml::layout_by_id("commune-feed-2022").unwrap();
    let text =
        String::from_utf8(xml::write_results(&snapshot, layout_2022, None).unwrap()).unwrap();
    assert!(text.contains("<RapportExprime>"));
    assert!(!text.contains("<RapportExprimes>"));
    assert!(text.contains("<CodNua>ENS</CodNua>"));
    assert!(text.contains("<CodCirLg>2902</CodCirLg>"));
    let layout_2024 = xml::layout_by_id("feed-2024").unwrap();
    let text =
        String::from_utf8(xml::write_results(&snapshot, layout_2024, None).unwrap()).unwrap();
    assert!(text.contains("<RapportExprimes>"));
    assert!(!text.contains("<RapportExprime>"));
    assert!(text.contains("<CodNuaCand>ENS</CodNuaCand>"));
}

/// A layout defined outside the registry: writing needs nothing else.
struct Renamed;

const RENAMED: xml::ElementNames = xml::ElementNames {
    ratio_registered: "PartInscrits",
    ratio_voters: "PartVotants",
    ratio_valid_votes: "PartExprimes",
    candidate_nuance: "Nuance",
    candidate_nuance_label: "LibelleNuance",
    constituency: "Circo",
};

impl xml::XmlLayout for Renamed {
    fn id(&self) -> &'static str {
        "test-renamed"
    }

    fn description(&self) -> &'static str {
        "disposition de test"
    }

    fn first_date(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()
    }

    fn names(&self) -> &'static xml::ElementNames {
        &RENAMED
    }
}

#[test]
fn new_layout_needs_no_other_change() {
    let imported = import_fixtures(&GOUESNOU, false);
    let snapshot = imported.snapshot();
    let text = String::from_utf8(xml::write_results(&snapshot, &Renamed, None).unwrap()).unwrap();
    assert!(
        text.contains("<PartExprimes>23,59</PartExprimes>"),
        "{text}"
    );
    assert!(text.contains("<Nuance>ENS</Nuance>"));
    assert!(text.contains("<Circo>2902</Circo>"));
}

#[test]
fn layout_follows_election_date() {
    let gouesnou = import_fixtures(&GOUESNOU, false);
    let summary = export(
        &gouesnou.connection,
        gouesnou.id,
        Format::PrefectureXml { layout: None },
        &gouesnou.out("gouesnou.xml"),
    )
    .unwrap();
    assert_eq!(summary.layout, Some("feed-2024"));
    let bondy = import_fixtures(&BONDY, false);
    let summary = export(
        &bondy.connection,
        bondy.id,
        Format::PrefectureXml { layout: None },
        &bondy.out("bondy.xml"),
    )
    .unwrap();
    assert_eq!(summary.layout, Some("commune-feed-2022"));
    let text = std::fs::read_to_string(bondy.out("bondy.xml")).unwrap();
    assert!(text.contains("<RapportExprime>"));
}

#[test]
fn tampered_figure_detected() {
    let imported = import_fixtures(&GOUESNOU, false);
    let snapshot = imported.snapshot();
    let layout = xml::layout_by_id("feed-2024").unwrap();
    let text = String::from_utf8(xml::write_results(&snapshot, layout, None).unwrap()).unwrap();
    // Candidate 1 has 922 votes in the commune; one vote moves to candidate 2 (104).
    let tampered = text
        .replacen("<NbVoix>922</NbVoix>", "<NbVoix>921</NbVoix>", 1)
        .replacen("<NbVoix>104</NbVoix>", "<NbVoix>105</NbVoix>", 1);
    assert_ne!(tampered, text);
    let error = check::results_xml(&snapshot, tampered.as_bytes(), None).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("commune : voix du n° 1 922 dans la base, 921"),
        "{message}"
    );
    assert!(
        message.contains("commune : voix du n° 2 104 dans la base, 105"),
        "{message}"
    );
    assert!(message.contains("rien n'a été écrit"), "{message}");

    let missing_station = text.replacen(
        "<CodBurVot>0003</CodBurVot>",
        "<CodBurVot>0009</CodBurVot>",
        1,
    );
    let message = check::results_xml(&snapshot, missing_station.as_bytes(), None)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("bureau 0003 absent du fichier"),
        "{message}"
    );
    assert!(
        message.contains("bureau 0009 dans le fichier mais pas dans la base"),
        "{message}"
    );
}

#[test]
fn failed_check_leaves_nothing() {
    let imported = import_fixtures(&GOUESNOU, false);
    let path = imported.out("refused.xml");
    std::fs::write(&path, b"previous export").unwrap();
    let result = output::write_checked(&path, b"<Election/>", |_| {
        Err(ExportError::Mismatch {
            file: "test".to_string(),
            differences: vec!["différence".to_string()],
        })
    });
    assert!(matches!(result, Err(ExportError::Mismatch { .. })));
    assert_eq!(std::fs::read(&path).unwrap(), b"previous export");
    assert_eq!(imported.written_files(), vec!["refused.xml".to_string()]);
}

#[test]
fn unwritable_destination_named() {
    let imported = import_fixtures(&GOUESNOU, false);
    let out = imported.out("missing-folder/export.xml");
    let error = export(
        &imported.connection,
        imported.id,
        Format::PrefectureXml { layout: None },
        &out,
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("missing-folder/export.xml"), "{message}");
    assert!(message.contains("--out"), "{message}");

    let file = imported.out("plain-file");
    std::fs::write(&file, b"").unwrap();
    let error = export(&imported.connection, imported.id, Format::Pdf, &file).unwrap_err();
    assert!(matches!(error, ExportError::NotAFolder(_)), "{error}");
}

#[test]
fn opendata_without_results_rejected() {
    let imported = import_fixtures(&GOUESNOU, false);
    imported
        .connection
        .execute(
            "DELETE FROM station_result WHERE election_id = ?1",
            [imported.id],
        )
        .unwrap();
    let error = export(
        &imported.connection,
        imported.id,
        Format::OpendataCsv,
        imported.directory.path(),
    )
    .unwrap_err();
    assert!(matches!(error, ExportError::NoResults { .. }), "{error}");
    assert!(imported.written_files().is_empty());
    // The other formats still write the configuration with zero counted stations.
    let summary = export(
        &imported.connection,
        imported.id,
        Format::Json,
        imported.directory.path(),
    )
    .unwrap();
    assert_eq!(summary.stations_counted, 0);
    assert_eq!(summary.stations_total, 6);
}

#[test]
fn unknown_election_named() {
    let imported = import_fixtures(&GOUESNOU, false);
    let error = export(
        &imported.connection,
        42,
        Format::Json,
        &imported.out("x.json"),
    )
    .unwrap_err();
    assert!(matches!(error, ExportError::ElectionNotFound(42)));
    assert!(error.to_string().starts_with("élection 42 introuvable"));
    assert!(imported.written_files().is_empty());
}

#[test]
fn seats_payload_round_trips() {
    let imported = import_fixtures(&MUNICIPAL, false);
    let snapshot = imported.snapshot();
    let seats = seats_of_municipal(&snapshot.config);
    let options = ExportOptions {
        mayor: None,
        seats: Some(seats.clone()),
    };
    let out = imported.out("sieges.xml");
    let summary = export_with(
        &imported.connection,
        imported.id,
        Format::PrefectureSeatsXml,
        &out,
        &options,
    )
    .unwrap();
    assert_eq!(summary.files, vec![out.clone()]);
    let document = xml::read_seats(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(document.municipal_council, 4);
    assert_eq!(document.community_council, 2);
    assert_eq!(document.lists.len(), snapshot.config.candidates.len());
    for list in &seats.lists {
        let found = document
            .lists
            .iter()
            .find(|found| found.ballot_number == list.ballot_number)
            .unwrap();
        assert_eq!(found.municipal_council, list.municipal_council);
        assert_eq!(found.community_council, list.community_council);
        assert_eq!(found.municipal_elected, list.municipal_elected);
        assert_eq!(found.community_elected, list.community_elected);
    }
    let third = &document.lists[2];
    assert_eq!(third.municipal_council, 0);
    assert!(third.municipal_elected.is_empty());

    // The results XML carries the municipal council's seats of each list.
    let results = imported.out("resultats.xml");
    export_with(
        &imported.connection,
        imported.id,
        Format::PrefectureXml { layout: None },
        &results,
        &options,
    )
    .unwrap();
    let document = xml::read_results(&std::fs::read(&results).unwrap()).unwrap();
    let seats_found: Vec<Option<u64>> = document.areas[0].rounds[0]
        .candidates
        .iter()
        .map(|list| list.seats)
        .collect();
    assert_eq!(seats_found, vec![Some(3), Some(1), Some(0)]);
}

#[test]
fn seats_payload_refused_until_computed() {
    let imported = import_fixtures(&MUNICIPAL, false);
    assert_eq!(seats_for(&imported.connection, imported.id), None);
    let error = export(
        &imported.connection,
        imported.id,
        Format::PrefectureSeatsXml,
        &imported.out("sieges.xml"),
    )
    .unwrap_err();
    assert!(
        matches!(error, ExportError::SeatsNotComputed { .. }),
        "{error}"
    );
    assert!(imported.written_files().is_empty());
}

#[test]
fn inconsistent_seats_rejected() {
    let imported = import_fixtures(&MUNICIPAL, false);
    let mut seats = seats_of_municipal(&imported.snapshot().config);
    seats.lists[0].municipal_council = 5;
    let options = ExportOptions {
        mayor: None,
        seats: Some(seats),
    };
    let error = export_with(
        &imported.connection,
        imported.id,
        Format::PrefectureSeatsXml,
        &imported.out("sieges.xml"),
        &options,
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("5 siège(s) au conseil municipal mais 3 élu(s)"),
        "{message}"
    );
    assert!(imported.written_files().is_empty());
}

#[test]
fn opendata_csv_imports_back() {
    for files in [&GOUESNOU[..], &BONDY[..], &MUNICIPAL[..]] {
        let imported = import_fixtures(files, false);
        let snapshot = imported.snapshot();
        let summary = export(
            &imported.connection,
            imported.id,
            Format::OpendataCsv,
            imported.directory.path(),
        )
        .unwrap();
        let path = &summary.files[0];
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        assert!(
            bytes.starts_with("\u{feff}".as_bytes()),
            "{name}: byte-order mark"
        );
        let elections = read_batch(&[(name.clone(), bytes)], &ImportOptions::default()).unwrap();
        let [election] = elections.as_slice() else {
            panic!("{name}: {} elections", elections.len());
        };
        let config = &election.config;
        let expected = &snapshot.config;
        assert_eq!(config.kind, expected.kind, "{name}");
        assert_eq!(config.round, expected.round, "{name}");
        assert_eq!(config.date, expected.date, "{name}");
        assert_eq!(config.commune, expected.commune, "{name}");
        let codes = |config: &ElectionConfig| -> Vec<(String, u32)> {
            config
                .stations
                .iter()
                .map(|s| (s.code.as_str().to_string(), s.registered))
                .collect()
        };
        assert_eq!(codes(config), codes(expected), "{name}");
        assert_eq!(config.candidates.len(), expected.candidates.len(), "{name}");
        for (found, wanted) in config.candidates.iter().zip(&expected.candidates) {
            assert_eq!(found.ballot_number, wanted.ballot_number, "{name}");
            assert_eq!(found.surname, wanted.surname, "{name}");
            assert_eq!(found.first_name, wanted.first_name, "{name}");
            assert_eq!(found.sex, wanted.sex, "{name}");
            assert_eq!(found.nuance, wanted.nuance, "{name}");
            assert_eq!(found.list_label, wanted.list_label, "{name}");
        }
        let counts: BTreeMap<_, _> = snapshot
            .records
            .iter()
            .map(|(code, record)| (code.clone(), record.count.clone()))
            .collect();
        assert_eq!(election.results, counts, "{name}");
    }
}

#[test]
fn json_and_long_csv_written() {
    let imported = import_fixtures(&BONDY, false);
    let json_path = imported.out("bondy.json");
    export(&imported.connection, imported.id, Format::Json, &json_path).unwrap();
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(document["simulation"], false);
    assert_eq!(document["totals"]["valid_votes"], 17347);
    assert_eq!(document["stations"].as_array().unwrap().len(), 32);
    assert_eq!(document["election"]["regulatory_code"], "PRE");

    let csv_path = imported.out("bondy.csv");
    export(
        &imported.connection,
        imported.id,
        Format::LongCsv,
        &csv_path,
    )
    .unwrap();
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap();
    // A header and one row per station and candidate.
    assert_eq!(text.lines().count(), 1 + 32 * 12);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .starts_with("simulation;code_departement;")
    );
}

#[test]
fn rehearsal_marked_everywhere() {
    let imported = import_fixtures(&GOUESNOU, true);
    let xml_summary = export(
        &imported.connection,
        imported.id,
        Format::PrefectureXml { layout: None },
        &imported.out("prefecture.xml"),
    )
    .unwrap();
    assert!(xml_summary.rehearsal);
    assert_eq!(
        xml_summary.files,
        vec![imported.out("prefecture-SIMULATION.xml")]
    );
    let text = std::fs::read_to_string(&xml_summary.files[0]).unwrap();
    assert!(text.contains("<Election Statut=\"SIMULATION\">"), "{text}");
    assert!(text.contains("<!-- SIMULATION : "), "{text}");
    assert!(xml::read_results(text.as_bytes()).unwrap().simulation);

    let json = export(
        &imported.connection,
        imported.id,
        Format::Json,
        imported.directory.path(),
    )
    .unwrap();
    let json_name = json.files[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(json_name, "29061_LG2024T1_resultats-SIMULATION.json");
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json.files[0]).unwrap()).unwrap();
    assert_eq!(document["simulation"], true);

    let long = export(
        &imported.connection,
        imported.id,
        Format::LongCsv,
        &imported.out("long.csv"),
    )
    .unwrap();
    let text = std::fs::read_to_string(&long.files[0]).unwrap();
    assert!(text.lines().skip(1).all(|line| line.starts_with("oui;")));

    let reports = imported.out("rapports");
    let pdf = export(&imported.connection, imported.id, Format::Pdf, &reports).unwrap();
    assert_eq!(pdf.files.len(), 6);
    for file in &pdf.files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.ends_with("-SIMULATION.pdf"), "{name}");
    }

    // A name that already says SIMULATION is kept as it is.
    let named = export(
        &imported.connection,
        imported.id,
        Format::OpendataCsv,
        &imported.out("essai-simulation.csv"),
    )
    .unwrap();
    assert_eq!(named.files, vec![imported.out("essai-simulation.csv")]);
}

#[test]
fn real_election_not_marked() {
    let imported = import_fixtures(&GOUESNOU, false);
    let summary = export(
        &imported.connection,
        imported.id,
        Format::PrefectureXml { layout: None },
        &imported.out("prefecture.xml"),
    )
    .unwrap();
    let text = std::fs::read_to_string(&summary.files[0]).unwrap();
    assert!(!text.contains("SIMULATION"));
}

#[test]
fn pdf_reports_for_partial_count() {
    let imported = import_fixtures(&GOUESNOU, false);
    imported
        .connection
        .execute(
            "DELETE FROM station_result WHERE election_id = ?1 AND station_code = '0002'",
            [imported.id],
        )
        .unwrap();
    let options = ExportOptions {
        mayor: Some("Stéphane Roudaut".to_string()),
        seats: None,
    };
    let summary = export_with(
        &imported.connection,
        imported.id,
        Format::Pdf,
        &imported.out("rapports"),
        &options,
    )
    .unwrap();
    assert_eq!(summary.stations_counted, 5);
    assert_eq!(summary.stations_total, 6);
    for file in &summary.files {
        let bytes = std::fs::read(file).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{}", file.display());
    }
    // The XML holds the five stations that arrived, and their totals.
    let xml_summary = export(
        &imported.connection,
        imported.id,
        Format::PrefectureXml { layout: None },
        &imported.out("partiel.xml"),
    )
    .unwrap();
    let document = xml::read_results(&std::fs::read(&xml_summary.files[0]).unwrap()).unwrap();
    let round = &document.areas[0].rounds[0];
    assert_eq!(round.stations.len(), 5);
    assert_eq!(round.mentions.registered, 5397 - 1085);
}
