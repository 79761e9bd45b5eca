//! Double entry of results sheets, an option of each election.
//!
//! With the option on, a clerk's results sheet is not stored at once. The first entry
//! waits in `pending_entry` until a different clerk keys the same sheet without seeing it.
//! When both agree on every figure, `service::write_final` stores them under the second
//! clerk's login. When they differ, both wait for a supervisor. The supervisor's sheet
//! shows them side by side, and the supervisor keeps one of them or discards both.
//! Supervisors and administrators write directly, and any direct write discards the
//! pending entries of that station.
//!
//! Each step appends an audit record (`final_results.first_entry`, `…entries_differ`,
//! `…entries_resolved`, `…pending_discarded`) and an event of kind `double_entry` whose
//! detail is `first`, `different` or `resolved`, so the board refreshes.

use super::WebState;
use super::auth::Submission;
use super::elections::parse_id;
use super::page_error::PageError;
use crate::db::{self, audit::AuditRecord, events::Event, figures};
use crate::service::{self, FinalWrite, ServiceError};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;
use urne_common::election::{ElectionConfig, StationCode};

/// One entry of a sheet: its figures, author and time (Europe/Paris).
#[derive(Debug, Clone)]
pub struct Entry {
    pub figures: FinalWrite,
    pub by: String,
    pub at: String,
}

/// A station's sheet under double entry.
#[derive(Debug, Clone)]
pub struct Pending {
    pub base_version: u64,
    pub first: Entry,
    /// Set only when the second entry differs from the first.
    pub second: Option<Entry>,
}

/// Outcome of a clerk's sheet under double entry.
pub enum Outcome {
    /// Stored as the first entry, waiting for another clerk.
    First,
    /// Stored as the station's results: both entries agreed, or the write was direct.
    Agreed,
    /// The entries differ: a supervisor chooses.
    Differ,
    /// The service refused the agreed figures; the first entry still waits.
    Refused(ServiceError),
    /// Not accepted, with the French reason.
    Rejected(String),
}

/// Returns whether double entry is on for an election.
pub fn is_enabled(connection: &Connection, election_id: i64) -> rusqlite::Result<bool> {
    connection
        .query_row(
            "SELECT double_entry FROM election_option WHERE election_id = ?1",
            params![election_id],
            |row| row.get(0),
        )
        .optional()
        .map(|found| found.unwrap_or(false))
}

fn entry_from(figures: &str, by: String, at: String) -> rusqlite::Result<Entry> {
    let figures = serde_json::from_str(figures).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(Entry {
        figures,
        by,
        at: db::to_paris(&at),
    })
}

/// Loads the pending entries of an election, by station code, or of one station.
pub fn pending(
    connection: &Connection,
    election_id: i64,
    station: Option<&StationCode>,
) -> rusqlite::Result<BTreeMap<String, Pending>> {
    let mut statement = connection.prepare_cached(
        "SELECT station_code, base_version, first_entry, first_by, first_at, second_entry,
             second_by, second_at
         FROM pending_entry WHERE election_id = ?1 AND (?2 IS NULL OR station_code = ?2)",
    )?;
    let mut rows = statement.query(params![election_id, station.map(StationCode::as_str)])?;
    let mut found = BTreeMap::new();
    while let Some(row) = rows.next()? {
        let second_entry: Option<String> = row.get(5)?;
        let second = match second_entry {
            Some(figures) => Some(entry_from(
                &figures,
                row.get::<_, Option<String>>(6)?.unwrap_or_default(),
                row.get::<_, Option<String>>(7)?.unwrap_or_default(),
            )?),
            None => None,
        };
        let pending = Pending {
            base_version: row.get(1)?,
            first: entry_from(&row.get::<_, String>(2)?, row.get(3)?, row.get(4)?)?,
            second,
        };
        found.insert(row.get(0)?, pending);
    }
    Ok(found)
}

fn to_json(figures: &FinalWrite) -> String {
    serde_json::to_string(figures).unwrap_or_default()
}

