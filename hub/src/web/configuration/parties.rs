//! Parties and nuances: code (`UG`, `RN`, `LDVD`…), label and display colour. A code
//! cannot change once created; a nuance that a reference candidate carries cannot be
//! deleted.

use super::{
    Notice, Tab, audit, colour_inputs, colour_swatch, config_page, edited_colour, is_administrator,
    redirect_done, refusal, require_administrator, required_text, with_status, write_reference,
};
use crate::db::reference::{self, Party};
use crate::web::WebState;
use crate::web::auth::{Submission, Viewer};
use crate::web::form::Fields;
use crate::web::layout;
use crate::web::page_error::PageError;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

const PATH: &str = "/admin/configuration/parties";

/// Checks a nuance code: 1 to 12 letters or digits, stored in upper case.
pub fn parse_code(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    let valid =
        !code.is_empty() && code.len() <= 12 && code.chars().all(|c| c.is_ascii_alphanumeric());
    if !valid {
        return Err(format!(
            "code de nuance « {} » invalide : 1 à 12 lettres ou chiffres, par exemple UG ou LDVD",
            text.trim()
        ));
    }
    Ok(code)
}

/// Reads the party form; `stored_colour` is kept when the colour fields were left as shown.
fn parse_party(
    code: String,
    fields: &Fields,
    stored_colour: Option<String>,
) -> Result<Party, String> {
    let label = required_text(fields, "label", "Libellé", 100)?;
    let colour = edited_colour(fields, stored_colour)?;
    Ok(Party {
        code,
        label,
        colour,
    })
}

fn party_json(party: &Party) -> serde_json::Value {
    serde_json::json!({ "code": party.code, "label": party.label, "colour": party.colour })
}

