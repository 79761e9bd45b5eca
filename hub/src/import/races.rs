//! Splitting the stations of a results file into races. A commune split across two
//! legislative constituencies votes in two races on the same day: its stations show two
//! different sets of candidates. Other kinds of election are one race per commune.

use super::ImportError;
use super::error::Location;
use super::records::{ResultFile, StationResult};
use super::values::name_key;
use std::collections::BTreeMap;
use urne_common::election::{Candidate, ElectionKind, Sex};

/// Stations of one race with the candidates they show.
#[derive(Debug, Clone)]
pub(crate) struct Race {
    /// Constituency the results file states for these stations, if any.
    pub constituency: Option<String>,
    pub stations: Vec<StationResult>,
    /// Candidates merged over the race's stations, in ballot-number order.
    pub candidates: Vec<Candidate>,
}

/// Identity of a station's candidate set: ballot numbers with the names written there.
type Signature = Vec<(u32, String, String)>;

fn signature(station: &StationResult) -> Signature {
    let mut signature: Signature = station
        .votes
        .iter()
        .map(|votes| {
            (
                votes.candidate.ballot_number,
                name_key(&votes.candidate.surname),
                name_key(&votes.candidate.first_name),
            )
        })
        .collect();
    signature.sort();
    signature
}

/// Groups the stations of a results file into races. Legislative stations are grouped by
/// the constituency the file states, else by their candidate set; for other kinds every
/// station must show the same candidates.
pub(crate) fn split_races(
    result: &ResultFile,
    kind: ElectionKind,
) -> Result<Vec<Race>, ImportError> {
    // NOTE: départementales also split a commune (by canton), but no sample of their
    // per-bureau file was available, so they are read as one race.
    let splits = kind == ElectionKind::Legislative;
    let mut groups: BTreeMap<(Option<String>, Signature), Vec<StationResult>> = BTreeMap::new();
    for station in &result.stations {
        let key = match (&station.constituency, splits) {
            (Some(constituency), true) => (Some(constituency.clone()), Vec::new()),
            (None, true) => (None, signature(station)),
            (_, false) => (None, Vec::new()),
        };
        groups.entry(key).or_default().push(station.clone());
    }
    let mut races = Vec::with_capacity(groups.len());
    for ((constituency, _), mut stations) in groups {
        stations.sort_by(|a, b| a.code.cmp(&b.code));
        let candidates = merge_race_candidates(result, &stations)?;
        races.push(Race {
            constituency,
            stations,
            candidates,
        });
    }
    races.sort_by(|a, b| a.stations[0].code.cmp(&b.stations[0].code));
    Ok(races)
}

/// Checks that every station of a race shows the same candidates, and merges each
/// candidate's attributes across the rows.
fn merge_race_candidates(
    result: &ResultFile,
    stations: &[StationResult],
) -> Result<Vec<Candidate>, ImportError> {
    let first = &stations[0];
    let expected = signature(first);
    let mut merged: BTreeMap<u32, (Candidate, usize)> = BTreeMap::new();
    for station in stations {
        if signature(station) != expected {
            return Err(ImportError::at(
                Location::cell(&result.file, station.line, &result.station_column),
                Some(station.code.as_str()),
                &format!(
                    "le bureau {} n'a pas les mêmes candidats que le bureau {} (ligne {})",
                    station.code, first.code, first.line
                ),
                "tous les bureaux d'une même élection doivent présenter les mêmes candidats : \
                 vérifiez les colonnes des candidats de cette ligne",
            ));
        }
        for votes in &station.votes {
            let number = votes.candidate.ballot_number;
            match merged.get_mut(&number) {
                None => {
                    merged.insert(number, (votes.candidate.clone(), station.line));
                }
                Some((candidate, first_line)) => {
                    if let Err(conflict) = merge_candidate(candidate, &votes.candidate) {
                        return Err(ImportError::at(
                            Location::cell(&result.file, station.line, &votes.column),
                            Some(&conflict.new_value),
                            &format!(
                                "le candidat n°{number} a {} « {} » ici mais « {} » ligne {}",
                                conflict.field, conflict.new_value, conflict.old_value, first_line
                            ),
                            "un même candidat doit être décrit de la même façon sur toutes les \
                             lignes : corrigez le fichier puis relancez l'import",
                        ));
                    }
                }
            }
        }
    }
    Ok(merged
        .into_values()
        .map(|(candidate, _)| candidate)
        .collect())
}

/// Two different values of one attribute of a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Conflict {
    /// French name of the attribute, with its article (« le nom »).
    pub field: &'static str,
    pub old_value: String,
    pub new_value: String,
}

