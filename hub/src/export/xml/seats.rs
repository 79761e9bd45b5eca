//! The municipal seat-distribution payload: seats of every list in the municipal council
//! (CM) and the community council (CC), and the elected candidates in list order.
//!
//! ```text
//! RepartitionSieges [Statut="SIMULATION"]
//! ├─ Scrutin/{Type, Annee, CodTypElec, DateScrutin, NumTour}
//! ├─ Departement/{CodDpt, LibDpt}
//! └─ Commune/{CodSubCom, LibSubCom, CodInsee, NbSiegesCM, NbSiegesCC}
//!    └─ Listes/Liste*/{NumPanneauListe, LibLisExt, CodNuaListe, NomTeteListe,
//!       PrenomTeteListe, NbVoix, RapportExprimes, NbSiegesCM, NbSiegesCC,
//!       ElusCM/Elu*/{Rang, NomPsn, PrenomPsn}, ElusCC/Elu*/{Rang, NomPsn, PrenomPsn}}
//! ```

use super::super::seats::{ElectedCandidate, SeatsInput};
use super::super::snapshot::Snapshot;
use super::super::{ExportError, SIMULATION};
use super::read::XmlReadError;
use super::tree::{self, Element};
use super::write::{XmlOut, start_root, write_scrutin};

/// A seat-distribution payload as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlSeats {
    pub simulation: bool,
    pub round: Option<u8>,
    pub insee_code: Option<String>,
    /// `NbSiegesCM` of the commune: seats of the municipal council.
    pub municipal_council: u64,
    /// `NbSiegesCC` of the commune: seats of the community council.
    pub community_council: u64,
    pub lists: Vec<XmlSeatList>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlSeatList {
    pub ballot_number: u32,
    pub list_label: String,
    pub votes: u64,
    pub municipal_council: u32,
    pub community_council: u32,
    pub municipal_elected: Vec<ElectedCandidate>,
    pub community_elected: Vec<ElectedCandidate>,
}

/// Writes the payload of every list of the election; a list missing from `seats` has no
/// seat.
pub(crate) fn write_seats(snapshot: &Snapshot, seats: &SeatsInput) -> Result<Vec<u8>, ExportError> {
    let config = &snapshot.config;
    let numbers: Vec<u32> = config
        .candidates
        .iter()
        .map(|candidate| candidate.ballot_number)
        .collect();
    seats
        .validate(&numbers)
        .map_err(ExportError::InvalidSeats)?;

    let mut out = XmlOut::new();
    start_root(&mut out, "RepartitionSieges", config.rehearsal);
    write_scrutin(&mut out, snapshot, true);
    out.start("Departement");
    out.leaf("CodDpt", snapshot.department_code());
    out.leaf("LibDpt", snapshot.department_name());
    out.end("Departement");

    out.start("Commune");
    out.leaf("CodSubCom", snapshot.commune_code_in_department());
    out.leaf("LibSubCom", &config.commune.name);
    out.leaf("CodInsee", &config.commune.insee_code);
    out.number("NbSiegesCM", seats.municipal_council_seats());
    out.number("NbSiegesCC", seats.community_council_seats());
    out.start("Listes");
    let commune = &snapshot.results.commune;
    for candidate in &config.candidates {
        let votes = commune
            .candidates
            .iter()
            .find(|result| result.ballot_number == candidate.ballot_number)
            .map_or(0, |result| result.votes);
        let list = seats.list(candidate.ballot_number);
        out.start("Liste");
        out.number("NumPanneauListe", u64::from(candidate.ballot_number));
        out.leaf("LibLisExt", &candidate.display_name());
        out.leaf_if("CodNuaListe", candidate.nuance.as_deref());
        out.leaf("NomTeteListe", &candidate.surname);
        out.leaf("PrenomTeteListe", &candidate.first_name);
        out.number("NbVoix", votes);
        out.ratio("RapportExprimes", votes, commune.valid_votes);
        out.number(
            "NbSiegesCM",
            list.map_or(0, |list| u64::from(list.municipal_council)),
        );
        out.number(
            "NbSiegesCC",
            list.map_or(0, |list| u64::from(list.community_council)),
        );
        write_elected(
            &mut out,
            "ElusCM",
            list.map(|list| &list.municipal_elected[..]),
        );
        write_elected(
            &mut out,
            "ElusCC",
            list.map(|list| &list.community_elected[..]),
        );
        out.end("Liste");
    }
    out.end("Listes");
    out.end("Commune");
    out.end("RepartitionSieges");
    Ok(out.finish())
}

