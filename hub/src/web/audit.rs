//! The audit log of an election, newest first, filterable by station and by user. Each
//! change shows the fields it changed, before and after, and the reason when one was
//! recorded (corrections of validated stations, inconsistent records, reopenings).

use super::WebState;
use super::auth::Viewer;
use super::elections::load;
use super::layout::{self, Section};
use super::page_error::PageError;
use crate::db::{self, audit::AuditEntry};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use urne_common::election::StationCode;

/// Entries shown on one page.
const PAGE_SIZE: usize = 300;

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    station: Option<String>,
    actor: Option<String>,
    page: Option<usize>,
}

fn action_label(entry: &AuditEntry) -> &'static str {
    match entry.action.as_str() {
        "final_results.write" if entry.before.is_some() && entry.reason.is_some() => {
            "Correction des résultats"
        }
        "final_results.write" if entry.before.is_some() => "Nouvelle saisie des résultats",
        "final_results.write" => "Saisie des résultats",
        "final_results.validate" => "Validation",
        "final_results.import" => "Import des résultats",
        "turnout.write" => "Participation",
        "hundred.write" => "Centaine",
        "final_results.first_entry" => "Première saisie (double saisie)",
        "final_results.entries_differ" => "Seconde saisie différente",
        "final_results.entries_resolved" => "Choix entre deux saisies",
        "final_results.pending_discarded" => "Saisie en attente effacée",
        "election.create" => "Création de l'élection",
        "election.state" => "Changement d'état",
        "election.double_entry" => "Réglage de la double saisie",
        "seats.configure" => "Sièges à pourvoir",
        "seats.change" => "Changement de sièges",
        "list_members.write" => "Candidats d'une liste",
        "display.write" => "Réglages de la projection",
        "display.photo" => "Photo d'un candidat",
        "display.logo" => "Logo",
        "embargo.write" => "Embargo",
        "embargo.release" => "Levée de l'embargo",
        _ => "Autre",
    }
}

fn field_label(key: &str) -> String {
    match key {
        "registered" => "inscrits".to_string(),
        "voters" => "votants".to_string(),
        "ballots_found" => "bulletins trouvés".to_string(),
        "blank" => "blancs".to_string(),
        "invalid" => "nuls".to_string(),
        "valid_votes" => "exprimés".to_string(),
        "status" | "state" => "état".to_string(),
        "double_entry" => "double saisie".to_string(),
        "inconsistency_reason" => "motif du procès-verbal incohérent".to_string(),
        other => match other.strip_prefix("votes.") {
            Some(number) => format!("voix panneau {number}"),
            None => other.to_string(),
        },
    }
}

/// Flattens a stored JSON object into `field → value`, with votes as `votes.N`.
fn flatten(value: Option<&Value>) -> BTreeMap<String, String> {
    let mut flat = BTreeMap::new();
    let Some(Value::Object(map)) = value else {
        return flat;
    };
    for (key, item) in map {
        // The version a write was based on is not a figure of the record.
        if key == "base_version" {
            continue;
        }
        match item {
            Value::Object(inner) => {
                for (inner_key, inner_value) in inner {
                    flat.insert(format!("{key}.{inner_key}"), plain(inner_value));
                }
            }
            Value::Null => {}
            other => {
                flat.insert(key.clone(), plain(other));
            }
        }
    }
    flat
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => match text.as_str() {
            "validated" => "validé".to_string(),
            "entered" => "saisi".to_string(),
            "inconsistent" => "incohérent".to_string(),
            "open" => "ouverte".to_string(),
            "closed" => "close".to_string(),
            "archived" => "archivée".to_string(),
            "preparation" => "en préparation".to_string(),
            other => other.to_string(),
        },
        Value::Bool(true) => "activée".to_string(),
        Value::Bool(false) => "désactivée".to_string(),
        other => other.to_string(),
    }
}

/// Sorts keys so that counts come in the order of the procès-verbal and votes by number.
fn key_order(key: &str) -> (usize, u32, String) {
    let position = [
        "state",
        "status",
        "registered",
        "voters",
        "ballots_found",
        "blank",
        "invalid",
        "valid_votes",
    ]
    .iter()
    .position(|known| *known == key);
    match (position, key.strip_prefix("votes.")) {
        (Some(position), _) => (position, 0, String::new()),
        (None, Some(number)) => (100, number.parse().unwrap_or(u32::MAX), String::new()),
        (None, None) => (200, 0, key.to_string()),
    }
}

