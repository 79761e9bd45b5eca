//! A station's results sheet, laid out like the official record (procès-verbal): inscrits,
//! signatures, ballots found, blancs, nuls, exprimés, then the votes per candidate in
//! ballot order. static/sheet.js checks the sums while the clerk types; the server checks
//! them again through `service::write_final` and refuses inconsistent figures unless the
//! clerk records why the official record itself is inconsistent. A validated station can be changed
//! only by a supervisor, with a reason. When someone else saved the station first, the
//! sheet comes back with both versions side by side.

use super::WebState;
use super::auth::{Submission, Viewer};
use super::double_entry::{self, Outcome, Pending};
use super::elections::load;
use super::entry::{Refusal, check_may_enter, closed_notice, refusal, refusal_for_station};
use super::form::{Fields, parse_count};
use super::layout::{self, Section};
use super::page_error::PageError;
use crate::db::{elections::ElectionRow, elections::ElectionState, figures};
use crate::service::{self, FinalWrite, ServiceError, ValidationWrite};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::BTreeMap;
use urne_common::count::StationStatus;
use urne_common::election::{ElectionConfig, StationCode};
use urne_common::results::StationRecord;
use urne_common::rules::Finding;

/// The sheet's fields other than the votes, with their French labels, in the order of
/// the procès-verbal.
const COUNT_FIELDS: [(&str, &str, &str); 6] = [
    ("registered", "Inscrits", ""),
    ("voters", "Votants (émargements)", ""),
    (
        "ballots_found",
        "Enveloppes et bulletins trouvés dans l'urne",
        "À remplir seulement s'il diffère des émargements",
    ),
    ("blank", "Bulletins blancs", ""),
    ("invalid", "Bulletins nuls", ""),
    (
        "valid_votes",
        "Suffrages exprimés",
        "Trouvés − blancs − nuls",
    ),
];

fn vote_field(ballot_number: u32) -> String {
    format!("v_{ballot_number}")
}

/// The sheet's values as text, keyed by field name.
type Values = BTreeMap<String, String>;

fn values_of_record(record: &StationRecord) -> Values {
    let count = &record.count;
    let mut values = Values::new();
    values.insert("registered".into(), count.registered.to_string());
    values.insert("voters".into(), count.voters.to_string());
    if let Some(found) = count.ballots_found {
        values.insert("ballots_found".into(), found.to_string());
    }
    values.insert("blank".into(), count.blank.to_string());
    values.insert("invalid".into(), count.invalid.to_string());
    values.insert("valid_votes".into(), count.valid_votes.to_string());
    for (number, votes) in &count.votes {
        values.insert(vote_field(*number), votes.to_string());
    }
    values
}

fn values_of_fields(fields: &Fields, config: &ElectionConfig) -> Values {
    let mut names: Vec<String> = COUNT_FIELDS.iter().map(|(n, _, _)| n.to_string()).collect();
    names.extend(
        config
            .candidates
            .iter()
            .map(|c| vote_field(c.ballot_number)),
    );
    names.extend([
        "inconsistency_reason".to_string(),
        "correction_reason".to_string(),
    ]);
    names
        .into_iter()
        .filter_map(|name| fields.get(&name).map(|value| (name, value.to_string())))
        .collect()
}

fn values_of_write(figures: &FinalWrite) -> Values {
    let mut values = Values::new();
    let mut put = |name: &str, value: Option<u32>| {
        values.insert(
            name.to_string(),
            value.map(|v| v.to_string()).unwrap_or_default(),
        );
    };
    put("registered", figures.registered);
    put("voters", Some(figures.voters));
    put("ballots_found", figures.ballots_found);
    put("blank", Some(figures.blank));
    put("invalid", Some(figures.invalid));
    put("valid_votes", Some(figures.valid_votes));
    for (number, votes) in &figures.votes {
        values.insert(vote_field(*number), votes.to_string());
    }
    if let Some(reason) = &figures.inconsistency_reason {
        values.insert("inconsistency_reason".into(), reason.clone());
    }
    values
}

/// Refusal of the last submission, shown above and beside the values.
#[derive(Default)]
struct Feedback {
    message: Option<String>,
    findings: Vec<Finding>,
    /// Per-field messages of input that could not be read.
    field_errors: BTreeMap<String, String>,
    /// The record someone else stored meanwhile.
    conflict: Option<StationRecord>,
    /// Version the next save is based on.
    base_version: Option<u64>,
}

