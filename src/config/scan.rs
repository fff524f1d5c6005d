use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[scan]`: how a capture code is read and matched to the roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScanConfig {
    /// Longer payloads are refused before any matching.
    pub max_payload_len: u32,
    /// A regular expression with one capture group that extracts the student number from a
    /// payload that is not a roster capture code (e.g. `^XJ(\d{10})$`). Empty: not used.
    pub student_no_pattern: String,
    /// A regular expression with one capture group that extracts the school code from a payload;
    /// a code naming a school other than `[school] code` is refused. Empty: not checked.
    pub school_code_pattern: String,
    /// Keyboard-wedge input: keys typed at most this many milliseconds apart count as a scanner;
    /// slower typing is a person at the keyboard.
    pub wedge_max_key_gap_ms: u32,
    /// Keyboard-wedge input: fewer characters than this before Enter is not a scan.
    pub wedge_min_len: u32,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            max_payload_len: 512,
            student_no_pattern: String::new(),
            school_code_pattern: String::new(),
            wedge_max_key_gap_ms: 50,
            wedge_min_len: 4,
        }
    }
}

impl ScanConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("scan");
        r.range("max_payload_len", self.max_payload_len, 8, 4096);
        for (key, pattern) in [
            ("student_no_pattern", &self.student_no_pattern),
            ("school_code_pattern", &self.school_code_pattern),
        ] {
            if pattern.is_empty() {
                continue;
            }
            match regex::Regex::new(pattern) {
                Ok(re) => r.require(
                    re.captures_len() == 2,
                    key,
                    "must have exactly one capture group `( )` around the part to extract",
                ),
                Err(e) => r.require(
                    false,
                    key,
                    format!("is not a valid regular expression: {e}"),
                ),
            }
        }
        r.range("wedge_max_key_gap_ms", self.wedge_max_key_gap_ms, 5, 1000);
        r.range("wedge_min_len", self.wedge_min_len, 1, 64);
        r.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_need_one_capture_group_and_valid_syntax() {
        let ok = ScanConfig {
            student_no_pattern: r"^XJ(\d{10})$".into(),
            school_code_pattern: r"^(\d{5})-".into(),
            ..ScanConfig::default()
        };
        assert!(ok.validate().is_empty());
        for bad in [r"^XJ\d{10}$", r"^(XJ)(\d+)$", r"^XJ(\d{10}$"] {
            let c = ScanConfig {
                student_no_pattern: bad.into(),
                ..ScanConfig::default()
            };
            let errs = c.validate();
            assert_eq!(errs.len(), 1, "{bad}");
            assert_eq!(errs[0].key, "scan.student_no_pattern");
        }
    }
}
