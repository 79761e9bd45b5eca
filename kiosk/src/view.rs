//! Conversion of a snapshot into the models the Slint screens draw. Counts get French digit
//! grouping, percentages are the hub's strings, and bar lengths are plain ratios.

use crate::format;
use crate::snapshot::Snapshot;
use crate::{
    CandidateRow, Figure, HundredBlock, SeatDot, SeatLegend, SlotBar, StationDetail, StationTile,
};
use slint::{Color, ModelRc, SharedString, VecModel};
use std::f32::consts::PI;
use urne_common::results::{AreaResults, CandidateResult};

/// Colours for candidates without one, from the Okabe–Ito palette, which stays
/// distinguishable for the common forms of colour blindness.
const PALETTE: [u32; 8] = [
    0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00, 0xF0E442, 0x7F7F7F,
];

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(items))
}

/// Parses `#rrggbb`; `None` for anything else.
fn parse_colour(text: &str) -> Option<Color> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let value = u32::from_str_radix(hex, 16).ok()?;
    let [_, red, green, blue] = value.to_be_bytes();
    Some(Color::from_rgb_u8(red, green, blue))
}

/// The candidate's colour from the hub, or a palette colour by ballot position.
pub fn candidate_colour(candidate: &CandidateResult, position: usize) -> Color {
    candidate
        .colour
        .as_deref()
        .and_then(parse_colour)
        .unwrap_or_else(|| {
            let [_, red, green, blue] = PALETTE[position % PALETTE.len()].to_be_bytes();
            Color::from_rgb_u8(red, green, blue)
        })
}

/// Name shown in bold and the line under it: the list head and the list's label for a
/// list ballot, the candidate's name alone otherwise.
fn names(candidate: &CandidateResult) -> (String, String) {
    match candidate
        .list_label
        .as_deref()
        .filter(|l| !l.trim().is_empty())
    {
        Some(label) => {
            let head = format!(
                "{} {}",
                candidate.first_name.trim(),
                candidate.surname.trim()
            );
            let head = head.trim();
            if head.is_empty() {
                (label.to_string(), String::new())
            } else {
                (head.to_string(), label.to_string())
            }
        }
        None => (candidate.name.clone(), String::new()),
    }
}