struct Sheet<'a> {
    viewer: &'a Viewer,
    row: &'a ElectionRow,
    config: &'a ElectionConfig,
    code: &'a StationCode,
    record: Option<&'a StationRecord>,
    values: Values,
    feedback: Feedback,
    double: DoubleState,
}

/// The station's double entry state, when the election uses double entry.
#[derive(Default)]
struct DoubleState {
    enabled: bool,
    pending: Option<Pending>,
}

async fn load_double(
    state: &WebState,
    id: i64,
    code: &StationCode,
) -> Result<DoubleState, PageError> {
    let code = code.clone();
    state
        .app
        .read(move |connection| {
            let enabled = double_entry::is_enabled(connection, id)?;
            let pending = double_entry::pending(connection, id, Some(&code))?.remove(code.as_str());
            Ok(DoubleState { enabled, pending })
        })
        .await
        .map_err(PageError::from)
}

async fn load_record(
    state: &WebState,
    id: i64,
    code: &StationCode,
) -> Result<Option<StationRecord>, PageError> {
    let code = code.clone();
    state
        .app
        .read(move |connection| Ok(figures::final_record(connection, id, &code)?))
        .await
        .map_err(PageError::from)
}

fn parse_station(config: &ElectionConfig, code: &str) -> Result<StationCode, PageError> {
    StationCode::parse(code)
        .ok()
        .filter(|station| config.station(station).is_some())
        .ok_or_else(|| {
            PageError::NotFound(format!(
                "bureau « {code} » inconnu dans cette élection : vérifiez le code"
            ))
        })
}

#[derive(Debug, Deserialize)]
pub struct SheetQuery {
    validated: Option<u8>,
}

/// `GET /admin/elections/{id}/stations/{code}/results`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((id, code)): Path<(String, String)>,
    Query(query): Query<SheetQuery>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let code = parse_station(&config, &code)?;
    let record = load_record(&state, row.summary.id, &code).await?;
    let double = load_double(&state, row.summary.id, &code).await?;
    let mut values = record.as_ref().map(values_of_record).unwrap_or_default();
    if record.is_none() {
        let registered = config.station(&code).map_or(0, |s| s.registered);
        values.insert("registered".into(), registered.to_string());
    }
    // The first clerk sees their own pending entry; nobody else does before it is stored.
    if let Some(pending) = &double.pending
        && pending.first.by == viewer.login()
        && pending.second.is_none()
    {
        values = values_of_write(&pending.first.figures);
    }
    let notice = query
        .validated
        .map(|_| layout::message("success", &format!("Bureau {code} validé.")));
    let sheet = Sheet {
        viewer: &viewer,
        row: &row,
        config: &config,
        code: &code,
        record: record.as_ref(),
        values,
        feedback: Feedback::default(),
        double,
    };
    Ok(render(&sheet, notice, StatusCode::OK))
}

fn render(sheet: &Sheet<'_>, notice: Option<Markup>, status: StatusCode) -> Response {
    let title = format!("Bureau {} — résultats", sheet.code);
    let body = html! {
        @if let Some(notice) = notice { (notice) }
        (sheet_body(sheet))
    };
    let page = layout::page(
        &title,
        sheet.viewer,
        Some(sheet.row),
        Section::Results,
        body,
        &["sheet.js"],
    );
    (status, page).into_response()
}

/// Renders the record's status, author and version after the page's subtitle.
fn record_line(record: Option<&StationRecord>) -> Markup {
    html! {
        p.record-line {
            "Résultats du procès-verbal · "
            @match record {
                Some(record) => {
                    (layout::status_badge(record.status)) " "
                    "par " (record.updated_by) " à " (layout::clock(&record.updated_at))
                    " (version " (record.version) ")"
                }
                None => { (layout::status_badge(StationStatus::NotArrived)) }
            }
        }
    }
}

/// Whether the viewer may change the sheet: the election is open, the station is theirs,
/// and a validated station needs a supervisor.
fn is_editable(sheet: &Sheet<'_>) -> bool {
    let user = sheet.viewer.user();
    let validated = sheet.record.map(|r| r.status) == Some(StationStatus::Validated);
    let entries_differ = sheet
        .double
        .pending
        .as_ref()
        .is_some_and(|p| p.second.is_some());
    sheet.row.state == ElectionState::Open
        && user.may_enter(sheet.code)
        && (!validated || user.may_supervise())
        && (!entries_differ || user.may_supervise())
}

