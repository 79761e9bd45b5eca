//! `GET /api/v1/analysis/…`: the comparisons as JSON or CSV (`format=csv`), public like
//! the results, and `PUT /api/v1/analysis/mapping` for scripts that save a mapping.
//!
//! Results under an active embargo are never compared publicly: a comparison that needs
//! them returns 403 `embargo`, and the turnout comparison leaves out its final row.

use super::table::{self, Table};
use super::{ElectionData, Grouping, mapping};
use crate::api::{ApiError, Writer};
use crate::db;
use crate::service::ServiceError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::json;

/// Query of the comparisons of two elections.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PairQuery {
    pub election: Option<String>,
    pub against: Option<String>,
    pub by: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    /// `1` to add one block per group of stations to the votes comparison.
    pub areas: Option<String>,
}

/// Query of a trend across elections.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrendQuery {
    /// Election ids, comma-separated, in the order shown.
    pub elections: Option<String>,
    pub by: Option<String>,
    pub station: Option<String>,
    pub format: Option<String>,
}

fn invalid(field: &str, message: String) -> ServiceError {
    ServiceError::Invalid {
        code: "invalid_query",
        field: Some(field.to_string()),
        message,
    }
}

/// Parses a required election id parameter.
pub fn parse_id(field: &str, text: Option<&str>) -> Result<i64, ServiceError> {
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            invalid(
                field,
                format!("paramètre « {field} » manquant : indiquez le numéro d'une élection"),
            )
        })?;
    text.parse().map_err(|_| {
        invalid(
            field,
            format!(
                "paramètre « {field} » = « {text} » invalide : un numéro d'élection est attendu"
            ),
        )
    })
}

/// Parses the list of election ids of a trend (at least one, at most 20).
pub fn parse_ids(text: Option<&str>) -> Result<Vec<i64>, ServiceError> {
    let text = text.unwrap_or_default();
    let ids: Vec<i64> = text
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| parse_id("elections", Some(t)))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() || ids.len() > 20 {
        return Err(invalid(
            "elections",
            format!(
                "paramètre « elections » = « {text} » invalide : de 1 à 20 numéros d'élection \
                 séparés par des virgules sont attendus, par exemple 3,5,8"
            ),
        ));
    }
    Ok(ids)
}

pub fn parse_grouping(text: Option<&str>) -> Result<Grouping, ServiceError> {
    Grouping::parse(text.unwrap_or("nuance"))
}

fn wants_csv(format: Option<&str>) -> Result<bool, ServiceError> {
    match format.unwrap_or("json") {
        "json" => Ok(false),
        "csv" => Ok(true),
        other => Err(invalid(
            "format",
            format!("format « {other} » inconnu : json ou csv"),
        )),
    }
}

fn load_pair(
    connection: &Connection,
    query: &PairQuery,
) -> Result<(ElectionData, ElectionData), ServiceError> {
    let election = parse_id("election", query.election.as_deref())?;
    let against = parse_id("against", query.against.as_deref())?;
    Ok((
        super::load(connection, election)?,
        super::load(connection, against)?,
    ))
}

/// Returns the first of `ids` under an active embargo, with its end.
fn embargoed(connection: &Connection, ids: &[i64]) -> Result<Option<(i64, String)>, ServiceError> {
    let now = chrono::Utc::now();
    for id in ids {
        if let Some(embargo) = db::display::embargo(connection, *id)?
            && embargo.is_active(now)
        {
            return Ok(Some((*id, db::to_paris(&embargo.until.to_rfc3339()))));
        }
    }
    Ok(None)
}

fn embargo_response(id: i64, until: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        Json(json!({ "error": {
            "code": "embargo",
            "message": format!(
                "les résultats de l'élection {id} sont sous embargo jusqu'à {until} : la \
                 comparaison sera publique à cette heure"
            ),
        }})),
    )
        .into_response()
}

fn csv_response(table: &Table, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        table.to_csv(),
    )
        .into_response()
}

/// Builds the turnout comparison, with the final row left out when `public` and the
/// election's results are under embargo.
pub fn build_turnout(
    connection: &Connection,
    query: &PairQuery,
    public: bool,
) -> Result<super::TurnoutComparison, ServiceError> {
    let (election, against) = load_pair(connection, query)?;
    let mut comparison = super::compare_turnout(&election, &against);
    if public && embargoed(connection, &[election.id, against.id])?.is_some() {
        comparison.rows.retain(|row| row.slot != super::FINAL_SLOT);
    }
    Ok(comparison)
}

