//! Projector settings, candidate photos, the town logo and results embargoes.

use chrono::{DateTime, Utc};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// Slides the projector knows, in their default order.
/// `race` shows the whole constituency or canton, and only once other communes are listed.
pub const SLIDE_KINDS: [&str; 8] = [
    "turnout", "commune", "race", "stations", "hundreds", "seats", "status", "qr",
];

/// One slide of the projector's rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slide {
    /// One of [`SLIDE_KINDS`].
    pub kind: String,
    /// Seconds the slide stays on screen, 3 to 600.
    pub seconds: u32,
}

/// What the projector shows and how; every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DisplaySettings {
    /// Title at the top of every slide; the election's label when empty.
    pub title: String,
    pub slides: Vec<Slide>,
    /// Background, text and accent colours as `#rrggbb`.
    pub background: String,
    pub foreground: String,
    pub accent: String,
    /// Font size multiplier in hundredths: 100 is the default size, 150 one and a half.
    pub font_scale_percent: u32,
    /// Whether the town logo (`PUT /api/v1/logo`) shows in the header.
    pub show_logo: bool,
    /// Whether candidate photos show next to their bars.
    pub show_photos: bool,
    /// Address of the public results site, encoded in the QR code slide; the hub's own
    /// `/public/` pages when empty.
    pub public_url: String,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        DisplaySettings {
            title: String::new(),
            slides: SLIDE_KINDS
                .iter()
                .map(|kind| Slide {
                    kind: (*kind).to_string(),
                    seconds: 12,
                })
                .collect(),
            background: "#10213a".to_string(),
            foreground: "#ffffff".to_string(),
            accent: "#ffd24a".to_string(),
            font_scale_percent: 100,
            show_logo: true,
            show_photos: true,
            public_url: String::new(),
        }
    }
}

impl DisplaySettings {
    /// Checks every field; returns the French message of the first invalid one.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if self.slides.is_empty() {
            return Err((
                "slides".to_string(),
                "liste de diapositives vide : indiquez-en au moins une".to_string(),
            ));
        }
        for (index, slide) in self.slides.iter().enumerate() {
            if !SLIDE_KINDS.contains(&slide.kind.as_str()) {
                return Err((
                    format!("slides[{index}].kind"),
                    format!(
                        "diapositive « {} » inconnue : choisissez parmi {}",
                        slide.kind,
                        SLIDE_KINDS.join(", ")
                    ),
                ));
            }
            if !(3..=600).contains(&slide.seconds) {
                return Err((
                    format!("slides[{index}].seconds"),
                    format!(
                        "durée {} s invalide : entre 3 et 600 secondes",
                        slide.seconds
                    ),
                ));
            }
        }
        for (field, value) in [
            ("background", &self.background),
            ("foreground", &self.foreground),
            ("accent", &self.accent),
        ] {
            if !is_hex_colour(value) {
                return Err((
                    field.to_string(),
                    format!("couleur « {value} » invalide : format attendu #rrggbb"),
                ));
            }
        }
        if !(50..=300).contains(&self.font_scale_percent) {
            return Err((
                "font_scale_percent".to_string(),
                format!(
                    "taille de police {} % invalide : entre 50 et 300",
                    self.font_scale_percent
                ),
            ));
        }
        if self.title.chars().count() > 200 {
            return Err((
                "title".to_string(),
                "titre trop long : 200 caractères au plus".to_string(),
            ));
        }
        let is_web_address =
            self.public_url.starts_with("https://") || self.public_url.starts_with("http://");
        if !self.public_url.is_empty() && !is_web_address {
            return Err((
                "public_url".to_string(),
                format!(
                    "adresse « {} » invalide : elle doit commencer par https:// ou http://",
                    self.public_url
                ),
            ));
        }
        Ok(())
    }
}

fn is_hex_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// The stored configuration of one election's projector.
#[derive(Debug, Clone, Serialize)]
pub struct DisplayConfiguration {
    pub settings: DisplaySettings,
    /// Key that the projector URL carries (`/projection/{id}?key=…`).
    pub display_key: String,
    pub version: i64,
    /// Europe/Paris civil time with its offset.
    pub updated_at: String,
    pub updated_by: String,
}

