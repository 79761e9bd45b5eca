//! Creation of an election from the reference configuration: kind, date, round, scope,
//! label, hours, turnout slots, rehearsal flag, and the candidates with their ballot
//! numbers. The election gets its own copy of the scope's stations (with their inscrits)
//! and of the chosen candidates, so later edits of the reference never change it.

use super::candidates::{display_name, parse_ballot_number};
use super::commune::{format_slots, slots_from_text};
use super::{is_administrator, refusal, require_administrator, with_status};
use crate::db::reference::{self, AreaKind, Party, ReferenceCandidate, ReferenceCommune};
use crate::db::{self, audit::AuditRecord, elections::ElectionState};
use crate::web::WebState;
use crate::web::auth::{Submission, Viewer};
use crate::web::form::Fields;
use crate::web::layout::{self, Section};
use crate::web::page_error::PageError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, NaiveTime};
use maud::{Markup, html};
use std::collections::BTreeSet;
use urne_common::election::{
    Candidate, Commune, ElectionConfig, ElectionKind, PollingStation, Scope,
};

const PATH: &str = "/admin/elections/new";

/// The reference configuration an election is created from.
struct Reference {
    commune: Option<ReferenceCommune>,
    stations: Vec<PollingStation>,
    candidates: Vec<ReferenceCandidate>,
    parties: Vec<Party>,
    slots: Vec<NaiveTime>,
    cantons: Vec<(String, String)>,
    constituencies: Vec<(String, String)>,
}

async fn load_reference(state: &WebState) -> Result<Reference, PageError> {
    Ok(state
        .app
        .read(|connection| {
            let commune = reference::commune(connection)?;
            let stations = match &commune {
                Some(commune) => reference::stations(connection, &commune.insee_code)?,
                None => Vec::new(),
            };
            let names = |kind| -> rusqlite::Result<Vec<(String, String)>> {
                Ok(reference::areas(connection, kind)?
                    .into_iter()
                    .map(|area| (area.code, area.name))
                    .collect())
            };
            Ok(Reference {
                commune,
                stations,
                candidates: reference::candidates(connection)?,
                parties: reference::parties(connection)?,
                slots: reference::turnout_slots(connection)?,
                cantons: names(AreaKind::Canton)?,
                constituencies: names(AreaKind::Constituency)?,
            })
        })
        .await?)
}

/// Value of the scope select: `commune`, `constituency:CODE` or `canton:CODE`.
fn scope_value(scope: &Scope) -> String {
    match scope {
        Scope::Commune => "commune".to_string(),
        Scope::Constituency(code) => format!("constituency:{code}"),
        Scope::Canton(code) => format!("canton:{code}"),
    }
}

/// Describes a scope in French.
pub fn scope_label(scope: &Scope) -> String {
    match scope {
        Scope::Commune => "toute la commune".to_string(),
        Scope::Constituency(code) => format!("circonscription {code}"),
        Scope::Canton(code) => format!("canton {code}"),
    }
}

/// Returns the scopes offered: the whole commune, and each constituency and canton that has
/// stations, with its name when configured.
fn scope_options(reference: &Reference) -> Vec<(String, String)> {
    let mut options = vec![("commune".to_string(), "Toute la commune".to_string())];
    for (kind, names, prefix) in [
        (
            AreaKind::Constituency,
            &reference.constituencies,
            "Circonscription",
        ),
        (AreaKind::Canton, &reference.cantons, "Canton"),
    ] {
        let codes: BTreeSet<&str> = reference
            .stations
            .iter()
            .filter_map(|s| match kind {
                AreaKind::Canton => s.canton.as_deref(),
                AreaKind::Constituency => s.constituency.as_deref(),
            })
            .collect();
        for code in codes {
            let count = reference
                .stations
                .iter()
                .filter(|s| match kind {
                    AreaKind::Canton => s.canton.as_deref() == Some(code),
                    AreaKind::Constituency => s.constituency.as_deref() == Some(code),
                })
                .count();
            let name = names
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, n)| n.as_str())
                .filter(|n| *n != code);
            let scope = match kind {
                AreaKind::Canton => Scope::Canton(code.to_string()),
                AreaKind::Constituency => Scope::Constituency(code.to_string()),
            };
            let label = match name {
                Some(name) => format!("{prefix} {code} — {name} ({count} bureau(x))"),
                None => format!("{prefix} {code} ({count} bureau(x))"),
            };
            options.push((scope_value(&scope), label));
        }
    }
    options
}

