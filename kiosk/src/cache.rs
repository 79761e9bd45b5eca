//! The last good snapshot on disk, written atomically so that a power cut leaves either
//! the old file or the new one, never a truncated file.

use crate::snapshot::Snapshot;
use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

/// Writes `snapshot` to `path`: a temporary file in the same folder, fsync, rename over
/// `path`, then fsync of the folder so that the rename itself is durable.
pub fn save(path: &Path, snapshot: &Snapshot) -> std::io::Result<()> {
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
    let body = serde_json::to_vec(snapshot).map_err(std::io::Error::other)?;
    let result = (|| {
        let mut file = File::create(&temporary)?;
        file.write_all(&body)?;
        file.sync_all()?;
        fs::rename(&temporary, path)?;
        File::open(folder)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// Reads the snapshot saved at `path`; `Ok(None)` when there is none.
pub fn load(path: &Path) -> std::io::Result<Option<Snapshot>> {
    let body = match fs::read(path) {
        Ok(body) => body,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error))
}