fn write_elected(out: &mut XmlOut, group: &str, elected: Option<&[ElectedCandidate]>) {
    out.start(group);
    for (rank, candidate) in (1u64..).zip(elected.unwrap_or_default()) {
        out.start("Elu");
        out.number("Rang", rank);
        out.leaf("NomPsn", &candidate.surname);
        out.leaf("PrenomPsn", &candidate.first_name);
        out.end("Elu");
    }
    out.end(group);
}

/// Parses a seat-distribution payload.
pub fn read_seats(bytes: &[u8]) -> Result<XmlSeats, XmlReadError> {
    let document = tree::parse(bytes).map_err(XmlReadError)?;
    let root = &document.root;
    if root.name != "RepartitionSieges" {
        return Err(XmlReadError(format!(
            "élément racine « {} » inattendu : une répartition des sièges commence par \
             <RepartitionSieges>",
            root.name
        )));
    }
    let commune = child(root, "Commune")?;
    let mut lists = Vec::new();
    if let Some(group) = commune.child(&["Listes"]) {
        for list in group.children_named(&["Liste"]) {
            lists.push(XmlSeatList {
                ballot_number: whole(list, "NumPanneauListe")?,
                list_label: list.text_of(&["LibLisExt"]).unwrap_or_default(),
                votes: whole(list, "NbVoix")?,
                municipal_council: whole(list, "NbSiegesCM")?,
                community_council: whole(list, "NbSiegesCC")?,
                municipal_elected: read_elected(list, "ElusCM")?,
                community_elected: read_elected(list, "ElusCC")?,
            });
        }
    }
    let simulation = root.attribute("Statut") == Some(SIMULATION)
        || document
            .comments
            .iter()
            .any(|comment| comment.contains(SIMULATION));
    let round = match root.child(&["Scrutin"]) {
        Some(scrutin) if scrutin.child(&["NumTour"]).is_some() => Some(whole(scrutin, "NumTour")?),
        _ => None,
    };
    Ok(XmlSeats {
        simulation,
        round,
        insee_code: commune.text_of(&["CodInsee"]),
        municipal_council: whole(commune, "NbSiegesCM")?,
        community_council: whole(commune, "NbSiegesCC")?,
        lists,
    })
}

fn child<'a>(parent: &'a Element, name: &str) -> Result<&'a Element, XmlReadError> {
    parent
        .child(&[name])
        .ok_or_else(|| XmlReadError(format!("élément <{name}> manquant dans <{}>", parent.name)))
}

/// Reads the whole number of the element's child `name`, into any unsigned type.
fn whole<T: TryFrom<u64>>(parent: &Element, name: &str) -> Result<T, XmlReadError> {
    let text = parent
        .text_of(&[name])
        .ok_or_else(|| XmlReadError(format!("élément <{name}> manquant dans <{}>", parent.name)))?;
    let valid = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    valid
        .then(|| text.parse::<u64>().ok())
        .flatten()
        .and_then(|value| T::try_from(value).ok())
        .ok_or_else(|| {
            XmlReadError(format!(
                "valeur « {text} » invalide dans <{name}> de <{}> : un nombre entier positif \
                 est attendu",
                parent.name
            ))
        })
}

fn read_elected(list: &Element, group: &str) -> Result<Vec<ElectedCandidate>, XmlReadError> {
    let Some(group) = list.child(&[group]) else {
        return Ok(Vec::new());
    };
    let mut elected: Vec<(u64, ElectedCandidate)> = Vec::new();
    for element in group.children_named(&["Elu"]) {
        let rank: u64 = whole(element, "Rang")?;
        elected.push((
            rank,
            ElectedCandidate {
                surname: element.text_of(&["NomPsn"]).unwrap_or_default(),
                first_name: element.text_of(&["PrenomPsn"]).unwrap_or_default(),
            },
        ));
    }
    elected.sort_by_key(|(rank, _)| *rank);
    Ok(elected
        .into_iter()
        .map(|(_, candidate)| candidate)
        .collect())
}
