//! Resident memory of the kiosk during its attract mode, against a real hub on loopback.
//!
//! `cargo bench -p urne-kiosk --bench memory -- [SECONDS] [CYCLE_SECONDS]` starts
//! `urne-hub demo` (Toulouse municipales 2026 round 1, with turnout slots and centaines,
//! replayed in three minutes), follows it with the data worker, and lets the attract mode
//! cycle through the screens every CYCLE_SECONDS (default 4) for SECONDS (default 3600).
//! Frames are drawn at 800×480 with the software renderer whenever the window needs one,
//! as the board's event loop does. After the replay, the seats to fill change every 30 s
//! so that events keep arriving. VmRSS is sampled every 5 s. The summary gives the first
//! sample (taken once the first snapshot is on screen), the peak and the last sample,
//! and the least-squares slope over the second half of the run.

use slint::ComponentHandle;
use slint::platform::software_renderer::Rgb565Pixel;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use urne_kiosk::ui::{Kiosk, UiSettings};
use urne_kiosk::worker::{self, WorkerSettings};
use urne_kiosk::{Screen, headless};
use urne_tests::Hub;

mod support;

const WIDTH: u32 = 800;
const HEIGHT: u32 = 480;
/// Pixels in one line of the frame buffer.
const STRIDE: usize = 800;
const SAMPLE_EVERY: Duration = Duration::from_secs(5);
const SEATS_EVERY: Duration = Duration::from_secs(30);
/// Frame period of a 60 Hz panel: the loop sleeps this long when nothing is due.
const FRAME: Duration = Duration::from_millis(16);

/// Resident set size of this process in KiB, from /proc/self/status.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Least-squares slope of `samples` (seconds, KiB), in KiB per hour.
fn slope_kib_per_hour(samples: &[(f64, u64)]) -> f64 {
    if samples.len() < 2 {
        return 0.0;
    }
    let count = float(u64::try_from(samples.len()).unwrap_or(u64::MAX));
    let mean_seconds = samples.iter().map(|(t, _)| t).sum::<f64>() / count;
    let mean_kib = samples.iter().map(|(_, m)| float(*m)).sum::<f64>() / count;
    let covariance: f64 = samples
        .iter()
        .map(|(t, m)| (t - mean_seconds) * (float(*m) - mean_kib))
        .sum();
    let variance: f64 = samples
        .iter()
        .map(|(t, _)| (t - mean_seconds).powi(2))
        .sum();
    if variance == 0.0 {
        return 0.0;
    }
    covariance / variance * 3600.0
}

/// Converts a count to `f64`. The counts here stay far below 2^32.
fn float(value: u64) -> f64 {
    f64::from(u32::try_from(value).unwrap_or(u32::MAX))
}

fn mib(kib: u64) -> f64 {
    float(kib) / 1024.0
}

/// Reads the positional arguments, skipping the `--bench` flag cargo passes.
fn arguments() -> (Duration, Duration) {
    let numbers: Vec<f64> = std::env::args()
        .skip(1)
        .filter(|argument| !argument.starts_with("--"))
        .map(|argument| {
            argument
                .parse()
                .unwrap_or_else(|_| panic!("invalid number of seconds: {argument}"))
        })
        .collect();
    let seconds = numbers.first().copied().unwrap_or(3600.0);
    let cycle = numbers.get(1).copied().unwrap_or(4.0);
    (
        Duration::from_secs_f64(seconds),
        Duration::from_secs_f64(cycle),
    )
}

/// Sets the seats to fill, alternating 69 and 65, and returns the new version.
fn change_seats(hub: &Hub, election: i64, version: i64, round: u64) -> i64 {
    let seats = if round.is_multiple_of(2) { 69 } else { 65 };
    support::set_seats(hub, election, version, seats)
}

