//! Dates of national elections, used when neither `--date` nor the files give one, and the
//! French label of an election.

use chrono::NaiveDate;
use urne_common::election::{ElectionKind, Scope};

/// Polling days of recent national elections in metropolitan France, by kind, year and
/// round. Some overseas territories vote one day earlier: pass `--date` there.
const KNOWN_DATES: [(ElectionKind, i32, u8, u32, u32); 22] = [
    (ElectionKind::Presidential, 2012, 1, 4, 22),
    (ElectionKind::Presidential, 2012, 2, 5, 6),
    (ElectionKind::Presidential, 2017, 1, 4, 23),
    (ElectionKind::Presidential, 2017, 2, 5, 7),
    (ElectionKind::Presidential, 2022, 1, 4, 10),
    (ElectionKind::Presidential, 2022, 2, 4, 24),
    (ElectionKind::Legislative, 2017, 1, 6, 11),
    (ElectionKind::Legislative, 2017, 2, 6, 18),
    (ElectionKind::Legislative, 2022, 1, 6, 12),
    (ElectionKind::Legislative, 2022, 2, 6, 19),
    (ElectionKind::Legislative, 2024, 1, 6, 30),
    (ElectionKind::Legislative, 2024, 2, 7, 7),
    (ElectionKind::European, 2019, 1, 5, 26),
    (ElectionKind::European, 2024, 1, 6, 9),
    (ElectionKind::Municipal, 2014, 1, 3, 23),
    (ElectionKind::Municipal, 2014, 2, 3, 30),
    (ElectionKind::Municipal, 2020, 1, 3, 15),
    (ElectionKind::Municipal, 2020, 2, 6, 28),
    (ElectionKind::Municipal, 2026, 1, 3, 15),
    (ElectionKind::Municipal, 2026, 2, 3, 22),
    (ElectionKind::Departmental, 2021, 1, 6, 20),
    (ElectionKind::Departmental, 2021, 2, 6, 27),
];

/// Polling day of a national election, when it is in [`KNOWN_DATES`]. Regional elections
/// of 2021 were held on the same days as the departmental ones.
pub(crate) fn known_date(kind: ElectionKind, year: i32, round: u8) -> Option<NaiveDate> {
    let kind = match (kind, year) {
        (ElectionKind::Regional, 2021) => ElectionKind::Departmental,
        _ => kind,
    };
    KNOWN_DATES
        .iter()
        .find(|(known_kind, known_year, known_round, _, _)| {
            *known_kind == kind && *known_year == year && *known_round == round
        })
        .and_then(|(_, year, _, month, day)| NaiveDate::from_ymd_opt(*year, *month, *day))
}

/// Returns whether an election of this kind has a single round.
pub(crate) fn is_single_round(kind: ElectionKind) -> bool {
    matches!(kind, ElectionKind::European | ElectionKind::Referendum)
}

/// French label of an election: « Élections municipales 2026 — 1er tour », with the
/// constituency or canton when the commune has several races.
pub(crate) fn label(kind: ElectionKind, year: i32, round: u8, scope: &Scope) -> String {
    let mut text = format!("{} {year}", kind.label_fr());
    if !is_single_round(kind) {
        text.push_str(match round {
            1 => " — 1er tour",
            _ => " — 2nd tour",
        });
    }
    text.push_str(&scope_suffix(scope));
    text
}

/// « — circonscription 29-02 » for a race limited to part of the commune, else empty.
pub(crate) fn scope_suffix(scope: &Scope) -> String {
    match scope {
        Scope::Commune => String::new(),
        Scope::Constituency(code) => format!(" — circonscription {code}"),
        Scope::Canton(code) => format!(" — canton {code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_known_elections() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            known_date(ElectionKind::Presidential, 2022, 1),
            date(2022, 4, 10)
        );
        assert_eq!(
            known_date(ElectionKind::Presidential, 2022, 2),
            date(2022, 4, 24)
        );
        assert_eq!(
            known_date(ElectionKind::Legislative, 2024, 1),
            date(2024, 6, 30)
        );
        assert_eq!(
            known_date(ElectionKind::Legislative, 2024, 2),
            date(2024, 7, 7)
        );
        assert_eq!(
            known_date(ElectionKind::Municipal, 2026, 1),
            date(2026, 3, 15)
        );
        assert_eq!(
            known_date(ElectionKind::Municipal, 2026, 2),
            date(2026, 3, 22)
        );
        assert_eq!(
            known_date(ElectionKind::Municipal, 2020, 2),
            date(2020, 6, 28)
        );
        assert_eq!(
            known_date(ElectionKind::European, 2024, 1),
            date(2024, 6, 9)
        );
        assert_eq!(
            known_date(ElectionKind::Regional, 2021, 2),
            date(2021, 6, 27)
        );

        assert_eq!(known_date(ElectionKind::European, 2024, 2), None);
        assert_eq!(known_date(ElectionKind::Municipal, 2032, 1), None);
    }

    #[test]
    fn labels_in_french() {
        assert_eq!(
            label(ElectionKind::Municipal, 2026, 1, &Scope::Commune),
            "Élections municipales 2026 — 1er tour"
        );
        assert_eq!(
            label(
                ElectionKind::Legislative,
                2024,
                2,
                &Scope::Constituency("29-02".into())
            ),
            "Élections législatives 2024 — 2nd tour — circonscription 29-02"
        );
        assert_eq!(
            label(ElectionKind::European, 2024, 1, &Scope::Commune),
            "Élections européennes 2024"
        );
    }
}
