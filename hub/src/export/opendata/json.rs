//! The open-data content as one JSON document: the election, the commune, the candidates,
//! the commune's totals and every station, with `figures` null for a station whose
//! results have not arrived. Percentages are strings with a comma (`"37,23"`), null when
//! the denominator is zero.

use super::super::ExportError;
use super::super::snapshot::Snapshot;
use super::render_percent;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use urne_common::election::{ElectionKind, Sex};

/// Value of the `format` field, for readers that receive several kinds of files.
const FORMAT_NAME: &str = "urne-resultats-bureaux";
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JsonExport {
    pub format: String,
    pub version: u32,
    /// True for a rehearsal: these results are not official.
    pub simulation: bool,
    pub election: JsonElection,
    pub commune: JsonCommune,
    pub stations_counted: usize,
    pub stations_total: usize,
    pub candidates: Vec<JsonCandidate>,
    /// Totals of the stations whose results have arrived.
    pub totals: JsonFigures,
    pub stations: Vec<JsonStation>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JsonElection {
    pub id: i64,
    pub kind: ElectionKind,
    /// The Ministry's two-letter code (`LG`).
    pub kind_code: String,
    /// Regulatory code of prefecture transmissions (`LEG`).
    pub regulatory_code: String,
    pub label: String,
    pub date: String,
    pub round: u8,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JsonCommune {
    pub insee_code: String,
    pub name: String,
    pub department_code: String,
    pub department_name: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JsonCandidate {
    pub ballot_number: u32,
    pub surname: String,
    pub first_name: String,
    pub sex: Option<Sex>,
    pub nuance: Option<String>,
    pub nuance_label: Option<String>,
    pub list_label: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JsonStation {
    pub code: String,
    pub name: String,
    pub polling_place: Option<String>,
    pub canton: Option<String>,
    pub constituency: Option<String>,
    /// `not_arrived`, `entered`, `inconsistent` or `validated`.
    pub status: String,
    pub figures: Option<JsonFigures>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JsonFigures {
    pub registered: u64,
    /// Signatures on the roll (émargements).
    pub voters: u64,
    pub ballots_found: u64,
    pub abstentions: u64,
    pub blank: u64,
    pub invalid: u64,
    pub valid_votes: u64,
    /// Votants over inscrits.
    pub percent_voters_of_registered: Option<String>,
    pub percent_blank_of_voters: Option<String>,
    pub percent_invalid_of_voters: Option<String>,
    pub percent_valid_votes_of_voters: Option<String>,
    pub votes: Vec<JsonVotes>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JsonVotes {
    pub ballot_number: u32,
    pub votes: u64,
    pub percent_of_valid_votes: Option<String>,
    pub percent_of_registered: Option<String>,
}

struct Totals {
    registered: u64,
    voters: u64,
    ballots_found: u64,
    blank: u64,
    invalid: u64,
    valid_votes: u64,
}

fn figures(totals: &Totals, votes: &BTreeMap<u32, u64>, numbers: &[u32]) -> JsonFigures {
    JsonFigures {
        registered: totals.registered,
        voters: totals.voters,
        ballots_found: totals.ballots_found,
        abstentions: totals.registered.saturating_sub(totals.voters),
        blank: totals.blank,
        invalid: totals.invalid,
        valid_votes: totals.valid_votes,
        percent_voters_of_registered: render_percent(totals.voters, totals.registered),
        percent_blank_of_voters: render_percent(totals.blank, totals.voters),
        percent_invalid_of_voters: render_percent(totals.invalid, totals.voters),
        percent_valid_votes_of_voters: render_percent(totals.valid_votes, totals.voters),
        votes: numbers
            .iter()
            .map(|number| {
                let count = votes.get(number).copied().unwrap_or(0);
                JsonVotes {
                    ballot_number: *number,
                    votes: count,
                    percent_of_valid_votes: render_percent(count, totals.valid_votes),
                    percent_of_registered: render_percent(count, totals.registered),
                }
            })
            .collect(),
    }
}

pub(crate) fn json(snapshot: &Snapshot) -> Result<Vec<u8>, ExportError> {
    let config = &snapshot.config;
    let numbers: Vec<u32> = config
        .candidates
        .iter()
        .map(|candidate| candidate.ballot_number)
        .collect();
    let commune = &snapshot.results.commune;
    let commune_votes: BTreeMap<u32, u64> = commune
        .candidates
        .iter()
        .map(|candidate| (candidate.ballot_number, candidate.votes))
        .collect();
    let totals = Totals {
        registered: commune.registered_counted,
        voters: commune.voters,
        ballots_found: commune.ballots_found,
        blank: commune.blank,
        invalid: commune.invalid,
        valid_votes: commune.valid_votes,
    };
    let stations = config
        .stations
        .iter()
        .map(|station| {
            let record = snapshot.records.get(&station.code);
            let station_figures = record.map(|record| {
                let count = &record.count;
                let votes: BTreeMap<u32, u64> = count
                    .votes
                    .iter()
                    .map(|(number, votes)| (*number, u64::from(*votes)))
                    .collect();
                let totals = Totals {
                    registered: u64::from(count.registered),
                    voters: u64::from(count.voters),
                    ballots_found: u64::from(count.ballots()),
                    blank: u64::from(count.blank),
                    invalid: u64::from(count.invalid),
                    valid_votes: u64::from(count.valid_votes),
                };
                figures(&totals, &votes, &numbers)
            });
            JsonStation {
                code: station.code.as_str().to_string(),
                name: station.name.clone(),
                polling_place: station.polling_place.clone(),
                canton: station.canton.clone(),
                constituency: station.constituency.clone(),
                status: record
                    .map_or("not_arrived", |record| record.status.as_str())
                    .to_string(),
                figures: station_figures,
            }
        })
        .collect();
    let document = JsonExport {
        format: FORMAT_NAME.to_string(),
        version: FORMAT_VERSION,
        simulation: config.rehearsal,
        election: JsonElection {
            id: snapshot.election_id,
            kind: config.kind,
            kind_code: config.kind.ministry_code().to_string(),
            regulatory_code: config.kind.regulatory_code().to_string(),
            label: config.label.clone(),
            date: config.date.format("%Y-%m-%d").to_string(),
            round: config.round,
        },
        commune: JsonCommune {
            insee_code: config.commune.insee_code.clone(),
            name: config.commune.name.clone(),
            department_code: snapshot.department_code().to_string(),
            department_name: snapshot.department_name().to_string(),
        },
        stations_counted: snapshot.records.len(),
        stations_total: config.stations.len(),
        candidates: config
            .candidates
            .iter()
            .map(|candidate| JsonCandidate {
                ballot_number: candidate.ballot_number,
                surname: candidate.surname.clone(),
                first_name: candidate.first_name.clone(),
                sex: candidate.sex,
                nuance: candidate.nuance.clone(),
                nuance_label: candidate.nuance_label.clone(),
                list_label: candidate.list_label.clone(),
            })
            .collect(),
        totals: figures(&totals, &commune_votes, &numbers),
        stations,
    };
    let mut bytes = serde_json::to_vec_pretty(&document).map_err(|error| ExportError::Render {
        document: "JSON",
        message: error.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
