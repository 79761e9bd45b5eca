//! Seat computation for a CSV of municipal cases, the layout of
//! `tests/fixtures/seats/seats_cases.csv`: one row per list, the rows of one case sharing its
//! `case_id`. The output repeats every row with the computed seats added, so that a file of
//! official results can be checked against the allocation rules (Code électoral, art. L262).

use std::collections::BTreeMap;

use anyhow::{Context, Result, anyhow, bail};
use csv::StringRecord;
use urne_common::seats::{
    Allocation, AllocationRequest, AllocationStatus, ListVotes, Round, allocate,
};

/// Columns added to every row, in this order.
const COMPUTED_COLUMNS: [&str; 4] = [
    "sieges_cm_calcules",
    "sieges_cc_calcules",
    "sieges_secteur_calcules",
    "decision_requise",
];

/// Columns every input must have. A list's number comes from `numero_panneau` when present and
/// not empty, otherwise from `liste_ordre`: at least one of the two is needed.
const REQUIRED_COLUMNS: [&str; 5] = [
    "case_id",
    "tour",
    "exprimes",
    "sieges_cm_a_pourvoir",
    "voix",
];

/// Reads cases in the layout of `seats_cases.csv` and returns the same rows as CSV with the
/// columns `sieges_cm_calcules`, `sieges_cc_calcules`, `sieges_secteur_calcules` (empty where the
/// case has no such seats) and `decision_requise` (the tie that the data cannot settle) added.
///
/// The output keeps the input's delimiter (comma or semicolon), and a UTF-8 byte order mark is
/// skipped. Columns with the computed names already in the input are replaced.
///
/// # Errors
///
/// Returns a French message naming the line, the column, the value and the fix for:
/// - a missing column, or a malformed CSV line;
/// - a value that is not a whole number, or an unknown round;
/// - a case whose rows disagree on a case-wide column, or repeat a list number;
/// - a case whose votes do not add up to `exprimes`.
pub fn compute_seats_csv(input: &[u8]) -> Result<Vec<u8>> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let delimiter = detect_delimiter(input);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|error| {
            anyhow!("ligne 1 : en-tête CSV illisible ({error}) ; vérifier le fichier")
        })?
        .clone();
    let columns = Columns::find(&headers)?;

    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| {
            let line = error.position().map_or(0, csv::Position::line);
            anyhow!(
                "ligne {line} : ligne CSV illisible ({error}) ; vérifier les guillemets et le \
                 nombre de colonnes"
            )
        })?;
        rows.push(Row::parse(&columns, record)?);
    }
    if rows.is_empty() {
        bail!("aucune ligne de données après l'en-tête : ajouter une ligne par liste");
    }

    let mut cases: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, row) in rows.iter().enumerate() {
        cases.entry(row.case_id.as_str()).or_default().push(index);
    }
    let mut computed: Vec<[String; 4]> = vec![Default::default(); rows.len()];
    for (case_id, indexes) in &cases {
        let case: Vec<&Row> = indexes.iter().map(|&index| &rows[index]).collect();
        let outputs = compute_case(case_id, &case)?;
        for (&index, output) in indexes.iter().zip(outputs) {
            computed[index] = output;
        }
    }
    write_output(
        &headers,
        &columns.copied_columns,
        delimiter,
        &rows,
        &computed,
    )
}

/// Picks `;` when the header line has semicolons and no commas, as spreadsheet programs write
/// CSV in French locales, and `,` otherwise.
fn detect_delimiter(input: &[u8]) -> u8 {
    let header = input
        .split(|&byte| byte == b'\n')
        .next()
        .unwrap_or_default();
    if header.contains(&b';') && !header.contains(&b',') {
        b';'
    } else {
        b','
    }
}

/// Positions of the columns read.
struct Columns {
    case_id: usize,
    round: usize,
    valid_votes: usize,
    municipal_seats: usize,
    community_seats: Option<usize>,
    sector_seats: Option<usize>,
    list_order: Option<usize>,
    ballot_number: Option<usize>,
    votes: usize,
    /// Input columns copied to the output: all but the computed ones.
    copied_columns: Vec<usize>,
}

