//! Turnout per time slot: the commune's figure at each slot, then each station's voters
//! and share of its inscrits at each slot and at closing (the final results).

use super::Built;
use super::flow::{Context, Flow};
use super::table::{self, Column, Row, Table};
use super::words::{figure, percent};
use crate::export::snapshot::Snapshot;

const MISSING: &str = "—";

pub(super) fn build(context: &Context<'_>, snapshot: &Snapshot) -> Built {
    let summary = summary_table(snapshot);
    let stations = stations_table(snapshot);
    let paper = table::choose_paper(&[&summary, &stations], context.fonts);
    let mut flow = Flow::new(context, paper, "Participation par tranche horaire");
    if snapshot.turnout.slots.is_empty() {
        flow.paragraph(
            "Aucune tranche horaire n'est prévue pour cette élection : seule la participation \
             à la clôture figure ci-dessous.",
            9.0,
            false,
        );
    }
    flow.heading("Participation de la commune", 50.0);
    table::draw(&mut flow, &summary);
    flow.paragraph(
        "Le premier pourcentage porte sur les inscrits des bureaux qui ont transmis leur \
         chiffre, le second sur les inscrits de tous les bureaux.",
        8.0,
        false,
    );
    flow.heading("Participation par bureau de vote", 80.0);
    table::draw(&mut flow, &stations);
    Built::from_flow(flow)
}

fn summary_table(snapshot: &Snapshot) -> Table {
    let mut rows: Vec<Row> = snapshot
        .turnout
        .slots
        .iter()
        .map(|slot| {
            Row::new(vec![
                slot.slot.clone(),
                slot.progress.label.clone(),
                figure(slot.voters),
                percent(slot.voters, slot.registered_reported),
                percent(slot.voters, slot.registered_all),
            ])
        })
        .collect();
    let commune = &snapshot.results.commune;
    rows.push(Row::total(vec![
        "Clôture".to_string(),
        commune.progress.label.clone(),
        figure(commune.voters),
        percent(commune.voters, commune.registered_counted),
        percent(commune.voters, commune.registered_all),
    ]));
    Table {
        columns: vec![
            Column::label("Tranche"),
            Column::label("Bureaux"),
            Column::figure("Votants"),
            Column::figure("% des inscrits des bureaux comptés"),
            Column::figure("% de tous les inscrits"),
        ],
        rows,
        key_columns: 1,
    }
}

fn stations_table(snapshot: &Snapshot) -> Table {
    let slots = &snapshot.turnout.slots;
    let mut columns = vec![
        Column::label("Bureau"),
        Column::text("Libellé", 60.0, 150.0),
        Column::figure("Inscrits"),
    ];
    for slot in slots {
        columns.push(Column::figure(&format!("Votants\n{}", slot.slot)));
        columns.push(Column::figure(&format!("%\n{}", slot.slot)));
    }
    columns.push(Column::figure("Votants\nclôture"));
    columns.push(Column::figure("%\nclôture"));

    let mut rows = Vec::with_capacity(snapshot.config.stations.len() + 1);
    for (index, station) in snapshot.config.stations.iter().enumerate() {
        let registered = u64::from(station.registered);
        let mut cells = vec![
            station.code.as_str().to_string(),
            station.name.clone(),
            figure(registered),
        ];
        for slot in slots {
            match slot
                .stations
                .get(index)
                .and_then(|entry| entry.entry.as_ref())
            {
                Some(entry) => {
                    cells.push(figure(u64::from(entry.voters)));
                    cells.push(percent(u64::from(entry.voters), registered));
                }
                None => cells.extend([MISSING.to_string(), MISSING.to_string()]),
            }
        }
        match snapshot.records.get(&station.code) {
            Some(record) => {
                let count = &record.count;
                cells.push(figure(u64::from(count.voters)));
                cells.push(percent(
                    u64::from(count.voters),
                    u64::from(count.registered),
                ));
            }
            None => cells.extend([MISSING.to_string(), MISSING.to_string()]),
        }
        rows.push(Row::new(cells));
    }
    let commune = &snapshot.results.commune;
    let mut total = vec![
        "Total".to_string(),
        String::new(),
        figure(commune.registered_all),
    ];
    for slot in slots {
        total.push(figure(slot.voters));
        total.push(percent(slot.voters, slot.registered_reported));
    }
    total.push(figure(commune.voters));
    total.push(percent(commune.voters, commune.registered_counted));
    rows.push(Row::total(total));
    Table {
        columns,
        rows,
        key_columns: 2,
    }
}
