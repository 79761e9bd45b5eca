//! Paths of the export files, and their writing: complete or not at all.

use super::ExportError;
use super::snapshot::Snapshot;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Mark of a rehearsal election, added before the extension of every file name and
/// written into the files whose format has room for it.
pub const SIMULATION: &str = "SIMULATION";

/// Path of a one-file export: `out` itself, or the default name inside `out` when it is a
/// folder or ends with a path separator. A rehearsal's name gets the `-SIMULATION` suffix.
pub(crate) fn file_path(
    out: &Path,
    snapshot: &Snapshot,
    role: &str,
    extension: &str,
) -> Result<PathBuf, ExportError> {
    let names_folder = out
        .as_os_str()
        .to_string_lossy()
        .ends_with(std::path::MAIN_SEPARATOR);
    let path = if out.is_dir() || names_folder {
        out.join(default_name(snapshot, role, extension))
    } else {
        out.to_path_buf()
    };
    let name = file_name(&path);
    if name.is_empty() {
        return Err(ExportError::Write {
            path: path.clone(),
            cause: std::io::Error::new(std::io::ErrorKind::InvalidInput, "nom de fichier vide"),
        });
    }
    Ok(path.with_file_name(suffixed_name(&name, snapshot)))
}

/// Default file name: INSEE code, race code and role, which the importer reads back as
/// hints (`29061_LG2024T1_resultats-bv.csv`).
fn default_name(snapshot: &Snapshot, role: &str, extension: &str) -> String {
    format!(
        "{}_{}_{role}.{extension}",
        snapshot.config.commune.insee_code,
        snapshot.race_code()
    )
}

/// File name with `-SIMULATION` before the extension for a rehearsal, unless the name
/// already says SIMULATION.
pub(crate) fn suffixed_name(name: &str, snapshot: &Snapshot) -> String {
    if !snapshot.config.rehearsal || name.to_uppercase().contains(SIMULATION) {
        return name.to_string();
    }
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => {
            format!("{stem}-{SIMULATION}.{extension}")
        }
        _ => format!("{name}-{SIMULATION}"),
    }
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Creates the folder of the PDF reports when missing.
pub(crate) fn prepare_folder(out: &Path) -> Result<PathBuf, ExportError> {
    if out.exists() && !out.is_dir() {
        return Err(ExportError::NotAFolder(out.to_path_buf()));
    }
    fs::create_dir_all(out).map_err(|cause| ExportError::Write {
        path: out.to_path_buf(),
        cause,
    })?;
    Ok(out.to_path_buf())
}

/// Writes `bytes` to a temporary file beside `path`, reads it back and runs `check` on
/// what was read, then renames it to `path`. On any failure the temporary file is removed
/// and `path` is left as it was. An existing `path` that is not a regular file (a device
/// such as /dev/stdout, a symbolic link, a pipe) is rejected, because the rename would
/// replace it.
pub(crate) fn write_checked(
    path: &Path,
    bytes: &[u8],
    check: impl FnOnce(&[u8]) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    if fs::symlink_metadata(path).is_ok_and(|metadata| !metadata.is_file()) {
        return Err(ExportError::NotARegularFile(path.to_path_buf()));
    }
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temporary = folder.join(format!(".{}.{}.tmp", file_name(path), std::process::id()));
    let outcome = write_and_check(&temporary, path, bytes, check)
        .and_then(|()| fs::rename(&temporary, path).map_err(write_error(path)));
    if outcome.is_err() {
        // The temporary file may not exist when its creation failed: nothing to report.
        let _ = fs::remove_file(&temporary);
        return outcome;
    }
    // Make the rename itself durable; a folder that cannot be opened changes nothing.
    if let Ok(directory) = File::open(&folder) {
        let _ = directory.sync_all();
    }
    Ok(())
}

/// Writes and checks the temporary file; errors name the destination, which is what the
/// user chose.
fn write_and_check(
    temporary: &Path,
    destination: &Path,
    bytes: &[u8],
    check: impl FnOnce(&[u8]) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temporary)
        .map_err(write_error(destination))?;
    file.write_all(bytes).map_err(write_error(destination))?;
    file.sync_all().map_err(write_error(destination))?;
    drop(file);
    let written = fs::read(temporary).map_err(write_error(destination))?;
    check(&written)
}

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |cause| ExportError::Write {
        path: path.to_path_buf(),
        cause,
    }
}