pub fn build_stations(
    connection: &Connection,
    query: &PairQuery,
) -> Result<super::StationComparison, ServiceError> {
    let (election, against) = load_pair(connection, query)?;
    let (groups, kind) = mapping::groups(connection, &against, &election)?;
    Ok(super::compare_stations(&election, &against, &groups, kind))
}

pub fn build_votes(
    connection: &Connection,
    query: &PairQuery,
) -> Result<super::VoteComparison, ServiceError> {
    let (election, against) = load_pair(connection, query)?;
    let by = parse_grouping(query.by.as_deref())?;
    let (groups, kind) = mapping::groups(connection, &against, &election)?;
    Ok(super::compare_votes(&election, &against, &groups, kind, by))
}

fn turnout_view(
    connection: &Connection,
    query: &PairQuery,
    public: bool,
) -> Result<(serde_json::Value, Table), ServiceError> {
    let comparison = build_turnout(connection, query, public)?;
    let table = table::turnout_table(&comparison);
    Ok((serde_json::to_value(&comparison).unwrap_or_default(), table))
}

fn stations_view(
    connection: &Connection,
    query: &PairQuery,
) -> Result<(serde_json::Value, Table), ServiceError> {
    let comparison = build_stations(connection, query)?;
    let table = table::stations_table(&comparison);
    Ok((serde_json::to_value(&comparison).unwrap_or_default(), table))
}

fn votes_view(
    connection: &Connection,
    query: &PairQuery,
) -> Result<(serde_json::Value, Table), ServiceError> {
    let comparison = build_votes(connection, query)?;
    let with_areas = query.areas.as_deref() == Some("1");
    let table = table::votes_table(&comparison, with_areas);
    Ok((serde_json::to_value(&comparison).unwrap_or_default(), table))
}

fn trend_view(
    connection: &Connection,
    query: &TrendQuery,
) -> Result<(serde_json::Value, Table), ServiceError> {
    let trend = build_trend(connection, query)?;
    let table = table::trend_table(&trend);
    Ok((serde_json::to_value(&trend).unwrap_or_default(), table))
}

pub fn build_trend(
    connection: &Connection,
    query: &TrendQuery,
) -> Result<super::Trend, ServiceError> {
    let ids = parse_ids(query.elections.as_deref())?;
    let by = parse_grouping(query.by.as_deref())?;
    let elections: Vec<ElectionData> = ids
        .iter()
        .map(|id| super::load(connection, *id))
        .collect::<Result<_, _>>()?;
    let station = query
        .station
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let (Some(code), Some(last)) = (station, elections.last())
        && !last.station_codes().iter().any(|c| c == code)
    {
        return Err(invalid(
            "station",
            format!(
                "bureau « {code} » inconnu dans « {} », la dernière élection de la liste : \
                 indiquez un code de bureau de cette élection",
                last.config.label
            ),
        ));
    }
    super::trend(connection, &elections, by, station)
}

async fn respond(
    state: AppState,
    format: Option<String>,
    name: &'static str,
    ids: Vec<i64>,
    work: impl FnOnce(&Connection) -> Result<(serde_json::Value, Table), ServiceError> + Send + 'static,
) -> Result<Response, ApiError> {
    let csv = wants_csv(format.as_deref())?;
    let outcome = state
        .read(move |connection| {
            if let Some(blocked) = embargoed(connection, &ids)? {
                return Ok(Err(blocked));
            }
            work(connection).map(Ok)
        })
        .await?;
    match outcome {
        Err((id, until)) => Ok(embargo_response(id, &until)),
        Ok((_, table)) if csv => Ok(csv_response(&table, name)),
        Ok((value, _)) => Ok(Json(value).into_response()),
    }
}

fn pair_ids(query: &PairQuery) -> Vec<i64> {
    [&query.election, &query.against]
        .into_iter()
        .filter_map(|text| text.as_deref().and_then(|t| t.trim().parse().ok()))
        .collect()
}

