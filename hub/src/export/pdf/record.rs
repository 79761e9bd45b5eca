//! The commune's summary in the shape of the central station's official record (procès-
//! verbal récapitulatif): each station's figures, the commune's figures in digits and in
//! letters, the votes of each candidate or list, room for observations and the
//! signatures.

use super::flow::{BLANK, Context, Flow};
use super::table::{self, Column, Row, Table};
use super::words::{figure, in_words, percent};
use super::{Built, contender_word, full_name, partial_notice};
use crate::export::snapshot::Snapshot;

pub(super) fn build(context: &Context<'_>, snapshot: &Snapshot) -> Built {
    let stations = stations_table(snapshot);
    let totals = totals_table(snapshot);
    let votes = votes_table(snapshot);
    let paper = table::choose_paper(&[&stations, &totals, &votes], context.fonts);
    let mut flow = Flow::new(
        context,
        paper,
        "Procès-verbal récapitulatif du bureau centralisateur",
    );
    flow.paragraph(
        &format!(
            "Récapitulation, par le bureau centralisateur, des résultats des {} bureaux de \
             vote de la commune, d'après leurs procès-verbaux.",
            snapshot.config.stations.len()
        ),
        9.0,
        false,
    );
    if let Some(notice) = partial_notice(snapshot) {
        flow.paragraph(&notice, 9.0, true);
    }
    flow.heading("Résultats de chaque bureau", 60.0);
    table::draw(&mut flow, &stations);
    flow.heading("Récapitulation de la commune", 100.0);
    table::draw(&mut flow, &totals);
    flow.heading("Suffrages obtenus", 80.0);
    table::draw(&mut flow, &votes);

    flow.heading("Observations et réclamations", 70.0);
    for _ in 0..3 {
        flow.space(14.0);
        flow.rule(0.3);
    }
    flow.space(10.0);
    flow.ensure(120.0);
    flow.paragraph(
        &format!(
            "Fait à {}, le {}, à ______ h ______.",
            snapshot.config.commune.name, context.date
        ),
        9.5,
        false,
    );
    flow.space(6.0);
    let mayor = match &context.mayor {
        Some(name) => format!("Le maire, {name}"),
        None => format!("Le maire, {BLANK}"),
    };
    flow.signatures(&[
        "Le président du bureau centralisateur".to_string(),
        mayor,
        "Le secrétaire".to_string(),
        "Les assesseurs".to_string(),
    ]);
    Built::from_flow(flow)
}

fn stations_table(snapshot: &Snapshot) -> Table {
    let columns = vec![
        Column::label("Bureau"),
        Column::text("Libellé", 60.0, 160.0),
        Column::figure("Inscrits"),
        Column::figure("Votants (émargements)"),
        Column::figure("Bulletins trouvés"),
        Column::figure("Blancs"),
        Column::figure("Nuls"),
        Column::figure("Exprimés"),
    ];
    let mut rows: Vec<Row> = snapshot
        .config
        .stations
        .iter()
        .map(|station| {
            let mut cells = vec![station.code.as_str().to_string(), station.name.clone()];
            match snapshot.records.get(&station.code) {
                Some(record) => {
                    let count = &record.count;
                    cells.extend(
                        [
                            count.registered,
                            count.voters,
                            count.ballots(),
                            count.blank,
                            count.invalid,
                            count.valid_votes,
                        ]
                        .map(|value| figure(u64::from(value))),
                    );
                }
                None => {
                    cells.push(figure(u64::from(station.registered)));
                    cells.push("non arrivé".to_string());
                    cells.extend(std::iter::repeat_n("—".to_string(), 4));
                }
            }
            Row::new(cells)
        })
        .collect();
    let commune = &snapshot.results.commune;
    let mut total = vec!["Total".to_string(), commune.progress.label.clone()];
    total.extend(
        [
            commune.registered_counted,
            commune.voters,
            commune.ballots_found,
            commune.blank,
            commune.invalid,
            commune.valid_votes,
        ]
        .map(figure),
    );
    rows.push(Row::total(total));
    Table {
        columns,
        rows,
        key_columns: 2,
    }
}

fn totals_table(snapshot: &Snapshot) -> Table {
    let commune = &snapshot.results.commune;
    let lines = [
        ("Nombre d'inscrits", commune.registered_counted),
        (
            "Nombre de votants d'après les feuilles d'émargement",
            commune.voters,
        ),
        (
            "Nombre d'enveloppes et de bulletins sans enveloppe trouvés dans l'urne",
            commune.ballots_found,
        ),
        ("Nombre de bulletins blancs", commune.blank),
        ("Nombre de bulletins nuls", commune.invalid),
        ("Nombre de suffrages exprimés", commune.valid_votes),
    ];
    Table {
        columns: vec![
            Column::text("Mention", 150.0, 210.0),
            Column::figure("En chiffres"),
            Column::text("En lettres", 120.0, 300.0),
        ],
        rows: lines
            .into_iter()
            .map(|(label, value)| Row::new(vec![label.to_string(), figure(value), in_words(value)]))
            .collect(),
        key_columns: 1,
    }
}

fn votes_table(snapshot: &Snapshot) -> Table {
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
            Row::new(vec![
                candidate.ballot_number.to_string(),
                full_name(candidate),
                figure(votes),
                in_words(votes),
                percent(votes, commune.valid_votes),
            ])
        })
        .collect();
    rows.push(Row::total(vec![
        String::new(),
        "Total des suffrages exprimés".to_string(),
        figure(commune.valid_votes),
        in_words(commune.valid_votes),
        String::new(),
    ]));
    Table {
        columns: vec![
            Column::label("N°"),
            Column::text(contender_word(snapshot), 120.0, 220.0),
            Column::figure("En chiffres"),
            Column::text("En lettres", 120.0, 220.0),
            Column::figure("% exprimés"),
        ],
        rows,
        key_columns: 2,
    }
}
