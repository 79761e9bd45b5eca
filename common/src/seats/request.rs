//! Inputs of a seat allocation: the lists, their votes and candidates, and the rules to apply.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::election::Sex;
use crate::outcome::{AverageAge, Round};

/// One candidate of a list, in the list's order of presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCandidate {
    pub name: String,
    /// Needed for the community seat replacement rule of art. L273-8.
    pub sex: Sex,
    /// Needed only to settle a tie for the last seat (the oldest candidate who would be elected
    /// wins it, art. L262) and to derive the list's average age.
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
}

/// A list and its votes in the round being allocated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListVotes {
    /// Numéro de panneau. Lists are identified per round: a merged list may carry a new number
    /// in round 2.
    pub ballot_number: u32,
    pub votes: u64,
    /// Mean age of the list's candidates on election day, used when two lists tie for first place
    /// in round 2 (art. L262). When absent, it is derived from `candidates` if every candidate
    /// has a birth date and the request gives `election_date`.
    #[serde(default)]
    pub average_age: Option<AverageAge>,
    /// Candidates in the list's order. When given, seats go to them in that order, and a list
    /// cannot hold more seats than it has candidates (see [`ShortListRule`]).
    #[serde(default)]
    pub candidates: Option<Vec<ListCandidate>>,
}

impl ListVotes {
    /// Creates a list with votes only, no ages and no candidates.
    pub fn new(ballot_number: u32, votes: u64) -> Self {
        Self {
            ballot_number,
            votes,
            average_age: None,
            candidates: None,
        }
    }
}

/// Share of the seats given as majority bonus (prime majoritaire) to the winning list.
///
/// The bonus is `seats × numerator / denominator`, rounded up when more than four seats are to
/// be filled and down when fewer than four, as art. L262 words it for one half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BonusFraction {
    pub numerator: u32,
    pub denominator: u32,
}

impl BonusFraction {
    /// One half: every municipal, community, sector and arrondissement council (art. L262).
    pub const HALF: Self = Self {
        numerator: 1,
        denominator: 2,
    };

    /// One quarter: Conseil de Paris and the municipal councils of Lyon and Marseille from
    /// March 2026 (art. L272-4-1, loi n° 2025-795 du 11 août 2025), and the community seats of
    /// Paris and Marseille (art. L273-8 as amended by the same law).
    ///
    /// NOTE: the exact rounding wording of art. L272-4-1 has not been checked against the
    /// official text. This constant applies the rounding of art. L262 (up above four seats, down
    /// below four).
    pub const QUARTER: Self = Self {
        numerator: 1,
        denominator: 4,
    };

    /// Computes the number of bonus seats for `seats` seats to fill.
    ///
    /// With one half this gives 1→0, 2→1, 3→1, 4→2 and `ceil(n/2)` from five seats. When the
    /// product is not a whole number and exactly four seats are to be filled, which only a
    /// fraction other than one half or one quarter can produce, the law is silent and this
    /// rounds down.
    pub fn bonus_seats(self, seats: u32) -> u32 {
        if self.denominator == 0 {
            return 0;
        }
        let product = u64::from(seats) * u64::from(self.numerator);
        let denominator = u64::from(self.denominator);
        let mut bonus = product / denominator;
        if product % denominator != 0 && seats > 4 {
            bonus += 1;
        }
        u32::try_from(bonus.min(u64::from(seats))).unwrap_or(seats)
    }

    pub(crate) fn is_valid(self) -> bool {
        self.denominator > 0 && self.numerator <= self.denominator
    }
}

impl Default for BonusFraction {
    fn default() -> Self {
        Self::HALF
    }
}

/// Rule for the seats a list wins beyond its number of candidates.
///
/// Full lists cannot run short, but from March 2026 lists in communes under 1 000 inhabitants
/// may have up to two candidates fewer than the seats (art. L252 as amended by loi n° 2025-444),
/// and a community seat list can run short after withdrawals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortListRule {
    /// The seats it cannot fill go to the next highest averages, the rule stated for community
    /// seats under art. L5211-6-2 CGCT.
    ///
    /// NOTE: no official text read so far confirms this rule for the incomplete lists allowed
    /// from 2026. [`ShortListRule::LeaveVacant`] is the other possible reading.
    #[default]
    NextHighestAverages,
    /// The list keeps the seats it won and those it cannot fill stay vacant (the council is
    /// deemed complete with fewer members, CGCT art. L2121-2-1).
    LeaveVacant,
}

/// One allocation to compute: one council, one round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationRequest {
    pub round: Round,
    /// Seats to fill (zero is allowed, for example a commune without community seats).
    pub seats: u32,
    /// Suffrages exprimés of the commune (or sector). Must equal the sum of the lists' votes.
    pub valid_votes: u64,
    pub lists: Vec<ListVotes>,
    /// Majority bonus share: one half unless a law sets another (see [`BonusFraction::QUARTER`]).
    #[serde(default)]
    pub bonus: BonusFraction,
    #[serde(default)]
    pub short_list_rule: ShortListRule,
    /// Election day, used only to derive average ages from birth dates.
    #[serde(default)]
    pub election_date: Option<NaiveDate>,
}

impl AllocationRequest {
    /// Creates a request with the usual rules: half the seats as bonus, seats beyond a list's
    /// candidates to the next highest averages, no election date.
    pub fn new(round: Round, seats: u32, valid_votes: u64, lists: Vec<ListVotes>) -> Self {
        Self {
            round,
            seats,
            valid_votes,
            lists,
            bonus: BonusFraction::HALF,
            short_list_rule: ShortListRule::NextHighestAverages,
            election_date: None,
        }
    }

    /// Creates a request whose valid votes are the sum of the lists' votes.
    pub fn from_lists(round: Round, seats: u32, lists: Vec<ListVotes>) -> Self {
        let valid_votes = lists
            .iter()
            .fold(0u64, |sum, list| sum.saturating_add(list.votes));
        Self::new(round, seats, valid_votes, lists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_bonus_follows_l262_table() {
        let expected = [
            (0, 0),
            (1, 0),
            (2, 1),
            (3, 1),
            (4, 2),
            (5, 3),
            (15, 8),
            (29, 15),
        ];
        for (seats, bonus) in expected {
            assert_eq!(
                BonusFraction::HALF.bonus_seats(seats),
                bonus,
                "{seats} seats"
            );
        }
        assert_eq!(BonusFraction::HALF.bonus_seats(33), 17);
        assert_eq!(BonusFraction::HALF.bonus_seats(69), 35);
    }

    #[test]
    fn quarter_bonus_rounds_like_l262() {
        assert_eq!(BonusFraction::QUARTER.bonus_seats(163), 41);
        assert_eq!(BonusFraction::QUARTER.bonus_seats(101), 26);
        assert_eq!(BonusFraction::QUARTER.bonus_seats(4), 1);
        assert_eq!(BonusFraction::QUARTER.bonus_seats(3), 0);
        assert_eq!(BonusFraction::QUARTER.bonus_seats(8), 2);
    }

    #[test]
    fn fraction_validity() {
        assert!(BonusFraction::HALF.is_valid());
        assert!(
            BonusFraction {
                numerator: 0,
                denominator: 1
            }
            .is_valid()
        );
        assert!(
            !BonusFraction {
                numerator: 1,
                denominator: 0
            }
            .is_valid()
        );
        assert!(
            !BonusFraction {
                numerator: 3,
                denominator: 2
            }
            .is_valid()
        );
    }
}
