//! Reading published result files and Urne's own CSV layout into election configurations
//! and final counts. Parsing is all-or-nothing: a file with one bad row yields an error
//! naming the file, the line, the column, the value and the fix, and nothing else.
//!
//! Layouts read (see `docs/import-formats.md` for the columns of each):
//! - the Ministry's per-bureau files with unnamed candidate blocks (présidentielle 2022,
//!   législatives 2017) and its commune-level municipal file of 2020 (`blocks`);
//! - the Ministry's files with numbered columns (législatives 2024 per bureau, municipales
//!   2026 per bureau, the OpenDataSoft export of municipales 2014) (`numbered`);
//! - the Toulouse Métropole row layout of 2026 (`toulouse`);
//! - Urne's own layout of stations, candidates and votes files (`own`).

mod batch;
mod blocks;
mod by_commune;
mod calendar;
mod commune;
pub mod demo;
mod detect;
mod enrich;
mod error;
mod filename;
mod metadata;
mod numbered;
mod own;
mod races;
mod records;
mod table;
mod toulouse;
mod values;
mod wide;

pub use by_commune::{CommuneElections, read_by_commune};

use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::PathBuf;
use urne_common::count::FinalCount;
use urne_common::election::{ElectionConfig, ElectionKind, StationCode};

/// Settings given on the command line; each overrides what the files say.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Keep only the rows of this commune (INSEE code) from a national or départemental file.
    pub commune: Option<String>,
    pub kind: Option<ElectionKind>,
    pub round: Option<u8>,
    pub date: Option<NaiveDate>,
    pub commune_name: Option<String>,
    pub label: Option<String>,
}

/// One election read from a set of files.
#[derive(Debug, Clone)]
pub struct ImportedElection {
    pub config: ElectionConfig,
    /// Final results per station; empty when the files carry only reference data.
    pub results: BTreeMap<StationCode, FinalCount>,
    /// Formats detected, for the log and the audit record (`ministere-lg2024 (fichier.csv)`).
    pub sources: Vec<String>,
}

/// An import failure, in French, naming where the problem is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ImportError {
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    /// Whole French message, already naming file, line, column, value and fix.
    pub message: String,
}

/// Reads every file, detects its layout from its header and builds the elections of the
/// batch. Files passed together form one batch: see [`read_batch`].
pub fn read_files(
    paths: &[PathBuf],
    options: &ImportOptions,
) -> Result<Vec<ImportedElection>, ImportError> {
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|error| ImportError::unreadable(&name, &error))?;
        files.push((name, bytes));
    }
    read_batch(&files, options)
}

/// Builds the elections of a batch of files already in memory, given as (file name, bytes).
///
/// Files carrying results (the Ministry's and Toulouse's layouts, or Urne's votes file)
/// define the elections. Urne's stations file and candidates file are reference data: they
/// enrich every election of the batch and reject it when they contradict it. A batch of
/// Urne's stations and candidates files alone gives one election with no results.
pub fn read_batch(
    files: &[(String, Vec<u8>)],
    options: &ImportOptions,
) -> Result<Vec<ImportedElection>, ImportError> {
    if files.is_empty() {
        return Err(ImportError::batch(
            "aucun fichier à importer",
            "indiquez au moins un fichier de résultats ou de configuration",
        ));
    }
    let mut parsed = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        parsed.push(parse_file(name, bytes, options)?);
    }
    batch::build(parsed, options)
}

/// Decodes one file, detects its layout and parses it with the matching reader.
fn parse_file(
    name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<records::ParsedFile, ImportError> {
    let table = detect::read_table(name, bytes)?;
    let name_hints = filename::hints_from_name(name);
    match detect::detect_layout(&table) {
        Some(detect::Layout::Toulouse) => toulouse::parse(&table, name_hints, options),
        Some(detect::Layout::Numbered) => numbered::parse(&table, name_hints, options),
        Some(detect::Layout::Blocks) => blocks::parse(&table, name_hints, options),
        Some(detect::Layout::OwnStations) => own::parse_stations(&table, name_hints),
        Some(detect::Layout::OwnCandidates) => own::parse_candidates(&table, name_hints),
        Some(detect::Layout::OwnVotes) => own::parse_votes(&table, name_hints),
        None => Err(detect::unknown_layout(&table)),
    }
}
