//! Communes, reference polling stations, elections and their copied configuration.

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use urne_common::election::{
    Candidate, Commune, ElectionConfig, ElectionKind, PollingStation, Scope, Sex, StationCode,
};
use urne_common::results::ElectionSummary;

/// Life-cycle state of an election. Figures may be written only while it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionState {
    Preparation,
    Open,
    Closed,
    Archived,
}

impl ElectionState {
    pub fn as_str(self) -> &'static str {
        match self {
            ElectionState::Preparation => "preparation",
            ElectionState::Open => "open",
            ElectionState::Closed => "closed",
            ElectionState::Archived => "archived",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            ElectionState::Preparation => "en préparation",
            ElectionState::Open => "ouverte",
            ElectionState::Closed => "close",
            ElectionState::Archived => "archivée",
        }
    }

    fn parse(text: &str) -> ElectionState {
        match text {
            "preparation" => ElectionState::Preparation,
            "closed" => ElectionState::Closed,
            "archived" => ElectionState::Archived,
            _ => ElectionState::Open,
        }
    }
}

/// An election's row: identity, state and data version, without its stations.
#[derive(Debug, Clone, Serialize)]
pub struct ElectionRow {
    pub summary: ElectionSummary,
    pub state: ElectionState,
    pub data_version: i64,
}

fn invalid_column(index: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, message.into())
}

fn parse_time(index: usize, text: &str) -> rusqlite::Result<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|e| invalid_column(index, format!("heure {text:?} : {e}")))
}

const ELECTION_COLUMNS: &str = "e.id, e.kind, e.date, e.round, e.label, c.name, e.rehearsal, \
     e.state, e.data_version";

fn election_row(row: &Row<'_>) -> rusqlite::Result<ElectionRow> {
    let kind_code: String = row.get(1)?;
    let kind: ElectionKind = kind_code
        .parse()
        .map_err(|e: String| invalid_column(1, e))?;
    let date: String = row.get(2)?;
    let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .map_err(|e| invalid_column(2, e.to_string()))?;
    Ok(ElectionRow {
        summary: ElectionSummary {
            id: row.get(0)?,
            kind,
            kind_label: kind.label_fr().to_string(),
            date,
            round: row.get(3)?,
            label: row.get(4)?,
            commune_name: row.get(5)?,
            rehearsal: row.get(6)?,
        },
        state: ElectionState::parse(&row.get::<_, String>(7)?),
        data_version: row.get(8)?,
    })
}

pub fn list(connection: &Connection) -> rusqlite::Result<Vec<ElectionRow>> {
    let mut statement = connection.prepare(&format!(
        "SELECT {ELECTION_COLUMNS} FROM election e JOIN commune c ON c.insee_code = e.commune
         ORDER BY e.date DESC, e.id"
    ))?;
    let rows = statement.query_map([], election_row)?;
    rows.collect()
}

pub fn find(connection: &Connection, id: i64) -> rusqlite::Result<Option<ElectionRow>> {
    connection
        .prepare_cached(&format!(
            "SELECT {ELECTION_COLUMNS} FROM election e
             JOIN commune c ON c.insee_code = e.commune WHERE e.id = ?1"
        ))?
        .query_row(params![id], election_row)
        .optional()
}

/// Increments the election's data version and returns the new value.
pub fn bump_data_version(connection: &Connection, id: i64) -> rusqlite::Result<i64> {
    connection.query_row(
        "UPDATE election SET data_version = data_version + 1 WHERE id = ?1
         RETURNING data_version",
        params![id],
        |row| row.get(0),
    )
}

pub fn data_version(connection: &Connection, id: i64) -> rusqlite::Result<Option<i64>> {
    connection
        .prepare_cached("SELECT data_version FROM election WHERE id = ?1")?
        .query_row(params![id], |row| row.get(0))
        .optional()
}

/// Stores the commune and its reference stations, replacing the stations' details.
pub fn upsert_reference(connection: &Connection, config: &ElectionConfig) -> rusqlite::Result<()> {
    let commune = &config.commune;
    connection.execute(
        "INSERT INTO commune (insee_code, department_code, name) VALUES (?1, ?2, ?3)
         ON CONFLICT (insee_code) DO UPDATE SET department_code = excluded.department_code,
             name = excluded.name",
        params![commune.insee_code, commune.department_code, commune.name],
    )?;
    let mut statement = connection.prepare_cached(
        "INSERT INTO reference_station
             (commune, code, name, polling_place, canton, constituency, registered)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (commune, code) DO UPDATE SET name = excluded.name,
             polling_place = excluded.polling_place, canton = excluded.canton,
             constituency = excluded.constituency, registered = excluded.registered",
    )?;
    for station in &config.stations {
        statement.execute(params![
            commune.insee_code,
            station.code.as_str(),
            station.name,
            station.polling_place,
            station.canton,
            station.constituency,
            station.registered,
        ])?;
    }
    Ok(())
}

fn station_row(row: &Row<'_>) -> rusqlite::Result<PollingStation> {
    let code: String = row.get(0)?;
    Ok(PollingStation {
        code: StationCode::parse(&code).map_err(|e| invalid_column(0, e))?,
        name: row.get(1)?,
        polling_place: row.get(2)?,
        canton: row.get(3)?,
        constituency: row.get(4)?,
        registered: row.get(5)?,
    })
}

