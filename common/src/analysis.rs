//! Comparisons between elections: tallies of groups of stations, exact differences of
//! shares, political families of the Ministry's nuances, and the groups of stations that
//! a mapping between two elections forms.

use crate::share::{Denominator, Share};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Counts of one area (a station, a group of stations, the commune) in one election.
/// `votes` is keyed by whatever the comparison groups candidates by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub registered: u64,
    pub voters: u64,
    pub blank: u64,
    pub invalid: u64,
    pub valid_votes: u64,
    pub votes: BTreeMap<String, u64>,
}

impl Tally {
    /// Adds another area's counts to this one.
    pub fn add(&mut self, other: &Tally) {
        self.registered += other.registered;
        self.voters += other.voters;
        self.blank += other.blank;
        self.invalid += other.invalid;
        self.valid_votes += other.valid_votes;
        for (key, votes) in &other.votes {
            *self.votes.entry(key.clone()).or_default() += votes;
        }
    }

    /// Votants over inscrits.
    pub fn turnout(&self) -> Share {
        Share::new(self.voters, self.registered, Denominator::Registered)
    }

    /// Blank ballots over votants.
    pub fn blank_rate(&self) -> Share {
        Share::new(self.blank, self.voters, Denominator::Voters)
    }

    /// Spoilt ballots over votants.
    pub fn invalid_rate(&self) -> Share {
        Share::new(self.invalid, self.voters, Denominator::Voters)
    }

    /// Votes of `key` over suffrages exprimés.
    pub fn share_of(&self, key: &str) -> Share {
        let votes = self.votes.get(key).copied().unwrap_or(0);
        Share::new(votes, self.valid_votes, Denominator::ValidVotes)
    }
}

/// The exact difference `later − earlier` of two shares over the same kind of
/// denominator, `numerator / denominator`, in units of 1 (so ×100 for percentage points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareDifference {
    pub numerator: i128,
    pub denominator: u128,
    pub of: Denominator,
    /// Percentage points with two decimals, a sign and a French comma (`+2,35`, `-0,40`),
    /// or `None` when either share has a zero denominator.
    pub points: Option<String>,
}

impl ShareDifference {
    /// Computes `later − earlier` by cross-multiplication: `(a·d − c·b) / (b·d)`.
    pub fn between(later: &Share, earlier: &Share) -> ShareDifference {
        let (a, b) = (u128::from(later.numerator), u128::from(later.denominator));
        let (c, d) = (
            u128::from(earlier.numerator),
            u128::from(earlier.denominator),
        );
        if b == 0 || d == 0 {
            return ShareDifference {
                numerator: 0,
                denominator: 0,
                of: later.of,
                points: None,
            };
        }
        // Each product is below 2^128 and fits an i128 unless the counts are near 2^63,
        // far beyond any electorate; such a product saturates.
        let left = i128::try_from(a * d).unwrap_or(i128::MAX);
        let right = i128::try_from(c * b).unwrap_or(i128::MAX);
        let numerator = left - right;
        let denominator = b * d;
        ShareDifference {
            numerator,
            denominator,
            of: later.of,
            points: Some(render_points(numerator, denominator)),
        }
    }

    /// Compares two differences exactly. A difference over zero sorts first.
    pub fn cmp_value(&self, other: &ShareDifference) -> Ordering {
        match (self.denominator, other.denominator) {
            (0, 0) => Ordering::Equal,
            (0, _) => Ordering::Less,
            (_, 0) => Ordering::Greater,
            (a, b) => {
                let left = self
                    .numerator
                    .saturating_mul(i128::try_from(b).unwrap_or(i128::MAX));
                let right = other
                    .numerator
                    .saturating_mul(i128::try_from(a).unwrap_or(i128::MAX));
                left.cmp(&right)
            }
        }
    }
}

