//! Recomputing an election's results after one station changes, for 1000 stations and
//! 20 candidates: the commune's totals alone, and the whole results view (commune, cantons,
//! constituencies, every station).

use chrono::NaiveDate;
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use std::collections::BTreeMap;
use urne_common::count::{FinalCount, StationStatus};
use urne_common::election::{
    Candidate, Commune, ElectionConfig, ElectionKind, PollingStation, Scope, StationCode,
};
use urne_common::results::{ElectionSummary, StationRecord, commune_totals, compute_results};

const STATIONS: u32 = 1000;
const CANDIDATES: u32 = 20;

fn election() -> (ElectionConfig, BTreeMap<StationCode, StationRecord>) {
    let stations: Vec<PollingStation> = (1..=STATIONS)
        .map(|n| PollingStation {
            code: StationCode::parse(&n.to_string()).expect("valid code"),
            name: format!("Bureau {n}"),
            polling_place: None,
            canton: Some(format!("{:02}", n % 12)),
            constituency: Some(format!("{}", n % 3 + 1)),
            registered: 1000 + n % 200,
        })
        .collect();
    let candidates = (1..=CANDIDATES)
        .map(|n| Candidate {
            ballot_number: n,
            surname: format!("CANDIDAT {n}"),
            first_name: String::new(),
            sex: None,
            nuance: None,
            nuance_label: None,
            list_label: None,
            colour: None,
        })
        .collect();
    let records = stations
        .iter()
        .map(|station| {
            let votes: BTreeMap<u32, u32> = (1..=CANDIDATES).map(|n| (n, 20 + n)).collect();
            let valid: u32 = votes.values().sum();
            let record = StationRecord {
                status: StationStatus::Entered,
                count: FinalCount {
                    registered: station.registered,
                    voters: valid + 10,
                    ballots_found: None,
                    blank: 6,
                    invalid: 4,
                    valid_votes: valid,
                    votes,
                },
                findings: vec![],
                inconsistency_reason: None,
                version: 1,
                updated_at: String::new(),
                updated_by: String::new(),
            };
            (station.code.clone(), record)
        })
        .collect();
    let config = ElectionConfig {
        kind: ElectionKind::Municipal,
        date: NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date"),
        round: 1,
        scope: Scope::Commune,
        label: "Banc d'essai".into(),
        commune: Commune {
            insee_code: "00000".into(),
            department_code: "00".into(),
            name: "Banc".into(),
        },
        opening: ElectionConfig::default_opening(),
        closing: ElectionConfig::default_closing(),
        turnout_slots: ElectionConfig::default_turnout_slots(),
        rehearsal: true,
        stations,
        candidates,
    };
    (config, records)
}

fn summary() -> ElectionSummary {
    ElectionSummary {
        id: 1,
        kind: ElectionKind::Municipal,
        kind_label: String::new(),
        date: NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date"),
        round: 1,
        label: String::new(),
        commune_name: String::new(),
        rehearsal: true,
    }
}

fn recompute(c: &mut Criterion) {
    let (config, mut records) = election();
    let changed = StationCode::parse("500").expect("valid code");
    let mut toggle = 0u32;
    c.bench_function("commune_totals 1000 stations x 20 candidates", |b| {
        b.iter(|| {
            toggle ^= 1;
            if let Some(record) = records.get_mut(&changed) {
                record.count.votes.insert(1, 21 + toggle);
                record.count.votes.insert(2, 22 - toggle);
            }
            black_box(commune_totals(&config, &records))
        })
    });
    c.bench_function("compute_results 1000 stations x 20 candidates", |b| {
        b.iter(|| black_box(compute_results(summary(), 1, &config, &records)))
    });
}

criterion_group!(benches, recompute);
criterion_main!(benches);
