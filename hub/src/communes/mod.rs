//! Other communes of a race (regroupement de communes): the administrator lists them, clerks
//! key the totals each one phones in, and the race's results add them to the commune's own
//! stations. Every write follows the pattern of [`crate::service`]: version check, rules,
//! storage, audit record and event in one transaction.

pub mod file;

use crate::db::{self, audit::AuditRecord, elections::ElectionState, events::Event};
use crate::service::{
    FinalWrite, ServiceError, ValidationWrite, WriteOutcome, check_base_version, invalid,
    open_election, to_json,
};
use file::FileCommune;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use urne_common::communes::{
    self, GroupingArea, OtherCommune, OtherCommunes, check_list, check_totals, default_area,
};
use urne_common::count::{FinalCount, StationStatus};
use urne_common::election::ElectionConfig;
use urne_common::results::StationRecord;
use urne_common::rules::{Finding, has_errors};

/// The area and the other communes of an election's race, as an administrator sends them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListWrite {
    /// Version of the list read; 0 when no list exists yet.
    pub base_version: u64,
    /// The constituency or canton; the election's own, or its stations', when absent.
    pub area: Option<GroupingArea>,
    pub communes: Vec<OtherCommune>,
}

/// Loads an election's configuration, for a change of its list of communes: allowed while
/// it is in preparation or open.
fn listable_election(
    connection: &Connection,
    election_id: i64,
) -> Result<ElectionConfig, ServiceError> {
    let not_found = || {
        ServiceError::NotFound(format!(
            "élection {election_id} introuvable : consultez /api/v1/elections"
        ))
    };
    let row = db::elections::find(connection, election_id)?.ok_or_else(not_found)?;
    if matches!(row.state, ElectionState::Closed | ElectionState::Archived) {
        return Err(ServiceError::Conflict(format!(
            "l'élection {election_id} est {} : la liste des autres communes ne peut plus changer",
            row.state.label_fr()
        )));
    }
    db::elections::config(connection, election_id)?.ok_or_else(not_found)
}

/// Returns the area sent, or the election's default one.
fn area_or_default(
    area: Option<&GroupingArea>,
    config: &ElectionConfig,
) -> Result<GroupingArea, ServiceError> {
    area.cloned()
        .or_else(|| default_area(config))
        .ok_or_else(|| {
            invalid(
                "missing_area",
                "area",
                "circonscription ou canton absent : indiquez area avec kind (constituency ou \
             canton), code (ex. 29-02) et name"
                    .to_string(),
            )
        })
}

fn list_error(error: communes::ListError) -> ServiceError {
    ServiceError::Invalid {
        code: "invalid_commune_list",
        field: Some(error.field),
        message: error.message,
    }
}

/// Appends the event of a change and bumps the election's data version.
fn record_change(
    transaction: &Connection,
    election_id: i64,
    kind: &str,
    detail: &str,
) -> Result<(i64, Event), ServiceError> {
    let data_version = db::elections::bump_data_version(transaction, election_id)?;
    let event = db::events::append(
        transaction,
        Some(election_id),
        kind,
        Some(data_version),
        None,
        Some(detail),
    )?;
    Ok((data_version, event))
}

/// Replaces the area and the list of other communes of an election.
pub fn write_list(
    connection: &mut Connection,
    election_id: i64,
    request: &ListWrite,
    actor: &str,
) -> Result<WriteOutcome, ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let config = listable_election(&transaction, election_id)?;
    let current = db::communes::list(&transaction, election_id)?;
    check_base_version(
        request.base_version,
        current.version,
        to_json(&current),
        "la liste des autres communes",
    )?;

    let area = area_or_default(request.area.as_ref(), &config)?;
    let (area, listed) =
        check_list(&area, &request.communes, &config.commune.insee_code).map_err(list_error)?;
    // A commune whose totals count in the race cannot leave it silently.
    let totals = db::communes::totals(&transaction, election_id, None)?;
    if let Some(dropped) = current.communes.iter().find(|c| {
        totals.contains_key(&c.insee_code) && !listed.iter().any(|l| l.insee_code == c.insee_code)
    }) {
        return Err(invalid(
            "commune_has_results",
            "communes",
            format!(
                "la commune {} ({}) a déjà des résultats saisis : elle ne peut pas être retirée \
                 de la liste ; gardez-la, ou corrigez ses résultats depuis sa fiche",
                dropped.insee_code, dropped.name
            ),
        ));
    }

    let version = current.version + 1;
    db::communes::write_list(&transaction, election_id, &area, &listed, version)?;
    let after = OtherCommunes {
        version,
        area: Some(area),
        communes: listed,
    };
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action: "other_communes.write",
            target: "liste des autres communes",
            before: (current.version > 0).then(|| to_json(&current)),
            after: Some(to_json(&after)),
            reason: None,
        },
    )?;
    let (data_version, event) = record_change(&transaction, election_id, "other_communes", "list")?;
    transaction.commit()?;
    Ok(WriteOutcome {
        version,
        status: None,
        findings: Vec::new(),
        data_version,
        event,
    })
}

