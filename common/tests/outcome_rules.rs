//! Rule tests of the race outcomes at the commune's level, each with its tie.

use urne_common::outcome::{
    AverageAge, CandidateStatus, CandidateVotes, OutcomeError, RaceDecision, RaceExtent,
    RaceRequest, ReferendumKind, ReferendumRequest, ReferendumResult, Round, TieReason,
    departmental_outcome, legislative_outcome, municipal_round1_outcome, presidential_outcome,
    referendum_outcome,
};
use urne_common::seats::ListVotes;

fn race(round: Round, registered: u64, votes: &[(u32, u64)], extent: RaceExtent) -> RaceRequest {
    RaceRequest {
        round,
        registered,
        valid_votes: votes.iter().map(|&(_, votes)| votes).sum(),
        candidates: votes
            .iter()
            .map(|&(number, votes)| CandidateVotes::new(number, votes))
            .collect(),
        extent,
    }
}

fn age_days(days: u64, candidates: u32) -> Option<AverageAge> {
    Some(AverageAge {
        total_days: days,
        candidates,
    })
}

// Présidentielle (Constitution, art. 7).

#[test]
fn presidential_absolute_majority_elects_in_round1() {
    let outcome = presidential_outcome(&race(
        Round::First,
        1000,
        &[(1, 401), (2, 399)],
        RaceExtent::Commune,
    ))
    .expect("valid");
    assert_eq!(outcome.decision, RaceDecision::Elected { ballot_number: 1 });
    assert!(outcome.provisional, "a national race is always provisional");
}

#[test]
fn presidential_two_leaders_qualify() {
    let outcome = presidential_outcome(&race(
        Round::First,
        1000,
        &[(1, 300), (2, 250), (3, 200), (4, 50)],
        RaceExtent::BeyondCommune,
    ))
    .expect("valid");
    assert_eq!(
        outcome.decision,
        RaceDecision::SecondRound {
            qualified: vec![1, 2]
        }
    );
    assert_eq!(outcome.candidates[2].status, CandidateStatus::NotElected);
}

#[test]
fn presidential_tie_for_second_place_needs_decision() {
    let outcome = presidential_outcome(&race(
        Round::First,
        1000,
        &[(1, 300), (2, 250), (3, 250)],
        RaceExtent::BeyondCommune,
    ))
    .expect("valid");
    assert_eq!(
        outcome.decision,
        RaceDecision::DecisionRequired {
            ballot_numbers: vec![2, 3],
            places: 1,
            reason: TieReason::NotSettledByLaw
        }
    );
    assert_eq!(outcome.candidates[1].status, CandidateStatus::Tied);
}

#[test]
fn presidential_round2_tie_needs_decision() {
    let outcome = presidential_outcome(&race(
        Round::Second,
        1000,
        &[(1, 400), (2, 400)],
        RaceExtent::Commune,
    ))
    .expect("valid");
    assert!(matches!(
        outcome.decision,
        RaceDecision::DecisionRequired {
            reason: TieReason::NotSettledByLaw,
            ..
        }
    ));
}

// Législatives (art. L126 and L162).

#[test]
fn legislative_majority_needs_quarter_of_registered() {
    // 60 % of the valid votes but 240 < 1000 / 4: not elected in round 1.
    let low = legislative_outcome(&race(
        Round::First,
        1000,
        &[(1, 240), (2, 160)],
        RaceExtent::Commune,
    ))
    .expect("valid");
    assert!(matches!(low.decision, RaceDecision::SecondRound { .. }));
    // Exactly a quarter (4 × 250 = 1000) is enough.
    let enough = legislative_outcome(&race(
        Round::First,
        1000,
        &[(1, 250), (2, 150)],
        RaceExtent::Commune,
    ))
    .expect("valid");
    assert_eq!(enough.decision, RaceDecision::Elected { ballot_number: 1 });
    assert!(!enough.provisional);
}

