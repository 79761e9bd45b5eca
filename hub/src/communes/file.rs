//! The other communes of a race found in a Ministry file: each commune's stations of the
//! same race, summed into one total.

use crate::import::CommuneElections;
use std::collections::BTreeMap;
use urne_common::communes::{GroupingArea, OtherCommune};
use urne_common::count::FinalCount;
use urne_common::election::ElectionConfig;
use urne_common::results::AreaKind;

/// One other commune read from a file, with the total of its stations in the race.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCommune {
    pub commune: OtherCommune,
    pub count: FinalCount,
    /// Stations summed.
    pub stations: usize,
}

/// Communes of a file sorted by whether they vote in the election's race.
#[derive(Debug, Clone, Default)]
pub struct RaceCommunes {
    pub communes: Vec<FileCommune>,
    /// INSEE codes of the communes whose rows belong to other races.
    pub other_races: Vec<String>,
    /// Whether the file had rows of the host commune, which were skipped.
    pub host_skipped: bool,
}

fn same_surname(left: &str, right: &str) -> bool {
    left.trim().to_uppercase() == right.trim().to_uppercase()
}

/// Returns whether an election read from the file shows the race's candidates: the same
/// ballot numbers with the same surnames.
fn same_candidates(config: &ElectionConfig, read: &ElectionConfig) -> bool {
    config.candidates.len() == read.candidates.len()
        && config.candidates.iter().all(|candidate| {
            read.candidate(candidate.ballot_number)
                .is_some_and(|other| same_surname(&other.surname, &candidate.surname))
        })
}

/// Keeps, for each commune of the file other than the host, the stations of the
/// election's race and sums them.
///
/// A station belongs to the race when the file names its constituency and it is the
/// area's (for a constituency area). Otherwise its election must show the same candidates
/// as the race, because files of the législatives 2024 give no constituency and their races
/// differ by their candidates.
pub fn race_communes(
    read: Vec<CommuneElections>,
    config: &ElectionConfig,
    area: &GroupingArea,
) -> RaceCommunes {
    let mut sorted = RaceCommunes::default();
    for commune in read {
        if commune.insee_code == config.commune.insee_code {
            sorted.host_skipped = true;
            continue;
        }
        let mut total: Option<(FinalCount, u32, usize)> = None;
        let mut name = commune.name.clone();
        for election in &commune.elections {
            if !same_candidates(config, &election.config) {
                continue;
            }
            name = name.or_else(|| Some(election.config.commune.name.clone()));
            for station in &election.config.stations {
                let in_area = match (&station.constituency, area.kind) {
                    (Some(code), AreaKind::Constituency) => code == &area.code,
                    _ => true,
                };
                let Some(count) = election.results.get(&station.code).filter(|_| in_area) else {
                    continue;
                };
                let (sum, ballots, stations) = total.get_or_insert_with(|| {
                    (
                        FinalCount {
                            registered: 0,
                            voters: 0,
                            ballots_found: None,
                            blank: 0,
                            invalid: 0,
                            valid_votes: 0,
                            votes: BTreeMap::new(),
                        },
                        0,
                        0,
                    )
                });
                add(sum, count);
                *ballots += count.ballots();
                *stations += 1;
            }
        }
        match total {
            Some((mut count, ballots, stations)) => {
                count.ballots_found = (ballots != count.voters).then_some(ballots);
                sorted.communes.push(FileCommune {
                    commune: OtherCommune {
                        insee_code: commune.insee_code.clone(),
                        name: name.unwrap_or_else(|| commune.insee_code.clone()),
                        registered: count.registered,
                    },
                    count,
                    stations,
                });
            }
            None => sorted.other_races.push(commune.insee_code),
        }
    }
    sorted
}

fn add(sum: &mut FinalCount, count: &FinalCount) {
    sum.registered += count.registered;
    sum.voters += count.voters;
    sum.blank += count.blank;
    sum.invalid += count.invalid;
    sum.valid_votes += count.valid_votes;
    for (number, votes) in &count.votes {
        *sum.votes.entry(*number).or_default() += votes;
    }
}
