//! Attract mode: after a delay without a touch the kiosk returns home and then shows its
//! main screens in turn by itself, until the next touch.

use std::time::{Duration, Instant};

/// Idle timer and screen cycle, independent of the UI toolkit so it can be tested alone.
#[derive(Debug, Clone)]
pub struct Attract {
    idle_after: Duration,
    cycle_every: Duration,
    last_touch: Instant,
    /// Time the current attract screen appeared, while the cycle runs.
    shown_since: Option<Instant>,
    position: usize,
}

impl Attract {
    pub fn new(idle_after: Duration, cycle_every: Duration, now: Instant) -> Attract {
        Attract {
            idle_after,
            cycle_every,
            last_touch: now,
            shown_since: None,
            position: 0,
        }
    }

    /// Records a touch: the cycle stops and the idle delay starts again.
    pub fn touch(&mut self, now: Instant) {
        self.last_touch = now;
        self.shown_since = None;
    }

    pub fn is_active(&self) -> bool {
        self.shown_since.is_some()
    }

    /// Advances the timer; returns the screen to show when it must change. `cycle` lists
    /// the screens in order and starts with home.
    pub fn tick<T: Copy>(&mut self, now: Instant, cycle: &[T]) -> Option<T> {
        let first = *cycle.first()?;
        match self.shown_since {
            None if now.duration_since(self.last_touch) >= self.idle_after => {
                self.shown_since = Some(now);
                self.position = 0;
                Some(first)
            }
            None => None,
            Some(since) if now.duration_since(since) >= self.cycle_every => {
                self.shown_since = Some(now);
                self.position = (self.position + 1) % cycle.len();
                cycle.get(self.position).copied()
            }
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_returns_home_then_cycles() {
        let start = Instant::now();
        let mut attract = Attract::new(Duration::from_secs(60), Duration::from_secs(10), start);
        let cycle = ["home", "results", "turnout"];
        assert_eq!(attract.tick(start + Duration::from_secs(59), &cycle), None);
        assert!(!attract.is_active());
        assert_eq!(
            attract.tick(start + Duration::from_secs(60), &cycle),
            Some("home")
        );
        assert!(attract.is_active());
        assert_eq!(attract.tick(start + Duration::from_secs(65), &cycle), None);
        assert_eq!(
            attract.tick(start + Duration::from_secs(70), &cycle),
            Some("results")
        );
        assert_eq!(
            attract.tick(start + Duration::from_secs(80), &cycle),
            Some("turnout")
        );
        assert_eq!(
            attract.tick(start + Duration::from_secs(90), &cycle),
            Some("home")
        );
    }

    #[test]
    fn touch_stops_cycle() {
        let start = Instant::now();
        let mut attract = Attract::new(Duration::from_secs(5), Duration::from_secs(5), start);
        let cycle = [1, 2];
        assert_eq!(
            attract.tick(start + Duration::from_secs(5), &cycle),
            Some(1)
        );
        attract.touch(start + Duration::from_secs(6));
        assert!(!attract.is_active());
        assert_eq!(attract.tick(start + Duration::from_secs(10), &cycle), None);
        assert_eq!(
            attract.tick(start + Duration::from_secs(11), &cycle),
            Some(1)
        );
    }
}
