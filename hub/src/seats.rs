//! Seats of list ballots (municipal and community councils) and outcomes of the other
//! races, computed from the stations counted so far: provisional until every station has
//! arrived, final afterwards. Every seat change that a write causes is recorded in the
//! audit log ("liste 5 : −1 siège") and announced on the events stream.

use crate::db::lists::ListMembers;
use crate::db::{self, audit::AuditRecord, elections::ElectionState, events::Event};
use crate::service::ServiceError;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use urne_common::election::{ElectionConfig, ElectionKind, StationCode};
use urne_common::outcome::{
    self, CandidateVotes, RaceExtent, RaceRequest, ReferendumKind, ReferendumRequest, Round,
};
use urne_common::results::{AreaResults, Progress, StationRecord, commune_totals};
use urne_common::seats::{
    Allocation, AllocationRequest, CommunityAssignment, CommunityList, DEFAULT_ALERT_VOTES,
    ListCandidate, ListVotes, Margins, SeatChange, assign_community_seats, community_candidates,
    compare_allocations, compute_margins, municipal_council_seats,
};

/// Seats to fill, as configured for an election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeatConfiguration {
    pub municipal_council: u32,
    pub community_council: u32,
    pub population: Option<u32>,
    pub version: u64,
    pub updated_at: String,
    pub updated_by: String,
}

/// Seats to fill sent by the administrator: either the council size or the municipal
/// population it is derived from.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeatConfigurationWrite {
    pub base_version: u64,
    pub municipal_council: Option<u32>,
    #[serde(default)]
    pub community_council: u32,
    pub population: Option<u32>,
}

pub fn configuration(
    connection: &Connection,
    election_id: i64,
) -> rusqlite::Result<Option<SeatConfiguration>> {
    connection
        .prepare_cached(
            "SELECT municipal_council, community_council, population, version, updated_at,
                 updated_by
             FROM seat_configuration WHERE election_id = ?1",
        )?
        .query_row(params![election_id], |row| {
            Ok(SeatConfiguration {
                municipal_council: row.get(0)?,
                community_council: row.get(1)?,
                population: row.get(2)?,
                version: row.get(3)?,
                updated_at: db::to_paris(&row.get::<_, String>(4)?),
                updated_by: row.get(5)?,
            })
        })
        .optional()
}

fn invalid(code: &'static str, field: &str, message: String) -> ServiceError {
    ServiceError::Invalid {
        code,
        field: Some(field.to_string()),
        message,
    }
}

/// Returns the municipal council's seats of a request, from its figure or from the
/// population table, after checking both councils' figures.
fn seats_to_fill(request: &SeatConfigurationWrite) -> Result<u32, ServiceError> {
    let municipal_council = match (request.municipal_council, request.population) {
        (Some(seats), _) => seats,
        (None, Some(population)) => municipal_council_seats(u64::from(population)),
        (None, None) => {
            return Err(invalid(
                "missing_seats",
                "municipal_council",
                "nombre de sièges manquant : indiquez municipal_council (sièges du conseil \
                 municipal) ou population (population municipale, pour le barème de l'article \
                 L2121-2 du CGCT)"
                    .to_string(),
            ));
        }
    };
    if municipal_council == 0 || municipal_council > urne_common::seats::MAX_SEATS {
        return Err(invalid(
            "invalid_seats",
            "municipal_council",
            format!(
                "nombre de sièges du conseil municipal invalide ({municipal_council}) : entre 1 \
                 et {}",
                urne_common::seats::MAX_SEATS
            ),
        ));
    }
    if request.community_council > urne_common::seats::MAX_SEATS {
        return Err(invalid(
            "invalid_seats",
            "community_council",
            format!(
                "nombre de sièges communautaires invalide ({}) : entre 0 et {}",
                request.community_council,
                urne_common::seats::MAX_SEATS
            ),
        ));
    }
    Ok(municipal_council)
}

