//! Reads a written export back and compares its figures with the snapshot it was written
//! from. Each format is compared on the figures it carries; any difference rejects the
//! export.

use super::opendata::{JsonExport, LONG_CSV_COLUMNS};
use super::seats::SeatsInput;
use super::snapshot::Snapshot;
use super::{ExportError, xml};
use crate::import::{ImportOptions, read_batch};
use std::collections::BTreeMap;
use urne_common::count::FinalCount;

/// How many differences an error message lists before « … ».
const LISTED_DIFFERENCES: usize = 10;

/// Figures of the commune or of one station.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Counts {
    registered: u64,
    voters: u64,
    /// `None` when the format does not carry the ballots found apart from the signatures.
    ballots_found: Option<u64>,
    blank: u64,
    invalid: u64,
    valid_votes: u64,
    votes: BTreeMap<u32, u64>,
}

impl Counts {
    fn of_count(count: &FinalCount, with_ballots: bool) -> Counts {
        Counts {
            registered: u64::from(count.registered),
            voters: u64::from(count.voters),
            ballots_found: with_ballots.then(|| u64::from(count.ballots())),
            blank: u64::from(count.blank),
            invalid: u64::from(count.invalid),
            valid_votes: u64::from(count.valid_votes),
            votes: count
                .votes
                .iter()
                .map(|(number, votes)| (*number, u64::from(*votes)))
                .collect(),
        }
    }
}

/// Figures of the commune and of each station, read from a file or taken from the snapshot.
#[derive(Debug, Default)]
struct Figures {
    /// `None` for formats without commune totals.
    commune: Option<Counts>,
    stations: BTreeMap<String, Counts>,
}

/// Takes the snapshot's figures, limited to those a format carries.
fn expected(snapshot: &Snapshot, with_commune: bool, with_ballots: bool) -> Figures {
    let commune = &snapshot.results.commune;
    let commune = with_commune.then(|| Counts {
        registered: commune.registered_counted,
        voters: commune.voters,
        ballots_found: with_ballots.then_some(commune.ballots_found),
        blank: commune.blank,
        invalid: commune.invalid,
        valid_votes: commune.valid_votes,
        votes: commune
            .candidates
            .iter()
            .map(|candidate| (candidate.ballot_number, candidate.votes))
            .collect(),
    });
    let stations = snapshot
        .counted_stations()
        .map(|(station, record)| {
            (
                station.code.as_str().to_string(),
                Counts::of_count(&record.count, with_ballots),
            )
        })
        .collect();
    Figures { commune, stations }
}

/// Lists every difference between two sets of figures, in French.
fn differences(expected: &Figures, found: &Figures) -> Vec<String> {
    let mut list = Vec::new();
    if let (Some(expected), Some(found)) = (&expected.commune, &found.commune) {
        compare_counts("commune", expected, found, &mut list);
    }
    if expected.commune.is_some() && found.commune.is_none() {
        list.push("totaux de la commune absents".to_string());
    }
    for (code, expected_counts) in &expected.stations {
        match found.stations.get(code) {
            Some(found_counts) => {
                compare_counts(
                    &format!("bureau {code}"),
                    expected_counts,
                    found_counts,
                    &mut list,
                );
            }
            None => list.push(format!("bureau {code} absent du fichier")),
        }
    }
    for code in found.stations.keys() {
        if !expected.stations.contains_key(code) {
            list.push(format!(
                "bureau {code} dans le fichier mais pas dans la base"
            ));
        }
    }
    list
}

fn compare_counts(area: &str, expected: &Counts, found: &Counts, list: &mut Vec<String>) {
    let mut figures = vec![
        ("inscrits", expected.registered, found.registered),
        ("votants", expected.voters, found.voters),
        ("blancs", expected.blank, found.blank),
        ("nuls", expected.invalid, found.invalid),
        ("exprimés", expected.valid_votes, found.valid_votes),
    ];
    if let (Some(expected), Some(found)) = (expected.ballots_found, found.ballots_found) {
        figures.push(("bulletins trouvés", expected, found));
    }
    for (name, expected, found) in figures {
        if expected != found {
            list.push(format!(
                "{area} : {name} {expected} dans la base, {found} dans le fichier"
            ));
        }
    }
    for (number, expected_votes) in &expected.votes {
        match found.votes.get(number) {
            None => list.push(format!("{area} : candidat n° {number} absent du fichier")),
            Some(found_votes) if found_votes != expected_votes => list.push(format!(
                "{area} : voix du n° {number} {expected_votes} dans la base, {found_votes} dans \
                 le fichier"
            )),
            Some(_) => {}
        }
    }
    for number in found.votes.keys() {
        if !expected.votes.contains_key(number) {
            list.push(format!("{area} : candidat n° {number} inconnu de la base"));
        }
    }
}

