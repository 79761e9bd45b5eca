//! Shared state of a running hub: database connections, the event channel and the cache
//! of rendered views.

use crate::db::{self, events::Event};
use crate::service::ServiceError;
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;

/// Events buffered for slow subscribers; one that falls further behind reads the rest from
/// the database.
const EVENT_BUFFER: usize = 1024;

/// A rendered JSON view with the election data version it was rendered from.
type CachedView = (i64, Arc<Vec<u8>>);

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
    /// Rendered JSON views keyed by (election, view name), with the data version they
    /// were rendered from.
    views: Mutex<HashMap<(i64, &'static str), CachedView>>,
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
        Ok(AppState {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
                events,
                views: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Runs a write on the writer connection in a blocking thread, then announces the
    /// events it returns.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<(T, Vec<Event>), ServiceError> + Send + 'static,
    {
        let state = self.clone();
        let (value, events) = tokio::task::spawn_blocking(move || {
            let mut connection = lock(&state.inner.writer);
            work(&mut connection)
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

    /// Returns a rendered view from the cache when it was rendered at `data_version`.
    pub fn cached_view(
        &self,
        election_id: i64,
        view: &'static str,
        data_version: i64,
    ) -> Option<Arc<Vec<u8>>> {
        lock(&self.inner.views)
            .get(&(election_id, view))
            .filter(|(version, _)| *version == data_version)
            .map(|(_, body)| body.clone())
    }

    pub fn store_view(
        &self,
        election_id: i64,
        view: &'static str,
        data_version: i64,
        body: Arc<Vec<u8>>,
    ) {
        lock(&self.inner.views).insert((election_id, view), (data_version, body));
    }
}
