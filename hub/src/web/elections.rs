//! The list of elections and their life-cycle transitions.
//!
//! Supervisors and administrators move an election from preparation to open and from open
//! to closed. Only administrators reopen a closed election (with a reason) or archive it.
//! Each transition is one transaction that updates the state, appends an audit record
//! (`election.state`) and an `election` event whose detail is the new state.

use super::WebState;
use super::auth::{Submission, Viewer};
use super::layout::{self, Section};
use super::page_error::PageError;
use crate::db::users::{Role, User};
use crate::db::{self, audit::AuditRecord, elections::ElectionRow, elections::ElectionState};
use crate::service::ServiceError;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use rusqlite::params;
use serde::Deserialize;
use urne_common::election::{ElectionConfig, ElectionKind};

/// Parses an election id from the path.
pub fn parse_id(text: &str) -> Result<i64, PageError> {
    text.parse().map_err(|_| {
        PageError::NotFound(format!(
            "élection « {text} » introuvable : l'identifiant est un nombre entier"
        ))
    })
}

/// Loads an election's row and configuration.
pub async fn load(state: &WebState, id: &str) -> Result<(ElectionRow, ElectionConfig), PageError> {
    let id = parse_id(id)?;
    let loaded = state
        .app
        .read(move |connection| {
            let row = db::elections::find(connection, id)?;
            let config = db::elections::config(connection, id)?;
            Ok(row.zip(config))
        })
        .await?;
    loaded.ok_or_else(|| {
        PageError::NotFound(format!(
            "élection {id} introuvable : choisissez-la dans la liste des élections"
        ))
    })
}

/// A transition offered from a state: the target, the button's label and whether a
/// reason is required.
struct Transition {
    target: ElectionState,
    label: &'static str,
    needs_reason: bool,
    minimum_role: Role,
}

fn transitions(from: ElectionState) -> Vec<Transition> {
    match from {
        ElectionState::Preparation => vec![Transition {
            target: ElectionState::Open,
            label: "Ouvrir la saisie",
            needs_reason: false,
            minimum_role: Role::Supervisor,
        }],
        ElectionState::Open => vec![Transition {
            target: ElectionState::Closed,
            label: "Clore la saisie",
            needs_reason: false,
            minimum_role: Role::Supervisor,
        }],
        ElectionState::Closed => vec![
            Transition {
                target: ElectionState::Open,
                label: "Rouvrir la saisie",
                needs_reason: true,
                minimum_role: Role::Administrator,
            },
            Transition {
                target: ElectionState::Archived,
                label: "Archiver",
                needs_reason: false,
                minimum_role: Role::Administrator,
            },
        ],
        ElectionState::Archived => vec![],
    }
}

fn parse_state(text: &str) -> Option<ElectionState> {
    [
        ElectionState::Preparation,
        ElectionState::Open,
        ElectionState::Closed,
        ElectionState::Archived,
    ]
    .into_iter()
    .find(|state| state.as_str() == text)
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// Election whose state just changed.
    changed: Option<i64>,
    /// Election whose double entry option just changed.
    double: Option<i64>,
    /// Election just created from the reference configuration or from a first round.
    created: Option<i64>,
}

