//! Construction of [`ImportError`]: every message starts with the place of the problem
//! (file, line, column), states what is wrong with which value, then the fix.

use super::ImportError;
use std::path::PathBuf;

/// Place of a problem in an input file. `line` is 1-based and counts the header row, as a
/// spreadsheet numbers its rows; `column` is the column's header name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Location<'a> {
    pub file: &'a str,
    pub line: Option<usize>,
    pub column: Option<&'a str>,
}

impl<'a> Location<'a> {
    pub fn file(file: &'a str) -> Location<'a> {
        Location {
            file,
            line: None,
            column: None,
        }
    }

    pub fn line(file: &'a str, line: usize) -> Location<'a> {
        Location {
            file,
            line: Some(line),
            column: None,
        }
    }

    pub fn cell(file: &'a str, line: usize, column: &'a str) -> Location<'a> {
        Location {
            file,
            line: Some(line),
            column: Some(column),
        }
    }

    /// French prefix of a message: « fichier x.csv, ligne 12, colonne « Voix 3 » ».
    fn describe(&self) -> String {
        let mut text = format!("fichier {}", self.file);
        if let Some(line) = self.line {
            text.push_str(&format!(", ligne {line}"));
        }
        if let Some(column) = self.column {
            text.push_str(&format!(", colonne « {column} »"));
        }
        text
    }
}

impl ImportError {
    /// Builds an error located in a file: `problem` states what is wrong and quotes the
    /// value, and `fix` is the action that solves it.
    pub(crate) fn at(at: Location<'_>, value: Option<&str>, problem: &str, fix: &str) -> Self {
        ImportError {
            file: Some(PathBuf::from(at.file)),
            line: at.line,
            column: at.column.map(str::to_string),
            value: value.map(str::to_string),
            message: format!("{} : {problem} ; {fix}", at.describe()),
        }
    }

    /// Builds an error about the batch as a whole, not located in one file.
    pub(crate) fn batch(problem: &str, fix: &str) -> Self {
        ImportError {
            file: None,
            line: None,
            column: None,
            value: None,
            message: format!("import : {problem} ; {fix}"),
        }
    }

    pub(crate) fn unreadable(file: &str, error: &std::io::Error) -> Self {
        ImportError::at(
            Location::file(file),
            None,
            &format!("lecture impossible ({error})"),
            "vérifiez le chemin et les droits du fichier",
        )
    }

    /// Builds the error for a cell that should contain a count of ballots or people.
    pub(crate) fn invalid_count(at: Location<'_>, value: &str) -> Self {
        let digits = value.trim();
        let problem = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            format!(
                "valeur « {value} » trop grande, au plus {} est accepté",
                u32::MAX
            )
        } else {
            format!("valeur « {value} » invalide, un nombre entier positif est attendu")
        };
        ImportError::at(
            at,
            Some(value),
            &problem,
            "corrigez la cellule puis relancez l'import",
        )
    }

    /// Builds the error for a required cell left empty.
    pub(crate) fn empty_cell(at: Location<'_>) -> Self {
        ImportError::at(
            at,
            Some(""),
            "cellule vide, une valeur est attendue",
            "remplissez la cellule puis relancez l'import",
        )
    }

    /// Builds the error for a required column absent from the header row. `expected` lists the accepted names.
    pub(crate) fn missing_column(file: &str, expected: &[&str]) -> Self {
        let names = expected
            .iter()
            .map(|name| format!("« {name} »"))
            .collect::<Vec<_>>()
            .join(" ou ");
        ImportError::at(
            Location::line(file, 1),
            None,
            &format!("colonne {names} absente de la ligne d'en-tête"),
            "ajoutez la colonne ou vérifiez que le fichier est complet",
        )
    }

    /// Builds the error for a row that sums other rows (`Total`, `Ensemble`, or figures without a station code).
    pub(crate) fn total_row(at: Location<'_>, value: &str) -> Self {
        ImportError::at(
            at,
            Some(value),
            &format!(
                "la ligne « {value} » ressemble à une ligne de total, pas à un bureau de vote"
            ),
            "supprimez les lignes de total et les lignes sans code de bureau, puis relancez \
             l'import",
        )
    }
}
