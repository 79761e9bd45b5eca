//! Election hints from file names: the Ministry's codes (`PR2022T1`, `LG2024`,
//! `MUN2020T2`), French words (`municipales2026`, `t1`, `tour2`) and Urne's own naming
//! convention `{commune}_{insee}_{kind}{year}_t{round}_{role}.csv`, which also gives the
//! commune (`gouesnou_29061_legislatives2024_t1_bureaux.csv`).

use super::records::Hints;
use super::values::{normalize_insee, title_case};
use urne_common::election::ElectionKind;

/// Last part of the file names of Urne's own layout.
const OWN_ROLES: [&str; 4] = ["bureaux", "candidats", "listes", "voix"];

/// Reads what a file name says about the election. Directories and the extension are
/// ignored.
pub(crate) fn hints_from_name(path: &str) -> Hints {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let lower = stem.to_lowercase();
    let mut hints = Hints::default();
    for token in lower.split(['_', '-', '.', ' ']) {
        if let Some((kind, year, round)) = kind_year_round(token) {
            hints.kind.get_or_insert(kind);
            hints.year.get_or_insert(year);
            if let Some(round) = round {
                hints.round.get_or_insert(round);
            }
        } else if let Some(round) = round_token(token) {
            hints.round.get_or_insert(round);
        }
    }
    if let Some((insee, name)) = own_commune(&lower) {
        hints.insee = Some(insee);
        hints.commune_name = Some(name);
    }
    hints
}

/// Commune INSEE code and name from a name following Urne's convention: the parts before
/// the INSEE code are the commune's name, and the part after it is `{kind}{year}`.
fn own_commune(stem: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = stem.split('_').collect();
    if !parts.last().is_some_and(|role| OWN_ROLES.contains(role)) {
        return None;
    }
    let position = parts.iter().enumerate().position(|(index, part)| {
        index > 0
            && part.len() == 5
            && normalize_insee(part).is_some()
            && parts
                .get(index + 1)
                .is_some_and(|next| kind_year_round(next).is_some())
    })?;
    let insee = normalize_insee(parts[position])?;
    let name = title_case(&parts[..position].join("_"));
    Some((insee, name))
}

/// Parses `pr2022t1`, `lg2024`, `mun2020t2`, `municipales2026`: letters naming the
/// election, a four-digit year, and an optional `t` with the round.
fn kind_year_round(token: &str) -> Option<(ElectionKind, i32, Option<u8>)> {
    let letters_end = token.find(|c: char| !c.is_alphabetic())?;
    let (letters, rest) = token.split_at(letters_end);
    if rest.len() < 4 || !rest.is_char_boundary(4) {
        return None;
    }
    let (year, suffix) = rest.split_at(4);
    if !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let round = match suffix {
        "" => None,
        other => Some(round_token(other)?),
    };
    let kind = kind_of_word(letters)?;
    Some((kind, year.parse().ok()?, round))
}

/// Election kind from a Ministry code or a French word of a file name.
fn kind_of_word(word: &str) -> Option<ElectionKind> {
    let kind = match word {
        "presidentielle" | "presidentielles" | "présidentielle" | "présidentielles" => {
            ElectionKind::Presidential
        }
        "legislatives" | "législatives" | "legislative" | "législative" => {
            ElectionKind::Legislative
        }
        "europeennes" | "européennes" => ElectionKind::European,
        "municipales" | "muni" => ElectionKind::Municipal,
        "departementales" | "départementales" => ElectionKind::Departmental,
        "regionales" | "régionales" => ElectionKind::Regional,
        "referendum" | "référendum" => ElectionKind::Referendum,
        code if code.len() <= 3 => code.parse().ok()?,
        _ => return None,
    };
    Some(kind)
}

/// `t1`, `t2`, `tour1`, `tour2`.
fn round_token(token: &str) -> Option<u8> {
    let digits = token
        .strip_prefix("tour")
        .or_else(|| token.strip_prefix('t'))?;
    match digits {
        "1" => Some(1),
        "2" => Some(2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ministry_codes_in_names() {
        let hints = hints_from_name("tiers_reexport_csv_bv_PR2022T1_bondy.csv");
        assert_eq!(hints.kind, Some(ElectionKind::Presidential));
        assert_eq!(hints.year, Some(2022));
        assert_eq!(hints.round, Some(1));
        assert_eq!(hints.insee, None);
        let hints = hints_from_name("data/ministere_txt_MUN2020T2_communes1000plus.csv");
        assert_eq!(hints.kind, Some(ElectionKind::Municipal));
        assert_eq!(hints.round, Some(2));
        let hints = hints_from_name("ministere_csv_bv_LG2024T1_circos_29-02_29-03.csv");
        assert_eq!(hints.kind, Some(ElectionKind::Legislative));
        assert_eq!(hints.year, Some(2024));
    }

    #[test]
    fn french_words_in_names() {
        let hints = hints_from_name("toulouse_opendata_municipales2026_t2_raw_columns.csv");
        assert_eq!(hints.kind, Some(ElectionKind::Municipal));
        assert_eq!(hints.year, Some(2026));
        assert_eq!(hints.round, Some(2));
        let hints = hints_from_name("resultats-par-niveau-burvot-t1-france-entiere.txt");
        assert_eq!(hints.round, Some(1));
        assert_eq!(hints.kind, None);
    }

    #[test]
    fn own_convention_gives_commune() {
        let hints = hints_from_name("/tmp/x/saint-renan_29260_legislatives2024_t2_voix.csv");
        assert_eq!(hints.insee.as_deref(), Some("29260"));
        assert_eq!(hints.commune_name.as_deref(), Some("Saint-Renan"));
        assert_eq!(hints.kind, Some(ElectionKind::Legislative));
        assert_eq!(hints.round, Some(2));
        let hints = hints_from_name("toulouse_31555_municipales2026_t1_listes.csv");
        assert_eq!(hints.commune_name.as_deref(), Some("Toulouse"));
    }

    #[test]
    fn unrelated_names_give_nothing() {
        assert_eq!(hints_from_name("bureaux.csv"), Hints::default());
        assert_eq!(hints_from_name("export_2024.csv"), Hints::default());
        assert_eq!(hints_from_name("tableau.csv"), Hints::default());
    }
}
