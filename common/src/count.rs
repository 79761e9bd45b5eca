//! Figures keyed in for one polling station: final results and the two centaines.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Final results of one polling station, as its official record (procès-verbal) states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalCount {
    /// Registered voters (inscrits) written on the official record.
    pub registered: u32,
    /// Voters counted by signatures on the roll (votants, émargements).
    pub voters: u32,
    /// Ballots found in the box, when the record gives a figure that differs from
    /// `voters`. `None` means the same figure as `voters`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ballots_found: Option<u32>,
    pub blank: u32,
    pub invalid: u32,
    pub valid_votes: u32,
    /// Votes per candidate or list, keyed by ballot number.
    pub votes: BTreeMap<u32, u32>,
}

impl FinalCount {
    /// Ballots found in the box: the separate figure when given, else the signatures.
    pub fn ballots(&self) -> u32 {
        self.ballots_found.unwrap_or(self.voters)
    }
}

/// Which centaine: the results after the first 100 ballots counted, or after the first 200.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hundred {
    First,
    Second,
}

impl Hundred {
    /// Ballots a full centaine holds: 100 for the first, 200 (cumulative) for the second.
    pub fn size(self) -> u32 {
        match self {
            Hundred::First => 100,
            Hundred::Second => 200,
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Hundred::First => "première centaine",
            Hundred::Second => "seconde centaine",
        }
    }

    pub fn parse(text: &str) -> Option<Hundred> {
        match text {
            "first" | "1" => Some(Hundred::First),
            "second" | "2" => Some(Hundred::Second),
            _ => None,
        }
    }
}

/// Partial results of a polling station after its first 100 or 200 ballots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HundredCount {
    pub blank: u32,
    pub invalid: u32,
    /// Votes per candidate or list, keyed by ballot number.
    pub votes: BTreeMap<u32, u32>,
}

impl HundredCount {
    /// Ballots counted: blank, invalid and every vote.
    pub fn ballots(&self) -> u64 {
        u64::from(self.blank)
            + u64::from(self.invalid)
            + self.votes.values().map(|v| u64::from(*v)).sum::<u64>()
    }
}

/// Entry status of a polling station's final results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationStatus {
    NotArrived,
    Entered,
    /// Stored with failing rules because the official record itself is inconsistent.
    Inconsistent,
    Validated,
}

impl StationStatus {
    pub fn label_fr(self) -> &'static str {
        match self {
            StationStatus::NotArrived => "non arrivé",
            StationStatus::Entered => "saisi",
            StationStatus::Inconsistent => "incohérent",
            StationStatus::Validated => "validé",
        }
    }

    /// Whether the station's figures count in the totals. An inconsistent record still
    /// counts: the official record is what the law knows, and the flag travels with it.
    pub fn is_counted(self) -> bool {
        !matches!(self, StationStatus::NotArrived)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StationStatus::NotArrived => "not_arrived",
            StationStatus::Entered => "entered",
            StationStatus::Inconsistent => "inconsistent",
            StationStatus::Validated => "validated",
        }
    }

    pub fn parse(text: &str) -> Option<StationStatus> {
        [
            StationStatus::NotArrived,
            StationStatus::Entered,
            StationStatus::Inconsistent,
            StationStatus::Validated,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}
