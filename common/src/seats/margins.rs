//! Vote margins: how many votes each list would need to gain, or could lose, before its seat
//! count changes, and alerts when a tie or a handful of votes decides a seat.
//!
//! Each margin is exact. It comes from re-running the whole allocation (winner, 5 % threshold,
//! highest averages, ties) at every vote count where one of the rule's comparisons can change
//! sign, in order, and stopping at the first count where the list's seats change.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Bound;

use serde::Serialize;

use super::allocation::{AllocationStatus, Flag, TieBreak, validate};
use super::error::SeatsError;
use super::french;
use super::request::AllocationRequest;
use super::run::{Contest, Run, run};
use super::trail::Recorder;

/// Default number of votes at or below which a margin raises an alert.
pub const DEFAULT_ALERT_VOTES: u64 = 10;

/// Result of [`compute_margins`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Margins {
    /// One entry per list, in the order of the request.
    pub lists: Vec<ListMargin>,
    /// Margins at or below this number of votes raise an alert.
    pub alert_votes: u64,
    pub alerts: Vec<Alert>,
}

/// Margins of one list.
///
/// Both numbers change this list's votes alone. The other lists keep their votes and the valid
/// votes grow or shrink by the same amount. This is what happens when abstainers, or voters who
/// cast a blank or invalid ballot, vote for the list instead, or the reverse. A transfer of votes
/// from one list to another is a different question and can need fewer votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListMargin {
    pub ballot_number: u32,
    pub votes: u64,
    pub seats: u32,
    /// Smallest number of added votes after which the list is sure to have more seats. One vote
    /// fewer leaves it with its current seats, fewer seats, or in a tie the data cannot settle.
    /// `None` when it already has every seat or no candidate left.
    pub votes_to_gain_seat: Option<u64>,
    /// Smallest number of removed votes after which the list is no longer sure to keep all its
    /// seats (fewer seats, or a seat in a tie the data cannot settle). It can lose one vote
    /// fewer and keep them. `None` when it has no seat.
    pub votes_to_lose_seat: Option<u64>,
}

/// A close result that an official must check before proclaiming it. `Display` renders it in
/// French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "alert", rename_all = "snake_case")]
pub enum Alert {
    /// A tie for the bonus or for the last seat, settled by votes or by age.
    TieSettled {
        ballot_numbers: Vec<u32>,
        by: TieBreak,
    },
    /// A tie the data cannot settle: the allocation needs a decision and no margin is computed.
    TieUnresolved { ballot_numbers: Vec<u32> },
    /// Adding `votes` votes to the list gives it one more seat.
    CloseToGaining { ballot_number: u32, votes: u64 },
    /// Removing `votes` votes from the list costs it a seat.
    CloseToLosing { ballot_number: u32, votes: u64 },
}

/// Computes the margins of every list, and alerts for margins of at most `alert_votes` votes
/// ([`DEFAULT_ALERT_VOTES`] is the usual value) and for ties.
///
/// Works for every status. In round 1 without a majority, a list's gain is the number of votes
/// it needs for the seats to be allocated with some for it. When a tie needs a decision,
/// margins are `None` and the tie is the alert.
///
/// Each margin re-runs the allocation at every vote count where a comparison of the rules can
/// change, so this costs far more than [`allocate`](super::allocate): about 5 ms against 3 µs
/// for 15 lists and 69 seats in `benches/seats.rs`.
///
/// # Errors
///
/// The same as [`allocate`](super::allocate).
pub fn compute_margins(
    request: &AllocationRequest,
    alert_votes: u64,
) -> Result<Margins, SeatsError> {
    validate(request)?;
    let contest = Contest::new(request);
    let base = run(&contest, &mut Recorder::disabled());
    let mut alerts = tie_alerts(&base);
    let decided = !matches!(base.status, AllocationStatus::DecisionRequired(_));

    let mut lists = Vec::with_capacity(request.lists.len());
    for (index, list) in request.lists.iter().enumerate() {
        let (gain, loss) = if decided {
            let mut search = Search::new(&contest, index);
            (search.votes_to_gain(&base), search.votes_to_lose(&base))
        } else {
            (None, None)
        };
        if let Some(votes) = gain.filter(|&votes| votes <= alert_votes) {
            alerts.push(Alert::CloseToGaining {
                ballot_number: list.ballot_number,
                votes,
            });
        }
        if let Some(votes) = loss.filter(|&votes| votes <= alert_votes) {
            alerts.push(Alert::CloseToLosing {
                ballot_number: list.ballot_number,
                votes,
            });
        }
        lists.push(ListMargin {
            ballot_number: list.ballot_number,
            votes: list.votes,
            seats: base.seats_of(index),
            votes_to_gain_seat: gain,
            votes_to_lose_seat: loss,
        });
    }
    for alert in &alerts {
        tracing::debug!(target: "urne_common::seats", "{alert}");
    }
    Ok(Margins {
        lists,
        alert_votes,
        alerts,
    })
}

