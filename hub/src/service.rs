//! Operations that span tables: every write checks the rules, compares the version it was
//! based on, stores the figures, appends the audit record and the event, all in one
//! transaction. Clerks' HTTP writes, the command line and the demo replay all go through
//! these functions.

use crate::db::{self, audit::AuditRecord, elections::ElectionState, events::Event, figures};
use crate::import::ImportedElection;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use urne_common::count::{FinalCount, Hundred, HundredCount, StationStatus};
use urne_common::election::{ElectionConfig, StationCode};
use urne_common::results::{HundredEntry, StationRecord, TurnoutEntry, slot_label};
use urne_common::rules::{self, FinalContext, Finding, has_errors};

/// Reason a request was not carried out. Every variant leaves the database unchanged.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    NotFound(String),
    /// Input that cannot be stored as it is; `code` is stable for clients.
    #[error("{message}")]
    Invalid {
        code: &'static str,
        field: Option<String>,
        message: String,
    },
    /// Figures that break consistency rules, sent without a reason recorded.
    #[error("{message}")]
    Inconsistent {
        message: String,
        findings: Vec<Finding>,
    },
    /// The write was based on a version that is no longer current.
    #[error("{message}")]
    Stale {
        message: String,
        current_version: u64,
        current: serde_json::Value,
    },
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<rusqlite::Error> for ServiceError {
    fn from(error: rusqlite::Error) -> Self {
        if let Some(message) = crate::archive::frozen_message(&error) {
            return ServiceError::Conflict(message);
        }
        ServiceError::Internal(error.into())
    }
}

pub(crate) fn invalid(code: &'static str, field: &str, message: String) -> ServiceError {
    ServiceError::Invalid {
        code,
        field: Some(field.to_string()),
        message,
    }
}

/// Result of an accepted write.
#[derive(Debug, Clone, Serialize)]
pub struct WriteOutcome {
    /// New version of the record written.
    pub version: u64,
    pub status: Option<StationStatus>,
    /// Warnings, and errors overridden with a reason.
    pub findings: Vec<Finding>,
    pub data_version: i64,
    #[serde(skip)]
    pub event: Event,
}

