//! Station-wide state that is not configuration (PIN lockout, export bookkeeping): a small
//! key/value table, so such state survives a restart without a migration per key.

use super::{Result, Store, StoreError};
use rusqlite::{OptionalExtension, params};

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

impl Store {
    /// The PIN lockout, as persisted; missing values are "no failures". A value that cannot be
    /// read is an error, never "unlocked": the lockout fails closed.
    pub fn pin_lockout(&self) -> Result<crate::pin::Lockout> {
        use crate::pin::Lockout;
        let failures = match self.setting(Lockout::FAILURES_KEY)? {
            None => 0,
            Some(v) => v
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("{} = `{v}`", Lockout::FAILURES_KEY)))?,
        };
        let locked_until = match self.setting(Lockout::LOCKED_UNTIL_KEY)? {
            None => None,
            Some(v) => Some(super::from_db_time(&v)?),
        };
        Ok(Lockout {
            failures,
            locked_until,
        })
    }

    /// One try at the PIN prompt against the persisted lockout, which is updated. Fails closed:
    /// when the lockout cannot be read, or a wrong try cannot be counted, the try is refused with
    /// the error (the caller shows it) rather than judged against "no failures" (the kiosk used
    /// `pin_lockout().unwrap_or_default()`, so a broken read unlocked the prompt).
    pub fn pin_attempt(
        &mut self,
        correct: bool,
        now: chrono::DateTime<chrono::Utc>,
        max_tries: u32,
        lock_minutes: u32,
    ) -> Result<crate::pin::PinOutcome> {
        let mut lockout = self.pin_lockout()?;
        let outcome = lockout.attempt(correct, now, max_tries, lock_minutes);
        match self.set_pin_lockout(&lockout) {
            Ok(()) => Ok(outcome),
            // A right PIN that could not clear the count loses nothing by being let in.
            Err(e) if outcome == crate::pin::PinOutcome::Accepted => {
                log::warn!("the PIN lockout could not be reset: {e}");
                Ok(outcome)
            }
            Err(e) => Err(e),
        }
    }

    pub fn set_pin_lockout(&mut self, lockout: &crate::pin::Lockout) -> Result<()> {
        use crate::pin::Lockout;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![Lockout::FAILURES_KEY, lockout.failures.to_string()],
        )?;
        match lockout.locked_until {
            Some(t) => tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![Lockout::LOCKED_UNTIL_KEY, super::to_db_time(t)],
            )?,
            None => tx.execute(
                "DELETE FROM settings WHERE key = ?1",
                [Lockout::LOCKED_UNTIL_KEY],
            )?,
        };
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin::{Lockout, PinOutcome};

    #[test]
    fn a_lockout_that_cannot_be_read_refuses_even_the_right_pin() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let now = crate::store::from_db_time("2026-05-06T08:00:00Z").unwrap();
        // Four wrong tries of five, then the count is damaged.
        for _ in 0..4 {
            assert!(matches!(
                store.pin_attempt(false, now, 5, 5).unwrap(),
                PinOutcome::Wrong { .. }
            ));
        }
        store.set_setting(Lockout::FAILURES_KEY, "four").unwrap();
        assert!(store.pin_lockout().is_err());
        assert!(store.pin_attempt(true, now, 5, 5).is_err());
        assert!(store.pin_attempt(false, now, 5, 5).is_err());
        // A damaged lock time is no unlock either.
        store.set_setting(Lockout::FAILURES_KEY, "0").unwrap();
        store
            .set_setting(Lockout::LOCKED_UNTIL_KEY, "soon")
            .unwrap();
        assert!(store.pin_attempt(true, now, 5, 5).is_err());
        // Readable again: the right PIN is accepted and clears the count.
        store
            .set_setting(Lockout::LOCKED_UNTIL_KEY, "2026-05-06T07:00:00Z")
            .unwrap();
        assert_eq!(
            store.pin_attempt(true, now, 5, 5).unwrap(),
            PinOutcome::Accepted
        );
        assert_eq!(store.pin_lockout().unwrap(), Lockout::default());
    }
}
