//! The elections office's web interface under `/admin`: server-rendered French pages that
//! work without JavaScript, with small scripts that check sums while clerks type and
//! refresh the board from `/api/v1/events`. Every write goes through the functions of
//! [`crate::service`], so rules, versions, audit and events match the JSON API; the
//! actor recorded is the user's login. docs/web.md describes the pages and roles.

mod analysis;
mod assets;
mod audit;
mod auth;
mod board;
mod communes;
pub(crate) mod configuration;
mod double_entry;
mod elections;
mod entry;
mod form;
mod hundreds;
mod layout;
mod limiter;
mod page_error;
mod results;
mod turnout;

use crate::state::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use std::sync::Arc;

pub use page_error::PageError;

/// State of the web routes: the hub's state, the login rate limiter and the static files.
#[derive(Clone)]
pub struct WebState {
    pub app: AppState,
    pub limiter: Arc<limiter::LoginLimiter>,
}

/// Builds the `/admin` routes, to merge into the hub's router.
pub fn router<S>(state: AppState) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let web = WebState {
        app: state,
        limiter: Arc::new(limiter::LoginLimiter::default()),
    };
    let election = "/admin/elections/{id}";
    let station = "/admin/elections/{id}/stations/{station}";
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/elections") }))
        .route(
            "/admin/",
            get(|| async { Redirect::to("/admin/elections") }),
        )
        .route("/admin/login", get(auth::login_page).post(auth::login))
        .route("/admin/logout", post(auth::logout))
        .route("/admin/elections", get(elections::list))
        .route(election, get(elections::home))
        .route(&format!("{election}/state"), post(elections::change_state))
        .route(
            &format!("{election}/double-entry"),
            post(double_entry::toggle),
        )
        .route(&format!("{election}/board"), get(board::page))
        .route(&format!("{election}/board/live"), get(board::live))
        .route(&format!("{election}/turnout"), get(turnout::page))
        .route(&format!("{election}/turnout/{{slot}}"), post(turnout::save))
        .route(&format!("{election}/results"), get(entry::results_picker))
        .route(&format!("{election}/hundreds"), get(entry::hundreds_picker))
        .route(&format!("{election}/go"), get(entry::go_to_station))
        .route(&format!("{election}/audit"), get(audit::page))
        .route(&format!("{election}/communes"), get(communes::page))
        .route(
            &format!("{election}/communes/list"),
            post(communes::save_list),
        )
        .route(
            &format!("{election}/communes/import"),
            post(communes::import_file)
                .layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024)),
        )
        .route(
            &format!("{election}/communes/{{insee}}"),
            get(communes::sheet_page).post(communes::save_sheet),
        )
        .route(
            &format!("{election}/communes/{{insee}}/validation"),
            post(communes::validate),
        )
        .route(
            &format!("{station}/results"),
            get(results::page).post(results::save),
        )
        .route(&format!("{station}/validation"), post(results::validate))
        .route(
            &format!("{station}/double-entry"),
            post(double_entry::resolve),
        )
        .route(
            &format!("{station}/hundreds/{{which}}"),
            get(hundreds::page).post(hundreds::save),
        )
        .merge(configuration::router())
        .route("/admin/analysis", get(analysis::page))
        .route("/admin/analysis/csv", get(analysis::csv))
        .route("/admin/analysis/saved", post(analysis::save))
        .route("/admin/analysis/saved/{id}/delete", post(analysis::delete))
        .route(
            "/admin/analysis/mapping",
            get(analysis::mapping_page).post(analysis::save_mapping),
        )
        .route("/admin/static/{file}", get(assets::serve))
        .route("/admin/{*rest}", get(page_error::not_found))
        .layer(middleware::from_fn(security_headers))
        .with_state(web)
}

/// Adds the headers every page of the interface carries: no third-party content, no
/// framing, no caching of pages that show live figures and the CSRF token.
async fn security_headers(request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/admin/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !is_static {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
