//! Seat changes between two allocations, for example before and after a corrected count.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::allocation::Allocation;
use super::french;

/// Change of one list's seats between two allocations. `Display` renders it in French:
/// `liste n° 2 : −1 siège`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeatChange {
    pub ballot_number: u32,
    pub seats_before: u32,
    pub seats_after: u32,
}

impl SeatChange {
    /// Seats gained (positive) or lost (negative).
    pub fn delta(&self) -> i64 {
        i64::from(self.seats_after) - i64::from(self.seats_before)
    }
}

impl fmt::Display for SeatChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let delta = self.delta();
        // U+2212 is the minus sign of French typography; a hyphen would read as a dash.
        let sign = if delta < 0 { "\u{2212}" } else { "+" };
        write!(
            f,
            "{} : {sign}{} {} ({} → {})",
            french::list(self.ballot_number),
            delta.unsigned_abs(),
            french::seats_word(delta),
            self.seats_before,
            self.seats_after
        )
    }
}

/// Lists the lists whose seats differ between `before` and `after`, by ballot number.
///
/// Lists are matched by ballot number. A list present in only one allocation counts zero seats
/// in the other. Lists with the same seats in both are left out, so an empty result means the
/// correction moved no seat. An allocation that is not decided counts the seats it allocated.
pub fn compare_allocations(before: &Allocation, after: &Allocation) -> Vec<SeatChange> {
    let mut seats: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for list in &before.lists {
        seats.entry(list.ballot_number).or_default().0 = list.seats;
    }
    for list in &after.lists {
        seats.entry(list.ballot_number).or_default().1 = list.seats;
    }
    seats
        .into_iter()
        .filter(|(_, (seats_before, seats_after))| seats_before != seats_after)
        .map(|(ballot_number, (seats_before, seats_after))| SeatChange {
            ballot_number,
            seats_before,
            seats_after,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_uses_minus_sign_and_plural() {
        let lost = SeatChange {
            ballot_number: 2,
            seats_before: 3,
            seats_after: 2,
        };
        assert_eq!(lost.to_string(), "liste n° 2 : \u{2212}1 siège (3 → 2)");
        let gained = SeatChange {
            ballot_number: 1,
            seats_before: 10,
            seats_after: 12,
        };
        assert_eq!(gained.to_string(), "liste n° 1 : +2 sièges (10 → 12)");
    }
}
