//! The projector settings page in a real headless Chromium at 1366×768, with the projector
//! itself open at 1920×1080 in a second session. The administrator changes the slides'
//! order and durations, the title and the colours, and the open projector page shows them
//! without a reload. Invalid input, a bad logo and forged requests change nothing.
//!
//! Needs Debian's `chromium` and `chromium-driver`, and `npm ci` run in tests/axe.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

#[path = "../src/projector_browser.rs"]
mod projector_browser;

use projector_browser::ProjectorBrowser;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use urne_tests::browser::{Browser, FormSession, PASSWORD, add_user, one_browser_test_at_a_time};
use urne_tests::{Hub, fixture, import};

/// A 1×1 PNG image, as a logo small enough to write inline.
const TINY_PNG: [u8; 68] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0b, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0x0f, 0x04, 0x00,
    0x09, 0xfb, 0x03, 0xfd, 0xfb, 0x5e, 0x6b, 0x2b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82,
];

fn gouesnou(part: &str) -> String {
    fixture(&format!(
        "data/gouesnou_29061_legislatives2024_t1_{part}.csv"
    ))
    .to_string_lossy()
    .into_owned()
}

fn import_gouesnou(db: &Path) -> i64 {
    import(
        db,
        &[
            "--configuration-only",
            &gouesnou("bureaux"),
            &gouesnou("candidats"),
        ],
    )[0]
}

/// The stored settings and their version, as the public API returns them.
fn stored_display(hub: &Hub, id: i64) -> Value {
    hub.get_json(&format!("/api/v1/elections/{id}/display"))
}

