//! The Ministry's layouts whose candidate columns carry the candidate's rank in their name:
//!
//! - Législatives 2024 per bureau: 9-column groups `Numéro de panneau k; Nuance candidat k;
//!   Nom candidat k; Prénom candidat k; Sexe candidat k; Voix k; % Voix/inscrits k;
//!   % Voix/exprimés k; Elu k`, with `Code commune` the 5-character INSEE code and
//!   `Code BV` the station.
//! - Municipales 2026 per bureau: the same idea with list columns (`Libellé de liste i`,
//!   `Nuance liste i`, `Nom candidat i` or `Nom tête de liste i`…). NOTE: no real file was
//!   available when this reader was written, so column names are matched loosely (see
//!   [`role_of`]) and the tests use a file written for them.
//! - The OpenDataSoft export of municipales 2014 (`voix_01`, `liste_01`…), per commune,
//!   without ballot numbers: the group's rank is used as the ballot number.

use super::records::{Hints, ParsedFile};
use super::table::{Row, Table};
use super::wide::{CandidateColumns, CandidateGroup, FixedColumns, read_rows};
use super::{ImportError, ImportOptions};
use std::collections::BTreeMap;
use urne_common::election::ElectionKind;

/// Role of a numbered column in its candidate's group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Number,
    Votes,
    Sex,
    Surname,
    FirstName,
    Nuance,
    NuanceLabel,
    ListLabel,
    ShortListLabel,
    /// Percentages, seats, « élu » flags: never read.
    Ignored,
}

/// Role of a column from its header key without the rank (`voix`, `nom candidat`…).
fn role_of(prefix: &str, is_percentage: bool) -> Role {
    if is_percentage || prefix.starts_with("voix ") {
        // `% Voix/inscrits k`, and `voix_ins_01`, `voix_exp_01` in the 2014 export.
        return Role::Ignored;
    }
    let starts = |word: &str| prefix == word || prefix.starts_with(&format!("{word} "));
    if prefix == "voix" {
        Role::Votes
    } else if starts("numero de panneau")
        || starts("numero panneau")
        || starts("n panneau")
        || starts("numero de liste")
        || starts("numero liste")
        || starts("n liste")
    {
        Role::Number
    } else if starts("nuance") || starts("code nuance") {
        Role::Nuance
    } else if starts("libelle") && prefix.contains("nuance") {
        Role::NuanceLabel
    } else if starts("libelle abrege") && prefix.contains("liste") {
        Role::ShortListLabel
    } else if (starts("libelle") && prefix.contains("liste")) || starts("liste") {
        Role::ListLabel
    } else if starts("nom") {
        Role::Surname
    } else if starts("prenom") {
        Role::FirstName
    } else if starts("sexe") {
        Role::Sex
    } else {
        Role::Ignored
    }
}

/// Splits a header key into its prefix and trailing rank (`voix 03` → (`voix`, 3)).
fn split_rank(key: &str) -> Option<(&str, u32)> {
    let (prefix, rank) = key.rsplit_once(' ')?;
    if rank.is_empty() || !rank.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((prefix, rank.parse().ok()?))
}

/// Candidate groups of the header, keyed by rank.
fn candidate_groups(table: &Table) -> BTreeMap<u32, CandidateColumns> {
    let mut groups: BTreeMap<u32, CandidateColumns> = BTreeMap::new();
    for (column, key) in table.keys.iter().enumerate() {
        let Some((prefix, rank)) = split_rank(key) else {
            continue;
        };
        let role = role_of(prefix, table.header[column].contains('%'));
        let group = groups.entry(rank).or_default();
        let slot = match role {
            Role::Number => &mut group.number,
            Role::Votes => &mut group.votes,
            Role::Sex => &mut group.sex,
            Role::Surname => &mut group.surname,
            Role::FirstName => &mut group.first_name,
            Role::Nuance => &mut group.nuance,
            Role::NuanceLabel => &mut group.nuance_label,
            Role::ListLabel => &mut group.list_label,
            Role::ShortListLabel => &mut group.short_list_label,
            Role::Ignored => continue,
        };
        slot.get_or_insert(column);
    }
    groups.retain(|_, group| group.votes.is_some());
    groups
}