/// Stores the seats to fill of a list-ballot election.
pub fn write_configuration(
    connection: &mut Connection,
    election_id: i64,
    request: &SeatConfigurationWrite,
    actor: &str,
) -> Result<(SeatConfiguration, Event), ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let row = db::elections::find(&transaction, election_id)?.ok_or_else(|| {
        ServiceError::NotFound(format!(
            "élection {election_id} introuvable : consultez /api/v1/elections"
        ))
    })?;
    if !row.summary.kind.is_list_ballot() {
        return Err(invalid(
            "not_a_list_ballot",
            "election",
            format!(
                "{} : pas de répartition de sièges à la commune pour ce scrutin ; consultez \
                 /api/v1/elections/{election_id}/outcome",
                row.summary.kind.label_fr()
            ),
        ));
    }
    if row.state == ElectionState::Archived {
        return Err(ServiceError::Conflict(format!(
            "l'élection {election_id} est archivée : sa configuration ne change plus"
        )));
    }
    let municipal_council = seats_to_fill(request)?;

    let current = configuration(&transaction, election_id)?;
    let current_version = current.as_ref().map_or(0, |c| c.version);
    if request.base_version != current_version {
        return Err(ServiceError::Stale {
            message: format!(
                "les sièges à pourvoir ont changé depuis votre lecture (version {}, version \
                 actuelle {current_version}) : rechargez-les puis renvoyez votre saisie avec \
                 base_version = {current_version}",
                request.base_version
            ),
            current_version,
            current: serde_json::to_value(&current).unwrap_or_default(),
        });
    }
    let before = allocations_now(&transaction, election_id)?;
    transaction.execute(
        "INSERT INTO seat_configuration (election_id, municipal_council, community_council,
             population, version, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (election_id) DO UPDATE SET municipal_council = excluded.municipal_council,
             community_council = excluded.community_council, population = excluded.population,
             version = excluded.version, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
        params![
            election_id,
            municipal_council,
            request.community_council,
            request.population,
            current_version + 1,
            db::now(),
            actor
        ],
    )?;
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action: "seats.configure",
            target: "sièges à pourvoir",
            before: current.as_ref().map(|c| {
                serde_json::json!({
                    "municipal_council": c.municipal_council,
                    "community_council": c.community_council,
                })
            }),
            after: Some(serde_json::json!({
                "municipal_council": municipal_council,
                "community_council": request.community_council,
                "population": request.population,
            })),
            reason: None,
        },
    )?;
    record_seat_changes(&transaction, election_id, before, actor)?;
    let data_version = db::elections::bump_data_version(&transaction, election_id)?;
    let event = db::events::append(
        &transaction,
        Some(election_id),
        "seats",
        Some(data_version),
        None,
        Some("configuration"),
    )?;
    let stored = configuration(&transaction, election_id)?;
    transaction.commit()?;
    let stored = stored.ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!("seat configuration missing after insert"))
    })?;
    Ok((stored, event))
}

/// Candidates of one list sent by the administrator, in ballot-paper order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListMembersWrite {
    pub base_version: u64,
    pub members: Vec<crate::db::lists::ListMember>,
}

/// Checks a list's candidates: names present, community ranks 1, 2, 3… without gaps.
fn check_members(members: &[crate::db::lists::ListMember]) -> Result<(), ServiceError> {
    if members.is_empty() {
        return Err(invalid(
            "empty_list",
            "members",
            "liste vide : donnez les candidats dans l'ordre du bulletin de vote".to_string(),
        ));
    }
    for (index, member) in members.iter().enumerate() {
        if member.surname.trim().is_empty() {
            return Err(invalid(
                "missing_name",
                &format!("members[{index}].surname"),
                format!(
                    "nom manquant pour le candidat n° {} de la liste : complétez-le",
                    index + 1
                ),
            ));
        }
    }
    let mut community: Vec<u32> = members.iter().filter_map(|m| m.community_rank).collect();
    community.sort_unstable();
    if let Some((expected, found)) = (1u32..)
        .zip(&community)
        .find(|(expected, found)| expected != *found)
    {
        return Err(invalid(
            "invalid_community_rank",
            "members",
            format!(
                "rangs sur la liste communautaire invalides : le rang {expected} est attendu, \
                 {found} trouvé ; numérotez 1, 2, 3… sans trou ni doublon"
            ),
        ));
    }
    Ok(())
}

