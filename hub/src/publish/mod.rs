//! The public results site: generated as static files ([`site`]), served by the hub under
//! `/public/`, and published to a folder or to S3-compatible object storage by a
//! background task of `serve` a couple of seconds after the last change. Results under
//! embargo never leave the hub (see `db::display`).

pub mod charts;
pub mod embargo;
pub mod site;
mod targets;

pub use targets::{PublishTargets, S3Target};

use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Utc;
use site::Site;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Caching of public pages: browsers and CDNs may reuse a page for a few seconds, then
/// must check its ETag again.
pub const CACHE_CONTROL: &str = "public, max-age=5, must-revalidate";

/// Quiet time after the last event before the folder or bucket is published again.
const DEBOUNCE: Duration = Duration::from_secs(2);
/// Longest wait during a steady stream of events before publishing anyway.
const MAX_DELAY: Duration = Duration::from_secs(10);

/// The site as last generated for `/public/`, regenerated on the first request after a
/// change.
struct SiteCache {
    state: AppState,
    site: std::sync::Mutex<Option<CachedSite>>,
    /// Set by every event of this hub; cleared when a regeneration starts.
    dirty: AtomicBool,
    regenerating: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct CachedSite {
    site: Arc<Site>,
    /// Newest event id in the database when the site was generated.
    event_id: i64,
    /// When the database was last checked for events written by another process (an
    /// `urne-hub import` while `serve` runs), which this hub's channel does not carry.
    checked_at: std::time::Instant,
}

/// How long a generated site is served before the database is checked for changes made
/// by another process.
const RECHECK: Duration = Duration::from_secs(1);

impl SiteCache {
    async fn current(&self) -> anyhow::Result<Arc<Site>> {
        if let Some(site) = self.fresh(true) {
            return Ok(site);
        }
        let _guard = self.regenerating.lock().await;
        if let Some(site) = self.fresh(true) {
            return Ok(site);
        }
        let state = self.state.clone();
        let latest = tokio::task::spawn_blocking(move || {
            state.read_blocking(|connection| Ok(crate::db::events::latest_id(connection)?))
        })
        .await??;
        let unchanged = self
            .cached()
            .is_some_and(|cached| cached.event_id == latest);
        if unchanged && let Some(site) = self.fresh(false) {
            if let Some(cached) = self.lock_site().as_mut() {
                cached.checked_at = std::time::Instant::now();
            }
            return Ok(site);
        }
        self.dirty.store(false, Ordering::SeqCst);
        let state = self.state.clone();
        let (site, event_id) = tokio::task::spawn_blocking(move || {
            state.read_blocking(|connection| {
                let event_id = crate::db::events::latest_id(connection)?;
                Ok((site::generate(connection, Utc::now(), None)?, event_id))
            })
        })
        .await??;
        let site = Arc::new(site);
        *self.lock_site() = Some(CachedSite {
            site: site.clone(),
            event_id,
            checked_at: std::time::Instant::now(),
        });
        Ok(site)
    }

    fn lock_site(&self) -> std::sync::MutexGuard<'_, Option<CachedSite>> {
        self.site.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cached(&self) -> Option<CachedSite> {
        self.lock_site().clone()
    }

    /// Returns the cached site unless an event, a passed embargo or (when `recent` is set)
    /// an unchecked second made it stale.
    fn fresh(&self, recent: bool) -> Option<Arc<Site>> {
        if self.dirty.load(Ordering::SeqCst) {
            return None;
        }
        let cached = self.cached()?;
        if recent && cached.checked_at.elapsed() > RECHECK {
            return None;
        }
        match cached.site.next_release {
            Some(release) if release <= Utc::now() => None,
            _ => Some(cached.site),
        }
    }
}

/// Routes of the public site, to mount under `/public`.
pub fn router(state: AppState) -> Router {
    let cache = Arc::new(SiteCache {
        state: state.clone(),
        site: std::sync::Mutex::new(None),
        dirty: AtomicBool::new(true),
        regenerating: tokio::sync::Mutex::new(()),
    });
    if tokio::runtime::Handle::try_current().is_ok() {
        let watcher = cache.clone();
        let mut events = state.subscribe();
        tokio::spawn(async move {
            // Any event, and any lag, may change a page; the loop ends with the hub.
            while let Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) =
                events.recv().await
            {
                watcher.dirty.store(true, Ordering::SeqCst);
            }
        });
    }
    Router::new()
        .route("/", get(serve_root))
        .route("/{*path}", get(serve_file))
        .with_state(cache)
}

