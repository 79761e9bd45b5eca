// Test code: a failed unwrap is a failed test, with the value in the panic message.
#![allow(clippy::unwrap_used)]
//! The whole constituency 29-02 of the législatives 2024 (Finistère's 2nd), built from the
//! Ministry's per-station files. Gouesnou (29061) counts its own stations. The other
//! communes of the race enter their totals by hand, through `import --as-communes`, or in
//! the web interface while the projector follows. Every expected figure is summed here,
//! independently of the hub, from the published file.

#[path = "../src/projector_browser.rs"]
mod projector_browser;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use urne_tests::browser::{Browser, PASSWORD, gouesnou_site, one_browser_test_at_a_time};
use urne_tests::{Hub, fixture, import, run_hub, wait_until};

const ROUND_1: &str =
    "formats/ministere_csv_bv_LG2024T1_circos_29-02_29-03_sans_brest_plouzane.csv";
const ROUND_2: &str =
    "formats/ministere_csv_bv_LG2024T2_circos_29-02_29-03_sans_brest_plouzane.csv";

/// Communes of constituency 29-02 in the file: Brest's part of the constituency has no
/// rows there.
const HOST: &str = "29061";
const OTHERS: [(&str, &str); 2] = [("29011", "Bohars"), ("29069", "Guilers")];

/// Brest (29019) votes partly in 29-02, but the file has none of its rows. It is listed so
/// that the race stays provisional; its inscrits are a stand-in, not a published figure.
const BREST: (&str, &str, u64) = ("29019", "Brest (partie de la 2e circonscription)", 50_000);

/// One commune's totals summed from the Ministry's file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Totals {
    name: String,
    stations: u32,
    registered: u64,
    voters: u64,
    blank: u64,
    invalid: u64,
    valid_votes: u64,
    votes: BTreeMap<u32, u64>,
}

impl Totals {
    fn add(&mut self, other: &Totals) {
        self.stations += other.stations;
        self.registered += other.registered;
        self.voters += other.voters;
        self.blank += other.blank;
        self.invalid += other.invalid;
        self.valid_votes += other.valid_votes;
        for (number, votes) in &other.votes {
            *self.votes.entry(*number).or_default() += votes;
        }
    }

    /// Builds the body of `PUT …/other-communes/{insee}/results`.
    fn write_body(&self, base_version: u64) -> Value {
        let votes: serde_json::Map<String, Value> = self
            .votes
            .iter()
            .map(|(number, votes)| (number.to_string(), json!(votes)))
            .collect();
        json!({
            "base_version": base_version,
            "registered": self.registered,
            "voters": self.voters,
            "blank": self.blank,
            "invalid": self.invalid,
            "valid_votes": self.valid_votes,
            "votes": votes,
        })
    }
}

/// Sums the file's stations per commune. Cells may be quoted; the candidate groups are
/// `Numéro de panneau k … Voix k`.
fn file_totals(relative: &str) -> BTreeMap<String, Totals> {
    let text = std::fs::read_to_string(fixture(relative)).unwrap();
    let mut lines = text.lines();
    let split = |line: &str| -> Vec<String> {
        line.split(';')
            .map(|cell| cell.trim().trim_matches('"').to_string())
            .collect()
    };
    let header = split(lines.next().unwrap());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (insee, name) = (column("Code commune"), column("Libellé commune"));
    let number = |cell: &str| -> u64 { cell.parse().unwrap() };
    let mut totals: BTreeMap<String, Totals> = BTreeMap::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells = split(line);
        let mut station = Totals {
            name: cells[name].clone(),
            stations: 1,
            registered: number(&cells[column("Inscrits")]),
            voters: number(&cells[column("Votants")]),
            blank: number(&cells[column("Blancs")]),
            invalid: number(&cells[column("Nuls")]),
            valid_votes: number(&cells[column("Exprimés")]),
            votes: BTreeMap::new(),
        };
        for k in 1.. {
            let Some(panel) = header
                .iter()
                .position(|h| *h == format!("Numéro de panneau {k}"))
            else {
                break;
            };
            if cells.get(panel).is_none_or(|c| c.is_empty()) {
                continue;
            }
            let ballot = u32::try_from(number(&cells[panel])).unwrap();
            let votes = number(&cells[column(&format!("Voix {k}"))]);
            station.votes.insert(ballot, votes);
        }
        let entry = totals.entry(cells[insee].clone()).or_default();
        entry.name = station.name.clone();
        entry.add(&station);
    }
    totals
}

