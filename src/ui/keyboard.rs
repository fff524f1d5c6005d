//! The on-screen keyboard: a thin view over [`crate::ime`]. It draws the candidate row, digits,
//! QWERTY letters, `-`, space, backspace, the 中/英 switch and Done, and forwards each tap as an
//! [`ime::Key`]; the composition rules are the core's.
//!
//! Every key has a fixed place computed from the panel's corner, so nothing moves between
//! frames (a candidate page with fewer characters leaves its slots empty): a finger, or
//! egui_kittest clicking a widget's centre, lands where the key was drawn.

use super::i18n::{Lang, T, tr};
use super::theme;
use crate::ime::{self, Composer, Key, Mode};
use eframe::egui;

/// A key's width and height, and the gap between keys: touch targets like the digit keypad's,
/// small enough that the panel and the session form fit the 1280×800 teacher screen.
const KEY: egui::Vec2 = egui::vec2(76.0, 62.0);
const GAP: f32 = 8.0;
/// Keys in the widest row.
const COLUMNS: usize = 11;
/// The candidate row: the pinyin typed so far, then the page buttons and the candidates.
const PINYIN_WIDTH: f32 = 120.0;
const PAGE_WIDTH: f32 = 100.0;

/// Width and height of the whole panel.
pub const SIZE: egui::Vec2 = egui::vec2(
    COLUMNS as f32 * KEY.x + (COLUMNS - 1) as f32 * GAP,
    5.0 * KEY.y + 4.0 * GAP,
);

/// Draws the keyboard at the cursor and applies the taps to `text`. Returns true on Done.
pub fn keyboard_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    composer: &mut Composer,
    text: &mut String,
) -> bool {
    let (panel, _) = ui.allocate_exact_size(SIZE, egui::Sense::hover());
    let mut pressed: Option<Key> = None;
    let cell = |column: f32, row: usize, units: f32| {
        let min = panel.min + egui::vec2(column * (KEY.x + GAP), row as f32 * (KEY.y + GAP));
        egui::Rect::from_min_size(min, egui::vec2(units * KEY.x + (units - 1.0) * GAP, KEY.y))
    };

    candidate_row_ui(ui, panel, lang, composer, &mut pressed);

    let latin = composer.mode() == Mode::Latin;
    let upper = latin && composer.caps();
    let letter_rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    for (i, d) in "1234567890".chars().enumerate() {
        if key_at(
            ui,
            cell(i as f32, 1, 1.0),
            &d.to_string(),
            30.0,
            true,
            false,
        )
        .clicked()
        {
            pressed = Some(Key::Digit(d));
        }
    }
    let backspace =
        key_at(ui, cell(10.0, 1, 1.0), "←", 30.0, true, false).on_hover_text(tr(lang, T::Delete));
    if backspace.clicked() {
        pressed = Some(Key::Backspace);
    }
    if key_at(ui, cell(10.0, 2, 1.0), "-", 30.0, true, false).clicked() {
        pressed = Some(Key::Symbol('-'));
    }
    // The letters: staggered like a real keyboard, zxcvbnm after the two mode keys.
    let starts = [0.0, 0.5, 2.0];
    for ((row, letters), start) in letter_rows.iter().enumerate().zip(starts) {
        for (i, c) in letters.chars().enumerate() {
            let shown = if upper { c.to_ascii_uppercase() } else { c };
            let rect = cell(start + i as f32, row + 2, 1.0);
            if key_at(ui, rect, &shown.to_string(), 30.0, true, false).clicked() {
                pressed = Some(Key::Letter(c));
            }
        }
    }
    let (mode_text, mode_on) = match composer.mode() {
        Mode::Chinese => (tr(lang, T::KbChinese), true),
        Mode::Latin => (tr(lang, T::KbLatin), false),
    };
    if key_at(ui, cell(0.0, 4, 1.0), mode_text, 28.0, true, mode_on)
        .on_hover_text(tr(lang, T::KbSwitchHint))
        .clicked()
    {
        pressed = Some(Key::SwitchMode);
    }
    if key_at(
        ui,
        cell(1.0, 4, 1.0),
        tr(lang, T::KbCaps),
        20.0,
        latin,
        upper,
    )
    .clicked()
    {
        pressed = Some(Key::Caps);
    }
    if key_at(
        ui,
        cell(9.0, 4, 2.0),
        tr(lang, T::KbSpace),
        24.0,
        true,
        false,
    )
    .clicked()
    {
        pressed = Some(Key::Space);
    }
    // Done beside the a-row's end, filled like a screen's primary action.
    if key_filled(ui, cell(9.5, 3, 1.5), tr(lang, T::KbDone), theme::ACCENT).clicked() {
        pressed = Some(Key::Done);
    }
    match pressed {
        Some(key) => composer.press(key, text),
        None => false,
    }
}

