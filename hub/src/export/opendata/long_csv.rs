//! The long ("tidy") CSV: one row per station and candidate, with the station's figures
//! repeated on each of its rows, so that a spreadsheet's filters and pivot tables work
//! without reshaping. Only stations whose results have arrived have rows.

use super::super::ExportError;
use super::super::snapshot::Snapshot;
use super::{csv_bytes, csv_error, csv_writer, percent, sex_word};

/// Columns of the long CSV, in order.
pub(crate) const LONG_CSV_COLUMNS: [&str; 29] = [
    "simulation",
    "code_departement",
    "libelle_departement",
    "code_insee",
    "commune",
    "election",
    "type_election",
    "date",
    "tour",
    "code_bv",
    "libelle_bv",
    "lieu_de_vote",
    "canton",
    "circonscription",
    "statut_bv",
    "inscrits",
    "votants",
    "bulletins_trouves",
    "blancs",
    "nuls",
    "exprimes",
    "numero_panneau",
    "nuance",
    "nom",
    "prenom",
    "sexe",
    "liste",
    "voix",
    "pct_voix_exprimes",
];

pub(crate) fn long_csv(snapshot: &Snapshot) -> Result<Vec<u8>, ExportError> {
    let config = &snapshot.config;
    let mut writer = csv_writer();
    writer.write_record(LONG_CSV_COLUMNS).map_err(csv_error)?;
    let simulation = if config.rehearsal { "oui" } else { "non" };
    let date = config.date.format("%Y-%m-%d").to_string();
    for (station, record) in snapshot.counted_stations() {
        let count = &record.count;
        let valid_votes = u64::from(count.valid_votes);
        for candidate in &config.candidates {
            let votes = u64::from(
                count
                    .votes
                    .get(&candidate.ballot_number)
                    .copied()
                    .unwrap_or(0),
            );
            let row: [String; 29] = [
                simulation.to_string(),
                snapshot.department_code().to_string(),
                snapshot.department_name().to_string(),
                config.commune.insee_code.clone(),
                config.commune.name.clone(),
                config.label.clone(),
                config.kind.ministry_code().to_string(),
                date.clone(),
                config.round.to_string(),
                station.code.as_str().to_string(),
                station.name.clone(),
                station.polling_place.clone().unwrap_or_default(),
                station.canton.clone().unwrap_or_default(),
                station.constituency.clone().unwrap_or_default(),
                record.status.label_fr().to_string(),
                count.registered.to_string(),
                count.voters.to_string(),
                count.ballots().to_string(),
                count.blank.to_string(),
                count.invalid.to_string(),
                count.valid_votes.to_string(),
                candidate.ballot_number.to_string(),
                candidate.nuance.clone().unwrap_or_default(),
                candidate.surname.clone(),
                candidate.first_name.clone(),
                sex_word(candidate.sex).to_string(),
                candidate.list_label.clone().unwrap_or_default(),
                votes.to_string(),
                percent(votes, valid_votes),
            ];
            writer.write_record(&row).map_err(csv_error)?;
        }
    }
    csv_bytes(writer)
}
