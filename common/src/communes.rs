//! Results of a whole constituency or canton when the race extends beyond the commune
//! (regroupement de communes). They add the commune's own stations to the totals that the
//! other communes of the race phone in, which are checked with the rules of a station's
//! official record.
//!
//! The commune that runs the hub contributes every station of the election, because an
//! election is one race: every station shows the same candidates. Each other commune
//! contributes one record, its own total of every station.

use crate::count::{FinalCount, StationStatus};
use crate::election::{ElectionConfig, ElectionKind};
use crate::outcome::{self, CandidateVotes, RaceExtent, RaceOutcome, RaceRequest, Round};
use crate::results::{
    AreaKind, AreaResults, CandidateResult, ElectionSummary, Progress, StationRecord,
    commune_totals,
};
use crate::rules::{self, FinalContext, Finding};
use crate::share::{Denominator, Share};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Maximum length of a commune's name, in characters.
const MAX_NAME_CHARS: usize = 120;

/// Constituency or canton whose result the other communes complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupingArea {
    /// `constituency` or `canton`.
    pub kind: AreaKind,
    /// Constituency code (`29-02`) or canton code.
    pub code: String,
    /// Name shown on screens (« 2e circonscription du Finistère »).
    pub name: String,
}

/// Another commune of the race, as the administrator lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherCommune {
    /// INSEE code, five characters (`29019`, `2A004`).
    pub insee_code: String,
    pub name: String,
    /// Registered voters (inscrits) of the commune's part of the race.
    pub registered: u32,
}

/// The other communes of an election's race, with the version of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherCommunes {
    /// Grows by one with every change of the area or of the list; 0 before the first.
    pub version: u64,
    pub area: Option<GroupingArea>,
    pub communes: Vec<OtherCommune>,
}

/// Normalises an INSEE code: five characters, digits or `2A`/`2B` for Corsica, with the
/// leading zero restored (`1034` → `01034`). Returns `None` when it cannot be one.
pub fn normalize_insee(text: &str) -> Option<String> {
    let trimmed = text.trim().to_ascii_uppercase();
    let padded = if trimmed.len() == 4 && trimmed.chars().all(|c| c.is_ascii_digit()) {
        format!("0{trimmed}")
    } else {
        trimmed
    };
    let bytes = padded.as_bytes();
    let valid = bytes.len() == 5
        && (bytes[..2].iter().all(u8::is_ascii_digit) || matches!(&padded[..2], "2A" | "2B"))
        && bytes[2..].iter().all(u8::is_ascii_digit);
    valid.then_some(padded)
}

/// Proposes the area of an election's race: the election's own constituency or canton, or
/// the one every station shares (constituency for législatives and présidentielle, canton
/// for départementales). `None` when the stations name no code, or several.
pub fn default_area(config: &ElectionConfig) -> Option<GroupingArea> {
    let named = |kind: AreaKind, code: &str| {
        let name = match kind {
            AreaKind::Canton => format!("Canton {code}"),
            _ => format!("Circonscription {code}"),
        };
        GroupingArea {
            kind,
            code: code.to_string(),
            name,
        }
    };
    match &config.scope {
        crate::election::Scope::Constituency(code) => {
            return Some(named(AreaKind::Constituency, code));
        }
        crate::election::Scope::Canton(code) => return Some(named(AreaKind::Canton, code)),
        crate::election::Scope::Commune => {}
    }
    let kind = match config.kind {
        ElectionKind::Departmental => AreaKind::Canton,
        _ => AreaKind::Constituency,
    };
    let mut codes = config.stations.iter().map(|station| match kind {
        AreaKind::Canton => station.canton.as_deref(),
        _ => station.constituency.as_deref(),
    });
    let first = codes.next()??;
    codes
        .all(|code| code == Some(first))
        .then(|| named(kind, first))
}

/// A problem with a list of other communes, naming the field, the value and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError {
    /// Field in the API (`communes.3.insee_code`, `area.code`).
    pub field: String,
    pub message: String,
}

fn list_error(field: String, message: String) -> ListError {
    ListError { field, message }
}

