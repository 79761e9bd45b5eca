//! The projector settings of an election (`/admin/elections/{id}/display`): slides, their
//! order and duration, title, colours, font scale, logo and public address, and the results
//! embargo. Administrators only, because the page shows the projector's address, whose key
//! reads results before the embargo.
//!
//! Settings are stored with [`db::display::store`] as `PUT /api/v1/elections/{id}/display`
//! stores them, with the same `display.write` audit action and `display` event, so an open
//! projector page redraws without a reload. The logo and the embargo follow `PUT
//! /api/v1/logo` and `PUT /api/v1/elections/{id}/embargo` in the same way.

mod form;

use super::photos::image_type;
use super::upload::read_upload;
use super::{require_administrator, with_status};
use crate::db::display::{DisplayConfiguration, Embargo};
use crate::db::elections::ElectionRow;
use crate::db::{self, audit::AuditRecord};
use crate::web::WebState;
use crate::web::auth::{Submission, Viewer};
use crate::web::elections::load;
use crate::web::layout::{self, Section};
use crate::web::page_error::{PageError, capitalise};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use form::{COLOURS, Draft, Refusal, contrast_warnings, slide_label};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Largest logo accepted, in bytes; the same limit as `PUT /api/v1/logo`.
const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;

/// Confirmation shown after a redirect, naming what was stored.
#[derive(Debug, Default, Deserialize)]
pub struct DisplayNotice {
    done: Option<String>,
}

impl DisplayNotice {
    fn render(&self) -> Markup {
        let text = match self.done.as_deref() {
            Some("settings") => "Réglages du projecteur enregistrés.",
            Some("logo") => "Logo enregistré.",
            Some("embargo") => "Embargo enregistré.",
            Some("embargo_lifted") => "Embargo levé.",
            _ => return html! {},
        };
        layout::message("success", text)
    }
}

/// Stored data the page shows besides the settings form.
struct Stored {
    configuration: Option<DisplayConfiguration>,
    embargo: Option<Embargo>,
    has_logo: bool,
}

async fn read_stored(state: &WebState, election_id: i64) -> Result<Stored, PageError> {
    let stored = state
        .app
        .read(move |connection| {
            Ok(Stored {
                configuration: db::display::find(connection, election_id)?,
                embargo: db::display::embargo(connection, election_id)?,
                has_logo: db::display::logo(connection)?.is_some(),
            })
        })
        .await?;
    Ok(stored)
}

