// Test code: a failed unwrap is a failed test, with the value in the panic message.
#![allow(clippy::unwrap_used)]
//! Started with no hub and no saved snapshot, the kiosk shows a calm French message and
//! keeps retrying. The command line rejects a bad configuration file and names the key.

use slint::ComponentHandle;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use urne_kiosk::headless;
use urne_kiosk::ui::{Kiosk, UiSettings};
use urne_kiosk::worker::{self, WorkerSettings};
use urne_tests::repository;

#[test]
fn no_hub_no_cache_waits_calmly() {
    headless::install().unwrap();
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let hub_url = format!("http://127.0.0.1:{port}");
    let directory = tempfile::tempdir().unwrap();
    let settings = UiSettings {
        hub_url: hub_url.clone(),
        idle_after: Duration::from_secs(3600),
        cycle_every: Duration::from_secs(3600),
    };
    let kiosk = Kiosk::new(&settings, None).unwrap();
    let window = kiosk.window();
    window.show().unwrap();
    let link = Arc::new(AtomicBool::new(true));
    let mut worker = worker::spawn(
        WorkerSettings {
            hub_url,
            election_id: Some(1),
            display_key: None,
            cache_path: Some(directory.path().join("snapshot.json")),
            backoff_min: Duration::from_millis(50),
            backoff_max: Duration::from_millis(200),
            read_timeout: Duration::from_secs(5),
        },
        Arc::clone(&link),
        kiosk.update_sink(),
    )
    .unwrap();

    assert!(
        headless::pump_until(Duration::from_secs(10), || window
            .get_waiting_message()
            .contains("injoignable")),
        "message: {}",
        window.get_waiting_message()
    );
    assert!(!window.get_has_data());
    assert!(!link.load(Ordering::Relaxed), "the LED shows no link");
    assert!(
        window.get_waiting_detail().contains("ne répond pas"),
        "{}",
        window.get_waiting_detail()
    );
    let pixels = headless::render(window.window(), 800, 480).unwrap();
    headless::write_png(
        &pixels,
        &repository().join("artifacts/kiosk/no-hub-800x480.png"),
    )
    .unwrap();
    assert!(!directory.path().join("snapshot.json").exists());
    worker.stop();
}

#[test]
fn bad_configuration_names_key() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("kiosque.toml");
    std::fs::write(
        &path,
        "hub_url = \"http://127.0.0.1:1\"\n[idle]\nattract_after_seconds = \"souvent\"\n",
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_urne-kiosk"))
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("idle.attract_after_seconds"), "{stderr}");
    assert!(stderr.contains("invalide"), "{stderr}");
}
