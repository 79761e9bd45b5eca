//! The whole constituency or canton on the results screen, when the hub lists other
//! communes of the race: their totals added to the commune's stations.

use crate::format;
use crate::snapshot::Snapshot;
use crate::view::candidate_colour;
use crate::{CandidateRow, Figure};
use serde::{Deserialize, Serialize};
use urne_common::results::AreaResults;

/// The part of the hub's `/race` view the kiosk draws; the hub sends more fields, which are
/// ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceSummary {
    pub area: AreaResults,
    /// True until every station and every listed commune is counted.
    pub provisional: bool,
    pub progress: RaceProgressSummary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceProgressSummary {
    pub communes_total: u32,
    /// « bureaux de la commune 6/6, communes 2/3 ».
    pub label: String,
}

impl RaceSummary {
    /// Returns whether the race has other communes to show.
    pub fn has_other_communes(&self) -> bool {
        self.progress.communes_total > 0
    }
}

/// Title of the race section: « 2e circonscription du Finistère — toutes les communes,
/// résultat provisoire (bureaux de la commune 6/6, communes 2/3) ».
pub fn title(snapshot: &Snapshot) -> Option<String> {
    let race = snapshot.race.as_ref()?;
    let status = if race.provisional {
        "provisoire"
    } else {
        "définitif"
    };
    Some(format!(
        "{} — toutes les communes, résultat {status} ({})",
        race.area.name, race.progress.label
    ))
}

/// Rows of the whole race, leading candidate first.
pub fn rows(snapshot: &Snapshot) -> Vec<CandidateRow> {
    let Some(race) = &snapshot.race else {
        return Vec::new();
    };
    let candidates = &race.area.candidates;
    let leader = candidates.iter().map(|c| c.votes).max().unwrap_or(0);
    let mut rows: Vec<(u64, u32, CandidateRow)> = candidates
        .iter()
        .enumerate()
        .map(|(position, candidate)| {
            let row = CandidateRow {
                number: format!("n°\u{00A0}{}", candidate.ballot_number).into(),
                name: candidate.name.clone().into(),
                detail: Default::default(),
                votes: format!("{} voix", format::count(candidate.votes)).into(),
                percent: format::percent(&candidate.share_of_valid_votes).into(),
                ratio: format::ratio(candidate.votes, leader),
                colour: candidate_colour(candidate, position),
                seats: Default::default(),
            };
            (candidate.votes, candidate.ballot_number, row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    rows.into_iter().map(|(_, _, row)| row).collect()
}

/// Votants and exprimés of the whole race.
pub fn figures(snapshot: &Snapshot) -> Vec<Figure> {
    let Some(race) = &snapshot.race else {
        return Vec::new();
    };
    crate::view::area_figures(&race.area)
}
