//! The row layout of Toulouse Métropole's 2026 municipal results, published with unnamed
//! columns (`column_1…`), with or without that header row:
//!
//! `column_1` row id · `column_2` election code (`MN`) · `column_3` year · `column_4` round ·
//! `column_5` département · `column_6` three-digit commune code · `column_7` station ·
//! `column_8` a constant `I`, not read · `column_9` inscrits · `column_10` abstentions, not
//! read · `column_11` ballots found (= blancs + nuls + exprimés) · `column_12` signatures ·
//! `column_13` blancs · `column_14` nuls · `column_15` exprimés · `column_16` number of
//! lists N · then N pairs (list number written on three digits, votes) in any order.
//!
//! The meaning of the columns is not published with the data; it was inferred from the
//! arithmetic of every row of the 2026 files.

use super::commune::CommuneFilter;
use super::detect::is_toulouse_row;
use super::records::{
    CandidateVotes, CommuneId, Figures, Hints, ParsedFile, ResultFile, StationResult,
    bare_candidate,
};
use super::table::{Row, Table};
use super::values::{department_of_insee, insee_from_parts, normalize_department};
use super::{ImportError, ImportOptions};
use std::collections::{BTreeMap, BTreeSet};
use urne_common::election::{ElectionKind, StationCode};

const KIND: usize = 1;
const YEAR: usize = 2;
const ROUND: usize = 3;
const DEPARTMENT: usize = 4;
const COMMUNE: usize = 5;
const STATION: usize = 6;
const REGISTERED: usize = 8;
const BALLOTS_FOUND: usize = 10;
const SIGNATURES: usize = 11;
const BLANK: usize = 12;
const INVALID: usize = 13;
const VALID_VOTES: usize = 14;
const LIST_COUNT: usize = 15;
const FIRST_PAIR: usize = 16;

/// Parses a Toulouse row-layout file.
pub(crate) fn parse(
    table: &Table,
    name_hints: Hints,
    options: &ImportOptions,
) -> Result<ParsedFile, ImportError> {
    let table = with_column_names(table);
    let mut content_hints = Hints::default();
    let mut filter = CommuneFilter::new(options)?;
    let mut first_line: BTreeMap<(String, StationCode), usize> = BTreeMap::new();
    for row in &table.rows {
        read_election(&table, row, &mut content_hints)?;
        let commune = read_commune(&table, row)?;
        let code = table.station_code(row, STATION)?;
        if let Some(previous) = first_line.insert((commune.insee.clone(), code.clone()), row.line) {
            let name = table.column_name(STATION);
            return Err(ImportError::at(
                table.location(row, &name),
                Some(code.as_str()),
                &format!(
                    "le bureau {code} figure deux fois (lignes {previous} et {})",
                    row.line
                ),
                "supprimez la ligne en double puis relancez l'import",
            ));
        }
        let signatures = table.count(row, SIGNATURES)?;
        let ballots_found = table.count(row, BALLOTS_FOUND)?;
        let figures = Figures {
            registered: table.count(row, REGISTERED)?,
            voters: signatures,
            ballots_found: (ballots_found != signatures).then_some(ballots_found),
            blank: table.count(row, BLANK)?,
            invalid: table.count(row, INVALID)?,
            valid_votes: table.count(row, VALID_VOTES)?,
        };
        let votes = read_pairs(&table, row)?;
        filter.push(
            commune,
            StationResult {
                line: row.line,
                code,
                constituency: None,
                figures,
                votes,
            },
        );
    }
    let (commune, stations) = filter.finish(&table.file)?;
    content_hints.insee = commune.as_ref().map(|commune| commune.insee.clone());
    Ok(ParsedFile::Results(ResultFile {
        file: table.file.clone(),
        format: "toulouse-2026",
        name_hints,
        content_hints,
        default_kind: Some(ElectionKind::Municipal),
        commune,
        station_column: table.column_name(STATION),
        stations,
    }))
}

