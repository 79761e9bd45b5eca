//! Reads a results document in the Ministry's feed structure: what any registered layout
//! writes, and the Ministry's own files (circonscription level, `R1<dpt>CIR.xml`, and
//! commune level). Element names are looked up among those of every layout, so the reader
//! follows the feed's renamings without a switch per vintage.

use super::super::SIMULATION;
use super::tree::{self, Element};
use super::{ElementNames, names_of};

/// A results document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlResults {
    /// Whether the document is marked SIMULATION (attribute `Statut` or a comment).
    pub simulation: bool,
    /// `Scrutin/Type` (`Législatives`).
    pub election_type: String,
    /// `Scrutin/Annee`.
    pub year: Option<String>,
    /// `Scrutin/CodTypElec` (`LEG`), written by Urne only.
    pub regulatory_code: Option<String>,
    /// `Scrutin/DateScrutin` (`2024-06-30`), written by Urne only.
    pub date: Option<String>,
    pub department_code: String,
    pub department_name: String,
    /// Communes (`Communes/Commune`) or constituencies (`Circonscriptions/Circonscription`).
    pub areas: Vec<XmlArea>,
}

/// A commune or a constituency with its rounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlArea {
    /// `CodSubCom` for a commune, `CodCirElec` for a constituency.
    pub code: String,
    pub name: String,
    /// Five-character INSEE code (`CodInsee`), written by Urne only.
    pub insee_code: Option<String>,
    /// Constituency of a commune (`CodCirElec`, `CodCirLg`).
    pub constituency: Option<String>,
    pub canton: Option<String>,
    /// Seats to fill (`NbSap`), in the Ministry's constituency files.
    pub seats_to_fill: Option<u64>,
    pub rounds: Vec<XmlRound>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlRound {
    pub number: u8,
    pub mentions: XmlMentions,
    pub candidates: Vec<XmlCandidate>,
    /// Per-station blocks (`BureauxDeVote/BureauDeVote`), written by Urne only.
    pub stations: Vec<XmlStation>,
}

/// The `Mentions` element: the figures of the official record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlMentions {
    pub registered: u64,
    pub abstentions: Option<u64>,
    pub voters: u64,
    /// `BulletinsTrouves`, written by Urne only when it differs from `Votants`.
    pub ballots_found: Option<u64>,
    /// Absent from the Ministry's municipal feed of 2020.
    pub blank: Option<u64>,
    pub invalid: Option<u64>,
    pub valid_votes: u64,
}

/// A candidate (`Candidat`) or a list (`Liste`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlCandidate {
    pub ballot_number: u32,
    /// Candidate's or list head's surname.
    pub surname: String,
    pub first_name: String,
    pub civility: Option<String>,
    pub nuance: Option<String>,
    pub nuance_label: Option<String>,
    /// List name (`LibLisExt`), for lists.
    pub list_label: Option<String>,
    pub votes: u64,
    /// Ratios as written (`45,55`).
    pub share_of_valid_votes: Option<String>,
    pub share_of_registered: Option<String>,
    /// `NbSieges`, for lists once seats are allocated.
    pub seats: Option<u64>,
    /// `Elu` (`NON`, `QUALIF T2`…), in the Ministry's files.
    pub elected: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlStation {
    pub code: String,
    pub name: String,
    pub canton: Option<String>,
    pub constituency: Option<String>,
    pub mentions: XmlMentions,
    pub candidates: Vec<XmlCandidate>,
}

/// Error of the readers, with a French message naming the element at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct XmlReadError(pub String);

impl XmlRound {
    /// Sum of the candidates' votes.
    pub fn votes_total(&self) -> u64 {
        self.candidates
            .iter()
            .map(|candidate| candidate.votes)
            .sum()
    }
}

/// Element names of one concept over every registered layout.
struct Aliases {
    ratio_registered: Vec<&'static str>,
    ratio_valid_votes: Vec<&'static str>,
    candidate_nuance: Vec<&'static str>,
    candidate_nuance_label: Vec<&'static str>,
    constituency: Vec<&'static str>,
}

impl Aliases {
    fn new() -> Aliases {
        let with = |select: fn(&ElementNames) -> &'static str, extra: &[&'static str]| {
            let mut names = names_of(select);
            for name in extra {
                if !names.contains(name) {
                    names.push(name);
                }
            }
            names
        };
        Aliases {
            ratio_registered: with(|names| names.ratio_registered, &[]),
            ratio_valid_votes: with(|names| names.ratio_valid_votes, &[]),
            candidate_nuance: with(|names| names.candidate_nuance, &["CodNuaListe"]),
            candidate_nuance_label: with(|names| names.candidate_nuance_label, &["LibNuaListe"]),
            // The Ministry's constituency files name the area itself with `CodCirElec`.
            constituency: with(|names| names.constituency, &["CodCirElec"]),
        }
    }
}

