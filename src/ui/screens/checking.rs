//! Making and checking: progress while the photo is made and checked, then the verdict: passed
//! (the photo is in the draft box) or every failed check with its hint, the cool-down counting
//! down, and the lock if one was placed.

use super::super::app::{KioskApp, screen, t};
use super::super::i18n::{self, T};
use super::super::{theme, widgets};
use crate::flow::{Event, Screen};
use eframe::egui::{self, RichText};

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let title = if app.flow.step() == crate::flow::Step::Result {
        T::ResultTitle
    } else {
        T::CheckingTitle
    };
    widgets::header_ui(ui, &mut app.lang, title);
    let now = app.now();
    let r = match screen(app) {
        Screen::Result(r) => r,
        _ => {
            ui.vertical_centered(|ui| {
                ui.add_space(160.0);
                ui.spinner();
                ui.add(
                    egui::ProgressBar::new(app.views.lab_progress)
                        .desired_width(600.0)
                        .show_percentage(),
                );
            });
            return;
        }
    };
    let (mut next, mut drafts) = (false, false);
    if r.passed {
        super::bottom_bar(ui, |ui| {
            (_, next) = super::nav_ui(ui, None, t(app, T::ToDrafts), true);
        });
        ui.vertical_centered(|ui| {
            ui.add_space(30.0);
            ui.label(
                RichText::new(format!("✔ {}", t(app, T::CheckPassed)))
                    .size(44.0)
                    .color(theme::GOOD),
            );
            let ctx = ui.ctx().clone();
            if let Some(d) = &r.draft
                && let Some(tex) = app.draft_texture(&ctx, d)
            {
                let h = (ui.available_height() - 20.0).clamp(200.0, 520.0);
                ui.add(egui::Image::new(&tex).fit_to_exact_size(egui::vec2(h * 0.75, h)));
            }
        });
    } else {
        let left = r
            .cooldown_until
            .map(|u| ((u - now).num_milliseconds() + 999).div_euclid(1000).max(0))
            .unwrap_or(0);
        super::bottom_bar(ui, |ui| {
            if left > 0 {
                ui.label(
                    RichText::new(i18n::cooldown_left(app.lang, left as u64))
                        .size(30.0)
                        .color(theme::BAD),
                );
            }
            (drafts, next) = super::nav_ui(
                ui,
                Some(t(app, T::OpenDraftBox)),
                t(app, T::Retake),
                left == 0,
            );
        });
        ui.label(
            RichText::new(format!("✖ {}", t(app, T::CheckFailed)))
                .size(44.0)
                .color(theme::BAD),
        );
        if let Some(e) = &r.make_error {
            // What to do, in the screen's language; the maker's full reason is the audit line's.
            let line = match app.lang {
                i18n::Lang::Zh => e.advice_zh,
                i18n::Lang::En => e.advice_en,
            };
            ui.label(RichText::new(line).size(24.0).color(theme::BAD));
        }
        if let Some(lock) = &r.lock {
            let why = crate::flow::Refusal::Locked {
                kind: lock.kind,
                until: lock.until,
            };
            ui.label(
                RichText::new(i18n::refusal(app.lang, &why))
                    .size(32.0)
                    .strong()
                    .color(theme::BAD),
            );
        }
        // The shot beside the reasons: "eyes not open" is easier to act on when seen.
        let shot = app.textures.get("student/checked").cloned();
        let avail_w = ui.available_width();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(if shot.is_some() {
                    avail_w * 0.6
                } else {
                    avail_w
                });
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for c in &r.failed {
                        ui.label(
                            RichText::new(format!("• {}", app.lang.pick(&c.hint_zh, &c.hint_en)))
                                .size(30.0)
                                .strong(),
                        );
                        ui.label(RichText::new(c.id.as_str()).size(18.0).color(theme::MUTED));
                    }
                });
            });
            if let Some(tex) = shot {
                let ts = tex.size_vec2();
                let w = avail_w * 0.36;
                let h = ui.available_height().min(w * ts.y / ts.x);
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(h * ts.x / ts.y, h), egui::Sense::hover());
                // Mirrored like the preview the student just saw.
                ui.painter().image(
                    tex.id(),
                    rect,
                    egui::Rect::from_min_max(egui::pos2(1.0, 0.0), egui::pos2(0.0, 1.0)),
                    egui::Color32::WHITE,
                );
            }
        });
    }
    if drafts {
        app.send(Event::OpenDraftBox);
    } else if next {
        app.send(Event::Next);
    }
}
