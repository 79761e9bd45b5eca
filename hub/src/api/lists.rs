//! The candidates of each list of a list-ballot election, in ballot-paper order: seats go
//! to them by name, and ties are broken by their ages.

use super::write::parse_body;
use super::{ApiError, Writer, election_id};
use crate::db;
use crate::seats::{self, ListMembersWrite};
use crate::service::ServiceError;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};

fn ballot_number(text: &str) -> Result<u32, ApiError> {
    text.parse().map_err(|_| {
        ApiError::from(ServiceError::Invalid {
            code: "invalid_ballot_number",
            field: Some("n".to_string()),
            message: format!(
                "numéro de liste « {text} » invalide : un nombre entier positif est attendu"
            ),
        })
    })
}

pub async fn get_members(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let number = ballot_number(&number)?;
    let members = state
        .read(move |connection| {
            let config = db::elections::config(connection, id)?.ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "élection {id} introuvable : consultez /api/v1/elections"
                ))
            })?;
            if config.candidate(number).is_none() {
                return Err(ServiceError::NotFound(format!(
                    "liste n° {number} inconnue dans cette élection"
                )));
            }
            Ok(db::lists::all(connection, id)?
                .remove(&number)
                .unwrap_or_default())
        })
        .await?;
    Ok(Json(serde_json::to_value(members).unwrap_or_default()))
}

pub async fn put_members(
    State(state): State<AppState>,
    writer: Writer,
    Path((id, number)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let number = ballot_number(&number)?;
    let request: ListMembersWrite = parse_body(&body)?;
    let (stored, event_id) = state
        .write(move |connection| {
            let (stored, event) =
                seats::write_list_members(connection, id, number, &request, &writer.actor)?;
            let event_id = event.id;
            Ok(((stored, event_id), vec![event]))
        })
        .await?;
    Ok(Json(serde_json::json!({
        "version": stored.version,
        "members": stored.members.len(),
        "event_id": event_id,
    })))
}
