//! Parts shared by the Ministry's wide layouts (one row per station or commune, then one
//! group of columns per candidate): the fixed columns, the reading of one candidate's
//! group, and the assembly of the rows into a [`ResultFile`].

use super::commune::CommuneFilter;
use super::error::Location;
use super::records::{
    CandidateVotes, CommuneId, Figures, Hints, ParsedFile, ResultFile, StationResult,
    bare_candidate,
};
use super::table::{Row, Table};
use super::values::{insee_from_parts, normalize_department, normalize_insee, parse_count};
use super::{ImportError, ImportOptions};
use std::collections::{BTreeMap, BTreeSet};
use urne_common::election::{ElectionKind, StationCode};

/// Code given to the single station of a commune-level file. No real bureau has the number
/// 0, so a stations file cannot match it by mistake.
pub(crate) const COMMUNE_LEVEL_CODE: &str = "0000";

/// Name given to that station.
pub(crate) const COMMUNE_LEVEL_NAME: &str = "Ensemble de la commune";

/// Returns the station code of a commune-level file.
pub(crate) fn commune_level_code() -> StationCode {
    StationCode::parse(COMMUNE_LEVEL_CODE).expect("0000 is a valid station code")
}

/// Positions of the fixed columns of a wide layout.
#[derive(Debug, Clone)]
pub(crate) struct FixedColumns {
    pub department: Option<usize>,
    /// Five-character INSEE code column, when the file has one (`Code INSEE`).
    pub insee: Option<usize>,
    /// Commune code: five characters in the 2024 layout, three in the older ones.
    pub commune: usize,
    pub commune_name: Option<usize>,
    /// `None` for commune-level files.
    pub station: Option<usize>,
    pub constituency: Option<usize>,
    pub registered: usize,
    pub voters: usize,
    /// Ballots found in the box, a column Urne's open-data export adds when a station's
    /// ballots differ from its signatures; `Votants` is then the signatures.
    pub ballots_found: Option<usize>,
    pub blank: Option<usize>,
    pub invalid: Option<usize>,
    /// `Blancs et nuls`, a single figure in files before April 2014.
    pub blank_and_invalid: Option<usize>,
    pub valid_votes: usize,
}

impl FixedColumns {
    /// Finds the fixed columns by name; a missing required column is an error.
    pub fn find(table: &Table) -> Result<FixedColumns, ImportError> {
        let blank = table.find(&["Blancs"]);
        let invalid = table.find(&["Nuls"]);
        let blank_and_invalid = table.find(&["Blancs et nuls"]);
        if blank_and_invalid.is_none() {
            table.require(&["Blancs"])?;
            table.require(&["Nuls"])?;
        }
        Ok(FixedColumns {
            department: table.find(&["Code du département", "Code département"]),
            insee: table.find(&["Code INSEE"]),
            commune: table.require(&["Code de la commune", "Code commune"])?,
            commune_name: table.find(&["Libellé de la commune", "Libellé commune"]),
            station: table.find(&[
                "Code du b.vote",
                "Code BV",
                "Code bureau de vote",
                "Code du bureau de vote",
                "Numéro de bureau",
            ]),
            constituency: table.find(&[
                "Code de la circonscription",
                "Code circonscription",
                "Code circonscription législative",
            ]),
            registered: table.require(&["Inscrits"])?,
            voters: table.require(&["Votants"])?,
            ballots_found: table.find(&["Bulletins trouvés dans l'urne", "Bulletins trouvés"]),
            blank,
            invalid,
            blank_and_invalid,
            valid_votes: table.require(&["Exprimés"])?,
        })
    }

