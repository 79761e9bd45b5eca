//! The JSON API under `/api/v1`, documented in docs/api.md.

mod communes;
mod display;
mod events;
mod extract;
mod lists;
mod read;
mod write;

use crate::service::ServiceError;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::json;

/// Builds the hub's router; tests mount it on a real socket bound to port 0.
pub fn router(state: AppState) -> Router {
    let embargo = axum::middleware::from_fn_with_state(state.clone(), display::embargo_gate);
    let api = Router::new()
        .route("/health", get(read::health))
        .route("/elections", get(read::list_elections))
        .route("/elections/{id}", get(read::configuration))
        .route(
            "/elections/{id}/results",
            get(read::results).route_layer(embargo.clone()),
        )
        .route("/elections/{id}/turnout", get(read::turnout))
        .route(
            "/elections/{id}/hundreds",
            get(read::hundreds).route_layer(embargo.clone()),
        )
        .route("/elections/{id}/audit", get(read::audit))
        .route(
            "/elections/{id}/seats",
            get(read::seats).route_layer(embargo.clone()),
        )
        .route(
            "/elections/{id}/outcome",
            get(read::outcome).route_layer(embargo.clone()),
        )
        .route(
            "/elections/{id}/seats/configuration",
            put(write::seat_configuration),
        )
        .route(
            "/elections/{id}/lists/{n}/members",
            get(lists::get_members).put(lists::put_members),
        )
        .route(
            "/elections/{id}/stations/{station}/results",
            put(write::final_results),
        )
        .route(
            "/elections/{id}/stations/{station}/validation",
            post(write::validation),
        )
        .route(
            "/elections/{id}/stations/{station}/turnout/{slot}",
            put(write::turnout),
        )
        .route(
            "/elections/{id}/stations/{station}/hundreds/{which}",
            put(write::hundred),
        )
        .route(
            "/elections/{id}/display",
            get(display::get_display).put(display::put_display),
        )
        .route("/elections/{id}/display/key", get(display::get_display_key))
        .route(
            "/elections/{id}/candidates/{n}/photo",
            get(display::get_photo).put(display::put_photo),
        )
        .route("/elections/{id}/plan", get(display::get_plan))
        .route("/logo", get(display::get_logo).put(display::put_logo))
        .route(
            "/elections/{id}/embargo",
            get(display::get_embargo).put(display::put_embargo),
        )
        .route(
            "/elections/{id}/race",
            get(communes::race).route_layer(embargo.clone()),
        )
        .route(
            "/elections/{id}/other-communes",
            get(communes::get_list).put(communes::put_list),
        )
        .route(
            "/elections/{id}/other-communes/import",
            post(communes::import),
        )
        .route(
            "/elections/{id}/other-communes/{insee}/results",
            put(communes::put_totals),
        )
        .route(
            "/elections/{id}/other-communes/{insee}/validation",
            post(communes::validation),
        )
        .route("/events", get(events::stream))
        .route("/analysis/turnout", get(crate::analysis::api::turnout))
        .route("/analysis/stations", get(crate::analysis::api::stations))
        .route("/analysis/votes", get(crate::analysis::api::votes))
        .route("/analysis/trend", get(crate::analysis::api::trend))
        .route(
            "/analysis/mapping",
            get(crate::analysis::api::get_mapping).put(crate::analysis::api::put_mapping),
        )
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .nest("/api/v1", api)
        .merge(crate::web::router(state.clone()))
        .merge(crate::projection::router())
        .nest_service("/public", crate::publish::router(state.clone()))
        .fallback(not_found)
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::from(ServiceError::NotFound(
        "adresse inconnue : l'API est sous /api/v1 (voir docs/api.md)".to_string(),
    ))
}

async fn method_not_allowed(
    method: axum::http::Method,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> Response {
    let message = format!(
        "méthode {method} non acceptée sur {} : voir docs/api.md pour les méthodes de chaque \
         adresse",
        uri.path()
    );
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({ "error": { "code": "method_not_allowed", "message": message } })),
    )
        .into_response()
}

/// An error sent as `{"error": {"code", "message", …}}` with its HTTP status.
pub struct ApiError(ServiceError);

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        ApiError(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self.0 {
            ServiceError::NotFound(message) => (
                StatusCode::NOT_FOUND,
                json!({ "code": "not_found", "message": message }),
            ),
            ServiceError::Invalid {
                code,
                field,
                message,
            } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "code": code, "field": field, "message": message }),
            ),
            ServiceError::Inconsistent { message, findings } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "code": "inconsistent", "message": message, "findings": findings }),
            ),
            ServiceError::Stale {
                message,
                current_version,
                current,
            } => (
                StatusCode::CONFLICT,
                json!({
                    "code": "stale_version",
                    "message": message,
                    "current_version": current_version,
                    "current": current,
                }),
            ),
            ServiceError::Conflict(message) => (
                StatusCode::CONFLICT,
                json!({ "code": "conflict", "message": message }),
            ),
            ServiceError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({
                        "code": "internal",
                        "message": "erreur interne du hub : l'opération n'a pas été \
                                    enregistrée ; réessayez, et consultez le journal du hub \
                                    si elle se reproduit",
                    }),
                )
            }
        };
        (status, Json(json!({ "error": body }))).into_response()
    }
}

/// The caller of a write, identified by a valid bearer token.
pub struct Writer {
    /// Name recorded in the audit log (`jeton:initial`).
    pub actor: String,
}

impl FromRequestParts<AppState> for Writer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthorized = |message: &str| {
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                Json(json!({ "error": { "code": "unauthorized", "message": message } })),
            )
                .into_response()
        };
        let Some(token) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token)
            .map(str::to_string)
        else {
            return Err(unauthorized(
                "jeton manquant : envoyez l'en-tête « Authorization: Bearer <jeton> » avec le \
                 jeton affiché au premier démarrage du hub (urne-hub token reset en crée un \
                 nouveau)",
            ));
        };
        let label = state
            .read(move |connection| Ok(crate::db::tokens::check(connection, &token)?))
            .await
            .map_err(|error| ApiError(error).into_response())?;
        match label {
            Some(label) => Ok(Writer {
                actor: format!("jeton:{label}"),
            }),
            None => Err(unauthorized(
                "jeton invalide ou révoqué : utilisez le jeton affiché au premier démarrage du \
                 hub, ou créez-en un avec « urne-hub token reset »",
            )),
        }
    }
}

/// Returns the credentials of an `Authorization: Bearer …` value; the scheme name is
/// case-insensitive (RFC 9110, section 11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

/// Parses an election id from the path, with a French message when it is not a number.
fn election_id(text: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| {
        ApiError(ServiceError::Invalid {
            code: "invalid_election",
            field: Some("id".to_string()),
            message: format!(
                "identifiant d'élection « {text} » invalide : un nombre entier est attendu"
            ),
        })
    })
}
