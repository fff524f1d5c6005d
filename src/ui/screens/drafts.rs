//! The draft box: thumbnails, choose one, delete when the 24 h rule allows, shoot another when
//! there is room.

use super::super::app::{KioskApp, Page, t};
use super::super::i18n::{self, T};
use super::super::{theme, widgets};
use eframe::egui::{self, RichText};

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::DraftsTitle);
    let now = app.now();
    let cfg = app.config.flow.clone();
    let Some(w) = app.walk.clone() else { return };
    let (mut another, mut next) = (false, false);
    super::bottom_bar(ui, |ui| {
        ui.label(
            RichText::new(t(app, T::DraftsRule))
                .size(22.0)
                .color(theme::MUTED),
        );
        (another, next) = super::nav_ui(
            ui,
            Some(t(app, T::ShootAnother)),
            t(app, T::Next),
            w.chosen.is_some(),
        );
    });
    ui.label(
        RichText::new(i18n::drafts_count(
            app.lang,
            w.drafts.len(),
            cfg.draft_box_size as usize,
        ))
        .size(28.0),
    );
    if w.box_full(&cfg) {
        ui.label(
            RichText::new(t(app, T::DraftsFull))
                .size(28.0)
                .color(theme::BAD),
        );
    }
    if w.drafts.is_empty() {
        ui.label(RichText::new(t(app, T::DraftsEmpty)).size(30.0));
    }
    let mut choose = None;
    let mut delete = None;
    let ctx = ui.ctx().clone();
    ui.horizontal_top(|ui| {
        for d in &w.drafts {
            let tex = app.texture(&ctx, &format!("student/draft{}", d.id), &d.photo);
            ui.vertical(|ui| {
                let selected = w.chosen == Some(d.id);
                let stroke = if selected {
                    egui::Stroke::new(6.0, theme::ACCENT)
                } else {
                    egui::Stroke::NONE
                };
                egui::Frame::new()
                    .stroke(stroke)
                    .inner_margin(4.0)
                    .show(ui, |ui| {
                        ui.add(egui::Image::new(&tex).fit_to_exact_size(egui::vec2(240.0, 320.0)));
                    });
                let label = if selected {
                    t(app, T::Selected)
                } else {
                    t(app, T::Choose)
                };
                if widgets::big_button_ui(ui, label, !selected).clicked() {
                    choose = Some(d.id);
                }
                let may = w.may_delete(d, &cfg, now);
                if widgets::big_button_ui(ui, t(app, T::Delete), may).clicked() {
                    delete = Some(d.id);
                }
                if !may {
                    let left = chrono::Duration::hours(i64::from(cfg.draft_delete_after_hours))
                        - (now - d.saved_at);
                    let mins = left.num_minutes().max(0);
                    ui.label(
                        RichText::new(i18n::deletable_in(app.lang, mins / 60, mins % 60))
                            .size(18.0)
                            .color(theme::MUTED),
                    );
                }
            });
        }
    });
    if let Some(walk) = app.walk.as_mut() {
        if let Some(id) = choose {
            walk.chosen = Some(id);
        }
        if let Some(id) = delete {
            walk.delete_draft(id);
        }
    }
    if another {
        app.go(Page::Framing);
    } else if next {
        app.go(Page::Confirm);
    }
}
