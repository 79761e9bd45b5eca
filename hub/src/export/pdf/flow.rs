//! A report as a flow of blocks (headings, paragraphs, tables, signature lines) poured into
//! pages. The first page opens with the report's heading (commune, election, date, mayor)
//! and the next ones with a one-line reminder. Every page ends with its number.

use super::canvas::{Page, Paper};
use super::fonts::{Fonts, wrap};

/// Page margins, in points (about 13 mm).
const MARGIN: f32 = 36.0;
/// Room kept at the bottom of each page for the footer.
const FOOTER_ROOM: f32 = 30.0;
/// Text of the band printed at the top of every page of a rehearsal's reports.
const SIMULATION_BAND: &str =
    "SIMULATION — document sans valeur officielle, à ne pas transmettre ni afficher";
/// Blank line left for a name to be written by hand.
pub(super) const BLANK: &str = "________________________________";

/// Width between the margins of a paper.
pub(super) fn text_width(paper: Paper) -> f32 {
    paper.size().0 - 2.0 * MARGIN
}

/// Identity of the election, printed on every page of every report.
pub(super) struct Context<'a> {
    pub fonts: &'a Fonts,
    /// `Toulouse (31555)`.
    pub commune: String,
    pub election: String,
    /// Polling day in words: `dimanche 15 mars 2026`.
    pub date: String,
    pub mayor: Option<String>,
    pub rehearsal: bool,
    /// When the reports were printed: `15/03/2026 à 21:04`.
    pub printed_at: String,
}

pub(super) struct Flow<'a> {
    pub context: &'a Context<'a>,
    pub paper: Paper,
    title: String,
    pages: Vec<Page>,
    /// Distance from the top of the page to the next free line.
    pub y: f32,
}

impl<'a> Flow<'a> {
    pub fn new(context: &'a Context<'a>, paper: Paper, title: &str) -> Flow<'a> {
        let mut flow = Flow {
            context,
            paper,
            title: title.to_string(),
            pages: vec![Page::default()],
            y: MARGIN,
        };
        flow.title_block();
        flow
    }

    pub fn left(&self) -> f32 {
        MARGIN
    }

    pub fn right(&self) -> f32 {
        self.paper.size().0 - MARGIN
    }

    pub fn width(&self) -> f32 {
        self.right() - self.left()
    }

    fn bottom(&self) -> f32 {
        self.paper.size().1 - FOOTER_ROOM
    }

    pub fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page when fewer than `height` points are left on this one; returns
    /// whether it did.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y + height <= self.bottom() {
            return false;
        }
        self.break_page();
        true
    }

    pub fn break_page(&mut self) {
        self.pages.push(Page::default());
        self.y = MARGIN;
        self.running_header();
    }

    pub fn space(&mut self, height: f32) {
        self.y += height;
    }

    fn simulation_band(&mut self, height: f32, size: f32) {
        let (left, width, y) = (self.left(), self.width(), self.y);
        let page = self.page();
        page.rectangle(left, y, width, height, 215);
        page.text(
            left + 6.0,
            y + height * 0.5 + size * 0.35,
            size,
            true,
            SIMULATION_BAND,
        );
        self.y += height + 6.0;
    }

    fn title_block(&mut self) {
        let context = self.context;
        if context.rehearsal {
            self.simulation_band(20.0, 10.0);
        }
        let (left, right) = (self.left(), self.right());
        let date_width = context.fonts.regular.width(&context.date, 10.0);
        let y = self.y + 10.0;
        let commune = format!("Commune de {}", context.commune);
        let page = self.page();
        page.text(left, y, 10.0, true, commune);
        page.text(right - date_width, y, 10.0, false, context.date.clone());
        self.y += 14.0;
        self.paragraph(&context.election, 10.0, false);
        self.space(6.0);
        let title = self.title.clone();
        self.paragraph(&title, 15.0, true);
        self.space(2.0);
        let mayor = match &context.mayor {
            Some(name) => format!("Maire : {name}"),
            None => format!("Maire : {BLANK}"),
        };
        self.paragraph(&mayor, 10.0, false);
        self.rule(0.8);
        self.space(10.0);
    }

    fn running_header(&mut self) {
        let context = self.context;
        if context.rehearsal {
            self.simulation_band(14.0, 8.0);
        }
        let text = format!(
            "{} — {} — {}",
            context.commune, context.election, self.title
        );
        let lines = wrap(&context.fonts.regular, &text, 8.0, self.width());
        for line in lines {
            let (left, y) = (self.left(), self.y + 8.0);
            self.page().text(left, y, 8.0, false, line);
            self.y += 10.0;
        }
        self.rule(0.5);
        self.space(8.0);
    }

    /// Draws a horizontal line across the text width.
    pub fn rule(&mut self, width: f32) {
        let (left, right, y) = (self.left(), self.right(), self.y + 2.0);
        self.page().line((left, y), (right, y), width);
        self.y += 4.0;
    }

    /// Writes a bold heading, kept on one page with at least `keep` points of what follows.
    pub fn heading(&mut self, text: &str, keep: f32) {
        self.ensure(22.0 + keep);
        self.space(4.0);
        self.paragraph(text, 11.0, true);
        self.space(4.0);
    }

    /// Writes text wrapped to the page width.
    pub fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        let face = self.context.fonts.face(bold);
        let line_height = size * 1.3;
        for line in wrap(face, text, size, self.width()) {
            self.ensure(line_height);
            let (left, y) = (self.left(), self.y + size);
            self.page().text(left, y, size, bold, line);
            self.y += line_height;
        }
    }

    /// Writes labels, two per row, each above a blank line to sign or fill by hand.
    pub fn signatures(&mut self, labels: &[String]) {
        let column = self.width() / 2.0;
        for pair in labels.chunks(2) {
            self.ensure(58.0);
            for (index, label) in pair.iter().enumerate() {
                let x = self.left() + column * if index == 0 { 0.0 } else { 1.0 };
                let y = self.y;
                let lines = wrap(&self.context.fonts.regular, label, 9.0, column - 12.0);
                let page = self.page();
                for (offset, line) in (0u8..).zip(lines) {
                    page.text(x, y + 9.0 + f32::from(offset) * 11.0, 9.0, false, line);
                }
                page.line((x, y + 50.0), (x + column - 24.0, y + 50.0), 0.4);
            }
            self.y += 60.0;
        }
    }

    /// Finishes the pages with their footer: when they were printed and `Page i / n`.
    pub fn finish(mut self) -> Vec<Page> {
        let total = self.pages.len();
        let (left, right) = (self.left(), self.right());
        let y = self.paper.size().1 - MARGIN * 0.5;
        let fonts = self.context.fonts;
        let printed = format!("Édité par Urne le {}", self.context.printed_at);
        for (index, page) in self.pages.iter_mut().enumerate() {
            let number = format!("Page {} / {total}", index + 1);
            let number_width = fonts.regular.width(&number, 7.5);
            page.line((left, y - 10.0), (right, y - 10.0), 0.3);
            page.text(left, y, 7.5, false, printed.clone());
            page.text(right - number_width, y, 7.5, false, number);
        }
        self.pages
    }
}