fn audit(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
    actor: &str,
    action: &str,
    after: Option<serde_json::Value>,
    reason: Option<&str>,
) -> rusqlite::Result<()> {
    db::audit::append(
        connection,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action,
            target: &format!("bureau {station}"),
            before: None,
            after,
            reason,
        },
    )
    .map(|_| ())
}

fn event(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
    detail: &str,
) -> rusqlite::Result<Event> {
    db::events::append(
        connection,
        Some(election_id),
        "double_entry",
        None,
        Some(station.as_str()),
        Some(detail),
    )
}

/// The figures both entries must agree on, with the defaults the service applies
/// (configured inscrits, ballots found equal to the signatures when absent).
fn comparable(
    figures: &FinalWrite,
    configured: u32,
) -> (u32, u32, Option<u32>, [u32; 3], &BTreeMap<u32, u32>) {
    let ballots_found = figures
        .ballots_found
        .filter(|found| *found != figures.voters);
    (
        figures.registered.unwrap_or(configured),
        figures.voters,
        ballots_found,
        [figures.blank, figures.invalid, figures.valid_votes],
        &figures.votes,
    )
}

/// Lists the French names of the fields where two entries differ.
pub fn differences(first: &FinalWrite, second: &FinalWrite, configured: u32) -> Vec<String> {
    let (a, b) = (
        comparable(first, configured),
        comparable(second, configured),
    );
    let mut names = Vec::new();
    if a.0 != b.0 {
        names.push("inscrits".to_string());
    }
    if a.1 != b.1 {
        names.push("votants".to_string());
    }
    if a.2 != b.2 {
        names.push("bulletins trouvés".to_string());
    }
    for (index, label) in ["blancs", "nuls", "exprimés"].into_iter().enumerate() {
        if a.3[index] != b.3[index] {
            names.push(label.to_string());
        }
    }
    let numbers: std::collections::BTreeSet<&u32> = a.4.keys().chain(b.4.keys()).collect();
    for number in numbers {
        if a.4.get(number) != b.4.get(number) {
            names.push(format!("voix du panneau {number}"));
        }
    }
    names
}

