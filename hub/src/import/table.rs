//! A decoded CSV file as rows of trimmed cells, with lookups by header name and typed
//! cell readers that turn bad cells into located errors.

use super::ImportError;
use super::error::Location;
use super::values::{header_key, is_total_label, parse_count};
use csv::StringRecord;
use urne_common::election::StationCode;

/// One data row: its 1-based line in the file and its trimmed cells. A `StringRecord`
/// stores the cells in one buffer, which keeps national files small in memory.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub line: usize,
    pub cells: StringRecord,
}

impl Row {
    /// Cell `index`, or the empty string past the end of a short row.
    pub fn get(&self, index: usize) -> &str {
        self.cells.get(index).unwrap_or("")
    }

    /// Returns whether every cell of `columns` is empty.
    pub fn all_empty(&self, columns: impl IntoIterator<Item = usize>) -> bool {
        columns.into_iter().all(|index| self.get(index).is_empty())
    }
}

/// A file read as a header row and data rows. Blank rows (every cell empty) are dropped.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// File name as the user gave it, used in every message.
    pub file: String,
    /// Header names as written, trimmed.
    pub header: Vec<String>,
    /// [`header_key`] of each header name.
    pub keys: Vec<String>,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn new(file: &str, header: Vec<String>, rows: Vec<Row>) -> Table {
        let keys = header.iter().map(|name| header_key(name)).collect();
        Table {
            file: file.to_string(),
            header,
            keys,
            rows,
        }
    }

    /// Index of the first column whose name matches one of `names` (compared by
    /// [`header_key`]), trying the names in order.
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| {
            let key = header_key(name);
            self.keys.iter().position(|candidate| *candidate == key)
        })
    }

    /// Like [`Table::find`], but a missing column is an error.
    pub fn require(&self, names: &[&str]) -> Result<usize, ImportError> {
        self.find(names)
            .ok_or_else(|| ImportError::missing_column(&self.file, names))
    }

    /// Header name of a column, or « colonne N » when the header cell is empty.
    pub fn column_name(&self, index: usize) -> String {
        match self.header.get(index) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("colonne {}", index + 1),
        }
    }

    pub fn location<'a>(&'a self, row: &Row, column: &'a str) -> Location<'a> {
        Location::cell(&self.file, row.line, column)
    }

    /// Returns the trimmed text of a cell, `None` when empty.
    pub fn text(&self, row: &Row, column: Option<usize>) -> Option<String> {
        let value = row.get(column?);
        (!value.is_empty()).then(|| value.to_string())
    }

    /// Reads a required count (non-negative integer) in a cell.
    pub fn count(&self, row: &Row, column: usize) -> Result<u32, ImportError> {
        self.optional_count(row, column)?.ok_or_else(|| {
            let name = self.column_name(column);
            ImportError::empty_cell(self.location(row, &name))
        })
    }

    /// Reads a count that may be left empty.
    pub fn optional_count(&self, row: &Row, column: usize) -> Result<Option<u32>, ImportError> {
        let value = row.get(column);
        if value.is_empty() {
            return Ok(None);
        }
        match parse_count(value) {
            Some(count) => Ok(Some(count)),
            None => {
                let name = self.column_name(column);
                Err(ImportError::invalid_count(self.location(row, &name), value))
            }
        }
    }

    /// Reads the polling-station code of a row. Rejects total rows: a code such as `Total` or
    /// `Ensemble`, or an empty code on a row that has figures elsewhere.
    pub fn station_code(&self, row: &Row, column: usize) -> Result<StationCode, ImportError> {
        let value = row.get(column);
        let name = self.column_name(column);
        let at = self.location(row, &name);
        if value.is_empty() {
            let figure = row.cells.iter().find(|cell| !cell.is_empty()).unwrap_or("");
            return Err(ImportError::total_row(at, figure));
        }
        if is_total_label(value) {
            return Err(ImportError::total_row(at, value));
        }
        StationCode::parse(value).map_err(|problem| {
            ImportError::at(
                at,
                Some(value),
                &problem,
                "corrigez le code du bureau puis relancez l'import",
            )
        })
    }

    /// Reads the ballot number of a candidate or list (`005` → 5).
    pub fn ballot_number(&self, row: &Row, column: usize) -> Result<u32, ImportError> {
        let value = row.get(column);
        let name = self.column_name(column);
        match parse_count(value) {
            Some(number) if number > 0 => Ok(number),
            _ if value.is_empty() => Err(ImportError::empty_cell(self.location(row, &name))),
            _ => Err(ImportError::at(
                self.location(row, &name),
                Some(value),
                &format!(
                    "numéro de panneau « {value} » invalide, un nombre entier de 1 ou plus est \
                     attendu"
                ),
                "corrigez la cellule puis relancez l'import",
            )),
        }
    }

    /// Reads the sex of a candidate: empty gives `None`, and an unknown text is an error.
    pub fn sex(
        &self,
        row: &Row,
        column: Option<usize>,
    ) -> Result<Option<urne_common::election::Sex>, ImportError> {
        let Some(column) = column else {
            return Ok(None);
        };
        let value = row.get(column);
        if value.is_empty() {
            return Ok(None);
        }
        match urne_common::election::Sex::parse(value) {
            Some(sex) => Ok(Some(sex)),
            None => {
                let name = self.column_name(column);
                Err(ImportError::at(
                    self.location(row, &name),
                    Some(value),
                    &format!("sexe « {value} » invalide, F, M, FEMININ ou MASCULIN est attendu"),
                    "corrigez la cellule ou videz-la, puis relancez l'import",
                ))
            }
        }
    }
}
