//! The settings form of the projector page as typed, its checks, and the contrast
//! warning of its colours.

use crate::db::display::{DisplaySettings, SLIDE_KINDS, Slide};
use crate::web::form::Fields;

/// Lowest contrast ratio between text and background that WCAG 2.1 level AA accepts for
/// normal text (success criterion 1.4.3).
const MIN_TEXT_CONTRAST: f64 = 4.5;

/// Lowest contrast ratio for the accent, used for large text and bars (WCAG 2.1, 1.4.11).
const MIN_ACCENT_CONTRAST: f64 = 3.0;

/// French name of each slide kind, in the order of [`SLIDE_KINDS`].
pub(super) fn slide_label(kind: &str) -> &'static str {
    match kind {
        "turnout" => "Participation",
        "commune" => "Résultats de la commune",
        "race" => "Résultats de la circonscription ou du canton",
        "stations" => "Résultats par bureau",
        "hundreds" => "Centaines (tendance)",
        "seats" => "Sièges du conseil municipal",
        "status" => "Avancement des bureaux",
        "qr" => "Code QR du site public",
        _ => "diapositive inconnue",
    }
}

/// The three colours of the settings: form field name, French label.
pub(super) const COLOURS: [(&str, &str); 3] = [
    ("background", "Couleur de fond"),
    ("foreground", "Couleur du texte"),
    ("accent", "Couleur d'accent"),
];

/// One row of the slides table as typed.
#[derive(Debug, Clone)]
pub(super) struct SlideRow {
    pub(super) kind: String,
    pub(super) shown: bool,
    pub(super) position: String,
    pub(super) seconds: String,
}

/// The settings form as typed, so that a refused form comes back unchanged.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub(super) title: String,
    pub(super) public_url: String,
    pub(super) rows: Vec<SlideRow>,
    /// Background, foreground and accent, in the order of [`COLOURS`].
    pub(super) colours: [String; 3],
    pub(super) font_scale_percent: String,
    pub(super) show_logo: bool,
    pub(super) show_photos: bool,
}

impl Draft {
    /// Fills the form from stored settings: shown slides in their order, then the others
    /// in the default order.
    pub(super) fn from_settings(settings: &DisplaySettings) -> Draft {
        let mut rows: Vec<SlideRow> = settings
            .slides
            .iter()
            .enumerate()
            .map(|(index, slide)| SlideRow {
                kind: slide.kind.clone(),
                shown: true,
                position: (index + 1).to_string(),
                seconds: slide.seconds.to_string(),
            })
            .collect();
        for kind in SLIDE_KINDS {
            if !rows.iter().any(|row| row.kind == kind) {
                rows.push(SlideRow {
                    kind: kind.to_string(),
                    shown: false,
                    position: (rows.len() + 1).to_string(),
                    seconds: "12".to_string(),
                });
            }
        }
        Draft {
            title: settings.title.clone(),
            public_url: settings.public_url.clone(),
            rows,
            colours: [
                settings.background.clone(),
                settings.foreground.clone(),
                settings.accent.clone(),
            ],
            font_scale_percent: settings.font_scale_percent.to_string(),
            show_logo: settings.show_logo,
            show_photos: settings.show_photos,
        }
    }

    /// Reads the form as submitted. Rows are numbered from 0 by their hidden `slide_kind_N`
    /// field; a colour's text field wins over its picker when filled.
    pub(super) fn from_fields(fields: &Fields) -> Draft {
        let mut rows = Vec::new();
        while let Some(kind) = fields.get(&format!("slide_kind_{}", rows.len())) {
            let index = rows.len();
            rows.push(SlideRow {
                kind: kind.trim().to_string(),
                shown: fields.get(&format!("slide_shown_{index}")).is_some(),
                position: fields
                    .get(&format!("slide_position_{index}"))
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                seconds: fields
                    .get(&format!("slide_seconds_{index}"))
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            });
        }
        let colour = |name: &str| {
            fields
                .text(name)
                .or_else(|| fields.text(&format!("{name}_picker")))
                .unwrap_or_default()
        };
        Draft {
            title: fields.text("title").unwrap_or_default(),
            public_url: fields.text("public_url").unwrap_or_default(),
            rows,
            colours: COLOURS.map(|(name, _)| colour(name)),
            font_scale_percent: fields.text("font_scale_percent").unwrap_or_default(),
            show_logo: fields.get("show_logo").is_some(),
            show_photos: fields.get("show_photos").is_some(),
        }
    }

