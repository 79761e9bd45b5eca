//! Configuration file (TOML). Command-line flags and environment variables override it
//! (see `main.rs`); errors name the key in French.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Base URL of the hub, e.g. `http://192.168.1.10:8080`.
    pub hub_url: String,
    /// Election to show; the latest one on the hub when absent.
    pub election_id: Option<i64>,
    /// Display key of the election, to read results during an embargo.
    pub display_key: Option<String>,
    /// Last good snapshot.
    #[serde(default = "default_cache_path")]
    pub cache_path: PathBuf,
    /// Screen rotation in degrees: 0, 90, 180 or 270.
    #[serde(default)]
    pub rotation: u16,
    #[serde(default)]
    pub idle: IdleConfig,
    #[serde(default)]
    pub backlight: BacklightConfig,
    pub gpio: Option<GpioConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdleConfig {
    /// Seconds without a touch before the attract mode starts.
    #[serde(default = "default_attract_after")]
    pub attract_after_seconds: f64,
    /// Seconds each screen stays in attract mode.
    #[serde(default = "default_cycle")]
    pub cycle_seconds: f64,
    /// Seconds without presence before the backlight goes off.
    #[serde(default = "default_screen_off")]
    pub screen_off_after_seconds: f64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacklightConfig {
    /// Sysfs backlight folder, e.g. `/sys/class/backlight/10-0045`.
    pub path: Option<PathBuf>,
    /// Night window `HH:MM-HH:MM` during which the screen stays dark.
    pub night: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpioConfig {
    /// Label of the GPIO chip (`gpiodetect` shows it), e.g. `pinctrl-bcm2711`.
    pub chip_label: String,
    pub presence_line: Option<u32>,
    pub led_line: Option<u32>,
    /// Backlight enable line, when the backlight is not a sysfs device.
    pub backlight_line: Option<u32>,
}

fn default_cache_path() -> PathBuf {
    PathBuf::from("/var/lib/urne-kiosk/dernier-instantane.json")
}

fn default_attract_after() -> f64 {
    90.0
}

fn default_cycle() -> f64 {
    12.0
}

fn default_screen_off() -> f64 {
    600.0
}

impl Default for IdleConfig {
    fn default() -> Self {
        IdleConfig {
            attract_after_seconds: default_attract_after(),
            cycle_seconds: default_cycle(),
            screen_off_after_seconds: default_screen_off(),
        }
    }
}

/// Invalid configuration, in French.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("fichier de configuration {path} illisible : {reason}")]
    Unreadable { path: String, reason: String },
    #[error("fichier de configuration {path} invalide, clé « {key} » : {reason}")]
    Invalid {
        path: String,
        key: String,
        reason: String,
    },
}

impl Config {
    /// A configuration with defaults for `hub_url`, for runs without a file.
    pub fn with_hub(hub_url: &str) -> Config {
        Config {
            hub_url: hub_url.to_string(),
            election_id: None,
            display_key: None,
            cache_path: default_cache_path(),
            rotation: 0,
            idle: IdleConfig::default(),
            backlight: BacklightConfig::default(),
            gpio: None,
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Unreadable {
            path: path.display().to_string(),
            reason: error.to_string(),
        })?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses `text`; `origin` names the file in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let deserializer =
            toml::Deserializer::parse(text).map_err(|error| ConfigError::Invalid {
                path: origin.to_string(),
                key: "?".to_string(),
                reason: error.message().to_string(),
            })?;
        let config: Config = serde_path_to_error::deserialize(deserializer).map_err(|error| {
            ConfigError::Invalid {
                path: origin.to_string(),
                key: error.path().to_string(),
                reason: error.inner().message().to_string(),
            }
        })?;
        config.validate(origin)?;
        Ok(config)
    }

    fn validate(&self, origin: &str) -> Result<(), ConfigError> {
        let invalid = |key: &str, reason: String| ConfigError::Invalid {
            path: origin.to_string(),
            key: key.to_string(),
            reason,
        };
        if !(self.hub_url.starts_with("http://") || self.hub_url.starts_with("https://")) {
            return Err(invalid(
                "hub_url",
                format!(
                    "« {} » doit commencer par http:// ou https://",
                    self.hub_url
                ),
            ));
        }
        if ![0, 90, 180, 270].contains(&self.rotation) {
            return Err(invalid(
                "rotation",
                format!("{} n'est pas 0, 90, 180 ou 270", self.rotation),
            ));
        }
        for (key, value) in [
            (
                "idle.attract_after_seconds",
                self.idle.attract_after_seconds,
            ),
            ("idle.cycle_seconds", self.idle.cycle_seconds),
            (
                "idle.screen_off_after_seconds",
                self.idle.screen_off_after_seconds,
            ),
        ] {
            if seconds(value).is_none() {
                return Err(invalid(
                    key,
                    format!("{value} n'est pas une durée en secondes entre 0,1 et 86400"),
                ));
            }
        }
        if let Some(night) = &self.backlight.night
            && parse_night(night).is_none()
        {
            return Err(invalid(
                "backlight.night",
                format!("« {night} » n'a pas la forme HH:MM-HH:MM, par exemple 01:00-07:00"),
            ));
        }
        Ok(())
    }
}

/// Converts seconds from the file to a duration between 0.1 s and one day.
pub fn seconds(value: f64) -> Option<Duration> {
    if (0.1..=86_400.0).contains(&value) {
        Duration::try_from_secs_f64(value).ok()
    } else {
        None
    }
}

/// Parses `HH:MM-HH:MM` into minutes of the day.
pub fn parse_night(text: &str) -> Option<crate::hardware::Night> {
    let (start, end) = text.split_once('-')?;
    Some(crate::hardware::Night {
        start: minute_of_day(start)?,
        end: minute_of_day(end)?,
    })
}

fn minute_of_day(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let hours: u16 = hours.parse().ok()?;
    let minutes: u16 = minutes.parse().ok()?;
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_file_takes_defaults() {
        let config = Config::parse("hub_url = \"http://127.0.0.1:8080\"\n", "test").unwrap();
        assert_eq!(config.rotation, 0);
        assert_eq!(config.idle.attract_after_seconds, 90.0);
        assert!(config.gpio.is_none());
    }

    #[test]
    fn wrong_type_names_key() {
        let text = "hub_url = \"http://h\"\n[idle]\nattract_after_seconds = \"vite\"\n";
        let error = Config::parse(text, "kiosque.toml").unwrap_err().to_string();
        assert!(error.contains("idle.attract_after_seconds"), "{error}");
        assert!(error.contains("kiosque.toml"), "{error}");
    }

    #[test]
    fn unknown_key_is_rejected() {
        let text = "hub_url = \"http://h\"\nrotaton = 90\n";
        let error = Config::parse(text, "k.toml").unwrap_err().to_string();
        assert!(error.contains("rotaton"), "{error}");
    }

    #[test]
    fn rotation_and_night_checked() {
        let error = Config::parse("hub_url = \"http://h\"\nrotation = 45\n", "k")
            .unwrap_err()
            .to_string();
        assert!(error.contains("« rotation »"), "{error}");
        let error = Config::parse(
            "hub_url = \"http://h\"\n[backlight]\nnight = \"1h-7h\"\n",
            "k",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("backlight.night"), "{error}");
        assert_eq!(
            parse_night("23:30-06:00"),
            Some(crate::hardware::Night {
                start: 23 * 60 + 30,
                end: 360
            })
        );
    }
}
