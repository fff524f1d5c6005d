//! One module per screen. Each `ui` draws its page from the app's state and sends what the
//! student or teacher pressed back to the app; none of them decides a rule.

mod capture;
mod checking;
mod drafts;
mod finish;
mod framing;
mod guide;
mod no_camera;
mod phone;
mod reading;
pub mod teacher;
mod welcome;

use super::app::{KioskApp, Page};
use crate::flow::Step;
use eframe::egui;

pub fn show(app: &mut KioskApp, ui: &mut egui::Ui) {
    if let Some(e) = app.views.error.clone() {
        ui.label(egui::RichText::new(e).size(20.0).color(super::theme::BAD));
    }
    match app.page() {
        Page::NoCamera => no_camera::ui(app, ui),
        Page::Pin => teacher::pin_ui(app, ui),
        Page::Teacher => teacher::ui(app, ui),
        Page::Student(step) => match step {
            Step::Welcome => welcome::ui(app, ui),
            Step::Status => finish::status_ui(app, ui),
            Step::Phone => phone::ui(app, ui),
            Step::Notice => reading::notice_ui(app, ui),
            Step::Precautions => reading::precautions_ui(app, ui),
            Step::Notifications => reading::notifications_ui(app, ui),
            Step::Guide => guide::ui(app, ui),
            Step::Framing => framing::ui(app, ui),
            Step::Shoot => capture::countdown_ui(app, ui),
            Step::Preview => capture::preview_ui(app, ui),
            Step::Making | Step::Result => checking::ui(app, ui),
            Step::DraftBox => drafts::ui(app, ui),
            Step::Confirm => finish::confirm_ui(app, ui),
            Step::Fee => finish::fee_ui(app, ui),
            Step::Done => finish::done_ui(app, ui),
        },
    }
}

/// The refusal of the last event, if any, in red.
pub(crate) fn refusal_ui(app: &KioskApp, ui: &mut egui::Ui) {
    if let Some(r) = app.refusal_text() {
        ui.label(
            egui::RichText::new(r)
                .size(28.0)
                .strong()
                .color(super::theme::BAD),
        );
    }
}

/// The row of buttons at the bottom of a student screen: Back on the left, the main action on
/// the right. Returns (back pressed, next pressed).
pub(crate) fn nav_ui(
    ui: &mut egui::Ui,
    back: Option<&str>,
    next: &str,
    next_enabled: bool,
) -> (bool, bool) {
    let mut out = (false, false);
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if let Some(b) = back {
            out.0 = super::widgets::big_button_ui(ui, b, true).clicked();
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            out.1 = super::widgets::primary_button_ui(ui, next, next_enabled).clicked();
        });
    });
    out
}

/// A bottom bar laid out from the bottom of the screen, so the buttons stay in place whatever
/// the content above does.
pub(crate) fn bottom_bar(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) {
    egui::Panel::bottom("nav")
        .show_separator_line(false)
        .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(24, 16)))
        .show(ui, add);
}
