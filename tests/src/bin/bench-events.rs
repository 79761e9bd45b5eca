//! Benchmark of the events stream's fan-out, run against a release build on loopback.
//!
//! `cargo run --release -p urne-tests --bin bench-events -- [CLIENTS] [WRITES]`
//! (defaults: 500 clients, 40 writes)
//!
//! Opens CLIENTS connections to `/api/v1/events?election=ID`, each read by its own thread,
//! then sends WRITES turnout writes (`PUT …/turnout/12:00`) 200 ms apart. For each write
//! and each client it measures the time from the moment the write is sent to the moment
//! the client reads the event's `id:` line. It prints the median, 99th percentile and
//! maximum over all samples. The run stops after 120 s whatever happens.

use serde_json::json;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use urne_tests::{Hub, fixture, repository};

const LIMIT: Duration = Duration::from_secs(120);

fn release_binary() -> PathBuf {
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet", "-p", "urne-hub"])
        .current_dir(repository())
        .status()
        .expect("cargo must run");
    assert!(status.success(), "release build failed");
    repository().join("target/release/urne-hub")
}

/// Returns the value at `per_mille` thousandths of the sorted sample (500 = median).
fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = (sorted.len() - 1) * per_mille / 1000;
    sorted[index]
}

/// Connects one events client; sends `(event id, arrival)` for each event it reads.
fn spawn_client(
    address: &str,
    election: i64,
    ready: mpsc::Sender<()>,
    arrivals: mpsc::Sender<(i64, Instant)>,
) {
    let mut stream = TcpStream::connect(address).expect("events connection");
    stream
        .set_read_timeout(Some(LIMIT))
        .expect("read timeout set");
    let request = format!(
        "GET /api/v1/events?election={election} HTTP/1.1\r\nHost: {address}\r\n\
         Accept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).expect("request sent");
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        let mut announced = false;
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            if !announced && line.trim().is_empty() {
                // End of the response headers: the stream is open.
                let _ = ready.send(());
                announced = true;
            }
            let event = line
                .strip_prefix("id:")
                .and_then(|id| id.trim().parse::<i64>().ok());
            if let Some(id) = event
                && arrivals.send((id, Instant::now())).is_err()
            {
                return;
            }
            line.clear();
        }
    });
}

fn main() {
    let mut arguments = std::env::args().skip(1);
    let clients: usize = arguments.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let writes: usize = arguments.next().and_then(|a| a.parse().ok()).unwrap_or(40);
    let binary = release_binary();
    // The time limit counts from here, after the build.
    let started = Instant::now();
    let directory = tempfile::tempdir().expect("temporary folder");
    let db = directory.path().join("urne.sqlite");
    let file = |name: &str| {
        fixture(&format!(
            "data/gouesnou_29061_legislatives2024_t1_{name}.csv"
        ))
        .to_string_lossy()
        .into_owned()
    };
    let output = Command::new(&binary)
        .args([
            "import",
            "--db",
            &db.to_string_lossy(),
            "--configuration-only",
            &file("bureaux"),
            &file("candidats"),
        ])
        .env("URNE_LOG", "warn")
        .output()
        .expect("import runs");
    assert!(output.status.success(), "import failed");
    let id: i64 = String::from_utf8_lossy(&output.stdout)
        .split('\t')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("import prints an id");
    let db_text = db.to_string_lossy().into_owned();
    let hub = Hub::start_binary(
        &binary,
        &["serve", "--db", &db_text, "--listen", "127.0.0.1:0"],
        2,
    );
    let address = hub.base.trim_start_matches("http://").to_string();

    let (ready_sender, ready) = mpsc::channel();
    let (arrival_sender, arrivals) = mpsc::channel();
    for _ in 0..clients {
        spawn_client(&address, id, ready_sender.clone(), arrival_sender.clone());
    }
    drop(arrival_sender);
    for connected in 0..clients {
        if ready.recv_timeout(Duration::from_secs(30)).is_err() {
            panic!("only {connected} of {clients} events clients connected");
        }
    }
    println!("{clients} events clients connected; sending {writes} writes");

    let path = format!("/api/v1/elections/{id}/stations/0001/turnout/12:00");
    let mut sent_at: HashMap<i64, Instant> = HashMap::new();
    let mut base_version = 0;
    for index in 0..writes {
        if started.elapsed() > LIMIT {
            break;
        }
        let voters = 100 + index;
        let before = Instant::now();
        let (status, body) = hub.put(
            &path,
            &json!({ "base_version": base_version, "voters": voters }),
        );
        assert_eq!(status, 200, "write {index}: {body}");
        base_version = body["version"].as_u64().expect("version");
        sent_at.insert(body["event_id"].as_i64().expect("event id"), before);
        std::thread::sleep(Duration::from_millis(200));
    }

    let expected = sent_at.len() * clients;
    let mut latencies = Vec::with_capacity(expected);
    let deadline = Instant::now() + Duration::from_secs(10);
    while latencies.len() < expected && Instant::now() < deadline {
        match arrivals.recv_timeout(Duration::from_millis(500)) {
            Ok((event, arrival)) => {
                if let Some(sent) = sent_at.get(&event) {
                    latencies.push(arrival.saturating_duration_since(*sent));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    latencies.sort();
    println!(
        "write-to-event latency over {} samples ({} expected): median {:?}, p99 {:?}, max {:?}",
        latencies.len(),
        expected,
        percentile(&latencies, 500),
        percentile(&latencies, 990),
        latencies.last().copied().unwrap_or_default()
    );
    drop(hub);
}
