//! The USB scanner's keystrokes (keyboard wedge): characters, pauses and Enter in any order.
//!
//! Input: pairs of bytes. The first byte's low 2 bits pick the event (0/1 a character, 2 Enter,
//! 3 clear) and its high bits the pause before it (0-63 ms in 1 ms steps, so both sides of the
//! 50 ms scanner gap are reached); a character is the next byte, or a UTF-8 character read from
//! the input when that byte is above 0x7F.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};
use tucai::scan::{WedgeAccumulator, WedgeInput};

const MIN_LEN: usize = 4;

fuzz_target!(|data: &[u8]| {
    let mut acc = WedgeAccumulator::new(Duration::from_millis(50), MIN_LEN);
    let start = Instant::now();
    let mut t = start;
    let mut i = 0;
    while i < data.len() {
        let op = data[i];
        i += 1;
        t += Duration::from_millis(u64::from(op >> 2));
        match op & 3 {
            0 | 1 => {
                let Some(&b) = data.get(i) else { break };
                let c = if b < 0x80 {
                    i += 1;
                    char::from(b)
                } else {
                    // A multi-byte character straight from the input (IME, other layouts).
                    let end = (i + 4).min(data.len());
                    let s = match std::str::from_utf8(&data[i..end]) {
                        Ok(s) => s,
                        Err(e) => std::str::from_utf8(&data[i..i + e.valid_up_to()]).unwrap_or(""),
                    };
                    match s.chars().next() {
                        Some(c) => {
                            i += c.len_utf8();
                            c
                        }
                        None => {
                            i += 1;
                            char::REPLACEMENT_CHARACTER
                        }
                    }
                };
                acc.push_char(c, t);
            }
            2 => match acc.push_enter(t) {
                Some(WedgeInput::Scanned(code)) => {
                    assert!(code.chars().count() >= MIN_LEN);
                    assert!(!code.chars().any(char::is_control));
                }
                Some(WedgeInput::Typed(text)) => {
                    assert!(!text.is_empty());
                    assert!(!text.chars().any(char::is_control));
                }
                None => {}
            },
            _ => acc.clear(),
        }
    }
});
