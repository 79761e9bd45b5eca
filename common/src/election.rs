//! Elections and their configuration: commune, polling stations, candidates and lists,
//! turnout slots.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Kind of election, with the code the Ministry of the Interior uses in its file names
/// (`PR2022`, `LG2024`, `MN2026`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionKind {
    Presidential,
    Legislative,
    European,
    Municipal,
    Departmental,
    Regional,
    Referendum,
}

impl ElectionKind {
    pub const ALL: [ElectionKind; 7] = [
        ElectionKind::Presidential,
        ElectionKind::Legislative,
        ElectionKind::European,
        ElectionKind::Municipal,
        ElectionKind::Departmental,
        ElectionKind::Regional,
        ElectionKind::Referendum,
    ];

    /// Two-letter code of the Ministry's open-data files.
    pub fn ministry_code(self) -> &'static str {
        match self {
            ElectionKind::Presidential => "PR",
            ElectionKind::Legislative => "LG",
            ElectionKind::European => "EU",
            ElectionKind::Municipal => "MN",
            ElectionKind::Departmental => "DP",
            ElectionKind::Regional => "RG",
            ElectionKind::Referendum => "RF",
        }
    }

    /// Three-letter regulatory code used in prefecture transmissions.
    pub fn regulatory_code(self) -> &'static str {
        match self {
            ElectionKind::Presidential => "PRE",
            ElectionKind::Legislative => "LEG",
            ElectionKind::European => "EUR",
            ElectionKind::Municipal => "MUN",
            ElectionKind::Departmental => "DEP",
            ElectionKind::Regional => "REG",
            ElectionKind::Referendum => "REF",
        }
    }

    /// French name, as printed on titles ("Élection présidentielle").
    pub fn label_fr(self) -> &'static str {
        match self {
            ElectionKind::Presidential => "Élection présidentielle",
            ElectionKind::Legislative => "Élections législatives",
            ElectionKind::European => "Élections européennes",
            ElectionKind::Municipal => "Élections municipales",
            ElectionKind::Departmental => "Élections départementales",
            ElectionKind::Regional => "Élections régionales",
            ElectionKind::Referendum => "Référendum",
        }
    }

    /// Whether voters choose between lists rather than single candidates.
    pub fn is_list_ballot(self) -> bool {
        matches!(
            self,
            ElectionKind::European | ElectionKind::Municipal | ElectionKind::Regional
        )
    }
}

impl fmt::Display for ElectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ministry_code())
    }
}

impl FromStr for ElectionKind {
    type Err = String;

    /// Accepts the Ministry's two-letter code, the regulatory code or the English name.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let upper = text.trim().to_ascii_uppercase();
        ElectionKind::ALL
            .into_iter()
            .find(|kind| {
                upper == kind.ministry_code()
                    || upper == kind.regulatory_code()
                    || text.trim().eq_ignore_ascii_case(&format!("{kind:?}"))
            })
            .ok_or_else(|| {
                format!(
                    "type d'élection inconnu « {text} » : utilisez PR, LG, EU, MN, DP, RG ou RF"
                )
            })
    }
}

/// Area an election covers inside the commune. A commune split across two constituencies
/// has two legislative races on the same day, one per constituency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum Scope {
    Commune,
    Constituency(String),
    Canton(String),
}

impl Scope {
    /// Whether a polling station belongs to this scope.
    pub fn contains(&self, station: &PollingStation) -> bool {
        match self {
            Scope::Commune => true,
            Scope::Constituency(code) => station.constituency.as_deref() == Some(code.as_str()),
            Scope::Canton(code) => station.canton.as_deref() == Some(code.as_str()),
        }
    }
}

/// The municipality that runs the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commune {
    /// INSEE code, five characters (`31555`, `2A004`).
    pub insee_code: String,
    /// Département code (`31`, `2A`, `974`).
    pub department_code: String,
    pub name: String,
}

