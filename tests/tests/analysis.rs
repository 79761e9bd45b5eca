//! Comparisons between elections on real published results, with the expected figures
//! computed here again from the CSV files.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use urne_tests::{Hub, fixture, run_hub};

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Splits one CSV line on commas outside double quotes.
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    for character in line.chars() {
        match character {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(character),
        }
    }
    cells
}

/// Rows of a fixture CSV file as maps from header to cell.
fn read_csv(name: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(fixture(&format!("data/{name}"))).unwrap();
    let mut lines = text.lines();
    let headers = split_csv(lines.next().unwrap());
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| headers.iter().cloned().zip(split_csv(line)).collect())
        .collect()
}

fn number(row: &BTreeMap<String, String>, column: &str) -> i128 {
    row[column].trim().parse().unwrap()
}

/// Station counts from a `*_bureaux.csv`: (inscrits, votants, blancs, nuls, exprimés).
/// Votants are the signatures: `votants_autre_decompte` when the file has it.
fn station_counts(name: &str) -> BTreeMap<String, [i128; 5]> {
    read_csv(name)
        .into_iter()
        .map(|row| {
            let voters = if row.contains_key("votants_autre_decompte") {
                number(&row, "votants_autre_decompte")
            } else {
                number(&row, "votants")
            };
            let counts = [
                number(&row, "inscrits"),
                voters,
                number(&row, "blancs"),
                number(&row, "nuls"),
                number(&row, "exprimes"),
            ];
            (row["code_bv"].clone(), counts)
        })
        .collect()
}

/// Asserts that the API's difference is exactly `a/b − c/d`.
fn assert_difference(value: &Value, (a, b): (i128, i128), (c, d): (i128, i128), what: &str) {
    let numerator: i128 = value["numerator"].as_i64().unwrap().into();
    let denominator: i128 = value["denominator"].as_i64().unwrap().into();
    let expected_numerator = a * d - c * b;
    let expected_denominator = b * d;
    assert_eq!(
        numerator * expected_denominator,
        expected_numerator * denominator,
        "{what}: {numerator}/{denominator}, expected {expected_numerator}/{expected_denominator}"
    );
}