/// Final results sent by a clerk.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FinalWrite {
    /// Version of the record the clerk started from; 0 when the station had none.
    pub base_version: u64,
    /// Inscrits on the record; the configured figure when absent.
    pub registered: Option<u32>,
    pub voters: u32,
    pub ballots_found: Option<u32>,
    pub blank: u32,
    pub invalid: u32,
    pub valid_votes: u32,
    pub votes: BTreeMap<u32, u32>,
    /// Reason the official record itself is inconsistent, required to store figures that
    /// break rules.
    pub inconsistency_reason: Option<String>,
    /// Reason validated figures are changed, required to correct a validated station.
    pub correction_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TurnoutWrite {
    pub base_version: u64,
    pub voters: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HundredWrite {
    pub base_version: u64,
    pub blank: u32,
    pub invalid: u32,
    pub votes: BTreeMap<u32, u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValidationWrite {
    pub base_version: u64,
}

/// Loads an election's configuration and checks that figures may be written to it.
pub(crate) fn open_election(
    connection: &Connection,
    election_id: i64,
) -> Result<ElectionConfig, ServiceError> {
    let row = db::elections::find(connection, election_id)?.ok_or_else(|| {
        ServiceError::NotFound(format!(
            "élection {election_id} introuvable : consultez /api/v1/elections"
        ))
    })?;
    if row.state != ElectionState::Open {
        return Err(ServiceError::Conflict(format!(
            "l'élection {election_id} est {} : la saisie n'est possible que sur une élection \
             ouverte",
            row.state.label_fr()
        )));
    }
    db::elections::config(connection, election_id)?
        .ok_or_else(|| ServiceError::NotFound(format!("élection {election_id} introuvable")))
}

fn station_of(config: &ElectionConfig, code: &str) -> Result<StationCode, ServiceError> {
    let station = StationCode::parse(code)
        .map_err(|message| invalid("invalid_station", "station", message))?;
    if config.station(&station).is_none() {
        return Err(ServiceError::NotFound(format!(
            "bureau « {code} » inconnu dans cette élection : vérifiez le code du bureau"
        )));
    }
    Ok(station)
}

pub(crate) fn check_base_version(
    base_version: u64,
    current_version: u64,
    current: serde_json::Value,
    what: &str,
) -> Result<(), ServiceError> {
    if base_version == current_version {
        return Ok(());
    }
    Err(ServiceError::Stale {
        message: format!(
            "{what} a changé depuis votre lecture (version {base_version}, version actuelle \
             {current_version}) : rechargez les chiffres actuels, vérifiez-les, puis \
             renvoyez votre saisie avec base_version = {current_version}"
        ),
        current_version,
        current,
    })
}

fn slot_of(config: &ElectionConfig, text: &str) -> Result<String, ServiceError> {
    let normalised = text.trim().replace(['h', 'H'], ":");
    let parsed = chrono::NaiveTime::parse_from_str(&normalised, "%H:%M")
        .or_else(|_| chrono::NaiveTime::parse_from_str(&normalised, "%H%M"));
    let known: Vec<String> = config
        .turnout_slots
        .iter()
        .map(|s| slot_label(*s))
        .collect();
    match parsed {
        Ok(time) if config.turnout_slots.contains(&time) => Ok(slot_label(time)),
        _ => Err(invalid(
            "unknown_slot",
            "slot",
            format!(
                "tranche horaire « {text} » inconnue pour cette élection : tranches \
                 configurées {}",
                known.join(", ")
            ),
        )),
    }
}

fn max_turnout(entries: &BTreeMap<String, TurnoutEntry>) -> Option<(u32, String)> {
    entries
        .iter()
        .map(|(slot, entry)| (entry.voters, slot.clone()))
        .max()
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Finishes a write: bumps the election's data version, appends the event.
fn record_change(
    transaction: &Connection,
    election_id: i64,
    kind: &str,
    station: &StationCode,
    detail: Option<&str>,
) -> Result<(i64, Event), ServiceError> {
    let data_version = db::elections::bump_data_version(transaction, election_id)?;
    let event = db::events::append(
        transaction,
        Some(election_id),
        kind,
        Some(data_version),
        Some(station.as_str()),
        detail,
    )?;
    Ok((data_version, event))
}

/// Stores a station's final results.
pub fn write_final(
    connection: &mut Connection,
    election_id: i64,
    station: &str,
    request: &FinalWrite,
    actor: &str,
) -> Result<WriteOutcome, ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let config = open_election(&transaction, election_id)?;
    let station = station_of(&config, station)?;
    let configured = config.station(&station).map_or(0, |s| s.registered);

    let current = figures::final_record(&transaction, election_id, &station)?;
    let current_version = current.as_ref().map_or(0, |r| r.version);
    check_base_version(
        request.base_version,
        current_version,
        to_json(&current),
        &format!("le résultat du bureau {station}"),
    )?;
    let correction_reason = request
        .correction_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if current.as_ref().map(|r| r.status) == Some(StationStatus::Validated)
        && correction_reason.is_none()
    {
        return Err(invalid(
            "correction_reason_required",
            "correction_reason",
            format!(
                "le bureau {station} est déjà validé : indiquez le motif de la correction dans \
                 correction_reason"
            ),
        ));
    }

    let count = FinalCount {
        registered: request.registered.unwrap_or(configured),
        voters: request.voters,
        ballots_found: request
            .ballots_found
            .filter(|found| *found != request.voters),
        blank: request.blank,
        invalid: request.invalid,
        valid_votes: request.valid_votes,
        votes: request.votes.clone(),
    };
    let turnout = figures::station_turnout(&transaction, election_id, &station)?;
    let max_turnout = max_turnout(&turnout);
    let first = figures::hundred(&transaction, election_id, &station, Hundred::First)?;
    let second = figures::hundred(&transaction, election_id, &station, Hundred::Second)?;
    let ballot_numbers: Vec<u32> = config.candidates.iter().map(|c| c.ballot_number).collect();
    let findings = rules::check_final(
        &count,
        &FinalContext {
            configured_registered: configured,
            ballot_numbers: &ballot_numbers,
            max_turnout: max_turnout.as_ref().map(|(v, s)| (*v, s.as_str())),
            first_hundred: first.as_ref().map(|e| &e.count),
            second_hundred: second.as_ref().map(|e| &e.count),
        },
    );
    let reason = request
        .inconsistency_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let status = reject_or_status(&findings, reason, &station)?;
    let seats_before = crate::seats::allocations_now(&transaction, election_id)?;

    let record = StationRecord {
        status,
        count,
        findings: findings.clone(),
        inconsistency_reason: reason.map(str::to_string),
        version: current_version + 1,
        updated_at: String::new(),
        updated_by: actor.to_string(),
    };
    figures::write_final(&transaction, election_id, &station, &record)?;
    let target = format!("bureau {station}");
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action: "final_results.write",
            target: &target,
            before: current.as_ref().map(|r| to_json(&r.count)),
            after: Some(to_json(&record.count)),
            reason: correction_reason.or(reason),
        },
    )?;
    crate::seats::record_seat_changes(&transaction, election_id, seats_before, actor)?;
    let (data_version, event) =
        record_change(&transaction, election_id, "final_results", &station, None)?;
    transaction.commit()?;
    Ok(WriteOutcome {
        version: record.version,
        status: Some(status),
        findings,
        data_version,
        event,
    })
}

