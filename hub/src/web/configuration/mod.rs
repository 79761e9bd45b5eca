//! The reference configuration pages under `/admin/configuration`: the commune, cantons and
//! constituencies, polling stations, parties and nuances, candidates and lists, default
//! turnout slots, and the import of stations and candidates files. Also the forms that
//! create an election from this configuration, create a second round from a first one, and
//! store candidate photos.
//!
//! Every signed-in user may read these pages. Only administrators write: each handler checks
//! the role on the server before touching the database, whatever the page showed. Each
//! write runs in one transaction with its audit record (`reference.*` actions, outside any
//! election). Invalid input gets the page again, with the typed values kept and a French
//! message naming the field, the value and the fix, and nothing is stored.

mod areas;
mod candidates;
mod commune;
mod display;
mod new_election;
mod parties;
mod photos;
mod plan;
mod second_round;
mod stations;
pub(crate) mod upload;

use super::WebState;
use super::auth::Viewer;
use super::form::Fields;
use super::layout::{self, Section};
use super::page_error::PageError;
use crate::db::{self, audit::AuditRecord, users::Role};
use crate::service::ServiceError;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use rusqlite::Transaction;
use serde::Deserialize;

/// Largest upload accepted (import files, photos), in bytes.
const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;

/// Builds the configuration routes and the election creation and second-round forms.
pub fn router() -> Router<WebState> {
    let base = "/admin/configuration";
    Router::new()
        .route(base, get(commune::page).post(commune::save))
        .route(
            &format!("{base}/slots"),
            get(commune::slots_page).post(commune::save_slots),
        )
        .route(&format!("{base}/areas"), get(areas::page))
        .route(&format!("{base}/areas/{{kind}}"), post(areas::add))
        .route(
            &format!("{base}/areas/{{kind}}/{{code}}"),
            post(areas::rename),
        )
        .route(
            &format!("{base}/areas/{{kind}}/{{code}}/delete"),
            post(areas::delete),
        )
        .route(
            &format!("{base}/stations"),
            get(stations::page).post(stations::add),
        )
        .route(
            &format!("{base}/stations/{{code}}"),
            get(stations::edit_page).post(stations::update),
        )
        .route(
            &format!("{base}/stations/{{code}}/delete"),
            post(stations::delete),
        )
        .route(
            &format!("{base}/parties"),
            get(parties::page).post(parties::add),
        )
        .route(&format!("{base}/parties/{{code}}"), post(parties::update))
        .route(
            &format!("{base}/parties/{{code}}/delete"),
            post(parties::delete),
        )
        .route(
            &format!("{base}/candidates"),
            get(candidates::page).post(candidates::add),
        )
        .route(
            &format!("{base}/candidates/{{id}}"),
            get(candidates::edit_page).post(candidates::update),
        )
        .route(
            &format!("{base}/candidates/{{id}}/delete"),
            post(candidates::delete),
        )
        .route(
            &format!("{base}/import"),
            get(upload::import_page).post(upload::import),
        )
        .route(
            "/admin/elections/new",
            get(new_election::page).post(new_election::create),
        )
        .route(
            "/admin/elections/{id}/second-round",
            get(second_round::page).post(second_round::create),
        )
        .route("/admin/elections/{id}/candidates", get(photos::page))
        .route(
            "/admin/elections/{id}/candidates/{number}/photo",
            post(photos::upload),
        )
        .route(
            "/admin/elections/{id}/display",
            get(display::page).post(display::save),
        )
        .route(
            "/admin/elections/{id}/display/logo",
            post(display::upload_logo),
        )
        .route("/admin/elections/{id}/embargo", post(display::save_embargo))
        .route("/admin/elections/{id}/plan", post(plan::upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// The configuration pages, in the order of their tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Commune,
    Areas,
    Stations,
    Parties,
    Candidates,
    Slots,
    Import,
}

const TABS: [(Tab, &str, &str); 7] = [
    (Tab::Commune, "/admin/configuration", "Commune"),
    (
        Tab::Areas,
        "/admin/configuration/areas",
        "Cantons et circonscriptions",
    ),
    (
        Tab::Stations,
        "/admin/configuration/stations",
        "Bureaux de vote",
    ),
    (
        Tab::Parties,
        "/admin/configuration/parties",
        "Partis et nuances",
    ),
    (
        Tab::Candidates,
        "/admin/configuration/candidates",
        "Candidats et listes",
    ),
    (
        Tab::Slots,
        "/admin/configuration/slots",
        "Tranches de participation",
    ),
    (
        Tab::Import,
        "/admin/configuration/import",
        "Import de fichiers",
    ),
];

/// Renders a configuration page with its tabs, and a note for users who may only read.
fn config_page(title: &str, viewer: &Viewer, tab: Tab, body: Markup) -> Html<String> {
    let content = html! {
        nav.tabs aria-label="Configuration" {
            ul {
                @for (target, href, label) in TABS {
                    li {
                        @if target == tab {
                            a href=(href) aria-current="page" { (label) }
                        } @else {
                            a href=(href) { (label) }
                        }
                    }
                }
            }
        }
        h1 { (title) }
        @if !is_administrator(viewer) {
            p.message.warning role="status" {
                "Lecture seule : la configuration est modifiable par les administrateurs."
            }
        }
        (body)
    };
    layout::page(title, viewer, None, Section::Configuration, content, &[])
}

/// Renders a page with a status other than 200 (a refused form).
fn with_status(status: StatusCode, html: Html<String>) -> Response {
    (status, html).into_response()
}

fn is_administrator(viewer: &Viewer) -> bool {
    viewer.user().role == Role::Administrator
}

/// Rejects a write from a user who is not an administrator.
fn require_administrator(viewer: &Viewer) -> Result<(), PageError> {
    if is_administrator(viewer) {
        return Ok(());
    }
    Err(PageError::Forbidden(format!(
        "la configuration est réservée aux administrateurs, votre rôle est {} : rien n'a été \
         enregistré",
        viewer.user().role.label_fr()
    )))
}

/// Confirmation shown after a redirect: `done` names what happened to `item`.
#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    done: Option<String>,
    item: Option<String>,
}

impl Notice {
    fn render(&self) -> Markup {
        let verb = match self.done.as_deref() {
            Some("saved") => "Enregistré",
            Some("deleted") => "Supprimé",
            Some("imported") => "Importé",
            _ => return html! {},
        };
        let item = self.item.as_deref().unwrap_or_default();
        layout::message("success", &format!("{verb} : {item}."))
    }
}

/// Returns the address of `path` with a confirmation for `item`.
fn done_url(path: &str, done: &str, item: &str) -> String {
    format!(
        "{path}?done={done}&item={}",
        super::page_error::encode_component(item)
    )
}

fn redirect_done(path: &str, done: &str, item: &str) -> Response {
    Redirect::to(&done_url(path, done, item)).into_response()
}

/// Runs `work` in a write transaction and commits only when it returns `Ok(Ok(_))`. An
/// `Ok(Err(message))` is a refusal, sent back to the form, that leaves the database as
/// it was.
async fn write_reference<T, F>(state: &WebState, work: F) -> Result<Result<T, String>, PageError>
where
    T: Send + 'static,
    F: FnOnce(&Transaction<'_>) -> Result<Result<T, String>, ServiceError> + Send + 'static,
{
    let outcome = state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            let outcome = work(&transaction)?;
            if outcome.is_ok() {
                transaction.commit()?;
            }
            Ok((outcome, vec![]))
        })
        .await?;
    Ok(outcome)
}