impl Columns {
    fn find(headers: &StringRecord) -> Result<Self> {
        let position = |name: &str| headers.iter().position(|header| header.trim() == name);
        let required = |name: &str| {
            position(name).ok_or_else(|| {
                anyhow!(
                    "ligne 1 : colonne « {name} » absente de l'en-tête ; ajouter cette colonne \
                     (colonnes attendues : {}, numero_panneau ou liste_ordre ; \
                     sieges_cc_a_pourvoir et sieges_secteur_a_pourvoir sont facultatives)",
                    REQUIRED_COLUMNS.join(", ")
                )
            })
        };
        let columns = Self {
            case_id: required("case_id")?,
            round: required("tour")?,
            valid_votes: required("exprimes")?,
            municipal_seats: required("sieges_cm_a_pourvoir")?,
            community_seats: position("sieges_cc_a_pourvoir"),
            sector_seats: position("sieges_secteur_a_pourvoir"),
            list_order: position("liste_ordre"),
            ballot_number: position("numero_panneau"),
            votes: required("voix")?,
            copied_columns: (0..headers.len())
                .filter(|&index| !COMPUTED_COLUMNS.contains(&headers[index].trim()))
                .collect(),
        };
        if columns.list_order.is_none() && columns.ballot_number.is_none() {
            bail!(
                "ligne 1 : colonnes « numero_panneau » et « liste_ordre » absentes de l'en-tête ; \
                 ajouter l'une des deux pour numéroter les listes"
            );
        }
        Ok(columns)
    }
}

/// One list of one case, as read.
struct Row {
    line: u64,
    record: StringRecord,
    case_id: String,
    round: Round,
    valid_votes: u64,
    municipal_seats: Option<u32>,
    community_seats: Option<u32>,
    sector_seats: Option<u32>,
    ballot_number: u32,
    /// Name of the column the ballot number came from, for error messages.
    ballot_column: &'static str,
    votes: u64,
}

impl Row {
    fn parse(columns: &Columns, record: StringRecord) -> Result<Self> {
        let line = record.position().map_or(0, csv::Position::line);
        let field = |index: usize| record.get(index).unwrap_or_default().trim();
        let case_id = field(columns.case_id);
        if case_id.is_empty() {
            bail!(
                "ligne {line}, colonne « case_id » : valeur vide ; indiquer l'identifiant du cas"
            );
        }
        let round = match field(columns.round) {
            "1" => Round::First,
            "2" => Round::Second,
            other => bail!(
                "ligne {line}, colonne « tour » : valeur « {other} » inconnue ; indiquer 1 ou 2"
            ),
        };
        let optional_seats = |index: Option<usize>, name: &str| -> Result<Option<u32>> {
            match index.map(field).filter(|value| !value.is_empty()) {
                None => Ok(None),
                Some(value) => parse_number(line, name, value).map(Some),
            }
        };
        let (ballot_number, ballot_column) = match (columns.ballot_number, columns.list_order) {
            (Some(index), _) if !field(index).is_empty() => (
                parse_number(line, "numero_panneau", field(index))?,
                "numero_panneau",
            ),
            (_, Some(index)) if !field(index).is_empty() => (
                parse_number(line, "liste_ordre", field(index))?,
                "liste_ordre",
            ),
            _ => bail!(
                "ligne {line}, colonnes « numero_panneau » et « liste_ordre » : valeurs vides ; \
                 indiquer le numéro de la liste dans l'une des deux"
            ),
        };
        Ok(Self {
            line,
            case_id: case_id.to_owned(),
            round,
            valid_votes: parse_number(line, "exprimes", field(columns.valid_votes))?,
            municipal_seats: optional_seats(Some(columns.municipal_seats), "sieges_cm_a_pourvoir")?,
            community_seats: optional_seats(columns.community_seats, "sieges_cc_a_pourvoir")?,
            sector_seats: optional_seats(columns.sector_seats, "sieges_secteur_a_pourvoir")?,
            ballot_number,
            ballot_column,
            votes: parse_number(line, "voix", field(columns.votes))?,
            record,
        })
    }
}

