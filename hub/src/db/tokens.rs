//! Write tokens. A token is 32 random bytes shown once in hexadecimal; only its SHA-256
//! is stored, so a copy of the database does not give write access.

use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Creates the first token when the database has none, returning it for printing.
pub fn ensure_initial(connection: &Connection) -> rusqlite::Result<Option<String>> {
    let count: i64 = connection.query_row(
        "SELECT COUNT(*) FROM api_token WHERE revoked_at IS NULL",
        [],
        |row| row.get(0),
    )?;
    if count > 0 {
        return Ok(None);
    }
    create(connection, "initial").map(Some)
}

/// Creates a token with a label, returning it in clear.
pub fn create(connection: &Connection, label: &str) -> rusqlite::Result<String> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    connection.execute(
        "INSERT INTO api_token (label, token_hash, created_at) VALUES (?1, ?2, ?3)",
        params![label, hash(&token), super::now()],
    )?;
    Ok(token)
}

/// Revokes every token and creates a new one, for when the token was lost or leaked.
pub fn reset(connection: &mut Connection) -> rusqlite::Result<String> {
    let transaction = super::write_transaction(connection)?;
    transaction.execute(
        "UPDATE api_token SET revoked_at = ?1 WHERE revoked_at IS NULL",
        params![super::now()],
    )?;
    let token = create(&transaction, "reset")?;
    transaction.commit()?;
    Ok(token)
}

/// Returns the label of the valid token matching `token`, if any.
pub fn check(connection: &Connection, token: &str) -> rusqlite::Result<Option<String>> {
    connection
        .query_row(
            "SELECT label FROM api_token WHERE token_hash = ?1 AND revoked_at IS NULL",
            params![hash(token)],
            |row| row.get(0),
        )
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_stored_hashed_and_checked() {
        let directory = tempfile::tempdir().unwrap();
        let mut connection = super::super::open(&directory.path().join("t.sqlite")).unwrap();
        let token = ensure_initial(&connection).unwrap().unwrap();
        assert!(ensure_initial(&connection).unwrap().is_none());
        let stored: String = connection
            .query_row("SELECT token_hash FROM api_token", [], |row| row.get(0))
            .unwrap();
        assert_ne!(stored, token);
        assert_eq!(
            check(&connection, &token).unwrap().as_deref(),
            Some("initial")
        );
        assert_eq!(check(&connection, "nope").unwrap(), None);

        let fresh = reset(&mut connection).unwrap();
        assert_eq!(check(&connection, &token).unwrap(), None);
        assert!(check(&connection, &fresh).unwrap().is_some());
    }
}
