//! Archived elections: the freeze, the one-file archive moved between hubs, and the import
//! of past results as archived elections.
//!
//! An archive file is JSON: the election's row, its commune, and the rows of every table
//! that has an `election_id` column (configuration copy, figures, audit records, display
//! settings…), found from the schema so that tables added later travel too. The events
//! table is left out because its rows are notifications of this hub's stream. Integer
//! primary keys named `id` (the audit records') are left out and renumbered on import,
//! in the same order.

use crate::db::{self, audit::AuditRecord};
use crate::import::ImportedElection;
use crate::service::{self, CreatedElection, ServiceError};
use anyhow::Context;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// Start of the message of the triggers that freeze archived elections
/// (hub/src/db/schema_archive.sql).
const FROZEN_PREFIX: &str = "élection archivée";

/// Name of the format in the archive file's `format` field.
const FORMAT: &str = "urne-archive";
const FORMAT_VERSION: u32 = 1;

/// Election-scoped tables that are not part of an archive.
const EXCLUDED_TABLES: &[&str] = &["event"];

/// Returns the French message of a write rejected because its election is archived.
pub fn frozen_message(error: &rusqlite::Error) -> Option<String> {
    match error {
        rusqlite::Error::SqliteFailure(failure, Some(message))
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_TRIGGER
                && message.starts_with(FROZEN_PREFIX) =>
        {
            Some(message.clone())
        }
        _ => None,
    }
}

/// Rows of one table in an archive, values in column order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// The content of an archive file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArchiveFile {
    pub format: String,
    pub format_version: u32,
    /// Schema version (`PRAGMA user_version`) of the hub that wrote it.
    pub schema_version: i64,
    pub exported_at: String,
    /// Id of the election on the hub that wrote it.
    pub election_id: i64,
    pub label: String,
    pub commune: TableRows,
    /// The election's row, without its id.
    pub election: TableRows,
    pub tables: BTreeMap<String, TableRows>,
    /// Hex SHA-256 of the JSON of `commune`, `election` and `tables`, checked on import.
    pub sha256: String,
}

fn to_json(value: SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(number) => Value::from(number),
        SqlValue::Real(number) => Value::from(number),
        SqlValue::Text(text) => Value::from(text),
        SqlValue::Blob(bytes) => serde_json::json!({ "hex": hex::encode(bytes) }),
    }
}

fn from_json(value: &Value) -> Result<SqlValue, String> {
    match value {
        Value::Null => Ok(SqlValue::Null),
        Value::Bool(flag) => Ok(SqlValue::Integer(i64::from(*flag))),
        Value::Number(number) => number
            .as_i64()
            .map(SqlValue::Integer)
            .or_else(|| number.as_f64().map(SqlValue::Real))
            .ok_or_else(|| format!("nombre {number} hors limites")),
        Value::String(text) => Ok(SqlValue::Text(text.clone())),
        Value::Object(object) => object
            .get("hex")
            .and_then(Value::as_str)
            .and_then(|text| hex::decode(text).ok())
            .map(SqlValue::Blob)
            .ok_or_else(|| "objet autre que {\"hex\": …}".to_string()),
        Value::Array(_) => Err("tableau inattendu".to_string()),
    }
}

/// A table's columns, with whether each is an integer primary key named `id`.
fn table_columns(connection: &Connection, table: &str) -> rusqlite::Result<Vec<(String, bool)>> {
    let mut statement = connection.prepare("SELECT name, type, pk FROM pragma_table_info(?1)")?;
    let columns = statement.query_map([table], |row| {
        let name: String = row.get(0)?;
        let kind: String = row.get(1)?;
        let pk: i64 = row.get(2)?;
        let is_id = name == "id" && pk == 1 && kind.eq_ignore_ascii_case("INTEGER");
        Ok((name, is_id))
    })?;
    columns.collect()
}

