//! Exact shares and their French rendering. A share keeps its numerator and denominator
//! as integers and names its denominator; rounding happens only in [`Share::percent`].

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// What a share is divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Denominator {
    /// Inscrits.
    Registered,
    /// Votants.
    Voters,
    /// Suffrages exprimés.
    ValidVotes,
    /// Polling stations of the election.
    Stations,
}

impl Denominator {
    pub fn label_fr(self) -> &'static str {
        match self {
            Denominator::Registered => "des inscrits",
            Denominator::Voters => "des votants",
            Denominator::ValidVotes => "des exprimés",
            Denominator::Stations => "des bureaux",
        }
    }
}

/// An exact fraction `numerator / denominator` with its rendering as a percentage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub numerator: u64,
    pub denominator: u64,
    pub of: Denominator,
    /// Percentage with two decimals and a French comma (`37,23`), or `None` when the
    /// denominator is zero.
    pub percent: Option<String>,
}

impl Share {
    pub fn new(numerator: u64, denominator: u64, of: Denominator) -> Share {
        Share {
            numerator,
            denominator,
            of,
            percent: render_percent(numerator, denominator),
        }
    }

    /// Compares two shares exactly by cross-multiplication. A share over zero sorts first.
    pub fn cmp_value(&self, other: &Share) -> Ordering {
        match (self.denominator, other.denominator) {
            (0, 0) => Ordering::Equal,
            (0, _) => Ordering::Less,
            (_, 0) => Ordering::Greater,
            (a, b) => (u128::from(self.numerator) * u128::from(b))
                .cmp(&(u128::from(other.numerator) * u128::from(a))),
        }
    }
}

/// Renders `numerator / denominator` as a percentage with two decimals, rounded half up,
/// with a French decimal comma.
///
/// Two guards keep a rounded figure from saying something false: a fraction below one
/// never renders as `100,00` (it shows `99,99`), and a non-zero fraction never renders as
/// `0,00` (it shows `0,01`).
pub fn render_percent(numerator: u64, denominator: u64) -> Option<String> {
    if denominator == 0 {
        return None;
    }
    let numerator = u128::from(numerator);
    let denominator = u128::from(denominator);
    // Hundredths of a percent, rounded half up: (n × 10000 × 2 + d) / (2 × d).
    let mut hundredths = (numerator * 20_000 + denominator) / (denominator * 2);
    if numerator < denominator && hundredths >= 10_000 {
        hundredths = 9_999;
    }
    if numerator > 0 && hundredths == 0 {
        hundredths = 1;
    }
    Some(format!("{},{:02}", hundredths / 100, hundredths % 100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_half_up_with_comma() {
        assert_eq!(render_percent(58462, 157021).as_deref(), Some("37,23"));
        assert_eq!(render_percent(92152, 171077).as_deref(), Some("53,87"));
        assert_eq!(render_percent(1, 8).as_deref(), Some("12,50"));
        assert_eq!(render_percent(1, 3).as_deref(), Some("33,33"));
        assert_eq!(render_percent(2, 3).as_deref(), Some("66,67"));
        assert_eq!(render_percent(1, 1).as_deref(), Some("100,00"));
        assert_eq!(render_percent(0, 5).as_deref(), Some("0,00"));
    }

    #[test]
    fn percent_never_claims_whole_or_nothing() {
        assert_eq!(render_percent(283, 284).as_deref(), Some("99,65"));
        assert_eq!(render_percent(99_999, 100_000).as_deref(), Some("99,99"));
        assert_eq!(render_percent(1, 1_000_000).as_deref(), Some("0,01"));
    }

    #[test]
    fn percent_of_zero_is_none() {
        assert_eq!(render_percent(0, 0), None);
    }

    #[test]
    fn shares_compare_exactly() {
        let a = Share::new(1, 3, Denominator::ValidVotes);
        let b = Share::new(333_333, 1_000_000, Denominator::ValidVotes);
        assert_eq!(a.cmp_value(&b), Ordering::Greater);
        assert_eq!(
            a.cmp_value(&Share::new(2, 6, Denominator::ValidVotes)),
            Ordering::Equal
        );
    }
}
