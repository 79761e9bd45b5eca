//! The upload form of an election's plan of the polling places, shown on the candidates
//! page. The kiosks fetch the plan from `GET /api/v1/elections/{id}/plan`.

use super::upload::read_upload;
use super::{is_administrator, require_administrator};
use crate::db::{self, audit::AuditRecord};
use crate::web::WebState;
use crate::web::auth::Viewer;
use crate::web::elections::load;
use crate::web::layout;
use crate::web::page_error::PageError;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use sha2::{Digest, Sha256};

/// Largest plan accepted, in bytes.
pub const MAX_PLAN_BYTES: usize = 2 * 1024 * 1024;

/// Recognises a PNG or JPEG image from its first bytes.
fn plan_type(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if body.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Renders the plan section of the candidates page.
pub fn section(viewer: &Viewer, election_id: i64, has_plan: bool, stored: bool) -> Markup {
    html! {
        section #polling-place-plan {
            h2 { "Plan des bureaux de vote" }
            @if stored {
                (layout::message("success", "Plan des bureaux de vote enregistré."))
            }
            p { "Plan affiché sur l'écran « Bureaux » des bornes ; PNG ou JPEG, "
                (MAX_PLAN_BYTES / (1024 * 1024)) " Mio au plus." }
            @if has_plan {
                img.plan src={ "/api/v1/elections/" (election_id) "/plan" }
                    alt="Plan des bureaux de vote" height="160";
            } @else {
                p { "Aucun plan envoyé." }
            }
            @if is_administrator(viewer) {
                form method="post" enctype="multipart/form-data"
                    action={ "/admin/elections/" (election_id) "/plan" } {
                    (layout::csrf_field(viewer))
                    label for="plan" { "Fichier du plan" }
                    input #plan type="file" name="plan" required accept="image/png,image/jpeg";
                    button type="submit" { "Envoyer le plan" }
                }
            }
        }
    }
}

/// Logs a rejected plan upload and returns its French message as a 400 page.
fn reject(election_id: i64, message: String) -> PageError {
    tracing::warn!(election_id, %message, "plan upload rejected");
    PageError::BadRequest(message)
}

/// `POST /admin/elections/{id}/plan`.
pub async fn upload(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let upload = read_upload(&viewer, &headers, multipart).await?;
    require_administrator(&viewer)?;
    let (row, _config) = load(&state, &id).await?;
    let election_id = row.summary.id;

    let Some(file) = upload.files.into_iter().find(|f| f.field == "plan") else {
        return Err(reject(
            election_id,
            "champ « plan » vide : choisissez un fichier PNG ou JPEG".to_string(),
        ));
    };
    if file.bytes.len() > MAX_PLAN_BYTES {
        return Err(reject(
            election_id,
            format!(
                "champ « plan » : fichier « {} » trop lourd ({} octets) ; réduisez-le à {} Mio \
                 au plus",
                file.file_name,
                file.bytes.len(),
                MAX_PLAN_BYTES / (1024 * 1024)
            ),
        ));
    }
    let Some(content_type) = plan_type(&file.bytes) else {
        return Err(reject(
            election_id,
            format!(
                "champ « plan » : fichier « {} » refusé car ce n'est ni un PNG ni un JPEG ; \
                 enregistrez le plan dans l'un de ces formats",
                file.file_name
            ),
        ));
    };

    let image = db::display::StoredImage {
        content_type: content_type.to_string(),
        sha256: hex::encode(Sha256::digest(&file.bytes)),
        body: file.bytes,
    };
    let actor = viewer.login().to_string();
    state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            db::display::store_plan(&transaction, election_id, &image)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &actor,
                    election_id: Some(election_id),
                    action: "display.plan",
                    target: "plan des bureaux de vote",
                    before: None,
                    after: Some(serde_json::json!({
                        "sha256": image.sha256,
                        "bytes": image.body.len(),
                        "content_type": image.content_type,
                    })),
                    reason: None,
                },
            )?;
            let event =
                db::events::append(&transaction, Some(election_id), "plan", None, None, None)?;
            transaction.commit()?;
            Ok(((), vec![event]))
        })
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/elections/{election_id}/candidates?plan=stored"
    ))
    .into_response())
}
