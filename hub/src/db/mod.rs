//! SQLite storage: opening the file, migrations, and one module per table group.
//!
//! Durability settings: WAL journal with `synchronous=FULL`, so a write the API has
//! acknowledged survives the process being killed or the machine losing power. Every write
//! transaction starts with `BEGIN IMMEDIATE` to take the write lock up front instead of
//! failing with "database is busy" when a reader upgrades.

pub mod audit;
pub mod communes;
pub mod display;
pub mod elections;
pub mod events;
pub mod figures;
pub mod lists;
pub mod reference;
pub mod tokens;
pub mod users;

use anyhow::Context;
use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

/// Migrations in order; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("schema_v1.sql"),
    include_str!("schema_seats.sql"),
    include_str!("schema_accounts.sql"),
    include_str!("schema_lists.sql"),
    include_str!("schema_display.sql"),
    include_str!("schema_reference.sql"),
    include_str!("schema_communes.sql"),
    include_str!("schema_archive.sql"),
    include_str!("schema_archive_communes.sql"),
    include_str!("schema_plan.sql"),
];

/// Opens (creating if needed) the database file and brings its schema up to date.
pub fn open(path: &Path) -> anyhow::Result<Connection> {
    let mut connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("impossible d'ouvrir la base {}", path.display()))?;
    configure(&connection)?;
    migrate(&mut connection)
        .with_context(|| format!("mise à jour du schéma de {} impossible", path.display()))?;
    Ok(connection)
}

/// Opens an existing database for reading and writing without running migrations, for the
/// extra connections of a server whose schema is already current.
pub fn open_existing(path: &Path) -> anyhow::Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("impossible d'ouvrir la base {}", path.display()))?;
    configure(&connection)?;
    Ok(connection)
}

fn configure(connection: &Connection) -> anyhow::Result<()> {
    connection.busy_timeout(Duration::from_secs(10))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn migrate(connection: &mut Connection) -> anyhow::Result<()> {
    let current: usize = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > MIGRATIONS.len() {
        anyhow::bail!(
            "la base est au schéma {current}, plus récent que ce programme ({}) : utilisez une \
             version plus récente d'urne-hub",
            MIGRATIONS.len()
        );
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", index + 1)?;
        transaction.commit()?;
        tracing::info!(version = index + 1, "database schema migrated");
    }
    Ok(())
}

/// Starts a write transaction holding the write lock from the start.
pub fn write_transaction(connection: &mut Connection) -> rusqlite::Result<Transaction<'_>> {
    connection.transaction_with_behavior(TransactionBehavior::Immediate)
}

/// Current time as stored: RFC 3339 in UTC with milliseconds.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Renders a stored UTC timestamp in Europe/Paris civil time, RFC 3339 with its offset.
pub fn to_paris(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored)
        .map(|time| {
            time.with_timezone(&chrono_tz::Europe::Paris)
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        })
        .unwrap_or_else(|_| stored.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_idempotent() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("urne.sqlite");
        drop(open(&path).unwrap());
        let connection = open(&path).unwrap();
        let version: usize = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let mode: String = connection
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let synchronous: i64 = connection
            .query_row("PRAGMA synchronous", [], |row| row.get(0))
            .unwrap();
        assert_eq!(synchronous, 2, "synchronous must be FULL");
    }

    #[test]
    fn audit_log_is_append_only() {
        let directory = tempfile::tempdir().unwrap();
        let connection = open(&directory.path().join("urne.sqlite")).unwrap();
        connection
            .execute(
                "INSERT INTO audit (at, actor, action, target) VALUES ('t', 'a', 'x', 'y')",
                [],
            )
            .unwrap();
        assert!(
            connection
                .execute("UPDATE audit SET actor = 'b'", [])
                .is_err()
        );
        assert!(connection.execute("DELETE FROM audit", []).is_err());
    }

    #[test]
    fn paris_time_has_offset() {
        assert_eq!(
            to_paris("2026-03-15T19:04:12.000Z"),
            "2026-03-15T20:04:12+01:00"
        );
        assert_eq!(
            to_paris("2024-06-30T18:00:00.000Z"),
            "2024-06-30T20:00:00+02:00"
        );
    }
}
