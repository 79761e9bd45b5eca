//! The turnout grid: one form per slot with one field per station, keyed with the
//! keyboard alone (Tab moves, Enter saves every changed field). Each changed field is
//! one `service::write_turnout` call. A rejected row comes back with the typed value and
//! the rule that failed. When someone else saved it first, the stored value is shown
//! beside the typed one. static/turnout.js keeps the running total and pre-checks each
//! field while typing.

use super::WebState;
use super::auth::{Submission, Viewer};
use super::elections::load;
use super::entry::{Refusal, closed_notice, refusal, refusal_for_station};
use super::form::{Fields, parse_count};
use super::layout::{self, Section};
use super::page_error::PageError;
use crate::db::{elections::ElectionRow, elections::ElectionState, figures};
use crate::service::{self, TurnoutWrite};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveTime;
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::BTreeMap;
use urne_common::election::{ElectionConfig, StationCode};
use urne_common::results::{SlotTurnout, TurnoutEntry, TurnoutView, compute_turnout, slot_label};

/// Formats a slot label (`12:00`) as written in URLs (`12h00`).
fn slot_path(label: &str) -> String {
    label.replace(':', "h")
}

/// Parses a slot from a URL or query (`12h00`, `12:00`, `1200`) into its label `12:00`.
fn parse_slot(config: &ElectionConfig, text: &str) -> Option<String> {
    let normalised = text.trim().replace(['h', 'H'], ":");
    let time = NaiveTime::parse_from_str(&normalised, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&normalised, "%H%M"))
        .ok()?;
    config
        .turnout_slots
        .contains(&time)
        .then(|| slot_label(time))
}

/// Outcome of one station's field after a submission that was not fully stored.
#[derive(Debug, Clone, Default)]
struct RowFeedback {
    typed: Option<String>,
    error: Option<String>,
    /// Value stored by someone else meanwhile, and the version the next save is based on.
    conflict: Option<(TurnoutEntry, u64)>,
    saved: bool,
}

async fn load_view(
    state: &WebState,
    row: &ElectionRow,
    config: &ElectionConfig,
) -> Result<(TurnoutView, BTreeMap<StationCode, u32>), PageError> {
    let id = row.summary.id;
    let summary = row.summary.clone();
    let config = config.clone();
    let version = u64::try_from(row.data_version).unwrap_or(0);
    state
        .app
        .read(move |connection| {
            let entries = figures::turnout(connection, id)?;
            let final_voters = figures::final_records(connection, id)?
                .into_iter()
                .map(|(code, record)| (code, record.count.voters))
                .collect();
            Ok((
                compute_turnout(summary, version, &config, &entries),
                final_voters,
            ))
        })
        .await
        .map_err(PageError::from)
}

#[derive(Debug, Deserialize)]
pub struct TurnoutQuery {
    slot: Option<String>,
    saved: Option<usize>,
}

/// `GET /admin/elections/{id}/turnout`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<TurnoutQuery>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let (view, final_voters) = load_view(&state, &row, &config).await?;
    let slot = query
        .slot
        .as_deref()
        .and_then(|text| parse_slot(&config, text))
        .or_else(|| {
            view.slots
                .iter()
                .find(|slot| !slot.progress.is_complete())
                .or(view.slots.last())
                .map(|slot| slot.slot.clone())
        });
    let notice = query.saved.map(|count| {
        let word = if count > 1 {
            "chiffres enregistrés"
        } else {
            "chiffre enregistré"
        };
        layout::message("success", &format!("{count} {word}."))
    });
    let body = grid(
        &viewer,
        &row,
        &view,
        &final_voters,
        slot.as_deref(),
        &BTreeMap::new(),
        notice,
    );
    Ok(layout::page(
        "Participation",
        &viewer,
        Some(&row),
        Section::Turnout,
        body,
        &["turnout.js"],
    )
    .into_response())
}

