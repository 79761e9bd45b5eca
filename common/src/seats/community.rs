//! Community councillors (conseillers communautaires) of communes of 1 000 inhabitants and
//! more, Code électoral, art. L273-8 and L273-9.
//!
//! The community seats are allocated between lists by [`allocate`](super::allocate) with the
//! commune's community seat count, independently of the municipal seats. This module then names
//! the councillors, applying the replacement rule of art. L273-8, second paragraph.
//!
//! NOTE: communes under 1 000 inhabitants designate their community councillors in the order of
//! the municipal council's tableau, not from a community list. That case is not handled here.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::allocation::{Allocation, AllocationStatus};
use super::error::SeatsError;
use super::french;
use super::request::{ListCandidate, ListVotes};
use crate::election::Sex;

/// The community candidates of one list, given by their ranks (from 1) on the same list's
/// municipal candidates. Art. L273-9 requires every community candidate to be a municipal
/// candidate of the list, in the same order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityList {
    pub ballot_number: u32,
    pub municipal_ranks: Vec<u32>,
}

/// Community councillors of one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommunityListSeats {
    pub ballot_number: u32,
    pub seats: u32,
    pub councillors: Vec<CommunityCouncillor>,
    /// Seats left without a councillor: the community list is shorter than its seats, or no
    /// elected municipal councillor of the right sex is available for a replacement.
    pub vacant_seats: u32,
}

/// A community councillor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommunityCouncillor {
    /// Rank on the community list of the candidate the seat fell to.
    pub community_rank: u32,
    /// Rank on the municipal list of the person who takes the seat.
    pub municipal_rank: u32,
    pub name: String,
    pub sex: Sex,
    /// Municipal rank of the community candidate replaced under art. L273-8, second paragraph,
    /// because he or she was not elected to the municipal council.
    pub replaces_municipal_rank: Option<u32>,
}

/// A replacement made or impossible. `Display` renders it in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum CommunityFlag {
    Replaced {
        ballot_number: u32,
        replaced: String,
        replacement: String,
    },
    NoReplacement {
        ballot_number: u32,
        replaced: String,
        sex: Sex,
    },
    /// The community list has fewer candidates than the seats it won.
    ListTooShort {
        ballot_number: u32,
        candidates: u32,
        seats: u32,
    },
}

/// Result of [`assign_community_seats`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommunityAssignment {
    pub lists: Vec<CommunityListSeats>,
    pub flags: Vec<CommunityFlag>,
}

/// Builds the candidates of a community list from the list's municipal candidates, to put in
/// the [`ListVotes`] of the community allocation.
///
/// # Errors
///
/// Rejects a municipal list without candidates, and a rank that is out of range or repeated.
pub fn community_candidates(
    municipal: &ListVotes,
    community: &CommunityList,
) -> Result<Vec<ListCandidate>, SeatsError> {
    let candidates = municipal_candidates(municipal)?;
    check_ranks(community, candidates)?;
    Ok(community
        .municipal_ranks
        .iter()
        .filter_map(|&rank| candidates.get(rank_index(rank)).cloned())
        .collect())
}

/// Names the community councillors of each list (art. L273-8).
///
/// Community seats go to the community candidates in list order. A seat falling to a candidate
/// not elected to the municipal council goes to the first elected municipal councillor of the
/// same sex on that list who is not already a community councillor. Candidates elected to both
/// councils are settled first, then replacements in community list order.
///
/// # Errors
///
/// Rejects allocations that are not [`AllocationStatus::Allocated`], a list missing from an
/// allocation or without municipal candidates, and invalid community ranks.
pub fn assign_community_seats(
    municipal_lists: &[ListVotes],
    municipal: &Allocation,
    community: &Allocation,
    community_lists: &[CommunityList],
) -> Result<CommunityAssignment, SeatsError> {
    check_decided(municipal, "municipale")?;
    check_decided(community, "communautaire")?;
    let mut assignment = CommunityAssignment {
        lists: Vec::new(),
        flags: Vec::new(),
    };
    for community_list in community_lists {
        let ballot_number = community_list.ballot_number;
        let unknown = |council| SeatsError::UnknownList {
            ballot_number,
            council,
        };
        let municipal_list = municipal_lists
            .iter()
            .find(|list| list.ballot_number == ballot_number)
            .ok_or_else(|| unknown("municipale"))?;
        let municipal_seats = municipal
            .seats_of(ballot_number)
            .ok_or_else(|| unknown("municipale"))?;
        let community_seats = community
            .seats_of(ballot_number)
            .ok_or_else(|| unknown("communautaire"))?;
        let candidates = municipal_candidates(municipal_list)?;
        check_ranks(community_list, candidates)?;
        let seats = name_councillors(
            community_list,
            candidates,
            municipal_seats,
            community_seats,
            &mut assignment.flags,
        );
        assignment.lists.push(seats);
    }
    for flag in &assignment.flags {
        tracing::debug!(target: "urne_common::seats", "{flag}");
    }
    Ok(assignment)
}

