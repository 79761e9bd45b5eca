//! Comparison of two synthetic législatives rounds of 1000 stations and 10 candidates,
//! both archived: each run loads both elections from SQLite and builds the comparison, as
//! one request of `/api/v1/analysis/…` does. Figures derive from the station number and
//! the round, so every run reads the same data.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use std::fmt::Write;
use std::time::Duration;
use urne_hub::analysis::api::{PairQuery, build_stations, build_turnout, build_votes};
use urne_hub::import::{ImportOptions, read_batch};

const STATIONS: u32 = 1000;
const CANDIDATES: u32 = 10;

/// Builds the three files of one round in Urne's own layout.
fn round_files(round: u32) -> Vec<(String, Vec<u8>)> {
    let mut stations =
        String::from("code_bv,circonscription,inscrits,abstentions,votants,blancs,nuls,exprimes\n");
    let mut candidates = String::from(
        "circonscription,numero_panneau,nom,prenom,sexe,nuance,elu_dans_la_circonscription\n",
    );
    let mut votes = String::from("code_bv,numero_panneau,nom,prenom,voix\n");
    let nuances = [
        "EXG", "UG", "ECO", "ENS", "DVC", "LR", "DVD", "RN", "REC", "DIV",
    ];
    for number in 1..=CANDIDATES {
        let nuance = nuances[usize::try_from(number - 1).unwrap_or(0) % nuances.len()];
        let _ = writeln!(
            candidates,
            "29-02,{number},NOM{number},Prénom{number},F,{nuance},"
        );
    }
    for station in 1..=STATIONS {
        let code = format!("{station:04}");
        let per_candidate: Vec<u32> = (1..=CANDIDATES)
            .map(|number| 10 + (station * 7 + number * 13 + round * 29) % 90)
            .collect();
        let valid: u32 = per_candidate.iter().sum();
        let (blank, invalid) = ((station + round) % 9, (station + round) % 5);
        let voters = valid + blank + invalid;
        let registered = voters + 200 + station % 150;
        let _ = writeln!(
            stations,
            "{code},29-02,{registered},{},{voters},{blank},{invalid},{valid}",
            registered - voters
        );
        for (index, count) in per_candidate.iter().enumerate() {
            let number = index + 1;
            let _ = writeln!(votes, "{code},{number},NOM{number},Prénom{number},{count}");
        }
    }
    let name = |part: &str| format!("synthetique_29061_legislatives2024_t{round}_{part}.csv");
    vec![
        (name("bureaux"), stations.into_bytes()),
        (name("candidats"), candidates.into_bytes()),
        (name("voix"), votes.into_bytes()),
    ]
}

fn compare_rounds(c: &mut Criterion) {
    let directory = tempfile::tempdir().expect("temporary folder");
    let mut connection =
        urne_hub::db::open(&directory.path().join("urne.sqlite")).expect("database opens");
    let mut ids = Vec::new();
    for round in [1, 2] {
        let elections =
            read_batch(&round_files(round), &ImportOptions::default()).expect("files read");
        let created = urne_hub::archive::import_history(&mut connection, &elections, "bench")
            .expect("import succeeds");
        ids.push(created[0].id);
    }
    let query = |by: Option<&str>| PairQuery {
        election: Some(ids[1].to_string()),
        against: Some(ids[0].to_string()),
        by: by.map(str::to_string),
        ..PairQuery::default()
    };
    let stations = build_stations(&connection, &query(None)).expect("comparison built");
    assert_eq!(stations.rows.len(), usize::try_from(STATIONS).unwrap_or(0));
    assert!(
        stations
            .rows
            .iter()
            .all(|row| row.turnout_difference.is_some())
    );

    let mut group = c.benchmark_group("comparison of two elections, 1000 stations × 10 candidates");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("stations: turnout, blank and spoilt swings", |b| {
        b.iter(|| black_box(build_stations(&connection, &query(None)).expect("built")))
    });
    group.bench_function("votes by candidate, commune and every station", |b| {
        b.iter(|| black_box(build_votes(&connection, &query(Some("candidate"))).expect("built")))
    });
    group.bench_function("votes by political family", |b| {
        b.iter(|| black_box(build_votes(&connection, &query(Some("family"))).expect("built")))
    });
    group.bench_function("turnout by slot", |b| {
        b.iter(|| black_box(build_turnout(&connection, &query(None), true).expect("built")))
    });
    group.finish();
}

criterion_group!(benches, compare_rounds);
criterion_main!(benches);
