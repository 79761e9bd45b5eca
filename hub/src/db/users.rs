//! People who use the web interface, their roles and their sessions.
//!
//! Passwords are stored as Argon2id hashes (PHC strings, the `argon2` crate's default
//! parameters). A session id is 32 random bytes sent in a cookie; only its SHA-256 is
//! stored, so a copy of the database does not open a session.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, SecondsFormat, Utc};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, Row, params};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use urne_common::election::StationCode;

/// How long a session lasts after login: one election night's shift.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// Shortest password accepted by [`create`] and [`set_password`].
pub const MIN_PASSWORD_CHARS: usize = 10;

/// What a person may do in the web interface. The check happens on the server for every
/// write, whatever the page showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads every page, writes nothing.
    ReadOnly,
    /// Keys turnout, centaines and results, on every station or on a list of stations.
    Clerk,
    /// Everything a clerk does on every station, validates results, corrects validated
    /// results, opens and closes elections.
    Supervisor,
    /// Everything, including reopening a closed election and archiving.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Administrator,
        Role::Supervisor,
        Role::Clerk,
        Role::ReadOnly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Supervisor => "supervisor",
            Role::Clerk => "clerk",
            Role::ReadOnly => "read_only",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Role::Administrator => "administrateur",
            Role::Supervisor => "superviseur",
            Role::Clerk => "agent de saisie",
            Role::ReadOnly => "lecture seule",
        }
    }

    /// Parses the stored name, also accepting `read-only` as typed on the command line.
    pub fn parse(text: &str) -> Option<Role> {
        let normalised = text.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == normalised)
    }
}

/// A person with an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    /// Name recorded as the actor in the audit log.
    pub login: String,
    pub role: Role,
    /// Stations a clerk may write; `None` for every station.
    pub stations: Option<Vec<StationCode>>,
    pub disabled: bool,
}

impl User {
    /// Whether the user may key figures for `station`.
    pub fn may_enter(&self, station: &StationCode) -> bool {
        match self.role {
            Role::ReadOnly => false,
            Role::Supervisor | Role::Administrator => true,
            Role::Clerk => self
                .stations
                .as_ref()
                .is_none_or(|allowed| allowed.contains(station)),
        }
    }

    /// Whether the user may validate results and correct validated ones.
    pub fn may_supervise(&self) -> bool {
        self.role >= Role::Supervisor
    }
}

/// A valid session with the user it belongs to.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    /// Token every form of the session must send back.
    pub csrf_token: String,
    /// Expiry, stored format (RFC 3339 UTC).
    pub expires_at: String,
}

/// Why an account could not be created or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

impl From<rusqlite::Error> for AccountError {
    fn from(error: rusqlite::Error) -> Self {
        AccountError::Storage(error.into())
    }
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn stored_time(time: chrono::DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Checks a login: 1 to 64 characters among lower-case ASCII letters, digits, '.', '_'
/// and '-', so it reads unambiguously in the audit log.
pub fn check_login(login: &str) -> Result<(), AccountError> {
    let valid = !login.is_empty()
        && login.len() <= 64
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(())
    } else {
        Err(AccountError::Invalid(format!(
            "identifiant « {login} » invalide : 1 à 64 caractères parmi les lettres minuscules \
             sans accent, les chiffres, « . », « _ » et « - » (ex. marie.dupont)"
        )))
    }
}

fn check_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::Invalid(format!(
            "mot de passe trop court : au moins {MIN_PASSWORD_CHARS} caractères"
        )));
    }
    Ok(())
}

fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(hash.to_string())
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of a random password, verified against when the login is unknown so that an
/// unknown login takes as long to reject as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_hex()).unwrap_or_default())
}

/// Parses a comma-separated list of station codes (`1,0002,054A`).
pub fn parse_stations(text: &str) -> Result<Vec<StationCode>, AccountError> {
    let mut codes = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let code = StationCode::parse(part).map_err(AccountError::Invalid)?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.is_empty() {
        return Err(AccountError::Invalid(
            "liste de bureaux vide : indiquez des codes séparés par des virgules (ex. \
             0001,0002)"
                .to_string(),
        ));
    }
    Ok(codes)
}

fn user_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(2)?;
    let stations: Option<String> = row.get(3)?;
    let stations = stations
        .map(|text| serde_json::from_str::<Vec<StationCode>>(&text))
        .transpose()
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into())
        })?;
    Ok(User {
        id: row.get(0)?,
        login: row.get(1)?,
        // The CHECK constraint keeps the column to the four names; read-only is the
        // safe reading of anything else.
        role: Role::parse(&role).unwrap_or(Role::ReadOnly),
        stations,
        disabled: row.get::<_, Option<String>>(4)?.is_some(),
    })
}

const USER_COLUMNS: &str = "id, login, role, stations, disabled_at";

