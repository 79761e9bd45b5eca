//! Check for installed fonts. Slint 1.18 panics at start when the system has no font,
//! even with an embedded one, so the kiosk checks first and exits with a clear message.

use std::path::{Path, PathBuf};

/// Folders fontconfig searches by default on Debian, plus the user's.
fn font_folders() -> Vec<PathBuf> {
    let mut folders = vec![
        PathBuf::from("/usr/share/fonts"),
        PathBuf::from("/usr/local/share/fonts"),
    ];
    if let Some(home) = std::env::var_os("HOME") {
        folders.push(Path::new(&home).join(".local/share/fonts"));
        folders.push(Path::new(&home).join(".fonts"));
    }
    folders
}

fn has_font_file(folder: &Path, depth: u8) -> bool {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() {
            depth > 0 && has_font_file(&path, depth - 1)
        } else {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc"))
        }
    })
}

/// Returns an error in French when no TrueType or OpenType font is installed.
pub fn check() -> Result<(), String> {
    if font_folders().iter().any(|folder| has_font_file(folder, 4)) {
        Ok(())
    } else {
        Err(
            "aucune police de caractères installée : installez le paquet fonts-dejavu-core"
                .to_string(),
        )
    }
}
