//! The printed reports, one PDF file each: results per station, the central station's
//! summary record, turnout per slot, the centaines, the seat distribution and the
//! proclamation sheet. Each report picks the smallest paper its widest table fits on (A4
//! portrait, A4 landscape, A3 landscape), and splits a table that fits on none. The fonts
//! are embedded, and no external program runs.

mod canvas;
mod flow;
mod fonts;
mod hundreds;
mod proclamation;
pub(crate) mod race;
mod record;
mod seats;
mod stations;
mod table;
mod turnout;
mod words;

use super::ExportError;
use super::seats::SeatsInput;
use super::snapshot::Snapshot;
use canvas::Paper;
use flow::{Context, Flow};
use fonts::Fonts;
use table::{Column, Row, Table};
use urne_common::election::Candidate;

/// One rendered report.
pub(crate) struct Report {
    /// File name inside the output folder, before the SIMULATION suffix.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Renders every report of an election.
pub(crate) fn render_all(
    snapshot: &Snapshot,
    mayor: Option<&str>,
    seats: Option<&SeatsInput>,
) -> Result<Vec<Report>, ExportError> {
    let fonts = Fonts::load()?;
    let config = &snapshot.config;
    let printed_at = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string();
    let context = Context {
        fonts: &fonts,
        commune: format!("{} ({})", config.commune.name, config.commune.insee_code),
        election: config.label.clone(),
        date: words::long_date(config.date),
        mayor: mayor.map(str::to_string),
        rehearsal: config.rehearsal,
        printed_at,
    };
    let reports: [(&str, &str, Built); 6] = [
        (
            "resultats-par-bureau.pdf",
            "Résultats par bureau de vote",
            stations::build(&context, snapshot),
        ),
        (
            "proces-verbal-recapitulatif.pdf",
            "Procès-verbal récapitulatif du bureau centralisateur",
            record::build(&context, snapshot),
        ),
        (
            "participation.pdf",
            "Participation par tranche horaire",
            turnout::build(&context, snapshot),
        ),
        (
            "centaines.pdf",
            "Centaines",
            hundreds::build(&context, snapshot),
        ),
        (
            "repartition-sieges.pdf",
            "Répartition des sièges",
            seats::build(&context, snapshot, seats),
        ),
        (
            "proclamation.pdf",
            "Proclamation des résultats",
            proclamation::build(&context, snapshot),
        ),
    ];
    let mut rendered = Vec::with_capacity(reports.len());
    for (file_name, title, built) in reports {
        let mut title = format!("{title} — {} — {}", context.commune, context.election);
        if config.rehearsal {
            title.push_str(" — SIMULATION");
        }
        let bytes = canvas::render(&built.pages, built.paper, &fonts, &title)?;
        rendered.push(Report {
            file_name: file_name.to_string(),
            bytes,
        });
    }
    Ok(rendered)
}

/// A report laid out: its paper and pages.
pub(super) struct Built {
    paper: Paper,
    pages: Vec<canvas::Page>,
}

impl Built {
    fn from_flow(flow: Flow<'_>) -> Built {
        Built {
            paper: flow.paper,
            pages: flow.finish(),
        }
    }
}

/// Returns the word for the contenders of an election: « Candidat » or « Liste ».
fn contender_word(snapshot: &Snapshot) -> &'static str {
    if snapshot.is_list_ballot() {
        "Liste"
    } else {
        "Candidat"
    }
}

/// Returns the name printed in legends: the list's name, or « Prénom NOM ».
fn full_name(candidate: &Candidate) -> String {
    candidate.display_name()
}

/// Writes the column header of a candidate's votes: its ballot number, and its surname (the
/// list head's for a list) when `with_surname`. The legend gives the full name. No-break
/// spaces keep `n° 5` and `LE PEN` on one line each.
fn candidate_header(candidate: &Candidate, with_surname: bool) -> String {
    let number = format!("n°\u{a0}{}", candidate.ballot_number);
    let surname = candidate.surname.trim();
    if surname.is_empty() || !with_surname {
        number
    } else {
        format!("{number}\n{}", surname.replace(' ', "\u{a0}"))
    }
}

/// Lays out a table with one column per candidate on the smallest paper it fits: with
/// surnames in the candidate headers, or with ballot numbers only when that gives a
/// smaller paper or avoids splitting the table.
fn fit_candidate_table(
    fonts: &Fonts,
    others: &[&Table],
    build: impl Fn(bool) -> Table,
) -> (Table, Paper) {
    let layout = |with_surname: bool| {
        let table = build(with_surname);
        let mut tables = others.to_vec();
        tables.push(&table);
        let paper = table::choose_paper(&tables, fonts);
        let whole = table.min_width(fonts) <= flow::text_width(paper);
        (table, paper, whole)
    };
    let (named, named_paper, named_whole) = layout(true);
    if named_whole && named_paper != Paper::A3Landscape {
        return (named, named_paper);
    }
    let (numbered, numbered_paper, numbered_whole) = layout(false);
    if numbered_paper < named_paper || (numbered_whole && !named_whole) {
        (numbered, numbered_paper)
    } else {
        (named, named_paper)
    }
}

