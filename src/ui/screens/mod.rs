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
use eframe::egui;

pub fn show(app: &mut KioskApp, ui: &mut egui::Ui) {
    match app.page {
        Page::Welcome => welcome::ui(app, ui),
        Page::NoCamera => no_camera::ui(app, ui),
        Page::Phone => phone::ui(app, ui),
        Page::Notice => reading::notice_ui(app, ui),
        Page::Precautions => reading::precautions_ui(app, ui),
        Page::Notifications => reading::notifications_ui(app, ui),
        Page::Guide => guide::ui(app, ui),
        Page::Framing => framing::ui(app, ui),
        Page::Countdown => capture::countdown_ui(app, ui),
        Page::Preview => capture::preview_ui(app, ui),
        Page::Checking => checking::ui(app, ui),
        Page::Drafts => drafts::ui(app, ui),
        Page::Confirm => finish::confirm_ui(app, ui),
        Page::Fee => finish::fee_ui(app, ui),
        Page::Done => finish::done_ui(app, ui),
        Page::Locked => checking::locked_ui(app, ui),
        Page::Pin => teacher::pin_ui(app, ui),
        Page::Teacher => teacher::ui(app, ui),
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
