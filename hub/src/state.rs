//! Shared state of a running hub: database connections, the event channel and the cache
//! of rendered views.

use crate::db::{self, display::Embargo, events::Event};
use crate::service::ServiceError;
use crate::view_cache::{RenderedView, ViewCache};
use crate::views::{self, View};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;

/// Events buffered for slow subscribers; one that falls further behind reads the rest from
/// the database.
const EVENT_BUFFER: usize = 1024;

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// The one connection that writes: SQLite allows a single writer at a time anyway.
    writer: Mutex<Connection>,
    /// Idle read connections, reused across requests.
    readers: Mutex<Vec<Connection>>,
    events: broadcast::Sender<Event>,
    /// Rendered JSON views and embargoes, dropped at each write.
    cache: ViewCache,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves no half-written state behind, because every
    // write is one SQLite transaction that rolls back on drop.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    /// Opens the database (running migrations) and prepares the shared state.
    pub fn open(path: &Path) -> anyhow::Result<AppState> {
        let writer = db::open(path)?;
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let cache = ViewCache::new(db::open_existing(path)?)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
                events,
                cache,
            }),
        })
    }

    /// Runs a write on the writer connection in a blocking thread, drops the cached views
    /// when it changed a row, then announces the events it returns.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<(T, Vec<Event>), ServiceError> + Send + 'static,
    {
        let state = self.clone();
        let (value, events) = tokio::task::spawn_blocking(move || {
            let mut connection = lock(&state.inner.writer);
            let changes_before = connection.total_changes();
            let outcome = work(&mut connection);
            // After the commit and before the response, so the next read renders afresh.
            // Work that changed no row, such as the embargo check that `serve` runs every
            // second, keeps the cache. A rolled-back change only costs renders.
            if connection.total_changes() != changes_before {
                state.inner.cache.invalidate();
            }
            outcome
        })
        .await
        .map_err(|e| ServiceError::Internal(e.into()))??;
        for event in events {
            self.publish(event);
        }
        Ok(value)
    }

    /// Runs a read on a pooled connection in a blocking thread.
    pub async fn read<T, F>(&self, work: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ServiceError> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.read_blocking(work))
            .await
            .map_err(|e| ServiceError::Internal(e.into()))?
    }

    /// Runs a read on a pooled connection in the current thread.
    pub fn read_blocking<T, F>(&self, work: F) -> Result<T, ServiceError>
    where
        F: FnOnce(&Connection) -> Result<T, ServiceError>,
    {
        let pooled = lock(&self.inner.readers).pop();
        let connection = match pooled {
            Some(connection) => connection,
            None => db::open_existing(&self.inner.path)?,
        };
        let result = work(&connection);
        lock(&self.inner.readers).push(connection);
        result
    }

    /// Sends an event to every subscriber. Having none is normal.
    pub fn publish(&self, event: Event) {
        let _ = self.inner.events.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// Checks for commits from other processes when the revalidation period has passed
    /// (see [`crate::view_cache`]); returns at once otherwise.
    pub async fn revalidate_cache(&self) {
        if !self.inner.cache.claim_revalidation() {
            return;
        }
        let state = self.clone();
        let checked = tokio::task::spawn_blocking(move || state.inner.cache.revalidate()).await;
        match checked {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::warn!(error = %error, "data_version check failed, cache dropped");
                self.inner.cache.invalidate();
            }
            Err(error) => {
                tracing::warn!(error = %error, "data_version check panicked, cache dropped");
                self.inner.cache.invalidate();
            }
        }
    }

    /// Returns a rendered view, from the cache when possible, else rendered on a blocking
    /// thread and stored.
    pub async fn view(
        &self,
        election_id: i64,
        view: View,
    ) -> Result<Arc<RenderedView>, ServiceError> {
        self.revalidate_cache().await;
        if let Some(rendered) = self.inner.cache.view(election_id, view) {
            return Ok(rendered);
        }
        let state = self.clone();
        self.read(move |connection| state.view_blocking(connection, election_id, view))
            .await
    }

    /// Returns a rendered view, from the cache when possible, else rendered on
    /// `connection` and stored.
    pub fn view_blocking(
        &self,
        connection: &Connection,
        election_id: i64,
        view: View,
    ) -> Result<Arc<RenderedView>, ServiceError> {
        let cache = &self.inner.cache;
        if let Some(rendered) = cache.view(election_id, view) {
            return Ok(rendered);
        }
        let generation = cache.generation();
        let (version, body) = views::render(connection, election_id, view)?;
        let rendered = Arc::new(RenderedView::new(election_id, view, version, body));
        cache.store_view(generation, election_id, view, rendered.clone());
        Ok(rendered)
    }

    /// Returns an election's embargo (`None` when it has none), from the cache when
    /// possible.
    pub async fn embargo(&self, election_id: i64) -> Result<Option<Embargo>, ServiceError> {
        self.revalidate_cache().await;
        if let Some(embargo) = self.inner.cache.embargo(election_id) {
            return Ok(embargo);
        }
        let state = self.clone();
        self.read(move |connection| {
            let generation = state.inner.cache.generation();
            let embargo = db::display::embargo(connection, election_id)?;
            state
                .inner
                .cache
                .store_embargo(generation, election_id, embargo.clone());
            Ok(embargo)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::import::{ImportOptions, read_files};
    use crate::view_cache::REVALIDATION_PERIOD;

    /// A database holding Gouesnou's législatives 2024 round 1 with its results.
    fn gouesnou(directory: &Path) -> (PathBuf, i64) {
        let path = directory.join("urne.sqlite");
        let mut connection = db::open(&path).unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/data");
        let files: Vec<PathBuf> = ["bureaux", "candidats", "voix"]
            .iter()
            .map(|part| fixtures.join(format!("gouesnou_29061_legislatives2024_t1_{part}.csv")))
            .collect();
        let elections = read_files(&files, &ImportOptions::default()).unwrap();
        let created =
            crate::service::import_elections(&mut connection, &elections, "test", true).unwrap();
        (path, created[0].id)
    }

    /// Renames the election and counts it as a change of its figures, as a write does.
    fn rename(connection: &Connection, id: i64, label: &str) {
        connection
            .execute(
                "UPDATE election SET label = ?1, data_version = data_version + 1 WHERE id = ?2",
                rusqlite::params![label, id],
            )
            .unwrap();
    }

    fn label_of(rendered: &RenderedView) -> String {
        let body: serde_json::Value = serde_json::from_slice(&rendered.body).unwrap();
        body["election"]["label"].as_str().unwrap().to_string()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hub_write_visible_in_next_read() {
        let directory = tempfile::tempdir().unwrap();
        let (path, id) = gouesnou(directory.path());
        let state = AppState::open(&path).unwrap();
        let before = state.view(id, View::Results).await.unwrap();
        let cached = state.view(id, View::Results).await.unwrap();
        assert!(
            Arc::ptr_eq(&before, &cached),
            "second read served from cache"
        );

        state
            .write(move |connection| {
                rename(connection, id, "Renommée par le hub");
                Ok(((), Vec::new()))
            })
            .await
            .unwrap();
        let after = state.view(id, View::Results).await.unwrap();
        assert_eq!(label_of(&after), "Renommée par le hub");
        assert_eq!(after.version, before.version + 1);
        assert_ne!(after.etag, before.etag);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn other_process_write_visible_after_period() {
        let directory = tempfile::tempdir().unwrap();
        let (path, id) = gouesnou(directory.path());
        let state = AppState::open(&path).unwrap();
        let before = state.view(id, View::Results).await.unwrap();

        let other = db::open_existing(&path).unwrap();
        rename(&other, id, "Renommée en ligne de commande");
        tokio::time::sleep(REVALIDATION_PERIOD + std::time::Duration::from_millis(100)).await;
        let after = state.view(id, View::Results).await.unwrap();
        assert_eq!(label_of(&after), "Renommée en ligne de commande");
        assert_eq!(after.version, before.version + 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn embargo_write_visible_in_next_read() {
        let directory = tempfile::tempdir().unwrap();
        let (path, id) = gouesnou(directory.path());
        let state = AppState::open(&path).unwrap();
        assert!(state.embargo(id).await.unwrap().is_none());

        let until = chrono::Utc::now() + chrono::Duration::hours(1);
        state
            .write(move |connection| {
                db::display::store_embargo(connection, id, Some(until), "test")?;
                Ok(((), Vec::new()))
            })
            .await
            .unwrap();
        let embargo = state.embargo(id).await.unwrap().unwrap();
        assert!(embargo.is_active(chrono::Utc::now()));
    }
}