/// Finds a listed commune from the code in a request.
fn listed_commune(
    config: &ElectionConfig,
    list: &OtherCommunes,
    text: &str,
) -> Result<OtherCommune, ServiceError> {
    let Some(insee) = communes::normalize_insee(text) else {
        return Err(invalid(
            "invalid_commune",
            "insee_code",
            format!(
                "code INSEE « {} » invalide : indiquez les 5 caractères du code de la commune \
                 (ex. 29019 ou 2A004)",
                text.trim()
            ),
        ));
    };
    if insee == config.commune.insee_code {
        return Err(invalid(
            "host_commune",
            "insee_code",
            format!(
                "la commune {insee} ({}) est celle du hub : ses chiffres viennent de ses bureaux ; \
                 saisissez les résultats de chaque bureau",
                config.commune.name
            ),
        ));
    }
    list.communes
        .iter()
        .find(|c| c.insee_code == insee)
        .cloned()
        .ok_or_else(|| {
            let area = list
                .area
                .as_ref()
                .map_or_else(|| "l'élection".to_string(), |a| a.name.clone());
            let listed: Vec<&str> = list
                .communes
                .iter()
                .map(|c| c.insee_code.as_str())
                .collect();
            let listed = if listed.is_empty() {
                "aucune".to_string()
            } else {
                listed.join(", ")
            };
            invalid(
                "commune_not_listed",
                "insee_code",
                format!(
                    "la commune {insee} ne figure pas dans la liste des autres communes de {area} \
                     (communes listées : {listed}) : vérifiez le code INSEE, ou demandez à un \
                     administrateur de l'ajouter à la liste"
                ),
            )
        })
}

/// Decides the status of a commune's totals from their findings, or rejects them.
fn status_or_rejection(
    findings: &[Finding],
    reason: Option<&str>,
    commune: &OtherCommune,
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
        "corrigez la saisie, ou, si le procès-verbal de la commune lui-même est incohérent, \
         indiquez-le dans inconsistency_reason"
    };
    Err(ServiceError::Inconsistent {
        message: format!(
            "résultats de la commune {} ({}) refusés : {} ; {hint}",
            commune.insee_code,
            commune.name,
            list.join(" ; ")
        ),
        findings: findings.to_vec(),
    })
}

fn trimmed(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|r| !r.is_empty())
}

/// Stores the totals another commune phoned in.
pub fn write_totals(
    connection: &mut Connection,
    election_id: i64,
    insee: &str,
    request: &FinalWrite,
    actor: &str,
) -> Result<WriteOutcome, ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let config = open_election(&transaction, election_id)?;
    let list = db::communes::list(&transaction, election_id)?;
    let commune = listed_commune(&config, &list, insee)?;
    let insee = commune.insee_code.as_str();
    let current = db::communes::totals(&transaction, election_id, Some(insee))?.remove(insee);
    let current_version = current.as_ref().map_or(0, |r| r.version);
    if let Some(stored) = current.as_ref().filter(|_| request.base_version == 0) {
        return Err(ServiceError::Stale {
            message: format!(
                "les résultats de la commune {insee} ({}) sont déjà saisis (version {}, par {} \
                 à {}) : base_version = 0 ne vaut que pour une première saisie ; relisez-les, \
                 puis corrigez-les en renvoyant la saisie avec base_version = {}",
                commune.name, stored.version, stored.updated_by, stored.updated_at, stored.version
            ),
            current_version,
            current: to_json(stored),
        });
    }
    check_base_version(
        request.base_version,
        current_version,
        to_json(&current),
        &format!("le résultat de la commune {insee}"),
    )?;
    let correction_reason = trimmed(request.correction_reason.as_deref());
    if current.as_ref().map(|r| r.status) == Some(StationStatus::Validated)
        && correction_reason.is_none()
    {
        return Err(invalid(
            "correction_reason_required",
            "correction_reason",
            format!(
                "la commune {insee} est déjà validée : indiquez le motif de la correction dans \
                 correction_reason"
            ),
        ));
    }
    let count = FinalCount {
        registered: request.registered.unwrap_or(commune.registered),
        voters: request.voters,
        ballots_found: request
            .ballots_found
            .filter(|found| *found != request.voters),
        blank: request.blank,
        invalid: request.invalid,
        valid_votes: request.valid_votes,
        votes: request.votes.clone(),
    };
    let ballot_numbers: Vec<u32> = config.candidates.iter().map(|c| c.ballot_number).collect();
    let findings = check_totals(&count, commune.registered, &ballot_numbers);
    let reason = trimmed(request.inconsistency_reason.as_deref());
    let status = status_or_rejection(&findings, reason, &commune)?;
    let record = StationRecord {
        status,
        count,
        findings: findings.clone(),
        inconsistency_reason: reason.map(str::to_string),
        version: current_version + 1,
        updated_at: String::new(),
        updated_by: actor.to_string(),
    };
    db::communes::write_totals(&transaction, election_id, insee, &record)?;
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action: "other_commune_results.write",
            target: &format!("commune {insee} {}", commune.name),
            before: current.as_ref().map(|r| to_json(&r.count)),
            after: Some(to_json(&record.count)),
            reason: correction_reason.or(reason),
        },
    )?;
    let (data_version, event) =
        record_change(&transaction, election_id, "other_commune_results", insee)?;
    transaction.commit()?;
    Ok(WriteOutcome {
        version: record.version,
        status: Some(status),
        findings,
        data_version,
        event,
    })
}

