//! In-memory cache of the rendered JSON views and of the embargoes, so that a public read
//! of `/api/v1/elections/{id}/results` is a map lookup under a read lock, with no database
//! access and no blocking task.
//!
//! Entries are dropped at each write of the hub (every write goes through
//! [`crate::state::AppState::write`]) and when SQLite's `PRAGMA data_version` shows a
//! commit by another connection, such as the command line writing to the same file. That
//! check runs at most once per [`REVALIDATION_PERIOD`], so a write from another process
//! shows in reads within about that period.

use crate::db::display::Embargo;
use crate::views::View;
use axum::body::Bytes;
use axum::http::HeaderValue;
use rusqlite::Connection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Longest time a commit from another process may go unnoticed by the cache.
pub const REVALIDATION_PERIOD: Duration = Duration::from_secs(1);

/// Most embargo entries kept; ids in request paths are arbitrary numbers, so entries for
/// unknown elections must not grow the map without bound.
const MAX_EMBARGO_ENTRIES: usize = 4096;

/// A view rendered as JSON, ready to send.
#[derive(Debug)]
pub struct RenderedView {
    /// The election's data version the view was rendered from.
    pub version: i64,
    /// Strong entity tag `"{election}-{view}-{version}"`, quotes included.
    pub etag: HeaderValue,
    pub body: Bytes,
}

impl RenderedView {
    pub fn new(election_id: i64, view: View, version: i64, body: Vec<u8>) -> RenderedView {
        let etag = format!("\"{election_id}-{}-{version}\"", view.name());
        RenderedView {
            version,
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
            body: Bytes::from(body),
        }
    }
}

/// The cache itself; [`crate::state::AppState`] owns one.
pub struct ViewCache {
    /// Incremented by each invalidation. A render records it before it reads the database
    /// and stores its result only if no invalidation happened meanwhile, so a render that
    /// raced a write never stores figures older than that write.
    generation: AtomicU64,
    views: RwLock<HashMap<(i64, View), Arc<RenderedView>>>,
    embargoes: RwLock<HashMap<i64, Option<Embargo>>>,
    /// Reference point of `checked_at_millis`.
    started: Instant,
    /// Milliseconds after `started` of the latest `data_version` check.
    checked_at_millis: AtomicU64,
    /// `PRAGMA data_version` seen at the latest check.
    data_version: AtomicI64,
    /// Connection used only for the `data_version` check: the value changes when any
    /// other connection, the hub's own writer included, commits to the file.
    checker: Mutex<Connection>,
}

fn read_data_version(connection: &Connection) -> rusqlite::Result<i64> {
    connection.query_row("PRAGMA data_version", [], |row| row.get(0))
}

impl ViewCache {
    /// Creates an empty cache whose checks use `checker`, a connection to the database.
    pub fn new(checker: Connection) -> rusqlite::Result<ViewCache> {
        let data_version = read_data_version(&checker)?;
        Ok(ViewCache {
            generation: AtomicU64::new(0),
            views: RwLock::new(HashMap::new()),
            embargoes: RwLock::new(HashMap::new()),
            started: Instant::now(),
            checked_at_millis: AtomicU64::new(0),
            data_version: AtomicI64::new(data_version),
            checker: Mutex::new(checker),
        })
    }

