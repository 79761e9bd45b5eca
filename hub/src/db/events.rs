//! Change notifications. Each change stores one event in the same transaction; the event's
//! id is the version sent on `/api/v1/events`, so a client that reconnects with
//! `Last-Event-ID` is sent exactly what it missed.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

/// One change notification.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Event {
    /// Version: grows with every event, never reused.
    pub id: i64,
    /// Europe/Paris civil time with its offset.
    pub at: String,
    pub election_id: Option<i64>,
    /// `final_results`, `validation`, `turnout`, `hundred`, `election`.
    pub kind: String,
    /// Election data version after the change.
    pub data_version: Option<i64>,
    pub station: Option<String>,
    pub detail: Option<String>,
}

/// Stores an event and returns it with its id.
pub fn append(
    connection: &Connection,
    election_id: Option<i64>,
    kind: &str,
    data_version: Option<i64>,
    station: Option<&str>,
    detail: Option<&str>,
) -> rusqlite::Result<Event> {
    let at = super::now();
    let payload = serde_json::json!({
        "data_version": data_version,
        "station": station,
        "detail": detail,
    });
    connection.execute(
        "INSERT INTO event (at, election_id, kind, payload) VALUES (?1, ?2, ?3, ?4)",
        params![at, election_id, kind, payload.to_string()],
    )?;
    Ok(Event {
        id: connection.last_insert_rowid(),
        at: super::to_paris(&at),
        election_id,
        kind: kind.to_string(),
        data_version,
        station: station.map(str::to_string),
        detail: detail.map(str::to_string),
    })
}

/// Lists the events after `after_id`, oldest first, at most `limit`.
pub fn since(connection: &Connection, after_id: i64, limit: u32) -> rusqlite::Result<Vec<Event>> {
    let mut statement = connection.prepare_cached(
        "SELECT id, at, election_id, kind, payload FROM event WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = statement.query_map(params![after_id, limit], |row| {
        let payload: String = row.get(4)?;
        let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
        Ok(Event {
            id: row.get(0)?,
            at: super::to_paris(&row.get::<_, String>(1)?),
            election_id: row.get(2)?,
            kind: row.get(3)?,
            data_version: payload["data_version"].as_i64(),
            station: payload["station"].as_str().map(str::to_string),
            detail: payload["detail"].as_str().map(str::to_string),
        })
    })?;
    rows.collect()
}

/// Returns the id of the newest event, 0 when there is none.
pub fn latest_id(connection: &Connection) -> rusqlite::Result<i64> {
    connection.query_row("SELECT COALESCE(MAX(id), 0) FROM event", [], |row| {
        row.get(0)
    })
}
