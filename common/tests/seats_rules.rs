//! Rule tests of the municipal seat allocation (Code électoral, art. L262), each with its tie.

use chrono::NaiveDate;
use urne_common::seats::{
    AllocationRequest, AllocationStatus, AverageAge, BonusFraction, DecisionKind, DecisionReason,
    Flag, ListCandidate, ListVotes, MAX_SEATS, Round, SeatsError, Sex, ShortListRule, TieBreak,
    TrailStep, allocate, municipal_council_seats,
};

fn request(round: Round, seats: u32, votes: &[(u32, u64)]) -> AllocationRequest {
    let lists = votes
        .iter()
        .map(|&(number, votes)| ListVotes::new(number, votes))
        .collect();
    AllocationRequest::from_lists(round, seats, lists)
}

fn seats(request: &AllocationRequest) -> Vec<u32> {
    let allocation = allocate(request).expect("valid request");
    allocation.lists.iter().map(|list| list.seats).collect()
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
}

/// `count` candidates of alternating sex, all born on `birth_date` unless `None`.
fn candidates(prefix: &str, count: usize, birth_date: Option<NaiveDate>) -> Vec<ListCandidate> {
    (0..count)
        .map(|index| ListCandidate {
            name: format!("{prefix}{}", index + 1),
            sex: if index % 2 == 0 {
                Sex::Female
            } else {
                Sex::Male
            },
            birth_date,
        })
        .collect()
}

// Round 1: majority bonus (art. L262, al. 1).

#[test]
fn round1_strict_majority_wins_bonus() {
    let request = request(Round::First, 15, &[(1, 251), (2, 249)]);
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::Allocated);
    assert_eq!(allocation.bonus_list, Some(1));
    assert_eq!(allocation.lists[0].majority_bonus, 8);
    assert_eq!(seats(&request), vec![12, 3]);
}

#[test]
fn round1_exact_half_is_no_majority() {
    // 2 × 250 = 500 is not more than 500: both lists tie at half and none wins.
    let request = request(Round::First, 15, &[(1, 250), (2, 250)]);
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::NoMajorityRound1);
    assert_eq!(allocation.bonus_list, None);
    assert!(allocation.lists.iter().all(|list| list.seats == 0));
    assert!(allocation.trail.contains(&TrailStep::NoMajority));
}

#[test]
fn round1_without_majority_allocates_nothing() {
    // 49.88 % leader: as in the 2014 files, every list gets 0 seats.
    let request = request(Round::First, 29, &[(1, 4988), (2, 3012), (3, 2000)]);
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::NoMajorityRound1);
    assert_eq!(allocation.undecided_seats, 0);
    assert!(
        allocation
            .lists
            .iter()
            .all(|list| list.seats == 0 && list.majority_bonus == 0)
    );
}

#[test]
fn round1_majority_by_one_vote() {
    let request = request(Round::First, 33, &[(1, 2278), (2, 2247)]);
    assert_eq!(seats(&request), vec![25, 8]);
}

// Round 2: relative majority, tie for first place goes to the oldest list (art. L262, al. 2).

#[test]
fn round2_most_votes_wins_bonus() {
    let request = request(Round::Second, 19, &[(1, 67), (2, 315), (3, 402)]);
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.bonus_list, Some(3));
    assert_eq!(seats(&request), vec![0, 4, 15]);
}

#[test]
fn round2_first_place_tie_goes_to_older_list() {
    let mut request = request(Round::Second, 15, &[(1, 400), (2, 400), (3, 200)]);
    request.lists[0].average_age = Some(AverageAge {
        total_days: 15 * 18_000,
        candidates: 15,
    });
    request.lists[1].average_age = Some(AverageAge {
        total_days: 15 * 18_001,
        candidates: 15,
    });
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::Allocated);
    assert_eq!(allocation.bonus_list, Some(2));
    assert_eq!(allocation.lists[1].majority_bonus, 8);
    assert!(allocation.flags.contains(&Flag::FirstPlaceTieSettledByAge {
        ballot_numbers: vec![1, 2],
        winner: 2
    }));
}

