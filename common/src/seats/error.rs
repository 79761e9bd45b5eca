//! Errors of the seat allocation functions. Messages are French, for the official who entered
//! the data, and name what to correct.

use serde::Serialize;

/// Input that the seat allocation rejects. No partial result is returned with an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SeatsError {
    #[error("aucune liste : saisir au moins une liste pour répartir les sièges")]
    NoLists,
    #[error(
        "le numéro de panneau {ballot_number} figure sur plusieurs listes : \
         chaque liste doit avoir son propre numéro"
    )]
    DuplicateBallotNumber { ballot_number: u32 },
    #[error(
        "les voix des listes totalisent {votes_sum} mais les suffrages exprimés sont \
         {valid_votes} : corriger les voix d'une liste ou le nombre d'exprimés"
    )]
    VotesMismatch { votes_sum: u128, valid_votes: u64 },
    #[error("aucun suffrage exprimé : aucun siège ne peut être attribué")]
    NoValidVotes,
    #[error(
        "nombre de sièges à pourvoir invalide ({seats}) : il ne peut dépasser {maximum} ; \
         corriger le nombre de sièges"
    )]
    TooManySeats { seats: u32, maximum: u32 },
    #[error(
        "prime majoritaire invalide ({numerator}/{denominator}) : le dénominateur doit être \
         non nul et la fraction au plus égale à 1"
    )]
    InvalidBonusFraction { numerator: u32, denominator: u32 },
    #[error(
        "âge moyen invalide pour la liste n° {ballot_number} : le nombre de candidats \
         comptés est nul"
    )]
    InvalidAverageAge { ballot_number: u32 },
    #[error(
        "la répartition {council} n'est pas acquise ({status}) : les conseillers \
         communautaires ne peuvent pas encore être désignés"
    )]
    AllocationNotDecided {
        council: &'static str,
        status: &'static str,
    },
    #[error(
        "la liste n° {ballot_number} n'a pas de candidats au conseil municipal : \
         saisir ses candidats dans l'ordre de présentation"
    )]
    MissingCandidates { ballot_number: u32 },
    #[error(
        "liste n° {ballot_number} : le rang {rank} de la liste communautaire ne correspond à \
         aucun candidat au conseil municipal (la liste en compte {candidates})"
    )]
    CommunityRankOutOfRange {
        ballot_number: u32,
        rank: u32,
        candidates: u32,
    },
    #[error(
        "liste n° {ballot_number} : le rang {rank} figure deux fois dans la liste \
         communautaire"
    )]
    DuplicateCommunityRank { ballot_number: u32, rank: u32 },
    #[error("la liste n° {ballot_number} est absente de la répartition {council}")]
    UnknownList {
        ballot_number: u32,
        council: &'static str,
    },
}
