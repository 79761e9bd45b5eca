//! The seat distribution of a municipal election: seats per list in the municipal and
//! community councils, the elected candidates in order and the steps of the computation.
//! Until seats are computed, the report is one page that explains why it is empty.

use super::flow::{Context, Flow};
use super::table::{self, Column, Row, Table};
use super::words::{figure, percent};
use super::{Built, full_name};
use crate::export::seats::{ElectedCandidate, ListSeats, SeatsInput};
use crate::export::snapshot::Snapshot;

pub(super) fn build(
    context: &Context<'_>,
    snapshot: &Snapshot,
    seats: Option<&SeatsInput>,
) -> Built {
    let Some(seats) = seats else {
        let mut flow = Flow::new(
            context,
            super::canvas::Paper::A4Portrait,
            "Répartition des sièges",
        );
        let text = if snapshot.is_list_ballot() {
            "Répartition des sièges non calculée : elle figure ici, avec le détail du calcul, \
             quand les sièges à pourvoir sont configurés, que tous les bureaux sont arrivés et \
             que la répartition est acquise ; elle ne l'est pas quand aucune liste n'a la \
             majorité absolue au premier tour, ni quand une égalité attend une décision. Cette \
             page tient sa place."
        } else {
            "Sans objet : cette élection n'attribue pas de sièges à des listes."
        };
        flow.paragraph(text, 10.0, false);
        return Built::from_flow(flow);
    };

    let distribution = distribution_table(snapshot, seats);
    let municipal = elected_table(snapshot, seats, |list| &list.municipal_elected);
    let community = elected_table(snapshot, seats, |list| &list.community_elected);
    let paper = table::choose_paper(&[&distribution, &municipal, &community], context.fonts);
    let mut flow = Flow::new(context, paper, "Répartition des sièges");

    flow.heading("Sièges par liste", 60.0);
    table::draw(&mut flow, &distribution);
    flow.heading(
        "Élus au conseil municipal, dans l'ordre de chaque liste",
        60.0,
    );
    table::draw(&mut flow, &municipal);
    flow.heading(
        "Élus au conseil communautaire, dans l'ordre de chaque liste",
        60.0,
    );
    table::draw(&mut flow, &community);
    if !seats.trail.is_empty() {
        flow.heading("Déroulé du calcul", 40.0);
        for step in &seats.trail {
            flow.paragraph(step, 9.0, false);
            flow.space(2.0);
        }
    }
    Built::from_flow(flow)
}

fn distribution_table(snapshot: &Snapshot, seats: &SeatsInput) -> Table {
    let commune = &snapshot.results.commune;
    let mut rows: Vec<Row> = snapshot
        .config
        .candidates
        .iter()
        .map(|candidate| {
            let votes = commune
                .candidates
                .iter()
                .find(|result| result.ballot_number == candidate.ballot_number)
                .map_or(0, |result| result.votes);
            let list = seats.list(candidate.ballot_number);
            Row::new(vec![
                candidate.ballot_number.to_string(),
                full_name(candidate),
                figure(votes),
                percent(votes, commune.valid_votes),
                figure(list.map_or(0, |list| u64::from(list.municipal_council))),
                figure(list.map_or(0, |list| u64::from(list.community_council))),
            ])
        })
        .collect();
    rows.push(Row::total(vec![
        String::new(),
        "Total".to_string(),
        figure(commune.valid_votes),
        String::new(),
        figure(seats.municipal_council_seats()),
        figure(seats.community_council_seats()),
    ]));
    Table {
        columns: vec![
            Column::label("N°"),
            Column::text("Liste", 120.0, 280.0),
            Column::figure("Voix"),
            Column::figure("% exprimés"),
            Column::figure("Sièges au conseil municipal"),
            Column::figure("Sièges au conseil communautaire"),
        ],
        rows,
        key_columns: 2,
    }
}

fn elected_table(
    snapshot: &Snapshot,
    seats: &SeatsInput,
    elected: impl Fn(&ListSeats) -> &Vec<ElectedCandidate>,
) -> Table {
    let mut rows = Vec::new();
    for candidate in &snapshot.config.candidates {
        let Some(list) = seats.list(candidate.ballot_number) else {
            continue;
        };
        for (rank, person) in (1u32..).zip(elected(list)) {
            rows.push(Row::new(vec![
                candidate.ballot_number.to_string(),
                full_name(candidate),
                rank.to_string(),
                person.surname.clone(),
                person.first_name.clone(),
            ]));
        }
    }
    Table {
        columns: vec![
            Column::label("N°"),
            Column::text("Liste", 120.0, 260.0),
            Column::figure("Rang"),
            Column::text("Nom", 60.0, 140.0),
            Column::text("Prénom", 50.0, 120.0),
        ],
        rows,
        key_columns: 2,
    }
}
