//! Chinese and Latin input for the on-screen keyboard, with no GUI: the pinyin syllable → hanzi
//! table, the candidates of what is typed so far, paged, and the composition rules. The kiosk
//! has no keyboard for a teacher (the QR scanner is the only one), so a session's class, place
//! and operator are tapped in; the view (`ui::keyboard`) only draws keys and forwards [`Key`]s.
//!
//! Data: the readings of every character of the CJK Unified Ideographs block up to U+9FA5 (all
//! of GBK, which the shipped font covers) come from the `pinyin` crate, inverted once at first
//! use. Candidates are ordered by how often a character is read that way in running text, from
//! Unihan's `kHanyuPinlu` field (《现代汉语频率词典》, 3,800 characters, shipped in
//! `assets/ime/` with its licence); characters it does not count follow, GB2312 level 1 (the
//! common characters) before level 2 before the rest. Single characters only: no phrases.
//!
//! Composition rules (in Chinese mode): letters build the pinyin; a tapped candidate is added to
//! the text and its syllable leaves the pinyin; Space, a digit, `-` or Done add the first candidate
//! (or the letters as typed when nothing matches); Backspace removes a pinyin letter first and
//! only then the text's last character; switching to Latin mode keeps pending letters as typed.
//! In Latin mode letters, digits, `-` and space go straight into the text (Caps for capitals).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Candidates shown on one page of the candidate row.
pub const PAGE_SIZE: usize = 9;
/// Longest pinyin kept pending: the longest syllable ("zhuang") and a following one.
const MAX_PINYIN: usize = 12;
/// Longest text the keyboard builds: class names, places and names are short, and the field
/// must stay readable on one line.
pub const MAX_TEXT: usize = 40;

const PINLU: &str = include_str!("../assets/ime/Unihan_HanyuPinlu.txt");

/// Typing Chinese (letters are pinyin) or Latin (letters go into the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Chinese,
    Latin,
}

/// A key of the on-screen keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `a`–`z` (upper case is the Caps state's business).
    Letter(char),
    /// `0`–`9`.
    Digit(char),
    /// ASCII punctuation such as `-` ("2022-1班"), typed like a digit.
    Symbol(char),
    Space,
    Backspace,
    /// The candidate at this index of the page shown.
    Pick(usize),
    PrevPage,
    NextPage,
    SwitchMode,
    /// Capitals in Latin mode, on until pressed again.
    Caps,
    Done,
}

/// The state of one composition: the pending pinyin, the candidate page, the mode. The text it
/// edits belongs to the caller (a form field), so a physical keyboard can edit it too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Composer {
    pinyin: String,
    page: usize,
    mode: Mode,
    caps: bool,
}

/// The candidates on the page shown, and whether there are pages before and after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub candidates: Vec<char>,
    pub has_prev: bool,
    pub has_next: bool,
}

