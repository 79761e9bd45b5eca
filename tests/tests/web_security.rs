//! Access rules of the web interface, checked on a real hub: station lists of clerks,
//! CSRF tokens, login rate limiting, session cookies, two clerks saving the same station,
//! election transitions by role. Forged requests are sent with reqwest. The pages a
//! person reads are checked in a real headless Chromium.
//!
//! Needs Debian's `chromium` and `chromium-driver`, and `npm ci` run in tests/axe.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::time::Duration;
use urne_tests::browser::{
    Browser, FormSession, GOUESNOU, PASSWORD, gouesnou_site, one_browser_test_at_a_time,
};

fn status_of(hub: &urne_tests::Hub, id: i64, code: &str) -> serde_json::Value {
    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    results["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap()["status"]
        .clone()
}

#[test]
fn clerk_limited_to_own_station() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let expected = "autorisé à saisir le bureau 0002 : votre compte (agent1) est limité aux \
                    bureaux 0001";

    let browser = Browser::start();
    browser.login(&hub.base, "agent1", PASSWORD);
    browser.goto(&hub.url(&format!("/admin/elections/{id}/stations/0002/results")));
    let text = browser.page_text();
    assert!(
        text.contains("Vous n'êtes pas autorisé à saisir le bureau 0002"),
        "{text}"
    );
    assert!(text.contains("limité aux bureaux 0001"), "{text}");
    assert!(
        !browser.exists("#results-form button"),
        "no save button on 0002"
    );
    browser.screenshot("bureau-non-autorise");
    browser.assert_accessible("bureau non autorisé");

    // The same write forged with a valid session and token is refused by the server.
    let agent1 = FormSession::login(&hub.base, "agent1", PASSWORD);
    let answer = agent1.post(
        &format!("/admin/elections/{id}/stations/0002/results"),
        &GOUESNOU[1].form_fields(0),
    );
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains(expected), "{}", answer.body);
    assert_eq!(status_of(&hub, id, "0002"), "not_arrived");

    // A turnout field for 0002 slipped into the grid is refused too.
    let answer = agent1.post(
        &format!("/admin/elections/{id}/turnout/12h00"),
        &[
            ("t_0002", "300".to_string()),
            ("o_0002", String::new()),
            ("b_0002", "0".to_string()),
        ],
    );
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains(expected), "{}", answer.body);
    let turnout = hub.get_json(&format!("/api/v1/elections/{id}/turnout"));
    assert_eq!(turnout["slots"][0]["progress"]["counted"], 0);

    // Its own station is accepted, recorded under its login.
    let answer = agent1.post(
        &format!("/admin/elections/{id}/stations/0001/results"),
        &GOUESNOU[0].form_fields(0),
    );
    assert_eq!(answer.status, 303, "{}", answer.body);
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    assert_eq!(
        audit["entries"].as_array().unwrap().last().unwrap()["actor"],
        "agent1"
    );
}

