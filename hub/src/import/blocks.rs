//! The Ministry's layouts with unnamed repeated candidate blocks: only the first block has
//! header names, and each row carries as many blocks as it has candidates.
//!
//! - Présidentielle 2022 per bureau: 7-column blocks `N°Panneau; Sexe; Nom; Prénom; Voix;
//!   % Voix/Ins; % Voix/Exp`.
//! - Législatives 2017 per bureau: 8-column blocks with `Nuance` before `Voix`; the
//!   constituency comes from `Code de la circonscription`.
//! - Municipales 2020, communes of 1000 inhabitants or more, per commune: 12-column blocks
//!   `N.Pan.; Code Nuance; Sexe; Nom; Prénom; Liste; Sièges / Elu; Sièges Secteur;
//!   Sièges CC; Voix; % Voix/Ins; % Voix/Exp`. The commune becomes a single station.

use super::detect::BLOCK_START_KEYS;
use super::records::{Hints, ParsedFile};
use super::table::{Row, Table};
use super::wide::{CandidateColumns, CandidateGroup, FixedColumns, read_rows};
use super::{ImportError, ImportOptions};
use std::collections::BTreeMap;
use urne_common::election::ElectionKind;

/// Parses a file of one of the block layouts.
pub(crate) fn parse(
    table: &Table,
    name_hints: Hints,
    options: &ImportOptions,
) -> Result<ParsedFile, ImportError> {
    let fixed = FixedColumns::find(table)?;
    let start = table
        .keys
        .iter()
        .position(|key| BLOCK_START_KEYS.contains(&key.as_str()))
        .ok_or_else(|| ImportError::missing_column(&table.file, &["N°Panneau", "N.Pan."]))?;
    let end = table
        .header
        .iter()
        .rposition(|name| !name.is_empty())
        .map_or(start + 1, |last| last + 1);
    let width = end - start;
    let offsets = block_offsets(table, start, end);
    if offsets.votes.is_none() {
        return Err(ImportError::missing_column(&table.file, &["Voix"]));
    }
    let (format, default_kind) = if offsets.has_list_label() {
        ("ministere-mun2020", ElectionKind::Municipal)
    } else if offsets.nuance.is_some() {
        ("ministere-lg2017", ElectionKind::Legislative)
    } else {
        ("ministere-pr2022", ElectionKind::Presidential)
    };
    let groups_of_row = |row: &Row| -> Vec<CandidateGroup> {
        let mut groups = Vec::new();
        let mut block = 0usize;
        while start + block * width < row.cells.len() {
            let first = start + block * width;
            groups.push(block_group(table, &offsets, first, block, start));
            block += 1;
        }
        groups
    };
    read_rows(
        table,
        &fixed,
        groups_of_row,
        format,
        default_kind,
        name_hints,
        options,
    )
}

/// Roles of the first block's columns, as offsets from the block's first column.
fn block_offsets(table: &Table, start: usize, end: usize) -> CandidateColumns {
    let mut offsets = CandidateColumns::default();
    for (offset, column) in (start..end).enumerate() {
        let is_percentage = table.header[column].contains('%');
        let slot = match table.keys[column].as_str() {
            key if BLOCK_START_KEYS.contains(&key) => &mut offsets.number,
            "voix" if !is_percentage => &mut offsets.votes,
            "sexe" => &mut offsets.sex,
            "nom" => &mut offsets.surname,
            "prenom" => &mut offsets.first_name,
            "nuance" | "code nuance" => &mut offsets.nuance,
            "liste" | "libelle de liste" | "libelle liste" => &mut offsets.list_label,
            _ => continue,
        };
        slot.get_or_insert(offset);
    }
    offsets
}

/// Columns of block number `block` (0-based), whose first column is `first`.
fn block_group(
    table: &Table,
    offsets: &CandidateColumns,
    first: usize,
    block: usize,
    start: usize,
) -> CandidateGroup {
    let shift = |offset: Option<usize>| offset.map(|offset| first + offset);
    let columns = CandidateColumns {
        number: shift(offsets.number),
        votes: shift(offsets.votes),
        sex: shift(offsets.sex),
        surname: shift(offsets.surname),
        first_name: shift(offsets.first_name),
        nuance: shift(offsets.nuance),
        nuance_label: None,
        list_label: shift(offsets.list_label),
        short_list_label: None,
    };
    let mut names = BTreeMap::new();
    if block > 0 {
        for (column, offset) in [
            (columns.number, offsets.number),
            (columns.votes, offsets.votes),
            (columns.sex, offsets.sex),
        ] {
            if let (Some(column), Some(offset)) = (column, offset) {
                let base = table.column_name(start + offset);
                names.insert(column, format!("{base} (bloc {})", block + 1));
            }
        }
    }
    CandidateGroup {
        columns,
        rank: u32::try_from(block + 1).unwrap_or(u32::MAX),
        names,
    }
}

#[cfg(test)]
mod tests {
    use super::super::detect::read_table;
    use super::*;

    fn parse_text(text: &str, options: &ImportOptions) -> Result<ParsedFile, ImportError> {
        let table = read_table("bv.csv", text.as_bytes())?;
        parse(&table, Hints::default(), options)
    }

