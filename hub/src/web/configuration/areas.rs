//! Cantons and constituencies: code and name. A code cannot change once created (stations
//! refer to it); an area that a reference station uses cannot be deleted.

use super::{
    Notice, Tab, audit, config_page, is_administrator, redirect_done, refusal,
    require_administrator, required_text, with_status, write_reference,
};
use crate::db::reference::{self, Area, AreaKind};
use crate::web::WebState;
use crate::web::auth::{Submission, Viewer};
use crate::web::form::Fields;
use crate::web::layout;
use crate::web::page_error::PageError;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

const PATH: &str = "/admin/configuration/areas";

/// Path segment, French names and article of each kind of area.
struct KindText {
    kind: AreaKind,
    segment: &'static str,
    /// Name in the audit actions (`reference.canton.create`).
    action: &'static str,
    /// Title of the add form.
    add_title: &'static str,
    singular: &'static str,
    plural: &'static str,
}

const KINDS: [KindText; 2] = [
    KindText {
        kind: AreaKind::Canton,
        segment: "cantons",
        action: "canton",
        add_title: "Nouveau canton",
        singular: "canton",
        plural: "Cantons",
    },
    KindText {
        kind: AreaKind::Constituency,
        segment: "constituencies",
        action: "constituency",
        add_title: "Nouvelle circonscription",
        singular: "circonscription",
        plural: "Circonscriptions législatives",
    },
];

fn kind_text(segment: &str) -> Result<&'static KindText, PageError> {
    KINDS.iter().find(|k| k.segment == segment).ok_or_else(|| {
        PageError::NotFound(format!(
            "type de découpage « {segment} » inconnu : cantons ou constituencies"
        ))
    })
}

/// Checks an area code: 1 to 10 letters, digits or dashes (`29-02`, `2901`).
pub fn parse_code(text: &str, singular: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    let valid = !code.is_empty()
        && code.len() <= 10
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        return Err(format!(
            "code de {singular} « {} » invalide : 1 à 10 lettres, chiffres ou tirets, par \
             exemple 29-02",
            text.trim()
        ));
    }
    Ok(code)
}

/// Typed values of a refused add form, to show again.
struct Pending {
    kind: AreaKind,
    fields: Fields,
}

