//! Selection of one commune in files that contain several (national, départemental or
//! constituency-wide files), driven by `--commune`.

use super::error::Location;
use super::records::{CommuneId, StationResult};
use super::values::normalize_insee;
use super::{ImportError, ImportOptions};
use std::collections::BTreeSet;

/// How many INSEE codes an error message lists before « … ».
const LISTED_CODES: usize = 5;

/// Selects, row by row, the stations of the commune named by `options.commune`, or of the
/// only commune of the file. Rows of other communes are dropped as they are read, so only
/// the selected commune's stations are kept.
pub(crate) struct CommuneFilter {
    requested: Option<String>,
    /// INSEE codes of every row read, for messages.
    found: BTreeSet<String>,
    commune: Option<CommuneId>,
    selected: Vec<StationResult>,
}

impl CommuneFilter {
    pub fn new(options: &ImportOptions) -> Result<CommuneFilter, ImportError> {
        let requested = match options.commune.as_deref() {
            Some(text) => Some(requested_insee(text)?),
            None => None,
        };
        Ok(CommuneFilter {
            requested,
            found: BTreeSet::new(),
            commune: None,
            selected: Vec::new(),
        })
    }

    /// Keeps a station when it belongs to the requested commune, or to the first commune
    /// seen when none is requested (a second commune makes [`CommuneFilter::finish`] fail).
    pub fn push(&mut self, commune: CommuneId, station: StationResult) {
        if !self.found.contains(&commune.insee) {
            self.found.insert(commune.insee.clone());
        }
        let keep = match &self.requested {
            Some(insee) => *insee == commune.insee,
            None => self.found.len() == 1,
        };
        if keep {
            self.commune.get_or_insert(commune);
            self.selected.push(station);
        }
    }

    /// Returns the selected commune and its stations. Rejects a file with several communes
    /// when no commune is requested, and a requested commune that matches no row.
    pub fn finish(
        self,
        file: &str,
    ) -> Result<(Option<CommuneId>, Vec<StationResult>), ImportError> {
        let listed = list_codes(&self.found);
        if let Some(insee) = &self.requested
            && self.commune.is_none()
        {
            return Err(ImportError::at(
                Location::file(file),
                Some(insee),
                &format!(
                    "aucune ligne pour la commune {insee} demandée par --commune (communes \
                     présentes : {listed})"
                ),
                "vérifiez le code INSEE passé à --commune et le fichier importé",
            ));
        }
        if self.requested.is_none() && self.found.len() > 1 {
            return Err(ImportError::at(
                Location::file(file),
                None,
                &format!(
                    "ce fichier contient les résultats de {} communes ({listed})",
                    self.found.len()
                ),
                &format!(
                    "indiquez la commune à importer avec --commune CODE_INSEE (par exemple \
                     --commune {})",
                    self.found.first().map_or("31555", String::as_str)
                ),
            ));
        }
        Ok((self.commune, self.selected))
    }
}

/// Normalises the INSEE code given with `--commune`.
pub(crate) fn requested_insee(text: &str) -> Result<String, ImportError> {
    normalize_insee(text).ok_or_else(|| {
        ImportError::batch(
            &format!("code INSEE « {text} » invalide pour --commune"),
            "indiquez les 5 caractères du code INSEE de la commune (par exemple 31555 ou \
             2A004)",
        )
    })
}

fn list_codes(codes: &BTreeSet<String>) -> String {
    let mut listed: Vec<&str> = codes
        .iter()
        .take(LISTED_CODES)
        .map(String::as_str)
        .collect();
    if codes.len() > LISTED_CODES {
        listed.push("…");
    }
    listed.join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::records::Figures;
    use super::*;
    use urne_common::election::StationCode;

    fn row(insee: &str, code: &str) -> (CommuneId, StationResult) {
        let commune = CommuneId {
            insee: insee.to_string(),
            department: insee[..2].to_string(),
            name: None,
        };
        let station = StationResult {
            line: 2,
            code: StationCode::parse(code).unwrap(),
            constituency: None,
            figures: Figures {
                registered: 1,
                voters: 1,
                ballots_found: None,
                blank: 0,
                invalid: 0,
                valid_votes: 1,
            },
            votes: Vec::new(),
        };
        (commune, station)
    }

    fn select_commune(
        rows: Vec<(CommuneId, StationResult)>,
        options: &ImportOptions,
    ) -> Result<(Option<CommuneId>, Vec<StationResult>), ImportError> {
        let mut filter = CommuneFilter::new(options)?;
        for (commune, station) in rows {
            filter.push(commune, station);
        }
        filter.finish("f.csv")
    }

    fn rows() -> Vec<(CommuneId, StationResult)> {
        (1..=7)
            .map(|index| row(&format!("2901{index}"), "0001"))
            .chain([row("29011", "0002")])
            .collect()
    }

    #[test]
    fn several_communes_need_option() {
        let error = select_commune(rows(), &ImportOptions::default()).unwrap_err();
        assert!(error.message.contains("7 communes"), "{}", error.message);
        assert!(
            error
                .message
                .contains("29011, 29012, 29013, 29014, 29015, …")
        );
        assert!(error.message.contains("--commune"), "{}", error.message);
    }

    #[test]
    fn option_keeps_one_commune() {
        let options = ImportOptions {
            commune: Some("29011".to_string()),
            ..ImportOptions::default()
        };
        let (commune, stations) = select_commune(rows(), &options).unwrap();
        assert_eq!(commune.unwrap().insee, "29011");
        assert_eq!(stations.len(), 2);
    }

    #[test]
    fn option_matching_nothing_rejected() {
        let options = ImportOptions {
            commune: Some("31555".to_string()),
            ..ImportOptions::default()
        };
        let error = select_commune(rows(), &options).unwrap_err();
        assert!(error.message.contains("aucune ligne"), "{}", error.message);
        assert_eq!(error.value.as_deref(), Some("31555"));
    }

    #[test]
    fn option_must_be_insee_code() {
        let options = ImportOptions {
            commune: Some("Toulouse".to_string()),
            ..ImportOptions::default()
        };
        let error = select_commune(rows(), &options).unwrap_err();
        assert!(error.message.contains("« Toulouse »"), "{}", error.message);
    }

    #[test]
    fn single_commune_needs_no_option() {
        let only = vec![row("29061", "0001"), row("29061", "0002")];
        let (commune, stations) = select_commune(only, &ImportOptions::default()).unwrap();
        assert_eq!(commune.unwrap().insee, "29061");
        assert_eq!(stations.len(), 2);
    }
}
