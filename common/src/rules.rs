//! Consistency rules on what clerks key in. Each rule has a stable code that clients may
//! match on, and a French message naming the field, the value and what to check.

use crate::count::{FinalCount, Hundred, HundredCount};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleCode {
    /// Votants ≤ inscrits.
    VotersExceedRegistered,
    /// Blancs + nuls + exprimés = bulletins trouvés dans l'urne.
    BallotsSumMismatch,
    /// Signatures and ballots found differ: recorded as a warning, as the record notes it.
    SignaturesBallotsGap,
    /// Sum of the votes per candidate = exprimés.
    VotesSumMismatch,
    /// The record's inscrits differ from the election's configuration (warning).
    RegisteredDiffersFromConfiguration,
    /// A ballot number that is not a candidate of the election.
    UnknownCandidate,
    /// A candidate of the election without a figure.
    MissingCandidate,
    /// Turnout lower than at an earlier slot.
    TurnoutDecreases,
    /// Turnout above the registered voters.
    TurnoutExceedsRegistered,
    /// Turnout above the final votants.
    TurnoutExceedsVoters,
    /// A centaine that contains neither exactly 100 (200) ballots nor every ballot of a
    /// smaller station.
    HundredSize,
    /// A centaine below 100 (200) ballots while the station's final ballots are not known
    /// yet (warning, checked again when the final results arrive).
    HundredSizeUnverified,
    /// The second centaine has fewer votes for a candidate than the first.
    HundredDecreases,
}

