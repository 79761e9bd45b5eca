//! Turning the parsed files of a batch into elections: pairing Urne's votes file with its
//! stations file, resolving kind, round, date and commune, splitting races, enriching them
//! with the reference files and building each [`ElectionConfig`].

use super::calendar::{label, scope_suffix};
use super::enrich::{Draft, References, drafts_from_races, drafts_without_results};
use super::error::Location;
use super::metadata::{Metadata, Source, resolve};
use super::races::split_races;
use super::records::{
    CandidateVotes, Figures, Hints, ParsedFile, ResultFile, StationRef, StationResult,
    StationsFile, VotesFile, bare_candidate,
};
use super::{ImportError, ImportOptions, ImportedElection};
use chrono::Datelike;
use std::collections::{BTreeMap, BTreeSet};
use urne_common::election::{ElectionConfig, ElectionKind, StationCode};

/// The files of a batch, sorted by role.
struct Batch {
    results: Vec<ResultFile>,
    stations: Option<StationsFile>,
    candidates: Option<super::records::CandidatesFile>,
    votes: Option<VotesFile>,
}

/// Builds the elections of a batch of parsed files.
pub(crate) fn build(
    parsed: Vec<ParsedFile>,
    options: &ImportOptions,
) -> Result<Vec<ImportedElection>, ImportError> {
    let mut batch = sort_files(parsed)?;
    if let Some(votes) = &batch.votes {
        let Some(stations) = &batch.stations else {
            return Err(ImportError::at(
                Location::file(&votes.file),
                None,
                "un fichier de voix a besoin du fichier des bureaux (inscrits, votants, blancs, \
                 nuls, exprimés) pour former des résultats",
                "ajoutez le fichier *_bureaux.csv de la même élection à l'import",
            ));
        };
        let result = results_from_votes(votes, stations)?;
        batch.results.push(result);
    }
    let references = References {
        stations: batch.stations.as_ref(),
        candidates: batch.candidates.as_ref(),
    };
    let mut reference_sources: Vec<Source<'_>> = Vec::new();
    let mut reference_names: Vec<String> = Vec::new();
    if let Some(file) = &batch.stations {
        reference_sources.push(Source::name(&file.file, &file.name_hints));
        reference_names.push(format!("urne-bureaux ({})", file.file));
    }
    if let Some(file) = &batch.candidates {
        reference_sources.push(Source::name(&file.file, &file.name_hints));
        reference_names.push(format!("urne-candidats ({})", file.file));
    }
    let mut elections = Vec::new();
    if batch.results.is_empty() {
        let (Some(stations), Some(candidates)) = (&batch.stations, &batch.candidates) else {
            return Err(ImportError::batch(
                "aucun fichier de résultats, et il faut à la fois un fichier de bureaux et un \
                 fichier de candidats (ou de listes) pour créer une élection sans résultats",
                "ajoutez le fichier manquant, ou un fichier de résultats",
            ));
        };
        let metadata = resolve(None, &reference_sources, options)?;
        let drafts = drafts_without_results(metadata.kind, stations, candidates)?;
        let several = drafts.len() > 1;
        for draft in drafts {
            let election = finish(draft, &metadata, reference_names.clone(), several, options)?;
            elections.push(election);
        }
    } else {
        let mut used_candidates = BTreeSet::new();
        for result in &batch.results {
            if result.stations.is_empty() {
                return Err(ImportError::at(
                    Location::file(&result.file),
                    None,
                    "aucun bureau de vote dans ce fichier",
                    "vérifiez que le fichier contient des lignes de résultats",
                ));
            }
            let metadata = resolve(Some(result), &reference_sources, options)?;
            let races = split_races(result, metadata.kind)?;
            let drafts = drafts_from_races(result, races, references, &mut used_candidates)?;
            let several = drafts.len() > 1;
            let mut sources = vec![format!("{} ({})", result.format, result.file)];
            sources.extend(reference_names.iter().cloned());
            for draft in drafts {
                elections.push(finish(draft, &metadata, sources.clone(), several, options)?);
            }
        }
        if let Some(candidates) = &batch.candidates {
            check_all_candidates_used(candidates, &used_candidates)?;
        }
    }
    check_distinct(&elections)?;
    Ok(elections)
}

