//! Writes an election's results in the Ministry's feed structure, with the element names
//! of one [`XmlLayout`], the commune's totals and one block per station.
//!
//! Elements that the Ministry's feed does not have, added because the prefecture needs
//! them (documented in `docs/exports.md`): the `Statut` attribute of `Election` and a
//! comment for a rehearsal; `CodTypElec` (regulatory code, `LEG`) and `DateScrutin` in
//! `Scrutin`; `CodInsee` and `CodCan` in `Commune`; `BulletinsTrouves` in `Mentions` when
//! the ballots found differ from the signatures; and `BureauxDeVote` › `BureauDeVote` with
//! `CodBurVot`, `LibBurVot`, `CodCan`, the constituency code, `Mentions` and `Resultats`.

use super::super::seats::SeatsInput;
use super::super::snapshot::{Snapshot, civility, ministry_constituency_code};
use super::super::{ExportError, SIMULATION};
use super::{ElementNames, XmlLayout};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};
use std::collections::BTreeMap;
use urne_common::count::FinalCount;
use urne_common::election::{Candidate, ElectionKind};
use urne_common::share::render_percent;

/// Text of the comment that opens a rehearsal's XML files.
pub(super) const SIMULATION_COMMENT: &str = "SIMULATION : exercice sans valeur officielle, \
     ces résultats ne doivent pas être transmis ni publiés";

/// Figures of one area (the commune or a station) as the `Mentions` element gives them.
#[derive(Debug, Clone, Copy)]
struct Figures {
    registered: u64,
    voters: u64,
    ballots_found: u64,
    blank: u64,
    invalid: u64,
    valid_votes: u64,
}

impl Figures {
    fn of_count(count: &FinalCount) -> Figures {
        Figures {
            registered: u64::from(count.registered),
            voters: u64::from(count.voters),
            ballots_found: u64::from(count.ballots()),
            blank: u64::from(count.blank),
            invalid: u64::from(count.invalid),
            valid_votes: u64::from(count.valid_votes),
        }
    }
}

/// Returns the French name of the election type, as in the feed's `Scrutin/Type`.
pub(super) fn scrutin_type(kind: ElectionKind) -> &'static str {
    match kind {
        ElectionKind::Presidential => "Présidentielle",
        ElectionKind::Legislative => "Législatives",
        ElectionKind::European => "Européennes",
        ElectionKind::Municipal => "Municipales",
        ElectionKind::Departmental => "Départementales",
        ElectionKind::Regional => "Régionales",
        ElectionKind::Referendum => "Référendum",
    }
}

/// An indenting writer into memory: std's `Write` for `Vec<u8>` always returns `Ok`.
pub(super) struct XmlOut {
    writer: Writer<Vec<u8>>,
}

impl XmlOut {
    pub fn new() -> XmlOut {
        let mut out = XmlOut {
            writer: Writer::new_with_indent(Vec::new(), b' ', 2),
        };
        out.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        out
    }

    fn event(&mut self, event: Event<'_>) {
        // std's `Write` for `Vec<u8>` always returns `Ok`: the result carries no information.
        let _ = self.writer.write_event(event);
    }

    pub fn comment(&mut self, text: &str) {
        // A comment may not contain "--": replace it so that the document stays valid.
        let text = format!(" {} ", text.replace("--", "- -"));
        self.event(Event::Comment(BytesText::from_escaped(text)));
    }

    pub fn start(&mut self, name: &str) {
        self.event(Event::Start(BytesStart::new(name)));
    }

    pub fn start_with(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        self.event(Event::Start(start));
    }

    pub fn end(&mut self, name: &str) {
        self.event(Event::End(quick_xml::events::BytesEnd::new(name)));
    }

    /// Writes an element that contains only text, even when the text is empty.
    pub fn leaf(&mut self, name: &str, text: &str) {
        let _ = self
            .writer
            .create_element(name)
            .write_text_content(BytesText::new(text));
    }

    pub fn leaf_if(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.leaf(name, text);
        }
    }

    pub fn number(&mut self, name: &str, value: u64) {
        self.leaf(name, &value.to_string());
    }

    /// Writes a ratio in percent with two decimals and a comma, or nothing when the
    /// denominator is zero.
    pub fn ratio(&mut self, name: &str, numerator: u64, denominator: u64) {
        self.leaf_if(name, render_percent(numerator, denominator).as_deref());
    }

    pub fn finish(self) -> Vec<u8> {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        bytes
    }
}

