//! Resolution of an election's kind, round, date and commune from the command-line
//! options, the results file's content and name, and the reference files' names.

use super::calendar::{is_single_round, known_date};
use super::commune::requested_insee;
use super::error::Location;
use super::records::{Hints, ResultFile};
use super::values::department_of_insee;
use super::{ImportError, ImportOptions};
use chrono::NaiveDate;
use urne_common::election::{Commune, ElectionKind};

/// A place that gives hints: a file's content or a file's name.
#[derive(Clone, Copy)]
pub(crate) struct Source<'a> {
    file: &'a str,
    /// French description for messages (« le nom du fichier », « le contenu du fichier »).
    origin: &'static str,
    hints: &'a Hints,
}

impl<'a> Source<'a> {
    pub fn name(file: &'a str, hints: &'a Hints) -> Source<'a> {
        Source {
            file,
            origin: "le nom du fichier",
            hints,
        }
    }

    fn content(file: &'a str, hints: &'a Hints) -> Source<'a> {
        Source {
            file,
            origin: "le contenu du fichier",
            hints,
        }
    }

    /// « le nom du fichier x.csv », or the option's name for a command-line option.
    fn describe(&self) -> String {
        if self.origin.starts_with("--") {
            self.origin.to_string()
        } else {
            format!("{} {}", self.origin, self.file)
        }
    }
}

/// Kind, round, date and commune of the elections of one results file.
#[derive(Debug, Clone)]
pub(crate) struct Metadata {
    pub kind: ElectionKind,
    pub round: u8,
    pub date: NaiveDate,
    pub commune: Commune,
}

/// Fix of a disagreement between files on a setting that `option` can impose.
fn impose_with(option: &str) -> String {
    format!(
        "vérifiez que les fichiers concernent la même élection, ou imposez la valeur avec {option}"
    )
}