/// Decides the status of figures from their findings, or rejects them.
fn reject_or_status(
    findings: &[Finding],
    reason: Option<&str>,
    station: &StationCode,
) -> Result<StationStatus, ServiceError> {
    let errors: Vec<&Finding> = findings.iter().filter(|f| f.is_error()).collect();
    if errors.is_empty() {
        return Ok(StationStatus::Entered);
    }
    let blocking = errors.iter().any(|f| !f.code.may_be_overridden());
    if reason.is_some() && !blocking {
        return Ok(StationStatus::Inconsistent);
    }
    let list: Vec<String> = errors.iter().map(|f| f.message.clone()).collect();
    let hint = if blocking {
        "corrigez la saisie"
    } else {
        "corrigez la saisie, ou, si le procès-verbal lui-même est incohérent, indiquez-le dans \
         inconsistency_reason"
    };
    Err(ServiceError::Inconsistent {
        message: format!(
            "résultats du bureau {station} refusés : {} ; {hint}",
            list.join(" ; ")
        ),
        findings: findings.to_vec(),
    })
}

/// Marks a station's final results as validated by a supervisor.
pub fn validate_station(
    connection: &mut Connection,
    election_id: i64,
    station: &str,
    request: &ValidationWrite,
    actor: &str,
) -> Result<WriteOutcome, ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let config = open_election(&transaction, election_id)?;
    let station = station_of(&config, station)?;
    let Some(current) = figures::final_record(&transaction, election_id, &station)? else {
        return Err(ServiceError::Conflict(format!(
            "le bureau {station} n'a pas encore de résultats : rien à valider"
        )));
    };
    check_base_version(
        request.base_version,
        current.version,
        to_json(&current),
        &format!("le résultat du bureau {station}"),
    )?;
    if current.status == StationStatus::Validated {
        return Err(ServiceError::Conflict(format!(
            "le bureau {station} est déjà validé"
        )));
    }
    let version = current.version + 1;
    figures::set_final_status(
        &transaction,
        election_id,
        &station,
        StationStatus::Validated,
        version,
        actor,
    )?;
    let target = format!("bureau {station}");
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action: "final_results.validate",
            target: &target,
            before: Some(serde_json::json!({ "status": current.status })),
            after: Some(serde_json::json!({ "status": StationStatus::Validated })),
            reason: None,
        },
    )?;
    let (data_version, event) =
        record_change(&transaction, election_id, "validation", &station, None)?;
    transaction.commit()?;
    Ok(WriteOutcome {
        version,
        status: Some(StationStatus::Validated),
        findings: current.findings,
        data_version,
        event,
    })
}