/// Tables with an `election_id` column that belong in an archive, in name order.
pub fn election_tables(connection: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare(
        "SELECT m.name FROM sqlite_schema m WHERE m.type = 'table'
         AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'election_id')
         ORDER BY m.name",
    )?;
    let names = statement.query_map([], |row| row.get::<_, String>(0))?;
    let names: Vec<String> = names.collect::<rusqlite::Result<_>>()?;
    Ok(names
        .into_iter()
        .filter(|name| !EXCLUDED_TABLES.contains(&name.as_str()))
        .collect())
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Reads the rows of `table` matching `filter` (one `?1` parameter), leaving out an
/// integer `id` key, ordered by rowid so audit records keep their order.
fn read_rows(
    connection: &Connection,
    table: &str,
    filter: &str,
    parameter: &dyn rusqlite::ToSql,
) -> rusqlite::Result<TableRows> {
    let columns: Vec<String> = table_columns(connection, table)?
        .into_iter()
        .filter(|(_, is_id)| !is_id)
        .map(|(name, _)| name)
        .collect();
    let list: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE {filter} ORDER BY rowid",
        list.join(", "),
        quote(table)
    );
    let mut statement = connection.prepare(&sql)?;
    let count = columns.len();
    let rows = statement.query_map([parameter], |row| {
        (0..count)
            .map(|index| row.get::<_, SqlValue>(index).map(to_json))
            .collect::<rusqlite::Result<Vec<Value>>>()
    })?;
    Ok(TableRows {
        columns,
        rows: rows.collect::<rusqlite::Result<_>>()?,
    })
}

fn checksum(
    commune: &TableRows,
    election: &TableRows,
    tables: &BTreeMap<String, TableRows>,
) -> String {
    let content = serde_json::json!({ "commune": commune, "election": election, "tables": tables });
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!(
        "élection {id} introuvable : consultez la liste avec GET /api/v1/elections"
    ))
}

/// Archives an open or closed election: its figures, configuration copy and audit records
/// are frozen from then on. Returns its label.
pub fn archive_election(
    connection: &mut Connection,
    id: i64,
    actor: &str,
) -> Result<String, ServiceError> {
    use db::elections::ElectionState;
    let transaction = db::write_transaction(connection)?;
    let row = db::elections::find(&transaction, id)?.ok_or_else(|| not_found(id))?;
    if !matches!(row.state, ElectionState::Open | ElectionState::Closed) {
        return Err(ServiceError::Conflict(format!(
            "l'élection {id} est {} : seule une élection ouverte ou close peut être archivée",
            row.state.label_fr()
        )));
    }
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: Some(id),
            action: "election.state",
            target: &row.summary.label,
            before: Some(serde_json::json!({ "state": row.state })),
            after: Some(serde_json::json!({ "state": ElectionState::Archived })),
            reason: None,
        },
    )?;
    let data_version = db::elections::bump_data_version(&transaction, id)?;
    // Last, because an archived election's row and audit records are frozen.
    transaction.execute("UPDATE election SET state = 'archived' WHERE id = ?1", [id])?;
    db::events::append(
        &transaction,
        Some(id),
        "election",
        Some(data_version),
        None,
        Some("archived"),
    )?;
    transaction.commit()?;
    tracing::info!(election = id, "election archived");
    Ok(row.summary.label)
}

