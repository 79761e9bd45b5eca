//! Writes: final results, validation, turnout and centaines of one station. Each takes the
//! version it was based on and returns the new one; see `service` for the checks.

use super::{ApiError, Writer, election_id};
use crate::service::{
    self, FinalWrite, HundredWrite, ServiceError, TurnoutWrite, ValidationWrite, WriteOutcome,
};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::de::DeserializeOwned;
use urne_common::count::Hundred;

/// Parses a JSON body, naming the offending field in French when it does not fit.
pub(super) fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let field = error.path().to_string();
        let detail = error.inner().to_string();
        let hint = if detail.contains("missing field") {
            "ajoutez ce champ"
        } else if detail.contains("unknown field") {
            "retirez ce champ, il n'existe pas dans l'API (voir docs/api.md)"
        } else if detail.contains("expected u32") || detail.contains("expected u64") {
            "un nombre entier positif ou nul est attendu"
        } else {
            "corrigez la valeur (voir docs/api.md)"
        };
        ApiError(ServiceError::Invalid {
            code: "invalid_body",
            field: Some(field.clone()),
            message: format!("corps de requête invalide, champ « {field} » : {detail} ; {hint}"),
        })
    })
}

fn outcome_body(outcome: WriteOutcome) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "version": outcome.version,
        "status": outcome.status,
        "findings": outcome.findings,
        "data_version": outcome.data_version,
        "event_id": outcome.event.id,
    }))
}

pub async fn final_results(
    State(state): State<AppState>,
    writer: Writer,
    Path((id, station)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let request: FinalWrite = parse_body(&body)?;
    let outcome = state
        .write(move |connection| {
            let outcome = service::write_final(connection, id, &station, &request, &writer.actor)?;
            let event = outcome.event.clone();
            Ok((outcome, vec![event]))
        })
        .await?;
    Ok(outcome_body(outcome))
}

pub async fn seat_configuration(
    State(state): State<AppState>,
    writer: Writer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let request: crate::seats::SeatConfigurationWrite = parse_body(&body)?;
    let (stored, event_id) = state
        .write(move |connection| {
            let (stored, event) =
                crate::seats::write_configuration(connection, id, &request, &writer.actor)?;
            let event_id = event.id;
            Ok(((stored, event_id), vec![event]))
        })
        .await?;
    Ok(Json(serde_json::json!({
        "version": stored.version,
        "configuration": stored,
        "event_id": event_id,
    })))
}

pub async fn validation(
    State(state): State<AppState>,
    writer: Writer,
    Path((id, station)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let request: ValidationWrite = parse_body(&body)?;
    let outcome = state
        .write(move |connection| {
            let outcome =
                service::validate_station(connection, id, &station, &request, &writer.actor)?;
            let event = outcome.event.clone();
            Ok((outcome, vec![event]))
        })
        .await?;
    Ok(outcome_body(outcome))
}

pub async fn turnout(
    State(state): State<AppState>,
    writer: Writer,
    Path((id, station, slot)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let request: TurnoutWrite = parse_body(&body)?;
    let outcome = state
        .write(move |connection| {
            let outcome =
                service::write_turnout(connection, id, &station, &slot, &request, &writer.actor)?;
            let event = outcome.event.clone();
            Ok((outcome, vec![event]))
        })
        .await?;
    Ok(outcome_body(outcome))
}

pub async fn hundred(
    State(state): State<AppState>,
    writer: Writer,
    Path((id, station, which)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let which = Hundred::parse(&which).ok_or_else(|| {
        ApiError(ServiceError::Invalid {
            code: "unknown_hundred",
            field: Some("which".to_string()),
            message: format!(
                "centaine « {which} » inconnue : utilisez « first » (100 premiers bulletins) \
                 ou « second » (200 premiers)"
            ),
        })
    })?;
    let request: HundredWrite = parse_body(&body)?;
    let outcome = state
        .write(move |connection| {
            let outcome =
                service::write_hundred(connection, id, &station, which, &request, &writer.actor)?;
            let event = outcome.event.clone();
            Ok((outcome, vec![event]))
        })
        .await?;
    Ok(outcome_body(outcome))
}
