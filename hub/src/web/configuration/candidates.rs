//! Reference candidates and lists: surname, first name, sex, nuance, list label, colour and
//! the ballot number proposed when an election is created.

use super::{
    Notice, Tab, audit, check_length, colour_field, colour_inputs, colour_swatch, config_page,
    is_administrator, redirect_done, refusal, require_administrator, required_text, with_status,
    write_reference,
};
use crate::db::reference::{self, Party, ReferenceCandidate};
use crate::web::WebState;
use crate::web::auth::{Submission, Viewer};
use crate::web::form::{Fields, parse_count};
use crate::web::layout;
use crate::web::page_error::PageError;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use urne_common::election::Sex;

const PATH: &str = "/admin/configuration/candidates";

/// Largest ballot number accepted; ballot boards are numbered from 1.
pub const MAX_BALLOT_NUMBER: u32 = 999;

fn sex_code(sex: Option<Sex>) -> &'static str {
    match sex {
        Some(Sex::Female) => "F",
        Some(Sex::Male) => "M",
        None => "",
    }
}

fn candidate_fields(candidate: &ReferenceCandidate) -> Fields {
    let mut fields = vec![
        ("surname".into(), candidate.surname.clone()),
        ("first_name".into(), candidate.first_name.clone()),
        ("sex".into(), sex_code(candidate.sex).to_string()),
        (
            "nuance".into(),
            candidate.nuance.clone().unwrap_or_default(),
        ),
        (
            "list_label".into(),
            candidate.list_label.clone().unwrap_or_default(),
        ),
        (
            "ballot_number".into(),
            candidate
                .ballot_number
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ),
    ];
    match &candidate.colour {
        Some(colour) => fields.push(("colour_picker".into(), colour.clone())),
        None => fields.push(("nuance_colour".into(), "1".into())),
    }
    Fields(fields)
}

/// Reads a ballot number typed in field `name`; `None` when empty.
pub fn parse_ballot_number(typed: &str, label: &str) -> Result<Option<u32>, String> {
    let number = parse_count(typed)
        .map_err(|message| format!("{label} : {message} ; indiquez un numéro de panneau"))?;
    match number {
        Some(n) if !(1..=MAX_BALLOT_NUMBER).contains(&n) => Err(format!(
            "{label} « {n} » invalide : les panneaux sont numérotés de 1 à {MAX_BALLOT_NUMBER}"
        )),
        other => Ok(other),
    }
}

fn parse_candidate(
    fields: &Fields,
    id: i64,
    parties: &[Party],
) -> Result<ReferenceCandidate, String> {
    let surname = required_text(fields, "surname", "Nom", 100)?;
    let first_name = fields.text("first_name").unwrap_or_default();
    check_length(&first_name, "Prénom", 100)?;
    let sex = match fields.text("sex").as_deref() {
        None => None,
        Some("F") => Some(Sex::Female),
        Some("M") => Some(Sex::Male),
        Some(other) => {
            return Err(format!(
                "sexe « {other} » invalide : F, M, ou vide pour une liste"
            ));
        }
    };
    let nuance = match fields.text("nuance") {
        None => None,
        Some(typed) => {
            let code = typed.to_ascii_uppercase();
            if !parties.iter().any(|p| p.code == code) {
                let known: Vec<&str> = parties.iter().map(|p| p.code.as_str()).collect();
                let known = if known.is_empty() {
                    "aucune n'est configurée".to_string()
                } else {
                    format!("nuances connues : {}", known.join(", "))
                };
                return Err(format!(
                    "nuance « {typed} » inconnue ({known}) : choisissez une nuance de la liste, \
                     ou ajoutez-la d'abord sur la page Partis et nuances"
                ));
            }
            Some(code)
        }
    };
    let list_label = fields.text("list_label");
    if let Some(label) = &list_label {
        check_length(label, "Nom de la liste", 150)?;
    }
    let use_nuance_colour =
        fields.get("nuance_colour") == Some("1") && fields.text("colour").is_none();
    let colour = if use_nuance_colour {
        None
    } else {
        colour_field(fields)?
    };
    let ballot_number = parse_ballot_number(
        fields.get("ballot_number").unwrap_or_default(),
        "numéro de panneau",
    )?;
    Ok(ReferenceCandidate {
        id,
        surname,
        first_name,
        sex,
        nuance,
        list_label,
        colour,
        ballot_number,
    })
}

