//! Outcome of a referendum: yes against no.

use serde::{Deserialize, Serialize};

use super::error::OutcomeError;
use super::trail::{OutcomeStep, StepLog};

/// National or local referendum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReferendumKind {
    /// Decided by the national count, so the commune's outcome is provisional.
    National,
    /// A local referendum of the commune (CGCT, art. LO1112-7): adopted only if at least half the
    /// registered voters took part and the yes votes are a majority of the valid votes.
    Local { registered: u64, voters: u64 },
}

/// The commune's count of a referendum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferendumRequest {
    pub yes: u64,
    pub no: u64,
    pub kind: ReferendumKind,
}

/// Result of [`referendum_outcome`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferendumOutcome {
    pub provisional: bool,
    pub result: ReferendumResult,
    pub trail: Vec<OutcomeStep>,
}

/// Result of the commune's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferendumResult {
    /// More yes than no.
    Approved,
    /// More no than yes.
    Rejected,
    /// As many yes as no: no majority for the project, which is therefore not adopted.
    Tie,
    /// Local referendum where fewer than half the registered voters voted: not adopted,
    /// whatever the votes.
    TurnoutTooLow,
}

/// Computes the outcome of a referendum from the commune's yes and no votes. The valid votes are
/// `yes + no`.
///
/// # Errors
///
/// Rejects a count without valid votes and, for a local referendum, voters above the registered
/// voters or valid votes above the voters.
pub fn referendum_outcome(request: &ReferendumRequest) -> Result<ReferendumOutcome, OutcomeError> {
    let valid_votes = u128::from(request.yes) + u128::from(request.no);
    if valid_votes == 0 {
        return Err(OutcomeError::NoValidVotes);
    }
    let _span = tracing::debug_span!("referendum_outcome").entered();
    let mut log = StepLog::default();
    let mut turnout_reached = true;
    if let ReferendumKind::Local { registered, voters } = request.kind {
        if voters > registered {
            return Err(OutcomeError::VotersAboveRegistered { voters, registered });
        }
        if valid_votes > u128::from(voters) {
            return Err(OutcomeError::ValidVotesAboveVoters {
                valid_votes,
                voters,
            });
        }
        turnout_reached = u128::from(voters) * 2 >= u128::from(registered);
        log.push(OutcomeStep::ReferendumTurnout {
            voters,
            registered,
            passed: turnout_reached,
        });
    }
    log.push(OutcomeStep::ReferendumMajority {
        yes: request.yes,
        no: request.no,
    });
    let result = if !turnout_reached {
        ReferendumResult::TurnoutTooLow
    } else {
        match request.yes.cmp(&request.no) {
            std::cmp::Ordering::Greater => ReferendumResult::Approved,
            std::cmp::Ordering::Less => ReferendumResult::Rejected,
            std::cmp::Ordering::Equal => ReferendumResult::Tie,
        }
    };
    Ok(ReferendumOutcome {
        provisional: request.kind == ReferendumKind::National,
        result,
        trail: log.into_steps(),
    })
}
