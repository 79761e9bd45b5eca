//! French renderings of counts, times and ages. Percentages are never computed here: the
//! hub sends them as strings and the kiosk only appends the unit.

use chrono::{DateTime, FixedOffset, Timelike};
use std::time::Duration;
use urne_common::share::Share;

/// Narrow no-break space, the French digit group separator.
const GROUP_SEPARATOR: char = '\u{202F}';

/// Groups digits by three with narrow no-break spaces: `58462` → `58 462`.
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(GROUP_SEPARATOR);
        }
        grouped.push(digit);
    }
    grouped
}

/// Renders the hub's percentage with its unit (`37,23 %`), or a dash when the share has no
/// denominator yet.
pub fn percent(share: &Share) -> String {
    match &share.percent {
        Some(text) => format!("{text}\u{00A0}%"),
        None => "—".to_string(),
    }
}

/// Renders a clock time the French way: `21 h 04`.
pub fn clock(time: &DateTime<FixedOffset>) -> String {
    format!("{} h {:02}", time.hour(), time.minute())
}

/// Renders a turnout slot sent as `HH:MM` as `17 h 00`; other text is kept as it is.
pub fn slot(label: &str) -> String {
    match label.split_once(':') {
        Some((hours, minutes)) => {
            let hours = hours.trim_start_matches('0');
            let hours = if hours.is_empty() { "0" } else { hours };
            format!("{hours} h {minutes}")
        }
        None => label.to_string(),
    }
}

/// Renders an age as a short French phrase: `il y a 40 s`, `il y a 12 min`, `il y a 3 h 05`.
pub fn age(age: Duration) -> String {
    let seconds = age.as_secs();
    if seconds < 60 {
        format!("il y a {seconds} s")
    } else if seconds < 3600 {
        format!("il y a {} min", seconds / 60)
    } else if seconds < 48 * 3600 {
        format!("il y a {} h {:02}", seconds / 3600, seconds % 3600 / 60)
    } else {
        format!("il y a {} jours", seconds / 86_400)
    }
}

/// `1 siège`, `0 siège`, `40 sièges`: French puts the singular below two.
pub fn seats(seats: u32) -> String {
    if seats < 2 {
        format!("{seats} siège")
    } else {
        format!("{seats} sièges")
    }
}

/// Converts `numerator / denominator` to a length ratio from 0 to 1 for drawing bars. The
/// ratio is exact to 1/10000, far below a pixel; it is never shown as a number.
pub fn ratio(numerator: u64, denominator: u64) -> f32 {
    if denominator == 0 {
        return 0.0;
    }
    let scaled = u128::from(numerator.min(denominator)) * 10_000 / u128::from(denominator);
    f32::from(u16::try_from(scaled).unwrap_or(10_000)) / 10_000.0
}

/// Converts a small count to `f32` for geometry; counts above 65535 saturate.
pub fn small_f32(value: usize) -> f32 {
    f32::from(u16::try_from(value).unwrap_or(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use urne_common::share::Denominator;

    #[test]
    fn count_groups_by_three() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1\u{202F}000");
        assert_eq!(count(281_713), "281\u{202F}713");
        assert_eq!(count(1_234_567), "1\u{202F}234\u{202F}567");
    }

    #[test]
    fn percent_keeps_hub_text() {
        let share = Share::new(58462, 157021, Denominator::ValidVotes);
        assert_eq!(percent(&share), "37,23\u{00A0}%");
        let empty = Share::new(0, 0, Denominator::ValidVotes);
        assert_eq!(percent(&empty), "—");
    }

    #[test]
    fn slot_and_age_in_french() {
        assert_eq!(slot("09:00"), "9 h 00");
        assert_eq!(slot("17:00"), "17 h 00");
        assert_eq!(age(Duration::from_secs(42)), "il y a 42 s");
        assert_eq!(age(Duration::from_secs(12 * 60 + 5)), "il y a 12 min");
        assert_eq!(age(Duration::from_secs(3 * 3600 + 5 * 60)), "il y a 3 h 05");
    }

    #[test]
    fn ratio_is_clamped() {
        assert_eq!(ratio(0, 0), 0.0);
        assert_eq!(ratio(1, 2), 0.5);
        assert_eq!(ratio(3, 2), 1.0);
    }

    #[test]
    fn seats_singular_below_two() {
        assert_eq!(seats(0), "0 siège");
        assert_eq!(seats(1), "1 siège");
        assert_eq!(seats(40), "40 sièges");
    }
}