    /// Returns the generation to pass to [`ViewCache::store_view`] or
    /// [`ViewCache::store_embargo`]; read it before reading the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Drops every entry. Called after each write of the hub, once it is committed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        write_lock(&self.views).clear();
        write_lock(&self.embargoes).clear();
    }

    pub fn view(&self, election_id: i64, view: View) -> Option<Arc<RenderedView>> {
        read_lock(&self.views).get(&(election_id, view)).cloned()
    }

    /// Stores a view rendered from a read that started at `generation`; does nothing when
    /// an invalidation happened since.
    pub fn store_view(
        &self,
        generation: u64,
        election_id: i64,
        view: View,
        rendered: Arc<RenderedView>,
    ) {
        let mut views = write_lock(&self.views);
        if self.generation() == generation {
            views.insert((election_id, view), rendered);
        }
    }

    /// Returns the cached embargo of an election: `Some(None)` means "known to have none".
    pub fn embargo(&self, election_id: i64) -> Option<Option<Embargo>> {
        read_lock(&self.embargoes).get(&election_id).cloned()
    }

    pub fn store_embargo(&self, generation: u64, election_id: i64, embargo: Option<Embargo>) {
        let mut embargoes = write_lock(&self.embargoes);
        if self.generation() == generation && embargoes.len() < MAX_EMBARGO_ENTRIES {
            embargoes.insert(election_id, embargo);
        }
    }

    /// Claims the next `data_version` check when [`REVALIDATION_PERIOD`] has passed since
    /// the latest one; only one caller wins each period.
    pub fn claim_revalidation(&self) -> bool {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.checked_at_millis.load(Ordering::Acquire);
        let period = u64::try_from(REVALIDATION_PERIOD.as_millis()).unwrap_or(1000);
        if now.saturating_sub(last) < period {
            return false;
        }
        self.checked_at_millis
            .compare_exchange(last, now, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Reads `PRAGMA data_version` and drops every entry when another connection committed
    /// since the previous check. Blocks on SQLite: run it on a blocking thread.
    pub fn revalidate(&self) -> rusqlite::Result<()> {
        let current = read_data_version(&lock(&self.checker))?;
        if self.data_version.swap(current, Ordering::AcqRel) != current {
            self.invalidate();
        }
        Ok(())
    }
}

// A panic while a lock is held leaves the maps consistent (each change is one insert or
// one clear), so a poisoned lock is used as it is.
fn read_lock<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write_lock<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn cache_on(path: &std::path::Path) -> ViewCache {
        ViewCache::new(Connection::open(path).unwrap()).unwrap()
    }

    fn rendered(version: i64) -> Arc<RenderedView> {
        Arc::new(RenderedView::new(1, View::Results, version, b"{}".to_vec()))
    }

    #[test]
    fn store_after_invalidation_is_dropped() {
        let directory = tempfile::tempdir().unwrap();
        let cache = cache_on(&directory.path().join("cache.sqlite"));
        let before_write = cache.generation();
        cache.invalidate();
        cache.store_view(before_write, 1, View::Results, rendered(1));
        assert!(cache.view(1, View::Results).is_none());

        cache.store_view(cache.generation(), 1, View::Results, rendered(2));
        assert_eq!(cache.view(1, View::Results).unwrap().version, 2);
    }

    #[test]
    fn etag_names_election_view_and_version() {
        let view = RenderedView::new(7, View::Turnout, 42, Vec::new());
        assert_eq!(view.etag, "\"7-turnout-42\"");
    }

    #[test]
    fn commit_by_other_connection_invalidates() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("cache.sqlite");
        let other = Connection::open(&path).unwrap();
        other.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
        let cache = cache_on(&path);
        cache.store_view(cache.generation(), 1, View::Results, rendered(1));

        cache.revalidate().unwrap();
        assert!(
            cache.view(1, View::Results).is_some(),
            "no commit since the cache opened"
        );

        other.execute("INSERT INTO t VALUES (1)", []).unwrap();
        cache.revalidate().unwrap();
        assert!(cache.view(1, View::Results).is_none());
    }

    #[test]
    fn one_revalidation_claim_per_period() {
        let directory = tempfile::tempdir().unwrap();
        let cache = cache_on(&directory.path().join("cache.sqlite"));
        assert!(!cache.claim_revalidation(), "checked when created");
        std::thread::sleep(REVALIDATION_PERIOD);
        assert!(cache.claim_revalidation());
        assert!(!cache.claim_revalidation());
    }
}