/// Replaces the candidates of one list of a list-ballot election.
pub fn write_list_members(
    connection: &mut Connection,
    election_id: i64,
    ballot_number: u32,
    request: &ListMembersWrite,
    actor: &str,
) -> Result<(ListMembers, Event), ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let row = db::elections::find(&transaction, election_id)?.ok_or_else(|| {
        ServiceError::NotFound(format!(
            "élection {election_id} introuvable : consultez /api/v1/elections"
        ))
    })?;
    if !row.summary.kind.is_list_ballot() {
        return Err(invalid(
            "not_a_list_ballot",
            "election",
            format!(
                "{} : pas de listes de candidats pour ce scrutin",
                row.summary.kind.label_fr()
            ),
        ));
    }
    if row.state == ElectionState::Archived {
        return Err(ServiceError::Conflict(format!(
            "l'élection {election_id} est archivée : ses listes ne changent plus"
        )));
    }
    let config = db::elections::config(&transaction, election_id)?
        .ok_or_else(|| ServiceError::NotFound(format!("élection {election_id} introuvable")))?;
    if config.candidate(ballot_number).is_none() {
        return Err(ServiceError::NotFound(format!(
            "liste n° {ballot_number} inconnue dans cette élection : vérifiez le numéro de \
             panneau"
        )));
    }
    check_members(&request.members)?;
    let current = db::lists::all(&transaction, election_id)?
        .remove(&ballot_number)
        .unwrap_or_default();
    if request.base_version != current.version {
        return Err(ServiceError::Stale {
            message: format!(
                "la liste n° {ballot_number} a changé depuis votre lecture (version {}, version \
                 actuelle {}) : rechargez-la puis renvoyez votre saisie avec base_version = {}",
                request.base_version, current.version, current.version
            ),
            current_version: current.version,
            current: serde_json::to_value(&current).unwrap_or_default(),
        });
    }
    let before = allocations_now(&transaction, election_id)?;
    let version = current.version + 1;
    db::lists::replace(
        &transaction,
        election_id,
        ballot_number,
        &request.members,
        version,
    )?;
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(election_id),
            action: "list_members.write",
            target: &format!("liste {ballot_number}"),
            before: Some(serde_json::json!({ "members": current.members.len() })),
            after: Some(serde_json::json!({ "members": request.members })),
            reason: None,
        },
    )?;
    record_seat_changes(&transaction, election_id, before, actor)?;
    let data_version = db::elections::bump_data_version(&transaction, election_id)?;
    let event = db::events::append(
        &transaction,
        Some(election_id),
        "seats",
        Some(data_version),
        None,
        Some("list_members"),
    )?;
    transaction.commit()?;
    Ok((
        ListMembers {
            version,
            members: request.members.clone(),
        },
        event,
    ))
}

/// Municipal and community allocations of one election at one moment.
#[derive(Debug, Clone)]
pub struct Allocations {
    pub municipal: Option<Allocation>,
    pub community: Option<Allocation>,
    /// Community councillors by name, when every list with community seats has its
    /// candidates entered (art. L273-8, second paragraph applied).
    pub community_assignment: Option<CommunityAssignment>,
}

/// Inputs of both councils' allocations: the lists' votes and, where entered, their
/// candidates in ballot-paper order.
struct Councils {
    municipal: Option<AllocationRequest>,
    community: Option<AllocationRequest>,
    community_lists: Vec<CommunityList>,
}

/// Builds the allocation requests of both councils from the commune's totals.
fn councils(
    config: &ElectionConfig,
    totals: &AreaResults,
    seats: &SeatConfiguration,
    members: &BTreeMap<u32, ListMembers>,
) -> Councils {
    let Some(round) = Round::from_number(config.round) else {
        return Councils {
            municipal: None,
            community: None,
            community_lists: Vec::new(),
        };
    };
    let municipal_lists: Vec<ListVotes> = totals
        .candidates
        .iter()
        .map(|candidate| {
            let mut list = ListVotes::new(candidate.ballot_number, candidate.votes);
            list.candidates = members
                .get(&candidate.ballot_number)
                .filter(|list| !list.members.is_empty())
                .map(|list| {
                    list.members
                        .iter()
                        .map(|member| ListCandidate {
                            name: member.display_name(),
                            sex: member.sex,
                            birth_date: member.birth_date,
                        })
                        .collect()
                });
            list
        })
        .collect();
    let community_lists: Vec<CommunityList> = members
        .iter()
        .filter_map(|(ballot_number, list)| {
            let mut ranked: Vec<(u32, u32)> = list
                .members
                .iter()
                .zip(1u32..)
                .filter_map(|(member, rank)| member.community_rank.map(|c| (c, rank)))
                .collect();
            ranked.sort_unstable();
            (!ranked.is_empty()).then(|| CommunityList {
                ballot_number: *ballot_number,
                municipal_ranks: ranked.into_iter().map(|(_, rank)| rank).collect(),
            })
        })
        .collect();
    let community_votes: Vec<ListVotes> = municipal_lists
        .iter()
        .map(|list| {
            let mut community = ListVotes::new(list.ballot_number, list.votes);
            community.candidates = community_lists
                .iter()
                .find(|c| c.ballot_number == list.ballot_number)
                .and_then(|c| community_candidates(list, c).ok());
            community
        })
        .collect();
    let build = |lists: Vec<ListVotes>, seats: u32| {
        let mut request = AllocationRequest::from_lists(round, seats, lists);
        request.election_date = Some(config.date);
        (seats > 0 && request.valid_votes > 0).then_some(request)
    };
    Councils {
        municipal: build(municipal_lists, seats.municipal_council),
        community: build(community_votes, seats.community_council),
        community_lists,
    }
}