#[test]
fn round2_first_place_tie_uses_birth_dates() {
    let mut request = request(Round::Second, 7, &[(1, 100), (2, 100)]);
    request.election_date = Some(date(2026, 3, 22));
    request.lists[0].candidates = Some(candidates("A", 7, Some(date(1960, 1, 1))));
    request.lists[1].candidates = Some(candidates("B", 7, Some(date(1950, 1, 1))));
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.bonus_list, Some(2));
}

#[test]
fn round2_first_place_tie_without_ages_needs_decision() {
    let request = request(Round::Second, 15, &[(3, 200), (1, 400), (2, 400)]);
    let allocation = allocate(&request).expect("valid");
    let AllocationStatus::DecisionRequired(decision) = &allocation.status else {
        panic!("expected a decision, got {:?}", allocation.status);
    };
    assert_eq!(decision.kind, DecisionKind::FirstPlaceTie);
    assert_eq!(decision.ballot_numbers, vec![1, 2]);
    assert_eq!(decision.reason, DecisionReason::AverageAgesMissing);
    assert_eq!(allocation.undecided_seats, 15);
    assert!(allocation.lists.iter().all(|list| list.seats == 0));
    assert!(decision.to_string().contains("listes n° 1 et n° 2"));
}

#[test]
fn round2_first_place_tie_equal_ages_needs_decision() {
    let mut request = request(Round::Second, 15, &[(1, 400), (2, 400)]);
    let age = Some(AverageAge {
        total_days: 30_000,
        candidates: 2,
    });
    request.lists[0].average_age = age;
    request.lists[1].average_age = Some(AverageAge {
        total_days: 15_000,
        candidates: 1,
    });
    let allocation = allocate(&request).expect("valid");
    let AllocationStatus::DecisionRequired(decision) = &allocation.status else {
        panic!("expected a decision");
    };
    assert_eq!(decision.reason, DecisionReason::AverageAgesEqual);
}

#[test]
fn round2_tie_without_bonus_skips_ages() {
    // One seat gives a bonus of 0, so the tie for first place decides nothing. The single seat
    // is then a last-seat tie on equal averages and equal votes, which needs birth dates.
    let request = request(Round::Second, 1, &[(1, 300), (2, 300)]);
    let allocation = allocate(&request).expect("valid");
    let AllocationStatus::DecisionRequired(decision) = &allocation.status else {
        panic!("expected a decision");
    };
    assert_eq!(decision.kind, DecisionKind::LastSeatTie);
    assert_eq!(decision.reason, DecisionReason::BirthDatesMissing);
}

// Size of the bonus (art. L262): 1→0, 2→1, 3→1, 4→2, n≥5 → ceil(n/2).

#[test]
fn bonus_size_by_seat_count() {
    for (seats, bonus) in [
        (1, 0),
        (2, 1),
        (3, 1),
        (4, 2),
        (5, 3),
        (15, 8),
        (33, 17),
        (69, 35),
    ] {
        let allocation = allocate(&request(Round::First, seats, &[(1, 60), (2, 40)])).expect("ok");
        assert_eq!(
            allocation.majority_bonus,
            seats.div_ceil(2).min(bonus),
            "{seats} seats"
        );
        assert_eq!(allocation.lists[0].majority_bonus, bonus, "{seats} seats");
    }
}

#[test]
fn one_seat_goes_by_highest_average() {
    // Chamigny 2014, community council: bonus 0, the seat to the highest average.
    let allocation =
        allocate(&request(Round::First, 1, &[(1, 195), (2, 297), (3, 94)])).expect("ok");
    assert_eq!(allocation.majority_bonus, 0);
    assert_eq!(allocation.bonus_list, None);
    assert_eq!(
        allocation
            .lists
            .iter()
            .map(|list| list.seats)
            .collect::<Vec<_>>(),
        vec![0, 1, 0]
    );
}

