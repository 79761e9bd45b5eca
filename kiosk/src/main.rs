//! `urne-kiosk`: the town hall's touchscreen kiosk, and `urne-kiosk screenshot` to render
//! one screen of the hub's live data to a PNG file.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use urne_kiosk::config::{self, Config};
use urne_kiosk::ui::{Kiosk, UiSettings};
use urne_kiosk::worker::{self, Update, WorkerSettings};
use urne_kiosk::{Screen, cache, client::HubClient, fonts, headless};

#[derive(Parser)]
#[command(
    name = "urne-kiosk",
    version,
    about = "Borne tactile des résultats d'Urne"
)]
struct Cli {
    /// Fichier de configuration TOML.
    #[arg(long, env = "URNE_KIOSK_CONFIG")]
    config: Option<PathBuf>,
    /// Adresse du hub (remplace hub_url du fichier).
    #[arg(long, env = "URNE_KIOSK_HUB")]
    hub: Option<String>,
    /// Numéro de l'élection (remplace election_id).
    #[arg(long, env = "URNE_KIOSK_ELECTION")]
    election: Option<i64>,
    /// Fichier du dernier instantané (remplace cache_path).
    #[arg(long, env = "URNE_KIOSK_CACHE")]
    cache: Option<PathBuf>,
    /// Secondes sans contact avant la présentation automatique.
    #[arg(long, env = "URNE_KIOSK_ATTRACT_AFTER")]
    attract_after: Option<f64>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Rend un écran avec les données du hub dans un fichier PNG, puis s'arrête.
    Screenshot {
        /// home, results, stations, station, turnout, hundreds, seats ou help.
        #[arg(long)]
        screen: String,
        /// Taille en pixels, LARGEURxHAUTEUR.
        #[arg(long, default_value = "800x480")]
        size: String,
        /// Fichier PNG à écrire.
        #[arg(long)]
        out: PathBuf,
        /// Rang du bureau pour l'écran station (0 pour le premier).
        #[arg(long, default_value_t = 0)]
        station: i32,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("URNE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("urne-kiosk : {message}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(cli: &Cli) -> Result<Config, String> {
    let mut config = match (&cli.config, &cli.hub) {
        (Some(path), _) => Config::load(path).map_err(|e| e.to_string())?,
        (None, Some(hub)) => Config::with_hub(hub),
        (None, None) => {
            return Err(
                "indiquez le hub avec --hub URL ou un fichier avec --config FICHIER".into(),
            );
        }
    };
    if let Some(hub) = &cli.hub {
        config.hub_url = hub.clone();
    }
    if cli.election.is_some() {
        config.election_id = cli.election;
    }
    if let Some(cache) = &cli.cache {
        config.cache_path = cache.clone();
    }
    if let Some(seconds) = cli.attract_after {
        config.idle.attract_after_seconds = seconds;
    }
    Ok(config)
}

fn run(cli: Cli) -> Result<(), String> {
    let config = load_config(&cli)?;
    fonts::check()?;
    match cli.command {
        Some(Command::Screenshot {
            screen,
            size,
            out,
            station,
        }) => screenshot(&config, &screen, &size, &out, station),
        None => run_kiosk(&config),
    }
}

fn parse_screen(name: &str) -> Result<Screen, String> {
    Ok(match name {
        "home" => Screen::Home,
        "results" => Screen::Results,
        "stations" => Screen::Stations,
        "station" => Screen::Station,
        "turnout" => Screen::Turnout,
        "hundreds" => Screen::Hundreds,
        "seats" => Screen::Seats,
        "help" => Screen::Help,
        other => {
            return Err(format!(
                "écran « {other} » inconnu : home, results, stations, station, turnout, hundreds, seats ou help"
            ));
        }
    })
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let invalid =
        || format!("taille « {text} » invalide : attendu LARGEURxHAUTEUR, par exemple 800x480");
    let (width, height) = text.split_once('x').ok_or_else(invalid)?;
    let width: u32 = width.parse().map_err(|_| invalid())?;
    let height: u32 = height.parse().map_err(|_| invalid())?;
    if !(100..=8000).contains(&width) || !(100..=8000).contains(&height) {
        return Err(invalid());
    }
    Ok((width, height))
}

fn screenshot(
    config: &Config,
    screen: &str,
    size: &str,
    out: &std::path::Path,
    station: i32,
) -> Result<(), String> {
    let screen = parse_screen(screen)?;
    let (width, height) = parse_size(size)?;
    let client = HubClient::new(
        &config.hub_url,
        config.display_key.clone(),
        Duration::from_secs(30),
    );
    let snapshot = client
        .fetch_snapshot(config.election_id)
        .map_err(|error| error.to_string())?;
    headless::install().map_err(|error| format!("rendu impossible : {error}"))?;
    let settings = UiSettings {
        hub_url: config.hub_url.clone(),
        idle_after: Duration::from_secs(86_400),
        cycle_every: Duration::from_secs(86_400),
    };
    let kiosk =
        Kiosk::new(&settings, None).map_err(|error| format!("rendu impossible : {error}"))?;
    kiosk.apply(Update::Snapshot(Arc::new(snapshot)));
    if screen == Screen::Station {
        kiosk.window().invoke_select_station(station);
    } else {
        kiosk.window().set_screen(screen);
    }
    let pixels = headless::render(
        slint::ComponentHandle::window(kiosk.window()),
        width,
        height,
    )
    .map_err(|error| format!("rendu impossible : {error}"))?;
    headless::write_png(&pixels, out)
        .map_err(|error| format!("écriture de {} impossible : {error}", out.display()))
}

fn run_kiosk(config: &Config) -> Result<(), String> {
    if config.rotation != 0 && std::env::var_os("SLINT_KMS_ROTATION").is_none() {
        // The linuxkms backend reads the rotation from the environment only, and changing
        // this process's environment is unsafe in Rust 2024, so the kiosk starts itself
        // again with the variable set.
        use std::os::unix::process::CommandExt;
        let error = std::process::Command::new(
            std::env::current_exe()
                .map_err(|e| format!("chemin du programme introuvable : {e}"))?,
        )
        .args(std::env::args_os().skip(1))
        .env("SLINT_KMS_ROTATION", config.rotation.to_string())
        .exec();
        return Err(format!("redémarrage avec la rotation impossible : {error}"));
    }
    let cached = match cache::load(&config.cache_path) {
        Ok(snapshot) => snapshot.filter(|s| {
            s.hub == config.hub_url.trim_end_matches('/')
                && config.election_id.is_none_or(|id| id == s.election_id)
        }),
        Err(error) => {
            tracing::warn!(path = %config.cache_path.display(), "cannot read the saved snapshot: {error}");
            None
        }
    };
    let idle_after =
        config::seconds(config.idle.attract_after_seconds).unwrap_or(Duration::from_secs(90));
    let cycle_every = config::seconds(config.idle.cycle_seconds).unwrap_or(Duration::from_secs(12));
    let settings = UiSettings {
        hub_url: config.hub_url.clone(),
        idle_after,
        cycle_every,
    };
    let kiosk =
        Kiosk::new(&settings, cached).map_err(|error| format!("écran inutilisable : {error}"))?;
    let link = Arc::new(AtomicBool::new(false));
    if let Err(error) = urne_kiosk::devices::spawn(config, Arc::clone(&link)) {
        tracing::warn!("cannot start the panel thread: {error}");
    }
    let worker_settings = WorkerSettings {
        hub_url: config.hub_url.clone(),
        election_id: config.election_id,
        display_key: config.display_key.clone(),
        cache_path: Some(config.cache_path.clone()),
        backoff_min: Duration::from_millis(500),
        backoff_max: Duration::from_secs(30),
        read_timeout: Duration::from_secs(45),
    };
    let _worker = worker::spawn(worker_settings, link, kiosk.update_sink())
        .map_err(|error| format!("démarrage du fil de données impossible : {error}"))?;
    tracing::info!(hub = config.hub_url, "kiosk started");
    slint::ComponentHandle::run(kiosk.window())
        .map_err(|error| format!("écran inutilisable : {error}"))
}
