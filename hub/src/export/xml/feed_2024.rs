//! The Ministry's results feed as published from 2024 (`LG2024`, `EU2024`, `MUNPF2026`):
//! plural ratio names and `CodNuaCand`, as in its circonscription files `R1<dpt>CIR.xml`.

use super::{ElementNames, XmlLayout};
use chrono::NaiveDate;

pub(super) struct Feed2024;

const NAMES: ElementNames = ElementNames {
    ratio_registered: "RapportInscrits",
    ratio_voters: "RapportVotants",
    ratio_valid_votes: "RapportExprimes",
    candidate_nuance: "CodNuaCand",
    candidate_nuance_label: "LibNuaCand",
    constituency: "CodCirElec",
};

impl XmlLayout for Feed2024 {
    fn id(&self) -> &'static str {
        "feed-2024"
    }

    fn description(&self) -> &'static str {
        "flux de résultats du ministère, version 2024"
    }

    fn first_date(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default()
    }

    fn names(&self) -> &'static ElementNames {
        &NAMES
    }
}
