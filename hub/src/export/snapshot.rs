//! One consistent read of an election: configuration, stored records and the computed
//! views. Every format is written from a snapshot and checked against the same snapshot.

use super::ExportError;
use super::departments::department_name;
use crate::db::{self, figures};
use rusqlite::Connection;
use std::collections::BTreeMap;
use urne_common::election::{Candidate, ElectionConfig, PollingStation, Sex, StationCode};
use urne_common::results::{
    ElectionResults, HundredsView, StationRecord, TurnoutView, compute_hundreds, compute_results,
    compute_turnout,
};

pub(crate) struct Snapshot {
    pub election_id: i64,
    pub config: ElectionConfig,
    /// Final results of the stations that have arrived, keyed by station code.
    pub records: BTreeMap<StationCode, StationRecord>,
    pub results: ElectionResults,
    pub turnout: TurnoutView,
    pub hundreds: HundredsView,
}

impl Snapshot {
    /// Reads the election inside one transaction, so that every part reflects the same
    /// data version.
    pub fn load(connection: &Connection, election_id: i64) -> Result<Snapshot, ExportError> {
        let transaction = connection.unchecked_transaction()?;
        let row = db::elections::find(&transaction, election_id)?
            .ok_or(ExportError::ElectionNotFound(election_id))?;
        let config = db::elections::config(&transaction, election_id)?
            .ok_or(ExportError::ElectionNotFound(election_id))?;
        let records = figures::final_records(&transaction, election_id)?;
        let turnout_entries = figures::turnout(&transaction, election_id)?;
        let hundred_entries = figures::hundreds(&transaction, election_id)?;
        transaction.finish()?;

        let version = u64::try_from(row.data_version).unwrap_or(0);
        let results = compute_results(row.summary.clone(), version, &config, &records);
        let turnout = compute_turnout(row.summary.clone(), version, &config, &turnout_entries);
        let hundreds = compute_hundreds(row.summary, version, &config, &hundred_entries);
        let records = records
            .into_iter()
            .filter(|(_, record)| record.status.is_counted())
            .collect();
        Ok(Snapshot {
            election_id,
            config,
            records,
            results,
            turnout,
            hundreds,
        })
    }

    /// Stations whose results have arrived, in station-code order.
    pub fn counted_stations(&self) -> impl Iterator<Item = (&PollingStation, &StationRecord)> {
        self.config
            .stations
            .iter()
            .filter_map(|station| Some((station, self.records.get(&station.code)?)))
    }

    pub fn department_code(&self) -> &str {
        &self.config.commune.department_code
    }

    /// Name of the commune's département, empty when the code is not a known one.
    pub fn department_name(&self) -> &'static str {
        department_name(self.department_code()).unwrap_or("")
    }

    /// Returns the commune's code inside its département, three characters as in the
    /// Ministry's feeds: the last three characters of the INSEE code (`29061` → `061`,
    /// `97411` → `411`).
    pub fn commune_code_in_department(&self) -> &str {
        let insee = self.config.commune.insee_code.as_str();
        let start = insee
            .char_indices()
            .rev()
            .nth(2)
            .map_or(0, |(index, _)| index);
        &insee[start..]
    }

    /// Constituency of the whole election: the scope's, else the one every station shares.
    pub fn constituency(&self) -> Option<&str> {
        if let urne_common::election::Scope::Constituency(code) = &self.config.scope {
            return Some(code);
        }
        let mut codes = self
            .config
            .stations
            .iter()
            .map(|station| station.constituency.as_deref());
        let first = codes.next()??;
        codes.all(|code| code == Some(first)).then_some(first)
    }

    /// Canton of the whole election, when its scope is one.
    pub fn canton(&self) -> Option<&str> {
        match &self.config.scope {
            urne_common::election::Scope::Canton(code) => Some(code),
            _ => None,
        }
    }

    /// Tells whether voters choose between lists.
    pub fn is_list_ballot(&self) -> bool {
        self.config.kind.is_list_ballot()
    }

    /// File-name code of the race, in the Ministry's style (`LG2024T1`).
    pub fn race_code(&self) -> String {
        format!(
            "{}{}T{}",
            self.config.kind.ministry_code(),
            self.config.date.format("%Y"),
            self.config.round
        )
    }
}

/// Civility as the Ministry writes it: `M.` or `Mme`.
pub(crate) fn civility(candidate: &Candidate) -> Option<&'static str> {
    candidate.sex.map(|sex| match sex {
        Sex::Male => "M.",
        Sex::Female => "Mme",
    })
}

/// Writes a constituency code in the Ministry's form, département and two-digit number
/// (`29-02` → `2902`, `ZX-1` → `ZX01`). A code of another shape is kept as stored.
pub(crate) fn ministry_constituency_code(department: &str, stored: &str) -> String {
    let number = stored
        .strip_prefix(department)
        .map(|rest| rest.trim_start_matches(['-', ' ']))
        .filter(|rest| !rest.is_empty() && rest.len() <= 2)
        .and_then(|rest| rest.parse::<u8>().ok());
    match number {
        Some(number) => format!("{department}{number:02}"),
        None => stored.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constituency_codes_in_ministry_form() {
        assert_eq!(ministry_constituency_code("29", "29-02"), "2902");
        assert_eq!(ministry_constituency_code("ZX", "ZX-1"), "ZX01");
        assert_eq!(ministry_constituency_code("29", "2902"), "2902");
        assert_eq!(ministry_constituency_code("93", "Nord"), "Nord");
        assert_eq!(ministry_constituency_code("29", "31-02"), "31-02");
    }
}
