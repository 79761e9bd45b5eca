//! Two-round majority races with one winner: présidentielle, législatives, départementales.

use serde::{Deserialize, Serialize};

use super::age::{AgeTieBreak, AverageAge, oldest};
use super::error::OutcomeError;
use super::trail::{Contestant, OutcomeStep, StepLog};
use super::{RaceExtent, Round};

/// A candidate, or a départementales binôme counted as one candidate, and its votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateVotes {
    pub ballot_number: u32,
    pub votes: u64,
    /// Age on election day (one candidate) or mean age of the binôme (two), used for round-2
    /// ties of the législatives (art. L126) and départementales (art. L193).
    #[serde(default)]
    pub average_age: Option<AverageAge>,
}

impl CandidateVotes {
    /// Creates a candidate with votes and no age.
    pub fn new(ballot_number: u32, votes: u64) -> Self {
        Self {
            ballot_number,
            votes,
            average_age: None,
        }
    }
}

/// The commune's count of one race and round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceRequest {
    pub round: Round,
    /// Inscrits of the area counted (the commune, or its part of the race).
    pub registered: u64,
    /// Suffrages exprimés. Must equal the sum of the candidates' votes.
    pub valid_votes: u64,
    pub candidates: Vec<CandidateVotes>,
    pub extent: RaceExtent,
}

/// Result of an outcome function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaceOutcome {
    /// True when other communes vote in the race, so that their votes can change the outcome.
    pub provisional: bool,
    pub decision: RaceDecision,
    /// One entry per candidate, in the order of the request.
    pub candidates: Vec<CandidateOutcome>,
    pub trail: Vec<OutcomeStep>,
}

/// Decision of the round: the winner, the candidates qualified for round 2, or a tie to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum RaceDecision {
    Elected {
        ballot_number: u32,
    },
    /// No one is elected in round 1. These may stand in round 2, most votes first.
    SecondRound {
        qualified: Vec<u32>,
    },
    /// A tie decides a seat or a place in round 2, and the data or the law cannot settle it.
    /// The candidates' statuses show who is tied.
    DecisionRequired {
        ballot_numbers: Vec<u32>,
        places: u32,
        reason: TieReason,
    },
}

/// Reason a tie stays unresolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TieReason {
    /// The law gives the seat to the oldest, and an age is missing.
    AgesMissing,
    /// The law gives the seat to the oldest, and the ages are equal.
    AgesEqual,
    /// The law does not settle this tie (présidentielle, places in round 2).
    NotSettledByLaw,
}

/// Outcome of one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateOutcome {
    pub ballot_number: u32,
    pub votes: u64,
    pub status: CandidateStatus,
}

/// Status of one candidate after the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateStatus {
    Elected,
    /// May stand in round 2.
    Qualified,
    /// In a tie that needs a decision.
    Tied,
    NotElected,
}

/// Rules of one kind of race.
struct RaceRules {
    contestant: Contestant,
    /// Round-1 election also needs a quarter of the registered voters.
    registered_quarter: bool,
    /// Round 2 is open to those with 12.5 % of the registered voters, completed to two by the
    /// leaders. Without it, the two leaders qualify.
    registered_eighth: bool,
    /// A round-2 tie goes to the oldest.
    tie_to_oldest: bool,
    /// The race is national, so the commune's outcome is always provisional.
    national: bool,
}

/// Outcome of the présidentielle in the commune (Constitution, art. 7). A candidate with an
/// absolute majority is elected in round 1, otherwise the two leaders qualify. Round 2 goes to
/// the most votes.
///
/// Always provisional. Withdrawals before round 2 (art. 7 lets a better-placed candidate
/// withdraw) are not modelled. The Constitution settles no tie, so a tie requires a decision.
///
/// # Errors
///
/// See [`OutcomeError`]: no candidates, duplicate numbers, votes not adding up to the valid votes,
/// valid votes above the registered voters, an average age over zero candidates.
pub fn presidential_outcome(request: &RaceRequest) -> Result<RaceOutcome, OutcomeError> {
    let rules = RaceRules {
        contestant: Contestant::Candidate,
        registered_quarter: false,
        registered_eighth: false,
        tie_to_oldest: false,
        national: true,
    };
    decide(request, &rules)
}

/// Outcome of a législative constituency in the commune.
///
/// Round 1 elects a candidate with more than half the valid votes and at least a quarter of the
/// registered voters (Code électoral, art. L126). Otherwise those with at least 12.5 % of the
/// registered voters qualify, completed to two by the leaders (art. L162). Round 2 goes to the
/// most votes, and a tie to the oldest (art. L126).
///
/// # Errors
///
/// As [`presidential_outcome`].
pub fn legislative_outcome(request: &RaceRequest) -> Result<RaceOutcome, OutcomeError> {
    let rules = RaceRules {
        contestant: Contestant::Candidate,
        registered_quarter: true,
        registered_eighth: true,
        tie_to_oldest: true,
        national: false,
    };
    decide(request, &rules)
}

