// Test code: a failed unwrap is a failed test, with the value in the panic message.
#![allow(clippy::unwrap_used)]
//! The kiosk against a real hub serving Toulouse's municipales 2026 round 1. The data
//! worker follows the hub, and every screen renders with the software renderer to PNG at
//! 800×480 and 1280×800 under artifacts/kiosk/. The texts on screen are checked through
//! Slint's testing API. A tap opens a bureau, idleness starts the attract mode, and a
//! stopped hub leaves the data on screen with its age until the hub is back.

use i_slint_backend_testing::ElementHandle;
use serde_json::json;
use slint::ComponentHandle;
use slint::platform::{PointerEventButton, WindowEvent};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use urne_kiosk::ui::{Kiosk, UiSettings};
use urne_kiosk::worker::{self, WorkerSettings};
use urne_kiosk::{KioskWindow, Screen, headless};
use urne_tests::{Hub, fixture, import, repository};

fn toulouse(file: &str) -> String {
    fixture(&format!(
        "data/toulouse_31555_municipales2026_t1_{file}.csv"
    ))
    .to_string_lossy()
    .into_owned()
}

/// Folder of the screenshots: `URNE_KIOSK_ARTIFACTS`, or artifacts/kiosk.
fn artifacts() -> PathBuf {
    std::env::var_os("URNE_KIOSK_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository().join("artifacts/kiosk"))
}

/// Largest share of pixels, in parts per thousand, that may differ from the reference
/// screenshots. The two runs happen at different times, and the stamp of every screen
/// prints the time of the data (« Données de 21 h 04 »). Measured: at most 1.2 ‰, all of
/// it in the stamps' rows.
const MAX_DIFFERENT_PER_THOUSAND: usize = 3;

/// Compares `path` with the file of the same name under `URNE_KIOSK_REFERENCE`, when
/// that variable names a folder (CI sets it to the screenshots of the aarch64 build run
/// under qemu-user).
fn compare_with_reference(path: &Path) {
    let Some(folder) = std::env::var_os("URNE_KIOSK_REFERENCE") else {
        return;
    };
    let name = path.file_name().unwrap();
    let reference = Path::new(&folder).join(name);
    let (width, height, actual) = read_rgba(path);
    let (reference_width, reference_height, expected) = read_rgba(&reference);
    assert_eq!(
        (width, height),
        (reference_width, reference_height),
        "{} and {} differ in size",
        path.display(),
        reference.display()
    );
    let different = actual
        .chunks_exact(4)
        .zip(expected.chunks_exact(4))
        .filter(|(a, b)| a != b)
        .count();
    let total = actual.len() / 4;
    assert!(
        different * 1000 <= total * MAX_DIFFERENT_PER_THOUSAND,
        "{} differs from {} in {different} of {total} pixels",
        path.display(),
        reference.display()
    );
}

/// Decodes an RGBA PNG into its width, height and pixels.
fn read_rgba(path: &Path) -> (u32, u32, Vec<u8>) {
    let file = std::fs::File::open(path)
        .unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba, "{}", path.display());
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

/// Texts of every visible `Text` element.
fn texts(window: &KioskWindow) -> Vec<String> {
    ElementHandle::find_by_element_type_name(window, "Text")
        .filter_map(|element| element.accessible_label())
        .map(|label| label.to_string())
        .collect()
}

fn shows(window: &KioskWindow, needle: &str) -> bool {
    texts(window).iter().any(|text| text.contains(needle))
}

/// Taps the centre of `element` as a finger would.
fn tap(window: &KioskWindow, element: &ElementHandle) {
    let position = element.absolute_position();
    let size = element.size();
    let centre = slint::LogicalPosition::new(
        position.x + size.width / 2.0,
        position.y + size.height / 2.0,
    );
    let slint_window = window.window();
    slint_window.dispatch_event(WindowEvent::PointerPressed {
        position: centre,
        button: PointerEventButton::Left,
    });
    slint_window.dispatch_event(WindowEvent::PointerReleased {
        position: centre,
        button: PointerEventButton::Left,
    });
    slint_window.dispatch_event(WindowEvent::PointerExited);
    headless::pump();
}

fn render_all(window: &KioskWindow, size: (u32, u32), suffix: &str) {
    for (screen, name) in [
        (Screen::Home, "home"),
        (Screen::Results, "results"),
        (Screen::Stations, "stations"),
        (Screen::Turnout, "turnout"),
        (Screen::Hundreds, "hundreds"),
        (Screen::Seats, "seats"),
        (Screen::Help, "help"),
    ] {
        window.set_screen(screen);
        let pixels = headless::render(window.window(), size.0, size.1).unwrap();
        assert_eq!(pixels.width(), size.0, "{name}");
        let path = artifacts().join(format!("{name}-{}x{}{suffix}.png", size.0, size.1));
        headless::write_png(&pixels, &path).unwrap();
        compare_with_reference(&path);
    }
}

fn worker_settings(hub: &str, cache: &Path) -> WorkerSettings {
    WorkerSettings {
        hub_url: hub.to_string(),
        election_id: None,
        display_key: None,
        cache_path: Some(cache.to_path_buf()),
        backoff_min: Duration::from_millis(100),
        backoff_max: Duration::from_millis(400),
        read_timeout: Duration::from_secs(30),
    }
}

#[test]
fn kiosk_follows_real_hub() {
    headless::install().unwrap();
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = import(
        &db,
        &[&toulouse("bureaux"), &toulouse("listes"), &toulouse("voix")],
    )[0];
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let db_arg = db.to_string_lossy().into_owned();
    let mut hub = Hub::start(&["serve", "--db", &db_arg, "--listen", &listen], 2);
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/seats/configuration"),
        &json!({"base_version": 0, "municipal_council": 69, "community_council": 0}),
    );
    assert_eq!(status, 200, "seats configuration: {body}");

    let settings = UiSettings {
        hub_url: hub.base.clone(),
        idle_after: Duration::from_secs(3600),
        cycle_every: Duration::from_millis(200),
    };
    let kiosk = Kiosk::new(&settings, None).unwrap();
    let window = kiosk.window();
    window.show().unwrap();
    let cache = directory.path().join("cache/snapshot.json");
    let link = Arc::new(AtomicBool::new(false));
    let mut worker = worker::spawn(
        worker_settings(&hub.base, &cache),
        Arc::clone(&link),
        kiosk.update_sink(),
    )
    .unwrap();
    assert!(
        headless::pump_until(Duration::from_secs(20), || window.get_has_data()),
        "the first snapshot reaches the UI"
    );

    // Home: the commune, the progress and the time of the data.
    assert!(shows(window, "Toulouse"), "{:?}", texts(window));
    assert!(shows(window, "284 bureaux sur 284"), "{:?}", texts(window));
    assert!(shows(window, "Données de"), "{:?}", texts(window));
    assert!(cache.exists(), "the snapshot is saved");

    render_all(window, (800, 480), "");
    render_all(window, (1280, 800), "");

    // Results: a list head, its percentage from the hub and its seats.
    window.set_screen(Screen::Results);
    headless::pump();
    assert!(shows(window, "Jean-Luc MOUDENC"), "{:?}", texts(window));
    assert!(
        !shows(window, "0 siège"),
        "round 1 without a majority allocates no seat: {:?}",
        texts(window)
    );
    assert!(shows(window, "\u{00A0}%"), "{:?}", texts(window));

    // Tap the first bureau: its figures show.
    window.set_screen(Screen::Stations);
    headless::render(window.window(), 800, 480).unwrap();
    let tile = ElementHandle::find_by_accessible_label(window, "Bureau 0001")
        .next()
        .expect("tile of bureau 0001");
    tap(window, &tile);
    assert_eq!(
        window.get_screen(),
        Screen::Station,
        "the tap opens the bureau"
    );
    assert!(shows(window, "0001"), "{:?}", texts(window));
    assert!(
        shows(window, "1\u{202F}056"),
        "inscrits of 0001: {:?}",
        texts(window)
    );
    assert!(shows(window, "Exprimés"), "{:?}", texts(window));
    let pixels = headless::render(window.window(), 800, 480).unwrap();
    headless::write_png(&pixels, &artifacts().join("station-800x480.png")).unwrap();

    // Hub stopped: the data stays with an offline stamp giving its age.
    hub.kill();
    assert!(
        headless::pump_until(Duration::from_secs(10), || window
            .get_stale_label()
            .contains("Hors ligne")),
        "offline stamp appears"
    );
    assert!(window.get_has_data(), "the data stays on screen");
    assert!(window.get_stale_label().contains("il y a"));
    window.set_screen(Screen::Home);
    let pixels = headless::render(window.window(), 800, 480).unwrap();
    headless::write_png(&pixels, &artifacts().join("offline-800x480.png")).unwrap();

    // Hub back on the same port: the stamp clears.
    let _hub = Hub::start(&["serve", "--db", &db_arg, "--listen", &listen], 2);
    assert!(
        headless::pump_until(Duration::from_secs(15), || window
            .get_stale_label()
            .is_empty()),
        "the kiosk resumes: {}",
        window.get_stale_label()
    );
    worker.stop();

    // Idle: a second kiosk with a short delay returns home and cycles by itself.
    let saved = urne_kiosk::cache::load(&cache)
        .unwrap()
        .expect("saved snapshot");
    let idle = UiSettings {
        hub_url: hub.base.clone(),
        idle_after: Duration::from_millis(300),
        cycle_every: Duration::from_millis(200),
    };
    let idle_kiosk = Kiosk::new(&idle, Some(saved)).unwrap();
    let idle_window = idle_kiosk.window();
    idle_window.show().unwrap();
    idle_window.set_screen(Screen::Help);
    headless::render(idle_window.window(), 800, 480).unwrap();
    assert!(
        headless::pump_until(Duration::from_secs(2), || idle_window.get_attract()),
        "attract mode starts"
    );
    assert_eq!(
        idle_window.get_screen(),
        Screen::Home,
        "attract starts at home"
    );
    assert!(
        shows(idle_window, "Touchez l'écran"),
        "{:?}",
        texts(idle_window)
    );
    assert!(
        headless::pump_until(Duration::from_secs(2), || idle_window.get_screen()
            == Screen::Results),
        "the cycle moves on to the results"
    );
    let pixels = headless::render(idle_window.window(), 800, 480).unwrap();
    headless::write_png(&pixels, &artifacts().join("attract-800x480.png")).unwrap();
    let overlay = ElementHandle::find_by_element_type_name(idle_window, "TouchArea")
        .last()
        .expect("attract overlay");
    tap(idle_window, &overlay);
    assert!(!idle_window.get_attract(), "a touch stops the cycle");
    assert!(!idle_kiosk.attract_active());
    assert_eq!(
        idle_window.get_screen(),
        Screen::Results,
        "the touch opens nothing"
    );
}
