//! The public results site as a set of static files: HTML pages with server-drawn SVG
//! charts, and the same figures as JSON and CSV. An election under embargo gets a page
//! that gives the release time and no figure.

use super::charts::{self, SeatGroup, percent_text};
use crate::db;
use crate::service::ServiceError;
use crate::views::{self, View};
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use urne_common::results::{
    AreaResults, ElectionResults, HundredsView, StationResults, TurnoutView,
};

const STYLE: &str = include_str!("../../static/public/site.css");

/// One generated file.
#[derive(Debug, Clone)]
pub struct SiteFile {
    pub content_type: &'static str,
    pub body: Bytes,
    /// Quoted strong ETag: the first 16 hex digits of the body's SHA-256.
    pub etag: String,
}

/// Every file of the site, keyed by path relative to the site's root (`12/index.html`).
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub files: BTreeMap<String, SiteFile>,
    /// Earliest pending embargo time: the site must be generated again then.
    pub next_release: Option<DateTime<Utc>>,
}

impl Site {
    fn add(&mut self, path: String, content_type: &'static str, body: Vec<u8>) {
        let digest = Sha256::digest(&body);
        let etag = format!("\"{}\"", &hex::encode(digest)[..16]);
        self.files.insert(
            path,
            SiteFile {
                content_type,
                body: Bytes::from(body),
                etag,
            },
        );
    }

    fn add_html(&mut self, path: String, markup: Markup) {
        self.add(
            path,
            "text/html; charset=utf-8",
            markup.into_string().into_bytes(),
        );
    }
}

/// Renders a view and parses it back into its type.
fn view<T: serde::de::DeserializeOwned>(
    connection: &Connection,
    id: i64,
    which: View,
) -> Result<(Vec<u8>, T), ServiceError> {
    let (_, body) = views::render(connection, id, which)?;
    let parsed = serde_json::from_slice(&body).map_err(|e| ServiceError::Internal(e.into()))?;
    Ok((body, parsed))
}

/// Formats a stored Paris time (`2024-06-30T21:04:12+02:00`) as "21 h 04 min 12 s".
pub fn clock_text(paris_rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(paris_rfc3339)
        .map(|time| time.format("%H h %M min %S s").to_string())
        .unwrap_or_default()
}

/// Generates the site as of `now`, for every election of the database or for `only` one.
pub fn generate(
    connection: &Connection,
    now: DateTime<Utc>,
    only: Option<i64>,
) -> Result<Site, ServiceError> {
    let mut site = Site::default();
    site.add(
        "style.css".to_string(),
        "text/css; charset=utf-8",
        STYLE.into(),
    );
    let mut elections = db::elections::list(connection)?;
    elections.retain(|row| only.is_none_or(|id| row.summary.id == id));
    let mut listed = Vec::new();
    for row in &elections {
        let id = row.summary.id;
        let embargo = db::display::embargo(connection, id)?.filter(|e| e.is_active(now));
        if let Some(embargo) = &embargo {
            site.next_release = Some(
                site.next_release
                    .map_or(embargo.until, |next| next.min(embargo.until)),
            );
            site.add_html(format!("{id}/index.html"), embargo_page(row, embargo.until));
        } else {
            generate_election(connection, id, &mut site)?;
        }
        listed.push((row, embargo.is_some()));
    }
    site.add_html("index.html".to_string(), home_page(&listed));
    Ok(site)
}

fn layout(title: &str, depth: usize, rehearsal: bool, body: Markup) -> Markup {
    let root = "../".repeat(depth);
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href=(format!("{root}style.css"));
            }
            body {
                header {
                    a href=(format!("{root}index.html")) { "Résultats des élections" }
                }
                main {
                    @if rehearsal {
                        p class="simulation" { "SIMULATION — ces chiffres ne sont pas des résultats officiels" }
                    }
                    (body)
                }
                footer { p { "Résultats publiés par la mairie. Données ouvertes : JSON et CSV sur chaque page d'élection." } }
            }
        }
    }
}