fn candidate_json(candidate: &ReferenceCandidate) -> serde_json::Value {
    serde_json::json!({
        "surname": candidate.surname,
        "first_name": candidate.first_name,
        "sex": sex_code(candidate.sex),
        "nuance": candidate.nuance,
        "list_label": candidate.list_label,
        "colour": candidate.colour,
        "ballot_number": candidate.ballot_number,
    })
}

/// Name shown for a reference candidate: the list's name, else "Prénom NOM".
pub fn display_name(candidate: &ReferenceCandidate) -> String {
    if let Some(label) = candidate.list_label.as_deref() {
        return label.to_string();
    }
    format!("{} {}", candidate.first_name, candidate.surname)
        .trim()
        .to_string()
}

/// Renders the candidate form; `editing` is the id of the candidate being edited.
fn candidate_form(
    viewer: &Viewer,
    parties: &[Party],
    values: &Fields,
    editing: Option<i64>,
) -> Markup {
    let value = |name: &str| values.get(name).unwrap_or_default().to_string();
    let action = match editing {
        Some(id) => format!("{PATH}/{id}"),
        None => PATH.to_string(),
    };
    let sex = value("sex");
    let nuance_colour = editing.is_none() && values.0.is_empty() || value("nuance_colour") == "1";
    html! {
        form.config method="post" action=(action) {
            (layout::csrf_field(viewer))
            fieldset {
                legend {
                    @if editing.is_some() { "Modifier le candidat ou la liste" }
                    @else { "Ajouter un candidat ou une liste" }
                }
                p.field {
                    label for="surname" { "Nom (tête de liste pour une liste)" }
                    input #surname type="text" name="surname" value=(value("surname")) required
                        maxlength="100" size="30" autocomplete="off";
                }
                p.field {
                    label for="first_name" { "Prénom" }
                    input #first_name type="text" name="first_name" value=(value("first_name"))
                        maxlength="100" size="30" autocomplete="off";
                }
                p.field {
                    label for="sex" { "Sexe" }
                    select #sex name="sex" {
                        option value="" selected[sex.is_empty()] { "— non indiqué —" }
                        option value="F" selected[sex == "F"] { "F" }
                        option value="M" selected[sex == "M"] { "M" }
                    }
                }
                p.field {
                    label for="nuance" { "Nuance" }
                    input #nuance type="text" name="nuance" value=(value("nuance"))
                        list="nuances" maxlength="12" size="10" autocomplete="off"
                        aria-describedby="nuance-hint";
                    datalist #nuances {
                        @for party in parties { option value=(party.code) { (party.label) } }
                    }
                    span.hint #nuance-hint { "un code de la page Partis et nuances, ou vide" }
                }
                p.field {
                    label for="list_label" { "Nom de la liste" }
                    input #list_label type="text" name="list_label" value=(value("list_label"))
                        maxlength="150" size="40";
                }
                fieldset.colour {
                    legend { "Couleur" }
                    p {
                        input #nuance_colour type="checkbox" name="nuance_colour" value="1"
                            checked[nuance_colour];
                        " "
                        label for="nuance_colour" { "Reprendre la couleur de la nuance" }
                    }
                    p { (colour_inputs("colour", values.text("colour_picker").as_deref(), None)) }
                    p.hint { "Le champ texte, s'il est rempli, l'emporte sur le sélecteur et sur la case." }
                }
                p.field {
                    label for="ballot_number" { "Numéro de panneau proposé" }
                    input.count #ballot_number type="text" name="ballot_number"
                        inputmode="numeric" value=(value("ballot_number")) autocomplete="off";
                }
                p { button.primary type="submit" {
                    @if editing.is_some() { "Enregistrer" } @else { "Ajouter" }
                } }
            }
        }
    }
}

struct Context {
    candidates: Vec<ReferenceCandidate>,
    parties: Vec<Party>,
}