#[test]
fn forged_forms_without_csrf_refused() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let clerk = FormSession::login(&hub.base, "agent2", PASSWORD);
    let path = format!("/admin/elections/{id}/stations/0001/results");
    let fields = GOUESNOU[0].form_fields(0);

    let answer = clerk.post_raw(&path, &fields);
    assert_eq!(answer.status, 403, "no token");
    assert!(
        answer
            .body
            .contains("Jeton de sécurité du formulaire absent ou invalide")
    );

    let mut wrong = vec![("csrf", "0".repeat(64))];
    wrong.extend(fields.iter().cloned());
    let answer = clerk.post_raw(&path, &wrong);
    assert_eq!(answer.status, 403, "wrong token");

    let other = FormSession::login(&hub.base, "agent3", PASSWORD);
    let mut borrowed = vec![("csrf", other.csrf.clone())];
    borrowed.extend(fields.iter().cloned());
    let answer = clerk.post_raw(&path, &borrowed);
    assert_eq!(answer.status, 403, "another session's token");

    let mut signed = vec![("csrf", clerk.csrf.clone())];
    signed.extend(fields.iter().cloned());
    let cross_site = clerk
        .client
        .post(format!("{}{path}", hub.base))
        .header("cookie", &clerk.cookie)
        .header("origin", "http://elections.example.org")
        .form(&signed)
        .send()
        .unwrap();
    assert_eq!(cross_site.status().as_u16(), 403, "foreign Origin");

    let anonymous = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}{path}", hub.base))
        .form(&signed)
        .send()
        .unwrap();
    assert_eq!(
        anonymous.status().as_u16(),
        303,
        "no session: sent to the login page"
    );
    assert!(
        anonymous.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/admin/login")
    );

    let answer = clerk.post_raw("/admin/logout", &[]);
    assert_eq!(answer.status, 403, "logout needs the token too");
    assert_eq!(status_of(&hub, id, "0001"), "not_arrived", "nothing stored");

    let answer = clerk.post(&path, &fields);
    assert_eq!(
        answer.status, 303,
        "the genuine form is accepted: {}",
        answer.body
    );
    assert_eq!(status_of(&hub, id, "0001"), "entered");
}

#[test]
fn login_rate_limited_and_cookie_flags() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, _) = gouesnou_site(directory.path());
    for attempt in 1..=5 {
        let answer = FormSession::attempt_login(&hub.base, "admin", "mauvais-mot-de-passe");
        assert_eq!(answer.status, 401, "attempt {attempt}");
        assert!(
            answer
                .body
                .contains("Identifiant ou mot de passe incorrect")
        );
    }
    let answer = FormSession::attempt_login(&hub.base, "admin", PASSWORD);
    assert_eq!(
        answer.status, 429,
        "the right password is refused while locked"
    );
    assert!(
        answer.body.contains("Trop d'échecs de connexion"),
        "{}",
        answer.body
    );

    let answer = FormSession::attempt_login(&hub.base, "superviseur", PASSWORD);
    assert_eq!(answer.status, 303, "other logins are not locked");
    let cookie = answer
        .set_cookies
        .iter()
        .find(|c| c.starts_with("urne_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/admin"), "{cookie}");
    assert!(cookie.contains("Max-Age=43200"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on loopback: {cookie}"
    );
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("urne_session=");
    assert_eq!(value.len(), 64, "32 random bytes in hexadecimal");

    let wrong = FormSession::attempt_login(&hub.base, "lecteur", "x");
    assert_eq!(wrong.status, 401);
    let session = FormSession::login(&hub.base, "lecteur", PASSWORD);
    let answer = session.post("/admin/logout", &[]);
    assert_eq!(answer.status, 303);
    let after = session.get("/admin/elections");
    assert_eq!(after.status, 303, "the session ended with the logout");
}