fn parse_scope(text: &str) -> Result<Scope, String> {
    match text.split_once(':') {
        None if text == "commune" => Ok(Scope::Commune),
        Some(("constituency", code)) if !code.is_empty() => {
            Ok(Scope::Constituency(code.to_string()))
        }
        Some(("canton", code)) if !code.is_empty() => Ok(Scope::Canton(code.to_string())),
        _ => Err(format!(
            "périmètre « {text} » invalide : choisissez la commune, une circonscription ou un \
             canton dans la liste"
        )),
    }
}

/// Parses a date typed `YYYY-MM-DD` (date input) or `DD/MM/YYYY`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "date du scrutin manquante : choisissez-la, par exemple 15/03/2026".to_string(),
        );
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map_err(|_| {
            format!(
                "date du scrutin « {text} » invalide : écrivez-la JJ/MM/AAAA, par exemple \
                 15/03/2026"
            )
        })
}

/// Parses an hour typed `HH:MM`; `label` names the field in the message.
pub fn parse_hour(text: &str, label: &str) -> Result<NaiveTime, String> {
    let text = text.trim();
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .map_err(|_| {
            format!("{label} « {text} » invalide : écrivez l'heure HH:MM, par exemple 08:00")
        })
}

/// Default label, in the form the import uses: « Élections législatives 2024 — 1er tour ».
pub fn default_label(kind: ElectionKind, date: NaiveDate, round: u8) -> String {
    let round = if round == 1 { "1er tour" } else { "2d tour" };
    format!("{} {} — {round}", kind.label_fr(), date.year())
}

/// Renders the fields shared by the creation and second-round forms: date, label, hours, turnout
/// slots and rehearsal flag.
pub fn schedule_fields(values: &Fields) -> Markup {
    let value = |name: &str| values.get(name).unwrap_or_default().to_string();
    html! {
        p.field {
            label for="date" { "Date du scrutin" }
            input #date type="date" name="date" value=(value("date")) required;
        }
        p.field {
            label for="label" { "Libellé" }
            input #label type="text" name="label" value=(value("label")) maxlength="150"
                size="50" aria-describedby="label-hint";
            span.hint #label-hint {
                "laisser vide pour le libellé par défaut : type, année et tour, par exemple \
                 « Élections législatives 2024 — 1er tour »"
            }
        }
        p.field {
            label for="opening" { "Ouverture des bureaux" }
            input #opening type="time" name="opening" value=(value("opening")) required;
        }
        p.field {
            label for="closing" { "Clôture des bureaux" }
            input #closing type="time" name="closing" value=(value("closing")) required;
        }
        p.field {
            label for="slots" { "Tranches de participation" }
            input #slots type="text" name="slots" value=(value("slots")) required size="30"
                autocomplete="off" aria-describedby="slots-hint";
            span.hint #slots-hint { "heures séparées par des virgules, par exemple 12:00, 17:00" }
        }
        p.field.check {
            input #rehearsal type="checkbox" name="rehearsal" value="1"
                checked[values.get("rehearsal") == Some("1")];
            label for="rehearsal" { "Répétition (toutes les sorties portent « SIMULATION »)" }
        }
    }
}

