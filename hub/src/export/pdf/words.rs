//! French renderings for printed documents: figures with grouped thousands, percentages,
//! dates in words, and whole numbers written out in letters as official records ask
//! (« en toutes lettres »), with the traditional hyphenation and agreement rules.

use chrono::{Datelike, NaiveDate};
use urne_common::share::render_percent;

/// Narrow no-break space, French typography's separator of thousands, also before `%`.
const NARROW_NBSP: char = '\u{202f}';

/// Formats a whole number with its thousands grouped by narrow no-break spaces: `281 354`.
pub(super) fn figure(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(NARROW_NBSP);
        }
        grouped.push(digit);
    }
    grouped
}

/// Formats a percentage with a comma and its sign, `37,23 %`, or `—` when the denominator
/// is zero.
pub(super) fn percent(numerator: u64, denominator: u64) -> String {
    render_percent(numerator, denominator)
        .map_or_else(|| "—".to_string(), |text| format!("{text}{NARROW_NBSP}%"))
}

const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Writes a date in words: `dimanche 30 juin 2024`, with `1er` for the first of the month.
pub(super) fn long_date(date: NaiveDate) -> String {
    let weekday = usize::try_from(date.weekday().num_days_from_monday()).unwrap_or(0);
    let month = usize::try_from(date.month0()).unwrap_or(0);
    let day = match date.day() {
        1 => "1er".to_string(),
        day => day.to_string(),
    };
    format!(
        "{} {day} {} {}",
        WEEKDAYS[weekday % 7],
        MONTHS[month % 12],
        date.year()
    )
}

const UNITS: [&str; 17] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize",
];
const TENS: [&str; 7] = [
    "",
    "dix",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
];

/// Spells a number below one hundred: `vingt et un`, `soixante-douze`, `quatre-vingts`,
/// `quatre-vingt-onze`.
fn below_hundred(value: u64) -> String {
    let index = |value: u64| usize::try_from(value).unwrap_or(0);
    if value <= 16 {
        return UNITS[index(value)].to_string();
    }
    if value < 20 {
        return format!("dix-{}", UNITS[index(value - 10)]);
    }
    let (tens, units) = match value {
        20..=69 => (value / 10, value % 10),
        70..=79 => (6, value - 60),
        _ => (8, value - 80),
    };
    let tens_word = if tens == 8 {
        "quatre-vingt".to_string()
    } else {
        TENS[index(tens)].to_string()
    };
    match units {
        0 if tens == 8 => "quatre-vingts".to_string(),
        0 => tens_word,
        1 if tens != 8 => format!("{tens_word} et un"),
        11 if tens == 6 => format!("{tens_word} et onze"),
        _ => format!("{tens_word}-{}", below_hundred(units)),
    }
}

/// Spells a number below one thousand. `final_group` is false when a larger unit follows
/// (`quatre-vingt mille`, `deux cent mille`), and then `cents` and `vingts` lose their plural.
fn below_thousand(value: u64, final_group: bool) -> String {
    let hundreds = value / 100;
    let rest = value % 100;
    let mut words = match hundreds {
        0 => String::new(),
        1 => "cent".to_string(),
        count => format!("{} cent", UNITS[usize::try_from(count).unwrap_or(0)]),
    };
    if hundreds > 1 && rest == 0 && final_group {
        words.push('s');
    }
    if rest > 0 {
        if !words.is_empty() {
            words.push(' ');
        }
        let mut tail = below_hundred(rest);
        if rest == 80 && !final_group {
            tail.pop();
        }
        words.push_str(&tail);
    }
    words
}

/// Spells a whole number in French words: `cent cinquante-huit mille neuf cent
/// cinquante-neuf`.
pub(super) fn in_words(value: u64) -> String {
    if value == 0 {
        return UNITS[0].to_string();
    }
    let scales = [
        (1_000_000_000_000u64, "billion"),
        (1_000_000_000, "milliard"),
        (1_000_000, "million"),
    ];
    let mut parts = Vec::new();
    let mut rest = value;
    for (scale, name) in scales {
        let count = rest / scale;
        if count > 0 {
            let plural = if count > 1 { "s" } else { "" };
            parts.push(format!("{} {name}{plural}", in_words(count)));
            rest %= scale;
        }
    }
    let thousands = rest / 1000;
    let units = rest % 1000;
    if thousands == 1 {
        parts.push("mille".to_string());
    } else if thousands > 1 {
        parts.push(format!("{} mille", below_thousand(thousands, false)));
    }
    if units > 0 {
        parts.push(below_thousand(units, true));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words() {
        let cases = [
            (0, "zéro"),
            (1, "un"),
            (16, "seize"),
            (17, "dix-sept"),
            (21, "vingt et un"),
            (22, "vingt-deux"),
            (70, "soixante-dix"),
            (71, "soixante et onze"),
            (72, "soixante-douze"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (91, "quatre-vingt-onze"),
            (99, "quatre-vingt-dix-neuf"),
            (100, "cent"),
            (101, "cent un"),
            (200, "deux cents"),
            (280, "deux cent quatre-vingts"),
            (1000, "mille"),
            (1001, "mille un"),
            (2000, "deux mille"),
            (80_000, "quatre-vingt mille"),
            (200_000, "deux cent mille"),
            (1_000_000, "un million"),
            (2_000_000, "deux millions"),
            (
                158_959,
                "cent cinquante-huit mille neuf cent cinquante-neuf",
            ),
            (
                281_354,
                "deux cent quatre-vingt-un mille trois cent cinquante-quatre",
            ),
        ];
        for (value, words) in cases {
            assert_eq!(in_words(value), words, "{value}");
        }
    }

    #[test]
    fn figures_grouped_by_thousands() {
        assert_eq!(figure(7), "7");
        assert_eq!(figure(1000), "1\u{202f}000");
        assert_eq!(figure(281_354), "281\u{202f}354");
        assert_eq!(figure(1_234_567), "1\u{202f}234\u{202f}567");
    }

    #[test]
    fn dates_in_words() {
        let date = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        assert_eq!(long_date(date), "dimanche 30 juin 2024");
        let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(long_date(date), "dimanche 1er mars 2026");
        assert_eq!(percent(1, 3), "33,33\u{202f}%");
        assert_eq!(percent(1, 0), "—");
    }
}