#[test]
fn two_clerks_same_station() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let sheet = hub.url(&format!("/admin/elections/{id}/stations/0003/results"));
    let first = Browser::start();
    let second = Browser::start();
    first.login(&hub.base, "agent2", PASSWORD);
    second.login(&hub.base, "agent3", PASSWORD);
    first.goto(&sheet);
    second.goto(&sheet);

    let record = &GOUESNOU[2];
    let fill = |browser: &Browser, blank: u32, invalid: u32| {
        browser.fill("#voters", &record.voters.to_string());
        browser.fill("#blank", &blank.to_string());
        browser.fill("#invalid", &invalid.to_string());
        browser.fill("#valid_votes", &record.valid_votes.to_string());
        for (index, votes) in record.votes.iter().enumerate() {
            browser.fill(&format!("#v_{}", index + 1), &votes.to_string());
        }
        browser.press_enter();
    };
    fill(&first, 13, 5);
    assert!(first.wait_for_text(
        "main",
        "Résultats du bureau 0003 enregistrés.",
        Duration::from_secs(10)
    ));

    // The second clerk started from the empty sheet: refused, both versions shown.
    fill(&second, 12, 6);
    assert!(second.wait_for_text(
        "#conflict",
        "enregistré par agent2",
        Duration::from_secs(10)
    ));
    let comparison = second.text("#conflict table");
    assert!(
        comparison.contains("Bulletins blancs 12 13 différent"),
        "{comparison}"
    );
    assert!(
        comparison.contains("Bulletins nuls 6 5 différent"),
        "{comparison}"
    );
    assert_eq!(
        second.value("#blank"),
        "12",
        "the second clerk's figures are kept"
    );
    second.screenshot("conflit");
    second.assert_accessible("conflit de saisie");

    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    let stored = &results["stations"][2];
    assert_eq!(stored["count"]["blank"], 13, "not overwritten");
    assert_eq!(stored["version"], 1);

    // Saving again after seeing the other figures is a deliberate choice.
    second.click("#results-form button[type=submit]");
    assert!(second.wait_for_text(
        "main",
        "Résultats du bureau 0003 enregistrés.",
        Duration::from_secs(10)
    ));
    let results = hub.get_json(&format!("/api/v1/elections/{id}/results"));
    let stored = &results["stations"][2];
    assert_eq!(stored["count"]["blank"], 12);
    assert_eq!(stored["version"], 2);
    assert_eq!(stored["updated_by"], "agent3");
}

#[test]
fn election_transitions_by_role() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    let state_path = format!("/admin/elections/{id}/state");

    let browser = Browser::start();
    browser.login(&hub.base, "superviseur", PASSWORD);
    browser.goto(&hub.url("/admin/elections"));
    browser.click("table.list form.transition button");
    assert!(browser.wait_for_text("main", "est maintenant close", Duration::from_secs(10)));
    assert!(
        !browser.page_text().contains("Rouvrir la saisie"),
        "reopening is for administrators"
    );
    browser.screenshot("elections");
    browser.assert_accessible("élections");

    let clerk = FormSession::login(&hub.base, "agent2", PASSWORD);
    let answer = clerk.post(
        &format!("/admin/elections/{id}/stations/0004/results"),
        &GOUESNOU[3].form_fields(0),
    );
    assert_eq!(answer.status, 422);
    assert!(
        answer
            .body
            .contains("la saisie n'est possible que sur une élection ouverte")
    );

    let supervisor = FormSession::login(&hub.base, "superviseur", PASSWORD);
    let reopen = [
        ("target", "open".to_string()),
        ("reason", "oubli".to_string()),
    ];
    let answer = supervisor.post(&state_path, &reopen);
    assert_eq!(answer.status, 403);
    assert!(
        answer.body.contains("réservé au rôle administrateur"),
        "{}",
        answer.body
    );

    let admin = FormSession::login(&hub.base, "admin", PASSWORD);
    let answer = admin.post(&state_path, &[("target", "open".to_string())]);
    assert_eq!(answer.status, 400, "a reason is required");
    let reason = "procès-verbal du bureau 0004 arrivé après la clôture";
    let answer = admin.post(
        &state_path,
        &[
            ("target", "open".to_string()),
            ("reason", reason.to_string()),
        ],
    );
    assert_eq!(answer.status, 303, "{}", answer.body);
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let last = audit["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "election.state");
    assert_eq!(last["actor"], "admin");
    assert_eq!(last["reason"], reason);
    assert_eq!(last["before"]["state"], "closed");
    assert_eq!(last["after"]["state"], "open");

    let reader = FormSession::login(&hub.base, "lecteur", PASSWORD);
    let answer = reader.post(
        &format!("/admin/elections/{id}/stations/0004/validation"),
        &[("base_version", "0".to_string())],
    );
    assert_eq!(answer.status, 403, "read-only accounts cannot validate");
    let answer = reader.post(
        &format!("/admin/elections/{id}/stations/0004/results"),
        &GOUESNOU[3].form_fields(0),
    );
    assert_eq!(answer.status, 403, "read-only accounts cannot key figures");
}
