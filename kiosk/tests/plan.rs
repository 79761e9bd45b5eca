// Test code: a failed unwrap is a failed test, with the value in the panic message.
#![allow(clippy::unwrap_used)]
//! The plan of the polling places: an administrator uploads it to a real hub on
//! loopback, and the kiosk fetches it after the `plan` event. The station screen shows it
//! (rendered to artifacts/kiosk/station-plan-800x480.png), and the plan is kept beside
//! the saved snapshot for offline starts.

use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use urne_kiosk::ui::{Kiosk, UiSettings};
use urne_kiosk::worker::{self, WorkerSettings};
use urne_kiosk::{KioskWindow, Screen, cache, headless};
use urne_tests::browser::{FormSession, PASSWORD, gouesnou_site};
use urne_tests::repository;

/// Colour of the plan inside its frame, looked for in the rendered screen.
const PLAN_RED: [u8; 3] = [0xE0, 0x10, 0x20];

/// Encodes a 60×40 PNG: red with a white frame one pixel wide.
fn plan_png() -> Vec<u8> {
    let (width, height) = (60u32, 40u32);
    let mut pixels = Vec::new();
    for y in 0..height {
        for x in 0..width {
            let frame = x == 0 || y == 0 || x == width - 1 || y == height - 1;
            pixels.extend_from_slice(if frame { &[0xFF; 3] } else { &PLAN_RED });
        }
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    bytes
}

fn texts(window: &KioskWindow) -> Vec<String> {
    ElementHandle::find_by_element_type_name(window, "Text")
        .filter_map(|element| element.accessible_label())
        .map(|label| label.to_string())
        .collect()
}

#[test]
fn station_screen_shows_plan() {
    headless::install().unwrap();
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());

    let settings = UiSettings {
        hub_url: hub.base.clone(),
        idle_after: Duration::from_secs(3600),
        cycle_every: Duration::from_secs(3600),
    };
    let kiosk = Kiosk::new(&settings, None).unwrap();
    let window = kiosk.window();
    window.show().unwrap();
    let cache_path = directory.path().join("cache/snapshot.json");
    let mut worker = worker::spawn(
        WorkerSettings {
            hub_url: hub.base.clone(),
            election_id: Some(id),
            display_key: None,
            cache_path: Some(cache_path.clone()),
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_millis(400),
            read_timeout: Duration::from_secs(30),
        },
        Arc::new(AtomicBool::new(false)),
        kiosk.update_sink(),
    )
    .unwrap();
    assert!(
        headless::pump_until(Duration::from_secs(20), || window.get_has_data()),
        "the first snapshot reaches the UI"
    );
    assert!(!window.get_has_plan(), "no plan before the upload");

    let png = plan_png();
    let admin = FormSession::login(&hub.base, "admin", PASSWORD);
    let answer = admin.post_file(
        &format!("/admin/elections/{id}/plan"),
        "plan",
        "plan.png",
        &png,
    );
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert!(
        headless::pump_until(Duration::from_secs(20), || window.get_has_plan()),
        "the plan event makes the kiosk fetch the plan"
    );

    window.invoke_select_station(0);
    headless::pump();
    assert_eq!(window.get_screen(), Screen::Station);
    let captions = texts(window);
    assert!(
        captions
            .iter()
            .any(|text| text == "Plan des bureaux de vote"),
        "{captions:?}"
    );
    let images: Vec<_> =
        ElementHandle::find_by_accessible_label(window, "Plan des bureaux de vote")
            .filter(|element| {
                element.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Image)
            })
            .collect();
    assert_eq!(images.len(), 1, "one plan image on the station screen");
    assert!(images[0].size().width > 0.0);

    let pixels = headless::render(window.window(), 800, 480).unwrap();
    let path = repository().join("artifacts/kiosk/station-plan-800x480.png");
    headless::write_png(&pixels, &path).unwrap();
    let red_pixels = pixels
        .as_slice()
        .iter()
        .filter(|pixel| [pixel.r, pixel.g, pixel.b] == PLAN_RED)
        .count();
    assert!(
        red_pixels > 500,
        "the plan is drawn: {red_pixels} red pixels"
    );

    // The plan is saved beside the snapshot, so an offline start still has it.
    worker.stop();
    let saved = cache::load(&cache_path).unwrap().expect("saved snapshot");
    assert_eq!(
        saved.plan.as_deref().map(Vec::as_slice),
        Some(png.as_slice())
    );
}
