//! Tables whose columns size themselves from their content. A table too long for its page
//! continues on the next one under a repeated header. A table too wide for the largest
//! paper is split into parts, and each part repeats the key columns (station code and name).

use super::canvas::Paper;
use super::flow::{Flow, text_width};
use super::fonts::{Fonts, words, wrap};

/// Body text size, in points.
const BODY_SIZE: f32 = 8.0;
const HEADER_SIZE: f32 = 7.5;
const LINE_HEIGHT: f32 = 9.6;
const HEADER_LINE_HEIGHT: f32 = 9.0;
const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 2.5;
/// Space left between the parts of a split table.
const PART_GAP: f32 = 14.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub(super) struct Column {
    /// Header text; wraps at spaces, and `\n` forces a line break.
    pub header: String,
    pub align: Align,
    /// Minimum and maximum width of a text column that wraps its cells; `None` sizes the
    /// column to its widest cell, on one line.
    pub wrap: Option<(f32, f32)>,
}

impl Column {
    /// Creates a right-aligned figure column.
    pub fn figure(header: &str) -> Column {
        Column {
            header: header.to_string(),
            align: Align::Right,
            wrap: None,
        }
    }

    /// Creates a left-aligned column sized to its widest cell.
    pub fn label(header: &str) -> Column {
        Column {
            header: header.to_string(),
            align: Align::Left,
            wrap: None,
        }
    }

