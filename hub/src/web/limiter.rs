//! Login rate limiting, in memory: after [`MAX_FAILURES`] failed logins for one login name,
//! or [`MAX_ADDRESS_FAILURES`] from one client address, within [`WINDOW`], further attempts
//! for that name or from that address are rejected for [`LOCKOUT`]. The counts live in memory only, so a
//! restart clears them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: u32 = 5;
/// Higher than [`MAX_FAILURES`] because several clerks may share one counting-room
/// computer: one clerk's typos must not lock the others out.
pub const MAX_ADDRESS_FAILURES: u32 = 20;
pub const LOCKOUT: Duration = Duration::from_secs(60);
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Entries kept before the oldest are dropped, so a flood of distinct names cannot grow
/// memory without bound.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    first_failure: Instant,
    locked_until: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct LoginLimiter {
    entries: Mutex<HashMap<String, Entry>>,
}

impl LoginLimiter {
    /// Returns how long the keys are still locked, or `None` when an attempt may proceed.
    pub fn locked_for(&self, keys: &[String], now: Instant) -> Option<Duration> {
        let entries = self.lock();
        keys.iter()
            .filter_map(|key| entries.get(key))
            .filter_map(|entry| entry.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max()
    }

    /// Counts a failed attempt against every key; locks a login key at its fifth failure and
    /// an address key at its twentieth.
    pub fn record_failure(&self, keys: &[String], now: Instant) {
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| now.duration_since(entry.first_failure) < WINDOW);
        }
        for key in keys {
            let entry = entries.entry(key.clone()).or_insert(Entry {
                failures: 0,
                first_failure: now,
                locked_until: None,
            });
            if now.duration_since(entry.first_failure) >= WINDOW {
                *entry = Entry {
                    failures: 0,
                    first_failure: now,
                    locked_until: None,
                };
            }
            entry.failures += 1;
            let limit = if key.starts_with("address:") {
                MAX_ADDRESS_FAILURES
            } else {
                MAX_FAILURES
            };
            if entry.failures >= limit {
                entry.locked_until = Some(now + LOCKOUT);
                entry.failures = 0;
                entry.first_failure = now;
            }
        }
    }

    /// Forgets the failures of a login name after a successful login. The client
    /// address keeps its count, so one good account does not reset guessing of others.
    pub fn record_success(&self, login_key: &str) {
        self.lock().remove(login_key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(login: &str, address: &str) -> Vec<String> {
        vec![format!("login:{login}"), format!("address:{address}")]
    }

    #[test]
    fn fifth_failure_locks_for_a_minute() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        let marie = keys("marie", "10.0.0.5");
        for attempt in 0..4 {
            limiter.record_failure(&marie, start + Duration::from_secs(attempt));
            assert_eq!(
                limiter.locked_for(&marie, start + Duration::from_secs(attempt)),
                None
            );
        }
        limiter.record_failure(&marie, start + Duration::from_secs(4));
        let locked = limiter.locked_for(&marie, start + Duration::from_secs(5));
        assert_eq!(locked, Some(Duration::from_secs(59)));
        assert_eq!(
            limiter.locked_for(&marie, start + Duration::from_secs(65)),
            None
        );
    }

    #[test]
    fn address_locks_every_login() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        for attempt in 0..MAX_ADDRESS_FAILURES {
            let login = format!("user{attempt}");
            assert!(limiter.locked_for(&keys(&login, "10.0.0.9"), now).is_none());
            limiter.record_failure(&keys(&login, "10.0.0.9"), now);
        }
        assert!(limiter.locked_for(&keys("f", "10.0.0.9"), now).is_some());
        assert!(limiter.locked_for(&keys("f", "10.0.0.10"), now).is_none());
    }

    #[test]
    fn success_forgets_login_failures() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        let marie = keys("marie", "10.0.0.5");
        for _ in 0..4 {
            limiter.record_failure(&marie, now);
        }
        limiter.record_success("login:marie");
        limiter.record_failure(&marie, now);
        assert!(limiter.locked_for(&[marie[0].clone()], now).is_none());
        // The address keeps counting: 5 failures so far, locked at the twentieth.
        for _ in 5..MAX_ADDRESS_FAILURES {
            limiter.record_failure(&[marie[1].clone()], now);
        }
        assert!(
            limiter.locked_for(&[marie[1].clone()], now).is_some(),
            "the address reached its limit"
        );
    }

    #[test]
    fn old_failures_expire() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        let marie = keys("marie", "10.0.0.5");
        for _ in 0..4 {
            limiter.record_failure(&marie, start);
        }
        limiter.record_failure(&marie, start + WINDOW + Duration::from_secs(1));
        assert!(
            limiter
                .locked_for(&marie, start + WINDOW + Duration::from_secs(1))
                .is_none()
        );
    }
}
