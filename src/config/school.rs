use super::{Invalid, Rules};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// `[school]`: whose students this station photographs and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchoolConfig {
    pub name: String,
    /// The school's code as it appears in capture codes; a code naming another school is refused.
    /// Empty: not checked.
    pub code: String,
    /// The capture window of the school's notice. Outside it the station refuses students unless
    /// a teacher overrides. Absent: always open.
    pub capture_window: Option<CaptureWindow>,
}

/// First and last day (inclusive, local time) on which students may be photographed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptureWindow {
    #[serde(deserialize_with = "toml_date")]
    pub start: NaiveDate,
    #[serde(deserialize_with = "toml_date")]
    pub end: NaiveDate,
}

/// A day written as a TOML date (`2026-05-06`, what the shipped example shows) or as a string
/// (`"2026-05-06"`); chrono alone accepts only the string and called the TOML date "a map".
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    use serde::de::Error;
    let text = match toml::Value::deserialize(d)? {
        toml::Value::String(s) => s,
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
        toml::Value::Datetime(dt) => {
            return Err(D::Error::custom(format!(
                "{dt} has a time of day; give the day only, e.g. 2026-05-06"
            )));
        }
        other => {
            return Err(D::Error::custom(format!(
                "expected a date such as 2026-05-06, found {}",
                other.type_str()
            )));
        }
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|e| D::Error::custom(format!("`{text}` is not a date such as 2026-05-06: {e}")))
}

impl CaptureWindow {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

impl Default for SchoolConfig {
    fn default() -> Self {
        SchoolConfig {
            name: "扬州中瑞酒店职业学院".into(),
            code: String::new(),
            capture_window: None,
        }
    }
}

impl SchoolConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("school");
        r.require(!self.name.trim().is_empty(), "name", "must not be empty");
        if let Some(w) = &self.capture_window {
            r.require(
                w.start <= w.end,
                "capture_window.start",
                format!("{} is after capture_window.end {}", w.start, w.end),
            );
        }
        r.finish()
    }
}

/// `[help]`: who a student without a code, or with a problem, should go to. Shown on the welcome
/// screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HelpContact {
    pub teacher: String,
    pub office: String,
    pub phone: String,
}

impl Default for HelpContact {
    fn default() -> Self {
        HelpContact {
            teacher: "董老师".into(),
            office: "教务处 A213 办公室".into(),
            phone: "17505140030".into(),
        }
    }
}

impl HelpContact {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("help");
        r.require(
            self.phone
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == ' '),
            "phone",
            "may contain only digits, '-' and spaces",
        );
        r.finish()
    }
}
