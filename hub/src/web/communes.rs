//! The other communes of a race (regroupement de communes): the list an administrator keeps,
//! the sheet a clerk fills in when a commune phones in its totals, and the race's progress.
//! Writes go through [`crate::communes`], so rules, versions, audit and events match the API.

use super::WebState;
use super::auth::{Submission, Viewer};
use super::elections::load;
use super::entry::{Refusal, closed_notice, refusal};
use super::form::{Fields, parse_count};
use super::layout::{self, Section};
use super::page_error::{PageError, capitalise};
use crate::communes::{self, ListWrite};
use crate::db::{self, elections::ElectionRow, elections::ElectionState, users::Role};
use crate::service::{FinalWrite, ValidationWrite};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::BTreeMap;
use urne_common::communes::{GroupingArea, OtherCommune, OtherCommunes, RaceResults};
use urne_common::count::StationStatus;
use urne_common::election::ElectionConfig;
use urne_common::results::{AreaKind, StationRecord};
use urne_common::rules::Finding;

/// The sheet's count fields with their French labels, in the order of the procès-verbal.
const COUNT_FIELDS: [(&str, &str); 6] = [
    ("registered", "Inscrits"),
    ("voters", "Votants (émargements)"),
    (
        "ballots_found",
        "Bulletins trouvés dans l'urne (s'ils diffèrent des votants)",
    ),
    ("blank", "Bulletins blancs"),
    ("invalid", "Bulletins nuls"),
    ("valid_votes", "Suffrages exprimés"),
];

/// Returns whether the user may key other communes' totals: supervisors and administrators, and
/// clerks who are not limited to some of the commune's stations.
fn may_enter_communes(viewer: &Viewer) -> bool {
    let user = viewer.user();
    match user.role {
        Role::ReadOnly => false,
        Role::Clerk => user.stations.is_none(),
        Role::Supervisor | Role::Administrator => true,
    }
}

fn vote_field(ballot_number: u32) -> String {
    format!("v_{ballot_number}")
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    saved: Option<String>,
    validated: Option<String>,
    list: Option<String>,
}

/// Everything the list page shows.
async fn load_race(
    state: &WebState,
    row: &ElectionRow,
    config: &ElectionConfig,
) -> Result<(OtherCommunes, RaceResults), PageError> {
    let row = row.clone();
    let config = config.clone();
    Ok(state
        .app
        .read(move |connection| {
            let list = db::communes::list(connection, row.summary.id)?;
            let race = crate::views::race_results(connection, &row, &config)?;
            Ok((list, race))
        })
        .await?)
}

/// `GET /admin/elections/{id}/communes`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let (list, race) = load_race(&state, &row, &config).await?;
    let notice = html! {
        @if let Some(insee) = &query.saved {
            (layout::message("success", &format!("Résultats de la commune {insee} enregistrés.")))
        }
        @if let Some(insee) = &query.validated {
            (layout::message("success", &format!("Commune {insee} validée.")))
        }
        @if query.list.is_some() {
            (layout::message("success", "Liste des autres communes enregistrée."))
        }
    };
    Ok(render_list(
        &viewer,
        &row,
        &config,
        &list,
        &race,
        notice,
        StatusCode::OK,
    ))
}

