//! Reads: the list of elections and the views of one election. Views carry an `ETag`
//! made of the election and its data version, and are served from the hub's cache of
//! rendered views (see [`crate::view_cache`]).

use super::{ApiError, election_id};
use crate::db;
use crate::service::ServiceError;
use crate::state::AppState;
use crate::views::View;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub async fn health(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let latest = state
        .read(|connection| Ok(db::events::latest_id(connection)?))
        .await?;
    Ok(Json(json!({ "status": "ok", "latest_event_id": latest })))
}

pub async fn list_elections(
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let rows = state
        .read(|connection| Ok(db::elections::list(connection)?))
        .await?;
    let elections: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|row| {
            let mut value = serde_json::to_value(&row.summary).unwrap_or_default();
            value["state"] = json!(row.state);
            value["state_label"] = json!(row.state.label_fr());
            value["version"] = json!(row.data_version);
            value
        })
        .collect();
    Ok(Json(json!({ "elections": elections })))
}

pub(super) async fn view(
    state: AppState,
    id: String,
    which: View,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = election_id(&id)?;
    let rendered = state.view(id, which).await?;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| etag_matches(value, &rendered.etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            rendered.body.clone(),
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, rendered.etag.clone());
    // Figures change during the night: caches must check back every time.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// Returns whether an `If-None-Match` value lists `etag` or is `*` (RFC 9110, section 13.1.2).
fn etag_matches(value: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(value) = value.to_str() else {
        return false;
    };
    let etag = etag.as_bytes();
    value.split(',').map(str::trim).any(|tag| {
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        tag == "*" || tag.as_bytes() == etag
    })
}

pub async fn configuration(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    view(state, id, View::Configuration, headers).await
}

pub async fn results(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    view(state, id, View::Results, headers).await
}

pub async fn turnout(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    view(state, id, View::Turnout, headers).await
}

pub async fn hundreds(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    view(state, id, View::Hundreds, headers).await
}

pub async fn seats(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    view(state, id, View::Seats, headers).await
}

pub async fn outcome(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    view(state, id, View::Outcome, headers).await
}

pub async fn audit(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let entries = state
        .read(move |connection| {
            if db::elections::find(connection, id)?.is_none() {
                return Err(ServiceError::NotFound(format!(
                    "élection {id} introuvable : consultez /api/v1/elections"
                )));
            }
            Ok(db::audit::list(connection, id)?)
        })
        .await?;
    Ok(Json(json!({ "entries": entries })))
}