/// Renders `numerator / denominator` as percentage points with two decimals, rounded half
/// away from zero, with an explicit sign and a French decimal comma.
pub fn render_points(numerator: i128, denominator: u128) -> String {
    let magnitude = numerator.unsigned_abs();
    // Hundredths of a point, rounded half up on the magnitude: (|n| × 10000 × 2 + d) / 2d.
    let hundredths = (magnitude * 20_000 + denominator) / (denominator * 2);
    let sign = match (numerator.cmp(&0), hundredths) {
        (_, 0) | (Ordering::Equal, _) => "",
        (Ordering::Less, _) => "-",
        (Ordering::Greater, _) => "+",
    };
    format!("{sign}{},{:02}", hundredths / 100, hundredths % 100)
}

/// Political family of a nuance, a grouping coarser than the nuance that stays stable
/// from one election to the next.
///
/// NOTE: The Ministry publishes nuances, not families. This grouping is Urne's own
/// convention. A nuance it does not know falls in `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    FarLeft,
    Left,
    Ecologists,
    Centre,
    Right,
    FarRight,
    Regionalists,
    Miscellaneous,
    Unknown,
}

impl Family {
    pub fn label_fr(self) -> &'static str {
        match self {
            Family::FarLeft => "Extrême gauche",
            Family::Left => "Gauche",
            Family::Ecologists => "Écologistes",
            Family::Centre => "Centre",
            Family::Right => "Droite",
            Family::FarRight => "Extrême droite",
            Family::Regionalists => "Régionalistes",
            Family::Miscellaneous => "Divers",
            Family::Unknown => "Nuance non classée",
        }
    }

    /// Family of a Ministry nuance code. List nuances (`LDVD`, `LFI`) are the candidate
    /// nuances with an `L` in front.
    pub fn of_nuance(code: &str) -> Family {
        let code = code.trim().to_ascii_uppercase();
        if let Some(family) = Family::of_candidate_nuance(&code) {
            return family;
        }
        code.strip_prefix('L')
            .and_then(Family::of_candidate_nuance)
            .unwrap_or(Family::Unknown)
    }

    fn of_candidate_nuance(code: &str) -> Option<Family> {
        let family = match code {
            "EXG" | "LO" | "NPA" => Family::FarLeft,
            "COM" | "FI" | "SOC" | "RDG" | "DVG" | "UG" | "NUP" | "PCF" | "PS" | "UGE" => {
                Family::Left
            }
            "VEC" | "ECO" | "EELV" => Family::Ecologists,
            "REN" | "ENS" | "MDM" | "HOR" | "DVC" | "UDI" | "UC" | "UCD" | "LREM" => Family::Centre,
            "LR" | "DVD" | "DSV" | "UD" | "UDR" => Family::Right,
            "RN" | "REC" | "UXD" | "EXD" | "FN" | "DLF" => Family::FarRight,
            "REG" => Family::Regionalists,
            "DIV" | "DIVERS" => Family::Miscellaneous,
            _ => return None,
        };
        Some(family)
    }
}

/// Stations of an earlier and a later election that a mapping ties together; comparisons
/// sum each side, because a split or merged station cannot be divided exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationGroup {
    pub earlier: Vec<String>,
    pub later: Vec<String>,
}

impl StationGroup {
    /// Label such as `0001 + 0002 → 0001`.
    pub fn label(&self) -> String {
        let side = |codes: &[String]| {
            if codes.is_empty() {
                "—".to_string()
            } else {
                codes.join(" + ")
            }
        };
        format!("{} → {}", side(&self.earlier), side(&self.later))
    }
}

