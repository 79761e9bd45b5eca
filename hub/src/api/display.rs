//! Projector settings, candidate photos, the town logo and the results embargo.
//!
//! Reads of results, centaines, seats and outcome go through [`gated`]: before an
//! election's embargo time they answer 403 `embargo` unless the request is an in-hall
//! read, meaning it carries the election's display key (`X-Display-Key` header or `key`
//! query parameter) or a valid write token (`Authorization: Bearer`). Turnout stays
//! public, as the prefecture publishes it during the day.

use super::{ApiError, Writer, election_id};
use crate::db::{self, audit::AuditRecord, display::DisplaySettings};
use crate::projection::access::{embargo_response, is_in_hall};
use crate::service::ServiceError;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Largest photo or logo accepted, in bytes.
const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!(
        "élection {id} introuvable : consultez /api/v1/elections"
    ))
}

fn invalid(code: &'static str, field: &str, message: String) -> ApiError {
    ApiError(ServiceError::Invalid {
        code,
        field: Some(field.to_string()),
        message,
    })
}

/// Checks the embargo of a public read; returns the 403 response when it applies. The
/// embargo comes from the hub's cache, so a read without embargo touches no database.
async fn embargo_check(
    state: &AppState,
    id: i64,
    headers: &HeaderMap,
    query_key: Option<String>,
) -> Result<Option<Response>, ApiError> {
    let Some(embargo) = state.embargo(id).await? else {
        return Ok(None);
    };
    if !embargo.is_active(Utc::now()) {
        return Ok(None);
    }
    let headers = headers.clone();
    let in_hall = state
        .read(move |connection| Ok(is_in_hall(connection, id, &headers, query_key.as_deref())?))
        .await?;
    Ok((!in_hall).then(|| embargo_response(embargo.until)))
}

/// Middleware of the embargoed reads (results, centaines, seats, outcome): answers 403
/// `embargo` to a public read before the embargo time, and passes every other request on.
pub async fn embargo_gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // The path is `…/elections/{id}/…` whether or not the router strips `/api/v1`.
    let id = request
        .uri()
        .path()
        .split('/')
        .skip_while(|segment| *segment != "elections")
        .nth(1)
        .and_then(|segment| segment.parse::<i64>().ok());
    let Some(id) = id else {
        return next.run(request).await;
    };
    let query_key = request.uri().query().and_then(|query| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("key="))
            .map(str::to_string)
    });
    match embargo_check(&state, id, request.headers(), query_key).await {
        Ok(Some(refusal)) => refusal,
        Ok(None) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// `GET /api/v1/elections/{id}/display`: the settings, without the display key.
pub async fn get_display(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let stored = state
        .read(move |connection| {
            db::elections::find(connection, id)?.ok_or_else(|| not_found(id))?;
            Ok(db::display::find(connection, id)?)
        })
        .await?;
    Ok(Json(match stored {
        Some(stored) => json!({
            "settings": stored.settings,
            "version": stored.version,
            "updated_at": stored.updated_at,
            "updated_by": stored.updated_by,
        }),
        None => json!({ "settings": DisplaySettings::default(), "version": 0 }),
    }))
}

fn key_body(id: i64, stored: &db::display::DisplayConfiguration) -> serde_json::Value {
    json!({
        "settings": stored.settings,
        "version": stored.version,
        "display_key": stored.display_key,
        "projector_path": format!("/projection/{id}?key={}", stored.display_key),
        "updated_at": stored.updated_at,
        "updated_by": stored.updated_by,
    })
}

/// `GET /api/v1/elections/{id}/display/key`: the settings with the display key and the
/// projector's path, for the elections office.
pub async fn get_display_key(
    State(state): State<AppState>,
    _writer: Writer,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let stored = state
        .read(move |connection| {
            db::elections::find(connection, id)?.ok_or_else(|| not_found(id))?;
            db::display::find(connection, id)?.ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "pas encore de réglages d'affichage pour l'élection {id} : envoyez-les \
                     d'abord avec PUT /api/v1/elections/{id}/display"
                ))
            })
        })
        .await?;
    Ok(Json(key_body(id, &stored)))
}

