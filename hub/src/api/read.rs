//! Reads: the list of elections and the views of one election. Views carry an `ETag`
//! made of the election and its data version, and are cached until the data changes.

use super::{ApiError, election_id};
use crate::db;
use crate::service::ServiceError;
use crate::state::AppState;
use crate::views::{self, View};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

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
    let cache = state.clone();
    let (version, body) = state
        .read(move |connection| {
            let version = db::elections::data_version(connection, id)?.ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "élection {id} introuvable : consultez /api/v1/elections"
                ))
            })?;
            if let Some(body) = cache.cached_view(id, which.name(), version) {
                return Ok((version, body));
            }
            let (version, body) = views::render(connection, id, which)?;
            let body = Arc::new(body);
            cache.store_view(id, which.name(), version, body.clone());
            Ok((version, body))
        })
        .await?;

    let etag = format!("\"{id}-{}-{version}\"", which.name());
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body: Vec<u8> = body.as_ref().clone();
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    // Figures change during the night: caches must check back every time.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
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