/// The pinyin typed so far, the page buttons and one slot per candidate of the page.
fn candidate_row_ui(
    ui: &mut egui::Ui,
    panel: egui::Rect,
    lang: Lang,
    composer: &Composer,
    pressed: &mut Option<Key>,
) {
    let page = composer.page();
    let row = egui::Rect::from_min_size(panel.min, egui::vec2(SIZE.x, KEY.y));
    // Painted, not a label: a one-letter pinyin must not be a second widget named like its key.
    let pinyin_rect = egui::Rect::from_min_size(row.min, egui::vec2(PINYIN_WIDTH, KEY.y));
    ui.painter().rect_stroke(
        pinyin_rect,
        6.0,
        egui::Stroke::new(2.0, theme::ACCENT),
        egui::StrokeKind::Inside,
    );
    ui.painter().text(
        pinyin_rect.center(),
        egui::Align2::CENTER_CENTER,
        composer.pinyin(),
        egui::FontId::monospace(26.0),
        ui.visuals().text_color(),
    );
    let prev = egui::Rect::from_min_size(
        row.min + egui::vec2(PINYIN_WIDTH + GAP, 0.0),
        egui::vec2(PAGE_WIDTH, KEY.y),
    );
    let next = egui::Rect::from_min_size(
        egui::pos2(row.max.x - PAGE_WIDTH, row.min.y),
        egui::vec2(PAGE_WIDTH, KEY.y),
    );
    if key_at(
        ui,
        prev,
        tr(lang, T::KbPrevPage),
        22.0,
        page.has_prev,
        false,
    )
    .clicked()
    {
        *pressed = Some(Key::PrevPage);
    }
    if key_at(
        ui,
        next,
        tr(lang, T::KbNextPage),
        22.0,
        page.has_next,
        false,
    )
    .clicked()
    {
        *pressed = Some(Key::NextPage);
    }
    let first = prev.max.x + GAP;
    let slot =
        (next.min.x - GAP - first - (ime::PAGE_SIZE - 1) as f32 * GAP) / ime::PAGE_SIZE as f32;
    for (i, c) in page.candidates.iter().enumerate() {
        let rect = egui::Rect::from_min_size(
            egui::pos2(first + i as f32 * (slot + GAP), row.min.y),
            egui::vec2(slot, KEY.y),
        );
        if key_at(ui, rect, &c.to_string(), 32.0, true, false).clicked() {
            *pressed = Some(Key::Pick(i));
        }
    }
}

/// One key filling exactly `rect`; `selected` shows a mode that is on. Drawn here rather than
/// as an `egui::Button`, whose size follows its text: a key must never outgrow its place.
fn key_at(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    text: &str,
    size: f32,
    enabled: bool,
    selected: bool,
) -> egui::Response {
    key_drawn(ui, rect, text, size, enabled, selected, None)
}

/// [`key_at`] with its own fill and white text (Done).
fn key_filled(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    text: &str,
    fill: egui::Color32,
) -> egui::Response {
    key_drawn(ui, rect, text, 24.0, true, false, Some(fill))
}

fn key_drawn(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    text: &str,
    size: f32,
    enabled: bool,
    selected: bool,
    fill: Option<egui::Color32>,
) -> egui::Response {
    // The place names the key: it never moves, and two keys never share one.
    let id = ui
        .scope_id()
        .with(("key", rect.min.x.round() as i32, rect.min.y.round() as i32));
    let sense = if enabled {
        egui::Sense::click()
    } else {
        egui::Sense::hover()
    };
    let response = ui.interact(rect, id, sense);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, text));
    if ui.is_rect_visible(rect) {
        let widget = if enabled {
            ui.style().interact_selectable(&response, selected)
        } else {
            ui.visuals().widgets.noninteractive
        };
        let (background, color) = match fill {
            Some(f) => (f, egui::Color32::WHITE),
            None if selected => (ui.visuals().selection.bg_fill, widget.text_color()),
            None if enabled => (widget.weak_bg_fill, widget.text_color()),
            None => (ui.visuals().faint_bg_color, ui.visuals().weak_text_color()),
        };
        ui.painter().rect_filled(rect, 6.0, background);
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            text,
            egui::FontId::proportional(size),
            color,
        );
    }
    response
}
