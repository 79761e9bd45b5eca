//! One pass of the allocation rules of Code électoral, art. L262, on a fixed set of votes.
//!
//! [`allocate`](super::allocate) runs it once with a trail, and the margins run it many times
//! without one, with one list's votes changed.

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::allocation::{AllocationStatus, Decision, DecisionKind, DecisionReason, Flag};
use super::highest_average::{Proportional, distribute};
use super::request::{AllocationRequest, ShortListRule};
use super::trail::{Recorder, TieOutcome, TrailStep};
use crate::outcome::age::{AgeTieBreak, oldest};
use crate::outcome::{AverageAge, Round};

/// The votes and per-list data that one pass reads.
#[derive(Clone)]
pub(crate) struct Contest<'a> {
    pub(crate) request: &'a AllocationRequest,
    pub(crate) votes: Vec<u64>,
    pub(crate) valid_votes: u64,
    /// Resolved mean ages: given, or derived from birth dates.
    pub(crate) average_ages: Vec<Option<AverageAge>>,
    /// Maximum seats of each list when the seats it cannot fill pass to the next highest
    /// averages. `None` when the candidates are unknown or the rule leaves seats vacant.
    pub(crate) capacities: Vec<Option<u32>>,
}

impl<'a> Contest<'a> {
    /// Prepares a validated request.
    pub(crate) fn new(request: &'a AllocationRequest) -> Self {
        let lists = &request.lists;
        let average_ages = lists
            .iter()
            .map(|list| {
                list.average_age.or_else(|| {
                    let date = request.election_date?;
                    let candidates = list.candidates.as_ref()?;
                    let births: Option<Vec<NaiveDate>> = candidates
                        .iter()
                        .map(|candidate| candidate.birth_date)
                        .collect();
                    AverageAge::from_birth_dates(births?, date)
                })
            })
            .collect();
        let capacities = lists
            .iter()
            .map(|list| match request.short_list_rule {
                ShortListRule::NextHighestAverages => list
                    .candidates
                    .as_ref()
                    .map(|candidates| u32::try_from(candidates.len()).unwrap_or(u32::MAX)),
                ShortListRule::LeaveVacant => None,
            })
            .collect();
        Self {
            request,
            votes: lists.iter().map(|list| list.votes).collect(),
            valid_votes: request.valid_votes,
            average_ages,
            capacities,
        }
    }

    pub(crate) fn ballot_number(&self, index: usize) -> u32 {
        self.request.lists[index].ballot_number
    }

    pub(crate) fn ballot_numbers(&self, indexes: &[usize]) -> Vec<u32> {
        indexes
            .iter()
            .map(|&index| self.ballot_number(index))
            .collect()
    }

    /// Birth date of the candidate who would take the list's next seat after the `seats_won`
    /// first candidates.
    pub(crate) fn next_birth_date(&self, index: usize, seats_won: u32) -> Option<NaiveDate> {
        let position = usize::try_from(seats_won).ok()?;
        self.request.lists[index]
            .candidates
            .as_ref()?
            .get(position)?
            .birth_date
    }

    /// Tests the 5 % threshold of art. L262: `20 × votes ≥ valid_votes`.
    pub(crate) fn is_admitted(&self, index: usize) -> bool {
        u128::from(self.votes[index]) * 20 >= u128::from(self.valid_votes)
    }
}

/// Result of one pass, indexed like the request's lists.
pub(crate) struct Run {
    pub(crate) status: AllocationStatus,
    pub(crate) bonus_size: u32,
    pub(crate) winner: Option<usize>,
    pub(crate) bonus: Vec<u32>,
    pub(crate) admitted: Vec<bool>,
    pub(crate) proportional: Vec<u32>,
    pub(crate) vacant: u32,
    pub(crate) undecided: u32,
    pub(crate) flags: Vec<Flag>,
}

impl Run {
    pub(crate) fn seats_of(&self, index: usize) -> u32 {
        self.bonus[index] + self.proportional[index]
    }

    fn empty(status: AllocationStatus, bonus_size: u32, lists: usize) -> Self {
        Self {
            status,
            bonus_size,
            winner: None,
            bonus: vec![0; lists],
            admitted: vec![false; lists],
            proportional: vec![0; lists],
            vacant: 0,
            undecided: 0,
            flags: Vec::new(),
        }
    }
}

/// Winner of the majority bonus, or the reason there is none.
enum Winner {
    List(usize),
    /// Round 1 without an absolute majority: nothing is allocated.
    NoMajority,
    /// Round-2 tie for first place when the bonus is zero seats: nothing depends on it.
    NotNeeded,
    Undecided(Decision),
}

