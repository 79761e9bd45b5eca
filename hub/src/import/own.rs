//! Urne's own CSV layout: a stations file (`*_bureaux.csv`), a candidates or lists file
//! (`*_candidats.csv`, `*_listes.csv`) and a votes file (`*_voix.csv`). The columns are
//! described in `docs/import-formats.md`.

use super::ImportError;
use super::error::Location;
use super::records::{
    CandidateRef, CandidatesFile, Hints, ParsedFile, StationRef, StationsFile, VoteRow, VotesFile,
    bare_candidate,
};
use super::table::Table;
use super::values::{normalize_constituency, parse_colour, split_list_head};
use std::collections::BTreeMap;
use urne_common::election::StationCode;

/// Parses a stations file.
pub(crate) fn parse_stations(table: &Table, name_hints: Hints) -> Result<ParsedFile, ImportError> {
    let code = table.require(&["code_bv"])?;
    let name = table.find(&["libelle_bv"]);
    let polling_place = table.find(&["lieu_de_vote"]);
    let canton = table.find(&["canton"]);
    let constituency = table.find(&["circonscription"]);
    let registered = table.find(&["inscrits"]);
    let ballots_or_voters = table.find(&["votants"]);
    let second_count = table.find(&["votants_autre_decompte"]);
    let blank = table.find(&["blancs"]);
    let invalid = table.find(&["nuls"]);
    let valid_votes = table.find(&["exprimes"]);

    let count = |row, column: Option<usize>| match column {
        Some(column) => table.optional_count(row, column),
        None => Ok(None),
    };

    let mut stations = Vec::with_capacity(table.rows.len());
    let mut first_line: BTreeMap<StationCode, usize> = BTreeMap::new();
    for row in &table.rows {
        let station = table.station_code(row, code)?;
        check_unique(table, &mut first_line, &station, row.line, code)?;
        let votants = count(row, ballots_or_voters)?;
        let (voters, ballots) = match second_count {
            // `votants` is then the ballots found and the second count the signatures.
            Some(column) => (table.optional_count(row, column)?, votants),
            None => (votants, None),
        };
        stations.push(StationRef {
            line: row.line,
            code: station,
            name: table.text(row, name),
            polling_place: table.text(row, polling_place),
            canton: table.text(row, canton),
            constituency: table
                .text(row, constituency)
                .map(|text| normalize_constituency(&text)),
            registered: count(row, registered)?,
            voters,
            ballots,
            blank: count(row, blank)?,
            invalid: count(row, invalid)?,
            valid_votes: count(row, valid_votes)?,
        });
    }

    Ok(ParsedFile::Stations(StationsFile {
        file: table.file.clone(),
        name_hints,
        has_second_count: second_count.is_some(),
        stations,
    }))
}

fn check_unique(
    table: &Table,
    first_line: &mut BTreeMap<StationCode, usize>,
    code: &StationCode,
    line: usize,
    column: usize,
) -> Result<(), ImportError> {
    if let Some(previous) = first_line.insert(code.clone(), line) {
        let name = table.column_name(column);
        return Err(ImportError::at(
            Location::cell(&table.file, line, &name),
            Some(code.as_str()),
            &format!("le bureau {code} figure deux fois (lignes {previous} et {line})"),
            "supprimez la ligne en double puis relancez l'import",
        ));
    }
    Ok(())
}