/// Rows of the commune's results, leading candidate first.
pub fn commune_rows(snapshot: &Snapshot) -> Vec<CandidateRow> {
    let candidates = &snapshot.results.commune.candidates;
    let leader = candidates.iter().map(|c| c.votes).max().unwrap_or(0);
    let mut rows: Vec<(u64, u32, CandidateRow)> = candidates
        .iter()
        .enumerate()
        .map(|(position, candidate)| {
            let (name, detail) = names(candidate);
            let seats = snapshot
                .list_seats(candidate.ballot_number)
                .map(format::seats)
                .unwrap_or_default();
            let row = CandidateRow {
                number: format!("n°\u{00A0}{}", candidate.ballot_number).into(),
                name: name.into(),
                detail: detail.into(),
                votes: format!("{} voix", format::count(candidate.votes)).into(),
                percent: format::percent(&candidate.share_of_valid_votes).into(),
                ratio: format::ratio(candidate.votes, leader),
                colour: candidate_colour(candidate, position),
                seats: seats.into(),
            };
            (candidate.votes, candidate.ballot_number, row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    rows.into_iter().map(|(_, _, row)| row).collect()
}

fn figure(label: &str, value: String) -> Figure {
    Figure {
        label: label.into(),
        value: value.into(),
    }
}

/// Participation, votants, blancs, nuls and exprimés of an area.
pub fn area_figures(area: &AreaResults) -> Vec<Figure> {
    vec![
        figure("Participation", format::percent(&area.turnout_of_counted)),
        figure("Votants", format::count(area.voters)),
        figure("Blancs", format::count(area.blank)),
        figure("Nuls", format::count(area.invalid)),
        figure("Exprimés", format::count(area.valid_votes)),
    ]
}

pub fn station_tiles(snapshot: &Snapshot) -> Vec<StationTile> {
    snapshot
        .results
        .stations
        .iter()
        .map(|station| StationTile {
            code: station.code.to_string().into(),
            name: station_title(&station.code.to_string(), &station.name).into(),
            status: station.status_label.clone().into(),
            counted: station.count.is_some(),
        })
        .collect()
}

/// "Bureau 0001", or "Bureau 0001 · École Jules-Ferry" when the name says more than the
/// code.
fn station_title(code: &str, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() || name.contains(code) {
        if name.is_empty() {
            format!("Bureau {code}")
        } else {
            name.to_string()
        }
    } else {
        format!("Bureau {code} · {name}")
    }
}

/// Detail of the station at `index` of the results' stations; `None` when out of range.
pub fn station_detail(snapshot: &Snapshot, index: usize) -> Option<StationDetail> {
    let station = snapshot.results.stations.get(index)?;
    let code = station.code.to_string();
    let mut figures = Vec::new();
    let mut rows = Vec::new();
    if let Some(count) = &station.count {
        figures.push(figure(
            "Inscrits",
            format::count(u64::from(count.registered)),
        ));
        figures.push(figure("Votants", format::count(u64::from(count.voters))));
        if let Some(turnout) = &station.turnout {
            figures.push(figure("Participation", format::percent(turnout)));
        }
        figures.push(figure("Blancs", format::count(u64::from(count.blank))));
        figures.push(figure("Nuls", format::count(u64::from(count.invalid))));
        figures.push(figure(
            "Exprimés",
            format::count(u64::from(count.valid_votes)),
        ));
        let leader = station.votes.iter().map(|v| v.votes).max().unwrap_or(0);
        let candidates = &snapshot.results.commune.candidates;
        let mut sorted: Vec<_> = station.votes.iter().collect();
        sorted.sort_by(|a, b| {
            b.votes
                .cmp(&a.votes)
                .then(a.ballot_number.cmp(&b.ballot_number))
        });
        for votes in sorted {
            let position = candidates
                .iter()
                .position(|c| c.ballot_number == votes.ballot_number);
            let (name, detail, colour) = match position.and_then(|p| candidates.get(p)) {
                Some(candidate) => {
                    let (name, detail) = names(candidate);
                    (
                        name,
                        detail,
                        candidate_colour(candidate, position.unwrap_or(0)),
                    )
                }
                None => (
                    format!("Liste ou candidat n° {}", votes.ballot_number),
                    String::new(),
                    Color::from_rgb_u8(0x7F, 0x7F, 0x7F),
                ),
            };
            rows.push(CandidateRow {
                number: format!("n°\u{00A0}{}", votes.ballot_number).into(),
                name: name.into(),
                detail: detail.into(),
                votes: format!("{} voix", format::count(u64::from(votes.votes))).into(),
                percent: format::percent(&votes.share_of_valid_votes).into(),
                ratio: format::ratio(u64::from(votes.votes), u64::from(leader)),
                colour,
                seats: SharedString::new(),
            });
        }
    }
    Some(StationDetail {
        title: station_title(&code, &station.name).into(),
        place: station.polling_place.clone().unwrap_or_default().into(),
        status: station.status_label.clone().into(),
        counted: station.count.is_some(),
        figures: model(figures),
        rows: model(rows),
    })
}

pub fn turnout_slots(snapshot: &Snapshot) -> Vec<SlotBar> {
    let Some(turnout) = &snapshot.turnout else {
        return Vec::new();
    };
    turnout
        .slots
        .iter()
        .map(|slot| {
            let share = &slot.turnout_of_reported;
            let progress = if slot.progress.counted == 0 {
                "pas encore de relevé".to_string()
            } else {
                slot.progress.label.clone()
            };
            SlotBar {
                slot: format::slot(&slot.slot).into(),
                percent: format::percent(share).into(),
                progress: progress.into(),
                ratio: format::ratio(share.numerator, share.denominator),
            }
        })
        .collect()
}

pub fn turnout_note(snapshot: &Snapshot) -> String {
    let commune = &snapshot.results.commune;
    let base =
        "Chaque colonne rapporte les votants aux inscrits des bureaux qui ont transmis ce relevé.";
    if commune.progress.counted == 0 {
        return base.to_string();
    }
    format!(
        "{base} Après dépouillement ({}) : {} des inscrits ont voté.",
        commune.progress.label,
        format::percent(&commune.turnout_of_counted)
    )
}

/// Capitalises the first letter of a label the hub sends in lower case
/// (« première centaine »), for use as a heading.
fn heading(label: &str) -> String {
    let mut letters = label.chars();
    match letters.next() {
        Some(first) => first.to_uppercase().chain(letters).collect(),
        None => String::new(),
    }
}

pub fn hundred_blocks(snapshot: &Snapshot) -> Vec<HundredBlock> {
    let Some(hundreds) = &snapshot.hundreds else {
        return Vec::new();
    };
    let candidates = &snapshot.results.commune.candidates;
    hundreds
        .hundreds
        .iter()
        .map(|view| {
            let leader = view.candidates.iter().map(|c| c.votes).max().unwrap_or(0);
            let mut rows: Vec<(u64, CandidateRow)> = view
                .candidates
                .iter()
                .map(|entry| {
                    let position = candidates
                        .iter()
                        .position(|c| c.ballot_number == entry.ballot_number);
                    let candidate = position.and_then(|p| candidates.get(p));
                    let (name, colour) = match candidate {
                        Some(candidate) => (
                            names(candidate).0,
                            candidate_colour(candidate, position.unwrap_or(0)),
                        ),
                        None => (entry.name.clone(), Color::from_rgb_u8(0x7F, 0x7F, 0x7F)),
                    };
                    let row = CandidateRow {
                        number: format!("n°\u{00A0}{}", entry.ballot_number).into(),
                        name: name.into(),
                        detail: SharedString::new(),
                        votes: format!("{} voix", format::count(entry.votes)).into(),
                        percent: format::percent(&entry.share_of_votes).into(),
                        ratio: format::ratio(entry.votes, leader),
                        colour,
                        seats: SharedString::new(),
                    };
                    (entry.votes, row)
                })
                .collect();
            rows.sort_by_key(|row| std::cmp::Reverse(row.0));
            HundredBlock {
                title: heading(&view.label).into(),
                progress: view.progress.label.clone().into(),
                rows: model(rows.into_iter().map(|(_, row)| row).collect()),
            }
        })
        .collect()
}

/// The hemicycle: one dot per seat, lists from left to right in ballot order, and the
/// legend that names each list with its seats.
pub struct Hemicycle {
    pub label: String,
    pub dots: Vec<SeatDot>,
    /// Dot diameter as a share of the drawing's width.
    pub dot_size: f32,
    pub legend: Vec<SeatLegend>,
}

pub fn hemicycle(snapshot: &Snapshot) -> Option<Hemicycle> {
    let seats = snapshot.seats.as_ref()?;
    let council = seats.municipal_council.as_ref()?;
    let candidates = &snapshot.results.commune.candidates;
    let mut colours = Vec::new();
    let mut legend = Vec::new();
    if let Some(allocation) = &council.allocation {
        for list in &allocation.lists {
            let position = candidates
                .iter()
                .position(|c| c.ballot_number == list.ballot_number);
            let candidate = position.and_then(|p| candidates.get(p));
            let (colour, name) = match candidate {
                Some(candidate) => (
                    candidate_colour(candidate, position.unwrap_or(0)),
                    names(candidate).0,
                ),
                None => (
                    Color::from_rgb_u8(0x7F, 0x7F, 0x7F),
                    format!("Liste n° {}", list.ballot_number),
                ),
            };
            if list.seats > 0 {
                legend.push(SeatLegend {
                    colour,
                    name: name.into(),
                    seats: format::seats(list.seats).into(),
                });
            }
            for _ in 0..list.seats {
                colours.push(colour);
            }
        }
    }
    let total = usize::try_from(council.seats_to_fill).unwrap_or(0);
    // Seats not allocated yet (vacant or undecided) are drawn white.
    colours.resize(
        total.max(colours.len()),
        Color::from_rgb_u8(0xFF, 0xFF, 0xFF),
    );
    let (positions, dot_size) = seat_positions(colours.len());
    let dots = positions
        .into_iter()
        .zip(colours)
        .map(|((x, y), colour)| SeatDot { x, y, colour })
        .collect();
    let label = match (&council.allocation, &council.message) {
        (None, Some(message)) => message.clone(),
        _ if legend.is_empty() => format!("{} : aucun siège attribué à ce tour.", seats.label),
        _ => seats.label.clone(),
    };
    Some(Hemicycle {
        label,
        dots,
        dot_size,
        legend,
    })
}

/// Places `count` seats on concentric half rings in a box one wide and one half high, and
/// returns their centres from left to right with the dot diameter.
pub fn seat_positions(count: usize) -> (Vec<(f32, f32)>, f32) {
    if count == 0 {
        return (Vec::new(), 0.0);
    }
    // About one ring per 2.2 × √seats, between 1 and 12 rings.
    let row_count = ((count.isqrt() * 10 + 11) / 22).clamp(1, 12);
    let rows = format::small_f32(row_count);
    let inner = 0.45_f32;
    // Ring radii in thousandths of the outer radius, to share the seats in integers.
    let radii_milli: Vec<usize> = (0..row_count)
        .map(|row| match row_count {
            1 => 1000,
            _ => 450 + 550 * row / (row_count - 1),
        })
        .collect();
    let radius_sum: usize = radii_milli.iter().sum();
    let mut per_row: Vec<usize> = radii_milli
        .iter()
        .map(|radius| count * radius / radius_sum)
        .collect();
    let placed: usize = per_row.iter().sum();
    if let Some(outer) = per_row.last_mut() {
        *outer += count - placed;
    }
    let radii: Vec<f32> = radii_milli
        .iter()
        .map(|radius| format::small_f32(*radius) / 1000.0)
        .collect();
    let row_gap = if row_count > 1 {
        0.5 * (1.0 - inner) / (rows - 1.0)
    } else {
        0.2
    };
    let mut dot = row_gap;
    let mut seats: Vec<(f32, f32, f32)> = Vec::with_capacity(count);
    for (radius, &n) in radii.iter().zip(&per_row) {
        let radius = radius * 0.95;
        if n > 1 {
            let spacing = PI * radius * 0.5 / format::small_f32(n - 1);
            dot = dot.min(spacing);
        }
        for seat in 0..n {
            let angle = if n == 1 {
                PI / 2.0
            } else {
                PI * (1.0 - format::small_f32(seat) / format::small_f32(n - 1))
            };
            let x = 0.5 + 0.5 * radius * angle.cos();
            let y = (0.5 - 0.5 * radius * angle.sin()).clamp(0.0, 0.5);
            seats.push((angle, x, y));
        }
    }
    // Left to right: largest angle first, and the outer ring first for equal angles.
    seats.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.total_cmp(&b.2)));
    let positions = seats.into_iter().map(|(_, x, y)| (x, y)).collect();
    (positions, dot * 0.8)
}

pub fn model_of<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    model(items)
}

