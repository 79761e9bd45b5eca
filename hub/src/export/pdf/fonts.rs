//! The embedded fonts, DejaVu Sans and DejaVu Sans Bold (licence in
//! `hub/assets/fonts/`), and the measurement of text widths for wrapping and alignment.

use super::super::ExportError;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Characters whose advance is computed once per face, enough for French text.
const CACHED_CHARACTERS: u32 = 0x250;

/// One face: the font given to the PDF writer and its advances in em.
pub(super) struct Face {
    pub pdf: krilla::text::Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    /// Advance of each character below [`CACHED_CHARACTERS`], in em.
    cached: Vec<f32>,
}

impl Face {
    fn load(bytes: &'static [u8], name: &'static str) -> Result<Face, ExportError> {
        let invalid = || ExportError::Render {
            document: "PDF",
            message: format!("police {name} illisible"),
        };
        let font = FontRef::new(bytes).map_err(|_| invalid())?;
        let pdf = krilla::text::Font::new(krilla::Data::from(bytes), 0).ok_or_else(invalid)?;
        let mut face = Face {
            pdf,
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::new(1.0), LocationRef::default()),
            cached: Vec::new(),
        };
        face.cached = (0..CACHED_CHARACTERS)
            .map(|code| char::from_u32(code).map_or(0.0, |c| face.measure_char(c)))
            .collect();
        Ok(face)
    }

    fn measure_char(&self, character: char) -> f32 {
        let glyph = self.charmap.map(character).unwrap_or_default();
        self.metrics.advance_width(glyph).unwrap_or(0.0)
    }

    /// Width of `text` at `size` points, without kerning (a slight overestimate).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let em: f32 = text
            .chars()
            .map(|character| {
                let code = usize::try_from(u32::from(character)).unwrap_or(usize::MAX);
                self.cached
                    .get(code)
                    .copied()
                    .unwrap_or_else(|| self.measure_char(character))
            })
            .sum();
        em * size
    }
}

pub(super) struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    pub fn load() -> Result<Fonts, ExportError> {
        Ok(Fonts {
            regular: Face::load(REGULAR, "DejaVu Sans")?,
            bold: Face::load(BOLD, "DejaVu Sans Bold")?,
        })
    }

    pub fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

/// Words of a line: split at ASCII spaces only, so that no-break spaces (in figures and
/// in `n° 3`) hold their words together.
pub(super) fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split(' ').filter(|word| !word.is_empty())
}

/// Splits `text` into lines no wider than `width`: at spaces, and inside a word only when
/// the word alone is wider. A `\n` in the text always starts a new line.
pub(super) fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in words(paragraph) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if face.width(word, size) <= width {
                line = word.to_string();
            } else {
                let mut pieces = break_word(face, word, size, width);
                line = pieces.pop().unwrap_or_default();
                lines.extend(pieces);
            }
        }
        lines.push(line);
    }
    lines
}

/// Cuts a word wider than `width` into pieces that fit, one character at least each.
fn break_word(face: &Face, word: &str, size: f32, width: f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for character in word.chars() {
        piece.push(character);
        if face.width(&piece, size) > width && piece.chars().count() > 1 {
            piece.pop();
            pieces.push(std::mem::take(&mut piece));
            piece.push(character);
        }
    }
    pieces.push(piece);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size() {
        let fonts = Fonts::load().unwrap();
        let narrow = fonts.regular.width("ii", 10.0);
        let wide = fonts.regular.width("MM", 10.0);
        assert!(narrow > 0.0);
        assert!(wide > narrow);
        assert!((fonts.regular.width("MM", 20.0) - 2.0 * wide).abs() < 0.01);
        assert!(fonts.bold.width("Toulouse", 10.0) > fonts.regular.width("Toulouse", 10.0));
        assert!(fonts.regular.width("Élu", 10.0) > 0.0);
    }

    #[test]
    fn wrap_keeps_every_word_within_width() {
        let fonts = Fonts::load().unwrap();
        let text = "Toulouse pour les jeunes, les travailleurs et les services publics, contre \
                    les budgets de guerre";
        let lines = wrap(&fonts.regular, text, 8.0, 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(fonts.regular.width(line, 8.0) <= 120.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn wrap_keeps_no_break_spaces() {
        let fonts = Fonts::load().unwrap();
        let lines = wrap(&fonts.bold, "n°\u{a0}5 LE\u{a0}PEN", 7.5, 30.0);
        assert_eq!(
            lines,
            vec!["n°\u{a0}5".to_string(), "LE\u{a0}PEN".to_string()]
        );
    }

    #[test]
    fn wrap_breaks_long_words_and_keeps_newlines() {
        let fonts = Fonts::load().unwrap();
        let lines = wrap(
            &fonts.regular,
            "n° 3\nABCDEFGHIJKLMNOPQRSTUVWXYZ",
            8.0,
            30.0,
        );
        assert_eq!(lines[0], "n° 3");
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines[1..].concat(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    }
}