fn home_page(listed: &[(&db::elections::ElectionRow, bool)]) -> Markup {
    layout(
        "Résultats des élections",
        0,
        false,
        html! {
            h1 { "Résultats des élections" }
            ul class="elections" {
                @for (row, embargoed) in listed {
                    li {
                        a href=(format!("{}/index.html", row.summary.id)) {
                            (row.summary.label) " — " (row.summary.commune_name)
                        }
                        " (" (row.summary.date.format("%d/%m/%Y")) ")"
                        @if *embargoed { " : résultats à venir" }
                        @if row.summary.rehearsal { " — simulation" }
                    }
                }
            }
        },
    )
}

fn embargo_page(row: &db::elections::ElectionRow, until: DateTime<Utc>) -> Markup {
    let local = until.with_timezone(&chrono_tz::Europe::Paris);
    layout(
        &row.summary.label,
        1,
        row.summary.rehearsal,
        html! {
            h1 { (row.summary.label) " — " (row.summary.commune_name) }
            p class="embargo" {
                "Les résultats seront publiés à partir de " (local.format("%H h %M"))
                " le " (local.format("%d/%m/%Y")) "."
            }
        },
    )
}

fn slug(code: &str) -> String {
    code.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn generate_election(
    connection: &Connection,
    id: i64,
    site: &mut Site,
) -> Result<(), ServiceError> {
    let (results_json, results): (_, ElectionResults) = view(connection, id, View::Results)?;
    let (turnout_json, turnout): (_, TurnoutView) = view(connection, id, View::Turnout)?;
    let (hundreds_json, hundreds): (_, HundredsView) = view(connection, id, View::Hundreds)?;
    let previous = match db::display::previous_comparable(connection, id)? {
        Some(previous) => Some(view::<TurnoutView>(connection, previous, View::Turnout)?.1),
        None => None,
    };
    let seats = if results.election.kind.is_list_ballot() {
        let (body, value): (_, serde_json::Value) = view(connection, id, View::Seats)?;
        site.add(format!("{id}/sieges.json"), "application/json", body);
        Some(value)
    } else {
        None
    };
    let stamp =
        db::display::latest_event(connection, id)?.map(|(_, at)| clock_text(&db::to_paris(&at)));
    let rehearsal = results.election.rehearsal;
    site.add(
        format!("{id}/resultats.json"),
        "application/json",
        results_json,
    );
    site.add(
        format!("{id}/participation.json"),
        "application/json",
        turnout_json,
    );
    site.add(
        format!("{id}/centaines.json"),
        "application/json",
        hundreds_json,
    );
    site.add(
        format!("{id}/resultats-bureaux.csv"),
        "text/csv; charset=utf-8",
        stations_csv(&results),
    );
    site.add(
        format!("{id}/participation.csv"),
        "text/csv; charset=utf-8",
        turnout_csv(&turnout),
    );
    site.add(
        format!("{id}/centaines.csv"),
        "text/csv; charset=utf-8",
        hundreds_csv(&hundreds),
    );

    let race_list = db::communes::list(connection, id)?;
    let race_name = race_list
        .area
        .as_ref()
        .filter(|_| !race_list.communes.is_empty())
        .map(|area| area.name.clone());
    let context = PageContext {
        results: &results,
        stamp: stamp.as_deref(),
        has_seats: seats.is_some(),
        race: race_name.as_deref(),
    };
    site.add_html(
        format!("{id}/index.html"),
        layout(
            &results.election.label,
            1,
            rehearsal,
            commune_page(&context),
        ),
    );
    for station in &results.stations {
        site.add_html(
            format!("{id}/bureau-{}.html", slug(station.code.as_str())),
            layout(
                &format!(
                    "Bureau {} — {}",
                    station.code.as_str(),
                    results.election.label
                ),
                1,
                rehearsal,
                station_page(&context, station),
            ),
        );
    }
    for (prefix, areas) in [
        ("canton", &results.cantons),
        ("circonscription", &results.constituencies),
    ] {
        for area in areas {
            site.add_html(
                format!("{id}/{prefix}-{}.html", slug(&area.code)),
                layout(
                    &format!("{} — {}", area.name, results.election.label),
                    1,
                    rehearsal,
                    area_page(&context, area),
                ),
            );
        }
    }
    site.add_html(
        format!("{id}/participation.html"),
        layout(
            &format!("Participation — {}", results.election.label),
            1,
            rehearsal,
            turnout_page(&context, &turnout, previous.as_ref()),
        ),
    );
    site.add_html(
        format!("{id}/centaines.html"),
        layout(
            &format!("Centaines — {}", results.election.label),
            1,
            rehearsal,
            hundreds_page(&context, &hundreds),
        ),
    );
    race_files(connection, id, &context, site)?;
    if let Some(seats) = &seats {
        site.add_html(
            format!("{id}/sieges.html"),
            layout(
                &format!("Sièges — {}", results.election.label),
                1,
                rehearsal,
                seats_page(&context, seats),
            ),
        );
    }
    Ok(())
}

struct PageContext<'a> {
    results: &'a ElectionResults,
    stamp: Option<&'a str>,
    has_seats: bool,
    /// Name of the constituency or canton when other communes are listed.
    race: Option<&'a str>,
}

