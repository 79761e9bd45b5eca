// Test code: a failed unwrap is a failed test, with the value in the panic message.
#![allow(clippy::unwrap_used)]
//! The kiosk's results screen with the whole constituency: Gouesnou's législatives 2024
//! round 1 on a real hub, with the other communes of 29-02 loaded from the Ministry's file
//! by `urne-hub import --as-communes`. The race section shows under the commune's results.

use slint::ComponentHandle;
use std::time::Duration;
use urne_kiosk::client::HubClient;
use urne_kiosk::ui::{Kiosk, UiSettings};
use urne_kiosk::{KioskWindow, Screen, headless};
use urne_tests::{Hub, fixture, import, repository, run_hub};

fn gouesnou(file: &str) -> String {
    fixture(&format!(
        "data/gouesnou_29061_legislatives2024_t1_{file}.csv"
    ))
    .to_string_lossy()
    .into_owned()
}

fn texts(window: &KioskWindow) -> Vec<String> {
    i_slint_backend_testing::ElementHandle::find_by_element_type_name(window, "Text")
        .filter_map(|element| element.accessible_label())
        .map(|label| label.to_string())
        .collect()
}

#[test]
fn results_screen_shows_race() {
    headless::install().unwrap();
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import(
        &db,
        &[
            &gouesnou("bureaux"),
            &gouesnou("candidats"),
            &gouesnou("voix"),
        ],
    )[0];
    let file =
        fixture("formats/ministere_csv_bv_LG2024T1_circos_29-02_29-03_sans_brest_plouzane.csv");
    let db_arg = db.to_string_lossy().into_owned();
    let output = run_hub(&[
        "import",
        "--db",
        &db_arg,
        "--as-communes",
        &id.to_string(),
        &file.to_string_lossy(),
    ]);
    assert!(output.success, "{}", output.stderr);
    let hub = Hub::serve(&db);

    let client = HubClient::new(&hub.base, None, Duration::from_secs(30));
    let snapshot = client.fetch_snapshot(Some(id)).unwrap();
    let race = snapshot.race.as_ref().expect("the race of 29-02");
    let from_hub = hub.get_json(&format!("/api/v1/elections/{id}/race"));
    assert_eq!(
        serde_json::json!(race.area.valid_votes),
        from_hub["area"]["valid_votes"]
    );
    assert_eq!(race.progress.communes_total, 2);

    let settings = UiSettings {
        hub_url: hub.base.clone(),
        idle_after: Duration::from_secs(3600),
        cycle_every: Duration::from_secs(3600),
    };
    let kiosk = Kiosk::new(&settings, Some(snapshot)).unwrap();
    let window = kiosk.window();
    window.show().unwrap();
    window.set_screen(Screen::Results);
    headless::pump();
    assert!(window.get_has_race());
    let labels = texts(window);
    assert!(
        labels
            .iter()
            .any(|t| t.contains("Circonscription 29-02 — toutes les communes")),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|t| t.contains("communes 2/2")),
        "{labels:?}"
    );
    let pixels = headless::render(window.window(), 800, 480).unwrap();
    let folder = repository().join("artifacts/kiosk");
    std::fs::create_dir_all(&folder).unwrap();
    headless::write_png(&pixels, &folder.join("results-race-800x480.png")).unwrap();
}