fn gouesnou(round: u8, file: &str) -> String {
    fixture(&format!(
        "data/gouesnou_29061_legislatives2024_t{round}_{file}.csv"
    ))
    .to_string_lossy()
    .into_owned()
}

/// Imports Gouesnou's round with the results of its stations.
fn import_gouesnou(db: &Path, round: u8) -> i64 {
    import(
        db,
        &[
            &gouesnou(round, "bureaux"),
            &gouesnou(round, "candidats"),
            &gouesnou(round, "voix"),
        ],
    )[0]
}

/// Lists Bohars, Guilers and Brest as the other communes of 29-02.
fn list_communes(hub: &Hub, id: i64, with_brest: bool) {
    let file = file_totals(ROUND_1);
    let mut communes: Vec<Value> = OTHERS
        .iter()
        .map(|(insee, name)| {
            json!({ "insee_code": insee, "name": name, "registered": file[*insee].registered })
        })
        .collect();
    if with_brest {
        communes.push(json!({ "insee_code": BREST.0, "name": BREST.1, "registered": BREST.2 }));
    }
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/other-communes"),
        &json!({
            "base_version": 0,
            "area": { "kind": "constituency", "code": "29-02",
                      "name": "2e circonscription du Finistère" },
            "communes": communes,
        }),
    );
    assert_eq!(status, 200, "{body}");
}

