//! Confirm the chosen draft, the fee step, and the final screen (which returns to the welcome
//! screen with every personal detail cleared).

use super::super::app::{KioskApp, Page, t};
use super::super::i18n::T;
use super::super::{theme, widgets};
use crate::config::FeeState;
use eframe::egui::{self, RichText};

pub fn confirm_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::ConfirmTitle);
    let (mut back, mut confirm) = (false, false);
    super::bottom_bar(ui, |ui| {
        (back, confirm) =
            super::nav_ui(ui, Some(t(app, T::BackToDrafts)), t(app, T::Confirm), true);
    });
    let chosen = app.walk.as_ref().and_then(|w| {
        w.chosen
            .and_then(|id| w.drafts.iter().find(|d| d.id == id))
            .cloned()
    });
    ui.vertical_centered(|ui| {
        ui.label(RichText::new(t(app, T::ConfirmBody)).size(30.0));
        if let Some(d) = chosen {
            let ctx = ui.ctx().clone();
            let tex = app.texture(&ctx, &format!("student/draft{}", d.id), &d.photo);
            let h = (ui.available_height() - 20.0).clamp(200.0, 640.0);
            ui.add(egui::Image::new(&tex).fit_to_exact_size(egui::vec2(h * 0.75, h)));
        }
    });
    if back {
        app.go(Page::Drafts);
    } else if confirm {
        if let Some(w) = app.walk.as_mut() {
            w.confirmed = w.chosen;
        }
        app.go(Page::Fee);
    }
}

pub fn fee_label(app: &KioskApp, fee: FeeState) -> &'static str {
    match fee {
        FeeState::Paid => t(app, T::FeePaid),
        FeeState::Waived => t(app, T::FeeWaived),
        _ => t(app, T::FeeUnpaid),
    }
}

pub fn fee_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::FeeTitle);
    let mut next = false;
    super::bottom_bar(ui, |ui| {
        (_, next) = super::nav_ui(ui, None, t(app, T::Finish), true);
    });
    let fee = app.walk.as_ref().map(|w| w.fee).unwrap_or_default();
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.label(
            RichText::new(format!("¥{}", app.config.teacher.fee_yuan))
                .size(90.0)
                .strong(),
        );
        ui.label(RichText::new(t(app, T::FeeBody)).size(30.0));
        ui.label(
            RichText::new(fee_label(app, fee))
                .size(36.0)
                .color(theme::ACCENT),
        );
    });
    if next {
        app.go(Page::Done);
    }
}

pub fn done_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::DoneTitle);
    let mut next = false;
    super::bottom_bar(ui, |ui| {
        (_, next) = super::nav_ui(ui, None, t(app, T::Finish), true);
    });
    ui.vertical_centered(|ui| {
        ui.add_space(100.0);
        ui.label(RichText::new("✔").size(120.0).color(theme::GOOD));
        ui.label(RichText::new(t(app, T::DoneBody)).size(36.0));
    });
    if next {
        app.reset_student();
    }
}