/// Gives a headerless file the names `column_1…` and reads its first row as data.
fn with_column_names(table: &Table) -> Table {
    if !is_toulouse_row(&table.header) {
        return table.clone();
    }
    let width = table
        .rows
        .iter()
        .map(|row| row.cells.len())
        .chain([table.header.len()])
        .max()
        .unwrap_or_default();
    let header = (1..=width).map(|index| format!("column_{index}")).collect();
    let mut rows = Vec::with_capacity(table.rows.len() + 1);
    rows.push(Row {
        line: 1,
        cells: csv::StringRecord::from(table.header.clone()),
    });
    rows.extend(table.rows.iter().cloned());
    Table::new(&table.file, header, rows)
}

/// Reads the election code, year and round of a row; every row must agree with the first.
fn read_election(table: &Table, row: &Row, hints: &mut Hints) -> Result<(), ImportError> {
    let kind_text = row.get(KIND);
    let kind = kind_text.parse::<ElectionKind>().map_err(|problem| {
        let name = table.column_name(KIND);
        ImportError::at(
            table.location(row, &name),
            Some(kind_text),
            &problem,
            "corrigez la cellule puis relancez l'import",
        )
    })?;
    let year = table.count(row, YEAR)?;
    let round = table.count(row, ROUND)?;
    let round = match round {
        1 => 1,
        2 => 2,
        _ => {
            let name = table.column_name(ROUND);
            return Err(ImportError::at(
                table.location(row, &name),
                Some(row.get(ROUND)),
                &format!("tour « {} » invalide, 1 ou 2 attendu", row.get(ROUND)),
                "corrigez la cellule puis relancez l'import",
            ));
        }
    };
    let year = i32::try_from(year).unwrap_or(i32::MAX);
    let first = hints.kind.is_none();
    if first {
        hints.kind = Some(kind);
        hints.year = Some(year);
        hints.round = Some(round);
        return Ok(());
    }
    let differs = [
        (KIND, hints.kind != Some(kind), kind_text.to_string()),
        (YEAR, hints.year != Some(year), year.to_string()),
        (ROUND, hints.round != Some(round), round.to_string()),
    ];
    if let Some((column, _, value)) = differs.into_iter().find(|(_, differs, _)| *differs) {
        let name = table.column_name(column);
        return Err(ImportError::at(
            table.location(row, &name),
            Some(&value),
            &format!(
                "« {value} » diffère de la première ligne : un fichier ne doit contenir qu'une élection et un tour"
            ),
            "séparez les élections ou les tours dans des fichiers distincts",
        ));
    }
    Ok(())
}

fn read_commune(table: &Table, row: &Row) -> Result<CommuneId, ImportError> {
    let department_text = row.get(DEPARTMENT);
    let commune_text = row.get(COMMUNE);
    let insee = normalize_department(department_text)
        .and_then(|department| insee_from_parts(&department, commune_text));
    let Some(insee) = insee else {
        let name = table.column_name(COMMUNE);
        let value = format!("{department_text} {commune_text}");
        return Err(ImportError::at(
            table.location(row, &name),
            Some(&value),
            &format!(
                "département « {department_text} » et commune « {commune_text} » ne forment \
                 pas un code INSEE"
            ),
            "corrigez les colonnes column_5 (département) et column_6 (code à 3 chiffres de \
             la commune) puis relancez l'import",
        ));
    };
    Ok(CommuneId {
        department: department_of_insee(&insee),
        insee,
        name: None,
    })
}

/// Reads the (list number, votes) pairs announced by `column_16`.
fn read_pairs(table: &Table, row: &Row) -> Result<Vec<CandidateVotes>, ImportError> {
    let count = table.count(row, LIST_COUNT)?;
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let end = FIRST_PAIR.saturating_add(count.saturating_mul(2));
    if let Some(extra) = (end..row.cells.len()).find(|column| !row.get(*column).is_empty()) {
        let name = table.column_name(extra);
        return Err(ImportError::at(
            table.location(row, &name),
            Some(row.get(extra)),
            &format!("valeur au-delà des {count} listes annoncées en column_16"),
            "corrigez le nombre de listes (column_16) ou supprimez les cellules en trop",
        ));
    }
    let mut votes = Vec::with_capacity(count);
    let mut seen = BTreeSet::new();
    for pair in 0..count {
        let number_column = FIRST_PAIR + 2 * pair;
        let votes_column = number_column + 1;
        let ballot_number = table.ballot_number(row, number_column)?;
        if !seen.insert(ballot_number) {
            let name = table.column_name(number_column);
            return Err(ImportError::at(
                table.location(row, &name),
                Some(row.get(number_column)),
                &format!("la liste {ballot_number} figure deux fois sur cette ligne"),
                "corrigez les numéros de liste de la ligne puis relancez l'import",
            ));
        }
        votes.push(CandidateVotes {
            candidate: bare_candidate(ballot_number),
            votes: table.count(row, votes_column)?,
            column: table.column_name(votes_column),
        });
    }
    Ok(votes)
}

