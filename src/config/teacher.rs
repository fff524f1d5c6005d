use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// What a student owes for the photo service. The station takes no money; it records the state
/// and exports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeeState {
    #[default]
    Unpaid,
    Paid,
    Waived,
}

impl FeeState {
    pub fn as_str(self) -> &'static str {
        match self {
            FeeState::Unpaid => "unpaid",
            FeeState::Paid => "paid",
            FeeState::Waived => "waived",
        }
    }

    pub fn parse(s: &str) -> Option<FeeState> {
        match s {
            "unpaid" => Some(FeeState::Unpaid),
            "paid" => Some(FeeState::Paid),
            "waived" => Some(FeeState::Waived),
            _ => None,
        }
    }
}

/// `[teacher]`: the PIN that guards teacher mode, and the fee rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TeacherConfig {
    /// Argon2 hash of the teacher PIN (PHC string), written by `tucai set-pin`. Empty: no PIN set,
    /// teacher mode stays closed until one is.
    pub pin_hash: String,
    /// Wrong PINs in a row that lock the PIN prompt ...
    pub pin_max_tries: u32,
    /// ... for this many minutes.
    pub pin_lock_minutes: u32,
    /// Fee per student in yuan, shown on the fee screen (paid in the provincial app).
    pub fee_yuan: u32,
    /// Fee state a student starts with.
    pub fee_default: FeeState,
}

impl Default for TeacherConfig {
    fn default() -> Self {
        TeacherConfig {
            pin_hash: String::new(),
            pin_max_tries: 5,
            pin_lock_minutes: 5,
            fee_yuan: 15,
            fee_default: FeeState::Unpaid,
        }
    }
}

impl TeacherConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("teacher");
        r.require(
            self.pin_hash.is_empty() || self.pin_hash.starts_with("$argon2"),
            "pin_hash",
            "must be empty or an Argon2 hash written by `tucai set-pin`",
        );
        r.range("pin_max_tries", self.pin_max_tries, 1, 100);
        r.range("pin_lock_minutes", self.pin_lock_minutes, 1, 24 * 60);
        r.range("fee_yuan", self.fee_yuan, 0, 10_000);
        r.finish()
    }
}
