//! The CJK font shipped in `assets/fonts/` (WenQuanYi Micro Hei, Apache-2.0), compiled into the
//! binary so the kiosk shows Chinese on a machine with no CJK font installed.

use eframe::egui;

const WQY_MICROHEI: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei.ttc");

/// Adds the CJK font after egui's default fonts for proportional and monospace text, so Latin
/// keeps egui's look and every Chinese character falls back to Micro Hei.
pub fn install(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "wqy-microhei".to_owned(),
        std::sync::Arc::new(egui::FontData::from_static(WQY_MICROHEI)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("wqy-microhei".to_owned());
    }
    ctx.set_fonts(fonts);
}