/// Inserts an election with a copy of its stations and candidates, returning its id.
pub fn insert(
    connection: &Connection,
    config: &ElectionConfig,
    state: ElectionState,
) -> rusqlite::Result<i64> {
    let (scope_kind, scope_code) = match &config.scope {
        Scope::Commune => ("commune", None),
        Scope::Constituency(code) => ("constituency", Some(code.as_str())),
        Scope::Canton(code) => ("canton", Some(code.as_str())),
    };
    let slots: Vec<String> = config
        .turnout_slots
        .iter()
        .map(|slot| slot.format("%H:%M").to_string())
        .collect();
    connection.execute(
        "INSERT INTO election (commune, kind, date, round, scope_kind, scope_code, label,
             opening, closing, turnout_slots, rehearsal, state, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            config.commune.insee_code,
            config.kind.ministry_code(),
            config.date.format("%Y-%m-%d").to_string(),
            config.round,
            scope_kind,
            scope_code,
            config.label,
            config.opening.format("%H:%M").to_string(),
            config.closing.format("%H:%M").to_string(),
            serde_json::to_string(&slots).unwrap_or_default(),
            config.rehearsal,
            state.as_str(),
            super::now(),
        ],
    )?;
    let id = connection.last_insert_rowid();

    let mut statement = connection.prepare_cached(
        "INSERT INTO election_station
             (election_id, code, name, polling_place, canton, constituency, registered)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for station in &config.stations {
        statement.execute(params![
            id,
            station.code.as_str(),
            station.name,
            station.polling_place,
            station.canton,
            station.constituency,
            station.registered,
        ])?;
    }
    let mut statement = connection.prepare_cached(
        "INSERT INTO election_candidate (election_id, ballot_number, surname, first_name, sex,
             nuance, nuance_label, list_label, colour)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for candidate in &config.candidates {
        statement.execute(params![
            id,
            candidate.ballot_number,
            candidate.surname,
            candidate.first_name,
            candidate.sex.map(|sex| match sex {
                Sex::Female => "F",
                Sex::Male => "M",
            }),
            candidate.nuance,
            candidate.nuance_label,
            candidate.list_label,
            candidate.colour,
        ])?;
    }
    Ok(id)
}

/// Loads an election's configuration as it was copied at creation.
pub fn config(connection: &Connection, id: i64) -> rusqlite::Result<Option<ElectionConfig>> {
    let head = connection
        .prepare_cached(
            "SELECT e.kind, e.date, e.round, e.scope_kind, e.scope_code, e.label, e.opening,
                 e.closing, e.turnout_slots, e.rehearsal, c.insee_code, c.department_code,
                 c.name
             FROM election e JOIN commune c ON c.insee_code = e.commune WHERE e.id = ?1",
        )?
        .query_row(params![id], |row| {
            let kind: String = row.get(0)?;
            let date: String = row.get(1)?;
            let scope_kind: String = row.get(3)?;
            let scope_code: Option<String> = row.get(4)?;
            let slots: String = row.get(8)?;
            let slots: Vec<String> =
                serde_json::from_str(&slots).map_err(|e| invalid_column(8, e.to_string()))?;
            Ok(ElectionConfig {
                kind: kind.parse().map_err(|e: String| invalid_column(0, e))?,
                date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map_err(|e| invalid_column(1, e.to_string()))?,
                round: row.get(2)?,
                scope: match (scope_kind.as_str(), scope_code) {
                    ("constituency", Some(code)) => Scope::Constituency(code),
                    ("canton", Some(code)) => Scope::Canton(code),
                    _ => Scope::Commune,
                },
                label: row.get(5)?,
                opening: parse_time(6, &row.get::<_, String>(6)?)?,
                closing: parse_time(7, &row.get::<_, String>(7)?)?,
                turnout_slots: slots
                    .iter()
                    .map(|slot| parse_time(8, slot))
                    .collect::<rusqlite::Result<_>>()?,
                rehearsal: row.get(9)?,
                commune: Commune {
                    insee_code: row.get(10)?,
                    department_code: row.get(11)?,
                    name: row.get(12)?,
                },
                stations: Vec::new(),
                candidates: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut config) = head else {
        return Ok(None);
    };

    let mut statement = connection.prepare_cached(
        "SELECT code, name, polling_place, canton, constituency, registered
         FROM election_station WHERE election_id = ?1 ORDER BY code",
    )?;
    config.stations = statement
        .query_map(params![id], station_row)?
        .collect::<rusqlite::Result<_>>()?;

    let mut statement = connection.prepare_cached(
        "SELECT ballot_number, surname, first_name, sex, nuance, nuance_label, list_label, colour
         FROM election_candidate WHERE election_id = ?1 ORDER BY ballot_number",
    )?;
    config.candidates = statement
        .query_map(params![id], |row| {
            Ok(Candidate {
                ballot_number: row.get(0)?,
                surname: row.get(1)?,
                first_name: row.get(2)?,
                sex: row
                    .get::<_, Option<String>>(3)?
                    .as_deref()
                    .and_then(Sex::parse),
                nuance: row.get(4)?,
                nuance_label: row.get(5)?,
                list_label: row.get(6)?,
                colour: row.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(config))
}
