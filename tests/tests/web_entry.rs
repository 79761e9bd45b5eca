//! The elections office's web interface in a real headless Chromium. Clerks key turnout,
//! centaines and results with the keyboard alone, and an inconsistent sheet is rejected
//! with its rule. A supervisor validates, then corrects with a reason that the audit log
//! shows, while the board follows the events stream. Each main page is checked with
//! axe-core and saved as a screenshot under artifacts/screenshots.
//!
//! Needs Debian's `chromium` and `chromium-driver`, and `npm ci` run in tests/axe.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::time::Duration;
use urne_tests::browser::{
    Browser, FormSession, GOUESNOU, PASSWORD, gouesnou_site, one_browser_test_at_a_time,
};

/// Selects the whole field with Ctrl+A, so the next keys replace its value.
fn select_all(browser: &Browser) {
    use fantoccini::key::Key;
    browser.type_text(&format!(
        "{}a{}",
        char::from(Key::Control),
        char::from(Key::Null)
    ));
}

fn station_json(hub: &urne_tests::Hub, id: i64, code: &str) -> serde_json::Value {
    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    results["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap()
        .clone()
}

#[test]
fn turnout_grid_keyboard_only() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let browser = Browser::start();
    browser.goto(&hub.url("/admin/login"));
    browser.screenshot("connexion");
    browser.assert_accessible("connexion");
    browser.login(&hub.base, "agent2", PASSWORD);
    browser.goto(&hub.url(&format!("/admin/elections/{id}/turnout?slot=12h00")));
    assert_eq!(
        browser.focused_id(),
        "t_0001",
        "the first station's field has focus"
    );

    // 0003 has 882 inscrits: 1200 is a typing mistake the page flags before saving.
    let typed = ["212", "230", "1200", "170", "190", "185"];
    for value in &typed[..5] {
        browser.type_and_tab(value);
    }
    browser.type_text(typed[5]);
    assert_eq!(
        browser.text("#turnout-total"),
        "2187",
        "running total while typing"
    );
    assert!(
        browser
            .text("#m_0003")
            .contains("supérieur aux inscrits (882)"),
        "pre-check while typing: {}",
        browser.text("#m_0003")
    );
    browser.press_enter();

    assert!(browser.wait_for_text(
        "#m_0003",
        "supérieure aux inscrits (882)",
        Duration::from_secs(10)
    ));
    assert!(
        browser
            .page_text()
            .contains("5 chiffre(s) enregistré(s), 1 refusé(s)")
    );
    assert_eq!(
        browser.value("#t_0003"),
        "1200",
        "the refused value is kept"
    );
    assert_eq!(browser.focused_id(), "t_0003", "focus on the refused field");
    browser.screenshot("participation-refus");

    select_all(&browser);
    browser.type_text("201");
    browser.press_enter();
    assert!(browser.wait_for_text("main", "1 chiffre enregistré.", Duration::from_secs(10)));
    assert_eq!(browser.text("#turnout-total"), "1188");
    browser.screenshot("participation");
    browser.assert_accessible("participation");

    let turnout = hub.get_json(&format!("/api/v1/elections/{id}/turnout"));
    let noon = &turnout["slots"][0];
    assert_eq!(noon["voters"], 1188);
    assert_eq!(noon["progress"]["counted"], 6);
    assert_eq!(noon["stations"][2]["entry"]["voters"], 201);
    assert_eq!(noon["stations"][2]["entry"]["updated_by"], "agent2");
}

