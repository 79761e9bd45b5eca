//! Aggregation of station results for the commune, each canton and each constituency,
//! and the views the hub publishes (`/api/v1/elections/{id}/results`, `/turnout`,
//! `/hundreds`). The kiosk deserializes the same types.

use crate::count::{FinalCount, Hundred, HundredCount, StationStatus};
use crate::election::{ElectionConfig, ElectionKind, PollingStation, StationCode};
use crate::rules::Finding;
use crate::share::{Denominator, Share};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Final results of one station as stored, with their entry metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationRecord {
    pub status: StationStatus,
    pub count: FinalCount,
    pub findings: Vec<Finding>,
    /// Reason recorded by the clerk when the official record itself is inconsistent.
    pub inconsistency_reason: Option<String>,
    pub version: u64,
    /// Time of the last change, RFC 3339 with the Europe/Paris offset.
    pub updated_at: String,
    pub updated_by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Commune,
    Canton,
    Constituency,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub counted: u32,
    pub total: u32,
    pub share: Share,
    /// French sentence, e.g. "183 bureaux sur 284".
    pub label: String,
}

impl Progress {
    pub fn new(counted: u32, total: u32) -> Progress {
        let word = if counted > 1 { "bureaux" } else { "bureau" };
        Progress {
            counted,
            total,
            share: Share::new(u64::from(counted), u64::from(total), Denominator::Stations),
            label: format!("{counted} {word} sur {total}"),
        }
    }

