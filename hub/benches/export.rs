//! Exports of the Toulouse municipales 2026 round 1 (284 stations, 10 lists): every PDF
//! report, the prefecture XML and the Ministry-layout CSV. Each run reads the database and
//! writes to a temporary folder. The XML and CSV runs also read their file back and check it.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use std::time::Duration;
use urne_hub::export::{Format, export};
use urne_hub::import::{ImportOptions, read_batch};

fn read_fixture(relative: &str) -> (String, Vec<u8>) {
    let path = format!(
        "{}/../tests/fixtures/{relative}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let name = relative.rsplit('/').next().unwrap_or(relative).to_string();
    (name, bytes)
}

fn export_toulouse(c: &mut Criterion) {
    let files = vec![
        read_fixture("formats/toulouse_opendata_municipales2026_t1_raw_columns.csv"),
        read_fixture("data/toulouse_31555_municipales2026_t1_listes.csv"),
    ];
    let directory = tempfile::tempdir().expect("temporary folder");
    let mut connection =
        urne_hub::db::open(&directory.path().join("urne.sqlite")).expect("database opens");
    let elections = read_batch(&files, &ImportOptions::default()).expect("fixture imports");
    let created = urne_hub::service::import_elections(&mut connection, &elections, "bench", true)
        .expect("import succeeds");
    let id = created[0].id;

    let mut group = c.benchmark_group("export Toulouse 2026 round 1 (284 stations, 10 lists)");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let cases = [
        ("all PDF reports", Format::Pdf, "rapports"),
        (
            "prefecture XML",
            Format::PrefectureXml { layout: None },
            "prefecture.xml",
        ),
        (
            "Ministry-layout CSV",
            Format::OpendataCsv,
            "resultats-bv.csv",
        ),
    ];
    for (name, format, out) in cases {
        let out = directory.path().join(out);
        group.bench_function(name, |b| {
            b.iter(|| black_box(export(&connection, id, format, &out).expect("export succeeds")))
        });
    }
    group.finish();
}

criterion_group!(benches, export_toulouse);
criterion_main!(benches);
