//! The on-screen keyboard for the kiosk's teacher fields (class, place, operator): the station
//! has a scanner but no keyboard. Letters and digits, and Chinese by pinyin: the letters typed
//! are a syllable, a row of candidate characters offers what it can be, a tap puts one in.
//!
//! The pinyin comes from the `pinyin` crate (MIT, the pinyin-data tables), which maps a
//! character to its readings; the index here inverts it at first use over the characters of
//! GB 2312, the common set every Chinese keyboard knows: its level 1 (3755 most used characters)
//! first, then level 2 (3008 rarer ones); nothing outside it is offered. Within a level the order
//! is GB 2312's (by pinyin, then strokes), not by how often a character is used: no frequency
//! list ships with a registry package we use. One syllable is typed at a time (no words, no
//! tones); `v` stands for `ü` as on every pinyin keyboard.
//!
//! Must not touch: what the field means; the caller owns the text.

use super::i18n::{Lang, T, tr};
use eframe::egui::{self, RichText};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Candidate characters per page of the candidate row.
pub const PAGE: usize = 7;
/// A syllable is at most six letters (`zhuang`, `chuang`, `shuang`).
const MAX_PINYIN: usize = 6;

/// Syllable (plain pinyin, `v` for `ü`) → characters with their order key, most common first.
struct Index {
    by_syllable: HashMap<String, Vec<(Order, char)>>,
    /// Syllables in sorted order, for the prefixes of an unfinished syllable.
    syllables: Vec<String>,
}

/// Where a character stands for a syllable: GB 2312 level 1 before level 2; within a level the
/// characters whose first (main) reading is the syllable before those that have it as another
/// reading (跌 is read tū in old texts, but is diē); then GB 2312's own order.
type Order = (u8, bool, usize);

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(build_index)
}

/// The GB 2312 hanzi in code order: level 1 is rows 0xB0–0xD7 (3755), level 2 rows 0xD8–0xF7.
fn gb2312_hanzi() -> Vec<char> {
    let mut out = Vec::with_capacity(6763);
    for hi in 0xB0u8..=0xF7 {
        for lo in 0xA1u8..=0xFE {
            let bytes = [hi, lo];
            let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
            let mut chars = text.chars();
            if let (false, Some(c), None) = (had_errors, chars.next(), chars.next())
                && ('\u{4e00}'..='\u{9fff}').contains(&c)
            {
                out.push(c);
            }
        }
    }
    out
}

/// How many characters GB 2312's level 1 holds.
const LEVEL1: usize = 3755;

fn build_index() -> Index {
    use pinyin::ToPinyinMulti;
    let mut by_syllable: HashMap<String, Vec<(Order, char)>> = HashMap::new();
    for (i, c) in gb2312_hanzi().into_iter().enumerate() {
        let Some(readings) = c.to_pinyin_multi() else {
            continue;
        };
        let level = u8::from(i >= LEVEL1);
        for (n, p) in readings.into_iter().enumerate() {
            let key = p.plain().replace('ü', "v");
            let list = by_syllable.entry(key).or_default();
            if !list.iter().any(|(_, d)| *d == c) {
                list.push(((level, n > 0, i), c));
            }
        }
    }
    for list in by_syllable.values_mut() {
        list.sort();
    }
    let mut syllables: Vec<String> = by_syllable.keys().cloned().collect();
    syllables.sort();
    Index {
        by_syllable,
        syllables,
    }
}

/// The characters the letters typed can be: a whole syllable's characters, else those of every
/// syllable the letters begin (`zh` → zha, zhai, …), most common first.
pub fn candidates(letters: &str) -> Vec<char> {
    let letters = letters.to_ascii_lowercase();
    if letters.is_empty() {
        return Vec::new();
    }
    let idx = index();
    let mut found: Vec<(Order, char)> = match idx.by_syllable.get(&letters) {
        Some(exact) => exact.clone(),
        None => idx
            .syllables
            .iter()
            .filter(|s| s.starts_with(&letters))
            .filter_map(|s| idx.by_syllable.get(s))
            .flatten()
            .copied()
            .collect(),
    };
    found.sort();
    let mut out: Vec<char> = Vec::with_capacity(found.len());
    for (_, c) in found {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The keyboard's state: which field it types into (the caller's number for it), the pinyin
/// typed so far, Chinese or plain letters, the candidate page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyboard {
    pub target: Option<usize>,
    pub pinyin: String,
    pub chinese: bool,
    pub page: usize,
}

impl Default for Keyboard {
    fn default() -> Self {
        Keyboard {
            target: None,
            pinyin: String::new(),
            chinese: true,
            page: 0,
        }
    }
}

impl Keyboard {
    /// Opens the keyboard on a field (a new field starts with no pinyin).
    pub fn open(&mut self, target: usize) {
        if self.target != Some(target) {
            self.pinyin.clear();
            self.page = 0;
        }
        self.target = Some(target);
    }

    pub fn close(&mut self) {
        self.target = None;
        self.pinyin.clear();
        self.page = 0;
    }
}

const KEY: egui::Vec2 = egui::vec2(52.0, 48.0);
const ROWS: [&str; 4] = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