/// Appends the audit record of a change of the reference configuration.
fn audit(
    transaction: &Transaction<'_>,
    actor: &str,
    action: &str,
    target: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> rusqlite::Result<()> {
    db::audit::append(
        transaction,
        &AuditRecord {
            actor,
            election_id: None,
            action,
            target,
            before,
            after,
            reason: None,
        },
    )
    .map(|_| ())
}

/// Returns the trimmed text of a required field, or the message naming it.
fn required_text(fields: &Fields, name: &str, label: &str, max: usize) -> Result<String, String> {
    let Some(text) = fields.text(name) else {
        return Err(format!("{label} manquant : remplissez ce champ"));
    };
    check_length(&text, label, max)?;
    Ok(text)
}

fn check_length(text: &str, label: &str, max: usize) -> Result<(), String> {
    if text.chars().count() > max {
        return Err(format!(
            "{label} « {text} » trop long : {max} caractères au plus"
        ));
    }
    Ok(())
}

/// Returns whether `text` is a colour written `#rrggbb`.
fn is_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Reads the colour of a form: the text field `colour` when filled, else the colour
/// picker `colour_picker`; `None` when both are empty. Returned in lower case.
fn colour_field(fields: &Fields) -> Result<Option<String>, String> {
    let chosen = fields
        .text("colour")
        .or_else(|| fields.text("colour_picker"));
    let Some(text) = chosen else {
        return Ok(None);
    };
    if !is_colour(&text) {
        return Err(format!(
            "couleur « {text} » invalide : écrivez-la #rrggbb en hexadécimal (par exemple \
             #1f77b4), ou choisissez-la avec le sélecteur en laissant le champ texte vide"
        ));
    }
    Ok(Some(text.to_ascii_lowercase()))
}

/// Renders the colour picker and its text fallback; the text wins when filled. The hidden
/// `colour_initial` field carries the picker's first value, so that [`edited_colour`] can
/// tell an untouched picker from a chosen colour.
fn colour_inputs(id_prefix: &str, current: Option<&str>, form: Option<&str>) -> Markup {
    let picker_id = format!("{id_prefix}-picker");
    let text_id = format!("{id_prefix}-text");
    let value = current.filter(|c| is_colour(c)).unwrap_or("#808080");
    html! {
        span.colour-inputs {
            label.visually-hidden for=(picker_id) { "Couleur (sélecteur)" }
            input id=(picker_id) type="color" name="colour_picker" value=(value) form=[form];
            input type="hidden" name="colour_initial" value=(value) form=[form];
            label for=(text_id) { "ou #rrggbb" }
            input id=(text_id) type="text" name="colour" size="8" maxlength="7"
                placeholder="#rrggbb" pattern="#[0-9A-Fa-f]{6}" form=[form]
                spellcheck="false" autocomplete="off";
        }
    }
}

/// Reads the colour of a form that edits `stored`: the text field when filled, else the
/// picker when it was moved, else `stored` unchanged (`None` stays `None`).
fn edited_colour(fields: &Fields, stored: Option<String>) -> Result<Option<String>, String> {
    let untouched = fields.text("colour").is_none()
        && fields.get("colour_picker").is_some()
        && fields.get("colour_picker") == fields.get("colour_initial");
    if untouched {
        return Ok(stored);
    }
    colour_field(fields)
}

/// Renders a colour as a swatch and its code, or a dash.
fn colour_swatch(colour: Option<&str>) -> Markup {
    html! {
        @if let Some(colour) = colour.filter(|c| is_colour(c)) {
            // A presentation attribute, because the pages' Content-Security-Policy blocks
            // inline styles.
            svg.swatch width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" {
                rect width="14" height="14" fill=(colour) stroke="#333" {}
            }
            " " (colour)
        } @else {
            "—"
        }
    }
}

/// Renders the error box of a refused form and logs the refusal.
fn refusal(message: &str) -> Markup {
    tracing::info!(message, "configuration form rejected");
    html! {
        div.message.error role="alert" id="form-error" {
            p { (super::page_error::capitalise(message)) }
            p { "Rien n'a été enregistré." }
        }
    }
}