impl Composer {
    pub fn pinyin(&self) -> &str {
        &self.pinyin
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn caps(&self) -> bool {
        self.caps
    }

    /// Drops the pending pinyin (the keyboard moved to another field); the mode stays.
    pub fn clear_pinyin(&mut self) {
        self.pinyin.clear();
        self.page = 0;
    }

    /// The page of candidates for the pending pinyin (empty with no pinyin).
    pub fn page(&self) -> Page {
        let all = lookup(&self.pinyin).chars;
        let start = (self.page * PAGE_SIZE).min(all.len());
        let end = (start + PAGE_SIZE).min(all.len());
        Page {
            candidates: all[start..end].to_vec(),
            has_prev: self.page > 0,
            has_next: end < all.len(),
        }
    }

    /// Applies a key to `text`. Returns true on Done.
    pub fn press(&mut self, key: Key, text: &mut String) -> bool {
        match key {
            Key::Letter(c) if c.is_ascii_alphabetic() => match self.mode {
                Mode::Chinese => {
                    if self.pinyin.len() < MAX_PINYIN {
                        self.pinyin.push(c.to_ascii_lowercase());
                        self.page = 0;
                    }
                }
                Mode::Latin => {
                    let c = if self.caps {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    };
                    push(text, c);
                }
            },
            Key::Letter(_) => {}
            Key::Digit(d) if d.is_ascii_digit() => {
                self.commit_first(text);
                push(text, d);
            }
            Key::Digit(_) => {}
            Key::Symbol(p) if p.is_ascii_punctuation() => {
                self.commit_first(text);
                push(text, p);
            }
            Key::Symbol(_) => {}
            Key::Space => {
                if self.pinyin.is_empty() {
                    push(text, ' ');
                } else {
                    self.commit_first(text);
                }
            }
            Key::Backspace => {
                if self.pinyin.pop().is_some() {
                    self.page = 0;
                } else {
                    text.pop();
                }
            }
            Key::Pick(i) => {
                let found = lookup(&self.pinyin);
                if let Some(&c) = found.chars.get(self.page * PAGE_SIZE + i)
                    && i < PAGE_SIZE
                {
                    self.take(found.consumed, c, text);
                }
            }
            Key::PrevPage => self.page = self.page.saturating_sub(1),
            Key::NextPage => {
                if self.page().has_next {
                    self.page += 1;
                }
            }
            Key::SwitchMode => {
                // Pending letters were meant as Latin then: keep them as typed.
                for c in std::mem::take(&mut self.pinyin).chars() {
                    push(text, c);
                }
                self.page = 0;
                self.mode = match self.mode {
                    Mode::Chinese => Mode::Latin,
                    Mode::Latin => Mode::Chinese,
                };
            }
            Key::Caps => self.caps = !self.caps,
            Key::Done => {
                self.commit_first(text);
                return true;
            }
        }
        false
    }

    /// Adds the first candidate, or the letters as typed when none matches.
    fn commit_first(&mut self, text: &mut String) {
        if self.pinyin.is_empty() {
            return;
        }
        let found = lookup(&self.pinyin);
        match found.chars.first() {
            Some(&c) => self.take(found.consumed, c, text),
            None => {
                for c in std::mem::take(&mut self.pinyin).chars() {
                    push(text, c);
                }
                self.page = 0;
            }
        }
    }

    fn take(&mut self, consumed: usize, c: char, text: &mut String) {
        push(text, c);
        self.pinyin.drain(..consumed.min(self.pinyin.len()));
        self.page = 0;
    }
}

fn push(text: &mut String, c: char) {
    if text.chars().count() < MAX_TEXT {
        text.push(c);
    }
}

/// What the pending pinyin offers and how many of its letters a pick uses.
struct Found {
    chars: &'static [char],
    consumed: usize,
}

/// A whole syllable first ("xi" gives 西, not 先); then the syllables the letters begin
/// ("zh" gives 这, 中 ...); then the longest syllable at the start ("tushu" gives 图, and the
/// pick leaves "shu" pending).
fn lookup(pinyin: &str) -> Found {
    let d = dictionary();
    if pinyin.is_empty() {
        return Found {
            chars: &[],
            consumed: 0,
        };
    }
    if let Some(c) = d.syllables.get(pinyin) {
        return Found {
            chars: c,
            consumed: pinyin.len(),
        };
    }
    if let Some(c) = d.prefixes.get(pinyin) {
        return Found {
            chars: c,
            consumed: pinyin.len(),
        };
    }
    for end in (1..pinyin.len()).rev() {
        if let Some(c) = pinyin.get(..end).and_then(|head| d.syllables.get(head)) {
            return Found {
                chars: c,
                consumed: end,
            };
        }
    }
    Found {
        chars: &[],
        consumed: 0,
    }
}

/// Toneless syllable → characters, best first; and every proper prefix of a syllable that is
/// not a syllable itself → the characters of all syllables it begins, best first.
struct Dictionary {
    syllables: HashMap<String, Vec<char>>,
    prefixes: HashMap<String, Vec<char>>,
}

fn dictionary() -> &'static Dictionary {
    static D: OnceLock<Dictionary> = OnceLock::new();
    D.get_or_init(build)
}

/// How a character ranks under one reading: counted frequency first (higher is better), then
/// GB2312 level and position (lower is better).
type Rank = (std::cmp::Reverse<u32>, u32);