fn paris_text(time: DateTime<Utc>) -> String {
    time.with_timezone(&Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

fn error_box(refusal: &Refusal) -> Markup {
    tracing::info!(
        field = refusal.field,
        message = refusal.message,
        "display form rejected"
    );
    html! {
        div.message.error role="alert" id="form-error" {
            p { (capitalise(&refusal.message)) }
            p { "Rien n'a été enregistré. " a href={ "#" (refusal.field) } { "Aller au champ" } }
        }
    }
}

fn colour_fields(name: &str, label: &str, value: &str, invalid: bool) -> Markup {
    let picker_value = if super::is_colour(value) {
        value
    } else {
        "#808080"
    };
    html! {
        p.field {
            label for=(name) { (label) " (#rrggbb)" }
            input id=(name) type="text" name=(name) value=(value) size="8" maxlength="7"
                spellcheck="false" autocomplete="off" aria-invalid=[invalid.then_some("true")];
            label.visually-hidden for={ (name) "_picker" } { (label) " (sélecteur)" }
            input id={ (name) "_picker" } type="color" name={ (name) "_picker" } value=(picker_value);
        }
    }
}

fn settings_form(election_id: i64, viewer: &Viewer, draft: &Draft, invalid: &str) -> Markup {
    let count = draft.rows.len();
    html! {
        form.config #display-form method="post" action={ "/admin/elections/" (election_id) "/display" } {
            (layout::csrf_field(viewer))
            fieldset {
                legend { "Textes" }
                p.field {
                    label for="title" { "Titre" }
                    input #title type="text" name="title" value=(draft.title) size="50"
                        aria-describedby="title-hint" aria-invalid=[(invalid == "title").then_some("true")];
                    span.hint #title-hint { " Vide : le nom de l'élection et de la commune." }
                }
                p.field {
                    label for="public_url" { "Adresse du site public (code QR)" }
                    input #public_url type="text" name="public_url" value=(draft.public_url)
                        size="50" aria-describedby="public-url-hint"
                        aria-invalid=[(invalid == "public_url").then_some("true")];
                    span.hint #public-url-hint { " Vide : les pages /public/ du hub." }
                }
            }
            fieldset {
                legend { "Diapositives" }
                p.hint { "Cochez les diapositives à projeter. Elles défilent dans l'ordre des \
                          numéros (1 d'abord), chacune pendant sa durée." }
                table.list #slides {
                    caption.visually-hidden { "Diapositives, ordre et durée" }
                    thead { tr {
                        th scope="col" { "Diapositive" }
                        th scope="col" { "Affichée" }
                        th scope="col" { "Ordre" }
                        th scope="col" { "Durée (secondes)" }
                    } }
                    tbody {
                        @for (index, row) in draft.rows.iter().enumerate() {
                            @let label = slide_label(&row.kind);
                            @let shown_id = format!("slide_shown_{index}");
                            @let position_id = format!("slide_position_{index}");
                            @let seconds_id = format!("slide_seconds_{index}");
                            tr id={ "slide-" (row.kind) } {
                                th scope="row" { (label) }
                                td {
                                    input type="hidden" name={ "slide_kind_" (index) } value=(row.kind);
                                    input id=(shown_id) type="checkbox" name=(shown_id) checked[row.shown]
                                        aria-invalid=[(invalid == shown_id).then_some("true")];
                                    label.visually-hidden for=(shown_id) { "Afficher « " (label) " »" }
                                }
                                td {
                                    label.visually-hidden for=(position_id) { "Ordre de « " (label) " »" }
                                    input id=(position_id) type="number" name=(position_id)
                                        value=(row.position) min="1" max=(count) step="1" size="3"
                                        aria-invalid=[(invalid == position_id).then_some("true")];
                                }
                                td {
                                    label.visually-hidden for=(seconds_id) { "Durée de « " (label) " » en secondes" }
                                    input id=(seconds_id) type="number" name=(seconds_id)
                                        value=(row.seconds) min="3" max="600" step="1" size="4"
                                        aria-invalid=[(invalid == seconds_id).then_some("true")];
                                }
                            }
                        }
                    }
                }
            }
            fieldset {
                legend { "Couleurs et taille" }
                @for ((name, label), value) in COLOURS.iter().zip(&draft.colours) {
                    (colour_fields(name, label, value, invalid == *name))
                }
                @for warning in contrast_warnings(&draft.colours) {
                    p.message.warning role="status" { (warning) }
                }
                p.field {
                    label for="font_scale_percent" { "Taille du texte (%)" }
                    input #font_scale_percent type="number" name="font_scale_percent"
                        value=(draft.font_scale_percent) min="50" max="300" step="5"
                        aria-describedby="font-hint"
                        aria-invalid=[(invalid == "font_scale_percent").then_some("true")];
                    span.hint #font-hint { " 100 : taille normale ; de 50 à 300." }
                }
            }
            fieldset {
                legend { "Images" }
                p.field {
                    input #show_logo type="checkbox" name="show_logo" checked[draft.show_logo];
                    label for="show_logo" { "Afficher le logo de la commune" }
                }
                p.field {
                    input #show_photos type="checkbox" name="show_photos" checked[draft.show_photos];
                    label for="show_photos" { "Afficher les photos des candidats" }
                }
                p {
                    "Les photos s'envoient depuis la page "
                    a href={ "/admin/elections/" (election_id) "/candidates" } { "Candidats et photos" }
                    "."
                }
            }
            p { button #save-display type="submit" { "Enregistrer les réglages" } }
        }
    }
}

fn logo_form(election_id: i64, viewer: &Viewer, has_logo: bool) -> Markup {
    html! {
        section aria-labelledby="logo-title" {
            h2 #logo-title { "Logo de la commune" }
            @if has_logo {
                p { img.logo src="/api/v1/logo" alt="Logo actuel de la commune" height="64"; }
            } @else {
                p { "Aucun logo enregistré." }
            }
            form.inline method="post" enctype="multipart/form-data"
                action={ "/admin/elections/" (election_id) "/display/logo" } {
                (layout::csrf_field(viewer))
                label for="logo" { "Nouveau logo (PNG, JPEG ou WebP, " (MAX_LOGO_BYTES / (1024 * 1024)) " Mio au plus)" }
                input #logo type="file" name="logo" required accept="image/png,image/jpeg,image/webp";
                button type="submit" { "Envoyer le logo" }
            }
            p.hint { "Le logo est commun à toutes les élections du hub." }
        }
    }
}

fn embargo_form(election_id: i64, viewer: &Viewer, embargo: Option<&Embargo>) -> Markup {
    let now = Utc::now();
    let value = embargo
        .map(|e| {
            e.until
                .with_timezone(&Paris)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default();
    html! {
        section aria-labelledby="embargo-title" {
            h2 #embargo-title { "Embargo des résultats" }
            p #embargo-state {
                @match embargo {
                    None => { "Aucun embargo : les résultats sont publics dès leur saisie." }
                    Some(e) if e.is_active(now) => {
                        "Embargo jusqu'au " (paris_text(e.until)) " (heure de Paris) : avant, seuls \
                         le projecteur et les jetons d'écriture lisent les résultats."
                    }
                    Some(e) => { "Embargo levé depuis le " (paris_text(e.until)) " (heure de Paris)." }
                }
            }
            form.inline method="post" action={ "/admin/elections/" (election_id) "/embargo" } {
                (layout::csrf_field(viewer))
                label for="embargo_until" { "Résultats publics à partir du (heure de Paris)" }
                input #embargo_until type="datetime-local" name="until" value=(value);
                button type="submit" name="action" value="set" { "Enregistrer l'embargo" }
                @if embargo.is_some() {
                    button type="submit" name="action" value="lift" { "Lever l'embargo" }
                }
            }
            p.hint { "Chaque changement et chaque levée sont inscrits au journal." }
        }
    }
}

fn render_page(
    viewer: &Viewer,
    row: &ElectionRow,
    stored: &Stored,
    draft: &Draft,
    notice: Markup,
    refusal: Option<&Refusal>,
) -> axum::response::Html<String> {
    let election_id = row.summary.id;
    let invalid = refusal.map_or("", |r| r.field.as_str());
    let body = html! {
        h1 { "Projecteur et embargo" }
        (notice)
        @if let Some(refusal) = refusal { (error_box(refusal)) }
        section aria-labelledby="address-title" {
            h2 #address-title { "Adresse du projecteur" }
            @if let Some(configuration) = &stored.configuration {
                @let path = format!("/projection/{election_id}?key={}", configuration.display_key);
                p {
                    "Ouvrez en plein écran (F11) sur l'ordinateur du projecteur : "
                    a #projector-link href=(path) { (path) }
                }
                p.hint {
                    "Cette adresse lit les résultats avant l'embargo : ne la diffusez pas. \
                     Réglages version " (configuration.version) ", par " (configuration.updated_by)
                    " le " (layout::day_and_clock(&configuration.updated_at)) "."
                }
            } @else {
                p { "Enregistrez les réglages une première fois pour créer l'adresse du projecteur." }
            }
            @if row.summary.rehearsal {
                p.message.warning role="status" {
                    "Cette élection est une simulation : le projecteur affiche SIMULATION sur \
                     chaque diapositive. Ce choix est fixé à la création de l'élection."
                }
            }
        }
        h2 { "Réglages" }
        (settings_form(election_id, viewer, draft, invalid))
        (logo_form(election_id, viewer, stored.has_logo))
        (embargo_form(election_id, viewer, stored.embargo.as_ref()))
    };
    layout::page(
        "Projecteur et embargo",
        viewer,
        Some(row),
        Section::Display,
        body,
        &[],
    )
}

/// `GET /admin/elections/{id}/display`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(notice): Query<DisplayNotice>,
) -> Result<Response, PageError> {
    require_administrator(&viewer)?;
    let (row, _) = load(&state, &id).await?;
    let stored = read_stored(&state, row.summary.id).await?;
    let settings = stored
        .configuration
        .as_ref()
        .map(|c| c.settings.clone())
        .unwrap_or_default();
    let draft = Draft::from_settings(&settings);
    Ok(render_page(&viewer, &row, &stored, &draft, notice.render(), None).into_response())
}

/// Sends the page again with the refusal and the typed values; nothing was stored.
async fn refused(
    state: &WebState,
    viewer: &Viewer,
    row: &ElectionRow,
    draft: Option<Draft>,
    refusal: Refusal,
) -> Result<Response, PageError> {
    let stored = read_stored(state, row.summary.id).await?;
    let draft = draft.unwrap_or_else(|| {
        let settings = stored
            .configuration
            .as_ref()
            .map(|c| c.settings.clone())
            .unwrap_or_default();
        Draft::from_settings(&settings)
    });
    let html = render_page(viewer, row, &stored, &draft, html! {}, Some(&refusal));
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, html))
}

