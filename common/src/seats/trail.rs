//! The trail of an allocation: every threshold tested, quotient compared and seat awarded, as
//! structured data with a French rendering (`Display`) so that an official can replay it.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use super::average::{Average, ListAverage};
use super::french;
use super::request::BonusFraction;
use crate::outcome::AverageAge;

/// One step of an allocation. `Display` renders it in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum TrailStep {
    /// Seats to fill and size of the majority bonus (art. L262, al. 1).
    BonusSize {
        seats: u32,
        fraction: BonusFraction,
        bonus: u32,
    },
    /// Round-1 absolute majority test of the leading list: `2 × votes > valid_votes`.
    MajorityTest {
        ballot_number: u32,
        votes: u64,
        valid_votes: u64,
        passed: bool,
    },
    /// No list has the absolute majority in round 1, so no seat is allocated (art. L262, al. 1).
    NoMajority,
    /// The list with the most votes in round 2.
    FirstPlace { ballot_number: u32, votes: u64 },
    /// Several lists share the most votes in round 2 (art. L262, al. 2).
    FirstPlaceTie {
        ballot_numbers: Vec<u32>,
        votes: u64,
        ages: Vec<Option<AverageAge>>,
        outcome: TieOutcome,
    },
    /// Bonus seats given to the winning list.
    BonusAwarded { ballot_number: u32, seats: u32 },
    /// The winning list has fewer candidates than bonus seats. The bonus seats it cannot fill
    /// join the proportional part.
    BonusBeyondCandidates {
        ballot_number: u32,
        candidates: u32,
        bonus: u32,
    },
    /// The 5 % threshold test of one list: `20 × votes ≥ valid_votes` (art. L262, al. 3).
    ThresholdTest {
        ballot_number: u32,
        votes: u64,
        valid_votes: u64,
        admitted: bool,
    },
    /// Start of the highest-average part.
    ProportionalStart { seats: u32, admitted: Vec<u32> },
    /// One proportional seat, with the averages of the other lists still in contention.
    ///
    /// `tied_with` names lists whose average is equal to the awarded one and which also get a seat
    /// right after, because enough seats remain for all of them. Such a tie needs no tie-break.
    SeatAwarded {
        seat: u32,
        seats: u32,
        ballot_number: u32,
        average: Average,
        compared: Vec<ListAverage>,
        tied_with: Vec<u32>,
    },
    /// More lists share the highest average than seats remain (art. L262, al. 5).
    LastSeatsTie {
        first_seat: u32,
        seats: u32,
        contenders: Vec<TieContender>,
        outcome: TieOutcome,
    },
    /// A list has no candidate left and takes no further seat.
    ListFull { ballot_number: u32, candidates: u32 },
    /// Seats that no admitted list can fill.
    SeatsVacant { seats: u32 },
}

/// A list in a tie for the last seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TieContender {
    pub ballot_number: u32,
    pub votes: u64,
    pub average: Average,
    /// Birth date of the list's next candidate, the one who would take the seat.
    pub next_candidate_birth_date: Option<NaiveDate>,
}

/// Outcome of a tie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum TieOutcome {
    /// The lists with the most votes take the seats.
    Votes { winners: Vec<u32> },
    /// The oldest candidate (last seat) or the list with the highest mean age (first place) wins.
    Age { winners: Vec<u32> },
    /// The tie decides nothing, because no bonus seat is at stake.
    WithoutEffect,
    /// The data cannot settle the tie.
    Unresolved { reason: super::DecisionReason },
}

/// Collects trail steps and logs each one at DEBUG, or does nothing when disabled.
///
/// Margins run the allocation many times with a disabled recorder, so that no step is built
/// or logged for those runs.
pub(crate) struct Recorder {
    steps: Option<Vec<TrailStep>>,
}

impl Recorder {
    pub(crate) fn enabled() -> Self {
        Self {
            steps: Some(Vec::new()),
        }
    }

    pub(crate) fn disabled() -> Self {
        Self { steps: None }
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.steps.is_some()
    }

    /// Builds the step only when recording, logs it at DEBUG and stores it.
    pub(crate) fn record(&mut self, step: impl FnOnce() -> TrailStep) {
        if let Some(steps) = &mut self.steps {
            let step = step();
            tracing::debug!(target: "urne_common::seats", "{step}");
            steps.push(step);
        }
    }

    pub(crate) fn into_steps(self) -> Vec<TrailStep> {
        self.steps.unwrap_or_default()
    }
}