#[cfg(test)]
mod tests {
    use super::super::detect::read_table;
    use super::*;

    fn parse_text(text: &str) -> Result<ResultFile, ImportError> {
        let table = read_table("toulouse.csv", text.as_bytes())?;
        match parse(&table, Hints::default(), &ImportOptions::default())? {
            ParsedFile::Results(results) => Ok(results),
            other => panic!("not a results file: {other:?}"),
        }
    }

    const ROW_A: &str = "29,MN,2026,1,31,555,0029,I,1173,443,730,731,16,6,708,2,005,500,003,208";
    const ROW_B: &str = "30,MN,2026,1,31,555,54a,I,900,300,600,600,5,5,590,2,003,290,5,300";

    #[test]
    fn headerless_rows_read() {
        let file = parse_text(&format!("{ROW_A}\n{ROW_B}\n")).unwrap();
        assert_eq!(file.stations.len(), 2);
        assert_eq!(file.stations[0].line, 1);
        assert_eq!(file.content_hints.kind, Some(ElectionKind::Municipal));
        assert_eq!(file.content_hints.year, Some(2026));
        assert_eq!(file.content_hints.round, Some(1));
        assert_eq!(file.commune.as_ref().unwrap().insee, "31555");
        assert_eq!(file.stations[1].code.as_str(), "054A");
    }

    #[test]
    fn two_voter_counts_mapped() {
        let file = parse_text(&format!("{ROW_A}\n{ROW_B}\n")).unwrap();
        let figures = file.stations[0].figures;
        assert_eq!(figures.voters, 731);
        assert_eq!(figures.ballots_found, Some(730));
        assert_eq!(file.stations[1].figures.ballots_found, None);
    }

    #[test]
    fn list_numbers_are_integers() {
        let file = parse_text(&format!("{ROW_A}\n{ROW_B}\n")).unwrap();
        let numbers: Vec<u32> = file.stations[1]
            .votes
            .iter()
            .map(|votes| votes.candidate.ballot_number)
            .collect();
        assert_eq!(numbers, vec![3, 5]);
    }

    #[test]
    fn header_row_gives_column_names() {
        let header = (1..=20)
            .map(|index| format!("column_{index}"))
            .collect::<Vec<_>>()
            .join(",");
        let bad = ROW_B.replace(",590,2,", ",5 90,2,");
        let error = parse_text(&format!("{header}\n{ROW_A}\n{bad}\n")).unwrap_err();
        assert_eq!(error.line, Some(3));
        assert_eq!(error.column.as_deref(), Some("column_15"));
    }

    #[test]
    fn duplicate_list_in_row_rejected() {
        let row = ROW_B.replace(",5,300", ",003,300");
        let error = parse_text(&format!("{ROW_A}\n{row}\n")).unwrap_err();
        assert!(error.message.contains("deux fois"), "{}", error.message);
        assert_eq!(error.column.as_deref(), Some("column_19"));
    }

    #[test]
    fn extra_pairs_rejected() {
        let row = format!("{ROW_B},007,1");
        let error = parse_text(&format!("{ROW_A}\n{row}\n")).unwrap_err();
        assert_eq!(error.column.as_deref(), Some("column_21"));
    }

    #[test]
    fn mixed_rounds_rejected() {
        let row = ROW_B.replace(",2026,1,", ",2026,2,");
        let error = parse_text(&format!("{ROW_A}\n{row}\n")).unwrap_err();
        assert_eq!(error.column.as_deref(), Some("column_4"));
    }

    #[test]
    fn duplicate_station_rejected() {
        let error = parse_text(&format!("{ROW_A}\n{ROW_A}\n")).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("deux fois"), "{}", error.message);
    }
}
