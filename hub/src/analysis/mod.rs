//! Comparisons of an election with earlier ones: turnout by slot, stations, votes grouped
//! by candidate, party, nuance or political family, and trends across several elections.
//! Every count is an integer and every rate an exact [`Share`]; differences are exact
//! [`ShareDifference`]s. The same tables feed the JSON API, the CSV files and the pages.

pub mod api;
pub mod charts;
pub mod mapping;
pub mod saved;
pub mod table;

use crate::db::{self, elections::ElectionState};
use crate::service::ServiceError;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;
use urne_common::analysis::{Family, ShareDifference, StationGroup, Tally, candidate_key};
use urne_common::count::FinalCount;
use urne_common::election::{Candidate, ElectionConfig};
use urne_common::share::Share;

/// One election's figures as the comparisons read them.
#[derive(Debug, Clone)]
pub struct ElectionData {
    pub id: i64,
    pub state: ElectionState,
    pub config: ElectionConfig,
    /// Final results per station code.
    pub results: BTreeMap<String, FinalCount>,
    /// Turnout per slot (`HH:MM`) and station code.
    pub turnout: BTreeMap<String, BTreeMap<String, u32>>,
}

/// The identity of an election in a comparison's output.
#[derive(Debug, Clone, Serialize)]
pub struct ElectionRef {
    pub id: i64,
    pub label: String,
    pub date: String,
    pub round: u8,
    pub kind: String,
    pub state: ElectionState,
}

impl ElectionData {
    pub fn reference(&self) -> ElectionRef {
        ElectionRef {
            id: self.id,
            label: self.config.label.clone(),
            date: self.config.date.format("%Y-%m-%d").to_string(),
            round: self.config.round,
            kind: self.config.kind.ministry_code().to_string(),
            state: self.state,
        }
    }

    pub fn station_codes(&self) -> Vec<String> {
        self.config
            .stations
            .iter()
            .map(|s| s.code.as_str().to_string())
            .collect()
    }
}

/// Loads an election's configuration, final results and turnout. Only the counts are
/// read, without the records' findings and history, because comparisons of two elections
/// of 1000 stations load 20 000 rows per request.
pub fn load(connection: &Connection, id: i64) -> Result<ElectionData, ServiceError> {
    let not_found = || {
        ServiceError::NotFound(format!(
            "élection {id} introuvable : consultez la liste avec GET /api/v1/elections"
        ))
    };
    let row = db::elections::find(connection, id)?.ok_or_else(not_found)?;
    let config = db::elections::config(connection, id)?.ok_or_else(not_found)?;

    let mut votes: BTreeMap<String, BTreeMap<u32, u32>> = BTreeMap::new();
    let mut statement = connection.prepare_cached(
        "SELECT station_code, ballot_number, votes FROM station_votes
         WHERE election_id = ?1 AND stage = 'final'",
    )?;
    let mut rows = statement.query([id])?;
    while let Some(row) = rows.next()? {
        votes
            .entry(row.get(0)?)
            .or_default()
            .insert(row.get(1)?, row.get(2)?);
    }

    let mut results = BTreeMap::new();
    let mut statement = connection.prepare_cached(
        "SELECT station_code, registered, voters, ballots_found, blank, invalid, valid_votes
         FROM station_result WHERE election_id = ?1",
    )?;
    let mut rows = statement.query([id])?;
    while let Some(row) = rows.next()? {
        let code: String = row.get(0)?;
        let count = FinalCount {
            registered: row.get(1)?,
            voters: row.get(2)?,
            ballots_found: row.get(3)?,
            blank: row.get(4)?,
            invalid: row.get(5)?,
            valid_votes: row.get(6)?,
            votes: votes.remove(&code).unwrap_or_default(),
        };
        results.insert(code, count);
    }

    let mut turnout: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    let mut statement = connection
        .prepare_cached("SELECT slot, station_code, voters FROM turnout WHERE election_id = ?1")?;
    let mut rows = statement.query([id])?;
    while let Some(row) = rows.next()? {
        turnout
            .entry(row.get(0)?)
            .or_default()
            .insert(row.get(1)?, row.get(2)?);
    }
    Ok(ElectionData {
        id,
        state: row.state,
        config,
        results,
        turnout,
    })
}

