//! The reference configuration pages and the election forms in a real headless Chromium.
//! An administrator configures Gouesnou from the bundled files through the import form,
//! creates elections from the reference, and prepares a second round from a complete first
//! round. Forged requests check that every write is refused without the administrator role,
//! without the CSRF token, or with an invalid colour or an unknown nuance.
//!
//! Needs Debian's `chromium` and `chromium-driver`, and `npm ci` run in tests/axe.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use urne_tests::browser::{Browser, FormSession, PASSWORD, add_user, one_browser_test_at_a_time};
use urne_tests::{Hub, fixture, import};

const STATIONS_FILE: &str = "data/gouesnou_29061_legislatives2024_t1_bureaux.csv";
const CANDIDATES_FILE: &str = "data/gouesnou_29061_legislatives2024_t1_candidats.csv";
const VOTES_FILE: &str = "data/gouesnou_29061_legislatives2024_t1_voix.csv";

fn fixture_path(relative: &str) -> String {
    fixture(relative).to_string_lossy().into_owned()
}

/// Returns the ids of the elections the hub lists, in the order of its API.
fn election_ids(hub: &Hub) -> Vec<i64> {
    let list = hub.get_json("/api/v1/elections");
    let elections = list["elections"].as_array().cloned().unwrap_or_default();
    elections
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

/// Returns the configuration of an election as the API shows it.
fn configuration(hub: &Hub, id: i64) -> Value {
    hub.get_json(&format!("/api/v1/elections/{id}"))
}

fn ballot_numbers(configuration: &Value) -> Vec<u64> {
    configuration["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ballot_number"].as_u64().unwrap())
        .collect()
}

