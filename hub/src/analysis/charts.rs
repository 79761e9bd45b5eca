//! SVG charts of the comparisons, drawn on the server with integer geometry: a share
//! `n / d` becomes `n × length / d` pixels, so no percentage is rounded before it is
//! drawn. Each chart has a title and a text description for screen readers; the table
//! beside it carries the exact figures.

use super::{StationComparison, Trend, TurnoutComparison, VoteComparison};
use maud::{Markup, html};
use urne_common::analysis::ShareDifference;
use urne_common::share::Share;

const WIDTH: u64 = 720;
const BAR: u64 = 14;
const LABEL: u64 = 220;
/// Colours of the election analysed and of the reference, readable on white.
const ELECTION_COLOUR: &str = "#1f4e8c";
const AGAINST_COLOUR: &str = "#b35c00";

/// Length in pixels of `share` on a bar of `length` pixels for 100 %.
fn length_of(share: &Share, length: u64) -> u64 {
    if share.denominator == 0 {
        return 0;
    }
    let pixels = u128::from(share.numerator) * u128::from(length) / u128::from(share.denominator);
    u64::try_from(pixels).unwrap_or(length).min(length)
}

/// Signed length in pixels of `difference` on a scale of `length` pixels for `span`
/// points, clamped to `length`.
fn signed_length(difference: &ShareDifference, length: u64, span: u64) -> i64 {
    if difference.denominator == 0 {
        return 0;
    }
    // points = n × 100 / d, so pixels = n × 100 × length / (d × span).
    let scaled = difference.numerator * 100 * i128::from(length);
    let divisor =
        i128::try_from(difference.denominator).unwrap_or(i128::MAX) * i128::from(span.max(1));
    let pixels = scaled / divisor;
    let limit = i128::from(length);
    i64::try_from(pixels.clamp(-limit, limit)).unwrap_or(0)
}

fn legend(election: &str, against: &str, y: u64) -> Markup {
    html! {
        rect x="0" y=(y) width="12" height="12" fill=(ELECTION_COLOUR) {}
        text x="18" y=(y + 11) font-size="13" { (election) }
        rect x="360" y=(y) width="12" height="12" fill=(AGAINST_COLOUR) {}
        text x="378" y=(y + 11) font-size="13" { (against) }
    }
}

/// Paired bars, one pair per row: (label, election share, reference share).
fn paired_bars(
    id: &str,
    title: &str,
    rows: &[(String, Option<&Share>, Option<&Share>)],
    election: &str,
    against: &str,
) -> Markup {
    let length = WIDTH - LABEL - 60;
    let row_height = BAR * 2 + 10;
    let height = 30 + row_height * u64::try_from(rows.len()).unwrap_or(0) + 10;
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby=(format!("{id}-title"))
            viewBox=(format!("0 0 {WIDTH} {height}")) width=(WIDTH) height=(height) {
            title id=(format!("{id}-title")) { (title) }
            (legend(election, against, 0))
            @for (index, (label, later, earlier)) in rows.iter().enumerate() {
                @let y = 30 + row_height * u64::try_from(index).unwrap_or(0);
                text x="0" y=(y + BAR + 4) font-size="12" { (label) }
                @if let Some(share) = later {
                    rect x=(LABEL) y=(y) height=(BAR) width=(length_of(share, length))
                        fill=(ELECTION_COLOUR) {}
                    text x=(LABEL + length_of(share, length) + 4) y=(y + BAR - 2) font-size="11" {
                        (share.percent.clone().unwrap_or_default()) " %"
                    }
                }
                @if let Some(share) = earlier {
                    rect x=(LABEL) y=(y + BAR) height=(BAR) width=(length_of(share, length))
                        fill=(AGAINST_COLOUR) {}
                    text x=(LABEL + length_of(share, length) + 4) y=(y + BAR * 2 - 2) font-size="11" {
                        (share.percent.clone().unwrap_or_default()) " %"
                    }
                }
            }
        }
    }
}

pub fn turnout_chart(comparison: &TurnoutComparison) -> Markup {
    let rows: Vec<(String, Option<&Share>, Option<&Share>)> = comparison
        .rows
        .iter()
        .map(|row| {
            let label = if row.slot == super::FINAL_SLOT {
                "Clôture".to_string()
            } else {
                row.slot.replace(':', " h ")
            };
            (
                label,
                row.election.as_ref().map(|s| &s.turnout_of_reported),
                row.against.as_ref().map(|s| &s.turnout_of_reported),
            )
        })
        .collect();
    paired_bars(
        "graphique-participation",
        "Participation par tranche horaire, en % des inscrits des bureaux ayant transmis",
        &rows,
        &comparison.election.label,
        &comparison.against.label,
    )
}

pub fn votes_chart(comparison: &VoteComparison) -> Markup {
    let rows: Vec<(String, Option<&Share>, Option<&Share>)> = comparison
        .total
        .keys
        .iter()
        .take(15)
        .map(|key| {
            (
                key.label.chars().take(30).collect(),
                Some(&key.election_share),
                Some(&key.against_share),
            )
        })
        .collect();
    paired_bars(
        "graphique-voix",
        "Voix de la commune, en % des exprimés",
        &rows,
        &comparison.election.label,
        &comparison.against.label,
    )
}

