//! Exact highest-average quotients (règle de la plus forte moyenne, Code électoral, art. L262).

use std::cmp::Ordering;

use serde::Serialize;

use super::french;

/// Quotient of a list in the highest-average method: its votes divided by the proportional seats
/// it has already won plus one. Bonus seats are not counted in the divisor.
///
/// The value is never computed as a float. Compare with [`Average::cmp_value`], which
/// cross-multiplies in `u128`. The derived `PartialEq` compares the two fields, so `300 / 5` and
/// `60 / 1` are different averages with the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Average {
    pub votes: u64,
    pub divisor: u32,
}

impl Average {
    /// Average of a list with `votes` votes that has won `seats` proportional seats.
    pub(crate) fn of(votes: u64, seats: u32) -> Self {
        Self {
            votes,
            divisor: seats.saturating_add(1),
        }
    }

    /// Compares the values of two averages exactly: `v1 × d2` against `v2 × d1`.
    pub fn cmp_value(&self, other: &Self) -> Ordering {
        let left = u128::from(self.votes) * u128::from(other.divisor);
        let right = u128::from(other.votes) * u128::from(self.divisor);
        left.cmp(&right)
    }

    /// Renders the quotient as an official writes it: `300 / 5 = 60`, `120 / 7 ≈ 17,14`.
    pub(crate) fn to_french(self) -> String {
        let votes = u128::from(self.votes);
        let divisor = u128::from(self.divisor);
        let sign = if votes % divisor == 0 { "=" } else { "≈" };
        format!(
            "{} / {} {sign} {}",
            french::integer(self.votes),
            self.divisor,
            french::quotient(votes, divisor)
        )
    }
}

/// The average of one list at one step of the highest-average method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ListAverage {
    pub ballot_number: u32,
    pub average: Average,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmp_value_cross_multiplies() {
        let a = Average {
            votes: 300,
            divisor: 5,
        };
        let b = Average {
            votes: 120,
            divisor: 2,
        };
        assert_eq!(a.cmp_value(&b), Ordering::Equal);
        assert_ne!(a, b);
        let c = Average {
            votes: 121,
            divisor: 2,
        };
        assert_eq!(a.cmp_value(&c), Ordering::Less);
    }

    #[test]
    fn cmp_value_handles_large_votes() {
        let a = Average {
            votes: u64::MAX,
            divisor: u32::MAX,
        };
        let b = Average {
            votes: u64::MAX - 1,
            divisor: u32::MAX,
        };
        assert_eq!(a.cmp_value(&b), Ordering::Greater);
    }

    #[test]
    fn to_french_marks_rounding() {
        assert_eq!(
            Average {
                votes: 300,
                divisor: 5
            }
            .to_french(),
            "300 / 5 = 60"
        );
        assert_eq!(
            Average {
                votes: 120,
                divisor: 7
            }
            .to_french(),
            "120 / 7 ≈ 17,14"
        );
    }
}
