//! Outcomes of single-member and list races at the commune's level: who is elected, who
//! qualifies for round 2, which lists may stand again or merge, whether a referendum passes.
//!
//! The hub counts one commune. When the race extends beyond it (présidentielle, a législative
//! constituency or a canton spanning several communes, a national referendum), the outcome is
//! computed on the commune's votes only and is labelled provisional.
//!
//! Every function returns its trail: each threshold tested, as [`OutcomeStep`]s whose `Display`
//! renders them in French. Steps are also logged at DEBUG.

pub(crate) mod age;
mod error;
mod municipal;
mod referendum;
mod single_member;
mod trail;

pub use age::AverageAge;
pub use error::OutcomeError;
pub use municipal::{ListRoundOutcome, ListRoundStatus, municipal_round1_outcome};
pub use referendum::{
    ReferendumKind, ReferendumOutcome, ReferendumRequest, ReferendumResult, referendum_outcome,
};
pub use single_member::{
    CandidateOutcome, CandidateStatus, CandidateVotes, RaceDecision, RaceOutcome, RaceRequest,
    TieReason, departmental_outcome, legislative_outcome, presidential_outcome,
};
pub use trail::{Contestant, OutcomeStep};

use serde::{Deserialize, Serialize};

/// Round of an election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Round {
    First,
    Second,
}

impl Round {
    /// Converts the round number used in election configurations (1 or 2).
    pub fn from_number(number: u8) -> Option<Self> {
        match number {
            1 => Some(Self::First),
            2 => Some(Self::Second),
            _ => None,
        }
    }

    /// Returns the round number, 1 or 2.
    pub fn number(self) -> u8 {
        match self {
            Self::First => 1,
            Self::Second => 2,
        }
    }
}

/// Whether the race's voters all vote in this commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaceExtent {
    /// Every voter of the race votes in the commune (for example a canton inside a city): the
    /// commune's count decides the race.
    Commune,
    /// Other communes vote in the same race: the outcome is provisional.
    BeyondCommune,
}