/// Checks the area and the list of other communes, and returns them with their INSEE codes
/// normalised and their names trimmed. `host_insee` is the commune that runs the hub, whose
/// figures come from its stations.
///
/// # Errors
///
/// The first problem found: an area code or name that is empty, an INSEE code that is not
/// one, the host commune listed, a commune listed twice, an empty or overlong name.
pub fn check_list(
    area: &GroupingArea,
    communes: &[OtherCommune],
    host_insee: &str,
) -> Result<(GroupingArea, Vec<OtherCommune>), ListError> {
    if !matches!(area.kind, AreaKind::Constituency | AreaKind::Canton) {
        return Err(list_error(
            "area.kind".into(),
            "type de territoire « commune » refusé : indiquez constituency (circonscription) \
             ou canton"
                .into(),
        ));
    }
    let code = area.code.trim();
    if code.is_empty() || code.chars().count() > 20 {
        return Err(list_error(
            "area.code".into(),
            format!(
                "code de territoire « {code} » invalide : indiquez le code de la \
                 circonscription (ex. 29-02) ou du canton, 20 caractères au plus"
            ),
        ));
    }
    let name = area.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(list_error(
            "area.name".into(),
            format!(
                "nom de territoire « {name} » invalide : indiquez un nom de 1 à \
                 {MAX_NAME_CHARS} caractères (ex. 2e circonscription du Finistère)"
            ),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut checked = Vec::with_capacity(communes.len());
    for (index, commune) in communes.iter().enumerate() {
        let Some(insee) = normalize_insee(&commune.insee_code) else {
            return Err(list_error(
                format!("communes.{index}.insee_code"),
                format!(
                    "code INSEE « {} » invalide : indiquez les 5 caractères du code de la \
                     commune (ex. 29019 ou 2A004)",
                    commune.insee_code.trim()
                ),
            ));
        };
        if insee == host_insee {
            return Err(list_error(
                format!("communes.{index}.insee_code"),
                format!(
                    "la commune {insee} est celle du hub : ses chiffres viennent de ses \
                     bureaux ; retirez-la de la liste des autres communes"
                ),
            ));
        }
        if !seen.insert(insee.clone()) {
            return Err(list_error(
                format!("communes.{index}.insee_code"),
                format!(
                    "la commune {insee} figure deux fois dans la liste : gardez une seule \
                     ligne par commune"
                ),
            ));
        }
        let name = commune.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(list_error(
                format!("communes.{index}.name"),
                format!(
                    "nom « {name} » invalide pour la commune {insee} : indiquez un nom de 1 à \
                     {MAX_NAME_CHARS} caractères"
                ),
            ));
        }
        checked.push(OtherCommune {
            insee_code: insee,
            name: name.to_string(),
            registered: commune.registered,
        });
    }
    Ok((
        GroupingArea {
            kind: area.kind,
            code: code.to_string(),
            name: name.to_string(),
        },
        checked,
    ))
}

/// Checks the totals of another commune with the rules of a station's official record: the
/// listed inscrits stand for the configured ones, and no turnout or centaine applies.
pub fn check_totals(
    count: &FinalCount,
    listed_registered: u32,
    ballot_numbers: &[u32],
) -> Vec<Finding> {
    rules::check_final(
        count,
        &FinalContext {
            configured_registered: listed_registered,
            ballot_numbers,
            ..FinalContext::default()
        },
    )
}

/// Progress of the race in two parts: the commune's stations and the other communes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceProgress {
    pub stations: Progress,
    pub communes_counted: u32,
    pub communes_total: u32,
    pub communes_share: Share,
    /// Whether every station and every listed commune is counted.
    pub complete: bool,
    /// French sentence: « bureaux de la commune 32/32, communes 11/17 ».
    pub label: String,
}

/// One other commune in the race results view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneResults {
    pub insee_code: String,
    pub name: String,
    /// Inscrits as listed.
    pub registered: u32,
    pub status: StationStatus,
    pub status_label: String,
    /// Version of the stored totals, to send back with a correction; 0 when none exist.
    pub version: u64,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    pub count: Option<FinalCount>,
    pub turnout: Option<Share>,
    pub findings: Vec<Finding>,
    pub inconsistency_reason: Option<String>,
}