/// Diverging bars of the turnout swing per group of stations, ±20 points at full length.
pub fn stations_chart(comparison: &StationComparison) -> Markup {
    const SPAN: u64 = 20;
    let half = (WIDTH - LABEL) / 2 - 20;
    let centre = LABEL + half;
    let row_height = BAR + 6;
    let height = 30 + row_height * u64::try_from(comparison.rows.len()).unwrap_or(0) + 10;
    let centre_signed = i64::try_from(centre).unwrap_or(0);
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="graphique-bureaux-title"
            viewBox=(format!("0 0 {WIDTH} {height}")) width=(WIDTH) height=(height) {
            title id="graphique-bureaux-title" {
                "Écart de participation par bureau, en points (échelle ±" (SPAN) " points)"
            }
            line x1=(centre) x2=(centre) y1="20" y2=(height) stroke="#555" {}
            @for (index, row) in comparison.rows.iter().enumerate() {
                @let y = 30 + row_height * u64::try_from(index).unwrap_or(0);
                text x="0" y=(y + BAR - 2) font-size="12" { (row.label) }
                @if let Some(difference) = &row.turnout_difference {
                    @let pixels = signed_length(difference, half, SPAN);
                    @let x = if pixels < 0 { centre_signed + pixels } else { centre_signed };
                    rect x=(x) y=(y) height=(BAR) width=(pixels.unsigned_abs())
                        fill=(if pixels < 0 { AGAINST_COLOUR } else { ELECTION_COLOUR }) {}
                    text x=(centre_signed + pixels + if pixels < 0 { -48 } else { 4 }) y=(y + BAR - 2)
                        font-size="11" { (difference.points.clone().unwrap_or_default()) }
                }
            }
        }
    }
}

/// Draws one line per key of the trend: its share of exprimés across the elections.
pub fn trend_chart(trend: &Trend) -> Markup {
    const HEIGHT: u64 = 260;
    const TOP: u64 = 20;
    let plot = HEIGHT - TOP - 40;
    let count = u64::try_from(trend.points.len()).unwrap_or(0);
    let step = if count > 1 {
        (WIDTH - 200) / (count - 1)
    } else {
        0
    };
    let palette = [
        "#1f4e8c", "#b35c00", "#2e7d32", "#8e24aa", "#c62828", "#00695c", "#5d4037", "#37474f",
    ];
    let keys: Vec<&String> = trend.labels.keys().collect();
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="graphique-evolution-title"
            viewBox=(format!("0 0 {WIDTH} {}", HEIGHT + 20 * u64::try_from(keys.len()).unwrap_or(0)))
            width=(WIDTH) height=(HEIGHT + 20 * u64::try_from(keys.len()).unwrap_or(0)) {
            title id="graphique-evolution-title" { "Évolution des voix, en % des exprimés" }
            line x1="40" x2="40" y1=(TOP) y2=(TOP + plot) stroke="#555" {}
            line x1="40" x2=(WIDTH - 140) y1=(TOP + plot) y2=(TOP + plot) stroke="#555" {}
            @for (index, point) in trend.points.iter().enumerate() {
                text x=(40 + step * u64::try_from(index).unwrap_or(0)) y=(TOP + plot + 16) font-size="11" {
                    (point.election.date)
                }
            }
            @for (index, key) in keys.iter().enumerate() {
                @let colour = palette[index % palette.len()];
                @let points: Vec<String> = trend.points.iter().enumerate().filter_map(|(i, point)| {
                    point.shares.get(*key).map(|share| {
                        format!("{},{}", 40 + step * u64::try_from(i).unwrap_or(0), TOP + plot - length_of(share, plot))
                    })
                }).collect();
                polyline points=(points.join(" ")) fill="none" stroke=(colour) stroke-width="2" {}
                @let y = HEIGHT + 20 * u64::try_from(index).unwrap_or(0);
                rect x="40" y=(y - 10) width="12" height="12" fill=(colour) {}
                text x="58" y=(y) font-size="12" { (trend.labels[*key]) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use urne_common::share::Denominator;

    #[test]
    fn lengths_use_integer_arithmetic() {
        let share = Share::new(1, 3, Denominator::Registered);
        assert_eq!(length_of(&share, 300), 100);
        assert_eq!(
            length_of(&Share::new(5, 0, Denominator::Registered), 300),
            0
        );
        let difference = ShareDifference::between(
            &Share::new(1, 2, Denominator::Registered),
            &Share::new(2, 5, Denominator::Registered),
        );
        // +10 points on a ±20 points scale of 200 pixels: 100 pixels.
        assert_eq!(signed_length(&difference, 200, 20), 100);
        let reverse = ShareDifference::between(
            &Share::new(2, 5, Denominator::Registered),
            &Share::new(1, 2, Denominator::Registered),
        );
        assert_eq!(signed_length(&reverse, 200, 20), -100);
    }
}