/// `POST /admin/elections/{id}/display`: stores the settings.
pub async fn save(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let (row, _) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let draft = Draft::from_fields(&submission.fields);
    let settings = match draft.to_settings() {
        Ok(settings) => settings,
        Err(refusal) => return refused(&state, &viewer, &row, Some(draft), refusal).await,
    };
    let actor = viewer.login().to_string();
    state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            let before = db::display::find(&transaction, election_id)?
                .and_then(|stored| serde_json::to_value(&stored.settings).ok());
            db::display::store(&transaction, election_id, &settings, &actor)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &actor,
                    election_id: Some(election_id),
                    action: "display.write",
                    target: "affichage",
                    before,
                    after: serde_json::to_value(&settings).ok(),
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
        "/admin/elections/{election_id}/display?done=settings"
    ))
    .into_response())
}

/// `POST /admin/elections/{id}/display/logo`: stores the town's logo.
pub async fn upload_logo(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let upload = read_upload(&viewer, &headers, multipart).await?;
    require_administrator(&viewer)?;
    let (row, _) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let refuse = |message: String| Refusal::new("logo".to_string(), message);
    let Some(file) = upload.files.into_iter().find(|f| f.field == "logo") else {
        let refusal = refuse(
            "logo : aucun fichier choisi ; choisissez une image PNG, JPEG ou WebP".to_string(),
        );
        return refused(&state, &viewer, &row, None, refusal).await;
    };
    if file.bytes.len() > MAX_LOGO_BYTES {
        let refusal = refuse(format!(
            "logo « {} » trop lourd ({} octets) : {} Mio au plus ; réduisez l'image",
            file.file_name,
            file.bytes.len(),
            MAX_LOGO_BYTES / (1024 * 1024)
        ));
        return refused(&state, &viewer, &row, None, refusal).await;
    }
    let Some(content_type) = image_type(&file.bytes) else {
        let refusal = refuse(format!(
            "logo « {} » refusé : ce fichier n'est ni un PNG, ni un JPEG, ni un WebP ; \
             enregistrez l'image dans l'un de ces formats",
            file.file_name
        ));
        return refused(&state, &viewer, &row, None, refusal).await;
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
            db::display::store_logo(&transaction, &image)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &actor,
                    election_id: None,
                    action: "display.logo",
                    target: "logo",
                    before: None,
                    after: Some(json!({ "sha256": image.sha256, "bytes": image.body.len() })),
                    reason: None,
                },
            )?;
            // The logo serves every election, but the projector of this page's election
            // follows only its own events.
            let event =
                db::events::append(&transaction, Some(election_id), "display", None, None, None)?;
            transaction.commit()?;
            Ok(((), vec![event]))
        })
        .await?;
    Ok(Redirect::to(&format!("/admin/elections/{election_id}/display?done=logo")).into_response())
}