/// Opens the root element, with the SIMULATION comment and attribute for a rehearsal.
pub(super) fn start_root(out: &mut XmlOut, root: &str, rehearsal: bool) {
    if rehearsal {
        out.comment(SIMULATION_COMMENT);
        out.start_with(root, &[("Statut", SIMULATION)]);
    } else {
        out.start(root);
    }
}

/// Writes the `Scrutin` element: type, year, regulatory code, polling day, and the round
/// when `with_round` (the results document gives it in `Tour` instead).
pub(super) fn write_scrutin(out: &mut XmlOut, snapshot: &Snapshot, with_round: bool) {
    let config = &snapshot.config;
    out.start("Scrutin");
    out.leaf("Type", scrutin_type(config.kind));
    out.leaf("Annee", &config.date.format("%Y").to_string());
    out.leaf("CodTypElec", config.kind.regulatory_code());
    out.leaf("DateScrutin", &config.date.format("%Y-%m-%d").to_string());
    if with_round {
        out.number("NumTour", u64::from(config.round));
    }
    out.end("Scrutin");
}

/// Writes the results document of an election.
pub(crate) fn write_results(
    snapshot: &Snapshot,
    layout: &dyn XmlLayout,
    seats: Option<&SeatsInput>,
) -> Result<Vec<u8>, ExportError> {
    if let Some(seats) = seats {
        let numbers: Vec<u32> = snapshot
            .config
            .candidates
            .iter()
            .map(|candidate| candidate.ballot_number)
            .collect();
        seats
            .validate(&numbers)
            .map_err(ExportError::InvalidSeats)?;
    }
    let names = layout.names();
    let config = &snapshot.config;
    let department = snapshot.department_code();
    let mut out = XmlOut::new();
    start_root(&mut out, "Election", config.rehearsal);
    write_scrutin(&mut out, snapshot, false);

    out.start("Departement");
    out.leaf("CodDpt", department);
    out.leaf("LibDpt", snapshot.department_name());
    out.start("Communes");
    out.start("Commune");
    out.leaf("CodSubCom", snapshot.commune_code_in_department());
    out.leaf("LibSubCom", &config.commune.name);
    out.leaf("CodInsee", &config.commune.insee_code);
    if let Some(constituency) = snapshot.constituency() {
        out.leaf(
            names.constituency,
            &ministry_constituency_code(department, constituency),
        );
    }
    out.leaf_if("CodCan", snapshot.canton());
    out.start("Tours");
    out.start("Tour");
    out.number("NumTour", u64::from(config.round));

    let commune = &snapshot.results.commune;
    let figures = Figures {
        registered: commune.registered_counted,
        voters: commune.voters,
        ballots_found: commune.ballots_found,
        blank: commune.blank,
        invalid: commune.invalid,
        valid_votes: commune.valid_votes,
    };
    let votes: BTreeMap<u32, u64> = commune
        .candidates
        .iter()
        .map(|candidate| (candidate.ballot_number, candidate.votes))
        .collect();
    write_mentions(&mut out, names, &figures);
    write_resultats(&mut out, snapshot, names, &figures, &votes, seats);
    write_stations(&mut out, snapshot, names);

    out.end("Tour");
    out.end("Tours");
    out.end("Commune");
    out.end("Communes");
    out.end("Departement");
    out.end("Election");
    Ok(out.finish())
}

fn write_stations(out: &mut XmlOut, snapshot: &Snapshot, names: &ElementNames) {
    let department = snapshot.department_code();
    out.start("BureauxDeVote");
    for (station, record) in snapshot.counted_stations() {
        let count = &record.count;
        out.start("BureauDeVote");
        out.leaf("CodBurVot", station.code.as_str());
        out.leaf("LibBurVot", &station.name);
        out.leaf_if("CodCan", station.canton.as_deref());
        if let Some(constituency) = &station.constituency {
            out.leaf(
                names.constituency,
                &ministry_constituency_code(department, constituency),
            );
        }
        let figures = Figures::of_count(count);
        let votes: BTreeMap<u32, u64> = count
            .votes
            .iter()
            .map(|(number, votes)| (*number, u64::from(*votes)))
            .collect();
        write_mentions(out, names, &figures);
        write_resultats(out, snapshot, names, &figures, &votes, None);
        out.end("BureauDeVote");
    }
    out.end("BureauxDeVote");
}