impl RuleCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleCode::VotersExceedRegistered => "voters_exceed_registered",
            RuleCode::BallotsSumMismatch => "ballots_sum_mismatch",
            RuleCode::SignaturesBallotsGap => "signatures_ballots_gap",
            RuleCode::VotesSumMismatch => "votes_sum_mismatch",
            RuleCode::RegisteredDiffersFromConfiguration => "registered_differs_from_configuration",
            RuleCode::UnknownCandidate => "unknown_candidate",
            RuleCode::MissingCandidate => "missing_candidate",
            RuleCode::TurnoutDecreases => "turnout_decreases",
            RuleCode::TurnoutExceedsRegistered => "turnout_exceeds_registered",
            RuleCode::TurnoutExceedsVoters => "turnout_exceeds_voters",
            RuleCode::HundredSize => "hundred_size",
            RuleCode::HundredSizeUnverified => "hundred_size_unverified",
            RuleCode::HundredDecreases => "hundred_decreases",
        }
    }

    /// Whether a clerk may store the figures anyway by recording why the official record
    /// itself is inconsistent. Unknown or missing candidates are input mistakes, not
    /// features of a paper record, so they always reject.
    pub fn may_be_overridden(self) -> bool {
        !matches!(
            self,
            RuleCode::UnknownCandidate | RuleCode::MissingCandidate
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One rule that failed, with the field it concerns and a French message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: RuleCode,
    pub severity: Severity,
    /// Name of the field in the API (`voters`, `votes.3`, `slots.17:00`).
    pub field: String,
    pub message: String,
}

impl Finding {
    fn error(code: RuleCode, field: impl Into<String>, message: String) -> Finding {
        Finding {
            code,
            severity: Severity::Error,
            field: field.into(),
            message,
        }
    }

    fn warning(code: RuleCode, field: impl Into<String>, message: String) -> Finding {
        Finding {
            code,
            severity: Severity::Warning,
            field: field.into(),
            message,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Returns whether any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_error)
}

/// What the rules on a station's final results need to know beyond the record itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct FinalContext<'a> {
    /// Inscrits of the station in the election's configuration.
    pub configured_registered: u32,
    /// Ballot numbers of the election's candidates.
    pub ballot_numbers: &'a [u32],
    /// Highest turnout keyed for the station, with its slot label (`17:00`).
    pub max_turnout: Option<(u32, &'a str)>,
    pub first_hundred: Option<&'a HundredCount>,
    pub second_hundred: Option<&'a HundredCount>,
}

/// Checks a station's final results.
pub fn check_final(count: &FinalCount, context: &FinalContext<'_>) -> Vec<Finding> {
    let mut findings = check_ballot_numbers(&count.votes, context.ballot_numbers, "votes");

    if count.voters > count.registered {
        findings.push(Finding::error(
            RuleCode::VotersExceedRegistered,
            "voters",
            format!(
                "votants ({}) supérieurs aux inscrits ({}) : vérifiez les deux chiffres sur le \
                 procès-verbal",
                count.voters, count.registered
            ),
        ));
    }
    if count.registered != context.configured_registered {
        findings.push(Finding::warning(
            RuleCode::RegisteredDiffersFromConfiguration,
            "registered",
            format!(
                "inscrits du procès-verbal ({}) différents de la configuration de l'élection \
                 ({}) : vérifiez la liste d'émargement",
                count.registered, context.configured_registered
            ),
        ));
    }

    let ballots = count.ballots();
    let marked = u64::from(count.blank) + u64::from(count.invalid) + u64::from(count.valid_votes);
    if marked != u64::from(ballots) {
        let found_label = if count.ballots_found.is_some() {
            "bulletins trouvés dans l'urne"
        } else {
            "votants"
        };
        findings.push(Finding::error(
            RuleCode::BallotsSumMismatch,
            "valid_votes",
            format!(
                "blancs ({}) + nuls ({}) + exprimés ({}) = {marked}, mais {found_label} = \
                 {ballots} : corrigez l'un de ces chiffres",
                count.blank, count.invalid, count.valid_votes
            ),
        ));
    }
    if let Some(found) = count.ballots_found.filter(|found| *found != count.voters) {
        findings.push(Finding::warning(
            RuleCode::SignaturesBallotsGap,
            "ballots_found",
            format!(
                "écart entre les émargements ({}) et les bulletins trouvés dans l'urne \
                 ({found}) : l'écart doit être mentionné au procès-verbal",
                count.voters
            ),
        ));
    }

    let votes_sum: u64 = count.votes.values().map(|v| u64::from(*v)).sum();
    if votes_sum != u64::from(count.valid_votes) {
        findings.push(Finding::error(
            RuleCode::VotesSumMismatch,
            "votes",
            format!(
                "la somme des voix ({votes_sum}) diffère des suffrages exprimés ({}) : \
                 vérifiez les voix de chaque candidat",
                count.valid_votes
            ),
        ));
    }

    if let Some((turnout, slot)) = context.max_turnout
        && turnout > count.voters
    {
        findings.push(Finding::error(
            RuleCode::TurnoutExceedsVoters,
            "voters",
            format!(
                "votants ({}) inférieurs à la participation saisie à {slot} ({turnout}) : \
                 corrigez les votants ou la participation",
                count.voters
            ),
        ));
    }

    for (which, hundred) in [
        (Hundred::First, context.first_hundred),
        (Hundred::Second, context.second_hundred),
    ] {
        if let Some(hundred) = hundred {
            findings.extend(check_hundred_size(which, hundred, Some(ballots)));
        }
    }
    findings
}

fn check_ballot_numbers<V>(
    votes: &std::collections::BTreeMap<u32, V>,
    ballot_numbers: &[u32],
    field: &str,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for number in votes.keys() {
        if !ballot_numbers.contains(number) {
            findings.push(Finding::error(
                RuleCode::UnknownCandidate,
                format!("{field}.{number}"),
                format!(
                    "le numéro de panneau {number} n'est pas un candidat de cette élection : \
                     numéros attendus {}",
                    list_numbers(ballot_numbers)
                ),
            ));
        }
    }
    for number in ballot_numbers {
        if !votes.contains_key(number) {
            findings.push(Finding::error(
                RuleCode::MissingCandidate,
                format!("{field}.{number}"),
                format!(
                    "voix du panneau {number} manquantes : saisissez 0 si le candidat n'a \
                     obtenu aucune voix"
                ),
            ));
        }
    }
    findings
}

fn list_numbers(numbers: &[u32]) -> String {
    numbers
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks one turnout figure against the station's other slots and final results.
///
/// `slots` gives, in slot order, each slot's label and keyed value, with the value being
/// written at `index` already replaced.
pub fn check_turnout(
    registered: u32,
    slots: &[(&str, Option<u32>)],
    index: usize,
    final_voters: Option<u32>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some((label, Some(value))) = slots.get(index).copied() else {
        return findings;
    };
    let field = format!("slots.{label}");
    if value > registered {
        findings.push(Finding::error(
            RuleCode::TurnoutExceedsRegistered,
            field.clone(),
            format!(
                "participation à {label} ({value}) supérieure aux inscrits ({registered}) : \
                 vérifiez le chiffre"
            ),
        ));
    }
    if let Some((earlier_label, earlier)) = slots[..index]
        .iter()
        .filter_map(|(l, v)| v.map(|v| (*l, v)))
        .find(|(_, earlier)| *earlier > value)
    {
        findings.push(Finding::error(
            RuleCode::TurnoutDecreases,
            field.clone(),
            format!(
                "participation à {label} ({value}) inférieure à celle de {earlier_label} \
                 ({earlier}) : la participation ne peut que croître"
            ),
        ));
    }
    if let Some((later_label, later)) = slots[index + 1..]
        .iter()
        .filter_map(|(l, v)| v.map(|v| (*l, v)))
        .find(|(_, later)| *later < value)
    {
        findings.push(Finding::error(
            RuleCode::TurnoutDecreases,
            field.clone(),
            format!(
                "participation à {label} ({value}) supérieure à celle de {later_label} \
                 ({later}) : la participation ne peut que croître"
            ),
        ));
    }
    if let Some(voters) = final_voters
        && value > voters
    {
        findings.push(Finding::error(
            RuleCode::TurnoutExceedsVoters,
            field,
            format!(
                "participation à {label} ({value}) supérieure aux votants des résultats \
                 définitifs ({voters}) : corrigez la participation ou les résultats"
            ),
        ));
    }
    findings
}

/// Checks a centaine against the candidates, the other centaine and, when known, the
/// station's final ballots.
pub fn check_hundred(
    which: Hundred,
    count: &HundredCount,
    ballot_numbers: &[u32],
    other: Option<&HundredCount>,
    final_ballots: Option<u32>,
) -> Vec<Finding> {
    let mut findings = check_ballot_numbers(&count.votes, ballot_numbers, "votes");
    findings.extend(check_hundred_size(which, count, final_ballots));

    let (first, second) = match (which, other) {
        (Hundred::First, Some(second)) => (count, second),
        (Hundred::Second, Some(first)) => (first, count),
        (_, None) => return findings,
    };
    let mut pairs: Vec<(String, String, u32, u32)> = vec![
        ("blank".into(), "blancs".into(), first.blank, second.blank),
        (
            "invalid".into(),
            "nuls".into(),
            first.invalid,
            second.invalid,
        ),
    ];
    for (number, first_votes) in &first.votes {
        let second_votes = second.votes.get(number).copied().unwrap_or(0);
        pairs.push((
            format!("votes.{number}"),
            format!("voix du panneau {number}"),
            *first_votes,
            second_votes,
        ));
    }
    for (field, label, first_value, second_value) in pairs {
        if second_value < first_value {
            findings.push(Finding::error(
                RuleCode::HundredDecreases,
                field,
                format!(
                    "{label} : {second_value} à la seconde centaine, moins que les \
                     {first_value} de la première ; la seconde centaine cumule les 200 \
                     premiers bulletins"
                ),
            ));
        }
    }
    findings
}

fn check_hundred_size(
    which: Hundred,
    count: &HundredCount,
    final_ballots: Option<u32>,
) -> Vec<Finding> {
    let size = which.size();
    let counted = count.ballots();
    let label = which.label_fr();
    let finding = match final_ballots {
        Some(ballots) => {
            let expected = size.min(ballots);
            (counted != u64::from(expected)).then(|| {
                Finding::error(
                    RuleCode::HundredSize,
                    "votes",
                    format!(
                        "la {label} compte {counted} bulletins (blancs, nuls et voix) au lieu de \
                         {expected} : vérifiez la feuille de pointage"
                    ),
                )
            })
        }
        None if counted > u64::from(size) => Some(Finding::error(
            RuleCode::HundredSize,
            "votes",
            format!(
                "la {label} compte {counted} bulletins (blancs, nuls et voix), plus que \
                 {size} : vérifiez la feuille de pointage"
            ),
        )),
        None if counted < u64::from(size) => Some(Finding::warning(
            RuleCode::HundredSizeUnverified,
            "votes",
            format!(
                "la {label} compte {counted} bulletins, moins que {size} : ce n'est juste que \
                 si le bureau a moins de {size} bulletins, ce qui sera vérifié à la saisie des \
                 résultats définitifs"
            ),
        )),
        None => None,
    };
    finding.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn record() -> FinalCount {
        FinalCount {
            registered: 994,
            voters: 760,
            ballots_found: None,
            blank: 13,
            invalid: 7,
            valid_votes: 740,
            votes: BTreeMap::from([(1, 400), (2, 340)]),
        }
    }

    fn context() -> FinalContext<'static> {
        FinalContext {
            configured_registered: 994,
            ballot_numbers: &[1, 2],
            ..FinalContext::default()
        }
    }

    fn codes(findings: &[Finding]) -> Vec<RuleCode> {
        findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn final_consistent_record_passes() {
        assert!(check_final(&record(), &context()).is_empty());
    }

    #[test]
    fn final_voters_above_registered() {
        let mut count = record();
        count.registered = 700;
        let findings = check_final(&count, &context());
        assert!(codes(&findings).contains(&RuleCode::VotersExceedRegistered));
        assert!(has_errors(&findings));
    }

    #[test]
    fn final_ballot_sum_mismatch() {
        let mut count = record();
        count.blank = 14;
        let findings = check_final(&count, &context());
        assert_eq!(codes(&findings), vec![RuleCode::BallotsSumMismatch]);
        assert!(findings[0].message.contains("761"));
    }

    #[test]
    fn final_signature_gap_is_warning() {
        let mut count = record();
        count.voters = 762;
        count.ballots_found = Some(760);
        let findings = check_final(&count, &context());
        assert_eq!(codes(&findings), vec![RuleCode::SignaturesBallotsGap]);
        assert!(!has_errors(&findings));
    }

    #[test]
    fn final_votes_sum_mismatch() {
        let mut count = record();
        count.votes.insert(2, 339);
        assert_eq!(
            codes(&check_final(&count, &context())),
            vec![RuleCode::VotesSumMismatch]
        );
    }

    #[test]
    fn final_unknown_and_missing_candidates() {
        let mut count = record();
        count.votes = BTreeMap::from([(1, 400), (9, 340)]);
        let found = codes(&check_final(&count, &context()));
        assert!(found.contains(&RuleCode::UnknownCandidate));
        assert!(found.contains(&RuleCode::MissingCandidate));
        assert!(!RuleCode::UnknownCandidate.may_be_overridden());
    }

    #[test]
    fn final_registered_difference_is_warning() {
        let mut count = record();
        count.registered = 995;
        let findings = check_final(&count, &context());
        assert_eq!(
            codes(&findings),
            vec![RuleCode::RegisteredDiffersFromConfiguration]
        );
        assert!(!has_errors(&findings));
    }

    #[test]
    fn final_voters_below_turnout() {
        let context = FinalContext {
            max_turnout: Some((761, "17:00")),
            ..context()
        };
        assert_eq!(
            codes(&check_final(&record(), &context)),
            vec![RuleCode::TurnoutExceedsVoters]
        );
        let context = FinalContext {
            max_turnout: Some((760, "17:00")),
            ..context
        };
        assert!(check_final(&record(), &context).is_empty());
    }

    #[test]
    fn turnout_rules() {
        let ok = [("12:00", Some(200)), ("17:00", Some(500))];
        assert!(check_turnout(994, &ok, 1, Some(760)).is_empty());

        let decreasing = [("12:00", Some(200)), ("17:00", Some(150))];
        assert_eq!(
            codes(&check_turnout(994, &decreasing, 1, None)),
            vec![RuleCode::TurnoutDecreases]
        );
        assert_eq!(
            codes(&check_turnout(994, &decreasing, 0, None)),
            vec![RuleCode::TurnoutDecreases]
        );

        let above_registered = [("12:00", Some(995))];
        assert_eq!(
            codes(&check_turnout(994, &above_registered, 0, None)),
            vec![RuleCode::TurnoutExceedsRegistered]
        );

        let above_voters = [("12:00", Some(200)), ("17:00", Some(761))];
        assert_eq!(
            codes(&check_turnout(994, &above_voters, 1, Some(760))),
            vec![RuleCode::TurnoutExceedsVoters]
        );

        let equal = [("12:00", Some(300)), ("17:00", Some(300))];
        assert!(check_turnout(994, &equal, 1, Some(300)).is_empty());
    }

    fn hundred(blank: u32, invalid: u32, votes: &[(u32, u32)]) -> HundredCount {
        HundredCount {
            blank,
            invalid,
            votes: votes.iter().copied().collect(),
        }
    }

    #[test]
    fn hundred_exact_size() {
        let first = hundred(2, 1, &[(1, 50), (2, 47)]);
        assert!(check_hundred(Hundred::First, &first, &[1, 2], None, None).is_empty());
        let over = hundred(2, 1, &[(1, 50), (2, 48)]);
        assert_eq!(
            codes(&check_hundred(Hundred::First, &over, &[1, 2], None, None)),
            vec![RuleCode::HundredSize]
        );
        let second = hundred(3, 1, &[(1, 100), (2, 96)]);
        assert!(check_hundred(Hundred::Second, &second, &[1, 2], Some(&first), None).is_empty());
    }

    #[test]
    fn hundred_small_station_holds_every_ballot() {
        let small = hundred(0, 0, &[(1, 50), (2, 30)]);
        assert!(check_hundred(Hundred::First, &small, &[1, 2], None, Some(80)).is_empty());
        assert_eq!(
            codes(&check_hundred(
                Hundred::First,
                &small,
                &[1, 2],
                None,
                Some(120)
            )),
            vec![RuleCode::HundredSize]
        );
        let unverified = check_hundred(Hundred::First, &small, &[1, 2], None, None);
        assert_eq!(codes(&unverified), vec![RuleCode::HundredSizeUnverified]);
        assert!(!has_errors(&unverified));
    }

    #[test]
    fn hundred_second_never_below_first() {
        let first = hundred(2, 1, &[(1, 50), (2, 47)]);
        let second = hundred(3, 1, &[(1, 150), (2, 46)]);
        let findings = check_hundred(Hundred::Second, &second, &[1, 2], Some(&first), None);
        assert_eq!(codes(&findings), vec![RuleCode::HundredDecreases]);
        assert_eq!(findings[0].field, "votes.2");
        let findings = check_hundred(Hundred::First, &first, &[1, 2], Some(&second), None);
        assert_eq!(codes(&findings), vec![RuleCode::HundredDecreases]);
    }
}
