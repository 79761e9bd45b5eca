//! Benchmark of the web interface's entry path, run against a release build on loopback.
//!
//! `cargo run --release -p urne-tests --bin bench-web`
//!
//! Keys the final results of the 284 Toulouse stations (municipales 2026 round 1, real
//! published figures) one after the other through the results form
//! (`POST /admin/elections/{id}/stations/{code}/results`, signed in as a clerk, with the
//! CSRF token), as one clerk would. For each station it measures three times from the
//! moment the form is sent. The first ends at the redirect that acknowledges the save, the
//! second at the `final_results` event on `/api/v1/events`. The third ends when the
//! board's live part (`…/board/live`, which the board's script reloads on each event)
//! shows the station as entered. It prints the median, 90th and 99th percentiles and the
//! maximum of each.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use urne_tests::browser::FormSession;
use urne_tests::{Hub, fixture, repository};

const PASSWORD: &str = "mot-de-passe-banc";

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
        .env("URNE_PASSWORD", PASSWORD)
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

/// Returns the value at `per_mille` thousandths of the sorted sample (500 = median).
fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let last = sorted.len() - 1;
    sorted[(last * per_mille / 1000).min(last)]
}

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn report(label: &str, mut sample: Vec<Duration>) {
    sample.sort();
    println!(
        "{label:<34} median {:7.2} ms   p90 {:7.2} ms   p99 {:7.2} ms   max {:7.2} ms",
        milliseconds(percentile(&sample, 500)),
        milliseconds(percentile(&sample, 900)),
        milliseconds(percentile(&sample, 990)),
        milliseconds(sample.last().copied().unwrap_or_default()),
    );
}

/// Reads `/api/v1/events?election=ID` and sends the station of every `final_results`
/// event, until the stream ends.
fn listen_events(base: String, election: i64, sender: mpsc::Sender<String>) {
    let client = reqwest::blocking::Client::builder()
        .timeout(None)
        .build()
        .expect("HTTP client");
    let response = client
        .get(format!("{base}/api/v1/events?election={election}"))
        .send()
        .expect("events stream");
    let reader = BufReader::new(response);
    for line in reader.lines() {
        let Ok(line) = line else {
            return;
        };
        let Some(data) = line.strip_prefix("data:") else {
            continue;
        };
        let event: Value = serde_json::from_str(data.trim()).unwrap_or_default();
        if event["kind"] == "final_results"
            && let Some(station) = event["station"].as_str()
            && sender.send(station.to_string()).is_err()
        {
            return;
        }
    }
}

/// Returns the results form's fields for a station's published count.
fn form_fields(count: &Value) -> Vec<(String, String)> {
    let number = |name: &str| {
        count[name]
            .as_u64()
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    let mut fields: Vec<(String, String)> = [
        "registered",
        "voters",
        "ballots_found",
        "blank",
        "invalid",
        "valid_votes",
    ]
    .into_iter()
    .map(|name| (name.to_string(), number(name)))
    .collect();
    fields.push(("base_version".to_string(), "0".to_string()));
    if let Some(votes) = count["votes"].as_object() {
        for (ballot_number, value) in votes {
            let votes = value.as_u64().unwrap_or(0).to_string();
            fields.push((format!("v_{ballot_number}"), votes));
        }
    }
    fields
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| "processeur inconnu".to_string());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cpu}, {cores} cœurs")
}

fn main() {
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
    run(
        &binary,
        &[
            "user", "add", "--db", &db_text, "--login", "agent", "--role", "clerk",
        ],
    );

    let hub = Hub::start_binary(
        &binary,
        &["serve", "--db", &db_text, "--listen", "127.0.0.1:0"],
        2,
    );
    let published = hub.get_json(&format!("/api/v1/elections/{source}/results"));
    let stations: Vec<(String, Value)> = published["stations"]
        .as_array()
        .expect("stations")
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap_or_default().to_string(),
                s["count"].clone(),
            )
        })
        .collect();
    let clerk = FormSession::login(&hub.base, "agent", PASSWORD);

    let (sender, receiver) = mpsc::channel();
    let base = hub.base.clone();
    std::thread::spawn(move || listen_events(base, target, sender));
    // The stream starts with the next change; give it time to subscribe.
    std::thread::sleep(Duration::from_millis(300));

    let mut acknowledged = Vec::with_capacity(stations.len());
    let mut announced = Vec::with_capacity(stations.len());
    let mut on_board = Vec::with_capacity(stations.len());
    let started = Instant::now();
    for (code, count) in &stations {
        let owned = form_fields(count);
        let fields: Vec<(&str, String)> = owned
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        let sent = Instant::now();
        let answer = clerk.post(
            &format!("/admin/elections/{target}/stations/{code}/results"),
            &fields,
        );
        assert_eq!(
            answer.status, 303,
            "station {code} refused: {}",
            answer.body
        );
        acknowledged.push(sent.elapsed());

        loop {
            let station = receiver
                .recv_timeout(Duration::from_secs(10))
                .unwrap_or_else(|_| panic!("no event for station {code} within 10 s"));
            if &station == code {
                break;
            }
        }
        announced.push(sent.elapsed());

        let board = clerk.get(&format!("/admin/elections/{target}/board/live"));
        let marker = format!("id=\"station-{code}\" data-status=\"entered\"");
        assert!(
            board.body.contains(&marker),
            "board does not show {code} as entered"
        );
        on_board.push(sent.elapsed());
    }
    let elapsed = started.elapsed();

    println!(
        "{} stations keyed through the web form in {:.2} s ({:.1} stations/s), one clerk, \
         release build, loopback; machine: {}",
        stations.len(),
        elapsed.as_secs_f64(),
        f64::from(u32::try_from(stations.len()).unwrap_or(u32::MAX)) / elapsed.as_secs_f64(),
        machine()
    );
    report("submit → save acknowledged (303)", acknowledged);
    report("submit → event received", announced);
    report("submit → board shows the station", on_board);
}
