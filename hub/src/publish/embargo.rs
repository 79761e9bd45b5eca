//! Release of results embargoes: once an embargo's time has passed, the release is written
//! to the audit log and announced on the events stream, which makes the publisher
//! regenerate the public site.

use crate::db::{self, audit::AuditRecord, events::Event};
use crate::service::ServiceError;
use crate::state::AppState;
use chrono::Utc;
use serde_json::json;

/// Records in the audit log, and announces, every embargo whose time has passed; returns
/// the elections released. The background task of `serve` calls it every second.
pub async fn release_due_embargoes(state: &AppState) -> Result<Vec<i64>, ServiceError> {
    state
        .write(|connection| {
            let transaction = db::write_transaction(connection)?;
            let due = db::display::due_releases(&transaction, Utc::now())?;
            let mut events: Vec<Event> = Vec::new();
            for id in &due {
                db::display::mark_released(&transaction, *id)?;
                db::audit::append(
                    &transaction,
                    &AuditRecord {
                        actor: "urne-hub",
                        election_id: Some(*id),
                        action: "embargo.release",
                        target: "embargo des résultats",
                        before: None,
                        after: Some(json!({ "released_at": db::now() })),
                        reason: None,
                    },
                )?;
                events.push(db::events::append(
                    &transaction,
                    Some(*id),
                    "embargo",
                    None,
                    None,
                    Some("levé"),
                )?);
            }
            transaction.commit()?;
            Ok((due, events))
        })
        .await
}
