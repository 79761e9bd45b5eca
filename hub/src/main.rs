//! `urne-hub`: the election-night hub of a French town hall. Run `urne-hub --help`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tracing_subscriber::EnvFilter;
use urne_hub::{api, db, demo, import, seats_csv, service, state, views};

#[derive(Parser)]
#[command(
    name = "urne-hub",
    version,
    about = "Hub de soirée électorale : saisie, contrôles, agrégation, API et flux d'événements"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the JSON API and the events stream.
    Serve {
        /// SQLite database file, created if missing.
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Address and port to listen on; use 0.0.0.0:8080 to serve the town hall network.
        #[arg(long, env = "URNE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Folder the public results site is written to, 2 s after each burst of changes;
        /// results under embargo are never written.
        #[arg(long, env = "URNE_PUBLISH_DIR")]
        publish_dir: Option<PathBuf>,
        /// S3-compatible bucket the public site is uploaded to, as s3://bucket/prefix;
        /// credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
        #[arg(long, env = "URNE_PUBLISH_S3")]
        publish_s3: Option<String>,
        /// Endpoint of an S3-compatible service other than AWS, e.g. https://s3.example.fr.
        #[arg(long, env = "URNE_S3_ENDPOINT", requires = "publish_s3")]
        s3_endpoint: Option<String>,
        /// Region of the bucket.
        #[arg(long, env = "URNE_S3_REGION", default_value = "us-east-1")]
        s3_region: String,
        /// Folder of the scheduled backups (for example /var/lib/urne/backups); no
        /// scheduled backup without it.
        #[arg(long, env = "URNE_BACKUP_DIR")]
        backup_dir: Option<PathBuf>,
        /// Period between scheduled backups: a number followed by s, m or h.
        #[arg(
            long,
            env = "URNE_BACKUP_EVERY",
            default_value = "1h",
            requires = "backup_dir"
        )]
        backup_every: String,
        /// Number of scheduled backups kept; the oldest are deleted.
        #[arg(
            long,
            env = "URNE_BACKUP_KEEP",
            default_value_t = 48,
            requires = "backup_dir"
        )]
        backup_keep: usize,
    },
    /// Export an archived election into one file, or import such a file.
    Archive {
        #[command(subcommand)]
        action: ArchiveAction,
    },
    /// Copy the live database into one file with SQLite's online backup; safe while the
    /// hub serves it.
    Backup {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Backup file to write; replaced if it exists.
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the database with a backup after checking the backup's integrity; the
    /// database replaced is kept beside it.
    Restore {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Restore even while a hub serves the database; restart that hub afterwards.
        #[arg(long)]
        force: bool,
        /// Backup file written by `urne-hub backup` or by the scheduled backups.
        backup: PathBuf,
    },
    /// Generate the public results site of one election into a folder (nothing is written
    /// for results still under embargo); prints the number of files written.
    Publish {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Election id, as `urne-hub import` printed it.
        id: i64,
        /// Folder to write, created if missing.
        #[arg(long)]
        out: PathBuf,
    },
    /// Import result files and create one election per race found; prints one line per
    /// election created, starting with its id.
    Import {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Keep only this commune's rows (INSEE code) of a national or départemental file.
        #[arg(long)]
        commune: Option<String>,
        /// Election kind: PR, LG, EU, MN, DP, RG or RF, when the files do not say.
        #[arg(long)]
        kind: Option<String>,
        /// Round, 1 or 2, when the files do not say.
        #[arg(long)]
        round: Option<u8>,
        /// Election date, YYYY-MM-DD, when the files do not say.
        #[arg(long)]
        date: Option<String>,
        /// Commune name, when the files do not say.
        #[arg(long)]
        commune_name: Option<String>,
        /// Election label shown to people.
        #[arg(long)]
        label: Option<String>,
        /// Import the configuration only (stations, inscrits, candidates), not the results.
        #[arg(long)]
        configuration_only: bool,
        /// Load a Ministry per-station file as the totals of the other communes of this
        /// existing election's race, each commune's stations summed; the commune's own rows
        /// are skipped. With --configuration-only, only lists the communes.
        #[arg(long, value_name = "ELECTION_ID")]
        as_communes: Option<i64>,
        /// Import past results as archived elections, for comparisons; an election already
        /// on the hub is rejected.
        #[arg(long, conflicts_with_all = ["configuration_only", "as_communes"])]
        archived: bool,
        /// Files read together: result files, and optional station and candidate files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print an election's results.
    Results {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Election id, as `urne-hub import` printed it.
        id: i64,
        /// Print the JSON the API returns instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Build a fresh database from bundled real data (Toulouse municipales 2026 round 1,
    /// Bondy présidentielle 2022 round 1), serve it and replay the night.
    Demo {
        /// Demo database file, replaced at each start.
        #[arg(long, default_value = "urne-demo.sqlite")]
        db: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Replay speed: 1 replays the night in 3 minutes, 10 in 18 seconds.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Seed of the random order and derived figures, for a reproducible replay.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Manage the accounts of the web interface under /admin.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage write tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Compute seats for cases read from a CSV file (one row per list, grouped by
    /// case_id) and print the rows with the computed seats added.
    Seats {
        /// CSV file in the layout of tests/fixtures/seats/seats_cases.csv.
        file: PathBuf,
    },
    /// Export an election for the prefecture, as open data or as printed reports; prints
    /// the path of each file written.
    Export {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Election id, as `urne-hub import` printed it.
        id: i64,
        /// prefecture-xml (or prefecture-xml:feed-2024, prefecture-xml:commune-feed-2022),
        /// prefecture-seats-xml, opendata-csv, long-csv, json or pdf; race-json and race-csv
        /// for the whole constituency or canton with the other communes' totals.
        #[arg(long)]
        format: String,
        /// File to write, or folder: the PDF reports go into this folder, and a one-file
        /// format written into a folder gets its default name.
        #[arg(long)]
        out: PathBuf,
        /// Mayor's name printed on the reports; a blank line to fill by hand otherwise.
        #[arg(long)]
        mayor: Option<String>,
    },
}

#[derive(Subcommand)]
enum ArchiveAction {
    /// Write an archived election (configuration, figures, audit records) into one file.
    Export {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Election id, as `urne-hub import` printed it.
        id: i64,
        /// Archive file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Archive an open or closed election: nothing about it can change afterwards.
    Close {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Election id, as `urne-hub import` printed it.
        id: i64,
    },
    /// Import an archive file as a new archived election; prints its id.
    Import {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// File written by `urne-hub archive export`.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Revoke every token and print a new one.
    Reset {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account. The password is read from URNE_PASSWORD or, when it is unset,
    /// from the first line of standard input; it is never a command-line argument.
    Add {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        /// Login: lower-case letters, digits, '.', '_' and '-'; recorded in the audit log.
        #[arg(long)]
        login: String,
        /// administrator, supervisor, clerk or read-only.
        #[arg(long)]
        role: String,
        /// Stations a clerk may write, comma-separated (0001,0002); every station when
        /// absent.
        #[arg(long)]
        stations: Option<String>,
    },
    /// List the accounts with their role and stations.
    List {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
    },
    /// Set a new password, read as for `add`, and end the account's sessions.
    Password {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        #[arg(long)]
        login: String,
    },
    /// Disable an account and end its sessions; the audit log keeps its login.
    Disable {
        #[arg(long, env = "URNE_DB", default_value = "urne.sqlite")]
        db: PathBuf,
        #[arg(long)]
        login: String,
    },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("URNE_LOG")
                .unwrap_or_else(|_| EnvFilter::new("urne_hub=info,tower_http=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("erreur : {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("démarrage du moteur asynchrone impossible")
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            db,
            listen,
            publish_dir,
            publish_s3,
            s3_endpoint,
            s3_region,
            backup_dir,
            backup_every,
            backup_keep,
        } => {
            let backups = backup_dir
                .map(|folder| {
                    Ok::<_, anyhow::Error>(urne_hub::backup::Schedule {
                        folder,
                        every: urne_hub::backup::parse_period(&backup_every)
                            .map_err(|message| anyhow::anyhow!("--backup-every : {message}"))?,
                        keep: backup_keep.max(1),
                    })
                })
                .transpose()?;
            let targets = urne_hub::publish::PublishTargets {
                folder: publish_dir,
                s3: publish_s3.map(|url| urne_hub::publish::S3Target {
                    url,
                    endpoint: s3_endpoint,
                    region: s3_region,
                }),
            };
            runtime()?.block_on(serve(&db, listen, targets, backups))
        }
        Command::Publish { db, id, out } => {
            let written = urne_hub::publish::publish_election(&db, id, &out)?;
            println!("{written} fichiers écrits dans {}", out.display());
            Ok(())
        }
        Command::Import {
            db,
            commune,
            kind,
            round,
            date,
            commune_name,
            label,
            configuration_only,
            as_communes,
            archived,
            paths,
        } => {
            if let Some(id) = as_communes {
                return import_other_communes(&db, id, &paths, !configuration_only);
            }
            let options = import::ImportOptions {
                commune,
                kind: kind
                    .map(|k| k.parse())
                    .transpose()
                    .map_err(|e: String| anyhow::anyhow!(e))?,
                round,
                date: date
                    .map(|d| {
                        chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
                            anyhow::anyhow!(
                                "date « {d} » invalide : format attendu AAAA-MM-JJ, par exemple \
                                 2026-03-15"
                            )
                        })
                    })
                    .transpose()?,
                commune_name,
                label,
            };
            if archived {
                return import_history(&db, &paths, &options);
            }
            import_files(&db, &paths, &options, !configuration_only)
        }
        Command::Archive {
            action: ArchiveAction::Export { db, id, out },
        } => {
            let archive = urne_hub::archive::export_file(&db, id, &out)?;
            println!(
                "Archive de l'élection {id} « {} » écrite dans {}",
                archive.label,
                out.display()
            );
            Ok(())
        }
        Command::Archive {
            action: ArchiveAction::Close { db, id },
        } => {
            if !db.is_file() {
                anyhow::bail!("base {} introuvable : indiquez-la avec --db", db.display());
            }
            let mut connection = db::open(&db)?;
            let label =
                urne_hub::archive::archive_election(&mut connection, id, "urne-hub archive")
                    .map_err(|error| anyhow::anyhow!("{error}"))?;
            println!("Élection {id} « {label} » archivée : elle ne peut plus être modifiée");
            Ok(())
        }
        Command::Archive {
            action: ArchiveAction::Import { db, file },
        } => {
            let (id, label) = urne_hub::archive::import_file(&db, &file)?;
            println!("{id}\t{label} — importée et archivée");
            Ok(())
        }
        Command::Results { db, id, json } => print_results(&db, id, json),
        Command::Demo {
            db,
            listen,
            speed,
            seed,
        } => runtime()?.block_on(run_demo(&db, listen, speed, seed)),
        Command::User { action } => run_user(action),
        Command::Token {
            action: TokenAction::Reset { db },
        } => {
            // A mistyped path would otherwise create an empty database whose token no
            // running hub reads.
            if !db.is_file() {
                anyhow::bail!(
                    "base {} introuvable : indiquez avec --db le fichier que « urne-hub serve » \
                     utilise",
                    db.display()
                );
            }
            let mut connection = db::open(&db)?;
            let token = db::tokens::reset(&mut connection)?;
            println!("Nouveau jeton d'écriture (les anciens sont révoqués) : {token}");
            Ok(())
        }
        Command::Seats { file } => {
            let input = std::fs::read(&file)
                .with_context(|| format!("lecture de {} impossible", file.display()))?;
            let output = seats_csv::compute_seats_csv(&input)?;
            std::io::stdout().write_all(&output)?;
            Ok(())
        }
        Command::Export {
            db,
            id,
            format,
            out,
            mayor,
        } => urne_hub::export::run_command(&db, id, &format, &out, mayor.as_deref()),
        Command::Backup { db, out } => {
            urne_hub::backup::backup_file(&db, &out)?;
            println!("Sauvegarde écrite dans {}", out.display());
            Ok(())
        }
        Command::Restore { db, force, backup } => {
            let restored = urne_hub::backup::restore(&db, &backup, force)?;
            if let Some(previous) = restored.previous {
                println!("Base remplacée conservée dans {}", previous.display());
            }
            println!(
                "Base {} restaurée depuis {} : {} élection(s)",
                db.display(),
                backup.display(),
                restored.elections
            );
            Ok(())
        }
    }
}

/// Reads a password from URNE_PASSWORD, or else from the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("URNE_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("lecture du mot de passe sur l'entrée standard impossible")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        anyhow::bail!(
            "mot de passe vide : passez-le sur l'entrée standard ou dans la variable \
             URNE_PASSWORD"
        );
    }
    Ok(password)
}

/// Records an account change in the audit log, outside any election.
fn audit_account(
    connection: &rusqlite::Connection,
    action: &str,
    login: &str,
    after: Option<serde_json::Value>,
) -> anyhow::Result<()> {
    db::audit::append(
        connection,
        &db::audit::AuditRecord {
            actor: "urne-hub user",
            election_id: None,
            action,
            target: &format!("compte {login}"),
            before: None,
            after,
            reason: None,
        },
    )?;
    Ok(())
}

fn run_user(action: UserAction) -> anyhow::Result<()> {
    use db::users::{self, Role};
    let account_error = |error: users::AccountError| anyhow::anyhow!("{error}");
    match action {
        UserAction::Add {
            db,
            login,
            role,
            stations,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!(
                    "rôle « {role} » inconnu : administrator, supervisor, clerk ou read-only"
                )
            })?;
            let stations = stations
                .as_deref()
                .map(users::parse_stations)
                .transpose()
                .map_err(account_error)?;
            let password = read_password()?;
            let mut connection = db::open(&db)?;
            let transaction = db::write_transaction(&mut connection)?;
            users::create(&transaction, &login, &password, role, stations.as_deref())
                .map_err(account_error)?;
            let codes: Option<Vec<&str>> = stations
                .as_ref()
                .map(|list| list.iter().map(|code| code.as_str()).collect());
            audit_account(
                &transaction,
                "user.create",
                &login,
                Some(serde_json::json!({ "role": role.as_str(), "stations": codes })),
            )?;
            transaction.commit()?;
            let scope = codes.map_or("tous les bureaux".to_string(), |list| {
                format!("bureaux {}", list.join(", "))
            });
            println!("Compte « {login} » créé : {} ({scope})", role.label_fr());
        }
        UserAction::List { db } => {
            let connection = db::open(&db)?;
            for user in users::list(&connection)? {
                let stations = user.stations.as_ref().map_or("tous".to_string(), |list| {
                    list.iter()
                        .map(|code| code.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                });
                let state = if user.disabled {
                    "désactivé"
                } else {
                    "actif"
                };
                println!(
                    "{}\t{}\t{stations}\t{state}",
                    user.login,
                    user.role.as_str()
                );
            }
        }
        UserAction::Password { db, login } => {
            let password = read_password()?;
            let mut connection = db::open(&db)?;
            let transaction = db::write_transaction(&mut connection)?;
            users::set_password(&transaction, &login, &password).map_err(account_error)?;
            audit_account(&transaction, "user.password", &login, None)?;
            transaction.commit()?;
            println!("Mot de passe de « {login} » changé ; ses sessions sont fermées.");
        }
        UserAction::Disable { db, login } => {
            let mut connection = db::open(&db)?;
            let transaction = db::write_transaction(&mut connection)?;
            users::disable(&transaction, &login).map_err(account_error)?;
            audit_account(&transaction, "user.disable", &login, None)?;
            transaction.commit()?;
            println!("Compte « {login} » désactivé ; ses sessions sont fermées.");
        }
    }
    Ok(())
}

fn import_files(
    db: &Path,
    paths: &[PathBuf],
    options: &import::ImportOptions,
    with_results: bool,
) -> anyhow::Result<()> {
    let elections = import::read_files(paths, options)?;
    let mut connection = db::open(db)?;
    let created = service::import_elections(&mut connection, &elections, "import", with_results)
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    for election in created {
        println!(
            "{}\t{} — {} bureaux, {} candidats ou listes, {} résultats",
            election.id, election.label, election.stations, election.candidates, election.results
        );
    }
    Ok(())
}

/// Loads the other communes of an election's race from Ministry files, all or nothing.
fn import_other_communes(
    db: &Path,
    election_id: i64,
    paths: &[PathBuf],
    with_totals: bool,
) -> anyhow::Result<()> {
    if !db.exists() {
        anyhow::bail!(
            "base {} introuvable : indiquez --db, ou importez d'abord l'élection",
            db.display()
        );
    }
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::read(path)
            .with_context(|| format!("impossible de lire {}", path.display()))?;
        files.push((path.display().to_string(), bytes));
    }
    let mut connection = db::open(db)?;
    let found = urne_hub::communes::read_race_files(&connection, election_id, &files)
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let summary = urne_hub::communes::import_communes(
        &mut connection,
        election_id,
        &found.communes,
        with_totals,
        "import",
    )
    .map_err(|error| anyhow::anyhow!("{error}"))?;
    for entry in &found.communes {
        println!(
            "{}\t{} — {} bureaux, {} inscrits, {} exprimés",
            entry.commune.insee_code,
            entry.commune.name,
            entry.stations,
            entry.count.registered,
            entry.count.valid_votes
        );
    }
    eprintln!(
        "{} communes ajoutées à la liste, {} résultats de communes enregistrés ; {} communes \
         du fichier votent dans une autre circonscription{}",
        summary.listed,
        summary.totals,
        found.other_races.len(),
        if found.host_skipped {
            " ; les lignes de la commune du hub sont ignorées (ses bureaux sont saisis à part)"
        } else {
            ""
        }
    );
    Ok(())
}

fn import_history(
    db: &Path,
    paths: &[PathBuf],
    options: &import::ImportOptions,
) -> anyhow::Result<()> {
    let elections = import::read_files(paths, options)?;
    let mut connection = db::open(db)?;
    let created = urne_hub::archive::import_history(&mut connection, &elections, "import")
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    for election in created {
        println!(
            "{}\t{} — {} bureaux, {} candidats ou listes, {} résultats, archivée",
            election.id, election.label, election.stations, election.candidates, election.results
        );
    }
    Ok(())
}

fn print_results(db: &Path, id: i64, json: bool) -> anyhow::Result<()> {
    if !db.exists() {
        anyhow::bail!(
            "base {} introuvable : indiquez --db, ou importez d'abord une élection",
            db.display()
        );
    }
    let connection = db::open(db)?;
    let (_, body) = views::render(&connection, id, views::View::Results)
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    if json {
        std::io::stdout().write_all(&body)?;
        println!();
        return Ok(());
    }
    let results: urne_common::results::ElectionResults = serde_json::from_slice(&body)?;
    let commune = &results.commune;
    let percent = |share: &urne_common::share::Share| {
        share
            .percent
            .clone()
            .map_or("—".to_string(), |p| format!("{p} %"))
    };
    println!(
        "{} — {} ({})",
        results.election.label, results.election.commune_name, commune.progress.label
    );
    println!(
        "Inscrits {} · votants {} · blancs {} · nuls {} · exprimés {} · participation {} \
         des inscrits des bureaux comptés",
        commune.registered_counted,
        commune.voters,
        commune.blank,
        commune.invalid,
        commune.valid_votes,
        percent(&commune.turnout_of_counted)
    );
    for candidate in &commune.candidates {
        println!(
            "{:>4}  {:<50} {:>8}  {:>8}",
            candidate.ballot_number,
            candidate.name,
            candidate.votes,
            percent(&candidate.share_of_valid_votes)
        );
    }
    Ok(())
}

async fn listen_on(listen: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| {
            format!(
                "impossible d'écouter sur {listen} : l'adresse est peut-être déjà utilisée ; \
                 choisissez-en une autre avec --listen"
            )
        })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(error = %error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested");
}

async fn start(
    state: state::AppState,
    listen: SocketAddr,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = listen_on(listen).await?;
    let address = listener.local_addr()?;
    let app = api::router(state);
    let server = tokio::spawn(async move {
        // The peer address feeds the per-address login limit of the web interface.
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    });
    Ok((address, server))
}

fn print_token(token: Option<String>) {
    match token {
        Some(token) => {
            println!("Jeton d'écriture (affiché une seule fois, conservez-le) : {token}")
        }
        None => println!(
            "Jeton d'écriture : déjà créé lors d'un démarrage précédent (urne-hub token reset \
             en crée un nouveau)"
        ),
    }
}

async fn serve(
    db: &Path,
    listen: SocketAddr,
    targets: urne_hub::publish::PublishTargets,
    backups: Option<urne_hub::backup::Schedule>,
) -> anyhow::Result<()> {
    let _serving_lock = urne_hub::backup::hold_serving_lock(db)?;
    let state = state::AppState::open(db)?;
    let token = state
        .write(|connection| Ok((db::tokens::ensure_initial(connection)?, vec![])))
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    tokio::spawn(urne_hub::publish::run_background(state.clone(), targets));
    if let Some(schedule) = backups {
        tokio::spawn(urne_hub::backup::run_schedule(db.to_path_buf(), schedule));
    }
    let (address, server) = start(state, listen).await?;
    tracing::info!(%address, db = %db.display(), "hub started");
    println!("Hub à l'écoute sur http://{address}/api/v1/elections");
    print_token(token);
    std::io::stdout().flush()?;
    server.await??;
    tracing::info!("hub stopped");
    Ok(())
}

async fn run_demo(db: &Path, listen: SocketAddr, speed: f64, seed: u64) -> anyhow::Result<()> {
    if !(speed.is_finite() && speed > 0.0) {
        anyhow::bail!(
            "vitesse « {speed} » invalide : un nombre positif est attendu, par exemple 10"
        );
    }
    refuse_to_replace_real_data(db)?;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = db.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error).context("suppression de l'ancienne base de démo"),
        }
    }

    let published = import::demo::demo_elections()?;
    let rehearsals: Vec<import::ImportedElection> = published
        .iter()
        .map(demo::rehearsal_configuration)
        .collect();
    let state = state::AppState::open(db)?;
    let (created, token) = state
        .write(move |connection| {
            let token = db::tokens::ensure_initial(connection)?;
            let created = service::import_elections(connection, &rehearsals, "démo", false)?;
            let events = created.iter().map(|c| c.event.clone()).collect();
            Ok(((created, token), events))
        })
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;

    let (address, server) = start(state.clone(), listen).await?;
    println!(
        "Démonstration Urne : base {} (données réelles rejouées en simulation)",
        db.display()
    );
    println!("API : http://{address}/api/v1/elections");
    println!("Événements : http://{address}/api/v1/events");
    for election in &created {
        println!(
            "Élection {} — {} : http://{address}/api/v1/elections/{}/results",
            election.id, election.label, election.id
        );
    }
    print_token(token);
    let night = demo::NIGHT_AT_SPEED_ONE.div_f64(speed);
    println!(
        "Rejeu de la soirée en {:.0} s (--speed pour accélérer) ; Ctrl+C pour arrêter.",
        night.as_secs_f64()
    );
    std::io::stdout().flush()?;

    for (index, (election, imported)) in created.iter().zip(published).enumerate() {
        let seed = seed.wrapping_add(u64::try_from(index).unwrap_or(0));
        tokio::spawn(demo::replay(
            state.clone(),
            election.id,
            imported,
            night,
            seed,
        ));
    }
    server.await??;
    Ok(())
}

/// Rejects replacing a database that contains elections other than rehearsals.
fn refuse_to_replace_real_data(db: &Path) -> anyhow::Result<()> {
    if !db.exists() {
        return Ok(());
    }
    let connection = db::open(db)?;
    let real: i64 = connection.query_row(
        "SELECT COUNT(*) FROM election WHERE rehearsal = 0",
        [],
        |row| row.get(0),
    )?;
    if real > 0 {
        anyhow::bail!(
            "la base {} contient {real} élection(s) réelle(s) : la démonstration ne l'écrase \
             pas ; choisissez un autre fichier avec --db",
            db.display()
        );
    }
    Ok(())
}
