//! `urne-hub demo`: a fresh database with bundled real elections, served on loopback,
//! whose night is replayed through the service functions the API handlers call, with the
//! same checks, audit records and events as clerks' writes.
//!
//! Published results have no turnout slots and no centaines, so the replay derives them
//! from each station's final figures: turnout at each slot is a random share of the
//! station's voters, and the centaines are the first 100 and 200 ballots of a random
//! shuffle of the station's final ballots. Replayed elections are marked as rehearsals.

use crate::import::ImportedElection;
use crate::service::{self, FinalWrite, HundredWrite, TurnoutWrite};
use crate::state::AppState;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::time::Duration;
use urne_common::count::{FinalCount, Hundred};
use urne_common::election::StationCode;
use urne_common::results::slot_label;

/// Length of the replayed night at speed 1.
pub const NIGHT_AT_SPEED_ONE: Duration = Duration::from_secs(180);

/// Actor recorded in the audit log for replayed writes.
const ACTOR: &str = "démo";

/// One write of the replay, due at `at` (a fraction of the night, from 0 to 1).
#[derive(Debug, Clone)]
struct Step {
    at: f64,
    station: StationCode,
    action: Action,
}

#[derive(Debug, Clone)]
enum Action {
    Turnout { slot: String, voters: u32 },
    Hundred { which: Hundred, write: HundredWrite },
    Final(FinalWrite),
}

/// Ballot kinds, used to shuffle a station's ballots into centaines.
#[derive(Debug, Clone, Copy)]
enum Ballot {
    Blank,
    Invalid,
    Vote(u32),
}

fn hundreds_from(count: &FinalCount, rng: &mut StdRng) -> [HundredWrite; 2] {
    let mut ballots: Vec<Ballot> =
        Vec::with_capacity(usize::try_from(count.ballots()).unwrap_or(0));
    ballots.extend(std::iter::repeat_n(Ballot::Blank, count.blank as usize));
    ballots.extend(std::iter::repeat_n(Ballot::Invalid, count.invalid as usize));
    for (number, votes) in &count.votes {
        ballots.extend(std::iter::repeat_n(Ballot::Vote(*number), *votes as usize));
    }
    ballots.shuffle(rng);
    [100usize, 200].map(|size| {
        let mut write = HundredWrite {
            base_version: 0,
            blank: 0,
            invalid: 0,
            votes: count.votes.keys().map(|number| (*number, 0)).collect(),
        };
        for ballot in ballots.iter().take(size) {
            match ballot {
                Ballot::Blank => write.blank += 1,
                Ballot::Invalid => write.invalid += 1,
                Ballot::Vote(number) => *write.votes.entry(*number).or_default() += 1,
            }
        }
        write
    })
}

/// Plans the replay of one election from its published final results.
fn plan(imported: &ImportedElection, rng: &mut StdRng) -> Vec<Step> {
    let slots: Vec<String> = imported
        .config
        .turnout_slots
        .iter()
        .map(|slot| slot_label(*slot))
        .collect();
    let slot_count = u32::try_from(slots.len()).unwrap_or(1).max(1);
    let mut steps = Vec::new();
    for (station, count) in &imported.results {
        // Turnout: slot i of n lands in the first 35 % of the night, at a share of the
        // final voters that grows with the slot, between 25 % and 90 %.
        let mut previous = 0u32;
        for (index, slot) in slots.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(0);
            let low = 25 + 50 * index / slot_count;
            let high = (low + 15).min(90);
            let percent = rng.random_range(low..=high);
            let voters = (u64::from(count.voters) * u64::from(percent) / 100)
                .try_into()
                .unwrap_or(count.voters)
                .max(previous);
            previous = voters;
            let start = 0.35 * f64::from(index) / f64::from(slot_count);
            let end = 0.35 * f64::from(index + 1) / f64::from(slot_count);
            steps.push(Step {
                at: rng.random_range(start..end),
                station: station.clone(),
                action: Action::Turnout {
                    slot: slot.clone(),
                    voters,
                },
            });
        }
        let [first, second] = hundreds_from(count, rng);
        let first_at: f64 = rng.random_range(0.40..0.60);
        let second_at: f64 = rng.random_range(first_at..0.75);
        let final_at = rng.random_range(second_at.max(0.55)..1.0);
        steps.push(Step {
            at: first_at,
            station: station.clone(),
            action: Action::Hundred {
                which: Hundred::First,
                write: first,
            },
        });
        steps.push(Step {
            at: second_at,
            station: station.clone(),
            action: Action::Hundred {
                which: Hundred::Second,
                write: second,
            },
        });
        steps.push(Step {
            at: final_at,
            station: station.clone(),
            action: Action::Final(FinalWrite {
                base_version: 0,
                registered: Some(count.registered),
                voters: count.voters,
                ballots_found: count.ballots_found,
                blank: count.blank,
                invalid: count.invalid,
                valid_votes: count.valid_votes,
                votes: count.votes.clone(),
                inconsistency_reason: None,
                correction_reason: None,
            }),
        });
    }
    steps.sort_by(|a, b| a.at.total_cmp(&b.at));
    steps
}

