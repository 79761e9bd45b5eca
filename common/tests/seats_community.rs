//! Community councillors (art. L273-8), Paris-Lyon-Marseille allocations and corrections.

use urne_common::seats::plm::{allocate_sector, city_council_request_2026};
use urne_common::seats::{
    AllocationRequest, BonusFraction, CommunityFlag, CommunityList, ListCandidate, ListVotes,
    Round, SeatChange, SeatsError, Sex, allocate, assign_community_seats, community_candidates,
    compare_allocations,
};

fn candidate(name: &str, sex: Sex) -> ListCandidate {
    ListCandidate {
        name: name.to_owned(),
        sex,
        birth_date: None,
    }
}

/// Municipal list with names `{prefix}1`… and sexes alternating from `first`.
fn municipal_list(number: u32, votes: u64, prefix: &str, count: usize, first: Sex) -> ListVotes {
    let other = if first == Sex::Female {
        Sex::Male
    } else {
        Sex::Female
    };
    let candidates = (0..count)
        .map(|index| {
            let sex = if index % 2 == 0 { first } else { other };
            candidate(&format!("{prefix}{}", index + 1), sex)
        })
        .collect();
    ListVotes {
        candidates: Some(candidates),
        ..ListVotes::new(number, votes)
    }
}

#[test]
fn community_seats_are_allocated_independently() {
    // Jassans-Riottier 2020: 29 municipal seats give 23/4/1/1, but the 5 community seats give
    // 5/0/0/0, because the bonus of 3 and the 2 proportional seats all go to the winner.
    let lists = vec![
        ListVotes::new(1, 415),
        ListVotes::new(2, 204),
        ListVotes::new(3, 166),
        ListVotes::new(4, 856),
    ];
    let municipal = allocate(&AllocationRequest::from_lists(
        Round::Second,
        29,
        lists.clone(),
    ))
    .expect("valid");
    let community =
        allocate(&AllocationRequest::from_lists(Round::Second, 5, lists)).expect("valid");
    let seats = |allocation: &urne_common::seats::Allocation| -> Vec<u32> {
        allocation.lists.iter().map(|list| list.seats).collect()
    };
    assert_eq!(seats(&municipal), vec![4, 1, 1, 23]);
    assert_eq!(seats(&community), vec![0, 0, 0, 5]);
}

#[test]
fn community_candidates_elected_to_council_sit_directly() {
    // 7 municipal seats: list 1 (70 %) wins 6 (A1 to A6). It wins the 4 community seats, which
    // go to its municipal ranks 1 to 4, all elected, so no candidate is replaced.
    let municipal_lists = vec![
        municipal_list(1, 700, "A", 9, Sex::Female),
        municipal_list(2, 300, "B", 9, Sex::Female),
    ];
    let municipal = allocate(&AllocationRequest::from_lists(
        Round::First,
        7,
        municipal_lists.clone(),
    ))
    .expect("valid");
    assert_eq!(municipal.seats_of(1), Some(6));

    let community_lists = vec![
        CommunityList {
            ballot_number: 1,
            municipal_ranks: vec![1, 2, 3, 4, 5],
        },
        CommunityList {
            ballot_number: 2,
            municipal_ranks: vec![3, 2, 1, 4, 5],
        },
    ];
    let community_votes: Vec<ListVotes> = municipal_lists
        .iter()
        .zip(&community_lists)
        .map(|(list, community_list)| ListVotes {
            candidates: Some(community_candidates(list, community_list).expect("valid ranks")),
            ..ListVotes::new(list.ballot_number, list.votes)
        })
        .collect();
    assert_eq!(
        community_votes[1]
            .candidates
            .as_ref()
            .map(|candidates| candidates[0].name.as_str()),
        Some("B3")
    );
    let community = allocate(&AllocationRequest::from_lists(
        Round::First,
        4,
        community_votes,
    ))
    .expect("valid");
    assert_eq!(community.seats_of(1), Some(4));

    let assignment =
        assign_community_seats(&municipal_lists, &municipal, &community, &community_lists)
            .expect("valid");
    let list1 = &assignment.lists[0];
    let names: Vec<&str> = list1.councillors.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["A1", "A2", "A3", "A4"]);
    assert!(assignment.lists[1].councillors.is_empty());
    assert!(assignment.flags.is_empty());
}