/// Draws the keyboard typing into `text`. Every key has a fixed size, so nothing moves under a
/// finger from one frame to the next. Returns true when Done was tapped.
pub fn keyboard_ui(ui: &mut egui::Ui, kb: &mut Keyboard, text: &mut String, lang: Lang) -> bool {
    let mut done = false;
    ui.spacing_mut().item_spacing = egui::vec2(6.0, 5.0);
    // Small padding: a key is its fixed size whatever its glyph (a hanzi with the default
    // padding made the candidate row wider than the keys).
    ui.spacing_mut().button_padding = egui::vec2(4.0, 4.0);
    let key = |ui: &mut egui::Ui, label: &str, width: f32| {
        ui.add_sized(
            [width, KEY.y],
            egui::Button::new(RichText::new(label).size(24.0)),
        )
        .clicked()
    };
    // The pinyin typed and the candidate row.
    let found = if kb.chinese {
        candidates(&kb.pinyin)
    } else {
        Vec::new()
    };
    let pages = found.len().div_ceil(PAGE).max(1);
    kb.page = kb.page.min(pages - 1);
    ui.horizontal(|ui| {
        ui.add_sized(
            [80.0, KEY.y],
            egui::Label::new(RichText::new(&kb.pinyin).size(24.0).monospace()),
        );
        // Always PAGE places, filled or not, so the page buttons stand still.
        for slot in 0..PAGE {
            match found.get(kb.page * PAGE + slot) {
                Some(c) => {
                    if key(ui, &c.to_string(), KEY.x) {
                        text.push(*c);
                        kb.pinyin.clear();
                        kb.page = 0;
                    }
                }
                None => {
                    ui.allocate_space(KEY);
                }
            }
        }
        let page_key = |ui: &mut egui::Ui, label: &str, enabled: bool| {
            ui.add_enabled(
                enabled,
                egui::Button::new(RichText::new(label).size(24.0))
                    .min_size(egui::vec2(40.0, KEY.y)),
            )
            .clicked()
        };
        if page_key(ui, "<", kb.page > 0) {
            kb.page -= 1;
        }
        if page_key(ui, ">", kb.page + 1 < pages) {
            kb.page += 1;
        }
    });
    for (r, row) in ROWS.iter().enumerate() {
        ui.horizontal(|ui| {
            // Stagger like a real keyboard.
            ui.add_space(r.saturating_sub(1) as f32 * 20.0);
            for ch in row.chars() {
                if key(ui, &ch.to_string(), KEY.x) {
                    if kb.chinese && ch.is_ascii_lowercase() {
                        if kb.pinyin.len() < MAX_PINYIN {
                            kb.pinyin.push(ch);
                            kb.page = 0;
                        }
                    } else {
                        text.push(ch);
                    }
                }
            }
        });
    }
    ui.horizontal(|ui| {
        let mode =
            egui::Button::selectable(kb.chinese, RichText::new(tr(lang, T::KbChinese)).size(22.0))
                .frame_when_inactive(true)
                .min_size(egui::vec2(110.0, KEY.y));
        if ui.add(mode).clicked() {
            kb.chinese = !kb.chinese;
            kb.pinyin.clear();
        }
        if key(ui, tr(lang, T::KbSpace), 150.0) {
            // Space takes the first candidate, as pinyin keyboards do; else it is a space.
            match found.first() {
                Some(c) if !kb.pinyin.is_empty() => {
                    text.push(*c);
                    kb.pinyin.clear();
                }
                _ => text.push(' '),
            }
        }
        if key(ui, tr(lang, T::KbBackspace), 100.0) && kb.pinyin.pop().is_none() {
            text.pop();
        }
        if key(ui, tr(lang, T::Clear), 80.0) {
            text.clear();
            kb.pinyin.clear();
        }
        if key(ui, tr(lang, T::KbDone), 100.0) {
            done = true;
        }
    });
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syllable_offers_its_common_characters_first() {
        let tu = candidates("tu");
        assert!(tu.contains(&'图'), "{tu:?}");
        let guan = candidates("guan");
        assert!(guan.contains(&'馆'), "{guan:?}");
        // Level 1 (common) before level 2: 图 is level 1.
        let set = gb2312_hanzi();
        assert_eq!(set.len(), 6763, "GB 2312 has 6763 hanzi");
        let level1: Vec<char> = set[..LEVEL1].to_vec();
        let first_rare = tu.iter().position(|c| !level1.contains(c));
        let last_common = tu.iter().rposition(|c| level1.contains(c));
        if let (Some(r), Some(c)) = (first_rare, last_common) {
            assert!(c < r, "{tu:?}");
        }
    }

    #[test]
    fn main_readings_come_before_other_readings() {
        assert_eq!(candidates("lou")[0], '楼');
        assert_eq!(candidates("yi")[0], '一');
        assert_eq!(candidates("zhong")[0], '中');
        let tu = candidates("tu");
        let pos = |c| tu.iter().position(|d| *d == c).unwrap();
        // 跌 (diē) has tū only as another reading.
        assert!(pos('图') < pos('跌'), "{tu:?}");
    }

    #[test]
    fn unfinished_syllables_and_v_for_u_umlaut() {
        assert!(candidates("zh").contains(&'中'));
        assert!(candidates("lv").contains(&'绿'));
        assert!(candidates("").is_empty());
        assert!(candidates("xq").is_empty());
    }
}