/// Reads an archived election into an archive.
pub fn export(connection: &Connection, id: i64) -> Result<ArchiveFile, ServiceError> {
    let row = db::elections::find(connection, id)?.ok_or_else(|| not_found(id))?;
    if row.state != db::elections::ElectionState::Archived {
        return Err(ServiceError::Conflict(format!(
            "l'élection {id} est {} : seule une élection archivée s'exporte en archive ; \
             archivez-la d'abord (page Élections, bouton « Archiver »)",
            row.state.label_fr()
        )));
    }
    let commune_code: String =
        connection.query_row("SELECT commune FROM election WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    let commune = read_rows(connection, "commune", "insee_code = ?1", &commune_code)?;
    let election = read_rows(connection, "election", "id = ?1", &id)?;
    let mut tables = BTreeMap::new();
    for table in election_tables(connection)? {
        let mut rows = read_rows(connection, &table, "election_id = ?1", &id)?;
        // The election id is implied, and replaced on import.
        if let Some(index) = rows.columns.iter().position(|c| c == "election_id") {
            rows.columns.remove(index);
            for row in &mut rows.rows {
                row.remove(index);
            }
        }
        tables.insert(table, rows);
    }
    let schema_version = connection.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let sha256 = checksum(&commune, &election, &tables);
    Ok(ArchiveFile {
        format: FORMAT.to_string(),
        format_version: FORMAT_VERSION,
        schema_version,
        exported_at: db::now(),
        election_id: id,
        label: row.summary.label,
        commune,
        election,
        tables,
        sha256,
    })
}

/// Writes the archive of election `id` of database `db` into `out`.
pub fn export_file(db: &Path, id: i64, out: &Path) -> anyhow::Result<ArchiveFile> {
    if !db.is_file() {
        anyhow::bail!("base {} introuvable : indiquez-la avec --db", db.display());
    }
    let connection = db::open(db)?;
    let archive = export(&connection, id).map_err(|error| anyhow::anyhow!("{error}"))?;
    let bytes = serde_json::to_vec(&archive)?;
    let mut temporary = out.as_os_str().to_owned();
    temporary.push(".partial");
    std::fs::write(&temporary, &bytes)
        .with_context(|| format!("écriture de {} impossible", out.display()))?;
    std::fs::rename(&temporary, out)
        .with_context(|| format!("écriture de {} impossible", out.display()))?;
    Ok(archive)
}

fn archive_invalid(message: String) -> ServiceError {
    ServiceError::Invalid {
        code: "invalid_archive",
        field: Some("archive".to_string()),
        message: format!("archive refusée, rien n'a été importé : {message}"),
    }
}

/// Value of column `name` in the single row of `rows`.
fn single_value<'a>(rows: &'a TableRows, name: &str) -> Option<&'a Value> {
    let index = rows.columns.iter().position(|c| c == name)?;
    rows.rows.first()?.get(index)
}

/// Finds a non-rehearsal election of the same commune, kind, date, round and scope.
fn find_same_election(
    connection: &Connection,
    identity: &ElectionIdentity,
) -> rusqlite::Result<Option<(i64, String)>> {
    connection
        .query_row(
            "SELECT id, label FROM election WHERE commune = ?1 AND kind = ?2 AND date = ?3
             AND round = ?4 AND scope_kind = ?5 AND scope_code IS ?6 AND rehearsal = ?7",
            params![
                identity.commune,
                identity.kind,
                identity.date,
                identity.round,
                identity.scope_kind,
                identity.scope_code,
                identity.rehearsal
            ],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
}

/// Identity of an election across hubs: one race of one commune on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ElectionIdentity {
    commune: String,
    kind: String,
    date: String,
    round: i64,
    scope_kind: String,
    scope_code: Option<String>,
    rehearsal: bool,
}

fn duplicate_error(label: &str, existing: (i64, String)) -> ServiceError {
    ServiceError::Conflict(format!(
        "l'élection « {label} » existe déjà sur ce hub (numéro {}, « {} ») : rien n'a été \
         importé ; une même élection ne s'importe qu'une fois",
        existing.0, existing.1
    ))
}

fn identity_of_archive(archive: &ArchiveFile) -> Result<ElectionIdentity, ServiceError> {
    let text = |name: &str| {
        single_value(&archive.election, name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| archive_invalid(format!("champ election.{name} manquant")))
    };
    let number = |name: &str| {
        single_value(&archive.election, name)
            .and_then(Value::as_i64)
            .ok_or_else(|| archive_invalid(format!("champ election.{name} manquant")))
    };
    Ok(ElectionIdentity {
        commune: text("commune")?,
        kind: text("kind")?,
        date: text("date")?,
        round: number("round")?,
        scope_kind: text("scope_kind")?,
        scope_code: single_value(&archive.election, "scope_code")
            .and_then(Value::as_str)
            .map(str::to_string),
        rehearsal: number("rehearsal")? != 0,
    })
}

