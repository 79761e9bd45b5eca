//! Blocking HTTP client of the hub's read API (`docs/api.md`) and of its server-sent
//! events stream. It runs on the data worker's thread, never on the UI thread.

use crate::snapshot::{SeatsSummary, Snapshot};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::io::{BufRead, BufReader, Read};
use std::time::Duration;
use urne_common::results::{ElectionResults, HundredsView, TurnoutView};

/// Largest plan of the polling places read, in bytes; the hub accepts 2 MiB at most.
const MAX_PLAN_BYTES: u64 = 2 * 1024 * 1024;

/// Failure to read the hub, with the French sentence the kiosk shows or logs.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("le serveur des résultats {url} ne répond pas ({reason})")]
    Unreachable { url: String, reason: String },
    #[error("le serveur des résultats a répondu {status} à {path} : {message}")]
    Status {
        path: String,
        status: u16,
        message: String,
    },
    #[error("réponse illisible du serveur des résultats pour {path} : {reason}")]
    Decode { path: String, reason: String },
    #[error("le serveur des résultats n'a encore aucune élection")]
    NoElection,
    #[error("l'élection n° {0} est introuvable sur le serveur des résultats")]
    ElectionNotFound(i64),
    /// Results are held back until a time set on the hub.
    #[error("{0}")]
    Embargo(String),
}

impl FetchError {
    /// Returns the French message for the screen: the same as the error's, without the
    /// network library's English reason, which goes to the log only.
    pub fn screen_message(&self) -> String {
        match self {
            FetchError::Unreachable { url, .. } => {
                format!("le serveur des résultats {url} ne répond pas")
            }
            other => other.to_string(),
        }
    }
}

/// Client of one hub.
pub struct HubClient {
    agent: ureq::Agent,
    base: String,
    display_key: Option<String>,
}

#[derive(Deserialize)]
struct ElectionList {
    elections: Vec<ElectionEntry>,
}

#[derive(Deserialize)]
struct ElectionEntry {
    id: i64,
    date: chrono::NaiveDate,
}

#[derive(Deserialize)]
struct Health {
    latest_event_id: Option<u64>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

impl HubClient {
    /// Creates a client of the hub at `base` (`http://host:port`). `read_timeout` bounds
    /// each read of a socket; the events stream must receive something within it (the hub
    /// sends a comment every 15 seconds).
    pub fn new(base: &str, display_key: Option<String>, read_timeout: Duration) -> HubClient {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(5))
            .timeout_read(read_timeout)
            .timeout_write(Duration::from_secs(10))
            .user_agent(concat!("urne-kiosk/", env!("CARGO_PKG_VERSION")))
            .build();
        HubClient {
            agent,
            base: base.trim_end_matches('/').to_string(),
            display_key,
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn request(&self, path: &str) -> ureq::Request {
        let mut request = self.agent.get(&format!("{}{path}", self.base));
        if let Some(key) = &self.display_key {
            request = request.set("X-Display-Key", key);
        }
        request
    }

    /// GETs `path` and decodes its JSON body; `Ok(None)` on 404 when `missing_ok`.
    fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        missing_ok: bool,
    ) -> Result<Option<T>, FetchError> {
        match self.request(path).call() {
            Ok(response) => response
                .into_json()
                .map(Some)
                .map_err(|error| FetchError::Decode {
                    path: path.to_string(),
                    reason: error.to_string(),
                }),
            Err(ureq::Error::Status(404, _)) if missing_ok => Ok(None),
            Err(ureq::Error::Status(status, response)) => {
                Err(status_error(path, status, response.into_string().ok()))
            }
            Err(ureq::Error::Transport(transport)) => Err(FetchError::Unreachable {
                url: self.base.clone(),
                reason: transport.to_string(),
            }),
        }
    }

    fn get_required<T: DeserializeOwned>(&self, path: &str) -> Result<T, FetchError> {
        self.get(path, false)?.ok_or_else(|| FetchError::Decode {
            path: path.to_string(),
            reason: "réponse vide".to_string(),
        })
    }

    /// Returns `configured`, or the id of the latest election (by date, then id) when none
    /// is configured.
    pub fn resolve_election(&self, configured: Option<i64>) -> Result<i64, FetchError> {
        if let Some(id) = configured {
            return Ok(id);
        }
        let list: ElectionList = self.get_required("/api/v1/elections")?;
        list.elections
            .iter()
            .max_by_key(|entry| (entry.date, entry.id))
            .map(|entry| entry.id)
            .ok_or(FetchError::NoElection)
    }

    /// Fetches every view of the election. The latest event id is read first, so that an
    /// event sent while the views are read is replayed by the stream opened afterwards.
    pub fn fetch_snapshot(&self, election: Option<i64>) -> Result<Snapshot, FetchError> {
        let health: Health = self.get_required("/api/v1/health")?;
        let id = self.resolve_election(election)?;
        let prefix = format!("/api/v1/elections/{id}");
        let results: ElectionResults = match self.get(&format!("{prefix}/results"), true)? {
            Some(results) => results,
            None => return Err(FetchError::ElectionNotFound(id)),
        };
        let turnout: Option<TurnoutView> = self.get(&format!("{prefix}/turnout"), true)?;
        let hundreds: Option<HundredsView> = self.get(&format!("{prefix}/hundreds"), true)?;
        let seats: Option<SeatsSummary> = self.get(&format!("{prefix}/seats"), true)?;
        let race: Option<crate::race::RaceSummary> = self
            .get::<crate::race::RaceSummary>(&format!("{prefix}/race"), true)?
            .filter(crate::race::RaceSummary::has_other_communes);
        Ok(Snapshot {
            hub: self.base.clone(),
            election_id: id,
            received_at: chrono::Utc::now(),
            last_event_id: health.latest_event_id,
            results,
            turnout,
            hundreds,
            seats,
            race,
            plan: None,
        })
    }