/// Asserts that the race's totals and each candidate's votes equal `expected`.
fn assert_race_totals(race: &Value, expected: &Totals) {
    let area = &race["area"];
    assert_eq!(area["voters"], json!(expected.voters), "votants");
    assert_eq!(area["blank"], json!(expected.blank), "blancs");
    assert_eq!(area["invalid"], json!(expected.invalid), "nuls");
    assert_eq!(area["valid_votes"], json!(expected.valid_votes), "exprimés");
    assert_eq!(
        area["registered_counted"],
        json!(expected.registered),
        "inscrits comptés"
    );
    let candidates = area["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), expected.votes.len());
    for candidate in candidates {
        let number = u32::try_from(candidate["ballot_number"].as_u64().unwrap()).unwrap();
        assert_eq!(
            candidate["votes"],
            json!(expected.votes[&number]),
            "voix du panneau {number}"
        );
        assert_eq!(
            candidate["share_of_valid_votes"]["denominator"],
            json!(expected.valid_votes)
        );
    }
}

/// Sums the file's totals of Gouesnou and of the other communes of 29-02 it contains.
fn expected_race(relative: &str) -> Totals {
    let file = file_totals(relative);
    let mut expected = file[HOST].clone();
    for (insee, _) in OTHERS {
        expected.add(&file[insee]);
    }
    expected
}

#[test]
fn constituency_sums_published_file() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_gouesnou(&db, 1);
    let hub = Hub::serve(&db);
    let file = file_totals(ROUND_1);

    // Gouesnou's own stations, as imported, match the Ministry's file.
    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    assert_eq!(
        results["commune"]["valid_votes"],
        json!(file[HOST].valid_votes)
    );
    assert_eq!(file[HOST].stations, 6);

    list_communes(&hub, id, true);
    for (insee, name) in OTHERS {
        assert_eq!(file[insee].name, name);
        let (status, body) = hub.put(
            &format!("/api/v1/elections/{id}/other-communes/{insee}/results"),
            &file[insee].write_body(0),
        );
        assert_eq!(status, 200, "{insee}: {body}");
        assert_eq!(body["status"], "entered");
    }

    let race = hub.get_json(&format!("/api/v1/elections/{id}/race"));
    assert_race_totals(&race, &expected_race(ROUND_1));
    assert_eq!(race["area"]["code"], "29-02");
    assert_eq!(
        race["progress"]["label"],
        "bureaux de la commune 6/6, communes 2/3"
    );
    assert_eq!(
        race["area"]["registered_all"],
        json!(expected_race(ROUND_1).registered + BREST.2)
    );
    // Brest is listed and missing: the whole race stays provisional.
    assert_eq!(race["provisional"], json!(true));
    assert_eq!(race["progress"]["complete"], json!(false));
    assert_eq!(race["outcome"]["provisional"], json!(true));
    assert!(
        race["label"]
            .as_str()
            .unwrap()
            .starts_with("Résultat provisoire"),
        "{}",
        race["label"]
    );
    let brest = race["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["insee_code"] == BREST.0)
        .unwrap();
    assert_eq!(brest["status"], "not_arrived");

    // The public site publishes the race as a page, JSON and CSV.
    let expected_valid = json!(expected_race(ROUND_1).valid_votes);
    let published = wait_until(Duration::from_secs(15), || {
        let response = hub
            .client
            .get(hub.url(&format!("/public/{id}/regroupement.json")))
            .send()
            .unwrap();
        response.status().as_u16() == 200
            && response.json::<Value>().unwrap()["area"]["valid_votes"] == expected_valid
    });
    assert!(published, "the public site never showed the race");
    let page = hub
        .client
        .get(hub.url(&format!("/public/{id}/regroupement.html")))
        .send()
        .unwrap()
        .text()
        .unwrap();
    for name in [
        "Bohars",
        "Guilers",
        "Brest",
        "2e circonscription du Finistère",
    ] {
        assert!(page.contains(name), "{name} missing from the public page");
    }
    let public_csv = hub
        .client
        .get(hub.url(&format!("/public/{id}/regroupement-communes.csv")))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(public_csv.lines().count(), 1 + 3, "{public_csv}");

    // The other communes' entries are in the audit log with the figures.
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let writes: Vec<&Value> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "other_commune_results.write")
        .collect();
    assert_eq!(writes.len(), 2);

    // The exports of the whole race read back the same totals.
    let out = directory.path().join("race.csv");
    let output = run_hub(&[
        "export",
        "--db",
        &db.to_string_lossy(),
        &id.to_string(),
        "--format",
        "race-csv",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(output.success, "{}", output.stderr);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 1 + 1 + 3, "{csv}");
    assert!(csv.contains("29011,Bohars,commune,entered"), "{csv}");

    // The printed reports gain the race's report, one row per commune.
    let folder = directory.path().join("rapports");
    let output = run_hub(&[
        "export",
        "--db",
        &db.to_string_lossy(),
        &id.to_string(),
        "--format",
        "pdf",
        "--out",
        &folder.to_string_lossy(),
    ]);
    assert!(output.success, "{}", output.stderr);
    let report = folder.join("resultats-circonscription.pdf");
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", &report.to_string_lossy(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("2e circonscription du Finistère"), "{text}");
    for name in ["Gouesnou", "Bohars", "Guilers", "Brest"] {
        assert!(text.contains(name), "{name} missing: {text}");
    }
}

/// Runs `urne-hub import --as-communes ID FILE`.
fn import_as_communes(db: &Path, id: i64, file: &str) -> urne_tests::Output {
    run_hub(&[
        "import",
        "--db",
        &db.to_string_lossy(),
        "--as-communes",
        &id.to_string(),
        &fixture(file).to_string_lossy(),
    ])
}

#[test]
fn import_as_communes_replays_race() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    for (round, file) in [(1, ROUND_1), (2, ROUND_2)] {
        let id = import_gouesnou(&db, round);
        let output = import_as_communes(&db, id, file);
        assert!(output.success, "round {round}: {}", output.stderr);
        // Bohars and Guilers; the 30 communes of 29-03 show other candidates.
        assert_eq!(output.stdout.lines().count(), 2, "{}", output.stdout);
        assert!(output.stdout.contains("29011\tBohars"), "{}", output.stdout);
        assert!(output.stderr.contains("30 communes"), "{}", output.stderr);
        assert!(
            output.stderr.contains("commune du hub"),
            "{}",
            output.stderr
        );

        let hub = Hub::serve(&db);
        let list = hub.get_json(&format!("/api/v1/elections/{id}/other-communes"));
        let codes: Vec<&str> = list["communes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["insee_code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["29011", "29069"]);
        assert_eq!(list["area"]["code"], "29-02");

        let race = hub.get_json(&format!("/api/v1/elections/{id}/race"));
        let expected = expected_race(file);
        assert_race_totals(&race, &expected);
        assert_eq!(
            race["progress"]["label"],
            "bureaux de la commune 6/6, communes 2/2"
        );
        // Every listed commune is in: the outcome rules decide the race.
        assert_eq!(race["provisional"], json!(false), "{}", race["label"]);
        let decision = race["outcome"]["decision"]["decision"].as_str().unwrap();
        let expected_decision = if round == 1 {
            "second_round"
        } else {
            "elected"
        };
        assert_eq!(decision, expected_decision, "round {round}");
        if round == 2 {
            // The leader of the summed file is elected.
            let leader = expected.votes.iter().max_by_key(|(_, v)| **v).unwrap().0;
            assert_eq!(race["outcome"]["decision"]["ballot_number"], json!(leader));
        }

        // A second import changes nothing: both communes already have totals.
        let before = hub.get_json(&format!("/api/v1/elections/{id}/race"));
        let audit_before = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
        let again = import_as_communes(&db, id, file);
        assert!(!again.success);
        assert!(
            again.stderr.contains("rien n'a été enregistré"),
            "{}",
            again.stderr
        );
        assert!(again.stderr.contains("29011"), "{}", again.stderr);
        let after = hub.get_json(&format!("/api/v1/elections/{id}/race"));
        assert_eq!(before, after);
        let audit_after = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
        assert_eq!(audit_before, audit_after);
    }
}

