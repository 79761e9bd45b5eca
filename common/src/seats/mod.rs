//! Seat allocation for list ballots (municipal and community councils).
//!
//! [`allocate`] applies Code électoral, art. L262 to one council and one round: majority bonus,
//! 5 % threshold, highest averages, ties, and seats to candidates in list order. It returns an
//! [`Allocation`] with the seats of each list, the flags an official must see and the
//! [`TrailStep`]s that replay the computation. The same function serves:
//!
//! - the municipal council, with [`municipal_council_seats`] for the seat count (CGCT,
//!   art. L2121-2) or a count the administrator enters;
//! - the community council (art. L273-8), computed independently with its own seat count, then
//!   [`assign_community_seats`] for the replacement rule of art. L273-8, second paragraph;
//! - Paris, Lyon and Marseille, see [`plm`].
//!
//! [`compute_margins`] computes how many votes each list would need to gain or lose before its
//! seat count changes, and [`compare_allocations`] lists the seats that a correction moves.
//!
//! All arithmetic is on integers: averages and shares are compared by cross-multiplication in
//! `u128`, never as floats.

mod allocation;
mod average;
mod community;
mod compare;
mod council_size;
mod error;
pub(crate) mod french;
mod highest_average;
mod margins;
pub mod plm;
mod request;
mod run;
mod trail;

pub use allocation::{
    Allocation, AllocationStatus, Decision, DecisionKind, DecisionReason, ElectedCandidate, Flag,
    ListSeats, MAX_SEATS, TieBreak, allocate,
};
pub use average::{Average, ListAverage};
pub use community::{
    CommunityAssignment, CommunityCouncillor, CommunityFlag, CommunityList, CommunityListSeats,
    assign_community_seats, community_candidates,
};
pub use compare::{SeatChange, compare_allocations};
pub use council_size::municipal_council_seats;
pub use error::SeatsError;
pub use margins::{Alert, DEFAULT_ALERT_VOTES, ListMargin, Margins, compute_margins};
pub use request::{AllocationRequest, BonusFraction, ListCandidate, ListVotes, ShortListRule};
pub use trail::{TieContender, TieOutcome, TrailStep};

pub use crate::election::Sex;
pub use crate::outcome::{AverageAge, Round};