/// Applies art. L262 to the contest: winner, bonus, 5 % threshold, highest averages.
pub(crate) fn run(contest: &Contest<'_>, recorder: &mut Recorder) -> Run {
    let request = contest.request;
    let lists = contest.votes.len();
    let bonus_size = request.bonus.bonus_seats(request.seats);
    recorder.record(|| TrailStep::BonusSize {
        seats: request.seats,
        fraction: request.bonus,
        bonus: bonus_size,
    });

    let mut flags = Vec::new();
    let winner = match find_winner(contest, bonus_size, recorder, &mut flags) {
        Winner::List(index) => Some(index),
        Winner::NotNeeded => None,
        Winner::NoMajority => {
            return Run::empty(AllocationStatus::NoMajorityRound1, bonus_size, lists);
        }
        Winner::Undecided(decision) => {
            let mut run = Run::empty(
                AllocationStatus::DecisionRequired(decision),
                bonus_size,
                lists,
            );
            run.undecided = request.seats;
            return run;
        }
    };

    let mut bonus = vec![0; lists];
    let mut pool = request.seats;
    if let Some(index) = winner.filter(|_| bonus_size > 0) {
        let awarded = match contest.capacities[index] {
            Some(candidates) if candidates < bonus_size => {
                recorder.record(|| TrailStep::BonusBeyondCandidates {
                    ballot_number: contest.ballot_number(index),
                    candidates,
                    bonus: bonus_size,
                });
                candidates
            }
            _ => bonus_size,
        };
        bonus[index] = awarded;
        pool -= awarded;
        recorder.record(|| TrailStep::BonusAwarded {
            ballot_number: contest.ballot_number(index),
            seats: awarded,
        });
    }

    let admitted: Vec<bool> = (0..lists).map(|index| contest.is_admitted(index)).collect();
    if recorder.is_enabled() {
        for (index, &is_admitted) in admitted.iter().enumerate() {
            recorder.record(|| TrailStep::ThresholdTest {
                ballot_number: contest.ballot_number(index),
                votes: contest.votes[index],
                valid_votes: contest.valid_votes,
                admitted: is_admitted,
            });
        }
    }
    recorder.record(|| TrailStep::ProportionalStart {
        seats: pool,
        admitted: (0..lists)
            .filter(|&index| admitted[index])
            .map(|index| contest.ballot_number(index))
            .collect(),
    });

    let Proportional {
        seats,
        vacant,
        undecided,
        settled_tie,
    } = distribute(contest, &bonus, &admitted, pool, recorder);
    flags.extend(settled_tie);
    let (status, undecided_seats) = match undecided {
        Some(decision) => {
            let at_stake = decision.seats_at_stake;
            (AllocationStatus::DecisionRequired(decision), at_stake)
        }
        None => (AllocationStatus::Allocated, 0),
    };
    Run {
        status,
        bonus_size,
        winner,
        bonus,
        admitted,
        proportional: seats,
        vacant,
        undecided: undecided_seats,
        flags,
    }
}

/// Finds the list entitled to the bonus (art. L262, al. 1 and 2).
///
/// Round 1: the list with strictly more than half the valid votes, or none. Round 2: the list
/// with the most votes, and on a tie the list whose candidates have the highest mean age.
fn find_winner(
    contest: &Contest<'_>,
    bonus_size: u32,
    recorder: &mut Recorder,
    flags: &mut Vec<Flag>,
) -> Winner {
    let Some(&most_votes) = contest.votes.iter().max() else {
        return Winner::NoMajority;
    };
    let mut leaders: Vec<usize> = (0..contest.votes.len())
        .filter(|&index| contest.votes[index] == most_votes)
        .collect();
    leaders.sort_by_key(|&index| contest.ballot_number(index));

    match contest.request.round {
        Round::First => {
            let leader = leaders[0];
            let passed = u128::from(most_votes) * 2 > u128::from(contest.valid_votes);
            recorder.record(|| TrailStep::MajorityTest {
                ballot_number: contest.ballot_number(leader),
                votes: most_votes,
                valid_votes: contest.valid_votes,
                passed,
            });
            if passed {
                Winner::List(leader)
            } else {
                recorder.record(|| TrailStep::NoMajority);
                Winner::NoMajority
            }
        }
        Round::Second => {
            if let [leader] = leaders[..] {
                recorder.record(|| TrailStep::FirstPlace {
                    ballot_number: contest.ballot_number(leader),
                    votes: most_votes,
                });
                return Winner::List(leader);
            }
            settle_first_place_tie(contest, &leaders, most_votes, bonus_size, recorder, flags)
        }
    }
}

/// Settles a round-2 tie for first place by the lists' mean ages (art. L262, al. 2).
fn settle_first_place_tie(
    contest: &Contest<'_>,
    leaders: &[usize],
    votes: u64,
    bonus_size: u32,
    recorder: &mut Recorder,
    flags: &mut Vec<Flag>,
) -> Winner {
    let ballot_numbers = contest.ballot_numbers(leaders);
    let ages: Vec<Option<AverageAge>> = leaders
        .iter()
        .map(|&index| contest.average_ages[index])
        .collect();
    let (winner, outcome) = if bonus_size == 0 {
        (Winner::NotNeeded, TieOutcome::WithoutEffect)
    } else {
        match oldest(&ages) {
            Ok(position) => {
                let index = leaders[position];
                let winner_number = contest.ballot_number(index);
                flags.push(Flag::FirstPlaceTieSettledByAge {
                    ballot_numbers: ballot_numbers.clone(),
                    winner: winner_number,
                });
                (
                    Winner::List(index),
                    TieOutcome::Age {
                        winners: vec![winner_number],
                    },
                )
            }
            Err(failure) => {
                let reason = match failure {
                    AgeTieBreak::Missing => DecisionReason::AverageAgesMissing,
                    AgeTieBreak::Equal => DecisionReason::AverageAgesEqual,
                };
                // Nothing is allocated until the bonus has a winner, so every seat waits.
                let decision = Decision {
                    kind: DecisionKind::FirstPlaceTie,
                    ballot_numbers: ballot_numbers.clone(),
                    seats_at_stake: contest.request.seats,
                    reason,
                };
                (
                    Winner::Undecided(decision),
                    TieOutcome::Unresolved { reason },
                )
            }
        }
    };
    recorder.record(|| TrailStep::FirstPlaceTie {
        ballot_numbers,
        votes,
        ages,
        outcome,
    });
    winner
}

/// Orders lists for a tie-break: more votes first, then ballot number, so that the result and the
/// trail do not depend on the order of the request's lists.
pub(crate) fn by_votes_then_number(contest: &Contest<'_>, left: usize, right: usize) -> Ordering {
    contest.votes[right]
        .cmp(&contest.votes[left])
        .then_with(|| {
            contest
                .ballot_number(left)
                .cmp(&contest.ballot_number(right))
        })
}