/// `GET /admin/elections`.
pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (rows, double_entry) = state
        .app
        .read(|connection| {
            let rows = db::elections::list(connection)?;
            let mut enabled = std::collections::BTreeSet::new();
            for row in &rows {
                if super::double_entry::is_enabled(connection, row.summary.id)? {
                    enabled.insert(row.summary.id);
                }
            }
            Ok((rows, enabled))
        })
        .await?;
    let user = viewer.user();
    let changed = query
        .changed
        .and_then(|id| rows.iter().find(|row| row.summary.id == id));
    let double_changed = query
        .double
        .and_then(|id| rows.iter().find(|row| row.summary.id == id));
    let created = query
        .created
        .and_then(|id| rows.iter().find(|row| row.summary.id == id));
    let body = html! {
        h1 { "Élections" }
        @if let Some(row) = created {
            (layout::message("success", &format!(
                "« {} » créée, en préparation : vérifiez ses candidats, puis ouvrez la saisie.",
                row.summary.label
            )))
        }
        @if user.role == Role::Administrator {
            p { a.button href="/admin/elections/new" { "Créer une élection" } }
        }
        @if let Some(row) = double_changed {
            @let enabled = double_entry.contains(&row.summary.id);
            (layout::message("success", &format!(
                "Double saisie {} pour « {} ».",
                if enabled { "activée" } else { "désactivée" },
                row.summary.label
            )))
        }
        @if let Some(row) = changed {
            (layout::message("success", &format!(
                "« {} » est maintenant {}.", row.summary.label, row.state.label_fr()
            )))
        }
        @if rows.is_empty() {
            p {
                "Aucune élection : créez-en une à partir de la "
                a href="/admin/configuration" { "configuration" }
                ", ou importez-la avec « urne-hub import »."
            }
        } @else {
            table.list {
                caption.visually-hidden { "Élections et leur état" }
                thead { tr {
                    th scope="col" { "N°" }
                    th scope="col" { "Élection" }
                    th scope="col" { "Date" }
                    th scope="col" { "Commune" }
                    th scope="col" { "État" }
                    th scope="col" { "Double saisie" }
                    th scope="col" { "Pages" }
                    th scope="col" { "Changer l'état" }
                } }
                tbody {
                    @for row in &rows {
                        @let id = row.summary.id;
                        tr {
                            td.number { (id) }
                            td {
                                (row.summary.label)
                                @if row.summary.rehearsal { " " span.badge.rehearsal { "SIMULATION" } }
                                br;
                                span.hint { (row.summary.kind_label) ", tour " (row.summary.round) }
                            }
                            td { (row.summary.date.format("%d/%m/%Y")) }
                            td { (row.summary.commune_name) }
                            td { (layout::state_badge(row.state)) }
                            td { (double_entry_cell(&viewer, id, double_entry.contains(&id))) }
                            td.links {
                                a href={ "/admin/elections/" (id) "/board" } { "Tableau de bord" }
                                " · "
                                a href={ "/admin/elections/" (id) "/turnout" } { "Participation" }
                                " · "
                                a href={ "/admin/elections/" (id) "/hundreds" } { "Centaines" }
                                " · "
                                a href={ "/admin/elections/" (id) "/results" } { "Résultats" }
                                " · "
                                a href={ "/admin/elections/" (id) "/audit" } { "Journal" }
                                " · "
                                a href={ "/admin/elections/" (id) "/candidates" } { "Candidats" }
                                @if row.summary.round == 1 && has_second_round(row.summary.kind) {
                                    " · "
                                    a href={ "/admin/elections/" (id) "/second-round" } {
                                        "Second tour"
                                    }
                                }
                            }
                            td { (transition_forms(&viewer, user, row)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Élections", &viewer, None, Section::Elections, body, &[]).into_response())
}

/// Returns whether elections of this kind have a second round prepared from the first one.
fn has_second_round(kind: ElectionKind) -> bool {
    matches!(
        kind,
        ElectionKind::Presidential
            | ElectionKind::Legislative
            | ElectionKind::Departmental
            | ElectionKind::Municipal
    )
}

fn transition_forms(viewer: &Viewer, user: &User, row: &ElectionRow) -> maud::Markup {
    let id = row.summary.id;
    let offered = transitions(row.state);
    let allowed: Vec<&Transition> = offered
        .iter()
        .filter(|transition| user.role >= transition.minimum_role)
        .collect();
    html! {
        @if offered.is_empty() {
            "—"
        } @else if allowed.is_empty() {
            @if offered.iter().any(|t| t.minimum_role == Role::Supervisor) {
                span.hint { "Réservé aux superviseurs et administrateurs" }
            } @else {
                span.hint { "Réservé aux administrateurs" }
            }
        }
        @for transition in allowed {
            form.inline.transition method="post" action={ "/admin/elections/" (id) "/state" } {
                (layout::csrf_field(viewer))
                input type="hidden" name="target" value=(transition.target.as_str());
                @if transition.needs_reason {
                    @let field = format!("reason-{id}");
                    label for=(field) { "Motif de la réouverture" }
                    input id=(field) type="text" name="reason" required;
                }
                button type="submit" { (transition.label) }
            }
        }
    }
}

/// Renders whether an election uses double entry, with the switch for supervisors.
fn double_entry_cell(viewer: &Viewer, id: i64, enabled: bool) -> maud::Markup {
    html! {
        (if enabled { "activée" } else { "désactivée" })
        @if viewer.user().may_supervise() {
            form.inline method="post" action={ "/admin/elections/" (id) "/double-entry" } {
                (layout::csrf_field(viewer))
                input type="hidden" name="enabled" value=(if enabled { "0" } else { "1" });
                button type="submit" {
                    (if enabled { "Désactiver" } else { "Activer" })
                    span.visually-hidden { " la double saisie de l'élection " (id) }
                }
            }
        }
    }
}

/// `GET /admin/elections/{id}`: the board is the election's home page.
pub async fn home(Path(id): Path<String>) -> Result<Redirect, PageError> {
    let id = parse_id(&id)?;
    Ok(Redirect::to(&format!("/admin/elections/{id}/board")))
}

/// `POST /admin/elections/{id}/state`.
pub async fn change_state(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let fields = submission.fields;
    let user = submission.viewer.user().clone();
    let target = fields
        .get("target")
        .and_then(parse_state)
        .ok_or_else(|| PageError::BadRequest("état demandé inconnu".to_string()))?;
    let reason = fields.text("reason");
    let outcome = state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            let row = db::elections::find(&transaction, id)?
                .ok_or_else(|| ServiceError::NotFound(format!("élection {id} introuvable")))?;
            let Some(transition) = transitions(row.state)
                .into_iter()
                .find(|t| t.target == target)
            else {
                return Ok((
                    Err(PageError::Conflict(format!(
                        "l'élection est {} : elle ne peut pas passer à l'état « {} »",
                        row.state.label_fr(),
                        target.label_fr()
                    ))),
                    vec![],
                ));
            };
            if user.role < transition.minimum_role {
                return Ok((
                    Err(PageError::Forbidden(format!(
                        "« {} » est réservé au rôle {} : votre rôle est {}",
                        transition.label,
                        transition.minimum_role.label_fr(),
                        user.role.label_fr()
                    ))),
                    vec![],
                ));
            }
            if transition.needs_reason && reason.is_none() {
                return Ok((
                    Err(PageError::BadRequest(
                        "indiquez le motif de la réouverture".to_string(),
                    )),
                    vec![],
                ));
            }
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &user.login,
                    election_id: Some(id),
                    action: "election.state",
                    target: &row.summary.label,
                    before: Some(serde_json::json!({ "state": row.state })),
                    after: Some(serde_json::json!({ "state": target })),
                    reason: reason.as_deref(),
                },
            )?;
            let data_version = db::elections::bump_data_version(&transaction, id)?;
            // Last, because an archived election's row and audit records are frozen.
            transaction.execute(
                "UPDATE election SET state = ?2 WHERE id = ?1",
                params![id, target.as_str()],
            )?;
            let event = db::events::append(
                &transaction,
                Some(id),
                "election",
                Some(data_version),
                None,
                Some(target.as_str()),
            )?;
            transaction.commit()?;
            Ok((Ok(()), vec![event]))
        })
        .await?;
    outcome?;
    tracing::info!(
        election = id,
        state = target.as_str(),
        "election state changed"
    );
    Ok(Redirect::to(&format!("/admin/elections?changed={id}")).into_response())
}