async fn load(state: &WebState) -> Result<Context, PageError> {
    Ok(state
        .app
        .read(|connection| {
            Ok(Context {
                candidates: reference::candidates(connection)?,
                parties: reference::parties(connection)?,
            })
        })
        .await?)
}

fn colour_of(candidate: &ReferenceCandidate, parties: &[Party]) -> Option<String> {
    candidate.colour.clone().or_else(|| {
        let nuance = candidate.nuance.as_deref()?;
        parties
            .iter()
            .find(|p| p.code == nuance)
            .and_then(|p| p.colour.clone())
    })
}

fn list_body(
    viewer: &Viewer,
    context: &Context,
    notice: Markup,
    error: Option<&str>,
    pending: &Fields,
) -> Markup {
    html! {
        (notice)
        @if let Some(error) = error {
            // The refused form comes first, next to its message.
            (refusal(error))
            @if is_administrator(viewer) {
                (candidate_form(viewer, &context.parties, pending, None))
            }
        }
        p { "Candidats et listes parmi lesquels chaque élection choisit les siens, avec leur \
             numéro de panneau. " a href="/admin/elections/new" { "Créer une élection" } }
        @if context.candidates.is_empty() {
            p { "Aucun candidat : ajoutez-en ci-dessous ou importez un fichier de candidats." }
        } @else {
            table.list #candidates {
                caption.visually-hidden { "Candidats et listes de référence" }
                thead { tr {
                    th.number scope="col" { "Panneau" }
                    th scope="col" { "Nom" }
                    th scope="col" { "Prénom" }
                    th scope="col" { "Sexe" }
                    th scope="col" { "Nuance" }
                    th scope="col" { "Liste" }
                    th scope="col" { "Couleur" }
                    th scope="col" { "Fiche" }
                } }
                tbody {
                    @for candidate in &context.candidates {
                        tr id={ "candidate-" (candidate.id) } {
                            td.number { (candidate.ballot_number.map(|n| n.to_string()).unwrap_or_else(|| "—".to_string())) }
                            td { (candidate.surname) }
                            td { (candidate.first_name) }
                            td { (sex_code(candidate.sex)) }
                            td { (candidate.nuance.as_deref().unwrap_or("—")) }
                            td { (candidate.list_label.as_deref().unwrap_or("—")) }
                            td {
                                (colour_swatch(colour_of(candidate, &context.parties).as_deref()))
                                @if candidate.colour.is_none() && colour_of(candidate, &context.parties).is_some() {
                                    " " span.hint { "(nuance)" }
                                }
                            }
                            td { a href={ (PATH) "/" (candidate.id) } {
                                @if is_administrator(viewer) { "Modifier" } @else { "Voir" }
                                span.visually-hidden { " " (display_name(candidate)) }
                            } }
                        }
                    }
                }
            }
        }
        @if error.is_none() && is_administrator(viewer) {
            (candidate_form(viewer, &context.parties, pending, None))
        }
    }
}

async fn render_list(
    state: &WebState,
    viewer: &Viewer,
    notice: Markup,
    error: Option<&str>,
    pending: &Fields,
) -> Result<Response, PageError> {
    let context = load(state).await?;
    let html = config_page(
        "Candidats et listes",
        viewer,
        Tab::Candidates,
        list_body(viewer, &context, notice, error, pending),
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(with_status(status, html))
}

/// `GET /admin/configuration/candidates`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    render_list(&state, &viewer, notice.render(), None, &Fields::default()).await
}

/// `POST /admin/configuration/candidates`: adds a candidate or a list.
pub async fn add(
    State(state): State<WebState>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let fields = submission.fields;
    let context = load(&state).await?;
    let candidate = match parse_candidate(&fields, 0, &context.parties) {
        Ok(candidate) => candidate,
        Err(message) => {
            return render_list(&state, &viewer, html! {}, Some(&message), &fields).await;
        }
    };
    let actor = viewer.login().to_string();
    let name = display_name(&candidate);
    write_reference(&state, move |transaction| {
        let id = reference::insert_candidate(transaction, &candidate)?;
        audit(
            transaction,
            &actor,
            "reference.candidate.create",
            &format!("candidat {id}"),
            None,
            Some(candidate_json(&candidate)),
        )?;
        Ok(Ok(()))
    })
    .await?
    .map_err(PageError::Conflict)?;
    Ok(redirect_done(PATH, "saved", &name))
}