fn body(
    viewer: &Viewer,
    cantons: &[Area],
    constituencies: &[Area],
    notice: Markup,
    error: Option<&str>,
    pending: Option<&Pending>,
) -> Markup {
    let administrator = is_administrator(viewer);
    html! {
        (notice)
        @if let Some(error) = error { (refusal(error)) }
        p { "Les bureaux de vote se rattachent à un canton et à une circonscription ; une \
             élection limitée à l'un d'eux ne copie que ses bureaux." }
        @for text in &KINDS {
            @let areas = if text.kind == AreaKind::Canton { cantons } else { constituencies };
            section aria-labelledby={ "title-" (text.segment) } {
                h2 id={ "title-" (text.segment) } { (text.plural) }
                @if areas.is_empty() {
                    p { "Rien de configuré pour l'instant." }
                } @else {
                    table.list {
                        caption.visually-hidden { (text.plural) }
                        thead { tr {
                            th scope="col" { "Code" }
                            th scope="col" { "Nom" }
                            @if administrator { th scope="col" { "Actions" } }
                        } }
                        tbody {
                            @for area in areas {
                                @let form_id = format!("rename-{}-{}", text.segment, area.code);
                                @let field_id = format!("name-{}-{}", text.segment, area.code);
                                tr {
                                    td.code { (area.code) }
                                    @if administrator {
                                        td {
                                            label.visually-hidden for=(field_id) {
                                                "Nom du " (text.singular) " " (area.code)
                                            }
                                            input id=(field_id) type="text" name="name"
                                                value=(area.name) form=(form_id) required
                                                maxlength="100" size="30";
                                        }
                                        td.actions {
                                            form.inline id=(form_id) method="post"
                                                action={ (PATH) "/" (text.segment) "/" (area.code) } {
                                                (layout::csrf_field(viewer))
                                                button type="submit" {
                                                    "Renommer"
                                                    span.visually-hidden { " " (area.code) }
                                                }
                                            }
                                            form.inline method="post"
                                                action={ (PATH) "/" (text.segment) "/" (area.code) "/delete" } {
                                                (layout::csrf_field(viewer))
                                                button type="submit" {
                                                    "Supprimer"
                                                    span.visually-hidden { " " (area.code) }
                                                }
                                            }
                                        }
                                    } @else {
                                        td { (area.name) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if administrator {
                    @let typed = pending.filter(|p| p.kind == text.kind).map(|p| &p.fields);
                    @let value = |name: &str| typed.and_then(|f| f.get(name)).unwrap_or_default().to_string();
                    form.inline.add method="post" action={ (PATH) "/" (text.segment) } {
                        (layout::csrf_field(viewer))
                        strong { (text.add_title) " :" }
                        label for={ "code-" (text.segment) } { "Code" }
                        input id={ "code-" (text.segment) } type="text" name="code"
                            value=(value("code")) required maxlength="10" size="8"
                            autocomplete="off";
                        label for={ "new-name-" (text.segment) } { "Nom" }
                        input id={ "new-name-" (text.segment) } type="text" name="name"
                            value=(value("name")) required maxlength="100" size="30";
                        button type="submit" { "Ajouter" span.visually-hidden { " : " (text.singular) } }
                    }
                }
            }
        }
    }
}

async fn render(
    state: &WebState,
    viewer: &Viewer,
    notice: Markup,
    error: Option<&str>,
    pending: Option<&Pending>,
) -> Result<Response, PageError> {
    let (cantons, constituencies) = state
        .app
        .read(|connection| {
            Ok((
                reference::areas(connection, AreaKind::Canton)?,
                reference::areas(connection, AreaKind::Constituency)?,
            ))
        })
        .await?;
    let html = config_page(
        "Cantons et circonscriptions",
        viewer,
        Tab::Areas,
        body(viewer, &cantons, &constituencies, notice, error, pending),
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(with_status(status, html))
}

/// `GET /admin/configuration/areas`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    render(&state, &viewer, notice.render(), None, None).await
}

/// `POST /admin/configuration/areas/{kind}`: adds a canton or a constituency.
pub async fn add(
    State(state): State<WebState>,
    Path(segment): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let text = kind_text(&segment)?;
    let fields = submission.fields;
    let parsed =
        parse_code(fields.get("code").unwrap_or_default(), text.singular).and_then(|code| {
            let name = required_text(&fields, "name", "Nom", 100)?;
            Ok(Area { code, name })
        });
    let area = match parsed {
        Ok(area) => area,
        Err(message) => {
            let pending = Pending {
                kind: text.kind,
                fields,
            };
            return render(&state, &viewer, html! {}, Some(&message), Some(&pending)).await;
        }
    };
    let actor = viewer.login().to_string();
    let (kind, singular, action) = (text.kind, text.singular, text.action);
    let stored = area.clone();
    let outcome = write_reference(&state, move |transaction| {
        if reference::find_area(transaction, kind, &stored.code)?.is_some() {
            return Ok(Err(format!(
                "code de {singular} « {} » déjà utilisé : choisissez un autre code, ou renommez \
                 celui qui existe",
                stored.code
            )));
        }
        reference::upsert_area(transaction, kind, &stored)?;
        audit(
            transaction,
            &actor,
            &format!("reference.{action}.create"),
            &format!("{singular} {}", stored.code),
            None,
            Some(serde_json::json!({ "code": stored.code, "name": stored.name })),
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(
            PATH,
            "saved",
            &format!("{} {} ({})", text.singular, area.code, area.name),
        )),
        Err(message) => {
            let pending = Pending {
                kind: text.kind,
                fields,
            };
            render(&state, &viewer, html! {}, Some(&message), Some(&pending)).await
        }
    }
}

/// `POST /admin/configuration/areas/{kind}/{code}`: renames an area.
pub async fn rename(
    State(state): State<WebState>,
    Path((segment, code)): Path<(String, String)>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let text = kind_text(&segment)?;
    let name = match required_text(&submission.fields, "name", "Nom", 100) {
        Ok(name) => name,
        Err(message) => return render(&state, &viewer, html! {}, Some(&message), None).await,
    };
    let actor = viewer.login().to_string();
    let (kind, singular, action) = (text.kind, text.singular, text.action);
    let target = code.clone();
    let new_name = name.clone();
    let outcome = write_reference(&state, move |transaction| {
        let Some(before) = reference::find_area(transaction, kind, &target)? else {
            return Ok(Err(format!(
                "{singular} « {target} » introuvable : rechargez la page"
            )));
        };
        let area = Area {
            code: target.clone(),
            name: new_name,
        };
        reference::upsert_area(transaction, kind, &area)?;
        audit(
            transaction,
            &actor,
            &format!("reference.{action}.update"),
            &format!("{singular} {target}"),
            Some(serde_json::json!({ "name": before.name })),
            Some(serde_json::json!({ "name": area.name })),
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(
            PATH,
            "saved",
            &format!("{singular} {code} ({name})"),
        )),
        Err(message) => render(&state, &viewer, html! {}, Some(&message), None).await,
    }
}

/// `POST /admin/configuration/areas/{kind}/{code}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    Path((segment, code)): Path<(String, String)>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let text = kind_text(&segment)?;
    let actor = viewer.login().to_string();
    let (kind, singular, action) = (text.kind, text.singular, text.action);
    let target = code.clone();
    let outcome = write_reference(&state, move |transaction| {
        let Some(before) = reference::find_area(transaction, kind, &target)? else {
            return Ok(Err(format!(
                "{singular} « {target} » introuvable : rechargez la page"
            )));
        };
        let stations = reference::area_stations(transaction, kind, &target)?;
        if !stations.is_empty() {
            return Ok(Err(format!(
                "suppression de {singular} « {target} » refusée : les bureaux {} s'y \
                 rattachent ; rattachez-les ailleurs d'abord",
                stations.join(", ")
            )));
        }
        reference::delete_area(transaction, kind, &target)?;
        audit(
            transaction,
            &actor,
            &format!("reference.{action}.delete"),
            &format!("{singular} {target}"),
            Some(serde_json::json!({ "code": before.code, "name": before.name })),
            None,
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(
            PATH,
            "deleted",
            &format!("{singular} {code}"),
        )),
        Err(message) => render(&state, &viewer, html! {}, Some(&message), None).await,
    }
}