    const PR_HEADER: &str = "Code du département;Libellé du département;Code de la \
        circonscription;Libellé de la circonscription;Code de la commune;Libellé de la \
        commune;Code du b.vote;Inscrits;Abstentions;% Abs/Ins;Votants;% Vot/Ins;Blancs;\
        % Blancs/Ins;% Blancs/Vot;Nuls;% Nuls/Ins;% Nuls/Vot;Exprimés;% Exp/Ins;% Exp/Vot;\
        N°Panneau;Sexe;Nom;Prénom;Voix;% Voix/Ins;% Voix/Exp";

    fn results(parsed: ParsedFile) -> super::super::records::ResultFile {
        match parsed {
            ParsedFile::Results(results) => results,
            other => panic!("not a results file: {other:?}"),
        }
    }

    #[test]
    fn presidential_blocks_read() {
        let text = format!(
            "{PR_HEADER}\n\
             1;Ain;1;1ère;34;Belley;1;100;20;20,00;80;80,00;2;2,00;2,50;1;1,00;1,25;77;77,00;\
             96,25;1;F;ARTHAUD;Nathalie;30;30,00;38,96;2;M;ROUSSEL;Fabien;47;47,00;61,04\n"
        );
        let file = results(parse_text(&text, &ImportOptions::default()).unwrap());
        assert_eq!(file.format, "ministere-pr2022");
        assert_eq!(file.commune.as_ref().unwrap().insee, "01034");
        assert_eq!(file.commune.as_ref().unwrap().department, "01");
        let station = &file.stations[0];
        assert_eq!(station.code.as_str(), "0001");
        assert_eq!(station.constituency.as_deref(), Some("01-01"));
        assert_eq!(station.votes.len(), 2);
        assert_eq!(station.votes[1].candidate.surname, "ROUSSEL");
        assert_eq!(station.votes[1].votes, 47);
    }

    #[test]
    fn bad_votes_in_later_block_named() {
        let text = format!(
            "{PR_HEADER}\n\
             93;S;9;9e;10;Bondy;1;100;20;x;80;x;2;x;x;1;x;x;77;x;x;1;F;A;N;30;x;x;2;M;R;F;4 7;x;x\n"
        );
        let error = parse_text(&text, &ImportOptions::default()).unwrap_err();
        assert_eq!(error.column.as_deref(), Some("Voix (bloc 2)"));
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("« 4 7 »"), "{}", error.message);
    }

    #[test]
    fn legislative_2017_blocks_with_nuance() {
        let text = "Code du département;Code de la circonscription;Code de la commune;\
            Libellé de la commune;Code du b.vote;Inscrits;Votants;Blancs;Nuls;Exprimés;\
            N°Panneau;Sexe;Nom;Prénom;Nuance;Voix;% Voix/Ins;% Voix/Exp\n\
            29;2;61;Gouesnou;0001;100;80;2;1;77;1;M;A;B;REM;50;x;x;2;F;C;D;FI;27;x;x\n";
        let file = results(parse_text(text, &ImportOptions::default()).unwrap());
        assert_eq!(file.format, "ministere-lg2017");
        assert_eq!(file.default_kind, Some(ElectionKind::Legislative));
        assert_eq!(file.stations[0].constituency.as_deref(), Some("29-02"));
        assert_eq!(
            file.stations[0].votes[1].candidate.nuance.as_deref(),
            Some("FI")
        );
    }

    #[test]
    fn municipal_2020_commune_level() {
        let text = "Code du département;Libellé du département;Code de la commune;\
            Libellé de la commune;Inscrits;Abstentions;% Abs/Ins;Votants;% Vot/Ins;Blancs;\
            % Blancs/Ins;% Blancs/Vot;Nuls;% Nuls/Ins;% Nuls/Vot;Exprimés;% Exp/Ins;\
            % Exp/Vot;N.Pan.;Code Nuance;Sexe;Nom;Prénom;Liste;Sièges / Elu;\
            Sièges Secteur;Sièges CC;Voix;% Voix/Ins;% Voix/Exp\n\
            01;Ain;034;Belley;5757;2877;49,97;2880;50,03;51;0,89;1,77;56;0,97;1,94;2773;\
            48,17;96,28;1;LDIV;M;FOGNINI;Jean-Marc;REUNIR POUR BELLEY;6;0;4;1248;21,68;\
            45,01;4;LDVD;M;LAHUERTA;Dimitri;AGIR POUR BELLEY;23;0;12;1525;26,49;54,99\n";
        let file = results(parse_text(text, &ImportOptions::default()).unwrap());
        assert_eq!(file.format, "ministere-mun2020");
        assert_eq!(file.stations.len(), 1);
        assert_eq!(file.stations[0].code.as_str(), "0000");
        let lists: Vec<u32> = file.stations[0]
            .votes
            .iter()
            .map(|votes| votes.candidate.ballot_number)
            .collect();
        assert_eq!(lists, vec![1, 4]);
        assert_eq!(
            file.stations[0].votes[1].candidate.list_label.as_deref(),
            Some("AGIR POUR BELLEY")
        );
    }

    #[test]
    fn percentages_never_read() {
        // Garbage in every percentage column must not matter.
        let text = format!(
            "{PR_HEADER}\n\
             93;S;9;9e;10;Bondy;1;100;20;n/a;80;?;2;%;%;1;;;77;x;x;1;F;A;N;77;abc;12,5%\n"
        );
        let file = results(parse_text(&text, &ImportOptions::default()).unwrap());
        assert_eq!(file.stations[0].figures.valid_votes, 77);
    }
}
