//! The append-only audit log. Each change writes one record in the same transaction as
//! the change itself, so the log and the data never disagree.

use rusqlite::{Connection, params};
use serde::Serialize;

/// One change to record.
pub struct AuditRecord<'a> {
    pub actor: &'a str,
    pub election_id: Option<i64>,
    /// What was done (`final_results.write`, `turnout.write`, `election.create`…).
    pub action: &'a str,
    /// What it was done to (`station 0001`, `station 0001 slot 12:00`).
    pub target: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
}

pub fn append(connection: &Connection, record: &AuditRecord<'_>) -> rusqlite::Result<i64> {
    connection.execute(
        "INSERT INTO audit (at, actor, election_id, action, target, before, after, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            super::now(),
            record.actor,
            record.election_id,
            record.action,
            record.target,
            record.before.as_ref().map(|v| v.to_string()),
            record.after.as_ref().map(|v| v.to_string()),
            record.reason,
        ],
    )?;
    Ok(connection.last_insert_rowid())
}

/// An audit record as the API shows it.
#[derive(Debug, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Europe/Paris civil time with its offset.
    pub at: String,
    pub actor: String,
    pub election_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

/// Lists an election's audit records, oldest first.
pub fn list(connection: &Connection, election_id: i64) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut statement = connection.prepare(
        "SELECT id, at, actor, election_id, action, target, before, after, reason
         FROM audit WHERE election_id = ?1 ORDER BY id",
    )?;
    let rows = statement.query_map(params![election_id], |row| {
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Ok(AuditEntry {
            id: row.get(0)?,
            at: super::to_paris(&row.get::<_, String>(1)?),
            actor: row.get(2)?,
            election_id: row.get(3)?,
            action: row.get(4)?,
            target: row.get(5)?,
            before: parse(row.get(6)?),
            after: parse(row.get(7)?),
            reason: row.get(8)?,
        })
    })?;
    rows.collect()
}
