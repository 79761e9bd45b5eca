//! End-of-night exports of one election: the prefecture's XML results and seat payloads,
//! open data (the Ministry's per-station CSV, a long CSV, JSON) and the printed reports
//! (PDF). `docs/exports.md` describes every format, element and column.
//!
//! Every file is written to a temporary file in the destination folder and renamed into
//! place only once it is complete. Before the rename, the XML, CSV and JSON files are read
//! back and their figures compared with the database snapshot they were written from. Any
//! difference rejects the export, so nothing is left at the destination.
//!
//! A rehearsal election (`ElectionConfig::rehearsal`) is never exported as real: every file
//! name gets the `-SIMULATION` suffix and the content carries the mark where the format
//! has room for it (see [`output::SIMULATION`]).

mod check;
mod command;
mod departments;
mod error;
mod opendata;
mod output;
mod pdf;
mod race;
mod seats;
mod snapshot;
pub mod xml;

pub use command::run_command;
pub use error::ExportError;
pub use output::SIMULATION;
pub use seats::{ElectedCandidate, ListSeats, SeatsInput, seats_for};

use rusqlite::Connection;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Results for the prefecture in the Ministry's XML structure. `layout` is the id of
    /// an [`xml::XmlLayout`]; `None` picks the layout from the election's date.
    PrefectureXml { layout: Option<&'static str> },
    /// Seat distribution of a municipal election (council and community seats per list,
    /// elected candidates in order).
    PrefectureSeatsXml,
    /// One row per station in the Ministry's 2024 open-data layout.
    OpendataCsv,
    /// One row per station and candidate.
    LongCsv,
    /// The open-data content as one JSON document.
    Json,
    /// The printed reports, one PDF file each, in the folder `out`.
    Pdf,
    /// Results of the whole constituency or canton with the other communes, as JSON.
    RaceJson,
    /// One row per commune of the constituency or canton.
    RaceCsv,
}

impl Format {
    /// Names accepted on the command line, in the order the help lists them.
    pub const NAMES: [&'static str; 8] = [
        "prefecture-xml",
        "prefecture-seats-xml",
        "opendata-csv",
        "long-csv",
        "json",
        "pdf",
        "race-json",
        "race-csv",
    ];

    /// Name on the command line (`prefecture-xml`).
    pub fn name(self) -> &'static str {
        match self {
            Format::PrefectureXml { .. } => "prefecture-xml",
            Format::PrefectureSeatsXml => "prefecture-seats-xml",
            Format::OpendataCsv => "opendata-csv",
            Format::LongCsv => "long-csv",
            Format::Json => "json",
            Format::Pdf => "pdf",
            Format::RaceJson => "race-json",
            Format::RaceCsv => "race-csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Format::PrefectureXml {
                layout: Some(layout),
            } => write!(f, "prefecture-xml:{layout}"),
            other => f.write_str(other.name()),
        }
    }
}

impl FromStr for Format {
    type Err = ExportError;

    /// Parses a format name; `prefecture-xml:ID` also names the XML layout.
    fn from_str(text: &str) -> Result<Format, ExportError> {
        let trimmed = text.trim();
        if let Some(layout) = trimmed.strip_prefix("prefecture-xml:") {
            let layout = xml::layout_by_id(layout)?;
            return Ok(Format::PrefectureXml {
                layout: Some(layout.id()),
            });
        }
        match trimmed {
            "prefecture-xml" => Ok(Format::PrefectureXml { layout: None }),
            "prefecture-seats-xml" => Ok(Format::PrefectureSeatsXml),
            "opendata-csv" => Ok(Format::OpendataCsv),
            "long-csv" => Ok(Format::LongCsv),
            "json" => Ok(Format::Json),
            "pdf" => Ok(Format::Pdf),
            "race-json" => Ok(Format::RaceJson),
            "race-csv" => Ok(Format::RaceCsv),
            _ => Err(ExportError::UnknownFormat(text.to_string())),
        }
    }
}

/// Settings that are not stored with the election.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Mayor's name printed on the reports; a blank line to fill by hand when `None`.
    pub mayor: Option<String>,
    /// Seats to export and print in place of what [`seats_for`] returns.
    pub seats: Option<SeatsInput>,
}

/// Outcome of an export: the files written and what the command line reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub format: Format,
    /// Files written, in the order they were written.
    pub files: Vec<PathBuf>,
    /// Whether the election is a rehearsal: the files are marked SIMULATION.
    pub rehearsal: bool,
    /// Id of the XML layout used, for the prefecture XML.
    pub layout: Option<&'static str>,
    /// Stations whose results are in the files.
    pub stations_counted: usize,
    /// Stations of the election.
    pub stations_total: usize,
}

