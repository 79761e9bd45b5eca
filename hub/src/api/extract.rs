//! Extractors that reject a request they cannot read (a path segment that is not UTF-8, a
//! body over the size limit) with the API's JSON error in French. axum's own extractors
//! respond in English plain text.

use super::ApiError;
use crate::service::ServiceError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::{StatusCode, request::Parts};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

/// Path parameters, like [`Path`], rejected with a 422 `invalid_path` naming the segment.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(path_error(&rejection)),
        }
    }
}

fn path_error(rejection: &PathRejection) -> ApiError {
    let key = match rejection {
        PathRejection::FailedToDeserializePathParams(error) => match error.kind() {
            ErrorKind::InvalidUtf8InPathParam { key } => Some(key.clone()),
            ErrorKind::ParseErrorAtKey { key, .. } | ErrorKind::DeserializeError { key, .. } => {
                Some(key.clone())
            }
            _ => None,
        },
        _ => None,
    };
    let segment = key
        .as_deref()
        .map_or_else(String::new, |key| format!(" « {key} »"));
    ApiError::from(ServiceError::Invalid {
        code: "invalid_path",
        field: key.clone(),
        message: format!(
            "adresse invalide : le segment{segment} du chemin n'est pas du texte UTF-8 lisible ; \
             écrivez le code du bureau, la tranche horaire ou l'identifiant en clair (voir \
             docs/api.md)"
        ),
    })
}

/// Largest request body the API reads, in bytes: axum's default limit (2 MiB), which no
/// write of the API comes near.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// A request body read whole, like [`Bytes`]; a body over [`MAX_BODY_BYTES`] is rejected
/// with a 413 `body_too_large` in JSON.
pub struct ApiBody(pub Bytes);

impl<S> FromRequest<S> for ApiBody
where
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(ApiBody(bytes)),
            Err(rejection) => Err(body_error(&rejection)),
        }
    }
}

fn body_error(rejection: &BytesRejection) -> Response {
    let status = rejection.status();
    let (code, message) = if status == StatusCode::PAYLOAD_TOO_LARGE {
        (
            "body_too_large",
            format!(
                "corps de requête trop volumineux : au plus {MAX_BODY_BYTES} octets sont \
                 acceptés ; envoyez un seul enregistrement par requête (voir docs/api.md)"
            ),
        )
    } else {
        (
            "invalid_body",
            "corps de requête illisible : la connexion a été interrompue pendant l'envoi ; \
             renvoyez la requête"
                .to_string(),
        )
    };
    let body = json!({ "error": { "code": code, "field": null, "message": message } });
    (status, Json(body)).into_response()
}