/// Parses a file of one of the numbered layouts.
pub(crate) fn parse(
    table: &Table,
    name_hints: Hints,
    options: &ImportOptions,
) -> Result<ParsedFile, ImportError> {
    let fixed = FixedColumns::find(table)?;
    let groups = candidate_groups(table);
    let is_list = groups.values().any(CandidateColumns::has_list_label);
    let (format, default_kind) = match (is_list, fixed.blank_and_invalid.is_some()) {
        (true, true) => ("opendatasoft-mun2014", ElectionKind::Municipal),
        (true, false) => ("ministere-mun2026", ElectionKind::Municipal),
        (false, _) => ("ministere-lg2024", ElectionKind::Legislative),
    };
    let groups_of_row = |_: &Row| -> Vec<CandidateGroup> {
        groups
            .iter()
            .map(|(rank, columns)| CandidateGroup {
                columns: columns.clone(),
                rank: *rank,
                names: BTreeMap::new(),
            })
            .collect()
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

#[cfg(test)]
mod tests {
    use super::super::detect::read_table;
    use super::super::records::ResultFile;
    use super::*;

    fn parse_text(text: &str, options: &ImportOptions) -> Result<ResultFile, ImportError> {
        let table = read_table("bv.csv", text.as_bytes())?;
        match parse(&table, Hints::default(), options)? {
            ParsedFile::Results(results) => Ok(results),
            other => panic!("not a results file: {other:?}"),
        }
    }

    const LG_HEADER: &str = "Code département;Libellé département;Code commune;Libellé commune;\
        Code BV;Inscrits;Votants;% Votants;Abstentions;% Abstentions;Exprimés;\
        % Exprimés/inscrits;% Exprimés/votants;Blancs;% Blancs/inscrits;% Blancs/votants;Nuls;\
        % Nuls/inscrits;% Nuls/votants;Numéro de panneau 1;Nuance candidat 1;Nom candidat 1;\
        Prénom candidat 1;Sexe candidat 1;Voix 1;% Voix/inscrits 1;% Voix/exprimés 1;Elu 1;\
        Numéro de panneau 2;Nuance candidat 2;Nom candidat 2;Prénom candidat 2;\
        Sexe candidat 2;Voix 2;% Voix/inscrits 2;% Voix/exprimés 2;Elu 2";

    #[test]
    fn roles_from_loose_names() {
        assert_eq!(role_of("voix", false), Role::Votes);
        assert_eq!(role_of("voix", true), Role::Ignored);
        assert_eq!(role_of("voix ins", false), Role::Ignored);
        assert_eq!(role_of("numero de panneau", false), Role::Number);
        assert_eq!(role_of("numero de liste", false), Role::Number);
        assert_eq!(role_of("nuance liste", false), Role::Nuance);
        assert_eq!(role_of("libelle de liste", false), Role::ListLabel);
        assert_eq!(
            role_of("libelle abrege de liste", false),
            Role::ShortListLabel
        );
        assert_eq!(role_of("libelle nuance liste", false), Role::NuanceLabel);
        assert_eq!(role_of("nom tete de liste", false), Role::Surname);
        assert_eq!(role_of("prenom candidat", false), Role::FirstName);
        assert_eq!(role_of("sieges cm", false), Role::Ignored);
        assert_eq!(role_of("elu", false), Role::Ignored);
    }

    #[test]
    fn legislative_2024_resaved_row() {
        // Quotes removed, leading zeros lost, MASCULIN/FEMININ: a third-party re-save.
        let text = format!(
            "{LG_HEADER}\n\
             29;Finistère;29061;Gouesnou;1;994;760;76,46%;234;23,54%;740;74,45%;97,37%;13;\
             1,31%;1,71%;7;0,70%;0,92%;1;ENS;BRÉHIER;Tristan;MASCULIN;175;17,61%;23,65%;;2;\
             ECO;HENRY;Geneviève;FEMININ;565;2,31%;3,11%;;;;;;;\n"
        );
        let file = parse_text(&text, &ImportOptions::default()).unwrap();
        assert_eq!(file.format, "ministere-lg2024");
        let station = &file.stations[0];
        assert_eq!(station.code.as_str(), "0001");
        assert_eq!(station.figures.registered, 994);
        assert_eq!(station.figures.blank, 13);
        assert_eq!(station.figures.invalid, 7);
        assert_eq!(
            station.votes[1].candidate.sex,
            Some(urne_common::election::Sex::Female)
        );
        assert_eq!(station.votes[1].votes, 565);
    }

    #[test]
    fn duplicate_station_rows_rejected() {
        let row = "29;F;29061;Gouesnou;0001;10;8;x;2;x;6;x;x;1;x;x;1;x;x;1;A;N;P;M;6;x;x;;;;;;;;;;";
        let text = format!("{LG_HEADER}\n{row}\n{row}\n");
        let error = parse_text(&text, &ImportOptions::default()).unwrap_err();
        assert_eq!(error.line, Some(3));
        assert_eq!(error.column.as_deref(), Some("Code BV"));
        assert!(error.message.contains("deux fois"), "{}", error.message);
    }

    #[test]
    fn total_row_rejected() {
        let good =
            "29;F;29061;Gouesnou;0001;10;8;x;2;x;6;x;x;1;x;x;1;x;x;1;A;N;P;M;6;x;x;;;;;;;;;;";
        for code in ["Total", "TOTAL", "Ensemble", ""] {
            let total = good.replace(";0001;", &format!(";{code};"));
            let text = format!("{LG_HEADER}\n{good}\n{total}\n");
            let error = parse_text(&text, &ImportOptions::default()).unwrap_err();
            assert_eq!(error.line, Some(3), "code {code:?}");
            assert!(error.message.contains("total"), "{}", error.message);
        }
    }

    #[test]
    fn missing_column_rejected() {
        let text = LG_HEADER.replace(";Exprimés;", ";Exprimes bis;");
        let error = parse_text(&format!("{text}\n"), &ImportOptions::default()).unwrap_err();
        assert!(error.message.contains("« Exprimés »"), "{}", error.message);
        assert_eq!(error.line, Some(1));
    }

    #[test]
    fn invalid_count_rejected() {
        let row =
            "29;F;29061;Gouesnou;0001;10;8;x;2;x;6;x;x;1;x;x;1;x;x;1;A;N;P;M;-6;x;x;;;;;;;;;;";
        let error =
            parse_text(&format!("{LG_HEADER}\n{row}\n"), &ImportOptions::default()).unwrap_err();
        assert_eq!(error.column.as_deref(), Some("Voix 1"));
        assert_eq!(error.value.as_deref(), Some("-6"));
        assert_eq!(
            error.message,
            "fichier bv.csv, ligne 2, colonne « Voix 1 » : valeur « -6 » invalide, un nombre \
             entier positif est attendu ; corrigez la cellule puis relancez l'import"
        );
    }

    #[test]
    fn municipal_2026_lists_read() {
        let text = "Code département;Libellé département;Code commune;Libellé commune;Code BV;\
            Inscrits;Votants;Abstentions;Exprimés;Blancs;Nuls;Numéro de panneau 1;\
            Nuance liste 1;Libellé abrégé de liste 1;Libellé de liste 1;Nom tête de liste 1;\
            Prénom tête de liste 1;Sexe tête de liste 1;Voix 1;% Voix/exprimés 1;Sièges CM 1\n\
            31;Haute-Garonne;31555;Toulouse;0054A;900;600;300;590;6;4;5;LDVD;AR;\
            AIMER TOULOUSE;MOUDENC;Jean-Luc;M;590;100,00%;\n";
        // `0054A` is five characters: a realistic typo that must be rejected.
        let error = parse_text(text, &ImportOptions::default()).unwrap_err();
        assert_eq!(error.column.as_deref(), Some("Code BV"));
        let file = parse_text(&text.replace("0054A", "054A"), &ImportOptions::default()).unwrap();
        assert_eq!(file.format, "ministere-mun2026");
        assert_eq!(file.default_kind, Some(ElectionKind::Municipal));
        let list = &file.stations[0].votes[0].candidate;
        assert_eq!(list.ballot_number, 5);
        assert_eq!(list.list_label.as_deref(), Some("AIMER TOULOUSE"));
        assert_eq!(list.surname, "MOUDENC");
        assert_eq!(list.nuance.as_deref(), Some("LDVD"));
    }
}