/// Grouping of candidates when votes are compared across elections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// Candidate or list head, by surname and first name.
    Candidate,
    /// Label of the party or nuance entered with the candidate (nuance code without one).
    Party,
    /// The Ministry's nuance code.
    Nuance,
    /// Political family of the nuance ([`Family`]).
    Family,
}

impl Grouping {
    pub const ALL: [Grouping; 4] = [
        Grouping::Candidate,
        Grouping::Party,
        Grouping::Nuance,
        Grouping::Family,
    ];

    pub fn parse(text: &str) -> Result<Grouping, ServiceError> {
        Grouping::ALL
            .into_iter()
            .find(|grouping| grouping.as_str() == text)
            .ok_or_else(|| ServiceError::Invalid {
                code: "invalid_grouping",
                field: Some("by".to_string()),
                message: format!(
                    "regroupement « {text} » inconnu : candidate, party, nuance ou family"
                ),
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Candidate => "candidate",
            Grouping::Party => "party",
            Grouping::Nuance => "nuance",
            Grouping::Family => "family",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Grouping::Candidate => "candidat ou tête de liste",
            Grouping::Party => "parti",
            Grouping::Nuance => "nuance",
            Grouping::Family => "famille politique",
        }
    }

    /// Key and French label of a candidate in this grouping.
    pub fn key(self, candidate: &Candidate) -> (String, String) {
        let nuance = candidate
            .nuance
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        match self {
            Grouping::Candidate => (
                candidate_key(&candidate.surname, &candidate.first_name),
                format!("{} {}", candidate.first_name, candidate.surname)
                    .trim()
                    .to_string(),
            ),
            Grouping::Party => {
                let label = candidate
                    .nuance_label
                    .as_deref()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .or(nuance)
                    .unwrap_or("Sans étiquette");
                (label.to_uppercase(), label.to_string())
            }
            Grouping::Nuance => match nuance {
                Some(code) => (code.to_uppercase(), code.to_uppercase()),
                None => ("-".to_string(), "Sans nuance".to_string()),
            },
            Grouping::Family => {
                let family = nuance.map_or(Family::Unknown, Family::of_nuance);
                let key = serde_json::to_value(family)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                (key, family.label_fr().to_string())
            }
        }
    }
}

/// Sums the final results of `codes` (stations without results are left out), grouping
/// votes with `grouping`. Returns the tally and the number of stations counted.
pub fn tally(data: &ElectionData, codes: &[String], grouping: Grouping) -> (Tally, usize) {
    tally_with(data, codes, &ballot_keys(data, grouping))
}

/// Key of each ballot number of the election in `grouping`.
fn ballot_keys(data: &ElectionData, grouping: Grouping) -> BTreeMap<u32, String> {
    data.config
        .candidates
        .iter()
        .map(|c| (c.ballot_number, grouping.key(c).0))
        .collect()
}

/// Does the work of [`tally`] with the ballot keys computed once by the caller.
fn tally_with(
    data: &ElectionData,
    codes: &[String],
    keys: &BTreeMap<u32, String>,
) -> (Tally, usize) {
    let mut total = Tally::default();
    let mut counted = 0;
    for code in codes {
        let Some(count) = data.results.get(code) else {
            continue;
        };
        counted += 1;
        total.registered += u64::from(count.registered);
        total.voters += u64::from(count.voters);
        total.blank += u64::from(count.blank);
        total.invalid += u64::from(count.invalid);
        total.valid_votes += u64::from(count.valid_votes);
        // Without keys the caller wants no votes (every ballot number of an election has
        // a candidate, so a real election always has keys).
        if keys.is_empty() {
            continue;
        }
        for (number, votes) in &count.votes {
            let key = keys
                .get(number)
                .map_or_else(|| number.to_string(), String::clone);
            match total.votes.get_mut(&key) {
                Some(sum) => *sum += u64::from(*votes),
                None => {
                    total.votes.insert(key, u64::from(*votes));
                }
            }
        }
    }
    (total, counted)
}

/// Labels of the keys of a grouping in an election.
fn key_labels(data: &ElectionData, grouping: Grouping) -> BTreeMap<String, String> {
    data.config
        .candidates
        .iter()
        .map(|c| grouping.key(c))
        .collect()
}

/// Turnout of one slot, over the inscrits of the stations that reported it.
#[derive(Debug, Clone, Serialize)]
pub struct SlotTurnout {
    pub voters: u64,
    pub registered_of_reported: u64,
    pub reported: usize,
    pub stations: usize,
    pub turnout_of_reported: Share,
}

/// One row of the turnout comparison: a slot, or `final` for the votants of the results.
#[derive(Debug, Clone, Serialize)]
pub struct TurnoutRow {
    pub slot: String,
    pub election: Option<SlotTurnout>,
    pub against: Option<SlotTurnout>,
    pub difference: Option<ShareDifference>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TurnoutComparison {
    pub election: ElectionRef,
    pub against: ElectionRef,
    pub rows: Vec<TurnoutRow>,
}

fn registered_by_code(data: &ElectionData) -> BTreeMap<String, u32> {
    data.config
        .stations
        .iter()
        .map(|s| (s.code.as_str().to_string(), s.registered))
        .collect()
}

fn slot_turnout(data: &ElectionData, slot: &str) -> Option<SlotTurnout> {
    let registered = registered_by_code(data);
    let stations = data.config.stations.len();
    if slot == FINAL_SLOT {
        if data.results.is_empty() {
            return None;
        }
        let voters = data.results.values().map(|c| u64::from(c.voters)).sum();
        let registered_of_reported = data.results.values().map(|c| u64::from(c.registered)).sum();
        return Some(SlotTurnout {
            voters,
            registered_of_reported,
            reported: data.results.len(),
            stations,
            turnout_of_reported: Share::new(
                voters,
                registered_of_reported,
                urne_common::share::Denominator::Registered,
            ),
        });
    }
    let entries = data.turnout.get(slot)?;
    let voters = entries.values().map(|v| u64::from(*v)).sum();
    let registered_of_reported = entries
        .keys()
        .map(|code| u64::from(registered.get(code).copied().unwrap_or(0)))
        .sum();
    Some(SlotTurnout {
        voters,
        registered_of_reported,
        reported: entries.len(),
        stations,
        turnout_of_reported: Share::new(
            voters,
            registered_of_reported,
            urne_common::share::Denominator::Registered,
        ),
    })
}

/// Name of the row of the turnout comparison that uses the final votants.
pub const FINAL_SLOT: &str = "final";

/// Compares turnout slot by slot; slots match by their `HH:MM` time, and the last row
/// compares the final votants of the stations counted.
pub fn compare_turnout(election: &ElectionData, against: &ElectionData) -> TurnoutComparison {
    let mut slots: Vec<String> = election
        .config
        .turnout_slots
        .iter()
        .chain(&against.config.turnout_slots)
        .map(|slot| slot.format("%H:%M").to_string())
        .chain(election.turnout.keys().cloned())
        .chain(against.turnout.keys().cloned())
        .collect();
    slots.sort();
    slots.dedup();
    slots.push(FINAL_SLOT.to_string());
    let rows = slots
        .into_iter()
        .map(|slot| {
            let later = slot_turnout(election, &slot);
            let earlier = slot_turnout(against, &slot);
            let difference = match (&later, &earlier) {
                (Some(l), Some(e)) => Some(ShareDifference::between(
                    &l.turnout_of_reported,
                    &e.turnout_of_reported,
                )),
                _ => None,
            };
            TurnoutRow {
                slot,
                election: later,
                against: earlier,
                difference,
            }
        })
        .collect();
    TurnoutComparison {
        election: election.reference(),
        against: against.reference(),
        rows,
    }
}

/// Counts of one side of a station group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupSide {
    pub stations: Vec<String>,
    /// Stations of this side with final results.
    pub counted: usize,
    pub registered: u64,
    pub voters: u64,
    pub blank: u64,
    pub invalid: u64,
    pub valid_votes: u64,
    pub turnout: Share,
    pub blank_rate: Share,
    pub invalid_rate: Share,
}

impl GroupSide {
    fn of(tally: &Tally, stations: &[String], counted: usize) -> GroupSide {
        GroupSide {
            stations: stations.to_vec(),
            counted,
            registered: tally.registered,
            voters: tally.voters,
            blank: tally.blank,
            invalid: tally.invalid,
            valid_votes: tally.valid_votes,
            turnout: tally.turnout(),
            blank_rate: tally.blank_rate(),
            invalid_rate: tally.invalid_rate(),
        }
    }

