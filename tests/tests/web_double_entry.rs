//! Double entry of results sheets on a real hub. A supervisor sets the option on the
//! elections page. A first entry waits, and the second must come from another clerk.
//! Agreeing entries are stored. Differing entries are compared side by side by a
//! supervisor, who keeps one.
//!
//! Needs Debian's `chromium` and `chromium-driver`, and `npm ci` run in tests/axe.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::time::Duration;
use urne_tests::browser::{
    Browser, FormSession, GOUESNOU, PASSWORD, gouesnou_site, one_browser_test_at_a_time,
};

fn station(hub: &urne_tests::Hub, id: i64, code: &str) -> serde_json::Value {
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
fn double_entry_agree_and_arbitrate() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let sheet = |code: &str| format!("/admin/elections/{id}/stations/{code}/results");

    let browser = Browser::start();
    browser.login(&hub.base, "superviseur", PASSWORD);
    browser.goto(&hub.url("/admin/elections"));
    browser.click("table.list td form:not(.transition) button");
    assert!(browser.wait_for_text("main", "Double saisie activée", Duration::from_secs(10)));

    // First entry: stored aside, nothing counted yet.
    let agent2 = FormSession::login(&hub.base, "agent2", PASSWORD);
    let answer = agent2.post(&sheet("0004"), &GOUESNOU[3].form_fields(0));
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert!(answer.location.as_deref().unwrap().contains("entry=first"));
    assert_eq!(station(&hub, id, "0004")["status"], "not_arrived");

    // The same clerk cannot be the second pair of eyes: a new sheet replaces their own.
    let page = agent2.get(&sheet("0004"));
    assert!(
        page.body.contains("vous avez fait la première saisie"),
        "{}",
        page.body
    );
    let answer = agent2.post(&sheet("0004"), &GOUESNOU[3].form_fields(0));
    assert!(answer.location.as_deref().unwrap().contains("entry=first"));
    assert_eq!(station(&hub, id, "0004")["status"], "not_arrived");

    // The second clerk does not see the first entry's figures.
    let agent3 = FormSession::login(&hub.base, "agent3", PASSWORD);
    let page = agent3.get(&sheet("0004"));
    assert!(
        page.body.contains("première saisie faite par agent2"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("value=\"572\""),
        "first entry's votants leaked"
    );

    let answer = agent3.post(&sheet("0004"), &GOUESNOU[3].form_fields(0));
    assert!(answer.location.as_deref().unwrap().contains("entry=agreed"));
    let stored = station(&hub, id, "0004");
    assert_eq!(stored["status"], "entered");
    assert_eq!(stored["updated_by"], "agent3");
    assert_eq!(stored["count"]["voters"], 572);
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let actions: Vec<(String, String)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["actor"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(actions.contains(&("final_results.first_entry".into(), "agent2".into())));
    assert!(actions.contains(&("final_results.write".into(), "agent3".into())));

    // Differing entries wait for a supervisor, who keeps the one matching the official
    // record (here the first: 9 blancs and 2 nuls).
    let answer = agent2.post(&sheet("0005"), &GOUESNOU[4].form_fields(0));
    assert!(answer.location.as_deref().unwrap().contains("entry=first"));
    let mut typo = GOUESNOU[4].form_fields(0);
    for (name, value) in typo.iter_mut() {
        match *name {
            "blank" => *value = "10".to_string(),
            "invalid" => *value = "1".to_string(),
            _ => {}
        }
    }
    let answer = agent3.post(&sheet("0005"), &typo);
    assert!(answer.location.as_deref().unwrap().contains("entry=differ"));
    assert_eq!(station(&hub, id, "0005")["status"], "not_arrived");
    let refused = agent2.post(&sheet("0005"), &GOUESNOU[4].form_fields(0));
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("un superviseur doit choisir"),
        "{}",
        refused.body
    );

    browser.goto(&hub.url(&format!("/admin/elections/{id}/board")));
    let row = browser.text("#station-0005");
    assert!(
        row.contains("les saisies de agent2 et de agent3 diffèrent"),
        "{row}"
    );

    browser.goto(&hub.url(&sheet("0005")));
    let comparison = browser.text("#double-entry");
    assert!(
        comparison.contains("Les deux saisies diffèrent : blancs, nuls"),
        "{comparison}"
    );
    assert!(
        comparison.contains("Bulletins blancs 9 10 différent"),
        "{comparison}"
    );
    browser.screenshot("double-saisie");
    browser.assert_accessible("double saisie");
    browser.click("form.inline input[value=first] ~ button");
    assert!(browser.wait_for_text("main", "par superviseur", Duration::from_secs(10)));
    let stored = station(&hub, id, "0005");
    assert_eq!(stored["status"], "entered");
    assert_eq!(stored["count"]["blank"], 9);
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let last = audit["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "final_results.entries_resolved");
    assert_eq!(last["reason"], "saisie de agent2 retenue");
}
