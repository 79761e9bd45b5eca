//! Open data: the Ministry's per-station CSV layout of 2024, a long CSV with one row per
//! station and candidate, and the same content as JSON. Both CSV files are UTF-8 with a
//! byte-order mark, which spreadsheet programs need to show accents right, and use `;`
//! with comma decimals.

mod json;
mod long_csv;
mod ministry_csv;

pub(crate) use json::{JsonExport, json};
pub(crate) use long_csv::{LONG_CSV_COLUMNS, long_csv};
pub(crate) use ministry_csv::ministry_csv;

use super::ExportError;
use urne_common::election::Sex;
use urne_common::share::render_percent;

/// UTF-8 byte-order mark.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// A CSV writer with `;` into memory, after the byte-order mark.
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(BOM.to_vec())
}

fn csv_bytes(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ExportError> {
    writer.into_inner().map_err(|error| ExportError::Render {
        document: "CSV",
        message: error.to_string(),
    })
}

fn csv_error(error: csv::Error) -> ExportError {
    ExportError::Render {
        document: "CSV",
        message: error.to_string(),
    }
}

/// Percentage with a comma and two decimals, empty when the denominator is zero.
fn percent(numerator: u64, denominator: u64) -> String {
    render_percent(numerator, denominator).unwrap_or_default()
}

/// Sex as the Ministry's 2024 files spell it.
fn sex_word(sex: Option<Sex>) -> &'static str {
    match sex {
        Some(Sex::Male) => "MASCULIN",
        Some(Sex::Female) => "FEMININ",
        None => "",
    }
}
