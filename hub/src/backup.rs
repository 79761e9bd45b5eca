//! Backups of the live database with SQLite's online backup API, on demand and on a
//! schedule, and their restoration.
//!
//! The copy is taken in one backup step, so it is one read transaction: in WAL mode the
//! hub keeps writing meanwhile, and the copy holds exactly the transactions committed
//! before the step started.

use crate::db;
use anyhow::Context;
use chrono::Utc;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Prefix and suffix of the files the schedule writes and prunes; other files in the
/// backups folder are never touched.
const SCHEDULED_PREFIX: &str = "urne-";
const SCHEDULED_SUFFIX: &str = ".sqlite";

/// Copies the whole database behind `source` into `out`, through a temporary file renamed
/// into place once the copy passed SQLite's integrity check.
pub fn backup_connection(source: &Connection, out: &Path) -> anyhow::Result<()> {
    let mut temporary = out.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = PathBuf::from(temporary);
    remove_if_present(&temporary)?;
    {
        let mut destination = Connection::open(&temporary)
            .with_context(|| format!("création de {} impossible", temporary.display()))?;
        copy_all(source, &mut destination)?;
        // The copy keeps the source's WAL flag; a backup file is a single self-contained
        // file, so it goes back to a rollback journal.
        destination.pragma_update(None, "journal_mode", "DELETE")?;
        check_integrity(&destination).with_context(|| {
            format!(
                "la copie {} est endommagée : recommencez la sauvegarde",
                temporary.display()
            )
        })?;
    }
    File::open(&temporary)?.sync_all()?;
    std::fs::rename(&temporary, out).with_context(|| {
        format!(
            "impossible de renommer {} en {}",
            temporary.display(),
            out.display()
        )
    })?;
    Ok(())
}

/// Backs up the database file `db` into `out`; safe while a hub is serving `db`.
pub fn backup_file(db: &Path, out: &Path) -> anyhow::Result<()> {
    if !db.is_file() {
        anyhow::bail!(
            "base {} introuvable : indiquez avec --db le fichier que « urne-hub serve » utilise",
            db.display()
        );
    }
    let source = db::open_existing(db)?;
    backup_connection(&source, out)
}