fn heading(context: &PageContext<'_>, subtitle: &str) -> Markup {
    let election = &context.results.election;
    html! {
        h1 { (election.label) " — " (election.commune_name) }
        p class="subtitle" { (subtitle) }
        @if let Some(stamp) = context.stamp {
            p class="stamp" { "Données de " (stamp) }
        }
        nav aria-label="Pages de l'élection" {
            ul {
                li { a href="index.html" { "Commune" } }
                li { a href="participation.html" { "Participation" } }
                li { a href="centaines.html" { "Centaines" } }
                @if context.has_seats { li { a href="sieges.html" { "Sièges" } } }
            }
        }
    }
}

/// The figures and the candidates' table of an area (commune, canton, constituency).
fn area_figures(area: &AreaResults) -> Markup {
    html! {
        p class="progress" { (area.progress.label) " dépouillés" }
        @if area.progress.counted == 0 {
            p { "Aucun bureau n'est encore dépouillé." }
        } @else {
            (charts::bars_svg(area))
            table {
                caption { "Voix par candidat, " (area.progress.label) }
                thead { tr {
                    th scope="col" { "N°" } th scope="col" { "Candidat" }
                    th scope="col" { "Voix" } th scope="col" { "% des exprimés" }
                    th scope="col" { "% des inscrits" }
                } }
                tbody {
                    @for candidate in &area.candidates {
                        tr {
                            td { (candidate.ballot_number) }
                            th scope="row" { (candidate.name) }
                            td class="number" { (candidate.votes) }
                            td class="number" { (percent_text(&candidate.share_of_valid_votes)) }
                            td class="number" { (percent_text(&candidate.share_of_registered)) }
                        }
                    }
                }
            }
            dl class="figures" {
                dt { "Inscrits (bureaux dépouillés)" } dd { (area.registered_counted) }
                dt { "Votants" } dd { (area.voters) " (" (percent_text(&area.turnout_of_counted)) ")" }
                dt { "Blancs" } dd { (area.blank) " (" (percent_text(&area.blank_share)) ")" }
                dt { "Nuls" } dd { (area.invalid) " (" (percent_text(&area.invalid_share)) ")" }
                dt { "Exprimés" } dd { (area.valid_votes) }
            }
        }
    }
}