/// Outcome of a départementales canton in the commune, each binôme counting as one candidate.
///
/// The thresholds are those of the législatives (Code électoral, art. L193 and L210-1), and a
/// round-2 tie goes to the binôme with the highest mean age (art. L193).
///
/// # Errors
///
/// As [`presidential_outcome`].
pub fn departmental_outcome(request: &RaceRequest) -> Result<RaceOutcome, OutcomeError> {
    let rules = RaceRules {
        contestant: Contestant::Pair,
        registered_quarter: true,
        registered_eighth: true,
        tie_to_oldest: true,
        national: false,
    };
    decide(request, &rules)
}

fn decide(request: &RaceRequest, rules: &RaceRules) -> Result<RaceOutcome, OutcomeError> {
    validate(request)?;
    let _span = tracing::debug_span!("race_outcome", round = ?request.round).entered();
    let mut log = StepLog::default();
    let mut order: Vec<usize> = (0..request.candidates.len()).collect();
    order.sort_by(|&left, &right| {
        let (left, right) = (&request.candidates[left], &request.candidates[right]);
        right
            .votes
            .cmp(&left.votes)
            .then(left.ballot_number.cmp(&right.ballot_number))
    });
    let decision = match request.round {
        Round::First => first_round(request, rules, &order, &mut log),
        Round::Second => second_round(request, rules, &order, &mut log),
    };
    let candidates = request
        .candidates
        .iter()
        .map(|candidate| CandidateOutcome {
            ballot_number: candidate.ballot_number,
            votes: candidate.votes,
            status: status_of(&decision, candidate.ballot_number),
        })
        .collect();
    Ok(RaceOutcome {
        provisional: rules.national || request.extent == RaceExtent::BeyondCommune,
        decision,
        candidates,
        trail: log.into_steps(),
    })
}

fn status_of(decision: &RaceDecision, ballot_number: u32) -> CandidateStatus {
    match decision {
        RaceDecision::Elected {
            ballot_number: elected,
        } if *elected == ballot_number => CandidateStatus::Elected,
        RaceDecision::SecondRound { qualified } if qualified.contains(&ballot_number) => {
            CandidateStatus::Qualified
        }
        RaceDecision::DecisionRequired { ballot_numbers, .. }
            if ballot_numbers.contains(&ballot_number) =>
        {
            CandidateStatus::Tied
        }
        _ => CandidateStatus::NotElected,
    }
}

fn first_round(
    request: &RaceRequest,
    rules: &RaceRules,
    order: &[usize],
    log: &mut StepLog,
) -> RaceDecision {
    let contestant = rules.contestant;
    let leader = &request.candidates[order[0]];
    let majority = u128::from(leader.votes) * 2 > u128::from(request.valid_votes);
    log.push(OutcomeStep::AbsoluteMajority {
        contestant,
        ballot_number: leader.ballot_number,
        votes: leader.votes,
        valid_votes: request.valid_votes,
        passed: majority,
    });
    let mut elected = majority;
    if majority && rules.registered_quarter {
        let quarter = u128::from(leader.votes) * 4 >= u128::from(request.registered);
        log.push(OutcomeStep::RegisteredQuarter {
            contestant,
            ballot_number: leader.ballot_number,
            votes: leader.votes,
            registered: request.registered,
            passed: quarter,
        });
        elected = quarter;
    }
    if elected {
        return RaceDecision::Elected {
            ballot_number: leader.ballot_number,
        };
    }

    let mut qualified: Vec<u32> = Vec::new();
    let mut rest: Vec<usize> = Vec::new();
    for &index in order {
        let candidate = &request.candidates[index];
        if rules.registered_eighth {
            let passed = u128::from(candidate.votes) * 8 >= u128::from(request.registered);
            log.push(OutcomeStep::RegisteredEighth {
                contestant,
                ballot_number: candidate.ballot_number,
                votes: candidate.votes,
                registered: request.registered,
                passed,
            });
            if passed {
                qualified.push(candidate.ballot_number);
                continue;
            }
        }
        rest.push(index);
    }
    if qualified.len() >= 2 {
        return RaceDecision::SecondRound { qualified };
    }
    complete_with_leaders(request, rules, qualified, &rest, log)
}

