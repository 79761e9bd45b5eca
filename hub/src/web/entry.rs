//! Parts shared by the entry pages: the station pickers of the results and centaines
//! pages, the role check before a write, and the sorting of the service's refusals.

use super::WebState;
use super::auth::Viewer;
use super::elections::load;
use super::layout::{self, Section};
use super::page_error::{PageError, encode_component};
use crate::db::{self, elections::ElectionState, figures};
use crate::service::ServiceError;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use urne_common::count::{Hundred, StationStatus};
use urne_common::election::{ElectionConfig, StationCode};
use urne_common::rules::Finding;

/// Reason the service did not store a write, in the form the entry pages show it.
pub enum Refusal {
    /// Figures that break rules: the message lists them, the findings name the fields.
    Findings {
        message: String,
        findings: Vec<Finding>,
    },
    /// Someone else saved the record first: the stored record and its version.
    Stale {
        current: serde_json::Value,
        current_version: u64,
    },
    /// Any other refusal (election not open, station already validated, bad input).
    Message(String),
}

/// Sorts a service error into a refusal the page shows, or an internal error.
pub fn refusal(error: ServiceError) -> Result<Refusal, PageError> {
    Ok(match error {
        ServiceError::Inconsistent { message, findings } => Refusal::Findings { message, findings },
        ServiceError::Stale {
            current,
            current_version,
            ..
        } => Refusal::Stale {
            current,
            current_version,
        },
        ServiceError::Invalid { message, .. }
        | ServiceError::NotFound(message)
        | ServiceError::Conflict(message) => Refusal::Message(message),
        ServiceError::Internal(error) => return Err(PageError::Internal(error)),
    })
}

/// Checks that the user may key figures for `code` in this election; the message names
/// the stations the account is limited to.
pub fn check_may_enter(
    viewer: &Viewer,
    config: &ElectionConfig,
    code: &str,
) -> Result<StationCode, PageError> {
    let station = StationCode::parse(code)
        .ok()
        .filter(|station| config.station(station).is_some())
        .ok_or_else(|| {
            PageError::NotFound(format!(
                "bureau « {code} » inconnu dans cette élection : vérifiez le code"
            ))
        })?;
    let user = viewer.user();
    if user.may_enter(&station) {
        return Ok(station);
    }
    Err(PageError::Forbidden(refusal_for_station(viewer, &station)))
}

/// Returns the French message telling a user they may not write `station`.
pub fn refusal_for_station(viewer: &Viewer, station: &StationCode) -> String {
    let user = viewer.user();
    match &user.stations {
        Some(allowed) if user.role == db::users::Role::Clerk => {
            let list: Vec<&str> = allowed.iter().map(StationCode::as_str).collect();
            format!(
                "vous n'êtes pas autorisé à saisir le bureau {station} : votre compte ({}) est \
                 limité aux bureaux {} ; demandez à un superviseur",
                user.login,
                list.join(", ")
            )
        }
        _ => format!(
            "vous n'êtes pas autorisé à saisir le bureau {station} : votre rôle ({}) ne permet \
             pas la saisie",
            user.role.label_fr()
        ),
    }
}

