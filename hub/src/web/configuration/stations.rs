//! Reference polling stations: code, name, polling place, canton, constituency and
//! inscrits. A station that an election of the commune uses cannot be deleted, although
//! every election keeps its own copy.

use super::{
    Notice, Tab, audit, check_length, config_page, is_administrator, redirect_done, refusal,
    require_administrator, required_text, with_status, write_reference,
};
use crate::db::reference::{self, Area, AreaKind, ReferenceCommune};
use crate::web::WebState;
use crate::web::auth::{Submission, Viewer};
use crate::web::form::{Fields, parse_count};
use crate::web::layout;
use crate::web::page_error::PageError;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use urne_common::election::{PollingStation, StationCode};

const PATH: &str = "/admin/configuration/stations";

/// Commune, stations and areas that the station pages show.
struct Context {
    commune: Option<ReferenceCommune>,
    stations: Vec<PollingStation>,
    cantons: Vec<Area>,
    constituencies: Vec<Area>,
}

async fn load(state: &WebState) -> Result<Context, PageError> {
    Ok(state
        .app
        .read(|connection| {
            let commune = reference::commune(connection)?;
            let stations = match &commune {
                Some(commune) => reference::stations(connection, &commune.insee_code)?,
                None => Vec::new(),
            };
            Ok(Context {
                commune,
                stations,
                cantons: reference::areas(connection, AreaKind::Canton)?,
                constituencies: reference::areas(connection, AreaKind::Constituency)?,
            })
        })
        .await?)
}

fn station_fields(station: &PollingStation) -> Fields {
    Fields(vec![
        ("code".into(), station.code.to_string()),
        ("name".into(), station.name.clone()),
        (
            "polling_place".into(),
            station.polling_place.clone().unwrap_or_default(),
        ),
        ("canton".into(), station.canton.clone().unwrap_or_default()),
        (
            "constituency".into(),
            station.constituency.clone().unwrap_or_default(),
        ),
        ("registered".into(), station.registered.to_string()),
    ])
}

/// Reads the station form; `code` is the path's code when editing.
fn parse_station(
    fields: &Fields,
    code: Option<&StationCode>,
    context: &Context,
) -> Result<PollingStation, String> {
    let code = match code {
        Some(code) => code.clone(),
        None => StationCode::parse(fields.get("code").unwrap_or_default())?,
    };
    let name = required_text(fields, "name", "Nom du bureau", 100)?;
    let polling_place = fields.text("polling_place");
    if let Some(place) = &polling_place {
        check_length(place, "Lieu de vote", 150)?;
    }
    let area = |name: &str, areas: &[Area], label: &str| -> Result<Option<String>, String> {
        let Some(code) = fields.text(name) else {
            return Ok(None);
        };
        if areas.iter().any(|a| a.code == code) {
            return Ok(Some(code));
        }
        Err(format!(
            "{label} « {code} » inconnu(e) : choisissez-en un(e) dans la liste, ou ajoutez-le \
             d'abord sur la page Cantons et circonscriptions"
        ))
    };
    let canton = area("canton", &context.cantons, "canton")?;
    let constituency = area("constituency", &context.constituencies, "circonscription")?;
    let typed = fields.get("registered").unwrap_or_default();
    let registered = parse_count(typed)
        .map_err(|message| format!("inscrits : {message} ; indiquez le nombre d'inscrits"))?
        .ok_or_else(|| {
            "inscrits manquants : indiquez le nombre d'électeurs inscrits du bureau".to_string()
        })?;
    Ok(PollingStation {
        code,
        name,
        polling_place,
        canton,
        constituency,
        registered,
    })
}

fn station_json(station: &PollingStation) -> serde_json::Value {
    serde_json::json!({
        "name": station.name,
        "polling_place": station.polling_place,
        "canton": station.canton,
        "constituency": station.constituency,
        "registered": station.registered,
    })
}

fn area_select(id: &str, label: &str, areas: &[Area], selected: &str) -> Markup {
    html! {
        p.field {
            label for=(id) { (label) }
            select id=(id) name=(id) {
                option value="" selected[selected.is_empty()] { "— aucun —" }
                @for area in areas {
                    option value=(area.code) selected[area.code == selected] {
                        (area.code) " — " (area.name)
                    }
                }
            }
        }
    }
}

