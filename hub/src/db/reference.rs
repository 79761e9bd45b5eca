//! Reference configuration that elections are created from: the commune and its mayor,
//! cantons, constituencies, polling stations, parties and nuances, candidates and lists,
//! and the default turnout slots. Elections copy these rows when they are created
//! (see [`super::elections::insert`]), so editing them never changes an existing election.
//!
//! These functions only read and write rows. Input checks, the audit record and the
//! transaction belong to the caller.

use chrono::NaiveTime;
use rusqlite::{Connection, OptionalExtension, Row, params};
use urne_common::election::{PollingStation, Sex, StationCode};

/// The commune the hub runs for, with its mayor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceCommune {
    pub insee_code: String,
    pub department_code: String,
    pub name: String,
    pub mayor: Option<String>,
}

/// Returns the commune the configuration pages manage: the one marked as reference, else
/// the one with the most reference stations (databases filled by `urne-hub import` before
/// the mark existed), else `None`.
pub fn commune(connection: &Connection) -> rusqlite::Result<Option<ReferenceCommune>> {
    connection
        .query_row(
            "SELECT c.insee_code, c.department_code, c.name, c.mayor FROM commune c
             ORDER BY c.is_reference DESC,
                 (SELECT COUNT(*) FROM reference_station s WHERE s.commune = c.insee_code) DESC,
                 c.insee_code
             LIMIT 1",
            [],
            |row| {
                Ok(ReferenceCommune {
                    insee_code: row.get(0)?,
                    department_code: row.get(1)?,
                    name: row.get(2)?,
                    mayor: row.get(3)?,
                })
            },
        )
        .optional()
}

/// Stores the commune and marks it as the reference one.
pub fn upsert_commune(connection: &Connection, commune: &ReferenceCommune) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO commune (insee_code, department_code, name, mayor) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (insee_code) DO UPDATE SET department_code = excluded.department_code,
             name = excluded.name, mayor = excluded.mayor",
        params![
            commune.insee_code,
            commune.department_code,
            commune.name,
            commune.mayor
        ],
    )?;
    mark_reference_commune(connection, &commune.insee_code)
}

/// Marks `insee_code` as the reference commune and clears the mark elsewhere.
pub fn mark_reference_commune(connection: &Connection, insee_code: &str) -> rusqlite::Result<()> {
    connection.execute(
        "UPDATE commune SET is_reference = (insee_code = ?1)",
        params![insee_code],
    )?;
    Ok(())
}

/// Counts the reference stations and the elections that refer to a commune.
pub fn commune_usage(connection: &Connection, insee_code: &str) -> rusqlite::Result<(i64, i64)> {
    connection.query_row(
        "SELECT (SELECT COUNT(*) FROM reference_station WHERE commune = ?1),
                (SELECT COUNT(*) FROM election WHERE commune = ?1)",
        params![insee_code],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// Deletes a commune that no station or election refers to.
pub fn delete_commune(connection: &Connection, insee_code: &str) -> rusqlite::Result<()> {
    connection.execute(
        "DELETE FROM commune WHERE insee_code = ?1",
        params![insee_code],
    )?;
    Ok(())
}

/// Kind of area a polling station belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaKind {
    Canton,
    Constituency,
}

impl AreaKind {
    fn table(self) -> &'static str {
        match self {
            AreaKind::Canton => "reference_canton",
            AreaKind::Constituency => "reference_constituency",
        }
    }

    /// Column of `reference_station` that contains this kind of area.
    fn station_column(self) -> &'static str {
        match self {
            AreaKind::Canton => "canton",
            AreaKind::Constituency => "constituency",
        }
    }
}

/// A canton or a constituency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub code: String,
    pub name: String,
}

pub fn areas(connection: &Connection, kind: AreaKind) -> rusqlite::Result<Vec<Area>> {
    let mut statement = connection.prepare(&format!(
        "SELECT code, name FROM {} ORDER BY code",
        kind.table()
    ))?;
    let rows = statement.query_map([], |row| {
        Ok(Area {
            code: row.get(0)?,
            name: row.get(1)?,
        })
    })?;
    rows.collect()
}