/// Parses a candidates or lists file.
pub(crate) fn parse_candidates(
    table: &Table,
    name_hints: Hints,
) -> Result<ParsedFile, ImportError> {
    let number = table.require(&["numero_panneau", "numero_liste"])?;
    let surname = table.find(&["nom"]);
    let first_name = table.find(&["prenom"]);
    let list_head = table.find(&["tete_de_liste"]);
    let sex = table.find(&["sexe"]);
    let nuance = table.find(&["nuance"]);
    let nuance_label = table.find(&["libelle_nuance"]);
    let list_label = table.find(&["libelle_liste"]);
    let colour = table.find(&["couleur"]);
    let constituency = table.find(&["circonscription"]);

    let mut candidates = Vec::with_capacity(table.rows.len());
    let mut first_line: BTreeMap<(Option<String>, u32), usize> = BTreeMap::new();
    for row in &table.rows {
        let ballot_number = table.ballot_number(row, number)?;
        let row_constituency = table
            .text(row, constituency)
            .map(|text| normalize_constituency(&text));
        let key = (row_constituency.clone(), ballot_number);
        if let Some(previous) = first_line.insert(key, row.line) {
            let name = table.column_name(number);
            return Err(ImportError::at(
                table.location(row, &name),
                Some(row.get(number)),
                &format!(
                    "le numéro {ballot_number} figure deux fois (lignes {previous} et {})",
                    row.line
                ),
                "chaque candidat ou liste doit avoir son propre numéro : corrigez le fichier \
                 puis relancez l'import",
            ));
        }
        let (head_first_name, head_surname) = table
            .text(row, list_head)
            .map(|head| split_list_head(&head))
            .unwrap_or_default();

        let mut candidate = bare_candidate(ballot_number);
        candidate.surname = table.text(row, surname).unwrap_or(head_surname);
        candidate.first_name = table.text(row, first_name).unwrap_or(head_first_name);
        candidate.sex = table.sex(row, sex)?;
        candidate.nuance = table.text(row, nuance);
        candidate.nuance_label = table.text(row, nuance_label);
        candidate.list_label = table.text(row, list_label);
        candidate.colour = match (colour, table.text(row, colour)) {
            (Some(column), Some(text)) => Some(parse_colour(&text).ok_or_else(|| {
                let name = table.column_name(column);
                ImportError::at(
                    table.location(row, &name),
                    Some(&text),
                    &format!("couleur « {text} » invalide, #rrggbb attendu (ex. #1f77b4)"),
                    "corrigez la cellule ou videz-la, puis relancez l'import",
                )
            })?),
            _ => None,
        };
        candidates.push(CandidateRef {
            line: row.line,
            constituency: row_constituency,
            candidate,
        });
    }

    Ok(ParsedFile::Candidates(CandidatesFile {
        file: table.file.clone(),
        name_hints,
        number_column: table.column_name(number),
        candidates,
    }))
}

