//! Trail of an outcome computation: each threshold tested, with a French rendering.

use std::fmt;

use serde::Serialize;

use super::age::AverageAge;
use crate::seats::french;

/// Kind of contestant a ballot number designates, for the French rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contestant {
    Candidate,
    /// A binôme of the départementales, treated as one candidate.
    Pair,
    List,
}

impl Contestant {
    fn name(self, ballot_number: u32) -> String {
        match self {
            Self::Candidate => format!("candidat n° {ballot_number}"),
            Self::Pair => format!("binôme n° {ballot_number}"),
            Self::List => format!("liste n° {ballot_number}"),
        }
    }

    fn names(self, ballot_numbers: &[u32]) -> String {
        let plural = match self {
            Self::Candidate => "candidats",
            Self::Pair => "binômes",
            Self::List => "listes",
        };
        match ballot_numbers {
            [single] => self.name(*single),
            _ => format!("{plural} {}", numbers(ballot_numbers)),
        }
    }
}

fn numbers(ballot_numbers: &[u32]) -> String {
    match ballot_numbers {
        [] => String::new(),
        [single] => format!("n° {single}"),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(|number| format!("n° {number}")).collect();
            format!("{} et n° {last}", rest.join(", "))
        }
    }
}

/// One step of an outcome computation. `Display` renders it in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum OutcomeStep {
    /// `2 × votes > valid_votes`.
    AbsoluteMajority {
        contestant: Contestant,
        ballot_number: u32,
        votes: u64,
        valid_votes: u64,
        passed: bool,
    },
    /// `4 × votes ≥ registered` (art. L126 and L193).
    RegisteredQuarter {
        contestant: Contestant,
        ballot_number: u32,
        votes: u64,
        registered: u64,
        passed: bool,
    },
    /// `8 × votes ≥ registered`, the 12.5 % of art. L162 and L210-1.
    RegisteredEighth {
        contestant: Contestant,
        ballot_number: u32,
        votes: u64,
        registered: u64,
        passed: bool,
    },
    /// Contestants who stay in round 2 because fewer than two reached the threshold, or because
    /// the race has no threshold (présidentielle).
    Leaders {
        contestant: Contestant,
        ballot_numbers: Vec<u32>,
    },
    /// The contestant with the most votes.
    MostVotes {
        contestant: Contestant,
        ballot_number: u32,
        votes: u64,
    },
    /// Several contestants share the votes that decide a place.
    Tie {
        contestant: Contestant,
        ballot_numbers: Vec<u32>,
        votes: u64,
        places: u32,
        ages: Vec<Option<AverageAge>>,
        winner: Option<u32>,
    },
    /// `100 × votes ≥ percent × valid_votes` for a list (art. L264).
    ListThreshold {
        ballot_number: u32,
        votes: u64,
        valid_votes: u64,
        percent: u8,
        passed: bool,
    },
    /// Comparison of yes and no votes.
    ReferendumMajority { yes: u64, no: u64 },
    /// `2 × voters ≥ registered`, the turnout a local referendum needs (CGCT, art. LO1112-7).
    ReferendumTurnout {
        voters: u64,
        registered: u64,
        passed: bool,
    },
}