/// Takes the first value the sources give, and rejects a source that gives another one.
fn pick<T: PartialEq>(
    sources: &[Source<'_>],
    get: impl Fn(&Hints) -> Option<T>,
    show: impl Fn(&T) -> String,
    setting: &str,
    fix: &str,
) -> Result<Option<T>, ImportError> {
    let mut chosen: Option<(T, &Source<'_>)> = None;
    for source in sources {
        let Some(value) = get(source.hints) else {
            continue;
        };
        match &chosen {
            None => chosen = Some((value, source)),
            Some((first, first_source)) if *first != value => {
                return Err(ImportError::at(
                    Location::file(source.file),
                    Some(&show(&value)),
                    &format!(
                        "{setting} « {} » d'après {}, mais « {} » d'après {}",
                        show(&value),
                        source.origin,
                        show(first),
                        first_source.describe()
                    ),
                    fix,
                ));
            }
            Some(_) => {}
        }
    }
    Ok(chosen.map(|(value, _)| value))
}

/// Resolves kind, round, date and commune from the options, then the results file's
/// content and name, then the names of the reference files.
pub(crate) fn resolve(
    result: Option<&ResultFile>,
    references: &[Source<'_>],
    options: &ImportOptions,
) -> Result<Metadata, ImportError> {
    let mut sources: Vec<Source<'_>> = Vec::new();
    if let Some(result) = result {
        sources.push(Source::content(&result.file, &result.content_hints));
        sources.push(Source::name(&result.file, &result.name_hints));
    }
    sources.extend(references.iter().copied());
    let first_file = sources.first().map_or("", |source| source.file);

    let kind = match options.kind {
        Some(kind) => kind,
        None => pick(
            &sources,
            |h| h.kind,
            |k| k.label_fr().to_string(),
            "élection",
            "--kind",
        )?
        .or_else(|| result.and_then(|result| result.default_kind))
        .ok_or_else(|| {
            ImportError::at(
                Location::file(first_file),
                None,
                "type d'élection inconnu : ni le contenu ni le nom des fichiers ne le donnent",
                "indiquez-le avec --kind (PR, LG, EU, MN, DP, RG ou RF)",
            )
        })?,
    };
    let round = match options.round {
        Some(round) => round,
        None => pick(
            &sources,
            |h| h.round,
            u8::to_string,
            "tour",
            &impose_with("--round"),
        )?
        .or_else(|| is_single_round(kind).then_some(1))
        .ok_or_else(|| {
            ImportError::at(
                Location::file(first_file),
                None,
                "tour inconnu : ni le contenu ni le nom des fichiers ne le donnent",
                "indiquez-le avec --round 1 ou --round 2",
            )
        })?,
    };
    if round != 1 && round != 2 {
        return Err(ImportError::at(
            Location::file(first_file),
            Some(&round.to_string()),
            &format!("tour « {round} » invalide"),
            "indiquez --round 1 ou --round 2",
        ));
    }
    let date = match options.date {
        Some(date) => date,
        None => {
            let year = pick(
                &sources,
                |h| h.year,
                i32::to_string,
                "année",
                &impose_with("--date"),
            )?;
            year.and_then(|year| known_date(kind, year, round))
                .ok_or_else(|| {
                    let year = year.map_or_else(String::new, |year| format!(" {year}"));
                    ImportError::at(
                        Location::file(first_file),
                        None,
                        &format!(
                            "date du scrutin inconnue ({}{year}, tour {round}) : elle ne figure \
                             pas dans la table des élections nationales connues",
                            kind.label_fr()
                        ),
                        "indiquez-la avec --date AAAA-MM-JJ (par exemple --date 2026-03-15)",
                    )
                })?
        }
    };
    let commune = resolve_commune(result, &sources, options, first_file)?;
    Ok(Metadata {
        kind,
        round,
        date,
        commune,
    })
}

fn resolve_commune(
    result: Option<&ResultFile>,
    sources: &[Source<'_>],
    options: &ImportOptions,
    first_file: &str,
) -> Result<Commune, ImportError> {
    let requested = options
        .commune
        .as_deref()
        .map(requested_insee)
        .transpose()?;
    let requested_hints = Hints {
        insee: requested.clone(),
        ..Hints::default()
    };
    let mut insee_sources: Vec<Source<'_>> = Vec::new();
    if requested.is_some() {
        insee_sources.push(Source {
            file: first_file,
            origin: "--commune",
            hints: &requested_hints,
        });
    }
    insee_sources.extend(sources.iter().copied());
    let insee = pick(
        &insee_sources,
        |h| h.insee.clone(),
        String::clone,
        "commune",
        "--commune",
    )?
    .ok_or_else(|| {
        ImportError::at(
            Location::file(first_file),
            None,
            "code INSEE de la commune inconnu : ni le contenu ni le nom des fichiers ne le \
                 donnent",
            "indiquez-le avec --commune CODE_INSEE (par exemple --commune 31555)",
        )
    })?;
    let name = options
        .commune_name
        .clone()
        .or_else(|| {
            sources
                .iter()
                .find_map(|source| source.hints.commune_name.clone())
        })
        .unwrap_or_else(|| format!("Commune {insee}"));
    let department_code = result
        .and_then(|result| result.commune.as_ref())
        .map_or_else(
            || department_of_insee(&insee),
            |commune| commune.department.clone(),
        );
    Ok(Commune {
        insee_code: insee,
        department_code,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disagreeing_sources_rejected() {
        let first = Hints {
            round: Some(1),
            ..Hints::default()
        };
        let second = Hints {
            round: Some(2),
            ..Hints::default()
        };
        let sources = [
            Source::content("a.csv", &first),
            Source::name("b.csv", &second),
        ];
        let error = pick(
            &sources,
            |h| h.round,
            u8::to_string,
            "tour",
            "vérifiez les fichiers",
        )
        .unwrap_err();
        assert_eq!(error.file.as_deref(), Some(std::path::Path::new("b.csv")));
        assert!(error.message.contains("« 2 »"), "{}", error.message);
        assert!(error.message.contains("« 1 »"), "{}", error.message);
        let same = [
            Source::content("a.csv", &first),
            Source::name("b.csv", &first),
        ];
        assert_eq!(
            pick(
                &same,
                |h| h.round,
                u8::to_string,
                "tour",
                "vérifiez les fichiers"
            ),
            Ok(Some(1))
        );
    }

    #[test]
    fn options_take_precedence() {
        let hints = Hints {
            kind: Some(ElectionKind::Municipal),
            year: Some(2026),
            round: Some(1),
            insee: Some("31555".to_string()),
            commune_name: Some("Toulouse".to_string()),
        };
        let sources = [Source::name("toulouse.csv", &hints)];
        let options = ImportOptions {
            kind: Some(ElectionKind::European),
            date: NaiveDate::from_ymd_opt(2024, 6, 9),
            commune_name: Some("Ville rose".to_string()),
            ..ImportOptions::default()
        };
        let metadata = resolve(None, &sources, &options).unwrap();
        assert_eq!(metadata.kind, ElectionKind::European);
        assert_eq!(metadata.date, NaiveDate::from_ymd_opt(2024, 6, 9).unwrap());
        assert_eq!(metadata.commune.name, "Ville rose");
        assert_eq!(metadata.commune.department_code, "31");
    }
}