/// Parses a votes file.
pub(crate) fn parse_votes(table: &Table, name_hints: Hints) -> Result<ParsedFile, ImportError> {
    let code = table.require(&["code_bv"])?;
    let number = table.require(&["numero_panneau", "numero_liste"])?;
    let votes = table.require(&["voix"])?;
    let surname = table.find(&["nom"]);
    let first_name = table.find(&["prenom"]);

    let mut rows = Vec::with_capacity(table.rows.len());
    let mut first_line: BTreeMap<(StationCode, u32), usize> = BTreeMap::new();
    for row in &table.rows {
        let station = table.station_code(row, code)?;
        let ballot_number = table.ballot_number(row, number)?;
        if let Some(previous) = first_line.insert((station.clone(), ballot_number), row.line) {
            let name = table.column_name(number);
            return Err(ImportError::at(
                table.location(row, &name),
                Some(row.get(number)),
                &format!(
                    "le bureau {station} a deux lignes pour le numéro {ballot_number} (lignes \
                     {previous} et {})",
                    row.line
                ),
                "supprimez la ligne en double puis relancez l'import",
            ));
        }
        rows.push(VoteRow {
            line: row.line,
            code: station,
            ballot_number,
            surname: table.text(row, surname),
            first_name: table.text(row, first_name),
            votes: table.count(row, votes)?,
        });
    }

    Ok(ParsedFile::Votes(VotesFile {
        file: table.file.clone(),
        name_hints,
        rows,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::detect::read_table;
    use super::*;

    fn table(text: &str) -> Table {
        read_table("f.csv", text.as_bytes()).unwrap()
    }

    fn stations(text: &str) -> Result<StationsFile, ImportError> {
        match parse_stations(&table(text), Hints::default())? {
            ParsedFile::Stations(file) => Ok(file),
            other => panic!("not a stations file: {other:?}"),
        }
    }

    fn candidates(text: &str) -> Result<CandidatesFile, ImportError> {
        match parse_candidates(&table(text), Hints::default())? {
            ParsedFile::Candidates(file) => Ok(file),
            other => panic!("not a candidates file: {other:?}"),
        }
    }

    fn votes(text: &str) -> Result<VotesFile, ImportError> {
        match parse_votes(&table(text), Hints::default())? {
            ParsedFile::Votes(file) => Ok(file),
            other => panic!("not a votes file: {other:?}"),
        }
    }

    #[test]
    fn stations_second_count_mapping() {
        let file = stations(
            "code_bv,inscrits,votants,votants_autre_decompte,blancs,nuls,exprimes\n\
             29,1173,730,731,16,6,708\n",
        )
        .unwrap();
        let station = &file.stations[0];
        assert_eq!(station.code.as_str(), "0029");
        assert_eq!(station.voters, Some(731));
        assert_eq!(station.ballots, Some(730));
        assert!(file.has_second_count);
    }

    #[test]
    fn stations_without_figures() {
        let file = stations(
            "code_bv;libelle_bv;lieu_de_vote;canton;circonscription\n\
             1;Mairie;Hôtel de ville;Bondy-1;93-9\n",
        )
        .unwrap();
        let station = &file.stations[0];
        assert_eq!(station.name.as_deref(), Some("Mairie"));
        assert_eq!(station.constituency.as_deref(), Some("93-09"));
        assert_eq!(station.registered, None);
    }

    #[test]
    fn stations_duplicate_rejected() {
        let error = stations("code_bv,inscrits\n0001,10\n1,12\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("deux fois"), "{}", error.message);
    }

    #[test]
    fn stations_total_rejected() {
        let error = stations("code_bv,inscrits\n0001,10\nTotal,10\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        let error = stations("code_bv,inscrits\n0001,10\n,10\n").unwrap_err();
        assert!(error.message.contains("total"), "{}", error.message);
    }

    #[test]
    fn candidates_from_list_head() {
        let file = candidates(
            "numero_liste,libelle_liste,tete_de_liste,nuance,couleur\n\
             005,AIMER TOULOUSE,Jean-Luc MOUDENC,LDVD,#0055A4\n",
        )
        .unwrap();
        let list = &file.candidates[0].candidate;
        assert_eq!(list.ballot_number, 5);
        assert_eq!(list.surname, "MOUDENC");
        assert_eq!(list.first_name, "Jean-Luc");
        assert_eq!(list.colour.as_deref(), Some("#0055a4"));
        assert_eq!(file.number_column, "numero_liste");
    }

    #[test]
    fn candidates_bad_colour_rejected() {
        let error = candidates("numero_panneau,nom,couleur\n1,A,bleu\n").unwrap_err();
        assert_eq!(error.column.as_deref(), Some("couleur"));
    }

    #[test]
    fn candidates_duplicate_rejected() {
        let error = candidates("numero_panneau,nom\n1,A\n01,B\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        let file =
            candidates("circonscription,numero_panneau,nom\n29-02,1,A\n29-03,1,B\n").unwrap();
        assert_eq!(file.candidates.len(), 2);
    }

    #[test]
    fn votes_duplicate_rejected() {
        let error = votes("code_bv,numero_panneau,voix\n0001,1,5\n1,01,7\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("deux lignes"), "{}", error.message);
    }

    #[test]
    fn votes_invalid_count_rejected() {
        let error = votes("code_bv,numero_panneau,voix\n0001,1,1 2\n").unwrap_err();
        assert_eq!(error.column.as_deref(), Some("voix"));
        assert_eq!(error.value.as_deref(), Some("1 2"));
    }
}
