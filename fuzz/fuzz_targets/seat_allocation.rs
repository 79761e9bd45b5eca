//! Fuzz target: random lists, seats and rules through `allocate` and `compute_margins`, checking
//! the invariants that must hold for every input.

#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use urne_common::seats::{
    Allocation, AllocationRequest, AllocationStatus, BonusFraction, ListCandidate, ListVotes,
    Round, Sex, ShortListRule, allocate, compute_margins,
};

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    if let Ok(request) = request(&mut input) {
        check(&request);
    }
});

/// Builds a request with 1 to 12 lists, 0 to 100 seats, sometimes candidates with birth dates
/// drawn from a few values so that age ties happen.
fn request(input: &mut Unstructured<'_>) -> Result<AllocationRequest> {
    let round = if input.arbitrary::<bool>()? {
        Round::First
    } else {
        Round::Second
    };
    let seats = u32::from(input.int_in_range(0u8..=100)?);
    let list_count = input.int_in_range(1u8..=12)?;
    let large_votes = input.arbitrary::<bool>()?;
    let mut lists = Vec::new();
    for number in 1..=u32::from(list_count) {
        let votes = if large_votes {
            input.arbitrary::<u64>()? >> 8
        } else {
            u64::from(input.int_in_range(0u16..=400)?)
        };
        let mut list = ListVotes::new(number, votes);
        if input.arbitrary::<bool>()? {
            let count = input.int_in_range(0..=seats + 2)?;
            let mut candidates = Vec::new();
            for rank in 0..count {
                let birth_date = match input.int_in_range(0u8..=3)? {
                    0 => None,
                    year => NaiveDate::from_ymd_opt(1940 + i32::from(year), 1, 1),
                };
                let sex = if rank % 2 == 0 {
                    Sex::Female
                } else {
                    Sex::Male
                };
                candidates.push(ListCandidate {
                    name: format!("{number}-{rank}"),
                    sex,
                    birth_date,
                });
            }
            list.candidates = Some(candidates);
        }
        lists.push(list);
    }
    let mut request = AllocationRequest::from_lists(round, seats, lists);
    if input.arbitrary::<bool>()? {
        request.bonus = BonusFraction::QUARTER;
    }
    if input.arbitrary::<bool>()? {
        request.short_list_rule = ShortListRule::LeaveVacant;
    }
    if input.arbitrary::<bool>()? {
        request.election_date = NaiveDate::from_ymd_opt(2026, 3, 22);
    }
    Ok(request)
}

fn check(request: &AllocationRequest) {
    let Ok(allocation) = allocate(request) else {
        // Only a request without valid votes is rejected: lists and numbers are always valid.
        assert_eq!(request.valid_votes, 0, "unexpected rejection");
        return;
    };
    check_totals(request, &allocation);
    check_threshold(request, &allocation);
    check_order_independence(request, &allocation);
    check_margins(request, &allocation);
}

fn check_totals(request: &AllocationRequest, allocation: &Allocation) {
    let total: u32 = allocation.lists.iter().map(|list| list.seats).sum();
    match &allocation.status {
        AllocationStatus::Allocated => {
            assert_eq!(
                total + allocation.vacant_seats,
                request.seats,
                "seats do not add up"
            );
        }
        AllocationStatus::NoMajorityRound1 => {
            assert_eq!(request.round, Round::First);
            assert_eq!(total, 0);
        }
        AllocationStatus::DecisionRequired(decision) => {
            assert_eq!(
                total + allocation.vacant_seats + decision.seats_at_stake,
                request.seats
            );
            assert!(decision.ballot_numbers.len() >= 2, "a tie needs two lists");
        }
    }
    for (list, seats) in request.lists.iter().zip(&allocation.lists) {
        assert_eq!(seats.seats, seats.majority_bonus + seats.proportional_seats);
        if request.short_list_rule == ShortListRule::NextHighestAverages
            && let Some(candidates) = &list.candidates
        {
            assert!(usize::try_from(seats.seats).is_ok_and(|won| won <= candidates.len()));
        }
    }
}

fn check_threshold(request: &AllocationRequest, allocation: &Allocation) {
    for list in &allocation.lists {
        let admitted = u128::from(list.votes) * 20 >= u128::from(request.valid_votes);
        if allocation.status == AllocationStatus::Allocated {
            assert_eq!(list.admitted, admitted, "5 % threshold misapplied");
        }
        if !admitted {
            assert_eq!(
                list.proportional_seats, 0,
                "list under 5 % got a proportional seat"
            );
        }
    }
}

fn check_order_independence(request: &AllocationRequest, allocation: &Allocation) {
    let mut reversed = request.clone();
    reversed.lists.reverse();
    let other = allocate(&reversed).expect("same lists, same validity");
    assert_eq!(
        allocation.status, other.status,
        "status depends on list order"
    );
    for list in &allocation.lists {
        assert_eq!(
            Some(list.seats),
            other.seats_of(list.ballot_number),
            "seats depend on order"
        );
    }
}

/// Checks each margin against a direct allocation on small requests, where it is cheap.
fn check_margins(request: &AllocationRequest, allocation: &Allocation) {
    if request.seats > 15 || request.valid_votes > 2_000 {
        return;
    }
    let margins = compute_margins(request, 10).expect("valid request");
    if matches!(allocation.status, AllocationStatus::DecisionRequired(_)) {
        return;
    }
    for (index, margin) in margins.lists.iter().enumerate() {
        let seats_with = |votes: u64| {
            let mut changed = request.clone();
            changed.valid_votes = changed.valid_votes - changed.lists[index].votes + votes;
            changed.lists[index].votes = votes;
            let result = allocate(&changed).ok()?;
            match result.status {
                AllocationStatus::DecisionRequired(_) => None,
                _ => Some(result.lists[index].seats),
            }
        };
        let current = allocation.lists[index].seats;
        let own = request.lists[index].votes;
        if let Some(gain) = margin.votes_to_gain_seat {
            assert!(
                seats_with(own + gain).is_some_and(|seats| seats > current),
                "no gain"
            );
            if gain > 1 {
                let before = seats_with(own + gain - 1);
                assert!(
                    before.is_none_or(|seats| seats <= current),
                    "gain reached earlier"
                );
            }
        }
        if let Some(loss) = margin.votes_to_lose_seat {
            let after = seats_with(own - loss);
            assert!(after.is_none_or(|seats| seats < current), "no loss");
            if loss > 1 {
                let before = seats_with(own - loss + 1);
                assert!(
                    before.is_some_and(|seats| seats >= current),
                    "loss reached earlier"
                );
            }
        }
    }
}
