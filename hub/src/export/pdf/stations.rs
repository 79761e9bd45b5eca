//! Results per station: one row per station with its figures and every candidate's votes,
//! then the commune's totals and percentages. Candidate columns are headed by ballot
//! number and surname; the legend above gives the full names of candidates and lists.

use super::flow::{Context, Flow};
use super::table::{self, Column, Row, Table};
use super::words::{figure, percent};
use super::{
    Built, candidate_header, contender_word, fit_candidate_table, legend_table, partial_notice,
};
use crate::export::snapshot::Snapshot;

/// Cell of a station that has not arrived.
const MISSING: &str = "—";

pub(super) fn build(context: &Context<'_>, snapshot: &Snapshot) -> Built {
    let legend = legend_table(snapshot);
    let (results, paper) = fit_candidate_table(context.fonts, &[&legend], |with_surname| {
        stations_table(snapshot, with_surname)
    });
    let mut flow = Flow::new(context, paper, "Résultats par bureau de vote");
    if let Some(notice) = partial_notice(snapshot) {
        flow.paragraph(&notice, 9.0, true);
        flow.space(4.0);
    }
    let heading = if snapshot.is_list_ballot() {
        "Listes en présence"
    } else {
        "Candidats en présence"
    };
    flow.heading(heading, 40.0);
    table::draw(&mut flow, &legend);
    flow.heading("Résultats par bureau de vote", 80.0);
    table::draw(&mut flow, &results);
    flow.paragraph(
        &format!(
            "Pourcentages : votants sur inscrits ; blancs, nuls et exprimés sur votants ; voix \
             de chaque {} sur exprimés. Bureaux comptés : {}.",
            contender_word(snapshot).to_lowercase(),
            snapshot.results.commune.progress.label
        ),
        8.0,
        false,
    );
    Built::from_flow(flow)
}

fn stations_table(snapshot: &Snapshot, with_surname: bool) -> Table {
    let config = &snapshot.config;
    // The ballots found get their own column only when some record gives a separate figure.
    let with_ballots = snapshot
        .records
        .values()
        .any(|record| record.count.ballots() != record.count.voters);
    let mut columns = vec![
        Column::label("Bureau"),
        Column::text("Libellé", 60.0, 150.0),
        Column::figure("Inscrits"),
        Column::figure("Votants"),
    ];
    if with_ballots {
        columns.push(Column::figure("Bulletins trouvés"));
    }
    columns.extend(["Blancs", "Nuls", "Exprimés"].map(Column::figure));
    columns.extend(
        config
            .candidates
            .iter()
            .map(|candidate| Column::figure(&candidate_header(candidate, with_surname))),
    );

    let mut rows = Vec::with_capacity(config.stations.len() + 2);
    for station in &config.stations {
        let mut cells = vec![station.code.as_str().to_string(), station.name.clone()];
        match snapshot.records.get(&station.code) {
            Some(record) => {
                let count = &record.count;
                cells.push(figure(u64::from(count.registered)));
                cells.push(figure(u64::from(count.voters)));
                if with_ballots {
                    cells.push(figure(u64::from(count.ballots())));
                }
                cells.push(figure(u64::from(count.blank)));
                cells.push(figure(u64::from(count.invalid)));
                cells.push(figure(u64::from(count.valid_votes)));
                for candidate in &config.candidates {
                    let votes = count
                        .votes
                        .get(&candidate.ballot_number)
                        .copied()
                        .unwrap_or(0);
                    cells.push(figure(u64::from(votes)));
                }
            }
            None => {
                cells.push(figure(u64::from(station.registered)));
                cells.push("non arrivé".to_string());
                let missing = columns.len() - cells.len();
                cells.extend(std::iter::repeat_n(MISSING.to_string(), missing));
            }
        }
        rows.push(Row::new(cells));
    }

    let commune = &snapshot.results.commune;
    let mut total = vec![
        "Total".to_string(),
        commune.progress.label.clone(),
        figure(commune.registered_counted),
        figure(commune.voters),
    ];
    let mut shares = vec![
        "%".to_string(),
        String::new(),
        String::new(),
        percent(commune.voters, commune.registered_counted),
    ];
    if with_ballots {
        total.push(figure(commune.ballots_found));
        shares.push(String::new());
    }
    for value in [commune.blank, commune.invalid, commune.valid_votes] {
        total.push(figure(value));
        shares.push(percent(value, commune.voters));
    }
    for candidate in &commune.candidates {
        total.push(figure(candidate.votes));
        shares.push(percent(candidate.votes, commune.valid_votes));
    }
    rows.push(Row::total(total));
    rows.push(Row::total(shares));
    Table {
        columns,
        rows,
        key_columns: 2,
    }
}
