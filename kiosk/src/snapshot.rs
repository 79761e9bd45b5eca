//! The data the kiosk shows: one election's views fetched together from the hub, saved
//! as the last good snapshot and shown again when the hub cannot be reached.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use urne_common::results::{ElectionResults, HundredsView, Progress, TurnoutView};

/// Views of one election at one data version, with the time they were received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Base URL of the hub the views came from.
    pub hub: String,
    pub election_id: i64,
    /// Time the kiosk received the views (UTC), to show the age of cached data.
    pub received_at: DateTime<Utc>,
    /// Id of the latest event the views include, to resume the events stream after it.
    pub last_event_id: Option<u64>,
    pub results: ElectionResults,
    pub turnout: Option<TurnoutView>,
    pub hundreds: Option<HundredsView>,
    /// `None` for elections without list seats (the hub answers 404).
    pub seats: Option<SeatsSummary>,
    /// The whole constituency or canton; `None` when the hub lists no other commune.
    #[serde(default)]
    pub race: Option<crate::race::RaceSummary>,
    /// The plan of the polling places as the hub serves it (PNG or JPEG bytes), `None`
    /// when the election has none. It is saved beside the snapshot file, not inside it.
    #[serde(skip)]
    pub plan: Option<Arc<Vec<u8>>>,
}

/// The part of the hub's `/seats` view the kiosk draws; the hub sends more fields, which
/// are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatsSummary {
    pub provisional: bool,
    /// « Répartition provisoire des sièges (183 bureaux sur 284) ».
    pub label: String,
    pub progress: Progress,
    pub municipal_council: Option<CouncilSeats>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilSeats {
    pub seats_to_fill: u32,
    /// `None` while no allocation can be made (no votes yet, or no seats configured).
    pub allocation: Option<SeatAllocation>,
    /// French explanation when there is no allocation.
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatAllocation {
    pub lists: Vec<ListSeats>,
    #[serde(default)]
    pub vacant_seats: u32,
    #[serde(default)]
    pub undecided_seats: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSeats {
    pub ballot_number: u32,
    pub seats: u32,
}

impl Snapshot {
    /// Returns the time of the latest change in the views, as the hub wrote it (RFC 3339
    /// with the Europe/Paris offset), or `None` before any figure was entered.
    pub fn data_time(&self) -> Option<DateTime<chrono::FixedOffset>> {
        let stations = self
            .results
            .stations
            .iter()
            .filter_map(|station| station.updated_at.as_deref());
        let turnout = self.turnout.iter().flat_map(|view| {
            view.slots.iter().flat_map(|slot| {
                slot.stations
                    .iter()
                    .filter_map(|station| station.entry.as_ref().map(|e| e.updated_at.as_str()))
            })
        });
        let hundreds = self.hundreds.iter().flat_map(|view| {
            view.hundreds.iter().flat_map(|hundred| {
                hundred
                    .stations
                    .iter()
                    .filter_map(|station| station.entry.as_ref().map(|e| e.updated_at.as_str()))
            })
        });
        stations
            .chain(turnout)
            .chain(hundreds)
            .filter_map(|text| DateTime::parse_from_rfc3339(text).ok())
            .max()
    }

    /// Returns the seats of list `ballot_number` in the municipal council, when known.
    pub fn list_seats(&self, ballot_number: u32) -> Option<u32> {
        let allocation = self
            .seats
            .as_ref()?
            .municipal_council
            .as_ref()?
            .allocation
            .as_ref()
            // In a first round without an absolute majority no seat is allocated: the
            // kiosk then shows no seat counts rather than zeros.
            .filter(|allocation| allocation.lists.iter().any(|list| list.seats > 0))?;
        allocation
            .lists
            .iter()
            .find(|list| list.ballot_number == ballot_number)
            .map(|list| list.seats)
    }
}
