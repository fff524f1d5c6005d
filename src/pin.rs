//! The teacher PIN: an Argon2 hash in `kiosk.toml`, and the lockout after too many wrong tries.
//!
//! Owns: hashing, verification, the lockout rule. The lockout state is persisted by the caller
//! (the store's settings table) so a restart does not reset it.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PinError {
    #[error("the PIN must be 4 to 12 digits")]
    BadFormat,
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
    #[error("no teacher PIN is set; run `tucai set-pin` on the station")]
    NotSet,
    #[error("the stored PIN hash is not a valid Argon2 hash; run `tucai set-pin` again")]
    BadHash,
}

/// 4 to 12 digits: typed on the on-screen keypad.
pub fn is_valid_pin(pin: &str) -> bool {
    (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// Hashes a PIN with Argon2id and a random salt, as a PHC string.
pub fn hash_pin(pin: &str) -> Result<String, PinError> {
    if !is_valid_pin(pin) {
        return Err(PinError::BadFormat);
    }
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| PinError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| PinError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PinError::Hash(e.to_string()))
}

/// Checks a PIN against the configured hash.
pub fn verify_pin(hash: &str, pin: &str) -> Result<bool, PinError> {
    if hash.is_empty() {
        return Err(PinError::NotSet);
    }
    let parsed = PasswordHash::new(hash).map_err(|_| PinError::BadHash)?;
    Ok(Argon2::default()
        .verify_password(pin.as_bytes(), &parsed)
        .is_ok())
}

/// Wrong tries in a row and, once too many, until when the prompt is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lockout {
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// What the PIN prompt should do after a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    Accepted,
    Wrong { tries_left: u32 },
    Locked { until: DateTime<Utc> },
}

impl Lockout {
    /// Settings keys the state is persisted under.
    pub const FAILURES_KEY: &'static str = "pin.failures";
    pub const LOCKED_UNTIL_KEY: &'static str = "pin.locked_until";

    pub fn locked_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|&until| now < until)
    }

    /// Applies one try whose correctness is `correct`. While locked, the try is not even looked
    /// at (a correct PIN does not help), so guessing during the lock gains nothing.
    pub fn attempt(
        &mut self,
        correct: bool,
        now: DateTime<Utc>,
        max_tries: u32,
        lock_minutes: u32,
    ) -> PinOutcome {
        if let Some(until) = self.locked_at(now) {
            return PinOutcome::Locked { until };
        }
        if correct {
            *self = Lockout::default();
            return PinOutcome::Accepted;
        }
        self.failures += 1;
        if self.failures >= max_tries {
            let until = now + Duration::minutes(i64::from(lock_minutes));
            *self = Lockout {
                failures: 0,
                locked_until: Some(until),
            };
            PinOutcome::Locked { until }
        } else {
            PinOutcome::Wrong {
                tries_left: max_tries - self.failures,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let hash = hash_pin("2468").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_pin(&hash, "2468").unwrap());
        assert!(!verify_pin(&hash, "2469").unwrap());
        assert!(matches!(verify_pin("", "2468"), Err(PinError::NotSet)));
        assert!(matches!(
            verify_pin("not a phc string", "1"),
            Err(PinError::BadHash)
        ));
        assert!(matches!(hash_pin("12a4"), Err(PinError::BadFormat)));
        assert!(matches!(hash_pin("123"), Err(PinError::BadFormat)));
    }

    #[test]
    fn five_wrong_tries_lock_for_five_minutes() {
        let t0 = DateTime::parse_from_rfc3339("2026-05-06T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut l = Lockout::default();
        for left in (1..=4).rev() {
            assert_eq!(
                l.attempt(false, t0, 5, 5),
                PinOutcome::Wrong { tries_left: left }
            );
        }
        let until = t0 + Duration::minutes(5);
        assert_eq!(l.attempt(false, t0, 5, 5), PinOutcome::Locked { until });
        // A correct PIN during the lock is refused too.
        let almost = until - Duration::seconds(1);
        assert_eq!(l.attempt(true, almost, 5, 5), PinOutcome::Locked { until });
        assert_eq!(l.attempt(true, until, 5, 5), PinOutcome::Accepted);
        assert_eq!(l, Lockout::default());
    }

    #[test]
    fn a_correct_pin_resets_the_count() {
        let t0 = Utc::now();
        let mut l = Lockout::default();
        l.attempt(false, t0, 5, 5);
        l.attempt(false, t0, 5, 5);
        assert_eq!(l.attempt(true, t0, 5, 5), PinOutcome::Accepted);
        assert_eq!(
            l.attempt(false, t0, 5, 5),
            PinOutcome::Wrong { tries_left: 4 }
        );
    }
}