/// Parses a results document.
pub fn read_results(bytes: &[u8]) -> Result<XmlResults, XmlReadError> {
    let document = tree::parse(bytes).map_err(XmlReadError)?;
    let root = &document.root;
    if root.name != "Election" {
        return Err(error(format!(
            "élément racine « {} » inattendu : un fichier de résultats commence par <Election>",
            root.name
        )));
    }
    let aliases = Aliases::new();
    let scrutin = required(root, "Scrutin")?;
    let department = required(root, "Departement")?;
    let mut areas = Vec::new();
    if let Some(communes) = department.child(&["Communes"]) {
        for commune in communes.children_named(&["Commune"]) {
            areas.push(read_area(
                commune,
                &["CodSubCom"],
                &["LibSubCom"],
                &aliases,
            )?);
        }
    }
    if let Some(constituencies) = department.child(&["Circonscriptions"]) {
        for constituency in constituencies.children_named(&["Circonscription"]) {
            areas.push(read_area(
                constituency,
                &["CodCirElec", "CodCirLg"],
                &["LibCirElec", "LibCirLg"],
                &aliases,
            )?);
        }
    }
    let simulation = root.attribute("Statut") == Some(SIMULATION)
        || document
            .comments
            .iter()
            .any(|comment| comment.contains(SIMULATION));
    Ok(XmlResults {
        simulation,
        election_type: scrutin.text_of(&["Type"]).unwrap_or_default(),
        year: scrutin.text_of(&["Annee"]),
        regulatory_code: scrutin.text_of(&["CodTypElec"]),
        date: scrutin.text_of(&["DateScrutin"]),
        department_code: required_text(department, &["CodDpt"])?,
        department_name: department.text_of(&["LibDpt"]).unwrap_or_default(),
        areas,
    })
}

fn error(message: String) -> XmlReadError {
    XmlReadError(message)
}

fn required<'a>(parent: &'a Element, name: &str) -> Result<&'a Element, XmlReadError> {
    parent
        .child(&[name])
        .ok_or_else(|| error(format!("élément <{name}> manquant dans <{}>", parent.name)))
}

fn required_text(parent: &Element, names: &[&str]) -> Result<String, XmlReadError> {
    parent.text_of(names).ok_or_else(|| {
        error(format!(
            "élément <{}> manquant dans <{}>",
            names.join("> ou <"),
            parent.name
        ))
    })
}

/// Reads a whole number, naming the element and its parent when it is not one.
fn number(parent: &Element, names: &[&str]) -> Result<Option<u64>, XmlReadError> {
    let Some(text) = parent.text_of(names) else {
        return Ok(None);
    };
    let valid = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    let parsed = valid.then(|| text.parse::<u64>().ok()).flatten();
    parsed.map(Some).ok_or_else(|| {
        error(format!(
            "valeur « {text} » invalide dans <{}> de <{}> : un nombre entier positif est attendu",
            names[0], parent.name
        ))
    })
}

fn required_number(parent: &Element, names: &[&str]) -> Result<u64, XmlReadError> {
    number(parent, names)?.ok_or_else(|| {
        error(format!(
            "élément <{}> manquant dans <{}>",
            names.join("> ou <"),
            parent.name
        ))
    })
}

/// `Nombre` of one child of `Mentions`.
fn mention(mentions: &Element, name: &str) -> Result<Option<u64>, XmlReadError> {
    match mentions.child(&[name]) {
        Some(element) => Ok(Some(required_number(element, &["Nombre"])?)),
        None => Ok(None),
    }
}

fn read_area(
    area: &Element,
    code_names: &[&str],
    label_names: &[&str],
    aliases: &Aliases,
) -> Result<XmlArea, XmlReadError> {
    let mut rounds = Vec::new();
    if let Some(tours) = area.child(&["Tours"]) {
        for tour in tours.children_named(&["Tour"]) {
            rounds.push(read_round(tour, aliases)?);
        }
    }
    let constituency = if code_names.contains(&"CodCirElec") {
        None
    } else {
        area.text_of(&aliases.constituency)
    };
    Ok(XmlArea {
        code: required_text(area, code_names)?,
        name: area.text_of(label_names).unwrap_or_default(),
        insee_code: area.text_of(&["CodInsee"]),
        constituency,
        canton: area.text_of(&["CodCan"]),
        seats_to_fill: number(area, &["NbSap"])?,
        rounds,
    })
}

