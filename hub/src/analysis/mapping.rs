//! Station mappings between two elections, saved by the elections office, with
//! suggestions from station codes and polling places.

use super::ElectionData;
use crate::db::{self, audit::AuditRecord};
use crate::service::ServiceError;
use rusqlite::{Connection, params};
use std::collections::BTreeSet;
use urne_common::analysis::{
    StationGroup, StationInfo, SuggestionReason, group_stations, suggest_links,
};

/// Saved links (earlier code, later code) from `earlier` to `later`, if any.
pub fn saved_links(
    connection: &Connection,
    earlier: i64,
    later: i64,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut statement = connection.prepare_cached(
        "SELECT earlier_station, later_station FROM station_mapping
         WHERE earlier_election_id = ?1 AND later_election_id = ?2
         ORDER BY later_station, earlier_station",
    )?;
    let rows = statement.query_map(params![earlier, later], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })?;
    rows.collect()
}

/// Links between `against` and `election`: the saved mapping in either direction, or
/// else stations with the same code. Returns the links from `against` to `election` and
/// `saved` or `same_code`.
pub fn links(
    connection: &Connection,
    against: &ElectionData,
    election: &ElectionData,
) -> rusqlite::Result<(Vec<(String, String)>, &'static str)> {
    let forward = saved_links(connection, against.id, election.id)?;
    if !forward.is_empty() {
        return Ok((forward, "saved"));
    }
    let backward = saved_links(connection, election.id, against.id)?;
    if !backward.is_empty() {
        return Ok((backward.into_iter().map(|(a, b)| (b, a)).collect(), "saved"));
    }
    let earlier: BTreeSet<String> = against.station_codes().into_iter().collect();
    let same = election
        .station_codes()
        .into_iter()
        .filter(|code| earlier.contains(code))
        .map(|code| (code.clone(), code))
        .collect();
    Ok((same, "same_code"))
}

/// Groups of stations of `against` (earlier side) and `election` (later side).
pub fn groups(
    connection: &Connection,
    against: &ElectionData,
    election: &ElectionData,
) -> rusqlite::Result<(Vec<StationGroup>, &'static str)> {
    let (links, kind) = links(connection, against, election)?;
    Ok((
        group_stations(&against.station_codes(), &election.station_codes(), &links),
        kind,
    ))
}

fn infos(data: &ElectionData) -> Vec<StationInfo> {
    data.config
        .stations
        .iter()
        .map(|s| StationInfo {
            code: s.code.as_str().to_string(),
            polling_place: s.polling_place.clone(),
        })
        .collect()
}

/// Suggested links from `earlier` to `later`.
pub fn suggestions(
    earlier: &ElectionData,
    later: &ElectionData,
) -> Vec<(String, String, SuggestionReason)> {
    suggest_links(&infos(earlier), &infos(later))
}

/// Replaces the mapping from `earlier` to `later` with `links`, after checking every code.
pub fn save(
    connection: &mut Connection,
    earlier: &ElectionData,
    later: &ElectionData,
    links: &[(String, String)],
    actor: &str,
) -> Result<usize, ServiceError> {
    let earlier_codes: BTreeSet<String> = earlier.station_codes().into_iter().collect();
    let later_codes: BTreeSet<String> = later.station_codes().into_iter().collect();
    for (from, to) in links {
        if !earlier_codes.contains(from) {
            return Err(ServiceError::Invalid {
                code: "unknown_station",
                field: Some(format!("bureau {to}")),
                message: format!(
                    "bureau « {from} » inconnu dans « {} » (indiqué pour le bureau {to}) : \
                     indiquez des codes de bureau de cette élection, séparés par des virgules",
                    earlier.config.label
                ),
            });
        }
        if !later_codes.contains(to) {
            return Err(ServiceError::Invalid {
                code: "unknown_station",
                field: Some(format!("bureau {to}")),
                message: format!("bureau « {to} » inconnu dans « {} »", later.config.label),
            });
        }
    }
    let transaction = db::write_transaction(connection)?;
    transaction.execute(
        "DELETE FROM station_mapping WHERE earlier_election_id = ?1 AND later_election_id = ?2",
        params![earlier.id, later.id],
    )?;
    let now = db::now();
    let mut unique: Vec<&(String, String)> = links.iter().collect();
    unique.sort();
    unique.dedup();
    for (from, to) in &unique {
        transaction.execute(
            "INSERT INTO station_mapping (earlier_election_id, earlier_station, later_election_id,
                 later_station, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![earlier.id, from, later.id, to, now, actor],
        )?;
    }
    // Recorded outside both elections, whose audit records may be frozen.
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: None,
            action: "station_mapping.save",
            target: &format!(
                "correspondance des bureaux de l'élection {} vers l'élection {}",
                earlier.id, later.id
            ),
            before: None,
            after: Some(serde_json::json!(unique)),
            reason: None,
        },
    )?;
    transaction.commit()?;
    Ok(unique.len())
}