/// Reads the list, the race and the audit log, to compare before and after a refusal.
fn snapshot(hub: &Hub, id: i64) -> (Value, Value, Value) {
    (
        hub.get_json(&format!("/api/v1/elections/{id}/other-communes")),
        hub.get_json(&format!("/api/v1/elections/{id}/race")),
        hub.get_json(&format!("/api/v1/elections/{id}/audit")),
    )
}

#[test]
fn bad_commune_entries_rejected() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_gouesnou(&db, 1);
    let hub = Hub::serve(&db);
    let file = file_totals(ROUND_1);
    list_communes(&hub, id, true);
    let bohars = format!("/api/v1/elections/{id}/other-communes/29011/results");
    let (status, body) = hub.put(&bohars, &file["29011"].write_body(0));
    assert_eq!(status, 200, "{body}");

    // The same commune entered a second time as a first entry.
    let before = snapshot(&hub, id);
    let mut other = file["29011"].write_body(0);
    other["voters"] = json!(file["29011"].voters + 1);
    let (status, body) = hub.put(&bohars, &other);
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "stale_version");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("29011 (Bohars)"), "{message}");
    assert!(message.contains("déjà saisis"), "{message}");
    assert!(message.contains("base_version = 1"), "{message}");
    assert_eq!(body["error"]["current_version"], json!(1));
    assert_eq!(snapshot(&hub, id), before);

    // A commune of the file that is not on the list (Bourg-Blanc votes in 29-03).
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/other-communes/29015/results"),
        &file["29015"].write_body(0),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "commune_not_listed");
    assert_eq!(body["error"]["field"], "insee_code");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("29015"), "{message}");
    assert!(message.contains("29011, 29069, 29019"), "{message}");
    assert!(message.contains("ajouter à la liste"), "{message}");
    assert_eq!(snapshot(&hub, id), before);

    // Totals whose votes do not add up to the valid votes.
    let mut wrong = file["29069"].write_body(0);
    wrong["votes"]["1"] = json!(file["29069"].votes[&1] + 7);
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/other-communes/29069/results"),
        &wrong,
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "inconsistent");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("29069 (Guilers)"), "{message}");
    let expected_sum = file["29069"].valid_votes + 7;
    assert!(
        message.contains(&format!("la somme des voix ({expected_sum})")),
        "{message}"
    );
    assert!(
        message.contains(&format!("exprimés ({})", file["29069"].valid_votes)),
        "{message}"
    );
    assert_eq!(body["error"]["findings"][0]["field"], "votes");
    assert_eq!(snapshot(&hub, id), before);

    // The host commune cannot be listed nor entered as another commune.
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/other-communes/{HOST}/results"),
        &file[HOST].write_body(0),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "host_commune");
    assert_eq!(snapshot(&hub, id), before);
}

/// Keys Bohars' totals in the communes sheet with the keyboard.
fn key_sheet(browser: &Browser, totals: &Totals) {
    browser.fill("#voters", &totals.voters.to_string());
    browser.fill("#blank", &totals.blank.to_string());
    browser.fill("#invalid", &totals.invalid.to_string());
    browser.fill("#valid_votes", &totals.valid_votes.to_string());
    for (number, votes) in &totals.votes {
        browser.fill(&format!("#v_{number}"), &votes.to_string());
    }
}

