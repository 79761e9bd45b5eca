//! Whole-file tests of the importer over the real published files in `tests/fixtures`.
//! Expected figures are the official totals of each data set, written here as literals.

#![allow(clippy::unwrap_used)]

mod import {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use urne_common::election::{ElectionKind, Scope, Sex};
    use urne_hub::import::{ImportError, ImportOptions, ImportedElection, read_batch, read_files};

    fn fixture_path(relative: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures")
            .join(relative)
    }

    /// Reads a fixture as (file name, bytes), the way `read_batch` takes it.
    fn fixture(relative: &str) -> (String, Vec<u8>) {
        let path = fixture_path(relative);
        let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{relative}: {error}"));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        (name, bytes)
    }

    fn read(
        relatives: &[&str],
        options: &ImportOptions,
    ) -> Result<Vec<ImportedElection>, ImportError> {
        let files: Vec<(String, Vec<u8>)> = relatives.iter().map(|path| fixture(path)).collect();
        read_batch(&files, options)
    }

    fn read_one(relatives: &[&str], options: &ImportOptions) -> ImportedElection {
        let mut elections = read(relatives, options).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            elections.len(),
            1,
            "one election expected from {relatives:?}"
        );
        elections.remove(0)
    }

    fn commune(insee: &str) -> ImportOptions {
        ImportOptions {
            commune: Some(insee.to_string()),
            ..ImportOptions::default()
        }
    }

    /// Commune totals summed over the stations' final counts.
    #[derive(Debug, PartialEq, Eq)]
    struct Totals {
        registered: u32,
        voters: u32,
        ballots: u32,
        blank: u32,
        invalid: u32,
        valid_votes: u32,
    }

    fn totals(election: &ImportedElection) -> Totals {
        let counts = election.results.values();
        Totals {
            registered: counts.clone().map(|c| c.registered).sum(),
            voters: counts.clone().map(|c| c.voters).sum(),
            ballots: counts.clone().map(|c| c.ballots()).sum(),
            blank: counts.clone().map(|c| c.blank).sum(),
            invalid: counts.clone().map(|c| c.invalid).sum(),
            valid_votes: counts.map(|c| c.valid_votes).sum(),
        }
    }

    fn votes_by_number(election: &ImportedElection) -> BTreeMap<u32, u32> {
        let mut votes = BTreeMap::new();
        for count in election.results.values() {
            for (number, value) in &count.votes {
                *votes.entry(*number).or_insert(0) += value;
            }
        }
        votes
    }

    fn date(year: i32, month: u32, day: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    const BONDY_MINISTRY: &str = "formats/tiers_reexport_csv_bv_PR2022T1_bondy.csv";
    const BONDY_OWN: [&str; 3] = [
        "data/bondy_93010_presidentielle2022_t1_bureaux.csv",
        "data/bondy_93010_presidentielle2022_t1_candidats.csv",
        "data/bondy_93010_presidentielle2022_t1_voix.csv",
    ];
    const BONDY_VOTES: [(u32, u32); 12] = [
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
    ];
    const BONDY_TOTALS: Totals = Totals {
        registered: 25281,
        voters: 17732,
        ballots: 17732,
        blank: 260,
        invalid: 125,
        valid_votes: 17347,
    };

    #[test]
    fn bondy_ministry_file_totals() {
        let election = read_one(&[BONDY_MINISTRY], &ImportOptions::default());
        let config = &election.config;
        assert_eq!(config.kind, ElectionKind::Presidential);
        assert_eq!(config.round, 1);
        assert_eq!(config.date, date(2022, 4, 10));
        assert_eq!(config.label, "Élection présidentielle 2022 — 1er tour");
        assert_eq!(config.commune.insee_code, "93010");
        assert_eq!(config.commune.department_code, "93");
        assert_eq!(config.commune.name, "Bondy");
        assert_eq!(config.scope, Scope::Commune);
        assert_eq!(config.stations.len(), 32);
        assert_eq!(election.results.len(), 32);
        assert_eq!(totals(&election), BONDY_TOTALS);
        assert_eq!(votes_by_number(&election), BTreeMap::from(BONDY_VOTES));
        let registered: u32 = config.stations.iter().map(|s| s.registered).sum();
        assert_eq!(registered, 25281);
        assert_eq!(config.candidates[2].surname, "MACRON");
        assert_eq!(config.candidates[2].sex, Some(Sex::Male));
        assert_eq!(
            election.sources,
            vec!["ministere-pr2022 (tiers_reexport_csv_bv_PR2022T1_bondy.csv)".to_string()]
        );
    }

    #[test]
    fn bondy_constituencies_from_file() {
        let election = read_one(&[BONDY_MINISTRY], &ImportOptions::default());
        let ninth = election
            .config
            .stations
            .iter()
            .filter(|s| s.constituency.as_deref() == Some("93-09"))
            .count();
        let tenth = election
            .config
            .stations
            .iter()
            .filter(|s| s.constituency.as_deref() == Some("93-10"))
            .count();
        assert_eq!((ninth, tenth), (16, 16));
    }

    #[test]
    fn bondy_own_layout_matches_ministry() {
        let own = read_one(&BONDY_OWN, &ImportOptions::default());
        let ministry = read_one(&[BONDY_MINISTRY], &ImportOptions::default());
        assert_eq!(totals(&own), BONDY_TOTALS);
        assert_eq!(votes_by_number(&own), BTreeMap::from(BONDY_VOTES));
        assert_eq!(own.results, ministry.results);
        assert_eq!(own.config.date, date(2022, 4, 10));
        assert_eq!(own.config.commune.name, "Bondy");
        assert_eq!(own.config.candidates.len(), 12);
        assert_eq!(own.config.candidates[6].surname, "MÉLENCHON");
        let place = own.config.stations[0].polling_place.as_deref();
        assert_eq!(place, Some("hotel de ville salle des fetes"));
    }

    #[test]
    fn bondy_ministry_with_stations_file() {
        let election = read_one(
            &[
                BONDY_MINISTRY,
                "data/bondy_93010_presidentielle2022_t1_bureaux.csv",
            ],
            &ImportOptions::default(),
        );
        assert_eq!(election.config.stations.len(), 32);
        assert!(
            election
                .config
                .stations
                .iter()
                .all(|s| s.polling_place.is_some())
        );
        assert_eq!(election.sources.len(), 2);
    }

    const GOUESNOU_T1_VOTES: [(u32, u32); 10] = [
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
    ];
    const GOUESNOU_T1_TOTALS: Totals = Totals {
        registered: 5397,
        voters: 4005,
        ballots: 4005,
        blank: 69,
        invalid: 27,
        valid_votes: 3909,
    };
    const GOUESNOU_T2_TOTALS: Totals = Totals {
        registered: 5398,
        voters: 4097,
        ballots: 4097,
        blank: 69,
        invalid: 18,
        valid_votes: 4010,
    };

    #[test]
    fn gouesnou_round_one_resaved_file() {
        let election = read_one(
            &["formats/tiers_reexport_csv_bv_LG2024T1_gouesnou_extrait.csv"],
            &ImportOptions::default(),
        );
        let config = &election.config;
        assert_eq!(config.kind, ElectionKind::Legislative);
        assert_eq!(config.date, date(2024, 6, 30));
        assert_eq!(config.commune.insee_code, "29061");
        assert_eq!(config.scope, Scope::Commune);
        assert_eq!(config.stations.len(), 6);
        assert_eq!(config.stations[0].code.as_str(), "0001");
        assert_eq!(totals(&election), GOUESNOU_T1_TOTALS);
        assert_eq!(
            votes_by_number(&election),
            BTreeMap::from(GOUESNOU_T1_VOTES)
        );
        assert_eq!(config.candidates[1].sex, Some(Sex::Female));
        assert_eq!(config.candidates[1].nuance.as_deref(), Some("ECO"));
    }

    #[test]
    fn gouesnou_round_two_ministry_file() {
        let election = read_one(
            &["formats/ministere_csv_bv_LG2024T2_gouesnou_extrait.csv"],
            &ImportOptions::default(),
        );
        assert_eq!(election.config.date, date(2024, 7, 7));
        assert_eq!(election.config.round, 2);
        assert_eq!(totals(&election), GOUESNOU_T2_TOTALS);
        let expected = BTreeMap::from([(3, 1824), (7, 1149), (8, 1037)]);
        assert_eq!(votes_by_number(&election), expected);
    }

    #[test]
    fn gouesnou_own_layout_matches_ministry() {
        for (round, ministry) in [
            (
                1,
                "formats/tiers_reexport_csv_bv_LG2024T1_gouesnou_extrait.csv",
            ),
            (2, "formats/ministere_csv_bv_LG2024T2_gouesnou_extrait.csv"),
        ] {
            let prefix = format!("data/gouesnou_29061_legislatives2024_t{round}");
            let own = read_one(
                &[
                    &format!("{prefix}_bureaux.csv"),
                    &format!("{prefix}_candidats.csv"),
                    &format!("{prefix}_voix.csv"),
                ],
                &ImportOptions::default(),
            );
            let ministry = read_one(&[ministry], &ImportOptions::default());
            assert_eq!(own.results, ministry.results, "round {round}");
            assert_eq!(own.config.round, round);
            assert_eq!(own.config.scope, Scope::Commune);
            let constituency = own.config.stations[0].constituency.as_deref();
            assert_eq!(constituency, Some("29-02"));
        }
    }

    #[test]
    fn constituency_files_need_commune() {
        for round in [1, 2] {
            let path = format!(
                "formats/ministere_csv_bv_LG2024T{round}_circos_29-02_29-03_sans_brest_plouzane.csv"
            );
            let error = read(&[&path], &ImportOptions::default()).unwrap_err();
            assert!(error.message.contains("33 communes"), "{}", error.message);
            assert!(error.message.contains("29011"), "{}", error.message);
            assert!(error.message.contains("--commune"), "{}", error.message);
            let error = read(&[&path], &commune("29999")).unwrap_err();
            assert!(error.message.contains("aucune ligne"), "{}", error.message);
        }
    }

    #[test]
    fn constituency_files_match_gouesnou() {
        for (round, extract) in [
            (
                1,
                "formats/tiers_reexport_csv_bv_LG2024T1_gouesnou_extrait.csv",
            ),
            (2, "formats/ministere_csv_bv_LG2024T2_gouesnou_extrait.csv"),
        ] {
            let path = format!(
                "formats/ministere_csv_bv_LG2024T{round}_circos_29-02_29-03_sans_brest_plouzane.csv"
            );
            let whole = read_one(&[&path], &commune("29061"));
            let extract = read_one(&[extract], &ImportOptions::default());
            assert_eq!(whole.results, extract.results, "round {round}");
            assert_eq!(whole.config.commune.name, "Gouesnou");
        }
        // Saint-Renan votes in the 3rd constituency, with other candidates.
        let saint_renan = read_one(
            &["formats/ministere_csv_bv_LG2024T1_circos_29-02_29-03_sans_brest_plouzane.csv"],
            &commune("29260"),
        );
        assert_eq!(saint_renan.config.stations.len(), 8);
        assert_eq!(saint_renan.config.candidates.len(), 8);
        assert_eq!(saint_renan.config.commune.name, "Saint-Renan");
    }

    const TOULOUSE_T1_VOTES: [(u32, u32); 10] = [
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
    ];
    const TOULOUSE_T1_TOTALS: Totals = Totals {
        registered: 281354,
        voters: 158959,
        ballots: 158977,
        blank: 1221,
        invalid: 735,
        valid_votes: 157021,
    };
    const TOULOUSE_T2_TOTALS: Totals = Totals {
        registered: 281713,
        voters: 175980,
        ballots: 175998,
        blank: 3397,
        invalid: 1524,
        valid_votes: 171077,
    };
    const TOULOUSE_T1_RAW: &str = "formats/toulouse_opendata_municipales2026_t1_raw_columns.csv";
    const TOULOUSE_T2_RAW: &str = "formats/toulouse_opendata_municipales2026_t2_raw_columns.csv";

    #[test]
    fn toulouse_round_one_row_file() {
        let election = read_one(&[TOULOUSE_T1_RAW], &ImportOptions::default());
        let config = &election.config;
        assert_eq!(config.kind, ElectionKind::Municipal);
        assert_eq!(config.date, date(2026, 3, 15));
        assert_eq!(config.label, "Élections municipales 2026 — 1er tour");
        assert_eq!(config.commune.insee_code, "31555");
        assert_eq!(config.commune.name, "Commune 31555");
        assert_eq!(config.stations.len(), 284);
        assert_eq!(totals(&election), TOULOUSE_T1_TOTALS);
        assert_eq!(
            votes_by_number(&election),
            BTreeMap::from(TOULOUSE_T1_VOTES)
        );
        let differing = election
            .results
            .values()
            .filter(|count| count.ballots_found.is_some())
            .count();
        assert_eq!(differing, 25);
        assert_eq!(
            config.candidates[4].list_label.as_deref(),
            Some("Liste n°5")
        );
    }

    #[test]
    fn toulouse_round_two_row_file() {
        let election = read_one(&[TOULOUSE_T2_RAW], &ImportOptions::default());
        assert_eq!(election.config.round, 2);
        assert_eq!(election.config.date, date(2026, 3, 22));
        assert_eq!(election.config.stations.len(), 285);
        assert!(
            election
                .config
                .stations
                .iter()
                .any(|s| s.code.as_str() == "001A")
        );
        assert_eq!(totals(&election), TOULOUSE_T2_TOTALS);
        let expected = BTreeMap::from([(5, 92152), (12, 78925)]);
        assert_eq!(votes_by_number(&election), expected);
        let differing = election
            .results
            .values()
            .filter(|count| count.ballots_found.is_some())
            .count();
        assert_eq!(differing, 28);
    }

    #[test]
    fn toulouse_row_file_without_header() {
        let (name, bytes) = fixture(TOULOUSE_T1_RAW);
        let text = String::from_utf8(bytes).unwrap();
        let without_header = text.split_once('\n').unwrap().1.to_string();
        let with = read_batch(
            &[(name.clone(), text.into_bytes())],
            &ImportOptions::default(),
        );
        let without = read_batch(
            &[(name, without_header.into_bytes())],
            &ImportOptions::default(),
        );
        let (with, without) = (with.unwrap(), without.unwrap());
        assert_eq!(with[0].results, without[0].results);
    }

    #[test]
    fn toulouse_own_layout_matches_rows() {
        for (round, raw, totals_expected) in [
            (1, TOULOUSE_T1_RAW, TOULOUSE_T1_TOTALS),
            (2, TOULOUSE_T2_RAW, TOULOUSE_T2_TOTALS),
        ] {
            let prefix = format!("data/toulouse_31555_municipales2026_t{round}");
            let own = read_one(
                &[
                    &format!("{prefix}_bureaux.csv"),
                    &format!("{prefix}_listes.csv"),
                    &format!("{prefix}_voix.csv"),
                ],
                &ImportOptions::default(),
            );
            let rows = read_one(&[raw], &ImportOptions::default());
            assert_eq!(totals(&own), totals_expected, "round {round}");
            assert_eq!(own.results, rows.results, "round {round}");
            assert_eq!(own.config.commune.name, "Toulouse");
        }
    }

    #[test]
    fn toulouse_rows_with_reference_files() {
        let election = read_one(
            &[
                TOULOUSE_T1_RAW,
                "data/toulouse_31555_municipales2026_t1_bureaux.csv",
                "data/toulouse_31555_municipales2026_t1_listes.csv",
            ],
            &ImportOptions::default(),
        );
        let moudenc = &election.config.candidates[4];
        assert_eq!(moudenc.ballot_number, 5);
        assert_eq!(moudenc.surname, "MOUDENC");
        assert_eq!(moudenc.first_name, "Jean-Luc");
        assert_eq!(moudenc.nuance.as_deref(), Some("LDVD"));
        assert_eq!(election.config.commune.name, "Toulouse");
        assert_eq!(election.sources.len(), 3);
    }

    #[test]
    fn municipal_2020_commune_level_file() {
        let path = "formats/ministere_txt_MUN2020T2_communes1000plus_extrait.csv";
        let error = read(&[path], &ImportOptions::default()).unwrap_err();
        assert!(error.message.contains("01034"), "{}", error.message);
        let election = read_one(&[path], &commune("01034"));
        let config = &election.config;
        assert_eq!(config.commune.name, "Belley");
        assert_eq!(config.commune.department_code, "01");
        assert_eq!(config.date, date(2020, 6, 28));
        assert_eq!(config.stations.len(), 1);
        assert_eq!(config.stations[0].code.as_str(), "0000");
        assert_eq!(config.stations[0].name, "Ensemble de la commune");
        assert_eq!(config.stations[0].registered, 5757);
        assert_eq!(
            votes_by_number(&election),
            BTreeMap::from([(1, 1248), (4, 1525)])
        );
        let list = config.candidates[1].list_label.as_deref();
        assert_eq!(list, Some("AGIR POUR BELLEY ET BUGEY SUD"));
    }

    #[test]
    fn municipal_2014_export_file() {
        let path = "formats/opendatasoft_export_MUN2014T1_extrait.csv";
        let election = read_one(&[path], &commune("78372"));
        let config = &election.config;
        assert_eq!(config.commune.name, "Marly-le-Roi");
        assert_eq!(config.date, date(2014, 3, 23));
        let count = &election.results[&config.stations[0].code];
        assert_eq!(count.blank, 0);
        assert_eq!(count.invalid, 237);
        assert_eq!(count.valid_votes, 6918);
        assert_eq!(
            votes_by_number(&election),
            BTreeMap::from([(1, 1850), (2, 5068)])
        );
    }

    #[test]
    fn municipal_2026_bureau_file() {
        let path = "formats/synthetique_csv_bv_MUN2026T1_exemple.csv";
        let election = read_one(&[path], &ImportOptions::default());
        let config = &election.config;
        assert_eq!(config.kind, ElectionKind::Municipal);
        assert_eq!(config.date, date(2026, 3, 15));
        assert_eq!(config.stations.len(), 3);
        assert_eq!(config.stations[2].code.as_str(), "054A");
        assert_eq!(
            config.candidates[0].list_label.as_deref(),
            Some("L'avenir ensemble")
        );
        assert_eq!(config.candidates[0].surname, "MARTIN");
        assert_eq!(config.candidates[0].sex, Some(Sex::Female));
        assert_eq!(
            votes_by_number(&election),
            BTreeMap::from([(1, 750), (2, 490), (3, 275)])
        );
        assert_eq!(
            election.sources[0],
            format!("ministere-mun2026 ({})", &path[8..])
        );
    }

    #[test]
    fn every_format_sample_parses() {
        let needs_commune = [
            ("ministere_csv_bv_LG2024T1_circos", "29061"),
            ("ministere_csv_bv_LG2024T2_circos", "29061"),
            ("ministere_txt_MUN2020T2", "01034"),
            ("opendatasoft_export_MUN2014T1", "78372"),
        ];
        let directory = fixture_path("formats");
        let mut read_count = 0;
        for entry in std::fs::read_dir(directory).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("csv") {
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let options = needs_commune
                .iter()
                .find(|(prefix, _)| name.starts_with(prefix))
                .map_or_else(ImportOptions::default, |(_, insee)| commune(insee));
            let elections = read_files(std::slice::from_ref(&path), &options)
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            assert!(!elections.is_empty(), "{name}");
            assert!(!elections[0].results.is_empty(), "{name}");
            read_count += 1;
        }
        assert_eq!(read_count, 10);
    }

    #[test]
    fn every_data_set_parses() {
        for prefix in [
            "bondy_93010_presidentielle2022_t1",
            "gouesnou_29061_legislatives2024_t1",
            "gouesnou_29061_legislatives2024_t2",
            "toulouse_31555_municipales2026_t1",
            "toulouse_31555_municipales2026_t2",
        ] {
            let reference = if prefix.starts_with("toulouse") {
                "listes"
            } else {
                "candidats"
            };
            let paths: Vec<PathBuf> = ["bureaux", reference, "voix"]
                .iter()
                .map(|role| fixture_path(&format!("data/{prefix}_{role}.csv")))
                .collect();
            let elections = read_files(&paths, &ImportOptions::default())
                .unwrap_or_else(|error| panic!("{prefix}: {error}"));
            assert_eq!(elections.len(), 1, "{prefix}");
            assert_eq!(
                elections[0].results.len(),
                elections[0].config.stations.len(),
                "{prefix}"
            );
        }
    }

    #[test]
    fn missing_file_named_in_error() {
        let path = fixture_path("data/absent.csv");
        let error = read_files(&[path], &ImportOptions::default()).unwrap_err();
        assert!(error.message.contains("absent.csv"), "{}", error.message);
    }

    #[test]
    fn configuration_without_results() {
        let election = read_one(
            &[
                "data/gouesnou_29061_legislatives2024_t1_bureaux.csv",
                "data/gouesnou_29061_legislatives2024_t1_candidats.csv",
            ],
            &ImportOptions::default(),
        );
        assert!(election.results.is_empty());
        assert_eq!(election.config.stations.len(), 6);
        assert_eq!(election.config.candidates.len(), 10);
        assert_eq!(election.config.stations[2].registered, 882);
        assert_eq!(election.config.commune.name, "Gouesnou");
    }

    /// Replaces the first occurrence of `from` in a fixture's text.
    fn edited(relative: &str, from: &str, to: &str) -> (String, Vec<u8>) {
        let (name, bytes) = fixture(relative);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains(from), "{from:?} not in {relative}");
        (name, text.replacen(from, to, 1).into_bytes())
    }

    #[test]
    fn unknown_bureau_rejected() {
        let stations = edited(
            "data/bondy_93010_presidentielle2022_t1_bureaux.csv",
            "0005,",
            "0099,",
        );
        let error = read_batch(
            &[fixture(BONDY_MINISTRY), stations],
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(
            error.message.contains("bureau 0005 inconnu"),
            "{}",
            error.message
        );
        assert_eq!(error.column.as_deref(), Some("Code du b.vote"));
        assert_eq!(error.line, Some(6));
    }

    #[test]
    fn contradicting_stations_file_rejected() {
        let stations = edited(
            "data/bondy_93010_presidentielle2022_t1_bureaux.csv",
            "0001,hotel de ville salle des fetes,736,",
            "0001,hotel de ville salle des fetes,737,",
        );
        let error = read_batch(
            &[fixture(BONDY_MINISTRY), stations],
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(error.column.as_deref(), Some("inscrits"));
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("737"), "{}", error.message);
        assert!(error.message.contains("736"), "{}", error.message);
    }

    #[test]
    fn unknown_candidate_rejected() {
        let lists = edited(
            "data/toulouse_31555_municipales2026_t1_listes.csv",
            "011,A LA RECONQUETE",
            "006,A LA RECONQUETE",
        );
        let error = read_batch(
            &[fixture(TOULOUSE_T1_RAW), lists],
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(error.message.contains("n°11"), "{}", error.message);
    }

    #[test]
    fn unused_candidate_rejected() {
        let (name, bytes) = fixture("data/toulouse_31555_municipales2026_t1_listes.csv");
        let mut text = String::from_utf8(bytes).unwrap();
        text.push_str("013,LISTE EN TROP,Jean TEST,LDIV\n");
        let error = read_batch(
            &[fixture(TOULOUSE_T1_RAW), (name, text.into_bytes())],
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(error.line, Some(12));
        assert!(
            error.message.contains("n'apparaît dans aucun"),
            "{}",
            error.message
        );
    }

    #[test]
    fn contradicting_candidate_rejected() {
        let candidates = edited(
            "data/bondy_93010_presidentielle2022_t1_candidats.csv",
            "3,MACRON,Emmanuel,M",
            "3,MACRON,Emmanuel,F",
        );
        let error = read_batch(
            &[fixture(BONDY_MINISTRY), candidates],
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(error.message.contains("le sexe"), "{}", error.message);
        assert_eq!(error.line, Some(4));
    }

    #[test]
    fn constituency_from_candidates_file() {
        let election = read_one(
            &[
                "formats/ministere_csv_bv_LG2024T2_gouesnou_extrait.csv",
                "data/gouesnou_29061_legislatives2024_t2_candidats.csv",
            ],
            &ImportOptions::default(),
        );
        assert_eq!(election.config.scope, Scope::Commune);
        let constituency = election.config.stations[0].constituency.as_deref();
        assert_eq!(constituency, Some("29-02"));
        assert_eq!(election.config.candidates[1].surname, "CADALEN");
    }

    #[test]
    fn rounds_mixed_in_batch_rejected() {
        let error = read(
            &[
                "formats/ministere_csv_bv_LG2024T2_gouesnou_extrait.csv",
                "data/gouesnou_29061_legislatives2024_t1_bureaux.csv",
            ],
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(error.message.contains("tour"), "{}", error.message);
        assert!(error.message.contains("--round"), "{}", error.message);
    }

    #[test]
    fn votes_without_stations_rejected() {
        let error = read(
            &["data/gouesnou_29061_legislatives2024_t1_voix.csv"],
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(
            error.message.contains("fichier des bureaux"),
            "{}",
            error.message
        );
    }

    #[test]
    fn two_stations_files_rejected() {
        let error = read(
            &[
                "data/gouesnou_29061_legislatives2024_t1_bureaux.csv",
                "data/gouesnou_29061_legislatives2024_t2_bureaux.csv",
            ],
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(
            error.message.contains("un seul fichier"),
            "{}",
            error.message
        );
    }

    #[test]
    fn unknown_date_requires_option() {
        let (_, bytes) = fixture(TOULOUSE_T1_RAW);
        let text = String::from_utf8(bytes)
            .unwrap()
            .replace(",MN,2026,", ",MN,2032,");
        let files = [("resultats.csv".to_string(), text.into_bytes())];
        let error = read_batch(&files, &ImportOptions::default()).unwrap_err();
        assert!(error.message.contains("--date"), "{}", error.message);
        let options = ImportOptions {
            date: Some(date(2032, 3, 14)),
            ..ImportOptions::default()
        };
        let elections = read_batch(&files, &options).unwrap();
        assert_eq!(elections[0].config.date, date(2032, 3, 14));
    }

    #[test]
    fn options_override_files() {
        let options = ImportOptions {
            commune_name: Some("Toulouse".to_string()),
            label: Some("Municipales 2026, premier tour".to_string()),
            ..ImportOptions::default()
        };
        let election = read_one(&[TOULOUSE_T1_RAW], &options);
        assert_eq!(election.config.commune.name, "Toulouse");
        assert_eq!(election.config.label, "Municipales 2026, premier tour");
    }

    #[test]
    fn derived_fields_set() {
        let election = read_one(&[TOULOUSE_T1_RAW], &ImportOptions::default());
        let config = &election.config;
        assert_eq!(
            config.opening,
            chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap()
        );
        assert_eq!(
            config.closing,
            chrono::NaiveTime::from_hms_opt(20, 0, 0).unwrap()
        );
        assert_eq!(
            config.turnout_slots,
            urne_common::election::ElectionConfig::default_turnout_slots()
        );
        assert!(!config.rehearsal);
        let numbers: Vec<u32> = config.candidates.iter().map(|c| c.ballot_number).collect();
        assert_eq!(numbers, vec![1, 2, 3, 4, 5, 7, 8, 9, 10, 11]);
        let station = config
            .station(&"054A".to_string().try_into().unwrap())
            .unwrap();
        assert_eq!(
            station.registered,
            election.results[&station.code].registered
        );
    }

    #[test]
    fn commune_option_checked_against_names() {
        let error = read(&BONDY_OWN, &commune("31555")).unwrap_err();
        assert!(error.message.contains("93010"), "{}", error.message);
        assert!(error.message.contains("31555"), "{}", error.message);
        assert!(error.message.contains("--commune"), "{}", error.message);
        let election = read_one(&BONDY_OWN, &commune("93010"));
        assert_eq!(election.config.commune.insee_code, "93010");
    }

    #[test]
    fn invalid_configuration_rejected() {
        // Municipal lists numbered per constituency: two lists share number 1.
        let stations = (
            "ville_29019_municipales2026_t1_bureaux.csv".to_string(),
            b"code_bv,inscrits\n0001,100\n".to_vec(),
        );
        let lists = (
            "ville_29019_municipales2026_t1_listes.csv".to_string(),
            b"circonscription,numero_liste,libelle_liste\n29-01,1,A\n29-02,1,B\n".to_vec(),
        );
        let error = read_batch(&[stations, lists], &ImportOptions::default()).unwrap_err();
        assert!(
            error.message.contains("configuration invalide"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("figure deux fois"),
            "{}",
            error.message
        );
        let options = ImportOptions {
            round: Some(3),
            ..ImportOptions::default()
        };
        let error = read(&[TOULOUSE_T1_RAW], &options).unwrap_err();
        assert!(
            error.message.contains("tour « 3 » invalide"),
            "{}",
            error.message
        );
    }

    #[test]
    fn same_election_twice_rejected() {
        let error = read(
            &[
                "formats/tiers_reexport_csv_bv_LG2024T1_gouesnou_extrait.csv",
                "formats/ministere_csv_bv_LG2024T1_circos_29-02_29-03_sans_brest_plouzane.csv",
            ],
            &commune("29061"),
        )
        .unwrap_err();
        assert!(error.message.contains("même élection"), "{}", error.message);
    }

    #[test]
    fn both_rounds_in_one_batch() {
        let elections = read(
            &[
                "formats/tiers_reexport_csv_bv_LG2024T1_gouesnou_extrait.csv",
                "formats/ministere_csv_bv_LG2024T2_gouesnou_extrait.csv",
            ],
            &ImportOptions::default(),
        )
        .unwrap();
        let rounds: Vec<u8> = elections.iter().map(|e| e.config.round).collect();
        assert_eq!(rounds, vec![1, 2]);
    }

    fn gouesnou_round_one() -> ImportedElection {
        read_one(
            &["formats/tiers_reexport_csv_bv_LG2024T1_gouesnou_extrait.csv"],
            &ImportOptions::default(),
        )
    }

    /// The Gouesnou round-one file, transformed by `transform`, must give the same results.
    fn assert_same_after(transform: impl Fn(&str) -> Vec<u8>, case: &str) {
        let (name, bytes) = fixture("formats/tiers_reexport_csv_bv_LG2024T1_gouesnou_extrait.csv");
        let text = String::from_utf8(bytes).unwrap();
        let elections = read_batch(&[(name, transform(&text))], &ImportOptions::default())
            .unwrap_or_else(|error| panic!("{case}: {error}"));
        assert_eq!(elections[0].results, gouesnou_round_one().results, "{case}");
        assert_eq!(
            elections[0].config.candidates,
            gouesnou_round_one().config.candidates,
            "{case}"
        );
    }

    #[test]
    fn encodings_give_same_results() {
        assert_same_after(
            |text| {
                let mut bytes = vec![0xEF, 0xBB, 0xBF];
                bytes.extend_from_slice(text.as_bytes());
                bytes
            },
            "UTF-8 avec BOM",
        );
        assert_same_after(
            |text| {
                let mut bytes = vec![0xFF, 0xFE];
                text.encode_utf16()
                    .for_each(|unit| bytes.extend(unit.to_le_bytes()));
                bytes
            },
            "UTF-16 LE",
        );
        assert_same_after(
            |text| {
                let mut bytes = vec![0xFE, 0xFF];
                text.encode_utf16()
                    .for_each(|unit| bytes.extend(unit.to_be_bytes()));
                bytes
            },
            "UTF-16 BE",
        );
        assert_same_after(
            |text| encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
            "Windows-1252",
        );
    }

    #[test]
    fn separators_and_line_endings() {
        assert_same_after(|text| text.replace(';', "\t").into_bytes(), "tabulation");
        assert_same_after(|text| text.replace('\n', "\r\n").into_bytes(), "CRLF");
        assert_same_after(
            |text| text.replace('\n', "\n\n").into_bytes(),
            "lignes vides",
        );
        assert_same_after(
            |text| {
                // Re-saved with commas: every cell quoted, as the comma is also the decimal mark.
                let lines: Vec<String> = text
                    .lines()
                    .map(|line| {
                        line.split(';')
                            .map(|cell| format!("\"{cell}\""))
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect();
                lines.join("\n").into_bytes()
            },
            "virgule",
        );
    }

    #[test]
    fn zero_padded_numbers_accepted() {
        assert_same_after(
            |text| {
                text.replacen(";994;760;", ";00000994;0760;", 1)
                    .into_bytes()
            },
            "zéros",
        );
    }

    #[test]
    fn error_names_line_in_windows_file() {
        let (name, bytes) = fixture("formats/tiers_reexport_csv_bv_LG2024T1_gouesnou_extrait.csv");
        let text = String::from_utf8(bytes).unwrap().replace('\n', "\r\n");
        let text = text.replacen(";175;", ";1 75;", 1);
        let error =
            read_batch(&[(name, text.into_bytes())], &ImportOptions::default()).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert_eq!(error.column.as_deref(), Some("Voix 1"));
        assert_eq!(error.value.as_deref(), Some("1 75"));
        assert!(
            error.message.starts_with("fichier tiers_reexport"),
            "{}",
            error.message
        );
    }

    /// Builds a législatives 2024 file of a commune split across two constituencies: stations 1
    /// and 2 vote for A and B, station 3 for C and D.
    fn split_commune_file() -> (String, Vec<u8>) {
        let header = "Code département;Libellé département;Code commune;Libellé commune;\
            Code BV;Inscrits;Votants;Abstentions;Exprimés;Blancs;Nuls;Numéro de panneau 1;\
            Nuance candidat 1;Nom candidat 1;Prénom candidat 1;Sexe candidat 1;Voix 1;\
            Elu 1;Numéro de panneau 2;Nuance candidat 2;Nom candidat 2;Prénom candidat 2;\
            Sexe candidat 2;Voix 2;Elu 2";
        let rows = [
            "29;Finistère;29019;Brest;0001;100;60;40;58;1;1;1;UG;ALPHA;Anne;F;30;;2;RN;BETA;Bob;M;28;",
            "29;Finistère;29019;Brest;0002;100;50;50;50;0;0;1;UG;ALPHA;Anne;F;20;;2;RN;BETA;Bob;M;30;",
            "29;Finistère;29019;Brest;0003;100;70;30;68;2;0;1;ENS;GAMMA;Gil;M;40;;2;LR;DELTA;Dan;M;28;",
        ];
        let text = format!("{header}\n{}\n", rows.join("\n"));
        (
            "resultats_LG2024T1_brest.csv".to_string(),
            text.into_bytes(),
        )
    }

    #[test]
    fn split_commune_gives_two_races() {
        let elections = read_batch(&[split_commune_file()], &ImportOptions::default()).unwrap();
        assert_eq!(elections.len(), 2);
        assert_eq!(
            elections[0].config.scope,
            Scope::Constituency("groupe-1".into())
        );
        assert_eq!(
            elections[1].config.scope,
            Scope::Constituency("groupe-2".into())
        );
        assert_eq!(elections[0].config.stations.len(), 2);
        assert_eq!(elections[1].config.stations.len(), 1);
        assert_eq!(elections[1].config.candidates[0].surname, "GAMMA");
        assert_eq!(
            elections[1].config.label,
            "Élections législatives 2024 — 1er tour — circonscription groupe-2"
        );
    }

    #[test]
    fn split_commune_named_by_stations_file() {
        let stations = (
            "brest_29019_legislatives2024_t1_bureaux.csv".to_string(),
            b"code_bv,circonscription\n1,29-2\n2,29-02\n3,29-1\n".to_vec(),
        );
        let elections =
            read_batch(&[split_commune_file(), stations], &ImportOptions::default()).unwrap();
        assert_eq!(
            elections[0].config.scope,
            Scope::Constituency("29-02".into())
        );
        assert_eq!(
            elections[1].config.scope,
            Scope::Constituency("29-01".into())
        );
        assert_eq!(
            elections[1].config.stations[0].constituency.as_deref(),
            Some("29-01")
        );
        assert_eq!(elections[0].config.commune.name, "Brest");
    }

    #[test]
    fn split_commune_named_by_candidates_file() {
        let candidates = (
            "candidats.csv".to_string(),
            "circonscription,numero_panneau,nom,prenom\n29-01,1,GAMMA,Gil\n29-01,2,DELTA,Dan\n\
             29-02,1,ALPHA,Anne\n29-02,2,BETA,Bob\n"
                .as_bytes()
                .to_vec(),
        );
        let elections = read_batch(
            &[split_commune_file(), candidates],
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(
            elections[0].config.scope,
            Scope::Constituency("29-02".into())
        );
        assert_eq!(
            elections[1].config.scope,
            Scope::Constituency("29-01".into())
        );
    }
}