/// Stores one turnout figure of a station.
pub fn write_turnout(
    connection: &mut Connection,
    election_id: i64,
    station: &str,
    slot: &str,
    request: &TurnoutWrite,
    actor: &str,
) -> Result<WriteOutcome, ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let config = open_election(&transaction, election_id)?;
    let station = station_of(&config, station)?;
    let slot = slot_of(&config, slot)?;
    let registered = config.station(&station).map_or(0, |s| s.registered);

    let mut entries = figures::station_turnout(&transaction, election_id, &station)?;
    let current = entries.get(&slot).cloned();
    let current_version = current.as_ref().map_or(0, |e| e.version);
    check_base_version(
        request.base_version,
        current_version,
        to_json(&current),
        &format!("la participation du bureau {station} à {slot}"),
    )?;

    let entry = TurnoutEntry {
        voters: request.voters,
        version: current_version + 1,
        updated_at: String::new(),
        updated_by: actor.to_string(),
    };
    entries.insert(slot.clone(), entry.clone());
    let labels: Vec<String> = config
        .turnout_slots
        .iter()
        .map(|s| slot_label(*s))
        .collect();
    let slots: Vec<(&str, Option<u32>)> = labels
        .iter()
        .map(|label| (label.as_str(), entries.get(label).map(|e| e.voters)))
        .collect();
    let index = labels.iter().position(|l| *l == slot).unwrap_or(0);
    let final_voters =
        figures::final_record(&transaction, election_id, &station)?.map(|r| r.count.voters);
    let findings = rules::check_turnout(registered, &slots, index, final_voters);
    if has_errors(&findings) {
        let list: Vec<String> = findings.iter().map(|f| f.message.clone()).collect();
        return Err(ServiceError::Inconsistent {
            message: format!(
                "participation du bureau {station} refusée : {}",
                list.join(" ; ")
            ),
            findings,
        });
    }

    figures::write_turnout(&transaction, election_id, &station, &slot, &entry)?;
    let target = format!("bureau {station} tranche {slot}");
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action: "turnout.write",
            target: &target,
            before: current
                .as_ref()
                .map(|e| serde_json::json!({ "voters": e.voters })),
            after: Some(serde_json::json!({ "voters": entry.voters })),
            reason: None,
        },
    )?;
    let (data_version, event) =
        record_change(&transaction, election_id, "turnout", &station, Some(&slot))?;
    transaction.commit()?;
    Ok(WriteOutcome {
        version: entry.version,
        status: None,
        findings,
        data_version,
        event,
    })
}

/// Stores one centaine of a station.
pub fn write_hundred(
    connection: &mut Connection,
    election_id: i64,
    station: &str,
    which: Hundred,
    request: &HundredWrite,
    actor: &str,
) -> Result<WriteOutcome, ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let config = open_election(&transaction, election_id)?;
    let station = station_of(&config, station)?;

    let current = figures::hundred(&transaction, election_id, &station, which)?;
    let current_version = current.as_ref().map_or(0, |e| e.version);
    check_base_version(
        request.base_version,
        current_version,
        to_json(&current),
        &format!("la {} du bureau {station}", which.label_fr()),
    )?;
    let other_which = match which {
        Hundred::First => Hundred::Second,
        Hundred::Second => Hundred::First,
    };
    let other = figures::hundred(&transaction, election_id, &station, other_which)?;
    let final_ballots =
        figures::final_record(&transaction, election_id, &station)?.map(|r| r.count.ballots());
    let count = HundredCount {
        blank: request.blank,
        invalid: request.invalid,
        votes: request.votes.clone(),
    };
    let ballot_numbers: Vec<u32> = config.candidates.iter().map(|c| c.ballot_number).collect();
    let findings = rules::check_hundred(
        which,
        &count,
        &ballot_numbers,
        other.as_ref().map(|e| &e.count),
        final_ballots,
    );
    if has_errors(&findings) {
        let list: Vec<String> = findings
            .iter()
            .filter(|f| f.is_error())
            .map(|f| f.message.clone())
            .collect();
        return Err(ServiceError::Inconsistent {
            message: format!(
                "{} du bureau {station} refusée : {}",
                which.label_fr(),
                list.join(" ; ")
            ),
            findings,
        });
    }

    let entry = HundredEntry {
        count,
        findings: findings.clone(),
        version: current_version + 1,
        updated_at: String::new(),
        updated_by: actor.to_string(),
    };
    figures::write_hundred(&transaction, election_id, &station, which, &entry)?;
    let target = format!("bureau {station} {}", which.label_fr());
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action: "hundred.write",
            target: &target,
            before: current.as_ref().map(|e| to_json(&e.count)),
            after: Some(to_json(&entry.count)),
            reason: None,
        },
    )?;
    let detail = match which {
        Hundred::First => "first",
        Hundred::Second => "second",
    };
    let (data_version, event) =
        record_change(&transaction, election_id, "hundred", &station, Some(detail))?;
    transaction.commit()?;
    Ok(WriteOutcome {
        version: entry.version,
        status: None,
        findings,
        data_version,
        event,
    })
}