fn grid(
    viewer: &Viewer,
    row: &ElectionRow,
    view: &TurnoutView,
    final_voters: &BTreeMap<StationCode, u32>,
    slot: Option<&str>,
    feedback: &BTreeMap<StationCode, RowFeedback>,
    notice: Option<Markup>,
) -> Markup {
    let id = row.summary.id;
    let index = slot.and_then(|label| view.slots.iter().position(|s| s.slot == label));
    let current = index.map(|i| view.slots[i].slot.as_str());
    html! {
        h1 { "Participation" }
        (closed_notice(row.state))
        @if let Some(notice) = notice { (notice) }
        @if view.slots.is_empty() {
            p { "Cette élection n'a pas de tranche horaire de participation." }
        }
        nav.tabs aria-label="Tranches horaires" {
            ul {
                @for slot in &view.slots {
                    li {
                        a href={ "/admin/elections/" (id) "/turnout?slot=" (slot_path(&slot.slot)) }
                            aria-current=[(current == Some(slot.slot.as_str())).then_some("page")] {
                            (slot.slot) " · " (slot.progress.label)
                        }
                    }
                }
            }
        }
        @if let Some(index) = index {
            (slot_form(viewer, row, view, index, final_voters, feedback))
        }
    }
}

/// A station's figure at another slot: the slot's label and the voters keyed.
type SlotValue = Option<(String, u32)>;

/// Returns a station's figures at the nearest earlier and later slots that have one.
fn neighbour_values(
    view: &TurnoutView,
    index: usize,
    station_index: usize,
) -> (SlotValue, SlotValue) {
    let value = |slot: &SlotTurnout| {
        slot.stations
            .get(station_index)
            .and_then(|s| s.entry.as_ref())
            .map(|e| (slot.slot.clone(), e.voters))
    };
    let previous = view.slots[..index].iter().rev().find_map(value);
    let next = view.slots[index + 1..].iter().find_map(value);
    (previous, next)
}

