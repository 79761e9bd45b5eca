//! `urne-hub export --format pdf` on real data. The text that `pdftotext` extracts from
//! the reports contains every station's figures and every candidate's total. Each page is
//! rendered with `pdftoppm -r 50` into artifacts/pdf/ for a person to look at. Both tools
//! come with Debian's poppler-utils package, which these tests need.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use urne_tests::{Hub, fixture, import, repository, run_hub, wait_until};

const REPORTS: [&str; 6] = [
    "resultats-par-bureau.pdf",
    "proces-verbal-recapitulatif.pdf",
    "participation.pdf",
    "centaines.pdf",
    "repartition-sieges.pdf",
    "proclamation.pdf",
];

/// Runs a poppler-utils tool, failing with the package to install when it is missing.
fn poppler(tool: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|error| {
            panic!("{tool} did not start ({error}): install Debian's poppler-utils package")
        });
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Text of a PDF with its layout kept, one page per form feed.
fn pdf_text(pdf: &Path) -> String {
    let bytes = poppler("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    String::from_utf8(bytes).unwrap()
}

/// Renders every page of a PDF at 50 dpi into artifacts/pdf/PREFIX-N.png.
fn render_pages(pdf: &Path, prefix: &str) {
    let folder = repository().join("artifacts/pdf");
    std::fs::create_dir_all(&folder).unwrap();
    let target = folder.join(prefix);
    poppler(
        "pdftoppm",
        &[
            "-r",
            "50",
            "-png",
            pdf.to_str().unwrap(),
            target.to_str().unwrap(),
        ],
    );
}

/// Collapses each run of spaces in a line to one space.
fn collapse(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Formats a figure as `pdftotext` gives it back, with a space between thousands.
fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut text = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push(' ');
        }
        text.push(digit);
    }
    text
}

fn figures(values: &[u64]) -> String {
    values
        .iter()
        .map(|value| grouped(*value))
        .collect::<Vec<_>>()
        .join(" ")
}

fn number(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("not a count: {value}"))
}

/// Runs `urne-hub export --format pdf` into `out` and returns the files written.
fn export_pdf(db: &Path, id: i64, out: &Path, mayor: Option<&str>) -> Vec<PathBuf> {
    let db = db.to_string_lossy().into_owned();
    let id = id.to_string();
    let out_text = out.to_string_lossy().into_owned();
    let mut args = vec![
        "export", "--db", &db, &id, "--format", "pdf", "--out", &out_text,
    ];
    if let Some(mayor) = mayor {
        args.extend(["--mayor", mayor]);
    }
    let output = run_hub(&args);
    assert!(output.success, "{}", output.stderr);
    output.stdout.lines().map(PathBuf::from).collect()
}

