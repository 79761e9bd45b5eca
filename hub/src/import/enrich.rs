//! Enrichment of races by Urne's reference files (stations, candidates), and the checks
//! that reject a batch whose reference files contradict its results.

use super::ImportError;
use super::error::Location;
use super::races::{Race, merge_candidate};
use super::records::{CandidatesFile, ResultFile, StationRef, StationResult, StationsFile};
use super::values::name_key;
use super::wide::{COMMUNE_LEVEL_CODE, COMMUNE_LEVEL_NAME};
use std::collections::{BTreeMap, BTreeSet};
use urne_common::count::FinalCount;
use urne_common::election::{Candidate, ElectionKind, PollingStation, Scope, StationCode};

/// Stations, candidates and results of one election, before its metadata is resolved.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub scope: Scope,
    pub stations: Vec<PollingStation>,
    pub candidates: Vec<Candidate>,
    pub results: BTreeMap<StationCode, FinalCount>,
}

/// Reference files of a batch.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct References<'a> {
    pub stations: Option<&'a StationsFile>,
    pub candidates: Option<&'a CandidatesFile>,
}

/// Name of a station that no file names.
fn default_station_name(code: &StationCode) -> String {
    if code.as_str() == COMMUNE_LEVEL_CODE {
        COMMUNE_LEVEL_NAME.to_string()
    } else {
        format!("Bureau {code}")
    }
}

/// Code given to the n-th race (1-based) of a commune when no file names its
/// constituency: the Ministry's 2024 per-bureau file does not state it.
fn generated_constituency(rank: usize) -> String {
    format!("groupe-{rank}")
}

/// Builds the drafts of a results file's races, checking and enriching them with the
/// reference files. Marks in `used_candidates` the rows of the candidates file it used.
pub(crate) fn drafts_from_races(
    result: &ResultFile,
    mut races: Vec<Race>,
    references: References<'_>,
    used_candidates: &mut BTreeSet<usize>,
) -> Result<Vec<Draft>, ImportError> {
    let by_code: BTreeMap<&StationCode, &StationRef> = references
        .stations
        .map(|file| file.stations.iter().map(|s| (&s.code, s)).collect())
        .unwrap_or_default();
    if let Some(stations_file) = references.stations {
        for station in races.iter().flat_map(|race| &race.stations) {
            let Some(reference) = by_code.get(&station.code) else {
                return Err(unknown_station(result, station, stations_file));
            };
            check_station(result, station, stations_file, reference)?;
        }
    }
    for race in &mut races {
        if race.constituency.is_none() {
            race.constituency = constituency_of_stations(result, race, &by_code)?;
        }
    }
    if let Some(candidates_file) = references.candidates {
        for race in &mut races {
            if race.constituency.is_none() {
                race.constituency = constituency_of_candidates(race, candidates_file);
            }
            enrich_candidates(result, race, candidates_file, used_candidates)?;
        }
    }
    let codes = race_codes(result, &races)?;
    let several = races.len() > 1;
    let mut drafts = Vec::with_capacity(races.len());
    for (race, code) in races.iter().zip(&codes) {
        let mut draft = Draft {
            scope: if several {
                Scope::Constituency(code.clone())
            } else {
                Scope::Commune
            },
            stations: Vec::with_capacity(race.stations.len()),
            candidates: race.candidates.clone(),
            results: BTreeMap::new(),
        };
        for station in &race.stations {
            let reference = by_code.get(&station.code).copied();
            let constituency = if several {
                Some(code.clone())
            } else {
                station
                    .constituency
                    .clone()
                    .or_else(|| reference.and_then(|r| r.constituency.clone()))
                    .or_else(|| race.constituency.clone())
            };
            draft.stations.push(polling_station(
                &station.code,
                reference,
                constituency,
                station.figures.registered,
            ));
            draft
                .results
                .insert(station.code.clone(), final_count(station));
        }
        drafts.push(draft);
    }
    if let Some(stations_file) = references.stations {
        add_stations_without_results(&mut drafts, &codes, stations_file)?;
    }
    for draft in &mut drafts {
        draft.stations.sort_by(|a, b| a.code.cmp(&b.code));
    }
    Ok(drafts)
}

fn polling_station(
    code: &StationCode,
    reference: Option<&StationRef>,
    constituency: Option<String>,
    registered: u32,
) -> PollingStation {
    PollingStation {
        code: code.clone(),
        name: reference
            .and_then(|r| r.name.clone())
            .unwrap_or_else(|| default_station_name(code)),
        polling_place: reference.and_then(|r| r.polling_place.clone()),
        canton: reference.and_then(|r| r.canton.clone()),
        constituency,
        registered,
    }
}