/// Exports an election in one format to `out`: a file, or a folder for the PDF reports
/// (created when missing). A folder given for a one-file format receives the file under
/// its default name.
pub fn export(
    connection: &Connection,
    election_id: i64,
    format: Format,
    out: &Path,
) -> Result<ExportSummary, ExportError> {
    export_with(
        connection,
        election_id,
        format,
        out,
        &ExportOptions::default(),
    )
}

/// Exports like [`export`], with the settings that the database does not store.
pub fn export_with(
    connection: &Connection,
    election_id: i64,
    format: Format,
    out: &Path,
    options: &ExportOptions,
) -> Result<ExportSummary, ExportError> {
    let snapshot = snapshot::Snapshot::load(connection, election_id)?;
    let seats = match &options.seats {
        Some(seats) => Some(seats.clone()),
        None => seats_for(connection, election_id),
    };
    let mut summary = ExportSummary {
        format,
        files: Vec::new(),
        rehearsal: snapshot.config.rehearsal,
        layout: None,
        stations_counted: snapshot.records.len(),
        stations_total: snapshot.config.stations.len(),
    };
    tracing::info!(
        election_id,
        format = %format,
        out = %out.display(),
        rehearsal = summary.rehearsal,
        "export started"
    );
    match format {
        Format::PrefectureXml { layout } => {
            let layout = match layout {
                Some(id) => xml::layout_by_id(id)?,
                None => xml::layout_for_date(snapshot.config.date),
            };
            summary.layout = Some(layout.id());
            let bytes = xml::write_results(&snapshot, layout, seats.as_ref())?;
            let path = output::file_path(out, &snapshot, "prefecture", "xml")?;
            output::write_checked(&path, &bytes, |written| {
                check::results_xml(&snapshot, written, seats.as_ref())
            })?;
            summary.files.push(path);
        }
        Format::PrefectureSeatsXml => {
            let Some(seats) = seats else {
                return Err(ExportError::SeatsNotComputed { election_id });
            };
            let bytes = xml::write_seats(&snapshot, &seats)?;
            let path = output::file_path(out, &snapshot, "prefecture-sieges", "xml")?;
            output::write_checked(&path, &bytes, |written| {
                check::seats_xml(&snapshot, &seats, written)
            })?;
            summary.files.push(path);
        }
        Format::OpendataCsv => {
            // A file of the Ministry's layout with no row cannot be read back, nor used.
            if snapshot.records.is_empty() {
                return Err(ExportError::NoResults { election_id });
            }
            let bytes = opendata::ministry_csv(&snapshot)?;
            let path = output::file_path(out, &snapshot, "resultats-bv", "csv")?;
            let name = output::file_name(&path);
            output::write_checked(&path, &bytes, |written| {
                check::ministry_csv(&snapshot, &name, written)
            })?;
            summary.files.push(path);
        }
        Format::LongCsv => {
            let bytes = opendata::long_csv(&snapshot)?;
            let path = output::file_path(out, &snapshot, "resultats-long", "csv")?;
            output::write_checked(&path, &bytes, |written| check::long_csv(&snapshot, written))?;
            summary.files.push(path);
        }
        Format::Json => {
            let bytes = opendata::json(&snapshot)?;
            let path = output::file_path(out, &snapshot, "resultats", "json")?;
            output::write_checked(&path, &bytes, |written| check::json(&snapshot, written))?;
            summary.files.push(path);
        }
        Format::Pdf => {
            let mut reports = pdf::render_all(&snapshot, options.mayor.as_deref(), seats.as_ref())?;
            let race = race::load(connection, &snapshot)?;
            if !race.communes.is_empty() {
                reports.push(pdf::race::render(
                    &snapshot,
                    &race,
                    options.mayor.as_deref(),
                )?);
            }
            let folder = output::prepare_folder(out)?;
            for report in reports {
                let path = folder.join(output::suffixed_name(&report.file_name, &snapshot));
                output::write_checked(&path, &report.bytes, |_| Ok(()))?;
                summary.files.push(path);
            }
        }
        Format::RaceJson => {
            let race = race::load(connection, &snapshot)?;
            let bytes = race::json(&race)?;
            let path = output::file_path(out, &snapshot, "circonscription", "json")?;
            output::write_checked(&path, &bytes, |written| race::check_json(&race, written))?;
            summary.files.push(path);
        }
        Format::RaceCsv => {
            let race = race::load(connection, &snapshot)?;
            let bytes = race::csv(&race, &snapshot.config.commune.insee_code)?;
            let path = output::file_path(out, &snapshot, "circonscription-communes", "csv")?;
            output::write_checked(&path, &bytes, |written| race::check_csv(&race, written))?;
            summary.files.push(path);
        }
    }
    tracing::info!(election_id, format = %format, files = summary.files.len(), "export done");
    Ok(summary)
}

#[cfg(test)]
mod tests;