pub fn find_area(
    connection: &Connection,
    kind: AreaKind,
    code: &str,
) -> rusqlite::Result<Option<Area>> {
    connection
        .query_row(
            &format!("SELECT code, name FROM {} WHERE code = ?1", kind.table()),
            params![code],
            |row| {
                Ok(Area {
                    code: row.get(0)?,
                    name: row.get(1)?,
                })
            },
        )
        .optional()
}

/// Inserts an area, or renames it when its code exists.
pub fn upsert_area(connection: &Connection, kind: AreaKind, area: &Area) -> rusqlite::Result<()> {
    connection.execute(
        &format!(
            "INSERT INTO {} (code, name) VALUES (?1, ?2)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            kind.table()
        ),
        params![area.code, area.name],
    )?;
    Ok(())
}

/// Inserts an area unless its code exists; returns whether it was inserted.
pub fn insert_area_if_missing(
    connection: &Connection,
    kind: AreaKind,
    area: &Area,
) -> rusqlite::Result<bool> {
    let inserted = connection.execute(
        &format!(
            "INSERT INTO {} (code, name) VALUES (?1, ?2) ON CONFLICT (code) DO NOTHING",
            kind.table()
        ),
        params![area.code, area.name],
    )?;
    Ok(inserted > 0)
}

pub fn delete_area(connection: &Connection, kind: AreaKind, code: &str) -> rusqlite::Result<()> {
    connection.execute(
        &format!("DELETE FROM {} WHERE code = ?1", kind.table()),
        params![code],
    )?;
    Ok(())
}

/// Lists the codes of the reference stations inside an area.
pub fn area_stations(
    connection: &Connection,
    kind: AreaKind,
    code: &str,
) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare(&format!(
        "SELECT code FROM reference_station WHERE {} = ?1 ORDER BY code",
        kind.station_column()
    ))?;
    let rows = statement.query_map(params![code], |row| row.get(0))?;
    rows.collect()
}

fn station_row(row: &Row<'_>) -> rusqlite::Result<PollingStation> {
    let code: String = row.get(0)?;
    Ok(PollingStation {
        code: StationCode::parse(&code).map_err(|message| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                message.into(),
            )
        })?,
        name: row.get(1)?,
        polling_place: row.get(2)?,
        canton: row.get(3)?,
        constituency: row.get(4)?,
        registered: row.get(5)?,
    })
}

/// Lists a commune's reference stations in code order.
pub fn stations(connection: &Connection, commune: &str) -> rusqlite::Result<Vec<PollingStation>> {
    let mut statement = connection.prepare(
        "SELECT code, name, polling_place, canton, constituency, registered
         FROM reference_station WHERE commune = ?1 ORDER BY code",
    )?;
    let rows = statement.query_map(params![commune], station_row)?;
    rows.collect()
}

pub fn find_station(
    connection: &Connection,
    commune: &str,
    code: &StationCode,
) -> rusqlite::Result<Option<PollingStation>> {
    connection
        .query_row(
            "SELECT code, name, polling_place, canton, constituency, registered
             FROM reference_station WHERE commune = ?1 AND code = ?2",
            params![commune, code.as_str()],
            station_row,
        )
        .optional()
}

/// Inserts a station, or replaces the details of the station with the same code.
pub fn upsert_station(
    connection: &Connection,
    commune: &str,
    station: &PollingStation,
) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO reference_station
             (commune, code, name, polling_place, canton, constituency, registered)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (commune, code) DO UPDATE SET name = excluded.name,
             polling_place = excluded.polling_place, canton = excluded.canton,
             constituency = excluded.constituency, registered = excluded.registered",
        params![
            commune,
            station.code.as_str(),
            station.name,
            station.polling_place,
            station.canton,
            station.constituency,
            station.registered,
        ],
    )?;
    Ok(())
}

pub fn delete_station(
    connection: &Connection,
    commune: &str,
    code: &StationCode,
) -> rusqlite::Result<()> {
    connection.execute(
        "DELETE FROM reference_station WHERE commune = ?1 AND code = ?2",
        params![commune, code.as_str()],
    )?;
    Ok(())
}

/// Lists the labels of the commune's elections that have a station with this code.
pub fn elections_with_station(
    connection: &Connection,
    commune: &str,
    code: &StationCode,
) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare(
        "SELECT e.label FROM election e
         JOIN election_station s ON s.election_id = e.id
         WHERE e.commune = ?1 AND s.code = ?2 ORDER BY e.date, e.id",
    )?;
    let rows = statement.query_map(params![commune, code.as_str()], |row| row.get(0))?;
    rows.collect()
}

