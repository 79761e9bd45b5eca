//! Highest-average distribution of the proportional seats (D'Hondt), Code électoral, art. L262.

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::allocation::{Decision, DecisionKind, DecisionReason, Flag, TieBreak};
use super::average::{Average, ListAverage};
use super::run::{Contest, by_votes_then_number};
use super::trail::{Recorder, TieContender, TieOutcome, TrailStep};

/// Proportional seats of each list and what could not be settled.
pub(crate) struct Proportional {
    pub(crate) seats: Vec<u32>,
    /// Seats that no admitted list with candidates left can take.
    pub(crate) vacant: u32,
    /// Set when a tie for the last seats needs data that the request lacks.
    pub(crate) undecided: Option<Decision>,
    /// Set when a tie for the last seats was settled by votes or age.
    pub(crate) settled_tie: Option<Flag>,
}

/// Distributes `pool` seats among the admitted lists by highest average.
///
/// The average of a list is its votes divided by its proportional seats plus one, so `bonus`
/// seats are not counted. Seats are awarded one at a time. When several lists share the highest
/// average and enough seats remain, each of them gets one, which is what awarding them in any
/// order gives, so no tie-break runs. The tie-break of art. L262, al. 5 runs only when more lists
/// share the highest average than seats remain: more votes first, then the oldest of the
/// candidates who would be elected.
pub(crate) fn distribute(
    contest: &Contest<'_>,
    bonus: &[u32],
    admitted: &[bool],
    pool: u32,
    recorder: &mut Recorder,
) -> Proportional {
    let lists = contest.votes.len();
    let mut seats = vec![0u32; lists];
    let mut full = vec![false; lists];
    let mut remaining = pool;
    let mut awarded = 0u32;
    let mut group: Vec<usize> = Vec::with_capacity(lists);
    let mut result = Proportional {
        seats: Vec::new(),
        vacant: 0,
        undecided: None,
        settled_tie: None,
    };

    while remaining > 0 {
        group.clear();
        let mut best: Option<Average> = None;
        for index in 0..lists {
            if !admitted[index] {
                continue;
            }
            if let Some(candidates) = contest.capacities[index]
                && bonus[index] + seats[index] >= candidates
            {
                if !full[index] {
                    full[index] = true;
                    recorder.record(|| TrailStep::ListFull {
                        ballot_number: contest.ballot_number(index),
                        candidates,
                    });
                }
                continue;
            }
            let average = Average::of(contest.votes[index], seats[index]);
            match best.map(|best| average.cmp_value(&best)) {
                None | Some(Ordering::Greater) => {
                    best = Some(average);
                    group.clear();
                    group.push(index);
                }
                Some(Ordering::Equal) => group.push(index),
                Some(Ordering::Less) => {}
            }
        }
        if group.is_empty() {
            result.vacant = remaining;
            recorder.record(|| TrailStep::SeatsVacant { seats: remaining });
            break;
        }
        group.sort_by(|&left, &right| by_votes_then_number(contest, left, right));

        let group_size = u32::try_from(group.len()).unwrap_or(u32::MAX);
        if group_size <= remaining {
            for &index in &group {
                awarded += 1;
                recorder.record(|| TrailStep::SeatAwarded {
                    seat: awarded,
                    seats: pool,
                    ballot_number: contest.ballot_number(index),
                    average: Average::of(contest.votes[index], seats[index]),
                    compared: compared_averages(contest, admitted, &full, &seats, index),
                    tied_with: group
                        .iter()
                        .filter(|&&other| other != index)
                        .map(|&other| contest.ballot_number(other))
                        .collect(),
                });
                seats[index] += 1;
            }
            remaining -= group_size;
            continue;
        }

        let settled = settle_last_seats(contest, bonus, &seats, &group, remaining);
        recorder.record(|| TrailStep::LastSeatsTie {
            first_seat: awarded + 1,
            seats: pool,
            contenders: group
                .iter()
                .map(|&index| TieContender {
                    ballot_number: contest.ballot_number(index),
                    votes: contest.votes[index],
                    average: Average::of(contest.votes[index], seats[index]),
                    next_candidate_birth_date: contest
                        .next_birth_date(index, bonus[index] + seats[index]),
                })
                .collect(),
            outcome: settled.outcome.clone(),
        });
        for &index in &settled.winners {
            seats[index] += 1;
        }
        result.undecided = settled.decision;
        result.settled_tie = settled.flag;
        break;
    }
    result.seats = seats;
    result
}