fn final_count(station: &StationResult) -> FinalCount {
    let figures = station.figures;
    FinalCount {
        registered: figures.registered,
        voters: figures.voters,
        ballots_found: figures.ballots_found,
        blank: figures.blank,
        invalid: figures.invalid,
        valid_votes: figures.valid_votes,
        votes: station
            .votes
            .iter()
            .map(|votes| (votes.candidate.ballot_number, votes.votes))
            .collect(),
    }
}

fn unknown_station(
    result: &ResultFile,
    station: &StationResult,
    stations_file: &StationsFile,
) -> ImportError {
    ImportError::at(
        Location::cell(&result.file, station.line, &result.station_column),
        Some(station.code.as_str()),
        &format!(
            "bureau {} inconnu : il ne figure pas dans le fichier des bureaux {}",
            station.code, stations_file.file
        ),
        "ajoutez ce bureau au fichier des bureaux, ou corrigez le code du bureau, puis \
         relancez l'import",
    )
}

/// Rejects a stations-file row whose figures or constituency differ from the results.
fn check_station(
    result: &ResultFile,
    station: &StationResult,
    stations_file: &StationsFile,
    reference: &StationRef,
) -> Result<(), ImportError> {
    let figures = station.figures;
    let voters_column = if stations_file.has_second_count {
        "votants_autre_decompte"
    } else {
        "votants"
    };
    let checks = [
        ("inscrits", reference.registered, figures.registered),
        (voters_column, reference.voters, figures.voters),
        ("votants", reference.ballots, figures.ballots()),
        ("blancs", reference.blank, figures.blank),
        ("nuls", reference.invalid, figures.invalid),
        ("exprimes", reference.valid_votes, figures.valid_votes),
    ];
    for (column, expected, found) in checks {
        if let Some(expected) = expected.filter(|expected| *expected != found) {
            return Err(ImportError::at(
                Location::cell(&stations_file.file, reference.line, column),
                Some(&expected.to_string()),
                &format!(
                    "le bureau {} a {expected} en « {column} » ici, mais {found} dans {} \
                     (ligne {})",
                    station.code, result.file, station.line
                ),
                "les deux fichiers doivent concerner la même élection et le même tour : \
                 corrigez l'un d'eux puis relancez l'import",
            ));
        }
    }
    if let (Some(stated), Some(referenced)) = (&station.constituency, &reference.constituency)
        && stated != referenced
    {
        return Err(ImportError::at(
            Location::cell(&stations_file.file, reference.line, "circonscription"),
            Some(referenced),
            &format!(
                "le bureau {} est dans la circonscription {referenced} ici, mais {stated} dans \
                 {} (ligne {})",
                station.code, result.file, station.line
            ),
            "corrigez la circonscription du bureau puis relancez l'import",
        ));
    }
    Ok(())
}

/// Constituency of a race from the stations file, when its stations name one.
fn constituency_of_stations(
    result: &ResultFile,
    race: &Race,
    by_code: &BTreeMap<&StationCode, &StationRef>,
) -> Result<Option<String>, ImportError> {
    let mut found: BTreeMap<&str, &StationRef> = BTreeMap::new();
    for station in &race.stations {
        if let Some(reference) = by_code.get(&station.code)
            && let Some(constituency) = reference.constituency.as_deref()
        {
            found.entry(constituency).or_insert(reference);
        }
    }
    if found.len() > 1 {
        let listed: Vec<&str> = found.keys().copied().collect();
        let first = &race.stations[0];
        return Err(ImportError::at(
            Location::cell(&result.file, first.line, &result.station_column),
            Some(first.code.as_str()),
            &format!(
                "les bureaux qui présentent les mêmes candidats que le bureau {} sont rattachés \
                 à plusieurs circonscriptions dans le fichier des bureaux ({})",
                first.code,
                listed.join(", ")
            ),
            "corrigez la colonne circonscription du fichier des bureaux puis relancez l'import",
        ));
    }
    Ok(found.keys().next().map(|code| (*code).to_string()))
}

/// Constituency of a race from the candidates file: the only constituency whose
/// candidates have the race's ballot numbers and surnames.
fn constituency_of_candidates(race: &Race, candidates_file: &CandidatesFile) -> Option<String> {
    let constituencies: BTreeSet<&str> = candidates_file
        .candidates
        .iter()
        .filter_map(|row| row.constituency.as_deref())
        .collect();
    let matching: Vec<&str> = constituencies
        .into_iter()
        .filter(|constituency| {
            race.candidates.iter().all(|candidate| {
                candidates_file.candidates.iter().any(|row| {
                    row.constituency.as_deref() == Some(*constituency)
                        && row.candidate.ballot_number == candidate.ballot_number
                        && names_agree(&row.candidate.surname, &candidate.surname)
                })
            })
        })
        .collect();
    match matching.as_slice() {
        [only] => Some((*only).to_string()),
        _ => None,
    }
}

