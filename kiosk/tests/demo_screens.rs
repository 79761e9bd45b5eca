// Test code: a failed unwrap is a failed test, with the value in the panic message.
#![allow(clippy::unwrap_used)]
//! The turnout and centaines screens filled by the hub's demo, which replays Toulouse's
//! municipales 2026 round 1 with turnout at 12:00 and 17:00 and both centaines of every
//! bureau. Each screen renders to PNG at 800×480 and 1280×800 under artifacts/kiosk/, and
//! its texts are checked through Slint's testing API.

use i_slint_backend_testing::ElementHandle;
use slint::{ComponentHandle, Model};
use std::sync::Arc;
use std::time::Duration;
use urne_kiosk::client::HubClient;
use urne_kiosk::snapshot::Snapshot;
use urne_kiosk::ui::{Kiosk, UiSettings};
use urne_kiosk::worker::Update;
use urne_kiosk::{KioskWindow, Screen, headless};
use urne_tests::{Hub, repository, wait_until};

fn texts(window: &KioskWindow) -> Vec<String> {
    ElementHandle::find_by_element_type_name(window, "Text")
        .filter_map(|element| element.accessible_label())
        .map(|label| label.to_string())
        .collect()
}

fn toulouse_id(hub: &Hub) -> i64 {
    let list = hub.get_json("/api/v1/elections");
    list["elections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|election| {
            election["commune_name"]
                .as_str()
                .is_some_and(|name| name.contains("Toulouse"))
        })
        .and_then(|election| election["id"].as_i64())
        .unwrap()
}

/// Reads the election until the demo has entered every bureau's results, which it does
/// after the turnout and the centaines.
fn finished_snapshot(hub: &Hub, election: i64) -> Snapshot {
    let client = HubClient::new(&hub.base, None, Duration::from_secs(30));
    let mut latest = None;
    let finished = wait_until(Duration::from_secs(120), || {
        let Ok(snapshot) = client.fetch_snapshot(Some(election)) else {
            return false;
        };
        let progress = &snapshot.results.commune.progress;
        let done = progress.total > 0 && progress.counted == progress.total;
        latest = Some(snapshot);
        done
    });
    assert!(finished, "the demo enters every bureau");
    latest.unwrap()
}

fn render(window: &KioskWindow, name: &str) {
    for (width, height) in [(800, 480), (1280, 800)] {
        let pixels = headless::render(window.window(), width, height).unwrap();
        assert_eq!(pixels.width(), width);
        assert_eq!(pixels.height(), height);
        let path = repository().join(format!("artifacts/kiosk/{name}-demo-{width}x{height}.png"));
        headless::write_png(&pixels, &path).unwrap();
    }
}

#[test]
fn demo_fills_turnout_and_hundreds() {
    headless::install().unwrap();
    let directory = tempfile::tempdir().unwrap();
    let hub = Hub::demo(&directory.path().join("demo.sqlite"), 30, 11);
    let election = toulouse_id(&hub);
    let snapshot = finished_snapshot(&hub, election);

    let settings = UiSettings {
        hub_url: hub.base.clone(),
        idle_after: Duration::from_secs(3600),
        cycle_every: Duration::from_secs(3600),
    };
    let kiosk = Kiosk::new(&settings, None).unwrap();
    kiosk.apply(Update::Snapshot(Arc::new(snapshot)));
    let window = kiosk.window();
    window.show().unwrap();
    assert!(window.get_has_data());
    let election = window.get_election().to_lowercase();
    assert_eq!(
        election.matches("simulation").count(),
        1,
        "the rehearsal is said once: {election}"
    );

    // Turnout: one column per slot, each with its time, its percentage and its progress.
    window.set_screen(Screen::Turnout);
    render(window, "turnout");
    let shown = texts(window);
    assert!(
        shown.iter().any(|text| text == "12 h 00"),
        "slot 12:00: {shown:?}"
    );
    assert!(
        shown.iter().any(|text| text == "17 h 00"),
        "slot 17:00: {shown:?}"
    );
    assert_eq!(
        shown
            .iter()
            .filter(|text| *text == "284 bureaux sur 284")
            .count(),
        2,
        "both slots report every bureau: {shown:?}"
    );
    let slot_percentages: Vec<&String> = shown
        .iter()
        .filter(|text| text.ends_with("\u{00A0}%") && !text.contains(' '))
        .collect();
    assert_eq!(
        slot_percentages.len(),
        2,
        "one percentage per slot: {shown:?}"
    );
    assert!(
        !shown.iter().any(|text| text == "—"),
        "no empty slot: {shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|text| text.contains("des inscrits ont voté")),
        "final turnout in the note: {shown:?}"
    );

    // Centaines: both blocks from every bureau, every list with a percentage.
    window.set_screen(Screen::Hundreds);
    render(window, "hundreds");
    let shown = texts(window);
    assert!(
        shown.iter().any(|text| text == "Première centaine"),
        "first centaine: {shown:?}"
    );
    assert!(
        shown.iter().any(|text| text == "Seconde centaine"),
        "second centaine: {shown:?}"
    );
    assert_eq!(
        shown
            .iter()
            .filter(|text| *text == "284 bureaux sur 284")
            .count(),
        2,
        "both centaines come from every bureau: {shown:?}"
    );
    assert!(
        shown.iter().any(|text| text == "Jean-Luc MOUDENC"),
        "the list heads are named in full: {shown:?}"
    );
    let visible_percentages = shown
        .iter()
        .filter(|text| text.ends_with("\u{00A0}%"))
        .count();
    assert!(
        visible_percentages >= 2 * 6,
        "six lists or more in view in each centaine: {shown:?}"
    );
    // The lists below the fold are in the scrollable model, each with its percentage.
    let blocks = window.get_hundreds();
    assert_eq!(blocks.row_count(), 2);
    for block in blocks.iter() {
        assert_eq!(block.rows.row_count(), 10, "{}", block.title);
        for row in block.rows.iter() {
            assert!(
                row.percent.ends_with("\u{00A0}%"),
                "{}: {} has {}",
                block.title,
                row.name,
                row.percent
            );
        }
    }
}