/// Longest side, in pixels, of the plan kept in memory: a larger plan is scaled down
/// once at decoding, because the screen never shows it bigger.
const MAX_PLAN_SIDE: u32 = 1600;

/// Decodes a PNG or JPEG plan of the polling places into an image for the station screen.
pub fn plan_image(bytes: &[u8]) -> Result<slint::Image, image::ImageError> {
    let mut decoded = image::load_from_memory(bytes)?;
    if decoded.width() > MAX_PLAN_SIDE || decoded.height() > MAX_PLAN_SIDE {
        decoded = decoded.thumbnail(MAX_PLAN_SIDE, MAX_PLAN_SIDE);
    }
    let rgba = decoded.to_rgba8();
    let buffer = slint::SharedPixelBuffer::<slint::Rgba8Pixel>::clone_from_slice(
        rgba.as_raw(),
        rgba.width(),
        rgba.height(),
    );
    Ok(slint::Image::from_rgba8(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seat_positions_fill_every_seat() {
        for count in [1, 2, 5, 29, 69, 163] {
            let (positions, size) = seat_positions(count);
            assert_eq!(positions.len(), count, "{count} seats");
            assert!(size > 0.0, "{count} seats");
            for (x, y) in positions {
                assert!((0.0..=1.0).contains(&x), "{count} seats: x {x}");
                assert!((0.0..=0.5).contains(&y), "{count} seats: y {y}");
            }
        }
    }

    #[test]
    fn heading_capitalises_first_letter() {
        assert_eq!(heading("première centaine"), "Première centaine");
        assert_eq!(heading("écart"), "Écart");
        assert_eq!(heading(""), "");
    }

    #[test]
    fn colours_parse_from_hex() {
        assert_eq!(
            parse_colour("#ff8000"),
            Some(Color::from_rgb_u8(0xFF, 0x80, 0x00))
        );
        assert_eq!(parse_colour("red"), None);
        assert_eq!(parse_colour("#fff"), None);
    }
}