fn commune_page(context: &PageContext<'_>) -> Markup {
    let results = context.results;
    html! {
        (heading(context, "Résultats de la commune"))
        (area_figures(&results.commune))
        h2 { "Bureaux de vote" }
        ul class="stations" {
            @for station in &results.stations {
                li {
                    a href=(format!("bureau-{}.html", slug(station.code.as_str()))) {
                        "Bureau " (station.code.as_str()) " — " (station.name)
                    }
                    " : " (station.status_label)
                }
            }
        }
        @if !results.cantons.is_empty() {
            h2 { "Cantons" }
            ul { @for area in &results.cantons {
                li { a href=(format!("canton-{}.html", slug(&area.code))) { (area.name) } }
            } }
        }
        @if !results.constituencies.is_empty() {
            h2 { "Circonscriptions" }
            ul { @for area in &results.constituencies {
                li { a href=(format!("circonscription-{}.html", slug(&area.code))) { (area.name) } }
            } }
        }
        h2 { "Données ouvertes" }
        ul {
            li { a href="resultats.json" { "Résultats (JSON)" } }
            li { a href="resultats-bureaux.csv" { "Résultats par bureau (CSV)" } }
            li { a href="participation.json" { "Participation (JSON)" } }
            li { a href="participation.csv" { "Participation (CSV)" } }
            li { a href="centaines.json" { "Centaines (JSON)" } }
            li { a href="centaines.csv" { "Centaines (CSV)" } }
            @if context.has_seats { li { a href="sieges.json" { "Sièges (JSON)" } } }
        }
        @if let Some(name) = context.race {
            h2 { "Toutes les communes" }
            p { a href="regroupement.html" { "Résultats de la " (name) ", avec les autres communes" } }
            ul {
                li { a href="regroupement.json" { "Toutes les communes (JSON)" } }
                li { a href="regroupement-communes.csv" { "Toutes les communes (CSV)" } }
            }
        }
    }
}

fn area_page(context: &PageContext<'_>, area: &AreaResults) -> Markup {
    html! {
        (heading(context, &area.name))
        (area_figures(area))
    }
}

fn station_page(context: &PageContext<'_>, station: &StationResults) -> Markup {
    let names: BTreeMap<u32, &str> = context
        .results
        .commune
        .candidates
        .iter()
        .map(|c| (c.ballot_number, c.name.as_str()))
        .collect();
    html! {
        (heading(context, &format!("Bureau {} — {}", station.code.as_str(), station.name)))
        p { "État : " (station.status_label) }
        @match &station.count {
            Some(count) if station.status.is_counted() => {
                table {
                    caption { "Voix du bureau " (station.code.as_str()) }
                    thead { tr {
                        th scope="col" { "N°" } th scope="col" { "Candidat" }
                        th scope="col" { "Voix" } th scope="col" { "% des exprimés" }
                    } }
                    tbody {
                        @for votes in &station.votes {
                            tr {
                                td { (votes.ballot_number) }
                                th scope="row" { (names.get(&votes.ballot_number).copied().unwrap_or("")) }
                                td class="number" { (votes.votes) }
                                td class="number" { (percent_text(&votes.share_of_valid_votes)) }
                            }
                        }
                    }
                }
                dl class="figures" {
                    dt { "Inscrits" } dd { (count.registered) }
                    dt { "Votants" } dd { (count.voters)
                        @if let Some(turnout) = &station.turnout { " (" (percent_text(turnout)) ")" } }
                    dt { "Blancs" } dd { (count.blank) }
                    dt { "Nuls" } dd { (count.invalid) }
                    dt { "Exprimés" } dd { (count.valid_votes) }
                }
            }
            _ => { p { "Résultats non encore arrivés." } }
        }
    }
}