fn body(
    viewer: &Viewer,
    parties: &[Party],
    notice: Markup,
    error: Option<&str>,
    pending: Option<&Fields>,
) -> Markup {
    let administrator = is_administrator(viewer);
    let value = |name: &str| {
        pending
            .and_then(|f| f.get(name))
            .unwrap_or_default()
            .to_string()
    };
    html! {
        (notice)
        @if let Some(error) = error { (refusal(error)) }
        p { "Les nuances sont celles du ministère de l'Intérieur ; leur couleur s'applique aux \
             candidats qui n'en ont pas." }
        @if parties.is_empty() {
            p { "Aucune nuance configurée." }
        } @else {
            table.list {
                caption.visually-hidden { "Partis et nuances" }
                thead { tr {
                    th scope="col" { "Code" }
                    th scope="col" { "Libellé" }
                    th scope="col" { "Couleur" }
                    @if administrator {
                        th scope="col" { "Nouvelle couleur" }
                        th scope="col" { "Actions" }
                    }
                } }
                tbody {
                    @for party in parties {
                        @let form_id = format!("party-{}", party.code);
                        @let label_id = format!("label-{}", party.code);
                        tr {
                            td.code { (party.code) }
                            @if administrator {
                                td {
                                    label.visually-hidden for=(label_id) {
                                        "Libellé de la nuance " (party.code)
                                    }
                                    input id=(label_id) type="text" name="label"
                                        value=(party.label) form=(form_id) required
                                        maxlength="100" size="28";
                                }
                                td { (colour_swatch(party.colour.as_deref())) }
                                td { (colour_inputs(&format!("colour-{}", party.code), party.colour.as_deref(), Some(&form_id))) }
                                td.actions {
                                    form.inline id=(form_id) method="post"
                                        action={ (PATH) "/" (party.code) } {
                                        (layout::csrf_field(viewer))
                                        button type="submit" {
                                            "Enregistrer"
                                            span.visually-hidden { " " (party.code) }
                                        }
                                    }
                                    form.inline method="post"
                                        action={ (PATH) "/" (party.code) "/delete" } {
                                        (layout::csrf_field(viewer))
                                        button type="submit" {
                                            "Supprimer"
                                            span.visually-hidden { " " (party.code) }
                                        }
                                    }
                                }
                            } @else {
                                td { (party.label) }
                                td { (colour_swatch(party.colour.as_deref())) }
                            }
                        }
                    }
                }
            }
        }
        @if administrator {
            form.config method="post" action=(PATH) {
                (layout::csrf_field(viewer))
                fieldset {
                    legend { "Ajouter une nuance" }
                    p.field {
                        label for="code" { "Code" }
                        input #code type="text" name="code" value=(value("code")) required
                            maxlength="12" size="8" autocomplete="off";
                    }
                    p.field {
                        label for="label" { "Libellé" }
                        input #label type="text" name="label" value=(value("label")) required
                            maxlength="100" size="40";
                    }
                    p.field {
                        span.label { "Couleur" }
                        (colour_inputs("new-colour", pending.and_then(|f| f.text("colour_picker")).as_deref(), None))
                    }
                    p { button.primary type="submit" { "Ajouter la nuance" } }
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
    pending: Option<&Fields>,
) -> Result<Response, PageError> {
    let parties = state
        .app
        .read(|connection| Ok(reference::parties(connection)?))
        .await?;
    let html = config_page(
        "Partis et nuances",
        viewer,
        Tab::Parties,
        body(viewer, &parties, notice, error, pending),
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(with_status(status, html))
}

/// `GET /admin/configuration/parties`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    render(&state, &viewer, notice.render(), None, None).await
}

/// `POST /admin/configuration/parties`: adds a nuance.
pub async fn add(
    State(state): State<WebState>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let fields = submission.fields;
    let parsed = parse_code(fields.get("code").unwrap_or_default())
        .and_then(|code| parse_party(code, &fields, None));
    let party = match parsed {
        Ok(party) => party,
        Err(message) => {
            return render(&state, &viewer, html! {}, Some(&message), Some(&fields)).await;
        }
    };
    let actor = viewer.login().to_string();
    let stored = party.clone();
    let outcome = write_reference(&state, move |transaction| {
        if reference::find_party(transaction, &stored.code)?.is_some() {
            return Ok(Err(format!(
                "code de nuance « {} » déjà utilisé : modifiez la nuance existante dans la liste",
                stored.code
            )));
        }
        reference::upsert_party(transaction, &stored)?;
        audit(
            transaction,
            &actor,
            "reference.party.create",
            &format!("nuance {}", stored.code),
            None,
            Some(party_json(&stored)),
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(
            PATH,
            "saved",
            &format!("nuance {}", party.code),
        )),
        Err(message) => render(&state, &viewer, html! {}, Some(&message), Some(&fields)).await,
    }
}

/// `POST /admin/configuration/parties/{code}`: changes a nuance's label and colour.
pub async fn update(
    State(state): State<WebState>,
    Path(code): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let lookup = code.clone();
    let stored_colour = state
        .app
        .read(move |connection| Ok(reference::find_party(connection, &lookup)?))
        .await?
        .and_then(|party| party.colour);
    let party = match parse_party(code.clone(), &submission.fields, stored_colour) {
        Ok(party) => party,
        Err(message) => {
            let message = format!("nuance {code} : {message}");
            return render(&state, &viewer, html! {}, Some(&message), None).await;
        }
    };
    let actor = viewer.login().to_string();
    let stored = party.clone();
    let outcome = write_reference(&state, move |transaction| {
        let Some(before) = reference::find_party(transaction, &stored.code)? else {
            return Ok(Err(format!(
                "nuance « {} » introuvable : rechargez la page",
                stored.code
            )));
        };
        reference::upsert_party(transaction, &stored)?;
        audit(
            transaction,
            &actor,
            "reference.party.update",
            &format!("nuance {}", stored.code),
            Some(party_json(&before)),
            Some(party_json(&stored)),
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(PATH, "saved", &format!("nuance {code}"))),
        Err(message) => render(&state, &viewer, html! {}, Some(&message), None).await,
    }
}

/// `POST /admin/configuration/parties/{code}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    Path(code): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let actor = viewer.login().to_string();
    let target = code.clone();
    let outcome = write_reference(&state, move |transaction| {
        let Some(before) = reference::find_party(transaction, &target)? else {
            return Ok(Err(format!(
                "nuance « {target} » introuvable : rechargez la page"
            )));
        };
        let used = reference::party_usage(transaction, &target)?;
        if used > 0 {
            return Ok(Err(format!(
                "suppression de la nuance « {target} » refusée : {used} candidat(s) la portent ; \
                 changez d'abord leur nuance"
            )));
        }
        reference::delete_party(transaction, &target)?;
        audit(
            transaction,
            &actor,
            "reference.party.delete",
            &format!("nuance {target}"),
            Some(party_json(&before)),
            None,
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(PATH, "deleted", &format!("nuance {code}"))),
        Err(message) => render(&state, &viewer, html! {}, Some(&message), None).await,
    }
}
