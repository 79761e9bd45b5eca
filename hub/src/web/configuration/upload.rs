//! File uploads (`multipart/form-data`), read with the origin and CSRF checks that
//! [`crate::web::auth::Submission`] applies to URL-encoded forms, and the import of
//! stations and candidates files into the reference configuration.

use super::{
    Notice, Tab, audit, config_page, is_administrator, redirect_done, refusal,
    require_administrator,
};
use crate::db::reference::{self, Area, AreaKind, Party, ReferenceCandidate, ReferenceCommune};
use crate::import::{self, ImportOptions, ImportedElection};
use crate::web::WebState;
use crate::web::auth::Viewer;
use crate::web::form::Fields;
use crate::web::layout;
use crate::web::page_error::PageError;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use std::collections::BTreeSet;

/// A file sent with a form.
pub struct UploadedFile {
    /// Name of the form field.
    pub field: String,
    /// Name of the file on the sender's computer.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A `multipart/form-data` form whose origin and CSRF token were checked.
pub struct Upload {
    pub fields: Fields,
    pub files: Vec<UploadedFile>,
}

/// Compares two secrets in time that depends only on their lengths.
fn same_secret(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left
            .bytes()
            .zip(right.bytes())
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// Rejects a form sent from another site: when the browser names the page's origin, its
/// host must be the hub's own.
fn check_origin(headers: &HeaderMap) -> Result<(), PageError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or_default();
    if !host.is_empty() && origin_host.eq_ignore_ascii_case(host) {
        return Ok(());
    }
    Err(PageError::Forbidden(format!(
        "formulaire envoyé depuis une autre origine ({origin}) : rien n'a été enregistré ; \
         envoyez-le depuis les pages du hub"
    )))
}

/// Reads every part of an upload, then checks the CSRF token. Parts without a file name
/// are text fields; a file input left empty sends a part with an empty name, skipped here.
pub async fn read_upload(
    viewer: &Viewer,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Upload, PageError> {
    check_origin(headers)?;
    let unreadable = |detail: String| {
        PageError::BadRequest(format!(
            "envoi de fichier illisible ({detail}) : rechargez la page et recommencez ; un \
             fichier fait au plus {} Mio",
            super::MAX_UPLOAD_BYTES / (1024 * 1024)
        ))
    };
    let mut multipart = multipart.map_err(|rejection| unreadable(rejection.body_text()))?;
    let mut fields = Vec::new();
    let mut files = Vec::new();
    while let Some(part) = multipart
        .next_field()
        .await
        .map_err(|error| unreadable(error.body_text()))?
    {
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(str::to_string);
        let bytes = part
            .bytes()
            .await
            .map_err(|error| unreadable(error.body_text()))?;
        match file_name {
            Some(file_name) if file_name.is_empty() && bytes.is_empty() => {}
            Some(file_name) => files.push(UploadedFile {
                field: name,
                file_name,
                bytes: bytes.to_vec(),
            }),
            None => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    let fields = Fields(fields);
    if !same_secret(fields.get("csrf").unwrap_or_default(), viewer.csrf()) {
        tracing::warn!(
            login = viewer.login(),
            "upload rejected: CSRF token missing or wrong"
        );
        return Err(PageError::Forbidden(
            "jeton de sécurité du formulaire absent ou invalide : rien n'a été enregistré ; \
             rechargez la page et recommencez"
                .to_string(),
        ));
    }
    Ok(Upload { fields, files })
}

const PATH: &str = "/admin/configuration/import";

fn import_body(viewer: &Viewer, notice: Markup, error: Option<&str>, commune: &str) -> Markup {
    html! {
        (notice)
        @if let Some(error) = error { (refusal(error)) }
        p {
            "Importe les bureaux (avec leurs inscrits) et les candidats d'un ou plusieurs \
             fichiers que le hub sait lire : fichiers d'Urne (bureaux, candidats), fichiers du \
             ministère de l'Intérieur, fichier de Toulouse Métropole. Choisissez ensemble les \
             fichiers qui vont ensemble, par exemple bureaux et candidats."
        }
        ul {
            li { "Tout ou rien : au moindre problème, rien n'est enregistré et le message \
                  indique le fichier, la ligne, la colonne et la correction." }
            li { "Un bureau déjà configuré avec le même code est remplacé ; un candidat déjà \
                  configuré avec les mêmes nom, prénom et liste est mis à jour." }
            li { "Les nuances, cantons et circonscriptions inconnus sont ajoutés avec leur code \
                  pour nom ; renommez-les ensuite." }
            li { "Les résultats éventuellement présents dans les fichiers sont ignorés : \
                  importez-les avec « urne-hub import »." }
        }
        @if is_administrator(viewer) {
            form.config method="post" action=(PATH) enctype="multipart/form-data" {
                (layout::csrf_field(viewer))
                fieldset {
                    legend { "Fichiers à importer" }
                    p.field {
                        label for="files" { "Fichiers CSV" }
                        input #files type="file" name="files" multiple required
                            accept=".csv,.txt,text/csv";
                    }
                    p.field {
                        label for="commune_filter" { "Code INSEE à garder (fichiers nationaux)" }
                        input #commune_filter type="text" name="commune_filter" value=(commune)
                            maxlength="5" size="6" autocomplete="off"
                            aria-describedby="commune_filter-hint";
                        span.hint #commune_filter-hint { "laisser vide pour un fichier d'une seule commune" }
                    }
                    p { button.primary type="submit" { "Importer" } }
                }
            }
        }
    }
}

/// `GET /admin/configuration/import`.
pub async fn import_page(viewer: Viewer, Query(notice): Query<Notice>) -> Response {
    config_page(
        "Import de fichiers",
        &viewer,
        Tab::Import,
        import_body(&viewer, notice.render(), None, ""),
    )
    .into_response()
}

/// Counts of an import's additions and changes, for the confirmation and the audit record.
#[derive(Debug, Default)]
struct ImportSummary {
    stations: usize,
    candidates_added: usize,
    candidates_updated: usize,
    parties_added: Vec<String>,
    areas_added: Vec<String>,
}

fn same_text(left: &str, right: &str) -> bool {
    left.trim().to_lowercase() == right.trim().to_lowercase()
}

/// Stores the stations and candidates of the imported elections in the reference
/// configuration. Returns a refusal when the files are for another commune than the one
/// already configured with stations or elections.
fn store_import(
    transaction: &rusqlite::Transaction<'_>,
    elections: &[ImportedElection],
) -> rusqlite::Result<Result<ImportSummary, String>> {
    let mut summary = ImportSummary::default();
    let Some(first) = elections.first() else {
        return Ok(Err(
            "les fichiers ne contiennent aucune élection".to_string()
        ));
    };
    let imported = &first.config.commune;
    if let Some(other) = elections
        .iter()
        .find(|e| e.config.commune.insee_code != imported.insee_code)
    {
        return Ok(Err(format!(
            "les fichiers concernent plusieurs communes ({} et {}) : indiquez le code INSEE à \
             garder",
            imported.insee_code, other.config.commune.insee_code
        )));
    }
    let current = reference::commune(transaction)?;
    if let Some(current) = &current
        && current.insee_code != imported.insee_code
    {
        let (stations, elections) = reference::commune_usage(transaction, &current.insee_code)?;
        if stations > 0 || elections > 0 {
            return Ok(Err(format!(
                "les fichiers concernent la commune {} ({}), mais la configuration est celle de \
                 {} ({}) : importez les fichiers de {}, ou indiquez son code INSEE si le fichier \
                 couvre plusieurs communes",
                imported.name, imported.insee_code, current.name, current.insee_code, current.name
            )));
        }
    }
    let mayor = current
        .as_ref()
        .filter(|c| c.insee_code == imported.insee_code)
        .and_then(|c| c.mayor.clone());
    reference::upsert_commune(
        transaction,
        &ReferenceCommune {
            insee_code: imported.insee_code.clone(),
            department_code: imported.department_code.clone(),
            name: imported.name.clone(),
            mayor,
        },
    )?;

    let mut codes = BTreeSet::new();
    for election in elections {
        for station in &election.config.stations {
            reference::upsert_station(transaction, &imported.insee_code, station)?;
            codes.insert(station.code.clone());
            for (kind, code) in [
                (AreaKind::Canton, &station.canton),
                (AreaKind::Constituency, &station.constituency),
            ] {
                let Some(code) = code else { continue };
                let area = Area {
                    code: code.clone(),
                    name: code.clone(),
                };
                if reference::insert_area_if_missing(transaction, kind, &area)? {
                    summary.areas_added.push(code.clone());
                }
            }
        }
    }
    summary.stations = codes.len();

    let mut existing = reference::candidates(transaction)?;
    for election in elections {
        for candidate in &election.config.candidates {
            if let Some(nuance) = &candidate.nuance {
                let party = Party {
                    code: nuance.clone(),
                    label: candidate
                        .nuance_label
                        .clone()
                        .unwrap_or_else(|| nuance.clone()),
                    colour: None,
                };
                if reference::insert_party_if_missing(transaction, &party)? {
                    summary.parties_added.push(nuance.clone());
                }
            }
            let found = existing.iter_mut().find(|c| {
                same_text(&c.surname, &candidate.surname)
                    && same_text(&c.first_name, &candidate.first_name)
                    && same_text(
                        c.list_label.as_deref().unwrap_or_default(),
                        candidate.list_label.as_deref().unwrap_or_default(),
                    )
            });
            let ballot_number = Some(candidate.ballot_number).filter(|n| *n >= 1);
            match found {
                Some(stored) => {
                    stored.sex = candidate.sex.or(stored.sex);
                    stored.nuance = candidate.nuance.clone().or(stored.nuance.take());
                    stored.colour = candidate.colour.clone().or(stored.colour.take());
                    stored.ballot_number = ballot_number.or(stored.ballot_number);
                    reference::update_candidate(transaction, stored)?;
                    summary.candidates_updated += 1;
                }
                None => {
                    let mut added = ReferenceCandidate {
                        id: 0,
                        surname: candidate.surname.clone(),
                        first_name: candidate.first_name.clone(),
                        sex: candidate.sex,
                        nuance: candidate.nuance.clone(),
                        list_label: candidate.list_label.clone(),
                        colour: candidate.colour.clone(),
                        ballot_number,
                    };
                    added.id = reference::insert_candidate(transaction, &added)?;
                    existing.push(added);
                    summary.candidates_added += 1;
                }
            }
        }
    }
    Ok(Ok(summary))
}

/// `POST /admin/configuration/import`.
pub async fn import(
    State(state): State<WebState>,
    viewer: Viewer,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let upload = read_upload(&viewer, &headers, multipart).await?;
    require_administrator(&viewer)?;
    let commune_filter = upload.fields.text("commune_filter").unwrap_or_default();
    let refused = |message: &str| {
        (
            StatusCode::BAD_REQUEST,
            config_page(
                "Import de fichiers",
                &viewer,
                Tab::Import,
                import_body(&viewer, html! {}, Some(message), &commune_filter),
            ),
        )
            .into_response()
    };
    let files: Vec<(String, Vec<u8>)> = upload
        .files
        .into_iter()
        .filter(|file| file.field == "files")
        .map(|file| (file.file_name, file.bytes))
        .collect();
    if files.is_empty() {
        return Ok(refused(
            "aucun fichier choisi : choisissez au moins un fichier de bureaux ou de candidats",
        ));
    }
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let options = ImportOptions {
        commune: Some(commune_filter.clone()).filter(|c| !c.is_empty()),
        ..ImportOptions::default()
    };
    let read = tokio::task::spawn_blocking(move || import::read_batch(&files, &options))
        .await
        .map_err(|error| PageError::Internal(error.into()))?;
    let elections = match read {
        Ok(elections) => elections,
        Err(error) => return Ok(refused(&error.message)),
    };
    let actor = viewer.login().to_string();
    let audited_names = names.clone();
    let outcome = super::write_reference(&state, move |transaction| {
        let summary = match store_import(transaction, &elections)? {
            Ok(summary) => summary,
            Err(message) => return Ok(Err(message)),
        };
        audit(
            transaction,
            &actor,
            "reference.import",
            &audited_names.join(", "),
            None,
            Some(serde_json::json!({
                "stations": summary.stations,
                "candidates_added": summary.candidates_added,
                "candidates_updated": summary.candidates_updated,
                "parties_added": summary.parties_added,
                "areas_added": summary.areas_added,
            })),
        )?;
        Ok(Ok(summary))
    })
    .await?;
    match outcome {
        Ok(summary) => {
            tracing::info!(
                files = names.join(", "),
                stations = summary.stations,
                candidates = summary.candidates_added + summary.candidates_updated,
                "reference configuration imported"
            );
            Ok(redirect_done(
                PATH,
                "imported",
                &format!(
                    "{} bureau(x), {} candidat(s) ajouté(s), {} mis à jour, depuis {}",
                    summary.stations,
                    summary.candidates_added,
                    summary.candidates_updated,
                    names.join(", ")
                ),
            ))
        }
        Err(message) => Ok(refused(&message)),
    }
}
