//! Exact mean ages, used where the Code électoral breaks a tie in favour of the oldest.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::seats::french;

/// Mean age of one or more candidates on election day, kept exact as a total and a count.
///
/// Used for the age tie-breaks of the Code électoral: art. L262 (list whose candidates have the
/// highest mean age), L193 (binôme with the highest mean age) and L126 (oldest candidate, a
/// count of one). Ages of different requests are comparable only when measured on the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AverageAge {
    /// Sum of the candidates' ages on election day, in days.
    pub total_days: u64,
    /// Number of candidates in `total_days`. Zero is rejected by the functions that read it.
    pub candidates: u32,
}

impl AverageAge {
    /// Computes the mean age on `election_date` of candidates born on `birth_dates`.
    ///
    /// Returns `None` for an empty list or for a birth date after `election_date`.
    pub fn from_birth_dates(
        birth_dates: impl IntoIterator<Item = NaiveDate>,
        election_date: NaiveDate,
    ) -> Option<Self> {
        let mut total_days: u64 = 0;
        let mut candidates: u32 = 0;
        for birth_date in birth_dates {
            let age_days = u64::try_from((election_date - birth_date).num_days()).ok()?;
            total_days = total_days.checked_add(age_days)?;
            candidates = candidates.checked_add(1)?;
        }
        (candidates > 0).then_some(Self {
            total_days,
            candidates,
        })
    }

    /// Compares two mean ages exactly by cross-multiplication. `Greater` means `self` is older.
    pub fn cmp_mean(&self, other: &Self) -> Ordering {
        let left = u128::from(self.total_days) * u128::from(other.candidates);
        let right = u128::from(other.total_days) * u128::from(self.candidates);
        left.cmp(&right)
    }

    /// Renders the mean in days, rounded to two decimals for display only.
    pub(crate) fn to_french(self) -> String {
        format!(
            "{} jours ({} {})",
            french::quotient(u128::from(self.total_days), u128::from(self.candidates)),
            self.candidates,
            if self.candidates > 1 {
                "candidats"
            } else {
                "candidat"
            }
        )
    }
}

/// Finds the unique oldest entry, comparing mean ages exactly.
///
/// Returns `Ok(index)` of the oldest, `Err(AgeTieBreak::Missing)` when an age is unknown, and
/// `Err(AgeTieBreak::Equal)` when the oldest mean age is shared.
pub(crate) fn oldest(ages: &[Option<AverageAge>]) -> Result<usize, AgeTieBreak> {
    let mut known = Vec::with_capacity(ages.len());
    for age in ages {
        match age {
            Some(age) if age.candidates > 0 => known.push(*age),
            _ => return Err(AgeTieBreak::Missing),
        }
    }
    let mut best = 0;
    let mut shared = false;
    for index in 1..known.len() {
        match known[index].cmp_mean(&known[best]) {
            Ordering::Greater => {
                best = index;
                shared = false;
            }
            Ordering::Equal => shared = true,
            Ordering::Less => {}
        }
    }
    if shared {
        Err(AgeTieBreak::Equal)
    } else {
        Ok(best)
    }
}

/// Reason why an age tie-break could not name a winner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgeTieBreak {
    /// At least one age is unknown.
    Missing,
    /// The oldest mean age is shared by several entries.
    Equal,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    #[test]
    fn from_birth_dates_sums_days() {
        let election = date(2026, 3, 22);
        let age = AverageAge::from_birth_dates([date(2026, 3, 20), date(2026, 3, 12)], election);
        assert_eq!(
            age,
            Some(AverageAge {
                total_days: 12,
                candidates: 2
            })
        );
    }

    #[test]
    fn from_birth_dates_rejects_future_birth() {
        let election = date(2026, 3, 22);
        assert_eq!(
            AverageAge::from_birth_dates([date(2026, 3, 23)], election),
            None
        );
        assert_eq!(AverageAge::from_birth_dates([], election), None);
    }

    #[test]
    fn cmp_mean_is_exact() {
        let a = AverageAge {
            total_days: 10,
            candidates: 3,
        };
        let b = AverageAge {
            total_days: 7,
            candidates: 2,
        };
        // 10/3 < 7/2
        assert_eq!(a.cmp_mean(&b), Ordering::Less);
        let c = AverageAge {
            total_days: 20,
            candidates: 6,
        };
        assert_eq!(a.cmp_mean(&c), Ordering::Equal);
    }

    #[test]
    fn oldest_reports_missing_and_equal() {
        let a = Some(AverageAge {
            total_days: 100,
            candidates: 2,
        });
        let b = Some(AverageAge {
            total_days: 60,
            candidates: 1,
        });
        assert_eq!(oldest(&[a, b]), Ok(1));
        assert_eq!(oldest(&[a, None]), Err(AgeTieBreak::Missing));
        let c = Some(AverageAge {
            total_days: 50,
            candidates: 1,
        });
        assert_eq!(oldest(&[a, c]), Err(AgeTieBreak::Equal));
    }
}