/// Reads an election's projector configuration, if one was stored.
pub fn find(
    connection: &Connection,
    election_id: i64,
) -> rusqlite::Result<Option<DisplayConfiguration>> {
    connection
        .query_row(
            "SELECT settings, display_key, version, updated_at, updated_by
             FROM display_configuration WHERE election_id = ?1",
            params![election_id],
            |row| {
                let settings: String = row.get(0)?;
                Ok(DisplayConfiguration {
                    // Stored settings were validated on write; a field added later takes
                    // its default.
                    settings: serde_json::from_str(&settings).unwrap_or_default(),
                    display_key: row.get(1)?,
                    version: row.get(2)?,
                    updated_at: super::to_paris(&row.get::<_, String>(3)?),
                    updated_by: row.get(4)?,
                })
            },
        )
        .optional()
}

/// Returns the election whose display key this is.
pub fn election_of_key(connection: &Connection, key: &str) -> rusqlite::Result<Option<i64>> {
    connection
        .query_row(
            "SELECT election_id FROM display_configuration WHERE display_key = ?1",
            params![key],
            |row| row.get(0),
        )
        .optional()
}

fn new_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Stores new settings, creating the display key on the first write; returns the new
/// version.
pub fn store(
    connection: &Connection,
    election_id: i64,
    settings: &DisplaySettings,
    actor: &str,
) -> rusqlite::Result<i64> {
    let json = serde_json::to_string(settings).unwrap_or_else(|_| "{}".to_string());
    connection.execute(
        "INSERT INTO display_configuration
             (election_id, settings, display_key, version, updated_at, updated_by)
         VALUES (?1, ?2, ?3, 1, ?4, ?5)
         ON CONFLICT (election_id) DO UPDATE SET
             settings = excluded.settings, version = version + 1,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![election_id, json, new_key(), super::now(), actor],
    )?;
    connection.query_row(
        "SELECT version FROM display_configuration WHERE election_id = ?1",
        params![election_id],
        |row| row.get(0),
    )
}

/// An image stored in the database.
pub struct StoredImage {
    pub content_type: String,
    pub body: Vec<u8>,
    pub sha256: String,
}

/// Stores a candidate's photo, replacing any earlier one.
pub fn store_photo(
    connection: &Connection,
    election_id: i64,
    ballot_number: u32,
    image: &StoredImage,
) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT OR REPLACE INTO candidate_photo
             (election_id, ballot_number, content_type, body, sha256, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            election_id,
            ballot_number,
            image.content_type,
            image.body,
            image.sha256,
            super::now()
        ],
    )?;
    Ok(())
}

pub fn photo(
    connection: &Connection,
    election_id: i64,
    ballot_number: u32,
) -> rusqlite::Result<Option<StoredImage>> {
    connection
        .query_row(
            "SELECT content_type, body, sha256 FROM candidate_photo
             WHERE election_id = ?1 AND ballot_number = ?2",
            params![election_id, ballot_number],
            |row| {
                Ok(StoredImage {
                    content_type: row.get(0)?,
                    body: row.get(1)?,
                    sha256: row.get(2)?,
                })
            },
        )
        .optional()
}

/// Lists the ballot numbers that have a photo.
pub fn photo_numbers(connection: &Connection, election_id: i64) -> rusqlite::Result<Vec<u32>> {
    let mut statement = connection.prepare(
        "SELECT ballot_number FROM candidate_photo WHERE election_id = ?1 ORDER BY ballot_number",
    )?;
    let rows = statement.query_map(params![election_id], |row| row.get(0))?;
    rows.collect()
}

pub fn store_logo(connection: &Connection, image: &StoredImage) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT OR REPLACE INTO logo (id, content_type, body, sha256, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4)",
        params![image.content_type, image.body, image.sha256, super::now()],
    )?;
    Ok(())
}

pub fn logo(connection: &Connection) -> rusqlite::Result<Option<StoredImage>> {
    connection
        .query_row(
            "SELECT content_type, body, sha256 FROM logo WHERE id = 1",
            [],
            |row| {
                Ok(StoredImage {
                    content_type: row.get(0)?,
                    body: row.get(1)?,
                    sha256: row.get(2)?,
                })
            },
        )
        .optional()
}

