//! Load generator for the hub's benchmarks, run against a release build on loopback.
//!
//! `cargo run --release -p urne-tests --bin bench-hub -- writes [CLIENTS] [WRITES]`
//! keys the Toulouse 2026 round 1 results through `PUT …/results` from CLIENTS threads
//! (default 4) until WRITES acknowledged writes (default 3000), and reports writes per
//! second and latency percentiles.
//!
//! `cargo run --release -p urne-tests --bin bench-hub -- memory [SPEED]` runs
//! `urne-hub demo` at SPEED (default 6, a 30-second night) and samples the hub's resident
//! memory every 100 ms during the replay and while it serves results afterwards.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use urne_tests::{Hub, fixture, repository};

fn release_binary() -> PathBuf {
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet", "-p", "urne-hub"])
        .current_dir(repository())
        .status()
        .expect("cargo must run");
    assert!(status.success(), "release build failed");
    repository().join("target/release/urne-hub")
}

fn run(binary: &Path, args: &[&str]) -> String {
    let output = Command::new(binary)
        .args(args)
        .env("URNE_LOG", "warn")
        .output()
        .expect("urne-hub must start");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn first_id(output: &str) -> i64 {
    output
        .lines()
        .next()
        .and_then(|line| line.split('\t').next())
        .and_then(|id| id.parse().ok())
        .expect("import prints an id")
}

/// Returns the latency at `per_mille` thousandths of the sorted sample (500 = median).
fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let last = sorted.len() - 1;
    sorted[(last * per_mille / 1000).min(last)]
}

fn writes(clients: usize, total: usize) {
    let binary = release_binary();
    let directory = tempfile::tempdir().expect("temporary folder");
    let db = directory.path().join("bench.sqlite");
    let db_text = db.to_string_lossy().into_owned();
    let results_file = fixture("formats/toulouse_opendata_municipales2026_t1_raw_columns.csv");
    let lists_file = fixture("data/toulouse_31555_municipales2026_t1_listes.csv");
    let files = [
        results_file.to_string_lossy().into_owned(),
        lists_file.to_string_lossy().into_owned(),
    ];
    let target = first_id(&run(
        &binary,
        &[
            "import",
            "--db",
            &db_text,
            "--configuration-only",
            &files[0],
            &files[1],
        ],
    ));
    let source = first_id(&run(
        &binary,
        &["import", "--db", &db_text, &files[0], &files[1]],
    ));

    let hub = Hub::start_binary(
        &binary,
        &["serve", "--db", &db_text, "--listen", "127.0.0.1:0"],
        2,
    );
    let results = hub.get_json(&format!("/api/v1/elections/{source}/results"));
    let counts: Vec<(String, Value)> = results["stations"]
        .as_array()
        .expect("stations")
        .iter()
        .map(|station| {
            (
                station["code"].as_str().unwrap_or_default().to_string(),
                station["count"].clone(),
            )
        })
        .collect();
    let counts = Arc::new(counts);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let counts = counts.clone();
            let next = next.clone();
            let base = hub.base.clone();
            let token = hub.token.clone().unwrap_or_default();
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let mut latencies = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= total {
                        break;
                    }
                    let (code, count) = &counts[index % counts.len()];
                    let round = index / counts.len();
                    let mut body = count.clone();
                    body["base_version"] = json!(round);
                    body["votes"] = count["votes"].clone();
                    let sent = Instant::now();
                    let response = client
                        .put(format!(
                            "{base}/api/v1/elections/{target}/stations/{code}/results"
                        ))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .expect("hub answers");
                    assert!(
                        response.status().is_success(),
                        "write rejected: {}",
                        response.text().unwrap_or_default()
                    );
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = threads
        .into_iter()
        .flat_map(|thread| thread.join().expect("client thread"))
        .collect();
    let elapsed = started.elapsed();
    latencies.sort();
    let acknowledged = u32::try_from(latencies.len()).unwrap_or(u32::MAX);
    println!(
        "{acknowledged} acknowledged writes from {clients} clients in {:.2} s: {:.0} writes/s; \
         latency median {:.2} ms, p99 {:.2} ms",
        elapsed.as_secs_f64(),
        f64::from(acknowledged) / elapsed.as_secs_f64(),
        percentile(&latencies, 500).as_secs_f64() * 1000.0,
        percentile(&latencies, 990).as_secs_f64() * 1000.0,
    );
}

fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

fn memory(speed: f64) {
    let binary = release_binary();
    let directory = tempfile::tempdir().expect("temporary folder");
    let db = directory.path().join("demo.sqlite");
    let db_text = db.to_string_lossy().into_owned();
    let speed_text = speed.to_string();
    let hub = Hub::start_binary(
        &binary,
        &[
            "demo",
            "--db",
            &db_text,
            "--listen",
            "127.0.0.1:0",
            "--speed",
            &speed_text,
        ],
        3,
    );
    let pid = hub.child.id();
    let night = Duration::from_secs_f64(180.0 / speed);
    let started = Instant::now();
    let mut peak = 0u64;
    let mut samples = 0u32;
    // Replay, then as long again serving the results view to a polling client.
    while started.elapsed() < night * 2 + Duration::from_secs(2) {
        if started.elapsed() > night {
            let _ = hub
                .client
                .get(hub.url("/api/v1/elections/1/results"))
                .send();
        }
        if let Some(kib) = resident_kib(pid) {
            peak = peak.max(kib);
            samples += 1;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let last = resident_kib(pid).unwrap_or(0);
    let results = hub.get_json("/api/v1/elections/1/results");
    println!(
        "demo at speed {speed}: {} counted; resident memory peak {:.1} MiB, last {:.1} MiB over {samples} samples",
        results["commune"]["progress"]["label"],
        f64::from(u32::try_from(peak).unwrap_or(u32::MAX)) / 1024.0,
        f64::from(u32::try_from(last).unwrap_or(u32::MAX)) / 1024.0,
    );
}

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match arguments.first().map(String::as_str) {
        Some("writes") => {
            let clients = arguments.get(1).and_then(|v| v.parse().ok()).unwrap_or(4);
            let total = arguments
                .get(2)
                .and_then(|v| v.parse().ok())
                .unwrap_or(3000);
            writes(clients, total);
        }
        Some("memory") => {
            let speed = arguments.get(1).and_then(|v| v.parse().ok()).unwrap_or(6.0);
            memory(speed);
        }
        _ => {
            eprintln!("usage : bench-hub writes [CLIENTS] [WRITES] | memory [SPEED]");
            std::process::exit(2);
        }
    }
}
