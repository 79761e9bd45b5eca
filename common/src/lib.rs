//! Types and pure logic shared by the Urne hub and kiosk: elections, counts, consistency
//! rules, aggregation and seat allocation. Nothing here performs I/O.

pub mod analysis;
pub mod communes;
pub mod count;
pub mod election;
pub mod outcome;
pub mod results;
pub mod rules;
pub mod seats;
pub mod share;