fn changes(entry: &AuditEntry) -> Markup {
    let before = flatten(entry.before.as_ref());
    let after = flatten(entry.after.as_ref());
    let mut keys: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    keys.sort_by_key(|key| key_order(key));
    let creation = entry.before.is_none();
    html! {
        ul.changes {
            @for key in keys {
                @let old = before.get(key);
                @let new = after.get(key);
                @if creation {
                    li { (field_label(key)) " : " (new.map_or("—", String::as_str)) }
                } @else if old != new {
                    li.changed {
                        (field_label(key)) " : "
                        del { (old.map_or("—", String::as_str)) }
                        " → "
                        ins { (new.map_or("—", String::as_str)) }
                    }
                }
            }
        }
    }
}

/// Returns whether an audit target (`bureau 0001`, `bureau 0001 tranche 12:00`) concerns
/// a station.
fn concerns(target: &str, station: &StationCode) -> bool {
    let prefix = format!("bureau {station}");
    target == prefix || target.starts_with(&format!("{prefix} "))
}

/// `GET /admin/elections/{id}/audit`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let entries = state
        .app
        .read(move |connection| Ok(db::audit::list(connection, election_id)?))
        .await?;
    let actors: BTreeSet<String> = entries.iter().map(|e| e.actor.clone()).collect();
    let station = query
        .station
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| StationCode::parse(s).ok());
    let actor = query.actor.clone().filter(|a| !a.is_empty());
    let selected: Vec<&AuditEntry> = entries
        .iter()
        .rev()
        .filter(|e| station.as_ref().is_none_or(|s| concerns(&e.target, s)))
        .filter(|e| actor.as_ref().is_none_or(|a| &e.actor == a))
        .collect();
    let page_number = query.page.unwrap_or(1).max(1);
    let shown: Vec<&&AuditEntry> = selected
        .iter()
        .skip((page_number - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let pages = selected.len().div_ceil(PAGE_SIZE).max(1);
    let link = |page: usize| {
        format!(
            "/admin/elections/{election_id}/audit?station={}&actor={}&page={page}",
            station.as_ref().map_or("", |s| s.as_str()),
            super::page_error::encode_component(actor.as_deref().unwrap_or_default()),
        )
    };
    let body = html! {
        h1 { "Journal des modifications" }
        form.filters method="get" action={ "/admin/elections/" (election_id) "/audit" } {
            p.field {
                label for="filter-station" { "Bureau" }
                select #filter-station name="station" {
                    option value="" { "Tous" }
                    @for s in &config.stations {
                        option value=(s.code) selected[station.as_ref() == Some(&s.code)] {
                            (s.code) " " (s.name)
                        }
                    }
                }
            }
            p.field {
                label for="filter-actor" { "Utilisateur" }
                select #filter-actor name="actor" {
                    option value="" { "Tous" }
                    @for name in &actors {
                        option value=(name) selected[actor.as_deref() == Some(name.as_str())] { (name) }
                    }
                }
            }
            p { button type="submit" { "Filtrer" } }
        }
        p { (selected.len()) " entrée(s)" @if pages > 1 { ", page " (page_number) " sur " (pages) } "." }
        table.audit {
            caption.visually-hidden { "Modifications, les plus récentes d'abord" }
            thead { tr {
                th scope="col" { "Heure" }
                th scope="col" { "Utilisateur" }
                th scope="col" { "Action" }
                th scope="col" { "Objet" }
                th scope="col" { "Avant → après" }
                th scope="col" { "Motif" }
            } }
            tbody {
                @for entry in shown {
                    tr {
                        td { (layout::day_and_clock(&entry.at)) }
                        td { (entry.actor) }
                        td { (action_label(entry)) }
                        td { (entry.target) }
                        td { (changes(entry)) }
                        td { (entry.reason.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pages aria-label="Pages du journal" {
                @if page_number > 1 { a href=(link(page_number - 1)) { "Plus récentes" } " " }
                @if page_number < pages { a href=(link(page_number + 1)) { "Plus anciennes" } }
            }
        }
    };
    Ok(layout::page("Journal", &viewer, Some(&row), Section::Audit, body, &[]).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_match_their_station_only() {
        let station = StationCode::parse("1").unwrap();
        assert!(concerns("bureau 0001", &station));
        assert!(concerns("bureau 0001 tranche 12:00", &station));
        assert!(!concerns("bureau 00011", &station));
        assert!(!concerns("bureau 0002", &station));
    }

    #[test]
    fn flatten_names_votes() {
        let value = serde_json::json!({"blank": 13, "votes": {"1": 175}, "ballots_found": null});
        let flat = flatten(Some(&value));
        assert_eq!(flat.get("blank").map(String::as_str), Some("13"));
        assert_eq!(flat.get("votes.1").map(String::as_str), Some("175"));
        assert!(!flat.contains_key("ballots_found"));
        assert_eq!(field_label("votes.1"), "voix panneau 1");
    }
}