    pub fn is_complete(&self) -> bool {
        self.counted == self.total
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateResult {
    pub ballot_number: u32,
    /// List name for list ballots, else "Prénom NOM".
    pub name: String,
    pub surname: String,
    pub first_name: String,
    pub list_label: Option<String>,
    pub nuance: Option<String>,
    pub colour: Option<String>,
    pub votes: u64,
    /// Share of the valid votes (exprimés) of the counted stations.
    pub share_of_valid_votes: Share,
    /// Share of the registered voters (inscrits) of the counted stations.
    pub share_of_registered: Share,
}

/// Totals of a set of stations: the commune, a canton or a constituency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaResults {
    pub kind: AreaKind,
    /// INSEE code for the commune, canton or constituency code otherwise.
    pub code: String,
    pub name: String,
    pub progress: Progress,
    /// Inscrits of every station of the area, counted or not.
    pub registered_all: u64,
    /// Inscrits of the counted stations only.
    pub registered_counted: u64,
    pub voters: u64,
    /// Inscrits minus votants, over the counted stations.
    pub abstentions: u64,
    pub ballots_found: u64,
    pub blank: u64,
    pub invalid: u64,
    pub valid_votes: u64,
    /// Votants over the inscrits of the counted stations.
    pub turnout_of_counted: Share,
    /// Votants over the inscrits of every station: grows as stations arrive.
    pub turnout_of_all: Share,
    pub blank_share: Share,
    pub invalid_share: Share,
    /// Candidates in ballot-number order.
    pub candidates: Vec<CandidateResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationVotes {
    pub ballot_number: u32,
    pub votes: u32,
    pub share_of_valid_votes: Share,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationResults {
    pub code: StationCode,
    pub name: String,
    pub polling_place: Option<String>,
    pub canton: Option<String>,
    pub constituency: Option<String>,
    pub registered: u32,
    pub status: StationStatus,
    pub status_label: String,
    /// Version of the stored record, to send back with a correction; 0 when none exists.
    pub version: u64,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    /// The record; `None` until the station's results arrive.
    pub count: Option<FinalCount>,
    pub turnout: Option<Share>,
    pub votes: Vec<StationVotes>,
    pub findings: Vec<Finding>,
    pub inconsistency_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionSummary {
    pub id: i64,
    pub kind: ElectionKind,
    pub kind_label: String,
    pub date: NaiveDate,
    pub round: u8,
    pub label: String,
    pub commune_name: String,
    pub rehearsal: bool,
}

/// The results view of one election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionResults {
    pub election: ElectionSummary,
    /// Version of the data this view was computed from; grows with every change.
    pub version: u64,
    pub commune: AreaResults,
    pub cantons: Vec<AreaResults>,
    pub constituencies: Vec<AreaResults>,
    pub stations: Vec<StationResults>,
}

/// Sums of a set of stations before shares are computed.
#[derive(Debug, Default, Clone)]
struct Sums {
    total: u32,
    counted: u32,
    registered_all: u64,
    registered_counted: u64,
    voters: u64,
    ballots: u64,
    blank: u64,
    invalid: u64,
    valid_votes: u64,
    votes: BTreeMap<u32, u64>,
}

impl Sums {
    fn add(&mut self, station: &PollingStation, record: Option<&StationRecord>) {
        self.total += 1;
        self.registered_all += u64::from(station.registered);
        let Some(record) = record.filter(|r| r.status.is_counted()) else {
            return;
        };
        let count = &record.count;
        self.counted += 1;
        self.registered_counted += u64::from(count.registered);
        self.voters += u64::from(count.voters);
        self.ballots += u64::from(count.ballots());
        self.blank += u64::from(count.blank);
        self.invalid += u64::from(count.invalid);
        self.valid_votes += u64::from(count.valid_votes);
        for (number, votes) in &count.votes {
            *self.votes.entry(*number).or_default() += u64::from(*votes);
        }
    }

    fn into_area(
        self,
        kind: AreaKind,
        code: String,
        name: String,
        config: &ElectionConfig,
    ) -> AreaResults {
        let candidates = config
            .candidates
            .iter()
            .map(|candidate| {
                let votes = self
                    .votes
                    .get(&candidate.ballot_number)
                    .copied()
                    .unwrap_or(0);
                CandidateResult {
                    ballot_number: candidate.ballot_number,
                    name: candidate.display_name(),
                    surname: candidate.surname.clone(),
                    first_name: candidate.first_name.clone(),
                    list_label: candidate.list_label.clone(),
                    nuance: candidate.nuance.clone(),
                    colour: candidate.colour.clone(),
                    votes,
                    share_of_valid_votes: Share::new(
                        votes,
                        self.valid_votes,
                        Denominator::ValidVotes,
                    ),
                    share_of_registered: Share::new(
                        votes,
                        self.registered_counted,
                        Denominator::Registered,
                    ),
                }
            })
            .collect();
        AreaResults {
            kind,
            code,
            name,
            progress: Progress::new(self.counted, self.total),
            registered_all: self.registered_all,
            registered_counted: self.registered_counted,
            voters: self.voters,
            abstentions: self.registered_counted.saturating_sub(self.voters),
            ballots_found: self.ballots,
            blank: self.blank,
            invalid: self.invalid,
            valid_votes: self.valid_votes,
            turnout_of_counted: Share::new(
                self.voters,
                self.registered_counted,
                Denominator::Registered,
            ),
            turnout_of_all: Share::new(self.voters, self.registered_all, Denominator::Registered),
            blank_share: Share::new(self.blank, self.voters, Denominator::Voters),
            invalid_share: Share::new(self.invalid, self.voters, Denominator::Voters),
            candidates,
        }
    }
}

/// Computes the commune's totals only; the fast path used after each change.
pub fn commune_totals(
    config: &ElectionConfig,
    records: &BTreeMap<StationCode, StationRecord>,
) -> AreaResults {
    let mut sums = Sums::default();
    for station in &config.stations {
        sums.add(station, records.get(&station.code));
    }
    sums.into_area(
        AreaKind::Commune,
        config.commune.insee_code.clone(),
        config.commune.name.clone(),
        config,
    )
}

/// Computes the results view: the commune, each canton and constituency, each station.
/// A station that has not arrived adds zero everywhere except to the area's inscrits of
/// all stations and its station count.
pub fn compute_results(
    summary: ElectionSummary,
    version: u64,
    config: &ElectionConfig,
    records: &BTreeMap<StationCode, StationRecord>,
) -> ElectionResults {
    let mut commune = Sums::default();
    let mut cantons: BTreeMap<String, Sums> = BTreeMap::new();
    let mut constituencies: BTreeMap<String, Sums> = BTreeMap::new();
    let mut stations = Vec::with_capacity(config.stations.len());

    for station in &config.stations {
        let record = records.get(&station.code);
        commune.add(station, record);
        if let Some(canton) = &station.canton {
            cantons
                .entry(canton.clone())
                .or_default()
                .add(station, record);
        }
        if let Some(constituency) = &station.constituency {
            constituencies
                .entry(constituency.clone())
                .or_default()
                .add(station, record);
        }
        stations.push(station_results(station, record));
    }

    let commune = commune.into_area(
        AreaKind::Commune,
        config.commune.insee_code.clone(),
        config.commune.name.clone(),
        config,
    );
    let cantons = cantons
        .into_iter()
        .map(|(code, sums)| {
            let name = format!("Canton {code}");
            sums.into_area(AreaKind::Canton, code, name, config)
        })
        .collect();
    let constituencies = constituencies
        .into_iter()
        .map(|(code, sums)| {
            let name = format!("Circonscription {code}");
            sums.into_area(AreaKind::Constituency, code, name, config)
        })
        .collect();

    ElectionResults {
        election: summary,
        version,
        commune,
        cantons,
        constituencies,
        stations,
    }
}

fn station_results(station: &PollingStation, record: Option<&StationRecord>) -> StationResults {
    let status = record.map_or(StationStatus::NotArrived, |r| r.status);
    let count = record.map(|r| &r.count);
    let votes = count
        .map(|count| {
            count
                .votes
                .iter()
                .map(|(number, votes)| StationVotes {
                    ballot_number: *number,
                    votes: *votes,
                    share_of_valid_votes: Share::new(
                        u64::from(*votes),
                        u64::from(count.valid_votes),
                        Denominator::ValidVotes,
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    StationResults {
        code: station.code.clone(),
        name: station.name.clone(),
        polling_place: station.polling_place.clone(),
        canton: station.canton.clone(),
        constituency: station.constituency.clone(),
        registered: station.registered,
        status,
        status_label: status.label_fr().to_string(),
        version: record.map_or(0, |r| r.version),
        updated_at: record.map(|r| r.updated_at.clone()),
        updated_by: record.map(|r| r.updated_by.clone()),
        count: count.cloned(),
        turnout: count.map(|c| {
            Share::new(
                u64::from(c.voters),
                u64::from(c.registered),
                Denominator::Registered,
            )
        }),
        votes,
        findings: record.map(|r| r.findings.clone()).unwrap_or_default(),
        inconsistency_reason: record.and_then(|r| r.inconsistency_reason.clone()),
    }
}

/// One keyed turnout figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnoutEntry {
    pub voters: u32,
    pub version: u64,
    pub updated_at: String,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationTurnout {
    pub code: StationCode,
    pub name: String,
    pub registered: u32,
    pub entry: Option<TurnoutEntry>,
    pub share: Option<Share>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotTurnout {
    /// Slot time, Europe/Paris civil time, `HH:MM`.
    pub slot: String,
    pub progress: Progress,
    pub voters: u64,
    /// Inscrits of the stations that reported this slot.
    pub registered_reported: u64,
    pub registered_all: u64,
    /// Votants over the inscrits of the stations that reported.
    pub turnout_of_reported: Share,
    /// Votants over the inscrits of every station.
    pub turnout_of_all: Share,
    pub stations: Vec<StationTurnout>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnoutView {
    pub election: ElectionSummary,
    pub version: u64,
    pub slots: Vec<SlotTurnout>,
}

/// Formats a slot time the way the API names it (`17:00`).
pub fn slot_label(slot: NaiveTime) -> String {
    slot.format("%H:%M").to_string()
}

/// Computes the turnout view from the keyed figures, keyed by (slot label, station).
pub fn compute_turnout(
    summary: ElectionSummary,
    version: u64,
    config: &ElectionConfig,
    entries: &BTreeMap<(String, StationCode), TurnoutEntry>,
) -> TurnoutView {
    let registered_all: u64 = config
        .stations
        .iter()
        .map(|s| u64::from(s.registered))
        .sum();
    let slots = config
        .turnout_slots
        .iter()
        .map(|slot| {
            let label = slot_label(*slot);
            let mut voters = 0u64;
            let mut registered_reported = 0u64;
            let mut reported = 0u32;
            let mut total = 0u32;
            let stations = config
                .stations
                .iter()
                .map(|station| {
                    total += 1;
                    let entry = entries.get(&(label.clone(), station.code.clone())).cloned();
                    if let Some(entry) = &entry {
                        reported += 1;
                        voters += u64::from(entry.voters);
                        registered_reported += u64::from(station.registered);
                    }
                    StationTurnout {
                        code: station.code.clone(),
                        name: station.name.clone(),
                        registered: station.registered,
                        share: entry.as_ref().map(|e| {
                            Share::new(
                                u64::from(e.voters),
                                u64::from(station.registered),
                                Denominator::Registered,
                            )
                        }),
                        entry,
                    }
                })
                .collect();
            SlotTurnout {
                slot: label,
                progress: Progress::new(reported, total),
                voters,
                registered_reported,
                registered_all,
                turnout_of_reported: Share::new(
                    voters,
                    registered_reported,
                    Denominator::Registered,
                ),
                turnout_of_all: Share::new(voters, registered_all, Denominator::Registered),
                stations,
            }
        })
        .collect();
    TurnoutView {
        election: summary,
        version,
        slots,
    }
}

/// One keyed centaine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HundredEntry {
    pub count: HundredCount,
    pub findings: Vec<Finding>,
    pub version: u64,
    pub updated_at: String,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HundredCandidate {
    pub ballot_number: u32,
    pub name: String,
    pub votes: u64,
    /// Share of the votes cast for candidates in the centaines keyed so far.
    pub share_of_votes: Share,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationHundred {
    pub code: StationCode,
    pub name: String,
    pub entry: Option<HundredEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HundredView {
    pub which: Hundred,
    pub label: String,
    pub progress: Progress,
    pub ballots: u64,
    pub blank: u64,
    pub invalid: u64,
    pub candidates: Vec<HundredCandidate>,
    pub stations: Vec<StationHundred>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HundredsView {
    pub election: ElectionSummary,
    pub version: u64,
    pub hundreds: Vec<HundredView>,
}

/// Computes the centaines view from the keyed centaines, keyed by (which, station).
pub fn compute_hundreds(
    summary: ElectionSummary,
    version: u64,
    config: &ElectionConfig,
    entries: &BTreeMap<(Hundred, StationCode), HundredEntry>,
) -> HundredsView {
    let hundreds = [Hundred::First, Hundred::Second]
        .into_iter()
        .map(|which| {
            let mut blank = 0u64;
            let mut invalid = 0u64;
            let mut ballots = 0u64;
            let mut votes: BTreeMap<u32, u64> = BTreeMap::new();
            let mut reported = 0u32;
            let stations: Vec<StationHundred> = config
                .stations
                .iter()
                .map(|station| {
                    let entry = entries.get(&(which, station.code.clone())).cloned();
                    if let Some(entry) = &entry {
                        reported += 1;
                        blank += u64::from(entry.count.blank);
                        invalid += u64::from(entry.count.invalid);
                        ballots += entry.count.ballots();
                        for (number, v) in &entry.count.votes {
                            *votes.entry(*number).or_default() += u64::from(*v);
                        }
                    }
                    StationHundred {
                        code: station.code.clone(),
                        name: station.name.clone(),
                        entry,
                    }
                })
                .collect();
            let votes_total: u64 = votes.values().sum();
            let candidates = config
                .candidates
                .iter()
                .map(|candidate| {
                    let v = votes.get(&candidate.ballot_number).copied().unwrap_or(0);
                    HundredCandidate {
                        ballot_number: candidate.ballot_number,
                        name: candidate.display_name(),
                        votes: v,
                        share_of_votes: Share::new(v, votes_total, Denominator::ValidVotes),
                    }
                })
                .collect();
            HundredView {
                which,
                label: which.label_fr().to_string(),
                progress: Progress::new(reported, u32::try_from(stations.len()).unwrap_or(0)),
                ballots,
                blank,
                invalid,
                candidates,
                stations,
            }
        })
        .collect();
    HundredsView {
        election: summary,
        version,
        hundreds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::election::{Candidate, Commune, Scope};

    fn config() -> ElectionConfig {
        let station = |code: &str, registered, canton: &str| PollingStation {
            code: StationCode::parse(code).unwrap(),
            name: format!("Bureau {code}"),
            polling_place: None,
            canton: Some(canton.to_string()),
            constituency: None,
            registered,
        };
        let candidate = |number, surname: &str| Candidate {
            ballot_number: number,
            surname: surname.to_string(),
            first_name: String::new(),
            sex: None,
            nuance: None,
            nuance_label: None,
            list_label: None,
            colour: None,
        };
        ElectionConfig {
            kind: ElectionKind::Presidential,
            date: NaiveDate::from_ymd_opt(2022, 4, 10).unwrap(),
            round: 1,
            scope: Scope::Commune,
            label: "Test".into(),
            commune: Commune {
                insee_code: "93010".into(),
                department_code: "93".into(),
                name: "Bondy".into(),
            },
            opening: ElectionConfig::default_opening(),
            closing: ElectionConfig::default_closing(),
            turnout_slots: ElectionConfig::default_turnout_slots(),
            rehearsal: false,
            stations: vec![
                station("1", 100, "A"),
                station("2", 200, "A"),
                station("3", 300, "B"),
            ],
            candidates: vec![candidate(1, "UN"), candidate(2, "DEUX")],
        }
    }

    fn record(registered: u32, voters: u32, a: u32, b: u32) -> StationRecord {
        StationRecord {
            status: StationStatus::Entered,
            count: FinalCount {
                registered,
                voters,
                ballots_found: None,
                blank: voters - a - b,
                invalid: 0,
                valid_votes: a + b,
                votes: BTreeMap::from([(1, a), (2, b)]),
            },
            findings: vec![],
            inconsistency_reason: None,
            version: 1,
            updated_at: String::new(),
            updated_by: String::new(),
        }
    }

    fn summary() -> ElectionSummary {
        ElectionSummary {
            id: 1,
            kind: ElectionKind::Presidential,
            kind_label: String::new(),
            date: NaiveDate::from_ymd_opt(2022, 4, 10).unwrap(),
            round: 1,
            label: String::new(),
            commune_name: String::new(),
            rehearsal: false,
        }
    }

    #[test]
    fn uncounted_stations_add_zero() {
        let config = config();
        let records = BTreeMap::from([
            (StationCode::parse("1").unwrap(), record(100, 50, 30, 20)),
            (StationCode::parse("3").unwrap(), record(300, 150, 100, 40)),
        ]);
        let results = compute_results(summary(), 7, &config, &records);
        let commune = &results.commune;
        assert_eq!(commune.progress.counted, 2);
        assert_eq!(commune.progress.total, 3);
        assert_eq!(commune.progress.label, "2 bureaux sur 3");
        assert_eq!(commune.registered_all, 600);
        assert_eq!(commune.registered_counted, 400);
        assert_eq!(commune.voters, 200);
        assert_eq!(commune.valid_votes, 190);
        assert_eq!(commune.candidates[0].votes, 130);
        assert_eq!(commune.turnout_of_counted.percent.as_deref(), Some("50,00"));
        assert_eq!(commune.turnout_of_all.percent.as_deref(), Some("33,33"));
        assert_eq!(commune.progress.share.percent.as_deref(), Some("66,67"));

        let canton_a = &results.cantons[0];
        assert_eq!(canton_a.code, "A");
        assert_eq!(canton_a.progress.counted, 1);
        assert_eq!(canton_a.voters, 50);
        let missing = &results.stations[1];
        assert_eq!(missing.status, StationStatus::NotArrived);
        assert!(missing.votes.is_empty());
        assert!(missing.turnout.is_none());
    }

    #[test]
    fn progress_never_shows_whole_before_last_station() {
        let config = config();
        let records = BTreeMap::from([
            (StationCode::parse("2").unwrap(), record(200, 100, 60, 40)),
            (StationCode::parse("3").unwrap(), record(300, 150, 100, 40)),
        ]);
        let results = compute_results(summary(), 1, &config, &records);
        assert_ne!(
            results.commune.progress.share.percent.as_deref(),
            Some("100,00")
        );
    }

    #[test]
    fn nothing_counted_has_no_shares() {
        let results = compute_results(summary(), 0, &config(), &BTreeMap::new());
        assert_eq!(results.commune.turnout_of_counted.percent, None);
        assert_eq!(
            results.commune.candidates[0].share_of_valid_votes.percent,
            None
        );
        assert_eq!(results.commune.progress.label, "0 bureau sur 3");
    }
}
