//! The commune (INSEE code, département, name, mayor) and the default turnout slots.

use super::{
    Notice, Tab, audit, check_length, config_page, is_administrator, redirect_done, refusal,
    require_administrator, required_text, with_status, write_reference,
};
use crate::db::reference::{self, ReferenceCommune};
use crate::web::WebState;
use crate::web::auth::{Submission, Viewer};
use crate::web::form::Fields;
use crate::web::layout;
use crate::web::page_error::PageError;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveTime;
use maud::{Markup, html};

/// Maximum number of turnout slots. The Ministry collects two or three.
const MAX_SLOTS: usize = 8;

fn commune_fields(commune: Option<&ReferenceCommune>) -> Fields {
    let Some(commune) = commune else {
        return Fields::default();
    };
    Fields(vec![
        ("insee_code".into(), commune.insee_code.clone()),
        ("department_code".into(), commune.department_code.clone()),
        ("name".into(), commune.name.clone()),
        ("mayor".into(), commune.mayor.clone().unwrap_or_default()),
    ])
}

/// Checks a département code: two digits, 2A, 2B, or 971 to 976.
fn is_department(code: &str) -> bool {
    let bytes = code.as_bytes();
    match bytes {
        [a, b] => (a.is_ascii_digit() && b.is_ascii_digit()) || code == "2A" || code == "2B",
        [b'9', b'7', c] => (b'1'..=b'6').contains(c),
        _ => false,
    }
}

/// Checks an INSEE commune code: the département's two characters then three digits
/// (`29061`, `2A004`, `97411`).
fn is_insee_code(code: &str) -> bool {
    if code.len() != 5 || !code.is_ascii() {
        return false;
    }
    let (department, number) = code.split_at(2);
    let department_valid =
        department.chars().all(|c| c.is_ascii_digit()) || department == "2A" || department == "2B";
    department_valid && number.chars().all(|c| c.is_ascii_digit())
}

fn parse_commune(fields: &Fields) -> Result<ReferenceCommune, String> {
    let insee_code = required_text(fields, "insee_code", "Code INSEE", 5)
        .map_err(|_| "code INSEE manquant : 5 caractères, par exemple 29061".to_string())?
        .to_ascii_uppercase();
    if !is_insee_code(&insee_code) {
        return Err(format!(
            "code INSEE « {insee_code} » invalide : 5 caractères, le département puis le \
             numéro de la commune (par exemple 29061, 2A004, 97411)"
        ));
    }
    let department_code = fields
        .text("department_code")
        .unwrap_or_default()
        .to_ascii_uppercase();
    if !is_department(&department_code) {
        return Err(format!(
            "département « {department_code} » invalide : deux chiffres, 2A, 2B ou 971 à 976"
        ));
    }
    if !insee_code.starts_with(&department_code) {
        return Err(format!(
            "département « {department_code} » incohérent avec le code INSEE « {insee_code} » : \
             le code INSEE commence par le code du département"
        ));
    }
    let name = required_text(fields, "name", "Nom de la commune", 100)?;
    let mayor = fields.text("mayor");
    if let Some(mayor) = &mayor {
        check_length(mayor, "Nom du maire", 100)?;
    }
    Ok(ReferenceCommune {
        insee_code,
        department_code,
        name,
        mayor,
    })
}

fn commune_form(viewer: &Viewer, values: &Fields) -> Markup {
    let value = |name: &str| values.get(name).unwrap_or_default().to_string();
    let disabled = !is_administrator(viewer);
    html! {
        form.config method="post" action="/admin/configuration" {
            (layout::csrf_field(viewer))
            fieldset disabled[disabled] {
                legend { "Commune" }
                p.field {
                    label for="insee_code" { "Code INSEE" }
                    input #insee_code type="text" name="insee_code" value=(value("insee_code"))
                        required maxlength="5" size="6" autocomplete="off"
                        aria-describedby="insee_code-hint";
                    span.hint #insee_code-hint { "5 caractères, par exemple 29061 ou 2A004" }
                }
                p.field {
                    label for="department_code" { "Département" }
                    input #department_code type="text" name="department_code"
                        value=(value("department_code")) required maxlength="3" size="4"
                        autocomplete="off";
                }
                p.field {
                    label for="name" { "Nom de la commune" }
                    input #name type="text" name="name" value=(value("name")) required
                        maxlength="100" size="40";
                }
                p.field {
                    label for="mayor" { "Maire" }
                    input #mayor type="text" name="mayor" value=(value("mayor"))
                        maxlength="100" size="40" autocomplete="off";
                }
                p { button.primary type="submit" { "Enregistrer la commune" } }
            }
        }
    }
}

