//! Seat distribution of a municipal election, as the exports take it: seats per list in
//! the municipal and community councils, and the elected candidates in list order.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use urne_common::seats::AllocationStatus;

/// Seats of every list of one election.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SeatsInput {
    /// One entry per list that takes part in the distribution, in ballot-number order.
    pub lists: Vec<ListSeats>,
    /// Steps of the computation in French, one sentence each, printed under the
    /// distribution (quotient, majority bonus, highest averages…). May be empty.
    pub trail: Vec<String>,
}

/// Seats won by one list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListSeats {
    pub ballot_number: u32,
    /// Seats in the municipal council (conseil municipal).
    pub municipal_council: u32,
    /// Seats in the community council (conseil communautaire).
    pub community_council: u32,
    /// Candidates elected to the municipal council, in list order.
    pub municipal_elected: Vec<ElectedCandidate>,
    /// Candidates elected to the community council, in list order.
    pub community_elected: Vec<ElectedCandidate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ElectedCandidate {
    pub surname: String,
    pub first_name: String,
}

impl SeatsInput {
    /// Total seats of the municipal council.
    pub fn municipal_council_seats(&self) -> u64 {
        self.lists
            .iter()
            .map(|list| u64::from(list.municipal_council))
            .sum()
    }

    /// Total seats of the community council.
    pub fn community_council_seats(&self) -> u64 {
        self.lists
            .iter()
            .map(|list| u64::from(list.community_council))
            .sum()
    }

    pub fn list(&self, ballot_number: u32) -> Option<&ListSeats> {
        self.lists
            .iter()
            .find(|list| list.ballot_number == ballot_number)
    }

    /// Checks what the exports rely on: known, unique ballot numbers, and as many
    /// elected candidates as seats when the names are known (the hub stores list heads,
    /// not whole lists, so computed seats come without names).
    pub fn validate(&self, ballot_numbers: &[u32]) -> Result<(), String> {
        let mut seen = Vec::with_capacity(self.lists.len());
        for list in &self.lists {
            if !ballot_numbers.contains(&list.ballot_number) {
                return Err(format!(
                    "la liste n° {} n'est pas une liste de cette élection",
                    list.ballot_number
                ));
            }
            if seen.contains(&list.ballot_number) {
                return Err(format!(
                    "la liste n° {} figure deux fois",
                    list.ballot_number
                ));
            }
            seen.push(list.ballot_number);
            let elected = [
                ("municipal", list.municipal_council, &list.municipal_elected),
                (
                    "communautaire",
                    list.community_council,
                    &list.community_elected,
                ),
            ];
            for (council, seats, names) in elected {
                if !names.is_empty() && usize::try_from(seats).ok() != Some(names.len()) {
                    return Err(format!(
                        "la liste n° {} a {seats} siège(s) au conseil {council} mais {} élu(s) \
                         nommé(s)",
                        list.ballot_number,
                        names.len()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Returns the final seats of an election: `None` until its seats to fill are configured,
/// every station has arrived and the allocation needs no decision.
pub fn seats_for(connection: &Connection, election_id: i64) -> Option<SeatsInput> {
    let config = crate::db::elections::config(connection, election_id).ok()??;
    let records = crate::db::figures::final_records(connection, election_id).ok()?;
    let all_counted = config.stations.iter().all(|station| {
        records
            .get(&station.code)
            .is_some_and(|r| r.status.is_counted())
    });
    if !all_counted {
        return None;
    }
    let allocations = crate::seats::allocations_now(connection, election_id).ok()??;
    let municipal = allocations.municipal?;
    if municipal.status != AllocationStatus::Allocated {
        return None;
    }
    let community = allocations
        .community
        .filter(|allocation| allocation.status == AllocationStatus::Allocated);
    // Names come from the lists' candidates when they were entered; ranks index them.
    let members = crate::db::lists::all(connection, election_id).ok()?;
    let named = |ballot_number: u32, rank: u32| {
        let member = members
            .get(&ballot_number)?
            .members
            .get(usize::try_from(rank).ok()?.checked_sub(1)?)?;
        Some(ElectedCandidate {
            surname: member.surname.clone(),
            first_name: member.first_name.clone(),
        })
    };
    let lists = municipal
        .lists
        .iter()
        .map(|list| ListSeats {
            ballot_number: list.ballot_number,
            municipal_council: list.seats,
            community_council: community
                .as_ref()
                .and_then(|c| c.seats_of(list.ballot_number))
                .unwrap_or(0),
            municipal_elected: list
                .elected
                .iter()
                .flatten()
                .filter_map(|elected| named(list.ballot_number, elected.rank))
                .collect(),
            community_elected: allocations
                .community_assignment
                .iter()
                .flat_map(|assignment| &assignment.lists)
                .filter(|seats| seats.ballot_number == list.ballot_number)
                .flat_map(|seats| &seats.councillors)
                .filter_map(|councillor| named(list.ballot_number, councillor.municipal_rank))
                .collect(),
        })
        .collect();
    let mut trail = municipal.trail_in_french();
    if let Some(community) = &community {
        trail.push("Conseil communautaire :".to_string());
        trail.extend(community.trail_in_french());
    }
    Some(SeatsInput { lists, trail })
}
