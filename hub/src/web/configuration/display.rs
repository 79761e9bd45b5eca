//! The projector settings of an election (`/admin/elections/{id}/display`): slides, their
//! order and duration, title, colours, font scale, logo and public address, and the results
//! embargo. Administrators only, because the page shows the projector's address, whose key
//! reads results before the embargo.
//!
//! Settings are stored with [`db::display::store`] as `PUT /api/v1/elections/{id}/display`
//! stores them, with the same `display.write` audit action and `display` event, so an open
//! projector page redraws without a reload. The logo and the embargo follow `PUT
//! /api/v1/logo` and `PUT /api/v1/elections/{id}/embargo` in the same way.

use super::photos::image_type;
use super::upload::read_upload;
use super::{require_administrator, with_status};
use crate::db::display::{DisplayConfiguration, DisplaySettings, Embargo, SLIDE_KINDS, Slide};
use crate::db::elections::ElectionRow;
use crate::db::{self, audit::AuditRecord};
use crate::web::WebState;
use crate::web::auth::{Submission, Viewer};
use crate::web::elections::load;
use crate::web::form::Fields;
use crate::web::layout::{self, Section};
use crate::web::page_error::{PageError, capitalise};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Largest logo accepted, in bytes; the same limit as `PUT /api/v1/logo`.
const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;

/// Lowest contrast ratio between text and background that WCAG 2.1 level AA accepts for
/// normal text (success criterion 1.4.3).
const MIN_TEXT_CONTRAST: f64 = 4.5;

/// Lowest contrast ratio for the accent, used for large text and bars (WCAG 2.1, 1.4.11).
const MIN_ACCENT_CONTRAST: f64 = 3.0;

/// French name of each slide kind, in the order of [`SLIDE_KINDS`].
fn slide_label(kind: &str) -> &'static str {
    match kind {
        "turnout" => "Participation",
        "commune" => "Résultats de la commune",
        "stations" => "Résultats par bureau",
        "hundreds" => "Centaines (tendance)",
        "seats" => "Sièges du conseil municipal",
        "status" => "Avancement des bureaux",
        "qr" => "Code QR du site public",
        _ => "diapositive inconnue",
    }
}

/// The three colours of the settings: form field name, French label.
const COLOURS: [(&str, &str); 3] = [
    ("background", "Couleur de fond"),
    ("foreground", "Couleur du texte"),
    ("accent", "Couleur d'accent"),
];

/// One row of the slides table as typed.
#[derive(Debug, Clone)]
struct SlideRow {
    kind: String,
    shown: bool,
    position: String,
    seconds: String,
}

/// The settings form as typed, so that a refused form comes back unchanged.
#[derive(Debug, Clone)]
struct Draft {
    title: String,
    public_url: String,
    rows: Vec<SlideRow>,
    /// Background, foreground and accent, in the order of [`COLOURS`].
    colours: [String; 3],
    font_scale_percent: String,
    show_logo: bool,
    show_photos: bool,
}