/// Marks another commune's totals as validated by a supervisor.
pub fn validate_totals(
    connection: &mut Connection,
    election_id: i64,
    insee: &str,
    request: &ValidationWrite,
    actor: &str,
) -> Result<WriteOutcome, ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let config = open_election(&transaction, election_id)?;
    let list = db::communes::list(&transaction, election_id)?;
    let commune = listed_commune(&config, &list, insee)?;
    let insee = commune.insee_code.as_str();
    let Some(current) = db::communes::totals(&transaction, election_id, Some(insee))?.remove(insee)
    else {
        return Err(ServiceError::Conflict(format!(
            "la commune {insee} ({}) n'a pas encore de résultats : rien à valider",
            commune.name
        )));
    };
    check_base_version(
        request.base_version,
        current.version,
        to_json(&current),
        &format!("le résultat de la commune {insee}"),
    )?;
    if current.status == StationStatus::Validated {
        return Err(ServiceError::Conflict(format!(
            "la commune {insee} ({}) est déjà validée",
            commune.name
        )));
    }
    let version = current.version + 1;
    db::communes::set_status(
        &transaction,
        election_id,
        insee,
        StationStatus::Validated,
        version,
        actor,
    )?;
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action: "other_commune_results.validate",
            target: &format!("commune {insee} {}", commune.name),
            before: Some(serde_json::json!({ "status": current.status })),
            after: Some(serde_json::json!({ "status": StationStatus::Validated })),
            reason: None,
        },
    )?;
    let (data_version, event) =
        record_change(&transaction, election_id, "other_commune_validation", insee)?;
    transaction.commit()?;
    Ok(WriteOutcome {
        version,
        status: Some(StationStatus::Validated),
        findings: current.findings,
        data_version,
        event,
    })
}

/// Counts of what an import of other communes stored.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    /// Communes added to the list.
    pub listed: usize,
    /// Communes whose totals were stored.
    pub totals: usize,
    pub data_version: i64,
    #[serde(skip)]
    pub event: Event,
}

