//! Who may read results during an embargo: in-hall reads carry the election's display key
//! (`X-Display-Key` header or `key` query parameter) or a valid write token.

use crate::db;
use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Header that carries the display key of an in-hall read.
pub const DISPLAY_KEY_HEADER: &str = "x-display-key";

/// Whether a request may read an election's results during its embargo.
pub fn is_in_hall(
    connection: &rusqlite::Connection,
    election: i64,
    headers: &HeaderMap,
    query_key: Option<&str>,
) -> rusqlite::Result<bool> {
    let key = headers
        .get(DISPLAY_KEY_HEADER)
        .and_then(|value| value.to_str().ok())
        .or(query_key);
    if let Some(key) = key
        && db::display::election_of_key(connection, key)? == Some(election)
    {
        return Ok(true);
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match bearer {
        Some(token) => Ok(db::tokens::check(connection, token)?.is_some()),
        None => Ok(false),
    }
}

/// The 403 answer of a public read during an embargo.
pub fn embargo_response(until: DateTime<Utc>) -> Response {
    let local = until.with_timezone(&chrono_tz::Europe::Paris);
    (
        StatusCode::FORBIDDEN,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(json!({ "error": {
            "code": "embargo",
            "until": local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            "message": format!(
                "résultats sous embargo jusqu'à {} : ils seront publiés à cette heure",
                local.format("%H h %M")
            ),
        }})),
    )
        .into_response()
}
