//! The board: every station's status, who entered it and when, with validation for
//! supervisors. static/board.js reloads the live part (`…/board/live`) whenever
//! `/api/v1/events` announces a change of the election; without JavaScript a link
//! reloads the page.

use super::WebState;
use super::auth::Viewer;
use super::double_entry::{self, Pending};
use super::elections::load;
use super::layout::{self, Section};
use super::page_error::PageError;
use crate::db::{self, elections::ElectionState, figures};
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::BTreeMap;
use urne_common::count::StationStatus;
use urne_common::results::{ElectionResults, compute_results};

/// Pending double entries by station code.
type PendingEntries = BTreeMap<String, Pending>;

async fn results(
    state: &WebState,
    id: i64,
) -> Result<(ElectionResults, PendingEntries), PageError> {
    let computed = state
        .app
        .read(move |connection| {
            let Some(row) = db::elections::find(connection, id)? else {
                return Ok(None);
            };
            let Some(config) = db::elections::config(connection, id)? else {
                return Ok(None);
            };
            let records = figures::final_records(connection, id)?;
            let pending = double_entry::pending(connection, id, None)?;
            let version = u64::try_from(row.data_version).unwrap_or(0);
            let results = compute_results(row.summary, version, &config, &records);
            Ok(Some((results, pending)))
        })
        .await?;
    computed.ok_or_else(|| PageError::NotFound(format!("élection {id} introuvable")))
}

#[derive(Debug, Deserialize)]
pub struct BoardQuery {
    validated: Option<String>,
}

/// `GET /admin/elections/{id}/board`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<BoardQuery>,
) -> Result<Response, PageError> {
    let (row, _) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let (results, pending) = results(&state, election_id).await?;
    let validated = query
        .validated
        .as_deref()
        .and_then(|code| results.stations.iter().find(|s| s.code.as_str() == code));
    let body = html! {
        h1 { "Tableau de bord" }
        @if let Some(station) = validated {
            (layout::message("success", &format!(
                "Bureau {} validé.", station.code
            )))
        }
        p.live-line {
            span #live-status role="status" { "Mise à jour : rechargez la page pour voir les derniers changements." }
            " "
            a href={ "/admin/elections/" (election_id) "/board" } { "Rafraîchir" }
        }
        div #board-live
            data-source={ "/admin/elections/" (election_id) "/board/live" }
            data-events={ "/api/v1/events?election=" (election_id) } {
            (live_part(&viewer, row.state, &results, &pending))
        }
    };
    Ok(layout::page(
        "Tableau de bord",
        &viewer,
        Some(&row),
        Section::Board,
        body,
        &["board.js"],
    )
    .into_response())
}

/// `GET /admin/elections/{id}/board/live`: the part of the board the script reloads.
pub async fn live(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (row, _) = load(&state, &id).await?;
    let (results, pending) = results(&state, row.summary.id).await?;
    Ok(Html(live_part(&viewer, row.state, &results, &pending).into_string()).into_response())
}

fn live_part(
    viewer: &Viewer,
    election_state: ElectionState,
    results: &ElectionResults,
    pending: &PendingEntries,
) -> Markup {
    let differing = pending.values().filter(|p| p.second.is_some()).count();
    let waiting = pending.len() - differing;
    let count = |status: StationStatus| {
        results
            .stations
            .iter()
            .filter(|station| station.status == status)
            .count()
    };
    let commune = &results.commune;
    let id = results.election.id;
    let user = viewer.user();
    let open = election_state == ElectionState::Open;
    html! {
        ul.counts aria-label="Bureaux par état" {
            @for status in [StationStatus::NotArrived, StationStatus::Entered,
                            StationStatus::Inconsistent, StationStatus::Validated] {
                li { (layout::status_badge(status)) " " strong { (count(status)) } }
            }
            @if waiting > 0 { li { "En attente de seconde saisie : " strong { (waiting) } } }
            @if differing > 0 { li { "Saisies différentes à arbitrer : " strong { (differing) } } }
            li { "Participation des bureaux arrivés : " strong { (layout::percent(&commune.turnout_of_counted)) } }
        }
        table.board {
            caption { (commune.progress.label) " arrivés (données version " (results.version) ")" }
            thead { tr {
                th scope="col" { "Bureau" }
                th scope="col" { "État" }
                th scope="col" { "Saisi par" }
                th scope="col" { "Heure" }
                th scope="col" { "Contrôles" }
                th scope="col" { "Actions" }
            } }
            tbody {
                @for station in &results.stations {
                    tr id={ "station-" (station.code) } data-status=(station.status.as_str()) {
                        th scope="row" { span.code { (station.code) } " " (station.name) }
                        td { (layout::status_badge(station.status)) }
                        td { (station.updated_by.as_deref().unwrap_or("—")) }
                        td { (station.updated_at.as_deref().map(layout::clock).unwrap_or_else(|| "—".to_string())) }
                        td.findings {
                            @for finding in &station.findings {
                                span class={ "finding " @if finding.is_error() { "error" } @else { "warning" } } {
                                    (finding.message)
                                }
                            }
                            @if let Some(reason) = &station.inconsistency_reason {
                                span.finding.reason { "Motif : " (reason) }
                            }
                            @match pending.get(station.code.as_str()) {
                                Some(Pending { first, second: Some(second), .. }) => {
                                    span.finding.error {
                                        "Double saisie : les saisies de " (first.by) " et de " (second.by)
                                        " diffèrent, à arbitrer"
                                    }
                                }
                                Some(entry) => {
                                    span.finding.warning {
                                        "Double saisie : première saisie par " (entry.first.by)
                                        " à " (layout::clock(&entry.first.at)) ", en attente de la seconde"
                                    }
                                }
                                None => {}
                            }
                        }
                        td.actions {
                            @let form_url = format!("/admin/elections/{id}/stations/{}/results", station.code);
                            @if open && user.may_enter(&station.code) {
                                a href=(form_url) {
                                    @if station.status == StationStatus::NotArrived { "Saisir" } @else { "Corriger" }
                                    span.visually-hidden { " le bureau " (station.code) }
                                }
                            } @else {
                                a href=(form_url) { "Voir" span.visually-hidden { " le bureau " (station.code) } }
                            }
                            @if open && user.may_supervise()
                                && matches!(station.status, StationStatus::Entered | StationStatus::Inconsistent) {
                                form.inline method="post"
                                    action={ "/admin/elections/" (id) "/stations/" (station.code) "/validation" } {
                                    (layout::csrf_field(viewer))
                                    input type="hidden" name="base_version" value=(station.version);
                                    input type="hidden" name="return" value="board";
                                    button type="submit" {
                                        "Valider" span.visually-hidden { " le bureau " (station.code) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
