//! The other communes of a race: their list, the totals each one phones in, an import of
//! the Ministry's file, and the results of the whole constituency or canton.

use super::extract::{ApiBody, ApiPath};
use super::write::{outcome_body, parse_body};
use super::{ApiError, Writer, election_id};
use crate::communes::{self, ListWrite};
use crate::db;
use crate::service::{FinalWrite, ServiceError, ValidationWrite};
use crate::state::AppState;
use crate::views::View;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

/// `GET /elections/{id}/other-communes`: the area and the listed communes, with the version.
pub async fn get_list(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let list = state
        .read(move |connection| {
            if db::elections::find(connection, id)?.is_none() {
                return Err(ServiceError::NotFound(format!(
                    "élection {id} introuvable : consultez /api/v1/elections"
                )));
            }
            Ok(db::communes::list(connection, id)?)
        })
        .await?;
    Ok(Json(json!(list)))
}

/// `PUT /elections/{id}/other-communes`: replaces the area and the list.
pub async fn put_list(
    State(state): State<AppState>,
    writer: Writer,
    ApiPath(id): ApiPath<String>,
    ApiBody(body): ApiBody,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let request: ListWrite = parse_body(&body)?;
    let outcome = state
        .write(move |connection| {
            let outcome = communes::write_list(connection, id, &request, &writer.actor)?;
            let event = outcome.event.clone();
            Ok((outcome, vec![event]))
        })
        .await?;
    Ok(outcome_body(outcome))
}

/// `PUT /elections/{id}/other-communes/{insee}/results`: one commune's totals.
pub async fn put_totals(
    State(state): State<AppState>,
    writer: Writer,
    ApiPath((id, insee)): ApiPath<(String, String)>,
    ApiBody(body): ApiBody,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let request: FinalWrite = parse_body(&body)?;
    let outcome = state
        .write(move |connection| {
            let outcome = communes::write_totals(connection, id, &insee, &request, &writer.actor)?;
            let event = outcome.event.clone();
            Ok((outcome, vec![event]))
        })
        .await?;
    Ok(outcome_body(outcome))
}

/// `POST /elections/{id}/other-communes/{insee}/validation`.
pub async fn validation(
    State(state): State<AppState>,
    writer: Writer,
    ApiPath((id, insee)): ApiPath<(String, String)>,
    ApiBody(body): ApiBody,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let request: ValidationWrite = parse_body(&body)?;
    let outcome = state
        .write(move |connection| {
            let outcome =
                communes::validate_totals(connection, id, &insee, &request, &writer.actor)?;
            let event = outcome.event.clone();
            Ok((outcome, vec![event]))
        })
        .await?;
    Ok(outcome_body(outcome))
}

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    /// `false` lists the communes without storing their totals.
    results: Option<bool>,
}

/// `POST /elections/{id}/other-communes/import?results=true`: the body is a Ministry file.
pub async fn import(
    State(state): State<AppState>,
    writer: Writer,
    ApiPath(id): ApiPath<String>,
    Query(query): Query<ImportQuery>,
    ApiBody(body): ApiBody,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let with_totals = query.results.unwrap_or(true);
    let summary = state
        .write(move |connection| {
            let files = [("fichier envoyé".to_string(), body.to_vec())];
            let found = communes::read_race_files(connection, id, &files)?;
            let summary = communes::import_communes(
                connection,
                id,
                &found.communes,
                with_totals,
                &writer.actor,
            )?;
            let event = summary.event.clone();
            Ok((
                (summary, found.other_races, found.host_skipped),
                vec![event],
            ))
        })
        .await?;
    let (summary, other_races, host_skipped) = summary;
    Ok(Json(json!({
        "listed": summary.listed,
        "totals": summary.totals,
        "other_races": other_races,
        "host_skipped": host_skipped,
        "data_version": summary.data_version,
        "event_id": summary.event.id,
    })))
}

/// `GET /elections/{id}/race`: results of the whole constituency or canton.
pub async fn race(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    super::read::view(state, id, View::Race, headers).await
}
