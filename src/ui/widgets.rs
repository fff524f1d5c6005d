//! Drawing helpers shared by the screens: big buttons, the on-screen keypad, the PIN pad, the
//! language switch, the page header. Each `*_ui` returns what was pressed; none decides a rule.

use super::i18n::{Lang, T, tr};
use super::theme;
use eframe::egui::{self, RichText};

/// A large button; `enabled == false` greys it out (its label stays readable).
pub fn big_button_ui(ui: &mut egui::Ui, text: &str, enabled: bool) -> egui::Response {
    ui.add_enabled(
        enabled,
        egui::Button::new(RichText::new(text).size(30.0)).min_size(egui::vec2(200.0, 72.0)),
    )
}

/// The primary action of a screen: a filled button.
pub fn primary_button_ui(ui: &mut egui::Ui, text: &str, enabled: bool) -> egui::Response {
    let text_color = if enabled {
        egui::Color32::WHITE
    } else {
        egui::Color32::from_gray(90)
    };
    let fill = if enabled {
        theme::ACCENT
    } else {
        egui::Color32::from_gray(200)
    };
    ui.add_enabled(
        enabled,
        egui::Button::new(RichText::new(text).size(32.0).color(text_color))
            .fill(fill)
            .min_size(egui::vec2(240.0, 80.0)),
    )
}

/// The switch to the other language, shown at the top right of every screen.
pub fn lang_switch_ui(ui: &mut egui::Ui, lang: &mut Lang) {
    if ui
        .add(
            egui::Button::new(RichText::new(tr(*lang, T::SwitchLang)).size(26.0))
                .min_size(egui::vec2(140.0, 60.0)),
        )
        .clicked()
    {
        *lang = lang.other();
    }
}

/// A digit keypad for `buffer`, at most `max_len` digits. Returns true when OK was pressed.
pub fn keypad_ui(ui: &mut egui::Ui, lang: Lang, buffer: &mut String, max_len: usize) -> bool {
    let mut ok = false;
    let key = egui::vec2(120.0, 84.0);
    egui::Grid::new("keypad")
        .spacing(egui::vec2(14.0, 14.0))
        .show(ui, |ui| {
            for row in [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]] {
                for d in row {
                    if ui
                        .add(egui::Button::new(RichText::new(d).size(40.0)).min_size(key))
                        .clicked()
                        && buffer.len() < max_len
                    {
                        buffer.push_str(d);
                    }
                }
                ui.end_row();
            }
            if ui
                .add(egui::Button::new(RichText::new(tr(lang, T::Clear)).size(28.0)).min_size(key))
                .clicked()
            {
                buffer.clear();
            }
            if ui
                .add(egui::Button::new(RichText::new("0").size(40.0)).min_size(key))
                .clicked()
                && buffer.len() < max_len
            {
                buffer.push('0');
            }
            if ui
                .add(egui::Button::new(RichText::new("←").size(40.0)).min_size(key))
                .on_hover_text(tr(lang, T::Delete))
                .clicked()
            {
                buffer.pop();
            }
            ui.end_row();
        });
    // Typing works too (a keyboard, or a scanner typing digits).
    ui.input(|i| {
        for e in &i.events {
            match e {
                egui::Event::Text(t) => {
                    for c in t.chars().filter(char::is_ascii_digit) {
                        if buffer.len() < max_len {
                            buffer.push(c);
                        }
                    }
                }
                egui::Event::Key {
                    key: egui::Key::Backspace,
                    pressed: true,
                    ..
                } => {
                    buffer.pop();
                }
                egui::Event::Key {
                    key: egui::Key::Enter,
                    pressed: true,
                    ..
                } => ok = true,
                _ => {}
            }
        }
    });
    ok
}

/// Shows digits (or dots for a PIN) in a large box.
pub fn digits_display_ui(ui: &mut egui::Ui, shown: &str, width: f32) {
    egui::Frame::new()
        .stroke(egui::Stroke::new(2.0, theme::ACCENT))
        .corner_radius(8.0)
        .inner_margin(egui::Margin::symmetric(16, 10))
        .show(ui, |ui| {
            ui.set_min_width(width);
            ui.label(
                RichText::new(if shown.is_empty() { " " } else { shown })
                    .size(44.0)
                    .monospace(),
            );
        });
}

/// The header of a student screen: title on the left, language switch on the right.
pub fn header_ui(ui: &mut egui::Ui, lang: &mut Lang, title: T) {
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(tr(*lang, title))
                .size(44.0)
                .strong()
                .color(theme::ACCENT),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            lang_switch_ui(ui, lang);
        });
    });
    ui.separator();
}

/// A background job's progress: a bar of `done` of `total` (empty while the total is not known
/// yet) and a line saying what runs.
pub fn job_progress_ui(
    ui: &mut egui::Ui,
    (done, total): (usize, usize),
    width: f32,
    what: &str,
) -> egui::Response {
    let fraction = if total == 0 {
        0.0
    } else {
        done as f32 / total as f32
    };
    ui.add(egui::ProgressBar::new(fraction).desired_width(width));
    ui.label(RichText::new(what).size(24.0))
}
