// Test code: a failed unwrap is a failed test, with the value in the panic message.
#![allow(clippy::unwrap_used)]
//! The public results site: golden files for Gouesnou's législatives 2024 round 1, the
//! embargo on the public API and site, caching headers, publication to a folder and to a
//! real S3-compatible server on loopback, and an axe-core check of the pages.
//!
//! `UPDATE_GOLDEN=1 cargo test -p urne-tests --test public_site` rewrites
//! tests/fixtures/golden/site/ from the current output.

use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use urne_tests::browser::{Browser, one_browser_test_at_a_time};
use urne_tests::{Hub, fixture, import, run_hub, wait_until};

fn gouesnou_with_results(db: &Path) -> i64 {
    let file = |name: &str| {
        fixture(&format!(
            "data/gouesnou_29061_legislatives2024_t1_{name}.csv"
        ))
        .to_string_lossy()
        .into_owned()
    };
    import(db, &[&file("bureaux"), &file("candidats"), &file("voix")])[0]
}

/// Replaces what changes from run to run: RFC 3339 times (`2026-03-15T21:04:12.123+01:00`)
/// and the clock on the pages ("Données de 21 h 04 min 12 s").
fn normalise(text: &str) -> String {
    let bytes: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let digit = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_digit());
    while i < bytes.len() {
        // YYYY-MM-DDTHH:MM:SS followed by fraction and offset.
        let is_time = i + 19 <= bytes.len()
            && (0..4).all(|k| digit(bytes.get(i + k)))
            && bytes[i + 4] == '-'
            && bytes[i + 10] == 'T'
            && bytes[i + 13] == ':'
            && bytes[i + 16] == ':';
        if is_time {
            let mut end = i + 19;
            while end < bytes.len() && (bytes[end].is_ascii_digit() || ".+-:Z".contains(bytes[end]))
            {
                end += 1;
            }
            out.push_str("<TIME>");
            i = end;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let marker = "Données de ";
    let mut result = String::new();
    let mut rest = out.as_str();
    while let Some(start) = rest.find(marker) {
        result.push_str(&rest[..start + marker.len()]);
        let after = &rest[start + marker.len()..];
        let end = after.find(" s").map_or(0, |e| e + 2);
        result.push_str("<CLOCK>");
        rest = &after[end..];
    }
    result.push_str(rest);
    result
}

fn read_tree(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

fn golden_folder() -> PathBuf {
    fixture("golden/site")
}

#[test]
fn site_matches_golden_files() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = gouesnou_with_results(&db);
    let out = directory.path().join("site");
    let output = run_hub(&[
        "publish",
        "--db",
        &db.to_string_lossy(),
        &id.to_string(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(output.success, "publish failed: {}", output.stderr);
    assert!(
        output.stdout.contains("fichiers écrits"),
        "{}",
        output.stdout
    );
    let generated: BTreeMap<String, String> = read_tree(&out)
        .into_iter()
        .map(|(path, text)| (path, normalise(&text)))
        .collect();
    assert!(generated.contains_key("1/index.html"));
    assert!(generated.contains_key("1/bureau-0006.html"));
    assert!(generated.contains_key("1/resultats-bureaux.csv"));

    let golden = golden_folder();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        for (path, text) in &generated {
            let target = golden.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, text).unwrap();
        }
        return;
    }
    let expected = read_tree(&golden);
    let generated_paths: Vec<&String> = generated.keys().collect();
    let expected_paths: Vec<&String> = expected.keys().collect();
    assert_eq!(
        generated_paths, expected_paths,
        "file list differs from tests/fixtures/golden/site (UPDATE_GOLDEN=1 to accept)"
    );
    for (path, text) in &generated {
        assert!(
            expected.get(path) == Some(text),
            "{path} differs from tests/fixtures/golden/site/{path} (UPDATE_GOLDEN=1 to accept)"
        );
    }
}

#[test]
fn commune_page_shows_full_results() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = gouesnou_with_results(&db);
    let hub = Hub::serve(&db);
    let page = hub
        .client
        .get(hub.url(&format!("/public/{id}/index.html")))
        .send()
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let text = page.text().unwrap();
    assert!(text.contains("6 bureaux sur 6"), "progress missing");
    assert!(text.contains("<svg"), "chart drawn on the server");
    assert!(!text.contains("<script"), "the site needs no script");
}

#[test]
fn public_files_revalidate_with_etag() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = gouesnou_with_results(&db);
    let hub = Hub::serve(&db);
    let url = hub.url(&format!("/public/{id}/resultats.json"));
    let first = hub.client.get(&url).send().unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let cache = first.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cache.contains("max-age=5"), "{cache}");
    assert!(cache.contains("must-revalidate"), "{cache}");
    let again = hub
        .client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    let missing = hub.client.get(hub.url("/public/nope.html")).send().unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}