#[test]
fn toulouse_reports_show_every_figure() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("urne.sqlite");
    let files = [
        fixture("formats/toulouse_opendata_municipales2026_t1_raw_columns.csv"),
        fixture("data/toulouse_31555_municipales2026_t1_listes.csv"),
    ];
    let id = import(
        &db,
        &[files[0].to_str().unwrap(), files[1].to_str().unwrap()],
    )[0];
    let output = run_hub(&[
        "results",
        "--db",
        db.to_str().unwrap(),
        &id.to_string(),
        "--json",
    ]);
    assert!(output.success, "{}", output.stderr);
    let results: Value = serde_json::from_str(&output.stdout).unwrap();
    let stations = results["stations"].as_array().unwrap();
    assert_eq!(stations.len(), 284);
    let commune = &results["commune"];
    let candidates = commune["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 10);

    let out = directory.path().join("rapports");
    let written = export_pdf(&db, id, &out, Some("Jean-Luc Moudenc"));
    let expected: Vec<PathBuf> = REPORTS.iter().map(|name| out.join(name)).collect();
    assert_eq!(written, expected);
    for (report, path) in REPORTS.iter().zip(&written) {
        render_pages(
            path,
            &format!("toulouse-{}", report.trim_end_matches(".pdf")),
        );
    }

    // Every report names the commune, the election, the polling day and the mayor.
    for path in &written {
        let text = pdf_text(path);
        let name = path.display();
        assert!(text.contains("Commune de Toulouse (31555)"), "{name}");
        assert!(
            text.contains("Élections municipales 2026 — 1er tour"),
            "{name}"
        );
        assert!(text.contains("dimanche 15 mars 2026"), "{name}");
        assert!(text.contains("Maire : Jean-Luc Moudenc"), "{name}");
        assert!(!text.contains("SIMULATION"), "{name}");
    }

    // Results per station: one line per station ending with its figures, in column order:
    // inscrits, votants, bulletins trouvés (Toulouse gives a separate count), blancs,
    // nuls, exprimés, then each list's votes in ballot-number order.
    let text = pdf_text(&written[0]);
    let lines: Vec<String> = text.lines().map(collapse).collect();
    for station in stations {
        let code = station["code"].as_str().unwrap();
        let count = &station["count"];
        let mut values = vec![
            number(&count["registered"]),
            number(&count["voters"]),
            count["ballots_found"]
                .as_u64()
                .unwrap_or_else(|| number(&count["voters"])),
            number(&count["blank"]),
            number(&count["invalid"]),
            number(&count["valid_votes"]),
        ];
        for candidate in candidates {
            let key = candidate["ballot_number"].to_string();
            values.push(number(&count["votes"][&key]));
        }
        let expected = figures(&values);
        let prefix = format!("{code} ");
        let matching: Vec<&String> = lines
            .iter()
            .filter(|line| line.starts_with(&prefix))
            .collect();
        assert_eq!(matching.len(), 1, "station {code}: {matching:?}");
        assert!(
            matching[0].ends_with(&expected),
            "station {code}: expected …{expected}\n  found {}",
            matching[0]
        );
    }
    let mut totals = vec![
        number(&commune["registered_counted"]),
        number(&commune["voters"]),
        number(&commune["ballots_found"]),
        number(&commune["blank"]),
        number(&commune["invalid"]),
        number(&commune["valid_votes"]),
    ];
    totals.extend(
        candidates
            .iter()
            .map(|candidate| number(&candidate["votes"])),
    );
    let total_line = lines
        .iter()
        .find(|line| line.starts_with("Total 284 bureaux sur 284"))
        .unwrap();
    assert!(total_line.ends_with(&figures(&totals)), "{total_line}");

    // The table continues over several pages, each with its header row.
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|page| !page.trim().is_empty())
        .collect();
    assert!(pages.len() > 3, "{} pages", pages.len());
    for (index, page) in pages.iter().enumerate() {
        let has_rows = page.lines().any(|line| collapse(line).starts_with("0"));
        if has_rows {
            assert!(
                page.contains("Inscrits"),
                "page {} without its header row",
                index + 1
            );
            assert!(
                page.contains("Exprimés"),
                "page {} without its header row",
                index + 1
            );
        }
        assert!(
            page.contains(&format!("Page {} / {}", index + 1, pages.len())),
            "page {}",
            index + 1
        );
    }
    // A list name wider than its cell wraps inside it and stays whole.
    assert!(
        text.contains("Toulouse pour les jeunes, les travailleurs et les services publics, contre")
    );
    assert!(text.contains("les budgets de guerre"));
    assert!(text.contains("LUTTE OUVRIÈRE - LE CAMP DES TRAVAILLEURS"));

    // The proclamation and the summary record give every list's total.
    for report in [&written[1], &written[5]] {
        let text = collapse(&pdf_text(report));
        for candidate in candidates {
            let votes = grouped(number(&candidate["votes"]));
            assert!(
                text.contains(&votes),
                "{}: list {} total {votes} missing",
                report.display(),
                candidate["ballot_number"]
            );
        }
    }
    let record = collapse(&pdf_text(&written[1]));
    assert!(
        record.contains("157 021 cent cinquante-sept mille vingt et un"),
        "{record}"
    );
    assert!(record.contains("58 462 cinquante-huit mille quatre cent soixante-deux"));
    assert!(record.contains("Le président du bureau centralisateur"));

    let seats = pdf_text(&written[4]);
    assert!(
        seats.contains("Répartition des sièges non calculée"),
        "{seats}"
    );
}

/// The demo replays Bondy with turnout slots and centaines, as a rehearsal: the reports
/// carry the SIMULATION band and name, and the turnout and centaines pages are filled.
#[test]
fn rehearsal_reports_marked_and_filled() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("demo.sqlite");
    let mut hub = Hub::demo(&db, 60, 5);
    let elections = hub.get_json("/api/v1/elections")["elections"].clone();
    let bondy = elections
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["commune_name"] == "Bondy")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let complete = wait_until(Duration::from_secs(60), || {
        let hundreds = hub.get_json(&format!("/api/v1/elections/{bondy}/hundreds"));
        let results = hub.get_json(&format!("/api/v1/elections/{bondy}/results"));
        results["commune"]["progress"]["counted"] == 32
            && hundreds["hundreds"][1]["progress"]["counted"] == 32
    });
    assert!(complete, "the demo did not finish");
    let turnout = hub.get_json(&format!("/api/v1/elections/{bondy}/turnout"));
    hub.kill();

    let out = directory.path().join("rapports");
    let written = export_pdf(&db, bondy, &out, None);
    assert_eq!(written.len(), 6);
    for (report, path) in REPORTS.iter().zip(&written) {
        let expected = report.replace(".pdf", "-SIMULATION.pdf");
        assert_eq!(path.file_name().unwrap().to_string_lossy(), expected);
        let text = pdf_text(path);
        assert!(
            text.contains("SIMULATION — document sans valeur officielle"),
            "{}",
            path.display()
        );
        assert!(
            text.contains("Maire : ______"),
            "{}: blank mayor line",
            path.display()
        );
        render_pages(
            path,
            &format!("bondy-simulation-{}", report.trim_end_matches(".pdf")),
        );
    }

    let participation = collapse(&pdf_text(&written[2]));
    for slot in turnout["slots"].as_array().unwrap() {
        let line = format!(
            "{} 32 bureaux sur 32 {}",
            slot["slot"].as_str().unwrap(),
            grouped(number(&slot["voters"]))
        );
        assert!(participation.contains(&line), "{line}\n{participation}");
    }
    let hundreds = collapse(&pdf_text(&written[3]));
    assert!(hundreds.contains("Première centaine"));
    assert!(hundreds.contains("Seconde centaine"));
    assert!(
        hundreds.contains("32 bureaux sur 32 ; 3 200 bulletins dépouillés"),
        "{hundreds}"
    );
}
