//! Other communes of a race: the area, the list of communes and their totals.

use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;
use urne_common::communes::{GroupingArea, OtherCommune, OtherCommunes};
use urne_common::count::{FinalCount, StationStatus};
use urne_common::results::{AreaKind, StationRecord};

fn area_kind(text: &str) -> AreaKind {
    match text {
        "canton" => AreaKind::Canton,
        _ => AreaKind::Constituency,
    }
}

fn area_kind_str(kind: AreaKind) -> &'static str {
    match kind {
        AreaKind::Canton => "canton",
        _ => "constituency",
    }
}

/// Loads the area and the list of other communes of an election; version 0 and an empty
/// list when none was set.
pub fn list(connection: &Connection, election_id: i64) -> rusqlite::Result<OtherCommunes> {
    let area = connection
        .query_row(
            "SELECT kind, code, name, version FROM other_commune_area WHERE election_id = ?1",
            params![election_id],
            |row| {
                Ok((
                    GroupingArea {
                        kind: area_kind(&row.get::<_, String>(0)?),
                        code: row.get(1)?,
                        name: row.get(2)?,
                    },
                    row.get::<_, u64>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((area, version)) = area else {
        return Ok(OtherCommunes {
            version: 0,
            area: None,
            communes: Vec::new(),
        });
    };
    let mut statement = connection.prepare_cached(
        "SELECT insee_code, name, registered FROM other_commune WHERE election_id = ?1
         ORDER BY position, insee_code",
    )?;
    let communes = statement
        .query_map(params![election_id], |row| {
            Ok(OtherCommune {
                insee_code: row.get(0)?,
                name: row.get(1)?,
                registered: row.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(OtherCommunes {
        version,
        area: Some(area),
        communes,
    })
}

/// Replaces the area and the list with `version`. Communes absent from the new list are
/// deleted with their totals, so the caller must first refuse to drop a commune that has
/// totals.
pub fn write_list(
    connection: &Connection,
    election_id: i64,
    area: &GroupingArea,
    communes: &[OtherCommune],
    version: u64,
) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO other_commune_area (election_id, kind, code, name, version)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (election_id) DO UPDATE SET kind = excluded.kind, code = excluded.code,
             name = excluded.name, version = excluded.version",
        params![
            election_id,
            area_kind_str(area.kind),
            area.code,
            area.name,
            version
        ],
    )?;
    let listed: Vec<&str> = communes.iter().map(|c| c.insee_code.as_str()).collect();
    let existing: Vec<String> = connection
        .prepare_cached("SELECT insee_code FROM other_commune WHERE election_id = ?1")?
        .query_map(params![election_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for insee in existing.iter().filter(|c| !listed.contains(&c.as_str())) {
        connection.execute(
            "DELETE FROM other_commune WHERE election_id = ?1 AND insee_code = ?2",
            params![election_id, insee],
        )?;
    }
    let mut statement = connection.prepare_cached(
        "INSERT INTO other_commune (election_id, insee_code, name, registered, position)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (election_id, insee_code) DO UPDATE SET name = excluded.name,
             registered = excluded.registered, position = excluded.position",
    )?;
    for (position, commune) in communes.iter().enumerate() {
        statement.execute(params![
            election_id,
            commune.insee_code,
            commune.name,
            commune.registered,
            position
        ])?;
    }
    Ok(())
}

/// Loads the totals of every other commune, or of one when `insee` is given.
pub fn totals(
    connection: &Connection,
    election_id: i64,
    insee: Option<&str>,
) -> rusqlite::Result<BTreeMap<String, StationRecord>> {
    let mut votes: BTreeMap<String, BTreeMap<u32, u32>> = BTreeMap::new();
    {
        let mut statement = connection.prepare_cached(
            "SELECT insee_code, ballot_number, votes FROM other_commune_votes
             WHERE election_id = ?1 AND (?2 IS NULL OR insee_code = ?2)",
        )?;
        let mut rows = statement.query(params![election_id, insee])?;
        while let Some(row) = rows.next()? {
            votes
                .entry(row.get(0)?)
                .or_default()
                .insert(row.get(1)?, row.get(2)?);
        }
    }
    let mut statement = connection.prepare_cached(
        "SELECT insee_code, registered, voters, ballots_found, blank, invalid, valid_votes,
             status, findings, inconsistency_reason, version, updated_at, updated_by
         FROM other_commune_result WHERE election_id = ?1 AND (?2 IS NULL OR insee_code = ?2)",
    )?;
    let mut records = BTreeMap::new();
    let mut rows = statement.query(params![election_id, insee])?;
    while let Some(row) = rows.next()? {
        let code: String = row.get(0)?;
        let status: String = row.get(7)?;
        let record = StationRecord {
            status: StationStatus::parse(&status).unwrap_or(StationStatus::Entered),
            count: FinalCount {
                registered: row.get(1)?,
                voters: row.get(2)?,
                ballots_found: row.get(3)?,
                blank: row.get(4)?,
                invalid: row.get(5)?,
                valid_votes: row.get(6)?,
                votes: votes.remove(&code).unwrap_or_default(),
            },
            findings: serde_json::from_str(&row.get::<_, String>(8)?).unwrap_or_default(),
            inconsistency_reason: row.get(9)?,
            version: row.get(10)?,
            updated_at: super::to_paris(&row.get::<_, String>(11)?),
            updated_by: row.get(12)?,
        };
        records.insert(code, record);
    }
    Ok(records)
}

/// Inserts or replaces one other commune's totals with the record's version.
pub fn write_totals(
    connection: &Connection,
    election_id: i64,
    insee: &str,
    record: &StationRecord,
) -> rusqlite::Result<()> {
    let count = &record.count;
    connection
        .prepare_cached(
            "INSERT INTO other_commune_result (election_id, insee_code, registered, voters,
                 ballots_found, blank, invalid, valid_votes, status, findings,
                 inconsistency_reason, version, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (election_id, insee_code) DO UPDATE SET
                 registered = excluded.registered, voters = excluded.voters,
                 ballots_found = excluded.ballots_found, blank = excluded.blank,
                 invalid = excluded.invalid, valid_votes = excluded.valid_votes,
                 status = excluded.status, findings = excluded.findings,
                 inconsistency_reason = excluded.inconsistency_reason,
                 version = excluded.version, updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by",
        )?
        .execute(params![
            election_id,
            insee,
            count.registered,
            count.voters,
            count.ballots_found,
            count.blank,
            count.invalid,
            count.valid_votes,
            record.status.as_str(),
            serde_json::to_string(&record.findings).unwrap_or_default(),
            record.inconsistency_reason,
            record.version,
            super::now(),
            record.updated_by,
        ])?;
    connection
        .prepare_cached(
            "DELETE FROM other_commune_votes WHERE election_id = ?1 AND insee_code = ?2",
        )?
        .execute(params![election_id, insee])?;
    let mut statement = connection.prepare_cached(
        "INSERT INTO other_commune_votes (election_id, insee_code, ballot_number, votes)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (number, votes) in &count.votes {
        statement.execute(params![election_id, insee, number, votes])?;
    }
    Ok(())
}

/// Sets the status and version of one other commune's totals.
pub fn set_status(
    connection: &Connection,
    election_id: i64,
    insee: &str,
    status: StationStatus,
    version: u64,
    actor: &str,
) -> rusqlite::Result<()> {
    connection.execute(
        "UPDATE other_commune_result SET status = ?3, version = ?4, updated_at = ?5,
             updated_by = ?6
         WHERE election_id = ?1 AND insee_code = ?2",
        params![
            election_id,
            insee,
            status.as_str(),
            version,
            super::now(),
            actor
        ],
    )?;
    Ok(())
}