fn build() -> Dictionary {
    use pinyin::ToPinyinMulti;
    let counts = pinlu_counts();
    let gb = gb2312_positions();
    let mut by_syllable: HashMap<String, Vec<(Rank, char)>> = HashMap::new();
    let mut add = |syllable: String, c: char| {
        // Past GB2312 (level 2 ends at 94 × 72 positions), by code point. The frequency list
        // counts traditional forms too (時, 實); a mainland kiosk offers them after every
        // simplified character, so only GB2312 characters keep their count.
        let (count, position) = match gb.get(&c) {
            Some(&p) => (counts.get(&(c, syllable.clone())).copied().unwrap_or(0), p),
            None => (0, 10_000 + u32::from(c)),
        };
        let list = by_syllable.entry(syllable).or_default();
        if !list.iter().any(|&(_, x)| x == c) {
            list.push(((std::cmp::Reverse(count), position), c));
        }
    };
    for c in '\u{4E00}'..='\u{9FA5}' {
        if let Some(readings) = c.to_pinyin_multi() {
            for p in readings {
                add(toneless(p.plain()), c);
            }
        }
    }
    // Readings the frequency list has and the pinyin data lacks are still offered.
    for &(c, ref syllable) in counts.keys() {
        if ('\u{4E00}'..='\u{9FA5}').contains(&c) {
            add(syllable.clone(), c);
        }
    }
    let mut prefixes: HashMap<String, Vec<(Rank, char)>> = HashMap::new();
    for (syllable, list) in &by_syllable {
        for end in 1..syllable.len() {
            let head = &syllable[..end];
            if !by_syllable.contains_key(head) {
                prefixes
                    .entry(head.to_string())
                    .or_default()
                    .extend(list.iter().copied());
            }
        }
    }
    let sorted = |map: HashMap<String, Vec<(Rank, char)>>| {
        map.into_iter()
            .map(|(k, mut list)| {
                list.sort();
                let mut chars: Vec<char> = Vec::with_capacity(list.len());
                for (_, c) in list {
                    // A character under two syllables of one prefix shows once, at its best.
                    if !chars.contains(&c) {
                        chars.push(c);
                    }
                }
                (k, chars)
            })
            .collect()
    };
    Dictionary {
        syllables: sorted(by_syllable),
        prefixes: sorted(prefixes),
    }
}

/// (character, toneless reading) → how often it is read so in 《现代汉语频率词典》.
/// Lines look like `U+4E3A\tkHanyuPinlu\twèi(1944) wéi(1232)`.
fn pinlu_counts() -> HashMap<(char, String), u32> {
    let mut counts = HashMap::new();
    for line in PINLU.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let (Some(code), Some("kHanyuPinlu"), Some(readings)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Some(c) = code
            .strip_prefix("U+")
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
        else {
            continue;
        };
        for reading in readings.split(' ') {
            let Some((syllable, count)) = reading.split_once('(') else {
                continue;
            };
            let Ok(count) = count.trim_end_matches(')').parse::<u32>() else {
                continue;
            };
            *counts.entry((c, toneless(syllable))).or_insert(0) += count;
        }
    }
    counts
}

/// Every GB2312 hanzi → its position (level 1 is rows 16–55, level 2 rows 56–87), decoded
/// row by row through `encoding_rs` rather than kept as a table.
fn gb2312_positions() -> HashMap<char, u32> {
    let mut positions = HashMap::new();
    for row in 16u8..=87 {
        for cell in 1u8..=94 {
            let bytes = [0xA0 + row, 0xA0 + cell];
            let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
            let mut chars = text.chars();
            if let (Some(c), None, false) = (chars.next(), chars.next(), had_errors) {
                positions
                    .entry(c)
                    .or_insert(u32::from(row - 16) * 94 + u32::from(cell));
            }
        }
    }
    positions
}

