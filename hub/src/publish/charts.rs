//! Charts drawn as SVG on the server, shared by the public site and the projector. Bar
//! lengths come from the API's `percent` strings, so a chart never shows a figure other
//! than the one printed next to it.

use maud::{Markup, html};
use urne_common::results::{AreaResults, TurnoutView};
use urne_common::share::Share;

/// Colours given to candidates without one, in ballot order. Every chart also labels each
/// bar, line or seat group in text, so colour is never the only cue.
const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
];

/// Colour of a candidate: its configured colour, else one from the palette.
pub fn colour_of(colour: Option<&str>, ballot_number: u32) -> String {
    match colour {
        Some(colour) if is_safe_colour(colour) => colour.to_string(),
        _ => {
            let index = usize::try_from(ballot_number).unwrap_or(0) % PALETTE.len();
            PALETTE[index].to_string()
        }
    }
}

fn is_safe_colour(text: &str) -> bool {
    text.starts_with('#')
        && (text.len() == 7 || text.len() == 4)
        && text[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Parses a French percent string (`37,23`) into hundredths of a percent (3723).
pub fn hundredths(percent: &str) -> Option<u32> {
    let (units, decimals) = percent.split_once(',').unwrap_or((percent, "00"));
    let units: u32 = units.parse().ok()?;
    let decimals: u32 = format!("{decimals:0<2}").get(..2)?.parse().ok()?;
    Some(units * 100 + decimals)
}

/// Scales hundredths of a percent to `length` units, for a bar or a point.
fn scaled(hundredths: u32, length: u32) -> u32 {
    let value = u64::from(hundredths.min(10_000)) * u64::from(length) / 10_000;
    u32::try_from(value).unwrap_or(length)
}

/// The text of a share: "37,23 %", or a dash when nothing is counted.
pub fn percent_text(share: &Share) -> String {
    share
        .percent
        .as_ref()
        .map_or("—".to_string(), |percent| format!("{percent} %"))
}

/// Horizontal bars of an area's candidates, labelled with name, votes and share.
pub fn bars_svg(area: &AreaResults) -> Markup {
    const WIDTH: u32 = 900;
    const BAR: u32 = 520;
    const ROW: u32 = 34;
    let rows = u32::try_from(area.candidates.len()).unwrap_or(0);
    let height = rows * ROW + 8;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart bars" role="img"
            viewBox=(format!("0 0 {WIDTH} {height}"))
            aria-label=(format!("Voix par candidat, {}", area.progress.label)) {
            @for (index, candidate) in area.candidates.iter().enumerate() {
                @let y = u32::try_from(index).unwrap_or(0) * ROW + 4;
                @let share = &candidate.share_of_valid_votes;
                @let length = share.percent.as_deref().and_then(hundredths)
                    .map_or(0, |h| scaled(h, BAR));
                text x="0" y=(y + 21) font-size="16" fill="currentColor" { (candidate.name) }
                rect x="260" y=(y + 4) width=(length) height=(ROW - 10)
                    fill=(colour_of(candidate.colour.as_deref(), candidate.ballot_number)) {}
                text x=(260 + length + 8) y=(y + 21) font-size="16" fill="currentColor" {
                    (percent_text(share)) " · " (candidate.votes) " voix"
                }
            }
        }
    }
}

/// Turnout by slot as a line over 0–100 %, with an earlier election's curve dashed.
pub fn turnout_svg(turnout: &TurnoutView, previous: Option<&TurnoutView>) -> Markup {
    const WIDTH: u32 = 900;
    const HEIGHT: u32 = 360;
    const LEFT: u32 = 60;
    const TOP: u32 = 20;
    const PLOT_W: u32 = 800;
    const PLOT_H: u32 = 300;
    let slots: Vec<&str> = turnout.slots.iter().map(|s| s.slot.as_str()).collect();
    let count = u32::try_from(slots.len().max(1)).unwrap_or(1);
    let step = PLOT_W / count;
    let x_of = |index: usize| LEFT + step / 2 + u32::try_from(index).unwrap_or(0) * step;
    let y_of = |h: u32| TOP + PLOT_H - scaled(h, PLOT_H);
    let points = |view: &TurnoutView| -> Vec<(u32, u32, String)> {
        slots
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| {
                let found = view.slots.iter().find(|s| s.slot == *slot)?;
                // Only a slot that every station reported gives a comparable point.
                let percent = found.turnout_of_reported.percent.clone()?;
                let h = hundredths(&percent)?;
                Some((x_of(index), y_of(h), percent))
            })
            .collect()
    };
    let current = points(turnout);
    let earlier = previous.map(points).unwrap_or_default();
    let path = |pts: &[(u32, u32, String)]| -> String {
        pts.iter()
            .enumerate()
            .map(|(i, (x, y, _))| format!("{}{x},{y}", if i == 0 { "M" } else { " L" }))
            .collect()
    };
    let previous_label = previous.map(|view| {
        format!(
            "{} du {}",
            view.election.label,
            view.election.date.format("%d/%m/%Y")
        )
    });
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart turnout" role="img"
            viewBox=(format!("0 0 {WIDTH} {HEIGHT}"))
            aria-label="Participation par créneau horaire, en pourcentage des inscrits" {
            @for tick in [0u32, 2_500, 5_000, 7_500, 10_000] {
                line x1=(LEFT) x2=(LEFT + PLOT_W) y1=(y_of(tick)) y2=(y_of(tick))
                    stroke="currentColor" stroke-opacity="0.25" {}
                text x=(LEFT - 8) y=(y_of(tick) + 5) font-size="14" text-anchor="end"
                    fill="currentColor" {
                    (tick / 100) " %"
                }
            }
            @for (index, slot) in slots.iter().enumerate() {
                text x=(x_of(index)) y=(TOP + PLOT_H + 24) font-size="14" text-anchor="middle"
                    fill="currentColor" {
                    (slot)
                }
            }
            @if !earlier.is_empty() {
                path d=(path(&earlier)) fill="none" stroke="currentColor" stroke-opacity="0.6"
                    stroke-width="3" stroke-dasharray="8 6" {}
                @for (x, y, percent) in &earlier {
                    rect x=(x - 5) y=(y - 5) width="10" height="10" fill="currentColor"
                        fill-opacity="0.6" { title { (percent) " %" } }
                }
            }
            @if !current.is_empty() {
                path d=(path(&current)) fill="none" stroke="#e8a33d" stroke-width="5" {}
                @for (x, y, percent) in &current {
                    circle cx=(x) cy=(y) r="7" fill="#e8a33d" {}
                    text x=(x) y=(y - 14) font-size="16" font-weight="bold" text-anchor="middle"
                        fill="currentColor" { (percent) " %" }
                }
            }
            @if let Some(label) = previous_label {
                text x=(LEFT) y=(HEIGHT - 2) font-size="14" fill="currentColor" {
                    "─── cette élection   - - - ▪ " (label)
                }
            }
        }
    }
}