impl Draft {
    /// Fills the form from stored settings: shown slides in their order, then the others
    /// in the default order.
    fn from_settings(settings: &DisplaySettings) -> Draft {
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
    fn from_fields(fields: &Fields) -> Draft {
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
    fn to_settings(&self) -> Result<DisplaySettings, Refusal> {
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
            if !super::is_colour(value) {
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
struct Refusal {
    field: String,
    message: String,
}

impl Refusal {
    fn new(field: String, message: String) -> Refusal {
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
    if !super::is_colour(colour) {
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
fn contrast_warnings(colours: &[String; 3]) -> Vec<String> {
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

/// Confirmation shown after a redirect, naming what was stored.
#[derive(Debug, Default, Deserialize)]
pub struct DisplayNotice {
    done: Option<String>,
}

impl DisplayNotice {
    fn render(&self) -> Markup {
        let text = match self.done.as_deref() {
            Some("settings") => "Réglages du projecteur enregistrés.",
            Some("logo") => "Logo enregistré.",
            Some("embargo") => "Embargo enregistré.",
            Some("embargo_lifted") => "Embargo levé.",
            _ => return html! {},
        };
        layout::message("success", text)
    }
}

/// Stored data the page shows besides the settings form.
struct Stored {
    configuration: Option<DisplayConfiguration>,
    embargo: Option<Embargo>,
    has_logo: bool,
}

async fn read_stored(state: &WebState, election_id: i64) -> Result<Stored, PageError> {
    let stored = state
        .app
        .read(move |connection| {
            Ok(Stored {
                configuration: db::display::find(connection, election_id)?,
                embargo: db::display::embargo(connection, election_id)?,
                has_logo: db::display::logo(connection)?.is_some(),
            })
        })
        .await?;
    Ok(stored)
}

fn paris_text(time: DateTime<Utc>) -> String {
    time.with_timezone(&Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

fn error_box(refusal: &Refusal) -> Markup {
    tracing::info!(
        field = refusal.field,
        message = refusal.message,
        "display form rejected"
    );
    html! {
        div.message.error role="alert" id="form-error" {
            p { (capitalise(&refusal.message)) }
            p { "Rien n'a été enregistré. " a href={ "#" (refusal.field) } { "Aller au champ" } }
        }
    }
}

fn colour_fields(name: &str, label: &str, value: &str, invalid: bool) -> Markup {
    let picker_value = if super::is_colour(value) {
        value
    } else {
        "#808080"
    };
    html! {
        p.field {
            label for=(name) { (label) " (#rrggbb)" }
            input id=(name) type="text" name=(name) value=(value) size="8" maxlength="7"
                spellcheck="false" autocomplete="off" aria-invalid=[invalid.then_some("true")];
            label.visually-hidden for={ (name) "_picker" } { (label) " (sélecteur)" }
            input id={ (name) "_picker" } type="color" name={ (name) "_picker" } value=(picker_value);
        }
    }
}

fn settings_form(election_id: i64, viewer: &Viewer, draft: &Draft, invalid: &str) -> Markup {
    let count = draft.rows.len();
    html! {
        form.config #display-form method="post" action={ "/admin/elections/" (election_id) "/display" } {
            (layout::csrf_field(viewer))
            fieldset {
                legend { "Textes" }
                p.field {
                    label for="title" { "Titre" }
                    input #title type="text" name="title" value=(draft.title) size="50"
                        aria-describedby="title-hint" aria-invalid=[(invalid == "title").then_some("true")];
                    span.hint #title-hint { " Vide : le nom de l'élection et de la commune." }
                }
                p.field {
                    label for="public_url" { "Adresse du site public (code QR)" }
                    input #public_url type="text" name="public_url" value=(draft.public_url)
                        size="50" aria-describedby="public-url-hint"
                        aria-invalid=[(invalid == "public_url").then_some("true")];
                    span.hint #public-url-hint { " Vide : les pages /public/ du hub." }
                }
            }
            fieldset {
                legend { "Diapositives" }
                p.hint { "Cochez les diapositives à projeter. Elles défilent dans l'ordre des \
                          numéros (1 d'abord), chacune pendant sa durée." }
                table.list #slides {
                    caption.visually-hidden { "Diapositives, ordre et durée" }
                    thead { tr {
                        th scope="col" { "Diapositive" }
                        th scope="col" { "Affichée" }
                        th scope="col" { "Ordre" }
                        th scope="col" { "Durée (secondes)" }
                    } }
                    tbody {
                        @for (index, row) in draft.rows.iter().enumerate() {
                            @let label = slide_label(&row.kind);
                            @let shown_id = format!("slide_shown_{index}");
                            @let position_id = format!("slide_position_{index}");
                            @let seconds_id = format!("slide_seconds_{index}");
                            tr id={ "slide-" (row.kind) } {
                                th scope="row" { (label) }
                                td {
                                    input type="hidden" name={ "slide_kind_" (index) } value=(row.kind);
                                    input id=(shown_id) type="checkbox" name=(shown_id) checked[row.shown]
                                        aria-invalid=[(invalid == shown_id).then_some("true")];
                                    label.visually-hidden for=(shown_id) { "Afficher « " (label) " »" }
                                }
                                td {
                                    label.visually-hidden for=(position_id) { "Ordre de « " (label) " »" }
                                    input id=(position_id) type="number" name=(position_id)
                                        value=(row.position) min="1" max=(count) step="1" size="3"
                                        aria-invalid=[(invalid == position_id).then_some("true")];
                                }
                                td {
                                    label.visually-hidden for=(seconds_id) { "Durée de « " (label) " » en secondes" }
                                    input id=(seconds_id) type="number" name=(seconds_id)
                                        value=(row.seconds) min="3" max="600" step="1" size="4"
                                        aria-invalid=[(invalid == seconds_id).then_some("true")];
                                }
                            }
                        }
                    }
                }
            }
            fieldset {
                legend { "Couleurs et taille" }
                @for ((name, label), value) in COLOURS.iter().zip(&draft.colours) {
                    (colour_fields(name, label, value, invalid == *name))
                }
                @for warning in contrast_warnings(&draft.colours) {
                    p.message.warning role="status" { (warning) }
                }
                p.field {
                    label for="font_scale_percent" { "Taille du texte (%)" }
                    input #font_scale_percent type="number" name="font_scale_percent"
                        value=(draft.font_scale_percent) min="50" max="300" step="5"
                        aria-describedby="font-hint"
                        aria-invalid=[(invalid == "font_scale_percent").then_some("true")];
                    span.hint #font-hint { " 100 : taille normale ; de 50 à 300." }
                }
            }
            fieldset {
                legend { "Images" }
                p.field {
                    input #show_logo type="checkbox" name="show_logo" checked[draft.show_logo];
                    label for="show_logo" { "Afficher le logo de la commune" }
                }
                p.field {
                    input #show_photos type="checkbox" name="show_photos" checked[draft.show_photos];
                    label for="show_photos" { "Afficher les photos des candidats" }
                }
                p {
                    "Les photos s'envoient depuis la page "
                    a href={ "/admin/elections/" (election_id) "/candidates" } { "Candidats et photos" }
                    "."
                }
            }
            p { button #save-display type="submit" { "Enregistrer les réglages" } }
        }
    }
}

fn logo_form(election_id: i64, viewer: &Viewer, has_logo: bool) -> Markup {
    html! {
        section aria-labelledby="logo-title" {
            h2 #logo-title { "Logo de la commune" }
            @if has_logo {
                p { img.logo src="/api/v1/logo" alt="Logo actuel de la commune" height="64"; }
            } @else {
                p { "Aucun logo enregistré." }
            }
            form.inline method="post" enctype="multipart/form-data"
                action={ "/admin/elections/" (election_id) "/display/logo" } {
                (layout::csrf_field(viewer))
                label for="logo" { "Nouveau logo (PNG, JPEG ou WebP, " (MAX_LOGO_BYTES / (1024 * 1024)) " Mio au plus)" }
                input #logo type="file" name="logo" required accept="image/png,image/jpeg,image/webp";
                button type="submit" { "Envoyer le logo" }
            }
            p.hint { "Le logo est commun à toutes les élections du hub." }
        }
    }
}

fn embargo_form(election_id: i64, viewer: &Viewer, embargo: Option<&Embargo>) -> Markup {
    let now = Utc::now();
    let value = embargo
        .map(|e| {
            e.until
                .with_timezone(&Paris)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default();
    html! {
        section aria-labelledby="embargo-title" {
            h2 #embargo-title { "Embargo des résultats" }
            p #embargo-state {
                @match embargo {
                    None => { "Aucun embargo : les résultats sont publics dès leur saisie." }
                    Some(e) if e.is_active(now) => {
                        "Embargo jusqu'au " (paris_text(e.until)) " (heure de Paris) : avant, seuls \
                         le projecteur et les jetons d'écriture lisent les résultats."
                    }
                    Some(e) => { "Embargo levé depuis le " (paris_text(e.until)) " (heure de Paris)." }
                }
            }
            form.inline method="post" action={ "/admin/elections/" (election_id) "/embargo" } {
                (layout::csrf_field(viewer))
                label for="embargo_until" { "Résultats publics à partir du (heure de Paris)" }
                input #embargo_until type="datetime-local" name="until" value=(value);
                button type="submit" name="action" value="set" { "Enregistrer l'embargo" }
                @if embargo.is_some() {
                    button type="submit" name="action" value="lift" { "Lever l'embargo" }
                }
            }
            p.hint { "Chaque changement et chaque levée sont inscrits au journal." }
        }
    }
}

fn render_page(
    viewer: &Viewer,
    row: &ElectionRow,
    stored: &Stored,
    draft: &Draft,
    notice: Markup,
    refusal: Option<&Refusal>,
) -> axum::response::Html<String> {
    let election_id = row.summary.id;
    let invalid = refusal.map_or("", |r| r.field.as_str());
    let body = html! {
        h1 { "Projecteur et embargo" }
        (notice)
        @if let Some(refusal) = refusal { (error_box(refusal)) }
        section aria-labelledby="address-title" {
            h2 #address-title { "Adresse du projecteur" }
            @if let Some(configuration) = &stored.configuration {
                @let path = format!("/projection/{election_id}?key={}", configuration.display_key);
                p {
                    "Ouvrez en plein écran (F11) sur l'ordinateur du projecteur : "
                    a #projector-link href=(path) { (path) }
                }
                p.hint {
                    "Cette adresse lit les résultats avant l'embargo : ne la diffusez pas. \
                     Réglages version " (configuration.version) ", par " (configuration.updated_by)
                    " le " (layout::day_and_clock(&configuration.updated_at)) "."
                }
            } @else {
                p { "Enregistrez les réglages une première fois pour créer l'adresse du projecteur." }
            }
            @if row.summary.rehearsal {
                p.message.warning role="status" {
                    "Cette élection est une simulation : le projecteur affiche SIMULATION sur \
                     chaque diapositive. Ce choix est fixé à la création de l'élection."
                }
            }
        }
        h2 { "Réglages" }
        (settings_form(election_id, viewer, draft, invalid))
        (logo_form(election_id, viewer, stored.has_logo))
        (embargo_form(election_id, viewer, stored.embargo.as_ref()))
    };
    layout::page(
        "Projecteur et embargo",
        viewer,
        Some(row),
        Section::Display,
        body,
        &[],
    )
}

/// `GET /admin/elections/{id}/display`.
pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(notice): Query<DisplayNotice>,
) -> Result<Response, PageError> {
    require_administrator(&viewer)?;
    let (row, _) = load(&state, &id).await?;
    let stored = read_stored(&state, row.summary.id).await?;
    let settings = stored
        .configuration
        .as_ref()
        .map(|c| c.settings.clone())
        .unwrap_or_default();
    let draft = Draft::from_settings(&settings);
    Ok(render_page(&viewer, &row, &stored, &draft, notice.render(), None).into_response())
}

/// Sends the page again with the refusal and the typed values; nothing was stored.
async fn refused(
    state: &WebState,
    viewer: &Viewer,
    row: &ElectionRow,
    draft: Option<Draft>,
    refusal: Refusal,
) -> Result<Response, PageError> {
    let stored = read_stored(state, row.summary.id).await?;
    let draft = draft.unwrap_or_else(|| {
        let settings = stored
            .configuration
            .as_ref()
            .map(|c| c.settings.clone())
            .unwrap_or_default();
        Draft::from_settings(&settings)
    });
    let html = render_page(viewer, row, &stored, &draft, html! {}, Some(&refusal));
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, html))
}

/// `POST /admin/elections/{id}/display`: stores the settings.
pub async fn save(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let (row, _) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let draft = Draft::from_fields(&submission.fields);
    let settings = match draft.to_settings() {
        Ok(settings) => settings,
        Err(refusal) => return refused(&state, &viewer, &row, Some(draft), refusal).await,
    };
    let actor = viewer.login().to_string();
    state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            let before = db::display::find(&transaction, election_id)?
                .and_then(|stored| serde_json::to_value(&stored.settings).ok());
            db::display::store(&transaction, election_id, &settings, &actor)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &actor,
                    election_id: Some(election_id),
                    action: "display.write",
                    target: "affichage",
                    before,
                    after: serde_json::to_value(&settings).ok(),
                    reason: None,
                },
            )?;
            let event =
                db::events::append(&transaction, Some(election_id), "display", None, None, None)?;
            transaction.commit()?;
            Ok(((), vec![event]))
        })
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/elections/{election_id}/display?done=settings"
    ))
    .into_response())
}

/// `POST /admin/elections/{id}/display/logo`: stores the town's logo.
pub async fn upload_logo(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let upload = read_upload(&viewer, &headers, multipart).await?;
    require_administrator(&viewer)?;
    let (row, _) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let refuse = |message: String| Refusal::new("logo".to_string(), message);
    let Some(file) = upload.files.into_iter().find(|f| f.field == "logo") else {
        let refusal = refuse(
            "logo : aucun fichier choisi ; choisissez une image PNG, JPEG ou WebP".to_string(),
        );
        return refused(&state, &viewer, &row, None, refusal).await;
    };
    if file.bytes.len() > MAX_LOGO_BYTES {
        let refusal = refuse(format!(
            "logo « {} » trop lourd ({} octets) : {} Mio au plus ; réduisez l'image",
            file.file_name,
            file.bytes.len(),
            MAX_LOGO_BYTES / (1024 * 1024)
        ));
        return refused(&state, &viewer, &row, None, refusal).await;
    }
    let Some(content_type) = image_type(&file.bytes) else {
        let refusal = refuse(format!(
            "logo « {} » refusé : ce fichier n'est ni un PNG, ni un JPEG, ni un WebP ; \
             enregistrez l'image dans l'un de ces formats",
            file.file_name
        ));
        return refused(&state, &viewer, &row, None, refusal).await;
    };
    let image = db::display::StoredImage {
        content_type: content_type.to_string(),
        sha256: hex::encode(Sha256::digest(&file.bytes)),
        body: file.bytes,
    };
    let actor = viewer.login().to_string();
    state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            db::display::store_logo(&transaction, &image)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &actor,
                    election_id: None,
                    action: "display.logo",
                    target: "logo",
                    before: None,
                    after: Some(json!({ "sha256": image.sha256, "bytes": image.body.len() })),
                    reason: None,
                },
            )?;
            // The logo serves every election, but the projector of this page's election
            // follows only its own events.
            let event =
                db::events::append(&transaction, Some(election_id), "display", None, None, None)?;
            transaction.commit()?;
            Ok(((), vec![event]))
        })
        .await?;
    Ok(Redirect::to(&format!("/admin/elections/{election_id}/display?done=logo")).into_response())
}