/// Renders the station form; `editing` is the code of the station being edited.
fn station_form(
    viewer: &Viewer,
    context: &Context,
    values: &Fields,
    editing: Option<&str>,
) -> Markup {
    let value = |name: &str| values.get(name).unwrap_or_default().to_string();
    let action = match editing {
        Some(code) => format!("{PATH}/{code}"),
        None => PATH.to_string(),
    };
    html! {
        form.config method="post" action=(action) {
            (layout::csrf_field(viewer))
            fieldset {
                legend {
                    @if let Some(code) = editing { "Bureau " (code) } @else { "Ajouter un bureau" }
                }
                @if editing.is_none() {
                    p.field {
                        label for="code" { "Code du bureau" }
                        input #code type="text" name="code" value=(value("code")) required
                            maxlength="4" size="5" autocomplete="off"
                            aria-describedby="code-hint";
                        span.hint #code-hint { "1 à 4 caractères, par exemple 1 ou 0001, 054A" }
                    }
                }
                p.field {
                    label for="name" { "Nom du bureau" }
                    input #name type="text" name="name" value=(value("name")) required
                        maxlength="100" size="40";
                }
                p.field {
                    label for="polling_place" { "Lieu de vote" }
                    input #polling_place type="text" name="polling_place"
                        value=(value("polling_place")) maxlength="150" size="40";
                }
                (area_select("canton", "Canton", &context.cantons, &value("canton")))
                (area_select("constituency", "Circonscription", &context.constituencies, &value("constituency")))
                p.field {
                    label for="registered" { "Inscrits" }
                    input.count #registered type="text" name="registered" inputmode="numeric"
                        value=(value("registered")) required autocomplete="off";
                }
                p { button.primary type="submit" {
                    @if editing.is_some() { "Enregistrer le bureau" } @else { "Ajouter le bureau" }
                } }
            }
        }
    }
}

fn list_body(
    viewer: &Viewer,
    context: &Context,
    notice: Markup,
    error: Option<&str>,
    pending: &Fields,
) -> Markup {
    let total: u64 = context
        .stations
        .iter()
        .map(|s| u64::from(s.registered))
        .sum();
    html! {
        (notice)
        @if let Some(error) = error {
            // The refused form comes first, next to its message.
            (refusal(error))
            @if is_administrator(viewer) {
                (station_form(viewer, context, pending, None))
            }
        }
        @if let Some(commune) = &context.commune {
            p { "Bureaux de " (commune.name) " : " (context.stations.len()) " bureau(x), "
                (total) " inscrits. Chaque élection copie les bureaux et leurs inscrits à sa \
                création." }
            @if context.stations.is_empty() {
                p { "Aucun bureau : ajoutez-en ci-dessous ou importez un fichier de bureaux." }
            } @else {
                table.list #stations {
                    caption.visually-hidden { "Bureaux de vote de référence" }
                    thead { tr {
                        th scope="col" { "Code" }
                        th scope="col" { "Nom" }
                        th scope="col" { "Lieu de vote" }
                        th scope="col" { "Canton" }
                        th scope="col" { "Circonscription" }
                        th.number scope="col" { "Inscrits" }
                        th scope="col" { "Fiche" }
                    } }
                    tbody {
                        @for station in &context.stations {
                            tr id={ "station-" (station.code) } {
                                td.code { (station.code) }
                                td { (station.name) }
                                td { (station.polling_place.as_deref().unwrap_or("—")) }
                                td { (station.canton.as_deref().unwrap_or("—")) }
                                td { (station.constituency.as_deref().unwrap_or("—")) }
                                td.number { (station.registered) }
                                td { a href={ (PATH) "/" (station.code) } {
                                    @if is_administrator(viewer) { "Modifier" } @else { "Voir" }
                                    span.visually-hidden { " le bureau " (station.code) }
                                } }
                            }
                        }
                    }
                }
            }
            @if error.is_none() && is_administrator(viewer) {
                (station_form(viewer, context, pending, None))
            }
        } @else {
            p.message.warning { "Configurez d'abord la commune : "
                a href="/admin/configuration" { "page Commune" } "." }
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
        "Bureaux de vote",
        viewer,
        Tab::Stations,
        list_body(viewer, &context, notice, error, pending),
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(with_status(status, html))
}

/// `GET /admin/configuration/stations`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    render_list(&state, &viewer, notice.render(), None, &Fields::default()).await
}

