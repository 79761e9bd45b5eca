//! Creation of a second round from a first one whose stations are all counted. The new
//! election keeps the kind, scope and stations of the first round, with the inscrits of
//! the reference stations at creation time. The page proposes the candidates or lists
//! allowed to stand by the rules of [`urne_common::outcome`], each with the thresholds
//! that decided it. The administrator may change the selection, the ballot numbers and, for
//! list ballots, the lists' names (merged lists) before confirming.

use super::new_election::{
    check_unique_ballots, create_election, default_label, parse_schedule, schedule_fields,
};
use super::{refusal, require_administrator, with_status};
use crate::db::{self, reference};
use crate::web::WebState;
use crate::web::auth::{Submission, Viewer};
use crate::web::elections::load;
use crate::web::form::Fields;
use crate::web::layout::{self, Section};
use crate::web::page_error::PageError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use maud::{Markup, html};
use std::collections::BTreeMap;
use urne_common::election::{Candidate, ElectionConfig, ElectionKind, PollingStation};
use urne_common::outcome::{
    self, CandidateStatus, CandidateVotes, OutcomeStep, RaceDecision, RaceExtent, RaceRequest,
    Round,
};
use urne_common::results::{AreaResults, commune_totals};
use urne_common::seats::ListVotes;

/// One round-1 candidate and what the rules decide for round 2.
struct Proposal {
    candidate: Candidate,
    votes: u64,
    /// Whether the rules allow the candidate or list to stand in round 2.
    kept: bool,
    /// Status in words (« qualifié », « peut fusionner »…).
    status: String,
    /// The thresholds tested for this candidate, in French.
    reasons: Vec<String>,
}

/// Proposals and a note on the whole round (a round-1 winner, a provisional outcome).
struct Proposals {
    proposals: Vec<Proposal>,
    notes: Vec<String>,
}

/// Returns whether a step of the outcome trail concerns `ballot_number`.
fn concerns(step: &OutcomeStep, ballot_number: u32) -> bool {
    match step {
        OutcomeStep::AbsoluteMajority {
            ballot_number: n, ..
        }
        | OutcomeStep::RegisteredQuarter {
            ballot_number: n, ..
        }
        | OutcomeStep::RegisteredEighth {
            ballot_number: n, ..
        }
        | OutcomeStep::MostVotes {
            ballot_number: n, ..
        }
        | OutcomeStep::ListThreshold {
            ballot_number: n, ..
        } => *n == ballot_number,
        OutcomeStep::Leaders { ballot_numbers, .. } | OutcomeStep::Tie { ballot_numbers, .. } => {
            ballot_numbers.contains(&ballot_number)
        }
        _ => false,
    }
}

fn reasons_of(trail: &[OutcomeStep], ballot_number: u32) -> Vec<String> {
    trail
        .iter()
        .filter(|step| concerns(step, ballot_number))
        .map(ToString::to_string)
        .collect()
}