/// Averages of the lists other than `chosen` still in contention, for the trail.
fn compared_averages(
    contest: &Contest<'_>,
    admitted: &[bool],
    full: &[bool],
    seats: &[u32],
    chosen: usize,
) -> Vec<ListAverage> {
    (0..seats.len())
        .filter(|&index| index != chosen && admitted[index] && !full[index])
        .map(|index| ListAverage {
            ballot_number: contest.ballot_number(index),
            average: Average::of(contest.votes[index], seats[index]),
        })
        .collect()
}

/// Outcome of a tie for the last seats.
struct SettledTie {
    /// Lists that receive a seat, also when a part of the tie stays unresolved.
    winners: Vec<usize>,
    outcome: TieOutcome,
    decision: Option<Decision>,
    flag: Option<Flag>,
}

/// Settles a tie of `group` (sorted by votes, most first) for the `remaining` last seats.
///
/// Art. L262, al. 5 gives the seat to the list with more votes, then to the oldest of the
/// candidates who would be elected. The article speaks of the last seat. When several seats
/// remain for more tied lists, the same order is applied to all of them.
fn settle_last_seats(
    contest: &Contest<'_>,
    bonus: &[u32],
    seats: &[u32],
    group: &[usize],
    remaining: u32,
) -> SettledTie {
    let take = usize::try_from(remaining)
        .unwrap_or(usize::MAX)
        .min(group.len());
    let ballot_numbers = contest.ballot_numbers(group);
    let cut_votes = contest.votes[group[take - 1]];
    if contest.votes[group[take]] < cut_votes {
        let winners = group[..take].to_vec();
        let winner_numbers = contest.ballot_numbers(&winners);
        return SettledTie {
            winners,
            outcome: TieOutcome::Votes {
                winners: winner_numbers.clone(),
            },
            decision: None,
            flag: Some(Flag::LastSeatTieSettled {
                ballot_numbers,
                winners: winner_numbers,
                by: TieBreak::Votes,
            }),
        };
    }

    // Lists with more votes than the cut win outright. The lists at the cut compete by age.
    let mut winners: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&index| contest.votes[index] > cut_votes)
        .collect();
    let boundary: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&index| contest.votes[index] == cut_votes)
        .collect();
    let needed = take - winners.len();
    let births: Option<Vec<(NaiveDate, usize)>> = boundary
        .iter()
        .map(|&index| {
            contest
                .next_birth_date(index, bonus[index] + seats[index])
                .map(|date| (date, index))
        })
        .collect();
    let unresolved = |reason: DecisionReason, winners: Vec<usize>| SettledTie {
        winners,
        outcome: TieOutcome::Unresolved { reason },
        decision: Some(Decision {
            kind: DecisionKind::LastSeatTie,
            ballot_numbers: contest.ballot_numbers(&boundary),
            seats_at_stake: u32::try_from(needed).unwrap_or(u32::MAX),
            reason,
        }),
        flag: None,
    };
    let Some(mut births) = births else {
        return unresolved(DecisionReason::BirthDatesMissing, winners);
    };
    births.sort_by(|left, right| {
        left.0
            .cmp(&right.0)
            .then_with(|| by_votes_then_number(contest, left.1, right.1))
    });
    if births[needed - 1].0 == births[needed].0 {
        return unresolved(DecisionReason::BirthDatesEqual, winners);
    }
    winners.extend(births[..needed].iter().map(|&(_, index)| index));
    let winner_numbers = contest.ballot_numbers(&winners);
    SettledTie {
        winners,
        outcome: TieOutcome::Age {
            winners: winner_numbers.clone(),
        },
        decision: None,
        flag: Some(Flag::LastSeatTieSettled {
            ballot_numbers,
            winners: winner_numbers,
            by: TieBreak::Age,
        }),
    }
}
