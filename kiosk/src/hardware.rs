//! Presence sensor, backlight and status LED. The logic is a state machine generic over
//! the embedded-hal 1.0 pin traits and a clock; `devices` opens the real lines.

use embedded_hal::digital::{InputPin, OutputPin};
use std::time::Duration;

/// Monotonic time and local time of day, so the logic can be tested without waiting.
pub trait Clock {
    /// Time since an arbitrary fixed origin.
    fn monotonic(&self) -> Duration;
    /// Local wall-clock minute of the day, 0 to 1439.
    fn minute_of_day(&self) -> u16;
}

/// Local night window, in minutes of the day; it may cross midnight (`01:00`–`07:00` or
/// `23:00`–`06:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Night {
    pub start: u16,
    pub end: u16,
}

impl Night {
    pub fn contains(&self, minute: u16) -> bool {
        if self.start <= self.end {
            (self.start..self.end).contains(&minute)
        } else {
            minute >= self.start || minute < self.end
        }
    }
}

/// Backlight and LED control. The screen lights on presence, goes dark after
/// `quiet_after` without presence and stays dark during `night` whatever the sensor reads,
/// because the town hall is closed then. The LED is lit while the hub answers.
pub struct Panel<Sensor, Backlight, Led, C> {
    sensor: Sensor,
    backlight: Backlight,
    led: Led,
    clock: C,
    quiet_after: Duration,
    night: Option<Night>,
    last_presence: Duration,
    screen_on: Option<bool>,
    led_on: Option<bool>,
    /// Failed writes in a row, so a broken pin is logged once a minute, not every poll.
    backlight_failures: u32,
    led_failures: u32,
}

/// Polls between two log lines about the same failing pin: one minute at 100 ms a poll.
const FAILURE_LOG_EVERY: u32 = 600;

/// Logs the first failure of a pin and every [`FAILURE_LOG_EVERY`]-th after it.
fn log_failure(failures: &mut u32, pin: &str, error: impl std::fmt::Debug) {
    if failures.is_multiple_of(FAILURE_LOG_EVERY) {
        tracing::warn!(
            failures = *failures + 1,
            "cannot switch the {pin}: {error:?}"
        );
    }
    *failures = failures.saturating_add(1);
}

impl<Sensor, Backlight, Led, C> Panel<Sensor, Backlight, Led, C>
where
    Sensor: InputPin,
    Backlight: OutputPin,
    Led: OutputPin,
    C: Clock,
{
    pub fn new(
        sensor: Sensor,
        backlight: Backlight,
        led: Led,
        clock: C,
        quiet_after: Duration,
        night: Option<Night>,
    ) -> Self {
        let last_presence = clock.monotonic();
        Panel {
            sensor,
            backlight,
            led,
            clock,
            quiet_after,
            night,
            last_presence,
            screen_on: None,
            led_on: None,
            backlight_failures: 0,
            led_failures: 0,
        }
    }

    /// Reads the sensor and sets the backlight and the LED; a pin is written only when
    /// its state changes. Returns whether the screen is lit.
    pub fn poll(&mut self, hub_linked: bool) -> bool {
        let now = self.clock.monotonic();
        // A sensor that cannot be read counts as presence, so a fault keeps the screen lit.
        if self.sensor.is_high().unwrap_or(true) {
            self.last_presence = now;
        }
        let at_night = self
            .night
            .is_some_and(|night| night.contains(self.clock.minute_of_day()));
        let quiet = now.saturating_sub(self.last_presence) >= self.quiet_after;
        let screen_on = !at_night && !quiet;
        if self.screen_on != Some(screen_on) {
            let result = if screen_on {
                self.backlight.set_high()
            } else {
                self.backlight.set_low()
            };
            match result {
                Ok(()) => {
                    self.screen_on = Some(screen_on);
                    self.backlight_failures = 0;
                }
                Err(error) => log_failure(&mut self.backlight_failures, "backlight", error),
            }
        }
        if self.led_on != Some(hub_linked) {
            let result = if hub_linked {
                self.led.set_high()
            } else {
                self.led.set_low()
            };
            match result {
                Ok(()) => {
                    self.led_on = Some(hub_linked);
                    self.led_failures = 0;
                }
                Err(error) => log_failure(&mut self.led_failures, "status LED", error),
            }
        }
        screen_on
    }

    /// Returns the pins, for tests that check the mocks' expectations.
    pub fn release(self) -> (Sensor, Backlight, Led) {
        (self.sensor, self.backlight, self.led)
    }
}

