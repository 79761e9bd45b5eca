//! Pages as lists of drawing operations, in points from the top-left corner, and their
//! rendering into a PDF file with krilla.

use super::super::ExportError;
use super::fonts::Fonts;
use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;

/// Paper sizes the reports use, in points.
/// Ordered from the smallest to the largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Paper {
    A4Portrait,
    A4Landscape,
    A3Landscape,
}

impl Paper {
    /// From the smallest to the largest, the order in which a report tries them.
    pub const ALL: [Paper; 3] = [Paper::A4Portrait, Paper::A4Landscape, Paper::A3Landscape];

    /// Width and height in points (1/72 inch): A4 is 210 × 297 mm, A3 297 × 420 mm.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4Portrait => (595.28, 841.89),
            Paper::A4Landscape => (841.89, 595.28),
            Paper::A3Landscape => (1190.55, 841.89),
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Op {
    /// Text whose baseline starts at (x, y).
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    /// A filled rectangle; `lightness` 0 is black, 255 white.
    Rectangle {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        lightness: u8,
    },
}

#[derive(Debug, Clone, Default)]
pub(super) struct Page {
    pub ops: Vec<Op>,
}

impl Page {
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: impl Into<String>) {
        self.ops.push(Op::Text {
            x,
            y,
            size,
            bold,
            text: text.into(),
        });
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.ops.push(Op::Line { from, to, width });
    }

    pub fn rectangle(&mut self, x: f32, y: f32, width: f32, height: f32, lightness: u8) {
        self.ops.push(Op::Rectangle {
            x,
            y,
            width,
            height,
            lightness,
        });
    }
}

fn render_error(message: impl std::fmt::Debug) -> ExportError {
    ExportError::Render {
        document: "PDF",
        message: format!("{message:?}"),
    }
}

/// Renders the pages into one PDF file, with its title in the document's metadata.
pub(super) fn render(
    pages: &[Page],
    paper: Paper,
    fonts: &Fonts,
    title: &str,
) -> Result<Vec<u8>, ExportError> {
    let (width, height) = paper.size();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language("fr-FR".to_string())
            .creator("Urne".to_string()),
    );
    for content in pages {
        let settings = PageSettings::from_wh(width, height)
            .ok_or_else(|| render_error("taille de page invalide"))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in &content.ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } => {
                    surface.set_fill(Some(Fill::default()));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        fonts.face(*bold).pdf.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line { from, to, width } => {
                    let mut builder = PathBuilder::new();
                    builder.move_to(from.0, from.1);
                    builder.line_to(to.0, to.1);
                    if let Some(path) = builder.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
                Op::Rectangle {
                    x,
                    y,
                    width,
                    height,
                    lightness,
                } => {
                    let mut builder = PathBuilder::new();
                    if let Some(rectangle) = Rect::from_xywh(*x, *y, *width, *height) {
                        builder.push_rect(rectangle);
                    }
                    if let Some(path) = builder.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill {
                            paint: luma::Color::new(*lightness).into(),
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(render_error)
}
