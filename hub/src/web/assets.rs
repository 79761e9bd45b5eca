//! The interface's CSS and scripts, compiled into the binary so the hub needs no network
//! and no files beside it. URLs carry a hash of the content, so browsers may cache a file
//! for a year and still load a new version after an upgrade.

use super::page_error::PageError;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "admin.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../static/admin.css"),
    },
    Asset {
        name: "board.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/board.js"),
    },
    Asset {
        name: "sheet.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/sheet.js"),
    },
    Asset {
        name: "turnout.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/turnout.js"),
    },
];

/// Returns the URL of a static file, with the first 12 hex digits of its SHA-256.
pub fn url(name: &str) -> String {
    static HASHES: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let hashes = HASHES.get_or_init(|| {
        ASSETS
            .iter()
            .map(|asset| {
                let digest = hex::encode(Sha256::digest(asset.body.as_bytes()));
                (asset.name, digest[..12].to_string())
            })
            .collect()
    });
    let version = hashes
        .iter()
        .find(|(known, _)| *known == name)
        .map_or("0", |(_, hash)| hash.as_str());
    format!("/admin/static/{name}?v={version}")
}

/// `GET /admin/static/{file}`.
pub async fn serve(Path(file): Path<String>) -> Result<Response, PageError> {
    let asset = ASSETS
        .iter()
        .find(|asset| asset.name == file)
        .ok_or_else(|| PageError::NotFound(format!("fichier « {file} » introuvable")))?;
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