/// `POST /admin/configuration/stations`: adds a station.
pub async fn add(
    State(state): State<WebState>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let fields = submission.fields;
    let context = load(&state).await?;
    let Some(commune) = context.commune.clone() else {
        return Err(PageError::Conflict(
            "aucune commune configurée : renseignez d'abord la page Commune".to_string(),
        ));
    };
    let station = match parse_station(&fields, None, &context) {
        Ok(station) => station,
        Err(message) => {
            return render_list(&state, &viewer, maud::html! {}, Some(&message), &fields).await;
        }
    };
    let actor = viewer.login().to_string();
    let stored = station.clone();
    let outcome = write_reference(&state, move |transaction| {
        if reference::find_station(transaction, &commune.insee_code, &stored.code)?.is_some() {
            return Ok(Err(format!(
                "code de bureau « {} » déjà utilisé : modifiez le bureau existant ou choisissez \
                 un autre code",
                stored.code
            )));
        }
        reference::upsert_station(transaction, &commune.insee_code, &stored)?;
        audit(
            transaction,
            &actor,
            "reference.station.create",
            &format!("bureau {}", stored.code),
            None,
            Some(station_json(&stored)),
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(
            PATH,
            "saved",
            &format!("bureau {}", station.code),
        )),
        Err(message) => render_list(&state, &viewer, html! {}, Some(&message), &fields).await,
    }
}

fn parse_path_code(text: &str) -> Result<StationCode, PageError> {
    StationCode::parse(text).map_err(PageError::NotFound)
}

async fn render_edit(
    state: &WebState,
    viewer: &Viewer,
    code: &StationCode,
    values: Option<&Fields>,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let context = load(state).await?;
    let Some(station) = context.stations.iter().find(|s| &s.code == code) else {
        return Err(PageError::NotFound(format!(
            "bureau {code} introuvable dans la configuration : choisissez-le dans la liste des \
             bureaux"
        )));
    };
    let stored = station_fields(station);
    let values = values.unwrap_or(&stored);
    let administrator = is_administrator(viewer);
    let body = html! {
        @if let Some(error) = error { (refusal(error)) }
        p { a href=(PATH) { "Retour à la liste des bureaux" } }
        @if administrator {
            (station_form(viewer, &context, values, Some(code.as_str())))
            form.config method="post" action={ (PATH) "/" (code) "/delete" } {
                (layout::csrf_field(viewer))
                p {
                    button type="submit" { "Supprimer le bureau " (code) }
                    " "
                    span.hint { "Refusé tant qu'une élection de la commune utilise ce bureau." }
                }
            }
        } @else {
            dl.details {
                dt { "Nom" } dd { (station.name) }
                dt { "Lieu de vote" } dd { (station.polling_place.as_deref().unwrap_or("—")) }
                dt { "Canton" } dd { (station.canton.as_deref().unwrap_or("—")) }
                dt { "Circonscription" } dd { (station.constituency.as_deref().unwrap_or("—")) }
                dt { "Inscrits" } dd { (station.registered) }
            }
        }
    };
    let html = config_page(&format!("Bureau {code}"), viewer, Tab::Stations, body);
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(with_status(status, html))
}

/// `GET /admin/configuration/stations/{code}`.
pub async fn edit_page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let code = parse_path_code(&code)?;
    render_edit(&state, &viewer, &code, None, None).await
}

/// `POST /admin/configuration/stations/{code}`: changes a station's details.
pub async fn update(
    State(state): State<WebState>,
    Path(code): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let code = parse_path_code(&code)?;
    let fields = submission.fields;
    let context = load(&state).await?;
    let Some(commune) = context.commune.clone() else {
        return Err(PageError::Conflict(
            "aucune commune configurée : renseignez d'abord la page Commune".to_string(),
        ));
    };
    let station = match parse_station(&fields, Some(&code), &context) {
        Ok(station) => station,
        Err(message) => {
            return render_edit(&state, &viewer, &code, Some(&fields), Some(&message)).await;
        }
    };
    let actor = viewer.login().to_string();
    let stored = station.clone();
    let outcome = write_reference(&state, move |transaction| {
        let Some(before) = reference::find_station(transaction, &commune.insee_code, &stored.code)?
        else {
            return Ok(Err(format!(
                "bureau {} introuvable : rechargez la liste des bureaux",
                stored.code
            )));
        };
        reference::upsert_station(transaction, &commune.insee_code, &stored)?;
        audit(
            transaction,
            &actor,
            "reference.station.update",
            &format!("bureau {}", stored.code),
            Some(station_json(&before)),
            Some(station_json(&stored)),
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(PATH, "saved", &format!("bureau {code}"))),
        Err(message) => render_edit(&state, &viewer, &code, Some(&fields), Some(&message)).await,
    }
}

/// `POST /admin/configuration/stations/{code}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    Path(code): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let code = parse_path_code(&code)?;
    let actor = viewer.login().to_string();
    let target = code.clone();
    let outcome = write_reference(&state, move |transaction| {
        let Some(commune) = reference::commune(transaction)? else {
            return Ok(Err("aucune commune configurée".to_string()));
        };
        let Some(before) = reference::find_station(transaction, &commune.insee_code, &target)?
        else {
            return Ok(Err(format!(
                "bureau {target} introuvable : rechargez la liste des bureaux"
            )));
        };
        let elections =
            reference::elections_with_station(transaction, &commune.insee_code, &target)?;
        if !elections.is_empty() {
            return Ok(Err(format!(
                "suppression du bureau {target} refusée : les élections « {} » l'utilisent ; \
                 modifiez-le plutôt (chaque élection garde sa propre copie)",
                elections.join(" », « ")
            )));
        }
        reference::delete_station(transaction, &commune.insee_code, &target)?;
        audit(
            transaction,
            &actor,
            "reference.station.delete",
            &format!("bureau {target}"),
            Some(station_json(&before)),
            None,
        )?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect_done(PATH, "deleted", &format!("bureau {code}"))),
        Err(message) => render_edit(&state, &viewer, &code, None, Some(&message)).await,
    }
}