/// Inserts `rows` into `table`, with `election_id` set to `id` when `id` is set.
fn insert_rows(
    transaction: &Connection,
    table: &str,
    rows: &TableRows,
    id: Option<i64>,
) -> Result<(), ServiceError> {
    let local: Vec<String> = table_columns(transaction, table)?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    if local.is_empty() {
        return Err(archive_invalid(format!(
            "la table {table} de l'archive n'existe pas sur ce hub : mettez à jour urne-hub"
        )));
    }
    if let Some(column) = rows.columns.iter().find(|c| !local.contains(c)) {
        return Err(archive_invalid(format!(
            "la colonne {table}.{column} de l'archive n'existe pas sur ce hub : mettez à jour \
             urne-hub"
        )));
    }
    if id.is_some() && rows.columns.iter().any(|c| c == "election_id") {
        return Err(archive_invalid(format!(
            "la table {table} de l'archive contient une colonne election_id, implicite dans              ce format"
        )));
    }
    let mut list: Vec<String> = rows.columns.iter().map(|c| quote(c)).collect();
    if id.is_some() {
        list.push(quote("election_id"));
    }
    let placeholders: Vec<String> = (1..=list.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote(table),
        list.join(", "),
        placeholders.join(", ")
    );
    let mut statement = transaction.prepare(&sql)?;
    for (number, row) in rows.rows.iter().enumerate() {
        if row.len() != rows.columns.len() {
            return Err(archive_invalid(format!(
                "table {table}, ligne {} : {} valeurs pour {} colonnes",
                number + 1,
                row.len(),
                rows.columns.len()
            )));
        }
        let mut values = Vec::with_capacity(row.len() + 1);
        for (index, value) in row.iter().enumerate() {
            let value = from_json(value).map_err(|message| {
                archive_invalid(format!(
                    "table {table}, ligne {}, colonne {} : {message}",
                    number + 1,
                    rows.columns[index]
                ))
            })?;
            values.push(value);
        }
        if let Some(id) = id {
            values.push(SqlValue::Integer(id));
        }
        statement
            .execute(params_from_iter(values))
            .map_err(|error| {
                archive_invalid(format!("table {table}, ligne {} : {error}", number + 1))
            })?;
    }
    Ok(())
}

/// Order of insertion: the tables other rows refer to come first.
fn insertion_order(tables: &BTreeMap<String, TableRows>) -> Vec<&String> {
    let first = ["election_station", "election_candidate"];
    let mut order: Vec<&String> = first
        .iter()
        .filter_map(|name| tables.get_key_value(*name).map(|(key, _)| key))
        .collect();
    order.extend(tables.keys().filter(|name| !first.contains(&name.as_str())));
    order
}