fn tie_alerts(base: &Run) -> Vec<Alert> {
    let mut alerts: Vec<Alert> = base
        .flags
        .iter()
        .filter_map(|flag| match flag {
            Flag::FirstPlaceTieSettledByAge { ballot_numbers, .. } => Some(Alert::TieSettled {
                ballot_numbers: ballot_numbers.clone(),
                by: TieBreak::Age,
            }),
            Flag::LastSeatTieSettled {
                ballot_numbers, by, ..
            } => Some(Alert::TieSettled {
                ballot_numbers: ballot_numbers.clone(),
                by: *by,
            }),
            Flag::SeatsBeyondCandidates { .. } | Flag::SeatsVacant { .. } => None,
        })
        .collect();
    if let AllocationStatus::DecisionRequired(decision) = &base.status {
        alerts.push(Alert::TieUnresolved {
            ballot_numbers: decision.ballot_numbers.clone(),
        });
    }
    alerts
}

/// Search of one list's margins: the contest with that list's votes replaced.
struct Search<'a> {
    contest: Contest<'a>,
    index: usize,
    votes: u64,
    /// Votes of the other lists, fixed during the search.
    others: u64,
    /// Largest vote count of the list that keeps the valid votes within `u64`.
    max_votes: u64,
}

impl<'a> Search<'a> {
    fn new(contest: &Contest<'a>, index: usize) -> Self {
        let votes = contest.votes[index];
        let others = contest.valid_votes - votes;
        Self {
            contest: contest.clone(),
            index,
            votes,
            others,
            max_votes: u64::MAX - others,
        }
    }

    /// Runs the allocation with `votes` for the list. Returns its total seats, `None` when a tie
    /// needs a decision or no valid vote is left (which [`allocate`](super::allocate) rejects),
    /// and its proportional seats, counting only those decided.
    fn seats_at(&mut self, votes: u64) -> (Option<u32>, u32) {
        if self.others == 0 && votes == 0 {
            return (None, 0);
        }
        self.contest.votes[self.index] = votes;
        self.contest.valid_votes = self.others + votes;
        let result = run(&self.contest, &mut Recorder::disabled());
        let proportional = result.proportional[self.index];
        match result.status {
            AllocationStatus::DecisionRequired(_) => (None, proportional),
            _ => (Some(result.seats_of(self.index)), proportional),
        }
    }

    fn votes_to_gain(&mut self, base: &Run) -> Option<u64> {
        let current = base.seats_of(self.index);
        let seats = self.contest.request.seats;
        let full = self.contest.capacities[self.index].is_some_and(|limit| current >= limit);
        if current >= seats || full {
            return None;
        }
        let mut points = self.critical_points(base.proportional[self.index]);
        let mut divisors_seen = BTreeSet::from([base.proportional[self.index]]);
        let mut cursor = self.votes;
        loop {
            let next = points
                .range((Bound::Excluded(cursor), Bound::Unbounded))
                .next()
                .copied();
            let Some(votes) = next else { break };
            cursor = votes;
            let (total, proportional) = self.seats_at(votes);
            if total.is_some_and(|total| total > current) {
                return Some(votes - self.votes);
            }
            if divisors_seen.insert(proportional) {
                self.add_average_points(proportional, &mut points);
            }
        }
        None
    }