#[test]
fn replacement_is_first_free_same_sex() {
    // List 1 wins 3 municipal seats (A1 woman, A2 man, A3 woman) and 2 community seats. Its
    // community list is ranks 5 (woman, not elected) then 1 (A1, elected): A1 sits directly, and
    // A5's seat goes to the first elected woman not already a community councillor: A3.
    let municipal_lists = vec![
        municipal_list(1, 500, "A", 9, Sex::Female),
        municipal_list(2, 500, "B", 9, Sex::Male),
    ];
    let mut municipal_request =
        AllocationRequest::from_lists(Round::Second, 6, municipal_lists.clone());
    municipal_request.lists[0].votes = 501;
    municipal_request.lists[1].votes = 499;
    municipal_request.valid_votes = 1000;
    let municipal = allocate(&municipal_request).expect("valid");
    assert_eq!(municipal.seats_of(1), Some(5));

    // Community: 2 seats for list 1 is what round 2 gives with 2 seats (bonus 1 + 501 > 499).
    let community_lists = vec![
        CommunityList {
            ballot_number: 1,
            municipal_ranks: vec![7, 1, 3],
        },
        CommunityList {
            ballot_number: 2,
            municipal_ranks: vec![1, 2, 3],
        },
    ];
    let mut community_request = AllocationRequest::new(
        Round::Second,
        2,
        1000,
        vec![ListVotes::new(1, 501), ListVotes::new(2, 499)],
    );
    community_request.bonus = BonusFraction::HALF;
    let community = allocate(&community_request).expect("valid");
    assert_eq!(community.seats_of(1), Some(2));

    let assignment =
        assign_community_seats(&municipal_lists, &municipal, &community, &community_lists)
            .expect("valid");
    let list1 = &assignment.lists[0];
    assert_eq!(list1.councillors.len(), 2);
    // A7 (rank 7, a woman) is not elected: replaced by the first elected woman not already a
    // community councillor. A1 sits directly, so the replacement is A3.
    assert_eq!(list1.councillors[0].name, "A3");
    assert_eq!(list1.councillors[0].replaces_municipal_rank, Some(7));
    assert_eq!(list1.councillors[1].name, "A1");
    assert_eq!(list1.councillors[1].replaces_municipal_rank, None);
    assert_eq!(
        assignment.flags,
        vec![CommunityFlag::Replaced {
            ballot_number: 1,
            replaced: "A7".to_owned(),
            replacement: "A3".to_owned()
        }]
    );
    assert!(assignment.flags[0].to_string().contains("art. L273-8"));
}

#[test]
fn replacement_impossible_leaves_seat_vacant() {
    // List 1 elects one municipal councillor (a woman); its community candidate is a man not
    // elected, and no elected man exists on the list.
    let municipal_lists = vec![
        municipal_list(1, 600, "A", 5, Sex::Female),
        municipal_list(2, 400, "B", 5, Sex::Female),
    ];
    let municipal = allocate(&AllocationRequest::from_lists(
        Round::Second,
        1,
        municipal_lists.clone(),
    ))
    .expect("valid");
    assert_eq!(municipal.seats_of(1), Some(1));

    let community_lists = vec![CommunityList {
        ballot_number: 1,
        municipal_ranks: vec![2],
    }];
    let community = allocate(&AllocationRequest::from_lists(
        Round::Second,
        1,
        vec![ListVotes::new(1, 600), ListVotes::new(2, 400)],
    ))
    .expect("valid");

    let assignment =
        assign_community_seats(&municipal_lists, &municipal, &community, &community_lists)
            .expect("valid");
    assert_eq!(assignment.lists[0].vacant_seats, 1);
    assert!(assignment.lists[0].councillors.is_empty());
    assert!(matches!(
        assignment.flags[0],
        CommunityFlag::NoReplacement { sex: Sex::Male, .. }
    ));
}

#[test]
fn community_ranks_are_checked() {
    let list = municipal_list(1, 100, "A", 3, Sex::Female);
    let out_of_range = CommunityList {
        ballot_number: 1,
        municipal_ranks: vec![1, 4],
    };
    assert_eq!(
        community_candidates(&list, &out_of_range),
        Err(SeatsError::CommunityRankOutOfRange {
            ballot_number: 1,
            rank: 4,
            candidates: 3
        })
    );
    let repeated = CommunityList {
        ballot_number: 1,
        municipal_ranks: vec![2, 2],
    };
    assert_eq!(
        community_candidates(&list, &repeated),
        Err(SeatsError::DuplicateCommunityRank {
            ballot_number: 1,
            rank: 2
        })
    );
}

