//! Errors of the web pages, shown as a French page with the matching HTTP status.

use super::layout;
use crate::service::ServiceError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

#[derive(Debug)]
pub enum PageError {
    /// No valid session: the browser is sent to the login page, then back to `next`.
    LoginRequired {
        next: String,
    },
    NotFound(String),
    /// The user's role or station list does not allow the action.
    Forbidden(String),
    /// A form that cannot be read as it is (missing CSRF token, unknown field value).
    BadRequest(String),
    /// The election is not open, or the record changed in a way the page cannot show.
    Conflict(String),
    Internal(anyhow::Error),
}

impl From<ServiceError> for PageError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound(message) => PageError::NotFound(message),
            ServiceError::Invalid { message, .. } | ServiceError::Inconsistent { message, .. } => {
                PageError::BadRequest(message)
            }
            ServiceError::Stale { message, .. } | ServiceError::Conflict(message) => {
                PageError::Conflict(message)
            }
            ServiceError::Internal(error) => PageError::Internal(error),
        }
    }
}

impl From<rusqlite::Error> for PageError {
    fn from(error: rusqlite::Error) -> Self {
        if let Some(message) = crate::archive::frozen_message(&error) {
            return PageError::Conflict(message);
        }
        PageError::Internal(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::LoginRequired { next } => {
                let target = format!("/admin/login?next={}", encode_component(&next));
                return Redirect::to(&target).into_response();
            }
            PageError::NotFound(message) => (StatusCode::NOT_FOUND, "Page introuvable", message),
            PageError::Forbidden(message) => {
                tracing::warn!(message, "web request rejected: not allowed");
                (StatusCode::FORBIDDEN, "Action refusée", message)
            }
            PageError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "Demande invalide", message)
            }
            PageError::Conflict(message) => (StatusCode::CONFLICT, "Action impossible", message),
            PageError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "web page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Erreur interne",
                    "erreur interne du hub : rien n'a été enregistré ; réessayez, et consultez \
                     le journal du hub si elle se reproduit"
                        .to_string(),
                )
            }
        };
        let body = html! {
            h1 { (title) }
            p.message.error role="alert" { (capitalise(&message)) }
            p { a href="/admin/elections" { "Retour à la liste des élections" } }
        };
        (status, layout::bare_page(title, body)).into_response()
    }
}

/// Returns `text` with its first letter in upper case, for messages shown as sentences.
pub fn capitalise(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// Percent-encodes a query-string component (RFC 3986 unreserved characters kept).
pub fn encode_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// `GET /admin/…` for paths that match no page.
pub async fn not_found() -> PageError {
    PageError::NotFound(
        "adresse inconnue : les pages de saisie sont sous /admin/elections".to_string(),
    )
}
