//! One row per station in the layout of the Ministry's per-station files of the 2024
//! législatives: fixed columns, then one numbered block of columns per candidate
//! (`Numéro de panneau 1`, `Nuance candidat 1`…). A list ballot gets list columns in the
//! same numbered style (`Nuance liste 1`, `Libellé de liste 1`, `Nom tête de liste 1`…).
//! Percentages end with `%` as in the Ministry's files (`78,07%`). Only stations whose
//! results have arrived have a row.

use super::super::ExportError;
use super::super::snapshot::Snapshot;
use super::{csv_bytes, csv_error, csv_writer, percent, sex_word};

const FIXED_COLUMNS: [&str; 19] = [
    "Code département",
    "Libellé département",
    "Code commune",
    "Libellé commune",
    "Code BV",
    "Inscrits",
    "Votants",
    "% Votants",
    "Abstentions",
    "% Abstentions",
    "Exprimés",
    "% Exprimés/inscrits",
    "% Exprimés/votants",
    "Blancs",
    "% Blancs/inscrits",
    "% Blancs/votants",
    "Nuls",
    "% Nuls/inscrits",
    "% Nuls/votants",
];

/// Column added after the fixed ones when some station's ballots found differ from its
/// signatures.
const BALLOTS_FOUND: &str = "Bulletins trouvés dans l'urne";

const CANDIDATE_BLOCK: [&str; 9] = [
    "Numéro de panneau",
    "Nuance candidat",
    "Nom candidat",
    "Prénom candidat",
    "Sexe candidat",
    "Voix",
    "% Voix/inscrits",
    "% Voix/exprimés",
    "Elu",
];

const LIST_BLOCK: [&str; 9] = [
    "Numéro de panneau",
    "Nuance liste",
    "Libellé de liste",
    "Nom tête de liste",
    "Prénom tête de liste",
    "Sexe tête de liste",
    "Voix",
    "% Voix/inscrits",
    "% Voix/exprimés",
];

/// Percentage cell as the Ministry writes it, with its `%` sign.
fn percent_cell(numerator: u64, denominator: u64) -> String {
    let text = percent(numerator, denominator);
    if text.is_empty() {
        text
    } else {
        format!("{text}%")
    }
}

pub(crate) fn ministry_csv(snapshot: &Snapshot) -> Result<Vec<u8>, ExportError> {
    let config = &snapshot.config;
    let is_list = snapshot.is_list_ballot();
    let block: &[&str] = if is_list {
        &LIST_BLOCK
    } else {
        &CANDIDATE_BLOCK
    };
    let mut header: Vec<String> = FIXED_COLUMNS.iter().map(|name| name.to_string()).collect();
    // The Ministry's layout has one `Votants` figure. When a station's ballots found differ
    // from its signatures, `Votants` stays the signatures and one more column gives the
    // ballots, so that the file imports back identically.
    let with_ballots_found = snapshot
        .counted_stations()
        .any(|(_, record)| record.count.ballots_found.is_some());
    if with_ballots_found {
        header.push(BALLOTS_FOUND.to_string());
    }
    for rank in 1..=config.candidates.len() {
        header.extend(block.iter().map(|name| format!("{name} {rank}")));
    }
    let mut writer = csv_writer();
    writer.write_record(&header).map_err(csv_error)?;

    for (station, record) in snapshot.counted_stations() {
        let count = &record.count;
        let registered = u64::from(count.registered);
        let voters = u64::from(count.voters);
        let abstentions = registered.saturating_sub(voters);
        let valid_votes = u64::from(count.valid_votes);
        let blank = u64::from(count.blank);
        let invalid = u64::from(count.invalid);
        let mut row: Vec<String> = vec![
            snapshot.department_code().to_string(),
            snapshot.department_name().to_string(),
            config.commune.insee_code.clone(),
            config.commune.name.clone(),
            station.code.as_str().to_string(),
            registered.to_string(),
            voters.to_string(),
            percent_cell(voters, registered),
            abstentions.to_string(),
            percent_cell(abstentions, registered),
            valid_votes.to_string(),
            percent_cell(valid_votes, registered),
            percent_cell(valid_votes, voters),
            blank.to_string(),
            percent_cell(blank, registered),
            percent_cell(blank, voters),
            invalid.to_string(),
            percent_cell(invalid, registered),
            percent_cell(invalid, voters),
        ];
        if with_ballots_found {
            row.push(count.ballots().to_string());
        }
        for candidate in &config.candidates {
            let votes = u64::from(
                count
                    .votes
                    .get(&candidate.ballot_number)
                    .copied()
                    .unwrap_or(0),
            );
            row.push(candidate.ballot_number.to_string());
            row.push(candidate.nuance.clone().unwrap_or_default());
            if is_list {
                row.push(candidate.display_name());
            }
            row.push(candidate.surname.clone());
            row.push(candidate.first_name.clone());
            row.push(sex_word(candidate.sex).to_string());
            row.push(votes.to_string());
            row.push(percent_cell(votes, registered));
            row.push(percent_cell(votes, valid_votes));
            if !is_list {
                // NOTE: who is elected is not computed by Urne yet; the column stays empty.
                row.push(String::new());
            }
        }
        writer.write_record(&row).map_err(csv_error)?;
    }
    csv_bytes(writer)
}