/// Renders the warning shown on entry pages when the election does not accept figures.
pub fn closed_notice(state: ElectionState) -> Markup {
    html! {
        @if state != ElectionState::Open {
            (layout::message("warning", &format!(
                "L'élection est {} : la saisie n'est possible que sur une élection ouverte.",
                state.label_fr()
            )))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct GoQuery {
    station: Option<String>,
    what: Option<String>,
}

/// `GET /admin/elections/{id}/go?station=1&what=results`: the pickers' target, which
/// restores the leading zeros of a typed code.
pub async fn go_to_station(
    State(state): State<WebState>,
    _viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<GoQuery>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let id = row.summary.id;
    let what = match query.what.as_deref() {
        Some("first") => "hundreds/first",
        Some("second") => "hundreds/second",
        _ => "results",
    };
    let back = if what == "results" {
        "results"
    } else {
        "hundreds"
    };
    let typed = query.station.unwrap_or_default();
    let found = StationCode::parse(&typed)
        .ok()
        .filter(|code| config.station(code).is_some());
    let target = match found {
        Some(code) => format!("/admin/elections/{id}/stations/{code}/{what}"),
        None => format!(
            "/admin/elections/{id}/{back}?unknown={}",
            encode_component(typed.trim())
        ),
    };
    Ok(Redirect::to(&target).into_response())
}

#[derive(Debug, Deserialize)]
pub struct PickerQuery {
    saved: Option<String>,
    unknown: Option<String>,
    /// Outcome of a results sheet under double entry: `first`, `agreed` or `differ`.
    entry: Option<String>,
}

fn picker_form(id: i64, what: &str, label: &str, autofocus: bool) -> Markup {
    let field = format!("station-{what}");
    html! {
        form.picker method="get" action={ "/admin/elections/" (id) "/go" } {
            input type="hidden" name="what" value=(what);
            label for=(field) { (label) }
            input id=(field) type="text" name="station" inputmode="numeric" autocomplete="off"
                size="6" required autofocus[autofocus];
            button type="submit" { "Ouvrir" }
        }
    }
}

fn picker_messages(query: &PickerQuery, saved_label: &str) -> Markup {
    let saved = query
        .saved
        .as_deref()
        .and_then(|c| StationCode::parse(c).ok());
    html! {
        @if let Some(code) = saved {
            @match query.entry.as_deref() {
                Some("first") => {
                    (layout::message("success", &format!(
                        "Première saisie du bureau {code} enregistrée : un autre agent doit saisir la même feuille."
                    )))
                }
                Some("agreed") => {
                    (layout::message("success", &format!(
                        "{saved_label} du bureau {code} enregistrés : les deux saisies concordent."
                    )))
                }
                Some("differ") => {
                    (layout::message("warning", &format!(
                        "Les deux saisies du bureau {code} diffèrent : un superviseur va les comparer au procès-verbal."
                    )))
                }
                _ => { (layout::message("success", &format!("{saved_label} du bureau {code} enregistrés."))) }
            }
        }
        @if let Some(typed) = &query.unknown {
            (layout::message("error", &format!(
                "Bureau « {typed} » inconnu dans cette élection : vérifiez le code."
            )))
        }
    }
}

/// `GET /admin/elections/{id}/results`: type a station code to open its sheet, or pick it
/// from the list.
pub async fn results_picker(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<PickerQuery>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let id = row.summary.id;
    let records = state
        .app
        .read(move |connection| Ok(figures::final_records(connection, id)?))
        .await?;
    let user = viewer.user();
    let body = html! {
        h1 { "Résultats par bureau" }
        (closed_notice(row.state))
        (picker_messages(&query, "Résultats"))
        (picker_form(id, "results", "Code du bureau", true))
        table.list {
            caption { "Bureaux de l'élection" }
            thead { tr {
                th scope="col" { "Bureau" }
                th scope="col" { "Inscrits" }
                th scope="col" { "État" }
                th scope="col" { "Saisi par" }
            } }
            tbody {
                @for station in &config.stations {
                    @let record = records.get(&station.code);
                    tr {
                        th scope="row" {
                            a href={ "/admin/elections/" (id) "/stations/" (station.code) "/results" } {
                                span.code { (station.code) } " " (station.name)
                            }
                            @if !user.may_enter(&station.code) { " " span.hint { "(consultation)" } }
                        }
                        td.number { (station.registered) }
                        td { (layout::status_badge(record.map_or(StationStatus::NotArrived, |r| r.status))) }
                        td { (record.map_or("—", |r| r.updated_by.as_str())) }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        "Résultats",
        &viewer,
        Some(&row),
        Section::Results,
        body,
        &[],
    )
    .into_response())
}

/// `GET /admin/elections/{id}/hundreds`: the centaines' pickers and progress.
pub async fn hundreds_picker(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<PickerQuery>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let id = row.summary.id;
    let entries = state
        .app
        .read(move |connection| Ok(figures::hundreds(connection, id)?))
        .await?;
    let body = html! {
        h1 { "Centaines" }
        p.hint { "La première centaine compte les 100 premiers bulletins dépouillés, la seconde les 200 premiers (cumul)." }
        (closed_notice(row.state))
        (picker_messages(&query, "Chiffres"))
        div.pickers {
            (picker_form(id, "first", "Première centaine : code du bureau", true))
            (picker_form(id, "second", "Seconde centaine : code du bureau", false))
        }
        table.list {
            caption { "Centaines saisies par bureau" }
            thead { tr {
                th scope="col" { "Bureau" }
                th scope="col" { "Première centaine" }
                th scope="col" { "Seconde centaine" }
            } }
            tbody {
                @for station in &config.stations {
                    tr {
                        th scope="row" { span.code { (station.code) } " " (station.name) }
                        @for which in [Hundred::First, Hundred::Second] {
                            @let entry = entries.get(&(which, station.code.clone()));
                            @let slug = if which == Hundred::First { "first" } else { "second" };
                            td {
                                a href={ "/admin/elections/" (id) "/stations/" (station.code) "/hundreds/" (slug) } {
                                    @match entry {
                                        Some(entry) => { "saisie par " (entry.updated_by) " à " (layout::clock(&entry.updated_at)) }
                                        None => { "à saisir" }
                                    }
                                    span.visually-hidden { " : bureau " (station.code) ", " (which.label_fr()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        "Centaines",
        &viewer,
        Some(&row),
        Section::Hundreds,
        body,
        &[],
    )
    .into_response())
}