#[test]
fn community_assignment_needs_decided_allocations() {
    let lists = vec![
        municipal_list(1, 50, "A", 5, Sex::Female),
        municipal_list(2, 50, "B", 5, Sex::Male),
    ];
    let undecided = allocate(&AllocationRequest::from_lists(
        Round::First,
        5,
        lists.clone(),
    ))
    .expect("valid");
    let result = assign_community_seats(&lists, &undecided, &undecided, &[]);
    assert!(matches!(
        result,
        Err(SeatsError::AllocationNotDecided {
            council: "municipale",
            ..
        })
    ));
}

#[test]
fn paris_sector_until_2020_allocates_both_councils() {
    // Paris 16th sector, 2014 round 1: 13 Conseil de Paris seats give 12/1 (bonus 7) and 26
    // arrondissement seats give 23/2/1.
    let lists = vec![
        ListVotes::new(1, 497),
        ListVotes::new(2, 6197),
        ListVotes::new(3, 1103),
        ListVotes::new(4, 30100),
        ListVotes::new(5, 4445),
        ListVotes::new(6, 2534),
        ListVotes::new(7, 2865),
    ];
    let request = AllocationRequest::from_lists(Round::First, 0, lists);
    let sector = allocate_sector(&request, 13, 26).expect("valid");
    let seats = |allocation: &urne_common::seats::Allocation| -> Vec<u32> {
        allocation.lists.iter().map(|list| list.seats).collect()
    };
    assert_eq!(sector.municipal.majority_bonus, 7);
    assert_eq!(seats(&sector.municipal), vec![0, 1, 0, 12, 0, 0, 0]);
    assert_eq!(seats(&sector.sector), vec![0, 2, 0, 23, 1, 0, 0]);
}

#[test]
fn paris_sector_candidates_continue_after_city_councillors() {
    let mut list = municipal_list(1, 700, "A", 12, Sex::Female);
    list.candidates.as_mut().expect("candidates").truncate(12);
    let request = AllocationRequest::from_lists(
        Round::First,
        0,
        vec![list, municipal_list(2, 300, "B", 12, Sex::Male)],
    );
    let sector = allocate_sector(&request, 3, 6).expect("valid");
    let city: Vec<&str> = sector.municipal.lists[0]
        .elected
        .as_ref()
        .expect("candidates")
        .iter()
        .map(|candidate| candidate.name.as_str())
        .collect();
    assert_eq!(city, vec!["A1", "A2", "A3"]);
    let arrondissement = sector.sector.lists[0].elected.as_ref().expect("candidates");
    assert_eq!(arrondissement[0].name, "A4");
}

#[test]
fn plm_council_2026_uses_quarter_bonus() {
    let request = city_council_request_2026(AllocationRequest::from_lists(
        Round::Second,
        101,
        vec![
            ListVotes::new(1, 45_000),
            ListVotes::new(2, 40_000),
            ListVotes::new(3, 15_000),
        ],
    ));
    assert_eq!(request.bonus, BonusFraction::QUARTER);
    let allocation = allocate(&request).expect("valid");
    assert_eq!(allocation.majority_bonus, 26);
    assert_eq!(allocation.lists[0].majority_bonus, 26);
    assert_eq!(
        allocation.lists.iter().map(|list| list.seats).sum::<u32>(),
        101
    );
}

#[test]
fn correction_reports_seat_changes() {
    // A corrected count moves one vote: the last seat changes hands.
    let before = allocate(&AllocationRequest::from_lists(
        Round::Second,
        15,
        vec![
            ListVotes::new(1, 300),
            ListVotes::new(2, 120),
            ListVotes::new(3, 80),
        ],
    ))
    .expect("valid");
    let after = allocate(&AllocationRequest::from_lists(
        Round::Second,
        15,
        vec![
            ListVotes::new(1, 300),
            ListVotes::new(2, 121),
            ListVotes::new(3, 79),
        ],
    ))
    .expect("valid");
    let changes = compare_allocations(&before, &after);
    assert_eq!(
        changes,
        vec![
            SeatChange {
                ballot_number: 1,
                seats_before: 13,
                seats_after: 12
            },
            SeatChange {
                ballot_number: 2,
                seats_before: 1,
                seats_after: 2
            },
        ]
    );
    assert_eq!(changes[0].delta(), -1);
    assert_eq!(
        changes[0].to_string(),
        "liste n° 1 : \u{2212}1 siège (13 → 12)"
    );
    assert!(compare_allocations(&before, &before).is_empty());
}