/// Groups stations by the connected parts of the mapping `links` (earlier code, later
/// code). A station without a link forms a group alone, with nothing on the other side.
/// Links naming unknown stations are ignored. Groups come in the order of their first
/// later station, then the unmapped earlier stations.
pub fn group_stations(
    earlier: &[String],
    later: &[String],
    links: &[(String, String)],
) -> Vec<StationGroup> {
    // Union-find over earlier stations (indices 0..n) and later ones (n..n+m).
    let count = earlier.len() + later.len();
    let mut parent: Vec<usize> = (0..count).collect();
    fn root(parent: &mut [usize], mut node: usize) -> usize {
        while parent[node] != node {
            parent[node] = parent[parent[node]];
            node = parent[node];
        }
        node
    }
    let earlier_index: BTreeMap<&str, usize> = earlier
        .iter()
        .enumerate()
        .map(|(index, code)| (code.as_str(), index))
        .collect();
    let later_index: BTreeMap<&str, usize> = later
        .iter()
        .enumerate()
        .map(|(index, code)| (code.as_str(), earlier.len() + index))
        .collect();
    for (from, to) in links {
        if let (Some(&a), Some(&b)) = (
            earlier_index.get(from.as_str()),
            later_index.get(to.as_str()),
        ) {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb {
                parent[ra] = rb;
            }
        }
    }
    let mut groups: BTreeMap<usize, StationGroup> = BTreeMap::new();
    let mut order: Vec<usize> = Vec::new();
    for node in (earlier.len()..count).chain(0..earlier.len()) {
        let key = root(&mut parent, node);
        let group = groups.entry(key).or_insert_with(|| {
            order.push(key);
            StationGroup {
                earlier: Vec::new(),
                later: Vec::new(),
            }
        });
        if node < earlier.len() {
            group.earlier.push(earlier[node].clone());
        } else {
            group.later.push(later[node - earlier.len()].clone());
        }
    }
    order
        .into_iter()
        .filter_map(|key| groups.remove(&key))
        .map(|mut group| {
            group.earlier.sort();
            group.later.sort();
            group
        })
        .collect()
}

/// A station as mapping suggestions see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationInfo {
    pub code: String,
    pub polling_place: Option<String>,
}

/// Reason a link is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionReason {
    /// Same station code in both elections.
    SameCode,
    /// The later code is an earlier code with a letter added (`0001` → `001A`).
    SplitCode,
    /// Same polling place, for a later station whose code is new.
    SamePlace,
}

/// Suggests links for each later station: the earlier station with the same code;
/// failing that, the earlier station whose number the later code carries before a letter;
/// failing that, the earlier stations of the same polling place.
pub fn suggest_links(
    earlier: &[StationInfo],
    later: &[StationInfo],
) -> Vec<(String, String, SuggestionReason)> {
    let codes: BTreeSet<&str> = earlier.iter().map(|s| s.code.as_str()).collect();
    let mut links = Vec::new();
    for station in later {
        if codes.contains(station.code.as_str()) {
            links.push((
                station.code.clone(),
                station.code.clone(),
                SuggestionReason::SameCode,
            ));
            continue;
        }
        let digits: String = station
            .code
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let rest = &station.code[digits.len()..];
        if !digits.is_empty() && !rest.is_empty() && rest.chars().all(char::is_alphabetic) {
            let number: u64 = digits.parse().unwrap_or(0);
            let found = earlier.iter().find(|s| {
                s.code.chars().all(|c| c.is_ascii_digit())
                    && s.code.parse::<u64>().ok() == Some(number)
            });
            if let Some(found) = found {
                links.push((
                    found.code.clone(),
                    station.code.clone(),
                    SuggestionReason::SplitCode,
                ));
                continue;
            }
        }
        let Some(place) = normalise_place(station.polling_place.as_deref()) else {
            continue;
        };
        for candidate in earlier {
            if normalise_place(candidate.polling_place.as_deref()).as_deref() == Some(&place) {
                links.push((
                    candidate.code.clone(),
                    station.code.clone(),
                    SuggestionReason::SamePlace,
                ));
            }
        }
    }
    links
}

fn normalise_place(place: Option<&str>) -> Option<String> {
    let text: String = place?
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    (!text.is_empty()).then_some(text)
}

