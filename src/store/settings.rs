//! Station-wide state that is not configuration (PIN lockout, export bookkeeping): a small
//! key/value table, so such state survives a restart without a migration per key.

use super::{Result, Store};
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
    /// The PIN lockout, as persisted; a missing or unreadable value is "no failures".
    pub fn pin_lockout(&self) -> Result<crate::pin::Lockout> {
        use crate::pin::Lockout;
        let failures = self
            .setting(Lockout::FAILURES_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let locked_until = self
            .setting(Lockout::LOCKED_UNTIL_KEY)?
            .and_then(|v| super::from_db_time(&v).ok());
        Ok(Lockout {
            failures,
            locked_until,
        })
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
