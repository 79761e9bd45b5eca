//! Table test: the allocation gives the official municipal, community and sector seats of every
//! list of the 11 real cases in `tests/fixtures/seats/seats_cases.csv`.

use std::collections::BTreeMap;

use urne_common::seats::{AllocationRequest, AllocationStatus, ListVotes, Round, allocate};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/seats/seats_cases.csv"
);

/// One row of the fixture: one list of one case.
struct Row {
    case_id: String,
    round: Round,
    valid_votes: u64,
    municipal_seats: u32,
    community_seats: Option<u32>,
    sector_seats: Option<u32>,
    ballot_number: u32,
    votes: u64,
    official_municipal: u32,
    official_community: Option<u32>,
    official_sector: Option<u32>,
}

fn read_rows() -> Vec<Row> {
    let mut reader = csv::Reader::from_path(FIXTURE).expect("fixture opens");
    let headers = reader.headers().expect("fixture has headers").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (case_id, round, valid_votes) = (column("case_id"), column("tour"), column("exprimes"));
    let municipal_seats = column("sieges_cm_a_pourvoir");
    let community_seats = column("sieges_cc_a_pourvoir");
    let sector_seats = column("sieges_secteur_a_pourvoir");
    let (order, panel, votes) = (
        column("liste_ordre"),
        column("numero_panneau"),
        column("voix"),
    );
    let official_municipal = column("sieges_cm_officiels");
    let official_community = column("sieges_cc_officiels");
    let official_sector = column("sieges_secteur_officiels");

    reader
        .records()
        .map(|record| {
            let record = record.expect("fixture row parses");
            let number = |index: usize| -> u64 {
                record[index]
                    .parse()
                    .unwrap_or_else(|_| panic!("number in {:?}", &record[index]))
            };
            let optional = |index: usize| -> Option<u32> {
                (!record[index].is_empty())
                    .then(|| u32::try_from(number(index)).expect("seat count fits u32"))
            };
            let seats = |index: usize| u32::try_from(number(index)).expect("seat count fits u32");
            let ballot = if record[panel].is_empty() {
                order
            } else {
                panel
            };
            Row {
                case_id: record[case_id].to_owned(),
                round: match &record[round] {
                    "1" => Round::First,
                    "2" => Round::Second,
                    other => panic!("unknown round {other}"),
                },
                valid_votes: number(valid_votes),
                municipal_seats: seats(municipal_seats),
                community_seats: optional(community_seats),
                sector_seats: optional(sector_seats),
                ballot_number: seats(ballot),
                votes: number(votes),
                official_municipal: seats(official_municipal),
                official_community: optional(official_community),
                official_sector: optional(official_sector),
            }
        })
        .collect()
}

fn cases() -> BTreeMap<String, Vec<Row>> {
    let mut cases: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for row in read_rows() {
        cases.entry(row.case_id.clone()).or_default().push(row);
    }
    cases
}

fn allocate_case(rows: &[Row], seats: u32) -> Vec<(u32, u32)> {
    let lists = rows
        .iter()
        .map(|row| ListVotes::new(row.ballot_number, row.votes))
        .collect();
    let request = AllocationRequest::new(rows[0].round, seats, rows[0].valid_votes, lists);
    let allocation = allocate(&request).expect("fixture case is valid");
    assert_eq!(
        allocation.status,
        AllocationStatus::Allocated,
        "case {}",
        rows[0].case_id
    );
    assert_eq!(
        allocation.lists.iter().map(|list| list.seats).sum::<u32>(),
        seats
    );
    allocation
        .lists
        .iter()
        .map(|list| (list.ballot_number, list.seats))
        .collect()
}

#[test]
fn fixture_has_eleven_cases() {
    assert_eq!(cases().len(), 11);
}

#[test]
fn municipal_seats_match_official() {
    for (case_id, rows) in cases() {
        let computed = allocate_case(&rows, rows[0].municipal_seats);
        for (row, (ballot_number, seats)) in rows.iter().zip(computed) {
            assert_eq!(ballot_number, row.ballot_number);
            assert_eq!(
                seats, row.official_municipal,
                "{case_id}, list {ballot_number}"
            );
        }
    }
}

#[test]
fn community_seats_match_official() {
    let mut checked = 0;
    for (case_id, rows) in cases() {
        let Some(community_seats) = rows[0].community_seats else {
            continue;
        };
        let computed = allocate_case(&rows, community_seats);
        for (row, (ballot_number, seats)) in rows.iter().zip(computed) {
            let official = row
                .official_community
                .expect("official community seats present");
            assert_eq!(seats, official, "{case_id}, list {ballot_number}");
        }
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn sector_seats_match_official() {
    let mut checked = 0;
    for (case_id, rows) in cases() {
        let Some(sector_seats) = rows[0].sector_seats else {
            continue;
        };
        let computed = allocate_case(&rows, sector_seats);
        for (row, (ballot_number, seats)) in rows.iter().zip(computed) {
            let official = row.official_sector.expect("official sector seats present");
            assert_eq!(seats, official, "{case_id}, list {ballot_number}");
        }
        checked += 1;
    }
    assert_eq!(
        checked, 1,
        "only the Paris 16th sector has arrondissement seats"
    );
}