#[test]
fn results_sheet_keyboard_and_refusal() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let browser = Browser::start();
    browser.login(&hub.base, "agent1", PASSWORD);
    browser.goto(&hub.url(&format!("/admin/elections/{id}/results")));
    browser.assert_accessible("choix du bureau");

    // The station picker restores the leading zeros of a typed code.
    assert_eq!(browser.focused_id(), "station-results");
    browser.type_text("1");
    browser.press_enter();
    assert!(browser.wait_for_text("h1", "Bureau 0001", Duration::from_secs(10)));
    assert_eq!(
        browser.focused_id(),
        "voters",
        "focus on the first figure to key"
    );
    assert_eq!(
        browser.value("#registered"),
        "994",
        "inscrits from the configuration"
    );

    // 14 blancs instead of 13: the sums no longer match.
    let record = &GOUESNOU[0];
    browser.type_and_tab(&record.voters.to_string());
    browser.type_and_tab("");
    browser.type_and_tab("14");
    browser.type_and_tab(&record.invalid.to_string());
    browser.type_and_tab(&record.valid_votes.to_string());
    for votes in &record.votes[..9] {
        browser.type_and_tab(&votes.to_string());
    }
    browser.type_text(&record.votes[9].to_string());
    assert_eq!(browser.text("#votes-total"), "740");
    browser.press_enter();

    // The script refuses to send it and names the rule.
    let expected = "Blancs (14) + nuls (7) + exprimés (740) = 761, mais votants = 760";
    assert!(browser.wait_for_text("#live-checks", expected, Duration::from_secs(5)));
    assert!(
        browser
            .text("#live-checks")
            .contains("Enregistrement refusé")
    );
    assert!(browser.current_url().ends_with("/stations/0001/results"));
    browser.screenshot("resultats-controle");

    // Sent anyway, bypassing the script: the hub refuses it with the same rule.
    browser.execute("document.getElementById('results-form').submit(); return true;");
    assert!(browser.wait_for_text("#sheet-refusal", "refusés", Duration::from_secs(10)));
    let refusal = browser.text("#sheet-refusal");
    assert!(
        refusal.contains("blancs (14) + nuls (7) + exprimés (740) = 761, mais votants = 760"),
        "{refusal}"
    );
    assert!(
        browser.exists("#reason-box:not([hidden])"),
        "the reason field is offered"
    );
    assert_eq!(station_json(&hub, id, "0001")["status"], "not_arrived");
    browser.screenshot("resultats-refus");
    browser.assert_accessible("feuille refusée");

    browser.fill("#blank", "13");
    browser.press_enter();
    assert!(browser.wait_for_text(
        "main",
        "Résultats du bureau 0001 enregistrés.",
        Duration::from_secs(10)
    ));
    assert_eq!(
        browser.focused_id(),
        "station-results",
        "ready for the next station"
    );
    let station = station_json(&hub, id, "0001");
    assert_eq!(station["status"], "entered");
    assert_eq!(station["updated_by"], "agent1");
    assert_eq!(station["count"]["blank"], 13);
    assert_eq!(station["count"]["votes"]["3"], 192);
}

#[test]
fn first_hundred_keyboard_only() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let browser = Browser::start();
    browser.login(&hub.base, "agent2", PASSWORD);
    browser.goto(&hub.url(&format!("/admin/elections/{id}/hundreds")));
    browser.type_text("2");
    browser.press_enter();
    assert!(browser.wait_for_text(
        "h1",
        "Bureau 0002 — première centaine",
        Duration::from_secs(10)
    ));
    assert_eq!(browser.focused_id(), "blank");

    let figures = [
        "2", "1", "21", "3", "18", "2", "1", "0", "23", "29", "0", "0",
    ];
    for value in &figures[..11] {
        browser.type_and_tab(value);
    }
    browser.type_text(figures[11]);
    assert_eq!(browser.text("#ballots-total"), "100");
    browser.screenshot("centaine");
    browser.assert_accessible("centaine");
    browser.press_enter();
    assert!(browser.wait_for_text(
        "main",
        "Chiffres du bureau 0002 enregistrés.",
        Duration::from_secs(10)
    ));

    let hundreds = hub.get_json(&format!("/api/v1/elections/{id}/hundreds"));
    assert_eq!(hundreds["hundreds"][0]["ballots"], 100);
    assert_eq!(
        hundreds["hundreds"][0]["stations"][1]["entry"]["updated_by"],
        "agent2"
    );
}

