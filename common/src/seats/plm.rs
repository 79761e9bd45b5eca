//! Paris, Lyon and Marseille (PLM): sector and city-level allocations.
//!
//! Until 2020 (loi n° 82-1170 and Code électoral, art. L271 to L272-6) each sector elects on one
//! list ballot its members of the Conseil de Paris (or of the municipal council of Lyon or
//! Marseille) and its arrondissement councillors. The two seat counts are allocated by two
//! independent applications of art. L262 to the same votes: see [`allocate_sector`].
//!
//! From March 2026 (loi n° 2025-795 du 11 août 2025) the two councils are elected by two distinct
//! ballots on the same day. The Conseil de Paris or city council is elected city-wide with a
//! bonus of one quarter of the seats (art. L272-4-1), so its request uses
//! [`BonusFraction::QUARTER`]. Sector councils keep the bonus of one half. Both are plain calls
//! to [`allocate`] with their own votes.

use serde::Serialize;

use super::allocation::{Allocation, allocate};
use super::error::SeatsError;
use super::request::{AllocationRequest, BonusFraction};

/// The two allocations of one PLM sector until 2020.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectorAllocation {
    /// Seats in the Conseil de Paris or the city council.
    pub municipal: Allocation,
    /// Arrondissement council seats that are not also city council seats.
    pub sector: Allocation,
}

/// Allocates a sector's city council seats and arrondissement seats until 2020, each by
/// art. L262 with the bonus of one half, independently.
///
/// `request` gives the round, votes and candidates, and its `seats` and `bonus` are ignored.
/// Each list's candidates, when given, are those of the whole sector list in order.
///
/// # Errors
///
/// The same as [`allocate`].
pub fn allocate_sector(
    request: &AllocationRequest,
    municipal_seats: u32,
    sector_seats: u32,
) -> Result<SectorAllocation, SeatsError> {
    let mut municipal = request.clone();
    municipal.seats = municipal_seats;
    municipal.bonus = BonusFraction::HALF;
    let mut sector = request.clone();
    sector.seats = sector_seats;
    sector.bonus = BonusFraction::HALF;
    let municipal = allocate(&municipal)?;
    // The first elected of each list sit in the city council and the next ones in the
    // arrondissement council (art. L272-5). The sector allocation therefore gets, for each list,
    // the candidates that follow those elected to the city council.
    for (list, seats) in sector.lists.iter_mut().zip(&municipal.lists) {
        if let Some(candidates) = &mut list.candidates {
            let elected = usize::try_from(seats.seats)
                .unwrap_or(usize::MAX)
                .min(candidates.len());
            candidates.drain(..elected);
        }
    }
    Ok(SectorAllocation {
        municipal,
        sector: allocate(&sector)?,
    })
}

/// Returns the request of a PLM city council from 2026: the same request with a bonus of one
/// quarter of the seats (art. L272-4-1).
///
/// NOTE: the quarter is rounded as art. L262 rounds the half, up above four seats and down
/// below four. The exact rounding wording of art. L272-4-1 has not been checked against the
/// official text.
pub fn city_council_request_2026(mut request: AllocationRequest) -> AllocationRequest {
    request.bonus = BonusFraction::QUARTER;
    request
}
