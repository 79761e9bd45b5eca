//! Results of the whole constituency or canton: one row for the commune's stations, one per
//! other commune, then the totals of the race and each candidate's share. Printed only when
//! other communes are listed.

use super::flow::{Context, Flow};
use super::fonts::Fonts;
use super::table::{self, Column, Row, Table};
use super::words::{figure, percent};
use super::{Built, Report, candidate_header, canvas, fit_candidate_table, words};
use crate::export::ExportError;
use crate::export::snapshot::Snapshot;
use urne_common::communes::RaceResults;
use urne_common::results::AreaResults;

/// Cell of a commune that has not phoned in its totals.
const MISSING: &str = "—";

/// Renders the race report, named `resultats-circonscription.pdf`.
pub(crate) fn render(
    snapshot: &Snapshot,
    race: &RaceResults,
    mayor: Option<&str>,
) -> Result<Report, ExportError> {
    let fonts = Fonts::load()?;
    let config = &snapshot.config;
    let context = Context {
        fonts: &fonts,
        commune: format!("{} ({})", config.commune.name, config.commune.insee_code),
        election: config.label.clone(),
        date: words::long_date(config.date),
        mayor: mayor.map(str::to_string),
        rehearsal: config.rehearsal,
        printed_at: chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Paris)
            .format("%d/%m/%Y à %H:%M")
            .to_string(),
    };
    let built = build(&context, snapshot, race);
    let mut title = format!(
        "Résultats de la {} — {} — {}",
        race.area.name, context.commune, context.election
    );
    if config.rehearsal {
        title.push_str(" — SIMULATION");
    }
    let bytes = canvas::render(&built.pages, built.paper, &fonts, &title)?;
    Ok(Report {
        file_name: "resultats-circonscription.pdf".to_string(),
        bytes,
    })
}

fn build(context: &Context<'_>, snapshot: &Snapshot, race: &RaceResults) -> Built {
    let (communes, paper) = fit_candidate_table(context.fonts, &[], |with_surname| {
        communes_table(snapshot, race, with_surname)
    });
    let mut flow = Flow::new(
        context,
        paper,
        &format!("Résultats de la {}", race.area.name),
    );
    flow.paragraph(&race.label, 9.0, true);
    flow.space(4.0);
    flow.heading("Résultats par commune", 80.0);
    table::draw(&mut flow, &communes);
    flow.paragraph(
        &format!(
            "La commune compte ses bureaux ; les autres communes ont transmis leurs totaux. \
             Pourcentages : votants sur inscrits ; blancs, nuls et exprimés sur votants ; \
             voix sur exprimés. Avancement : {}.",
            race.progress.label
        ),
        8.0,
        false,
    );
    Built::from_flow(flow)
}

fn figures_row(label: String, status: String, area: &AreaResults) -> Vec<String> {
    let mut cells = vec![
        label,
        status,
        figure(area.registered_counted),
        figure(area.voters),
        figure(area.blank),
        figure(area.invalid),
        figure(area.valid_votes),
    ];
    cells.extend(area.candidates.iter().map(|c| figure(c.votes)));
    cells
}

fn communes_table(snapshot: &Snapshot, race: &RaceResults, with_surname: bool) -> Table {
    let mut columns = vec![
        Column::text("Commune", 60.0, 150.0),
        Column::text("État", 40.0, 90.0),
    ];
    columns.extend(["Inscrits", "Votants", "Blancs", "Nuls", "Exprimés"].map(Column::figure));
    columns.extend(
        snapshot
            .config
            .candidates
            .iter()
            .map(|candidate| Column::figure(&candidate_header(candidate, with_surname))),
    );

    let mut rows = vec![Row::new(figures_row(
        snapshot.config.commune.name.clone(),
        race.host.progress.label.clone(),
        &race.host,
    ))];
    for commune in &race.communes {
        let mut cells = vec![commune.name.clone(), commune.status_label.clone()];
        match commune
            .count
            .as_ref()
            .filter(|_| commune.status.is_counted())
        {
            Some(count) => {
                cells.extend(
                    [
                        count.registered,
                        count.voters,
                        count.blank,
                        count.invalid,
                        count.valid_votes,
                    ]
                    .map(|value| figure(u64::from(value))),
                );
                cells.extend(race.area.candidates.iter().map(|c| {
                    figure(u64::from(
                        count.votes.get(&c.ballot_number).copied().unwrap_or(0),
                    ))
                }));
            }
            None => {
                cells.push(figure(u64::from(commune.registered)));
                let missing = columns.len() - cells.len();
                cells.extend(std::iter::repeat_n(MISSING.to_string(), missing));
            }
        }
        rows.push(Row::new(cells));
    }

    let area = &race.area;
    rows.push(Row::total(figures_row(
        "Total".to_string(),
        race.progress.label.clone(),
        area,
    )));

    let mut shares = vec![
        "%".to_string(),
        String::new(),
        String::new(),
        percent(area.voters, area.registered_counted),
    ];
    for value in [area.blank, area.invalid, area.valid_votes] {
        shares.push(percent(value, area.voters));
    }
    shares.extend(
        area.candidates
            .iter()
            .map(|c| percent(c.votes, area.valid_votes)),
    );
    rows.push(Row::total(shares));
    Table {
        columns,
        rows,
        key_columns: 2,
    }
}