    /// Checks every field and builds the settings. A rejection names the field's `id` on
    /// the page and gives the French message with the value and the fix.
    pub(super) fn to_settings(&self) -> Result<DisplaySettings, Refusal> {
        let mut shown = Vec::new();
        let mut seen = Vec::new();
        for (index, row) in self.rows.iter().enumerate() {
            if !SLIDE_KINDS.contains(&row.kind.as_str()) {
                return Err(Refusal::new(
                    format!("slide_shown_{index}"),
                    format!(
                        "diapositive « {} » inconnue : choisissez parmi {} ; rechargez la page",
                        row.kind,
                        SLIDE_KINDS.join(", ")
                    ),
                ));
            }
            if seen.contains(&row.kind) {
                return Err(Refusal::new(
                    format!("slide_shown_{index}"),
                    format!(
                        "diapositive « {} » en double : chaque diapositive figure une seule \
                         fois ; rechargez la page",
                        row.kind
                    ),
                ));
            }
            seen.push(row.kind.clone());
            let label = slide_label(&row.kind);
            let seconds = parse_between(&row.seconds, 3, 600).ok_or_else(|| {
                Refusal::new(
                    format!("slide_seconds_{index}"),
                    format!(
                        "durée de la diapositive « {label} » : « {} » invalide ; indiquez un \
                         nombre entier de secondes entre 3 et 600",
                        row.seconds
                    ),
                )
            })?;
            let maximum = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
            let position = parse_between(&row.position, 1, maximum).ok_or_else(|| {
                Refusal::new(
                    format!("slide_position_{index}"),
                    format!(
                        "ordre de la diapositive « {label} » : « {} » invalide ; indiquez un \
                         nombre entier entre 1 et {maximum}",
                        row.position
                    ),
                )
            })?;
            if row.shown {
                shown.push((position, index, row.kind.clone(), seconds));
            }
        }
        if shown.is_empty() {
            return Err(Refusal::new(
                "slide_shown_0".to_string(),
                "aucune diapositive affichée : cochez « Affichée » pour au moins une".to_string(),
            ));
        }
        // Equal positions keep the order of the table.
        shown.sort();
        let slides = shown
            .into_iter()
            .map(|(_, _, kind, seconds)| Slide { kind, seconds })
            .collect();

        if self.title.chars().count() > 200 {
            return Err(Refusal::new(
                "title".to_string(),
                format!(
                    "titre de {} caractères trop long : 200 caractères au plus",
                    self.title.chars().count()
                ),
            ));
        }
        let is_web_address =
            self.public_url.starts_with("https://") || self.public_url.starts_with("http://");
        if !self.public_url.is_empty() && !is_web_address {
            return Err(Refusal::new(
                "public_url".to_string(),
                format!(
                    "adresse du site public « {} » invalide : elle commence par https:// ou \
                     http://, ou laissez le champ vide pour les pages du hub",
                    self.public_url
                ),
            ));
        }
        for ((name, label), value) in COLOURS.iter().zip(&self.colours) {
            if !super::super::is_colour(value) {
                return Err(Refusal::new(
                    (*name).to_string(),
                    format!(
                        "{} « {value} » invalide : écrivez-la #rrggbb en hexadécimal (par \
                         exemple #10213a), ou choisissez-la avec le sélecteur en laissant le \
                         champ texte vide",
                        label.to_lowercase()
                    ),
                ));
            }
        }
        let font_scale_percent =
            parse_between(&self.font_scale_percent, 50, 300).ok_or_else(|| {
                Refusal::new(
                    "font_scale_percent".to_string(),
                    format!(
                        "taille du texte « {} » invalide : indiquez un pourcentage entier entre \
                         50 et 300 (100 pour la taille normale)",
                        self.font_scale_percent
                    ),
                )
            })?;
        let [background, foreground, accent] = self.colours.clone().map(|c| c.to_lowercase());
        let settings = DisplaySettings {
            title: self.title.clone(),
            slides,
            background,
            foreground,
            accent,
            font_scale_percent,
            show_logo: self.show_logo,
            show_photos: self.show_photos,
            public_url: self.public_url.clone(),
        };
        // The checks above cover every rule of `validate`; this keeps the two in step.
        settings
            .validate()
            .map_err(|(field, message)| Refusal::new(field, message))?;
        Ok(settings)
    }
}

