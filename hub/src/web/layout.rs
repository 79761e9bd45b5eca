//! The page shell shared by every page (header, navigation, skip link) and small
//! rendering helpers.

use super::assets;
use super::auth::Viewer;
use crate::db::elections::{ElectionRow, ElectionState};
use crate::db::users::Role;
use axum::response::Html;
use maud::{DOCTYPE, Markup, html};
use urne_common::count::StationStatus;
use urne_common::share::Share;

/// Which part of an election the page shows, to mark it in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Elections,
    Board,
    Turnout,
    Hundreds,
    Results,
    Audit,
    Configuration,
    Display,
    /// The other communes of the race and their totals.
    Communes,
    Analysis,
}

fn document(title: &str, header: Markup, body: Markup, scripts: &[&str]) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Urne" }
                link rel="stylesheet" href=(assets::url("admin.css"));
                @for script in scripts {
                    script src=(assets::url(script)) defer {}
                }
            }
            body {
                a.skip href="#contenu" { "Aller au contenu" }
                (header)
                main #contenu tabindex="-1" { (body) }
            }
        }
    };
    Html(markup.into_string())
}

/// A page without navigation: login and error pages.
pub fn bare_page(title: &str, body: Markup) -> Html<String> {
    let header = html! {
        header.top {
            p.brand { a href="/admin/elections" { "Urne" } " · service des élections" }
        }
    };
    document(title, header, body, &[])
}

/// A page of the interface for a signed-in user, inside an election when `election` is
/// given.
pub fn page(
    title: &str,
    viewer: &Viewer,
    election: Option<&ElectionRow>,
    section: Section,
    body: Markup,
    scripts: &[&str],
) -> Html<String> {
    let user = viewer.user();
    let link = |target: Section, href: String, label: &str| {
        html! {
            @if target == section {
                a href=(href) aria-current="page" { (label) }
            } @else {
                a href=(href) { (label) }
            }
        }
    };
    let header = html! {
        header.top {
            p.brand { a href="/admin/elections" { "Urne" } " · service des élections" }
            @if let Some(row) = election {
                p.election {
                    (row.summary.label)
                    " "
                    (state_badge(row.state))
                    @if row.summary.rehearsal { " " span.badge.rehearsal { "SIMULATION" } }
                }
            }
            form.account method="post" action="/admin/logout" {
                span { (user.login) " (" (user.role.label_fr()) ")" }
                (csrf_field(viewer))
                button.link type="submit" { "Se déconnecter" }
            }
        }
        nav.main aria-label="Navigation" {
            ul {
                li { (link(Section::Elections, "/admin/elections".to_string(), "Élections")) }
                li { (link(Section::Configuration, "/admin/configuration".to_string(), "Configuration")) }
                li { (link(Section::Analysis, "/admin/analysis".to_string(), "Analyse")) }
                @if let Some(row) = election {
                    @let base = format!("/admin/elections/{}", row.summary.id);
                    li { (link(Section::Board, format!("{base}/board"), "Tableau de bord")) }
                    li { (link(Section::Turnout, format!("{base}/turnout"), "Participation")) }
                    li { (link(Section::Hundreds, format!("{base}/hundreds"), "Centaines")) }
                    li { (link(Section::Results, format!("{base}/results"), "Résultats")) }
                    @if row.summary.kind != urne_common::election::ElectionKind::Municipal {
                        li { (link(Section::Communes, format!("{base}/communes"), "Autres communes")) }
                    }
                    li { (link(Section::Audit, format!("{base}/audit"), "Journal")) }
                    @if user.role == Role::Administrator {
                        li { (link(Section::Display, format!("{base}/display"), "Projecteur")) }
                    }
                }
            }
        }
    };
    document(title, header, body, scripts)
}

/// The hidden field that carries the session's CSRF token.
pub fn csrf_field(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="csrf" value=(viewer.csrf()); }
}

pub fn state_badge(state: ElectionState) -> Markup {
    html! { span class={ "badge state-" (state.as_str()) } { (state.label_fr()) } }
}

pub fn status_badge(status: StationStatus) -> Markup {
    html! { span class={ "badge status-" (status.as_str()) } { (status.label_fr()) } }
}

/// Formats a share as `37,23 %`, or a dash when its denominator is zero.
pub fn percent(share: &Share) -> String {
    share
        .percent
        .as_ref()
        .map_or_else(|| "—".to_string(), |p| format!("{p} %"))
}

/// Returns the time of day of a stored Europe/Paris timestamp (`20:04:12`).
pub fn clock(timestamp: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(timestamp)
        .map(|time| time.format("%H:%M:%S").to_string())
        .unwrap_or_else(|_| timestamp.to_string())
}

/// Returns the day and time of a stored Europe/Paris timestamp (`15/03 20:04:12`).
pub fn day_and_clock(timestamp: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(timestamp)
        .map(|time| time.format("%d/%m %H:%M:%S").to_string())
        .unwrap_or_else(|_| timestamp.to_string())
}

/// A message box: `kind` is `error`, `warning` or `success`. Errors are announced to
/// screen readers at once.
pub fn message(kind: &str, text: &str) -> Markup {
    html! {
        @if kind == "error" {
            p class={ "message " (kind) } role="alert" { (text) }
        } @else {
            p class={ "message " (kind) } role="status" { (text) }
        }
    }
}

/// One row of a [`comparison`]: the field's label, the viewer's value, the stored value.
pub struct ComparedField {
    pub label: String,
    pub mine: String,
    pub theirs: String,
}

/// Renders the viewer's figures beside the ones `author` stored at `at` while the viewer
/// was typing, marking the rows that differ in words as well as in colour.
pub fn comparison(title: &str, author: &str, at: &str, rows: &[ComparedField]) -> Markup {
    let shown = |value: &str| {
        if value.trim().is_empty() {
            "—".to_string()
        } else {
            value.trim().to_string()
        }
    };
    html! {
        section.conflict #conflict aria-labelledby="conflict-title" {
            h2 #conflict-title { (title) }
            p {
                "Rien n'a été écrasé. Comparez les deux saisies avec le procès-verbal : pour \
                 garder la vôtre, enregistrez à nouveau le formulaire ci-dessous ; pour garder \
                 l'autre, "
                a href="" { "rechargez la page" } "."
            }
            table.compare {
                caption.visually-hidden { "Comparaison des deux saisies" }
                thead { tr {
                    th scope="col" { "Champ" }
                    th scope="col" { "Votre saisie" }
                    th scope="col" { "Saisie de " (author) " à " (clock(at)) }
                    th scope="col" { "Écart" }
                } }
                tbody {
                    @for row in rows {
                        @let differs = row.mine.trim() != row.theirs.trim();
                        tr.diff[differs] {
                            th scope="row" { (row.label) }
                            td.number { (shown(&row.mine)) }
                            td.number { (shown(&row.theirs)) }
                            td { @if differs { "différent" } }
                        }
                    }
                }
            }
        }
    }
}
