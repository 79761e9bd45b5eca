//! Exports of the whole constituency or canton: the race view as JSON, and one CSV row per
//! commune (the hub's commune from its stations, then each other commune's totals). The
//! prefecture XML stays the commune's own: each commune transmits its own results.

use super::ExportError;
use super::snapshot::Snapshot;
use crate::db;
use rusqlite::Connection;
use urne_common::communes::RaceResults;

/// Reads the race of the snapshot's election.
pub(crate) fn load(
    connection: &Connection,
    snapshot: &Snapshot,
) -> Result<RaceResults, ExportError> {
    let row = db::elections::find(connection, snapshot.election_id)?
        .ok_or(ExportError::ElectionNotFound(snapshot.election_id))?;
    crate::views::race_results(connection, &row, &snapshot.config).map_err(|error| {
        ExportError::Render {
            document: "résultats de la circonscription",
            message: error.to_string(),
        }
    })
}

fn render_error(error: impl std::fmt::Display) -> ExportError {
    ExportError::Render {
        document: "résultats de la circonscription",
        message: error.to_string(),
    }
}

/// The race view as the API returns it.
pub(crate) fn json(race: &RaceResults) -> Result<Vec<u8>, ExportError> {
    serde_json::to_vec_pretty(race).map_err(render_error)
}

/// Checks a written JSON file against the race: totals and each candidate's votes.
pub(crate) fn check_json(race: &RaceResults, written: &[u8]) -> Result<(), ExportError> {
    let read: serde_json::Value = serde_json::from_slice(written).map_err(render_error)?;
    let mut differences = Vec::new();
    let area = &read["area"];
    for (field, expected) in [
        ("registered_all", race.area.registered_all),
        ("voters", race.area.voters),
        ("valid_votes", race.area.valid_votes),
    ] {
        if area[field].as_u64() != Some(expected) {
            differences.push(format!("{field} : {} au lieu de {expected}", area[field]));
        }
    }
    for (index, candidate) in race.area.candidates.iter().enumerate() {
        let votes = area["candidates"][index]["votes"].as_u64();
        if votes != Some(candidate.votes) {
            differences.push(format!(
                "voix du panneau {} : {:?} au lieu de {}",
                candidate.ballot_number, votes, candidate.votes
            ));
        }
    }
    mismatch("JSON de la circonscription", differences)
}

fn mismatch(file: &str, differences: Vec<String>) -> Result<(), ExportError> {
    if differences.is_empty() {
        return Ok(());
    }
    Err(ExportError::Mismatch {
        file: file.to_string(),
        differences,
    })
}

/// Header of the per-commune CSV.
fn header(race: &RaceResults) -> Vec<String> {
    let mut header: Vec<String> = [
        "code_insee",
        "commune",
        "origine",
        "etat",
        "inscrits",
        "votants",
        "blancs",
        "nuls",
        "exprimes",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    header.extend(
        race.area
            .candidates
            .iter()
            .map(|c| format!("voix_{}", c.ballot_number)),
    );
    header
}

/// Writes one row per commune: the host from its counted stations (`bureaux`), then each
/// other commune's totals (`commune`), with blank figures for a commune not yet arrived.
pub(crate) fn csv(race: &RaceResults, host_insee: &str) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header(race)).map_err(render_error)?;
    let host = &race.host;
    let mut row = vec![
        host_insee.to_string(),
        host.name.clone(),
        "bureaux".to_string(),
        host.progress.label.clone(),
        host.registered_counted.to_string(),
        host.voters.to_string(),
        host.blank.to_string(),
        host.invalid.to_string(),
        host.valid_votes.to_string(),
    ];
    row.extend(host.candidates.iter().map(|c| c.votes.to_string()));
    writer.write_record(&row).map_err(render_error)?;
    for commune in &race.communes {
        let mut row = vec![
            commune.insee_code.clone(),
            commune.name.clone(),
            "commune".to_string(),
            commune.status.as_str().to_string(),
        ];
        match commune
            .count
            .as_ref()
            .filter(|_| commune.status.is_counted())
        {
            Some(count) => {
                row.extend([
                    count.registered.to_string(),
                    count.voters.to_string(),
                    count.blank.to_string(),
                    count.invalid.to_string(),
                    count.valid_votes.to_string(),
                ]);
                row.extend(race.area.candidates.iter().map(|c| {
                    count
                        .votes
                        .get(&c.ballot_number)
                        .copied()
                        .unwrap_or(0)
                        .to_string()
                }));
            }
            None => row.extend(std::iter::repeat_n(
                String::new(),
                5 + race.area.candidates.len(),
            )),
        }
        writer.write_record(&row).map_err(render_error)?;
    }
    writer.into_inner().map_err(render_error)
}

/// Checks a written CSV: its rows must add up to the race's totals.
pub(crate) fn check_csv(race: &RaceResults, written: &[u8]) -> Result<(), ExportError> {
    let mut reader = csv::Reader::from_reader(written);
    let columns = header(race);
    let mut sums = vec![0u64; columns.len()];
    let mut rows = 0;
    for record in reader.records() {
        let record = record.map_err(render_error)?;
        rows += 1;
        for (index, sum) in sums.iter_mut().enumerate().skip(5) {
            *sum += record
                .get(index)
                .and_then(|cell| cell.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    let mut differences = Vec::new();
    if rows != race.communes.len() + 1 {
        differences.push(format!(
            "{rows} lignes au lieu de {}",
            race.communes.len() + 1
        ));
    }
    let mut expected = vec![
        race.area.voters,
        race.area.blank,
        race.area.invalid,
        race.area.valid_votes,
    ];
    expected.extend(race.area.candidates.iter().map(|c| c.votes));
    for (offset, value) in expected.iter().enumerate() {
        let index = 5 + offset;
        if sums[index] != *value {
            differences.push(format!(
                "somme de {} : {} au lieu de {value}",
                columns[index], sums[index]
            ));
        }
    }
    mismatch("CSV de la circonscription", differences)
}