    /// Returns whether every station of the side has results. A partly counted group is
    /// shown without differences.
    pub fn complete(&self) -> bool {
        !self.stations.is_empty() && self.counted == self.stations.len()
    }
}

/// One group of mapped stations compared between two elections.
#[derive(Debug, Clone, Serialize)]
pub struct StationRow {
    pub label: String,
    pub election: GroupSide,
    pub against: GroupSide,
    pub turnout_difference: Option<ShareDifference>,
    pub blank_rate_difference: Option<ShareDifference>,
    pub invalid_rate_difference: Option<ShareDifference>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StationComparison {
    pub election: ElectionRef,
    pub against: ElectionRef,
    /// `saved` when the office saved a mapping, `same_code` otherwise.
    pub mapping: &'static str,
    /// The commune's totals, then one row per group.
    pub total: StationRow,
    pub rows: Vec<StationRow>,
}

fn both_complete(a: &GroupSide, b: &GroupSide) -> bool {
    a.complete() && b.complete()
}

fn station_row(
    election: &ElectionData,
    against: &ElectionData,
    group: &StationGroup,
    label: String,
) -> StationRow {
    // Turnout and rates need no votes: no ballot keys.
    let none = BTreeMap::new();
    let (later, later_counted) = tally_with(election, &group.later, &none);
    let (earlier, earlier_counted) = tally_with(against, &group.earlier, &none);
    let later = GroupSide::of(&later, &group.later, later_counted);
    let earlier = GroupSide::of(&earlier, &group.earlier, earlier_counted);
    let comparable = both_complete(&later, &earlier);
    let difference = |l: &Share, e: &Share| comparable.then(|| ShareDifference::between(l, e));
    StationRow {
        label,
        turnout_difference: difference(&later.turnout, &earlier.turnout),
        blank_rate_difference: difference(&later.blank_rate, &earlier.blank_rate),
        invalid_rate_difference: difference(&later.invalid_rate, &earlier.invalid_rate),
        election: later,
        against: earlier,
    }
}

/// Compares turnout, blank and spoilt rates per group of mapped stations.
pub fn compare_stations(
    election: &ElectionData,
    against: &ElectionData,
    groups: &[StationGroup],
    mapping: &'static str,
) -> StationComparison {
    let whole = StationGroup {
        earlier: against.station_codes(),
        later: election.station_codes(),
    };
    let mut total = station_row(election, against, &whole, "Commune".to_string());
    // The commune's total is compared over the stations counted on each side.
    if total.election.counted > 0 && total.against.counted > 0 {
        total.turnout_difference = Some(ShareDifference::between(
            &total.election.turnout,
            &total.against.turnout,
        ));
        total.blank_rate_difference = Some(ShareDifference::between(
            &total.election.blank_rate,
            &total.against.blank_rate,
        ));
        total.invalid_rate_difference = Some(ShareDifference::between(
            &total.election.invalid_rate,
            &total.against.invalid_rate,
        ));
    }
    let rows = groups
        .iter()
        .map(|group| station_row(election, against, group, group.label()))
        .collect();
    StationComparison {
        election: election.reference(),
        against: against.reference(),
        mapping,
        total,
        rows,
    }
}

/// Votes of one key (candidate, party, nuance or family) in both elections.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRow {
    pub key: String,
    pub label: String,
    pub election_votes: u64,
    pub against_votes: u64,
    pub election_share: Share,
    pub against_share: Share,
    /// Swing in points of exprimés, when both sides are completely counted.
    pub difference: Option<ShareDifference>,
}

/// Votes of one area (the commune or a group of stations) in both elections.
#[derive(Debug, Clone, Serialize)]
pub struct VoteArea {
    pub label: String,
    pub election_valid_votes: u64,
    pub against_valid_votes: u64,
    pub keys: Vec<KeyRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VoteComparison {
    pub election: ElectionRef,
    pub against: ElectionRef,
    pub by: Grouping,
    pub mapping: &'static str,
    pub total: VoteArea,
    pub areas: Vec<VoteArea>,
}

fn vote_area(
    label: String,
    election: (&Tally, bool),
    against: (&Tally, bool),
    labels: &BTreeMap<String, String>,
) -> VoteArea {
    let comparable = election.1 && against.1;
    let mut keys: Vec<&String> = election
        .0
        .votes
        .keys()
        .chain(against.0.votes.keys())
        .collect();
    keys.sort();
    keys.dedup();
    let mut rows: Vec<KeyRow> = keys
        .into_iter()
        .map(|key| {
            let election_share = election.0.share_of(key);
            let against_share = against.0.share_of(key);
            KeyRow {
                key: key.clone(),
                label: labels.get(key).cloned().unwrap_or_else(|| key.clone()),
                election_votes: election.0.votes.get(key).copied().unwrap_or(0),
                against_votes: against.0.votes.get(key).copied().unwrap_or(0),
                difference: comparable
                    .then(|| ShareDifference::between(&election_share, &against_share)),
                election_share,
                against_share,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.election_votes
            .cmp(&a.election_votes)
            .then(b.against_votes.cmp(&a.against_votes))
            .then(a.key.cmp(&b.key))
    });
    VoteArea {
        label,
        election_valid_votes: election.0.valid_votes,
        against_valid_votes: against.0.valid_votes,
        keys: rows,
    }
}

/// Compares votes grouped by `by`, for the commune and per group of mapped stations.
pub fn compare_votes(
    election: &ElectionData,
    against: &ElectionData,
    groups: &[StationGroup],
    mapping: &'static str,
    by: Grouping,
) -> VoteComparison {
    let mut labels = key_labels(against, by);
    labels.extend(key_labels(election, by));
    let (later, later_counted) = tally(election, &election.station_codes(), by);
    let (earlier, earlier_counted) = tally(against, &against.station_codes(), by);
    let total = vote_area(
        "Commune".to_string(),
        (&later, later_counted > 0),
        (&earlier, earlier_counted > 0),
        &labels,
    );
    let (later_keys, earlier_keys) = (ballot_keys(election, by), ballot_keys(against, by));
    let areas = groups
        .iter()
        .map(|group| {
            let (later, later_counted) = tally_with(election, &group.later, &later_keys);
            let (earlier, earlier_counted) = tally_with(against, &group.earlier, &earlier_keys);
            vote_area(
                group.label(),
                (
                    &later,
                    !group.later.is_empty() && later_counted == group.later.len(),
                ),
                (
                    &earlier,
                    !group.earlier.is_empty() && earlier_counted == group.earlier.len(),
                ),
                &labels,
            )
        })
        .collect();
    VoteComparison {
        election: election.reference(),
        against: against.reference(),
        by,
        mapping,
        total,
        areas,
    }
}

/// One election in a trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub election: ElectionRef,
    /// Stations of this election summed for the point.
    pub stations: Vec<String>,
    pub counted: usize,
    pub registered: u64,
    pub voters: u64,
    pub valid_votes: u64,
    pub turnout: Share,
    pub blank_rate: Share,
    pub invalid_rate: Share,
    /// Share of exprimés of each key.
    pub shares: BTreeMap<String, Share>,
    pub votes: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub by: Grouping,
    /// Station of the last election followed, or `None` for the whole commune.
    pub station: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub points: Vec<TrendPoint>,
}

/// Follows the commune, or one station through each election's mapping to the last
/// election, across `elections` in the order given.
pub fn trend(
    connection: &Connection,
    elections: &[ElectionData],
    by: Grouping,
    station: Option<&str>,
) -> Result<Trend, ServiceError> {
    let mut labels = BTreeMap::new();
    for data in elections {
        labels.extend(key_labels(data, by));
    }
    let last = elections.last();
    let mut points = Vec::with_capacity(elections.len());
    for data in elections {
        let codes = match (station, last) {
            (None, _) | (_, None) => data.station_codes(),
            (Some(code), Some(last)) if last.id == data.id => vec![code.to_string()],
            (Some(code), Some(last)) => {
                let (groups, _) = mapping::groups(connection, data, last)?;
                groups
                    .into_iter()
                    .find(|group| group.later.iter().any(|c| c == code))
                    .map(|group| group.earlier)
                    .unwrap_or_default()
            }
        };
        let (tally, counted) = tally(data, &codes, by);
        points.push(TrendPoint {
            election: data.reference(),
            stations: codes,
            counted,
            registered: tally.registered,
            voters: tally.voters,
            valid_votes: tally.valid_votes,
            turnout: tally.turnout(),
            blank_rate: tally.blank_rate(),
            invalid_rate: tally.invalid_rate(),
            shares: tally
                .votes
                .keys()
                .map(|key| (key.clone(), tally.share_of(key)))
                .collect(),
            votes: tally.votes.clone(),
        });
    }
    Ok(Trend {
        by,
        station: station.map(str::to_string),
        labels,
        points,
    })
}