#[test]
fn supervisor_validates_then_corrects() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let sheet = |code: &str| format!("/admin/elections/{id}/stations/{code}/results");

    // Two clerks key stations over HTTP, one of them with a paper that does not add up.
    let agent1 = FormSession::login(&hub.base, "agent1", PASSWORD);
    let answer = agent1.post(&sheet("0001"), &GOUESNOU[0].form_fields(0));
    assert_eq!(answer.status, 303, "{}", answer.body);
    let agent2 = FormSession::login(&hub.base, "agent2", PASSWORD);
    let mut paper = GOUESNOU[1].form_fields(0);
    paper.retain(|(name, _)| *name != "blank");
    paper.push(("blank", "16".to_string()));
    paper.push((
        "inconsistency_reason",
        "le procès-verbal porte 16 blancs".to_string(),
    ));
    let answer = agent2.post(&sheet("0002"), &paper);
    assert_eq!(answer.status, 303, "{}", answer.body);

    let browser = Browser::start();
    browser.login(&hub.base, "superviseur", PASSWORD);
    browser.goto(&hub.url(&format!("/admin/elections/{id}/board")));
    let first = browser.text("#station-0001");
    assert!(
        first.contains("saisi") && first.contains("agent1"),
        "{first}"
    );
    let second = browser.text("#station-0002");
    assert!(second.contains("incohérent"), "{second}");
    assert!(
        second.contains("Motif : le procès-verbal porte 16 blancs"),
        "{second}"
    );
    assert!(browser.wait_for_text(
        "#live-status",
        "Mise à jour en direct",
        Duration::from_secs(10)
    ));

    // A station saved elsewhere appears on the open board without a reload.
    let answer = agent2.post(&sheet("0003"), &GOUESNOU[2].form_fields(0));
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert!(
        browser.wait_for_text("#station-0003", "agent2", Duration::from_secs(10)),
        "board not updated: {}",
        browser.text("#station-0003")
    );
    browser.screenshot("tableau-de-bord");
    browser.assert_accessible("tableau de bord");

    browser.click("#station-0001 form button");
    assert!(browser.wait_for_text("main", "Bureau 0001 validé.", Duration::from_secs(10)));
    assert!(browser.text("#station-0001").contains("validé"));
    assert_eq!(station_json(&hub, id, "0001")["status"], "validated");

    // A correction of the validated station needs a reason, recorded with before/after.
    browser.goto(&hub.url(&sheet("0001")));
    assert!(
        browser
            .page_text()
            .contains("Ce bureau est validé : toute correction demande un motif")
    );
    browser.fill("#blank", "12");
    browser.fill("#invalid", "8");
    browser.fill(
        "#correction_reason",
        "erreur de report : 12 blancs et 8 nuls au procès-verbal",
    );
    browser.press_enter();
    assert!(browser.wait_for_text(
        "main",
        "Résultats du bureau 0001 enregistrés.",
        Duration::from_secs(10)
    ));

    browser.goto(&hub.url(&format!(
        "/admin/elections/{id}/audit?station=0001&actor=superviseur"
    )));
    let log = browser.text("table.audit");
    assert!(log.contains("Correction des résultats"), "{log}");
    assert!(log.contains("blancs : 13 → 12"), "{log}");
    assert!(log.contains("nuls : 7 → 8"), "{log}");
    assert!(
        log.contains("erreur de report : 12 blancs et 8 nuls au procès-verbal"),
        "{log}"
    );
    assert!(log.contains("Validation"), "{log}");
    assert!(!log.contains("agent1"), "filtered on the supervisor: {log}");
    browser.screenshot("journal");
    browser.assert_accessible("journal");

    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let last = audit["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["actor"], "superviseur");
    assert_eq!(last["before"]["blank"], 13);
    assert_eq!(last["after"]["blank"], 12);
    assert_eq!(station_json(&hub, id, "0001")["status"], "entered");
}
