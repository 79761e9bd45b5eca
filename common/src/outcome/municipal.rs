//! Round-1 outcome of a municipal list ballot: decided, or which lists may stand again or merge.

use serde::Serialize;

use super::error::OutcomeError;
use super::trail::{OutcomeStep, StepLog};
use crate::seats::ListVotes;

/// Result of [`municipal_round1_outcome`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListRoundOutcome {
    /// Always false: the commune's count decides a municipal race. Kept for symmetry with the
    /// other outcomes.
    pub provisional: bool,
    /// Ballot number of the list with the absolute majority. When set, the seats are allocated in
    /// round 1 by [`allocate`](crate::seats::allocate) and no list stands again.
    pub majority_list: Option<u32>,
    /// One entry per list, in the order of the request.
    pub lists: Vec<ListRoundStatus>,
    pub trail: Vec<OutcomeStep>,
}

/// Round-2 options of one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListRoundStatus {
    pub ballot_number: u32,
    pub votes: u64,
    /// At least 10 % of the valid votes: the list may stand in round 2.
    pub may_stand: bool,
    /// At least 5 % of the valid votes: its candidates may join a list that stands in round 2.
    pub may_merge: bool,
}

/// Round-1 outcome of the municipal election (Code électoral, art. L262 and L264).
///
/// A list with strictly more than half the valid votes wins in round 1. Otherwise a list with at
/// least 10 % of the valid votes may stand in round 2 (`10 × votes ≥ valid_votes`), and the
/// candidates of a list with at least 5 % may join a list that stands (`20 × votes ≥
/// valid_votes`). Art. L264 provides no fallback when fewer than two lists reach 10 %.
///
/// # Errors
///
/// Rejects an empty list set, duplicate ballot numbers, votes not adding up to `valid_votes`, and
/// zero valid votes.
pub fn municipal_round1_outcome(
    valid_votes: u64,
    lists: &[ListVotes],
) -> Result<ListRoundOutcome, OutcomeError> {
    validate(valid_votes, lists)?;
    let _span = tracing::debug_span!("municipal_round1_outcome", valid_votes).entered();
    let mut log = StepLog::default();
    let majority_list = lists
        .iter()
        .find(|list| u128::from(list.votes) * 2 > u128::from(valid_votes))
        .map(|list| list.ballot_number);
    let leader = lists.iter().max_by(|left, right| {
        left.votes
            .cmp(&right.votes)
            .then(right.ballot_number.cmp(&left.ballot_number))
    });
    if let Some(leader) = leader {
        log.push(OutcomeStep::AbsoluteMajority {
            contestant: super::Contestant::List,
            ballot_number: leader.ballot_number,
            votes: leader.votes,
            valid_votes,
            passed: majority_list.is_some(),
        });
    }

    let mut statuses = Vec::with_capacity(lists.len());
    for list in lists {
        let (may_stand, may_merge) = if majority_list.is_some() {
            (false, false)
        } else {
            let votes = u128::from(list.votes);
            let may_stand = votes * 10 >= u128::from(valid_votes);
            let may_merge = votes * 20 >= u128::from(valid_votes);
            for (percent, passed) in [(10, may_stand), (5, may_merge)] {
                log.push(OutcomeStep::ListThreshold {
                    ballot_number: list.ballot_number,
                    votes: list.votes,
                    valid_votes,
                    percent,
                    passed,
                });
            }
            (may_stand, may_merge)
        };
        statuses.push(ListRoundStatus {
            ballot_number: list.ballot_number,
            votes: list.votes,
            may_stand,
            may_merge,
        });
    }
    Ok(ListRoundOutcome {
        provisional: false,
        majority_list,
        lists: statuses,
        trail: log.into_steps(),
    })
}

fn validate(valid_votes: u64, lists: &[ListVotes]) -> Result<(), OutcomeError> {
    if lists.is_empty() {
        return Err(OutcomeError::NoCandidates);
    }
    let mut numbers: Vec<u32> = lists.iter().map(|list| list.ballot_number).collect();
    numbers.sort_unstable();
    if let Some(pair) = numbers.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(OutcomeError::DuplicateBallotNumber {
            ballot_number: pair[0],
        });
    }
    let votes_sum: u128 = lists.iter().map(|list| u128::from(list.votes)).sum();
    if votes_sum != u128::from(valid_votes) {
        return Err(OutcomeError::VotesMismatch {
            votes_sum,
            valid_votes,
        });
    }
    if valid_votes == 0 {
        return Err(OutcomeError::NoValidVotes);
    }
    Ok(())
}
