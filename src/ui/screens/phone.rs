//! Phone number with the on-screen keypad. The flow checks the number; this screen collects
//! digits and shows the refusal.

use super::super::app::{KioskApp, t};
use super::super::i18n::{self, T};
use super::super::{theme, widgets};
use crate::flow::Event;
use eframe::egui::{self, RichText};

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::PhoneTitle);
    let mut next = false;
    let mut back = false;
    super::bottom_bar(ui, |ui| {
        (back, next) = super::nav_ui(
            ui,
            Some(t(app, T::Quit)),
            t(app, T::Next),
            app.views.phone.len() == 11,
        );
    });
    if let Some(card) = app.flow.student() {
        ui.label(RichText::new(i18n::welcome_student(app.lang, &card.name)).size(30.0));
    }
    ui.label(
        RichText::new(t(app, T::PhoneHint))
            .size(24.0)
            .color(theme::MUTED),
    );
    ui.vertical_centered(|ui| {
        widgets::digits_display_ui(ui, &app.views.phone, 420.0);
        super::refusal_ui(app, ui);
        ui.allocate_ui(egui::vec2(420.0, 420.0), |ui| {
            if widgets::keypad_ui(ui, app.lang, &mut app.views.phone, 11) {
                next = app.views.phone.len() == 11;
            }
        });
    });
    if back {
        app.send(Event::Quit);
    } else if next {
        let phone = app.views.phone.clone();
        app.send(Event::Phone(phone));
    }
}