/// Stores an election's plan of the polling places, replacing any earlier one.
pub fn store_plan(
    connection: &Connection,
    election_id: i64,
    image: &StoredImage,
) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT OR REPLACE INTO polling_place_plan
             (election_id, content_type, body, sha256, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            election_id,
            image.content_type,
            image.body,
            image.sha256,
            super::now()
        ],
    )?;
    Ok(())
}

pub fn plan(connection: &Connection, election_id: i64) -> rusqlite::Result<Option<StoredImage>> {
    connection
        .query_row(
            "SELECT content_type, body, sha256 FROM polling_place_plan WHERE election_id = ?1",
            params![election_id],
            |row| {
                Ok(StoredImage {
                    content_type: row.get(0)?,
                    body: row.get(1)?,
                    sha256: row.get(2)?,
                })
            },
        )
        .optional()
}

/// An election's results embargo.
#[derive(Debug, Clone, Serialize)]
pub struct Embargo {
    pub until: DateTime<Utc>,
    pub released: bool,
}

impl Embargo {
    /// Whether results must still stay off public reads at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        now < self.until
    }
}

pub fn embargo(connection: &Connection, election_id: i64) -> rusqlite::Result<Option<Embargo>> {
    let row: Option<(String, bool)> = connection
        .query_row(
            "SELECT until, released FROM embargo WHERE election_id = ?1",
            params![election_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    Ok(row.and_then(|(until, released)| {
        DateTime::parse_from_rfc3339(&until)
            .ok()
            .map(|until| Embargo {
                until: until.with_timezone(&Utc),
                released,
            })
    }))
}

/// Sets (or with `None` lifts) an election's embargo. A new time in the future re-arms
/// the release record.
pub fn store_embargo(
    connection: &Connection,
    election_id: i64,
    until: Option<DateTime<Utc>>,
    actor: &str,
) -> rusqlite::Result<()> {
    match until {
        Some(until) => {
            let released = until <= Utc::now();
            connection.execute(
                "INSERT OR REPLACE INTO embargo (election_id, until, released, updated_at,
                     updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    election_id,
                    until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    released,
                    super::now(),
                    actor
                ],
            )?;
        }
        None => {
            connection.execute(
                "DELETE FROM embargo WHERE election_id = ?1",
                params![election_id],
            )?;
        }
    }
    Ok(())
}

/// Lists the elections whose embargo has passed but whose release is not yet recorded.
/// Archived elections are left out: they are frozen, so their release cannot be recorded,
/// and their results show once `until` has passed all the same.
pub fn due_releases(connection: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Vec<i64>> {
    let mut statement = connection.prepare(
        "SELECT embargo.election_id, embargo.until FROM embargo
         JOIN election ON election.id = embargo.election_id
         WHERE embargo.released = 0 AND election.state <> 'archived'",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut due = Vec::new();
    for row in rows {
        let (election_id, until) = row?;
        let passed = DateTime::parse_from_rfc3339(&until)
            .map(|until| until.with_timezone(&Utc) <= now)
            .unwrap_or(true);
        if passed {
            due.push(election_id);
        }
    }
    Ok(due)
}

pub fn mark_released(connection: &Connection, election_id: i64) -> rusqlite::Result<()> {
    connection.execute(
        "UPDATE embargo SET released = 1 WHERE election_id = ?1",
        params![election_id],
    )?;
    Ok(())
}

/// Returns the most recent earlier election of the same commune and kind, if any: the
/// comparison curve of the turnout slide.
pub fn previous_comparable(
    connection: &Connection,
    election_id: i64,
) -> rusqlite::Result<Option<i64>> {
    connection
        .query_row(
            "SELECT previous.id FROM election AS current
             JOIN election AS previous
               ON previous.commune = current.commune AND previous.kind = current.kind
                  AND previous.date < current.date
             WHERE current.id = ?1
             ORDER BY previous.date DESC, previous.round = current.round DESC, previous.id DESC
             LIMIT 1",
            params![election_id],
            |row| row.get(0),
        )
        .optional()
}

/// Returns the time of the newest event of an election, as stored (UTC), if any.
pub fn latest_event(
    connection: &Connection,
    election_id: i64,
) -> rusqlite::Result<Option<(i64, String)>> {
    connection
        .query_row(
            "SELECT id, at FROM event WHERE election_id = ?1 ORDER BY id DESC LIMIT 1",
            params![election_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
}