fn slot_form(
    viewer: &Viewer,
    row: &ElectionRow,
    view: &TurnoutView,
    index: usize,
    final_voters: &BTreeMap<StationCode, u32>,
    feedback: &BTreeMap<StationCode, RowFeedback>,
) -> Markup {
    let id = row.summary.id;
    let slot = &view.slots[index];
    let open = row.state == ElectionState::Open;
    let user = viewer.user();
    let first_error = feedback
        .iter()
        .find(|(_, f)| f.error.is_some() || f.conflict.is_some())
        .map(|(code, _)| code.clone());
    html! {
        form.grid #turnout-form method="post"
            action={ "/admin/elections/" (id) "/turnout/" (slot_path(&slot.slot)) }
            data-slot=(slot.slot) data-registered-all=(slot.registered_all) {
            (layout::csrf_field(viewer))
            table.entry {
                caption { "Votants à " (slot.slot) " par bureau" }
                thead { tr {
                    th scope="col" { "Bureau" }
                    th scope="col" { "Inscrits" }
                    th scope="col" { "Tranche précédente" }
                    th scope="col" { "Votants à " (slot.slot) }
                    th scope="col" { "Taux" }
                    th scope="col" { "Contrôle" }
                } }
                tbody {
                    @for (station_index, station) in slot.stations.iter().enumerate() {
                        @let code = &station.code;
                        @let row_feedback = feedback.get(code).cloned().unwrap_or_default();
                        @let stored = station.entry.as_ref().map(|e| e.voters.to_string()).unwrap_or_default();
                        @let value = row_feedback.typed.clone().unwrap_or_else(|| stored.clone());
                        @let base = row_feedback.conflict.as_ref().map(|(_, v)| *v)
                            .unwrap_or_else(|| station.entry.as_ref().map_or(0, |e| e.version));
                        @let (previous, next) = neighbour_values(view, index, station_index);
                        @let field = format!("t_{code}");
                        @let message_id = format!("m_{code}");
                        tr.error[row_feedback.error.is_some() || row_feedback.conflict.is_some()] {
                            @let editable = open && user.may_enter(code);
                            th scope="row" {
                                @if editable {
                                    label for=(field) { span.code { (code) } " " (station.name) }
                                } @else {
                                    span.code { (code) } " " (station.name)
                                }
                            }
                            td.number { (station.registered) }
                            td.number {
                                @match &previous { Some((label, voters)) => { (voters) " " span.hint { "(" (label) ")" } } None => { "—" } }
                            }
                            td {
                                @if editable {
                                    input type="hidden" name={ "b_" (code) } value=(base);
                                    input type="hidden" name={ "o_" (code) } value=(if row_feedback.conflict.is_some() { "" } else { stored.as_str() });
                                    input.count id=(field) name=(field) type="text" inputmode="numeric"
                                        autocomplete="off" size="7" value=(value)
                                        aria-describedby=(message_id)
                                        aria-invalid=[row_feedback.error.is_some().then_some("true")]
                                        autofocus[first_error.as_ref() == Some(code) || (first_error.is_none() && station_index == 0)]
                                        data-registered=(station.registered)
                                        data-previous=[previous.as_ref().map(|(_, v)| *v)]
                                        data-previous-slot=[previous.as_ref().map(|(l, _)| l.as_str())]
                                        data-next=[next.as_ref().map(|(_, v)| *v)]
                                        data-next-slot=[next.as_ref().map(|(l, _)| l.as_str())]
                                        data-final=[final_voters.get(code)];
                                } @else {
                                    span.readonly id=(field) { @if stored.is_empty() { "—" } @else { (stored) } }
                                }
                            }
                            td.number { (station.share.as_ref().map(layout::percent).unwrap_or_else(|| "—".to_string())) }
                            td.check id=(message_id) {
                                @if let Some(error) = &row_feedback.error { span.finding.error { (error) } }
                                @if let Some((entry, _)) = &row_feedback.conflict {
                                    span.finding.error {
                                        "Enregistré entre-temps par " (entry.updated_by) " à " (layout::clock(&entry.updated_at))
                                        " : " strong { (entry.voters) } " ; votre saisie : " strong { (value) }
                                        ". Enregistrez à nouveau pour garder votre chiffre."
                                    }
                                }
                                @if row_feedback.saved { span.finding.ok { "Enregistré" } }
                                @if let Some(entry) = &station.entry {
                                    span.hint { (entry.updated_by) " à " (layout::clock(&entry.updated_at)) }
                                }
                            }
                        }
                    }
                }
                tfoot {
                    tr {
                        th scope="row" { "Total" }
                        td.number { (slot.registered_all) }
                        td {}
                        td.number { output #turnout-total { (slot.voters) } }
                        td.number { output #turnout-rate { (layout::percent(&slot.turnout_of_all)) } }
                        td {
                            (slot.progress.label) " ; "
                            (layout::percent(&slot.turnout_of_reported)) " des inscrits des bureaux ayant répondu"
                        }
                    }
                }
            }
            @if open && slot.stations.iter().any(|s| user.may_enter(&s.code)) {
                p.actions { button.primary type="submit" { "Enregistrer (Entrée)" } }
            }
        }
    }
}

fn feedback_status(feedback: &BTreeMap<StationCode, RowFeedback>, forbidden: bool) -> StatusCode {
    if forbidden {
        StatusCode::FORBIDDEN
    } else if feedback.values().any(|f| f.conflict.is_some()) {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// `POST /admin/elections/{id}/turnout/{slot}`.
pub async fn save(
    State(state): State<WebState>,
    Path((id, slot_text)): Path<(String, String)>,
    submission: Submission,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let slot = parse_slot(&config, &slot_text).ok_or_else(|| {
        PageError::NotFound(format!(
            "tranche horaire « {slot_text} » inconnue pour cette élection"
        ))
    })?;
    let viewer = submission.viewer;
    let fields = submission.fields;
    let mut feedback: BTreeMap<StationCode, RowFeedback> = BTreeMap::new();
    let mut saved = 0usize;
    let mut forbidden = false;
    for station in &config.stations {
        let code = &station.code;
        let Some(typed) = fields.get(&format!("t_{code}")) else {
            continue;
        };
        let original = fields.get(&format!("o_{code}")).unwrap_or_default();
        if typed.trim() == original.trim() {
            continue;
        }
        let mut row_feedback = RowFeedback {
            typed: Some(typed.to_string()),
            ..RowFeedback::default()
        };
        match prepare(&viewer, &fields, code, typed) {
            Err(message) => {
                if !viewer.user().may_enter(code) {
                    forbidden = true;
                    tracing::warn!(
                        login = viewer.login(),
                        station = code.as_str(),
                        "turnout write rejected: station not allowed"
                    );
                }
                row_feedback.error = Some(message);
            }
            Ok(request) => {
                let actor = viewer.login().to_string();
                let station_code = code.to_string();
                let slot_label = slot.clone();
                let written = state
                    .app
                    .write(move |connection| {
                        match service::write_turnout(
                            connection,
                            election_id,
                            &station_code,
                            &slot_label,
                            &request,
                            &actor,
                        ) {
                            Ok(outcome) => {
                                let event = outcome.event.clone();
                                Ok((Ok(()), vec![event]))
                            }
                            Err(error) => Ok((Err(error), vec![])),
                        }
                    })
                    .await?;
                match written {
                    Ok(()) => {
                        saved += 1;
                        row_feedback.saved = true;
                        row_feedback.typed = None;
                    }
                    Err(error) => match refusal(error)? {
                        Refusal::Findings { findings, .. } => {
                            let messages: Vec<String> = findings
                                .iter()
                                .filter(|f| f.is_error())
                                .map(|f| f.message.clone())
                                .collect();
                            row_feedback.error = Some(messages.join(" ; "));
                        }
                        Refusal::Stale {
                            current,
                            current_version,
                        } => {
                            let entry: Option<TurnoutEntry> =
                                serde_json::from_value(current).unwrap_or_default();
                            match entry {
                                Some(entry) => {
                                    row_feedback.conflict = Some((entry, current_version));
                                }
                                None => {
                                    row_feedback.error = Some(
                                        "le chiffre a changé depuis l'affichage : vérifiez puis \
                                         enregistrez à nouveau"
                                            .to_string(),
                                    );
                                }
                            }
                        }
                        Refusal::Message(message) => row_feedback.error = Some(message),
                    },
                }
            }
        }
        feedback.insert(code.clone(), row_feedback);
    }

    let failed = feedback
        .values()
        .any(|f| f.error.is_some() || f.conflict.is_some());
    if !failed {
        return Ok(Redirect::to(&format!(
            "/admin/elections/{election_id}/turnout?slot={}&saved={saved}",
            slot_path(&slot)
        ))
        .into_response());
    }
    let (row, config) = load(&state, &id).await?;
    let (view, final_voters) = load_view(&state, &row, &config).await?;
    let refused = feedback
        .values()
        .filter(|f| f.error.is_some() || f.conflict.is_some())
        .count();
    let notice = layout::message(
        "error",
        &format!(
            "{saved} chiffre(s) enregistré(s), {refused} refusé(s) : corrigez les lignes \
             signalées puis enregistrez à nouveau."
        ),
    );
    let body = grid(
        &viewer,
        &row,
        &view,
        &final_voters,
        Some(&slot),
        &feedback,
        Some(notice),
    );
    let page = layout::page(
        "Participation",
        &viewer,
        Some(&row),
        Section::Turnout,
        body,
        &["turnout.js"],
    );
    Ok((feedback_status(&feedback, forbidden), page).into_response())
}

/// Builds the write for one station's field, or the message that rejects it.
fn prepare(
    viewer: &Viewer,
    fields: &Fields,
    code: &StationCode,
    typed: &str,
) -> Result<TurnoutWrite, String> {
    if !viewer.user().may_enter(code) {
        return Err(refusal_for_station(viewer, code));
    }
    let base_version = fields.version(&format!("b_{code}"))?;
    let voters = parse_count(typed)?.ok_or_else(|| {
        "un chiffre saisi ne peut pas être effacé : saisissez le chiffre corrigé".to_string()
    })?;
    Ok(TurnoutWrite {
        base_version,
        voters,
    })
}