/// Date, label, hours, slots and rehearsal flag read by [`parse_schedule`].
pub struct Schedule {
    pub date: NaiveDate,
    pub label: Option<String>,
    pub opening: NaiveTime,
    pub closing: NaiveTime,
    pub turnout_slots: Vec<NaiveTime>,
    pub rehearsal: bool,
}

pub fn parse_schedule(fields: &Fields) -> Result<Schedule, String> {
    let date = parse_date(fields.get("date").unwrap_or_default())?;
    let label = fields.text("label");
    if let Some(label) = &label {
        super::check_length(label, "Libellé", 150)?;
    }
    Ok(Schedule {
        date,
        label,
        opening: parse_hour(
            fields.get("opening").unwrap_or_default(),
            "heure d'ouverture",
        )?,
        closing: parse_hour(
            fields.get("closing").unwrap_or_default(),
            "heure de clôture",
        )?,
        turnout_slots: slots_from_text(fields.get("slots").unwrap_or_default())?,
        rehearsal: fields.get("rehearsal") == Some("1"),
    })
}

fn default_fields(reference: &Reference) -> Fields {
    let mut fields = vec![
        ("kind".to_string(), "LG".to_string()),
        ("round".to_string(), "1".to_string()),
        ("scope".to_string(), "commune".to_string()),
        ("opening".to_string(), "08:00".to_string()),
        ("closing".to_string(), "20:00".to_string()),
        ("slots".to_string(), format_slots(&reference.slots)),
    ];
    for (index, candidate) in reference.candidates.iter().enumerate() {
        let position = u32::try_from(index + 1).unwrap_or(u32::MAX);
        fields.push((format!("pick_{}", candidate.id), "1".to_string()));
        fields.push((
            format!("ballot_{}", candidate.id),
            candidate.ballot_number.unwrap_or(position).to_string(),
        ));
    }
    Fields(fields)
}

