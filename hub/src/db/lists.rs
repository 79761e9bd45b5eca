//! Candidates of the lists of a list-ballot election, in ballot-paper order.

use chrono::NaiveDate;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use urne_common::election::Sex;

/// One candidate of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListMember {
    pub surname: String,
    pub first_name: String,
    pub sex: Sex,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// Position on the community list, for the candidates who are also on it.
    #[serde(default)]
    pub community_rank: Option<u32>,
}

impl ListMember {
    /// Name as printed on the ballot paper: "Prénom NOM".
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name.trim(), self.surname.trim())
    }
}

/// A list's candidates in municipal-list order, with the list's version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListMembers {
    pub version: u64,
    pub members: Vec<ListMember>,
}

fn sex_code(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "F",
        Sex::Male => "M",
    }
}

/// Loads the candidates of every list of an election, keyed by ballot number.
pub fn all(
    connection: &Connection,
    election_id: i64,
) -> rusqlite::Result<BTreeMap<u32, ListMembers>> {
    let mut statement = connection.prepare_cached(
        "SELECT ballot_number, surname, first_name, sex, birth_date, community_rank, version
         FROM list_member WHERE election_id = ?1 ORDER BY ballot_number, rank",
    )?;
    let mut lists: BTreeMap<u32, ListMembers> = BTreeMap::new();
    let mut rows = statement.query(params![election_id])?;
    while let Some(row) = rows.next()? {
        let list = lists.entry(row.get(0)?).or_default();
        let sex: String = row.get(3)?;
        let birth_date: Option<String> = row.get(4)?;
        list.version = row.get(6)?;
        list.members.push(ListMember {
            surname: row.get(1)?,
            first_name: row.get(2)?,
            sex: Sex::parse(&sex).unwrap_or(Sex::Female),
            birth_date: birth_date
                .as_deref()
                .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()),
            community_rank: row.get(5)?,
        });
    }
    Ok(lists)
}

/// Replaces the candidates of one list, giving every row the new version.
pub fn replace(
    connection: &Connection,
    election_id: i64,
    ballot_number: u32,
    members: &[ListMember],
    version: u64,
) -> rusqlite::Result<()> {
    connection.execute(
        "DELETE FROM list_member WHERE election_id = ?1 AND ballot_number = ?2",
        params![election_id, ballot_number],
    )?;
    let mut statement = connection.prepare_cached(
        "INSERT INTO list_member (election_id, ballot_number, rank, surname, first_name, sex,
             birth_date, community_rank, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (index, member) in members.iter().enumerate() {
        let rank = u32::try_from(index + 1).unwrap_or(u32::MAX);
        statement.execute(params![
            election_id,
            ballot_number,
            rank,
            member.surname.trim(),
            member.first_name.trim(),
            sex_code(member.sex),
            member
                .birth_date
                .map(|date| date.format("%Y-%m-%d").to_string()),
            member.community_rank,
            version,
        ])?;
    }
    Ok(())
}
