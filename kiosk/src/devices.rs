//! The board's devices: GPIO lines found by chip label through the Linux character device
//! (linux-embedded-hal, `gpio_cdev`), and the sysfs backlight class. A device that is
//! absent is replaced by a stand-in and the kiosk runs without it.

use crate::config::Config;
use crate::hardware::{Panel, SystemClock};
use embedded_hal::digital::{ErrorType, InputPin, OutputPin};
use linux_embedded_hal::CdevPin;
use linux_embedded_hal::gpio_cdev::{Chip, LineRequestFlags};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Error of a device pin, with the device's path or line in the message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DeviceError(String);

impl embedded_hal::digital::Error for DeviceError {
    fn kind(&self) -> embedded_hal::digital::ErrorKind {
        embedded_hal::digital::ErrorKind::Other
    }
}

/// Stand-in for a missing device: reads as high (a missing presence sensor keeps the
/// screen lit) and ignores writes.
pub struct Absent;

impl ErrorType for Absent {
    type Error = DeviceError;
}

impl InputPin for Absent {
    fn is_high(&mut self) -> Result<bool, DeviceError> {
        Ok(true)
    }
    fn is_low(&mut self) -> Result<bool, DeviceError> {
        Ok(false)
    }
}

impl OutputPin for Absent {
    fn set_low(&mut self) -> Result<(), DeviceError> {
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), DeviceError> {
        Ok(())
    }
}

/// Backlight of the sysfs class: writes `bl_power`, 0 to light and 4 (powerdown) to
/// darken, as the kernel's backlight class defines.
pub struct SysfsBacklight {
    path: PathBuf,
}

impl ErrorType for SysfsBacklight {
    type Error = DeviceError;
}

impl SysfsBacklight {
    fn write(&self, value: &str) -> Result<(), DeviceError> {
        let file = self.path.join("bl_power");
        std::fs::write(&file, value)
            .map_err(|error| DeviceError(format!("{}: {error}", file.display())))
    }
}

impl OutputPin for SysfsBacklight {
    fn set_low(&mut self) -> Result<(), DeviceError> {
        self.write("4")
    }
    fn set_high(&mut self) -> Result<(), DeviceError> {
        self.write("0")
    }
}

/// A pin that is either a real line or a stand-in.
pub enum Pin {
    Line(CdevPin),
    Backlight(SysfsBacklight),
    Absent(Absent),
}

impl ErrorType for Pin {
    type Error = DeviceError;
}

impl InputPin for Pin {
    fn is_high(&mut self) -> Result<bool, DeviceError> {
        match self {
            Pin::Line(pin) => pin.is_high().map_err(|e| DeviceError(e.to_string())),
            Pin::Backlight(_) | Pin::Absent(_) => Ok(true),
        }
    }
    fn is_low(&mut self) -> Result<bool, DeviceError> {
        self.is_high().map(|high| !high)
    }
}

impl OutputPin for Pin {
    fn set_low(&mut self) -> Result<(), DeviceError> {
        match self {
            Pin::Line(pin) => pin.set_low().map_err(|e| DeviceError(e.to_string())),
            Pin::Backlight(backlight) => backlight.set_low(),
            Pin::Absent(absent) => absent.set_low(),
        }
    }
    fn set_high(&mut self) -> Result<(), DeviceError> {
        match self {
            Pin::Line(pin) => pin.set_high().map_err(|e| DeviceError(e.to_string())),
            Pin::Backlight(backlight) => backlight.set_high(),
            Pin::Absent(absent) => absent.set_high(),
        }
    }
}

/// Finds the GPIO chip whose label is `label`.
fn find_chip(label: &str) -> Result<Chip, String> {
    let chips = linux_embedded_hal::gpio_cdev::chips()
        .map_err(|error| format!("no GPIO character device: {error}"))?;
    for chip in chips.flatten() {
        if chip.label() == label {
            return Ok(chip);
        }
    }
    Err(format!("no GPIO chip labelled {label}"))
}

fn request_line(chip: &mut Chip, line: u32, output: bool) -> Result<Pin, String> {
    let flags = if output {
        LineRequestFlags::OUTPUT
    } else {
        LineRequestFlags::INPUT
    };
    let handle = chip
        .get_line(line)
        .and_then(|l| l.request(flags, 0, "urne-kiosk"))
        .map_err(|error| format!("line {line}: {error}"))?;
    CdevPin::new(handle)
        .map(Pin::Line)
        .map_err(|error| format!("line {line}: {error}"))
}

/// Opens the configured devices; each one that cannot be opened is replaced by [`Absent`]
/// and listed in the returned notes, which the caller logs once.
pub fn open(config: &Config) -> (Pin, Pin, Pin, Vec<String>) {
    let mut notes = Vec::new();
    let mut sensor = Pin::Absent(Absent);
    let mut led = Pin::Absent(Absent);
    let mut backlight = Pin::Absent(Absent);
    match &config.gpio {
        None => notes.push("no [gpio] section: no presence sensor and no status LED".to_string()),
        Some(gpio) => match find_chip(&gpio.chip_label) {
            Err(error) => notes.push(error),
            Ok(mut chip) => {
                for (line, output, slot) in [
                    (gpio.presence_line, false, &mut sensor),
                    (gpio.led_line, true, &mut led),
                    (gpio.backlight_line, true, &mut backlight),
                ] {
                    if let Some(line) = line {
                        match request_line(&mut chip, line, output) {
                            Ok(pin) => *slot = pin,
                            Err(error) => notes.push(error),
                        }
                    }
                }
            }
        },
    }
    if let Some(path) = &config.backlight.path {
        if path.join("bl_power").exists() {
            backlight = Pin::Backlight(SysfsBacklight { path: path.clone() });
        } else {
            notes.push(format!("no backlight at {}", path.display()));
        }
    }
    (sensor, backlight, led, notes)
}

/// Runs the panel logic on its own thread, polling every 100 ms.
pub fn spawn(config: &Config, link: Arc<AtomicBool>) -> std::io::Result<()> {
    let (sensor, backlight, led, notes) = open(config);
    if !notes.is_empty() {
        tracing::info!("running without some devices: {}", notes.join("; "));
    }
    let quiet_after = crate::config::seconds(config.idle.screen_off_after_seconds)
        .unwrap_or(Duration::from_secs(600));
    let night = config
        .backlight
        .night
        .as_deref()
        .and_then(crate::config::parse_night);
    let mut panel = Panel::new(
        sensor,
        backlight,
        led,
        SystemClock::default(),
        quiet_after,
        night,
    );
    std::thread::Builder::new()
        .name("urne-kiosk-panel".to_string())
        .spawn(move || {
            loop {
                panel.poll(link.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(100));
            }
        })
        .map(|_| ())
}
