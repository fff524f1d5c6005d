//! Confirm the chosen draft, the fee step, the final screen (the flow then forgets the student),
//! and the status of a student who already confirmed.

use super::super::app::{KioskApp, screen, t};
use super::super::i18n::T;
use super::super::{theme, widgets};
use crate::config::FeeState;
use crate::flow::{DraftView, Event, Screen};
use eframe::egui::{self, RichText};

fn photo_ui(app: &mut KioskApp, ui: &mut egui::Ui, d: &DraftView) {
    let ctx = ui.ctx().clone();
    if let Some(tex) = app.draft_texture(&ctx, d) {
        let h = (ui.available_height() - 20.0).clamp(200.0, 560.0);
        ui.add(egui::Image::new(&tex).fit_to_exact_size(egui::vec2(h * 0.75, h)));
    }
}

pub fn confirm_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::ConfirmTitle);
    let Screen::Confirm { draft } = screen(app) else {
        return;
    };
    let (mut back, mut confirm) = (false, false);
    super::bottom_bar(ui, |ui| {
        (back, confirm) =
            super::nav_ui(ui, Some(t(app, T::BackToDrafts)), t(app, T::Confirm), true);
    });
    ui.vertical_centered(|ui| {
        ui.label(RichText::new(t(app, T::ConfirmBody)).size(30.0));
        super::refusal_ui(app, ui);
        photo_ui(app, ui, &draft);
    });
    if back {
        app.send(Event::Back);
    } else if confirm {
        app.send(Event::Confirm);
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
    let Screen::Fee { state, yuan } = screen(app) else {
        return;
    };
    let mut next = false;
    super::bottom_bar(ui, |ui| {
        (_, next) = super::nav_ui(ui, None, t(app, T::Next), true);
    });
    ui.vertical_centered(|ui| {
        ui.add_space(40.0);
        ui.label(RichText::new(format!("¥{yuan}")).size(90.0).strong());
        ui.label(RichText::new(t(app, T::FeeBody)).size(30.0));
        ui.add_space(20.0);
        ui.label(
            RichText::new(fee_label(app, state))
                .size(40.0)
                .color(theme::ACCENT),
        );
    });
    if next {
        app.send(Event::Next);
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
        app.send(Event::Next);
    }
}

pub fn status_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::StatusTitle);
    let Screen::Status(s) = screen(app) else {
        return;
    };
    let (mut quit, mut retake) = (false, false);
    super::bottom_bar(ui, |ui| {
        (quit, retake) = super::nav_ui(ui, Some(t(app, T::Quit)), t(app, T::Retake), s.can_retake);
    });
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(ui.available_width() * 0.5);
            ui.label(
                RichText::new(format!("✔ {}", t(app, T::StatusConfirmed)))
                    .size(36.0)
                    .color(theme::GOOD),
            );
            ui.label(
                RichText::new(
                    s.confirmed_at
                        .with_timezone(&chrono::Local)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                )
                .size(24.0),
            );
            ui.label(RichText::new(fee_label(app, s.fee)).size(30.0));
            if let Some(reason) = &s.retake_reason {
                ui.label(
                    RichText::new(format!("{}: {reason}", t(app, T::RetakeReason)))
                        .size(28.0)
                        .color(theme::BAD),
                );
            }
            if s.can_retake {
                ui.label(
                    RichText::new(t(app, T::StatusRetakeAllowed))
                        .size(30.0)
                        .strong(),
                );
            } else {
                // Otherwise the greyed-out Retake button would not say why.
                ui.label(
                    RichText::new(t(app, T::StatusRetakeAsk))
                        .size(26.0)
                        .color(theme::MUTED),
                );
            }
        });
        ui.vertical(|ui| photo_ui(app, ui, &s.draft));
    });
    if quit {
        app.send(Event::Quit);
    } else if retake {
        app.send(Event::Next);
    }
}