/// Creates an account and returns its id. Station lists apply to clerks only.
pub fn create(
    connection: &Connection,
    login: &str,
    password: &str,
    role: Role,
    stations: Option<&[StationCode]>,
) -> Result<i64, AccountError> {
    check_login(login)?;
    check_password(password)?;
    if stations.is_some() && role != Role::Clerk {
        return Err(AccountError::Invalid(format!(
            "une liste de bureaux ne s'applique qu'au rôle clerk (agent de saisie), pas à \
             {}",
            role.as_str()
        )));
    }
    let exists: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM user_account WHERE login = ?1)",
        params![login],
        |row| row.get(0),
    )?;
    if exists {
        return Err(AccountError::Invalid(format!(
            "l'identifiant « {login} » existe déjà : choisissez-en un autre"
        )));
    }
    let hash = hash_password(password)?;
    let stations = stations
        .map(serde_json::to_string)
        .transpose()
        .context("liste de bureaux")?;
    connection.execute(
        "INSERT INTO user_account (login, password_hash, role, stations, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![login, hash, role.as_str(), stations, super::now()],
    )?;
    Ok(connection.last_insert_rowid())
}

/// Lists every account, by login.
pub fn list(connection: &Connection) -> rusqlite::Result<Vec<User>> {
    let mut statement = connection.prepare(&format!(
        "SELECT {USER_COLUMNS} FROM user_account ORDER BY login"
    ))?;
    let rows = statement.query_map([], user_row)?;
    rows.collect()
}

pub fn find(connection: &Connection, login: &str) -> rusqlite::Result<Option<User>> {
    connection
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM user_account WHERE login = ?1"),
            params![login],
            user_row,
        )
        .optional()
}

/// Returns whether any active administrator exists.
pub fn has_administrator(connection: &Connection) -> rusqlite::Result<bool> {
    connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM user_account
                        WHERE role = 'administrator' AND disabled_at IS NULL)",
        [],
        |row| row.get(0),
    )
}

/// Checks a login and password; returns the active user they belong to.
pub fn authenticate(
    connection: &Connection,
    login: &str,
    password: &str,
) -> rusqlite::Result<Option<User>> {
    let found = connection
        .query_row(
            &format!("SELECT {USER_COLUMNS}, password_hash FROM user_account WHERE login = ?1"),
            params![login.trim()],
            |row| Ok((user_row(row)?, row.get::<_, String>(5)?)),
        )
        .optional()?;
    let Some((user, hash)) = found else {
        let _ = password_matches(password, decoy_hash());
        return Ok(None);
    };
    if !password_matches(password, &hash) || user.disabled {
        return Ok(None);
    }
    Ok(Some(user))
}

/// Replaces a password and ends the account's sessions.
pub fn set_password(
    connection: &Connection,
    login: &str,
    password: &str,
) -> Result<(), AccountError> {
    check_password(password)?;
    let hash = hash_password(password)?;
    let changed = connection.execute(
        "UPDATE user_account SET password_hash = ?2 WHERE login = ?1",
        params![login, hash],
    )?;
    if changed == 0 {
        return Err(AccountError::Invalid(format!(
            "identifiant « {login} » inconnu : « urne-hub user list » affiche les comptes"
        )));
    }
    connection.execute(
        "DELETE FROM user_session
         WHERE user_id = (SELECT id FROM user_account WHERE login = ?1)",
        params![login],
    )?;
    Ok(())
}

/// Disables an account and ends its sessions. The account stays so that the audit log
/// keeps naming a known person.
pub fn disable(connection: &Connection, login: &str) -> Result<(), AccountError> {
    let changed = connection.execute(
        "UPDATE user_account SET disabled_at = ?2 WHERE login = ?1 AND disabled_at IS NULL",
        params![login, super::now()],
    )?;
    if changed == 0 {
        return Err(AccountError::Invalid(format!(
            "aucun compte actif « {login} » : « urne-hub user list » affiche les comptes"
        )));
    }
    connection.execute(
        "DELETE FROM user_session
         WHERE user_id = (SELECT id FROM user_account WHERE login = ?1)",
        params![login],
    )?;
    Ok(())
}

/// Opens a session for a user and returns the session id to send in the cookie. Expired
/// sessions of every user are deleted on the way.
pub fn open_session(connection: &Connection, user_id: i64) -> rusqlite::Result<String> {
    let now = Utc::now();
    connection.execute(
        "DELETE FROM user_session WHERE expires_at <= ?1",
        params![stored_time(now)],
    )?;
    let id = random_hex();
    connection.execute(
        "INSERT INTO user_session (id_hash, user_id, csrf_token, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            sha256_hex(&id),
            user_id,
            random_hex(),
            stored_time(now),
            stored_time(now + SESSION_LIFETIME),
        ],
    )?;
    Ok(id)
}