/// Parses a whole number written with digits only.
fn parse_number<T: std::str::FromStr>(line: u64, column: &str, value: &str) -> Result<T> {
    if value.is_empty() {
        bail!("ligne {line}, colonne « {column} » : valeur vide ; indiquer un nombre entier");
    }
    if !value.bytes().all(|byte| byte.is_ascii_digit()) {
        bail!(
            "ligne {line}, colonne « {column} » : valeur « {value} » non numérique ; indiquer un \
             nombre entier en chiffres, sans espace, signe ni séparateur"
        );
    }
    value.parse().map_err(|_| {
        anyhow!("ligne {line}, colonne « {column} » : valeur « {value} » trop grande ; la corriger")
    })
}

/// Computes the seats of one case and returns the four computed fields of each of its rows.
fn compute_case(case_id: &str, rows: &[&Row]) -> Result<Vec<[String; 4]>> {
    let first = rows[0];
    check_case_columns(case_id, rows)?;
    let votes_sum: u128 = rows.iter().map(|row| u128::from(row.votes)).sum();
    if votes_sum != u128::from(first.valid_votes) {
        let last_line = rows.iter().map(|row| row.line).max().unwrap_or(first.line);
        bail!(
            "cas {case_id} (lignes {} à {last_line}) : la somme de la colonne « voix » \
             ({votes_sum}) diffère de la colonne « exprimes » ({}) ; corriger les voix des listes \
             ou les exprimés",
            first.line,
            first.valid_votes
        );
    }
    let mut seen: BTreeMap<u32, u64> = BTreeMap::new();
    for row in rows {
        if let Some(previous) = seen.insert(row.ballot_number, row.line) {
            bail!(
                "ligne {}, colonne « {} » : la liste n° {} figure déjà à la ligne {previous} pour \
                 le cas {case_id} ; chaque liste d'un cas doit avoir son propre numéro",
                row.line,
                row.ballot_column,
                row.ballot_number
            );
        }
    }

    let lists: Vec<ListVotes> = rows
        .iter()
        .map(|row| ListVotes::new(row.ballot_number, row.votes))
        .collect();
    let councils = [
        ("conseil municipal", first.municipal_seats),
        ("conseil communautaire", first.community_seats),
        ("conseil de secteur", first.sector_seats),
    ];
    let mut outputs: Vec<[String; 4]> = vec![Default::default(); rows.len()];
    let mut decisions = Vec::new();
    for (column, (council, seats)) in councils.into_iter().enumerate() {
        let Some(seats) = seats else { continue };
        let request = AllocationRequest::new(first.round, seats, first.valid_votes, lists.clone());
        let allocation = allocate(&request)
            .with_context(|| format!("cas {case_id} (ligne {}), {council}", first.line))?;
        if let AllocationStatus::DecisionRequired(decision) = &allocation.status {
            decisions.push(format!("{council} : {decision}"));
        }
        for (output, list) in outputs.iter_mut().zip(&allocation.lists) {
            output[column] = list.seats.to_string();
        }
        log_allocation(case_id, council, &allocation);
    }
    let decision = decisions.join(" | ");
    for output in &mut outputs {
        output[3].clone_from(&decision);
    }
    Ok(outputs)
}

/// Checks that the rows of a case agree on the case-wide columns.
fn check_case_columns(case_id: &str, rows: &[&Row]) -> Result<()> {
    let first = rows[0];
    for row in &rows[1..] {
        let differs = [
            ("tour", row.round != first.round),
            ("exprimes", row.valid_votes != first.valid_votes),
            (
                "sieges_cm_a_pourvoir",
                row.municipal_seats != first.municipal_seats,
            ),
            (
                "sieges_cc_a_pourvoir",
                row.community_seats != first.community_seats,
            ),
            (
                "sieges_secteur_a_pourvoir",
                row.sector_seats != first.sector_seats,
            ),
        ];
        if let Some((column, _)) = differs.iter().find(|(_, differs)| *differs) {
            bail!(
                "ligne {}, colonne « {column} » : valeur différente de celle de la ligne {} \
                 pour le cas {case_id} ; mettre la même valeur sur toutes les lignes du cas",
                row.line,
                first.line
            );
        }
    }
    Ok(())
}

