//! Cell-level parsing shared by every layout: header names, counts, codes, names, colours.

/// Replaces a French accented letter by its base letter (`é` → `e`, `Ç` → `C`). Ligatures
/// (`œ`, `æ`) are expanded by [`fold`].
fn base_letter(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
        'À' | 'Â' | 'Ä' | 'Á' | 'Ã' => 'A',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'Î' | 'Ï' | 'Í' | 'Ì' => 'I',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
        'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => 'O',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'Ù' | 'Û' | 'Ü' | 'Ú' => 'U',
        'ç' => 'c',
        'Ç' => 'C',
        'ÿ' => 'y',
        'Ÿ' => 'Y',
        'ñ' => 'n',
        'Ñ' => 'N',
        other => other,
    }
}

/// Removes accents and expands ligatures, keeping case.
fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'œ' => folded.push_str("oe"),
            'Œ' => folded.push_str("OE"),
            'æ' => folded.push_str("ae"),
            'Æ' => folded.push_str("AE"),
            other => folded.push(base_letter(other)),
        }
    }
    folded
}

/// Keeps letters and digits, turns every other run of characters into one space.
fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Key under which a header name is looked up: lower case, no accents, words separated by
/// single spaces. `N°Panneau` gives `n panneau`, `Code du b.vote` gives `code du b vote`
/// and `code_bv` gives `code bv`.
pub(crate) fn header_key(text: &str) -> String {
    words(&fold(text).to_lowercase())
}

/// Key under which candidate names are compared: upper case, no accents, words separated
/// by single spaces, so that `Bréhier` and `BREHIER` match.
pub(crate) fn name_key(text: &str) -> String {
    words(&fold(text).to_uppercase())
}

/// Parses a count: ASCII digits only, leading zeros allowed (`00008198`), surrounding
/// spaces ignored. Signs, decimals and inner spaces are rejected.
pub(crate) fn parse_count(text: &str) -> Option<u32> {
    let trimmed = text.trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = trimmed.trim_start_matches('0');
    if significant.is_empty() {
        return Some(0);
    }
    significant.parse::<u32>().ok()
}

/// Returns whether a station-code cell labels a total row rather than a polling station.
pub(crate) fn is_total_label(text: &str) -> bool {
    let key = header_key(text);
    ["total", "totaux", "ensemble", "cumul", "tous"]
        .iter()
        .any(|word| key == *word || key.starts_with(&format!("{word} ")))
}

/// Normalises a département code as the Ministry writes it: `1` → `01`, `2a` → `2A`,
/// `971` stays. The Ministry's letter codes of the overseas départements are mapped to
/// their numeric codes (`ZA` → `971`, `ZB` → `972`, `ZC` → `973`, `ZD` → `974`,
/// `ZS` → `975`, `ZM` → `976`). Returns `None` for anything else.
pub(crate) fn normalize_department(text: &str) -> Option<String> {
    let upper = text.trim().to_ascii_uppercase();
    let mapped = match upper.as_str() {
        "ZA" => "971",
        "ZB" => "972",
        "ZC" => "973",
        "ZD" => "974",
        "ZS" => "975",
        "ZM" => "976",
        other => other,
    };
    if mapped.is_empty() || !mapped.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    if mapped.bytes().all(|b| b.is_ascii_digit()) {
        return match mapped.len() {
            1 | 2 => Some(format!("{mapped:0>2}")),
            3 => Some(mapped.to_string()),
            _ => None,
        };
    }
    matches!(mapped, "2A" | "2B").then(|| mapped.to_string())
}

/// Normalises a five-character INSEE code, restoring a leading zero lost by a spreadsheet
/// (`1034` → `01034`). Accepts Corsican codes (`2A004`).
pub(crate) fn normalize_insee(text: &str) -> Option<String> {
    let upper = text.trim().to_ascii_uppercase();
    if upper.len() == 4 && upper.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("0{upper}"));
    }
    let valid = upper.len() == 5
        && (upper.bytes().all(|b| b.is_ascii_digit())
            || ((upper.starts_with("2A") || upper.starts_with("2B"))
                && upper[2..].bytes().all(|b| b.is_ascii_digit())));
    valid.then_some(upper)
}

/// Builds an INSEE code from a département code and the Ministry's three-character
/// commune code (`93` + `10` → `93010`). Overseas communes take `97` and the commune
/// code, whose first digit is the département's last one (`971` + `105` → `97105`).
pub(crate) fn insee_from_parts(department: &str, commune: &str) -> Option<String> {
    let commune = commune.trim();
    if commune.is_empty() || commune.len() > 3 || !commune.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let commune = format!("{commune:0>3}");
    match department.len() {
        2 => Some(format!("{department}{commune}")),
        // NOTE: checked on no real overseas row; the samples are all metropolitan.
        3 if department.starts_with("97") => Some(format!("97{commune}")),
        _ => None,
    }
}

/// Département of an INSEE code: three characters overseas (`97105` → `971`), else two.
pub(crate) fn department_of_insee(insee: &str) -> String {
    let length = if insee.starts_with("97") || insee.starts_with("98") {
        3
    } else {
        2
    };
    insee.chars().take(length).collect()
}

/// Normalises a constituency code written `29-2`, `29-02` or `29 02` to `29-02`. Other
/// texts are kept as written, trimmed.
pub(crate) fn normalize_constituency(text: &str) -> String {
    let trimmed = text.trim();
    let parts: Vec<&str> = trimmed
        .split(['-', ' ', '_'])
        .filter(|part| !part.is_empty())
        .collect();
    if let [department, number] = parts.as_slice()
        && let (Some(department), Some(number)) =
            (normalize_department(department), parse_count(number))
    {
        return format!("{department}-{number:02}");
    }
    trimmed.to_string()
}