/// Key that identifies a candidate or list head across elections: surname and first name
/// in upper case, spaces collapsed.
pub fn candidate_key(surname: &str, first_name: &str) -> String {
    let joined = format!("{} {}", surname.trim(), first_name.trim()).to_uppercase();
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difference_is_exact() {
        let later = Share::new(1, 3, Denominator::ValidVotes);
        let earlier = Share::new(1, 4, Denominator::ValidVotes);
        let difference = ShareDifference::between(&later, &earlier);
        assert_eq!((difference.numerator, difference.denominator), (1, 12));
        assert_eq!(difference.points.as_deref(), Some("+8,33"));
        let reverse = ShareDifference::between(&earlier, &later);
        assert_eq!(reverse.numerator, -1);
        assert_eq!(reverse.points.as_deref(), Some("-8,33"));
    }

    #[test]
    fn difference_over_zero_has_no_points() {
        let later = Share::new(1, 3, Denominator::Registered);
        let earlier = Share::new(0, 0, Denominator::Registered);
        assert_eq!(ShareDifference::between(&later, &earlier).points, None);
    }

    #[test]
    fn points_round_half_away_from_zero() {
        assert_eq!(render_points(1, 20_000), "+0,01");
        assert_eq!(render_points(-1, 20_000), "-0,01");
        assert_eq!(render_points(1, 40_000), "0,00");
        assert_eq!(render_points(0, 7), "0,00");
        assert_eq!(render_points(-3, 4), "-75,00");
    }

    #[test]
    fn families_of_list_nuances() {
        assert_eq!(Family::of_nuance("LDVD"), Family::Right);
        assert_eq!(Family::of_nuance("LFI"), Family::Left);
        assert_eq!(Family::of_nuance("LR"), Family::Right);
        assert_eq!(Family::of_nuance("LLR"), Family::Right);
        assert_eq!(Family::of_nuance("RN"), Family::FarRight);
        assert_eq!(Family::of_nuance("LEXG"), Family::FarLeft);
        assert_eq!(Family::of_nuance("XYZ"), Family::Unknown);
    }

    #[test]
    fn groups_follow_splits_and_merges() {
        let codes = |list: &[&str]| list.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let earlier = codes(&["0001", "0002", "0003", "0004"]);
        let later = codes(&["0001", "001A", "0002", "0005"]);
        let links = vec![
            ("0001".to_string(), "0001".to_string()),
            ("0001".to_string(), "001A".to_string()),
            ("0002".to_string(), "0002".to_string()),
            ("0003".to_string(), "0002".to_string()),
        ];
        let groups = group_stations(&earlier, &later, &links);
        assert_eq!(groups.len(), 4);
        assert_eq!(groups[0].earlier, ["0001"]);
        assert_eq!(groups[0].later, ["0001", "001A"]);
        assert_eq!(groups[1].earlier, ["0002", "0003"]);
        assert_eq!(groups[1].later, ["0002"]);
        assert!(groups[2].earlier.is_empty());
        assert_eq!(groups[2].later, ["0005"]);
        assert_eq!(groups[3].earlier, ["0004"]);
        assert!(groups[3].later.is_empty());
        assert_eq!(groups[1].label(), "0002 + 0003 → 0002");
    }

    #[test]
    fn suggestions_by_code_then_place() {
        let info = |code: &str, place: &str| StationInfo {
            code: code.to_string(),
            polling_place: Some(place.to_string()),
        };
        let earlier = [info("0001", "École Jaurès"), info("0002", "Mairie")];
        let later = [
            info("0001", "École Jaurès"),
            info("001A", "Gymnase"),
            info("0007", "MAIRIE"),
        ];
        let links = suggest_links(&earlier, &later);
        assert_eq!(
            links,
            vec![
                ("0001".into(), "0001".into(), SuggestionReason::SameCode),
                ("0001".into(), "001A".into(), SuggestionReason::SplitCode),
                ("0002".into(), "0007".into(), SuggestionReason::SamePlace),
            ]
        );
    }

    #[test]
    fn tally_rates_name_denominators() {
        let tally = Tally {
            registered: 1000,
            voters: 600,
            blank: 12,
            invalid: 6,
            valid_votes: 582,
            votes: BTreeMap::from([("A".to_string(), 291)]),
        };
        assert_eq!(tally.turnout().of, Denominator::Registered);
        assert_eq!(tally.blank_rate().percent.as_deref(), Some("2,00"));
        assert_eq!(tally.invalid_rate().of, Denominator::Voters);
        assert_eq!(tally.share_of("A").percent.as_deref(), Some("50,00"));
        assert_eq!(tally.share_of("B").numerator, 0);
    }
}