fn read_round(tour: &Element, aliases: &Aliases) -> Result<XmlRound, XmlReadError> {
    let number = required_number(tour, &["NumTour"])?;
    let number = u8::try_from(number)
        .map_err(|_| error(format!("numéro de tour « {number} » invalide dans <Tour>")))?;
    let mut stations = Vec::new();
    if let Some(block) = tour.child(&["BureauxDeVote"]) {
        for station in block.children_named(&["BureauDeVote"]) {
            stations.push(XmlStation {
                code: required_text(station, &["CodBurVot"])?,
                name: station.text_of(&["LibBurVot"]).unwrap_or_default(),
                canton: station.text_of(&["CodCan"]),
                constituency: station.text_of(&aliases.constituency),
                mentions: read_mentions(required(station, "Mentions")?)?,
                candidates: read_candidates(station, aliases)?,
            });
        }
    }
    Ok(XmlRound {
        number,
        mentions: read_mentions(required(tour, "Mentions")?)?,
        candidates: read_candidates(tour, aliases)?,
        stations,
    })
}

fn read_mentions(mentions: &Element) -> Result<XmlMentions, XmlReadError> {
    let missing = |name: &str| error(format!("élément <{name}> manquant dans <Mentions>"));
    Ok(XmlMentions {
        registered: mention(mentions, "Inscrits")?.ok_or_else(|| missing("Inscrits"))?,
        abstentions: mention(mentions, "Abstentions")?,
        voters: mention(mentions, "Votants")?.ok_or_else(|| missing("Votants"))?,
        ballots_found: mention(mentions, "BulletinsTrouves")?,
        blank: mention(mentions, "Blancs")?,
        invalid: mention(mentions, "Nuls")?,
        valid_votes: mention(mentions, "Exprimes")?.ok_or_else(|| missing("Exprimes"))?,
    })
}

/// Reads `Resultats/Candidats/Candidat` or `Resultats/Listes/Liste` of an area or station.
fn read_candidates(parent: &Element, aliases: &Aliases) -> Result<Vec<XmlCandidate>, XmlReadError> {
    let Some(results) = parent.child(&["Resultats"]) else {
        return Ok(Vec::new());
    };
    let mut candidates = Vec::new();
    if let Some(group) = results.child(&["Candidats"]) {
        for element in group.children_named(&["Candidat"]) {
            candidates.push(read_candidate(element, aliases, false)?);
        }
    }
    if let Some(group) = results.child(&["Listes"]) {
        for element in group.children_named(&["Liste"]) {
            candidates.push(read_candidate(element, aliases, true)?);
        }
    }
    Ok(candidates)
}

fn read_candidate(
    element: &Element,
    aliases: &Aliases,
    is_list: bool,
) -> Result<XmlCandidate, XmlReadError> {
    let (number_name, surname, first_name, civility) = if is_list {
        (
            "NumPanneauListe",
            "NomTeteListe",
            "PrenomTeteListe",
            "CiviliteTeteListe",
        )
    } else {
        ("NumPanneauCand", "NomPsn", "PrenomPsn", "CivilitePsn")
    };
    let raw_number = required_number(element, &[number_name])?;
    let ballot_number = u32::try_from(raw_number).map_err(|_| {
        error(format!(
            "numéro de panneau « {raw_number} » invalide dans <{}>",
            element.name
        ))
    })?;
    Ok(XmlCandidate {
        ballot_number,
        surname: element.text_of(&[surname]).unwrap_or_default(),
        first_name: element.text_of(&[first_name, "PrePsn"]).unwrap_or_default(),
        civility: element.text_of(&[civility]),
        nuance: element.text_of(&aliases.candidate_nuance),
        nuance_label: element.text_of(&aliases.candidate_nuance_label),
        list_label: is_list.then(|| element.text_of(&["LibLisExt"])).flatten(),
        votes: required_number(element, &["NbVoix"])?,
        share_of_valid_votes: element.text_of(&aliases.ratio_valid_votes),
        share_of_registered: element.text_of(&aliases.ratio_registered),
        seats: number(element, &["NbSieges"])?,
        elected: element.text_of(&["Elu"]),
    })
}
