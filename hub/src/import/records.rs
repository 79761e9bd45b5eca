//! Parsed forms of each kind of file, before the batch turns them into elections.

use urne_common::election::{Candidate, ElectionKind, StationCode};

/// Election facts read from a file name or a file's content. Every field is optional:
/// the batch merges hints from several places, options first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Hints {
    pub kind: Option<ElectionKind>,
    pub year: Option<i32>,
    pub round: Option<u8>,
    pub insee: Option<String>,
    pub commune_name: Option<String>,
}

/// Commune of a row in a Ministry file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommuneId {
    pub insee: String,
    pub department: String,
    pub name: Option<String>,
}

/// A station's figures from a results file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Figures {
    pub registered: u32,
    /// Signatures on the roll (votants, émargements).
    pub voters: u32,
    /// Ballots found in the box when the file gives a second figure that differs.
    pub ballots_found: Option<u32>,
    pub blank: u32,
    pub invalid: u32,
    pub valid_votes: u32,
}

impl Figures {
    pub fn ballots(&self) -> u32 {
        self.ballots_found.unwrap_or(self.voters)
    }
}

/// Votes of one candidate in one station, with the candidate as the row describes it.
#[derive(Debug, Clone)]
pub(crate) struct CandidateVotes {
    pub candidate: Candidate,
    pub votes: u32,
    /// Header name of the votes column, for messages.
    pub column: String,
}

/// One station's row of a results file.
#[derive(Debug, Clone)]
pub(crate) struct StationResult {
    pub line: usize,
    pub code: StationCode,
    /// Constituency given by the file itself (`93-09`), if any.
    pub constituency: Option<String>,
    pub figures: Figures,
    pub votes: Vec<CandidateVotes>,
}

/// A results file reduced to the rows of one commune.
#[derive(Debug, Clone)]
pub(crate) struct ResultFile {
    pub file: String,
    /// Name of the layout, as listed in [`super::ImportedElection::sources`].
    pub format: &'static str,
    pub name_hints: Hints,
    /// Kind, year and round stated inside the file, when its layout has them.
    pub content_hints: Hints,
    /// Kind implied by the layout, used when no option, content or file name gives one.
    pub default_kind: Option<ElectionKind>,
    pub commune: Option<CommuneId>,
    /// Header name of the station-code column, for messages.
    pub station_column: String,
    pub stations: Vec<StationResult>,
}

/// One row of Urne's stations file. Figures are optional: the file may be written before
/// the election.
#[derive(Debug, Clone)]
pub(crate) struct StationRef {
    pub line: usize,
    pub code: StationCode,
    pub name: Option<String>,
    pub polling_place: Option<String>,
    pub canton: Option<String>,
    pub constituency: Option<String>,
    pub registered: Option<u32>,
    pub voters: Option<u32>,
    /// Ballots found, from `votants` when the file also has `votants_autre_decompte`.
    pub ballots: Option<u32>,
    pub blank: Option<u32>,
    pub invalid: Option<u32>,
    pub valid_votes: Option<u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct StationsFile {
    pub file: String,
    pub name_hints: Hints,
    /// Whether `votants_autre_decompte` is present, so `votants` is the ballots found.
    pub has_second_count: bool,
    pub stations: Vec<StationRef>,
}

/// One row of Urne's candidates or lists file.
#[derive(Debug, Clone)]
pub(crate) struct CandidateRef {
    pub line: usize,
    pub constituency: Option<String>,
    pub candidate: Candidate,
}

#[derive(Debug, Clone)]
pub(crate) struct CandidatesFile {
    pub file: String,
    pub name_hints: Hints,
    /// Name of the ballot-number column (`numero_panneau` or `numero_liste`).
    pub number_column: String,
    pub candidates: Vec<CandidateRef>,
}

/// One row of Urne's votes file.
#[derive(Debug, Clone)]
pub(crate) struct VoteRow {
    pub line: usize,
    pub code: StationCode,
    pub ballot_number: u32,
    pub surname: Option<String>,
    pub first_name: Option<String>,
    pub votes: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct VotesFile {
    pub file: String,
    pub name_hints: Hints,
    pub rows: Vec<VoteRow>,
}

/// A parsed file of any layout.
#[derive(Debug, Clone)]
pub(crate) enum ParsedFile {
    Results(ResultFile),
    Stations(StationsFile),
    Candidates(CandidatesFile),
    Votes(VotesFile),
}

/// Builds a candidate known only by its ballot number, to be named by a reference file.
pub(crate) fn bare_candidate(ballot_number: u32) -> Candidate {
    Candidate {
        ballot_number,
        surname: String::new(),
        first_name: String::new(),
        sex: None,
        nuance: None,
        nuance_label: None,
        list_label: None,
        colour: None,
    }
}