fn turnout_page(
    context: &PageContext<'_>,
    turnout: &TurnoutView,
    previous: Option<&TurnoutView>,
) -> Markup {
    html! {
        (heading(context, "Participation par créneau horaire"))
        (charts::turnout_svg(turnout, previous))
        table {
            caption { "Participation par créneau" }
            thead { tr {
                th scope="col" { "Créneau" } th scope="col" { "Bureaux" }
                th scope="col" { "Votants" } th scope="col" { "% des inscrits des bureaux ayant transmis" }
                @if previous.is_some() { th scope="col" { "Élection précédente" } }
            } }
            tbody {
                @for slot in &turnout.slots {
                    tr {
                        th scope="row" { (slot.slot) }
                        td { (slot.progress.label) }
                        td class="number" { (slot.voters) }
                        td class="number" { (percent_text(&slot.turnout_of_reported)) }
                        @if let Some(previous) = previous {
                            td class="number" {
                                (previous.slots.iter().find(|s| s.slot == slot.slot)
                                    .map_or("—".to_string(), |s| percent_text(&s.turnout_of_reported)))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn hundreds_page(context: &PageContext<'_>, hundreds: &HundredsView) -> Markup {
    html! {
        (heading(context, "Tendance des centaines"))
        p { "Les centaines sont les premiers bulletins dépouillés de chaque bureau : une tendance, pas un résultat." }
        @for hundred in &hundreds.hundreds {
            h2 { (hundred.label) }
            p { (hundred.progress.label) }
            table {
                caption { (hundred.label) }
                thead { tr {
                    th scope="col" { "Candidat" } th scope="col" { "Voix" } th scope="col" { "Part" }
                } }
                tbody {
                    @for candidate in &hundred.candidates {
                        tr {
                            th scope="row" { (candidate.name) }
                            td class="number" { (candidate.votes) }
                            td class="number" { (percent_text(&candidate.share_of_votes)) }
                        }
                    }
                }
            }
        }
    }
}

/// The lists' seat groups of the municipal council, or `None` before seats are computed.
pub fn municipal_groups(
    results: &ElectionResults,
    seats: &serde_json::Value,
) -> Option<Vec<SeatGroup>> {
    let lists = seats["municipal_council"]["allocation"]["lists"].as_array()?;
    let groups = lists
        .iter()
        .filter_map(|list| {
            let number = u32::try_from(list["ballot_number"].as_u64()?).ok()?;
            let seats = u32::try_from(list["seats"].as_u64()?).ok()?;
            let candidate = results
                .commune
                .candidates
                .iter()
                .find(|c| c.ballot_number == number)?;
            Some(SeatGroup {
                label: candidate.name.clone(),
                colour: charts::colour_of(candidate.colour.as_deref(), number),
                seats,
            })
        })
        .filter(|group| group.seats > 0)
        .collect();
    Some(groups)
}

fn seats_page(context: &PageContext<'_>, seats: &serde_json::Value) -> Markup {
    let groups = municipal_groups(context.results, seats);
    let provisional = seats["provisional"].as_bool().unwrap_or(true);
    html! {
        (heading(context, "Répartition des sièges du conseil municipal"))
        @match groups {
            Some(groups) => {
                @if provisional { p class="provisional" { "Répartition provisoire : tous les bureaux ne sont pas dépouillés." } }
                (charts::hemicycle_svg(&groups, "Conseil municipal"))
            }
            None => {
                p { (seats["municipal_council"]["message"].as_str()
                    .unwrap_or("Sièges non encore calculés.")) }
            }
        }
    }
}

fn csv_bytes(rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(&row);
    }
    writer.into_inner().unwrap_or_default()
}

fn stations_csv(results: &ElectionResults) -> Vec<u8> {
    let mut header: Vec<String> = [
        "code_bureau",
        "nom",
        "etat",
        "inscrits",
        "votants",
        "blancs",
        "nuls",
        "exprimes",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    for candidate in &results.commune.candidates {
        header.push(format!("voix_{}", candidate.ballot_number));
    }
    let mut rows = vec![header];
    for station in &results.stations {
        let mut row = vec![
            station.code.as_str().to_string(),
            station.name.clone(),
            station.status.as_str().to_string(),
            station.registered.to_string(),
        ];
        match &station.count {
            Some(count) if station.status.is_counted() => {
                row.extend([
                    count.voters.to_string(),
                    count.blank.to_string(),
                    count.invalid.to_string(),
                    count.valid_votes.to_string(),
                ]);
                for candidate in &results.commune.candidates {
                    let votes = count
                        .votes
                        .get(&candidate.ballot_number)
                        .copied()
                        .unwrap_or(0);
                    row.push(votes.to_string());
                }
            }
            _ => row.extend(std::iter::repeat_n(
                String::new(),
                4 + results.commune.candidates.len(),
            )),
        }
        rows.push(row);
    }
    csv_bytes(rows)
}

fn turnout_csv(turnout: &TurnoutView) -> Vec<u8> {
    let mut rows = vec![
        [
            "creneau",
            "code_bureau",
            "inscrits",
            "votants",
            "pourcentage",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect::<Vec<_>>(),
    ];
    for slot in &turnout.slots {
        for station in &slot.stations {
            rows.push(vec![
                slot.slot.clone(),
                station.code.as_str().to_string(),
                station.registered.to_string(),
                station
                    .entry
                    .as_ref()
                    .map_or(String::new(), |e| e.voters.to_string()),
                station
                    .share
                    .as_ref()
                    .and_then(|s| s.percent.clone())
                    .unwrap_or_default(),
            ]);
        }
    }
    csv_bytes(rows)
}

fn hundreds_csv(hundreds: &HundredsView) -> Vec<u8> {
    let mut rows = vec![
        ["centaine", "numero", "candidat", "voix", "pourcentage"]
            .iter()
            .map(|s| (*s).to_string())
            .collect::<Vec<_>>(),
    ];
    for hundred in &hundreds.hundreds {
        for candidate in &hundred.candidates {
            rows.push(vec![
                hundred.label.clone(),
                candidate.ballot_number.to_string(),
                candidate.name.clone(),
                candidate.votes.to_string(),
                candidate.share_of_votes.percent.clone().unwrap_or_default(),
            ]);
        }
    }
    csv_bytes(rows)
}

/// Inline markup for callers that embed a chart in JSON.
pub fn markup_string(markup: Markup) -> String {
    let PreEscaped(text) = markup;
    text
}

/// Adds the page, JSON and CSV of the whole constituency or canton, when other communes
/// are listed.
fn race_files(
    connection: &Connection,
    id: i64,
    context: &PageContext<'_>,
    site: &mut Site,
) -> Result<(), ServiceError> {
    if context.race.is_none() {
        return Ok(());
    }
    let (body, race): (_, serde_json::Value) = view(connection, id, View::Race)?;
    site.add(format!("{id}/regroupement.json"), "application/json", body);
    let area: AreaResults = serde_json::from_value(race["area"].clone())
        .map_err(|e| ServiceError::Internal(e.into()))?;
    let label = race["label"].as_str().unwrap_or_default().to_string();
    let communes = race["communes"].as_array().cloned().unwrap_or_default();
    let mut rows = vec![vec![
        "code_insee".to_string(),
        "commune".to_string(),
        "etat".to_string(),
        "inscrits".to_string(),
        "votants".to_string(),
        "exprimes".to_string(),
    ]];
    for commune in &communes {
        let count = &commune["count"];
        let cell = |field: &str| {
            count[field]
                .as_u64()
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        rows.push(vec![
            commune["insee_code"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            commune["name"].as_str().unwrap_or_default().to_string(),
            commune["status"].as_str().unwrap_or_default().to_string(),
            commune["registered"].to_string(),
            cell("voters"),
            cell("valid_votes"),
        ]);
    }
    site.add(
        format!("{id}/regroupement-communes.csv"),
        "text/csv; charset=utf-8",
        csv_bytes(rows),
    );
    let title = format!("{} — {}", area.name, context.results.election.label);
    let page = html! {
        (heading(context, &format!("{} : toutes les communes", area.name)))
        p class="subtitle" { (label) }
        (area_figures(&area))
        h2 { "Communes" }
        table {
            caption { "Résultats transmis par les autres communes" }
            thead { tr {
                th scope="col" { "Commune" } th scope="col" { "État" }
                th scope="col" { "Votants" } th scope="col" { "Exprimés" }
            } }
            tbody {
                tr {
                    th scope="row" { (context.results.commune.name) }
                    td { (context.results.commune.progress.label) }
                    td class="number" { (context.results.commune.voters) }
                    td class="number" { (context.results.commune.valid_votes) }
                }
                @for commune in &communes {
                    tr {
                        th scope="row" { (commune["name"].as_str().unwrap_or_default()) }
                        td { (commune["status_label"].as_str().unwrap_or_default()) }
                        td class="number" { (commune["count"]["voters"].as_u64().map(|v| v.to_string()).unwrap_or_else(|| "—".into())) }
                        td class="number" { (commune["count"]["valid_votes"].as_u64().map(|v| v.to_string()).unwrap_or_else(|| "—".into())) }
                    }
                }
            }
        }
    };
    site.add_html(
        format!("{id}/regroupement.html"),
        layout(&title, 1, context.results.election.rehearsal, page),
    );
    Ok(())
}
