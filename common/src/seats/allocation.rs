//! Seat allocation of one council for one round (Code électoral, art. L260 to L262), and its
//! result.

use std::fmt;

use serde::Serialize;

use super::error::SeatsError;
use super::french;
use super::request::{AllocationRequest, BonusFraction, ListVotes, ShortListRule};
use super::run::{Contest, Run, run};
use super::trail::{Recorder, TrailStep};
use crate::election::Sex;
use crate::outcome::Round;

/// Result of [`allocate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub status: AllocationStatus,
    pub round: Round,
    pub seats_to_fill: u32,
    pub bonus_fraction: BonusFraction,
    /// Size of the majority bonus for `seats_to_fill` seats, whether or not it was awarded.
    pub majority_bonus: u32,
    /// Ballot number of the list that received the bonus.
    pub bonus_list: Option<u32>,
    /// One entry per list, in the order of the request.
    pub lists: Vec<ListSeats>,
    /// Seats that no list could fill (short lists, see [`ShortListRule`]).
    pub vacant_seats: u32,
    /// Seats left unallocated because a tie needs a decision.
    pub undecided_seats: u32,
    pub flags: Vec<Flag>,
    pub trail: Vec<TrailStep>,
}

impl Allocation {
    /// Returns the seats of the list with this ballot number.
    pub fn seats_of(&self, ballot_number: u32) -> Option<u32> {
        self.lists
            .iter()
            .find(|list| list.ballot_number == ballot_number)
            .map(|list| list.seats)
    }

    /// Renders every trail step in French, in order.
    pub fn trail_in_french(&self) -> Vec<String> {
        self.trail.iter().map(ToString::to_string).collect()
    }
}

/// Whether the seats could be allocated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AllocationStatus {
    /// Every seat is allocated, apart from `vacant_seats`.
    Allocated,
    /// Round 1 and no list has the absolute majority: no seat is allocated and a second round
    /// is held (art. L262, al. 1). Every list shows zero seats.
    NoMajorityRound1,
    /// A tie that the input data cannot settle. The seats not at stake are allocated.
    DecisionRequired(Decision),
}

/// A tie that needs data the request does not contain, or that the law does not settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub kind: DecisionKind,
    /// The tied lists that compete for the seats at stake.
    pub ballot_numbers: Vec<u32>,
    /// Seats left unallocated until the decision. For a tie for first place this is every seat,
    /// because nothing is allocated before the bonus has a winner.
    pub seats_at_stake: u32,
    pub reason: DecisionReason,
}

/// Kind of unresolved tie of art. L262.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Round-2 tie for first place: the bonus goes to the list with the highest mean age.
    FirstPlaceTie,
    /// Equal averages and equal votes for the last seat: the oldest candidate who would be
    /// elected takes it.
    LastSeatTie,
}

/// Reason a tie could not be settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionReason {
    /// A tied list has no average age, and no candidates with birth dates and election date to
    /// derive it.
    AverageAgesMissing,
    /// The tied lists have the same mean age, a case the law does not settle.
    AverageAgesEqual,
    /// The next candidate of a tied list, or his or her birth date, is unknown.
    BirthDatesMissing,
    /// The next candidates of the tied lists were born on the same day, a case the law does not
    /// settle.
    BirthDatesEqual,
}

/// A fact about the allocation that an official must see: a tie settled by a tie-break, a list
/// without enough candidates, vacant seats. `Display` renders it in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    FirstPlaceTieSettledByAge {
        ballot_numbers: Vec<u32>,
        winner: u32,
    },
    LastSeatTieSettled {
        ballot_numbers: Vec<u32>,
        winners: Vec<u32>,
        by: TieBreak,
    },
    /// The list won more seats than it has candidates. `rule` names where the others went.
    SeatsBeyondCandidates {
        ballot_number: u32,
        candidates: u32,
        seats_won: u32,
        seats_filled: u32,
        rule: ShortListRule,
    },
    SeatsVacant {
        seats: u32,
    },
}

/// The criterion that settled a tie for the last seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    Votes,
    Age,
}

/// Seats of one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListSeats {
    pub ballot_number: u32,
    pub votes: u64,
    /// At least 5 % of the valid votes (art. L262, al. 3).
    pub admitted: bool,
    pub majority_bonus: u32,
    pub proportional_seats: u32,
    /// `majority_bonus + proportional_seats`.
    pub seats: u32,
    /// Candidates who take the seats, in list order, when the request gives candidates.
    pub elected: Option<Vec<ElectedCandidate>>,
    /// Seats of this list left without a candidate (only with [`ShortListRule::LeaveVacant`]).
    pub vacant_seats: u32,
}

/// A candidate who takes a seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElectedCandidate {
    /// Position on the list, from 1.
    pub rank: u32,
    pub name: String,
    pub sex: Sex,
}

