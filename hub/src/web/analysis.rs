//! `/admin/analysis`: comparisons of an election with earlier ones as tables and SVG
//! charts, their CSV files, the saved comparisons, and the station mapping page. Signed-in
//! users see results under embargo here, as on the other pages of the interface.

use super::auth::{Submission, Viewer};
use super::layout::{self, Section};
use super::{PageError, WebState};
use crate::analysis::api::{self as builders, MappingQuery, PairQuery, TrendQuery};
use crate::analysis::table::{self, Table};
use crate::analysis::{Grouping, charts, mapping, saved};
use crate::db::{self, users::Role};
use crate::service::ServiceError;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use rusqlite::Connection;
use serde::Deserialize;

/// The analysis page's query: which comparison and of which elections.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnalysisQuery {
    /// turnout, stations, votes or trend.
    pub view: Option<String>,
    pub election: Option<String>,
    pub against: Option<String>,
    pub by: Option<String>,
    /// Trend: election ids, comma-separated.
    pub elections: Option<String>,
    /// Trend: station code of the last election.
    pub station: Option<String>,
    /// Votes: `1` adds one block per group of stations.
    pub areas: Option<String>,
    /// Set after a save, to confirm it.
    pub saved: Option<String>,
}

const VIEWS: [(&str, &str); 4] = [
    ("turnout", "Participation par tranche horaire"),
    ("stations", "Bureaux : participation, blancs et nuls"),
    ("votes", "Voix et écarts entre deux élections"),
    ("trend", "Évolution sur plusieurs élections"),
];

impl AnalysisQuery {
    fn view(&self) -> &str {
        self.view.as_deref().unwrap_or("turnout")
    }

    /// Query string of the comparison, without the confirmation flag.
    fn parameters(&self) -> String {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        serializer.append_pair("view", self.view());
        let fields = [
            ("election", &self.election),
            ("against", &self.against),
            ("by", &self.by),
            ("elections", &self.elections),
            ("station", &self.station),
            ("areas", &self.areas),
        ];
        for (name, value) in fields {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                serializer.append_pair(name, value);
            }
        }
        serializer.finish()
    }

    fn pair(&self) -> PairQuery {
        PairQuery {
            election: self.election.clone(),
            against: self.against.clone(),
            by: self.by.clone(),
            format: None,
            areas: self.areas.clone(),
        }
    }

    fn trend(&self) -> TrendQuery {
        TrendQuery {
            elections: self.elections.clone(),
            by: self.by.clone(),
            station: self.station.clone(),
            format: None,
        }
    }

    /// Returns whether the query names enough elections to compute its view.
    fn is_complete(&self) -> bool {
        let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty());
        match self.view() {
            "trend" => given(&self.elections),
            _ => given(&self.election) && given(&self.against),
        }
    }
}

/// A computed comparison: its table and its chart.
struct Computed {
    table: Table,
    chart: Markup,
}

fn compute(connection: &Connection, query: &AnalysisQuery) -> Result<Computed, ServiceError> {
    match query.view() {
        "turnout" => {
            let comparison = builders::build_turnout(connection, &query.pair(), false)?;
            Ok(Computed {
                table: table::turnout_table(&comparison),
                chart: charts::turnout_chart(&comparison),
            })
        }
        "stations" => {
            let comparison = builders::build_stations(connection, &query.pair())?;
            Ok(Computed {
                table: table::stations_table(&comparison),
                chart: charts::stations_chart(&comparison),
            })
        }
        "votes" => {
            let comparison = builders::build_votes(connection, &query.pair())?;
            let with_areas = query.areas.as_deref() == Some("1");
            Ok(Computed {
                table: table::votes_table(&comparison, with_areas),
                chart: charts::votes_chart(&comparison),
            })
        }
        "trend" => {
            let trend = builders::build_trend(connection, &query.trend())?;
            Ok(Computed {
                table: table::trend_table(&trend),
                chart: charts::trend_chart(&trend),
            })
        }
        other => Err(ServiceError::Invalid {
            code: "invalid_view",
            field: Some("view".to_string()),
            message: format!(
                "comparaison « {other} » inconnue : turnout, stations, votes ou trend"
            ),
        }),
    }
}

