//! Comparisons saved by the elections office, reopened from the analysis page.

use crate::db::{self, audit::AuditRecord};
use crate::service::ServiceError;
use rusqlite::{Connection, params};

/// Maximum length of a saved comparison's name, in characters.
const MAX_NAME: usize = 120;

#[derive(Debug, Clone)]
pub struct SavedQuery {
    pub id: i64,
    pub name: String,
    pub view: String,
    /// Query string of the analysis page, without the leading '?'.
    pub parameters: String,
    pub created_at: String,
    pub created_by: String,
}

pub fn list(connection: &Connection) -> rusqlite::Result<Vec<SavedQuery>> {
    let mut statement = connection.prepare(
        "SELECT id, name, view, parameters, created_at, created_by FROM saved_query
         ORDER BY name COLLATE NOCASE",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(SavedQuery {
            id: row.get(0)?,
            name: row.get(1)?,
            view: row.get(2)?,
            parameters: row.get(3)?,
            created_at: row.get(4)?,
            created_by: row.get(5)?,
        })
    })?;
    rows.collect()
}

fn invalid(message: String) -> ServiceError {
    ServiceError::Invalid {
        code: "invalid_saved_query",
        field: Some("name".to_string()),
        message,
    }
}

/// Saves a comparison under `name`, which must be new; returns its id.
pub fn save(
    connection: &mut Connection,
    name: &str,
    view: &str,
    parameters: &str,
    actor: &str,
) -> Result<i64, ServiceError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid(
            "nom de la comparaison manquant : donnez-lui un nom, par exemple « Participation \
             2026 contre 2020 »"
                .to_string(),
        ));
    }
    if name.chars().count() > MAX_NAME {
        return Err(invalid(format!(
            "nom « {name} » trop long : {MAX_NAME} caractères au plus"
        )));
    }
    let transaction = db::write_transaction(connection)?;
    let taken: bool = transaction.query_row(
        "SELECT COUNT(*) > 0 FROM saved_query WHERE name = ?1",
        [name],
        |row| row.get(0),
    )?;
    if taken {
        return Err(invalid(format!(
            "une comparaison s'appelle déjà « {name} » : choisissez un autre nom, ou supprimez \
             l'ancienne"
        )));
    }
    transaction.execute(
        "INSERT INTO saved_query (name, view, parameters, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, view, parameters, db::now(), actor],
    )?;
    let id = transaction.last_insert_rowid();
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: None,
            action: "saved_query.create",
            target: &format!("comparaison « {name} »"),
            before: None,
            after: Some(serde_json::json!({ "view": view, "parameters": parameters })),
            reason: None,
        },
    )?;
    transaction.commit()?;
    Ok(id)
}

/// Deletes a saved comparison.
pub fn delete(connection: &mut Connection, id: i64, actor: &str) -> Result<(), ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let name: Option<String> = transaction
        .query_row("SELECT name FROM saved_query WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .ok();
    let Some(name) = name else {
        return Err(ServiceError::NotFound(format!(
            "comparaison enregistrée {id} introuvable : elle a peut-être déjà été supprimée"
        )));
    };
    transaction.execute("DELETE FROM saved_query WHERE id = ?1", [id])?;
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: None,
            action: "saved_query.delete",
            target: &format!("comparaison « {name} »"),
            before: None,
            after: None,
            reason: None,
        },
    )?;
    transaction.commit()?;
    Ok(())
}