impl Councils {
    fn allocate(&self) -> Allocations {
        let run = |request: &Option<AllocationRequest>| {
            request
                .as_ref()
                .and_then(|r| urne_common::seats::allocate(r).ok())
        };
        let municipal = run(&self.municipal);
        let community = run(&self.community);
        let community_assignment = match (&self.municipal, &municipal, &community) {
            (Some(request), Some(municipal), Some(community))
                if !self.community_lists.is_empty() =>
            {
                assign_community_seats(&request.lists, municipal, community, &self.community_lists)
                    .ok()
            }
            _ => None,
        };
        Allocations {
            municipal,
            community,
            community_assignment,
        }
    }
}

/// Computes the allocations of an election from its stored figures, when it is a list
/// ballot with seats configured.
pub fn allocations_now(
    connection: &Connection,
    election_id: i64,
) -> Result<Option<Allocations>, ServiceError> {
    let Some(seats) = configuration(connection, election_id)? else {
        return Ok(None);
    };
    let Some(config) = db::elections::config(connection, election_id)? else {
        return Ok(None);
    };
    let records = db::figures::final_records(connection, election_id)?;
    let totals = commune_totals(&config, &records);
    let members = db::lists::all(connection, election_id)?;
    Ok(Some(
        councils(&config, &totals, &seats, &members).allocate(),
    ))
}

fn changes_between(before: Option<&Allocation>, after: Option<&Allocation>) -> Vec<SeatChange> {
    match (before, after) {
        (Some(before), Some(after)) => compare_allocations(before, after),
        _ => Vec::new(),
    }
}

/// Records in the audit log the seats that moved between `before` and now.
pub fn record_seat_changes(
    connection: &Connection,
    election_id: i64,
    before: Option<Allocations>,
    actor: &str,
) -> Result<(), ServiceError> {
    let Some(before) = before else {
        return Ok(());
    };
    let Some(after) = allocations_now(connection, election_id)? else {
        return Ok(());
    };
    for (council, label, old, new) in [
        (
            "municipal_council",
            "conseil municipal",
            before.municipal.as_ref(),
            after.municipal.as_ref(),
        ),
        (
            "community_council",
            "conseil communautaire",
            before.community.as_ref(),
            after.community.as_ref(),
        ),
    ] {
        let changes = changes_between(old, new);
        if changes.is_empty() {
            continue;
        }
        let text: Vec<String> = changes.iter().map(ToString::to_string).collect();
        tracing::info!(election_id, council, changes = %text.join(", "), "seats changed");
        db::audit::append(
            connection,
            &AuditRecord {
                actor,
                election_id: Some(election_id),
                action: "seats.change",
                target: label,
                before: None,
                after: Some(
                    serde_json::json!({ "council": council, "changes": changes, "text": text }),
                ),
                reason: None,
            },
        )?;
    }
    Ok(())
}

/// One council's allocation as the API shows it.
#[derive(Debug, Serialize)]
pub struct CouncilView {
    pub seats_to_fill: u32,
    pub allocation: Option<Allocation>,
    /// Votes each list would need to gain, or could lose, before the last seat moves.
    pub margins: Option<Margins>,
    /// French explanation when no allocation could be computed.
    pub message: Option<String>,
    /// The trail rendered in French, one sentence a step.
    pub trail_fr: Vec<String>,
}

