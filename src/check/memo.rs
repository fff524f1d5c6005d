//! The two heaviest models' readings of one live picture, carried to the next (the live check
//! only; the shot is always judged with both models, fresh).
//!
//! The hair model (head.covered) and the face mask model (face.occluded) take about half of a
//! live picture's CPU (docs/PERFORMANCE.md). While the same head stays in the same place, the
//! live check asks one of them per picture, in turn, and takes the other's reading from the
//! picture just before: each reading is at most one picture old, and a student who moves, turns
//! away or leaves has both models asked again at once.

use crate::face::Rect;
use std::time::{Duration, Instant};

/// A reading older than this is not carried: the student may have changed (pictures come about
/// every 250 ms while the framing screen judges; a pause this long means it stopped).
const MAX_AGE: Duration = Duration::from_millis(1000);

/// The face box must overlap the last one at least this much (intersection over union) for the
/// head to count as in the same place: the detector's jitter on a still face stays above 0.95,
/// a head moved by a tenth of its width falls under 0.83.
const SAME_PLACE_IOU: f32 = 0.9;

/// Which heavy models a picture asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub mask: bool,
    pub hair: bool,
}

/// What a picture's check does about each heavy model: ask it, or take the carried reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Step {
    Ask,
    Carry(Option<f32>),
}

#[derive(Debug, Clone, Copy)]
struct Readings {
    face: Rect,
    at: Instant,
    mask: Option<f32>,
    hair: Option<f32>,
    asked: Asked,
}

/// The last live picture's readings of the face mask model (its mask score) and the hair model
/// (head.covered's covered share), with where that picture's main face was. One per live worker,
/// handed to [`crate::check::Checker::check_still_with_memo`] picture after picture.
#[derive(Debug, Default)]
pub struct Memo {
    last: Option<Readings>,
}

impl Memo {
    /// What a picture whose main face is `face`, judged at `at`, does about each model (mask,
    /// hair): both asked unless the last picture's head is still there and recent; then the model
    /// the last picture did not ask (the mask model after one that asked both) is asked and the
    /// other's reading carried.
    pub(crate) fn plan(&self, face: Option<&Rect>, at: Instant) -> (Step, Step) {
        let carried = match (self.last, face) {
            (Some(last), Some(face))
                if at.saturating_duration_since(last.at) <= MAX_AGE
                    && last.face.iou(face) >= SAME_PLACE_IOU =>
            {
                last
            }
            _ => return (Step::Ask, Step::Ask),
        };
        if carried.asked.mask && !carried.asked.hair {
            (Step::Carry(carried.mask), Step::Ask)
        } else {
            (Step::Ask, Step::Carry(carried.hair))
        }
    }

    /// Keeps a picture's readings (what it asked or carried); a picture without a face or whose
    /// models were held back keeps nothing, so the next one asks both.
    pub(crate) fn keep(
        &mut self,
        face: Option<Rect>,
        at: Instant,
        mask: Option<f32>,
        hair: Option<f32>,
        asked: Asked,
    ) {
        self.last = face.map(|face| Readings {
            face,
            at,
            mask,
            hair,
            asked,
        });
    }

    /// Forgets the readings: the next picture asks both models.
    pub fn forget(&mut self) {
        self.last = None;
    }

    /// Which models the last kept picture asked; `None` when nothing is kept.
    pub fn last_asked(&self) -> Option<Asked> {
        self.last.map(|r| r.asked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(x: f32) -> Rect {
        Rect {
            x,
            y: 100.0,
            w: 200.0,
            h: 200.0,
        }
    }

    const BOTH: Asked = Asked {
        mask: true,
        hair: true,
    };

    #[test]
    fn a_still_head_asks_the_two_models_in_turn_and_carries_the_other() {
        let t0 = Instant::now();
        let mut m = Memo::default();
        assert_eq!(m.plan(Some(&face(100.0)), t0), (Step::Ask, Step::Ask));
        m.keep(Some(face(100.0)), t0, Some(0.9), Some(0.1), BOTH);
        // Next picture, a pixel of jitter: the mask model asked, the hair reading carried.
        let t1 = t0 + Duration::from_millis(250);
        assert_eq!(
            m.plan(Some(&face(101.0)), t1),
            (Step::Ask, Step::Carry(Some(0.1)))
        );
        let only_mask = Asked {
            mask: true,
            hair: false,
        };
        m.keep(Some(face(101.0)), t1, Some(0.8), Some(0.1), only_mask);
        // Then the hair model, the mask reading of the picture before carried.
        let t2 = t1 + Duration::from_millis(250);
        assert_eq!(
            m.plan(Some(&face(101.0)), t2),
            (Step::Carry(Some(0.8)), Step::Ask)
        );
        let only_hair = Asked {
            mask: false,
            hair: true,
        };
        m.keep(Some(face(101.0)), t2, Some(0.8), Some(0.3), only_hair);
        assert_eq!(
            m.plan(Some(&face(101.0)), t2 + Duration::from_millis(250)),
            (Step::Ask, Step::Carry(Some(0.3)))
        );
    }

    #[test]
    fn a_moved_head_a_lost_face_or_a_pause_asks_both_again() {
        let t0 = Instant::now();
        let mut m = Memo::default();
        m.keep(Some(face(100.0)), t0, None, Some(0.1), BOTH);
        let t1 = t0 + Duration::from_millis(250);
        // Moved by a fifth of the face's width.
        assert_eq!(m.plan(Some(&face(140.0)), t1), (Step::Ask, Step::Ask));
        // No face in this picture.
        assert_eq!(m.plan(None, t1), (Step::Ask, Step::Ask));
        // Still there, but after a pause.
        assert_eq!(
            m.plan(Some(&face(100.0)), t0 + Duration::from_secs(2)),
            (Step::Ask, Step::Ask)
        );
        // A picture without a face keeps nothing.
        m.keep(None, t1, None, None, BOTH);
        assert_eq!(m.last_asked(), None);
        assert_eq!(m.plan(Some(&face(100.0)), t1), (Step::Ask, Step::Ask));
        m.keep(Some(face(100.0)), t1, None, None, BOTH);
        m.forget();
        assert_eq!(m.plan(Some(&face(100.0)), t1), (Step::Ask, Step::Ask));
    }
}
