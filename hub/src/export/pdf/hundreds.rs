//! The centaines: the commune's tally after the first 100 and the first 200 ballots of
//! each station, then each station's tally.

use super::flow::{Context, Flow};
use super::table::{self, Column, Row, Table};
use super::words::{figure, percent};
use super::{Built, candidate_header, contender_word, fit_candidate_table, full_name};
use crate::export::snapshot::Snapshot;
use urne_common::count::Hundred;
use urne_common::election::Candidate;
use urne_common::results::HundredView;

const MISSING: &str = "—";

pub(super) fn build(context: &Context<'_>, snapshot: &Snapshot) -> Built {
    let mut tables: Vec<(&HundredView, Table, Table)> = Vec::new();
    let mut paper = super::canvas::Paper::A4Portrait;
    for view in &snapshot.hundreds.hundreds {
        let summary = summary_table(snapshot, view);
        let (stations, fitted) = fit_candidate_table(context.fonts, &[&summary], |with_surname| {
            stations_table(snapshot, view, with_surname)
        });
        paper = paper.max(fitted);
        tables.push((view, summary, stations));
    }
    let mut flow = Flow::new(context, paper, "Centaines");
    flow.paragraph(
        "Résultats partiels des premiers bulletins dépouillés dans chaque bureau : la première \
         centaine compte les 100 premiers bulletins, la seconde les 200 premiers (cumul).",
        9.0,
        false,
    );
    for (index, (view, summary, stations)) in tables.iter().enumerate() {
        if index > 0 && view.progress.counted > 0 {
            flow.break_page();
        }
        let title = match view.which {
            Hundred::First => "Première centaine",
            Hundred::Second => "Seconde centaine",
        };
        flow.heading(title, 60.0);
        flow.paragraph(
            &format!(
                "{} ; {} bulletins dépouillés, dont {} blancs et {} nuls.",
                view.progress.label,
                figure(view.ballots),
                figure(view.blank),
                figure(view.invalid)
            ),
            9.0,
            false,
        );
        if view.progress.counted == 0 {
            flow.paragraph("Aucune centaine saisie.", 9.0, false);
            continue;
        }
        flow.space(4.0);
        table::draw(&mut flow, summary);
        flow.heading(&format!("{title} par bureau de vote"), 60.0);
        table::draw(&mut flow, stations);
    }
    Built::from_flow(flow)
}

fn summary_table(snapshot: &Snapshot, view: &HundredView) -> Table {
    let votes: Vec<(&Candidate, u64)> = snapshot
        .config
        .candidates
        .iter()
        .map(|candidate| {
            let votes = view
                .candidates
                .iter()
                .find(|entry| entry.ballot_number == candidate.ballot_number)
                .map_or(0, |entry| entry.votes);
            (candidate, votes)
        })
        .collect();
    let votes_total: u64 = votes.iter().map(|(_, votes)| votes).sum();
    let rows: Vec<Row> = votes
        .into_iter()
        .map(|(candidate, votes)| {
            Row::new(vec![
                candidate.ballot_number.to_string(),
                full_name(candidate),
                figure(votes),
                percent(votes, votes_total),
            ])
        })
        .collect();
    Table {
        columns: vec![
            Column::label("N°"),
            Column::text(contender_word(snapshot), 120.0, 300.0),
            Column::figure("Voix"),
            Column::figure("% des voix"),
        ],
        rows,
        key_columns: 2,
    }
}

fn stations_table(snapshot: &Snapshot, view: &HundredView, with_surname: bool) -> Table {
    let candidates = &snapshot.config.candidates;
    let mut columns = vec![
        Column::label("Bureau"),
        Column::text("Libellé", 60.0, 150.0),
        Column::figure("Bulletins"),
        Column::figure("Blancs"),
        Column::figure("Nuls"),
    ];
    columns.extend(
        candidates
            .iter()
            .map(|candidate| Column::figure(&candidate_header(candidate, with_surname))),
    );
    let mut rows: Vec<Row> = view
        .stations
        .iter()
        .map(|station| {
            let mut cells = vec![station.code.as_str().to_string(), station.name.clone()];
            match &station.entry {
                Some(entry) => {
                    let count = &entry.count;
                    cells.push(figure(count.ballots()));
                    cells.push(figure(u64::from(count.blank)));
                    cells.push(figure(u64::from(count.invalid)));
                    for candidate in candidates {
                        let votes = count
                            .votes
                            .get(&candidate.ballot_number)
                            .copied()
                            .unwrap_or(0);
                        cells.push(figure(u64::from(votes)));
                    }
                }
                None => {
                    let missing = columns.len() - cells.len();
                    cells.extend(std::iter::repeat_n(MISSING.to_string(), missing));
                }
            }
            Row::new(cells)
        })
        .collect();
    let mut total = vec![
        "Total".to_string(),
        view.progress.label.clone(),
        figure(view.ballots),
        figure(view.blank),
        figure(view.invalid),
    ];
    for candidate in candidates {
        let votes = view
            .candidates
            .iter()
            .find(|entry| entry.ballot_number == candidate.ballot_number)
            .map_or(0, |entry| entry.votes);
        total.push(figure(votes));
    }
    rows.push(Row::total(total));
    Table {
        columns,
        rows,
        key_columns: 2,
    }
}
