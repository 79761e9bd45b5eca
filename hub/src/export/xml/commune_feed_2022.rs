//! The Ministry's commune-level results feed of 2022 (présidentielle and législatives,
//! `…com.xml`): singular ratio names (`RapportInscrit`, `RapportExprime`), `CodNua` and
//! `CodCirLg`.

use super::{ElementNames, XmlLayout};
use chrono::NaiveDate;

pub(super) struct CommuneFeed2022;

const NAMES: ElementNames = ElementNames {
    ratio_registered: "RapportInscrit",
    ratio_voters: "RapportVotant",
    ratio_valid_votes: "RapportExprime",
    candidate_nuance: "CodNua",
    candidate_nuance_label: "LibNua",
    constituency: "CodCirLg",
};

impl XmlLayout for CommuneFeed2022 {
    fn id(&self) -> &'static str {
        "commune-feed-2022"
    }

    fn description(&self) -> &'static str {
        "flux de résultats du ministère par commune, version 2022"
    }

    /// Used for every election before 2024 too: it is the oldest registered layout.
    fn first_date(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default()
    }

    fn names(&self) -> &'static ElementNames {
        &NAMES
    }
}
