//! A station's centaine sheet: blancs, nuls and votes per candidate after the first 100
//! ballots (`first`) or the first 200 (`second`, cumulative). static/sheet.js shows the
//! running count of ballots while typing; `service::write_hundred` checks the size and,
//! for the second centaine, that no figure is below the first.

use super::WebState;
use super::auth::{Submission, Viewer};
use super::elections::load;
use super::entry::{Refusal, check_may_enter, closed_notice, refusal, refusal_for_station};
use super::form::{Fields, parse_count};
use super::layout::{self, Section};
use super::page_error::{PageError, capitalise};
use crate::db::{elections::ElectionRow, elections::ElectionState, figures};
use crate::service::{self, HundredWrite};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use std::collections::BTreeMap;
use urne_common::count::{Hundred, HundredCount};
use urne_common::election::{ElectionConfig, StationCode};
use urne_common::results::HundredEntry;
use urne_common::rules::Finding;

fn parse_which(text: &str) -> Result<Hundred, PageError> {
    Hundred::parse(text).ok_or_else(|| {
        PageError::NotFound(format!(
            "centaine « {text} » inconnue : « first » (100 premiers bulletins) ou « second » \
             (200 premiers)"
        ))
    })
}

fn slug(which: Hundred) -> &'static str {
    match which {
        Hundred::First => "first",
        Hundred::Second => "second",
    }
}

fn values_of(count: &HundredCount) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    values.insert("blank".to_string(), count.blank.to_string());
    values.insert("invalid".to_string(), count.invalid.to_string());
    for (number, votes) in &count.votes {
        values.insert(format!("v_{number}"), votes.to_string());
    }
    values
}

struct Sheet<'a> {
    viewer: &'a Viewer,
    row: &'a ElectionRow,
    config: &'a ElectionConfig,
    code: &'a StationCode,
    which: Hundred,
    entry: Option<&'a HundredEntry>,
    /// The other centaine, shown beside the second as a reference.
    first: Option<&'a HundredEntry>,
    values: BTreeMap<String, String>,
    message: Option<String>,
    findings: Vec<Finding>,
    conflict: Option<(HundredEntry, u64)>,
}

async fn load_entries(
    state: &WebState,
    id: i64,
    code: &StationCode,
) -> Result<(Option<HundredEntry>, Option<HundredEntry>), PageError> {
    let code = code.clone();
    state
        .app
        .read(move |connection| {
            Ok((
                figures::hundred(connection, id, &code, Hundred::First)?,
                figures::hundred(connection, id, &code, Hundred::Second)?,
            ))
        })
        .await
        .map_err(PageError::from)
}

fn station_of(config: &ElectionConfig, code: &str) -> Result<StationCode, PageError> {
    StationCode::parse(code)
        .ok()
        .filter(|station| config.station(station).is_some())
        .ok_or_else(|| {
            PageError::NotFound(format!("bureau « {code} » inconnu dans cette élection"))
        })
}

/// `GET /admin/elections/{id}/stations/{code}/hundreds/{which}`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((id, code, which)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let code = station_of(&config, &code)?;
    let which = parse_which(&which)?;
    let (first, second) = load_entries(&state, row.summary.id, &code).await?;
    let entry = match which {
        Hundred::First => first.as_ref(),
        Hundred::Second => second.as_ref(),
    };
    let sheet = Sheet {
        viewer: &viewer,
        row: &row,
        config: &config,
        code: &code,
        which,
        entry,
        first: first.as_ref(),
        values: entry.map(|e| values_of(&e.count)).unwrap_or_default(),
        message: None,
        findings: vec![],
        conflict: None,
    };
    Ok(render(&sheet, StatusCode::OK))
}

fn render(sheet: &Sheet<'_>, status: StatusCode) -> Response {
    let title = format!("Bureau {} — {}", sheet.code, sheet.which.label_fr());
    let page = layout::page(
        &title,
        sheet.viewer,
        Some(sheet.row),
        Section::Hundreds,
        body(sheet),
        &["sheet.js"],
    );
    (status, page).into_response()
}