/// `PUT /api/v1/elections/{id}/display`: replaces the settings; the first write creates the
/// display key.
pub async fn put_display(
    State(state): State<AppState>,
    writer: Writer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let settings: DisplaySettings = serde_json::from_slice(&body).map_err(|error| {
        invalid(
            "invalid_body",
            "settings",
            format!("réglages d'affichage invalides : {error} ; voir docs/api.md"),
        )
    })?;
    if let Err((field, message)) = settings.validate() {
        return Err(invalid("invalid_display", &field, message));
    }
    let stored = state
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            db::elections::find(&transaction, id)?.ok_or_else(|| not_found(id))?;
            db::display::store(&transaction, id, &settings, &writer.actor)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &writer.actor,
                    election_id: Some(id),
                    action: "display.write",
                    target: "affichage",
                    before: None,
                    after: serde_json::to_value(&settings).ok(),
                    reason: None,
                },
            )?;
            let event = db::events::append(&transaction, Some(id), "display", None, None, None)?;
            let stored = db::display::find(&transaction, id)?.ok_or_else(|| not_found(id))?;
            transaction.commit()?;
            Ok((stored, vec![event]))
        })
        .await?;
    Ok(Json(key_body(id, &stored)))
}

/// Checks that an upload is a PNG, JPEG, WebP or SVG image and returns its content type.
fn image_type(headers: &HeaderMap, body: &[u8]) -> Result<&'static str, ApiError> {
    if body.is_empty() || body.len() > MAX_IMAGE_BYTES {
        return Err(invalid(
            "invalid_image",
            "body",
            format!(
                "image de {} octets refusée : entre 1 octet et {} Mio",
                body.len(),
                MAX_IMAGE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let sniffed = if body.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if body.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if body.len() > 12 && &body[0..4] == b"RIFF" && &body[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    };
    match sniffed {
        Some(kind) => Ok(kind),
        // SVG is served with a restrictive Content-Security-Policy (see `image_response`).
        None if declared.starts_with("image/svg+xml") => Ok("image/svg+xml"),
        None => Err(invalid(
            "invalid_image",
            "body",
            format!(
                "format d'image non reconnu (Content-Type « {declared} ») : envoyez un PNG, \
                 un JPEG, un WebP ou un SVG"
            ),
        )),
    }
}

fn stored_image(content_type: &str, body: &[u8]) -> db::display::StoredImage {
    db::display::StoredImage {
        content_type: content_type.to_string(),
        body: body.to_vec(),
        sha256: hex::encode(Sha256::digest(body)),
    }
}

/// `PUT /api/v1/elections/{id}/candidates/{n}/photo`: the raw image as the body.
pub async fn put_photo(
    State(state): State<AppState>,
    writer: Writer,
    Path((id, number)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let number: u32 = number.parse().map_err(|_| {
        invalid(
            "invalid_candidate",
            "n",
            format!("numéro de panneau « {number} » invalide : un entier est attendu"),
        )
    })?;
    let image = stored_image(image_type(&headers, &body)?, &body);
    let sha256 = image.sha256.clone();
    state
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            let config = db::elections::config(&transaction, id)?.ok_or_else(|| not_found(id))?;
            if !config
                .candidates
                .iter()
                .any(|candidate| candidate.ballot_number == number)
            {
                return Err(ServiceError::NotFound(format!(
                    "pas de candidat ni de liste au panneau {number} dans l'élection {id}"
                )));
            }
            db::display::store_photo(&transaction, id, number, &image)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &writer.actor,
                    election_id: Some(id),
                    action: "display.photo",
                    target: &format!("panneau {number}"),
                    before: None,
                    after: Some(json!({ "sha256": image.sha256, "bytes": image.body.len() })),
                    reason: None,
                },
            )?;
            let event = db::events::append(&transaction, Some(id), "display", None, None, None)?;
            transaction.commit()?;
            Ok(((), vec![event]))
        })
        .await?;
    Ok(Json(json!({ "sha256": sha256 })))
}

/// Sends a stored image with an ETag of its SHA-256.
fn image_response(image: db::display::StoredImage, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", &image.sha256);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        image.body.into_response()
    };
    let out = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&image.content_type) {
        out.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60, must-revalidate"),
    );
    // An uploaded SVG may hold scripts: this policy keeps them from running.
    out.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    response
}

pub async fn get_photo(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = election_id(&id)?;
    let number: u32 = number.parse().map_err(|_| {
        ApiError(ServiceError::NotFound(format!(
            "pas de photo pour le panneau « {number} »"
        )))
    })?;
    let image = state
        .read(move |connection| {
            db::display::photo(connection, id, number)?.ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "pas de photo pour le panneau {number} de l'élection {id}"
                ))
            })
        })
        .await?;
    Ok(image_response(image, &headers))
}