impl fmt::Display for TrailStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BonusSize {
                seats,
                fraction,
                bonus,
            } => write_bonus_size(f, *seats, *fraction, *bonus),
            Self::MajorityTest {
                ballot_number,
                votes,
                valid_votes,
                passed,
            } => {
                let doubled = u128::from(*votes) * 2;
                let verdict = if *passed {
                    "majorité absolue atteinte"
                } else {
                    "pas de majorité absolue"
                };
                write!(
                    f,
                    "Premier tour : {}, 2 × {} = {} {} {} suffrages exprimés : {verdict} \
                     (art. L262)",
                    french::list(*ballot_number),
                    french::integer(*votes),
                    french::integer(doubled),
                    if *passed { ">" } else { "≤" },
                    french::integer(*valid_votes),
                )
            }
            Self::NoMajority => f.write_str(
                "Aucune liste n'a la majorité absolue des suffrages exprimés : \
                 aucun siège n'est attribué au premier tour (art. L262)",
            ),
            Self::FirstPlace {
                ballot_number,
                votes,
            } => write!(
                f,
                "Second tour : la {} arrive en tête avec {} voix (art. L262)",
                french::list(*ballot_number),
                french::integer(*votes)
            ),
            Self::FirstPlaceTie {
                ballot_numbers,
                votes,
                ages,
                outcome,
            } => write_first_place_tie(f, ballot_numbers, *votes, ages, outcome),
            Self::BonusAwarded {
                ballot_number,
                seats,
            } => write!(
                f,
                "Prime majoritaire : {seats} {} à la {}",
                french::seats_word(*seats),
                french::list(*ballot_number)
            ),
            Self::BonusBeyondCandidates {
                ballot_number,
                candidates,
                bonus,
            } => write!(
                f,
                "La {} ne compte que {candidates} candidats pour {bonus} {} de prime : \
                 les sièges qu'elle ne peut pourvoir passent à la répartition proportionnelle",
                french::list(*ballot_number),
                french::seats_word(*bonus)
            ),
            Self::ThresholdTest {
                ballot_number,
                votes,
                valid_votes,
                admitted,
            } => write!(
                f,
                "Seuil de 5 % : {}, 20 × {} = {} {} {} suffrages exprimés : {} (art. L262)",
                french::list(*ballot_number),
                french::integer(*votes),
                french::integer(u128::from(*votes) * 20),
                if *admitted { "≥" } else { "<" },
                french::integer(*valid_votes),
                if *admitted {
                    "admise à la répartition"
                } else {
                    "non admise à la répartition"
                }
            ),
            Self::ProportionalStart { seats, admitted } => write!(
                f,
                "Répartition à la plus forte moyenne de {seats} {} entre : {}",
                french::seats_word(*seats),
                french::lists(admitted)
            ),
            Self::SeatAwarded {
                seat,
                seats,
                ballot_number,
                average,
                compared,
                tied_with,
            } => write_seat_awarded(
                f,
                *seat,
                *seats,
                *ballot_number,
                *average,
                compared,
                tied_with,
            ),
            Self::LastSeatsTie {
                first_seat,
                seats,
                contenders,
                outcome,
            } => write_last_seats_tie(f, *first_seat, *seats, contenders, outcome),
            Self::ListFull {
                ballot_number,
                candidates,
            } => write!(
                f,
                "La {} a pourvu ses {candidates} candidats : elle ne reçoit plus de siège, \
                 et ceux qui lui reviendraient vont aux plus fortes moyennes suivantes",
                french::list(*ballot_number)
            ),
            Self::SeatsVacant { seats } => write!(
                f,
                "{seats} {} {} vacants : aucune liste admise n'a de candidat disponible",
                french::seats_word(*seats),
                if *seats > 1 { "restent" } else { "reste" }
            ),
        }
    }
}

fn write_bonus_size(
    f: &mut fmt::Formatter<'_>,
    seats: u32,
    fraction: BonusFraction,
    bonus: u32,
) -> fmt::Result {
    let product = u128::from(seats) * u128::from(fraction.numerator);
    let denominator = u128::from(fraction.denominator);
    write!(
        f,
        "Sièges à pourvoir : {seats} ; prime majoritaire : {seats} × {}/{} = {}",
        fraction.numerator,
        fraction.denominator,
        french::quotient(product, denominator)
    )?;
    if denominator != 0 && product % denominator != 0 {
        let rounding = if seats > 4 {
            "arrondi à l'entier supérieur (plus de quatre sièges)"
        } else {
            "arrondi à l'entier inférieur (quatre sièges ou moins)"
        };
        write!(f, ", {rounding}")?;
    }
    write!(f, " : {bonus} {} (art. L262)", french::seats_word(bonus))
}