/// Imports an archive as a new archived election, all or nothing, and returns its id.
pub fn import(
    connection: &mut Connection,
    archive: &ArchiveFile,
    actor: &str,
) -> Result<i64, ServiceError> {
    if archive.format != FORMAT || archive.format_version != FORMAT_VERSION {
        return Err(archive_invalid(format!(
            "format « {} » version {} inconnu : un fichier écrit par « urne-hub archive \
             export » ({FORMAT} version {FORMAT_VERSION}) est attendu",
            archive.format, archive.format_version
        )));
    }
    let expected = checksum(&archive.commune, &archive.election, &archive.tables);
    if expected != archive.sha256 {
        return Err(archive_invalid(
            "somme de contrôle SHA-256 différente : le fichier a été modifié ou tronqué ; \
             exportez-le à nouveau"
                .to_string(),
        ));
    }
    if archive.election.rows.len() != 1 || archive.commune.rows.len() != 1 {
        return Err(archive_invalid(
            "une élection et une commune exactement sont attendues".to_string(),
        ));
    }
    let identity = identity_of_archive(archive)?;
    let transaction = db::write_transaction(connection)?;
    if let Some(existing) = find_same_election(&transaction, &identity)? {
        return Err(duplicate_error(&archive.label, existing));
    }
    let commune_known: bool = transaction.query_row(
        "SELECT COUNT(*) > 0 FROM commune WHERE insee_code = ?1",
        [&identity.commune],
        |row| row.get(0),
    )?;
    if !commune_known {
        // The commune joins as a plain commune, never as the one the configuration pages
        // manage.
        let mut commune = archive.commune.clone();
        if let Some(index) = commune.columns.iter().position(|c| c == "is_reference") {
            for row in &mut commune.rows {
                row[index] = Value::from(0);
            }
        }
        insert_rows(&transaction, "commune", &commune, None)?;
    }
    // The election is inserted closed and archived last, because the triggers reject rows
    // added to an archived election.
    let mut election = archive.election.clone();
    let state_index = election.columns.iter().position(|c| c == "state");
    let Some(state_index) = state_index else {
        return Err(archive_invalid("champ election.state manquant".to_string()));
    };
    election.rows[0][state_index] = Value::from("closed");
    insert_rows(&transaction, "election", &election, None)?;
    let id = transaction.last_insert_rowid();
    transaction.pragma_update(None, "defer_foreign_keys", true)?;
    for table in insertion_order(&archive.tables) {
        if EXCLUDED_TABLES.contains(&table.as_str()) {
            continue;
        }
        insert_rows(&transaction, table, &archive.tables[table], Some(id))?;
    }
    transaction.execute("UPDATE election SET state = 'archived' WHERE id = ?1", [id])?;
    db::audit::append(
        &transaction,
        &AuditRecord {
            actor,
            election_id: None,
            action: "archive.import",
            target: &format!("élection {id} « {} »", archive.label),
            before: None,
            after: Some(serde_json::json!({
                "source_election_id": archive.election_id,
                "exported_at": archive.exported_at,
                "sha256": archive.sha256,
            })),
            reason: None,
        },
    )?;
    transaction.commit()?;
    tracing::info!(election = id, label = archive.label, "archive imported");
    Ok(id)
}

/// Reads an archive file and imports it into database `db`.
pub fn import_file(db: &Path, file: &Path) -> anyhow::Result<(i64, String)> {
    let bytes =
        std::fs::read(file).with_context(|| format!("lecture de {} impossible", file.display()))?;
    let archive: ArchiveFile = serde_json::from_slice(&bytes).map_err(|error| {
        anyhow::anyhow!(
            "archive {} illisible, rien n'a été importé : {error} ; un fichier écrit par \
             « urne-hub archive export » est attendu",
            file.display()
        )
    })?;
    let mut connection = db::open(db)?;
    let id = import(&mut connection, &archive, "urne-hub archive import")
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    Ok((id, archive.label))
}

fn identity_of_config(imported: &ImportedElection) -> ElectionIdentity {
    let config = &imported.config;
    let (scope_kind, scope_code) = match &config.scope {
        urne_common::election::Scope::Commune => ("commune", None),
        urne_common::election::Scope::Constituency(code) => ("constituency", Some(code.clone())),
        urne_common::election::Scope::Canton(code) => ("canton", Some(code.clone())),
    };
    ElectionIdentity {
        commune: config.commune.insee_code.clone(),
        kind: config.kind.ministry_code().to_string(),
        date: config.date.format("%Y-%m-%d").to_string(),
        round: i64::from(config.round),
        scope_kind: scope_kind.to_string(),
        scope_code: scope_code.map(|code| code.to_string()),
        rehearsal: config.rehearsal,
    }
}