/// Allocates the seats of one council for one round by the rules of Code électoral, art. L262.
///
/// Round 1: a list with strictly more than half the valid votes receives the majority bonus,
/// otherwise nothing is allocated ([`AllocationStatus::NoMajorityRound1`]). Round 2: the list
/// with the most votes receives it. The other seats go by highest average to the lists with at
/// least 5 % of the valid votes, the winner included. Seats go to candidates in list order.
/// The same function serves community seats (art. L273-8) and PLM sector seats, each computed
/// independently with its own seat count.
///
/// Each step is recorded in [`Allocation::trail`] and logged at DEBUG.
///
/// # Errors
///
/// Rejects a request without lists, with more than [`MAX_SEATS`] seats, with a duplicate ballot
/// number, without valid votes, whose list votes do not add up to `valid_votes`, with an invalid
/// bonus fraction or an average age over zero candidates.
pub fn allocate(request: &AllocationRequest) -> Result<Allocation, SeatsError> {
    validate(request)?;
    let _span = tracing::debug_span!(
        "seat_allocation",
        round = ?request.round,
        seats = request.seats,
        valid_votes = request.valid_votes
    )
    .entered();
    let contest = Contest::new(request);
    let mut recorder = Recorder::enabled();
    let result = run(&contest, &mut recorder);
    let mut flags = result.flags.clone();
    flags.extend(short_list_flags(&contest, &result));
    if result.vacant > 0 {
        flags.push(Flag::SeatsVacant {
            seats: result.vacant,
        });
    }

    let lists: Vec<ListSeats> = request
        .lists
        .iter()
        .enumerate()
        .map(|(index, list)| list_seats(list, &result, index))
        .collect();
    for flag in &flags {
        tracing::debug!(target: "urne_common::seats", "{flag}");
    }
    Ok(Allocation {
        status: result.status.clone(),
        round: request.round,
        seats_to_fill: request.seats,
        bonus_fraction: request.bonus,
        majority_bonus: result.bonus_size,
        bonus_list: result
            .winner
            .filter(|&index| result.bonus[index] > 0)
            .map(|index| request.lists[index].ballot_number),
        lists,
        vacant_seats: result.vacant,
        undecided_seats: result.undecided,
        flags,
        trail: recorder.into_steps(),
    })
}

/// Largest seat count accepted. The largest council is the Conseil de Paris with 163 seats, so
/// a larger count is a typing error, and the allocation loops once per seat.
pub const MAX_SEATS: u32 = 1_000;

/// Checks the request before any computation.
pub(crate) fn validate(request: &AllocationRequest) -> Result<(), SeatsError> {
    if request.lists.is_empty() {
        return Err(SeatsError::NoLists);
    }
    if request.seats > MAX_SEATS {
        return Err(SeatsError::TooManySeats {
            seats: request.seats,
            maximum: MAX_SEATS,
        });
    }
    let mut numbers: Vec<u32> = request
        .lists
        .iter()
        .map(|list| list.ballot_number)
        .collect();
    numbers.sort_unstable();
    if let Some(pair) = numbers.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(SeatsError::DuplicateBallotNumber {
            ballot_number: pair[0],
        });
    }
    let votes_sum: u128 = request
        .lists
        .iter()
        .map(|list| u128::from(list.votes))
        .sum();
    if votes_sum != u128::from(request.valid_votes) {
        return Err(SeatsError::VotesMismatch {
            votes_sum,
            valid_votes: request.valid_votes,
        });
    }
    if request.valid_votes == 0 {
        return Err(SeatsError::NoValidVotes);
    }
    if !request.bonus.is_valid() {
        return Err(SeatsError::InvalidBonusFraction {
            numerator: request.bonus.numerator,
            denominator: request.bonus.denominator,
        });
    }
    if let Some(list) = request
        .lists
        .iter()
        .find(|list| list.average_age.is_some_and(|age| age.candidates == 0))
    {
        return Err(SeatsError::InvalidAverageAge {
            ballot_number: list.ballot_number,
        });
    }
    Ok(())
}

fn list_seats(list: &ListVotes, result: &Run, index: usize) -> ListSeats {
    let seats = result.seats_of(index);
    let (elected, vacant_seats) = match &list.candidates {
        Some(candidates) => {
            let filled = usize::try_from(seats)
                .unwrap_or(usize::MAX)
                .min(candidates.len());
            let elected = candidates[..filled]
                .iter()
                .zip(1u32..)
                .map(|(candidate, rank)| ElectedCandidate {
                    rank,
                    name: candidate.name.clone(),
                    sex: candidate.sex,
                })
                .collect();
            let filled = u32::try_from(filled).unwrap_or(u32::MAX);
            (Some(elected), seats - filled)
        }
        None => (None, 0),
    };
    ListSeats {
        ballot_number: list.ballot_number,
        votes: list.votes,
        admitted: result.admitted[index],
        majority_bonus: result.bonus[index],
        proportional_seats: result.proportional[index],
        seats,
        elected,
        vacant_seats,
    }
}