/// Runs the backup steps until the whole database is copied, waiting while another
/// connection holds a lock the step needs.
fn copy_all(source: &Connection, destination: &mut Connection) -> anyhow::Result<()> {
    let backup = Backup::new(source, destination)?;
    loop {
        // -1 copies every page in one step, hence from one consistent snapshot.
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn check_integrity(connection: &Connection) -> anyhow::Result<()> {
    let mut statement = connection.prepare("PRAGMA integrity_check")?;
    let problems: Vec<String> = statement
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if problems != ["ok"] {
        anyhow::bail!("contrôle d'intégrité : {}", problems.join(" ; "));
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(|| format!("suppression de {}", path.display())),
    }
}

/// Path of the lock file a serving hub holds next to its database.
fn lock_path(db: &Path) -> PathBuf {
    let mut path = db.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

/// Takes the lock that tells `urne-hub restore` a hub is serving `db`; the lock lasts as
/// long as the returned file stays open. It is an advisory lock (flock) on a separate
/// file, so it never interferes with SQLite's own locks on the database.
pub fn hold_serving_lock(db: &Path) -> anyhow::Result<File> {
    let path = lock_path(db);
    let file = File::create(&path)
        .with_context(|| format!("création du verrou {} impossible", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "un autre hub sert déjà la base {} : arrêtez-le, ou choisissez un autre fichier \
             avec --db",
            db.display()
        ),
        Err(std::fs::TryLockError::Error(error)) => {
            Err(error).with_context(|| format!("verrouillage de {}", path.display()))
        }
    }
}

/// Returns whether a running hub holds the serving lock of `db`.
fn is_served(db: &Path) -> anyhow::Result<bool> {
    let path = lock_path(db);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(error).with_context(|| format!("lecture de {}", path.display())),
    };
    match file.try_lock() {
        Ok(()) => Ok(false),
        Err(std::fs::TryLockError::WouldBlock) => Ok(true),
        Err(std::fs::TryLockError::Error(error)) => {
            Err(error).with_context(|| format!("verrouillage de {}", path.display()))
        }
    }
}

/// Outcome of a restore.
#[derive(Debug)]
pub struct Restored {
    /// Copy of the database as it was before the restore, when there was one.
    pub previous: Option<PathBuf>,
    pub elections: i64,
}

/// Checks `backup` and copies it over the database `db`.
///
/// The backup must pass SQLite's integrity check and be an Urne database. When a hub is
/// serving `db`, the restore is rejected unless `force` is set; the copy then goes through
/// SQLite's backup API into the live file, which SQLite locks for the time of the copy,
/// and the hub must be restarted to drop what it cached. The database being replaced is
/// first saved beside it, as `FILE.avant-restauration-DATE.sqlite`.
pub fn restore(db: &Path, backup: &Path, force: bool) -> anyhow::Result<Restored> {
    let source = open_backup(backup)?;
    if !force && is_served(db)? {
        anyhow::bail!(
            "un hub en marche utilise la base {} : arrêtez-le avant de restaurer, ou ajoutez \
             --force pour remplacer son contenu pendant qu'il tourne (redémarrez-le ensuite)",
            db.display()
        );
    }
    let previous = if db.is_file() {
        let stamp = Utc::now().format("%Y%m%d-%H%M%S");
        let mut path = db.as_os_str().to_owned();
        path.push(format!(".avant-restauration-{stamp}.sqlite"));
        let path = PathBuf::from(path);
        backup_file(db, &path).context("copie de la base actuelle avant restauration")?;
        Some(path)
    } else {
        None
    };
    {
        let mut destination = Connection::open(db)
            .with_context(|| format!("impossible d'ouvrir la base {}", db.display()))?;
        destination.busy_timeout(Duration::from_secs(10))?;
        copy_all(&source, &mut destination)?;
    }
    // Brings an older backup's schema up to date and sets the journal mode back to WAL.
    let connection = db::open(db)?;
    check_integrity(&connection)?;
    let elections = connection.query_row("SELECT COUNT(*) FROM election", [], |row| row.get(0))?;
    tracing::info!(db = %db.display(), backup = %backup.display(), elections, "database restored");
    Ok(Restored {
        previous,
        elections,
    })
}

/// Opens a backup read-only after checking it is an intact Urne database.
fn open_backup(backup: &Path) -> anyhow::Result<Connection> {
    if !backup.is_file() {
        anyhow::bail!(
            "sauvegarde {} introuvable : indiquez le chemin d'un fichier écrit par « urne-hub \
             backup » ou par les sauvegardes planifiées",
            backup.display()
        );
    }
    let connection = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("impossible d'ouvrir la sauvegarde {}", backup.display()))?;
    let refused = |reason: String| {
        anyhow::anyhow!(
            "sauvegarde {} refusée, la base n'a pas été modifiée : {reason}",
            backup.display()
        )
    };
    check_integrity(&connection).map_err(|error| refused(format!("{error:#}")))?;
    let is_urne: bool = connection
        .query_row(
            "SELECT COUNT(*) = 2 FROM sqlite_schema WHERE type = 'table'
             AND name IN ('election', 'station_result')",
            [],
            |row| row.get(0),
        )
        .map_err(|error| refused(format!("fichier illisible ({error})")))?;
    if !is_urne {
        return Err(refused(
            "ce fichier SQLite n'est pas une base Urne (tables election et station_result \
             absentes)"
                .to_string(),
        ));
    }
    Ok(connection)
}

/// Settings of the scheduled backups of `urne-hub serve`.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub folder: PathBuf,
    pub every: Duration,
    /// Number of scheduled backups kept; older ones are deleted.
    pub keep: usize,
}

/// Parses a period such as `30s`, `15m` or `1h`.
pub fn parse_period(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "période « {text} » invalide : un nombre suivi de s, m ou h est attendu, par exemple \
             30m ou 1h"
        )
    };
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let value: u64 = number.parse().map_err(|_| invalid())?;
    let seconds = match unit {
        "s" => value,
        "m" => value.saturating_mul(60),
        "h" => value.saturating_mul(3600),
        _ => return Err(invalid()),
    };
    if seconds == 0 {
        return Err(invalid());
    }
    Ok(Duration::from_secs(seconds))
}

/// Writes one scheduled backup into the folder and deletes the oldest beyond `keep`.
pub fn run_scheduled_once(db: &Path, schedule: &Schedule) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(&schedule.folder)
        .with_context(|| format!("création de {} impossible", schedule.folder.display()))?;
    let name = format!(
        "{SCHEDULED_PREFIX}{}{SCHEDULED_SUFFIX}",
        Utc::now().format("%Y%m%d-%H%M%S-%3f")
    );
    let out = schedule.folder.join(name);
    backup_file(db, &out)?;
    prune(&schedule.folder, schedule.keep)?;
    Ok(out)
}

