//! Reading a file that covers several communes (a constituency, a département or the whole
//! country) one commune at a time, to load the other communes of a race.

use super::detect::{self, Layout};
use super::wide::FixedColumns;
use super::{ImportError, ImportOptions, ImportedElection, read_batch};

/// One commune of a multi-commune file, with the elections read from its rows.
#[derive(Debug, Clone)]
pub struct CommuneElections {
    pub insee_code: String,
    pub name: Option<String>,
    pub elections: Vec<ImportedElection>,
}

/// Reads a Ministry per-station or per-commune file and returns each of its communes with
/// the elections of its rows, in the order the communes first appear. Only the Ministry's
/// wide layouts name the commune of each row; other layouts are rejected.
///
/// # Errors
///
/// The first problem of the file, located as [`super::read_batch`] does.
pub fn read_by_commune(
    name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Vec<CommuneElections>, ImportError> {
    let table = detect::read_table(name, bytes)?;
    if !matches!(
        detect::detect_layout(&table),
        Some(Layout::Numbered | Layout::Blocks)
    ) {
        return Err(ImportError::batch(
            &format!("{name} n'est pas un fichier de résultats du ministère de l'Intérieur"),
            "importez le fichier par bureau de vote publié par le ministère (législatives, \
             présidentielle, municipales), qui donne le code de la commune de chaque ligne",
        ));
    }
    let columns = FixedColumns::find(&table)?;
    let mut communes: Vec<(String, Option<String>)> = Vec::new();
    for row in &table.rows {
        let commune = columns.commune(&table, row)?;
        if !communes.iter().any(|(insee, _)| *insee == commune.insee) {
            communes.push((commune.insee, commune.name));
        }
    }
    let file = [(name.to_string(), bytes.to_vec())];
    let mut read = Vec::with_capacity(communes.len());
    for (insee, commune_name) in communes {
        let options = ImportOptions {
            commune: Some(insee.clone()),
            ..options.clone()
        };
        let elections = read_batch(&file, &options)?;
        read.push(CommuneElections {
            insee_code: insee,
            name: commune_name,
            elections,
        });
    }
    Ok(read)
}