/// One list's seats in a hemicycle.
pub struct SeatGroup {
    pub label: String,
    pub colour: String,
    pub seats: u32,
}

/// Positions of `total` seats on concentric half circles, ordered left to right.
fn seat_positions(total: u32) -> Vec<(f64, f64)> {
    if total == 0 {
        return Vec::new();
    }
    let total_f = f64::from(total);
    let mut rows: u32 = 1;
    // Enough rows that seats on the outer row stay about as far apart as rows are.
    while f64::from(rows * rows) * 3.0 < total_f {
        rows += 1;
    }
    let radii: Vec<f64> = (0..rows)
        .map(|row| 0.4 + 0.6 * f64::from(row + 1) / f64::from(rows))
        .collect();
    let radius_sum: f64 = radii.iter().sum();
    let mut counts: Vec<u32> = Vec::new();
    let mut given = 0u32;
    for (index, radius) in radii.iter().enumerate() {
        let remaining_rows = rows - u32::try_from(index).unwrap_or(0);
        let wanted = if remaining_rows == 1 {
            total - given
        } else {
            let share = (total_f * radius / radius_sum).round();
            // The share is a positive number below `total`, so the conversion is exact.
            let share = format!("{share:.0}").parse::<u32>().unwrap_or(0);
            share.min(total - given)
        };
        counts.push(wanted);
        given += wanted;
    }
    let mut seats: Vec<(f64, f64, f64)> = Vec::new();
    for (radius, count) in radii.iter().zip(counts) {
        for seat in 0..count {
            let angle = if count == 1 {
                std::f64::consts::FRAC_PI_2
            } else {
                std::f64::consts::PI * f64::from(seat) / f64::from(count - 1)
            };
            seats.push((angle, radius * angle.cos(), radius * angle.sin()));
        }
    }
    // Left to right is decreasing angle from π to 0.
    seats.sort_by(|a, b| b.0.total_cmp(&a.0));
    seats.into_iter().map(|(_, x, y)| (x, y)).collect()
}

/// Cuts a legend label to 70 characters so it stays inside the chart.
fn short_label(label: &str) -> String {
    if label.chars().count() <= 70 {
        return label.to_string();
    }
    let cut: String = label.chars().take(69).collect();
    format!("{cut}…")
}

/// A hemicycle of the council, one dot per seat, with a labelled legend.
pub fn hemicycle_svg(groups: &[SeatGroup], title: &str) -> Markup {
    let total: u32 = groups.iter().map(|g| g.seats).sum();
    let positions = seat_positions(total);
    let dot = if total > 60 { 9.0 } else { 14.0 };
    let mut owners: Vec<&SeatGroup> = Vec::new();
    for group in groups {
        for _ in 0..group.seats {
            owners.push(group);
        }
    }
    let legend_rows = u32::try_from(groups.len()).unwrap_or(0);
    let height = 330 + legend_rows * 30;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart hemicycle" role="img"
            viewBox=(format!("0 0 900 {height}"))
            aria-label=(format!("{title} : {total} sièges")) {
            @for ((x, y), group) in positions.iter().zip(&owners) {
                circle cx=(format!("{:.1}", 450.0 + x * 400.0)) cy=(format!("{:.1}", 310.0 - y * 290.0))
                    r=(format!("{dot:.1}")) fill=(group.colour)
                    stroke="currentColor" stroke-width="1" {}
            }
            text x="450" y="300" font-size="40" font-weight="bold" text-anchor="middle"
                fill="currentColor" { (total) }
            @for (index, group) in groups.iter().enumerate() {
                @let y = 350 + u32::try_from(index).unwrap_or(0) * 30;
                rect x="40" y=(y - 16) width="20" height="20" fill=(group.colour)
                    stroke="currentColor" {}
                text x="70" y=(y) font-size="18" fill="currentColor" {
                    (group.seats) " siège" @if group.seats > 1 { "s" } " — " (short_label(&group.label))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_parses_french_percent() {
        assert_eq!(hundredths("37,23"), Some(3723));
        assert_eq!(hundredths("100,00"), Some(10_000));
        assert_eq!(hundredths("0,5"), Some(50));
        assert_eq!(hundredths("x"), None);
    }

    #[test]
    fn seat_positions_place_every_seat() {
        for total in [1, 2, 7, 29, 33, 69, 163] {
            assert_eq!(seat_positions(total).len(), usize::try_from(total).unwrap());
        }
    }
}
