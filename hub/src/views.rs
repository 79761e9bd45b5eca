//! The JSON views of an election, shared by the API and the command line so that
//! `urne-hub results ID --json` prints exactly what `/api/v1/elections/{id}/results` returns.

use crate::db::{self, elections::ElectionRow, figures};
use crate::service::ServiceError;
use rusqlite::Connection;
use serde::Serialize;
use urne_common::election::ElectionConfig;
use urne_common::results::{compute_hundreds, compute_results, compute_turnout};

/// Which view of an election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Configuration,
    Results,
    Turnout,
    Hundreds,
    Seats,
    Outcome,
    /// Results of the whole constituency or canton, with the other communes' totals.
    Race,
}

impl View {
    pub fn name(self) -> &'static str {
        match self {
            View::Configuration => "configuration",
            View::Results => "results",
            View::Turnout => "turnout",
            View::Hundreds => "hundreds",
            View::Seats => "seats",
            View::Outcome => "outcome",
            View::Race => "race",
        }
    }
}

/// An election's configuration as the API returns it.
#[derive(Debug, Serialize)]
pub struct ConfigurationView<'a> {
    pub id: i64,
    pub state: db::elections::ElectionState,
    pub state_label: &'static str,
    pub version: i64,
    #[serde(flatten)]
    pub config: &'a ElectionConfig,
}

fn load(
    connection: &Connection,
    election_id: i64,
) -> Result<(ElectionRow, ElectionConfig), ServiceError> {
    let not_found = || {
        ServiceError::NotFound(format!(
            "élection {election_id} introuvable : consultez /api/v1/elections"
        ))
    };
    let row = db::elections::find(connection, election_id)?.ok_or_else(not_found)?;
    let config = db::elections::config(connection, election_id)?.ok_or_else(not_found)?;
    Ok((row, config))
}

/// Renders a view of an election as JSON bytes, with the data version it reflects.
pub fn render(
    connection: &Connection,
    election_id: i64,
    view: View,
) -> Result<(i64, Vec<u8>), ServiceError> {
    // Read the election and its figures in one snapshot, so the version matches the data.
    connection.execute_batch("BEGIN")?;
    let rendered = render_in_snapshot(connection, election_id, view);
    connection.execute_batch("COMMIT")?;
    rendered
}

fn render_in_snapshot(
    connection: &Connection,
    election_id: i64,
    view: View,
) -> Result<(i64, Vec<u8>), ServiceError> {
    let (row, config) = load(connection, election_id)?;
    let version = row.data_version;
    let data_version = u64::try_from(version).unwrap_or(0);
    let body = match view {
        View::Configuration => serde_json::to_vec(&ConfigurationView {
            id: election_id,
            state: row.state,
            state_label: row.state.label_fr(),
            version,
            config: &config,
        }),
        View::Results => {
            let records = figures::final_records(connection, election_id)?;
            serde_json::to_vec(&compute_results(
                row.summary,
                data_version,
                &config,
                &records,
            ))
        }
        View::Turnout => {
            let entries = figures::turnout(connection, election_id)?;
            serde_json::to_vec(&compute_turnout(
                row.summary,
                data_version,
                &config,
                &entries,
            ))
        }
        View::Hundreds => {
            let entries = figures::hundreds(connection, election_id)?;
            serde_json::to_vec(&compute_hundreds(
                row.summary,
                data_version,
                &config,
                &entries,
            ))
        }
        View::Seats => {
            if !config.kind.is_list_ballot() {
                return Err(ServiceError::NotFound(format!(
                    "{} : pas de sièges à répartir à la commune ; consultez \
                     /api/v1/elections/{election_id}/outcome",
                    config.kind.label_fr()
                )));
            }
            let records = figures::final_records(connection, election_id)?;
            serde_json::to_vec(&crate::seats::seats_view(
                connection,
                election_id,
                version,
                &config,
                &records,
            )?)
        }
        View::Outcome => {
            let records = figures::final_records(connection, election_id)?;
            serde_json::to_vec(&crate::seats::outcome_view(
                election_id,
                version,
                &config,
                &records,
            ))
        }
        View::Race => serde_json::to_vec(&race_results(connection, &row, &config)?),
    }
    .map_err(|e| ServiceError::Internal(e.into()))?;
    Ok((version, body))
}

/// Computes the results of the whole race: the commune's stations and the other communes.
pub fn race_results(
    connection: &Connection,
    row: &ElectionRow,
    config: &ElectionConfig,
) -> Result<urne_common::communes::RaceResults, ServiceError> {
    let election_id = row.summary.id;
    let records = figures::final_records(connection, election_id)?;
    let list = db::communes::list(connection, election_id)?;
    let totals = db::communes::totals(connection, election_id, None)?;
    Ok(urne_common::communes::compute_race(
        row.summary.clone(),
        u64::try_from(row.data_version).unwrap_or(0),
        config,
        &records,
        &list,
        &totals,
    ))
}
