//! `GET /api/v1/events`: server-sent events, one per change, whose id is the event
//! version. A client reconnecting with `Last-Event-ID` (browsers send it by themselves)
//! first receives every event it missed, read from the database, then the live ones.

use super::ApiError;
use crate::db::{self, events::Event};
use crate::service::ServiceError;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::{Receiver, error::RecvError};

/// Events read from the database in one query when catching up.
const CATCH_UP_BATCH: u32 = 500;

#[derive(Debug, Default)]
pub struct EventsQuery {
    /// Only events of this election (events of every election otherwise).
    election: Option<i64>,
    /// Same as the `Last-Event-ID` header, for clients that cannot set headers.
    since: Option<i64>,
}

impl EventsQuery {
    /// Reads `election` and `since` from the query string's pairs; other names are ignored.
    fn parse(pairs: &[(String, String)]) -> Result<EventsQuery, ApiError> {
        let mut query = EventsQuery::default();
        for (name, value) in pairs {
            let target = match name.as_str() {
                "election" => &mut query.election,
                "since" => &mut query.since,
                _ => continue,
            };
            let number = value.trim().parse::<i64>().map_err(|_| {
                ApiError::from(ServiceError::Invalid {
                    code: "invalid_query",
                    field: Some(name.clone()),
                    message: format!(
                        "paramètre « {name} » invalide (« {value} ») : un nombre entier est \
                         attendu, par exemple ?{name}=1"
                    ),
                })
            })?;
            *target = Some(number);
        }
        Ok(query)
    }
}

struct Cursor {
    state: AppState,
    receiver: Receiver<Event>,
    last_id: i64,
    election: Option<i64>,
    pending: VecDeque<Event>,
}

impl Cursor {
    async fn catch_up(&mut self) -> Result<bool, ServiceError> {
        let after = self.last_id;
        let events = self
            .state
            .read(move |connection| Ok(db::events::since(connection, after, CATCH_UP_BATCH)?))
            .await?;
        let found = !events.is_empty();
        self.pending.extend(events);
        Ok(found)
    }

    /// Returns the next event to send, waiting for one if needed; `None` ends the stream.
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                if event.id <= self.last_id {
                    continue;
                }
                self.last_id = event.id;
                if self.election.is_some() && event.election_id != self.election {
                    continue;
                }
                return Some(event);
            }
            match self.catch_up().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(error = %error, "event catch-up failed, retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            }
            match self.receiver.recv().await {
                Ok(event) if Some(event.id) == self.last_id.checked_add(1) => {
                    self.pending.push_back(event);
                }
                // Older events were sent already; a gap is filled from the database.
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

pub async fn stream(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let query = EventsQuery::parse(&pairs)?;
    let receiver = state.subscribe();
    let header_id = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok());
    let latest = state
        .read(|connection| Ok(db::events::latest_id(connection)?))
        .await?;
    // An id above the latest event comes from another database (the demo replaces its
    // own at each start): such a client resumes from the latest event, or it would wait
    // for ids that this database will reach only much later.
    let last_id = header_id
        .or(query.since)
        .map_or(latest, |id| id.min(latest));
    let cursor = Cursor {
        state,
        receiver,
        last_id,
        election: query.election,
        pending: VecDeque::new(),
    };
    let stream = futures_util::stream::unfold(cursor, |mut cursor| async move {
        let event = cursor.next().await?;
        let sse = SseEvent::default()
            .id(event.id.to_string())
            .event(event.kind.clone())
            .json_data(&event)
            .unwrap_or_else(|_| SseEvent::default().comment("unserializable event"));
        Some((Ok(sse), cursor))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