#[test]
fn legislative_eighth_of_registered_qualifies() {
    // 8 × 125 = 1000: the third candidate qualifies exactly at 12.5 % of the registered voters.
    let outcome = legislative_outcome(&race(
        Round::First,
        1000,
        &[(1, 200), (2, 150), (3, 125), (4, 124)],
        RaceExtent::BeyondCommune,
    ))
    .expect("valid");
    assert_eq!(
        outcome.decision,
        RaceDecision::SecondRound {
            qualified: vec![1, 2, 3]
        }
    );
    assert!(outcome.provisional);
}

#[test]
fn legislative_one_qualified_takes_runner_up() {
    let outcome = legislative_outcome(&race(
        Round::First,
        1000,
        &[(1, 200), (2, 100), (3, 90)],
        RaceExtent::Commune,
    ))
    .expect("valid");
    assert_eq!(
        outcome.decision,
        RaceDecision::SecondRound {
            qualified: vec![1, 2]
        }
    );
}

#[test]
fn legislative_none_qualified_takes_two_leaders() {
    let outcome = legislative_outcome(&race(
        Round::First,
        1000,
        &[(1, 100), (2, 90), (3, 80)],
        RaceExtent::Commune,
    ))
    .expect("valid");
    assert_eq!(
        outcome.decision,
        RaceDecision::SecondRound {
            qualified: vec![1, 2]
        }
    );
    let text: Vec<String> = outcome.trail.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|line| line.contains("Qualifiés par le nombre de voix")),
        "{text:?}"
    );
}

#[test]
fn legislative_round2_tie_goes_to_oldest() {
    let mut request = race(
        Round::Second,
        1000,
        &[(1, 300), (2, 300), (3, 100)],
        RaceExtent::Commune,
    );
    request.candidates[0].average_age = age_days(20_000, 1);
    request.candidates[1].average_age = age_days(25_000, 1);
    let outcome = legislative_outcome(&request).expect("valid");
    assert_eq!(outcome.decision, RaceDecision::Elected { ballot_number: 2 });
}

#[test]
fn legislative_round2_tie_without_ages_needs_decision() {
    let request = race(
        Round::Second,
        1000,
        &[(1, 300), (2, 300)],
        RaceExtent::Commune,
    );
    let outcome = legislative_outcome(&request).expect("valid");
    assert_eq!(
        outcome.decision,
        RaceDecision::DecisionRequired {
            ballot_numbers: vec![1, 2],
            places: 1,
            reason: TieReason::AgesMissing
        }
    );
}

// Départementales, binômes counted as one candidate (art. L193 and L210-1).

#[test]
fn departmental_binome_tie_goes_to_higher_mean_age() {
    let mut request = race(
        Round::Second,
        1000,
        &[(1, 300), (2, 300)],
        RaceExtent::BeyondCommune,
    );
    request.candidates[0].average_age = age_days(2 * 20_000 + 1, 2);
    request.candidates[1].average_age = age_days(2 * 20_000, 2);
    let outcome = departmental_outcome(&request).expect("valid");
    assert_eq!(outcome.decision, RaceDecision::Elected { ballot_number: 1 });
    let text = outcome
        .trail
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("binôme n° 1"), "{text}");
}

#[test]
fn departmental_equal_ages_need_decision() {
    let mut request = race(
        Round::Second,
        1000,
        &[(1, 300), (2, 300)],
        RaceExtent::Commune,
    );
    request.candidates[0].average_age = age_days(40_000, 2);
    request.candidates[1].average_age = age_days(40_000, 2);
    let outcome = departmental_outcome(&request).expect("valid");
    assert!(matches!(
        outcome.decision,
        RaceDecision::DecisionRequired {
            reason: TieReason::AgesEqual,
            ..
        }
    ));
}

#[test]
fn departmental_round1_uses_registered_thresholds() {
    let outcome = departmental_outcome(&race(
        Round::First,
        2000,
        &[(1, 600), (2, 300), (3, 100)],
        RaceExtent::Commune,
    ))
    .expect("valid");
    // 600 is a majority of 1000 and 4 × 600 ≥ 2000: elected.
    assert_eq!(outcome.decision, RaceDecision::Elected { ballot_number: 1 });
}

// Municipales, round 1 (art. L262 and L264).