/// `GET /api/v1/elections/{id}/plan`: the plan of the polling places, public like the
/// candidate photos because it carries no results.
pub async fn get_plan(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = election_id(&id)?;
    let image = state
        .read(move |connection| {
            db::elections::find(connection, id)?.ok_or_else(|| not_found(id))?;
            db::display::plan(connection, id)?.ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "pas de plan des bureaux de vote pour l'élection {id} : envoyez-le depuis \
                     /admin/elections/{id}/candidates"
                ))
            })
        })
        .await?;
    Ok(image_response(image, &headers))
}

/// `PUT /api/v1/logo`: the town's logo, the raw image as the body.
pub async fn put_logo(
    State(state): State<AppState>,
    writer: Writer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let image = stored_image(image_type(&headers, &body)?, &body);
    let sha256 = image.sha256.clone();
    state
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            db::display::store_logo(&transaction, &image)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &writer.actor,
                    election_id: None,
                    action: "display.logo",
                    target: "logo",
                    before: None,
                    after: Some(json!({ "sha256": image.sha256, "bytes": image.body.len() })),
                    reason: None,
                },
            )?;
            let event = db::events::append(&transaction, None, "display", None, None, None)?;
            transaction.commit()?;
            Ok(((), vec![event]))
        })
        .await?;
    Ok(Json(json!({ "sha256": sha256 })))
}

pub async fn get_logo(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let image = state
        .read(|connection| {
            db::display::logo(connection)?.ok_or_else(|| {
                ServiceError::NotFound("pas de logo : envoyez-le avec PUT /api/v1/logo".to_string())
            })
        })
        .await?;
    Ok(image_response(image, &headers))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbargoWrite {
    /// RFC 3339 time with its offset, or `null` to lift the embargo.
    until: Option<String>,
}

fn embargo_body(embargo: Option<db::display::Embargo>) -> serde_json::Value {
    match embargo {
        Some(embargo) => json!({
            "until": embargo
                .until
                .with_timezone(&chrono_tz::Europe::Paris)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            "active": embargo.is_active(Utc::now()),
            "released": embargo.released,
        }),
        None => json!({ "until": null, "active": false, "released": false }),
    }
}

pub async fn get_embargo(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let embargo = state
        .read(move |connection| {
            db::elections::find(connection, id)?.ok_or_else(|| not_found(id))?;
            Ok(db::display::embargo(connection, id)?)
        })
        .await?;
    Ok(Json(embargo_body(embargo)))
}

/// `PUT /api/v1/elections/{id}/embargo`: `{"until": "2026-03-15T20:00:00+01:00"}`.
pub async fn put_embargo(
    State(state): State<AppState>,
    writer: Writer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = election_id(&id)?;
    let request: EmbargoWrite = serde_json::from_slice(&body).map_err(|error| {
        invalid(
            "invalid_body",
            "until",
            format!(
                "corps invalide : {error} ; attendu {{\"until\": \"AAAA-MM-JJTHH:MM:SS+01:00\"}}"
            ),
        )
    })?;
    let until = request
        .until
        .as_deref()
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|time| time.with_timezone(&Utc))
                .map_err(|_| {
                    invalid(
                        "invalid_embargo",
                        "until",
                        format!(
                            "heure « {text} » invalide : format RFC 3339 avec décalage attendu, \
                             par exemple 2026-03-15T20:00:00+01:00"
                        ),
                    )
                })
        })
        .transpose()?;
    let embargo = state
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            db::elections::find(&transaction, id)?.ok_or_else(|| not_found(id))?;
            let before = db::display::embargo(&transaction, id)?;
            db::display::store_embargo(&transaction, id, until, &writer.actor)?;
            let after = db::display::embargo(&transaction, id)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &writer.actor,
                    election_id: Some(id),
                    action: "embargo.write",
                    target: "embargo des résultats",
                    before: before.map(|e| json!({ "until": e.until })),
                    after: after.as_ref().map(|e| json!({ "until": e.until })),
                    reason: None,
                },
            )?;
            let event = db::events::append(&transaction, Some(id), "embargo", None, None, None)?;
            transaction.commit()?;
            Ok((after, vec![event]))
        })
        .await?;
    Ok(Json(embargo_body(embargo)))
}