/// Fills the empty attributes of `target` from `other`; an attribute set in both with
/// different values is a conflict. Names compare without accents or case.
pub(crate) fn merge_candidate(target: &mut Candidate, other: &Candidate) -> Result<(), Conflict> {
    merge_name(&mut target.surname, &other.surname, "le nom")?;
    merge_name(&mut target.first_name, &other.first_name, "le prénom")?;
    if let Some(sex) = other.sex {
        match target.sex {
            Some(existing) if existing != sex => {
                return Err(Conflict {
                    field: "le sexe",
                    old_value: sex_letter(existing).to_string(),
                    new_value: sex_letter(sex).to_string(),
                });
            }
            _ => target.sex = Some(sex),
        }
    }
    merge_text(&mut target.nuance, &other.nuance, "la nuance")?;
    merge_text(
        &mut target.nuance_label,
        &other.nuance_label,
        "le libellé de nuance",
    )?;
    merge_text(
        &mut target.list_label,
        &other.list_label,
        "le libellé de liste",
    )?;
    merge_text(&mut target.colour, &other.colour, "la couleur")?;
    Ok(())
}

fn sex_letter(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "F",
        Sex::Male => "M",
    }
}

fn merge_name(target: &mut String, other: &str, field: &'static str) -> Result<(), Conflict> {
    if other.is_empty() {
        return Ok(());
    }
    if target.is_empty() {
        *target = other.to_string();
        return Ok(());
    }
    if name_key(target) != name_key(other) {
        return Err(Conflict {
            field,
            old_value: target.clone(),
            new_value: other.to_string(),
        });
    }
    Ok(())
}

fn merge_text(
    target: &mut Option<String>,
    other: &Option<String>,
    field: &'static str,
) -> Result<(), Conflict> {
    let Some(other) = other else {
        return Ok(());
    };
    match target {
        Some(existing) if existing.trim() != other.trim() => Err(Conflict {
            field,
            old_value: existing.clone(),
            new_value: other.clone(),
        }),
        Some(_) => Ok(()),
        None => {
            *target = Some(other.clone());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::records::{CandidateVotes, Figures, Hints, bare_candidate};
    use super::*;
    use urne_common::election::StationCode;

    fn station(code: &str, line: usize, names: &[(u32, &str)]) -> StationResult {
        StationResult {
            line,
            code: StationCode::parse(code).unwrap(),
            constituency: None,
            figures: Figures {
                registered: 10,
                voters: 5,
                ballots_found: None,
                blank: 0,
                invalid: 0,
                valid_votes: 5,
            },
            votes: names
                .iter()
                .map(|(number, surname)| {
                    let mut candidate = bare_candidate(*number);
                    candidate.surname = (*surname).to_string();
                    CandidateVotes {
                        candidate,
                        votes: 1,
                        column: format!("Voix {number}"),
                    }
                })
                .collect(),
        }
    }

    fn file(stations: Vec<StationResult>) -> ResultFile {
        ResultFile {
            file: "lg.csv".into(),
            format: "ministere-lg2024",
            name_hints: Hints::default(),
            content_hints: Hints::default(),
            default_kind: Some(ElectionKind::Legislative),
            commune: None,
            station_column: "Code BV".into(),
            stations,
        }
    }

    #[test]
    fn legislative_split_by_candidate_set() {
        let result = file(vec![
            station("0003", 4, &[(1, "DONVAL"), (2, "LE GAC")]),
            station("0001", 2, &[(1, "CADALEN"), (2, "KERVELLA")]),
            station("0002", 3, &[(1, "DONVAL"), (2, "LE GAC")]),
        ]);
        let races = split_races(&result, ElectionKind::Legislative).unwrap();
        assert_eq!(races.len(), 2);
        assert_eq!(races[0].stations[0].code.as_str(), "0001");
        assert_eq!(races[0].candidates[0].surname, "CADALEN");
        let codes: Vec<&str> = races[1].stations.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, vec!["0002", "0003"]);
    }

    #[test]
    fn other_kinds_need_same_candidates() {
        let result = file(vec![
            station("0001", 2, &[(1, "A"), (2, "B")]),
            station("0002", 3, &[(1, "A")]),
        ]);
        let error = split_races(&result, ElectionKind::Presidential).unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(
            error.message.contains("mêmes candidats"),
            "{}",
            error.message
        );
    }

    #[test]
    fn merge_fills_and_detects_conflicts() {
        let mut target = bare_candidate(3);
        target.surname = "Bréhier".into();
        let mut other = bare_candidate(3);
        other.surname = "BREHIER".into();
        other.nuance = Some("ENS".into());
        assert_eq!(merge_candidate(&mut target, &other), Ok(()));
        assert_eq!(target.nuance.as_deref(), Some("ENS"));
        other.nuance = Some("DVC".into());
        let conflict = merge_candidate(&mut target, &other).unwrap_err();
        assert_eq!(conflict.field, "la nuance");
    }
}