/// `GET /api/v1/analysis/turnout?election=A&against=B`.
pub async fn turnout(
    State(state): State<AppState>,
    Query(query): Query<PairQuery>,
) -> Result<Response, ApiError> {
    let format = query.format.clone();
    respond(state, format, "participation", vec![], move |connection| {
        turnout_view(connection, &query, true)
    })
    .await
}

/// `GET /api/v1/analysis/stations?election=A&against=B`.
pub async fn stations(
    State(state): State<AppState>,
    Query(query): Query<PairQuery>,
) -> Result<Response, ApiError> {
    let format = query.format.clone();
    let ids = pair_ids(&query);
    respond(state, format, "bureaux", ids, move |connection| {
        stations_view(connection, &query)
    })
    .await
}

/// `GET /api/v1/analysis/votes?election=A&against=B&by=nuance`.
pub async fn votes(
    State(state): State<AppState>,
    Query(query): Query<PairQuery>,
) -> Result<Response, ApiError> {
    let format = query.format.clone();
    let ids = pair_ids(&query);
    respond(state, format, "voix", ids, move |connection| {
        votes_view(connection, &query)
    })
    .await
}

/// `GET /api/v1/analysis/trend?elections=A,B,C&by=family`.
pub async fn trend(
    State(state): State<AppState>,
    Query(query): Query<TrendQuery>,
) -> Result<Response, ApiError> {
    let format = query.format.clone();
    let ids = parse_ids(query.elections.as_deref()).unwrap_or_default();
    respond(state, format, "evolution", ids, move |connection| {
        trend_view(connection, &query)
    })
    .await
}

/// Query of the mapping resource.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MappingQuery {
    pub earlier: Option<String>,
    pub later: Option<String>,
}

/// Builds the mapping from `earlier` to `later`: links in use, groups and suggestions.
pub fn mapping_view(
    connection: &Connection,
    query: &MappingQuery,
) -> Result<(ElectionData, ElectionData, serde_json::Value), ServiceError> {
    let earlier = super::load(connection, parse_id("earlier", query.earlier.as_deref())?)?;
    let later = super::load(connection, parse_id("later", query.later.as_deref())?)?;
    let (links, kind) = mapping::links(connection, &earlier, &later)?;
    let groups = urne_common::analysis::group_stations(
        &earlier.station_codes(),
        &later.station_codes(),
        &links,
    );
    let suggestions: Vec<serde_json::Value> = mapping::suggestions(&earlier, &later)
        .into_iter()
        .map(|(from, to, reason)| json!({ "earlier": from, "later": to, "reason": reason }))
        .collect();
    let value = json!({
        "earlier": earlier.reference(),
        "later": later.reference(),
        "mapping": kind,
        "links": links,
        "groups": groups,
        "suggestions": suggestions,
    });
    Ok((earlier, later, value))
}

/// `GET /api/v1/analysis/mapping?earlier=A&later=B`.
pub async fn get_mapping(
    State(state): State<AppState>,
    Query(query): Query<MappingQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let value = state
        .read(move |connection| Ok(mapping_view(connection, &query)?.2))
        .await?;
    Ok(Json(value))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingWrite {
    /// Pairs `[earlier code, later code]`.
    pub links: Vec<(String, String)>,
}

/// `PUT /api/v1/analysis/mapping?earlier=A&later=B` with `{"links": [["0001", "0001"]…]}`.
pub async fn put_mapping(
    State(state): State<AppState>,
    writer: Writer,
    Query(query): Query<MappingQuery>,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let request: MappingWrite =
        serde_json::from_slice(&body).map_err(|error| ServiceError::Invalid {
            code: "invalid_body",
            field: Some("links".to_string()),
            message: format!(
                "corps invalide : {error} ; attendu {{\"links\": [[\"0001\", \"0001\"], …]}}"
            ),
        })?;
    let saved = state
        .write(move |connection| {
            let earlier = super::load(connection, parse_id("earlier", query.earlier.as_deref())?)?;
            let later = super::load(connection, parse_id("later", query.later.as_deref())?)?;
            let saved = mapping::save(connection, &earlier, &later, &request.links, &writer.actor)?;
            Ok((saved, vec![]))
        })
        .await?;
    Ok(Json(json!({ "links": saved })))
}