/// Deletes the oldest scheduled backups so that `keep` remain. Their names sort by date.
fn prune(folder: &Path, keep: usize) -> anyhow::Result<()> {
    let mut names: Vec<String> = std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.starts_with(SCHEDULED_PREFIX) && name.ends_with(SCHEDULED_SUFFIX))
        .collect();
    names.sort();
    let excess = names.len().saturating_sub(keep);
    for name in &names[..excess] {
        remove_if_present(&folder.join(name))?;
        tracing::info!(file = name, "old scheduled backup deleted");
    }
    Ok(())
}

/// Backs up `db` every period until the process stops; failures are logged and retried
/// at the next period.
pub async fn run_schedule(db: PathBuf, schedule: Schedule) {
    let mut interval = tokio::time::interval(schedule.every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tracing::info!(folder = %schedule.folder.display(), every = ?schedule.every,
        keep = schedule.keep, "scheduled backups started");
    loop {
        interval.tick().await;
        let (db, schedule) = (db.clone(), schedule.clone());
        let outcome = tokio::task::spawn_blocking(move || run_scheduled_once(&db, &schedule)).await;
        match outcome {
            Ok(Ok(path)) => tracing::info!(file = %path.display(), "scheduled backup written"),
            Ok(Err(error)) => {
                tracing::error!(error = format!("{error:#}"), "scheduled backup failed");
            }
            Err(error) => tracing::error!(error = %error, "scheduled backup task failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_parses_units() {
        assert_eq!(parse_period("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_period("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_period("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_period("0h").is_err());
        assert!(parse_period("h").is_err());
        assert!(parse_period("10").is_err());
    }

    #[test]
    fn prune_keeps_newest() {
        let directory = tempfile::tempdir().unwrap();
        for stamp in [
            "20261204-100000-000",
            "20261204-110000-000",
            "20261204-120000-000",
        ] {
            std::fs::write(directory.path().join(format!("urne-{stamp}.sqlite")), b"").unwrap();
        }
        std::fs::write(directory.path().join("other.sqlite"), b"").unwrap();
        prune(directory.path(), 2).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(directory.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "other.sqlite",
                "urne-20261204-110000-000.sqlite",
                "urne-20261204-120000-000.sqlite"
            ]
        );
    }

    #[test]
    fn restore_rejects_damaged_file() {
        let directory = tempfile::tempdir().unwrap();
        let backup = directory.path().join("broken.sqlite");
        std::fs::write(&backup, b"not a database at all, just text").unwrap();
        let db = directory.path().join("urne.sqlite");
        let error = restore(&db, &backup, false).unwrap_err();
        assert!(format!("{error:#}").contains("refusée"), "{error:#}");
        assert!(!db.exists());
    }

    #[test]
    fn backup_then_restore_round_trips() {
        let directory = tempfile::tempdir().unwrap();
        let db = directory.path().join("urne.sqlite");
        let connection = db::open(&db).unwrap();
        connection
            .execute("INSERT INTO meta (key, value) VALUES ('k', 'v1')", [])
            .unwrap();
        let copy = directory.path().join("copy.sqlite");
        backup_file(&db, &copy).unwrap();
        connection
            .execute("UPDATE meta SET value = 'v2' WHERE key = 'k'", [])
            .unwrap();
        drop(connection);
        let restored = restore(&db, &copy, false).unwrap();
        assert!(restored.previous.is_some());
        let connection = db::open(&db).unwrap();
        let value: String = connection
            .query_row("SELECT value FROM meta WHERE key = 'k'", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(value, "v1");
    }

    #[test]
    fn restore_rejects_served_database() {
        let directory = tempfile::tempdir().unwrap();
        let db = directory.path().join("urne.sqlite");
        drop(db::open(&db).unwrap());
        let copy = directory.path().join("copy.sqlite");
        backup_file(&db, &copy).unwrap();
        let _lock = hold_serving_lock(&db).unwrap();
        let error = restore(&db, &copy, false).unwrap_err();
        assert!(format!("{error}").contains("--force"), "{error}");
        assert!(restore(&db, &copy, true).is_ok());
    }
}
