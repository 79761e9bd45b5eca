//! Reading the Toulouse municipales 2026 round 1 file (284 stations, 10 lists, row layout
//! of Toulouse Métropole) with its lists file, from bytes in memory to an election.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
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

fn import_toulouse(c: &mut Criterion) {
    let files = vec![
        read_fixture("formats/toulouse_opendata_municipales2026_t1_raw_columns.csv"),
        read_fixture("data/toulouse_31555_municipales2026_t1_listes.csv"),
    ];
    let options = ImportOptions::default();
    c.bench_function("import Toulouse 2026 round 1 (284 stations)", |b| {
        b.iter(|| black_box(read_batch(&files, &options).expect("fixture imports")))
    });
    // The whole `urne-hub import`: parsing, checking and storing in a fresh SQLite file
    // with synchronous=FULL, in one transaction.
    let directory = tempfile::tempdir().expect("temporary folder");
    let mut run = 0u32;
    c.bench_function("import and store Toulouse 2026 round 1", |b| {
        b.iter(|| {
            run += 1;
            let path = directory.path().join(format!("bench-{run}.sqlite"));
            let mut connection = urne_hub::db::open(&path).expect("database opens");
            let elections = read_batch(&files, &options).expect("fixture imports");
            let created =
                urne_hub::service::import_elections(&mut connection, &elections, "bench", true)
                    .expect("import succeeds");
            black_box(created)
        })
    });
}

criterion_group!(benches, import_toulouse);
criterion_main!(benches);
