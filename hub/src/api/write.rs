//! Writes: final results, validation, turnout and centaines of one station. Each takes the
//! version it was based on and returns the new one; see `service` for the checks.

use super::extract::{ApiBody, ApiPath};
use super::{ApiError, Writer, election_id};
use crate::service::{
    self, FinalWrite, HundredWrite, ServiceError, TurnoutWrite, ValidationWrite, WriteOutcome,
};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::de::DeserializeOwned;
use urne_common::count::Hundred;

/// Parses a JSON body, naming the offending field, its value and the fix in French.
pub(super) fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let (field, message) = describe_body_error(&error.path().to_string(), error.inner());
        ApiError::from(ServiceError::Invalid {
            code: "invalid_body",
            field: Some(field),
            message: format!("corps de requête invalide, {message}"),
        })
    })
}

/// Text between the first two backquotes of serde's message (`missing field `voters``).
fn quoted(detail: &str) -> Option<&str> {
    let start = detail.find('`')? + 1;
    let length = detail[start..].find('`')?;
    Some(&detail[start..start + length])
}

/// Translates serde_json's English error into the field at fault and a French message. It
/// reads serde's wording ("missing field", "unknown field", "invalid type", "invalid
/// value"), which the tests below pin; a wording it does not recognise gets a generic
/// message.
fn describe_body_error(path: &str, error: &serde_json::Error) -> (String, String) {
    let position = format!("ligne {}, colonne {}", error.line(), error.column());

    if error.is_eof() {
        return (
            ".".to_string(),
            format!(
                "JSON vide ou tronqué ({position}) : envoyez un objet JSON complet, par exemple \
                 {{\"base_version\": 0, …}} (voir docs/api.md)"
            ),
        );
    }

    // The message without serde_json's « at line L column C » suffix.
    let full = error.to_string();
    let detail = full.split(" at line ").next().unwrap_or(&full);

    if detail.contains("expected key to be a number") {
        // serde_path_to_error names the unreadable key « ? » (`votes.?`).
        let field = path.trim_end_matches(".?").to_string();
        let message = format!(
            "champ « {field} » : les clés sont des numéros de panneau entre guillemets, par \
             exemple {{\"1\": 175, \"2\": 23}}"
        );
        return (field, message);
    }

    if error.is_syntax() {
        let hint = if detail.contains("unicode") || detail.contains("UTF-8") {
            "le texte n'est pas de l'UTF-8 valide : envoyez le corps encodé en UTF-8"
        } else {
            "vérifiez les guillemets, les virgules et les accolades"
        };
        return (
            path.to_string(),
            format!("JSON mal formé ({position}) : {hint}"),
        );
    }

    if let Some(name) = detail
        .strip_prefix("missing field ")
        .and_then(|_| quoted(detail))
    {
        let field = if path == "." {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        let message = format!("champ « {field} » manquant : ajoutez-le (voir docs/api.md)");
        return (field, message);
    }

    if let Some(name) = detail
        .strip_prefix("unknown field ")
        .and_then(|_| quoted(detail))
    {
        let accepted: Vec<&str> = detail
            .split_once("expected ")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let message = format!(
            "champ « {name} » inconnu : retirez-le ; champs acceptés : {}",
            accepted.join(", ")
        );
        return (path.to_string(), message);
    }

    let found = ["invalid type: ", "invalid value: ", "invalid length "]
        .iter()
        .find_map(|prefix| detail.strip_prefix(prefix))
        .map(|rest| rest.split(", expected").next().unwrap_or(rest));
    let expected = detail.split_once(", expected ").map_or("", |(_, e)| e);
    let value = match found {
        None => "?".to_string(),
        Some("sequence") => "tableau".to_string(),
        Some("map") => "objet".to_string(),
        Some("unit") => "null".to_string(),
        Some(found) => quoted(found).map_or_else(
            || found.trim_start_matches("string ").to_string(),
            str::to_string,
        ),
    };
    let expectation = if expected.starts_with("u32") {
        "un nombre entier positif ou nul, au plus 4294967295, est attendu"
    } else if expected.starts_with("u64") || expected.starts_with("u8") {
        "un nombre entier positif ou nul est attendu"
    } else if expected.contains("string") {
        "un texte entre guillemets est attendu"
    } else if expected.contains("map") {
        "un objet JSON est attendu, par exemple {\"1\": 175}"
    } else {
        "corrigez la valeur (voir docs/api.md)"
    };

    if path == "." {
        return (
            path.to_string(),
            "le corps doit être un objet JSON avec les champs décrits dans docs/api.md, \
             par exemple {\"base_version\": 0, …}"
                .to_string(),
        );
    }
    (
        path.to_string(),
        format!("champ « {path} », valeur {value} invalide : {expectation}"),
    )
}

pub(super) fn outcome_body(outcome: WriteOutcome) -> Json<serde_json::Value> {
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
    ApiPath((id, station)): ApiPath<(String, String)>,
    ApiBody(body): ApiBody,
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
    ApiPath(id): ApiPath<String>,
    ApiBody(body): ApiBody,
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
    ApiPath((id, station)): ApiPath<(String, String)>,
    ApiBody(body): ApiBody,
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
    ApiPath((id, station, slot)): ApiPath<(String, String, String)>,
    ApiBody(body): ApiBody,
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
    ApiPath((id, station, which)): ApiPath<(String, String, String)>,
    ApiBody(body): ApiBody,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let which = Hundred::parse(&which).ok_or_else(|| {
        ApiError::from(ServiceError::Invalid {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::FinalWrite;

    /// Field and message of the error that parsing `body` as final results gives.
    fn rejection(body: &str) -> (String, String) {
        let bytes = Bytes::from(body.to_string());
        match parse_body::<FinalWrite>(&bytes) {
            Ok(_) => panic!("{body} must be rejected"),
            Err(ApiError(ServiceError::Invalid { field, message, .. })) => {
                (field.unwrap_or_default(), message)
            }
            Err(ApiError(other)) => panic!("unexpected error {other}"),
        }
    }

    const COMPLETE: &str = r#""base_version": 0, "blank": 0, "invalid": 0, "valid_votes": 0"#;

    #[test]
    fn body_errors_in_french() {
        let (field, message) = rejection(r#"{"base_version": 0}"#);
        assert_eq!(field, "voters");
        assert!(message.contains("« voters » manquant"), "{message}");

        let (field, message) =
            rejection(&format!(r#"{{{COMPLETE}, "voters": -3, "votes": {{}}}}"#));
        assert_eq!(field, "voters");
        assert!(message.contains("valeur -3"), "{message}");
        assert!(message.contains("4294967295"), "{message}");

        let (field, message) = rejection(&format!(
            r#"{{{COMPLETE}, "voters": 4294967296, "votes": {{}}}}"#
        ));
        assert_eq!(field, "voters");
        assert!(message.contains("valeur 4294967296"), "{message}");

        let (field, message) = rejection(&format!(
            r#"{{{COMPLETE}, "voters": 1, "votes": {{}}, "extra": 1}}"#
        ));
        assert_eq!(field, "extra");
        assert!(message.contains("« extra » inconnu"), "{message}");
        assert!(message.contains("base_version, registered"), "{message}");

        let (field, message) = rejection(&format!(
            r#"{{{COMPLETE}, "voters": 1, "votes": {{"a": 1}}}}"#
        ));
        assert_eq!(field, "votes");
        assert!(message.contains("numéros de panneau"), "{message}");

        let (_, message) = rejection(r#"{"base_version": 0,"#);
        assert!(message.contains("tronqué"), "{message}");

        let (_, message) = rejection("[]");
        assert!(message.contains("objet JSON"), "{message}");
    }

    #[test]
    fn body_errors_name_no_english_wording() {
        let bodies = [
            r#"{"base_version": 0}"#.to_string(),
            format!(r#"{{{COMPLETE}, "voters": "x", "votes": {{}}}}"#),
            format!(r#"{{{COMPLETE}, "voters": 1, "votes": [], "extra": 1}}"#),
            "not json".to_string(),
            "null".to_string(),
        ];
        for body in bodies {
            let (_, message) = rejection(&body);
            for english in ["missing field", "unknown field", "invalid type", "expected"] {
                assert!(!message.contains(english), "{body}: {message}");
            }
        }
    }
}
