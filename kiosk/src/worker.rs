//! The data worker: a thread that fetches the election from the hub, follows its events
//! stream, saves each new snapshot and hands it to the UI. It never touches the UI itself.

use crate::cache;
use crate::client::{FetchError, HubClient};
use crate::snapshot::Snapshot;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the worker tells the UI.
#[derive(Debug, Clone)]
pub enum Update {
    /// Fresh views from the hub.
    Snapshot(Arc<Snapshot>),
    /// The hub cannot be read; the French reason is shown only when there is no data.
    Offline { reason: String },
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub hub_url: String,
    pub election_id: Option<i64>,
    pub display_key: Option<String>,
    pub cache_path: Option<PathBuf>,
    /// First delay before reconnecting; it doubles after each failure up to `backoff_max`.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// Maximum silence on the events stream before the connection counts as lost.
    pub read_timeout: Duration,
}

/// Running worker; dropping the handle does not stop it, [`WorkerHandle::stop`] does.
pub struct WorkerHandle {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl WorkerHandle {
    /// Asks the worker to stop at its next step, without waiting for it: a read blocked
    /// on the events stream ends at the read timeout at the latest.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take();
    }
}

/// Starts the worker. `deliver` runs on the worker's thread for every update; `link` is
/// set while the hub answers (the status LED reads it).
pub fn spawn(
    settings: WorkerSettings,
    link: Arc<AtomicBool>,
    deliver: impl FnMut(Update) + Send + 'static,
) -> std::io::Result<WorkerHandle> {
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("urne-kiosk-data".to_string())
        .spawn(move || run(&settings, &link, &thread_stop, deliver))?;
    Ok(WorkerHandle {
        stop,
        thread: Some(thread),
    })
}

fn run(
    settings: &WorkerSettings,
    link: &AtomicBool,
    stop: &AtomicBool,
    mut deliver: impl FnMut(Update),
) {
    let client = HubClient::new(
        &settings.hub_url,
        settings.display_key.clone(),
        settings.read_timeout,
    );
    let mut backoff = settings.backoff_min;
    let mut failures: u32 = 0;
    while !stop.load(Ordering::Relaxed) {
        match follow(settings, &client, link, stop, &mut deliver) {
            Ok(()) => {
                tracing::info!(hub = client.base(), "events stream closed, reconnecting");
                backoff = settings.backoff_min;
                failures = 0;
            }
            Err(error) => {
                link.store(false, Ordering::Relaxed);
                failures = failures.saturating_add(1);
                // The first failure and every tenth one are logged, so a long outage
                // does not flood the log.
                if failures == 1 || failures.is_multiple_of(10) {
                    tracing::warn!(
                        hub = client.base(),
                        failures,
                        retry_in_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX),
                        "hub unreachable: {error}"
                    );
                }
                deliver(Update::Offline {
                    reason: error.screen_message(),
                });
                sleep_unless_stopped(backoff, stop);
                backoff = (backoff * 2).min(settings.backoff_max);
            }
        }
    }
}

/// Fetches a snapshot, then refetches after each event until the stream ends. Returns
/// `Ok` when the hub closed the stream cleanly.
fn follow(
    settings: &WorkerSettings,
    client: &HubClient,
    link: &AtomicBool,
    stop: &AtomicBool,
    deliver: &mut impl FnMut(Update),
) -> Result<(), FetchError> {
    let mut snapshot = client.fetch_snapshot(settings.election_id)?;
    let election = snapshot.election_id;
    let mut last_event_id = snapshot.last_event_id;
    let mut plan = client.fetch_plan(election)?.map(Arc::new);
    save_plan(settings, plan.as_deref());
    snapshot.plan = plan.clone();
    link.store(true, Ordering::Relaxed);
    publish(settings, snapshot, deliver);
    let mut plan_changed = false;

    let mut stream = client.events(election, last_event_id)?;
    tracing::info!(
        hub = client.base(),
        election,
        ?last_event_id,
        "following events"
    );
    while !stop.load(Ordering::Relaxed) {
        let event = match stream.next_event() {
            Ok(Some(event)) => event,
            Ok(None) => return Ok(()),
            Err(error) => {
                return Err(FetchError::Unreachable {
                    url: client.base().to_string(),
                    reason: format!("flux d'événements interrompu : {error}"),
                });
            }
        };
        if event.id.is_some() {
            last_event_id = event.id;
        }
        plan_changed |= event.kind == "plan";
        if stream.has_buffered_event() {
            continue;
        }
        if plan_changed {
            plan = client.fetch_plan(election)?.map(Arc::new);
            save_plan(settings, plan.as_deref());
            plan_changed = false;
        }
        let mut snapshot = client.fetch_snapshot(Some(election))?;
        snapshot.plan = plan.clone();
        // Events read from the stream are newer than the id /health gave before them.
        snapshot.last_event_id = snapshot.last_event_id.max(last_event_id);
        tracing::debug!(kind = event.kind, id = ?event.id, "views refreshed");
        publish(settings, snapshot, deliver);
    }
    Ok(())
}

fn publish(settings: &WorkerSettings, snapshot: Snapshot, deliver: &mut impl FnMut(Update)) {
    if let Some(path) = &settings.cache_path
        && let Err(error) = cache::save(path, &snapshot)
    {
        tracing::warn!(path = %path.display(), "cannot save the snapshot: {error}");
    }
    deliver(Update::Snapshot(Arc::new(snapshot)));
}

fn save_plan(settings: &WorkerSettings, plan: Option<&Vec<u8>>) {
    if let Some(path) = &settings.cache_path
        && let Err(error) = cache::save_plan(path, plan.map(Vec::as_slice))
    {
        tracing::warn!(path = %path.display(), "cannot save the polling place plan: {error}");
    }
}

fn sleep_unless_stopped(duration: Duration, stop: &AtomicBool) {
    let deadline = Instant::now() + duration;
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now >= deadline {
            return;
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(100)));
    }
}
