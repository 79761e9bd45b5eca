//! Errors of the outcome functions. Messages are French and name what to correct.

use serde::Serialize;

/// Input that an outcome function rejects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum OutcomeError {
    #[error("aucun candidat : saisir au moins un candidat, binôme ou liste")]
    NoCandidates,
    #[error(
        "le numéro de panneau {ballot_number} figure deux fois : chaque candidat doit avoir son \
         propre numéro"
    )]
    DuplicateBallotNumber { ballot_number: u32 },
    #[error(
        "les voix totalisent {votes_sum} mais les suffrages exprimés sont {valid_votes} : \
         corriger les voix d'un candidat ou le nombre d'exprimés"
    )]
    VotesMismatch { votes_sum: u128, valid_votes: u64 },
    #[error("aucun suffrage exprimé : aucun résultat ne peut être établi")]
    NoValidVotes,
    #[error(
        "les suffrages exprimés ({valid_votes}) dépassent les inscrits ({registered}) : \
         corriger l'un des deux nombres"
    )]
    ValidVotesAboveRegistered { valid_votes: u64, registered: u64 },
    #[error(
        "âge moyen invalide pour le n° {ballot_number} : le nombre de candidats comptés est nul"
    )]
    InvalidAverageAge { ballot_number: u32 },
    #[error(
        "les votants ({voters}) dépassent les inscrits ({registered}) : corriger l'un des deux"
    )]
    VotersAboveRegistered { voters: u64, registered: u64 },
    #[error(
        "les suffrages exprimés ({valid_votes}) dépassent les votants ({voters}) : corriger les \
         oui, les non ou les votants"
    )]
    ValidVotesAboveVoters { valid_votes: u128, voters: u64 },
}