/// Legend of the candidates or lists: number, full name, list head, nuance, and the
/// commune's votes with their share of the valid votes.
fn legend_table(snapshot: &Snapshot) -> Table {
    let is_list = snapshot.is_list_ballot();
    let with_nuance = snapshot
        .config
        .candidates
        .iter()
        .any(|candidate| candidate.nuance.is_some());
    let mut columns = vec![
        Column::label("N°"),
        Column::text(contender_word(snapshot), 120.0, 300.0),
    ];
    if is_list {
        columns.push(Column::text("Tête de liste", 70.0, 140.0));
    }
    if with_nuance {
        columns.push(Column::label("Nuance"));
    }
    columns.push(Column::figure("Voix"));
    columns.push(Column::figure("% exprimés"));
    let commune = &snapshot.results.commune;
    let rows = snapshot
        .config
        .candidates
        .iter()
        .map(|candidate| {
            let votes = commune
                .candidates
                .iter()
                .find(|result| result.ballot_number == candidate.ballot_number)
                .map_or(0, |result| result.votes);
            let mut cells = vec![candidate.ballot_number.to_string(), full_name(candidate)];
            if is_list {
                cells.push(
                    format!(
                        "{} {}",
                        candidate.first_name.trim(),
                        candidate.surname.trim()
                    )
                    .trim()
                    .to_string(),
                );
            }
            if with_nuance {
                cells.push(candidate.nuance.clone().unwrap_or_default());
            }
            cells.push(words::figure(votes));
            cells.push(words::percent(votes, commune.valid_votes));
            Row::new(cells)
        })
        .collect();
    Table {
        columns,
        rows,
        key_columns: 1,
    }
}

/// Writes the sentence that gives how many stations the figures cover, when some are
/// missing.
fn partial_notice(snapshot: &Snapshot) -> Option<String> {
    let progress = &snapshot.results.commune.progress;
    (!progress.is_complete()).then(|| {
        format!(
            "Résultats partiels : {} comptés. Les bureaux non arrivés ne sont pas inclus dans \
             les totaux.",
            progress.label
        )
    })
}

#[cfg(test)]
mod tests {
    use super::canvas::{Op, Page};
    use super::*;
    use crate::import::ImportedElection;
    use std::collections::BTreeMap;
    use urne_common::count::FinalCount;
    use urne_common::election::{
        Commune, ElectionConfig, ElectionKind, PollingStation, Scope, StationCode,
    };

    const STATIONS: u32 = 300;
    const LISTS: u32 = 40;

    /// Builds a municipal election larger than any real one: 300 stations with long names
    /// and 40 lists with long labels, every station counted.
    fn large_election() -> (tempfile::TempDir, Snapshot) {
        let stations: Vec<PollingStation> = (1..=STATIONS)
            .map(|number| PollingStation {
                code: StationCode::parse(&number.to_string()).unwrap(),
                name: format!("École élémentaire Jean-Jaurès, préau n° {number}"),
                polling_place: None,
                canton: None,
                constituency: None,
                registered: 1000,
            })
            .collect();
        let candidates: Vec<Candidate> = (1..=LISTS)
            .map(|number| Candidate {
                ballot_number: number,
                surname: format!("DUPONT-ÉLÉONORE-{number}"),
                first_name: "Anaïs".to_string(),
                sex: None,
                nuance: Some("LDIV".to_string()),
                nuance_label: None,
                list_label: Some(format!(
                    "Liste d'union pour l'avenir de la commune, écologique, solidaire et \
                     citoyenne, numéro {number}"
                )),
                colour: None,
            })
            .collect();
        let config = ElectionConfig {
            kind: ElectionKind::Municipal,
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
            round: 1,
            scope: Scope::Commune,
            label: "Élections municipales 2026 — 1er tour".to_string(),
            commune: Commune {
                insee_code: "29019".to_string(),
                department_code: "29".to_string(),
                name: "Brest".to_string(),
            },
            opening: ElectionConfig::default_opening(),
            closing: ElectionConfig::default_closing(),
            turnout_slots: ElectionConfig::default_turnout_slots(),
            rehearsal: false,
            stations,
            candidates,
        };
        // 585 valid votes: 15 for the first 25 lists, 14 for the 15 others.
        let votes: BTreeMap<u32, u32> = (1..=LISTS)
            .map(|number| (number, if number <= 25 { 15 } else { 14 }))
            .collect();
        let results = config
            .stations
            .iter()
            .map(|station| {
                let count = FinalCount {
                    registered: 1000,
                    voters: 600,
                    ballots_found: None,
                    blank: 10,
                    invalid: 5,
                    valid_votes: 585,
                    votes: votes.clone(),
                };
                (station.code.clone(), count)
            })
            .collect();
        let imported = ImportedElection {
            config,
            results,
            sources: vec!["test".to_string()],
        };
        let directory = tempfile::tempdir().unwrap();
        let mut connection = crate::db::open(&directory.path().join("urne.sqlite")).unwrap();
        let created =
            crate::service::import_elections(&mut connection, &[imported], "test", true).unwrap();
        let snapshot = Snapshot::load(&connection, created[0].id).unwrap();
        (directory, snapshot)
    }