fn names_agree(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || name_key(a) == name_key(b)
}

/// Completes a race's candidates from the candidates file. A candidate missing from the
/// file, or described differently, is an error.
fn enrich_candidates(
    result: &ResultFile,
    race: &mut Race,
    candidates_file: &CandidatesFile,
    used: &mut BTreeSet<usize>,
) -> Result<(), ImportError> {
    let first_station = &race.stations[0];
    for candidate in &mut race.candidates {
        let number = candidate.ballot_number;
        let pool: Vec<(usize, &super::records::CandidateRef)> = candidates_file
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, row)| row.candidate.ballot_number == number)
            .filter(|(_, row)| match (&race.constituency, &row.constituency) {
                (Some(race_code), Some(row_code)) => race_code == row_code,
                _ => true,
            })
            .collect();
        let named: Vec<(usize, &super::records::CandidateRef)> = pool
            .iter()
            .copied()
            .filter(|(_, row)| names_agree(&row.candidate.surname, &candidate.surname))
            .collect();
        let column = first_station
            .votes
            .iter()
            .find(|votes| votes.candidate.ballot_number == number)
            .map_or(result.station_column.as_str(), |votes| {
                votes.column.as_str()
            });
        let at = Location::cell(&result.file, first_station.line, column);
        let (index, reference) = match (pool.as_slice(), named.as_slice()) {
            ([], _) => {
                return Err(ImportError::at(
                    at,
                    Some(&number.to_string()),
                    &format!(
                        "le candidat n°{number}{} ne figure pas dans le fichier des candidats {}",
                        describe(candidate),
                        candidates_file.file
                    ),
                    "ajoutez-le au fichier des candidats, ou vérifiez que les fichiers \
                     concernent la même élection, puis relancez l'import",
                ));
            }
            ([only], _) | (_, [only]) => *only,
            _ => {
                return Err(ImportError::at(
                    at,
                    Some(&number.to_string()),
                    &format!(
                        "le numéro {number} correspond à plusieurs lignes du fichier des \
                         candidats {} (une par circonscription)",
                        candidates_file.file
                    ),
                    "indiquez la circonscription de chaque bureau dans la colonne \
                     circonscription du fichier des bureaux, puis relancez l'import",
                ));
            }
        };
        let stated = candidate.clone();
        if let Err(conflict) = merge_candidate(candidate, &reference.candidate) {
            return Err(ImportError::at(
                Location::line(&candidates_file.file, reference.line),
                Some(&conflict.new_value),
                &format!(
                    "le candidat n°{number} a {} « {} » ici, mais « {} » dans {} (ligne {})",
                    conflict.field,
                    conflict.new_value,
                    conflict.old_value,
                    result.file,
                    first_station.line
                ),
                "corrigez le fichier des candidats, ou vérifiez que les fichiers concernent la \
                 même élection, puis relancez l'import",
            ));
        }
        // The reference file may spell names with accents the results file lost.
        if !reference.candidate.surname.is_empty() && !stated.surname.is_empty() {
            candidate.surname = reference.candidate.surname.clone();
        }
        if !reference.candidate.first_name.is_empty() && !stated.first_name.is_empty() {
            candidate.first_name = reference.candidate.first_name.clone();
        }
        used.insert(index);
    }
    Ok(())
}

/// « (NOM Prénom) » when the candidate has a name, else empty.
fn describe(candidate: &Candidate) -> String {
    let name = format!("{} {}", candidate.surname, candidate.first_name);
    let name = name.trim();
    if name.is_empty() {
        String::new()
    } else {
        format!(" ({name})")
    }
}

/// Codes of the races: the constituency found for each, else a generated one.
fn race_codes(result: &ResultFile, races: &[Race]) -> Result<Vec<String>, ImportError> {
    let mut codes: Vec<String> = Vec::with_capacity(races.len());
    for (index, race) in races.iter().enumerate() {
        let code = race
            .constituency
            .clone()
            .unwrap_or_else(|| generated_constituency(index + 1));
        if codes.contains(&code) {
            let station = &race.stations[0];
            return Err(ImportError::at(
                Location::cell(&result.file, station.line, &result.station_column),
                Some(station.code.as_str()),
                &format!(
                    "deux groupes de bureaux aux candidats différents sont rattachés à la \
                     circonscription {code}"
                ),
                "vérifiez la colonne circonscription du fichier des bureaux et du fichier des \
                 candidats, puis relancez l'import",
            ));
        }
        codes.push(code);
    }
    Ok(codes)
}

