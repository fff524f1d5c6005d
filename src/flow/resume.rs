//! Back at the same student after the window restarts (issue 22). Everything a student did is in
//! SQLite when it happens (drafts, attempts, cool-downs, confirmation), but *who is standing at
//! the station and how far they got* lived only in memory: a window that crashed, was killed or
//! lost its power sent that student back to the welcome screen to show their code again, and a
//! queue waited. So the flow keeps one small record in the store's settings (the student and the
//! part of the journey they are in, with the time of their last step), and a new `Flow` over the
//! same store takes them back there with [`Flow::resume`].
//!
//! The record is cleared when the student leaves (quit, timeout, done), so only a process that
//! ended with a student on a student step leaves one. A record older than twice the idle timeout
//! is not resumed: that student has gone.
//!
//! Where they land: the framing screen if they were at the camera (a shot in progress is lost,
//! never counted: it had not been recorded), their draft box if they were at a result, the box
//! or confirming, and otherwise the start of their journey (the phone screen, or their status if
//! they had confirmed).

use super::{Flow, Identification, Result, Step};
use crate::store::{NewAudit, StudentId};
use chrono::{DateTime, Duration, Utc};

/// The settings key of the record.
const KEY: &str = "station.at_station";

/// The part of the journey a student is resumed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Phone number to guide: the journey starts again from the phone screen (those steps are
    /// quick and their answers stored).
    Start,
    /// At the camera: framing, countdown, preview, making.
    Camera,
    /// A result, the draft box, confirming.
    Drafts,
}

impl Part {
    /// The part of the journey a step belongs to; `None` off student steps and after
    /// confirming (fee, done), where nothing is left to resume.
    pub fn of(step: Step) -> Option<Part> {
        match step {
            Step::Phone
            | Step::Notice
            | Step::Precautions
            | Step::Notifications
            | Step::Guide
            | Step::Status => Some(Part::Start),
            Step::Framing | Step::Shoot | Step::Preview | Step::Making => Some(Part::Camera),
            Step::Result | Step::DraftBox | Step::Confirm => Some(Part::Drafts),
            Step::Welcome | Step::Fee | Step::Done => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Part::Start => "start",
            Part::Camera => "camera",
            Part::Drafts => "drafts",
        }
    }

    fn parse(s: &str) -> Option<Part> {
        [Part::Start, Part::Camera, Part::Drafts]
            .into_iter()
            .find(|p| p.name() == s)
    }
}

/// The stored record: `student part time`.
#[derive(Debug, Clone, PartialEq)]
pub struct AtStation {
    pub student: StudentId,
    pub part: Part,
    pub at: DateTime<Utc>,
}

impl AtStation {
    fn encode(&self) -> String {
        format!(
            "{} {} {}",
            self.student.0,
            self.part.name(),
            self.at.to_rfc3339()
        )
    }

    /// `None` for a record this version cannot read (it is then ignored, never trusted).
    fn decode(s: &str) -> Option<AtStation> {
        let mut parts = s.split(' ');
        let student = StudentId(parts.next()?.parse().ok()?);
        let part = Part::parse(parts.next()?)?;
        let at = DateTime::parse_from_rfc3339(parts.next()?)
            .ok()?
            .with_timezone(&Utc);
        parts
            .next()
            .is_none()
            .then_some(AtStation { student, part, at })
    }
}

impl Flow {
    /// Writes (or clears) the record after the screen changed. A store error is logged, not
    /// raised: the student's step already happened, only a later resume would miss it.
    pub(super) fn remember_at_station(&mut self, now: DateTime<Utc>) {
        let record = match (&self.student, Part::of(self.step())) {
            (Some(card), Some(part)) => Some((card.id, part)),
            _ => None,
        };
        if record == self.remembered {
            return;
        }
        let written = match record {
            Some((student, part)) => self.store.set_setting(
                KEY,
                &AtStation {
                    student,
                    part,
                    at: now,
                }
                .encode(),
            ),
            None => self.store.set_setting(KEY, ""),
        };
        match written {
            Ok(()) => self.remembered = record,
            Err(e) => log::warn!("cannot remember the student at the station: {e}"),
        }
    }

    /// The record left by the last process, if any.
    pub fn at_station(&self) -> Result<Option<AtStation>> {
        Ok(self
            .store
            .setting(KEY)?
            .as_deref()
            .and_then(AtStation::decode))
    }

    /// Takes the student the last process left at the station back to where they were (see the
    /// module doc); `None` when there is nobody to resume, the record is stale, or the student
    /// may not continue now (their session closed, for instance: then the welcome screen stays).
    /// Call it once, on the welcome screen of a new `Flow`.
    pub fn resume(&mut self) -> Result<Option<AtStation>> {
        if self.step() != Step::Welcome {
            return Ok(None);
        }
        let Some(record) = self.at_station()? else {
            return Ok(None);
        };
        let now = self.clock.now();
        // Resumed or not, the record is used up: a second restart must not replay it.
        self.store.set_setting(KEY, "")?;
        self.remembered = None;
        let stale =
            now - record.at > self.idle_timeout() * 2 || record.at > now + Duration::minutes(1);
        let mut line = NewAudit::station(if stale {
            "station.resume_stale"
        } else {
            "station.resumed"
        })
        .detail(format!("part={}", record.part.name()));
        if let Ok(s) = self.store.student(record.student) {
            line = line.session(s.session).student(record.student);
        }
        self.store.audit(&line, now)?;
        if stale {
            return Ok(None);
        }
        if self
            .identify(record.student, Identification::Code, now)
            .is_err()
        {
            // Refused now (session closed, outside the window): the welcome screen stays and
            // the refusal is in the audit log like any other.
            self.screen = super::Screen::Welcome;
            self.student = None;
            return Ok(None);
        }
        if self.step() == Step::Phone {
            match record.part {
                Part::Start => {}
                Part::Camera => self.show_framing()?,
                Part::Drafts => self.show_box()?,
            }
        }
        self.last_input = now;
        self.remember_at_station(now);
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_reads_back_and_junk_is_ignored() {
        let r = AtStation {
            student: StudentId(42),
            part: Part::Camera,
            at: DateTime::parse_from_rfc3339("2026-06-01T09:30:00+08:00")
                .map(|t| t.with_timezone(&Utc))
                .expect("a valid time"),
        };
        assert_eq!(AtStation::decode(&r.encode()), Some(r));
        for junk in [
            "",
            "42",
            "42 camera",
            "x camera 2026-06-01T01:30:00Z",
            "42 roof 2026-06-01T01:30:00Z",
            "42 camera yesterday",
            "42 camera 2026-06-01T01:30:00Z extra",
        ] {
            assert_eq!(AtStation::decode(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn every_student_step_but_the_last_has_a_part() {
        assert_eq!(Part::of(Step::Welcome), None);
        assert_eq!(Part::of(Step::Done), None);
        assert_eq!(Part::of(Step::Fee), None);
        assert_eq!(Part::of(Step::Guide), Some(Part::Start));
        assert_eq!(Part::of(Step::Making), Some(Part::Camera));
        assert_eq!(Part::of(Step::Confirm), Some(Part::Drafts));
    }
}
