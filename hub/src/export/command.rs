//! `urne-hub export`: checks the command line's values, runs the export and prints what
//! was written, with a warning for a rehearsal or an incomplete count.

use super::{ExportOptions, Format, export_with};
use std::path::Path;

/// Runs `urne-hub export [--db FILE] ID --format FORMAT --out PATH [--mayor NAME]`.
/// Prints one line per file written on standard output and the warnings on standard
/// error.
pub fn run_command(
    db: &Path,
    election_id: i64,
    format: &str,
    out: &Path,
    mayor: Option<&str>,
) -> anyhow::Result<()> {
    let format: Format = format.parse()?;
    if !db.is_file() {
        anyhow::bail!(
            "base {} introuvable : indiquez le fichier de la base avec --db, ou importez \
             d'abord une élection",
            db.display()
        );
    }
    let connection = crate::db::open(db)?;
    let options = ExportOptions {
        mayor: mayor
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_string),
        seats: None,
    };
    let summary = export_with(&connection, election_id, format, out, &options)?;
    if summary.rehearsal {
        eprintln!(
            "attention : l'élection {election_id} est une simulation ; les fichiers portent la \
             mention SIMULATION et ne doivent être ni transmis ni publiés"
        );
    }
    if summary.stations_counted < summary.stations_total {
        let counted = if summary.stations_counted > 1 {
            "bureaux comptés"
        } else {
            "bureau compté"
        };
        eprintln!(
            "attention : résultats partiels, {} {counted} sur {}",
            summary.stations_counted, summary.stations_total
        );
    }
    if let Some(layout) = summary.layout {
        eprintln!("disposition XML : {layout}");
    }
    for file in &summary.files {
        println!("{}", file.display());
    }
    Ok(())
}