#[test]
fn three_seats_round_bonus_down() {
    // Buxières-les-Mines 2020, community council: bonus floor(1.5) = 1, then 2 by highest average.
    let request = request(Round::Second, 3, &[(1, 220), (2, 167), (3, 201)]);
    assert_eq!(seats(&request), vec![2, 0, 1]);
}

#[test]
fn quarter_bonus_for_plm_council_2026() {
    let mut request = request(Round::Second, 163, &[(1, 40_000), (2, 35_000), (3, 25_000)]);
    request.bonus = BonusFraction::QUARTER;
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.majority_bonus, 41);
    assert_eq!(allocation.lists[0].majority_bonus, 41);
    // 122 proportional seats by D'Hondt on 40 000 / 35 000 / 25 000: 49, 43, 30.
    let proportional: Vec<u32> = allocation
        .lists
        .iter()
        .map(|list| list.proportional_seats)
        .collect();
    assert_eq!(proportional, vec![49, 43, 30]);
}

// 5 % threshold, inclusive (art. L262, al. 3).

#[test]
fn exactly_five_percent_is_admitted() {
    // 20 × 50 = 1000 = valid votes: admitted. With 34 proportional seats it wins one.
    let request = request(Round::Second, 69, &[(1, 600), (2, 350), (3, 50)]);
    let allocation = allocate(&request).expect("valid");
    assert!(allocation.lists[2].admitted);
    assert_eq!(allocation.lists[2].seats, 1);
}

#[test]
fn one_vote_under_five_percent_is_excluded() {
    // 49 votes would beat the last average, but 20 × 49 < 1000 excludes the list.
    let request = request(Round::Second, 69, &[(1, 601), (2, 350), (3, 49)]);
    let allocation = allocate(&request).expect("valid");
    assert!(!allocation.lists[2].admitted);
    assert_eq!(allocation.lists[2].seats, 0);
    assert_eq!(allocation.lists[0].seats + allocation.lists[1].seats, 69);
}

#[test]
fn admitted_list_can_win_nothing() {
    // Courmelles 2020: 8.55 % is admitted and still wins no seat of 19.
    let request = request(Round::Second, 19, &[(1, 67), (2, 315), (3, 402)]);
    let allocation = allocate(&request).expect("valid");
    assert!(allocation.lists[0].admitted);
    assert_eq!(allocation.lists[0].seats, 0);
}

#[test]
fn zero_vote_list_gets_nothing() {
    let request = request(Round::First, 15, &[(1, 400), (2, 0), (3, 100)]);
    assert_eq!(seats(&request), vec![14, 0, 1]);
}

#[test]
fn single_list_gets_every_seat() {
    // Thoiry 2014.
    assert_eq!(seats(&request(Round::First, 15, &[(1, 409)])), vec![15]);
}

// Highest average without the bonus in the divisor, and ties on averages (art. L262, al. 5).

#[test]
fn synthetic_last_seat_tie_goes_to_more_votes() {
    // 15 seats, A 300, B 120, C 80: bonus 8 to A; seats 1 to 6 go A, A, B, A, C, A; the 7th is a
    // tie between A (300 / 5 = 60) and B (120 / 2 = 60), which A wins with more votes.
    let request = request(Round::Second, 15, &[(1, 300), (2, 120), (3, 80)]);
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::Allocated);
    assert_eq!(seats(&request), vec![13, 1, 1]);
    assert!(allocation.flags.contains(&Flag::LastSeatTieSettled {
        ballot_numbers: vec![1, 2],
        winners: vec![1],
        by: TieBreak::Votes
    }));
    let order: Vec<u32> = allocation
        .trail
        .iter()
        .filter_map(|step| match step {
            TrailStep::SeatAwarded { ballot_number, .. } => Some(*ballot_number),
            _ => None,
        })
        .collect();
    assert_eq!(order, vec![1, 1, 2, 1, 3, 1]);
    let rendered = allocation.trail_in_french().join("\n");
    assert!(
        rendered.contains("Siège 7/7 : égalité de moyenne pour le dernier siège"),
        "{rendered}"
    );
    assert!(rendered.contains("300 / 5 = 60"), "{rendered}");
}