/// Runs a clerk's sheet through double entry, on the writer connection. Returns the
/// outcome and the events to publish.
pub fn submit(
    connection: &mut Connection,
    election_id: i64,
    config: &ElectionConfig,
    station: &StationCode,
    request: &FinalWrite,
    actor: &str,
) -> Result<(Outcome, Vec<Event>), ServiceError> {
    let configured = config.station(station).map_or(0, |s| s.registered);
    let current = figures::final_record(connection, election_id, station)?;
    let current_version = current.as_ref().map_or(0, |r| r.version);
    let pending = pending(connection, election_id, Some(station))?.remove(station.as_str());

    let Some(pending) = pending else {
        if request.base_version != current_version {
            return Ok((
                Outcome::Rejected(format!(
                    "le résultat du bureau {station} a changé depuis votre lecture : rechargez la \
                     feuille, vérifiez-la, puis saisissez à nouveau"
                )),
                vec![],
            ));
        }
        let transaction = db::write_transaction(connection)?;
        transaction.execute(
            "INSERT INTO pending_entry (election_id, station_code, base_version, first_entry,
                 first_by, first_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                election_id,
                station.as_str(),
                current_version,
                to_json(request),
                actor,
                db::now()
            ],
        )?;
        let after = serde_json::to_value(request).ok();
        audit(
            &transaction,
            election_id,
            station,
            actor,
            "final_results.first_entry",
            after,
            None,
        )?;
        let event = event(&transaction, election_id, station, "first")?;
        transaction.commit()?;
        return Ok((Outcome::First, vec![event]));
    };

    if pending.second.is_some() {
        return Ok((
            Outcome::Rejected(format!(
                "les deux saisies du bureau {station} diffèrent : un superviseur doit choisir \
                 l'une d'elles avant toute nouvelle saisie"
            )),
            vec![],
        ));
    }
    if pending.first.by == actor {
        // The first clerk may still fix their own entry before the second one arrives.
        let transaction = db::write_transaction(connection)?;
        transaction.execute(
            "UPDATE pending_entry SET first_entry = ?3, first_at = ?4
             WHERE election_id = ?1 AND station_code = ?2",
            params![election_id, station.as_str(), to_json(request), db::now()],
        )?;
        let after = serde_json::to_value(request).ok();
        audit(
            &transaction,
            election_id,
            station,
            actor,
            "final_results.first_entry",
            after,
            None,
        )?;
        let event = event(&transaction, election_id, station, "first")?;
        transaction.commit()?;
        return Ok((Outcome::First, vec![event]));
    }
    if pending.base_version != current_version {
        return Ok((
            Outcome::Rejected(format!(
                "le résultat du bureau {station} a changé depuis la première saisie : un \
                 superviseur doit effacer la saisie en attente"
            )),
            vec![],
        ));
    }

    if differences(&pending.first.figures, request, configured).is_empty() {
        let mut agreed = request.clone();
        agreed.base_version = current_version;
        if agreed.inconsistency_reason.is_none() {
            agreed.inconsistency_reason = pending.first.figures.inconsistency_reason.clone();
        }
        return match service::write_final(connection, election_id, station.as_str(), &agreed, actor)
        {
            Ok(outcome) => {
                connection.execute(
                    "DELETE FROM pending_entry WHERE election_id = ?1 AND station_code = ?2",
                    params![election_id, station.as_str()],
                )?;
                Ok((Outcome::Agreed, vec![outcome.event]))
            }
            Err(error @ ServiceError::Internal(_)) => Err(error),
            Err(error) => Ok((Outcome::Refused(error), vec![])),
        };
    }

    let transaction = db::write_transaction(connection)?;
    transaction.execute(
        "UPDATE pending_entry SET second_entry = ?3, second_by = ?4, second_at = ?5
         WHERE election_id = ?1 AND station_code = ?2",
        params![
            election_id,
            station.as_str(),
            to_json(request),
            actor,
            db::now()
        ],
    )?;
    let after = serde_json::to_value(request).ok();
    audit(
        &transaction,
        election_id,
        station,
        actor,
        "final_results.entries_differ",
        after,
        None,
    )?;
    let event = event(&transaction, election_id, station, "different")?;
    transaction.commit()?;
    Ok((Outcome::Differ, vec![event]))
}

/// Deletes a station's pending entries after a direct write, recording it in the audit
/// log. Returns the event to publish when there were any.
pub fn discard_after_direct_write(
    connection: &Connection,
    election_id: i64,
    station: &StationCode,
    actor: &str,
) -> rusqlite::Result<Option<Event>> {
    let deleted = connection.execute(
        "DELETE FROM pending_entry WHERE election_id = ?1 AND station_code = ?2",
        params![election_id, station.as_str()],
    )?;
    if deleted == 0 {
        return Ok(None);
    }
    audit(
        connection,
        election_id,
        station,
        actor,
        "final_results.pending_discarded",
        None,
        Some("saisie directe d'un superviseur"),
    )?;
    event(connection, election_id, station, "resolved").map(Some)
}

/// `POST /admin/elections/{id}/double-entry`: turns the option on (`enabled=1`) or off.
pub async fn toggle(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let user = submission.viewer.user().clone();
    if !user.may_supervise() {
        return Err(PageError::Forbidden(format!(
            "la double saisie se règle par un superviseur ou un administrateur : votre rôle est \
             {}",
            user.role.label_fr()
        )));
    }
    let enabled = submission.fields.get("enabled") == Some("1");
    state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            if db::elections::find(&transaction, id)?.is_none() {
                return Err(ServiceError::NotFound(format!("élection {id} introuvable")));
            }
            transaction.execute(
                "INSERT INTO election_option (election_id, double_entry) VALUES (?1, ?2)
                 ON CONFLICT (election_id) DO UPDATE SET double_entry = excluded.double_entry",
                params![id, enabled],
            )?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &user.login,
                    election_id: Some(id),
                    action: "election.double_entry",
                    target: "double saisie",
                    before: None,
                    after: Some(serde_json::json!({ "double_entry": enabled })),
                    reason: None,
                },
            )?;
            transaction.commit()?;
            Ok(((), vec![]))
        })
        .await?;
    Ok(Redirect::to(&format!("/admin/elections?double={id}")).into_response())
}