/// Names of the fields the last refusal marks as invalid (`voters`, `votes.3`, `v_3`).
fn invalid_fields(feedback: &Feedback) -> Vec<String> {
    feedback
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.field.clone())
        .chain(feedback.field_errors.keys().cloned())
        .collect()
}

fn sheet_body(sheet: &Sheet<'_>) -> Markup {
    let code = sheet.code;
    let station = sheet.config.station(code);
    let id = sheet.row.summary.id;
    let user = sheet.viewer.user();
    let feedback = &sheet.feedback;
    let base_version = feedback
        .base_version
        .unwrap_or_else(|| sheet.record.map_or(0, |r| r.version));
    let may_validate = sheet.row.state == ElectionState::Open
        && user.may_supervise()
        && feedback.message.is_none()
        && sheet.record.is_some_and(|r| {
            matches!(
                r.status,
                StationStatus::Entered | StationStatus::Inconsistent
            )
        });
    html! {
        h1 {
            "Bureau " (code)
            @if let Some(station) = station.filter(|s| !s.name.eq_ignore_ascii_case(&format!("bureau {code}"))) {
                " — " (station.name)
            }
        }
        (record_line(sheet.record))
        (notices(sheet))
        (double_entry_notice(sheet))
        (refusal_box(feedback))
        @if let Some(current) = &feedback.conflict {
            (conflict_table(sheet.config, current, &sheet.values))
        }
        form.sheet #results-form method="post"
            action={ "/admin/elections/" (id) "/stations/" (code) "/results" }
            data-configured=(station.map_or(0, |s| s.registered)) {
            (layout::csrf_field(sheet.viewer))
            input type="hidden" name="base_version" value=(base_version);
            (counts_fieldset(sheet))
            (votes_fieldset(sheet))
            div #live-checks .checks aria-live="polite" {}
            (reason_fields(sheet))
            @if is_editable(sheet) {
                p.actions { button.primary type="submit" { "Enregistrer (Entrée)" } }
            }
        }
        @if may_validate {
            form.inline method="post" action={ "/admin/elections/" (id) "/stations/" (code) "/validation" } {
                (layout::csrf_field(sheet.viewer))
                input type="hidden" name="base_version" value=(base_version);
                button type="submit" { "Valider le bureau " (code) }
            }
        }
        p { a href={ "/admin/elections/" (id) "/results" } { "Autre bureau" } }
    }
}

/// Renders the station's double entry state: who keyed the first entry, or both entries
/// side by side with the supervisor's choices when they differ.
fn double_entry_notice(sheet: &Sheet<'_>) -> Markup {
    let double = &sheet.double;
    let user = sheet.viewer.user();
    let id = sheet.row.summary.id;
    let code = sheet.code;
    let choice = |value: &str, label: String| {
        html! {
            form.inline method="post" action={ "/admin/elections/" (id) "/stations/" (code) "/double-entry" } {
                (layout::csrf_field(sheet.viewer))
                input type="hidden" name="choice" value=(value);
                button type="submit" { (label) }
            }
        }
    };
    html! {
        @match &double.pending {
            None if double.enabled && !user.may_supervise() => {
                (layout::message("warning",
                    "Double saisie : votre feuille sera enregistrée quand un autre agent aura saisi les mêmes chiffres."))
            }
            None => {}
            Some(pending) if pending.second.is_none() && pending.first.by == user.login => {
                (layout::message("warning", &format!(
                    "Double saisie : vous avez fait la première saisie à {}. Un autre agent doit faire la seconde ; vous pouvez encore corriger la vôtre.",
                    layout::clock(&pending.first.at)
                )))
            }
            Some(pending) if pending.second.is_none() => {
                (layout::message("warning", &format!(
                    "Double saisie : première saisie faite par {} à {}. Saisissez la feuille sans la consulter : elle sera comparée à la première.",
                    pending.first.by, layout::clock(&pending.first.at)
                )))
                @if user.may_supervise() {
                    p { "Une saisie directe par un superviseur efface la saisie en attente. "
                        (choice("discard", "Effacer la saisie en attente".to_string())) }
                }
            }
            Some(pending) => {
                @let second = pending.second.as_ref();
                @if user.may_supervise() {
                    (entries_comparison(sheet, pending))
                    p.actions {
                        (choice("first", format!("Retenir la saisie de {}", pending.first.by)))
                        @if let Some(second) = second {
                            (choice("second", format!("Retenir la saisie de {}", second.by)))
                        }
                        (choice("discard", "Effacer les deux saisies".to_string()))
                    }
                } @else {
                    (layout::message("error",
                        "Double saisie : les deux saisies de ce bureau diffèrent. Un superviseur doit choisir l'une d'elles."))
                }
            }
        }
    }
}