#[test]
fn early_equal_averages_need_no_tiebreak() {
    // Lists 2 and 3 have equal votes and averages at every step: with 5 proportional seats,
    // A takes 3 and B and C one each, without a tie-break.
    let request = request(Round::Second, 9, &[(1, 500), (2, 200), (3, 200)]);
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::Allocated);
    assert!(allocation.flags.is_empty(), "{:?}", allocation.flags);
    assert_eq!(seats(&request), vec![7, 1, 1]);
    let shared = allocation.trail.iter().any(
        |step| matches!(step, TrailStep::SeatAwarded { tied_with, .. } if !tied_with.is_empty()),
    );
    assert!(shared, "the trail marks the harmless tie");
}

#[test]
fn last_seat_equal_votes_goes_to_older_candidate() {
    // 5 seats, bonus 3 to list 1, 2 proportional seats: list 1 takes the first (500), and the
    // last is a tie between lists 2 and 3 (300 / 1 each, equal votes) above list 1 (500 / 2).
    let mut request = request(Round::Second, 5, &[(1, 500), (2, 300), (3, 300)]);
    request.lists[1].candidates = Some(candidates("B", 5, Some(date(1970, 5, 1))));
    request.lists[2].candidates = Some(candidates("C", 5, Some(date(1965, 5, 1))));
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::Allocated);
    assert_eq!(seats(&request), vec![4, 0, 1]);
    assert!(allocation.flags.contains(&Flag::LastSeatTieSettled {
        ballot_numbers: vec![2, 3],
        winners: vec![3],
        by: TieBreak::Age
    }));
    let elected = allocation.lists[2]
        .elected
        .as_ref()
        .expect("candidates given");
    assert_eq!(elected[0].name, "C1");
}

#[test]
fn last_seat_tie_uses_winner_next_candidate() {
    // Round 2, 2 seats, both lists at 300: list 1 wins the bonus seat on mean age, then the one
    // proportional seat is a tie on averages and votes. List 1's next candidate is its second,
    // after the bonus seat: A2, born in 1940, is older than B1 and takes the seat. Counting from
    // list 1's first candidate (A1, born in 1990) would give the seat to list 2.
    let mut request = request(Round::Second, 2, &[(1, 300), (2, 300)]);
    request.lists[0].average_age = Some(AverageAge {
        total_days: 30_000,
        candidates: 1,
    });
    request.lists[1].average_age = Some(AverageAge {
        total_days: 20_000,
        candidates: 1,
    });
    let mut first = candidates("A", 3, Some(date(1990, 1, 1)));
    first[1].birth_date = Some(date(1940, 1, 1));
    request.lists[0].candidates = Some(first);
    request.lists[1].candidates = Some(candidates("B", 3, Some(date(1950, 1, 1))));

    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::Allocated);
    assert_eq!(allocation.bonus_list, Some(1));
    assert_eq!(seats(&request), vec![2, 0]);
    assert!(allocation.flags.contains(&Flag::LastSeatTieSettled {
        ballot_numbers: vec![1, 2],
        winners: vec![1],
        by: TieBreak::Age
    }));
}

#[test]
fn last_seat_tie_without_birth_dates_needs_decision() {
    let request = request(Round::Second, 5, &[(1, 500), (3, 300), (2, 300)]);
    let allocation = allocate(&request).expect("valid");
    let AllocationStatus::DecisionRequired(decision) = &allocation.status else {
        panic!("expected a decision");
    };
    assert_eq!(decision.kind, DecisionKind::LastSeatTie);
    assert_eq!(decision.ballot_numbers, vec![2, 3]);
    assert_eq!(decision.seats_at_stake, 1);
    assert_eq!(decision.reason, DecisionReason::BirthDatesMissing);
    assert_eq!(allocation.undecided_seats, 1);
    // The seats not at stake are allocated.
    assert_eq!(allocation.lists[0].seats, 4);
    assert_eq!(
        allocation.lists.iter().map(|list| list.seats).sum::<u32>(),
        4
    );
}

