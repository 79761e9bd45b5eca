//! French formatting shared by the trail renderings of `seats` and `outcome`.
//!
//! Every number shown to an official goes through these helpers, so that rounding happens in
//! one place and only for display.

use std::fmt::Write as _;

use chrono::NaiveDate;

/// Thousands separator of French typography (narrow no-break space).
const THOUSANDS_SEPARATOR: char = '\u{202f}';

/// Formats an integer with French thousands separators: `12 345`.
pub(crate) fn integer(value: impl Into<u128>) -> String {
    let digits = value.into().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(THOUSANDS_SEPARATOR);
        }
        grouped.push(digit);
    }
    grouped
}

/// Formats `numerator / denominator` with a decimal comma and two decimals rounded half up,
/// or as an integer when the division is exact. A zero denominator renders as `∞`.
pub(crate) fn quotient(numerator: u128, denominator: u128) -> String {
    if denominator == 0 {
        return "∞".to_owned();
    }
    let remainder = numerator % denominator;
    if remainder == 0 {
        return integer(numerator / denominator);
    }
    let hundredths = (remainder * 200 + denominator) / (denominator * 2);
    let mut text = integer(numerator / denominator + hundredths / 100);
    let _ = write!(text, ",{:02}", hundredths % 100);
    text
}

/// Formats a share as a percentage with two decimals, `12,43 %`, or `–` when `whole` is zero.
pub(crate) fn percent(part: u64, whole: u64) -> String {
    match crate::share::render_percent(part, whole) {
        Some(percent) => format!("{percent} %"),
        None => "–".to_owned(),
    }
}

/// Returns "siège" or "sièges" as French grammar requires after `count` (0 and 1 are singular).
pub(crate) fn seats_word(count: impl Into<i64>) -> &'static str {
    if count.into().abs() > 1 {
        "sièges"
    } else {
        "siège"
    }
}

/// Names a list by its ballot number: `liste n° 3`.
pub(crate) fn list(ballot_number: u32) -> String {
    format!("liste n° {ballot_number}")
}

/// Names several lists: `liste n° 1`, `listes n° 1 et n° 2`, `listes n° 1, n° 2 et n° 4`.
pub(crate) fn lists(ballot_numbers: &[u32]) -> String {
    match ballot_numbers {
        [] => "aucune liste".to_owned(),
        [single] => list(*single),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(|number| format!("n° {number}")).collect();
            format!("listes {} et n° {last}", rest.join(", "))
        }
    }
}

/// Writes "à la liste n° 1" for one list and "aux listes n° 1 et n° 2" for several.
pub(crate) fn to_lists(ballot_numbers: &[u32]) -> String {
    if ballot_numbers.len() > 1 {
        format!("aux {}", lists(ballot_numbers))
    } else {
        format!("à la {}", lists(ballot_numbers))
    }
}

/// Writes "de la liste n° 1" for one list and "des listes n° 1 et n° 2" for several.
pub(crate) fn of_lists(ballot_numbers: &[u32]) -> String {
    if ballot_numbers.len() > 1 {
        format!("des {}", lists(ballot_numbers))
    } else {
        format!("de la {}", lists(ballot_numbers))
    }
}

/// Formats a date as `12/03/1954`.
pub(crate) fn date(value: NaiveDate) -> String {
    value.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_groups_thousands() {
        assert_eq!(integer(0u64), "0");
        assert_eq!(integer(999u64), "999");
        assert_eq!(integer(6918u64), "6\u{202f}918");
        assert_eq!(integer(1_234_567u64), "1\u{202f}234\u{202f}567");
    }

    #[test]
    fn quotient_rounds_half_up() {
        assert_eq!(quotient(300, 5), "60");
        assert_eq!(quotient(120, 7), "17,14");
        assert_eq!(quotient(1, 8), "0,13");
        assert_eq!(quotient(2, 3), "0,67");
        assert_eq!(quotient(1, 0), "∞");
    }

    #[test]
    fn lists_joins_with_et() {
        assert_eq!(lists(&[3]), "liste n° 3");
        assert_eq!(lists(&[1, 2]), "listes n° 1 et n° 2");
        assert_eq!(lists(&[1, 2, 4]), "listes n° 1, n° 2 et n° 4");
    }

    #[test]
    fn seats_word_is_plural_above_one() {
        assert_eq!(seats_word(0), "siège");
        assert_eq!(seats_word(1), "siège");
        assert_eq!(seats_word(-1), "siège");
        assert_eq!(seats_word(2), "sièges");
        assert_eq!(seats_word(-3), "sièges");
    }
}