/// Real clock: `Instant` since start and the local time from the system's time zone.
pub struct SystemClock {
    start: std::time::Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            start: std::time::Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn monotonic(&self) -> Duration {
        self.start.elapsed()
    }

    fn minute_of_day(&self) -> u16 {
        use chrono::Timelike;
        let now = chrono::Local::now();
        u16::try_from(now.hour() * 60 + now.minute()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_hal_mock::eh1::MockError;
    use embedded_hal_mock::eh1::digital::{Mock as PinMock, State, Transaction};
    use std::cell::Cell;
    use std::rc::Rc;

    #[derive(Clone)]
    struct FakeClock {
        now: Rc<Cell<Duration>>,
        minute: Rc<Cell<u16>>,
    }

    impl Clock for FakeClock {
        fn monotonic(&self) -> Duration {
            self.now.get()
        }
        fn minute_of_day(&self) -> u16 {
            self.minute.get()
        }
    }

    fn clock(minute: u16) -> FakeClock {
        FakeClock {
            now: Rc::new(Cell::new(Duration::ZERO)),
            minute: Rc::new(Cell::new(minute)),
        }
    }

    #[test]
    fn presence_wakes_and_quiet_turns_off() {
        let sensor = PinMock::new(&[
            Transaction::get(State::High),
            Transaction::get(State::Low),
            Transaction::get(State::Low),
            Transaction::get(State::High),
        ]);
        let backlight = PinMock::new(&[
            Transaction::set(State::High),
            Transaction::set(State::Low),
            Transaction::set(State::High),
        ]);
        let led = PinMock::new(&[Transaction::set(State::High)]);
        let clock = clock(20 * 60);
        let mut panel = Panel::new(
            sensor,
            backlight,
            led,
            clock.clone(),
            Duration::from_secs(300),
            Some(Night {
                start: 60,
                end: 420,
            }),
        );
        assert!(panel.poll(true), "presence lights the screen");
        clock.now.set(Duration::from_secs(200));
        assert!(panel.poll(true), "still lit before the quiet delay");
        clock.now.set(Duration::from_secs(300));
        assert!(!panel.poll(true), "dark after 300 s without presence");
        clock.now.set(Duration::from_secs(400));
        assert!(panel.poll(true), "presence wakes the screen");
        let (mut sensor, mut backlight, mut led) = panel.release();
        sensor.done();
        backlight.done();
        led.done();
    }

    #[test]
    fn night_keeps_screen_dark() {
        let sensor = PinMock::new(&[Transaction::get(State::High)]);
        let backlight = PinMock::new(&[Transaction::set(State::Low)]);
        let led = PinMock::new(&[Transaction::set(State::Low)]);
        let mut panel = Panel::new(
            sensor,
            backlight,
            led,
            clock(3 * 60),
            Duration::from_secs(300),
            Some(Night {
                start: 60,
                end: 420,
            }),
        );
        assert!(!panel.poll(false), "dark at 03:00 despite presence");
        let (mut sensor, mut backlight, mut led) = panel.release();
        sensor.done();
        backlight.done();
        led.done();
    }

    #[test]
    fn failed_backlight_write_is_retried() {
        let sensor = PinMock::new(&[
            Transaction::get(State::High),
            Transaction::get(State::High),
            Transaction::get(State::High),
        ]);
        let backlight = PinMock::new(&[
            Transaction::set(State::High)
                .with_error(MockError::Io(std::io::ErrorKind::NotConnected)),
            Transaction::set(State::High)
                .with_error(MockError::Io(std::io::ErrorKind::NotConnected)),
            Transaction::set(State::High),
        ]);
        let led = PinMock::new(&[Transaction::set(State::High)]);
        let mut panel = Panel::new(
            sensor,
            backlight,
            led,
            clock(12 * 60),
            Duration::from_secs(300),
            None,
        );
        for _ in 0..3 {
            assert!(panel.poll(true), "presence asks for a lit screen");
        }
        assert_eq!(panel.backlight_failures, 0, "the count resets on success");
        let (mut sensor, mut backlight, mut led) = panel.release();
        sensor.done();
        backlight.done();
        led.done();
    }

    #[test]
    fn night_window_crosses_midnight() {
        let night = Night {
            start: 23 * 60,
            end: 6 * 60,
        };
        assert!(night.contains(23 * 60 + 30));
        assert!(night.contains(60));
        assert!(!night.contains(12 * 60));
    }
}
