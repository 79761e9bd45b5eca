//! An election's candidates with their photos, and the photo upload form. Photos are
//! stored with [`crate::db::display::store_photo`], as `PUT
//! /api/v1/elections/{id}/candidates/{n}/photo` stores them, with the same audit action
//! and `display` event.

use super::upload::read_upload;
use super::{is_administrator, require_administrator};
use crate::db::{self, audit::AuditRecord};
use crate::web::WebState;
use crate::web::auth::Viewer;
use crate::web::elections::load;
use crate::web::layout::{self, Section};
use crate::web::page_error::PageError;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Largest photo accepted, in bytes; the same limit as the JSON API's.
const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Deserialize)]
pub struct PhotoQuery {
    /// Ballot number whose photo was just stored.
    stored: Option<u32>,
    /// `stored` after the plan of the polling places was stored.
    plan: Option<String>,
}

/// `GET /admin/elections/{id}/candidates`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<PhotoQuery>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let (with_photo, has_plan) = state
        .app
        .read(move |connection| {
            let with_photo = db::display::photo_numbers(connection, election_id)?;
            let has_plan = db::display::plan(connection, election_id)?.is_some();
            Ok((with_photo, has_plan))
        })
        .await?;
    let plan_stored = query.plan.as_deref() == Some("stored");
    let administrator = is_administrator(&viewer);
    let body = html! {
        h1 { "Candidats et photos" }
        @if let Some(number) = query.stored {
            (layout::message("success", &format!("Photo du panneau {number} enregistrée.")))
        }
        p { "Candidats copiés dans l'élection à sa création. Les photos s'affichent sur le \
             projecteur ; PNG, JPEG ou WebP, " (MAX_PHOTO_BYTES / (1024 * 1024)) " Mio au plus." }
        table.list #election-candidates {
            caption.visually-hidden { "Candidats de l'élection" }
            thead { tr {
                th.number scope="col" { "Panneau" }
                th scope="col" { "Candidat ou liste" }
                th scope="col" { "Nuance" }
                th scope="col" { "Photo" }
                @if administrator { th scope="col" { "Nouvelle photo" } }
            } }
            tbody {
                @for candidate in &config.candidates {
                    @let number = candidate.ballot_number;
                    @let field = format!("photo-{number}");
                    tr id={ "candidate-" (number) } {
                        td.number { (number) }
                        td { (candidate.display_name()) }
                        td { (candidate.nuance.as_deref().unwrap_or("—")) }
                        td {
                            @if with_photo.contains(&number) {
                                img.photo src={ "/api/v1/elections/" (election_id) "/candidates/" (number) "/photo" }
                                    alt={ "Photo de " (candidate.display_name()) } height="48";
                            } @else { "aucune" }
                        }
                        @if administrator {
                            td {
                                form.inline method="post" enctype="multipart/form-data"
                                    action={ "/admin/elections/" (election_id) "/candidates/" (number) "/photo" } {
                                    (layout::csrf_field(&viewer))
                                    label.visually-hidden for=(field) {
                                        "Photo de " (candidate.display_name())
                                    }
                                    input id=(field) type="file" name="photo" required
                                        accept="image/png,image/jpeg,image/webp";
                                    button type="submit" {
                                        "Envoyer"
                                        span.visually-hidden { " la photo du panneau " (number) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (super::plan::section(&viewer, election_id, has_plan, plan_stored))
    };
    Ok(layout::page(
        "Candidats et photos",
        &viewer,
        Some(&row),
        Section::Elections,
        body,
        &[],
    )
    .into_response())
}

/// Recognises a PNG, JPEG or WebP image from its first bytes.
pub(super) fn image_type(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if body.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if body.len() > 12 && &body[0..4] == b"RIFF" && &body[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// `POST /admin/elections/{id}/candidates/{number}/photo`.
pub async fn upload(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((id, number)): Path<(String, String)>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let upload = read_upload(&viewer, &headers, multipart).await?;
    require_administrator(&viewer)?;
    let (row, config) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let number: u32 = number.parse().map_err(|_| {
        PageError::NotFound(format!(
            "panneau « {number} » introuvable : le numéro de panneau est un entier"
        ))
    })?;
    let Some(candidate) = config.candidate(number) else {
        return Err(PageError::NotFound(format!(
            "pas de candidat ni de liste au panneau {number} dans l'élection {election_id}"
        )));
    };
    let Some(file) = upload.files.into_iter().find(|f| f.field == "photo") else {
        return Err(PageError::BadRequest(
            "aucune photo choisie : choisissez un fichier PNG, JPEG ou WebP".to_string(),
        ));
    };
    if file.bytes.len() > MAX_PHOTO_BYTES {
        return Err(PageError::BadRequest(format!(
            "photo « {} » trop lourde ({} octets) : {} Mio au plus",
            file.file_name,
            file.bytes.len(),
            MAX_PHOTO_BYTES / (1024 * 1024)
        )));
    }
    let Some(content_type) = image_type(&file.bytes) else {
        return Err(PageError::BadRequest(format!(
            "fichier « {} » refusé : ce n'est ni un PNG, ni un JPEG, ni un WebP",
            file.file_name
        )));
    };
    let image = db::display::StoredImage {
        content_type: content_type.to_string(),
        sha256: hex::encode(Sha256::digest(&file.bytes)),
        body: file.bytes,
    };
    let actor = viewer.login().to_string();
    let name = candidate.display_name();
    state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            db::display::store_photo(&transaction, election_id, number, &image)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &actor,
                    election_id: Some(election_id),
                    action: "display.photo",
                    target: &format!("panneau {number}"),
                    before: None,
                    after: Some(serde_json::json!({
                        "sha256": image.sha256,
                        "bytes": image.body.len(),
                        "candidate": name,
                    })),
                    reason: None,
                },
            )?;
            let event =
                db::events::append(&transaction, Some(election_id), "display", None, None, None)?;
            transaction.commit()?;
            Ok(((), vec![event]))
        })
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/elections/{election_id}/candidates?stored={number}"
    ))
    .into_response())
}