/// Parses a display colour, `#rrggbb` or `rrggbb`, into lower-case `#rrggbb`.
pub(crate) fn parse_colour(text: &str) -> Option<String> {
    let hex = text.trim().trim_start_matches('#');
    (hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("#{}", hex.to_ascii_lowercase()))
}

/// Splits a list head written `Prénom NOM` (`Jean-Luc MOUDENC`) into first name and
/// surname: the surname is the trailing run of words written in capitals.
pub(crate) fn split_list_head(text: &str) -> (String, String) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let is_capitalised =
        |word: &str| word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_lowercase);
    let mut start = words.len();
    while start > 0 && is_capitalised(words[start - 1]) {
        start -= 1;
    }
    if start == words.len() {
        // No word in capitals: the whole text is kept as the surname.
        return (String::new(), words.join(" "));
    }
    (words[..start].join(" "), words[start..].join(" "))
}

/// Capitalises a commune name taken from a file name (`saint-renan` → `Saint-Renan`).
pub(crate) fn title_case(slug: &str) -> String {
    let mut out = String::with_capacity(slug.len());
    let mut at_word_start = true;
    for c in slug.chars() {
        if c == '_' {
            out.push(' ');
            at_word_start = true;
            continue;
        }
        if at_word_start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        at_word_start = c == '-' || c == ' ';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_key_ignores_accents_and_punctuation() {
        assert_eq!(header_key("N°Panneau"), "n panneau");
        assert_eq!(header_key("Code du b.vote"), "code du b vote");
        assert_eq!(header_key("code_bv"), "code bv");
        assert_eq!(header_key(" Exprimés "), "exprimes");
        assert_eq!(header_key("Sièges / Elu"), "sieges elu");
    }

    #[test]
    fn count_accepts_zero_padding() {
        assert_eq!(parse_count("00008198"), Some(8198));
        assert_eq!(parse_count(" 12 "), Some(12));
        assert_eq!(parse_count("0"), Some(0));
        assert_eq!(parse_count("000"), Some(0));
    }

    #[test]
    fn count_rejects_non_integers() {
        for bad in ["", "1 2", "-1", "1,5", "12.0", "+3", "abc", "99999999999"] {
            assert_eq!(parse_count(bad), None, "{bad:?} accepted");
        }
    }

    #[test]
    fn total_labels_detected() {
        for total in ["Total", "TOTAL", "Ensemble", "total commune", "Totaux"] {
            assert!(is_total_label(total), "{total:?} not seen as a total");
        }
        for station in ["0001", "054A", "Totem"] {
            assert!(!is_total_label(station), "{station:?} seen as a total");
        }
    }

    #[test]
    fn department_codes_restored() {
        assert_eq!(normalize_department("1").as_deref(), Some("01"));
        assert_eq!(normalize_department("93").as_deref(), Some("93"));
        assert_eq!(normalize_department("2a").as_deref(), Some("2A"));
        assert_eq!(normalize_department("ZA").as_deref(), Some("971"));
        assert_eq!(normalize_department("974").as_deref(), Some("974"));
        assert_eq!(normalize_department("ZZ"), None);
        assert_eq!(normalize_department(""), None);
    }

    #[test]
    fn insee_codes_restored() {
        assert_eq!(normalize_insee("1034").as_deref(), Some("01034"));
        assert_eq!(normalize_insee("29061").as_deref(), Some("29061"));
        assert_eq!(normalize_insee("2a004").as_deref(), Some("2A004"));
        assert_eq!(normalize_insee("123"), None);
        assert_eq!(insee_from_parts("93", "10").as_deref(), Some("93010"));
        assert_eq!(insee_from_parts("01", "34").as_deref(), Some("01034"));
        assert_eq!(insee_from_parts("971", "105").as_deref(), Some("97105"));
        assert_eq!(department_of_insee("97105"), "971");
        assert_eq!(department_of_insee("31555"), "31");
    }

    #[test]
    fn constituency_codes_padded() {
        assert_eq!(normalize_constituency("29-2"), "29-02");
        assert_eq!(normalize_constituency("29-02"), "29-02");
        assert_eq!(normalize_constituency("groupe-1"), "groupe-1");
    }

    #[test]
    fn list_head_split() {
        assert_eq!(
            split_list_head("Jean-Luc MOUDENC"),
            ("Jean-Luc".to_string(), "MOUDENC".to_string())
        );
        assert_eq!(
            split_list_head("François BRIANÇON"),
            ("François".to_string(), "BRIANÇON".to_string())
        );
        assert_eq!(
            split_list_head("Marie LE GALL"),
            ("Marie".to_string(), "LE GALL".to_string())
        );
        assert_eq!(
            split_list_head("Sans Majuscules"),
            (String::new(), "Sans Majuscules".to_string())
        );
    }

    #[test]
    fn colours_normalized() {
        assert_eq!(parse_colour("#FF8800").as_deref(), Some("#ff8800"));
        assert_eq!(parse_colour("00aa11").as_deref(), Some("#00aa11"));
        assert_eq!(parse_colour("red"), None);
    }

    #[test]
    fn commune_slug_capitalised() {
        assert_eq!(title_case("toulouse"), "Toulouse");
        assert_eq!(title_case("saint-renan"), "Saint-Renan");
    }
}
