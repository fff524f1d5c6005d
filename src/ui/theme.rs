//! The kiosk look: large text and big touch targets, readable from a metre away at 1280×800 and
//! 1920×1080. The app zooms with the window height (`app::fit_to_screen`), so both resolutions
//! get the same layout.

use eframe::egui;

pub const ACCENT: egui::Color32 = egui::Color32::from_rgb(0x1d, 0x5f, 0xb4);
pub const GOOD: egui::Color32 = egui::Color32::from_rgb(0x1b, 0x8a, 0x3a);
pub const BAD: egui::Color32 = egui::Color32::from_rgb(0xc0, 0x2b, 0x2b);
pub const MUTED: egui::Color32 = egui::Color32::from_rgb(0x55, 0x5d, 0x66);

/// Light theme with large default text. Called once at start-up.
pub fn install(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    ctx.all_styles_mut(|style| {
        use egui::{FontFamily::Proportional, FontId, TextStyle};
        style.text_styles = [
            (TextStyle::Heading, FontId::new(40.0, Proportional)),
            (TextStyle::Body, FontId::new(24.0, Proportional)),
            (TextStyle::Button, FontId::new(28.0, Proportional)),
            (TextStyle::Small, FontId::new(18.0, Proportional)),
            (
                TextStyle::Monospace,
                FontId::new(22.0, egui::FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.button_padding = egui::vec2(20.0, 12.0);
        style.spacing.item_spacing = egui::vec2(14.0, 14.0);
        style.spacing.interact_size.y = 56.0;
        // Solid bars beside the content: a touch-screen student must see that a page scrolls, and
        // egui's floating bars show only on hover, over the text.
        style.spacing.scroll = egui::style::ScrollStyle::solid();
        style.spacing.scroll.bar_width = 16.0;
        // egui's default body text is a soft grey: too faint from a metre away.
        style.visuals.override_text_color = Some(if style.visuals.dark_mode {
            egui::Color32::from_gray(235)
        } else {
            egui::Color32::from_gray(25)
        });
    });
}