/// `POST /admin/elections/{id}/stations/{code}/double-entry`: a supervisor keeps the first
/// entry (`choice=first`), the second (`choice=second`), or discards both (`discard`).
pub async fn resolve(
    State(state): State<WebState>,
    Path((id, code)): Path<(String, String)>,
    submission: Submission,
) -> Result<Response, PageError> {
    let election_id = parse_id(&id)?;
    let station = StationCode::parse(&code)
        .map_err(|_| PageError::NotFound(format!("bureau « {code} » inconnu")))?;
    let user = submission.viewer.user().clone();
    if !user.may_supervise() {
        return Err(PageError::Forbidden(format!(
            "seul un superviseur choisit entre deux saisies : votre rôle est {}",
            user.role.label_fr()
        )));
    }
    let choice = submission
        .fields
        .get("choice")
        .unwrap_or_default()
        .to_string();
    let target = station.clone();
    let outcome = state
        .app
        .write(move |connection| {
            let Some(pending) =
                pending(connection, election_id, Some(&target))?.remove(target.as_str())
            else {
                return Ok((
                    Err("aucune saisie en attente pour ce bureau".to_string()),
                    vec![],
                ));
            };
            let kept = match choice.as_str() {
                "first" => Some(pending.first.clone()),
                "second" => pending.second.clone(),
                "discard" => None,
                _ => return Ok((Err("choix inconnu".to_string()), vec![])),
            };
            let mut events = Vec::new();
            let reason = match &kept {
                Some(entry) => {
                    let mut figures = entry.figures.clone();
                    figures.base_version = pending.base_version;
                    match service::write_final(
                        connection,
                        election_id,
                        target.as_str(),
                        &figures,
                        &user.login,
                    ) {
                        Ok(outcome) => events.push(outcome.event),
                        Err(error @ ServiceError::Internal(_)) => return Err(error),
                        Err(error) => return Ok((Err(error.to_string()), vec![])),
                    }
                    format!("saisie de {} retenue", entry.by)
                }
                None => "les deux saisies sont effacées".to_string(),
            };
            let transaction = db::write_transaction(connection)?;
            transaction.execute(
                "DELETE FROM pending_entry WHERE election_id = ?1 AND station_code = ?2",
                params![election_id, target.as_str()],
            )?;
            audit(
                &transaction,
                election_id,
                &target,
                &user.login,
                "final_results.entries_resolved",
                None,
                Some(&reason),
            )?;
            events.push(event(&transaction, election_id, &target, "resolved")?);
            transaction.commit()?;
            Ok((Ok(()), events))
        })
        .await?;
    outcome.map_err(PageError::Conflict)?;
    Ok(Redirect::to(&format!(
        "/admin/elections/{election_id}/stations/{station}/results"
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(blank: u32, votes: &[(u32, u32)]) -> FinalWrite {
        FinalWrite {
            base_version: 0,
            registered: None,
            voters: 100,
            ballots_found: Some(100),
            blank,
            invalid: 0,
            valid_votes: 100 - blank,
            votes: votes.iter().copied().collect(),
            inconsistency_reason: None,
            correction_reason: None,
        }
    }

    #[test]
    fn differences_apply_service_defaults() {
        let mut first = sheet(2, &[(1, 60), (2, 38)]);
        let second = sheet(2, &[(1, 60), (2, 38)]);
        first.registered = Some(120);
        first.ballots_found = None;
        assert!(differences(&first, &second, 120).is_empty());
        assert_eq!(differences(&first, &second, 121), vec!["inscrits"]);
    }

    #[test]
    fn differences_name_fields() {
        let first = sheet(2, &[(1, 60), (2, 38)]);
        let second = sheet(3, &[(1, 59), (2, 38)]);
        assert_eq!(
            differences(&first, &second, 120),
            vec!["blancs", "exprimés", "voix du panneau 1"]
        );
    }
}