/// Adds the stations of the stations file that have no results to the draft of their
/// race: the only race, or the race of their constituency.
fn add_stations_without_results(
    drafts: &mut [Draft],
    codes: &[String],
    stations_file: &StationsFile,
) -> Result<(), ImportError> {
    let with_results: BTreeSet<StationCode> = drafts
        .iter()
        .flat_map(|draft| draft.results.keys().cloned())
        .collect();
    for reference in &stations_file.stations {
        if with_results.contains(&reference.code) {
            continue;
        }
        let target = if drafts.len() == 1 {
            Some(0)
        } else {
            reference
                .constituency
                .as_ref()
                .and_then(|constituency| codes.iter().position(|code| code == constituency))
        };
        let Some(target) = target else {
            return Err(ImportError::at(
                Location::cell(&stations_file.file, reference.line, "circonscription"),
                reference.constituency.as_deref(),
                &format!(
                    "le bureau {} n'a pas de résultats et sa circonscription ne correspond à \
                     aucune des élections importées ({})",
                    reference.code,
                    codes.join(", ")
                ),
                "indiquez sa circonscription dans le fichier des bureaux, ou retirez-le, puis \
                 relancez l'import",
            ));
        };
        let registered = required_registered(stations_file, reference)?;
        let constituency = if drafts.len() > 1 {
            Some(codes[target].clone())
        } else {
            reference.constituency.clone()
        };
        drafts[target].stations.push(polling_station(
            &reference.code,
            Some(reference),
            constituency,
            registered,
        ));
    }
    Ok(())
}

fn required_registered(
    stations_file: &StationsFile,
    reference: &StationRef,
) -> Result<u32, ImportError> {
    reference.registered.ok_or_else(|| {
        ImportError::at(
            Location::cell(&stations_file.file, reference.line, "inscrits"),
            Some(""),
            &format!(
                "le nombre d'inscrits du bureau {} est absent et aucun fichier de résultats ne \
                 le donne",
                reference.code
            ),
            "remplissez la colonne inscrits du fichier des bureaux puis relancez l'import",
        )
    })
}

/// Builds the drafts of a batch without results: the stations and candidates files alone.
/// A legislative candidates file with several constituencies gives one draft per
/// constituency, and the stations file's `circonscription` column assigns the stations.
pub(crate) fn drafts_without_results(
    kind: ElectionKind,
    stations_file: &StationsFile,
    candidates_file: &CandidatesFile,
) -> Result<Vec<Draft>, ImportError> {
    let constituencies: BTreeSet<Option<&str>> = candidates_file
        .candidates
        .iter()
        .map(|row| row.constituency.as_deref())
        .collect();
    let split = kind == ElectionKind::Legislative && constituencies.len() > 1;
    let mut drafts: Vec<Draft> = Vec::new();
    let mut codes: Vec<String> = Vec::new();
    if split {
        for constituency in &constituencies {
            let Some(code) = constituency else {
                let row = candidates_file
                    .candidates
                    .iter()
                    .find(|row| row.constituency.is_none());
                return Err(ImportError::at(
                    Location::cell(
                        &candidates_file.file,
                        row.map_or(1, |row| row.line),
                        "circonscription",
                    ),
                    Some(""),
                    "circonscription absente alors que d'autres lignes en indiquent une",
                    "indiquez la circonscription de chaque candidat puis relancez l'import",
                ));
            };
            codes.push((*code).to_string());
            drafts.push(Draft {
                scope: Scope::Constituency((*code).to_string()),
                stations: Vec::new(),
                candidates: candidates_of(candidates_file, Some(code)),
                results: BTreeMap::new(),
            });
        }
    } else {
        drafts.push(Draft {
            scope: Scope::Commune,
            stations: Vec::new(),
            candidates: candidates_of(candidates_file, None),
            results: BTreeMap::new(),
        });
    }
    add_stations_without_results(&mut drafts, &codes, stations_file)?;
    for draft in &mut drafts {
        draft.stations.sort_by(|a, b| a.code.cmp(&b.code));
    }
    Ok(drafts)
}

fn candidates_of(candidates_file: &CandidatesFile, constituency: Option<&str>) -> Vec<Candidate> {
    let mut candidates: Vec<Candidate> = candidates_file
        .candidates
        .iter()
        .filter(|row| constituency.is_none() || row.constituency.as_deref() == constituency)
        .map(|row| row.candidate.clone())
        .collect();
    candidates.sort_by_key(|candidate| candidate.ballot_number);
    candidates
}