/// Parses a whole number in `minimum..=maximum`.
fn parse_between(text: &str, minimum: u32, maximum: u32) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|value| (minimum..=maximum).contains(value))
}

/// A refused form: the `id` of the field to point at and the French message.
#[derive(Debug)]
pub(super) struct Refusal {
    pub(super) field: String,
    pub(super) message: String,
}

impl Refusal {
    pub(super) fn new(field: String, message: String) -> Refusal {
        Refusal { field, message }
    }
}

/// Computes the relative luminance of a `#rrggbb` colour (WCAG 2.1 definition).
fn luminance(colour: &str) -> Option<f64> {
    let channel = |range: std::ops::Range<usize>| {
        let value = f64::from(u8::from_str_radix(colour.get(range)?, 16).ok()?) / 255.0;
        Some(if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        })
    };
    if !super::super::is_colour(colour) {
        return None;
    }
    Some(0.2126 * channel(1..3)? + 0.7152 * channel(3..5)? + 0.0722 * channel(5..7)?)
}

/// Computes the contrast ratio of two `#rrggbb` colours, from 1 (same) to 21 (black on
/// white).
fn contrast_ratio(first: &str, second: &str) -> Option<f64> {
    let (a, b) = (luminance(first)?, luminance(second)?);
    let (light, dark) = if a > b { (a, b) } else { (b, a) };
    Some((light + 0.05) / (dark + 0.05))
}