fn slide_kinds(display: &Value) -> Vec<String> {
    display["settings"]["slides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|slide| slide["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Sends the form of the element matching `css`, bypassing the browser's own checks so
/// the hub's are the ones tested.
fn submit_form_of(browser: &Browser, css: &str) {
    browser.execute(&format!(
        "document.querySelector({css:?}).form.submit(); return true;"
    ));
}

/// Sets the value of the field with `id`, as typing would.
fn set_value(browser: &Browser, id: &str, value: &str) {
    browser.execute(&format!(
        "document.getElementById({id:?}).value = {value:?}; return true;"
    ));
}

/// Returns the row index of a slide kind in the settings table.
fn row_of(browser: &Browser, kind: &str) -> usize {
    let index = browser.execute(&format!(
        "return Number(document.querySelector('#slide-{kind} input[type=hidden]')
             .name.replace('slide_kind_', ''));"
    ));
    usize::try_from(index.as_u64().unwrap()).unwrap()
}

fn wait_for_page(browser: &Browser, needle: &str) {
    assert!(
        browser.wait_for_text("main", needle, Duration::from_secs(10)),
        "expected « {needle} » on the page: {}",
        browser.page_text()
    );
}

/// Chooses a file in the file input `#id` by typing its path, as a person picking it would.
fn choose_file(browser: &Browser, id: &str, path: &Path) {
    browser.execute(&format!(
        "document.getElementById({id:?}).focus(); return true;"
    ));
    browser.type_text(&path.to_string_lossy());
}

#[test]
fn display_settings_reach_open_projector() {
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import_gouesnou(&db);
    add_user(&db, "admin", "administrator", None, PASSWORD);
    add_user(&db, "chef", "supervisor", None, PASSWORD);
    let hub = Hub::serve(&db);
    let page = format!("/admin/elections/{id}/display");

    // The first save creates the projector's address.
    let browser = Browser::start();
    browser.login(&hub.base, "admin", PASSWORD);
    browser.goto(&hub.url(&format!("/admin/elections/{id}/board")));
    assert!(
        browser.exists(&format!("nav.main a[href='{page}']")),
        "the navigation links the page"
    );
    browser.goto(&hub.url(&page));
    browser.assert_accessible("projecteur, premier réglage");
    submit_form_of(&browser, "#title");
    wait_for_page(&browser, "Réglages du projecteur enregistrés.");
    let projector_path =
        browser.execute("return document.getElementById('projector-link').getAttribute('href');");
    let projector_path = projector_path.as_str().unwrap().to_string();
    assert_eq!(stored_display(&hub, id)["version"], 1);

    let projector = ProjectorBrowser::start();
    projector.goto(&hub.url(&projector_path));
    let loaded = projector.wait_for(Duration::from_secs(10), |p| {
        p.text("#title").contains("Gouesnou")
    });
    assert!(
        loaded.is_some(),
        "projector title: {}",
        projector.text("#title")
    );
    // A page that reloads loses this mark.
    projector.execute("window.sameDocument = true; return true;");

    // New order: the QR code first, turnout last, the seats slide hidden.
    browser.goto(&hub.url(&page));
    let qr = row_of(&browser, "qr");
    let turnout = row_of(&browser, "turnout");
    let commune = row_of(&browser, "commune");
    let seats = row_of(&browser, "seats");
    set_value(&browser, &format!("slide_position_{qr}"), "1");
    set_value(&browser, &format!("slide_position_{turnout}"), "8");
    set_value(&browser, &format!("slide_seconds_{commune}"), "20");
    browser.execute(&format!(
        "document.getElementById('slide_shown_{seats}').checked = false; return true;"
    ));
    set_value(&browser, "title", "Soirée électorale à Gouesnou");
    set_value(&browser, "background", "#202020");
    set_value(&browser, "foreground", "#f0f0f0");
    set_value(&browser, "accent", "#ffcc00");
    browser.screenshot("projecteur-reglages-saisis");
    submit_form_of(&browser, "#title");
    wait_for_page(&browser, "Réglages du projecteur enregistrés.");
    browser.screenshot("projecteur-reglages");
    browser.assert_accessible("projecteur, réglages enregistrés");

    let stored = stored_display(&hub, id);
    assert_eq!(stored["version"], 2);
    let order = slide_kinds(&stored);
    assert_eq!(
        order,
        [
            "qr", "commune", "race", "stations", "hundreds", "status", "turnout"
        ]
    );
    assert_eq!(stored["settings"]["slides"][1]["seconds"], 20);
    assert_eq!(stored["settings"]["title"], "Soirée électorale à Gouesnou");
    assert_eq!(stored["settings"]["background"], "#202020");

    // The open projector redraws with the new title and order, in the same document.
    let redrawn = projector.wait_for(Duration::from_secs(5), |p| {
        p.text("#title") == "Soirée électorale à Gouesnou"
    });
    assert!(
        redrawn.is_some(),
        "projector title: {}",
        projector.text("#title")
    );
    let shown_order = projector.execute("return document.body.dataset.slides || '';");
    // The seats slide is offered only for list ballots, and the race slide only once other
    // communes are listed, so both stay off here.
    assert_eq!(
        shown_order.as_str().unwrap(),
        "qr,commune,stations,hundreds,status,turnout"
    );
    let background = projector.execute(
        "return getComputedStyle(document.documentElement).getPropertyValue('--background').trim();",
    );
    assert_eq!(background.as_str().unwrap(), "#202020");
    assert_eq!(
        projector.execute("return window.sameDocument === true;"),
        Value::Bool(true),
        "the projector page was not reloaded"
    );
    projector.screenshot("apres-reglages-admin");

    // A duration of 0 is refused with the field, the value and the fix.
    browser.goto(&hub.url(&page));
    let stations = row_of(&browser, "stations");
    set_value(&browser, &format!("slide_seconds_{stations}"), "0");
    set_value(&browser, "title", "Titre refusé");
    submit_form_of(&browser, "#title");
    wait_for_page(&browser, "Rien n'a été enregistré.");
    let error = browser.text("#form-error");
    assert!(
        error.contains("Durée de la diapositive « Résultats par bureau » : « 0 » invalide"),
        "{error}"
    );
    assert!(error.contains("entre 3 et 600"), "{error}");
    assert_eq!(
        browser.value("#title"),
        "Titre refusé",
        "typed values are kept"
    );
    browser.screenshot("projecteur-refus-duree");
    browser.assert_accessible("projecteur, durée refusée");
    assert_eq!(stored_display(&hub, id)["version"], 2, "nothing stored");

    // A colour that is not #rrggbb.
    browser.goto(&hub.url(&page));
    set_value(&browser, "foreground", "blanc");
    submit_form_of(&browser, "#title");
    wait_for_page(&browser, "Rien n'a été enregistré.");
    let error = browser.text("#form-error");
    assert!(
        error.contains("Couleur du texte « blanc » invalide"),
        "{error}"
    );
    assert!(error.contains("#rrggbb"), "{error}");
    assert_eq!(stored_display(&hub, id)["version"], 2, "nothing stored");

    // Readable colours pass silently; grey on grey is stored with a warning.
    browser.goto(&hub.url(&page));
    assert!(!browser.page_text().contains("Contraste insuffisant"));
    set_value(&browser, "background", "#808080");
    set_value(&browser, "foreground", "#999999");
    submit_form_of(&browser, "#title");
    wait_for_page(&browser, "Réglages du projecteur enregistrés.");
    assert!(
        browser
            .page_text()
            .contains("Contraste insuffisant : le texte #999999 sur le fond #808080"),
        "{}",
        browser.page_text()
    );
    browser.assert_accessible("projecteur, avertissement de contraste");

    // A logo that is not an image is refused; a PNG is stored and served.
    let text_file = directory.path().join("logo.txt");
    std::fs::write(&text_file, "pas une image").unwrap();
    browser.goto(&hub.url(&page));
    choose_file(&browser, "logo", &text_file);
    submit_form_of(&browser, "#logo");
    wait_for_page(&browser, "Rien n'a été enregistré.");
    let error = browser.text("#form-error");
    assert!(error.contains("Logo « logo.txt » refusé"), "{error}");
    assert!(error.contains("ni un PNG"), "{error}");
    let missing = hub.client.get(hub.url("/api/v1/logo")).send().unwrap();
    assert_eq!(missing.status().as_u16(), 404, "no logo stored");

    let png_file = directory.path().join("logo.png");
    std::fs::write(&png_file, TINY_PNG).unwrap();
    browser.goto(&hub.url(&page));
    choose_file(&browser, "logo", &png_file);
    submit_form_of(&browser, "#logo");
    wait_for_page(&browser, "Logo enregistré.");
    let logo = hub.client.get(hub.url("/api/v1/logo")).send().unwrap();
    assert_eq!(logo.status().as_u16(), 200);
    assert_eq!(logo.bytes().unwrap().as_ref(), TINY_PNG.as_slice());
    let logo_shown = projector.wait_for(Duration::from_secs(5), |p| {
        p.execute("return !document.getElementById('logo').hidden;") == Value::Bool(true)
    });
    assert!(logo_shown.is_some(), "the projector shows the new logo");

    // The embargo: set, then lifted, each recorded in the audit log.
    browser.goto(&hub.url(&page));
    set_value(&browser, "embargo_until", "2099-03-15T20:00");
    browser.click("button[name=action][value=set]");
    wait_for_page(&browser, "Embargo enregistré.");
    let embargo = hub.get_json(&format!("/api/v1/elections/{id}/embargo"));
    assert_eq!(embargo["active"], true);
    assert_eq!(embargo["until"], "2099-03-15T20:00:00+01:00");
    let public = hub
        .client
        .get(hub.url(&format!("/api/v1/elections/{id}/results")))
        .send()
        .unwrap();
    assert_eq!(public.status().as_u16(), 403, "results under embargo");
    browser.click("button[name=action][value=lift]");
    wait_for_page(&browser, "Embargo levé.");
    let embargo = hub.get_json(&format!("/api/v1/elections/{id}/embargo"));
    assert_eq!(embargo["active"], false);
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let embargo_writes = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "embargo.write" && entry["actor"] == "admin")
        .count();
    assert_eq!(embargo_writes, 2, "{audit}");

    // A supervisor may neither read nor write the page; a form without its token fails.
    let supervisor = FormSession::login(&hub.base, "chef", PASSWORD);
    assert_eq!(supervisor.get(&page).status, 403);
    let forged = supervisor.post(&page, &[("title", "Piraté".to_string())]);
    assert_eq!(forged.status, 403);
    let admin = FormSession::login(&hub.base, "admin", PASSWORD);
    let no_token = admin.post_raw(&page, &[("title", "Sans jeton".to_string())]);
    assert_eq!(no_token.status, 403);
    let unknown = admin.post(
        &page,
        &[
            ("slide_kind_0", "meteo".to_string()),
            ("slide_shown_0", "on".to_string()),
            ("slide_position_0", "1".to_string()),
            ("slide_seconds_0", "10".to_string()),
        ],
    );
    assert_eq!(unknown.status, 422);
    assert!(
        unknown.body.contains("« meteo » inconnue"),
        "{}",
        unknown.body
    );
    let settings = stored_display(&hub, id);
    assert_eq!(settings["version"], 3, "only the contrast save was stored");
    assert_ne!(settings["settings"]["title"], "Piraté");
}