    /// Creates a left-aligned column whose cells wrap between `min` and `max` points wide.
    pub fn text(header: &str, min: f32, max: f32) -> Column {
        Column {
            header: header.to_string(),
            align: Align::Left,
            wrap: Some((min, max)),
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Row {
    pub cells: Vec<String>,
    /// Bold, with a rule above: totals.
    pub emphasis: bool,
}

impl Row {
    pub fn new(cells: Vec<String>) -> Row {
        Row {
            cells,
            emphasis: false,
        }
    }

    pub fn total(cells: Vec<String>) -> Row {
        Row {
            cells,
            emphasis: true,
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The first `key_columns` columns are repeated in every part of a split table.
    pub key_columns: usize,
}

/// Minimum and natural widths of each column.
struct Widths {
    min: Vec<f32>,
    natural: Vec<f32>,
}

fn widest_word(fonts: &Fonts, header: &str) -> f32 {
    header
        .lines()
        .flat_map(words)
        .map(|word| fonts.bold.width(word, HEADER_SIZE))
        .fold(0.0, f32::max)
}

impl Table {
    fn widths(&self, fonts: &Fonts) -> Widths {
        let mut min = Vec::with_capacity(self.columns.len());
        let mut natural = Vec::with_capacity(self.columns.len());
        for (index, column) in self.columns.iter().enumerate() {
            let widest_cell = self
                .rows
                .iter()
                .filter_map(|row| {
                    let cell = row.cells.get(index)?;
                    Some(fonts.face(row.emphasis).width(cell, BODY_SIZE))
                })
                .fold(0.0, f32::max);
            let header = widest_word(fonts, &column.header);
            let (low, high) = match column.wrap {
                Some((low, high)) => {
                    let natural = (widest_cell + 2.0 * PAD_X).clamp(low, high);
                    (
                        low.max(header + 2.0 * PAD_X),
                        natural.max(header + 2.0 * PAD_X),
                    )
                }
                None => {
                    let width = widest_cell.max(header) + 2.0 * PAD_X;
                    (width, width)
                }
            };
            min.push(low);
            natural.push(high);
        }
        Widths { min, natural }
    }

    /// Width the table needs at least, its text columns at their minimum.
    pub fn min_width(&self, fonts: &Fonts) -> f32 {
        self.widths(fonts).min.iter().sum()
    }
}

/// Chooses the smallest paper on which every table fits whole, else the largest.
pub(super) fn choose_paper(tables: &[&Table], fonts: &Fonts) -> Paper {
    let needed = tables
        .iter()
        .map(|table| table.min_width(fonts))
        .fold(0.0, f32::max);
    Paper::ALL
        .into_iter()
        .find(|paper| text_width(*paper) >= needed)
        .unwrap_or(Paper::A3Landscape)
}

/// Groups of column indices that each fit in `width`, every group starting with the key
/// columns.
fn split_columns(widths: &Widths, key_columns: usize, width: f32) -> Vec<Vec<usize>> {
    let count = widths.min.len();
    let total: f32 = widths.min.iter().sum();
    if total <= width || key_columns >= count {
        return vec![(0..count).collect()];
    }
    let keys: Vec<usize> = (0..key_columns).collect();
    let key_width: f32 = widths.min[..key_columns].iter().sum();
    let mut parts = Vec::new();
    let mut part = keys.clone();
    let mut used = key_width;
    for index in key_columns..count {
        if used + widths.min[index] > width && part.len() > key_columns {
            parts.push(std::mem::replace(&mut part, keys.clone()));
            used = key_width;
        }
        part.push(index);
        used += widths.min[index];
    }
    parts.push(part);
    parts
}

/// Widths of the columns of one part: natural when they fit, else the text columns
/// shrink towards their minimum in proportion to what they can give.
fn part_widths(widths: &Widths, columns: &[usize], width: f32) -> Vec<f32> {
    let natural: f32 = columns.iter().map(|index| widths.natural[*index]).sum();
    if natural <= width {
        return columns.iter().map(|index| widths.natural[*index]).collect();
    }
    let min: f32 = columns.iter().map(|index| widths.min[*index]).sum();
    let slack = natural - min;
    let ratio = if slack > 0.0 {
        ((width - min) / slack).clamp(0.0, 1.0)
    } else {
        0.0
    };
    columns
        .iter()
        .map(|index| widths.min[*index] + (widths.natural[*index] - widths.min[*index]) * ratio)
        .collect()
}

/// One part of a table laid out: its columns, their widths and x positions.
struct Part<'t> {
    table: &'t Table,
    columns: Vec<usize>,
    widths: Vec<f32>,
    left: f32,
}

impl Part<'_> {
    fn width(&self) -> f32 {
        self.widths.iter().sum()
    }

    fn header_lines(&self, fonts: &Fonts) -> Vec<Vec<String>> {
        self.columns
            .iter()
            .zip(&self.widths)
            .map(|(index, width)| {
                let header = &self.table.columns[*index].header;
                wrap(&fonts.bold, header, HEADER_SIZE, width - 2.0 * PAD_X)
            })
            .collect()
    }

    fn row_lines(&self, fonts: &Fonts, row: &Row) -> Vec<Vec<String>> {
        self.columns
            .iter()
            .zip(&self.widths)
            .map(|(index, width)| {
                let cell = row.cells.get(*index).map_or("", String::as_str);
                match self.table.columns[*index].wrap {
                    Some(_) => wrap(
                        fonts.face(row.emphasis),
                        cell,
                        BODY_SIZE,
                        width - 2.0 * PAD_X,
                    ),
                    None => vec![cell.to_string()],
                }
            })
            .collect()
    }

    fn draw_header(&self, flow: &mut Flow<'_>) {
        let fonts = flow.context.fonts;
        let lines = self.header_lines(fonts);
        let count = lines.iter().map(Vec::len).max().unwrap_or(1);
        let height = lines_height(count, HEADER_LINE_HEIGHT);
        flow.ensure(height + LINE_HEIGHT * 2.0 + 2.0 * PAD_Y);
        let top = flow.y;
        let width = self.width();
        let left = self.left;
        let page = flow.page();
        page.rectangle(left, top, width, height, 225);
        let mut x = left;
        for ((index, column_width), cell_lines) in self.columns.iter().zip(&self.widths).zip(&lines)
        {
            let align = self.table.columns[*index].align;
            for (offset, line) in (0u16..).zip(cell_lines) {
                let y = top + PAD_Y + HEADER_SIZE + f32::from(offset) * HEADER_LINE_HEIGHT;
                let text_width = fonts.bold.width(line, HEADER_SIZE);
                page.text(
                    align_x(align, x, *column_width, text_width),
                    y,
                    HEADER_SIZE,
                    true,
                    line.clone(),
                );
            }
            x += column_width;
        }
        page.line((left, top + height), (left + width, top + height), 0.6);
        flow.y = top + height;
    }

    fn draw_rows(&self, flow: &mut Flow<'_>) {
        let fonts = flow.context.fonts;
        for (number, row) in self.table.rows.iter().enumerate() {
            let lines = self.row_lines(fonts, row);
            let count = lines.iter().map(Vec::len).max().unwrap_or(1);
            let height = lines_height(count, LINE_HEIGHT);
            if flow.ensure(height) {
                self.draw_header(flow);
            }
            let top = flow.y;
            let width = self.width();
            let left = self.left;
            let face = fonts.face(row.emphasis);
            let page = flow.page();
            if row.emphasis {
                page.line((left, top), (left + width, top), 0.8);
            } else if number % 2 == 1 {
                page.rectangle(left, top, width, height, 243);
            }
            let mut x = left;
            for ((index, column_width), cell_lines) in
                self.columns.iter().zip(&self.widths).zip(&lines)
            {
                let align = self.table.columns[*index].align;
                for (offset, line) in (0u16..).zip(cell_lines) {
                    let y = top + PAD_Y + BODY_SIZE + f32::from(offset) * LINE_HEIGHT;
                    let text_width = face.width(line, BODY_SIZE);
                    page.text(
                        align_x(align, x, *column_width, text_width),
                        y,
                        BODY_SIZE,
                        row.emphasis,
                        line.clone(),
                    );
                }
                x += column_width;
            }
            flow.y = top + height;
        }
        let (left, y, width) = (self.left, flow.y, self.width());
        flow.page().line((left, y), (left + width, y), 0.6);
    }
}

fn lines_height(count: usize, line_height: f32) -> f32 {
    let count = u16::try_from(count).unwrap_or(u16::MAX);
    f32::from(count) * line_height + 2.0 * PAD_Y
}

fn align_x(align: Align, x: f32, column_width: f32, text_width: f32) -> f32 {
    match align {
        Align::Left => x + PAD_X,
        Align::Right => x + column_width - PAD_X - text_width,
    }
}

/// Draws a table at the flow's position: across pages with a repeated header, and in
/// several parts when it is wider than the page.
pub(super) fn draw(flow: &mut Flow<'_>, table: &Table) {
    let fonts = flow.context.fonts;
    let widths = table.widths(fonts);
    let available = flow.width();
    let parts = split_columns(&widths, table.key_columns, available);
    let count = parts.len();
    for (number, columns) in parts.into_iter().enumerate() {
        if count > 1 {
            let first = columns.get(table.key_columns).copied().unwrap_or(0);
            let last = columns.last().copied().unwrap_or(0);
            let caption = format!(
                "Partie {} sur {count} du tableau : colonnes « {} » à « {} »",
                number + 1,
                table.columns[first].header.replace('\n', " "),
                table.columns[last].header.replace('\n', " ")
            );
            flow.ensure(60.0);
            flow.paragraph(&caption, 8.0, true);
        }
        let part = Part {
            table,
            widths: part_widths(&widths, &columns, available),
            columns,
            left: flow.left(),
        };
        part.draw_header(flow);
        part.draw_rows(flow);
        flow.space(PART_GAP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(min: &[f32]) -> Widths {
        Widths {
            min: min.to_vec(),
            natural: min.to_vec(),
        }
    }

    #[test]
    fn narrow_table_stays_whole() {
        assert_eq!(
            split_columns(&widths(&[10.0, 20.0, 30.0]), 1, 100.0),
            vec![vec![0, 1, 2]]
        );
    }

    #[test]
    fn wide_table_split_with_key_columns() {
        let parts = split_columns(&widths(&[30.0, 40.0, 40.0, 40.0, 40.0]), 1, 120.0);
        assert_eq!(parts, vec![vec![0, 1, 2], vec![0, 3, 4]]);
    }

    #[test]
    fn text_columns_shrink_to_fit() {
        let widths = Widths {
            min: vec![20.0, 50.0],
            natural: vec![20.0, 150.0],
        };
        let fitted = part_widths(&widths, &[0, 1], 120.0);
        assert_eq!(fitted[0], 20.0);
        assert!((fitted[1] - 100.0).abs() < 0.01);
    }

    #[test]
    fn paper_grows_with_columns() {
        let fonts = Fonts::load().unwrap();
        let table = |count: usize| Table {
            columns: (0..count)
                .map(|index| Column::figure(&format!("n° {index}")))
                .collect(),
            rows: vec![Row::new(vec!["123 456".to_string(); count])],
            key_columns: 1,
        };
        assert_eq!(choose_paper(&[&table(5)], &fonts), Paper::A4Portrait);
        assert_eq!(choose_paper(&[&table(18)], &fonts), Paper::A4Landscape);
        assert_eq!(choose_paper(&[&table(26)], &fonts), Paper::A3Landscape);
        assert_eq!(choose_paper(&[&table(200)], &fonts), Paper::A3Landscape);
    }
}