/// A seat change recorded in the audit log.
#[derive(Debug, Serialize)]
pub struct RecordedChange {
    pub at: String,
    pub actor: String,
    pub council: String,
    pub text: Vec<String>,
}

/// The seats view of a list-ballot election.
#[derive(Debug, Serialize)]
pub struct SeatsView {
    pub election_id: i64,
    pub version: i64,
    pub configuration: Option<SeatConfiguration>,
    /// True until every station has arrived.
    pub provisional: bool,
    /// French heading: "Répartition provisoire des sièges (183 bureaux sur 284)".
    pub label: String,
    pub progress: Progress,
    /// Set when the sum of the lists' votes differs from the exprimés (an inconsistent
    /// station stored with a reason): seats are computed on the sum of the votes.
    pub votes_differ_from_valid_votes: bool,
    pub municipal_council: Option<CouncilView>,
    pub community_council: Option<CouncilView>,
    /// Community councillors by name once every list's candidates are entered.
    pub community_assignment: Option<CommunityAssignment>,
    pub changes: Vec<RecordedChange>,
}

fn council_view(
    seats: u32,
    request: Option<&AllocationRequest>,
    allocation: Option<Allocation>,
) -> Option<CouncilView> {
    if seats == 0 {
        return None;
    }
    let Some(request) = request else {
        return Some(CouncilView {
            seats_to_fill: seats,
            allocation: None,
            margins: None,
            message: Some("aucune voix comptée : pas encore de répartition".to_string()),
            trail_fr: Vec::new(),
        });
    };
    let message = match &allocation {
        Some(_) => None,
        None => urne_common::seats::allocate(request)
            .err()
            .map(|error| error.to_string()),
    };
    Some(CouncilView {
        seats_to_fill: seats,
        trail_fr: allocation
            .as_ref()
            .map(Allocation::trail_in_french)
            .unwrap_or_default(),
        margins: allocation
            .as_ref()
            .and_then(|_| compute_margins(request, DEFAULT_ALERT_VOTES).ok()),
        allocation,
        message,
    })
}