fn parse_id(text: &str) -> Result<i64, PageError> {
    text.parse().map_err(|_| {
        PageError::NotFound(format!(
            "candidat « {text} » introuvable : choisissez-le dans la liste des candidats"
        ))
    })
}

async fn render_edit(
    state: &WebState,
    viewer: &Viewer,
    id: i64,
    values: Option<&Fields>,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let context = load(state).await?;
    let Some(candidate) = context.candidates.iter().find(|c| c.id == id) else {
        return Err(PageError::NotFound(format!(
            "candidat {id} introuvable : choisissez-le dans la liste des candidats"
        )));
    };
    let stored = candidate_fields(candidate);
    let values = values.unwrap_or(&stored);
    let title = display_name(candidate);
    let body = html! {
        @if let Some(error) = error { (refusal(error)) }
        p { a href=(PATH) { "Retour à la liste des candidats" } }
        @if is_administrator(viewer) {
            (candidate_form(viewer, &context.parties, values, Some(id)))
            form.config method="post" action={ (PATH) "/" (id) "/delete" } {
                (layout::csrf_field(viewer))
                p { button type="submit" { "Supprimer " (title) } }
            }
        } @else {
            dl.details {
                dt { "Nom" } dd { (candidate.surname) }
                dt { "Prénom" } dd { (candidate.first_name) }
                dt { "Sexe" } dd { (sex_code(candidate.sex)) }
                dt { "Nuance" } dd { (candidate.nuance.as_deref().unwrap_or("—")) }
                dt { "Liste" } dd { (candidate.list_label.as_deref().unwrap_or("—")) }
                dt { "Couleur" } dd { (colour_swatch(colour_of(candidate, &context.parties).as_deref())) }
            }
        }
    };
    let html = config_page(&title, viewer, Tab::Candidates, body);
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(with_status(status, html))
}

/// `GET /admin/configuration/candidates/{id}`.
pub async fn edit_page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    render_edit(&state, &viewer, id, None, None).await
}

/// `POST /admin/configuration/candidates/{id}`.
pub async fn update(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let id = parse_id(&id)?;
    let fields = submission.fields;
    let context = load(&state).await?;
    let candidate = match parse_candidate(&fields, id, &context.parties) {
        Ok(candidate) => candidate,
        Err(message) => {
            return render_edit(&state, &viewer, id, Some(&fields), Some(&message)).await;
        }
    };
    let actor = viewer.login().to_string();
    let name = display_name(&candidate);
    let outcome = write_reference(&state, move |transaction| {
        let Some(before) = reference::find_candidate(transaction, id)? else {
            return Ok(Err(format!(
                "candidat {id} introuvable : rechargez la liste des candidats"
            )));
        };
        reference::update_candidate(transaction, &candidate)?;
        audit(
            transaction,
            &actor,
            "reference.candidate.update",
            &format!("candidat {id}"),
            Some(candidate_json(&before)),
            Some(candidate_json(&candidate)),
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(PATH, "saved", &name)),
        Err(message) => render_edit(&state, &viewer, id, Some(&fields), Some(&message)).await,
    }
}

/// `POST /admin/configuration/candidates/{id}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let id = parse_id(&id)?;
    let actor = viewer.login().to_string();
    let outcome = write_reference(&state, move |transaction| {
        let Some(before) = reference::find_candidate(transaction, id)? else {
            return Ok(Err(format!(
                "candidat {id} introuvable : rechargez la liste des candidats"
            )));
        };
        reference::delete_candidate(transaction, id)?;
        audit(
            transaction,
            &actor,
            "reference.candidate.delete",
            &format!("candidat {id}"),
            Some(candidate_json(&before)),
            None,
        )?;
        Ok(Ok(display_name(&before)))
    })
    .await?;
    match outcome {
        Ok(name) => Ok(redirect_done(PATH, "deleted", &name)),
        Err(message) => render_edit(&state, &viewer, id, None, Some(&message)).await,
    }
}