fn commune_page(viewer: &Viewer, values: &Fields, notice: Markup, error: Option<&str>) -> Markup {
    html! {
        (notice)
        @if let Some(error) = error { (refusal(error)) }
        p {
            "Configuration de référence : chaque élection en copie les bureaux, leurs inscrits \
             et les candidats retenus à sa création. Modifier la référence ne change jamais une \
             élection déjà créée."
        }
        (commune_form(viewer, values))
        p { a href="/admin/elections/new" { "Créer une élection à partir de cette configuration" } }
    }
}

/// `GET /admin/configuration`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let commune = state
        .app
        .read(|connection| Ok(reference::commune(connection)?))
        .await?;
    let body = commune_page(
        &viewer,
        &commune_fields(commune.as_ref()),
        notice.render(),
        None,
    );
    Ok(config_page("Commune", &viewer, Tab::Commune, body).into_response())
}

/// `POST /admin/configuration`.
pub async fn save(
    State(state): State<WebState>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let fields = submission.fields;
    let refused = |message: &str| {
        with_status(
            StatusCode::BAD_REQUEST,
            config_page(
                "Commune",
                &viewer,
                Tab::Commune,
                commune_page(&viewer, &fields, html! {}, Some(message)),
            ),
        )
    };
    let commune = match parse_commune(&fields) {
        Ok(commune) => commune,
        Err(message) => return Ok(refused(&message)),
    };
    let actor = viewer.login().to_string();
    let stored = commune.clone();
    let outcome = write_reference(&state, move |transaction| {
        let current = reference::commune(transaction)?;
        if let Some(current) = &current
            && current.insee_code != stored.insee_code
        {
            let (stations, elections) = reference::commune_usage(transaction, &current.insee_code)?;
            if stations > 0 || elections > 0 {
                return Ok(Err(format!(
                    "code INSEE « {} » refusé : {stations} bureau(x) et {elections} élection(s) \
                     sont rattachés à la commune {} ; le code INSEE ne change plus une fois des \
                     bureaux ou des élections créés, corrigez seulement le nom ou le maire",
                    stored.insee_code, current.insee_code
                )));
            }
            reference::delete_commune(transaction, &current.insee_code)?;
        }
        reference::upsert_commune(transaction, &stored)?;
        let json = |commune: &ReferenceCommune| {
            serde_json::json!({
                "insee_code": commune.insee_code,
                "department_code": commune.department_code,
                "name": commune.name,
                "mayor": commune.mayor,
            })
        };
        audit(
            transaction,
            &actor,
            "reference.commune",
            &format!("commune {}", stored.insee_code),
            current.as_ref().map(json),
            Some(json(&stored)),
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(
            "/admin/configuration",
            "saved",
            &format!("commune {}", commune.name),
        )),
        Err(message) => Ok(refused(&message)),
    }
}

/// Parses a list of slots typed as `12:00, 17:00` (also `12h00`, `12h`).
fn parse_slots(text: &str) -> Result<Vec<NaiveTime>, String> {
    let mut slots = Vec::new();
    for part in text
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let normalised = part.to_ascii_lowercase().replace('h', ":");
        let normalised = if normalised.ends_with(':') {
            format!("{normalised}00")
        } else {
            normalised
        };
        let slot = NaiveTime::parse_from_str(&normalised, "%H:%M").map_err(|_| {
            format!(
                "tranche horaire « {part} » invalide : écrivez les heures HH:MM séparées par des \
                 virgules, par exemple 12:00, 17:00"
            )
        })?;
        slots.push(slot);
    }
    if slots.is_empty() {
        return Err(
            "tranches horaires manquantes : indiquez au moins une heure, par exemple 12:00, 17:00"
                .to_string(),
        );
    }
    if slots.len() > MAX_SLOTS {
        return Err(format!(
            "{} tranches horaires : {MAX_SLOTS} au plus",
            slots.len()
        ));
    }
    for pair in slots.windows(2) {
        if pair[0] >= pair[1] {
            return Err(format!(
                "tranches horaires « {text} » invalides : {} doit précéder {} ; rangez les \
                 heures dans l'ordre, sans doublon",
                pair[0].format("%H:%M"),
                pair[1].format("%H:%M")
            ));
        }
    }
    Ok(slots)
}