fn import_archived(db: &Path, files: &[&str]) -> i64 {
    let db_text = path_text(db);
    let mut args = vec![
        "import".to_string(),
        "--db".to_string(),
        db_text,
        "--archived".to_string(),
    ];
    args.extend(
        files
            .iter()
            .map(|name| path_text(&fixture(&format!("data/{name}")))),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run_hub(&args);
    assert!(output.success, "{}", output.stderr);
    assert!(output.stdout.contains("archivée"), "{}", output.stdout);
    output.stdout.split('\t').next().unwrap().parse().unwrap()
}

fn gouesnou(round: u8) -> [String; 3] {
    ["bureaux", "candidats", "voix"]
        .map(|part| format!("gouesnou_29061_legislatives2024_t{round}_{part}.csv"))
}

fn toulouse(round: u8) -> [String; 3] {
    ["bureaux", "listes", "voix"]
        .map(|part| format!("toulouse_31555_municipales2026_t{round}_{part}.csv"))
}

fn as_refs(files: &[String; 3]) -> [&str; 3] {
    [files[0].as_str(), files[1].as_str(), files[2].as_str()]
}

#[test]
fn gouesnou_rounds_compare_exactly() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let first = import_archived(&db, &as_refs(&gouesnou(1)));
    let second = import_archived(&db, &as_refs(&gouesnou(2)));

    // The same election twice is rejected with a French message.
    let mut args = vec![
        "import".to_string(),
        "--db".to_string(),
        path_text(&db),
        "--archived".to_string(),
    ];
    args.extend(
        gouesnou(1)
            .iter()
            .map(|name| path_text(&fixture(&format!("data/{name}")))),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let again = run_hub(&args);
    assert!(!again.success);
    assert!(again.stderr.contains("existe déjà"), "{}", again.stderr);

    let hub = Hub::serve(&db);
    let round_one = station_counts(&gouesnou(1)[0]);
    let round_two = station_counts(&gouesnou(2)[0]);
    let comparison = hub.get_json(&format!(
        "/api/v1/analysis/stations?election={second}&against={first}"
    ));
    assert_eq!(comparison["mapping"], "same_code");
    let rows = comparison["rows"].as_array().unwrap();
    assert_eq!(rows.len(), round_two.len());
    for row in rows {
        let code = row["election"]["stations"][0].as_str().unwrap();
        let [r2, v2, b2, n2, _] = round_two[code];
        let [r1, v1, b1, n1, _] = round_one[code];
        assert_difference(&row["turnout_difference"], (v2, r2), (v1, r1), code);
        assert_difference(&row["blank_rate_difference"], (b2, v2), (b1, v1), code);
        assert_difference(&row["invalid_rate_difference"], (n2, v2), (n1, v1), code);
        assert_eq!(row["election"]["turnout"]["of"], "registered");
        assert_eq!(row["election"]["blank_rate"]["of"], "voters");
    }
    let total: [i128; 5] = round_two.values().fold([0; 5], |mut sum, counts| {
        for (s, c) in sum.iter_mut().zip(counts) {
            *s += c;
        }
        sum
    });
    let total_one: [i128; 5] = round_one.values().fold([0; 5], |mut sum, counts| {
        for (s, c) in sum.iter_mut().zip(counts) {
            *s += c;
        }
        sum
    });
    assert_difference(
        &comparison["total"]["turnout_difference"],
        (total[1], total[0]),
        (total_one[1], total_one[0]),
        "commune",
    );

    // Candidates of both rounds, by name: votes summed from the voix files.
    let votes = |round: u8| -> BTreeMap<String, i128> {
        let mut sums = BTreeMap::new();
        for row in read_csv(&gouesnou(round)[2]) {
            *sums.entry(row["nom"].to_uppercase()).or_insert(0) += number(&row, "voix");
        }
        sums
    };
    let (votes_one, votes_two) = (votes(1), votes(2));
    let swing = hub.get_json(&format!(
        "/api/v1/analysis/votes?election={second}&against={first}&by=candidate"
    ));
    let keys = swing["total"]["keys"].as_array().unwrap();
    let mut checked = 0;
    for (surname, later) in &votes_two {
        let row = keys
            .iter()
            .find(|k| k["key"].as_str().unwrap().starts_with(surname.as_str()))
            .unwrap_or_else(|| panic!("{surname} missing: {keys:?}"));
        assert_eq!(i128::from(row["election_votes"].as_i64().unwrap()), *later);
        let earlier = votes_one[surname];
        assert_eq!(i128::from(row["against_votes"].as_i64().unwrap()), earlier);
        assert_difference(
            &row["difference"],
            (*later, total[4]),
            (earlier, total_one[4]),
            surname,
        );
        checked += 1;
    }
    assert_eq!(checked, votes_two.len());

    // CSV: one header line, the commune, then one line per station.
    let response = hub
        .client
        .get(hub.url(&format!(
            "/api/v1/analysis/stations?election={second}&against={first}&format=csv"
        )))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = response.text().unwrap();
    assert_eq!(body.lines().count(), 2 + round_two.len(), "{body}");
    assert!(
        body.lines().next().unwrap().contains("Participation"),
        "{body}"
    );
}

#[test]
fn toulouse_rounds_follow_lists_and_mapping() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let first = import_archived(&db, &as_refs(&toulouse(1)));
    let second = import_archived(&db, &as_refs(&toulouse(2)));
    let hub = Hub::serve(&db);

    // The merged list keeps its head but changes number: compare by list head.
    let number_of = |round: u8| -> String {
        read_csv(&toulouse(round)[1])
            .into_iter()
            .find(|row| row["tete_de_liste"].contains("PIQUEMAL"))
            .unwrap()["numero_liste"]
            .clone()
    };
    let (number_one, number_two) = (number_of(1), number_of(2));
    assert_ne!(number_one, number_two);
    let list_votes = |round: u8, list: &str| -> i128 {
        read_csv(&toulouse(round)[2])
            .iter()
            .filter(|row| row["numero_liste"] == list)
            .map(|row| number(row, "voix"))
            .sum()
    };
    let valid = |round: u8| -> i128 {
        station_counts(&toulouse(round)[0])
            .values()
            .map(|counts| counts[4])
            .sum()
    };
    let (later, earlier) = (list_votes(2, &number_two), list_votes(1, &number_one));
    let swing = hub.get_json(&format!(
        "/api/v1/analysis/votes?election={second}&against={first}&by=candidate"
    ));
    let row = swing["total"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"].as_str().unwrap().contains("PIQUEMAL"))
        .unwrap()
        .clone();
    assert_eq!(i128::from(row["election_votes"].as_i64().unwrap()), later);
    assert_eq!(i128::from(row["against_votes"].as_i64().unwrap()), earlier);
    assert_difference(
        &row["difference"],
        (later, valid(2)),
        (earlier, valid(1)),
        "PIQUEMAL",
    );

    // Political families sum the nuances: LFI is on the left.
    let families = hub.get_json(&format!(
        "/api/v1/analysis/votes?election={second}&against={first}&by=family"
    ));
    let left = families["total"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "left")
        .unwrap()
        .clone();
    assert!(left["election_votes"].as_i64().unwrap() >= i64::try_from(later).unwrap());

    // Station 001A exists only in round 2: alone without a mapping.
    let stations = hub.get_json(&format!(
        "/api/v1/analysis/stations?election={second}&against={first}"
    ));
    let alone = stations["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["label"] == "— → 001A")
        .unwrap()
        .clone();
    assert_eq!(alone["turnout_difference"], Value::Null);

    // The suggestions tie 001A to 0001; saved, the mapping compares their sum.
    let mapping = hub.get_json(&format!(
        "/api/v1/analysis/mapping?earlier={first}&later={second}"
    ));
    let suggestions = mapping["suggestions"].as_array().unwrap();
    assert!(
        suggestions
            .iter()
            .any(|s| s["earlier"] == "0001" && s["later"] == "001A" && s["reason"] == "split_code"),
        "{suggestions:?}"
    );
    let links: Vec<Value> = suggestions
        .iter()
        .map(|s| json!([s["earlier"], s["later"]]))
        .collect();
    let (status, body) = hub.put(
        &format!("/api/v1/analysis/mapping?earlier={first}&later={second}"),
        &json!({ "links": links }),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = hub.put(
        &format!("/api/v1/analysis/mapping?earlier={first}&later={second}"),
        &json!({ "links": [["9999", "0001"]] }),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("9999"), "{body}");

    let stations = hub.get_json(&format!(
        "/api/v1/analysis/stations?election={second}&against={first}"
    ));
    assert_eq!(stations["mapping"], "saved");
    let merged = stations["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["label"] == "0001 → 0001 + 001A")
        .unwrap()
        .clone();
    let round_one = station_counts(&toulouse(1)[0]);
    let round_two = station_counts(&toulouse(2)[0]);
    let registered = round_two["0001"][0] + round_two["001A"][0];
    let voters = round_two["0001"][1] + round_two["001A"][1];
    assert_difference(
        &merged["turnout_difference"],
        (voters, registered),
        (round_one["0001"][1], round_one["0001"][0]),
        "0001 + 001A",
    );

    // A trend over both rounds for station 001A follows the mapping back to 0001.
    let trend = hub.get_json(&format!(
        "/api/v1/analysis/trend?elections={first},{second}&by=nuance&station=001A"
    ));
    assert_eq!(trend["points"][0]["stations"], json!(["0001"]));
    assert_eq!(trend["points"][1]["stations"], json!(["001A"]));
}

#[test]
fn live_turnout_against_archived() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let files = gouesnou(1);
    let configuration = [
        path_text(&fixture(&format!("data/{}", files[0]))),
        path_text(&fixture(&format!("data/{}", files[1]))),
    ];
    let import = |db: &Path| {
        urne_tests::import(
            db,
            &["--configuration-only", &configuration[0], &configuration[1]],
        )[0]
    };
    let earlier = import(&db);
    let later = import(&db);
    let registered = station_counts(&files[0]);
    let hub = Hub::serve(&db);
    let write = |id: i64, code: &str, voters: i128| {
        let (status, body) = hub.put(
            &format!("/api/v1/elections/{id}/stations/{code}/turnout/17:00"),
            &json!({"base_version": 0, "voters": voters}),
        );
        assert_eq!(status, 200, "{body}");
    };
    let mut earlier_sum = (0, 0);
    for (code, counts) in &registered {
        let voters = counts[0] / 2;
        write(earlier, code, voters);
        earlier_sum = (earlier_sum.0 + voters, earlier_sum.1 + counts[0]);
    }
    let output = run_hub(&[
        "archive",
        "close",
        "--db",
        &path_text(&db),
        &earlier.to_string(),
    ]);
    assert!(output.success, "{}", output.stderr);
    let mut later_sum = (0, 0);
    for (code, counts) in registered.iter().take(3) {
        let voters = counts[0] / 3;
        write(later, code, voters);
        later_sum = (later_sum.0 + voters, later_sum.1 + counts[0]);
    }
    let comparison = hub.get_json(&format!(
        "/api/v1/analysis/turnout?election={later}&against={earlier}"
    ));
    let row = comparison["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["slot"] == "17:00")
        .unwrap()
        .clone();
    assert_eq!(row["election"]["reported"], 3);
    assert_eq!(row["against"]["reported"], registered.len());
    assert_difference(&row["difference"], later_sum, earlier_sum, "17:00");

    // Under embargo the results are not compared publicly; turnout stays public.
    let (status, body) = hub.put(
        &format!("/api/v1/elections/{later}/embargo"),
        &json!({"until": "2099-01-01T20:00:00+01:00"}),
    );
    assert_eq!(status, 200, "{body}");
    let response = hub
        .client
        .get(hub.url(&format!(
            "/api/v1/analysis/stations?election={later}&against={earlier}"
        )))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let comparison = hub.get_json(&format!(
        "/api/v1/analysis/turnout?election={later}&against={earlier}"
    ));
    assert!(
        comparison["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["slot"] != "final")
    );
}

/// Renders `later − earlier` in points as the pages do, computed here on its own:
/// hundredths of a point rounded half away from zero, with a sign.
fn expected_points((a, b): (i128, i128), (c, d): (i128, i128)) -> String {
    let numerator = a * d - c * b;
    let denominator = b * d;
    let hundredths = (numerator.abs() * 20_000 + denominator) / (denominator * 2);
    let sign = if hundredths == 0 {
        ""
    } else if numerator < 0 {
        "-"
    } else {
        "+"
    };
    format!("{sign}{},{:02}", hundredths / 100, hundredths % 100)
}

#[test]
fn analysis_page_in_browser() {
    use urne_tests::browser::{
        Browser, FormSession, PASSWORD, add_user, one_browser_test_at_a_time,
    };
    let _serial = one_browser_test_at_a_time();
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let first = import_archived(&db, &as_refs(&gouesnou(1)));
    let second = import_archived(&db, &as_refs(&gouesnou(2)));
    add_user(&db, "admin", "administrator", None, PASSWORD);
    add_user(&db, "lecteur", "read-only", None, PASSWORD);
    let hub = Hub::serve(&db);

    let browser = Browser::start();
    browser.login(&hub.base, "admin", PASSWORD);
    browser.goto(&hub.url("/admin/analysis"));
    browser.assert_accessible("analyse sans comparaison");
    let query = format!("view=stations&election={second}&against={first}");
    browser.goto(&hub.url(&format!("/admin/analysis?{query}")));
    assert!(browser.exists("svg.chart"), "{}", browser.page_text());
    browser.assert_accessible("analyse des bureaux");
    browser.screenshot("analyse-bureaux");

    // The commune's turnout swing, as computed here from the CSV files.
    let total = |round: u8| -> (i128, i128) {
        station_counts(&gouesnou(round)[0])
            .values()
            .fold((0, 0), |(voters, registered), counts| {
                (voters + counts[1], registered + counts[0])
            })
    };
    let swing = expected_points(total(2), total(1));
    let commune_row = browser.text("table tbody tr:first-child");
    assert!(
        commune_row.contains(&swing),
        "{swing} missing in {commune_row}"
    );

    // Saving the comparison lists it, and its link reopens it.
    browser.fill("#saved-name", "Gouesnou, second tour contre premier");
    browser.click("form[action='/admin/analysis/saved'] button");
    assert!(browser.wait_for_text(
        ".saved",
        "Gouesnou, second tour contre premier",
        std::time::Duration::from_secs(10)
    ));
    browser.assert_accessible("comparaison enregistrée");
    browser.goto(&hub.url("/admin/analysis"));
    browser.click(".saved a");
    assert!(browser.wait_for_text(
        "table tbody tr:first-child",
        &swing,
        std::time::Duration::from_secs(10)
    ));

    for view in [
        format!("view=votes&election={second}&against={first}&by=family&areas=1"),
        format!("view=turnout&election={second}&against={first}"),
        format!("view=trend&elections={first},{second}&by=nuance&station=0001"),
    ] {
        browser.goto(&hub.url(&format!("/admin/analysis?{view}")));
        assert!(
            browser.exists("svg.chart"),
            "{view}: {}",
            browser.page_text()
        );
        browser.assert_accessible(&view);
    }
    browser.goto(&hub.url(&format!(
        "/admin/analysis/mapping?earlier={first}&later={second}"
    )));
    browser.assert_accessible("correspondance des bureaux");
    browser.screenshot("analyse-correspondance");

    // The CSV of the page has the same rows as its table.
    let session = FormSession::login(&hub.base, "admin", PASSWORD);
    let csv = session.get(&format!("/admin/analysis/csv?{query}"));
    assert_eq!(csv.status, 200);
    assert_eq!(
        csv.body.lines().count(),
        2 + station_counts(&gouesnou(2)[0]).len()
    );
    assert!(csv.body.contains(&swing), "{}", csv.body);

    // A read-only account sees the page but cannot save.
    let reader = FormSession::login(&hub.base, "lecteur", PASSWORD);
    let page = reader.get(&format!("/admin/analysis?{query}"));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("saved-name"));
    let refused = reader.post(
        "/admin/analysis/saved",
        &[
            ("name", "essai".to_string()),
            ("view", "stations".to_string()),
            ("parameters", query.clone()),
        ],
    );
    assert_eq!(refused.status, 403);
}