/// Polling station code: up to four characters, digits with an optional letter suffix
/// (`0001`, `054A`). Always a string, never a number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StationCode(String);

impl StationCode {
    /// Parses a code as written in a file, restoring the leading zeros that spreadsheet
    /// programs drop (`1` → `0001`, `54A` → `054A`).
    pub fn parse(text: &str) -> Result<StationCode, String> {
        let trimmed = text.trim();
        let valid = !trimmed.is_empty()
            && trimmed.len() <= 4
            && trimmed.chars().all(|c| c.is_ascii_alphanumeric())
            && trimmed.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return Err(format!(
                "code de bureau invalide « {trimmed} » : attendu 1 à 4 caractères, des chiffres \
                 suivis éventuellement de lettres (ex. 0001, 054A)"
            ));
        }
        Ok(StationCode(format!("{:0>4}", trimmed.to_ascii_uppercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for StationCode {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        StationCode::parse(&text)
    }
}

impl From<StationCode> for String {
    fn from(code: StationCode) -> String {
        code.0
    }
}

/// Polling station (bureau de vote) as configured for one election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollingStation {
    pub code: StationCode,
    pub name: String,
    /// Building where the station sits (lieu de vote).
    pub polling_place: Option<String>,
    pub canton: Option<String>,
    pub constituency: Option<String>,
    /// Registered voters (inscrits) on the roll of this station.
    pub registered: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "F")]
    Female,
    #[serde(rename = "M")]
    Male,
}

impl Sex {
    /// Parses `F`/`M` and the spelled-out forms found in re-saved Ministry files.
    pub fn parse(text: &str) -> Option<Sex> {
        match text.trim().to_uppercase().as_str() {
            "F" | "FEMININ" | "FÉMININ" | "MME" | "FEMME" => Some(Sex::Female),
            "M" | "MASCULIN" | "M." | "HOMME" => Some(Sex::Male),
            _ => None,
        }
    }
}

/// Candidate, binôme or list, identified in an election by its ballot number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Numéro de panneau: the number of the candidate's or list's ballot board.
    pub ballot_number: u32,
    /// Surname of the candidate, or of the list head for a list ballot.
    pub surname: String,
    pub first_name: String,
    pub sex: Option<Sex>,
    /// The Ministry's political label code (`LDVD`, `UG`…).
    pub nuance: Option<String>,
    pub nuance_label: Option<String>,
    /// Name of the list, for list ballots.
    pub list_label: Option<String>,
    /// Display colour as `#rrggbb`.
    pub colour: Option<String>,
}

impl Candidate {
    /// Name shown to people: the list's name for a list ballot, else "Prénom NOM".
    pub fn display_name(&self) -> String {
        if let Some(label) = self.list_label.as_deref().filter(|l| !l.trim().is_empty()) {
            return label.to_string();
        }
        let name = format!("{} {}", self.first_name.trim(), self.surname.trim());
        name.trim().to_string()
    }
}

/// Configuration of one election, copied from the reference data when the election is
/// created so that later edits of the reference data never change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionConfig {
    pub kind: ElectionKind,
    pub date: NaiveDate,
    pub round: u8,
    pub scope: Scope,
    pub label: String,
    pub commune: Commune,
    /// Opening and closing hours of the polling stations, Europe/Paris civil time.
    pub opening: NaiveTime,
    pub closing: NaiveTime,
    /// Turnout snapshot times, Europe/Paris civil time, in increasing order.
    pub turnout_slots: Vec<NaiveTime>,
    /// Set on rehearsals and on replays of published data: every output is marked SIMULATION.
    pub rehearsal: bool,
    pub stations: Vec<PollingStation>,
    /// Candidates or lists, in ballot-number order.
    pub candidates: Vec<Candidate>,
}

impl ElectionConfig {
    /// The Ministry's default turnout slots, 12:00 and 17:00.
    pub fn default_turnout_slots() -> Vec<NaiveTime> {
        [12, 17]
            .into_iter()
            .filter_map(|hour| NaiveTime::from_hms_opt(hour, 0, 0))
            .collect()
    }