/// Lists French warnings for colours whose contrast with the background is too low to read.
pub(super) fn contrast_warnings(colours: &[String; 3]) -> Vec<String> {
    let [background, foreground, accent] = colours;
    let mut warnings = Vec::new();
    let checks = [
        (foreground, "le texte", MIN_TEXT_CONTRAST),
        (accent, "la couleur d'accent", MIN_ACCENT_CONTRAST),
    ];
    for (colour, what, minimum) in checks {
        let Some(ratio) = contrast_ratio(colour, background) else {
            continue;
        };
        if ratio < minimum {
            warnings.push(format!(
                "Contraste insuffisant : {what} {colour} sur le fond {background} a un rapport \
                 de {} pour 1, il faut au moins {} pour 1 pour rester lisible de loin. \
                 Éclaircissez l'un et assombrissez l'autre.",
                format!("{ratio:.1}").replace('.', ","),
                format!("{minimum:.1}").replace('.', ",")
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn default_fields() -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for (index, kind) in SLIDE_KINDS.iter().enumerate() {
            pairs.push((format!("slide_kind_{index}"), (*kind).to_string()));
            pairs.push((format!("slide_shown_{index}"), "on".to_string()));
            pairs.push((format!("slide_position_{index}"), (index + 1).to_string()));
            pairs.push((format!("slide_seconds_{index}"), "12".to_string()));
        }
        for (name, value) in [
            ("background", "#10213a"),
            ("foreground", "#ffffff"),
            ("accent", "#ffd24a"),
            ("font_scale_percent", "100"),
        ] {
            pairs.push((name.to_string(), value.to_string()));
        }
        pairs
    }

    fn with(changes: &[(&str, &str)]) -> Fields {
        let mut pairs = default_fields();
        for (name, value) in changes {
            pairs.retain(|(key, _)| key != name);
            if !value.is_empty() {
                pairs.push(((*name).to_string(), (*value).to_string()));
            }
        }
        Fields(pairs)
    }

    #[test]
    fn positions_set_slide_order() {
        let settings = Draft::from_fields(&with(&[
            ("slide_position_7", "1"),
            ("slide_position_0", "8"),
            ("slide_shown_5", ""),
        ]))
        .to_settings()
        .unwrap();
        let kinds: Vec<&str> = settings.slides.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "qr", "commune", "race", "stations", "hundreds", "status", "turnout"
            ]
        );
    }

    #[test]
    fn zero_duration_rejected_with_field() {
        let refusal = Draft::from_fields(&with(&[("slide_seconds_1", "0")]))
            .to_settings()
            .unwrap_err();
        assert_eq!(refusal.field, "slide_seconds_1");
        assert!(refusal.message.contains("« 0 »"), "{}", refusal.message);
        assert!(
            refusal.message.contains("entre 3 et 600"),
            "{}",
            refusal.message
        );
    }

    #[test]
    fn unknown_slide_rejected() {
        let refusal = Draft::from_fields(&with(&[("slide_kind_2", "meteo")]))
            .to_settings()
            .unwrap_err();
        assert_eq!(refusal.field, "slide_shown_2");
        assert!(refusal.message.contains("« meteo » inconnue"));
    }

    #[test]
    fn bad_colour_rejected() {
        let refusal = Draft::from_fields(&with(&[("background", "bleu")]))
            .to_settings()
            .unwrap_err();
        assert_eq!(refusal.field, "background");
        assert!(refusal.message.contains("« bleu »"));
        assert!(refusal.message.contains("#rrggbb"));
    }

    #[test]
    fn picker_used_when_text_empty() {
        let settings = Draft::from_fields(&with(&[("accent", ""), ("accent_picker", "#AA0000")]))
            .to_settings()
            .unwrap();
        assert_eq!(settings.accent, "#aa0000");
    }

    #[test]
    fn no_slide_shown_rejected() {
        let hidden: Vec<(String, &str)> = (0..SLIDE_KINDS.len())
            .map(|index| (format!("slide_shown_{index}"), ""))
            .collect();
        let changes: Vec<(&str, &str)> = hidden.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        let refusal = Draft::from_fields(&with(&changes))
            .to_settings()
            .unwrap_err();
        assert!(refusal.message.contains("aucune diapositive"));
    }

    #[test]
    fn contrast_of_black_on_white() {
        let ratio = contrast_ratio("#000000", "#ffffff").unwrap();
        assert!((ratio - 21.0).abs() < 1e-9, "{ratio}");
        assert!((contrast_ratio("#777777", "#777777").unwrap() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn contrast_warning_for_grey_on_grey() {
        let colours = [
            "#808080".to_string(),
            "#999999".to_string(),
            "#ffd24a".to_string(),
        ];
        let warnings = contrast_warnings(&colours);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("le texte #999999"));
        let readable = [
            "#10213a".to_string(),
            "#ffffff".to_string(),
            "#ffd24a".to_string(),
        ];
        assert!(contrast_warnings(&readable).is_empty());
    }

    #[test]
    fn stored_settings_round_trip_through_form() {
        let settings = DisplaySettings::default();
        let draft = Draft::from_settings(&settings);
        let mut pairs = Vec::new();
        for (index, row) in draft.rows.iter().enumerate() {
            pairs.push((format!("slide_kind_{index}"), row.kind.clone()));
            if row.shown {
                pairs.push((format!("slide_shown_{index}"), "on".to_string()));
            }
            pairs.push((format!("slide_position_{index}"), row.position.clone()));
            pairs.push((format!("slide_seconds_{index}"), row.seconds.clone()));
        }
        for ((name, _), value) in COLOURS.iter().zip(&draft.colours) {
            pairs.push(((*name).to_string(), value.clone()));
        }
        pairs.push(("font_scale_percent".to_string(), draft.font_scale_percent));
        pairs.push(("show_logo".to_string(), "on".to_string()));
        pairs.push(("show_photos".to_string(), "on".to_string()));
        let back = Draft::from_fields(&Fields(pairs)).to_settings().unwrap();
        assert_eq!(back, settings);
    }
}
