//! The projector wall of the town hall lobby: `/projection/{id}?key=…` is a full-screen
//! page built for 1920×1080 whose slides rotate on their own. Its script
//! (static/projection/projection.js) reads `/projection/{id}/data` when the page opens and
//! again after each event of the election on `/api/v1/events`, so a write shows within a
//! second without reloading. The display key in the URL lets it read results during an
//! embargo (see [`access`]).

pub mod access;

use crate::db;
use crate::publish::{charts, site};
use crate::service::ServiceError;
use crate::state::AppState;
use crate::view_cache::RenderedView;
use crate::views::View;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, html};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use urne_common::results::{ElectionResults, TurnoutView};

const SCRIPT: &str = include_str!("../../static/projection/projection.js");
const STYLE: &str = include_str!("../../static/projection/projection.css");

/// Routes of the projector, merged into the hub's router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projection/static/projection.js", get(script))
        .route("/projection/static/projection.css", get(style))
        .route("/projection/{id}", get(page))
        .route("/projection/{id}/data", get(data))
        .route("/projection/{id}/qr.svg", get(qr_code))
}

#[derive(Debug, Deserialize)]
pub struct KeyQuery {
    key: Option<String>,
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

fn refusal(status: StatusCode, message: &str) -> Response {
    let page = html! {
        (DOCTYPE)
        html lang="fr" {
            head { meta charset="utf-8"; title { "Projection" } }
            body { h1 { "Projection indisponible" } p { (message) } }
        }
    };
    (status, Html(page.into_string())).into_response()
}

/// Checks the display key of a projector request; returns the election id.
async fn authorise(state: &AppState, id: &str, key: Option<String>) -> Result<i64, Response> {
    let Ok(id) = id.parse::<i64>() else {
        return Err(refusal(
            StatusCode::NOT_FOUND,
            &format!(
                "élection « {id} » inconnue : l'adresse attendue est /projection/NUMÉRO?key=CLÉ"
            ),
        ));
    };
    let Some(key) = key else {
        return Err(refusal(
            StatusCode::FORBIDDEN,
            "clé d'affichage manquante : ouvrez l'adresse complète donnée par \
             GET /api/v1/elections/{id}/display/key (champ projector_path)",
        ));
    };
    let owner = state
        .read(move |connection| Ok(db::display::election_of_key(connection, &key)?))
        .await;
    match owner {
        Ok(Some(owner)) if owner == id => Ok(id),
        Ok(_) => Err(refusal(
            StatusCode::FORBIDDEN,
            "clé d'affichage invalide pour cette élection : reprenez l'adresse donnée par \
             l'API (GET /api/v1/elections/{id}/display/key)",
        )),
        Err(error) => {
            tracing::error!(error = %error, election = id, "display key check failed");
            Err(refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "erreur interne du hub : rechargez la page dans quelques secondes",
            ))
        }
    }
}

async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<KeyQuery>,
) -> Response {
    let id = match authorise(&state, &id, query.key).await {
        Ok(id) => id,
        Err(response) => return response,
    };
    let page = html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=1920, height=1080";
                title { "Résultats — projection" }
                link rel="stylesheet" href="/projection/static/projection.css";
            }
            body data-election=(id) {
                header id="top" {
                    img id="logo" alt="Logo de la commune" hidden;
                    h1 id="title" { "Chargement…" }
                    p id="stamp" class="stamp" role="status" aria-live="polite" { "connexion au hub…" }
                }
                p id="simulation" class="simulation" hidden { "SIMULATION" }
                main id="slide" aria-live="polite" {}
                footer id="dots" {}
                script src="/projection/static/projection.js" {}
            }
        }
    };
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        Html(page.into_string()),
    )
        .into_response()
}