/// Replays the night of one election, `night` being the wall-clock length of the replay.
pub async fn replay(
    state: AppState,
    election_id: i64,
    imported: ImportedElection,
    night: Duration,
    seed: u64,
) {
    let mut rng = StdRng::seed_from_u64(seed);
    let steps = plan(&imported, &mut rng);
    let start = tokio::time::Instant::now();
    let total = steps.len();
    tracing::info!(
        election_id,
        steps = total,
        seconds = night.as_secs_f64(),
        "replay started"
    );
    let mut failures = 0usize;
    for step in steps {
        tokio::time::sleep_until(start + night.mul_f64(step.at)).await;
        let station = step.station.to_string();
        let result = state
            .write(move |connection| {
                let outcome = match &step.action {
                    Action::Turnout { slot, voters } => service::write_turnout(
                        connection,
                        election_id,
                        &station,
                        slot,
                        &TurnoutWrite {
                            base_version: 0,
                            voters: *voters,
                        },
                        ACTOR,
                    )?,
                    Action::Hundred { which, write } => service::write_hundred(
                        connection,
                        election_id,
                        &station,
                        *which,
                        write,
                        ACTOR,
                    )?,
                    Action::Final(write) => {
                        service::write_final(connection, election_id, &station, write, ACTOR)?
                    }
                };
                let event = outcome.event.clone();
                Ok(((), vec![event]))
            })
            .await;
        if let Err(error) = result {
            failures += 1;
            tracing::error!(election_id, station = %step.station, error = %error, "replayed write rejected");
        }
    }
    tracing::info!(election_id, steps = total, failures, "replay finished");
}

/// Returns the configuration-only copy of an imported election, marked as a rehearsal.
pub fn rehearsal_configuration(imported: &ImportedElection) -> ImportedElection {
    let mut config = imported.config.clone();
    config.rehearsal = true;
    config.label = format!("{} (simulation)", config.label);
    ImportedElection {
        config,
        results: BTreeMap::new(),
        sources: imported.sources.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundreds_hold_first_ballots() {
        let count = FinalCount {
            registered: 1000,
            voters: 620,
            ballots_found: None,
            blank: 20,
            invalid: 0,
            valid_votes: 600,
            votes: BTreeMap::from([(1, 400), (2, 200)]),
        };
        let mut rng = StdRng::seed_from_u64(7);
        let [first, second] = hundreds_from(&count, &mut rng);
        let total = |w: &HundredWrite| w.blank + w.invalid + w.votes.values().sum::<u32>();
        assert_eq!(total(&first), 100);
        assert_eq!(total(&second), 200);
        for (number, votes) in &first.votes {
            assert!(second.votes[number] >= *votes);
        }
        assert!(second.blank >= first.blank);
    }

    #[test]
    fn small_station_hundreds_hold_every_ballot() {
        let count = FinalCount {
            registered: 90,
            voters: 60,
            ballots_found: None,
            blank: 0,
            invalid: 0,
            valid_votes: 60,
            votes: BTreeMap::from([(1, 60)]),
        };
        let mut rng = StdRng::seed_from_u64(1);
        let [first, second] = hundreds_from(&count, &mut rng);
        assert_eq!(first.votes[&1], 60);
        assert_eq!(second.votes[&1], 60);
    }
}