/// A party or nuance with its display colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub code: String,
    pub label: String,
    /// `#rrggbb`.
    pub colour: Option<String>,
}

fn party_row(row: &Row<'_>) -> rusqlite::Result<Party> {
    Ok(Party {
        code: row.get(0)?,
        label: row.get(1)?,
        colour: row.get(2)?,
    })
}

pub fn parties(connection: &Connection) -> rusqlite::Result<Vec<Party>> {
    let mut statement =
        connection.prepare("SELECT code, label, colour FROM reference_party ORDER BY code")?;
    let rows = statement.query_map([], party_row)?;
    rows.collect()
}

pub fn find_party(connection: &Connection, code: &str) -> rusqlite::Result<Option<Party>> {
    connection
        .query_row(
            "SELECT code, label, colour FROM reference_party WHERE code = ?1",
            params![code],
            party_row,
        )
        .optional()
}

/// Inserts a party, or replaces the label and colour of the party with the same code.
pub fn upsert_party(connection: &Connection, party: &Party) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO reference_party (code, label, colour) VALUES (?1, ?2, ?3)
         ON CONFLICT (code) DO UPDATE SET label = excluded.label, colour = excluded.colour",
        params![party.code, party.label, party.colour],
    )?;
    Ok(())
}

/// Inserts a party unless its code exists; returns whether it was inserted.
pub fn insert_party_if_missing(connection: &Connection, party: &Party) -> rusqlite::Result<bool> {
    let inserted = connection.execute(
        "INSERT INTO reference_party (code, label, colour) VALUES (?1, ?2, ?3)
         ON CONFLICT (code) DO NOTHING",
        params![party.code, party.label, party.colour],
    )?;
    Ok(inserted > 0)
}

pub fn delete_party(connection: &Connection, code: &str) -> rusqlite::Result<()> {
    connection.execute("DELETE FROM reference_party WHERE code = ?1", params![code])?;
    Ok(())
}

/// Counts the reference candidates labelled with a nuance.
pub fn party_usage(connection: &Connection, code: &str) -> rusqlite::Result<i64> {
    connection.query_row(
        "SELECT COUNT(*) FROM reference_candidate WHERE nuance = ?1",
        params![code],
        |row| row.get(0),
    )
}

/// A candidate or list of the reference configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceCandidate {
    /// Row id; 0 for a candidate not stored yet.
    pub id: i64,
    /// Surname of the candidate, or of the list head for a list ballot.
    pub surname: String,
    pub first_name: String,
    pub sex: Option<Sex>,
    /// Code of a [`Party`].
    pub nuance: Option<String>,
    pub list_label: Option<String>,
    /// `#rrggbb`; the nuance's colour applies when absent.
    pub colour: Option<String>,
    /// Ballot number proposed when an election is created.
    pub ballot_number: Option<u32>,
}

fn sex_code(sex: Option<Sex>) -> Option<&'static str> {
    sex.map(|sex| match sex {
        Sex::Female => "F",
        Sex::Male => "M",
    })
}

fn candidate_row(row: &Row<'_>) -> rusqlite::Result<ReferenceCandidate> {
    Ok(ReferenceCandidate {
        id: row.get(0)?,
        surname: row.get(1)?,
        first_name: row.get(2)?,
        sex: row
            .get::<_, Option<String>>(3)?
            .as_deref()
            .and_then(Sex::parse),
        nuance: row.get(4)?,
        list_label: row.get(5)?,
        colour: row.get(6)?,
        ballot_number: row.get(7)?,
    })
}

const CANDIDATE_COLUMNS: &str =
    "id, surname, first_name, sex, nuance, list_label, colour, ballot_number";

/// Lists the reference candidates, those with a proposed ballot number first in its order.
pub fn candidates(connection: &Connection) -> rusqlite::Result<Vec<ReferenceCandidate>> {
    let mut statement = connection.prepare(&format!(
        "SELECT {CANDIDATE_COLUMNS} FROM reference_candidate
         ORDER BY ballot_number IS NULL, ballot_number, surname, first_name, id"
    ))?;
    let rows = statement.query_map([], candidate_row)?;
    rows.collect()
}