    pub fn default_opening() -> NaiveTime {
        NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default()
    }

    pub fn default_closing() -> NaiveTime {
        NaiveTime::from_hms_opt(20, 0, 0).unwrap_or_default()
    }

    pub fn station(&self, code: &StationCode) -> Option<&PollingStation> {
        self.stations.iter().find(|s| &s.code == code)
    }

    pub fn candidate(&self, ballot_number: u32) -> Option<&Candidate> {
        self.candidates
            .iter()
            .find(|c| c.ballot_number == ballot_number)
    }

    /// Checks the configuration itself: unique station codes and ballot numbers, stations
    /// inside the scope, turnout slots in increasing order between opening and closing.
    pub fn validate(&self) -> Result<(), String> {
        let mut codes: Vec<&StationCode> = self.stations.iter().map(|s| &s.code).collect();
        codes.sort();
        if let Some(pair) = codes.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(format!(
                "le bureau {} figure deux fois : chaque code de bureau doit être unique",
                pair[0]
            ));
        }
        let mut numbers: Vec<u32> = self.candidates.iter().map(|c| c.ballot_number).collect();
        numbers.sort_unstable();
        if let Some(pair) = numbers.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(format!(
                "le numéro de panneau {} figure deux fois : chaque candidat ou liste doit avoir \
                 son propre numéro",
                pair[0]
            ));
        }
        if let Some(station) = self.stations.iter().find(|s| !self.scope.contains(s)) {
            return Err(format!(
                "le bureau {} n'appartient pas au périmètre de l'élection ({:?})",
                station.code, self.scope
            ));
        }
        if self.round != 1 && self.round != 2 {
            return Err(format!("tour invalide « {} » : 1 ou 2", self.round));
        }
        if self.opening >= self.closing {
            return Err(format!(
                "heures invalides : l'ouverture ({}) doit précéder la clôture ({})",
                self.opening.format("%H:%M"),
                self.closing.format("%H:%M")
            ));
        }
        for pair in self.turnout_slots.windows(2) {
            if pair[0] >= pair[1] {
                return Err(format!(
                    "tranches horaires invalides : {} doit précéder {}",
                    pair[0].format("%H:%M"),
                    pair[1].format("%H:%M")
                ));
            }
        }
        if let Some(slot) = self
            .turnout_slots
            .iter()
            .find(|slot| **slot <= self.opening || **slot > self.closing)
        {
            return Err(format!(
                "tranche horaire {} hors des heures d'ouverture ({} – {})",
                slot.format("%H:%M"),
                self.opening.format("%H:%M"),
                self.closing.format("%H:%M")
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn station_code_restores_leading_zeros() {
        assert_eq!(StationCode::parse("1").unwrap().as_str(), "0001");
        assert_eq!(StationCode::parse("54a").unwrap().as_str(), "054A");
        assert_eq!(StationCode::parse("0112").unwrap().as_str(), "0112");
    }

    #[test]
    fn station_code_rejects_garbage() {
        for bad in ["", "Total", "12345", "A1", "1 2", "-1"] {
            assert!(StationCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn election_kind_parses_codes() {
        assert_eq!("LG".parse::<ElectionKind>(), Ok(ElectionKind::Legislative));
        assert_eq!("mun".parse::<ElectionKind>(), Ok(ElectionKind::Municipal));
        assert_eq!(
            "presidential".parse::<ElectionKind>(),
            Ok(ElectionKind::Presidential)
        );
        assert!("XX".parse::<ElectionKind>().is_err());
    }

    #[test]
    fn sex_parses_resaved_forms() {
        assert_eq!(Sex::parse("MASCULIN"), Some(Sex::Male));
        assert_eq!(Sex::parse("FEMININ"), Some(Sex::Female));
        assert_eq!(Sex::parse("f"), Some(Sex::Female));
        assert_eq!(Sex::parse("?"), None);
    }
}