fn reject(file: &str, mut differences: Vec<String>) -> Result<(), ExportError> {
    if differences.is_empty() {
        return Ok(());
    }
    let total = differences.len();
    if total > LISTED_DIFFERENCES {
        differences.truncate(LISTED_DIFFERENCES);
        differences.push(format!("… et {} autre(s)", total - LISTED_DIFFERENCES));
    }
    tracing::error!(
        file,
        differences = total,
        "export read back differs from the database"
    );
    Err(ExportError::Mismatch {
        file: file.to_string(),
        differences,
    })
}

fn unreadable(file: &str, message: impl std::fmt::Display) -> ExportError {
    ExportError::Mismatch {
        file: file.to_string(),
        differences: vec![format!("relecture impossible : {message}")],
    }
}

fn simulation_mark(snapshot: &Snapshot, marked: bool, list: &mut Vec<String>) {
    match (snapshot.config.rehearsal, marked) {
        (true, false) => list.push("marque SIMULATION absente d'une élection de simulation".into()),
        (false, true) => list.push("marque SIMULATION sur une élection réelle".into()),
        _ => {}
    }
}

fn counts_of_xml(mentions: &xml::XmlMentions, candidates: &[xml::XmlCandidate]) -> Counts {
    Counts {
        registered: mentions.registered,
        voters: mentions.voters,
        ballots_found: Some(mentions.ballots_found.unwrap_or(mentions.voters)),
        blank: mentions.blank.unwrap_or(0),
        invalid: mentions.invalid.unwrap_or(0),
        valid_votes: mentions.valid_votes,
        votes: candidates
            .iter()
            .map(|candidate| (candidate.ballot_number, candidate.votes))
            .collect(),
    }
}

/// Checks a results XML: commune totals, every station, seats and the SIMULATION mark.
pub(super) fn results_xml(
    snapshot: &Snapshot,
    bytes: &[u8],
    seats: Option<&SeatsInput>,
) -> Result<(), ExportError> {
    const FILE: &str = "XML de la préfecture";
    let document = xml::read_results(bytes).map_err(|error| unreadable(FILE, error))?;
    let mut list = Vec::new();
    simulation_mark(snapshot, document.simulation, &mut list);

    let [area] = document.areas.as_slice() else {
        return reject(
            FILE,
            vec![format!("{} communes au lieu d'une", document.areas.len())],
        );
    };
    let [round] = area.rounds.as_slice() else {
        return reject(
            FILE,
            vec![format!("{} tours au lieu d'un", area.rounds.len())],
        );
    };
    if round.number != snapshot.config.round {
        list.push(format!(
            "tour {} dans le fichier, {} dans la base",
            round.number, snapshot.config.round
        ));
    }
    if area.insee_code.as_deref() != Some(snapshot.config.commune.insee_code.as_str()) {
        list.push("code INSEE de la commune différent".to_string());
    }

    let found = Figures {
        commune: Some(counts_of_xml(&round.mentions, &round.candidates)),
        stations: round
            .stations
            .iter()
            .map(|station| {
                (
                    station.code.clone(),
                    counts_of_xml(&station.mentions, &station.candidates),
                )
            })
            .collect(),
    };
    list.extend(differences(&expected(snapshot, true, true), &found));

    if let Some(seats) = seats {
        for candidate in &round.candidates {
            let expected_seats = seats
                .list(candidate.ballot_number)
                .map_or(0, |list| u64::from(list.municipal_council));
            if candidate.seats != Some(expected_seats) {
                list.push(format!(
                    "sièges de la liste n° {} différents",
                    candidate.ballot_number
                ));
            }
        }
    }
    reject(FILE, list)
}

/// Checks a seat-distribution payload against the seats it was written from.
pub(super) fn seats_xml(
    snapshot: &Snapshot,
    seats: &SeatsInput,
    bytes: &[u8],
) -> Result<(), ExportError> {
    const FILE: &str = "XML de répartition des sièges";
    let document = xml::read_seats(bytes).map_err(|error| unreadable(FILE, error))?;
    let mut list = Vec::new();
    simulation_mark(snapshot, document.simulation, &mut list);
    if document.municipal_council != seats.municipal_council_seats() {
        list.push("total des sièges du conseil municipal différent".to_string());
    }
    if document.community_council != seats.community_council_seats() {
        list.push("total des sièges du conseil communautaire différent".to_string());
    }
    if document.lists.len() != snapshot.config.candidates.len() {
        list.push(format!(
            "{} listes dans le fichier, {} dans la base",
            document.lists.len(),
            snapshot.config.candidates.len()
        ));
    }
    for found in &document.lists {
        let number = found.ballot_number;
        let expected = seats.list(number).cloned().unwrap_or(super::ListSeats {
            ballot_number: number,
            ..Default::default()
        });
        if found.municipal_council != expected.municipal_council
            || found.community_council != expected.community_council
        {
            list.push(format!("sièges de la liste n° {number} différents"));
        }
        if found.municipal_elected != expected.municipal_elected
            || found.community_elected != expected.community_elected
        {
            list.push(format!("élus de la liste n° {number} différents"));
        }
        let votes = snapshot
            .results
            .commune
            .candidates
            .iter()
            .find(|candidate| candidate.ballot_number == number)
            .map(|candidate| candidate.votes);
        if votes != Some(found.votes) {
            list.push(format!("voix de la liste n° {number} différentes"));
        }
    }
    reject(FILE, list)
}