/// Parses the `datetime-local` value of the embargo form as Europe/Paris civil time.
fn parse_paris_time(text: &str) -> Result<DateTime<Utc>, String> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| {
            format!(
                "heure de fin d'embargo « {text} » invalide : indiquez la date et l'heure, par \
                 exemple 2026-03-15T20:00"
            )
        })?;
    match Paris.from_local_datetime(&naive) {
        chrono::LocalResult::Single(time) => Ok(time.with_timezone(&Utc)),
        // The hour repeated when clocks go back: the later one keeps results private
        // longer, which is the safe side.
        chrono::LocalResult::Ambiguous(_, later) => Ok(later.with_timezone(&Utc)),
        chrono::LocalResult::None => Err(format!(
            "heure de fin d'embargo « {text} » inexistante à Paris (changement d'heure) : \
             choisissez une heure hors du passage à l'heure d'été"
        )),
    }
}

/// `POST /admin/elections/{id}/embargo`: sets or lifts the results embargo.
pub async fn save_embargo(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let (row, _) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let fields = submission.fields;
    let until = match fields.get("action") {
        Some("lift") => None,
        Some("set") => {
            let Some(text) = fields.text("until") else {
                let refusal = Refusal::new(
                    "embargo_until".to_string(),
                    "heure de fin d'embargo manquante : indiquez la date et l'heure, ou levez \
                     l'embargo"
                        .to_string(),
                );
                return refused(&state, &viewer, &row, None, refusal).await;
            };
            match parse_paris_time(&text) {
                Ok(until) => Some(until),
                Err(message) => {
                    let refusal = Refusal::new("embargo_until".to_string(), message);
                    return refused(&state, &viewer, &row, None, refusal).await;
                }
            }
        }
        other => {
            return Err(PageError::BadRequest(format!(
                "action d'embargo « {} » inconnue : rechargez la page et recommencez",
                other.unwrap_or_default()
            )));
        }
    };
    let actor = viewer.login().to_string();
    state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            let before = db::display::embargo(&transaction, election_id)?;
            db::display::store_embargo(&transaction, election_id, until, &actor)?;
            let after = db::display::embargo(&transaction, election_id)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &actor,
                    election_id: Some(election_id),
                    action: "embargo.write",
                    target: "embargo des résultats",
                    before: before.map(|e| json!({ "until": e.until })),
                    after: after.as_ref().map(|e| json!({ "until": e.until })),
                    reason: None,
                },
            )?;
            let event =
                db::events::append(&transaction, Some(election_id), "embargo", None, None, None)?;
            transaction.commit()?;
            Ok(((), vec![event]))
        })
        .await?;
    let done = if until.is_some() {
        "embargo"
    } else {
        "embargo_lifted"
    };
    Ok(Redirect::to(&format!(
        "/admin/elections/{election_id}/display?done={done}"
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn paris_time_in_winter() {
        let until = parse_paris_time("2026-03-15T20:00").unwrap();
        assert_eq!(until.to_rfc3339(), "2026-03-15T19:00:00+00:00");
        assert!(parse_paris_time("15/03/2026 20h").is_err());
        assert!(
            parse_paris_time("2026-03-29T02:30").is_err(),
            "skipped hour"
        );
    }
}
