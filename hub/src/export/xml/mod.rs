//! The prefecture's XML: results in the structure of the Ministry of the Interior's
//! results feed, and the municipal seat-distribution payload.
//!
//! The Ministry renamed elements between vintages of its feed (`RapportExprime` became
//! `RapportExprimes`, `CodNua` became `CodNuaCand`). Each vintage is an [`XmlLayout`] in
//! its own module; [`layout_for_date`] picks the one in force on the polling day, and a
//! new vintage is one more module plus one line in [`LAYOUTS`]. The reader accepts the
//! element names of every registered layout, so it reads what any of them wrote, and the
//! Ministry's own files.

mod commune_feed_2022;
mod feed_2024;
mod read;
mod seats;
mod tree;
mod write;

pub use read::{
    XmlArea, XmlCandidate, XmlMentions, XmlResults, XmlRound, XmlStation, read_results,
};
pub(crate) use seats::write_seats;
pub use seats::{XmlSeatList, XmlSeats, read_seats};
pub(crate) use write::write_results;

use super::ExportError;
use chrono::NaiveDate;

/// One vintage of the Ministry's results feed: the element names it uses where vintages
/// differ. The structure (`Election` › `Scrutin`, `Departement` › `Communes` › `Commune` ›
/// `Tours` › `Tour` › `Mentions`, `Resultats`) is shared.
pub trait XmlLayout: Send + Sync {
    /// Identifier accepted by `--format prefecture-xml:ID` (`feed-2024`).
    fn id(&self) -> &'static str;

    /// French description for messages and documentation.
    fn description(&self) -> &'static str;

    /// First polling day this layout is chosen for by default.
    fn first_date(&self) -> NaiveDate;

    /// Element names of this vintage.
    fn names(&self) -> &'static ElementNames;
}

/// Element names that differ between vintages of the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementNames {
    /// Share of the registered voters (inscrits): `RapportInscrits`.
    pub ratio_registered: &'static str,
    /// Share of the voters (votants): `RapportVotants`.
    pub ratio_voters: &'static str,
    /// Share of the valid votes (exprimés): `RapportExprimes`.
    pub ratio_valid_votes: &'static str,
    /// Candidate's nuance code: `CodNuaCand`.
    pub candidate_nuance: &'static str,
    /// Candidate's nuance label: `LibNuaCand`.
    pub candidate_nuance_label: &'static str,
    /// Legislative constituency code of a commune or station: `CodCirElec`.
    pub constituency: &'static str,
}

/// Registered layouts, oldest first.
const LAYOUTS: [&dyn XmlLayout; 2] = [&commune_feed_2022::CommuneFeed2022, &feed_2024::Feed2024];

/// Returns every registered layout, oldest first.
pub fn layouts() -> &'static [&'static dyn XmlLayout] {
    &LAYOUTS
}

/// Returns the layout in force on a polling day: the registered one with the latest first
/// date on or before it, else the oldest.
pub fn layout_for_date(date: NaiveDate) -> &'static dyn XmlLayout {
    LAYOUTS
        .iter()
        .copied()
        .filter(|layout| layout.first_date() <= date)
        .max_by_key(|layout| layout.first_date())
        .unwrap_or(LAYOUTS[0])
}

/// Finds the layout with this id.
pub fn layout_by_id(id: &str) -> Result<&'static dyn XmlLayout, ExportError> {
    LAYOUTS
        .iter()
        .copied()
        .find(|layout| layout.id() == id.trim())
        .ok_or_else(|| ExportError::UnknownLayout {
            requested: id.to_string(),
            known: LAYOUTS
                .iter()
                .map(|layout| layout.id())
                .collect::<Vec<_>>()
                .join(" ou prefecture-xml:"),
        })
}

/// Names the Ministry used for one concept, over every registered layout.
fn names_of(select: impl Fn(&ElementNames) -> &'static str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::with_capacity(LAYOUTS.len());
    for layout in LAYOUTS {
        let name = select(layout.names());
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn layout_chosen_by_date() {
        assert_eq!(layout_for_date(date(2022, 4, 10)).id(), "commune-feed-2022");
        assert_eq!(layout_for_date(date(2024, 6, 30)).id(), "feed-2024");
        assert_eq!(layout_for_date(date(2026, 3, 15)).id(), "feed-2024");
        assert_eq!(layout_for_date(date(2014, 3, 23)).id(), "commune-feed-2022");
    }

    #[test]
    fn layout_by_unknown_id_rejected() {
        let error = layout_by_id("feed-1999").err().unwrap();
        let message = error.to_string();
        assert!(message.contains("« feed-1999 »"), "{message}");
        assert!(message.contains("prefecture-xml:feed-2024"), "{message}");
    }

    #[test]
    fn layout_ids_unique() {
        let mut ids: Vec<&str> = layouts().iter().map(|layout| layout.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), layouts().len());
    }
}