/// Results of the whole race: the commune's stations and the other communes' totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaceResults {
    pub election: ElectionSummary,
    /// Version of the data this view was computed from.
    pub version: u64,
    /// Totals of the whole constituency or canton; its progress counts the stations and
    /// the communes together.
    pub area: AreaResults,
    pub progress: RaceProgress,
    /// True until every station and every listed commune is counted, while no other
    /// commune is listed, and whenever the outcome rules call the race provisional
    /// (présidentielle).
    pub provisional: bool,
    /// « Résultat provisoire (bureaux de la commune 6/6, communes 2/3) » or « Résultat
    /// définitif ».
    pub label: String,
    /// The commune's own stations.
    pub host: AreaResults,
    pub communes: Vec<CommuneResults>,
    /// Elected or qualified candidates over the whole race, when the kind of election has
    /// such rules and votes were counted.
    pub outcome: Option<RaceOutcome>,
    /// Reason the outcome is missing, when it is.
    pub outcome_message: Option<String>,
}

/// Computes the whole race from the commune's station records and the other communes'
/// totals. A commune without totals adds zero everywhere except to the inscrits of the
/// whole area and to the progress.
pub fn compute_race(
    summary: ElectionSummary,
    version: u64,
    config: &ElectionConfig,
    stations: &BTreeMap<crate::election::StationCode, StationRecord>,
    list: &OtherCommunes,
    totals: &BTreeMap<String, StationRecord>,
) -> RaceResults {
    let host = commune_totals(config, stations);
    let mut registered_all = host.registered_all;
    let mut registered_counted = host.registered_counted;
    let mut voters = host.voters;
    let mut ballots = host.ballots_found;
    let mut blank = host.blank;
    let mut invalid = host.invalid;
    let mut valid_votes = host.valid_votes;
    let mut votes: BTreeMap<u32, u64> = host
        .candidates
        .iter()
        .map(|c| (c.ballot_number, c.votes))
        .collect();
    let mut communes = Vec::with_capacity(list.communes.len());
    let mut communes_counted = 0u32;
    for commune in &list.communes {
        registered_all += u64::from(commune.registered);
        let record = totals
            .get(&commune.insee_code)
            .filter(|r| r.status.is_counted());
        if let Some(record) = record {
            let count = &record.count;
            communes_counted += 1;
            registered_counted += u64::from(count.registered);
            voters += u64::from(count.voters);
            ballots += u64::from(count.ballots());
            blank += u64::from(count.blank);
            invalid += u64::from(count.invalid);
            valid_votes += u64::from(count.valid_votes);
            for (number, value) in &count.votes {
                *votes.entry(*number).or_default() += u64::from(*value);
            }
        }
        communes.push(commune_results(commune, record));
    }

    let communes_total = u32::try_from(list.communes.len()).unwrap_or(u32::MAX);
    let progress = race_progress(host.progress.clone(), communes_counted, communes_total);
    let candidates = config
        .candidates
        .iter()
        .map(|candidate| {
            let count = votes.get(&candidate.ballot_number).copied().unwrap_or(0);
            CandidateResult {
                ballot_number: candidate.ballot_number,
                name: candidate.display_name(),
                surname: candidate.surname.clone(),
                first_name: candidate.first_name.clone(),
                list_label: candidate.list_label.clone(),
                nuance: candidate.nuance.clone(),
                colour: candidate.colour.clone(),
                votes: count,
                share_of_valid_votes: Share::new(count, valid_votes, Denominator::ValidVotes),
                share_of_registered: Share::new(count, registered_counted, Denominator::Registered),
            }
        })
        .collect();
    let (code, name, kind) = match list.area.clone().or_else(|| default_area(config)) {
        Some(area) => (area.code, area.name, area.kind),
        None => (
            String::new(),
            "Circonscription".to_string(),
            AreaKind::Constituency,
        ),
    };
    let units_counted = progress.stations.counted + communes_counted;
    let units_total = progress.stations.total + communes_total;
    let area = AreaResults {
        kind,
        code,
        name,
        progress: Progress {
            counted: units_counted,
            total: units_total,
            share: Share::new(
                u64::from(units_counted),
                u64::from(units_total),
                Denominator::Stations,
            ),
            label: progress.label.clone(),
        },
        registered_all,
        registered_counted,
        voters,
        abstentions: registered_counted.saturating_sub(voters),
        ballots_found: ballots,
        blank,
        invalid,
        valid_votes,
        turnout_of_counted: Share::new(voters, registered_counted, Denominator::Registered),
        turnout_of_all: Share::new(voters, registered_all, Denominator::Registered),
        blank_share: Share::new(blank, voters, Denominator::Voters),
        invalid_share: Share::new(invalid, voters, Denominator::Voters),
        candidates,
    };

    // Without another commune listed, nothing says the commune is the whole race, so the
    // result is never called final.
    let decided = progress.complete && communes_total > 0;
    let (outcome, outcome_message) = match race_outcome(config, &area, decided) {
        Ok(outcome) => (Some(outcome), None),
        Err(message) => (None, Some(message)),
    };
    let provisional = !decided || outcome.as_ref().is_some_and(|o| o.provisional);
    let label = if communes_total == 0 {
        "Résultat provisoire : aucune autre commune n'est listée pour ce territoire".to_string()
    } else if !progress.complete {
        format!("Résultat provisoire ({})", progress.label)
    } else if provisional {
        "Résultat provisoire : l'élection dépasse ce territoire".to_string()
    } else {
        "Résultat définitif de toutes les communes".to_string()
    };
    RaceResults {
        election: summary,
        version,
        area,
        progress,
        provisional,
        label,
        host,
        communes,
        outcome,
        outcome_message,
    }
}