#[test]
fn last_seat_tie_same_birth_date_needs_decision() {
    let mut request = request(Round::Second, 5, &[(1, 500), (2, 300), (3, 300)]);
    request.lists[1].candidates = Some(candidates("B", 5, Some(date(1970, 5, 1))));
    request.lists[2].candidates = Some(candidates("C", 5, Some(date(1970, 5, 1))));
    let allocation = allocate(&request).expect("valid");
    let AllocationStatus::DecisionRequired(decision) = &allocation.status else {
        panic!("expected a decision");
    };
    assert_eq!(decision.reason, DecisionReason::BirthDatesEqual);
}

#[test]
fn tie_for_two_last_seats_among_three_lists() {
    // 9 seats, bonus 5 to list 1; 4 proportional seats: list 1 takes the first (600 / 1), then
    // four lists share the average 300 for the last 3 seats. List 1 has the most votes and takes
    // one. Lists 2, 3 and 4 have equal votes, so the two oldest next candidates take the others.
    let mut request = request(Round::Second, 9, &[(1, 600), (2, 300), (3, 300), (4, 300)]);
    request.lists[1].candidates = Some(candidates("B", 7, Some(date(1960, 1, 1))));
    request.lists[2].candidates = Some(candidates("C", 7, Some(date(1990, 1, 1))));
    request.lists[3].candidates = Some(candidates("D", 7, Some(date(1950, 1, 1))));
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::Allocated);
    assert_eq!(seats(&request), vec![7, 1, 0, 1]);
    let rendered = allocation.trail_in_french().join("\n");
    assert!(rendered.contains("Sièges 2 à 4 sur 4"), "{rendered}");
}

#[test]
fn allocation_does_not_depend_on_list_order() {
    let forward = request(Round::Second, 15, &[(1, 300), (2, 120), (3, 80)]);
    let backward = request(Round::Second, 15, &[(3, 80), (2, 120), (1, 300)]);
    let forward = allocate(&forward).expect("valid");
    let backward = allocate(&backward).expect("valid");
    for list in &forward.lists {
        assert_eq!(backward.seats_of(list.ballot_number), Some(list.seats));
    }
    assert_eq!(forward.flags, backward.flags);
}

// Seats to candidates in list order; lists short of candidates (art. L262, al. 4; loi 2025-444).

#[test]
fn seats_go_to_candidates_in_order() {
    let mut request = request(Round::First, 7, &[(1, 70), (2, 30)]);
    request.lists[0].candidates = Some(candidates("A", 7, None));
    request.lists[1].candidates = Some(candidates("B", 7, None));
    let allocation = allocate(&request).expect("valid");
    let elected = allocation.lists[0]
        .elected
        .as_ref()
        .expect("candidates given");
    let names: Vec<&str> = elected
        .iter()
        .map(|candidate| candidate.name.as_str())
        .collect();
    assert_eq!(names, vec!["A1", "A2", "A3", "A4", "A5", "A6"]);
    assert_eq!(elected[5].rank, 6);
    assert_eq!(allocation.lists[1].elected.as_ref().map(Vec::len), Some(1));
}

#[test]
fn short_list_seats_pass_to_next_average() {
    // Commune under 100 inhabitants with 7 seats. List 1 (700 votes) has only 5 candidates and
    // would win 6 seats, so the 6th goes to list 2 under the next-highest-average reading.
    let mut request = request(Round::First, 7, &[(1, 700), (2, 300)]);
    request.lists[0].candidates = Some(candidates("A", 5, None));
    request.lists[1].candidates = Some(candidates("B", 7, None));
    let allocation = allocate(&request).expect("valid");
    assert_eq!(seats(&request), vec![5, 2]);
    assert_eq!(allocation.vacant_seats, 0);
    assert!(allocation.flags.contains(&Flag::SeatsBeyondCandidates {
        ballot_number: 1,
        candidates: 5,
        seats_won: 6,
        seats_filled: 5,
        rule: ShortListRule::NextHighestAverages
    }));
    let rendered: Vec<String> = allocation.flags.iter().map(ToString::to_string).collect();
    assert!(
        rendered[0].contains("plus fortes moyennes suivantes"),
        "{rendered:?}"
    );
}