impl fmt::Display for OutcomeStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AbsoluteMajority {
                contestant,
                ballot_number,
                votes,
                valid_votes,
                passed,
            } => write!(
                f,
                "Majorité absolue : {}, 2 × {} = {} {} {} suffrages exprimés : {}",
                contestant.name(*ballot_number),
                french::integer(*votes),
                french::integer(u128::from(*votes) * 2),
                if *passed { ">" } else { "≤" },
                french::integer(*valid_votes),
                if *passed { "atteinte" } else { "non atteinte" }
            ),
            Self::RegisteredQuarter {
                contestant,
                ballot_number,
                votes,
                registered,
                passed,
            } => write!(
                f,
                "Quart des inscrits : {}, 4 × {} = {} {} {} inscrits : {}",
                contestant.name(*ballot_number),
                french::integer(*votes),
                french::integer(u128::from(*votes) * 4),
                if *passed { "≥" } else { "<" },
                french::integer(*registered),
                if *passed { "atteint" } else { "non atteint" }
            ),
            Self::RegisteredEighth {
                contestant,
                ballot_number,
                votes,
                registered,
                passed,
            } => write!(
                f,
                "Seuil de 12,5 % des inscrits : {}, 8 × {} = {} {} {} inscrits : {}",
                contestant.name(*ballot_number),
                french::integer(*votes),
                french::integer(u128::from(*votes) * 8),
                if *passed { "≥" } else { "<" },
                french::integer(*registered),
                if *passed {
                    "qualifié pour le second tour"
                } else {
                    "non atteint"
                }
            ),
            Self::Leaders {
                contestant,
                ballot_numbers,
            } => write!(
                f,
                "Qualifiés par le nombre de voix, pour compter deux qualifiés au second tour : {}",
                contestant.names(ballot_numbers)
            ),
            Self::MostVotes {
                contestant,
                ballot_number,
                votes,
            } => write!(
                f,
                "En tête : {} avec {} voix",
                contestant.name(*ballot_number),
                french::integer(*votes)
            ),
            Self::Tie {
                contestant,
                ballot_numbers,
                votes,
                places,
                ages,
                winner,
            } => {
                write!(
                    f,
                    "Égalité à {} voix entre les {} pour {places} place{}",
                    french::integer(*votes),
                    contestant.names(ballot_numbers),
                    if *places > 1 { "s" } else { "" }
                )?;
                if ages.iter().any(Option::is_some) {
                    let described: Vec<String> = ballot_numbers
                        .iter()
                        .zip(ages)
                        .map(|(number, age)| match age {
                            Some(age) => {
                                format!("{} : {}", contestant.name(*number), age.to_french())
                            }
                            None => format!("{} : inconnu", contestant.name(*number)),
                        })
                        .collect();
                    write!(f, " ; âges moyens : {}", described.join(", "))?;
                }
                match winner {
                    Some(number) => {
                        write!(f, " ; le plus âgé l'emporte : {}", contestant.name(*number))
                    }
                    None => f.write_str(" ; décision requise"),
                }
            }
            Self::ListThreshold {
                ballot_number,
                votes,
                valid_votes,
                percent,
                passed,
            } => {
                let factor = 100 / u64::from((*percent).max(1));
                let verdict = match (*percent, *passed) {
                    (10, true) => "peut se présenter au second tour",
                    (10, false) => "ne peut pas se présenter au second tour",
                    (_, true) => "peut fusionner avec une liste du second tour",
                    (_, false) => "ne peut pas fusionner",
                };
                write!(
                    f,
                    "Seuil de {percent} % : {}, {factor} × {} = {} {} {} suffrages exprimés : \
                     {verdict} \
                     (art. L264)",
                    french::list(*ballot_number),
                    french::integer(*votes),
                    french::integer(u128::from(*votes) * u128::from(factor)),
                    if *passed { "≥" } else { "<" },
                    french::integer(*valid_votes)
                )
            }
            Self::ReferendumMajority { yes, no } => write!(
                f,
                "Oui : {} ({}), non : {} ({})",
                french::integer(*yes),
                french::percent(*yes, yes.saturating_add(*no)),
                french::integer(*no),
                french::percent(*no, yes.saturating_add(*no))
            ),
            Self::ReferendumTurnout {
                voters,
                registered,
                passed,
            } => write!(
                f,
                "Participation : 2 × {} = {} {} {} inscrits : {} (CGCT, art. LO1112-7)",
                french::integer(*voters),
                french::integer(u128::from(*voters) * 2),
                if *passed { "≥" } else { "<" },
                french::integer(*registered),
                if *passed {
                    "la moitié des inscrits a voté"
                } else {
                    "moins de la moitié des inscrits a voté"
                }
            ),
        }
    }
}

/// Collects outcome steps and logs each one at DEBUG.
#[derive(Default)]
pub(crate) struct StepLog {
    steps: Vec<OutcomeStep>,
}

impl StepLog {
    pub(crate) fn push(&mut self, step: OutcomeStep) {
        tracing::debug!(target: "urne_common::outcome", "{step}");
        self.steps.push(step);
    }

    pub(crate) fn into_steps(self) -> Vec<OutcomeStep> {
        self.steps
    }
}