fn write_mentions(out: &mut XmlOut, names: &ElementNames, figures: &Figures) {
    let registered = figures.registered;
    let voters = figures.voters;
    out.start("Mentions");
    out.start("Inscrits");
    out.number("Nombre", registered);
    out.end("Inscrits");

    let abstentions = registered.saturating_sub(voters);
    out.start("Abstentions");
    out.number("Nombre", abstentions);
    out.ratio(names.ratio_registered, abstentions, registered);
    out.end("Abstentions");

    out.start("Votants");
    out.number("Nombre", voters);
    out.ratio(names.ratio_registered, voters, registered);
    out.end("Votants");

    if figures.ballots_found != voters {
        out.start("BulletinsTrouves");
        out.number("Nombre", figures.ballots_found);
        out.end("BulletinsTrouves");
    }

    let shares = [
        ("Blancs", figures.blank),
        ("Nuls", figures.invalid),
        ("Exprimes", figures.valid_votes),
    ];
    for (name, value) in shares {
        out.start(name);
        out.number("Nombre", value);
        out.ratio(names.ratio_registered, value, registered);
        out.ratio(names.ratio_voters, value, voters);
        out.end(name);
    }
    out.end("Mentions");
}

fn write_resultats(
    out: &mut XmlOut,
    snapshot: &Snapshot,
    names: &ElementNames,
    figures: &Figures,
    votes: &BTreeMap<u32, u64>,
    seats: Option<&SeatsInput>,
) {
    out.start("Resultats");
    let is_list = snapshot.is_list_ballot();
    let group = if is_list { "Listes" } else { "Candidats" };
    out.start(group);
    for candidate in &snapshot.config.candidates {
        let candidate_votes = votes.get(&candidate.ballot_number).copied().unwrap_or(0);
        let share = Share {
            votes: candidate_votes,
            registered: figures.registered,
            valid_votes: figures.valid_votes,
        };
        if is_list {
            let list_seats = seats.map(|seats| {
                seats
                    .list(candidate.ballot_number)
                    .map_or(0, |list| list.municipal_council)
            });
            write_list(out, names, candidate, &share, list_seats);
        } else {
            write_candidate(out, names, candidate, &share);
        }
    }
    out.end(group);
    out.end("Resultats");
}

/// Votes of a candidate with the denominators of its ratios.
struct Share {
    votes: u64,
    registered: u64,
    valid_votes: u64,
}

fn write_candidate(out: &mut XmlOut, names: &ElementNames, candidate: &Candidate, share: &Share) {
    out.start("Candidat");
    out.number("NumPanneauCand", u64::from(candidate.ballot_number));
    out.leaf("NomPsn", &candidate.surname);
    out.leaf("PrenomPsn", &candidate.first_name);
    out.leaf_if("CivilitePsn", civility(candidate));
    out.leaf_if(names.candidate_nuance, candidate.nuance.as_deref());
    out.leaf_if(
        names.candidate_nuance_label,
        candidate.nuance_label.as_deref(),
    );
    out.number("NbVoix", share.votes);
    out.ratio(names.ratio_valid_votes, share.votes, share.valid_votes);
    out.ratio(names.ratio_registered, share.votes, share.registered);
    out.end("Candidat");
}

fn write_list(
    out: &mut XmlOut,
    names: &ElementNames,
    candidate: &Candidate,
    share: &Share,
    seats: Option<u32>,
) {
    out.start("Liste");
    out.number("NumPanneauListe", u64::from(candidate.ballot_number));
    out.leaf("LibLisExt", &candidate.display_name());
    out.leaf_if("CodNuaListe", candidate.nuance.as_deref());
    out.leaf_if("LibNuaListe", candidate.nuance_label.as_deref());
    out.leaf("NomTeteListe", &candidate.surname);
    out.leaf("PrenomTeteListe", &candidate.first_name);
    out.leaf_if("CiviliteTeteListe", civility(candidate));
    out.number("NbVoix", share.votes);
    out.ratio(names.ratio_valid_votes, share.votes, share.valid_votes);
    out.ratio(names.ratio_registered, share.votes, share.registered);
    if let Some(seats) = seats {
        out.number("NbSieges", u64::from(seats));
    }
    out.end("Liste");
}