#[test]
fn short_list_seats_left_vacant_when_asked() {
    let mut request = request(Round::First, 7, &[(1, 700), (2, 300)]);
    request.short_list_rule = ShortListRule::LeaveVacant;
    request.lists[0].candidates = Some(candidates("A", 5, None));
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.lists[0].seats, 6);
    assert_eq!(allocation.lists[0].vacant_seats, 1);
    assert!(allocation.flags.iter().any(|flag| matches!(
        flag,
        Flag::SeatsBeyondCandidates {
            rule: ShortListRule::LeaveVacant,
            seats_won: 6,
            ..
        }
    )));
}

#[test]
fn seats_vacant_when_every_list_is_full() {
    let mut request = request(Round::First, 7, &[(1, 900), (2, 100)]);
    request.lists[0].candidates = Some(candidates("A", 5, None));
    request.lists[1].candidates = Some(candidates("B", 1, None));
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.vacant_seats, 1);
    assert!(allocation.flags.contains(&Flag::SeatsVacant { seats: 1 }));
}

// Seat counts (CGCT, art. L2121-2) and input errors.

#[test]
fn council_size_from_population() {
    assert_eq!(municipal_council_seats(99), 7);
    assert_eq!(municipal_council_seats(1_000), 15);
    assert_eq!(municipal_council_seats(300_000), 69);
}

#[test]
fn zero_seats_allocates_nothing() {
    let allocation = allocate(&request(Round::First, 0, &[(1, 60), (2, 40)])).expect("valid");
    assert_eq!(allocation.status, AllocationStatus::Allocated);
    assert!(allocation.lists.iter().all(|list| list.seats == 0));
}

#[test]
fn rejects_inconsistent_input() {
    let mut mismatch = request(Round::First, 15, &[(1, 60), (2, 40)]);
    mismatch.valid_votes = 101;
    assert_eq!(
        allocate(&mismatch),
        Err(SeatsError::VotesMismatch {
            votes_sum: 100,
            valid_votes: 101
        })
    );
    let duplicate = request(Round::First, 15, &[(1, 60), (1, 40)]);
    assert_eq!(
        allocate(&duplicate),
        Err(SeatsError::DuplicateBallotNumber { ballot_number: 1 })
    );
    let empty = request(Round::First, 15, &[]);
    assert_eq!(allocate(&empty), Err(SeatsError::NoLists));
    let nothing = request(Round::First, 15, &[(1, 0)]);
    assert_eq!(allocate(&nothing), Err(SeatsError::NoValidVotes));
    let mut fraction = request(Round::First, 15, &[(1, 60)]);
    fraction.bonus = BonusFraction {
        numerator: 3,
        denominator: 2,
    };
    assert!(matches!(
        allocate(&fraction),
        Err(SeatsError::InvalidBonusFraction { .. })
    ));
    let huge = request(Round::First, MAX_SEATS + 1, &[(1, 60)]);
    assert_eq!(
        allocate(&huge),
        Err(SeatsError::TooManySeats {
            seats: MAX_SEATS + 1,
            maximum: MAX_SEATS
        })
    );
}

#[test]
fn error_messages_are_french_and_say_the_fix() {
    let message = SeatsError::VotesMismatch {
        votes_sum: 100,
        valid_votes: 101,
    }
    .to_string();
    assert!(message.contains("corriger"), "{message}");
}

#[test]
fn allocation_serializes_to_json() {
    let allocation =
        allocate(&request(Round::Second, 15, &[(1, 300), (2, 120), (3, 80)])).expect("ok");
    let json = serde_json::to_value(&allocation).expect("serializes");
    assert_eq!(json["status"]["status"], "allocated");
    assert_eq!(json["lists"][0]["seats"], 13);
    assert_eq!(json["trail"][0]["step"], "bonus_size");
}