fn paris_in(seconds: i64) -> String {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = i64::try_from(at).unwrap() + seconds;
    // UTC with a Z suffix is valid RFC 3339.
    let days = at.div_euclid(86_400);
    let in_day = at.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// Converts days since 1970-01-01 into a (year, month, day) of the Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[test]
fn embargo_holds_then_releases() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = gouesnou_with_results(&db);
    let folder = directory.path().join("published");
    let db_text = db.to_string_lossy().into_owned();
    let folder_text = folder.to_string_lossy().into_owned();
    let hub = Hub::start(
        &[
            "serve",
            "--db",
            &db_text,
            "--listen",
            "127.0.0.1:0",
            "--publish-dir",
            &folder_text,
        ],
        2,
    );
    let (status, display) = hub.put(&format!("/api/v1/elections/{id}/display"), &json!({}));
    assert_eq!(status, 200, "{display}");
    let key = display["display_key"].as_str().unwrap().to_string();
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{id}/embargo"),
        &json!({ "until": paris_in(6) }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["active"], true);

    let results = hub.url(&format!("/api/v1/elections/{id}/results"));
    let public = hub.client.get(&results).send().unwrap();
    assert_eq!(public.status().as_u16(), 403, "public read under embargo");
    let refusal: serde_json::Value = public.json().unwrap();
    assert_eq!(refusal["error"]["code"], "embargo");
    let in_hall = hub
        .client
        .get(&results)
        .header("X-Display-Key", &key)
        .send()
        .unwrap();
    assert_eq!(
        in_hall.status().as_u16(),
        200,
        "display key reads in the hall"
    );
    let turnout = hub
        .client
        .get(hub.url(&format!("/api/v1/elections/{id}/turnout")))
        .send()
        .unwrap();
    assert_eq!(turnout.status().as_u16(), 200, "turnout stays public");
    let page = hub
        .client
        .get(hub.url(&format!("/public/{id}/index.html")))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("seront publiés à partir de"), "{page}");
    assert!(!page.contains("voix"), "no figure on the embargo page");
    assert!(
        hub.client
            .get(hub.url(&format!("/public/{id}/resultats.json")))
            .send()
            .unwrap()
            .status()
            .as_u16()
            == 404
    );
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        !folder.join(format!("{id}/resultats.json")).exists(),
        "nothing published before the embargo"
    );

    let released = wait_until(Duration::from_secs(15), || {
        folder.join(format!("{id}/resultats.json")).exists()
    });
    assert!(released, "results published once the embargo passed");
    let after = hub.client.get(&results).send().unwrap();
    assert_eq!(after.status().as_u16(), 200);
    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"embargo.write"), "{actions:?}");
    assert_eq!(
        actions.iter().filter(|a| **a == "embargo.release").count(),
        1,
        "one release record: {actions:?}"
    );
}

#[test]
fn public_pages_pass_axe() {
    let _guard = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = gouesnou_with_results(&db);
    let hub = Hub::serve(&db);
    let browser = Browser::start();
    for page in [
        "index.html".to_string(),
        format!("{id}/index.html"),
        format!("{id}/bureau-0001.html"),
        format!("{id}/participation.html"),
        format!("{id}/centaines.html"),
        format!("{id}/circonscription-29-02.html"),
    ] {
        browser.goto(&hub.url(&format!("/public/{page}")));
        browser.assert_accessible(&page);
    }
}

/// Starts moto's S3 server (`pip install 'moto[server]'`) on a free loopback port.
fn start_moto() -> Option<(std::process::Child, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let up = wait_until(Duration::from_secs(20), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    up.then_some((child, port))
}

#[test]
fn serve_publishes_to_s3() {
    let Some((mut moto, port)) = start_moto() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "moto_server is missing: pip install 'moto[server]'"
        );
        eprintln!("skipped: moto_server is not installed (pip install 'moto[server]')");
        return;
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::new();
    // moto accepts any credentials; the bucket is created with a plain PUT.
    let created = client.put(format!("{endpoint}/resultats")).send().unwrap();
    assert!(
        created.status().is_success(),
        "bucket: {}",
        created.status()
    );

    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let id = gouesnou_with_results(&db);
    let db_text = db.to_string_lossy().into_owned();
    let mut child = std::process::Command::new(urne_tests::hub_binary())
        .args([
            "serve",
            "--db",
            &db_text,
            "--listen",
            "127.0.0.1:0",
            "--publish-s3",
            "s3://resultats/soiree",
            "--s3-endpoint",
            &endpoint,
        ])
        .env("AWS_ACCESS_KEY_ID", "essai")
        .env("AWS_SECRET_ACCESS_KEY", "essai")
        .env("URNE_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // moto keeps objects private but lists the bucket to anyone.
    let listing_url = format!("{endpoint}/resultats?list-type=2&prefix=soiree/");
    let list = || {
        client
            .get(&listing_url)
            .send()
            .and_then(|response| response.text())
            .unwrap_or_default()
    };
    // The files are uploaded one by one: wait until every expected one is listed.
    let files = [
        format!("{id}/resultats.json"),
        "index.html".to_string(),
        "style.css".to_string(),
        format!("{id}/index.html"),
        format!("{id}/bureau-0006.html"),
    ];
    let keys: Vec<String> = files
        .iter()
        .map(|file| format!("<Key>soiree/{file}</Key>"))
        .collect();
    wait_until(Duration::from_secs(30), || {
        let listing = list();
        keys.iter().all(|key| listing.contains(key))
    });
    let listing = list();
    let _ = child.kill();
    let _ = child.wait();
    let _ = moto.kill();
    let _ = moto.wait();
    for (file, key) in files.iter().zip(&keys) {
        assert!(
            listing.contains(key),
            "{file} missing from the bucket: {listing}"
        );
    }
}