    /// Fetches the election's plan of the polling places; `Ok(None)` when it has none
    /// (the hub returns 404).
    pub fn fetch_plan(&self, election: i64) -> Result<Option<Vec<u8>>, FetchError> {
        let path = format!("/api/v1/elections/{election}/plan");
        match self.request(&path).call() {
            Ok(response) => {
                let mut body = Vec::new();
                response
                    .into_reader()
                    .take(MAX_PLAN_BYTES + 1)
                    .read_to_end(&mut body)
                    .map_err(|error| FetchError::Decode {
                        path: path.clone(),
                        reason: error.to_string(),
                    })?;
                if body.len() as u64 > MAX_PLAN_BYTES {
                    return Err(FetchError::Decode {
                        path,
                        reason: format!("plan de plus de {MAX_PLAN_BYTES} octets"),
                    });
                }
                Ok(Some(body))
            }
            Err(ureq::Error::Status(404, _)) => Ok(None),
            Err(ureq::Error::Status(status, response)) => {
                Err(status_error(&path, status, response.into_string().ok()))
            }
            Err(ureq::Error::Transport(transport)) => Err(FetchError::Unreachable {
                url: self.base.clone(),
                reason: transport.to_string(),
            }),
        }
    }

    /// Opens the events stream of `election`, replaying the events after `after` first.
    pub fn events(&self, election: i64, after: Option<u64>) -> Result<EventStream, FetchError> {
        let path = format!("/api/v1/events?election={election}");
        let mut request = self.request(&path).set("Accept", "text/event-stream");
        if let Some(id) = after {
            request = request.set("Last-Event-ID", &id.to_string());
        }
        match request.call() {
            Ok(response) => Ok(EventStream {
                reader: BufReader::new(response.into_reader()),
            }),
            Err(ureq::Error::Status(status, response)) => {
                Err(status_error(&path, status, response.into_string().ok()))
            }
            Err(ureq::Error::Transport(transport)) => Err(FetchError::Unreachable {
                url: self.base.clone(),
                reason: transport.to_string(),
            }),
        }
    }
}

fn status_error(path: &str, status: u16, body: Option<String>) -> FetchError {
    let detail = body.and_then(|body| serde_json::from_str::<ErrorBody>(&body).ok());
    match detail {
        Some(detail) if detail.error.code == "embargo" => FetchError::Embargo(detail.error.message),
        Some(detail) => FetchError::Status {
            path: path.to_string(),
            status,
            message: detail.error.message,
        },
        None => FetchError::Status {
            path: path.to_string(),
            status,
            message: "sans détail".to_string(),
        },
    }
}

/// One server-sent event; the kiosk needs only its id and kind, because it fetches the
/// views again after each change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: Option<u64>,
    pub kind: String,
}

/// Reader of a `text/event-stream` body.
pub struct EventStream {
    reader: BufReader<Box<dyn Read + Send + Sync + 'static>>,
}

impl EventStream {
    /// Reads the next event, skipping comments. Returns `Ok(None)` when the hub closes the
    /// stream; a read that times out returns an error.
    pub fn next_event(&mut self) -> std::io::Result<Option<Event>> {
        parse_next_event(&mut self.reader)
    }

    /// Tells whether a whole event is already buffered, so that the caller can read it
    /// before fetching the views once for both.
    pub fn has_buffered_event(&self) -> bool {
        let buffered = self.reader.buffer();
        buffered.windows(2).any(|pair| pair == b"\n\n")
    }
}

/// Parses one event from `reader` following the server-sent events format: `field: value`
/// lines, lines starting with `:` are comments, a blank line ends the event.
pub fn parse_next_event(reader: &mut impl BufRead) -> std::io::Result<Option<Event>> {
    let mut event = Event {
        id: None,
        kind: String::new(),
    };
    let mut has_field = false;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if has_field {
                return Ok(Some(event));
            }
            continue;
        }
        if text.starts_with(':') {
            continue;
        }
        let (field, value) = text.split_once(':').unwrap_or((text, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        has_field = true;
        match field {
            "id" => event.id = value.parse().ok(),
            "event" => event.kind = value.to_string(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_parse_with_comments() {
        let stream = ": keep-alive\n\nid: 912\nevent: final_results\ndata: {\"id\":912}\n\n: ping\n\nid: 913\nevent: turnout\ndata: {}\n\n";
        let mut reader = std::io::Cursor::new(stream.as_bytes());
        let first = parse_next_event(&mut reader).unwrap().unwrap();
        assert_eq!(first.id, Some(912));
        assert_eq!(first.kind, "final_results");
        let second = parse_next_event(&mut reader).unwrap().unwrap();
        assert_eq!(second.id, Some(913));
        assert_eq!(second.kind, "turnout");
        assert_eq!(parse_next_event(&mut reader).unwrap(), None);
    }

    #[test]
    fn unreachable_hub_is_an_error() {
        // Port 9 (discard) on loopback is closed on a normal machine: the connect is refused.
        let client = HubClient::new("http://127.0.0.1:9", None, Duration::from_secs(2));
        let error = client.fetch_snapshot(Some(1)).unwrap_err();
        assert!(matches!(error, FetchError::Unreachable { .. }), "{error}");
        assert!(error.to_string().contains("ne répond pas"), "{error}");
    }
}