    fn votes_to_lose(&mut self, base: &Run) -> Option<u64> {
        let current = base.seats_of(self.index);
        if current == 0 {
            return None;
        }
        let mut points = self.critical_points(base.proportional[self.index]);
        points.insert(0);
        let mut divisors_seen = BTreeSet::from([base.proportional[self.index]]);
        let mut cursor = self.votes;
        loop {
            let next = points.range(..cursor).next_back().copied();
            let Some(votes) = next else { break };
            cursor = votes;
            let (total, proportional) = self.seats_at(votes);
            if total.is_none_or(|total| total < current) {
                return Some(self.votes - votes);
            }
            if divisors_seen.insert(proportional) {
                self.add_average_points(proportional, &mut points);
            }
        }
        None
    }

    /// Vote counts of the list around which a comparison of the rules can change sign, for
    /// every comparison that does not involve the list's averages, plus those of its averages
    /// while it has `proportional` seats.
    ///
    /// With `x` the list's votes and `o` the other lists' votes, the valid votes are `o + x`.
    /// The comparisons are:
    /// - round-1 majority of the list (`x > o`) or of another list `j` (`2 v_j > o + x`);
    /// - 5 % threshold of the list (`19 x ≥ o`) or of another list (`20 v_j ≥ o + x`);
    /// - votes of the list against each other list (`x` against `v_j`), which decide round-2
    ///   first place and ties on averages.
    fn critical_points(&self, proportional: u32) -> BTreeSet<u64> {
        let mut points = BTreeSet::new();
        let others = u128::from(self.others);
        self.push_around(&mut points, others, 1);
        self.push_around(&mut points, others, 19);
        for (other, &votes) in self.contest.votes.iter().enumerate() {
            if other == self.index {
                continue;
            }
            let votes = u128::from(votes);
            self.push_around(&mut points, votes, 1);
            if let Some(limit) = (votes * 2).checked_sub(others) {
                self.push_around(&mut points, limit, 1);
            }
            if let Some(limit) = (votes * 20).checked_sub(others) {
                self.push_around(&mut points, limit, 1);
            }
        }
        self.add_average_points(proportional, &mut points);
        points
    }

    /// Adds the vote counts where the list's last won average (divisor `proportional`) or its
    /// next average (divisor `proportional + 1`) equals an average of another list.
    fn add_average_points(&self, proportional: u32, points: &mut BTreeSet<u64>) {
        let seats = self.contest.request.seats;
        let divisors = [proportional, proportional.saturating_add(1)];
        for (other, &votes) in self.contest.votes.iter().enumerate() {
            if other == self.index {
                continue;
            }
            for divisor in divisors.into_iter().filter(|&divisor| divisor > 0) {
                for other_divisor in 1..=seats.saturating_add(1) {
                    // x / divisor = votes / other_divisor
                    let numerator = u128::from(votes) * u128::from(divisor);
                    self.push_around(points, numerator, u128::from(other_divisor));
                }
            }
        }
    }

    /// Adds the integers next to `numerator / denominator` (floor and ceiling, and one on each
    /// side), within the list's possible vote counts.
    fn push_around(&self, points: &mut BTreeSet<u64>, numerator: u128, denominator: u128) {
        let floor = numerator / denominator;
        let remainder = numerator % denominator;
        let ceiling = floor + u128::from(remainder > 0);
        for value in floor.saturating_sub(1)..=ceiling + 1 {
            if let Ok(value) = u64::try_from(value)
                && value <= self.max_votes
            {
                points.insert(value);
            }
        }
    }
}

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TieSettled { ballot_numbers, by } => write!(
                f,
                "Alerte : égalité entre les {}, départagée {}",
                french::lists(ballot_numbers),
                match by {
                    TieBreak::Votes => "par le nombre de suffrages",
                    TieBreak::Age => "par l'âge",
                }
            ),
            Self::TieUnresolved { ballot_numbers } => write!(
                f,
                "Alerte : égalité non départagée entre les {}, décision requise",
                french::lists(ballot_numbers)
            ),
            Self::CloseToGaining {
                ballot_number,
                votes,
            } => write!(
                f,
                "Alerte : la {} obtiendrait un siège de plus avec {} voix de plus",
                french::list(*ballot_number),
                french::integer(*votes)
            ),
            Self::CloseToLosing {
                ballot_number,
                votes,
            } => write!(
                f,
                "Alerte : la {} perdrait un siège avec {} voix de moins",
                french::list(*ballot_number),
                french::integer(*votes)
            ),
        }
    }
}