async fn serve_root(State(cache): State<Arc<SiteCache>>, headers: HeaderMap) -> Response {
    serve_path(&cache, "index.html", &headers).await
}

async fn serve_file(
    State(cache): State<Arc<SiteCache>>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    };
    serve_path(&cache, &path, &headers).await
}

async fn serve_path(cache: &SiteCache, path: &str, headers: &HeaderMap) -> Response {
    let site = match cache.current().await {
        Ok(site) => site,
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "public site generation failed"
            );
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "site public momentanément indisponible : réessayez dans quelques secondes",
            )
                .into_response();
        }
    };
    let Some(file) = site.files.get(path) else {
        // `/public/12` is the folder of election 12.
        if site.files.contains_key(&format!("{path}/index.html")) {
            return Redirect::permanent(&format!("/public/{path}/")).into_response();
        }
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("page « {path} » introuvable : la liste des élections est sur /public/"),
        )
            .into_response();
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == file.etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.content_type),
            )],
            file.body.clone(),
        )
            .into_response()
    };
    let out = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&file.etag) {
        out.insert(header::ETAG, value);
    }
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    response
}

/// Runs for the life of `serve`: releases embargoes when their time comes, and publishes
/// the site to `targets` at start and [`DEBOUNCE`] after each burst of changes.
pub async fn run_background(state: AppState, targets: PublishTargets) {
    let mut events = state.subscribe();
    let mut published = targets::Published::default();
    let mut pending_since: Option<tokio::time::Instant> = Some(tokio::time::Instant::now());
    let mut last_event = tokio::time::Instant::now();
    let mut next_release: Option<chrono::DateTime<Utc>> = None;
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            received = events.recv() => {
                match received {
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        last_event = tokio::time::Instant::now();
                        pending_since.get_or_insert(last_event);
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
            _ = tick.tick() => {
                if let Err(error) = embargo::release_due_embargoes(&state).await {
                    tracing::error!(error = %error, "embargo release check failed");
                }
                if next_release.is_some_and(|release| release <= Utc::now()) {
                    pending_since.get_or_insert(tokio::time::Instant::now());
                }
                let Some(since) = pending_since else { continue };
                if targets.is_empty() {
                    pending_since = None;
                    continue;
                }
                let now = tokio::time::Instant::now();
                if now - last_event < DEBOUNCE && now - since < MAX_DELAY {
                    continue;
                }
                pending_since = None;
                let reader = state.clone();
                let generated = tokio::task::spawn_blocking(move || {
                    reader.read_blocking(|connection| site::generate(connection, Utc::now(), None))
                })
                .await;
                let site = match generated {
                    Ok(Ok(site)) => site,
                    Ok(Err(error)) => {
                        tracing::error!(error = %error, "site generation failed");
                        continue;
                    }
                    Err(error) => {
                        tracing::error!(error = %error, "site generation task failed");
                        continue;
                    }
                };
                next_release = site.next_release;
                match published.publish(&targets, &site).await {
                    Ok(written) => tracing::info!(files = written, "public site published"),
                    Err(error) => {
                        tracing::error!(error = format!("{error:#}"), "publishing the site failed, retrying after the next change or in 10 s");
                        pending_since = Some(tokio::time::Instant::now());
                    }
                }
            }
        }
    }
}

/// Generates the site of one election and writes it to `out`: `urne-hub publish`.
pub fn publish_election(
    db: &std::path::Path,
    id: i64,
    out: &std::path::Path,
) -> anyhow::Result<usize> {
    let connection = crate::db::open(db)?;
    if crate::db::elections::find(&connection, id)?.is_none() {
        anyhow::bail!(
            "élection {id} introuvable dans {} : vérifiez l'identifiant avec `urne-hub import`",
            db.display()
        );
    }
    let site =
        site::generate(&connection, Utc::now(), Some(id)).map_err(|e| anyhow::anyhow!("{e}"))?;
    targets::write_folder(out, &site, &mut std::collections::BTreeMap::new())
}