fn registered_of(configuration: &Value, code: &str) -> u64 {
    configuration["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap()["registered"]
        .as_u64()
        .unwrap()
}

/// Opens a page, checks it with axe-core and saves its screenshot.
fn visit(browser: &Browser, hub: &Hub, path: &str, name: &str) {
    browser.goto(&hub.url(path));
    browser.screenshot(name);
    browser.assert_accessible(name);
}

/// Sends the form of the element matching `css`'s own form, bypassing the browser's
/// checks so the hub's are the ones tested.
fn submit_form_of(browser: &Browser, css: &str) {
    browser.execute(&format!(
        "document.querySelector({css:?}).form.submit(); return true;"
    ));
}

fn wait_for_page(browser: &Browser, needle: &str) {
    assert!(
        browser.wait_for_text("main", needle, Duration::from_secs(10)),
        "expected « {needle} » on the page: {}",
        browser.page_text()
    );
}

/// Configures the commune and imports Gouesnou's stations and candidates files.
fn configure_gouesnou(browser: &Browser, hub: &Hub) {
    browser.goto(&hub.url("/admin/configuration"));
    browser.fill("#insee_code", "29061");
    browser.fill("#department_code", "29");
    browser.fill("#name", "Gouesnou");
    browser.fill("#mayor", "Stéphane Roudaut");
    submit_form_of(browser, "#insee_code");
    wait_for_page(browser, "Enregistré : commune Gouesnou.");
    assert_eq!(browser.value("#mayor"), "Stéphane Roudaut");
    browser.screenshot("configuration-commune");
    browser.assert_accessible("configuration commune");

    browser.goto(&hub.url("/admin/configuration/import"));
    browser.assert_accessible("configuration import");
    browser.execute("document.getElementById('files').focus(); return true;");
    browser.type_text(&format!(
        "{}\n{}",
        fixture_path(STATIONS_FILE),
        fixture_path(CANDIDATES_FILE)
    ));
    submit_form_of(browser, "#files");
    wait_for_page(browser, "Importé : 6 bureau(x), 10 candidat(s) ajouté(s)");
}

#[test]
fn configuration_and_elections_in_browser() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    add_user(&db, "admin", "administrator", None, PASSWORD);
    let hub = Hub::serve(&db);
    let browser = Browser::start();
    browser.login(&hub.base, "admin", PASSWORD);
    configure_gouesnou(&browser, &hub);

    visit(
        &browser,
        &hub,
        "/admin/configuration/stations",
        "configuration-bureaux",
    );
    let stations = browser.text("#stations");
    assert!(stations.contains("0006"), "{stations}");
    assert!(stations.contains("1085"), "{stations}");
    assert!(browser.page_text().contains("6 bureau(x), 5397 inscrits"));
    visit(
        &browser,
        &hub,
        "/admin/configuration/areas",
        "configuration-decoupage",
    );
    assert!(browser.page_text().contains("29-02"));
    visit(
        &browser,
        &hub,
        "/admin/configuration/parties",
        "configuration-nuances",
    );
    for nuance in ["ENS", "UG", "RN", "DVC"] {
        assert!(
            browser.exists(&format!("#label-{nuance}")),
            "nuance {nuance}"
        );
    }
    visit(
        &browser,
        &hub,
        "/admin/configuration/candidates",
        "configuration-candidats",
    );
    let candidates = browser.text("#candidates");
    assert!(candidates.contains("LARSONNEUR"), "{candidates}");
    visit(
        &browser,
        &hub,
        "/admin/configuration/slots",
        "configuration-tranches",
    );
    assert_eq!(browser.value("#slots"), "12:00, 17:00");

    // A nuance the configuration does not know is refused with its message.
    browser.goto(&hub.url("/admin/configuration/candidates"));
    browser.fill("#surname", "DUPONT");
    browser.fill("#nuance", "XYZ");
    submit_form_of(&browser, "#surname");
    wait_for_page(&browser, "Nuance « XYZ » inconnue");
    assert_eq!(browser.value("#surname"), "DUPONT", "typed values are kept");
    browser.screenshot("configuration-candidat-refus");
    browser.assert_accessible("candidat refusé");

    // Round 1 of the législatives with every reference candidate, then a smaller election.
    browser.goto(&hub.url("/admin/elections/new"));
    browser.assert_accessible("nouvelle élection");
    browser.execute("document.getElementById('date').value = '2024-06-30'; return true;");
    submit_form_of(&browser, "#date");
    wait_for_page(&browser, "« Élections législatives 2024 — 1er tour » créée");
    let first = *election_ids(&hub).iter().max().unwrap();
    let round1 = configuration(&hub, first);
    assert_eq!(round1["stations"].as_array().unwrap().len(), 6);
    assert_eq!(ballot_numbers(&round1), (1..=10).collect::<Vec<u64>>());
    assert_eq!(registered_of(&round1, "0001"), 994);

    browser.goto(&hub.url("/admin/elections/new"));
    browser.execute(
        "document.querySelectorAll('input[name^=pick_]').forEach(box => box.checked = false);
         document.getElementById('date').value = '2026-03-15';
         return true;",
    );
    let picked = browser.execute(
        "const rows = [...document.querySelectorAll('#choice tbody tr')];
         const chosen = rows.filter(row => /BRÉHIER|CADALEN|KERVELLA/.test(row.textContent));
         chosen.forEach((row, index) => {
             row.querySelector('input[type=checkbox]').checked = true;
             row.querySelector('input.count').value = String(index + 1);
         });
         return chosen.length;",
    );
    assert_eq!(picked, 3);
    browser.fill("#label", "Répétition trois candidats");
    browser.click("#rehearsal");
    browser.screenshot("nouvelle-election");
    submit_form_of(&browser, "#label");
    wait_for_page(&browser, "« Répétition trois candidats » créée");
    browser.screenshot("elections-creees");
    browser.assert_accessible("élections créées");
    let small = *election_ids(&hub).iter().max().unwrap();
    let trio = configuration(&hub, small);
    assert_eq!(ballot_numbers(&trio), vec![1, 2, 3]);
    let names: Vec<&str> = trio["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["surname"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["BRÉHIER", "CADALEN", "KERVELLA"]);

    // A candidate's photo goes through the upload form; any PNG will do, so the test
    // sends the screenshot it saved above.
    browser.goto(&hub.url(&format!("/admin/elections/{small}/candidates")));
    browser.assert_accessible("candidats et photos");
    browser.execute("document.getElementById('photo-2').focus(); return true;");
    let png = urne_tests::repository().join("artifacts/screenshots/configuration-tranches.png");
    browser.type_text(&png.to_string_lossy());
    submit_form_of(&browser, "#photo-2");
    wait_for_page(&browser, "Photo du panneau 2 enregistrée.");
    assert!(browser.exists("#candidate-2 img.photo"));
    browser.screenshot("election-candidats");
    let photo = hub
        .client
        .get(hub.url(&format!("/api/v1/elections/{small}/candidates/2/photo")))
        .send()
        .unwrap();
    assert_eq!(photo.status().as_u16(), 200);
    assert_eq!(photo.headers()["content-type"], "image/png");

    // Editing the reference later never changes an election's copy.
    browser.goto(&hub.url("/admin/configuration/stations/0001"));
    browser.assert_accessible("fiche bureau");
    browser.fill("#registered", "1000");
    submit_form_of(&browser, "#registered");
    wait_for_page(&browser, "Enregistré : bureau 0001.");
    assert!(browser.text("#station-0001").contains("1000"));
    assert_eq!(registered_of(&configuration(&hub, first), "0001"), 994);
    assert_eq!(registered_of(&configuration(&hub, small), "0001"), 994);

    // A station used by an election stays.
    browser.goto(&hub.url("/admin/configuration/stations/0002"));
    browser.execute("document.querySelector('form[action$=\"/delete\"]').submit(); return true;");
    wait_for_page(&browser, "Suppression du bureau 0002 refusée");
}

#[test]
fn second_round_from_complete_first_round() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let ids = import(
        &db,
        &[
            &fixture_path(STATIONS_FILE),
            &fixture_path(CANDIDATES_FILE),
            &fixture_path(VOTES_FILE),
        ],
    );
    let first = ids[0];
    add_user(&db, "admin", "administrator", None, PASSWORD);
    let hub = Hub::serve(&db);
    let browser = Browser::start();
    browser.login(&hub.base, "admin", PASSWORD);

    // The reference inscrits at creation time go to round 2.
    browser.goto(&hub.url("/admin/configuration/stations/0003"));
    browser.fill("#registered", "890");
    submit_form_of(&browser, "#registered");
    wait_for_page(&browser, "Enregistré : bureau 0003.");

    browser.goto(&hub.url(&format!("/admin/elections/{first}/second-round")));
    let checked = browser.execute(
        "return [...document.querySelectorAll('input[name^=keep_]:checked')]
             .map(box => box.name);",
    );
    assert_eq!(
        checked,
        serde_json::json!(["keep_1", "keep_3", "keep_7", "keep_8"]),
        "the candidates with 12.5 % of the inscrits are proposed"
    );
    let kept = browser.text("#proposal-7");
    assert!(kept.contains("qualifié pour le second tour"), "{kept}");
    assert!(kept.contains("Seuil de 12,5 % des inscrits"), "{kept}");
    let dropped = browser.text("#proposal-2");
    assert!(dropped.contains("non qualifié"), "{dropped}");
    assert!(dropped.contains("non atteint"), "{dropped}");
    assert_eq!(browser.value("#date"), "2024-07-07", "one week later");
    browser.screenshot("second-tour");
    browser.assert_accessible("second tour");

    // Candidate 1 withdrew: the administrator unticks it before confirming.
    browser.click("#keep_1");
    submit_form_of(&browser, "#date");
    wait_for_page(&browser, "« Élections législatives 2024 — 2d tour » créée");
    let second = *election_ids(&hub).iter().max().unwrap();
    let round2 = configuration(&hub, second);
    assert_eq!(round2["round"], 2);
    assert_eq!(round2["date"], "2024-07-07");
    assert_eq!(ballot_numbers(&round2), vec![3, 7, 8]);
    assert_eq!(round2["stations"].as_array().unwrap().len(), 6);
    assert_eq!(registered_of(&round2, "0003"), 890);
    assert_eq!(registered_of(&configuration(&hub, first), "0003"), 882);
}