/// Applies the round-1 rules of the election's kind to the commune's totals.
fn propose(config: &ElectionConfig, totals: &AreaResults) -> Result<Proposals, String> {
    let votes: BTreeMap<u32, u64> = totals
        .candidates
        .iter()
        .map(|c| (c.ballot_number, c.votes))
        .collect();
    let votes_sum: u64 = votes.values().sum();
    if votes_sum == 0 {
        return Err("aucune voix comptée au premier tour : rien à proposer".to_string());
    }
    let mut notes = Vec::new();
    let proposals = match config.kind {
        ElectionKind::Presidential | ElectionKind::Legislative | ElectionKind::Departmental => {
            let request = RaceRequest {
                round: Round::First,
                registered: totals.registered_all,
                valid_votes: votes_sum,
                candidates: votes
                    .iter()
                    .map(|(number, votes)| CandidateVotes::new(*number, *votes))
                    .collect(),
                // The hub counts one commune; the race may extend beyond it.
                extent: RaceExtent::BeyondCommune,
            };
            let race = match config.kind {
                ElectionKind::Presidential => outcome::presidential_outcome(&request),
                ElectionKind::Legislative => outcome::legislative_outcome(&request),
                _ => outcome::departmental_outcome(&request),
            }
            .map_err(|error| error.to_string())?;
            match &race.decision {
                RaceDecision::Elected { ballot_number } => notes.push(format!(
                    "Selon les chiffres de la commune, le candidat n° {ballot_number} est élu au \
                     premier tour : aucun candidat n'est proposé. Si d'autres communes votent \
                     dans la même circonscription, cochez les qualifiés officiels."
                )),
                RaceDecision::DecisionRequired { ballot_numbers, .. } => notes.push(format!(
                    "Égalité de voix entre les candidats {} pour une place au second tour : la \
                     loi ne tranche pas, cochez ceux que la commission de recensement retient.",
                    ballot_numbers
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                RaceDecision::SecondRound { .. } => {}
            }
            config
                .candidates
                .iter()
                .map(|candidate| {
                    let number = candidate.ballot_number;
                    let status = race
                        .candidates
                        .iter()
                        .find(|c| c.ballot_number == number)
                        .map_or(CandidateStatus::NotElected, |c| c.status);
                    let (kept, status) = match status {
                        CandidateStatus::Qualified => (true, "qualifié pour le second tour"),
                        CandidateStatus::Elected => (false, "élu au premier tour"),
                        CandidateStatus::Tied => (false, "ex aequo : décision nécessaire"),
                        CandidateStatus::NotElected => (false, "non qualifié"),
                    };
                    Proposal {
                        candidate: candidate.clone(),
                        votes: votes.get(&number).copied().unwrap_or(0),
                        kept,
                        status: status.to_string(),
                        reasons: reasons_of(&race.trail, number),
                    }
                })
                .collect()
        }
        ElectionKind::Municipal => {
            let lists: Vec<ListVotes> = votes
                .iter()
                .map(|(number, votes)| ListVotes::new(*number, *votes))
                .collect();
            let outcome = outcome::municipal_round1_outcome(votes_sum, &lists)
                .map_err(|error| error.to_string())?;
            if let Some(number) = outcome.majority_list {
                notes.push(format!(
                    "La liste n° {number} a la majorité absolue au premier tour : pas de second \
                     tour, aucune liste n'est proposée."
                ));
            }
            config
                .candidates
                .iter()
                .map(|candidate| {
                    let number = candidate.ballot_number;
                    let status = outcome.lists.iter().find(|l| l.ballot_number == number);
                    let may_stand = status.is_some_and(|s| s.may_stand);
                    let may_merge = status.is_some_and(|s| s.may_merge);
                    let text = if may_stand {
                        "peut se maintenir (10 % des exprimés)"
                    } else if may_merge {
                        "ne peut pas se maintenir, mais ses candidats peuvent rejoindre une \
                         liste qui se maintient (5 % des exprimés)"
                    } else {
                        "éliminée (moins de 5 % des exprimés)"
                    };
                    Proposal {
                        candidate: candidate.clone(),
                        votes: votes.get(&number).copied().unwrap_or(0),
                        kept: may_stand,
                        status: text.to_string(),
                        reasons: reasons_of(&outcome.trail, number),
                    }
                })
                .collect()
        }
        ElectionKind::European | ElectionKind::Regional | ElectionKind::Referendum => {
            return Err(format!(
                "{} : pas de second tour organisé à partir des résultats de la commune",
                config.kind.label_fr()
            ));
        }
    };
    if config.kind != ElectionKind::Municipal {
        notes.push(
            "Calcul sur les seuls bureaux de la commune : si la circonscription ou le canton \
             s'étend au-delà, vérifiez la liste officielle des qualifiés et les retraits avant \
             de confirmer."
                .to_string(),
        );
    }
    Ok(Proposals { proposals, notes })
}

/// The first round and what the second-round form needs.
struct FirstRound {
    id: i64,
    config: ElectionConfig,
    totals: AreaResults,
    /// Inscrits of the reference stations, by code, read now.
    reference_registered: BTreeMap<String, u32>,
}

async fn load_first_round(state: &WebState, id: &str) -> Result<FirstRound, PageError> {
    let (row, config) = load(state, id).await?;
    let id = row.summary.id;
    if config.round != 1 {
        return Err(PageError::Conflict(format!(
            "« {} » est un second tour : le second tour se crée à partir d'un premier tour",
            config.label
        )));
    }
    let insee = config.commune.insee_code.clone();
    let (records, stations) = state
        .app
        .read(move |connection| {
            Ok((
                db::figures::final_records(connection, id)?,
                reference::stations(connection, &insee)?,
            ))
        })
        .await?;
    let totals = commune_totals(&config, &records);
    let reference_registered = stations
        .into_iter()
        .map(|s| (s.code.to_string(), s.registered))
        .collect();
    Ok(FirstRound {
        id,
        config,
        totals,
        reference_registered,
    })
}

fn default_fields(first: &FirstRound, proposals: &Proposals) -> Fields {
    let config = &first.config;
    let date = config.date + Duration::days(7);
    let mut fields = vec![
        ("date".to_string(), date.format("%Y-%m-%d").to_string()),
        ("label".to_string(), default_label(config.kind, date, 2)),
        (
            "opening".to_string(),
            config.opening.format("%H:%M").to_string(),
        ),
        (
            "closing".to_string(),
            config.closing.format("%H:%M").to_string(),
        ),
        (
            "slots".to_string(),
            super::commune::format_slots(&config.turnout_slots),
        ),
    ];
    if config.rehearsal {
        fields.push(("rehearsal".to_string(), "1".to_string()));
    }
    for proposal in &proposals.proposals {
        let number = proposal.candidate.ballot_number;
        if proposal.kept {
            fields.push((format!("keep_{number}"), "1".to_string()));
        }
        fields.push((format!("ballot_{number}"), number.to_string()));
        fields.push((
            format!("list_label_{number}"),
            proposal.candidate.list_label.clone().unwrap_or_default(),
        ));
    }
    Fields(fields)
}

fn share(votes: u64, of: u64) -> String {
    urne_common::share::render_percent(votes, of)
        .map_or_else(|| "—".to_string(), |p| format!("{p} %"))
}

fn form_body(
    viewer: &Viewer,
    first: &FirstRound,
    proposals: &Proposals,
    values: &Fields,
    error: Option<&str>,
) -> Markup {
    let config = &first.config;
    let list_ballot = config.kind.is_list_ballot();
    let value = |name: &str| values.get(name).unwrap_or_default().to_string();
    let registered = first.totals.registered_all;
    let valid_votes: u64 = proposals.proposals.iter().map(|p| p.votes).sum();
    html! {
        h1 { "Second tour de « " (config.label) " »" }
        @if let Some(error) = error { (refusal(error)) }
        p {
            (config.kind.label_fr()) ", " (super::new_election::scope_label(&config.scope)) ", "
            (config.stations.len()) " bureau(x). Premier tour : " (registered) " inscrits, "
            (valid_votes) " suffrages exprimés."
        }
        @for note in &proposals.notes { (layout::message("warning", note)) }
        form.config method="post" action={ "/admin/elections/" (first.id) "/second-round" } {
            (layout::csrf_field(viewer))
            fieldset {
                legend { "Scrutin du second tour" }
                (schedule_fields(values))
                p.hint { "Les bureaux sont ceux du premier tour ; leurs inscrits sont repris de la \
                          configuration de référence au moment de la création." }
            }
            fieldset {
                legend { @if list_ballot { "Listes" } @else { "Candidats" } }
                table.list #proposals {
                    caption.visually-hidden { "Candidats proposés pour le second tour et motifs" }
                    thead { tr {
                        th scope="col" { "Retenu" }
                        th scope="col" { @if list_ballot { "Liste" } @else { "Candidat" } }
                        th.number scope="col" { "Voix" }
                        th.number scope="col" { "% exprimés" }
                        th.number scope="col" { "% inscrits" }
                        th scope="col" { "Règle appliquée" }
                        th scope="col" { "Panneau au second tour" }
                        @if list_ballot { th scope="col" { "Nom de la liste (fusion)" } }
                    } }
                    tbody {
                        @for proposal in &proposals.proposals {
                            @let number = proposal.candidate.ballot_number;
                            @let keep = format!("keep_{number}");
                            @let ballot = format!("ballot_{number}");
                            @let list_label = format!("list_label_{number}");
                            tr id={ "proposal-" (number) } class=[proposal.kept.then_some("kept")] {
                                td {
                                    input id=(keep) type="checkbox" name=(keep) value="1"
                                        checked[values.get(&keep) == Some("1")];
                                }
                                td {
                                    label for=(keep) {
                                        "n° " (number) " — " (proposal.candidate.display_name())
                                    }
                                    @if let Some(nuance) = &proposal.candidate.nuance {
                                        " " span.hint { "(" (nuance) ")" }
                                    }
                                }
                                td.number { (proposal.votes) }
                                td.number { (share(proposal.votes, valid_votes)) }
                                td.number { (share(proposal.votes, registered)) }
                                td {
                                    strong.status { (proposal.status) }
                                    @for reason in &proposal.reasons {
                                        span.finding { (reason) }
                                    }
                                }
                                td {
                                    label.visually-hidden for=(ballot) {
                                        "Numéro de panneau au second tour de n° " (number)
                                    }
                                    input.count id=(ballot) type="text" name=(ballot)
                                        inputmode="numeric" value=(value(&ballot))
                                        autocomplete="off";
                                }
                                @if list_ballot {
                                    td {
                                        label.visually-hidden for=(list_label) {
                                            "Nom de la liste n° " (number) " au second tour"
                                        }
                                        input id=(list_label) type="text" name=(list_label)
                                            value=(value(&list_label)) maxlength="150" size="28";
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { button.primary type="submit" { "Créer le second tour" } }
        }
    }
}

fn render(viewer: &Viewer, first: &FirstRound, body: Markup, status: StatusCode) -> Response {
    let title = format!("Second tour de « {} »", first.config.label);
    with_status(
        status,
        layout::page(&title, viewer, None, Section::Elections, body, &[]),
    )
}

/// Checks that a second round may be prepared now, and computes the proposals.
fn proposals_of(first: &FirstRound) -> Result<Proposals, String> {
    if !first.totals.progress.is_complete() {
        return Err(format!(
            "résultats du premier tour incomplets ({} comptés) : le second tour se prépare \
             quand tous les bureaux sont saisis",
            first.totals.progress.label
        ));
    }
    propose(&first.config, &first.totals)
}

/// `GET /admin/elections/{id}/second-round`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let first = load_first_round(&state, &id).await?;
    let body = match proposals_of(&first) {
        Ok(proposals) => {
            if super::is_administrator(&viewer) {
                let values = default_fields(&first, &proposals);
                form_body(&viewer, &first, &proposals, &values, None)
            } else {
                html! {
                    h1 { "Second tour de « " (first.config.label) " »" }
                    p.message.warning role="status" {
                        "La création d'un second tour est réservée aux administrateurs."
                    }
                }
            }
        }
        Err(message) => html! {
            h1 { "Second tour de « " (first.config.label) " »" }
            (layout::message("warning", &super::super::page_error::capitalise(&message)))
            p { a href="/admin/elections" { "Retour à la liste des élections" } }
        },
    };
    Ok(render(&viewer, &first, body, StatusCode::OK))
}

fn parse_form(
    fields: &Fields,
    first: &FirstRound,
    proposals: &Proposals,
) -> Result<ElectionConfig, String> {
    let schedule = parse_schedule(fields)?;
    let round1 = &first.config;
    let mut candidates = Vec::new();
    for proposal in &proposals.proposals {
        let number = proposal.candidate.ballot_number;
        if fields.get(&format!("keep_{number}")) != Some("1") {
            continue;
        }
        let name = proposal.candidate.display_name();
        let label = format!("numéro de panneau de {name}");
        let typed = fields.get(&format!("ballot_{number}")).unwrap_or_default();
        let Some(ballot_number) = super::candidates::parse_ballot_number(typed, &label)? else {
            return Err(format!(
                "{label} manquant : indiquez son numéro au second tour, ou décochez-le"
            ));
        };
        let mut candidate = proposal.candidate.clone();
        candidate.ballot_number = ballot_number;
        if round1.kind.is_list_ballot() {
            let list_label = fields.text(&format!("list_label_{number}"));
            if let Some(label) = &list_label {
                super::check_length(label, "Nom de la liste", 150)?;
            }
            candidate.list_label = list_label.or(candidate.list_label);
        }
        candidates.push(candidate);
    }
    if candidates.is_empty() {
        return Err(
            "aucun candidat coché : cochez les candidats ou les listes du second tour".to_string(),
        );
    }
    check_unique_ballots(&candidates)?;
    candidates.sort_by_key(|c| c.ballot_number);
    // NOTE: a station deleted from the reference since round 1 keeps its round-1 inscrits.
    let stations: Vec<PollingStation> = round1
        .stations
        .iter()
        .map(|station| {
            let mut station = station.clone();
            if let Some(registered) = first.reference_registered.get(station.code.as_str()) {
                station.registered = *registered;
            }
            station
        })
        .collect();
    let config = ElectionConfig {
        kind: round1.kind,
        date: schedule.date,
        round: 2,
        scope: round1.scope.clone(),
        label: schedule
            .label
            .unwrap_or_else(|| default_label(round1.kind, schedule.date, 2)),
        commune: round1.commune.clone(),
        opening: schedule.opening,
        closing: schedule.closing,
        turnout_slots: schedule.turnout_slots,
        rehearsal: schedule.rehearsal,
        stations,
        candidates,
    };
    if config.date <= round1.date {
        return Err(format!(
            "date « {} » invalide : le second tour suit le premier ({})",
            config.date.format("%d/%m/%Y"),
            round1.date.format("%d/%m/%Y")
        ));
    }
    config.validate()?;
    Ok(config)
}

/// `POST /admin/elections/{id}/second-round`.
pub async fn create(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let first = load_first_round(&state, &id).await?;
    let proposals = proposals_of(&first).map_err(PageError::Conflict)?;
    let fields = submission.fields;
    let config = match parse_form(&fields, &first, &proposals) {
        Ok(config) => config,
        Err(message) => {
            let body = form_body(&viewer, &first, &proposals, &fields, Some(&message));
            return Ok(render(&viewer, &first, body, StatusCode::BAD_REQUEST));
        }
    };
    let kept: Vec<serde_json::Value> = proposals
        .proposals
        .iter()
        .map(|p| {
            serde_json::json!({
                "ballot_number": p.candidate.ballot_number,
                "votes": p.votes,
                "allowed": p.kept,
                "chosen": fields.get(&format!("keep_{}", p.candidate.ballot_number)) == Some("1"),
            })
        })
        .collect();
    let new_id = create_election(
        &state,
        config,
        viewer.login().to_string(),
        serde_json::json!({ "first_round": first.id, "round_1_candidates": kept }),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/elections?created={new_id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};
    use urne_common::count::{FinalCount, StationStatus};
    use urne_common::election::{Commune, Scope, StationCode};
    use urne_common::results::StationRecord;

    /// Builds a round 1 of one station of 1 000 inscrits where candidates 1, 2, 3… got `votes`.
    fn totals_of(kind: ElectionKind, votes: &[u32]) -> (ElectionConfig, AreaResults) {
        let code = StationCode::parse("1").unwrap();
        let numbers = 1..=u32::try_from(votes.len()).unwrap();
        let config = ElectionConfig {
            kind,
            date: NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
            round: 1,
            scope: Scope::Commune,
            label: "premier tour".to_string(),
            commune: Commune {
                insee_code: "29061".to_string(),
                department_code: "29".to_string(),
                name: "Gouesnou".to_string(),
            },
            opening: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            closing: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
            turnout_slots: Vec::new(),
            rehearsal: false,
            stations: vec![PollingStation {
                code: code.clone(),
                name: "Bureau 0001".to_string(),
                polling_place: None,
                canton: None,
                constituency: None,
                registered: 1000,
            }],
            candidates: numbers
                .clone()
                .map(|number| Candidate {
                    ballot_number: number,
                    surname: format!("CANDIDAT{number}"),
                    first_name: String::new(),
                    sex: None,
                    nuance: None,
                    nuance_label: None,
                    list_label: None,
                    colour: None,
                })
                .collect(),
        };
        let valid_votes: u32 = votes.iter().sum();
        let record = StationRecord {
            status: StationStatus::Entered,
            count: FinalCount {
                registered: 1000,
                voters: valid_votes,
                ballots_found: None,
                blank: 0,
                invalid: 0,
                valid_votes,
                votes: numbers.zip(votes.iter().copied()).collect(),
            },
            findings: Vec::new(),
            inconsistency_reason: None,
            version: 1,
            updated_at: String::new(),
            updated_by: "test".to_string(),
        };
        let records = BTreeMap::from([(code, record)]);
        let totals = commune_totals(&config, &records);
        (config, totals)
    }

    fn kept(proposals: &Proposals) -> Vec<u32> {
        proposals
            .proposals
            .iter()
            .filter(|p| p.kept)
            .map(|p| p.candidate.ballot_number)
            .collect()
    }

    #[test]
    fn municipal_lists_with_ten_percent_stand() {
        // 700 valid votes: 10 % is 70, 5 % is 35.
        let (config, totals) = totals_of(ElectionKind::Municipal, &[300, 250, 70, 45, 35]);
        let proposals = propose(&config, &totals).unwrap();
        assert_eq!(kept(&proposals), vec![1, 2, 3]);
        let merging = &proposals.proposals[3];
        assert!(merging.status.contains("rejoindre"), "{}", merging.status);
        assert!(!merging.reasons.is_empty());
    }

    #[test]
    fn presidential_keeps_two_leaders() {
        let (config, totals) = totals_of(ElectionKind::Presidential, &[300, 250, 200, 150]);
        let proposals = propose(&config, &totals).unwrap();
        assert_eq!(kept(&proposals), vec![1, 2]);
    }

    #[test]
    fn legislative_winner_proposes_nobody() {
        // 600 of 800 valid votes and more than a quarter of the 1 000 inscrits.
        let (config, totals) = totals_of(ElectionKind::Legislative, &[600, 200]);
        let proposals = propose(&config, &totals).unwrap();
        assert!(kept(&proposals).is_empty());
        assert!(proposals.notes[0].contains("élu au premier tour"));
    }

    #[test]
    fn european_has_no_second_round() {
        let (config, totals) = totals_of(ElectionKind::European, &[600, 200]);
        assert!(propose(&config, &totals).is_err());
    }
}
