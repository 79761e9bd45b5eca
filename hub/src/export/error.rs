//! Errors of an export. Every message is in French and names the value at fault and the
//! fix. No variant leaves a file at the destination.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "format d'export inconnu « {0} » : utilisez prefecture-xml, prefecture-seats-xml, \
         opendata-csv, long-csv, json, pdf, race-json ou race-csv"
    )]
    UnknownFormat(String),

    #[error("disposition XML inconnue « {requested} » : utilisez prefecture-xml:{known}")]
    UnknownLayout { requested: String, known: String },

    #[error(
        "élection {0} introuvable : vérifiez l'identifiant affiché par « urne-hub import » \
         ou par /api/v1/elections"
    )]
    ElectionNotFound(i64),

    #[error(
        "répartition des sièges non calculée pour l'élection {election_id} : elle n'est \
         exportée que pour un scrutin de listes dont les sièges à pourvoir sont configurés \
         (PUT /api/v1/elections/{election_id}/seats/configuration), dont tous les bureaux \
         sont arrivés et dont la répartition est acquise (GET \
         /api/v1/elections/{election_id}/seats en donne l'état) ; exportez les résultats \
         avec --format prefecture-xml"
    )]
    SeatsNotComputed { election_id: i64 },

    #[error(
        "aucun bureau de l'élection {election_id} n'a de résultats : le fichier par bureau \
         serait vide, exportez-le quand au moins un bureau est arrivé"
    )]
    NoResults { election_id: i64 },

    #[error("répartition des sièges invalide : {0}")]
    InvalidSeats(String),

    #[error(
        "l'export {file} relu ne correspond pas à la base, rien n'a été écrit : {}",
        differences.join(" ; ")
    )]
    Mismatch {
        file: String,
        differences: Vec<String>,
    },

    // The cause is written into the message and is not a `#[source]`, so that a caller
    // printing the error chain does not repeat it.
    #[error(
        "impossible d'écrire {} ({cause}) : vérifiez que le dossier existe et est accessible \
         en écriture, ou choisissez un autre chemin avec --out",
        path.display()
    )]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },

    #[error(
        "{0} existe déjà et n'est pas un fichier ordinaire (dossier, périphérique, lien symbolique \
         ou tube) : l'export le remplacerait ; choisissez un fichier ordinaire ou un dossier avec \
         --out"
    )]
    NotARegularFile(PathBuf),

    #[error(
        "{0} existe déjà et n'est pas un dossier : indiquez un dossier avec --out pour le format pdf"
    )]
    NotAFolder(PathBuf),

    #[error("lecture de la base impossible : {0}")]
    Database(#[from] rusqlite::Error),

    #[error("écriture du document {document} impossible : {message}")]
    Render {
        document: &'static str,
        message: String,
    },
}