/// Posts `fields` as `session` and returns the status and the body.
fn post(session: &FormSession, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let fields: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let answer = session.post(path, &fields);
    (answer.status, answer.body)
}

fn serve_configured(directory: &Path) -> Hub {
    let db = directory.join("urne.sqlite");
    import(
        &db,
        &[
            "--configuration-only",
            &fixture_path(STATIONS_FILE),
            &fixture_path(CANDIDATES_FILE),
        ],
    );
    add_user(&db, "admin", "administrator", None, PASSWORD);
    add_user(&db, "agent", "clerk", None, PASSWORD);
    Hub::serve(&db)
}

#[test]
fn configuration_writes_rejected() {
    let directory = tempfile::tempdir().unwrap();
    let hub = serve_configured(directory.path());
    let station = [
        ("code", "0007"),
        ("name", "Salle annexe"),
        ("registered", "500"),
    ];

    let clerk = FormSession::login(&hub.base, "agent", PASSWORD);
    let readable = clerk.get("/admin/configuration/stations");
    assert_eq!(readable.status, 200, "clerks may read the configuration");
    assert!(readable.body.contains("Lecture seule"));
    let (status, body) = post(&clerk, "/admin/configuration/stations", &station);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("réservée aux administrateurs"), "{body}");

    let admin = FormSession::login(&hub.base, "admin", PASSWORD);
    let forged: Vec<(&str, String)> = station.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let answer = admin.post_raw("/admin/configuration/stations", &forged);
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer
            .body
            .contains("Jeton de sécurité du formulaire absent"),
        "{}",
        answer.body
    );
    let list = admin.get("/admin/configuration/stations");
    assert!(!list.body.contains("Salle annexe"), "nothing stored");

    let (status, body) = post(
        &admin,
        "/admin/configuration/parties",
        &[("code", "ug2"), ("label", "Union"), ("colour", "rouge")],
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Couleur « rouge » invalide"), "{body}");
    assert!(body.contains("#rrggbb"), "{body}");
    assert!(
        !admin
            .get("/admin/configuration/parties")
            .body
            .contains("UG2")
    );

    let (status, body) = post(
        &admin,
        "/admin/configuration/candidates",
        &[("surname", "DUPONT"), ("nuance", "XYZ")],
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Nuance « XYZ » inconnue"), "{body}");
    assert!(
        !admin
            .get("/admin/configuration/candidates")
            .body
            .contains("DUPONT")
    );

    let (status, body) = post(
        &admin,
        "/admin/elections/new",
        &[("kind", "LG"), ("round", "1"), ("scope", "commune")],
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Date du scrutin manquante"), "{body}");
}

#[test]
fn scope_copies_its_stations_only() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    import(
        &db,
        &[
            "--configuration-only",
            &fixture_path(STATIONS_FILE),
            &fixture_path(CANDIDATES_FILE),
        ],
    );
    add_user(&db, "admin", "administrator", None, PASSWORD);
    let hub = Hub::serve(&db);
    let admin = FormSession::login(&hub.base, "admin", PASSWORD);

    // A seventh station outside constituency 29-02, and one nuance and candidate.
    let (status, body) = post(
        &admin,
        "/admin/configuration/stations",
        &[
            ("code", "7"),
            ("name", "Salle annexe"),
            ("registered", "500"),
        ],
    );
    assert_eq!(status, 303, "{body}");
    let (status, body) = post(
        &admin,
        "/admin/configuration/parties",
        &[
            ("code", "ug"),
            ("label", "Union de la gauche"),
            ("colour", "#E2001A"),
        ],
    );
    assert_eq!(status, 303, "{body}");
    assert!(
        admin
            .get("/admin/configuration/parties")
            .body
            .contains("#e2001a")
    );
    let (status, body) = post(
        &admin,
        "/admin/configuration/candidates",
        &[
            ("surname", "CADALEN"),
            ("first_name", "Pierre-Yves"),
            ("nuance", "ug"),
            ("nuance_colour", "1"),
        ],
    );
    assert_eq!(status, 303, "{body}");
    let list = admin.get("/admin/configuration/candidates").body;
    let start = list.find("id=\"candidate-").unwrap() + "id=\"candidate-".len();
    let id: String = list[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    let pick = format!("pick_{id}");
    let ballot = format!("ballot_{id}");
    let (status, body) = post(
        &admin,
        "/admin/elections/new",
        &[
            ("kind", "LG"),
            ("round", "1"),
            ("scope", "constituency:29-02"),
            ("date", "2024-06-30"),
            ("opening", "08:00"),
            ("closing", "18:00"),
            ("slots", "12:00, 17:00"),
            (&pick, "1"),
            (&ballot, "7"),
        ],
    );
    assert_eq!(status, 303, "{body}");
    let created = *election_ids(&hub).iter().max().unwrap();
    let election = configuration(&hub, created);
    let codes: Vec<&str> = election["stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["0001", "0002", "0003", "0004", "0005", "0006"]);
    assert_eq!(ballot_numbers(&election), vec![7]);
    let candidate = &election["candidates"][0];
    assert_eq!(candidate["nuance_label"], "Union de la gauche");
    assert_eq!(candidate["colour"], "#e2001a", "the nuance's colour");
}