fn sort_files(parsed: Vec<ParsedFile>) -> Result<Batch, ImportError> {
    let mut batch = Batch {
        results: Vec::new(),
        stations: None,
        candidates: None,
        votes: None,
    };
    for file in parsed {
        match file {
            ParsedFile::Results(result) => batch.results.push(result),
            ParsedFile::Stations(file) => {
                let name = file.file.clone();
                set_once(&mut batch.stations, file, &name, "de bureaux")?;
            }
            ParsedFile::Candidates(file) => {
                let name = file.file.clone();
                set_once(
                    &mut batch.candidates,
                    file,
                    &name,
                    "de candidats ou de listes",
                )?;
            }
            ParsedFile::Votes(file) => {
                let name = file.file.clone();
                set_once(&mut batch.votes, file, &name, "de voix")?;
            }
        }
    }
    Ok(batch)
}

fn set_once<T>(slot: &mut Option<T>, file: T, name: &str, role: &str) -> Result<(), ImportError> {
    if slot.is_some() {
        return Err(ImportError::at(
            Location::file(name),
            None,
            &format!("un seul fichier {role} est accepté par import"),
            "importez chaque élection et chaque tour séparément",
        ));
    }
    *slot = Some(file);
    Ok(())
}

/// Builds a results file from Urne's votes file, taking each station's figures from the
/// stations file.
fn results_from_votes(
    votes: &VotesFile,
    stations: &StationsFile,
) -> Result<ResultFile, ImportError> {
    let by_code: BTreeMap<&StationCode, &StationRef> =
        stations.stations.iter().map(|s| (&s.code, s)).collect();
    let mut results: BTreeMap<StationCode, StationResult> = BTreeMap::new();
    for row in &votes.rows {
        let Some(reference) = by_code.get(&row.code) else {
            return Err(ImportError::at(
                Location::cell(&votes.file, row.line, "code_bv"),
                Some(row.code.as_str()),
                &format!(
                    "bureau {} inconnu : il ne figure pas dans le fichier des bureaux {}",
                    row.code, stations.file
                ),
                "ajoutez ce bureau au fichier des bureaux, ou corrigez le code du bureau, puis \
                 relancez l'import",
            ));
        };
        if !results.contains_key(&row.code) {
            let station = StationResult {
                line: row.line,
                code: row.code.clone(),
                constituency: reference.constituency.clone(),
                figures: figures_of(stations, reference, votes)?,
                votes: Vec::new(),
            };
            results.insert(row.code.clone(), station);
        }
        let mut candidate = bare_candidate(row.ballot_number);
        candidate.surname = row.surname.clone().unwrap_or_default();
        candidate.first_name = row.first_name.clone().unwrap_or_default();
        if let Some(station) = results.get_mut(&row.code) {
            station.votes.push(CandidateVotes {
                candidate,
                votes: row.votes,
                column: "voix".to_string(),
            });
        }
    }
    Ok(ResultFile {
        file: votes.file.clone(),
        format: "urne-voix",
        name_hints: votes.name_hints.clone(),
        content_hints: Hints::default(),
        default_kind: None,
        commune: None,
        station_column: "code_bv".to_string(),
        stations: results.into_values().collect(),
    })
}

/// Reads a station's figures from the stations file. All are required, because the votes
/// file has results for the station.
fn figures_of(
    stations: &StationsFile,
    reference: &StationRef,
    votes: &VotesFile,
) -> Result<Figures, ImportError> {
    let voters_column = if stations.has_second_count {
        "votants_autre_decompte"
    } else {
        "votants"
    };
    let require = |value: Option<u32>, column: &str| {
        value.ok_or_else(|| {
            ImportError::at(
                Location::cell(&stations.file, reference.line, column),
                Some(""),
                &format!(
                    "valeur « {column} » absente pour le bureau {}, qui a des voix dans {}",
                    reference.code, votes.file
                ),
                "remplissez la colonne dans le fichier des bureaux puis relancez l'import",
            )
        })
    };
    let voters = require(reference.voters, voters_column)?;
    Ok(Figures {
        registered: require(reference.registered, "inscrits")?,
        voters,
        ballots_found: reference.ballots.filter(|ballots| *ballots != voters),
        blank: require(reference.blank, "blancs")?,
        invalid: require(reference.invalid, "nuls")?,
        valid_votes: require(reference.valid_votes, "exprimes")?,
    })
}

