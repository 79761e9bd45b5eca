//! Vote margins before the last seat changes hands, and the close-result alerts.

use urne_common::seats::{
    Alert, AllocationRequest, DEFAULT_ALERT_VOTES, ListVotes, Round, TieBreak, compute_margins,
};

fn request(round: Round, seats: u32, votes: &[(u32, u64)]) -> AllocationRequest {
    let lists = votes
        .iter()
        .map(|&(number, votes)| ListVotes::new(number, votes))
        .collect();
    AllocationRequest::from_lists(round, seats, lists)
}

#[test]
fn synthetic_tie_margins() {
    // 15 seats, A 300, B 120, C 80 → 13/1/1, the last seat settled by votes between A and B.
    let margins = compute_margins(
        &request(Round::Second, 15, &[(1, 300), (2, 120), (3, 80)]),
        10,
    )
    .expect("valid");
    let by_list: Vec<(Option<u64>, Option<u64>)> = margins
        .lists
        .iter()
        .map(|list| (list.votes_to_gain_seat, list.votes_to_lose_seat))
        .collect();

    // B with 121 votes: 121 / 2 > 300 / 5, so B takes the last seat from A.
    assert_eq!(by_list[1].0, Some(1));
    // A with 299 votes: 299 / 5 < 120 / 2.
    assert_eq!(by_list[0].1, Some(1));
    // B with 50 votes ties A (300 / 6) for the 7th seat and loses it on votes; 51 keeps it.
    assert_eq!(by_list[1].1, Some(70));
    // C with 60 votes ties A and B at 60 for the last 2 seats and loses on votes; 61 keeps it.
    assert_eq!(by_list[2].1, Some(20));

    assert!(margins.alerts.contains(&Alert::TieSettled {
        ballot_numbers: vec![1, 2],
        by: TieBreak::Votes
    }));
    assert!(margins.alerts.contains(&Alert::CloseToGaining {
        ballot_number: 2,
        votes: 1
    }));
    assert!(margins.alerts.contains(&Alert::CloseToLosing {
        ballot_number: 1,
        votes: 1
    }));
    assert!(!margins.alerts.iter().any(|alert| matches!(
        alert,
        Alert::CloseToLosing {
            ballot_number: 2,
            ..
        } | Alert::CloseToLosing {
            ballot_number: 3,
            ..
        }
    )));

    let text = margins
        .alerts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("la liste n° 2 obtiendrait un siège de plus avec 1 voix de plus"),
        "{text}"
    );
}

#[test]
fn alert_threshold_is_a_parameter() {
    let request = request(Round::Second, 15, &[(1, 300), (2, 120), (3, 80)]);
    let none = compute_margins(&request, 0).expect("valid");
    assert!(
        none.alerts
            .iter()
            .all(|alert| matches!(alert, Alert::TieSettled { .. }))
    );
    let wide = compute_margins(&request, 100).expect("valid");
    assert!(wide.alerts.contains(&Alert::CloseToLosing {
        ballot_number: 2,
        votes: 70
    }));
    assert_eq!(DEFAULT_ALERT_VOTES, 10);
}

#[test]
fn list_with_every_seat_cannot_gain() {
    let margins = compute_margins(&request(Round::First, 15, &[(1, 409)]), 10).expect("valid");
    assert_eq!(margins.lists[0].votes_to_gain_seat, None);
    // 409 votes can fall to 1 and the single list keeps every seat; at 0 no valid vote is left.
    assert_eq!(margins.lists[0].votes_to_lose_seat, Some(409));
}

#[test]
fn list_without_seat_cannot_lose() {
    let margins = compute_margins(
        &request(Round::Second, 19, &[(1, 67), (2, 315), (3, 402)]),
        10,
    )
    .expect("valid");
    assert_eq!(margins.lists[0].votes_to_lose_seat, None);
    assert!(margins.lists[0].votes_to_gain_seat.is_some());
}

#[test]
fn round1_without_majority_gives_votes_to_majority() {
    // 250 against 250: neither list has the absolute majority, so nothing is allocated.
    let margins =
        compute_margins(&request(Round::First, 15, &[(1, 250), (2, 250)]), 10).expect("valid");
    // One more vote for either list gives it the absolute majority and seats.
    assert_eq!(margins.lists[0].votes_to_gain_seat, Some(1));
    assert_eq!(margins.lists[1].votes_to_gain_seat, Some(1));
    assert_eq!(margins.lists[0].votes_to_lose_seat, None);
}

#[test]
fn majority_lost_by_votes_costs_seats() {
    // Round 1, 2278 against 2247: the winner keeps its majority down to 2248 votes.
    let margins =
        compute_margins(&request(Round::First, 33, &[(1, 2278), (2, 2247)]), 10).expect("valid");
    assert_eq!(margins.lists[0].votes_to_lose_seat, Some(31));
}

#[test]
fn unresolved_tie_gives_no_margin() {
    let margins = compute_margins(
        &request(Round::Second, 5, &[(1, 500), (2, 300), (3, 300)]),
        10,
    )
    .expect("valid");
    assert!(
        margins
            .lists
            .iter()
            .all(|list| list.votes_to_gain_seat.is_none())
    );
    assert!(
        margins
            .lists
            .iter()
            .all(|list| list.votes_to_lose_seat.is_none())
    );
    assert_eq!(
        margins.alerts,
        vec![Alert::TieUnresolved {
            ballot_numbers: vec![2, 3]
        }]
    );
}

#[test]
fn large_council_margins_are_computed() {
    // Nice 2020, round 2: 69 seats, 56/7/6.
    let margins = compute_margins(
        &request(Round::Second, 69, &[(3, 34_039), (5, 12_279), (6, 11_078)]),
        DEFAULT_ALERT_VOTES,
    )
    .expect("valid");
    assert_eq!(
        margins
            .lists
            .iter()
            .map(|list| list.seats)
            .collect::<Vec<_>>(),
        vec![56, 7, 6]
    );
    for list in &margins.lists {
        assert!(list.votes_to_gain_seat.is_some_and(|votes| votes > 0));
        assert!(
            list.votes_to_lose_seat
                .is_some_and(|votes| votes > 0 && votes <= list.votes)
        );
    }
}