/// Returns the session with id `session_id` when it exists, has not expired and belongs
/// to an active account.
pub fn find_session(
    connection: &Connection,
    session_id: &str,
) -> rusqlite::Result<Option<Session>> {
    let found = connection
        .prepare_cached(
            "SELECT u.id, u.login, u.role, u.stations, u.disabled_at, s.csrf_token,
                 s.expires_at
             FROM user_session s JOIN user_account u ON u.id = s.user_id
             WHERE s.id_hash = ?1 AND s.expires_at > ?2",
        )?
        .query_row(
            params![sha256_hex(session_id.trim()), stored_time(Utc::now())],
            |row| {
                Ok(Session {
                    user: user_row(row)?,
                    csrf_token: row.get(5)?,
                    expires_at: row.get(6)?,
                })
            },
        )
        .optional()?;
    Ok(found.filter(|session| !session.user.disabled))
}

/// Ends a session.
pub fn close_session(connection: &Connection, session_id: &str) -> rusqlite::Result<()> {
    connection.execute(
        "DELETE FROM user_session WHERE id_hash = ?1",
        params![sha256_hex(session_id.trim())],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> (tempfile::TempDir, Connection) {
        let directory = tempfile::tempdir().unwrap();
        let connection = super::super::open(&directory.path().join("u.sqlite")).unwrap();
        (directory, connection)
    }

    #[test]
    fn password_stored_hashed_and_checked() {
        let (_directory, connection) = database();
        create(
            &connection,
            "marie",
            "correct horse battery",
            Role::Clerk,
            None,
        )
        .unwrap();
        let stored: String = connection
            .query_row("SELECT password_hash FROM user_account", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        let user = authenticate(&connection, "marie", "correct horse battery").unwrap();
        assert_eq!(user.unwrap().role, Role::Clerk);
        assert!(
            authenticate(&connection, "marie", "wrong password")
                .unwrap()
                .is_none()
        );
        assert!(
            authenticate(&connection, "paul", "correct horse battery")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn account_rules() {
        let (_directory, connection) = database();
        assert!(
            create(
                &connection,
                "Marie",
                "correct horse battery",
                Role::Clerk,
                None
            )
            .is_err()
        );
        assert!(create(&connection, "marie", "short", Role::Clerk, None).is_err());
        let stations = parse_stations("1, 0002").unwrap();
        assert!(
            create(
                &connection,
                "sup",
                "correct horse battery",
                Role::Supervisor,
                Some(&stations)
            )
            .is_err()
        );
        create(
            &connection,
            "marie",
            "correct horse battery",
            Role::Clerk,
            Some(&stations),
        )
        .unwrap();
        assert!(
            create(
                &connection,
                "marie",
                "correct horse battery",
                Role::Clerk,
                None
            )
            .is_err()
        );
        let marie = find(&connection, "marie").unwrap().unwrap();
        assert!(marie.may_enter(&StationCode::parse("0001").unwrap()));
        assert!(!marie.may_enter(&StationCode::parse("0003").unwrap()));
        assert!(!marie.may_supervise());
        assert!(parse_stations(" , ").is_err());
        assert!(parse_stations("12345").is_err());
    }

    #[test]
    fn session_lifecycle() {
        let (_directory, connection) = database();
        let id = create(
            &connection,
            "sup",
            "correct horse battery",
            Role::Supervisor,
            None,
        )
        .unwrap();
        let session_id = open_session(&connection, id).unwrap();
        let stored: String = connection
            .query_row("SELECT id_hash FROM user_session", [], |row| row.get(0))
            .unwrap();
        assert_ne!(stored, session_id);
        let session = find_session(&connection, &session_id).unwrap().unwrap();
        assert_eq!(session.user.login, "sup");
        assert_eq!(session.csrf_token.len(), 64);
        assert!(find_session(&connection, "unknown").unwrap().is_none());

        connection
            .execute(
                "UPDATE user_session SET expires_at = '2000-01-01T00:00:00.000Z'",
                [],
            )
            .unwrap();
        assert!(find_session(&connection, &session_id).unwrap().is_none());

        let session_id = open_session(&connection, id).unwrap();
        let sessions: i64 = connection
            .query_row("SELECT COUNT(*) FROM user_session", [], |row| row.get(0))
            .unwrap();
        assert_eq!(
            sessions, 1,
            "the expired session is deleted at the next login"
        );
        disable(&connection, "sup").unwrap();
        assert!(find_session(&connection, &session_id).unwrap().is_none());
        assert!(
            authenticate(&connection, "sup", "correct horse battery")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn roles_parse() {
        assert_eq!(Role::parse("read-only"), Some(Role::ReadOnly));
        assert_eq!(Role::parse("Administrator"), Some(Role::Administrator));
        assert_eq!(Role::parse("boss"), None);
    }
}