    fn texts(pages: &[Page]) -> Vec<&str> {
        pages
            .iter()
            .flat_map(|page| &page.ops)
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Checks that every text starts and ends inside the page's margins.
    fn assert_inside(pages: &[Page], paper: Paper, fonts: &Fonts) {
        let (width, height) = paper.size();
        for (number, page) in pages.iter().enumerate() {
            for op in &page.ops {
                if let Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } = op
                {
                    let end = x + fonts.face(*bold).width(text, *size);
                    assert!(
                        *x >= 30.0 && end <= width - 30.0,
                        "page {}: {text} at x {x}",
                        number + 1
                    );
                    assert!(
                        *y >= 30.0 && *y <= height - 10.0,
                        "page {}: {text} at y {y}",
                        number + 1
                    );
                }
            }
        }
    }

    #[test]
    fn wide_results_split_on_a3() {
        let (_directory, snapshot) = large_election();
        let fonts = Fonts::load().unwrap();
        let context = Context {
            fonts: &fonts,
            commune: "Brest (29019)".to_string(),
            election: snapshot.config.label.clone(),
            date: words::long_date(snapshot.config.date),
            mayor: None,
            rehearsal: false,
            printed_at: "15/03/2026 à 21:00".to_string(),
        };
        let built = stations::build(&context, &snapshot);
        assert_eq!(built.paper, Paper::A3Landscape);
        assert_inside(&built.pages, built.paper, &fonts);
        let texts = texts(&built.pages);
        let parts = texts
            .iter()
            .filter(|text| text.starts_with("Partie "))
            .count();
        assert!(parts >= 2, "{parts} parts");
        // Each part repeats every station's code.
        for number in 1..=STATIONS {
            let code = format!("{number:04}");
            let count = texts.iter().filter(|text| **text == code).count();
            assert_eq!(count, parts, "station {code}");
        }
        // Each part's header row is repeated on every page it spans.
        let headers = texts.iter().filter(|text| **text == "Inscrits").count();
        assert!(headers > parts, "{headers} header rows for {parts} parts");
        let longest = "Liste d'union pour l'avenir de la commune, écologique, solidaire et";
        assert!(
            texts
                .iter()
                .any(|text| text.starts_with(longest) || longest.starts_with(*text))
        );
    }

    #[test]
    fn every_report_stays_inside_margins() {
        let (_directory, snapshot) = large_election();
        let fonts = Fonts::load().unwrap();
        let context = Context {
            fonts: &fonts,
            commune: "Brest (29019)".to_string(),
            election: snapshot.config.label.clone(),
            date: words::long_date(snapshot.config.date),
            mayor: Some("François Cuillandre".to_string()),
            rehearsal: true,
            printed_at: "15/03/2026 à 21:00".to_string(),
        };
        let built = [
            record::build(&context, &snapshot),
            turnout::build(&context, &snapshot),
            hundreds::build(&context, &snapshot),
            seats::build(&context, &snapshot, None),
            proclamation::build(&context, &snapshot),
        ];
        for report in &built {
            assert_inside(&report.pages, report.paper, &fonts);
            let texts = texts(&report.pages);
            let bands = texts
                .iter()
                .filter(|text| text.starts_with("SIMULATION"))
                .count();
            assert_eq!(bands, report.pages.len(), "a SIMULATION band on every page");
        }
        let rendered = render_all(&snapshot, Some("François Cuillandre"), None).unwrap();
        assert_eq!(rendered.len(), 6);
        assert!(
            rendered
                .iter()
                .all(|report| report.bytes.starts_with(b"%PDF-"))
        );
    }
}
