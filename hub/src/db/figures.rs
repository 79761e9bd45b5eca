//! Figures keyed per station: final results, centaines and turnout.

use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;
use urne_common::count::{FinalCount, Hundred, HundredCount, StationStatus};
use urne_common::election::StationCode;
use urne_common::results::{HundredEntry, StationRecord, TurnoutEntry};
use urne_common::rules::Finding;

fn stage(which: Hundred) -> &'static str {
    match which {
        Hundred::First => "first",
        Hundred::Second => "second",
    }
}

fn findings_from(text: &str) -> Vec<Finding> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Loads votes of one stage, for every station or for one when `station` is given.
fn load_votes(
    connection: &Connection,
    election_id: i64,
    stage: &str,
    station: Option<&str>,
) -> rusqlite::Result<BTreeMap<String, BTreeMap<u32, u32>>> {
    let mut statement = connection.prepare_cached(
        "SELECT station_code, ballot_number, votes FROM station_votes
         WHERE election_id = ?1 AND stage = ?2 AND (?3 IS NULL OR station_code = ?3)",
    )?;
    let mut votes: BTreeMap<String, BTreeMap<u32, u32>> = BTreeMap::new();
    let mut rows = statement.query(params![election_id, stage, station])?;
    while let Some(row) = rows.next()? {
        votes
            .entry(row.get(0)?)
            .or_default()
            .insert(row.get(1)?, row.get(2)?);
    }
    Ok(votes)
}

fn write_votes(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
    stage: &str,
    votes: &BTreeMap<u32, u32>,
) -> rusqlite::Result<()> {
    connection
        .prepare_cached(
            "DELETE FROM station_votes WHERE election_id = ?1 AND station_code = ?2
             AND stage = ?3",
        )?
        .execute(params![election_id, station.as_str(), stage])?;
    let mut statement = connection.prepare_cached(
        "INSERT INTO station_votes (election_id, station_code, stage, ballot_number, votes)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (number, count) in votes {
        statement.execute(params![election_id, station.as_str(), stage, number, count])?;
    }
    Ok(())
}

/// Loads every station's final results of an election.
pub fn final_records(
    connection: &Connection,
    election_id: i64,
) -> rusqlite::Result<BTreeMap<StationCode, StationRecord>> {
    load_final(connection, election_id, None)
}

/// Loads one station's final results.
pub fn final_record(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
) -> rusqlite::Result<Option<StationRecord>> {
    Ok(load_final(connection, election_id, Some(station.as_str()))?.remove(station))
}

fn load_final(
    connection: &Connection,
    election_id: i64,
    station: Option<&str>,
) -> rusqlite::Result<BTreeMap<StationCode, StationRecord>> {
    let mut votes = load_votes(connection, election_id, "final", station)?;
    let mut statement = connection.prepare_cached(
        "SELECT station_code, registered, voters, ballots_found, blank, invalid, valid_votes,
             status, findings, inconsistency_reason, version, updated_at, updated_by
         FROM station_result WHERE election_id = ?1 AND (?2 IS NULL OR station_code = ?2)",
    )?;
    let mut records = BTreeMap::new();
    let mut rows = statement.query(params![election_id, station])?;
    while let Some(row) = rows.next()? {
        let code: String = row.get(0)?;
        let Ok(station) = StationCode::parse(&code) else {
            continue;
        };
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
            findings: findings_from(&row.get::<_, String>(8)?),
            inconsistency_reason: row.get(9)?,
            version: row.get(10)?,
            updated_at: super::to_paris(&row.get::<_, String>(11)?),
            updated_by: row.get(12)?,
        };
        records.insert(station, record);
    }
    Ok(records)
}