/// Parses the `datetime-local` value of the embargo form as Europe/Paris civil time.
fn parse_paris_time(text: &str) -> Result<DateTime<Utc>, String> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| {
            format!(
                "heure de fin d'embargo « {text} » invalide : indiquez la date et l'heure, par \
                 exemple 2026-03-15T20:00"
            )
        })?;
    match Paris.from_local_datetime(&naive) {
        chrono::LocalResult::Single(time) => Ok(time.with_timezone(&Utc)),
        // The hour repeated when clocks go back: the later one keeps results private
        // longer, which is the safe side.
        chrono::LocalResult::Ambiguous(_, later) => Ok(later.with_timezone(&Utc)),
        chrono::LocalResult::None => Err(format!(
            "heure de fin d'embargo « {text} » inexistante à Paris (changement d'heure) : \
             choisissez une heure hors du passage à l'heure d'été"
        )),
    }
}

/// `POST /admin/elections/{id}/embargo`: sets or lifts the results embargo.
pub async fn save_embargo(
    State(state): State<WebState>,
    Path(id): Path<String>,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    require_administrator(&viewer)?;
    let (row, _) = load(&state, &id).await?;
    let election_id = row.summary.id;
    let fields = submission.fields;
    let until = match fields.get("action") {
        Some("lift") => None,
        Some("set") => {
            let Some(text) = fields.text("until") else {
                let refusal = Refusal::new(
                    "embargo_until".to_string(),
                    "heure de fin d'embargo manquante : indiquez la date et l'heure, ou levez \
                     l'embargo"
                        .to_string(),
                );
                return refused(&state, &viewer, &row, None, refusal).await;
            };
            match parse_paris_time(&text) {
                Ok(until) => Some(until),
                Err(message) => {
                    let refusal = Refusal::new("embargo_until".to_string(), message);
                    return refused(&state, &viewer, &row, None, refusal).await;
                }
            }
        }
        other => {
            return Err(PageError::BadRequest(format!(
                "action d'embargo « {} » inconnue : rechargez la page et recommencez",
                other.unwrap_or_default()
            )));
        }
    };
    let actor = viewer.login().to_string();
    state
        .app
        .write(move |connection| {
            let transaction = db::write_transaction(connection)?;
            let before = db::display::embargo(&transaction, election_id)?;
            db::display::store_embargo(&transaction, election_id, until, &actor)?;
            let after = db::display::embargo(&transaction, election_id)?;
            db::audit::append(
                &transaction,
                &AuditRecord {
                    actor: &actor,
                    election_id: Some(election_id),
                    action: "embargo.write",
                    target: "embargo des résultats",
                    before: before.map(|e| json!({ "until": e.until })),
                    after: after.as_ref().map(|e| json!({ "until": e.until })),
                    reason: None,
                },
            )?;
            let event =
                db::events::append(&transaction, Some(election_id), "embargo", None, None, None)?;
            transaction.commit()?;
            Ok(((), vec![event]))
        })
        .await?;
    let done = if until.is_some() {
        "embargo"
    } else {
        "embargo_lifted"
    };
    Ok(Redirect::to(&format!(
        "/admin/elections/{election_id}/display?done={done}"
    ))
    .into_response())
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
            ("slide_position_6", "1"),
            ("slide_position_0", "7"),
            ("slide_shown_4", ""),
        ]))
        .to_settings()
        .unwrap();
        let kinds: Vec<&str> = settings.slides.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["qr", "commune", "stations", "hundreds", "status", "turnout"]
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

    #[test]
    fn paris_time_in_winter() {
        let until = parse_paris_time("2026-03-15T20:00").unwrap();
        assert_eq!(until.to_rfc3339(), "2026-03-15T19:00:00+00:00");
        assert!(parse_paris_time("15/03/2026 20h").is_err());
        assert!(
            parse_paris_time("2026-03-29T02:30").is_err(),
            "skipped hour"
        );
    }
}