/// Renders the two entries of a station side by side for the supervisor.
fn entries_comparison(sheet: &Sheet<'_>, pending: &Pending) -> Markup {
    let Some(second) = &pending.second else {
        return html! {};
    };
    let configured = sheet.config.station(sheet.code).map_or(0, |s| s.registered);
    let with_defaults = |figures: &FinalWrite| {
        let mut values = values_of_write(figures);
        if figures.registered.is_none() {
            values.insert("registered".into(), configured.to_string());
        }
        values
    };
    let first_values = with_defaults(&pending.first.figures);
    let second_values = with_defaults(&second.figures);
    let differing = double_entry::differences(&pending.first.figures, &second.figures, configured);
    let mut fields: Vec<(String, String)> = COUNT_FIELDS
        .iter()
        .map(|(name, label, _)| (name.to_string(), label.to_string()))
        .collect();
    fields.extend(sheet.config.candidates.iter().map(|c| {
        (
            vote_field(c.ballot_number),
            format!("{} — {}", c.ballot_number, c.display_name()),
        )
    }));
    html! {
        section.conflict #double-entry aria-labelledby="double-entry-title" {
            h2 #double-entry-title { "Les deux saisies diffèrent : " (differing.join(", ")) }
            p { "Comparez avec le procès-verbal, puis retenez la saisie juste ou effacez les deux." }
            table.compare {
                caption.visually-hidden { "Comparaison des deux saisies" }
                thead { tr {
                    th scope="col" { "Champ" }
                    th scope="col" { "Saisie de " (pending.first.by) " à " (layout::clock(&pending.first.at)) }
                    th scope="col" { "Saisie de " (second.by) " à " (layout::clock(&second.at)) }
                    th scope="col" { "Écart" }
                } }
                tbody {
                    @for (name, label) in &fields {
                        @let left = first_values.get(name).cloned().unwrap_or_default();
                        @let right = second_values.get(name).cloned().unwrap_or_default();
                        tr.diff[left != right] {
                            th scope="row" { (label) }
                            td.number { @if left.is_empty() { "—" } @else { (left) } }
                            td.number { @if right.is_empty() { "—" } @else { (right) } }
                            td { @if left != right { "différent" } }
                        }
                    }
                }
            }
        }
    }
}

/// Renders why the sheet is read-only, or that a correction needs a reason.
fn notices(sheet: &Sheet<'_>) -> Markup {
    let user = sheet.viewer.user();
    let validated = sheet.record.map(|r| r.status) == Some(StationStatus::Validated);
    html! {
        (closed_notice(sheet.row.state))
        @if !user.may_enter(sheet.code) {
            (layout::message("warning", &super::page_error::capitalise(&format!(
                "{}.", refusal_for_station(sheet.viewer, sheet.code)
            ))))
        } @else if validated && !user.may_supervise() {
            (layout::message("warning",
                "Ce bureau est validé : seul un superviseur peut corriger ses chiffres."))
        } @else if validated {
            (layout::message("warning",
                "Ce bureau est validé : toute correction demande un motif, inscrit au journal."))
        }
    }
}

/// Renders the last refusal with the rules that failed.
fn refusal_box(feedback: &Feedback) -> Markup {
    let errors: Vec<&Finding> = feedback.findings.iter().filter(|f| f.is_error()).collect();
    let overridable = !errors.is_empty() && errors.iter().all(|f| f.code.may_be_overridden());
    html! {
        @if let Some(message) = &feedback.message {
            div.message.error role="alert" #sheet-refusal tabindex="-1" {
                p { (super::page_error::capitalise(message)) }
                @if !errors.is_empty() {
                    ul { @for finding in &errors { li { (finding.message) } } }
                }
                @if overridable {
                    p { "Si le procès-verbal lui-même porte ces chiffres, indiquez-le dans le motif ci-dessous puis enregistrez." }
                }
            }
        }
    }
}