fn main() {
    let (duration, cycle) = arguments();
    let directory = tempfile::tempdir().expect("temporary folder");
    let db = directory.path().join("demo.sqlite");
    let hub = Hub::demo(&db, 1, 7);
    let election = support::toulouse_id(&hub);
    let mut seats_version = change_seats(&hub, election, 0, 0);

    headless::install().expect("headless platform");
    let settings = UiSettings {
        hub_url: hub.base.clone(),
        idle_after: Duration::from_secs(1),
        cycle_every: cycle,
    };
    let kiosk = Kiosk::new(&settings, None).expect("kiosk window");
    let window = kiosk.window();
    window.show().expect("window shown");
    window
        .window()
        .set_size(slint::PhysicalSize::new(WIDTH, HEIGHT));
    let link = Arc::new(AtomicBool::new(false));
    let mut data = worker::spawn(
        WorkerSettings {
            hub_url: hub.base.clone(),
            election_id: Some(election),
            display_key: None,
            cache_path: Some(directory.path().join("snapshot.json")),
            backoff_min: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            read_timeout: Duration::from_secs(45),
        },
        Arc::clone(&link),
        kiosk.update_sink(),
    )
    .expect("data worker");
    assert!(
        headless::pump_until(Duration::from_secs(60), || window.get_has_data()),
        "the first snapshot reaches the UI"
    );

    let mut buffer = vec![Rgb565Pixel::default(); STRIDE * HEIGHT as usize];
    let start = Instant::now();
    let replay_end = start + Duration::from_secs(200);
    let mut next_sample = start;
    let mut next_seats = replay_end;
    let mut seats_round = 1;
    let mut samples: Vec<(f64, u64)> = Vec::new();
    let mut frames: u64 = 0;
    let mut drawing = Duration::ZERO;
    let mut slowest = Duration::ZERO;
    let mut screens_seen = std::collections::BTreeSet::new();
    println!("seconds\tvmrss_kib\tframes\tscreen");
    while start.elapsed() < duration {
        let now = Instant::now();
        if now >= next_sample {
            let kib = resident_kib();
            let seconds = start.elapsed().as_secs_f64();
            samples.push((seconds, kib));
            println!("{seconds:.0}\t{kib}\t{frames}\t{:?}", window.get_screen());
            next_sample += SAMPLE_EVERY;
        }
        if now >= next_seats {
            seats_version = change_seats(&hub, election, seats_version, seats_round);
            seats_round += 1;
            next_seats += SEATS_EVERY;
        }
        headless::pump();
        screens_seen.insert(format!("{:?}", window.get_screen()));
        let before = Instant::now();
        if headless::draw(window.window(), &mut buffer, STRIDE) {
            let spent = before.elapsed();
            frames += 1;
            drawing += spent;
            slowest = slowest.max(spent);
        }
        std::thread::sleep(FRAME);
    }
    data.stop();
    assert_ne!(window.get_screen(), Screen::Station, "only attract screens");

    let start_kib = samples.first().map_or(0, |(_, kib)| *kib);
    let end_kib = samples.last().map_or(0, |(_, kib)| *kib);
    let peak_kib = samples.iter().map(|(_, kib)| *kib).max().unwrap_or(0);
    let half = duration.as_secs_f64() / 2.0;
    let second_half: Vec<(f64, u64)> = samples
        .iter()
        .copied()
        .filter(|(seconds, _)| *seconds >= half)
        .collect();
    let slope = slope_kib_per_hour(&second_half);
    let mean_frame = if frames == 0 {
        Duration::ZERO
    } else {
        drawing / u32::try_from(frames).unwrap_or(u32::MAX)
    };
    println!(
        "duration {:.0} s, cycle {:.1} s, {} samples, screens {:?}",
        duration.as_secs_f64(),
        cycle.as_secs_f64(),
        samples.len(),
        screens_seen
    );
    println!(
        "frames drawn {frames}, mean {:.2} ms, slowest {:.2} ms, seats changes {}",
        mean_frame.as_secs_f64() * 1000.0,
        slowest.as_secs_f64() * 1000.0,
        seats_round - 1
    );
    println!(
        "VmRSS start {:.1} MiB, peak {:.1} MiB, end {:.1} MiB, slope over the second half {:+.1} KiB/h",
        mib(start_kib),
        mib(peak_kib),
        mib(end_kib),
        slope
    );
    assert!(
        link.load(Ordering::Relaxed),
        "the hub still answers at the end"
    );
}