/// Builds and validates the configuration of one election.
fn finish(
    draft: Draft,
    metadata: &Metadata,
    sources: Vec<String>,
    several: bool,
    options: &ImportOptions,
) -> Result<ImportedElection, ImportError> {
    let election_label = match &options.label {
        Some(text) if several => format!("{text}{}", scope_suffix(&draft.scope)),
        Some(text) => text.clone(),
        None => label(
            metadata.kind,
            metadata.date.year(),
            metadata.round,
            &draft.scope,
        ),
    };
    let mut candidates = draft.candidates;
    for candidate in &mut candidates {
        name_unnamed(candidate, metadata.kind);
    }
    candidates.sort_by_key(|candidate| candidate.ballot_number);
    let config = ElectionConfig {
        kind: metadata.kind,
        date: metadata.date,
        round: metadata.round,
        scope: draft.scope,
        label: election_label,
        commune: metadata.commune.clone(),
        opening: ElectionConfig::default_opening(),
        closing: ElectionConfig::default_closing(),
        turnout_slots: ElectionConfig::default_turnout_slots(),
        rehearsal: false,
        stations: draft.stations,
        candidates,
    };
    if let Err(problem) = config.validate() {
        let file = sources
            .first()
            .map_or(String::new(), |source| source.clone());
        return Err(ImportError::batch(
            &format!(
                "configuration invalide pour {} ({file}) : {problem}",
                config.label
            ),
            "corrigez les fichiers importés puis relancez l'import",
        ));
    }
    Ok(ImportedElection {
        config,
        results: draft.results,
        sources,
    })
}

/// Gives a candidate that no file names a name built from its ballot number, so that
/// every display shows something (the Toulouse layout has list numbers only).
fn name_unnamed(candidate: &mut urne_common::election::Candidate, kind: ElectionKind) {
    let has_name = !candidate.surname.trim().is_empty()
        || candidate
            .list_label
            .as_deref()
            .is_some_and(|label| !label.trim().is_empty());
    if has_name {
        return;
    }
    if kind.is_list_ballot() {
        candidate.list_label = Some(format!("Liste n°{}", candidate.ballot_number));
    } else {
        candidate.surname = format!("Candidat n°{}", candidate.ballot_number);
    }
}

fn check_all_candidates_used(
    candidates: &super::records::CandidatesFile,
    used: &BTreeSet<usize>,
) -> Result<(), ImportError> {
    let unused = candidates
        .candidates
        .iter()
        .enumerate()
        .find(|(index, _)| !used.contains(index));
    if let Some((_, row)) = unused {
        let number = row.candidate.ballot_number;
        return Err(ImportError::at(
            Location::cell(&candidates.file, row.line, &candidates.number_column),
            Some(&number.to_string()),
            &format!(
                "le numéro {number} ({}) n'apparaît dans aucun fichier de résultats de l'import",
                row.candidate.display_name()
            ),
            "retirez cette ligne du fichier des candidats, ou vérifiez que les fichiers \
             concernent la même élection et le même tour",
        ));
    }
    Ok(())
}

/// Rejects two results files that describe the same election.
fn check_distinct(elections: &[ImportedElection]) -> Result<(), ImportError> {
    let mut seen: BTreeMap<String, &ImportedElection> = BTreeMap::new();
    for election in elections {
        let config = &election.config;
        let key = format!(
            "{:?}|{}|{}|{}|{:?}",
            config.kind, config.date, config.round, config.commune.insee_code, config.scope
        );
        if let Some(previous) = seen.insert(key, election) {
            return Err(ImportError::batch(
                &format!(
                    "deux fichiers décrivent la même élection ({}) : {} et {}",
                    config.label,
                    previous.sources.first().map_or("", String::as_str),
                    election.sources.first().map_or("", String::as_str)
                ),
                "n'importez qu'un fichier de résultats par élection et par tour",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnamed_candidates_named_by_number() {
        let mut list = bare_candidate(5);
        name_unnamed(&mut list, ElectionKind::Municipal);
        assert_eq!(list.list_label.as_deref(), Some("Liste n°5"));
        let mut candidate = bare_candidate(3);
        name_unnamed(&mut candidate, ElectionKind::Presidential);
        assert_eq!(candidate.surname, "Candidat n°3");
        let mut named = bare_candidate(1);
        named.surname = "ARTHAUD".to_string();
        name_unnamed(&mut named, ElectionKind::Presidential);
        assert_eq!(named.surname, "ARTHAUD");
    }
}