fn render_list(
    viewer: &Viewer,
    row: &ElectionRow,
    config: &ElectionConfig,
    list: &OtherCommunes,
    race: &RaceResults,
    notice: Markup,
    status: StatusCode,
) -> Response {
    let id = row.summary.id;
    let title = format!("Autres communes — {}", race.area.name);
    let may_enter = may_enter_communes(viewer) && row.state == ElectionState::Open;
    let body = html! {
        h1 { "Autres communes de la " (race.area.name) }
        (notice)
        (closed_notice(row.state))
        p #race-progress .record-line { (race.label) }
        (race_table(race))
        h2 { "Communes" }
        @if list.communes.is_empty() {
            p { "Aucune autre commune n'est listée pour cette élection." }
        } @else {
            table.board #communes-table {
                caption.visually-hidden { "Autres communes et état de leurs résultats" }
                thead { tr {
                    th scope="col" { "Code INSEE" }
                    th scope="col" { "Commune" }
                    th scope="col" { "Inscrits" }
                    th scope="col" { "Statut" }
                    th scope="col" { "Exprimés" }
                    th scope="col" { "Action" }
                } }
                tbody {
                    @for commune in &race.communes {
                        tr {
                            td { (commune.insee_code) }
                            th scope="row" { (commune.name) }
                            td.number { (commune.registered) }
                            td { (layout::status_badge(commune.status)) }
                            td.number {
                                @match &commune.count { Some(count) => { (count.valid_votes) } None => { "—" } }
                            }
                            td {
                                a href={ "/admin/elections/" (id) "/communes/" (commune.insee_code) } {
                                    @if may_enter { "Saisir " } @else { "Voir " }
                                    span.visually-hidden { (commune.name) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if viewer.user().role == Role::Administrator {
            (list_forms(viewer, row, config, list))
        }
    };
    let page = layout::page(&title, viewer, Some(row), Section::Communes, body, &[]);
    (status, page).into_response()
}

/// Renders the totals of the whole race with each candidate's votes.
fn race_table(race: &RaceResults) -> Markup {
    let area = &race.area;
    html! {
        table.board #race-totals {
            caption { "Résultats de la " (area.name) " (" (race.progress.label) ")" }
            thead { tr {
                th scope="col" { "Candidat" }
                th scope="col" { "Voix" }
                th scope="col" { "% des exprimés" }
            } }
            tbody {
                @for candidate in &area.candidates {
                    tr {
                        th scope="row" { (candidate.name) }
                        td.number { (candidate.votes) }
                        td.number { (layout::percent(&candidate.share_of_valid_votes)) }
                    }
                }
            }
            tfoot {
                tr { th scope="row" { "Exprimés" } td.number { (area.valid_votes) } td {} }
                tr { th scope="row" { "Votants" } td.number { (area.voters) } td.number { (layout::percent(&area.turnout_of_counted)) } }
            }
        }
    }
}

/// Renders the administrator's forms: the area, one commune to add, and a remove button
/// per commune.
fn list_forms(
    viewer: &Viewer,
    row: &ElectionRow,
    config: &ElectionConfig,
    list: &OtherCommunes,
) -> Markup {
    let id = row.summary.id;
    let action = format!("/admin/elections/{id}/communes/list");
    let area = list
        .area
        .clone()
        .or_else(|| urne_common::communes::default_area(config));
    let kind = area.as_ref().map_or(AreaKind::Constituency, |a| a.kind);
    html! {
        h2 { "Liste des communes (administrateur)" }
        form.stack method="post" action=(action) {
            (layout::csrf_field(viewer))
            input type="hidden" name="base_version" value=(list.version);
            input type="hidden" name="change" value="area";
            fieldset {
                legend { "Territoire de l'élection" }
                p.field {
                    label for="area_kind" { "Type" }
                    select #area_kind name="area_kind" {
                        option value="constituency" selected[kind == AreaKind::Constituency] { "Circonscription" }
                        option value="canton" selected[kind == AreaKind::Canton] { "Canton" }
                    }
                }
                p.field {
                    label for="area_code" { "Code (ex. 29-02)" }
                    input #area_code name="area_code" type="text" size="10" required
                        value=(area.as_ref().map_or("", |a| a.code.as_str()));
                }
                p.field {
                    label for="area_name" { "Nom affiché" }
                    input #area_name name="area_name" type="text" size="40" required
                        value=(area.as_ref().map_or("", |a| a.name.as_str()));
                }
                p.actions { button type="submit" { "Enregistrer le territoire" } }
            }
        }
        form.stack method="post" action=(action) {
            (layout::csrf_field(viewer))
            input type="hidden" name="base_version" value=(list.version);
            input type="hidden" name="change" value="add";
            fieldset {
                legend { "Ajouter une commune" }
                p.field {
                    label for="insee_code" { "Code INSEE" }
                    input #insee_code name="insee_code" type="text" size="6" required autocomplete="off";
                }
                p.field {
                    label for="name" { "Nom" }
                    input #name name="name" type="text" size="30" required autocomplete="off";
                }
                p.field {
                    label for="new_registered" { "Inscrits" }
                    input #new_registered name="registered" type="text" inputmode="numeric" size="8" required autocomplete="off";
                }
                p.actions { button type="submit" { "Ajouter la commune" } }
            }
        }
        @if !list.communes.is_empty() {
            ul.plain {
                @for commune in &list.communes {
                    li {
                        form.inline method="post" action=(action) {
                            (layout::csrf_field(viewer))
                            input type="hidden" name="base_version" value=(list.version);
                            input type="hidden" name="change" value="remove";
                            input type="hidden" name="insee_code" value=(commune.insee_code);
                            button type="submit" {
                                "Retirer " (commune.name) " (" (commune.insee_code) ")"
                            }
                        }
                    }
                }
            }
        }
        form.stack method="post" action={ "/admin/elections/" (id) "/communes/import" }
            enctype="multipart/form-data" {
            (layout::csrf_field(viewer))
            fieldset {
                legend { "Charger les communes depuis le fichier du ministère" }
                p.field {
                    label for="communes_file" { "Fichier par bureau de vote (CSV)" }
                    input #communes_file type="file" name="file" required
                        accept=".csv,.txt,text/csv";
                }
                p.field {
                    input #with_totals type="checkbox" name="with_totals" value="1";
                    label for="with_totals" { "Enregistrer aussi leurs résultats (élection ouverte)" }
                }
                p.hint {
                    "Les bureaux de chaque autre commune de la même élection sont additionnés ;                      les lignes de la commune du hub sont ignorées. Tout ou rien. En ligne de                      commande : "
                    code { "urne-hub import --as-communes " (id) " FICHIER" }
                }
                p.actions { button type="submit" { "Charger le fichier" } }
            }
        }
    }
}

/// Builds the new list from the current one and one change of the form.
fn changed_list(
    fields: &Fields,
    list: &OtherCommunes,
    config: &ElectionConfig,
) -> Result<ListWrite, String> {
    let base_version = fields.version("base_version")?;
    let mut area = list
        .area
        .clone()
        .or_else(|| urne_common::communes::default_area(config));
    let mut communes = list.communes.clone();
    match fields.get("change") {
        Some("area") => {
            let kind = match fields.get("area_kind") {
                Some("canton") => AreaKind::Canton,
                _ => AreaKind::Constituency,
            };
            area = Some(GroupingArea {
                kind,
                code: fields.text("area_code").unwrap_or_default(),
                name: fields.text("area_name").unwrap_or_default(),
            });
        }
        Some("add") => {
            let typed = fields.get("registered").unwrap_or_default();
            let registered = parse_count(typed)
                .map_err(|message| format!("inscrits : {message}"))?
                .ok_or_else(|| {
                    "inscrits manquants : indiquez les inscrits de la commune".to_string()
                })?;
            communes.push(OtherCommune {
                insee_code: fields.text("insee_code").unwrap_or_default(),
                name: fields.text("name").unwrap_or_default(),
                registered,
            });
        }
        Some("remove") => {
            let insee = fields.text("insee_code").unwrap_or_default();
            communes.retain(|c| c.insee_code != insee);
        }
        other => {
            return Err(format!(
                "modification « {} » inconnue : rechargez la page",
                other.unwrap_or_default()
            ));
        }
    }
    Ok(ListWrite {
        base_version,
        area,
        communes,
    })
}

/// `POST /admin/elections/{id}/communes/list`.
pub async fn save_list(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let viewer = submission.viewer;
    if viewer.user().role != Role::Administrator {
        return Err(PageError::Forbidden(format!(
            "la liste des autres communes est réservée aux administrateurs, votre rôle est {} : \
             rien n'a été enregistré",
            viewer.user().role.label_fr()
        )));
    }
    let (list, _) = load_race(&state, &row, &config).await?;
    let election_id = row.summary.id;
    let rejection = match changed_list(&submission.fields, &list, &config) {
        Err(message) => message,
        Ok(request) => {
            let actor = viewer.login().to_string();
            let written = state
                .app
                .write(move |connection| {
                    match communes::write_list(connection, election_id, &request, &actor) {
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
                    return Ok(Redirect::to(&format!(
                        "/admin/elections/{election_id}/communes?list=1"
                    ))
                    .into_response());
                }
                Err(error) => match refusal(error)? {
                    Refusal::Findings { message, .. } | Refusal::Message(message) => message,
                    Refusal::Stale { .. } => "la liste a changé pendant votre saisie : rechargez \
                                              la page et recommencez"
                        .to_string(),
                },
            }
        }
    };
    let (list, race) = load_race(&state, &row, &config).await?;
    let notice = layout::message(
        "error",
        &format!("{} ; rien n'a été enregistré.", capitalise(&rejection)),
    );
    Ok(render_list(
        &viewer,
        &row,
        &config,
        &list,
        &race,
        notice,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

/// A commune's sheet as shown: stored or typed values, and the last refusal.
struct Sheet<'a> {
    viewer: &'a Viewer,
    row: &'a ElectionRow,
    config: &'a ElectionConfig,
    commune: &'a OtherCommune,
    record: Option<&'a StationRecord>,
    values: BTreeMap<String, String>,
    message: Option<String>,
    findings: Vec<Finding>,
    base_version: u64,
}

fn values_of_record(record: &StationRecord) -> BTreeMap<String, String> {
    let count = &record.count;
    let mut values = BTreeMap::new();
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
    if let Some(reason) = &record.inconsistency_reason {
        values.insert("inconsistency_reason".into(), reason.clone());
    }
    values
}

async fn load_commune(
    state: &WebState,
    row: &ElectionRow,
    config: &ElectionConfig,
    insee: &str,
) -> Result<(OtherCommune, Option<StationRecord>), PageError> {
    let election_id = row.summary.id;
    let typed = insee.to_string();
    let host = config.commune.insee_code.clone();
    let (list, record) = state
        .app
        .read(move |connection| {
            let list = db::communes::list(connection, election_id)?;
            let code = urne_common::communes::normalize_insee(&typed).unwrap_or(typed);
            let record = db::communes::totals(connection, election_id, Some(&code))?.remove(&code);
            Ok((list, record))
        })
        .await?;
    let code = urne_common::communes::normalize_insee(insee).unwrap_or_default();
    let commune = list
        .communes
        .into_iter()
        .find(|c| c.insee_code == code)
        .ok_or_else(|| {
            let hint = if code == host {
                "c'est la commune du hub : ses résultats se saisissent par bureau"
            } else {
                "choisissez-la dans la liste des autres communes"
            };
            PageError::NotFound(format!(
                "commune « {insee} » absente de la liste des autres communes : {hint}"
            ))
        })?;
    Ok((commune, record))
}

/// `GET /admin/elections/{id}/communes/{insee}`.
pub async fn sheet_page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((id, insee)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let (commune, record) = load_commune(&state, &row, &config, &insee).await?;
    let mut values = record.as_ref().map(values_of_record).unwrap_or_default();
    values
        .entry("registered".into())
        .or_insert_with(|| commune.registered.to_string());
    let sheet = Sheet {
        viewer: &viewer,
        row: &row,
        config: &config,
        commune: &commune,
        record: record.as_ref(),
        values,
        message: None,
        findings: Vec::new(),
        base_version: record.as_ref().map_or(0, |r| r.version),
    };
    Ok(render_sheet(&sheet, StatusCode::OK))
}

fn is_editable(sheet: &Sheet<'_>) -> bool {
    let validated = sheet.record.map(|r| r.status) == Some(StationStatus::Validated);
    sheet.row.state == ElectionState::Open
        && may_enter_communes(sheet.viewer)
        && (!validated || sheet.viewer.user().may_supervise())
}

fn render_sheet(sheet: &Sheet<'_>, status: StatusCode) -> Response {
    let id = sheet.row.summary.id;
    let commune = sheet.commune;
    let editable = is_editable(sheet);
    let validated = sheet.record.map(|r| r.status) == Some(StationStatus::Validated);
    let invalid: Vec<&str> = sheet
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.field.as_str())
        .collect();
    let may_validate = sheet.row.state == ElectionState::Open
        && sheet.viewer.user().may_supervise()
        && sheet.message.is_none()
        && sheet.record.is_some_and(|r| {
            matches!(
                r.status,
                StationStatus::Entered | StationStatus::Inconsistent
            )
        });
    let value = |name: &str| sheet.values.get(name).cloned().unwrap_or_default();
    let body = html! {
        h1 { "Commune de " (commune.name) " (" (commune.insee_code) ")" }
        p.record-line {
            "Résultats transmis par la commune · "
            @match sheet.record {
                Some(record) => {
                    (layout::status_badge(record.status)) " par " (record.updated_by)
                    " à " (layout::clock(&record.updated_at)) " (version " (record.version) ")"
                }
                None => { (layout::status_badge(StationStatus::NotArrived)) }
            }
        }
        (closed_notice(sheet.row.state))
        @if !may_enter_communes(sheet.viewer) {
            (layout::message("warning", "Votre compte ne permet pas de saisir les résultats des autres communes."))
        } @else if validated {
            (layout::message("warning", "Cette commune est validée : toute correction demande un motif, inscrit au journal."))
        }
        @if let Some(message) = &sheet.message {
            div.message.error role="alert" #sheet-refusal tabindex="-1" {
                p { (capitalise(message)) }
                @let errors: Vec<&Finding> = sheet.findings.iter().filter(|f| f.is_error()).collect();
                @if !errors.is_empty() {
                    ul { @for finding in errors { li { (finding.message) } } }
                }
            }
        }
        form.sheet #commune-form method="post" action={ "/admin/elections/" (id) "/communes/" (commune.insee_code) } {
            (layout::csrf_field(sheet.viewer))
            input type="hidden" name="base_version" value=(sheet.base_version);
            fieldset.counts {
                legend { "Totaux de la commune" }
                @for (index, (name, label)) in COUNT_FIELDS.iter().enumerate() {
                    p.field {
                        label for=(name) { (label) }
                        input.count id=(name) name=(name) type="text" inputmode="numeric"
                            autocomplete="off" size="8" value=(value(name))
                            readonly[!editable]
                            required[*name != "ballots_found" && *name != "registered"]
                            aria-invalid=[invalid.contains(name).then_some("true")]
                            autofocus[editable && sheet.message.is_none() && index == 1];
                    }
                }
            }
            fieldset.votes {
                legend { "Voix par candidat, dans l'ordre des panneaux" }
                table.entry {
                    thead { tr {
                        th scope="col" { "Panneau" }
                        th scope="col" { "Candidat" }
                        th scope="col" { "Voix" }
                    } }
                    tbody {
                        @for candidate in &sheet.config.candidates {
                            @let name = vote_field(candidate.ballot_number);
                            @let rule_field = format!("votes.{}", candidate.ballot_number);
                            tr {
                                td.number { (candidate.ballot_number) }
                                td { label for=(name) { (candidate.display_name()) } }
                                td {
                                    input.count.vote id=(name) name=(name) type="text"
                                        inputmode="numeric" autocomplete="off" size="8"
                                        value=(value(&name)) readonly[!editable] required
                                        aria-invalid=[(invalid.contains(&rule_field.as_str()) || invalid.contains(&"votes")).then_some("true")];
                                }
                            }
                        }
                    }
                }
            }
            p.field {
                label for="inconsistency_reason" {
                    "Motif, si le procès-verbal de la commune est lui-même incohérent (facultatif)"
                }
                textarea #inconsistency_reason name="inconsistency_reason" rows="2" cols="60"
                    readonly[!editable] { (value("inconsistency_reason")) }
            }
            @if validated && editable {
                p.field {
                    label for="correction_reason" { "Motif de la correction (obligatoire, commune validée)" }
                    input #correction_reason type="text" name="correction_reason" size="60" required
                        value=(value("correction_reason"));
                }
            }
            @if editable {
                p.actions { button.primary type="submit" { "Enregistrer (Entrée)" } }
            }
        }
        @if may_validate {
            form.inline method="post" action={ "/admin/elections/" (id) "/communes/" (commune.insee_code) "/validation" } {
                (layout::csrf_field(sheet.viewer))
                input type="hidden" name="base_version" value=(sheet.base_version);
                button type="submit" { "Valider la commune " (commune.name) }
            }
        }
        p { a href={ "/admin/elections/" (id) "/communes" } { "Autre commune" } }
    };
    let title = format!("Commune {} — résultats", commune.name);
    let page = layout::page(
        &title,
        sheet.viewer,
        Some(sheet.row),
        Section::Communes,
        body,
        &[],
    );
    (status, page).into_response()
}

/// Reads the sheet into a write, or returns the French message naming the bad fields.
fn read_sheet(fields: &Fields, config: &ElectionConfig) -> Result<FinalWrite, String> {
    let mut problems = Vec::new();
    let mut read = |name: &str, label: &str, required: bool| -> Option<u32> {
        let typed = fields.get(name).unwrap_or_default();
        match parse_count(typed) {
            Ok(Some(value)) => Some(value),
            Ok(None) if required => {
                problems.push(format!("{label} : champ obligatoire, saisissez un nombre"));
                None
            }
            Ok(None) => None,
            Err(message) => {
                problems.push(format!("{label} : {message}"));
                None
            }
        }
    };
    let registered = read("registered", "inscrits", false);
    let voters = read("voters", "votants", true);
    let ballots_found = read("ballots_found", "bulletins trouvés", false);
    let blank = read("blank", "blancs", true);
    let invalid = read("invalid", "nuls", true);
    let valid_votes = read("valid_votes", "exprimés", true);
    let mut votes = BTreeMap::new();
    for candidate in &config.candidates {
        let label = format!("voix du panneau {}", candidate.ballot_number);
        if let Some(value) = read(&vote_field(candidate.ballot_number), &label, true) {
            votes.insert(candidate.ballot_number, value);
        }
    }
    let base_version = fields.version("base_version")?;
    match (voters, blank, invalid, valid_votes) {
        (Some(voters), Some(blank), Some(invalid), Some(valid_votes)) if problems.is_empty() => {
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
        _ => Err(problems.join(" ; ")),
    }
}

/// `POST /admin/elections/{id}/communes/{insee}`.
pub async fn save_sheet(
    State(state): State<WebState>,
    Path((id, insee)): Path<(String, String)>,
    submission: Submission,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let viewer = submission.viewer;
    if !may_enter_communes(&viewer) {
        return Err(PageError::Forbidden(format!(
            "votre compte ({}) ne permet pas de saisir les résultats des autres communes : \
             demandez à un superviseur",
            viewer.login()
        )));
    }
    let (commune, current) = load_commune(&state, &row, &config, &insee).await?;
    let fields = submission.fields;
    let mut values: BTreeMap<String, String> = fields
        .0
        .iter()
        .filter(|(name, _)| name != "csrf" && name != "base_version")
        .cloned()
        .collect();
    values.remove("csrf");
    let typed_version = fields.version("base_version").unwrap_or(0);
    let (message, findings, base_version, record, status) = match read_sheet(&fields, &config) {
        Err(problems) => (
            format!(
                "résultats de la commune {} non enregistrés : {problems}",
                commune.name
            ),
            Vec::new(),
            typed_version,
            current,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Ok(request) => {
            let election_id = row.summary.id;
            let actor = viewer.login().to_string();
            let code = commune.insee_code.clone();
            let written = state
                .app
                .write(move |connection| {
                    match communes::write_totals(connection, election_id, &code, &request, &actor) {
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
                    return Ok(Redirect::to(&format!(
                        "/admin/elections/{election_id}/communes?saved={}",
                        commune.insee_code
                    ))
                    .into_response());
                }
                Err(error) => match refusal(error)? {
                    Refusal::Findings { message, findings } => (
                        message,
                        findings,
                        typed_version,
                        current,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    ),
                    Refusal::Stale {
                        current: stored,
                        current_version,
                    } => {
                        let stored: Option<StationRecord> =
                            serde_json::from_value(stored).unwrap_or_default();
                        (
                            format!(
                                "résultats de la commune {} non enregistrés : quelqu'un d'autre \
                                 les a enregistrés pendant votre saisie (version {current_version}) \
                                 ; vérifiez ses chiffres, puis enregistrez à nouveau pour les \
                                 remplacer par les vôtres",
                                commune.name
                            ),
                            Vec::new(),
                            current_version,
                            stored.or(current),
                            StatusCode::CONFLICT,
                        )
                    }
                    Refusal::Message(message) => (
                        message,
                        Vec::new(),
                        typed_version,
                        current,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    ),
                },
            }
        }
    };
    let sheet = Sheet {
        viewer: &viewer,
        row: &row,
        config: &config,
        commune: &commune,
        record: record.as_ref(),
        values,
        message: Some(message),
        findings,
        base_version,
    };
    Ok(render_sheet(&sheet, status))
}

/// `POST /admin/elections/{id}/communes/{insee}/validation`.
pub async fn validate(
    State(state): State<WebState>,
    Path((id, insee)): Path<(String, String)>,
    submission: Submission,
) -> Result<Response, PageError> {
    let (row, config) = load(&state, &id).await?;
    let viewer = submission.viewer;
    if !viewer.user().may_supervise() {
        return Err(PageError::Forbidden(format!(
            "la validation est réservée aux superviseurs : votre rôle est {}",
            viewer.user().role.label_fr()
        )));
    }
    let (commune, _) = load_commune(&state, &row, &config, &insee).await?;
    let base_version = submission
        .fields
        .version("base_version")
        .map_err(PageError::BadRequest)?;
    let election_id = row.summary.id;
    let actor = viewer.login().to_string();
    let code = commune.insee_code.clone();
    let written = state
        .app
        .write(move |connection| {
            let request = ValidationWrite { base_version };
            match communes::validate_totals(connection, election_id, &code, &request, &actor) {
                Ok(outcome) => {
                    let event = outcome.event.clone();
                    Ok((Ok(()), vec![event]))
                }
                Err(error) => Ok((Err(error), vec![])),
            }
        })
        .await?;
    match written {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/elections/{election_id}/communes?validated={}",
            commune.insee_code
        ))
        .into_response()),
        Err(error) => Err(PageError::from(error)),
    }
}

/// `POST /admin/elections/{id}/communes/import`: a Ministry file sent from the list page.
pub async fn import_file(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let upload = super::configuration::upload::read_upload(&viewer, &headers, multipart).await?;
    let (row, config) = load(&state, &id).await?;
    if viewer.user().role != Role::Administrator {
        return Err(PageError::Forbidden(format!(
            "la liste des autres communes est réservée aux administrateurs, votre rôle est {} : \
             rien n'a été enregistré",
            viewer.user().role.label_fr()
        )));
    }
    let with_totals = upload.fields.get("with_totals") == Some("1");
    let files: Vec<(String, Vec<u8>)> = upload
        .files
        .into_iter()
        .map(|file| (file.file_name, file.bytes))
        .collect();
    let election_id = row.summary.id;
    let actor = viewer.login().to_string();
    let written = state
        .app
        .write(move |connection| {
            let imported =
                communes::read_race_files(connection, election_id, &files).and_then(|found| {
                    communes::import_communes(
                        connection,
                        election_id,
                        &found.communes,
                        with_totals,
                        &actor,
                    )
                });
            match imported {
                Ok(summary) => {
                    let event = summary.event.clone();
                    Ok((Ok(summary), vec![event]))
                }
                Err(error @ crate::service::ServiceError::Internal(_)) => Err(error),
                Err(error) => Ok((Err(error), vec![])),
            }
        })
        .await?;
    let notice = match written {
        Ok(summary) => layout::message(
            "success",
            &format!(
                "Fichier chargé : {} communes ajoutées à la liste, {} résultats enregistrés.",
                summary.listed, summary.totals
            ),
        ),
        Err(error) => layout::message("error", &capitalise(&error.to_string())),
    };
    let (list, race) = load_race(&state, &row, &config).await?;
    Ok(render_list(
        &viewer,
        &row,
        &config,
        &list,
        &race,
        notice,
        StatusCode::OK,
    ))
}