    pub(crate) fn commune(&self, table: &Table, row: &Row) -> Result<CommuneId, ImportError> {
        let department_text = self.department.map_or("", |column| row.get(column));
        let department = match self.department {
            Some(column) => Some(normalize_department(department_text).ok_or_else(|| {
                let name = table.column_name(column);
                ImportError::at(
                    table.location(row, &name),
                    Some(department_text),
                    &format!("code de département « {department_text} » invalide"),
                    "corrigez la cellule (par exemple 01, 2A, 93, 971) puis relancez l'import",
                )
            })?),
            None => None,
        };
        let (column, code) = match self.insee {
            Some(column) => (column, row.get(column)),
            None => (self.commune, row.get(self.commune)),
        };
        let insee = if code.len() >= 4 {
            normalize_insee(code)
        } else {
            department
                .as_deref()
                .and_then(|department| insee_from_parts(department, code))
        };
        let Some(insee) = insee else {
            let name = table.column_name(column);
            return Err(ImportError::at(
                table.location(row, &name),
                Some(code),
                &format!("code de commune « {code} » invalide"),
                "corrigez la cellule (code INSEE à 5 caractères, ou code à 3 chiffres avec \
                 le code du département) puis relancez l'import",
            ));
        };
        Ok(CommuneId {
            department: department.unwrap_or_else(|| super::values::department_of_insee(&insee)),
            insee,
            name: table.text(row, self.commune_name),
        })
    }

    fn figures(&self, table: &Table, row: &Row) -> Result<Figures, ImportError> {
        let (blank, invalid) = match (self.blank, self.invalid, self.blank_and_invalid) {
            (Some(blank), Some(invalid), _) => {
                (table.count(row, blank)?, table.count(row, invalid)?)
            }
            // Before April 2014 blank ballots were counted with the invalid ones.
            (_, _, Some(both)) => (0, table.count(row, both)?),
            _ => (0, 0),
        };
        let voters = table.count(row, self.voters)?;
        let ballots_found = match self.ballots_found {
            Some(column) if !row.get(column).trim().is_empty() => {
                Some(table.count(row, column)?).filter(|found| *found != voters)
            }
            _ => None,
        };
        Ok(Figures {
            registered: table.count(row, self.registered)?,
            voters,
            ballots_found,
            blank,
            invalid,
            valid_votes: table.count(row, self.valid_votes)?,
        })
    }

    fn constituency(&self, row: &Row, department: &str) -> Option<String> {
        let text = row.get(self.constituency?);
        if text.is_empty() {
            return None;
        }
        Some(match parse_count(text) {
            Some(number) => format!("{department}-{number:02}"),
            None => text.to_string(),
        })
    }
}

/// Positions of the columns of one candidate's group.
#[derive(Debug, Clone, Default)]
pub(crate) struct CandidateColumns {
    /// `None` when the layout has no ballot number: the group's rank is used instead.
    pub number: Option<usize>,
    pub votes: Option<usize>,
    pub sex: Option<usize>,
    pub surname: Option<usize>,
    pub first_name: Option<usize>,
    pub nuance: Option<usize>,
    pub nuance_label: Option<usize>,
    pub list_label: Option<usize>,
    pub short_list_label: Option<usize>,
}

impl CandidateColumns {
    fn all(&self) -> impl Iterator<Item = usize> + '_ {
        [
            self.number,
            self.votes,
            self.sex,
            self.surname,
            self.first_name,
            self.nuance,
            self.nuance_label,
            self.list_label,
            self.short_list_label,
        ]
        .into_iter()
        .flatten()
    }

    /// Returns whether the group has list labels, so the layout is a list ballot.
    pub fn has_list_label(&self) -> bool {
        self.list_label.is_some() || self.short_list_label.is_some()
    }
}

/// One candidate group located in the row: its columns and the names to print for them.
pub(crate) struct CandidateGroup {
    pub columns: CandidateColumns,
    /// Ballot number used when the group has no number column.
    pub rank: u32,
    /// Column names for messages, indexed like the row's cells.
    pub names: BTreeMap<usize, String>,
}

impl CandidateGroup {
    fn name(&self, table: &Table, column: usize) -> String {
        self.names
            .get(&column)
            .cloned()
            .unwrap_or_else(|| table.column_name(column))
    }