/// The syllable as typed on a keyboard: tone marks dropped, ü typed as v.
fn toneless(syllable: &str) -> String {
    syllable
        .chars()
        .filter_map(|c| {
            Some(match c {
                'ā' | 'á' | 'ǎ' | 'à' => 'a',
                'ē' | 'é' | 'ě' | 'è' | 'ê' | 'ế' | 'ề' => 'e',
                'ī' | 'í' | 'ǐ' | 'ì' => 'i',
                'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
                'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
                'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'v',
                'ń' | 'ň' | 'ǹ' => 'n',
                'ḿ' => 'm',
                // Combining tone marks.
                '\u{0300}'..='\u{036F}' => return None,
                c => c.to_ascii_lowercase(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types `keys` (letters, digits, space) into a fresh composer over `text`.
    fn typed(c: &mut Composer, text: &mut String, keys: &str) {
        for k in keys.chars() {
            let key = match k {
                ' ' => Key::Space,
                d if d.is_ascii_digit() => Key::Digit(d),
                l => Key::Letter(l),
            };
            c.press(key, text);
        }
    }

    /// Every candidate of `pinyin` over all pages, as the keyboard would page through them.
    fn all_candidates(pinyin: &str) -> Vec<char> {
        lookup(pinyin).chars.to_vec()
    }

    fn first_page(pinyin: &str) -> Vec<char> {
        let mut c = Composer::default();
        typed(&mut c, &mut String::new(), pinyin);
        c.page().candidates
    }

    #[test]
    fn common_syllables_offer_their_characters_on_the_first_page() {
        for (pinyin, hanzi) in [
            ("tu", '图'),
            ("shu", '书'),
            ("guan", '馆'),
            ("yi", '一'),
            ("lou", '楼'),
            ("lao", '老'),
            ("shi", '师'),
            ("ban", '班'),
            ("ji", '级'),
            ("lv", '绿'),
        ] {
            assert!(
                first_page(pinyin).contains(&hanzi),
                "{pinyin}: {:?}",
                first_page(pinyin)
            );
        }
        // The most frequent reading wins the first place.
        assert_eq!(first_page("yi")[0], '一');
        assert_eq!(first_page("de")[0], '的');
    }

    #[test]
    fn a_surname_the_frequency_list_lacks_comes_from_the_level_1_characters() {
        // 董 is not in the frequency list; it is GB2312 level 1, so it ranks before the rare
        // characters read dong, within the first two pages.
        let all = all_candidates("dong");
        let at = all.iter().position(|&c| c == '董').expect("董 under dong");
        assert!(at < 2 * PAGE_SIZE, "董 at {at}: {all:?}");
        // Counted characters first.
        assert_eq!(all[0], '动');
        // The long tail is there for names: 鶇 is not in GB2312.
        assert!(all.contains(&'鶇'));
    }

    #[test]
    fn a_pick_commits_the_character_and_leaves_the_rest_of_the_pinyin() {
        let (mut c, mut text) = (Composer::default(), String::new());
        typed(&mut c, &mut text, "tu");
        let at = c.page().candidates.iter().position(|&h| h == '图').unwrap();
        c.press(Key::Pick(at), &mut text);
        assert_eq!((text.as_str(), c.pinyin()), ("图", ""));
        // Two syllables typed: the first is offered, and a pick leaves the second pending.
        typed(&mut c, &mut text, "shuguan");
        let at = c.page().candidates.iter().position(|&h| h == '书').unwrap();
        c.press(Key::Pick(at), &mut text);
        assert_eq!((text.as_str(), c.pinyin()), ("图书", "guan"));
        // Space takes the first candidate.
        c.press(Key::Space, &mut text);
        assert_eq!(c.pinyin(), "");
        assert_eq!(text.chars().count(), 3);
        // A pick beyond the page does nothing.
        typed(&mut c, &mut text, "lou");
        c.press(Key::Pick(PAGE_SIZE), &mut text);
        assert_eq!((text.chars().count(), c.pinyin()), (3, "lou"));
    }

    #[test]
    fn backspace_edits_the_pinyin_first_then_the_text() {
        let (mut c, mut text) = (Composer::default(), "董".to_string());
        typed(&mut c, &mut text, "lao");
        c.press(Key::Backspace, &mut text);
        assert_eq!((text.as_str(), c.pinyin()), ("董", "la"));
        c.press(Key::Backspace, &mut text);
        c.press(Key::Backspace, &mut text);
        assert_eq!((text.as_str(), c.pinyin()), ("董", ""));
        c.press(Key::Backspace, &mut text);
        assert_eq!(text, "");
        // Nothing left: nothing happens.
        c.press(Key::Backspace, &mut text);
        assert_eq!(text, "");
    }

    #[test]
    fn digits_and_latin_letters_type_class_names() {
        let (mut c, mut text) = (Composer::default(), String::new());
        typed(&mut c, &mut text, "jiu");
        c.press(Key::Pick(0), &mut text);
        typed(&mut c, &mut text, "dian");
        let at = c.page().candidates.iter().position(|&h| h == '店').unwrap();
        c.press(Key::Pick(at), &mut text);
        typed(&mut c, &mut text, "2201");
        assert_eq!(text.chars().skip(1).collect::<String>(), "店2201");
        // A hyphen settles pending pinyin like a digit.
        typed(&mut c, &mut text, "ban");
        c.press(Key::Symbol('-'), &mut text);
        c.press(Key::Digit('1'), &mut text);
        assert_eq!(text.chars().skip(6).collect::<String>(), "办-1");
        // Only punctuation.
        c.press(Key::Symbol('x'), &mut text);
        assert!(text.ends_with("-1"));

        // Latin mode with Caps for the capital.
        let (mut c, mut text) = (Composer::default(), String::new());
        c.press(Key::SwitchMode, &mut text);
        c.press(Key::Caps, &mut text);
        typed(&mut c, &mut text, "c");
        c.press(Key::Caps, &mut text);
        typed(&mut c, &mut text, "lass 3");
        assert_eq!(text, "Class 3");
        assert_eq!(c.mode(), Mode::Latin);
        assert_eq!(c.pinyin(), "");
    }

    #[test]
    fn a_digit_done_or_switch_settles_pending_pinyin() {
        // A digit takes the first candidate first.
        let (mut c, mut text) = (Composer::default(), String::new());
        typed(&mut c, &mut text, "yi1");
        assert_eq!(text, "一1");
        // Done too, and says so.
        typed(&mut c, &mut text, "lou");
        assert!(c.press(Key::Done, &mut text));
        assert_eq!(text.chars().count(), 3);
        // Letters that match nothing stay as typed.
        let (mut c, mut text) = (Composer::default(), String::new());
        typed(&mut c, &mut text, "vvv");
        c.press(Key::Space, &mut text);
        assert_eq!(text, "vvv");
        // Switching to Latin keeps pending letters as letters.
        let (mut c, mut text) = (Composer::default(), String::new());
        typed(&mut c, &mut text, "abc");
        c.press(Key::SwitchMode, &mut text);
        assert_eq!((text.as_str(), c.pinyin()), ("abc", ""));
    }

    #[test]
    fn pages_move_within_the_candidates() {
        let mut c = Composer::default();
        let mut text = String::new();
        typed(&mut c, &mut text, "shi");
        let first = c.page();
        assert!(!first.has_prev && first.has_next);
        assert_eq!(first.candidates.len(), PAGE_SIZE);
        c.press(Key::NextPage, &mut text);
        let second = c.page();
        assert!(second.has_prev);
        assert_ne!(first.candidates, second.candidates);
        // A pick on the second page takes that page's character.
        c.press(Key::Pick(0), &mut text);
        assert_eq!(text.chars().next(), second.candidates.first().copied());
        // Typing a letter goes back to the first page.
        typed(&mut c, &mut text, "sh");
        c.press(Key::NextPage, &mut text);
        typed(&mut c, &mut text, "i");
        assert_eq!(c.page(), first);
        // Never past the last page.
        let pages = all_candidates("shi").len().div_ceil(PAGE_SIZE);
        for _ in 0..pages + 3 {
            c.press(Key::NextPage, &mut text);
        }
        let last = c.page();
        assert!(!last.has_next && !last.candidates.is_empty());
    }

    #[test]
    fn an_unfinished_syllable_offers_the_syllables_it_begins() {
        // "zh" is no syllable: 中 and 这 (zhong, zhe) are offered.
        let all = all_candidates("zh");
        assert!(all[..PAGE_SIZE].contains(&'这'), "{:?}", &all[..PAGE_SIZE]);
        assert!(all.contains(&'中'));
        // A character shows once even under two of those syllables (着 zhe, zhao, zhuo).
        assert_eq!(all.iter().filter(|&&c| c == '着').count(), 1);
    }

    #[test]
    fn the_text_has_a_length_limit() {
        let (mut c, mut text) = (Composer::default(), String::new());
        c.press(Key::SwitchMode, &mut text);
        typed(&mut c, &mut text, &"a".repeat(MAX_TEXT + 5));
        assert_eq!(text.chars().count(), MAX_TEXT);
    }

    #[test]
    fn tone_marks_are_dropped_and_u_umlaut_is_v() {
        assert_eq!(toneless("lǜ"), "lv");
        assert_eq!(toneless("zhuàng"), "zhuang");
        assert_eq!(toneless("ê̄"), "e");
    }
}