fn name_councillors(
    community_list: &CommunityList,
    candidates: &[ListCandidate],
    municipal_seats: u32,
    community_seats: u32,
    flags: &mut Vec<CommunityFlag>,
) -> CommunityListSeats {
    let ballot_number = community_list.ballot_number;
    let elected_municipal = usize::try_from(municipal_seats)
        .unwrap_or(usize::MAX)
        .min(candidates.len());
    let seats_to_fill = usize::try_from(community_seats).unwrap_or(usize::MAX);
    let ranks = &community_list.municipal_ranks;
    let holders = &ranks[..seats_to_fill.min(ranks.len())];
    let is_elected = |rank: u32| rank_index(rank) < elected_municipal;
    let mut vacant_seats = 0;
    if holders.len() < seats_to_fill {
        vacant_seats = community_seats - u32::try_from(holders.len()).unwrap_or(u32::MAX);
        flags.push(CommunityFlag::ListTooShort {
            ballot_number,
            candidates: u32::try_from(holders.len()).unwrap_or(u32::MAX),
            seats: community_seats,
        });
    }

    // Municipal ranks already seated in the community council.
    let mut seated: BTreeSet<u32> = holders
        .iter()
        .copied()
        .filter(|&rank| is_elected(rank))
        .collect();
    let mut councillors = Vec::with_capacity(holders.len());
    for (&rank, community_rank) in holders.iter().zip(1u32..) {
        let holder = &candidates[rank_index(rank)];
        if is_elected(rank) {
            councillors.push(councillor(community_rank, rank, holder, None));
            continue;
        }
        let replacement = (1u32..).take(elected_municipal).find(|&other| {
            !seated.contains(&other) && candidates[rank_index(other)].sex == holder.sex
        });
        match replacement {
            Some(other) => {
                seated.insert(other);
                let person = &candidates[rank_index(other)];
                flags.push(CommunityFlag::Replaced {
                    ballot_number,
                    replaced: holder.name.clone(),
                    replacement: person.name.clone(),
                });
                councillors.push(councillor(community_rank, other, person, Some(rank)));
            }
            None => {
                vacant_seats += 1;
                flags.push(CommunityFlag::NoReplacement {
                    ballot_number,
                    replaced: holder.name.clone(),
                    sex: holder.sex,
                });
            }
        }
    }
    CommunityListSeats {
        ballot_number,
        seats: community_seats,
        councillors,
        vacant_seats,
    }
}

fn councillor(
    community_rank: u32,
    municipal_rank: u32,
    person: &ListCandidate,
    replaces_municipal_rank: Option<u32>,
) -> CommunityCouncillor {
    CommunityCouncillor {
        community_rank,
        municipal_rank,
        name: person.name.clone(),
        sex: person.sex,
        replaces_municipal_rank,
    }
}

fn check_decided(allocation: &Allocation, council: &'static str) -> Result<(), SeatsError> {
    let status = match allocation.status {
        AllocationStatus::Allocated => return Ok(()),
        AllocationStatus::NoMajorityRound1 => "pas de majorité absolue au premier tour",
        AllocationStatus::DecisionRequired(_) => "égalité à départager",
    };
    Err(SeatsError::AllocationNotDecided { council, status })
}

fn municipal_candidates(list: &ListVotes) -> Result<&[ListCandidate], SeatsError> {
    list.candidates
        .as_deref()
        .ok_or(SeatsError::MissingCandidates {
            ballot_number: list.ballot_number,
        })
}

fn check_ranks(community: &CommunityList, candidates: &[ListCandidate]) -> Result<(), SeatsError> {
    let count = u32::try_from(candidates.len()).unwrap_or(u32::MAX);
    let mut seen = BTreeSet::new();
    for &rank in &community.municipal_ranks {
        if rank == 0 || rank > count {
            return Err(SeatsError::CommunityRankOutOfRange {
                ballot_number: community.ballot_number,
                rank,
                candidates: count,
            });
        }
        if !seen.insert(rank) {
            return Err(SeatsError::DuplicateCommunityRank {
                ballot_number: community.ballot_number,
                rank,
            });
        }
    }
    Ok(())
}

/// Converts a rank from 1 into a vector index. Callers check that the rank is at least 1.
fn rank_index(rank: u32) -> usize {
    usize::try_from(rank.saturating_sub(1)).unwrap_or(usize::MAX)
}

impl fmt::Display for CommunityFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Replaced {
                ballot_number,
                replaced,
                replacement,
            } => write!(
                f,
                "{} : {replaced}, non élu(e) au conseil municipal, est remplacé(e) au conseil \
                 communautaire par {replacement}, premier conseiller municipal élu du même sexe \
                 (art. L273-8)",
                capitalized_list(*ballot_number)
            ),
            Self::NoReplacement {
                ballot_number,
                replaced,
                sex,
            } => write!(
                f,
                "{} : {replaced}, non élu(e) au conseil municipal, ne peut être remplacé(e) : \
                 aucun conseiller municipal élu {} disponible ; le siège reste vacant",
                capitalized_list(*ballot_number),
                match sex {
                    Sex::Female => "de sexe féminin",
                    Sex::Male => "de sexe masculin",
                }
            ),
            Self::ListTooShort {
                ballot_number,
                candidates,
                seats,
            } => write!(
                f,
                "{} : {seats} {} communautaires pour {candidates} candidats ; les sièges sans \
                 candidat restent vacants",
                capitalized_list(*ballot_number),
                french::seats_word(*seats)
            ),
        }
    }
}

fn capitalized_list(ballot_number: u32) -> String {
    format!("Liste n° {ballot_number}")
}
