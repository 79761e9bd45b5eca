//! Time to render one full frame of each screen at 800×480 with the software renderer, on
//! Toulouse's municipales 2026 round 1 served by a real hub on loopback.
//! Run: `cargo bench -p urne-kiosk --bench render`.

use criterion::{Criterion, criterion_group, criterion_main};
use slint::ComponentHandle;
use slint::platform::software_renderer::Rgb565Pixel;
use std::sync::Arc;
use std::time::Duration;
use urne_kiosk::client::HubClient;
use urne_kiosk::ui::{Kiosk, UiSettings};
use urne_kiosk::worker::Update;
use urne_kiosk::{Screen, headless};
use urne_tests::{Hub, fixture, import};

fn toulouse(file: &str) -> String {
    fixture(&format!(
        "data/toulouse_31555_municipales2026_t1_{file}.csv"
    ))
    .to_string_lossy()
    .into_owned()
}

fn render(criterion: &mut Criterion) {
    let directory = tempfile::tempdir().expect("temporary folder");
    let db = directory.path().join("urne.sqlite");
    import(
        &db,
        &[&toulouse("bureaux"), &toulouse("listes"), &toulouse("voix")],
    );
    let hub = Hub::serve(&db);
    let snapshot = HubClient::new(&hub.base, None, Duration::from_secs(30))
        .fetch_snapshot(None)
        .expect("snapshot from the hub");

    headless::install().expect("headless platform");
    let settings = UiSettings {
        hub_url: hub.base.clone(),
        idle_after: Duration::from_secs(86_400),
        cycle_every: Duration::from_secs(86_400),
    };
    let kiosk = Kiosk::new(&settings, None).expect("kiosk window");
    kiosk.apply(Update::Snapshot(Arc::new(snapshot)));
    let window = kiosk.window();
    window.show().expect("window shown");
    headless::render(window.window(), 800, 480).expect("first frame");

    let mut group = criterion.benchmark_group("frame_800x480");
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
        headless::pump();
        let mut buffer = vec![Rgb565Pixel::default(); 800 * 480];
        group.bench_function(name, |bench| {
            bench.iter(|| {
                // A full frame every time: the window is marked dirty before drawing.
                window.window().request_redraw();
                headless::draw(window.window(), &mut buffer, 800)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