fn counts_fieldset(sheet: &Sheet<'_>) -> Markup {
    let editable = is_editable(sheet);
    let feedback = &sheet.feedback;
    let invalid = invalid_fields(feedback);
    html! {
        fieldset.counts {
            legend { "Décompte" }
            @for (index, (name, label, hint)) in COUNT_FIELDS.iter().enumerate() {
                @let hint_id = format!("{name}-hint");
                @let error = feedback.field_errors.get(*name);
                @let described = !hint.is_empty() || error.is_some();
                p.field {
                    label for=(name) { (label) }
                    input.count id=(name) name=(name) type="text" inputmode="numeric"
                        autocomplete="off" size="8"
                        value=(sheet.values.get(*name).cloned().unwrap_or_default())
                        readonly[!editable]
                        required[*name != "ballots_found" && *name != "registered"]
                        aria-describedby=[described.then_some(hint_id.as_str())]
                        aria-invalid=[invalid.iter().any(|f| f == name).then_some("true")]
                        autofocus[editable && feedback.message.is_none() && index == 1];
                    @if described {
                        span.hint id=(hint_id) {
                            (hint)
                            @if let Some(error) = error { " " strong.error-text { (error) } }
                        }
                    }
                }
            }
        }
    }
}

fn votes_fieldset(sheet: &Sheet<'_>) -> Markup {
    let editable = is_editable(sheet);
    let feedback = &sheet.feedback;
    let invalid = invalid_fields(feedback);
    html! {
        fieldset.votes {
            legend { "Voix par candidat, dans l'ordre des panneaux" }
            table.entry {
                thead { tr {
                    th scope="col" { "Panneau" }
                    th scope="col" { "Candidat ou liste" }
                    th scope="col" { "Voix" }
                } }
                tbody {
                    @for candidate in &sheet.config.candidates {
                        @let name = vote_field(candidate.ballot_number);
                        @let rule_field = format!("votes.{}", candidate.ballot_number);
                        @let marked = invalid.iter().any(|f| *f == rule_field || *f == name);
                        tr {
                            td.number { (candidate.ballot_number) }
                            td {
                                label for=(name) {
                                    (candidate.display_name())
                                    @if let Some(nuance) = &candidate.nuance { " " span.hint { "(" (nuance) ")" } }
                                }
                                @if let Some(error) = feedback.field_errors.get(&name) {
                                    " " strong.error-text { (error) }
                                }
                            }
                            td {
                                input.count.vote id=(name) name=(name) type="text" inputmode="numeric"
                                    autocomplete="off" size="8"
                                    value=(sheet.values.get(&name).cloned().unwrap_or_default())
                                    readonly[!editable] required
                                    aria-invalid=[marked.then_some("true")];
                            }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" colspan="2" { "Total des voix" }
                    td.number { output #votes-total { "—" } }
                } }
            }
        }
    }
}

/// Renders the reason fields: why the official record is inconsistent (shown when the
/// last refusal can be overridden or a reason exists), and why a validated station is
/// corrected.
fn reason_fields(sheet: &Sheet<'_>) -> Markup {
    let editable = is_editable(sheet);
    let validated = sheet.record.map(|r| r.status) == Some(StationStatus::Validated);
    let errors: Vec<&Finding> = sheet
        .feedback
        .findings
        .iter()
        .filter(|f| f.is_error())
        .collect();
    let overridable = !errors.is_empty() && errors.iter().all(|f| f.code.may_be_overridden());
    let stored_reason = sheet.record.and_then(|r| r.inconsistency_reason.clone());
    let reason = match sheet.values.get("inconsistency_reason") {
        Some(typed) if !typed.is_empty() => typed.clone(),
        _ => stored_reason.clone().unwrap_or_default(),
    };
    let show_reason = overridable || !reason.trim().is_empty();
    let correction = sheet
        .values
        .get("correction_reason")
        .cloned()
        .unwrap_or_default();
    html! {
        fieldset #reason-box .reason hidden[!show_reason] {
            legend { "Procès-verbal incohérent" }
            p.field {
                label for="inconsistency_reason" {
                    "Motif : pourquoi le procès-verbal lui-même est incohérent (enregistré avec les chiffres)"
                }
                textarea #inconsistency_reason name="inconsistency_reason" rows="2" cols="60"
                    readonly[!editable] { (reason) }
            }
        }
        @if validated && editable {
            p.field {
                label for="correction_reason" { "Motif de la correction (obligatoire, bureau validé)" }
                input #correction_reason type="text" name="correction_reason" size="60" required
                    value=(correction);
            }
        }
    }
}

/// Renders the clerk's figures beside the ones someone else stored meanwhile.
fn conflict_table(config: &ElectionConfig, current: &StationRecord, mine: &Values) -> Markup {
    let theirs = values_of_record(current);
    let mut fields: Vec<(String, String)> = COUNT_FIELDS
        .iter()
        .map(|(name, label, _)| (name.to_string(), label.to_string()))
        .collect();
    fields.extend(config.candidates.iter().map(|c| {
        (
            vote_field(c.ballot_number),
            format!("{} — {}", c.ballot_number, c.display_name()),
        )
    }));
    let rows: Vec<layout::ComparedField> = fields
        .into_iter()
        .map(|(name, label)| layout::ComparedField {
            label,
            mine: mine.get(&name).cloned().unwrap_or_default(),
            theirs: theirs.get(&name).cloned().unwrap_or_default(),
        })
        .collect();
    let title = format!(
        "Ce bureau a été enregistré par {} pendant votre saisie",
        current.updated_by
    );
    layout::comparison(&title, &current.updated_by, &current.updated_at, &rows)
}

/// Reads the sheet's fields into a write, or returns the per-field messages.
fn read_write(
    fields: &Fields,
    config: &ElectionConfig,
) -> Result<FinalWrite, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let mut count = |name: &str, required: bool| -> Option<u32> {
        match parse_count(fields.get(name).unwrap_or_default()) {
            Ok(Some(value)) => Some(value),
            Ok(None) => {
                if required {
                    errors.insert(name.to_string(), "champ obligatoire".to_string());
                }
                None
            }
            Err(message) => {
                errors.insert(name.to_string(), message);
                None
            }
        }
    };
    let registered = count("registered", false);
    let voters = count("voters", true);
    let ballots_found = count("ballots_found", false);
    let blank = count("blank", true);
    let invalid = count("invalid", true);
    let valid_votes = count("valid_votes", true);
    let mut votes = BTreeMap::new();
    for candidate in &config.candidates {
        let name = vote_field(candidate.ballot_number);
        if let Some(value) = count(&name, true) {
            votes.insert(candidate.ballot_number, value);
        }
    }
    let base_version = fields.version("base_version").map_err(|message| {
        let mut errors = errors.clone();
        errors.insert("base_version".to_string(), message);
        errors
    })?;
    match (voters, blank, invalid, valid_votes) {
        (Some(voters), Some(blank), Some(invalid), Some(valid_votes)) if errors.is_empty() => {
            Ok(FinalWrite {
                base_version,
                registered,
                voters,
                ballots_found,
                blank,
                invalid,
                valid_votes,
                votes,
                inconsistency_reason: fields.text("inconsistency_reason"),
                correction_reason: fields.text("correction_reason"),
            })
        }
        _ => Err(errors),
    }
}