/// Inserts or replaces a station's final results with the given version.
pub fn write_final(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
    record: &StationRecord,
) -> rusqlite::Result<()> {
    let count = &record.count;
    connection
        .prepare_cached(
            "INSERT INTO station_result (election_id, station_code, registered, voters,
                 ballots_found, blank, invalid, valid_votes, status, findings,
                 inconsistency_reason, version, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (election_id, station_code) DO UPDATE SET
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
            station.as_str(),
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
    write_votes(connection, election_id, station, "final", &count.votes)
}

/// Sets the status and version of a station's final results.
pub fn set_final_status(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
    status: StationStatus,
    version: u64,
    actor: &str,
) -> rusqlite::Result<()> {
    connection.execute(
        "UPDATE station_result SET status = ?3, version = ?4, updated_at = ?5, updated_by = ?6
         WHERE election_id = ?1 AND station_code = ?2",
        params![
            election_id,
            station.as_str(),
            status.as_str(),
            version,
            super::now(),
            actor
        ],
    )?;
    Ok(())
}

/// Loads every centaine keyed for an election.
pub fn hundreds(
    connection: &Connection,
    election_id: i64,
) -> rusqlite::Result<BTreeMap<(Hundred, StationCode), HundredEntry>> {
    let mut entries = BTreeMap::new();
    for which in [Hundred::First, Hundred::Second] {
        let mut votes = load_votes(connection, election_id, stage(which), None)?;
        let mut statement = connection.prepare_cached(
            "SELECT station_code, blank, invalid, findings, version, updated_at, updated_by
             FROM hundred_result WHERE election_id = ?1 AND which = ?2",
        )?;
        let mut rows = statement.query(params![election_id, stage(which)])?;
        while let Some(row) = rows.next()? {
            let code: String = row.get(0)?;
            let Ok(station) = StationCode::parse(&code) else {
                continue;
            };
            let entry = HundredEntry {
                count: HundredCount {
                    blank: row.get(1)?,
                    invalid: row.get(2)?,
                    votes: votes.remove(&code).unwrap_or_default(),
                },
                findings: findings_from(&row.get::<_, String>(3)?),
                version: row.get(4)?,
                updated_at: super::to_paris(&row.get::<_, String>(5)?),
                updated_by: row.get(6)?,
            };
            entries.insert((which, station), entry);
        }
    }
    Ok(entries)
}

/// Inserts or replaces one centaine of a station.
pub fn write_hundred(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
    which: Hundred,
    entry: &HundredEntry,
) -> rusqlite::Result<()> {
    connection
        .prepare_cached(
            "INSERT INTO hundred_result (election_id, station_code, which, blank, invalid,
                 findings, version, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (election_id, station_code, which) DO UPDATE SET
                 blank = excluded.blank, invalid = excluded.invalid,
                 findings = excluded.findings, version = excluded.version,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )?
        .execute(params![
            election_id,
            station.as_str(),
            stage(which),
            entry.count.blank,
            entry.count.invalid,
            serde_json::to_string(&entry.findings).unwrap_or_default(),
            entry.version,
            super::now(),
            entry.updated_by,
        ])?;
    write_votes(
        connection,
        election_id,
        station,
        stage(which),
        &entry.count.votes,
    )
}

/// Loads every turnout figure of an election, keyed by (slot, station).
pub fn turnout(
    connection: &Connection,
    election_id: i64,
) -> rusqlite::Result<BTreeMap<(String, StationCode), TurnoutEntry>> {
    let mut statement = connection.prepare_cached(
        "SELECT slot, station_code, voters, version, updated_at, updated_by
         FROM turnout WHERE election_id = ?1",
    )?;
    let mut entries = BTreeMap::new();
    let mut rows = statement.query(params![election_id])?;
    while let Some(row) = rows.next()? {
        let code: String = row.get(1)?;
        let Ok(station) = StationCode::parse(&code) else {
            continue;
        };
        entries.insert(
            (row.get(0)?, station),
            TurnoutEntry {
                voters: row.get(2)?,
                version: row.get(3)?,
                updated_at: super::to_paris(&row.get::<_, String>(4)?),
                updated_by: row.get(5)?,
            },
        );
    }
    Ok(entries)
}

/// Loads one station's turnout figures, keyed by slot.
pub fn station_turnout(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
) -> rusqlite::Result<BTreeMap<String, TurnoutEntry>> {
    let mut statement = connection.prepare_cached(
        "SELECT slot, voters, version, updated_at, updated_by
         FROM turnout WHERE election_id = ?1 AND station_code = ?2",
    )?;
    let rows = statement.query_map(params![election_id, station.as_str()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            TurnoutEntry {
                voters: row.get(1)?,
                version: row.get(2)?,
                updated_at: super::to_paris(&row.get::<_, String>(3)?),
                updated_by: row.get(4)?,
            },
        ))
    })?;
    rows.collect()
}

/// Inserts or replaces one turnout figure.
pub fn write_turnout(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
    slot: &str,
    entry: &TurnoutEntry,
) -> rusqlite::Result<()> {
    connection
        .prepare_cached(
            "INSERT INTO turnout (election_id, station_code, slot, voters, version, updated_at,
                 updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (election_id, station_code, slot) DO UPDATE SET
                 voters = excluded.voters, version = excluded.version,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )?
        .execute(params![
            election_id,
            station.as_str(),
            slot,
            entry.voters,
            entry.version,
            super::now(),
            entry.updated_by,
        ])?;
    Ok(())
}

/// Loads one centaine of a station.
pub fn hundred(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
    which: Hundred,
) -> rusqlite::Result<Option<HundredEntry>> {
    let found = connection
        .prepare_cached(
            "SELECT blank, invalid, findings, version, updated_at, updated_by
             FROM hundred_result WHERE election_id = ?1 AND station_code = ?2 AND which = ?3",
        )?
        .query_row(
            params![election_id, station.as_str(), stage(which)],
            |row| {
                Ok(HundredEntry {
                    count: HundredCount {
                        blank: row.get(0)?,
                        invalid: row.get(1)?,
                        votes: BTreeMap::new(),
                    },
                    findings: findings_from(&row.get::<_, String>(2)?),
                    version: row.get(3)?,
                    updated_at: super::to_paris(&row.get::<_, String>(4)?),
                    updated_by: row.get(5)?,
                })
            },
        )
        .optional()?;
    let Some(mut entry) = found else {
        return Ok(None);
    };
    let mut statement = connection.prepare_cached(
        "SELECT ballot_number, votes FROM station_votes
         WHERE election_id = ?1 AND station_code = ?2 AND stage = ?3",
    )?;
    entry.count.votes = statement
        .query_map(
            params![election_id, station.as_str(), stage(which)],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(entry))
}
