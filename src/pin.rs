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
    #[error("{0}; choose another PIN")]
    Weak(String),
}

/// Digits a new PIN needs. The hash sits in kiosk.toml, which anyone at the station's desktop may
/// copy; the lockout does not protect it offline. With argon2's defaults used here (Argon2id,
/// 19 MiB, 2 passes, 1 lane: ~20 ms per guess on one core, measured as `tucai set-pin` taking
/// 0.02 s wall on the 2-core development machine) all 10^8 PINs of 8 digits take about 23
/// core-days; 4 digits fell in 3 core-minutes, 6 in under 6 core-hours.
pub const MIN_NEW_PIN_LEN: usize = 8;

/// PINs people pick first that the rules below do not already catch.
const COMMON_PINS: &[&str] = &[
    "12344321", "11223344", "12341234", "52013140", "52013141", "13145200", "13141314", "19491001",
    "20080808", "88888888", "66666666", "12348765", "87654321", "11112222", "10203040", "14725836",
    "15935746", "20262026", "20252025", "19901990",
];

/// Whether `pin` may be set as a new teacher PIN: [`MIN_NEW_PIN_LEN`] to 12 digits, not one digit
/// repeated, not a run up or down the keypad (`12345678`, `98765432`, wrapping `89012345`), not a
/// short block repeated (`12121212`, `123123123`), not a common choice. PINs already set keep
/// working (verification accepts 4 to 12 digits); only setting a new one is judged.
pub fn check_new_pin(pin: &str) -> Result<(), PinError> {
    if !is_valid_pin(pin) {
        return Err(PinError::BadFormat);
    }
    let d: Vec<u8> = pin.bytes().map(|b| b - b'0').collect();
    if d.len() < MIN_NEW_PIN_LEN {
        return Err(PinError::Weak(format!(
            "the PIN has {} digits, a new PIN needs at least {MIN_NEW_PIN_LEN}",
            d.len()
        )));
    }
    let steps: Vec<u8> = d.windows(2).map(|w| (10 + w[1] - w[0]) % 10).collect();
    if steps.iter().all(|&s| s == steps[0]) {
        return Err(PinError::Weak(
            "the PIN is one digit repeated or a run of digits".into(),
        ));
    }
    if (1..=4)
        .any(|block| d.len().is_multiple_of(block) && d.chunks(block).all(|c| c == &d[..block]))
    {
        return Err(PinError::Weak(
            "the PIN repeats a short block of digits".into(),
        ));
    }
    if COMMON_PINS.contains(&pin) {
        return Err(PinError::Weak("the PIN is one of the most common".into()));
    }
    Ok(())
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
    fn trivial_and_short_new_pins_are_refused() {
        for weak in [
            "0000",
            "1234",
            "123456",
            "00000000",
            "12345678",
            "87654321",
            "98765432",
            "89012345",
            "24682468",
            "12121212",
            "123123123",
            "11223344",
            "52013140",
            "1357913",
        ] {
            assert!(check_new_pin(weak).is_err(), "{weak} was accepted");
        }
        for ok in ["27049163", "58203917", "902146738"] {
            assert!(check_new_pin(ok).is_ok(), "{ok} was refused");
        }
        assert!(matches!(
            check_new_pin("12ab5678"),
            Err(PinError::BadFormat)
        ));
        let msg = check_new_pin("2704").unwrap_err().to_string();
        assert!(msg.contains("at least 8"), "{msg}");
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