/// Formats slots as typed in the form: `12:00, 17:00`.
pub fn format_slots(slots: &[NaiveTime]) -> String {
    slots
        .iter()
        .map(|slot| slot.format("%H:%M").to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses the slots typed in a form field, for the election forms too.
pub fn slots_from_text(text: &str) -> Result<Vec<NaiveTime>, String> {
    parse_slots(text)
}

fn slots_body(viewer: &Viewer, typed: &str, notice: Markup, error: Option<&str>) -> Markup {
    html! {
        (notice)
        @if let Some(error) = error { (refusal(error)) }
        p {
            "Heures auxquelles les bureaux relèvent le nombre de votants, proposées à la création \
             de chaque élection (heure de Paris). Par défaut 12:00 et 17:00."
        }
        form.config method="post" action="/admin/configuration/slots" {
            (layout::csrf_field(viewer))
            fieldset disabled[!is_administrator(viewer)] {
                legend { "Tranches de participation" }
                p.field {
                    label for="slots" { "Heures, séparées par des virgules" }
                    input #slots type="text" name="slots" value=(typed) required size="30"
                        aria-describedby="slots-hint" autocomplete="off";
                    span.hint #slots-hint { "par exemple 12:00, 17:00" }
                }
                p { button.primary type="submit" { "Enregistrer les tranches" } }
            }
        }
    }
}

/// `GET /admin/configuration/slots`.
pub async fn slots_page(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let slots = state
        .app
        .read(|connection| Ok(reference::turnout_slots(connection)?))
        .await?;
    let body = slots_body(&viewer, &format_slots(&slots), notice.render(), None);
    Ok(config_page("Tranches de participation", &viewer, Tab::Slots, body).into_response())
}

/// `POST /admin/configuration/slots`.
pub async fn save_slots(
    State(state): State<WebState>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let typed = submission
        .fields
        .get("slots")
        .unwrap_or_default()
        .to_string();
    let slots = match parse_slots(&typed) {
        Ok(slots) => slots,
        Err(message) => {
            let body = slots_body(&viewer, &typed, html! {}, Some(&message));
            return Ok(with_status(
                StatusCode::BAD_REQUEST,
                config_page("Tranches de participation", &viewer, Tab::Slots, body),
            ));
        }
    };
    let actor = viewer.login().to_string();
    let text = format_slots(&slots);
    let stored = slots.clone();
    write_reference(&state, move |transaction| {
        let before = reference::turnout_slots(transaction)?;
        reference::replace_turnout_slots(transaction, &stored)?;
        audit(
            transaction,
            &actor,
            "reference.turnout_slots",
            "tranches de participation",
            Some(serde_json::json!(format_slots(&before))),
            Some(serde_json::json!(format_slots(&stored))),
        )?;
        Ok(Ok(()))
    })
    .await?
    .map_err(PageError::Conflict)?;
    Ok(redirect_done(
        "/admin/configuration/slots",
        "saved",
        &format!("tranches {text}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insee_codes() {
        for good in ["29061", "2A004", "97411", "31555"] {
            assert!(is_insee_code(good), "{good}");
        }
        for bad in ["2906", "290611", "2C004", "ABCDE", "29O61"] {
            assert!(!is_insee_code(bad), "{bad}");
        }
    }

    #[test]
    fn slots_parse_as_typed() {
        let slots = parse_slots("12h, 17:00").unwrap();
        assert_eq!(format_slots(&slots), "12:00, 17:00");
        assert!(parse_slots("17:00, 12:00").is_err());
        assert!(parse_slots("midi").is_err());
        assert!(parse_slots("").is_err());
    }
}