    /// Reads the group's candidate and votes; `None` when every cell of the group is empty.
    fn read(&self, table: &Table, row: &Row) -> Result<Option<CandidateVotes>, ImportError> {
        if row.all_empty(self.columns.all()) {
            return Ok(None);
        }
        let Some(votes_column) = self.columns.votes else {
            return Ok(None);
        };

        let ballot_number = match self.columns.number {
            Some(column) => {
                let number = table.ballot_number(row, column);
                number.map_err(|error| self.rename(table, error, column))?
            }
            None => self.rank,
        };
        let votes = table
            .count(row, votes_column)
            .map_err(|error| self.rename(table, error, votes_column))?;
        let sex = match self.columns.sex {
            Some(column) => table
                .sex(row, Some(column))
                .map_err(|error| self.rename(table, error, column))?,
            None => None,
        };

        let mut candidate = bare_candidate(ballot_number);
        candidate.surname = table.text(row, self.columns.surname).unwrap_or_default();
        candidate.first_name = table.text(row, self.columns.first_name).unwrap_or_default();
        candidate.sex = sex;
        candidate.nuance = table.text(row, self.columns.nuance);
        candidate.nuance_label = table.text(row, self.columns.nuance_label);
        candidate.list_label = table
            .text(row, self.columns.list_label)
            .or_else(|| table.text(row, self.columns.short_list_label));

        Ok(Some(CandidateVotes {
            candidate,
            votes,
            column: self.name(table, votes_column),
        }))
    }

    /// Rewrites the column of an error raised by a [`Table`] reader with the group's
    /// column name, for repeated blocks whose header cells are empty.
    fn rename(&self, table: &Table, mut error: ImportError, column: usize) -> ImportError {
        let generic = table.column_name(column);
        let specific = self.name(table, column);
        if generic != specific {
            error.message =
                error
                    .message
                    .replacen(&format!("« {generic} »"), &format!("« {specific} »"), 1);
            error.column = Some(specific);
        }
        error
    }
}

/// Reads every row of a wide file and keeps the commune selected by the options.
pub(crate) fn read_rows(
    table: &Table,
    fixed: &FixedColumns,
    groups_of_row: impl Fn(&Row) -> Vec<CandidateGroup>,
    format: &'static str,
    default_kind: ElectionKind,
    name_hints: Hints,
    options: &ImportOptions,
) -> Result<ParsedFile, ImportError> {
    let mut filter = CommuneFilter::new(options)?;
    let mut first_line: BTreeMap<(String, StationCode), usize> = BTreeMap::new();
    for row in &table.rows {
        let commune = fixed.commune(table, row)?;
        let code = match fixed.station {
            Some(column) => table.station_code(row, column)?,
            None => commune_level_code(),
        };
        if let Some(previous) = first_line.insert((commune.insee.clone(), code.clone()), row.line) {
            let column = fixed.station.map(|column| table.column_name(column));
            let at = Location {
                file: &table.file,
                line: Some(row.line),
                column: column.as_deref(),
            };
            return Err(ImportError::at(
                at,
                Some(code.as_str()),
                &format!(
                    "le bureau {code} de la commune {} figure deux fois (lignes {previous} et {})",
                    commune.insee, row.line
                ),
                "supprimez la ligne en double puis relancez l'import",
            ));
        }
        let figures = fixed.figures(table, row)?;
        let mut votes = Vec::new();
        let mut seen = BTreeSet::new();
        for group in groups_of_row(row) {
            let Some(candidate_votes) = group.read(table, row)? else {
                continue;
            };
            let number = candidate_votes.candidate.ballot_number;
            if !seen.insert(number) {
                return Err(ImportError::at(
                    table.location(row, &candidate_votes.column),
                    Some(&number.to_string()),
                    &format!("le numéro de panneau {number} figure deux fois sur cette ligne"),
                    "corrigez les numéros de panneau de la ligne puis relancez l'import",
                ));
            }
            votes.push(candidate_votes);
        }
        let constituency = fixed.constituency(row, &commune.department);
        filter.push(
            commune,
            StationResult {
                line: row.line,
                code,
                constituency,
                figures,
                votes,
            },
        );
    }
    let (commune, stations) = filter.finish(&table.file)?;
    let content_hints = Hints {
        insee: commune.as_ref().map(|commune| commune.insee.clone()),
        commune_name: commune.as_ref().and_then(|commune| commune.name.clone()),
        ..Hints::default()
    };
    Ok(ParsedFile::Results(ResultFile {
        file: table.file.clone(),
        format,
        name_hints,
        content_hints,
        default_kind: Some(default_kind),
        commune,
        station_column: fixed.station.map_or_else(
            || table.column_name(fixed.commune),
            |column| table.column_name(column),
        ),
        stations,
    }))
}
