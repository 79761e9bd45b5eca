//! Time to render one full frame of each screen at 800×480 with the software renderer.
//! The data comes from a real hub on loopback running the demo to its end: Toulouse's
//! municipales 2026 round 1 with turnout at 12:00 and 17:00, both centaines of every
//! bureau, every result, and 69 seats to fill.
//! Run: `cargo bench -p urne-kiosk --bench render`.

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use slint::ComponentHandle;
use slint::platform::software_renderer::Rgb565Pixel;
use std::sync::Arc;
use std::time::Duration;
use urne_kiosk::client::HubClient;
use urne_kiosk::snapshot::Snapshot;
use urne_kiosk::ui::{Kiosk, UiSettings};
use urne_kiosk::worker::Update;
use urne_kiosk::{Screen, headless};
use urne_tests::{Hub, wait_until};

mod support;

/// Reads the election once the demo has entered every bureau's results, its last step.
fn finished_snapshot(hub: &Hub, election: i64) -> Snapshot {
    let client = HubClient::new(&hub.base, None, Duration::from_secs(30));
    let mut latest = None;
    let finished = wait_until(Duration::from_secs(300), || {
        let Ok(snapshot) = client.fetch_snapshot(Some(election)) else {
            return false;
        };
        let progress = &snapshot.results.commune.progress;
        let done = progress.total > 0 && progress.counted == progress.total;
        latest = Some(snapshot);
        done
    });
    assert!(finished, "the demo enters every bureau");
    latest.expect("a snapshot")
}

fn render(criterion: &mut Criterion) {
    let directory = tempfile::tempdir().expect("temporary folder");
    let hub = Hub::demo(&directory.path().join("demo.sqlite"), 30, 7);
    let election = support::toulouse_id(&hub);
    support::set_seats(&hub, election, 0, 69);
    let snapshot = finished_snapshot(&hub, election);

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
    assert!(window.get_has_seats(), "the seats screen has data");

    let mut group = criterion.benchmark_group("frame_800x480");
    // A frame takes milliseconds, so ten samples of a few hundred frames each give a
    // stable mean without the minutes criterion's default linear sampling would need.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for (screen, name) in [
        (Screen::Home, "home"),
        (Screen::Results, "results"),
        (Screen::Stations, "stations"),
        (Screen::Station, "station"),
        (Screen::Turnout, "turnout"),
        (Screen::Hundreds, "hundreds"),
        (Screen::Seats, "seats"),
        (Screen::Help, "help"),
    ] {
        if screen == Screen::Station {
            window.invoke_select_station(0);
        } else {
            window.set_screen(screen);
        }
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
