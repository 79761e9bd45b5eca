// Test code: a failed unwrap is a failed test, with the value in the panic message.
#![allow(clippy::unwrap_used)]
//! `urne-kiosk screenshot`, the built binary, against a real hub on loopback serving
//! Toulouse's municipales 2026 round 1: the PNG it writes has the requested size, is not
//! blank, and differs from one screen to the next.

use std::path::Path;
use std::process::Command;
use urne_tests::{Hub, fixture, import, repository};

fn toulouse(file: &str) -> String {
    fixture(&format!(
        "data/toulouse_31555_municipales2026_t1_{file}.csv"
    ))
    .to_string_lossy()
    .into_owned()
}

/// Decoded RGBA image.
struct Image {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

fn read_png(path: &Path) -> Image {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Rgba, "{}", path.display());
    pixels.truncate(frame.buffer_size());
    Image {
        width: frame.width,
        height: frame.height,
        pixels,
    }
}

/// Number of distinct colours, counting at most `limit`.
fn distinct_colours(image: &Image, limit: usize) -> usize {
    let mut seen = std::collections::HashSet::new();
    for pixel in image.pixels.chunks_exact(4) {
        seen.insert([pixel[0], pixel[1], pixel[2], pixel[3]]);
        if seen.len() >= limit {
            break;
        }
    }
    seen.len()
}

/// Share of the pixels, in per mille, that differ between two images of the same size.
fn differing_per_mille(first: &Image, second: &Image) -> usize {
    let differing = first
        .pixels
        .chunks_exact(4)
        .zip(second.pixels.chunks_exact(4))
        .filter(|(a, b)| a != b)
        .count();
    differing * 1000 / (first.pixels.len() / 4)
}

fn screenshot(hub: &str, screen: &str, size: &str, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_urne-kiosk"))
        .args([
            "--hub",
            hub,
            "screenshot",
            "--screen",
            screen,
            "--size",
            size,
            "--out",
        ])
        .arg(out)
        .env("URNE_LOG", "warn")
        .output()
        .unwrap()
}

#[test]
fn screenshot_renders_live_screens() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    import(
        &db,
        &[&toulouse("bureaux"), &toulouse("listes"), &toulouse("voix")],
    );
    let hub = Hub::serve(&db);
    let artifacts = repository().join("artifacts/kiosk");

    let mut images = Vec::new();
    for screen in ["home", "results", "stations"] {
        let out = artifacts.join(format!("screenshot-{screen}-800x480.png"));
        let _ = std::fs::remove_file(&out);
        let output = screenshot(&hub.base, screen, "800x480", &out);
        assert!(
            output.status.success(),
            "{screen}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let image = read_png(&out);
        assert_eq!(image.width, 800, "{screen}");
        assert_eq!(image.height, 480, "{screen}");
        assert!(
            distinct_colours(&image, 64) >= 16,
            "{screen} is not blank: {} colours",
            distinct_colours(&image, 64)
        );
        images.push((screen, image));
    }
    for (index, (first_name, first)) in images.iter().enumerate() {
        for (second_name, second) in images.iter().skip(index + 1) {
            let differing = differing_per_mille(first, second);
            assert!(
                differing >= 20,
                "{first_name} and {second_name} differ in only {differing} ‰ of the pixels"
            );
        }
    }

    // Another size, and the N-th bureau.
    let out = artifacts.join("screenshot-station-1280x800.png");
    let output = Command::new(env!("CARGO_BIN_EXE_urne-kiosk"))
        .args(["--hub", &hub.base, "screenshot", "--screen", "station"])
        .args(["--station", "3", "--size", "1280x800", "--out"])
        .arg(&out)
        .env("URNE_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let image = read_png(&out);
    assert_eq!((image.width, image.height), (1280, 800));
    assert!(distinct_colours(&image, 64) >= 16);
}

#[test]
fn screenshot_rejects_unknown_screen() {
    // The arguments are checked before the hub is read, so no hub needs to run.
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("map.png");
    let output = screenshot("http://127.0.0.1:9", "carte", "800x480", &out);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("écran « carte » inconnu"), "{stderr}");
    assert!(!out.exists(), "no file for an unknown screen");

    let output = screenshot("http://127.0.0.1:9", "home", "800-480", &out);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("taille « 800-480 » invalide"), "{stderr}");
}