fn log_allocation(case_id: &str, council: &str, allocation: &Allocation) {
    let seats: Vec<(u32, u32)> = allocation
        .lists
        .iter()
        .map(|list| (list.ballot_number, list.seats))
        .collect();
    tracing::debug!(case_id, council, ?seats, status = ?allocation.status, "seats computed");
}

fn write_output(
    headers: &StringRecord,
    copied_columns: &[usize],
    delimiter: u8,
    rows: &[Row],
    computed: &[[String; 4]],
) -> Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    let header: Vec<&str> = copied_columns
        .iter()
        .map(|&index| &headers[index])
        .chain(COMPUTED_COLUMNS)
        .collect();
    writer.write_record(&header)?;
    for (row, fields) in rows.iter().zip(computed) {
        let record: Vec<&str> = copied_columns
            .iter()
            .map(|&index| row.record.get(index).unwrap_or_default())
            .chain(fields.iter().map(String::as_str))
            .collect();
        writer.write_record(&record)?;
    }
    writer
        .into_inner()
        .map_err(|error| anyhow!("écriture du CSV impossible : {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/seats/seats_cases.csv"
    );

    fn run(input: &str) -> Result<Vec<csv::StringRecord>> {
        let output = compute_seats_csv(input.as_bytes())?;
        let mut reader = csv::Reader::from_reader(output.as_slice());
        let mut records = vec![reader.headers()?.clone()];
        for record in reader.records() {
            records.push(record?);
        }
        Ok(records)
    }

    fn error_of(input: &str) -> String {
        match compute_seats_csv(input.as_bytes()) {
            Ok(_) => panic!("expected an error for {input:?}"),
            Err(error) => format!("{error:#}"),
        }
    }

    const HEADER: &str = "case_id,tour,exprimes,sieges_cm_a_pourvoir,sieges_cc_a_pourvoir,\
                          sieges_secteur_a_pourvoir,liste_ordre,numero_panneau,voix";

    #[test]
    fn fixture_matches_official_seats() {
        let input = std::fs::read(FIXTURE).expect("fixture readable");
        let output = compute_seats_csv(&input).expect("fixture computes");
        let mut reader = csv::Reader::from_reader(output.as_slice());
        let headers = reader.headers().expect("headers").clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|header| header == name)
                .expect("column present")
        };
        let pairs = [
            ("sieges_cm_officiels", "sieges_cm_calcules"),
            ("sieges_cc_officiels", "sieges_cc_calcules"),
            ("sieges_secteur_officiels", "sieges_secteur_calcules"),
        ];
        let decision = column("decision_requise");
        let mut rows = 0;
        for record in reader.records() {
            let record = record.expect("output row parses");
            for (official, computed) in pairs {
                assert_eq!(
                    &record[column(official)],
                    &record[column(computed)],
                    "{} list {}: {computed}",
                    &record[column("case_id")],
                    &record[column("liste_ordre")]
                );
            }
            assert_eq!(&record[decision], "");
            rows += 1;
        }
        assert_eq!(rows, 35);
    }

    #[test]
    fn output_keeps_input_columns_and_order() {
        let records =
            run(&format!("{HEADER}\nX,2,100,7,,,1,,60\nX,2,100,7,,,2,,40\n")).expect("valid input");
        assert_eq!(records[0].len(), 13);
        assert_eq!(&records[0][9], "sieges_cm_calcules");
        assert_eq!(&records[1][0], "X");
        assert_eq!(&records[1][9], "6");
        assert_eq!(&records[2][9], "1");
        assert_eq!(&records[1][10], "", "no community seats column value");
        assert_eq!(&records[1][11], "");
    }

    #[test]
    fn tie_fills_decision_column() {
        let records = run(&format!(
            "{HEADER}\nT,2,1100,5,,,1,,500\nT,2,1100,5,,,2,,300\nT,2,1100,5,,,3,,300\n"
        ))
        .expect("valid input");
        let decision = &records[1][12];
        assert!(
            decision.starts_with("conseil municipal : décision requise"),
            "{decision}"
        );
        assert!(decision.contains("listes n° 2 et n° 3"), "{decision}");
        assert_eq!(&records[3][12], decision);
        assert_eq!(&records[1][9], "4");
    }

    #[test]
    fn round1_without_majority_gives_zero_seats() {
        let records = run(&format!(
            "{HEADER}\nN,1,100,15,,,1,,50\nN,1,100,15,,,2,,50\n"
        ))
        .expect("valid");
        assert_eq!(&records[1][9], "0");
        assert_eq!(&records[2][9], "0");
        assert_eq!(&records[1][12], "");
    }

    #[test]
    fn semicolon_input_is_accepted() {
        let input = "case_id;tour;exprimes;sieges_cm_a_pourvoir;liste_ordre;voix\nS;1;100;7;1;60\n\
                     S;1;100;7;2;40\n";
        let output = compute_seats_csv(input.as_bytes()).expect("valid input");
        let text = String::from_utf8(output).expect("UTF-8 output");
        assert!(text.starts_with("case_id;tour;"), "{text}");
        assert!(text.contains("S;1;100;7;1;60;6;;;"), "{text}");
    }

    #[test]
    fn missing_column_is_named() {
        let message =
            error_of("case_id,tour,exprimes,sieges_cm_a_pourvoir,liste_ordre\nX,1,1,7,1\n");
        assert!(message.contains("ligne 1"), "{message}");
        assert!(message.contains("« voix »"), "{message}");
        assert!(message.contains("ajouter"), "{message}");
    }

    #[test]
    fn non_numeric_votes_are_named() {
        let message = error_of(&format!("{HEADER}\nX,1,100,7,,,1,,60\nX,1,100,7,,,2,,4O\n"));
        assert!(message.contains("ligne 3"), "{message}");
        assert!(message.contains("« voix »"), "{message}");
        assert!(message.contains("« 4O »"), "{message}");
        assert!(message.contains("nombre entier"), "{message}");
    }

    #[test]
    fn votes_sum_must_equal_valid_votes() {
        let message = error_of(&format!("{HEADER}\nX,1,101,7,,,1,,60\nX,1,101,7,,,2,,40\n"));
        assert!(message.contains("cas X"), "{message}");
        assert!(message.contains("(100)"), "{message}");
        assert!(message.contains("(101)"), "{message}");
        assert!(message.contains("corriger"), "{message}");
    }

    #[test]
    fn unknown_round_is_named() {
        let message = error_of(&format!("{HEADER}\nX,3,100,7,,,1,,100\n"));
        assert!(message.contains("ligne 2, colonne « tour »"), "{message}");
        assert!(message.contains("« 3 »"), "{message}");
        assert!(message.contains("1 ou 2"), "{message}");
    }

    #[test]
    fn case_rows_must_agree() {
        let message = error_of(&format!("{HEADER}\nX,1,100,7,,,1,,60\nX,1,100,9,,,2,,40\n"));
        assert!(
            message.contains("ligne 3, colonne « sieges_cm_a_pourvoir »"),
            "{message}"
        );
    }

    #[test]
    fn duplicate_list_number_is_named() {
        let message = error_of(&format!("{HEADER}\nX,1,100,7,,,1,,60\nX,1,100,7,,,1,,40\n"));
        assert!(
            message.contains("ligne 3, colonne « liste_ordre »"),
            "{message}"
        );
        assert!(message.contains("ligne 2"), "{message}");
    }

    #[test]
    fn empty_file_is_rejected() {
        let message = error_of(&format!("{HEADER}\n"));
        assert!(message.contains("aucune ligne"), "{message}");
    }
}