fn form_body(
    viewer: &Viewer,
    reference: &Reference,
    values: &Fields,
    error: Option<&str>,
) -> Markup {
    let value = |name: &str| values.get(name).unwrap_or_default().to_string();
    let kind = value("kind");
    let round = value("round");
    let scope = value("scope");
    html! {
        h1 { "Nouvelle élection" }
        @if let Some(error) = error { (refusal(error)) }
        @if reference.commune.is_none() || reference.stations.is_empty() {
            p.message.warning {
                "La configuration de référence n'a pas encore de bureaux : "
                a href="/admin/configuration" { "configurez la commune et ses bureaux" }
                " d'abord."
            }
        } @else if !is_administrator(viewer) {
            p.message.warning role="status" { "La création d'une élection est réservée aux administrateurs." }
        } @else {
            p {
                "L'élection reçoit sa propre copie des bureaux du périmètre choisi (avec leurs \
                 inscrits) et des candidats cochés. Elle est créée « en préparation » : un \
                 superviseur ouvre ensuite la saisie."
            }
            form.config method="post" action=(PATH) {
                (layout::csrf_field(viewer))
                fieldset {
                    legend { "Scrutin" }
                    p.field {
                        label for="kind" { "Type d'élection" }
                        select #kind name="kind" {
                            @for option in ElectionKind::ALL {
                                option value=(option.ministry_code())
                                    selected[option.ministry_code() == kind] { (option.label_fr()) }
                            }
                        }
                    }
                    p.field {
                        label for="round" { "Tour" }
                        select #round name="round" {
                            option value="1" selected[round != "2"] { "1er tour" }
                            option value="2" selected[round == "2"] { "2d tour" }
                        }
                    }
                    p.field {
                        label for="scope" { "Périmètre" }
                        select #scope name="scope" {
                            @for (option, label) in scope_options(reference) {
                                option value=(option) selected[option == scope] { (label) }
                            }
                        }
                    }
                    (schedule_fields(values))
                }
                fieldset {
                    legend { "Candidats et listes" }
                    @if reference.candidates.is_empty() {
                        p { "Aucun candidat de référence : "
                            a href="/admin/configuration/candidates" { "ajoutez-en" } " d'abord." }
                    } @else {
                        p.hint { "Cochez les candidats de cette élection et vérifiez leur numéro de panneau." }
                        table.list #choice {
                            caption.visually-hidden { "Choix des candidats et numéros de panneau" }
                            thead { tr {
                                th scope="col" { "Retenu" }
                                th scope="col" { "Candidat ou liste" }
                                th scope="col" { "Nuance" }
                                th scope="col" { "Panneau" }
                            } }
                            tbody {
                                @for candidate in &reference.candidates {
                                    @let pick = format!("pick_{}", candidate.id);
                                    @let ballot = format!("ballot_{}", candidate.id);
                                    tr {
                                        td {
                                            input id=(pick) type="checkbox" name=(pick) value="1"
                                                checked[values.get(&pick) == Some("1")];
                                        }
                                        td { label for=(pick) { (display_name(candidate)) } }
                                        td { (candidate.nuance.as_deref().unwrap_or("—")) }
                                        td {
                                            label.visually-hidden for=(ballot) {
                                                "Numéro de panneau de " (display_name(candidate))
                                            }
                                            input.count id=(ballot) type="text" name=(ballot)
                                                inputmode="numeric" value=(value(&ballot))
                                                autocomplete="off";
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p { button.primary type="submit" { "Créer l'élection" } }
            }
        }
    }
}

fn render(
    viewer: &Viewer,
    reference: &Reference,
    values: &Fields,
    error: Option<&str>,
) -> Response {
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    with_status(
        status,
        layout::page(
            "Nouvelle élection",
            viewer,
            None,
            Section::Elections,
            form_body(viewer, reference, values, error),
            &[],
        ),
    )
}

/// `GET /admin/elections/new`.
pub async fn page(State(state): State<WebState>, viewer: Viewer) -> Result<Response, PageError> {
    let reference = load_reference(&state).await?;
    let values = default_fields(&reference);
    Ok(render(&viewer, &reference, &values, None))
}

/// Converts a reference candidate for an election, taking the nuance's label and, when
/// the candidate has none, its colour.
fn election_candidate(
    candidate: &ReferenceCandidate,
    ballot_number: u32,
    parties: &[Party],
) -> Candidate {
    let party = candidate
        .nuance
        .as_deref()
        .and_then(|code| parties.iter().find(|p| p.code == code));
    Candidate {
        ballot_number,
        surname: candidate.surname.clone(),
        first_name: candidate.first_name.clone(),
        sex: candidate.sex,
        nuance: candidate.nuance.clone(),
        nuance_label: party.map(|p| p.label.clone()),
        list_label: candidate.list_label.clone(),
        colour: candidate
            .colour
            .clone()
            .or_else(|| party.and_then(|p| p.colour.clone())),
    }
}

/// Checks that ballot numbers are unique; the message names both candidates.
pub fn check_unique_ballots(candidates: &[Candidate]) -> Result<(), String> {
    for (index, candidate) in candidates.iter().enumerate() {
        if let Some(other) = candidates[index + 1..]
            .iter()
            .find(|c| c.ballot_number == candidate.ballot_number)
        {
            return Err(format!(
                "numéro de panneau {} donné deux fois ({} et {}) : chaque candidat ou liste a \
                 son propre numéro",
                candidate.ballot_number,
                candidate.display_name(),
                other.display_name()
            ));
        }
    }
    Ok(())
}

fn parse_form(fields: &Fields, reference: &Reference) -> Result<ElectionConfig, String> {
    let Some(commune) = &reference.commune else {
        return Err("aucune commune configurée : renseignez d'abord la page Commune".to_string());
    };
    let kind_text = fields.get("kind").unwrap_or_default();
    let kind: ElectionKind = kind_text.parse()?;
    let round = match fields.get("round") {
        Some("1") => 1,
        Some("2") => 2,
        other => {
            return Err(format!(
                "tour « {} » invalide : 1 ou 2",
                other.unwrap_or_default()
            ));
        }
    };
    let scope = parse_scope(fields.get("scope").unwrap_or_default())?;
    let schedule = parse_schedule(fields)?;
    let stations: Vec<PollingStation> = reference
        .stations
        .iter()
        .filter(|station| scope.contains(station))
        .cloned()
        .collect();
    if stations.is_empty() {
        return Err(format!(
            "aucun bureau dans le périmètre « {} » : choisissez un autre périmètre, ou rattachez \
             des bureaux à ce découpage",
            scope_label(&scope)
        ));
    }
    let mut candidates = Vec::new();
    for candidate in &reference.candidates {
        if fields.get(&format!("pick_{}", candidate.id)) != Some("1") {
            continue;
        }
        let name = display_name(candidate);
        let label = format!("numéro de panneau de {name}");
        let typed = fields
            .get(&format!("ballot_{}", candidate.id))
            .unwrap_or_default();
        let Some(number) = parse_ballot_number(typed, &label)? else {
            return Err(format!(
                "{label} manquant : indiquez son numéro, ou décochez ce candidat"
            ));
        };
        candidates.push(election_candidate(candidate, number, &reference.parties));
    }
    if candidates.is_empty() {
        return Err(
            "aucun candidat coché : cochez au moins un candidat ou une liste de l'élection"
                .to_string(),
        );
    }
    check_unique_ballots(&candidates)?;
    candidates.sort_by_key(|c| c.ballot_number);
    let config = ElectionConfig {
        kind,
        date: schedule.date,
        round,
        label: schedule
            .label
            .unwrap_or_else(|| default_label(kind, schedule.date, round)),
        scope,
        commune: Commune {
            insee_code: commune.insee_code.clone(),
            department_code: commune.department_code.clone(),
            name: commune.name.clone(),
        },
        opening: schedule.opening,
        closing: schedule.closing,
        turnout_slots: schedule.turnout_slots,
        rehearsal: schedule.rehearsal,
        stations,
        candidates,
    };
    config.validate()?;
    Ok(config)
}

/// Stores a new election in preparation with its audit record and `election` event, in one
/// transaction; returns its id.
pub async fn create_election(
    state: &WebState,
    config: ElectionConfig,
    actor: String,
    source: serde_json::Value,
) -> Result<i64, PageError> {
    let id = state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            let id = db::elections::insert(&transaction, &config, ElectionState::Preparation)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &actor,
                    election_id: Some(id),
                    action: "election.create",
                    target: &config.label,
                    before: None,
                    after: Some(serde_json::json!({
                        "source": source,
                        "scope": scope_label(&config.scope),
                        "stations": config.stations.len(),
                        "registered": config.stations.iter().map(|s| u64::from(s.registered)).sum::<u64>(),
                        "candidates": config.candidates.iter().map(|c| {
                            serde_json::json!({ "ballot_number": c.ballot_number, "name": c.display_name() })
                        }).collect::<Vec<_>>(),
                    })),
                    reason: None,
                },
            )?;
            let data_version = db::elections::bump_data_version(&transaction, id)?;
            let event = db::events::append(
                &transaction,
                Some(id),
                "election",
                Some(data_version),
                None,
                Some("created"),
            )?;
            transaction.commit()?;
            Ok((id, vec![event]))
        })
        .await?;
    tracing::info!(election = id, "election created from the web interface");
    Ok(id)
}

/// `POST /admin/elections/new`.
pub async fn create(
    State(state): State<WebState>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let fields = submission.fields;
    let reference = load_reference(&state).await?;
    let config = match parse_form(&fields, &reference) {
        Ok(config) => config,
        Err(message) => return Ok(render(&viewer, &reference, &fields, Some(&message))),
    };
    let id = create_election(
        &state,
        config,
        viewer.login().to_string(),
        serde_json::json!("configuration de référence"),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/elections?created={id}")).into_response())
}
