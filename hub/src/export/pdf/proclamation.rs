//! The proclamation sheet the mayor reads and posts: the commune's figures, then every
//! candidate or list from the most votes to the fewest, the time of proclamation to fill
//! by hand and the mayor's signature.

use super::flow::{BLANK, Context, Flow};
use super::table::{self, Column, Row, Table};
use super::words::{figure, percent};
use super::{Built, contender_word, full_name, partial_notice};
use crate::export::snapshot::Snapshot;

pub(super) fn build(context: &Context<'_>, snapshot: &Snapshot) -> Built {
    let figures = figures_table(snapshot);
    let candidates = candidates_table(snapshot);
    let paper = table::choose_paper(&[&figures, &candidates], context.fonts);
    let mut flow = Flow::new(context, paper, "Proclamation des résultats");
    flow.paragraph(
        &format!(
            "Le maire de {} proclame les résultats du scrutin du {} ({}), tels que le bureau \
             centralisateur les a établis.",
            snapshot.config.commune.name, context.date, context.election
        ),
        10.0,
        false,
    );
    if let Some(notice) = partial_notice(snapshot) {
        flow.space(4.0);
        flow.paragraph(&notice, 10.0, true);
    }
    flow.heading("Participation", 80.0);
    table::draw(&mut flow, &figures);
    let heading = if snapshot.is_list_ballot() {
        "Suffrages obtenus par les listes"
    } else {
        "Suffrages obtenus par les candidats"
    };
    flow.heading(heading, 80.0);
    table::draw(&mut flow, &candidates);
    flow.space(10.0);
    flow.ensure(110.0);
    flow.paragraph(
        &format!(
            "Proclamé à {}, le ____________________ à ______ h ______.",
            snapshot.config.commune.name
        ),
        10.0,
        false,
    );
    flow.space(8.0);
    let mayor = match &context.mayor {
        Some(name) => format!("Le maire, {name}"),
        None => format!("Le maire, {BLANK}"),
    };
    flow.signatures(&[mayor]);
    Built::from_flow(flow)
}

fn figures_table(snapshot: &Snapshot) -> Table {
    let commune = &snapshot.results.commune;
    let lines = [
        ("Inscrits", commune.registered_counted, None),
        (
            "Votants",
            commune.voters,
            Some((commune.registered_counted, "des inscrits")),
        ),
        (
            "Abstentions",
            commune.abstentions,
            Some((commune.registered_counted, "des inscrits")),
        ),
        (
            "Bulletins blancs",
            commune.blank,
            Some((commune.voters, "des votants")),
        ),
        (
            "Bulletins nuls",
            commune.invalid,
            Some((commune.voters, "des votants")),
        ),
        (
            "Suffrages exprimés",
            commune.valid_votes,
            Some((commune.voters, "des votants")),
        ),
    ];
    Table {
        columns: vec![
            Column::label("Mention"),
            Column::figure("Nombre"),
            Column::figure("Pourcentage"),
            Column::label("de"),
        ],
        rows: lines
            .into_iter()
            .map(|(label, value, share)| {
                let (share, of) = match share {
                    Some((denominator, of)) => (percent(value, denominator), of.to_string()),
                    None => (String::new(), String::new()),
                };
                Row::new(vec![label.to_string(), figure(value), share, of])
            })
            .collect(),
        key_columns: 1,
    }
}

fn candidates_table(snapshot: &Snapshot) -> Table {
    let commune = &snapshot.results.commune;
    let mut ranked: Vec<(u64, u32)> = commune
        .candidates
        .iter()
        .map(|candidate| (candidate.votes, candidate.ballot_number))
        .collect();
    // Most votes first; equal votes keep the ballot-number order.
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let rows = ranked
        .into_iter()
        .filter_map(|(votes, number)| {
            let candidate = snapshot.config.candidate(number)?;
            Some(Row::new(vec![
                number.to_string(),
                full_name(candidate),
                figure(votes),
                percent(votes, commune.valid_votes),
                percent(votes, commune.registered_counted),
            ]))
        })
        .collect();
    Table {
        columns: vec![
            Column::label("N°"),
            Column::text(contender_word(snapshot), 140.0, 300.0),
            Column::figure("Voix"),
            Column::figure("% des exprimés"),
            Column::figure("% des inscrits"),
        ],
        rows,
        key_columns: 2,
    }
}