/// `POST /admin/elections/{id}/stations/{code}/results`.
pub async fn save(
    State(state): State<WebState>,
    Path((id, code)): Path<(String, String)>,
    submission: Submission,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let viewer = submission.viewer;
    let code = check_may_enter(&viewer, &config, &code)?;
    let election_id = row.summary.id;
    let current = load_record(&state, election_id, &code).await?;
    if current.as_ref().map(|r| r.status) == Some(StationStatus::Validated)
        && !viewer.user().may_supervise()
    {
        return Err(PageError::Forbidden(format!(
            "le bureau {code} est validé : seul un superviseur peut corriger ses chiffres"
        )));
    }
    let double = load_double(&state, election_id, &code).await?;
    let fields = submission.fields;
    let values = values_of_fields(&fields, &config);
    let request = match read_write(&fields, &config) {
        Ok(request) => request,
        Err(field_errors) => {
            let sheet = Sheet {
                viewer: &viewer,
                row: &row,
                config: &config,
                code: &code,
                record: current.as_ref(),
                values,
                feedback: Feedback {
                    message: Some(format!(
                        "résultats du bureau {code} non enregistrés : des champs sont vides ou \
                         ne sont pas des nombres"
                    )),
                    field_errors,
                    ..Feedback::default()
                },
                double,
            };
            return Ok(render(&sheet, None, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };

    let actor = viewer.login().to_string();
    let station = code.clone();
    let through_double_entry = double.enabled && !viewer.user().may_supervise();
    let written_config = config.clone();
    let written = state
        .app
        .write(move |connection| {
            if through_double_entry {
                let (outcome, events) = double_entry::submit(
                    connection,
                    election_id,
                    &written_config,
                    &station,
                    &request,
                    &actor,
                )?;
                return Ok((outcome, events));
            }
            match service::write_final(connection, election_id, station.as_str(), &request, &actor)
            {
                Ok(outcome) => {
                    let mut events = vec![outcome.event];
                    events.extend(double_entry::discard_after_direct_write(
                        connection,
                        election_id,
                        &station,
                        &actor,
                    )?);
                    Ok((Outcome::Agreed, events))
                }
                Err(error @ ServiceError::Internal(_)) => Err(error),
                Err(error) => Ok((Outcome::Refused(error), vec![])),
            }
        })
        .await?;
    let saved = |entry: &str| {
        Ok(Redirect::to(&format!(
            "/admin/elections/{election_id}/results?saved={code}&entry={entry}"
        ))
        .into_response())
    };
    let error = match written {
        Outcome::Agreed if through_double_entry => return saved("agreed"),
        Outcome::Agreed => return saved("direct"),
        Outcome::First => return saved("first"),
        Outcome::Differ => return saved("differ"),
        Outcome::Refused(error) => error,
        Outcome::Rejected(message) => ServiceError::Conflict(message),
    };

    let mut feedback = Feedback::default();
    let mut record = current;
    let status = match refusal(error)? {
        Refusal::Findings { findings, .. } => {
            feedback.message = Some(format!(
                "résultats du bureau {code} refusés : les chiffres ne respectent pas les règles \
                 suivantes"
            ));
            feedback.findings = findings;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Refusal::Stale {
            current,
            current_version,
        } => {
            let stored: Option<StationRecord> = serde_json::from_value(current).unwrap_or_default();
            feedback.message = Some(format!(
                "résultats du bureau {code} non enregistrés : quelqu'un d'autre les a \
                 enregistrés pendant votre saisie"
            ));
            feedback.base_version = Some(current_version);
            feedback.conflict = stored.clone();
            record = stored.or(record);
            StatusCode::CONFLICT
        }
        Refusal::Message(message) => {
            feedback.message = Some(message);
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    let double = load_double(&state, election_id, &code).await?;
    let sheet = Sheet {
        viewer: &viewer,
        row: &row,
        config: &config,
        code: &code,
        record: record.as_ref(),
        values,
        feedback,
        double,
    };
    Ok(render(&sheet, None, status))
}

/// `POST /admin/elections/{id}/stations/{code}/validation`.
pub async fn validate(
    State(state): State<WebState>,
    Path((id, code)): Path<(String, String)>,
    submission: Submission,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let code = parse_station(&config, &code)?;
    let viewer = submission.viewer;
    if !viewer.user().may_supervise() {
        return Err(PageError::Forbidden(format!(
            "la validation est réservée aux superviseurs : votre rôle est {}",
            viewer.user().role.label_fr()
        )));
    }
    let base_version = submission
        .fields
        .version("base_version")
        .map_err(PageError::BadRequest)?;
    let to_board = submission.fields.get("return") == Some("board");
    let election_id = row.summary.id;
    let actor = viewer.login().to_string();
    let station = code.to_string();
    let written = state
        .app
        .write(move |connection| {
            let request = ValidationWrite { base_version };
            match service::validate_station(connection, election_id, &station, &request, &actor) {
                Ok(outcome) => {
                    let event = outcome.event.clone();
                    Ok((Ok(()), vec![event]))
                }
                Err(error) => Ok((Err(error), vec![])),
            }
        })
        .await?;
    match written {
        Ok(()) if to_board => Ok(Redirect::to(&format!(
            "/admin/elections/{election_id}/board?validated={code}"
        ))
        .into_response()),
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/elections/{election_id}/stations/{code}/results?validated=1"
        ))
        .into_response()),
        Err(error) => match refusal(error)? {
            Refusal::Stale { .. } => Err(PageError::Conflict(format!(
                "le bureau {code} a changé depuis l'affichage : ouvrez sa fiche et vérifiez les \
                 nouveaux chiffres avant de valider"
            ))),
            Refusal::Findings { message, .. } | Refusal::Message(message) => {
                Err(PageError::Conflict(message))
            }
        },
    }
}