fn race_progress(stations: Progress, counted: u32, total: u32) -> RaceProgress {
    let complete = stations.is_complete() && counted == total;
    let label = format!(
        "bureaux de la commune {}/{}, communes {counted}/{total}",
        stations.counted, stations.total
    );
    RaceProgress {
        stations,
        communes_counted: counted,
        communes_total: total,
        communes_share: Share::new(u64::from(counted), u64::from(total), Denominator::Stations),
        complete,
        label,
    }
}

fn commune_results(commune: &OtherCommune, record: Option<&StationRecord>) -> CommuneResults {
    let status = record.map_or(StationStatus::NotArrived, |r| r.status);
    CommuneResults {
        insee_code: commune.insee_code.clone(),
        name: commune.name.clone(),
        registered: commune.registered,
        status,
        status_label: status.label_fr().to_string(),
        version: record.map_or(0, |r| r.version),
        updated_at: record.map(|r| r.updated_at.clone()),
        updated_by: record.map(|r| r.updated_by.clone()),
        count: record.map(|r| r.count.clone()),
        turnout: record.map(|r| {
            Share::new(
                u64::from(r.count.voters),
                u64::from(r.count.registered),
                Denominator::Registered,
            )
        }),
        findings: record.map(|r| r.findings.clone()).unwrap_or_default(),
        inconsistency_reason: record.and_then(|r| r.inconsistency_reason.clone()),
    }
}

/// Applies the single-member outcome rules to the whole race. Until every commune is in,
/// the race extends beyond what was counted, so the outcome is provisional.
fn race_outcome(
    config: &ElectionConfig,
    area: &AreaResults,
    complete: bool,
) -> Result<RaceOutcome, String> {
    let round = Round::from_number(config.round)
        .ok_or_else(|| format!("tour {} invalide", config.round))?;
    let votes_sum: u64 = area.candidates.iter().map(|c| c.votes).sum();
    if votes_sum == 0 {
        return Err("aucune voix comptée : pas encore de résultat".to_string());
    }
    // Once complete, the inscrits of the records are the race's; before, the listed and
    // configured inscrits of every commune are the best known figure.
    let registered = if complete {
        area.registered_counted
    } else {
        area.registered_all
    };
    let request = RaceRequest {
        round,
        registered,
        valid_votes: votes_sum,
        candidates: area
            .candidates
            .iter()
            .map(|c| CandidateVotes::new(c.ballot_number, c.votes))
            .collect(),
        extent: if complete {
            RaceExtent::Commune
        } else {
            RaceExtent::BeyondCommune
        },
    };
    let computed = match config.kind {
        ElectionKind::Legislative => outcome::legislative_outcome(&request),
        ElectionKind::Departmental => outcome::departmental_outcome(&request),
        ElectionKind::Presidential => outcome::presidential_outcome(&request),
        _ => {
            return Err(format!(
                "{} : pas de règle d'élu ou de qualifié pour une circonscription ou un canton",
                config.kind.label_fr()
            ));
        }
    };
    computed.map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests;
