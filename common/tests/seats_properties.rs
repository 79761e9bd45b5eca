//! Property tests of the seat allocation and its margins on random lists.

use proptest::prelude::*;
use urne_common::seats::{
    Allocation, AllocationRequest, AllocationStatus, ListVotes, Round, allocate, compute_margins,
};

fn round_strategy() -> impl Strategy<Value = Round> {
    prop_oneof![Just(Round::First), Just(Round::Second)]
}

/// Votes of 1 to 8 lists numbered 1.., with at least one vote in all.
fn votes_strategy(max_votes: u64) -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(0..=max_votes, 1..=8).prop_filter("at least one valid vote", |votes| {
        votes.iter().any(|&votes| votes > 0)
    })
}

fn request(round: Round, seats: u32, votes: &[u64]) -> AllocationRequest {
    let lists = votes
        .iter()
        .zip(1u32..)
        .map(|(&votes, number)| ListVotes::new(number, votes))
        .collect();
    AllocationRequest::from_lists(round, seats, lists)
}

fn seats_of(allocation: &Allocation, ballot_number: u32) -> u32 {
    allocation.seats_of(ballot_number).expect("list present")
}

/// Seats of list `index` with `votes` votes, or `None` when a tie needs a decision.
fn decided_seats(
    round: Round,
    seats: u32,
    votes: &[u64],
    index: usize,
    new_votes: u64,
) -> Option<u32> {
    let mut votes = votes.to_vec();
    votes[index] = new_votes;
    if votes.iter().all(|&votes| votes == 0) {
        return None;
    }
    let allocation = allocate(&request(round, seats, &votes)).expect("valid request");
    match allocation.status {
        AllocationStatus::DecisionRequired(_) => None,
        _ => Some(allocation.lists[index].seats),
    }
}

proptest! {
    #[test]
    fn seats_sum_to_seats_to_fill(
        round in round_strategy(),
        seats in 0u32..=69,
        votes in votes_strategy(5_000),
    ) {
        let allocation = allocate(&request(round, seats, &votes)).expect("valid request");
        let total: u32 = allocation.lists.iter().map(|list| list.seats).sum();
        match &allocation.status {
            AllocationStatus::Allocated => prop_assert_eq!(total, seats),
            AllocationStatus::NoMajorityRound1 => prop_assert_eq!(total, 0),
            AllocationStatus::DecisionRequired(decision) => {
                prop_assert_eq!(total + decision.seats_at_stake, seats);
                prop_assert_eq!(allocation.undecided_seats, decision.seats_at_stake);
            }
        }
    }

    #[test]
    fn list_under_five_percent_gets_no_proportional_seat(
        round in round_strategy(),
        seats in 1u32..=69,
        votes in votes_strategy(5_000),
    ) {
        let allocation = allocate(&request(round, seats, &votes)).expect("valid request");
        let valid_votes: u64 = votes.iter().sum();
        for list in &allocation.lists {
            if 20 * list.votes < valid_votes {
                prop_assert!(!list.admitted);
                prop_assert_eq!(list.proportional_seats, 0);
            }
        }
    }

    #[test]
    fn more_votes_never_cost_seats(
        round in round_strategy(),
        seats in 1u32..=69,
        votes in votes_strategy(2_000),
        pick in any::<prop::sample::Index>(),
        extra in 1u64..=500,
    ) {
        let index = pick.index(votes.len());
        let before = allocate(&request(round, seats, &votes)).expect("valid request");
        let mut more = votes.clone();
        more[index] += extra;
        let after = allocate(&request(round, seats, &more)).expect("valid request");
        let decided = |allocation: &Allocation| {
            !matches!(allocation.status, AllocationStatus::DecisionRequired(_))
        };
        if decided(&before) && decided(&after)
            && before.status == after.status
            && before.bonus_list == after.bonus_list
        {
            let number = before.lists[index].ballot_number;
            prop_assert!(
                seats_of(&after, number) >= seats_of(&before, number),
                "list {} lost seats with {} more votes", number, extra
            );
        }
    }

    #[test]
    fn result_does_not_depend_on_list_order(
        round in round_strategy(),
        seats in 0u32..=69,
        (votes, shuffled) in votes_strategy(3_000).prop_flat_map(|votes| {
            let numbered: Vec<(u32, u64)> = (1u32..).zip(votes.iter().copied()).collect();
            (Just(votes), Just(numbered).prop_shuffle())
        }),
    ) {
        let original = allocate(&request(round, seats, &votes)).expect("valid request");
        let lists = shuffled.iter().map(|&(number, votes)| ListVotes::new(number, votes)).collect();
        let reordered =
            allocate(&AllocationRequest::from_lists(round, seats, lists)).expect("valid request");
        prop_assert_eq!(&original.status, &reordered.status);
        prop_assert_eq!(original.bonus_list, reordered.bonus_list);
        prop_assert_eq!(&original.flags, &reordered.flags);
        for list in &original.lists {
            prop_assert_eq!(Some(list.seats), reordered.seats_of(list.ballot_number));
        }
    }

    #[test]
    fn margins_match_brute_force(
        round in round_strategy(),
        seats in 1u32..=9,
        votes in prop::collection::vec(0u64..=60, 1..=4)
            .prop_filter("valid votes", |votes| votes.iter().any(|&votes| votes > 0)),
    ) {
        let margins = compute_margins(&request(round, seats, &votes), 10).expect("valid request");
        let allocation = allocate(&request(round, seats, &votes)).expect("valid request");
        if matches!(allocation.status, AllocationStatus::DecisionRequired(_)) {
            prop_assert!(margins.lists.iter().all(|list| list.votes_to_gain_seat.is_none()));
            return Ok(());
        }
        for (index, margin) in margins.lists.iter().enumerate() {
            let current = allocation.lists[index].seats;
            let own = votes[index];
            let gains = |new_votes: u64| {
                decided_seats(round, seats, &votes, index, new_votes).is_some_and(|s| s > current)
            };
            match margin.votes_to_gain_seat {
                Some(gain) => {
                    prop_assert!(gains(own + gain), "no gain at +{}", gain);
                    for smaller in 1..gain {
                        let early = gains(own + smaller);
                        prop_assert!(!early, "gain already at +{} < {}", smaller, gain);
                    }
                }
                None => {
                    for more in 1..=2_000 {
                        prop_assert!(!gains(own + more), "gain at +{} but margin None", more);
                    }
                }
            }
            let keeps = |new_votes: u64| {
                decided_seats(round, seats, &votes, index, new_votes).is_some_and(|s| s >= current)
            };
            match margin.votes_to_lose_seat {
                Some(loss) => {
                    prop_assert!(loss <= own);
                    prop_assert!(!keeps(own - loss), "still keeps at -{}", loss);
                    for smaller in 1..loss {
                        let kept = keeps(own - smaller);
                        prop_assert!(kept, "already loses at -{} < {}", smaller, loss);
                    }
                }
                None => prop_assert_eq!(current, 0),
            }
        }
    }
}