/// An election created by an import.
#[derive(Debug, Clone)]
pub struct CreatedElection {
    pub id: i64,
    pub label: String,
    pub stations: usize,
    pub candidates: usize,
    pub results: usize,
    pub event: Event,
}

/// Creates elections from imported files in one transaction: the reference data is
/// updated, each election gets its copy of the configuration, and its results are checked
/// and stored. Any rule error rejects the whole import.
pub fn import_elections(
    connection: &mut Connection,
    elections: &[ImportedElection],
    actor: &str,
    with_results: bool,
) -> Result<Vec<CreatedElection>, ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let created = insert_elections(&transaction, elections, actor, with_results)?;
    transaction.commit()?;
    Ok(created)
}

/// Does the work of [`import_elections`] inside the caller's transaction.
pub fn insert_elections(
    transaction: &Connection,
    elections: &[ImportedElection],
    actor: &str,
    with_results: bool,
) -> Result<Vec<CreatedElection>, ServiceError> {
    let mut created = Vec::with_capacity(elections.len());
    for imported in elections {
        let config = &imported.config;
        config
            .validate()
            .map_err(|message| invalid("invalid_configuration", "configuration", message))?;
        db::elections::upsert_reference(transaction, config)?;
        let id = db::elections::insert(transaction, config, ElectionState::Open)?;
        db::audit::append(
            transaction,
            &AuditRecord {
                actor,
                election_id: Some(id),
                action: "election.create",
                target: &config.label,
                before: None,
                after: Some(serde_json::json!({
                    "sources": imported.sources,
                    "stations": config.stations.len(),
                    "candidates": config.candidates.len(),
                })),
                reason: None,
            },
        )?;
        let ballot_numbers: Vec<u32> = config.candidates.iter().map(|c| c.ballot_number).collect();
        let mut results = 0;
        if with_results {
            for (station, count) in &imported.results {
                let configured = config.station(station).map_or(0, |s| s.registered);
                let findings = rules::check_final(
                    count,
                    &FinalContext {
                        configured_registered: configured,
                        ballot_numbers: &ballot_numbers,
                        ..FinalContext::default()
                    },
                );
                if has_errors(&findings) {
                    let list: Vec<String> = findings
                        .iter()
                        .filter(|f| f.is_error())
                        .map(|f| f.message.clone())
                        .collect();
                    return Err(ServiceError::Inconsistent {
                        message: format!(
                            "import refusé, rien n'a été enregistré : bureau {station} de « {} » \
                             : {}",
                            config.label,
                            list.join(" ; ")
                        ),
                        findings,
                    });
                }
                let record = StationRecord {
                    status: StationStatus::Entered,
                    count: count.clone(),
                    findings,
                    inconsistency_reason: None,
                    version: 1,
                    updated_at: String::new(),
                    updated_by: actor.to_string(),
                };
                figures::write_final(transaction, id, station, &record)?;
                results += 1;
            }
            if results > 0 {
                db::audit::append(
                    transaction,
                    &AuditRecord {
                        actor,
                        election_id: Some(id),
                        action: "final_results.import",
                        target: &format!("{results} bureaux"),
                        before: None,
                        after: Some(serde_json::json!({ "sources": imported.sources })),
                        reason: None,
                    },
                )?;
            }
        }
        let data_version = db::elections::bump_data_version(transaction, id)?;
        let event = db::events::append(
            transaction,
            Some(id),
            "election",
            Some(data_version),
            None,
            Some("created"),
        )?;
        created.push(CreatedElection {
            id,
            label: config.label.clone(),
            stations: config.stations.len(),
            candidates: config.candidates.len(),
            results,
            event,
        });
    }
    Ok(created)
}