#[test]
fn municipal_round1_ten_and_five_percent() {
    let lists = vec![
        ListVotes::new(1, 450),
        ListVotes::new(2, 350),
        ListVotes::new(3, 100),
        ListVotes::new(4, 60),
        ListVotes::new(5, 40),
    ];
    let outcome = municipal_round1_outcome(1000, &lists).expect("valid");
    assert_eq!(outcome.majority_list, None);
    let flags: Vec<(bool, bool)> = outcome
        .lists
        .iter()
        .map(|list| (list.may_stand, list.may_merge))
        .collect();
    // 10 × 100 = 1000: list 3 may stand exactly at 10 %. 20 × 60 ≥ 1000: list 4 may merge.
    assert_eq!(
        flags,
        vec![
            (true, true),
            (true, true),
            (true, true),
            (false, true),
            (false, false)
        ]
    );
    assert!(!outcome.provisional);
}

#[test]
fn municipal_round1_majority_ends_election() {
    let lists = vec![ListVotes::new(1, 501), ListVotes::new(2, 499)];
    let outcome = municipal_round1_outcome(1000, &lists).expect("valid");
    assert_eq!(outcome.majority_list, Some(1));
    assert!(outcome.lists.iter().all(|list| !list.may_stand));
}

#[test]
fn municipal_round1_exact_half_is_no_majority() {
    let lists = vec![ListVotes::new(1, 500), ListVotes::new(2, 500)];
    let outcome = municipal_round1_outcome(1000, &lists).expect("valid");
    assert_eq!(outcome.majority_list, None);
    assert!(outcome.lists.iter().all(|list| list.may_stand));
}

// Référendum.

#[test]
fn referendum_majority_and_tie() {
    let approved = referendum_outcome(&ReferendumRequest {
        yes: 51,
        no: 49,
        kind: ReferendumKind::National,
    })
    .expect("valid");
    assert_eq!(approved.result, ReferendumResult::Approved);
    assert!(approved.provisional);
    let tie = referendum_outcome(&ReferendumRequest {
        yes: 50,
        no: 50,
        kind: ReferendumKind::National,
    })
    .expect("valid");
    assert_eq!(tie.result, ReferendumResult::Tie);
    let rejected = referendum_outcome(&ReferendumRequest {
        yes: 49,
        no: 51,
        kind: ReferendumKind::National,
    })
    .expect("valid");
    assert_eq!(rejected.result, ReferendumResult::Rejected);
}

#[test]
fn local_referendum_needs_half_of_registered() {
    let low = ReferendumRequest {
        yes: 300,
        no: 100,
        kind: ReferendumKind::Local {
            registered: 1000,
            voters: 499,
        },
    };
    let outcome = referendum_outcome(&low).expect("valid");
    assert_eq!(outcome.result, ReferendumResult::TurnoutTooLow);
    assert!(!outcome.provisional);
    let half = ReferendumRequest {
        yes: 300,
        no: 100,
        kind: ReferendumKind::Local {
            registered: 1000,
            voters: 500,
        },
    };
    assert_eq!(
        referendum_outcome(&half).expect("valid").result,
        ReferendumResult::Approved
    );
}

// Input errors.

#[test]
fn outcome_rejects_inconsistent_input() {
    let mut mismatch = race(Round::First, 1000, &[(1, 60), (2, 40)], RaceExtent::Commune);
    mismatch.valid_votes = 99;
    assert_eq!(
        legislative_outcome(&mismatch),
        Err(OutcomeError::VotesMismatch {
            votes_sum: 100,
            valid_votes: 99
        })
    );
    let above = race(Round::First, 50, &[(1, 60), (2, 40)], RaceExtent::Commune);
    assert!(matches!(
        legislative_outcome(&above),
        Err(OutcomeError::ValidVotesAboveRegistered { .. })
    ));
    let duplicate = race(Round::First, 1000, &[(1, 60), (1, 40)], RaceExtent::Commune);
    assert_eq!(
        presidential_outcome(&duplicate),
        Err(OutcomeError::DuplicateBallotNumber { ballot_number: 1 })
    );
    let empty = ReferendumRequest {
        yes: 0,
        no: 0,
        kind: ReferendumKind::National,
    };
    assert_eq!(referendum_outcome(&empty), Err(OutcomeError::NoValidVotes));
}