/// Completes the qualified to two with the leaders among `rest` (sorted by votes).
fn complete_with_leaders(
    request: &RaceRequest,
    rules: &RaceRules,
    mut qualified: Vec<u32>,
    rest: &[usize],
    log: &mut StepLog,
) -> RaceDecision {
    let contestant = rules.contestant;
    let needed = 2 - qualified.len();
    let votes = |index: usize| request.candidates[index].votes;
    if rest.len() > needed && votes(rest[needed - 1]) == votes(rest[needed]) {
        let cut = votes(rest[needed - 1]);
        let above: Vec<u32> = rest
            .iter()
            .filter(|&&index| votes(index) > cut)
            .map(|&index| request.candidates[index].ballot_number)
            .collect();
        let tied: Vec<u32> = rest
            .iter()
            .filter(|&&index| votes(index) == cut)
            .map(|&index| request.candidates[index].ballot_number)
            .collect();
        let places = u32::try_from(needed - above.len()).unwrap_or(u32::MAX);
        qualified.extend(&above);
        if !qualified.is_empty() {
            log.push(OutcomeStep::Leaders {
                contestant,
                ballot_numbers: qualified.clone(),
            });
        }
        log.push(OutcomeStep::Tie {
            contestant,
            ballot_numbers: tied.clone(),
            votes: cut,
            places,
            ages: Vec::new(),
            winner: None,
        });
        return RaceDecision::DecisionRequired {
            ballot_numbers: tied,
            places,
            reason: TieReason::NotSettledByLaw,
        };
    }
    let leaders: Vec<u32> = rest
        .iter()
        .take(needed)
        .map(|&index| request.candidates[index].ballot_number)
        .collect();
    if !leaders.is_empty() {
        log.push(OutcomeStep::Leaders {
            contestant,
            ballot_numbers: leaders.clone(),
        });
    }
    qualified.extend(leaders);
    RaceDecision::SecondRound { qualified }
}

fn second_round(
    request: &RaceRequest,
    rules: &RaceRules,
    order: &[usize],
    log: &mut StepLog,
) -> RaceDecision {
    let contestant = rules.contestant;
    let first = &request.candidates[order[0]];
    let tied: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&index| request.candidates[index].votes == first.votes)
        .collect();
    if tied.len() == 1 {
        log.push(OutcomeStep::MostVotes {
            contestant,
            ballot_number: first.ballot_number,
            votes: first.votes,
        });
        return RaceDecision::Elected {
            ballot_number: first.ballot_number,
        };
    }
    let ballot_numbers: Vec<u32> = tied
        .iter()
        .map(|&index| request.candidates[index].ballot_number)
        .collect();
    let ages: Vec<Option<AverageAge>> = tied
        .iter()
        .map(|&index| request.candidates[index].average_age)
        .collect();
    let settled = if rules.tie_to_oldest {
        oldest(&ages).map_err(|failure| match failure {
            AgeTieBreak::Missing => TieReason::AgesMissing,
            AgeTieBreak::Equal => TieReason::AgesEqual,
        })
    } else {
        Err(TieReason::NotSettledByLaw)
    };
    let winner = settled.ok().map(|position| ballot_numbers[position]);
    log.push(OutcomeStep::Tie {
        contestant,
        ballot_numbers: ballot_numbers.clone(),
        votes: first.votes,
        places: 1,
        ages,
        winner,
    });
    match settled {
        Ok(position) => RaceDecision::Elected {
            ballot_number: ballot_numbers[position],
        },
        Err(reason) => RaceDecision::DecisionRequired {
            ballot_numbers,
            places: 1,
            reason,
        },
    }
}

fn validate(request: &RaceRequest) -> Result<(), OutcomeError> {
    if request.candidates.is_empty() {
        return Err(OutcomeError::NoCandidates);
    }
    let mut numbers: Vec<u32> = request
        .candidates
        .iter()
        .map(|candidate| candidate.ballot_number)
        .collect();
    numbers.sort_unstable();
    if let Some(pair) = numbers.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(OutcomeError::DuplicateBallotNumber {
            ballot_number: pair[0],
        });
    }
    let votes_sum: u128 = request
        .candidates
        .iter()
        .map(|candidate| u128::from(candidate.votes))
        .sum();
    if votes_sum != u128::from(request.valid_votes) {
        return Err(OutcomeError::VotesMismatch {
            votes_sum,
            valid_votes: request.valid_votes,
        });
    }
    if request.valid_votes == 0 {
        return Err(OutcomeError::NoValidVotes);
    }
    if request.valid_votes > request.registered {
        return Err(OutcomeError::ValidVotesAboveRegistered {
            valid_votes: request.valid_votes,
            registered: request.registered,
        });
    }
    if let Some(candidate) = request
        .candidates
        .iter()
        .find(|candidate| candidate.average_age.is_some_and(|age| age.candidates == 0))
    {
        return Err(OutcomeError::InvalidAverageAge {
            ballot_number: candidate.ballot_number,
        });
    }
    Ok(())
}
