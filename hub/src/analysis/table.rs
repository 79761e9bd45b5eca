//! The comparisons as plain tables of text, shared by the CSV files and the web pages, so
//! both show the same figures with the same rounding.

use super::{
    FINAL_SLOT, StationComparison, StationRow, Trend, TurnoutComparison, VoteArea, VoteComparison,
};
use urne_common::analysis::ShareDifference;
use urne_common::share::Share;

/// A table: a title, column headers and rows of rendered cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    fn new(title: String, headers: &[&str]) -> Table {
        Table {
            title,
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Renders the table as CSV: UTF-8, `;` separator (the percentages use a decimal
    /// comma), a header line.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        // The csv writer fails only on I/O errors, and a Vec never raises one.
        let _ = writer.write_record(&self.headers);
        for row in &self.rows {
            let _ = writer.write_record(row);
        }
        writer.into_inner().unwrap_or_default()
    }
}

/// Renders a share as `37,23` (percent), or empty when its denominator is zero.
pub fn percent(share: &Share) -> String {
    share.percent.clone().unwrap_or_default()
}

/// Renders a difference as `+2,35` (points), or empty when it is not defined.
pub fn points(difference: Option<&ShareDifference>) -> String {
    difference
        .and_then(|d| d.points.clone())
        .unwrap_or_default()
}

fn slot_label(slot: &str) -> String {
    if slot == FINAL_SLOT {
        "Clôture (votants)".to_string()
    } else {
        slot.replace(':', " h ")
    }
}

pub fn turnout_table(comparison: &TurnoutComparison) -> Table {
    let mut table = Table::new(
        format!(
            "Participation par tranche horaire : {} comparée à {}",
            comparison.election.label, comparison.against.label
        ),
        &[
            "Tranche",
            "Votants",
            "Bureaux ayant transmis",
            "Participation (% des inscrits des bureaux ayant transmis)",
            "Votants (référence)",
            "Bureaux ayant transmis (référence)",
            "Participation (référence)",
            "Écart (points)",
        ],
    );
    for row in &comparison.rows {
        let side = |side: &Option<super::SlotTurnout>| match side {
            Some(s) => vec![
                s.voters.to_string(),
                format!("{}/{}", s.reported, s.stations),
                percent(&s.turnout_of_reported),
            ],
            None => vec![String::new(), String::new(), String::new()],
        };
        let mut cells = vec![slot_label(&row.slot)];
        cells.extend(side(&row.election));
        cells.extend(side(&row.against));
        cells.push(points(row.difference.as_ref()));
        table.rows.push(cells);
    }
    table
}

fn station_cells(row: &StationRow) -> Vec<String> {
    vec![
        row.label.clone(),
        row.election.registered.to_string(),
        row.election.voters.to_string(),
        percent(&row.election.turnout),
        row.against.registered.to_string(),
        row.against.voters.to_string(),
        percent(&row.against.turnout),
        points(row.turnout_difference.as_ref()),
        percent(&row.election.blank_rate),
        percent(&row.against.blank_rate),
        points(row.blank_rate_difference.as_ref()),
        percent(&row.election.invalid_rate),
        percent(&row.against.invalid_rate),
        points(row.invalid_rate_difference.as_ref()),
    ]
}

pub fn stations_table(comparison: &StationComparison) -> Table {
    let mut table = Table::new(
        format!(
            "Bureaux : {} comparée à {}",
            comparison.election.label, comparison.against.label
        ),
        &[
            "Bureaux (référence → élection)",
            "Inscrits",
            "Votants",
            "Participation (% des inscrits)",
            "Inscrits (référence)",
            "Votants (référence)",
            "Participation (référence)",
            "Écart de participation (points)",
            "Blancs (% des votants)",
            "Blancs (référence)",
            "Écart des blancs (points)",
            "Nuls (% des votants)",
            "Nuls (référence)",
            "Écart des nuls (points)",
        ],
    );
    table.rows.push(station_cells(&comparison.total));
    for row in &comparison.rows {
        table.rows.push(station_cells(row));
    }
    table
}

fn area_rows(area: &VoteArea, rows: &mut Vec<Vec<String>>) {
    for key in &area.keys {
        rows.push(vec![
            area.label.clone(),
            key.label.clone(),
            key.election_votes.to_string(),
            percent(&key.election_share),
            key.against_votes.to_string(),
            percent(&key.against_share),
            points(key.difference.as_ref()),
        ]);
    }
}

pub fn votes_table(comparison: &VoteComparison, with_areas: bool) -> Table {
    let mut table = Table::new(
        format!(
            "Voix par {} : {} comparée à {}",
            comparison.by.label_fr(),
            comparison.election.label,
            comparison.against.label
        ),
        &[
            "Zone",
            "Regroupement",
            "Voix",
            "% des exprimés",
            "Voix (référence)",
            "% des exprimés (référence)",
            "Écart (points)",
        ],
    );
    area_rows(&comparison.total, &mut table.rows);
    if with_areas {
        for area in &comparison.areas {
            area_rows(area, &mut table.rows);
        }
    }
    table
}

pub fn trend_table(trend: &Trend) -> Table {
    let mut headers = vec![
        "Élection".to_string(),
        "Date".to_string(),
        "Bureaux".to_string(),
        "Inscrits".to_string(),
        "Votants".to_string(),
        "Participation (% des inscrits)".to_string(),
        "Blancs (% des votants)".to_string(),
        "Nuls (% des votants)".to_string(),
    ];
    let keys: Vec<&String> = trend.labels.keys().collect();
    for key in &keys {
        headers.push(format!("{} (% des exprimés)", trend.labels[*key]));
    }
    let title = match &trend.station {
        Some(code) => format!(
            "Bureau {code} au fil des élections, par {}",
            trend.by.label_fr()
        ),
        None => format!("Commune au fil des élections, par {}", trend.by.label_fr()),
    };
    let mut rows = Vec::new();
    for point in &trend.points {
        let mut cells = vec![
            point.election.label.clone(),
            point.election.date.clone(),
            point.stations.join(" + "),
            point.registered.to_string(),
            point.voters.to_string(),
            percent(&point.turnout),
            percent(&point.blank_rate),
            percent(&point.invalid_rate),
        ];
        for key in &keys {
            cells.push(point.shares.get(*key).map(percent).unwrap_or_default());
        }
        rows.push(cells);
    }
    Table {
        title,
        headers,
        rows,
    }
}