fn recorded_changes(
    connection: &Connection,
    election_id: i64,
) -> Result<Vec<RecordedChange>, ServiceError> {
    Ok(db::audit::list(connection, election_id)?
        .into_iter()
        .filter(|entry| entry.action == "seats.change")
        .map(|entry| {
            let after = entry.after.unwrap_or_default();
            RecordedChange {
                at: entry.at,
                actor: entry.actor,
                council: after["council"].as_str().unwrap_or_default().to_string(),
                text: after["text"]
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|item| item.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect())
}

/// Computes the seats view; `None` when the election is not a list ballot.
pub fn seats_view(
    connection: &Connection,
    election_id: i64,
    version: i64,
    config: &ElectionConfig,
    records: &BTreeMap<StationCode, StationRecord>,
) -> Result<SeatsView, ServiceError> {
    let totals = commune_totals(config, records);
    let seats = configuration(connection, election_id)?;
    let provisional = !totals.progress.is_complete();
    let label = if provisional {
        format!(
            "Répartition provisoire des sièges ({})",
            totals.progress.label
        )
    } else {
        "Répartition des sièges, tous les bureaux comptés".to_string()
    };
    let votes_sum: u64 = totals.candidates.iter().map(|c| c.votes).sum();
    let members = db::lists::all(connection, election_id)?;
    let (municipal_council, community_council, community_assignment) = match &seats {
        Some(seats) => {
            let councils = councils(config, &totals, seats, &members);
            let allocations = councils.allocate();
            (
                council_view(
                    seats.municipal_council,
                    councils.municipal.as_ref(),
                    allocations.municipal,
                ),
                council_view(
                    seats.community_council,
                    councils.community.as_ref(),
                    allocations.community,
                ),
                allocations.community_assignment,
            )
        }
        None => (None, None, None),
    };
    Ok(SeatsView {
        election_id,
        version,
        provisional,
        label,
        progress: totals.progress.clone(),
        votes_differ_from_valid_votes: votes_sum != totals.valid_votes,
        municipal_council,
        community_council,
        community_assignment,
        configuration: seats,
        changes: recorded_changes(connection, election_id)?,
    })
}

/// The outcome view of an election at the commune's level.
#[derive(Debug, Serialize)]
pub struct OutcomeView {
    pub election_id: i64,
    pub version: i64,
    /// True while a station is missing, or when the race extends beyond the commune.
    pub provisional: bool,
    pub label: String,
    pub progress: Progress,
    /// The outcome computed by the rules of this kind of election, or `None` with a
    /// message when none applies at the commune's level.
    pub outcome: Option<serde_json::Value>,
    pub message: Option<String>,
}

/// Computes the outcome view: who is elected or qualified, by the rules of each kind.
pub fn outcome_view(
    election_id: i64,
    version: i64,
    config: &ElectionConfig,
    records: &BTreeMap<StationCode, StationRecord>,
) -> OutcomeView {
    let totals = commune_totals(config, records);
    let round = Round::from_number(config.round);
    let votes_sum: u64 = totals.candidates.iter().map(|c| c.votes).sum();
    let extent = RaceExtent::BeyondCommune;
    let computed: Result<serde_json::Value, String> = match (config.kind, round) {
        (_, None) => Err(format!("tour {} invalide", config.round)),
        (_, Some(_)) if votes_sum == 0 => {
            Err("aucune voix comptée : pas encore de résultat".to_string())
        }
        (
            ElectionKind::Presidential | ElectionKind::Legislative | ElectionKind::Departmental,
            Some(round),
        ) => {
            let request = RaceRequest {
                round,
                registered: totals.registered_all,
                valid_votes: votes_sum,
                candidates: totals
                    .candidates
                    .iter()
                    .map(|c| CandidateVotes::new(c.ballot_number, c.votes))
                    .collect(),
                extent,
            };
            let outcome = match config.kind {
                ElectionKind::Presidential => outcome::presidential_outcome(&request),
                ElectionKind::Legislative => outcome::legislative_outcome(&request),
                _ => outcome::departmental_outcome(&request),
            };
            outcome
                .map(|o| serde_json::to_value(o).unwrap_or_default())
                .map_err(|e| e.to_string())
        }
        (ElectionKind::Municipal, Some(Round::First)) => {
            let lists: Vec<ListVotes> = totals
                .candidates
                .iter()
                .map(|c| ListVotes::new(c.ballot_number, c.votes))
                .collect();
            outcome::municipal_round1_outcome(votes_sum, &lists)
                .map(|o| serde_json::to_value(o).unwrap_or_default())
                .map_err(|e| e.to_string())
        }
        (ElectionKind::Municipal, Some(Round::Second)) => Err(format!(
            "second tour municipal : la liste en tête reçoit la prime majoritaire, voir \
             /api/v1/elections/{election_id}/seats"
        )),
        (ElectionKind::Referendum, Some(_)) => referendum(&totals),
        (ElectionKind::European | ElectionKind::Regional, Some(_)) => Err(
            "scrutin de liste à la proportionnelle au-delà de la commune : pas de résultat à \
             l'échelle de la commune"
                .to_string(),
        ),
    };
    let (outcome, message) = match computed {
        Ok(value) => (Some(value), None),
        Err(message) => (None, Some(message)),
    };
    let provisional = !totals.progress.is_complete() || extent == RaceExtent::BeyondCommune;
    let label = if totals.progress.is_complete() {
        "Résultat provisoire : la circonscription de ce scrutin dépasse la commune".to_string()
    } else {
        format!("Résultat provisoire ({})", totals.progress.label)
    };
    OutcomeView {
        election_id,
        version,
        provisional,
        label,
        progress: totals.progress,
        outcome,
        message,
    }
}

/// Computes a referendum's outcome; its two choices are the candidates named « Oui » and
/// « Non ».
fn referendum(totals: &AreaResults) -> Result<serde_json::Value, String> {
    let find = |answer: &str| {
        totals
            .candidates
            .iter()
            .find(|c| c.name.trim().eq_ignore_ascii_case(answer))
            .map(|c| c.votes)
    };
    let (Some(yes), Some(no)) = (find("oui"), find("non")) else {
        return Err(
            "référendum : les deux réponses doivent s'appeler « Oui » et « Non »".to_string(),
        );
    };
    outcome::referendum_outcome(&ReferendumRequest {
        yes,
        no,
        kind: ReferendumKind::National,
    })
    .map(|o| serde_json::to_value(o).unwrap_or_default())
    .map_err(|e| e.to_string())
}