fn election_options(rows: &[db::elections::ElectionRow], selected: Option<&str>) -> Markup {
    html! {
        option value="" { "— choisir —" }
        @for row in rows {
            @let id = row.summary.id.to_string();
            option value=(id) selected[selected == Some(id.as_str())] {
                (row.summary.label) " — " (row.summary.commune_name) " (" (row.summary.date) ", n° " (id) ")"
            }
        }
    }
}

fn render_table(table: &Table) -> Markup {
    html! {
        div.table-scroll {
            table {
                caption { (table.title) }
                thead { tr { @for header in &table.headers { th scope="col" { (header) } } } }
                tbody {
                    @for row in &table.rows {
                        tr {
                            @for (index, cell) in row.iter().enumerate() {
                                @if index == 0 { th scope="row" { (cell) } } @else { td { (cell) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn query_form(query: &AnalysisQuery, rows: &[db::elections::ElectionRow]) -> Markup {
    let by = query.by.as_deref().unwrap_or("nuance");
    html! {
        form.analysis method="get" action="/admin/analysis" {
            fieldset {
                legend { "Comparaison" }
                p {
                    label for="view" { "Vue" }
                    select #view name="view" {
                        @for (value, label) in VIEWS {
                            option value=(value) selected[query.view() == value] { (label) }
                        }
                    }
                }
                p {
                    label for="election" { "Élection analysée" }
                    select #election name="election" { (election_options(rows, query.election.as_deref())) }
                }
                p {
                    label for="against" { "Comparée à" }
                    select #against name="against" { (election_options(rows, query.against.as_deref())) }
                }
                p {
                    label for="by" { "Regrouper les voix par" }
                    select #by name="by" {
                        @for grouping in Grouping::ALL {
                            option value=(grouping.as_str()) selected[by == grouping.as_str()] {
                                (grouping.label_fr())
                            }
                        }
                    }
                }
                p {
                    label for="elections" { "Évolution : numéros des élections, séparés par des virgules" }
                    input #elections name="elections" type="text" inputmode="numeric"
                        value=(query.elections.clone().unwrap_or_default());
                }
                p {
                    label for="station" { "Évolution : bureau de la dernière élection (vide pour la commune)" }
                    input #station name="station" type="text" value=(query.station.clone().unwrap_or_default());
                }
                p {
                    input #areas name="areas" type="checkbox" value="1" checked[query.areas.as_deref() == Some("1")];
                    label for="areas" { "Voix : détailler par bureau" }
                }
                button type="submit" { "Comparer" }
            }
        }
    }
}

/// `GET /admin/analysis`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(query): Query<AnalysisQuery>,
) -> Result<Response, PageError> {
    let computing = query.clone();
    let (rows, saved_queries, computed) = state
        .app
        .read(move |connection| {
            let rows = db::elections::list(connection)?;
            let saved_queries = saved::list(connection)?;
            let computed = if computing.is_complete() {
                Some(compute(connection, &computing).map_err(|error| error.to_string()))
            } else {
                None
            };
            Ok((rows, saved_queries, computed))
        })
        .await?;
    let parameters = query.parameters();
    let can_save = viewer.user().role > Role::ReadOnly;
    let mapping_link = match (&query.against, &query.election) {
        (Some(against), Some(election)) if !against.is_empty() && !election.is_empty() => Some(
            format!("/admin/analysis/mapping?earlier={against}&later={election}"),
        ),
        _ => None,
    };
    let body = html! {
        h1 { "Analyse et comparaisons" }
        @if query.saved.is_some() {
            (layout::message("success", "Comparaison enregistrée."))
        }
        (query_form(&query, &rows))
        @match &computed {
            None => p { "Choisissez les élections à comparer, puis « Comparer »." },
            Some(Err(message)) => (layout::message("error", message)),
            Some(Ok(computed)) => {
                section aria-labelledby="resultat" {
                    h2 #resultat { (computed.table.title) }
                    p {
                        a href=(format!("/admin/analysis/csv?{parameters}")) download { "Télécharger le tableau en CSV" }
                        @if let Some(link) = &mapping_link {
                            " · " a href=(link) { "Correspondance des bureaux" }
                        }
                    }
                    figure {
                        (computed.chart)
                        figcaption { "Les chiffres exacts sont dans le tableau ci-dessous." }
                    }
                    (render_table(&computed.table))
                }
                @if can_save {
                    form method="post" action="/admin/analysis/saved" {
                        (layout::csrf_field(&viewer))
                        input type="hidden" name="parameters" value=(parameters);
                        input type="hidden" name="view" value=(query.view());
                        p {
                            label for="saved-name" { "Enregistrer cette comparaison sous le nom" }
                            input #saved-name name="name" type="text" maxlength="120" required;
                            button type="submit" { "Enregistrer" }
                        }
                    }
                }
            }
        }
        section aria-labelledby="enregistrees" {
            h2 #enregistrees { "Comparaisons enregistrées" }
            @if saved_queries.is_empty() {
                p { "Aucune comparaison enregistrée." }
            } @else {
                ul.saved {
                    @for item in &saved_queries {
                        li {
                            a href=(format!("/admin/analysis?{}", item.parameters)) { (item.name) }
                            " — " (item.created_by) ", " (layout::day_and_clock(&item.created_at))
                            @if can_save {
                                form.inline method="post" action=(format!("/admin/analysis/saved/{}/delete", item.id)) {
                                    (layout::csrf_field(&viewer))
                                    button.link type="submit" aria-label=(format!("Supprimer « {} »", item.name)) { "Supprimer" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Analyse", &viewer, None, Section::Analysis, body, &[]).into_response())
}

/// `GET /admin/analysis/csv`: the page's table as a CSV file.
pub async fn csv(
    State(state): State<WebState>,
    _viewer: Viewer,
    Query(query): Query<AnalysisQuery>,
) -> Result<Response, PageError> {
    let computing = query.clone();
    let computed = state
        .app
        .read(move |connection| compute(connection, &computing))
        .await?;
    let name = match query.view() {
        "stations" => "bureaux",
        "votes" => "voix",
        "trend" => "evolution",
        _ => "participation",
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        computed.table.to_csv(),
    )
        .into_response())
}

fn require_writer(viewer: &Viewer) -> Result<(), PageError> {
    if viewer.user().role == Role::ReadOnly {
        return Err(PageError::Forbidden(
            "le rôle lecture seule ne peut rien enregistrer".to_string(),
        ));
    }
    Ok(())
}

/// `POST /admin/analysis/saved`.
pub async fn save(
    State(state): State<WebState>,
    submission: Submission,
) -> Result<Response, PageError> {
    require_writer(&submission.viewer)?;
    let name = submission.fields.text("name").unwrap_or_default();
    let view = submission.fields.text("view").unwrap_or_default();
    let parameters = submission.fields.text("parameters").unwrap_or_default();
    let actor = submission.viewer.login().to_string();
    let target = parameters.clone();
    state
        .app
        .write(move |connection| {
            let id = saved::save(connection, &name, &view, &parameters, &actor)?;
            Ok((id, vec![]))
        })
        .await?;
    Ok(Redirect::to(&format!("/admin/analysis?{target}&saved=1")).into_response())
}

/// `POST /admin/analysis/saved/{id}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    submission: Submission,
) -> Result<Response, PageError> {
    require_writer(&submission.viewer)?;
    let actor = submission.viewer.login().to_string();
    state
        .app
        .write(move |connection| Ok((saved::delete(connection, id, &actor)?, vec![])))
        .await?;
    Ok(Redirect::to("/admin/analysis").into_response())
}

/// `GET /admin/analysis/mapping?earlier=A&later=B`: one field per later station listing
/// the earlier stations it continues, filled with the saved mapping or the suggestions.
pub async fn mapping_page(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(query): Query<MappingQuery>,
) -> Result<Response, PageError> {
    let (earlier, later, value) = state
        .app
        .read(move |connection| builders::mapping_view(connection, &query))
        .await?;
    let suggested = mapping::suggestions(&earlier, &later);
    let saved_kind = value["mapping"].as_str().unwrap_or_default() == "saved";
    let links: Vec<(String, String)> = if saved_kind {
        serde_json::from_value(value["links"].clone()).unwrap_or_default()
    } else {
        suggested
            .iter()
            .map(|(from, to, _)| (from.clone(), to.clone()))
            .collect()
    };
    let body = html! {
        h1 { "Correspondance des bureaux" }
        p {
            "Des bureaux de « " (earlier.config.label) " » (" (earlier.config.date) ") vers ceux de « "
            (later.config.label) " » (" (later.config.date) "). "
            @if saved_kind { "Correspondance enregistrée." } @else {
                "Aucune correspondance enregistrée : les champs proposent des suggestions (même code, \
                 code scindé comme 001A pour 0001, même lieu de vote)."
            }
        }
        p { "Pour chaque bureau, indiquez le ou les anciens bureaux dont il reprend les électeurs, séparés par des virgules ; laissez vide pour un bureau nouveau." }
        form method="post" action=(format!("/admin/analysis/mapping?earlier={}&later={}", earlier.id, later.id)) {
            (layout::csrf_field(&viewer))
            table {
                caption { "Anciens bureaux de chaque bureau" }
                thead { tr { th scope="col" { "Bureau" } th scope="col" { "Lieu de vote" } th scope="col" { "Anciens bureaux" } } }
                tbody {
                    @for station in &later.config.stations {
                        @let code = station.code.as_str();
                        @let sources: Vec<&str> = links.iter().filter(|(_, to)| to == code).map(|(from, _)| from.as_str()).collect();
                        tr {
                            th scope="row" { label for=(format!("map-{code}")) { (code) " — " (station.name) } }
                            td { (station.polling_place.clone().unwrap_or_default()) }
                            td { input id=(format!("map-{code}")) name=(format!("map-{code}")) type="text" value=(sources.join(", ")); }
                        }
                    }
                }
            }
            button type="submit" { "Enregistrer la correspondance" }
        }
    };
    Ok(layout::page(
        "Correspondance des bureaux",
        &viewer,
        None,
        Section::Analysis,
        body,
        &[],
    )
    .into_response())
}

/// `POST /admin/analysis/mapping?earlier=A&later=B`.
pub async fn save_mapping(
    State(state): State<WebState>,
    Query(query): Query<MappingQuery>,
    submission: Submission,
) -> Result<Response, PageError> {
    require_writer(&submission.viewer)?;
    let mut links = Vec::new();
    for (name, value) in &submission.fields.0 {
        let Some(later) = name.strip_prefix("map-") else {
            continue;
        };
        for earlier in value
            .split([',', ';', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            links.push((earlier.to_string(), later.to_string()));
        }
    }
    let actor = submission.viewer.login().to_string();
    let target = format!(
        "/admin/analysis?view=stations&election={}&against={}",
        query.later.clone().unwrap_or_default(),
        query.earlier.clone().unwrap_or_default()
    );
    state
        .app
        .write(move |connection| {
            let earlier = crate::analysis::load(
                connection,
                builders::parse_id("earlier", query.earlier.as_deref())?,
            )?;
            let later = crate::analysis::load(
                connection,
                builders::parse_id("later", query.later.as_deref())?,
            )?;
            let count = mapping::save(connection, &earlier, &later, &links, &actor)?;
            Ok((count, vec![]))
        })
        .await?;
    Ok(Redirect::to(&target).into_response())
}