/// Checks the Ministry-layout CSV by importing it with Urne's importer.
pub(super) fn ministry_csv(
    snapshot: &Snapshot,
    name: &str,
    bytes: &[u8],
) -> Result<(), ExportError> {
    let config = &snapshot.config;
    let options = ImportOptions {
        commune: Some(config.commune.insee_code.clone()),
        kind: Some(config.kind),
        round: Some(config.round),
        date: Some(config.date),
        commune_name: None,
        label: None,
    };
    let elections = read_batch(&[(name.to_string(), bytes.to_vec())], &options)
        .map_err(|error| unreadable(name, error))?;
    let mut found = Figures::default();
    for election in &elections {
        for (code, count) in &election.results {
            found
                .stations
                .insert(code.as_str().to_string(), Counts::of_count(count, false));
        }
    }
    reject(name, differences(&expected(snapshot, false, false), &found))
}

/// Checks the long CSV: one row per station and candidate.
pub(super) fn long_csv(snapshot: &Snapshot, bytes: &[u8]) -> Result<(), ExportError> {
    const FILE: &str = "CSV long";
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|error| unreadable(FILE, error))?
        .clone();
    if header.iter().ne(LONG_CSV_COLUMNS) {
        return Err(unreadable(FILE, "en-tête différent de celui attendu"));
    }
    let position = |name: &str| {
        LONG_CSV_COLUMNS
            .iter()
            .position(|column| *column == name)
            .unwrap_or(0)
    };
    let mut found = Figures::default();
    for record in reader.records() {
        let record = record.map_err(|error| unreadable(FILE, error))?;
        let number = |name: &str| -> Result<u64, ExportError> {
            let text = record.get(position(name)).unwrap_or_default();
            text.parse().map_err(|_| {
                unreadable(
                    FILE,
                    format!("valeur « {text} » invalide en colonne {name}"),
                )
            })
        };
        let code = record
            .get(position("code_bv"))
            .unwrap_or_default()
            .to_string();
        let station = Counts {
            registered: number("inscrits")?,
            voters: number("votants")?,
            ballots_found: Some(number("bulletins_trouves")?),
            blank: number("blancs")?,
            invalid: number("nuls")?,
            valid_votes: number("exprimes")?,
            votes: BTreeMap::new(),
        };
        let ballot_number = u32::try_from(number("numero_panneau")?)
            .map_err(|_| unreadable(FILE, "numéro de panneau trop grand"))?;
        let votes = number("voix")?;
        let entry = found
            .stations
            .entry(code.clone())
            .or_insert_with(|| station.clone());
        let same_station = entry.registered == station.registered
            && entry.voters == station.voters
            && entry.ballots_found == station.ballots_found
            && entry.blank == station.blank
            && entry.invalid == station.invalid
            && entry.valid_votes == station.valid_votes;
        if !same_station {
            return reject(
                FILE,
                vec![format!(
                    "bureau {code} : chiffres différents d'une ligne à l'autre"
                )],
            );
        }
        entry.votes.insert(ballot_number, votes);
    }
    reject(FILE, differences(&expected(snapshot, false, true), &found))
}

/// Checks the JSON document: commune totals, every station and the SIMULATION mark.
pub(super) fn json(snapshot: &Snapshot, bytes: &[u8]) -> Result<(), ExportError> {
    const FILE: &str = "JSON";
    let document: JsonExport =
        serde_json::from_slice(bytes).map_err(|error| unreadable(FILE, error))?;
    let mut list = Vec::new();
    simulation_mark(snapshot, document.simulation, &mut list);
    let totals = &document.totals;
    let found = Figures {
        commune: Some(Counts {
            registered: totals.registered,
            voters: totals.voters,
            ballots_found: Some(totals.ballots_found),
            blank: totals.blank,
            invalid: totals.invalid,
            valid_votes: totals.valid_votes,
            votes: totals
                .votes
                .iter()
                .map(|entry| (entry.ballot_number, entry.votes))
                .collect(),
        }),
        stations: document
            .stations
            .iter()
            .filter_map(|station| {
                let figures = station.figures.as_ref()?;
                Some((
                    station.code.clone(),
                    Counts {
                        registered: figures.registered,
                        voters: figures.voters,
                        ballots_found: Some(figures.ballots_found),
                        blank: figures.blank,
                        invalid: figures.invalid,
                        valid_votes: figures.valid_votes,
                        votes: figures
                            .votes
                            .iter()
                            .map(|entry| (entry.ballot_number, entry.votes))
                            .collect(),
                    },
                ))
            })
            .collect(),
    };
    list.extend(differences(&expected(snapshot, true, true), &found));
    reject(FILE, list)
}