pub fn find_candidate(
    connection: &Connection,
    id: i64,
) -> rusqlite::Result<Option<ReferenceCandidate>> {
    connection
        .query_row(
            &format!("SELECT {CANDIDATE_COLUMNS} FROM reference_candidate WHERE id = ?1"),
            params![id],
            candidate_row,
        )
        .optional()
}

/// Inserts a candidate and returns its id; `candidate.id` is ignored.
pub fn insert_candidate(
    connection: &Connection,
    candidate: &ReferenceCandidate,
) -> rusqlite::Result<i64> {
    connection.execute(
        "INSERT INTO reference_candidate
             (surname, first_name, sex, nuance, list_label, colour, ballot_number)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            candidate.surname,
            candidate.first_name,
            sex_code(candidate.sex),
            candidate.nuance,
            candidate.list_label,
            candidate.colour,
            candidate.ballot_number,
        ],
    )?;
    Ok(connection.last_insert_rowid())
}

/// Replaces every detail of the candidate with `candidate.id`.
pub fn update_candidate(
    connection: &Connection,
    candidate: &ReferenceCandidate,
) -> rusqlite::Result<()> {
    connection.execute(
        "UPDATE reference_candidate SET surname = ?2, first_name = ?3, sex = ?4, nuance = ?5,
             list_label = ?6, colour = ?7, ballot_number = ?8
         WHERE id = ?1",
        params![
            candidate.id,
            candidate.surname,
            candidate.first_name,
            sex_code(candidate.sex),
            candidate.nuance,
            candidate.list_label,
            candidate.colour,
            candidate.ballot_number,
        ],
    )?;
    Ok(())
}

pub fn delete_candidate(connection: &Connection, id: i64) -> rusqlite::Result<()> {
    connection.execute("DELETE FROM reference_candidate WHERE id = ?1", params![id])?;
    Ok(())
}

/// Returns the default turnout slots in increasing order.
pub fn turnout_slots(connection: &Connection) -> rusqlite::Result<Vec<NaiveTime>> {
    let mut statement =
        connection.prepare("SELECT slot FROM reference_turnout_slot ORDER BY slot")?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut slots = Vec::new();
    for text in rows {
        let text = text?;
        let slot = NaiveTime::parse_from_str(&text, "%H:%M").map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("tranche horaire {text:?} : {error}").into(),
            )
        })?;
        slots.push(slot);
    }
    Ok(slots)
}

/// Replaces the default turnout slots.
pub fn replace_turnout_slots(connection: &Connection, slots: &[NaiveTime]) -> rusqlite::Result<()> {
    connection.execute("DELETE FROM reference_turnout_slot", [])?;
    let mut statement =
        connection.prepare("INSERT INTO reference_turnout_slot (slot) VALUES (?1)")?;
    for slot in slots {
        statement.execute(params![slot.format("%H:%M").to_string()])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> (tempfile::TempDir, Connection) {
        let directory = tempfile::tempdir().unwrap();
        let connection = super::super::open(&directory.path().join("urne.sqlite")).unwrap();
        (directory, connection)
    }

    #[test]
    fn default_slots_are_noon_and_five() {
        let (_directory, connection) = database();
        let slots: Vec<String> = turnout_slots(&connection)
            .unwrap()
            .iter()
            .map(|slot| slot.format("%H:%M").to_string())
            .collect();
        assert_eq!(slots, ["12:00", "17:00"]);
    }

    #[test]
    fn reference_commune_is_the_marked_one() {
        let (_directory, connection) = database();
        assert_eq!(commune(&connection).unwrap(), None);
        for (code, name) in [("29061", "Gouesnou"), ("93010", "Bondy")] {
            upsert_commune(
                &connection,
                &ReferenceCommune {
                    insee_code: code.to_string(),
                    department_code: code[..2].to_string(),
                    name: name.to_string(),
                    mayor: None,
                },
            )
            .unwrap();
        }
        assert_eq!(commune(&connection).unwrap().unwrap().name, "Bondy");
        mark_reference_commune(&connection, "29061").unwrap();
        assert_eq!(commune(&connection).unwrap().unwrap().name, "Gouesnou");
    }
}