/// Renders a view through the hub's cache of rendered views.
fn cached_view(
    state: &AppState,
    connection: &rusqlite::Connection,
    id: i64,
    which: View,
) -> Result<Arc<RenderedView>, ServiceError> {
    state.view_blocking(connection, id, which)
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ServiceError> {
    serde_json::from_slice(body).map_err(|e| ServiceError::Internal(e.into()))
}

/// Builds everything the projector shows. Each view is one snapshot of the database
/// (`views::render`), but two views may straddle a write; the next event refetches them.
fn bundle(
    state: &AppState,
    connection: &rusqlite::Connection,
    id: i64,
) -> Result<Value, ServiceError> {
    let results_body = cached_view(state, connection, id, View::Results)?;
    let results: ElectionResults = parse(&results_body.body)?;
    let turnout: TurnoutView = parse(&cached_view(state, connection, id, View::Turnout)?.body)?;
    let hundreds: Value = parse(&cached_view(state, connection, id, View::Hundreds)?.body)?;
    let previous: Option<TurnoutView> = match db::display::previous_comparable(connection, id)? {
        Some(previous) => Some(parse(
            &cached_view(state, connection, previous, View::Turnout)?.body,
        )?),
        None => None,
    };
    let seats: Option<Value> = if results.election.kind.is_list_ballot() {
        Some(parse(
            &cached_view(state, connection, id, View::Seats)?.body,
        )?)
    } else {
        None
    };
    let hemicycle = seats
        .as_ref()
        .and_then(|seats| site::municipal_groups(&results, seats))
        .filter(|groups| !groups.is_empty())
        .map(|groups| site::markup_string(charts::hemicycle_svg(&groups, "Conseil municipal")));
    let race: Option<Value> = if db::communes::list(connection, id)?.communes.is_empty() {
        None
    } else {
        Some(parse(
            &cached_view(state, connection, id, View::Race)?.body,
        )?)
    };
    let settings = db::display::find(connection, id)?
        .map(|stored| stored.settings)
        .unwrap_or_default();
    let latest = db::display::latest_event(connection, id)?;
    let last_event_id = db::events::latest_id(connection)?;
    let data_at = latest.as_ref().map(|(_, at)| db::to_paris(at));
    let bars: Value = std::iter::once(&results.commune)
        .map(|area| {
            let svg = site::markup_string(charts::bars_svg(area));
            (area.code.clone(), Value::String(svg))
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    Ok(json!({
        "election": results.election,
        "settings": settings,
        "results": results,
        "turnout": turnout,
        "previous_turnout": previous.as_ref().map(|p| &p.election),
        "turnout_svg": site::markup_string(charts::turnout_svg(&turnout, previous.as_ref())),
        "bars_svg": bars,
        "hundreds": hundreds,
        "seats": seats,
        "hemicycle_svg": hemicycle,
        "race": race,
        "photos": db::display::photo_numbers(connection, id)?,
        "logo": db::display::logo(connection)?.map(|logo| logo.sha256),
        "data_at": data_at,
        "data_clock": data_at.as_deref().map(site::clock_text),
        "last_event_id": last_event_id,
    }))
}

async fn data(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<KeyQuery>,
) -> Response {
    let id = match authorise(&state, &id, query.key).await {
        Ok(id) => id,
        Err(response) => return response,
    };
    state.revalidate_cache().await;
    let reader = state.clone();
    let built = state
        .read(move |connection| bundle(&reader, connection, id))
        .await;
    match built {
        Ok(body) => (
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            axum::Json(body),
        )
            .into_response(),
        Err(error) => crate::api::ApiError::from(error).into_response(),
    }
}

/// The QR code of the public site's address as SVG.
async fn qr_code(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<KeyQuery>,
    headers: axum::http::HeaderMap,
) -> Response {
    let id = match authorise(&state, &id, query.key).await {
        Ok(id) => id,
        Err(response) => return response,
    };
    let settings = state
        .read(move |connection| Ok(db::display::find(connection, id)?))
        .await
        .ok()
        .flatten()
        .map(|stored| stored.settings)
        .unwrap_or_default();
    let address = if settings.public_url.is_empty() {
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}/public/{id}/")
    } else {
        settings.public_url
    };
    match qrcode::QrCode::new(address.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(400, 400)
                .quiet_zone(true)
                .dark_color(qrcode::render::svg::Color("#000000"))
                .light_color(qrcode::render::svg::Color("#ffffff"))
                .build();
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("image/svg+xml"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                ],
                svg,
            )
                .into_response()
        }
        Err(error) => {
            tracing::error!(error = %error, address, "QR code generation failed");
            refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "adresse trop longue pour un code QR",
            )
        }
    }
}
