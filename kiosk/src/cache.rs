//! The last good snapshot on disk, written atomically so that a power cut leaves either
//! the old file or the new one, never a truncated file.

use crate::snapshot::Snapshot;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Returns the file beside the snapshot `path` that contains the plan of the polling
/// places.
pub fn plan_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".plan");
    PathBuf::from(name)
}

/// Writes the plan beside the snapshot `path`, or removes the file when there is none.
/// The file is replaced atomically like the snapshot.
pub fn save_plan(path: &Path, plan: Option<&[u8]>) -> std::io::Result<()> {
    let target = plan_path(path);
    let Some(bytes) = plan else {
        return match fs::remove_file(&target) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        };
    };
    write_atomically(&target, bytes)
}

/// Writes `snapshot` to `path`: a temporary file in the same folder, fsync, rename over
/// `path`, then fsync of the folder so that the rename itself is durable.
pub fn save(path: &Path, snapshot: &Snapshot) -> std::io::Result<()> {
    let body = serde_json::to_vec(snapshot).map_err(std::io::Error::other)?;
    write_atomically(path, &body)
}

fn write_atomically(path: &Path, body: &[u8]) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    fs::create_dir_all(folder)?;
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot.json".to_string());
    let temporary = folder.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = File::create(&temporary)?;
        file.write_all(body)?;
        file.sync_all()?;
        fs::rename(&temporary, path)?;
        File::open(folder)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// Reads the snapshot saved at `path`, with the plan saved beside it; `Ok(None)` when
/// there is no snapshot.
pub fn load(path: &Path) -> std::io::Result<Option<Snapshot>> {
    let Some(body) = read_if_present(path)? else {
        return Ok(None);
    };
    let mut snapshot: Snapshot = serde_json::from_slice(&body)
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error))?;
    snapshot.plan = read_if_present(&plan_path(path))?.map(Arc::new);
    Ok(Some(snapshot))
}

fn read_if_present(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(body) => Ok(Some(body)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}