/// Imports past results as archived elections, all or nothing. An election already on the
/// hub, or twice in the files, rejects the whole import.
pub fn import_history(
    connection: &mut Connection,
    elections: &[ImportedElection],
    actor: &str,
) -> Result<Vec<CreatedElection>, ServiceError> {
    let transaction = db::write_transaction(connection)?;
    let mut seen: Vec<(ElectionIdentity, String)> = Vec::new();
    for imported in elections {
        let identity = identity_of_config(imported);
        if let Some((_, label)) = seen.iter().find(|(other, _)| *other == identity) {
            return Err(ServiceError::Conflict(format!(
                "les fichiers contiennent deux fois l'élection « {label} » : rien n'a été \
                 importé ; retirez le fichier en double"
            )));
        }
        if let Some(existing) = find_same_election(&transaction, &identity)? {
            return Err(duplicate_error(&imported.config.label, existing));
        }
        seen.push((identity, imported.config.label.clone()));
    }
    let created = service::insert_elections(&transaction, elections, actor, true)?;
    for election in &created {
        db::audit::append(
            &transaction,
            &AuditRecord {
                actor,
                election_id: Some(election.id),
                action: "election.state",
                target: &election.label,
                before: Some(serde_json::json!({ "state": "open" })),
                after: Some(serde_json::json!({ "state": "archived" })),
                reason: Some("import de résultats passés"),
            },
        )?;
        transaction.execute(
            "UPDATE election SET state = 'archived' WHERE id = ?1",
            [election.id],
        )?;
    }
    transaction.commit()?;
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded() -> (tempfile::TempDir, Connection, i64) {
        let directory = tempfile::tempdir().unwrap();
        let connection = db::open(&directory.path().join("urne.sqlite")).unwrap();
        connection
            .execute_batch(
                "INSERT INTO commune (insee_code, department_code, name) VALUES ('29061', '29', 'Gouesnou');
                 INSERT INTO election (commune, kind, date, round, scope_kind, label, opening,
                     closing, turnout_slots, rehearsal, state, created_at)
                 VALUES ('29061', 'LG', '2024-06-30', 1, 'commune', 'Test', '08:00', '18:00',
                     '[\"12:00\"]', 0, 'closed', 't');
                 INSERT INTO election_station (election_id, code, name, registered)
                 VALUES (1, '0001', 'Mairie', 100);",
            )
            .unwrap();
        (directory, connection, 1)
    }

    #[test]
    fn archived_election_rejects_writes() {
        let (_directory, connection, id) = seeded();
        connection
            .execute("UPDATE election SET state = 'archived' WHERE id = ?1", [id])
            .unwrap();
        let error = connection
            .execute("UPDATE election_station SET registered = 101", [])
            .unwrap_err();
        let message = frozen_message(&error).expect("frozen message");
        assert!(message.starts_with("élection archivée"), "{message}");
        let error = connection
            .execute("UPDATE election SET label = 'x' WHERE id = ?1", [id])
            .unwrap_err();
        assert!(frozen_message(&error).is_some());
        let error = connection
            .execute(
                "INSERT INTO audit (at, actor, election_id, action, target)
                 VALUES ('t', 'a', ?1, 'x', 'y')",
                [id],
            )
            .unwrap_err();
        assert!(frozen_message(&error).is_some());
    }

    #[test]
    fn archived_embargo_is_not_released() {
        let (_directory, connection, id) = seeded();
        connection
            .execute(
                "INSERT INTO embargo (election_id, until, released, updated_at, updated_by)
                 VALUES (?1, '2000-01-01T00:00:00Z', 0, 't', 'a')",
                [id],
            )
            .unwrap();
        let now = chrono::Utc::now();
        assert_eq!(
            crate::db::display::due_releases(&connection, now).unwrap(),
            [id]
        );
        connection
            .execute("UPDATE election SET state = 'archived' WHERE id = ?1", [id])
            .unwrap();
        assert!(
            crate::db::display::due_releases(&connection, now)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn export_requires_archived() {
        let (_directory, connection, id) = seeded();
        let error = export(&connection, id).unwrap_err();
        assert!(error.to_string().contains("Archiver"), "{error}");
    }

    #[test]
    fn tampered_archive_is_rejected() {
        let (_directory, connection, id) = seeded();
        connection
            .execute("UPDATE election SET state = 'archived' WHERE id = ?1", [id])
            .unwrap();
        let mut archive = export(&connection, id).unwrap();
        let other = tempfile::tempdir().unwrap();
        let mut fresh = db::open(&other.path().join("urne.sqlite")).unwrap();
        archive.tables.get_mut("election_station").unwrap().rows[0][5] = Value::from(999);
        let error = import(&mut fresh, &archive, "test").unwrap_err();
        assert!(error.to_string().contains("SHA-256"), "{error}");
    }
}