fn write_first_place_tie(
    f: &mut fmt::Formatter<'_>,
    ballot_numbers: &[u32],
    votes: u64,
    ages: &[Option<AverageAge>],
    outcome: &TieOutcome,
) -> fmt::Result {
    write!(
        f,
        "Second tour : égalité en tête entre les {} ({} voix chacune)",
        french::lists(ballot_numbers),
        french::integer(votes)
    )?;
    if ages.iter().any(Option::is_some) {
        let described: Vec<String> = ballot_numbers
            .iter()
            .zip(ages)
            .map(|(number, age)| match age {
                Some(age) => format!("{} {}", french::list(*number), age.to_french()),
                None => format!("{} inconnu", french::list(*number)),
            })
            .collect();
        write!(f, " ; âges moyens : {}", described.join(", "))?;
    }
    match outcome {
        TieOutcome::Age { winners } => write!(
            f,
            " ; la prime va {}, dont les candidats ont la moyenne d'âge la plus élevée (art. L262)",
            french::to_lists(winners)
        ),
        TieOutcome::WithoutEffect => {
            f.write_str(" ; sans effet : aucun siège de prime à attribuer")
        }
        TieOutcome::Unresolved { reason } => write!(f, " ; décision requise : {reason}"),
        TieOutcome::Votes { winners } => write!(f, " ; la prime va {}", french::to_lists(winners)),
    }
}

fn write_seat_awarded(
    f: &mut fmt::Formatter<'_>,
    seat: u32,
    seats: u32,
    ballot_number: u32,
    average: Average,
    compared: &[ListAverage],
    tied_with: &[u32],
) -> fmt::Result {
    write!(
        f,
        "Siège {seat}/{seats} : {}, moyenne {}",
        french::list(ballot_number),
        average.to_french()
    )?;
    if !tied_with.is_empty() {
        write!(
            f,
            " (moyenne égale à celle {}, qui {} aussi un siège)",
            french::of_lists(tied_with),
            if tied_with.len() > 1 {
                "reçoivent"
            } else {
                "reçoit"
            }
        )?;
    }
    if !compared.is_empty() {
        let others: Vec<String> = compared
            .iter()
            .map(|other| {
                format!(
                    "{} : {}",
                    french::list(other.ballot_number),
                    other.average.to_french()
                )
            })
            .collect();
        write!(f, " ; autres moyennes : {}", others.join(", "))?;
    }
    Ok(())
}

fn write_last_seats_tie(
    f: &mut fmt::Formatter<'_>,
    first_seat: u32,
    seats: u32,
    contenders: &[TieContender],
    outcome: &TieOutcome,
) -> fmt::Result {
    let described: Vec<String> = contenders
        .iter()
        .map(|contender| {
            let born = contender
                .next_candidate_birth_date
                .map(|date| format!(", candidat suivant né le {}", french::date(date)))
                .unwrap_or_default();
            format!(
                "{} ({}, {} voix{born})",
                french::list(contender.ballot_number),
                contender.average.to_french(),
                french::integer(contender.votes)
            )
        })
        .collect();
    let at_stake = seats.saturating_sub(first_seat) + 1;
    if at_stake == 1 {
        write!(
            f,
            "Siège {first_seat}/{seats} : égalité de moyenne pour le dernier siège"
        )?;
    } else {
        write!(
            f,
            "Sièges {first_seat} à {seats} sur {seats} : égalité de moyenne pour les \
             {at_stake} derniers sièges"
        )?;
    }
    write!(f, " entre {}", described.join(", "))?;
    match outcome {
        TieOutcome::Votes { winners } => write!(
            f,
            " ; {} {}, qui {} le plus de suffrages (art. L262)",
            if at_stake > 1 {
                "attribués"
            } else {
                "attribué"
            },
            french::to_lists(winners),
            if winners.len() > 1 { "ont" } else { "a" }
        ),
        TieOutcome::Age { winners } => write!(
            f,
            " ; à égalité de suffrages, {} {}, dont le candidat susceptible d'être élu \
             est le plus âgé (art. L262)",
            if at_stake > 1 {
                "attribués"
            } else {
                "attribué"
            },
            french::to_lists(winners)
        ),
        TieOutcome::WithoutEffect => f.write_str(" ; sans effet"),
        TieOutcome::Unresolved { reason } => write!(f, " ; décision requise : {reason}"),
    }
}
