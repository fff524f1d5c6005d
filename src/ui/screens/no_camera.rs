//! No camera: says so, retries by itself (the camera worker keeps looking; the app returns to the
//! welcome screen when frames arrive), and explains `--camera demo`.

use super::super::app::{KioskApp, PinPurpose, t};
use super::super::i18n::T;
use super::super::{theme, widgets};
use eframe::egui::{self, RichText};

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::Title);
    super::bottom_bar(ui, |ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if widgets::big_button_ui(ui, t(app, T::TeacherButton), true).clicked() {
                app.open_pin(PinPurpose::Teacher);
            }
        });
    });
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.label(
            RichText::new(t(app, T::NoCameraTitle))
                .size(52.0)
                .strong()
                .color(theme::BAD),
        );
        ui.add_space(20.0);
        ui.label(RichText::new(t(app, T::NoCameraBody)).size(30.0));
        ui.add_space(10.0);
        ui.label(
            RichText::new(t(app, T::NoCameraDemo))
                .size(26.0)
                .color(theme::MUTED),
        );
        ui.add_space(20.0);
        ui.horizontal(|ui| {
            ui.add_space((ui.available_width() - 200.0).max(0.0) / 2.0);
            ui.spinner();
            ui.label(RichText::new(t(app, T::NoCameraRetrying)).size(26.0));
        });
    });
}
