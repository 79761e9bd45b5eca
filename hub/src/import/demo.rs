//! Published results embedded in the binary for `urne-hub demo`: Toulouse's municipales
//! 2026 first round and Bondy's présidentielle 2022 first round. The files and their
//! sources are listed in `hub/demo-data/README.md`.

use super::{ImportError, ImportOptions, ImportedElection, read_batch};

/// Toulouse, municipales 2026, round 1: Toulouse Métropole's row file and Urne's lists file.
const TOULOUSE: [(&str, &[u8]); 2] = [
    (
        "toulouse_opendata_municipales2026_t1_raw_columns.csv",
        include_bytes!("../../demo-data/toulouse_opendata_municipales2026_t1_raw_columns.csv"),
    ),
    (
        "toulouse_31555_municipales2026_t1_listes.csv",
        include_bytes!("../../demo-data/toulouse_31555_municipales2026_t1_listes.csv"),
    ),
];

/// Bondy, présidentielle 2022, round 1: the Ministry's per-bureau file and Urne's stations
/// file, which adds the polling places.
const BONDY: [(&str, &[u8]); 2] = [
    (
        "tiers_reexport_csv_bv_PR2022T1_bondy.csv",
        include_bytes!("../../demo-data/tiers_reexport_csv_bv_PR2022T1_bondy.csv"),
    ),
    (
        "bondy_93010_presidentielle2022_t1_bureaux.csv",
        include_bytes!("../../demo-data/bondy_93010_presidentielle2022_t1_bureaux.csv"),
    ),
];

/// Reads the embedded demo files: one election for Toulouse (284 stations, 10 lists) and
/// one for Bondy (32 stations, 12 candidates), in that order.
pub fn demo_elections() -> Result<Vec<ImportedElection>, ImportError> {
    let mut elections = Vec::new();
    for files in [&TOULOUSE[..], &BONDY[..]] {
        let batch: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(name, bytes)| ((*name).to_string(), bytes.to_vec()))
            .collect();
        elections.extend(read_batch(&batch, &ImportOptions::default())?);
    }
    Ok(elections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_elections_read() {
        let elections = demo_elections().unwrap();
        assert_eq!(elections.len(), 2);
        let toulouse = &elections[0].config;
        assert_eq!(toulouse.commune.name, "Toulouse");
        assert_eq!(toulouse.stations.len(), 284);
        assert_eq!(toulouse.candidates.len(), 10);
        assert_eq!(elections[0].results.len(), 284);
        let bondy = &elections[1].config;
        assert_eq!(bondy.commune.insee_code, "93010");
        assert_eq!(bondy.stations.len(), 32);
        assert_eq!(bondy.candidates.len(), 12);
        assert!(bondy.stations.iter().all(|s| s.polling_place.is_some()));
    }
}