/// Adds the communes of a file to the list and, with `with_totals`, stores their totals,
/// all in one transaction: one rejected commune leaves everything unchanged. A commune
/// already listed keeps its listed inscrits; one that already has totals rejects the import.
pub fn import_communes(
    connection: &mut Connection,
    election_id: i64,
    found: &[FileCommune],
    with_totals: bool,
    actor: &str,
) -> Result<ImportSummary, ServiceError> {
    let rejected = |message: String| format!("import refusé, rien n'a été enregistré : {message}");
    let transaction = db::write_transaction(connection)?;
    let config = if with_totals {
        open_election(&transaction, election_id)?
    } else {
        listable_election(&transaction, election_id)?
    };
    if found.is_empty() {
        return Err(invalid(
            "no_commune",
            "file",
            rejected(
                "le fichier ne contient aucune autre commune de cette élection (mêmes candidats, \
                 même circonscription) : vérifiez le fichier et le tour"
                    .to_string(),
            ),
        ));
    }
    let current = db::communes::list(&transaction, election_id)?;
    let area = area_or_default(current.area.as_ref(), &config)?;
    let mut merged = current.communes.clone();
    let mut listed = 0;
    for entry in found {
        if !merged
            .iter()
            .any(|c| c.insee_code == entry.commune.insee_code)
        {
            merged.push(entry.commune.clone());
            listed += 1;
        }
    }
    let (area, merged) =
        check_list(&area, &merged, &config.commune.insee_code).map_err(|error| {
            list_error(communes::ListError {
                message: rejected(error.message),
                ..error
            })
        })?;
    let version = current.version + 1;
    if listed > 0 || current.version == 0 {
        db::communes::write_list(&transaction, election_id, &area, &merged, version)?;
        db::audit::append(
            &transaction,
            &AuditRecord {
                actor,
                election_id: Some(election_id),
                action: "other_communes.import",
                target: "liste des autres communes",
                before: (current.version > 0).then(|| to_json(&current)),
                after: Some(to_json(&OtherCommunes {
                    version,
                    area: Some(area.clone()),
                    communes: merged.clone(),
                })),
                reason: None,
            },
        )?;
    }
    let mut totals = 0;
    if with_totals {
        let stored = db::communes::totals(&transaction, election_id, None)?;
        let ballot_numbers: Vec<u32> = config.candidates.iter().map(|c| c.ballot_number).collect();
        for entry in found {
            let insee = entry.commune.insee_code.as_str();
            let listed = merged
                .iter()
                .find(|c| c.insee_code == insee)
                .map_or(entry.commune.registered, |c| c.registered);
            if let Some(existing) = stored.get(insee) {
                return Err(ServiceError::Conflict(rejected(format!(
                    "la commune {insee} ({}) a déjà des résultats (version {}, par {}) : \
                     corrigez-les depuis sa fiche, ou retirez ses lignes du fichier",
                    entry.commune.name, existing.version, existing.updated_by
                ))));
            }
            let findings = check_totals(&entry.count, listed, &ballot_numbers);
            if has_errors(&findings) {
                let errors: Vec<String> = findings
                    .iter()
                    .filter(|f| f.is_error())
                    .map(|f| f.message.clone())
                    .collect();
                return Err(ServiceError::Inconsistent {
                    message: rejected(format!(
                        "commune {insee} ({}) : {}",
                        entry.commune.name,
                        errors.join(" ; ")
                    )),
                    findings,
                });
            }
            let record = StationRecord {
                status: StationStatus::Entered,
                count: entry.count.clone(),
                findings,
                inconsistency_reason: None,
                version: 1,
                updated_at: String::new(),
                updated_by: actor.to_string(),
            };
            db::communes::write_totals(&transaction, election_id, insee, &record)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor,
                    election_id: Some(election_id),
                    action: "other_commune_results.import",
                    target: &format!("commune {insee} {}", entry.commune.name),
                    before: None,
                    after: Some(to_json(&record.count)),
                    reason: None,
                },
            )?;
            totals += 1;
        }
    }
    let (data_version, event) =
        record_change(&transaction, election_id, "other_communes", "import")?;
    transaction.commit()?;
    Ok(ImportSummary {
        listed,
        totals,
        data_version,
        event,
    })
}

/// Reads files of the Ministry and keeps the other communes of the election's race.
///
/// # Errors
///
/// A French message when a file cannot be read, or names a commune twice.
pub fn read_race_files(
    connection: &Connection,
    election_id: i64,
    files: &[(String, Vec<u8>)],
) -> Result<file::RaceCommunes, ServiceError> {
    let config = db::elections::config(connection, election_id)?.ok_or_else(|| {
        ServiceError::NotFound(format!(
            "élection {election_id} introuvable : consultez /api/v1/elections"
        ))
    })?;
    let list = db::communes::list(connection, election_id)?;
    let area = area_or_default(list.area.as_ref(), &config)?;
    let options = crate::import::ImportOptions {
        kind: Some(config.kind),
        round: Some(config.round),
        date: Some(config.date),
        ..crate::import::ImportOptions::default()
    };
    let mut all = file::RaceCommunes::default();
    for (name, bytes) in files {
        let read = crate::import::read_by_commune(name, bytes, &options)
            .map_err(|error| invalid("invalid_file", "file", error.message))?;
        let sorted = file::race_communes(read, &config, &area);
        for entry in sorted.communes {
            if all
                .communes
                .iter()
                .any(|c| c.commune.insee_code == entry.commune.insee_code)
            {
                return Err(invalid(
                    "duplicate_commune",
                    "file",
                    format!(
                        "la commune {} figure dans deux fichiers : importez chaque commune une \
                         seule fois",
                        entry.commune.insee_code
                    ),
                ));
            }
            all.communes.push(entry);
        }
        all.other_races.extend(sorted.other_races);
        all.host_skipped |= sorted.host_skipped;
    }
    Ok(all)
}