/// Flags lists that won more seats than they have candidates.
///
/// With [`ShortListRule::NextHighestAverages`] the seats a list would have won with enough
/// candidates come from a second pass without candidate limits.
fn short_list_flags(contest: &Contest<'_>, result: &Run) -> Vec<Flag> {
    let request = contest.request;
    let candidate_count = |index: usize| {
        request.lists[index]
            .candidates
            .as_ref()
            .map(|candidates| u32::try_from(candidates.len()).unwrap_or(u32::MAX))
    };
    match request.short_list_rule {
        ShortListRule::LeaveVacant => (0..request.lists.len())
            .filter_map(|index| {
                let candidates = candidate_count(index)?;
                let seats = result.seats_of(index);
                (seats > candidates).then(|| Flag::SeatsBeyondCandidates {
                    ballot_number: request.lists[index].ballot_number,
                    candidates,
                    seats_won: seats,
                    seats_filled: candidates,
                    rule: ShortListRule::LeaveVacant,
                })
            })
            .collect(),
        ShortListRule::NextHighestAverages => {
            let limited = contest
                .capacities
                .iter()
                .any(|capacity| capacity.is_some_and(|candidates| candidates < request.seats));
            if !limited {
                return Vec::new();
            }
            let mut unlimited = contest.clone();
            unlimited.capacities = vec![None; request.lists.len()];
            let without_limits = run(&unlimited, &mut Recorder::disabled());
            (0..request.lists.len())
                .filter_map(|index| {
                    let candidates = candidate_count(index)?;
                    let seats_won = without_limits.seats_of(index);
                    let seats_filled = result.seats_of(index);
                    (seats_won > seats_filled).then(|| Flag::SeatsBeyondCandidates {
                        ballot_number: request.lists[index].ballot_number,
                        candidates,
                        seats_won,
                        seats_filled,
                        rule: ShortListRule::NextHighestAverages,
                    })
                })
                .collect()
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tie = match self.kind {
            DecisionKind::FirstPlaceTie => "égalité de voix en tête au second tour",
            DecisionKind::LastSeatTie => "égalité de moyenne et de voix pour le dernier siège",
        };
        write!(
            f,
            "décision requise : {tie} entre les {} ({} {} en jeu) ; {}",
            french::lists(&self.ballot_numbers),
            self.seats_at_stake,
            french::seats_word(self.seats_at_stake),
            self.reason
        )
    }
}

impl fmt::Display for DecisionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AverageAgesMissing => {
                "saisir l'âge moyen des candidats de chaque liste, ou leurs dates de naissance et \
                 la date du scrutin (la prime va à la liste la plus âgée, art. L262)"
            }
            Self::AverageAgesEqual => {
                "les listes ont le même âge moyen, cas que l'art. L262 ne règle pas"
            }
            Self::BirthDatesMissing => {
                "saisir la date de naissance du candidat suivant de chaque liste (le siège va au \
                 plus âgé, art. L262)"
            }
            Self::BirthDatesEqual => {
                "les candidats suivants sont nés le même jour, cas que l'art. L262 ne règle pas"
            }
        })
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FirstPlaceTieSettledByAge {
                ballot_numbers,
                winner,
            } => write!(
                f,
                "Égalité en tête entre les {} : prime attribuée à la {}, dont les candidats ont la \
                 moyenne d'âge la plus élevée",
                french::lists(ballot_numbers),
                french::list(*winner)
            ),
            Self::LastSeatTieSettled {
                ballot_numbers,
                winners,
                by,
            } => write!(
                f,
                "Égalité de moyenne pour le dernier siège entre les {} : attribué {}, {}",
                french::lists(ballot_numbers),
                french::to_lists(winners),
                match (by, winners.len() > 1) {
                    (TieBreak::Votes, false) => "qui a le plus de suffrages",
                    (TieBreak::Votes, true) => "qui ont le plus de suffrages",
                    (TieBreak::Age, _) => "à égalité de suffrages, au candidat suivant le plus âgé",
                }
            ),
            Self::SeatsBeyondCandidates {
                ballot_number,
                candidates,
                seats_won,
                seats_filled,
                rule,
            } => {
                write!(
                    f,
                    "La {} obtient {seats_won} {} mais ne compte que {candidates} candidats : ",
                    french::list(*ballot_number),
                    french::seats_word(*seats_won)
                )?;
                let unfilled = seats_won - seats_filled;
                match rule {
                    ShortListRule::NextHighestAverages => write!(
                        f,
                        "{unfilled} {} non {} aux plus fortes moyennes suivantes \
                         (règle appliquée : sièges non pourvus aux plus fortes moyennes suivantes)",
                        french::seats_word(unfilled),
                        if unfilled > 1 {
                            "pourvus sont attribués"
                        } else {
                            "pourvu est attribué"
                        }
                    ),
                    ShortListRule::LeaveVacant => write!(
                        f,
                        "{unfilled} {} vacant{} \
                         (règle appliquée : sièges non pourvus laissés vacants)",
                        french::seats_word(unfilled),
                        if unfilled > 1 { "s" } else { "" }
                    ),
                }
            }
            Self::SeatsVacant { seats } => write!(
                f,
                "{seats} {} sans titulaire : aucune liste admise n'a de candidat disponible",
                french::seats_word(*seats)
            ),
        }
    }
}
