//! Generation of the whole public site (HTML pages with their SVG charts, JSON and CSV)
//! for a synthetic législatives round of 1000 stations and 10 candidates, every station
//! counted. Figures are derived from the station number, so every run sees the same data.

use chrono::Utc;
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use std::fmt::Write;
use std::time::Duration;
use urne_hub::import::{ImportOptions, read_batch};

const STATIONS: u32 = 1000;
const CANDIDATES: u32 = 10;

/// Builds the three files of the Ministry's layout (stations, candidates, votes).
fn synthetic_files() -> Vec<(String, Vec<u8>)> {
    let mut stations =
        String::from("code_bv,circonscription,inscrits,abstentions,votants,blancs,nuls,exprimes\n");
    let mut candidates = String::from(
        "circonscription,numero_panneau,nom,prenom,sexe,nuance,elu_dans_la_circonscription\n",
    );
    let mut votes = String::from("code_bv,numero_panneau,nom,prenom,voix\n");
    for number in 1..=CANDIDATES {
        let _ = writeln!(
            candidates,
            "29-02,{number},NOM{number},Prénom{number},F,DIV,"
        );
    }
    for station in 1..=STATIONS {
        let code = format!("{station:04}");
        let per_candidate: Vec<u32> = (1..=CANDIDATES)
            .map(|number| 10 + (station * 7 + number * 13) % 90)
            .collect();
        let valid: u32 = per_candidate.iter().sum();
        let (blank, invalid) = (station % 9, station % 5);
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
    vec![
        (
            "synthetique_29061_legislatives2024_t1_bureaux.csv".to_string(),
            stations.into_bytes(),
        ),
        (
            "synthetique_29061_legislatives2024_t1_candidats.csv".to_string(),
            candidates.into_bytes(),
        ),
        (
            "synthetique_29061_legislatives2024_t1_voix.csv".to_string(),
            votes.into_bytes(),
        ),
    ]
}

fn generate_site(c: &mut Criterion) {
    let directory = tempfile::tempdir().expect("temporary folder");
    let mut connection =
        urne_hub::db::open(&directory.path().join("urne.sqlite")).expect("database opens");
    let elections = read_batch(&synthetic_files(), &ImportOptions::default()).expect("files read");
    let created = urne_hub::service::import_elections(&mut connection, &elections, "bench", true)
        .expect("import succeeds");
    let id = created[0].id;
    let site = urne_hub::publish::site::generate(&connection, Utc::now(), Some(id))
        .expect("site generated");
    assert!(site.files.len() > usize::try_from(STATIONS).unwrap_or(0));

    let mut group = c.benchmark_group("public site, 1000 stations × 10 candidates");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("generate every file", |b| {
        b.iter(|| {
            let site = urne_hub::publish::site::generate(&connection, Utc::now(), Some(id))
                .expect("site generated");
            black_box(site.files.len())
        })
    });
    group.finish();
}

criterion_group!(benches, generate_site);
criterion_main!(benches);