#[test]
fn commune_sheet_updates_projector() {
    let _guard = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    list_communes(&hub, id, true);
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/display"),
        &json!({ "title": "Gouesnou — circonscription" }),
    );
    assert_eq!(status, 200, "{body}");
    let projector_path = body["projector_path"].as_str().unwrap().to_string();

    let projector = projector_browser::ProjectorBrowser::start();
    projector.goto(&hub.url(&format!("{projector_path}&slide=race")));
    assert!(
        projector
            .wait_for(Duration::from_secs(10), |b| b
                .text("#slide")
                .contains("communes 0/3"))
            .is_some(),
        "the race slide never showed: {}",
        projector.text("#slide")
    );
    assert_eq!(
        projector.execute("return document.getElementById('slide').dataset.kind;"),
        json!("race")
    );

    let browser = Browser::start();
    browser.login(&hub.base, "agent2", PASSWORD);
    browser.goto(&hub.url(&format!("/admin/elections/{id}/communes")));
    assert!(
        browser
            .text("h1")
            .contains("2e circonscription du Finistère")
    );
    browser.assert_accessible("liste des autres communes");
    browser.screenshot("autres-communes");
    browser.goto(&hub.url(&format!("/admin/elections/{id}/communes/29011")));
    browser.assert_accessible("fiche d'une autre commune");
    let file = file_totals(ROUND_1);
    key_sheet(&browser, &file["29011"]);
    browser.screenshot("autre-commune-fiche");
    let started = Instant::now();
    browser.press_enter();
    assert!(
        browser.wait_for_text(
            "main",
            "Résultats de la commune 29011 enregistrés",
            Duration::from_secs(10)
        ),
        "{}",
        browser.page_text()
    );
    let saved = started.elapsed();
    let shown = projector.wait_for(Duration::from_secs(10), |b| {
        b.text("#slide").contains("communes 1/3")
    });
    let after_save =
        shown.unwrap_or_else(|| panic!("projector never updated: {}", projector.text("#slide")));
    assert!(
        after_save <= Duration::from_secs(1),
        "projector updated {after_save:?} after the save ({saved:?} to save)"
    );
    let race = hub.get_json(&format!("/api/v1/elections/{id}/race"));
    assert_eq!(
        race["communes"][0]["count"]["valid_votes"],
        json!(file["29011"].valid_votes)
    );
    projector.screenshot("race");
}

#[test]
fn api_import_lists_then_loads() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_gouesnou(&db, 1);
    let hub = Hub::serve(&db);
    let bytes = std::fs::read(fixture(ROUND_1)).unwrap();
    let send = |results: bool| -> (u16, Value) {
        let response = hub
            .client
            .post(hub.url(&format!(
                "/api/v1/elections/{id}/other-communes/import?results={results}"
            )))
            .bearer_auth(hub.token.as_deref().unwrap())
            .header("Content-Type", "text/csv")
            .body(bytes.clone())
            .send()
            .unwrap();
        (response.status().as_u16(), response.json().unwrap())
    };

    // First only the list, with the file's inscrits.
    let (status, body) = send(false);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["listed"], json!(2));
    assert_eq!(body["totals"], json!(0));
    assert_eq!(body["host_skipped"], json!(true));
    assert_eq!(body["other_races"].as_array().unwrap().len(), 30);
    let list = hub.get_json(&format!("/api/v1/elections/{id}/other-communes"));
    assert_eq!(
        list["communes"][0]["registered"],
        json!(file_totals(ROUND_1)["29011"].registered)
    );
    let race = hub.get_json(&format!("/api/v1/elections/{id}/race"));
    assert_eq!(
        race["progress"]["label"],
        "bureaux de la commune 6/6, communes 0/2"
    );

    // Then the totals: the whole race of the file.
    let (status, body) = send(true);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["listed"], json!(0));
    assert_eq!(body["totals"], json!(2));
    let race = hub.get_json(&format!("/api/v1/elections/{id}/race"));
    assert_race_totals(&race, &expected_race(ROUND_1));

    // A third time changes nothing.
    let before = snapshot(&hub, id);
    let (status, body) = send(true);
    assert_eq!(status, 409, "{body}");
    assert_eq!(snapshot(&hub, id), before);
}
