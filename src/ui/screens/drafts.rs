//! The draft box: thumbnails, choose one to confirm, delete when the 24 h rule allows, shoot
//! another when the gate is open. What is allowed comes from the flow's `BoxView`.

use super::super::app::{KioskApp, screen, t};
use super::super::i18n::{self, T};
use super::super::{theme, widgets};
use crate::flow::{Event, Screen};
use eframe::egui::{self, RichText};

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::DraftsTitle);
    let now = app.now();
    let b = match screen(app) {
        Screen::DraftBox(b) => b,
        _ => return,
    };
    let (mut retake, mut another) = (false, false);
    super::bottom_bar(ui, |ui| {
        ui.label(
            RichText::new(i18n::drafts_rule(
                app.lang,
                app.flow.settings().flow.draft_delete_after_hours,
            ))
            .size(22.0)
            .color(theme::MUTED),
        );
        if let Some(why) = &b.gate.blocked {
            ui.label(
                RichText::new(i18n::refusal(app.lang, why))
                    .size(24.0)
                    .color(theme::BAD),
            );
        }
        (retake, another) = super::nav_ui(
            ui,
            Some(t(app, T::Back)),
            t(app, T::ShootAnother),
            b.gate.open() && app.camera_live(),
        );
    });
    ui.label(
        RichText::new(i18n::drafts_count(
            app.lang,
            b.drafts.len(),
            b.capacity as usize,
        ))
        .size(30.0),
    );
    super::refusal_ui(app, ui);
    if b.drafts.is_empty() {
        ui.label(RichText::new(t(app, T::DraftsEmpty)).size(30.0));
    }
    let mut choose = None;
    let mut delete = None;
    let ctx = ui.ctx().clone();
    // Room under the thumbnail for Choose (80), Delete (72), the delete timer and the spacing:
    // with less, the timer ran into the rule line of the bottom bar at 1280×800.
    let thumb_h = (ui.available_height() - 280.0).clamp(140.0, 400.0);
    ui.horizontal_top(|ui| {
        for d in &b.drafts {
            ui.vertical(|ui| {
                match app.draft_texture(&ctx, d) {
                    Some(tex) => {
                        ui.add(
                            egui::Image::new(&tex)
                                .fit_to_exact_size(egui::vec2(thumb_h * 0.75, thumb_h)),
                        );
                    }
                    None => {
                        ui.allocate_exact_size(
                            egui::vec2(thumb_h * 0.75, thumb_h),
                            egui::Sense::hover(),
                        );
                    }
                }
                if widgets::primary_button_ui(ui, t(app, T::Choose), true).clicked() {
                    choose = Some(d.id);
                }
                if widgets::big_button_ui(ui, t(app, T::Delete), d.deletable_now).clicked() {
                    delete = Some(d.id);
                }
                if !d.deletable_now {
                    let mins = (d.deletable_from - now).num_minutes().max(0);
                    ui.label(
                        RichText::new(i18n::deletable_in(app.lang, mins / 60, mins % 60))
                            .size(22.0)
                            .color(theme::MUTED),
                    );
                }
            });
        }
    });
    if let Some(id) = choose {
        app.send(Event::Choose(id));
    } else if let Some(id) = delete {
        app.send(Event::DeleteDraft(id));
    } else if retake {
        app.send(Event::Retake);
    } else if another {
        app.send(Event::Shoot);
    }
}