fn body(sheet: &Sheet<'_>) -> Markup {
    let id = sheet.row.summary.id;
    let code = sheet.code;
    let user = sheet.viewer.user();
    let editable = sheet.row.state == ElectionState::Open && user.may_enter(code);
    let size = sheet.which.size();
    let show_first = sheet.which == Hundred::Second;
    let base_version = sheet
        .conflict
        .as_ref()
        .map(|(_, version)| *version)
        .unwrap_or_else(|| sheet.entry.map_or(0, |e| e.version));
    let value = |name: &str| sheet.values.get(name).cloned().unwrap_or_default();
    let first_value = |name: &str| {
        sheet
            .first
            .map(|e| values_of(&e.count))
            .and_then(|values| values.get(name).cloned())
            .unwrap_or_else(|| "—".to_string())
    };
    let mut rows: Vec<(String, String, String)> = vec![
        ("blank".into(), "Bulletins blancs".into(), String::new()),
        ("invalid".into(), "Bulletins nuls".into(), String::new()),
    ];
    rows.extend(sheet.config.candidates.iter().map(|c| {
        (
            format!("v_{}", c.ballot_number),
            format!("{} — {}", c.ballot_number, c.display_name()),
            c.nuance.clone().unwrap_or_default(),
        )
    }));
    html! {
        h1 { "Bureau " (code) " — " (sheet.which.label_fr()) }
        p.subtitle {
            @if sheet.which == Hundred::First { "Les 100 premiers bulletins dépouillés" }
            @else { "Les 200 premiers bulletins dépouillés (cumul, première centaine comprise)" }
        }
        @if let Some(entry) = sheet.entry {
            p.record-line { "Saisie par " (entry.updated_by) " à " (layout::clock(&entry.updated_at)) " (version " (entry.version) ")" }
        }
        (closed_notice(sheet.row.state))
        @if !user.may_enter(code) {
            (layout::message("warning", &capitalise(&format!("{}.", refusal_for_station(sheet.viewer, code)))))
        }
        @if let Some(message) = &sheet.message {
            div.message.error role="alert" {
                p { (capitalise(message)) }
                @let errors: Vec<&Finding> = sheet.findings.iter().filter(|f| f.is_error()).collect();
                @if !errors.is_empty() { ul { @for finding in errors { li { (finding.message) } } } }
            }
        }
        @if let Some((current, _)) = &sheet.conflict {
            (conflict(sheet, current, &rows))
        }
        form.hundred-sheet #hundred-form method="post"
            action={ "/admin/elections/" (id) "/stations/" (code) "/hundreds/" (slug(sheet.which)) }
            data-size=(size) {
            (layout::csrf_field(sheet.viewer))
            input type="hidden" name="base_version" value=(base_version);
            table.entry {
                caption { (capitalise(sheet.which.label_fr())) " du bureau " (code) }
                thead { tr {
                    th scope="col" { "Ligne" }
                    @if show_first { th scope="col" { "Première centaine" } }
                    th scope="col" { "Nombre" }
                } }
                tbody {
                    @for (index, (name, label, nuance)) in rows.iter().enumerate() {
                        tr {
                            th scope="row" {
                                label for=(name) { (label) @if !nuance.is_empty() { " " span.hint { "(" (nuance) ")" } } }
                            }
                            @if show_first { td.number.reference data-field=(name) { (first_value(name)) } }
                            td {
                                input.count.ballot id=(name) name=(name) type="text" inputmode="numeric"
                                    autocomplete="off" size="6" value=(value(name)) required
                                    readonly[!editable] autofocus[editable && index == 0]
                                    data-first=[show_first.then(|| first_value(name))];
                            }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { "Bulletins comptés" }
                    @if show_first { td {} }
                    td.number { output #ballots-total { "—" } " sur " (size) }
                } }
            }
            div #live-checks .checks aria-live="polite" {}
            @if editable {
                p.actions { button.primary type="submit" { "Enregistrer (Entrée)" } }
            }
        }
        p { a href={ "/admin/elections/" (id) "/hundreds" } { "Autre bureau" } }
    }
}

/// Renders the viewer's centaine beside the one someone else stored meanwhile.
fn conflict(
    sheet: &Sheet<'_>,
    current: &HundredEntry,
    rows: &[(String, String, String)],
) -> Markup {
    let theirs = values_of(&current.count);
    let compared: Vec<layout::ComparedField> = rows
        .iter()
        .map(|(name, label, _)| layout::ComparedField {
            label: label.clone(),
            mine: sheet.values.get(name).cloned().unwrap_or_default(),
            theirs: theirs.get(name).cloned().unwrap_or_default(),
        })
        .collect();
    let title = format!(
        "Cette centaine a été enregistrée par {} pendant votre saisie",
        current.updated_by
    );
    layout::comparison(&title, &current.updated_by, &current.updated_at, &compared)
}

fn read_write(fields: &Fields, config: &ElectionConfig) -> Result<HundredWrite, String> {
    let read = |name: &str, label: &str| -> Result<u32, String> {
        parse_count(fields.get(name).unwrap_or_default())
            .map_err(|message| format!("{label} : {message}"))?
            .ok_or_else(|| format!("{label} : champ obligatoire (0 si aucun)"))
    };
    let blank = read("blank", "blancs")?;
    let invalid = read("invalid", "nuls")?;
    let mut votes = BTreeMap::new();
    for candidate in &config.candidates {
        let label = format!("panneau {}", candidate.ballot_number);
        votes.insert(
            candidate.ballot_number,
            read(&format!("v_{}", candidate.ballot_number), &label)?,
        );
    }
    Ok(HundredWrite {
        base_version: fields.version("base_version")?,
        blank,
        invalid,
        votes,
    })
}

/// `POST /admin/elections/{id}/stations/{code}/hundreds/{which}`.
pub async fn save(
    State(state): State<WebState>,
    Path((id, code, which)): Path<(String, String, String)>,
    submission: Submission,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let viewer = submission.viewer;
    let code = check_may_enter(&viewer, &config, &code)?;
    let which = parse_which(&which)?;
    let election_id = row.summary.id;
    let fields = submission.fields;
    let values: BTreeMap<String, String> = fields
        .0
        .iter()
        .filter(|(name, _)| name == "blank" || name == "invalid" || name.starts_with("v_"))
        .cloned()
        .collect();

    let mut findings = vec![];
    let mut conflict = None;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let message = match read_write(&fields, &config) {
        Err(error) => error,
        Ok(request) => {
            let actor = viewer.login().to_string();
            let station = code.to_string();
            let written = state
                .app
                .write(move |connection| {
                    match service::write_hundred(
                        connection,
                        election_id,
                        &station,
                        which,
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
            let Err(error) = written else {
                return Ok(Redirect::to(&format!(
                    "/admin/elections/{election_id}/hundreds?saved={code}"
                ))
                .into_response());
            };
            match refusal(error)? {
                Refusal::Findings {
                    findings: found, ..
                } => {
                    findings = found;
                    format!(
                        "{} du bureau {code} refusée : les chiffres ne respectent pas les règles \
                         suivantes",
                        which.label_fr()
                    )
                }
                Refusal::Stale {
                    current,
                    current_version,
                } => {
                    let stored: Option<HundredEntry> =
                        serde_json::from_value(current).unwrap_or_default();
                    conflict = stored.map(|entry| (entry, current_version));
                    status = StatusCode::CONFLICT;
                    format!(
                        "{} du bureau {code} non enregistrée : quelqu'un d'autre l'a \
                         enregistrée pendant votre saisie",
                        which.label_fr()
                    )
                }
                Refusal::Message(message) => message,
            }
        }
    };
    let (first, second) = load_entries(&state, election_id, &code).await?;
    let entry = match which {
        Hundred::First => first.as_ref(),
        Hundred::Second => second.as_ref(),
    };
    let sheet = Sheet {
        viewer: &viewer,
        row: &row,
        config: &config,
        code: &code,
        which,
        entry,
        first: first.as_ref(),
        values,
        message: Some(message),
        findings,
        conflict,
    };
    Ok(render(&sheet, status))
}
