//! Checking: progress while the photo is made and checked, then the verdict: passed (to the draft
//! box) or every failed check with its hint and the cool-down counting down. Also the lock screen.

use super::super::app::{KioskApp, Page, lock_of, t};
use super::super::i18n::{self, T};
use super::super::walk::Lock;
use super::super::{theme, widgets};
use eframe::egui::{self, RichText};

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::CheckingTitle);
    let now = app.now();
    if app.lab_job.is_some() {
        ui.vertical_centered(|ui| {
            ui.add_space(120.0);
            ui.spinner();
            ui.add(
                egui::ProgressBar::new(app.views.lab_progress)
                    .desired_width(600.0)
                    .show_percentage(),
            );
        });
        return;
    }
    if let Some(e) = &app.views.lab_error {
        ui.label(RichText::new(e).size(26.0).color(theme::BAD));
    }
    let Some(w) = app.walk.clone() else { return };
    let Some(report) = w.last_report.clone() else {
        return;
    };
    let cooldown = w.cooldown_left(now);
    let locked = w.locked(now).is_some();
    let (mut to_drafts, mut retake) = (false, false);
    if report.passed() {
        super::bottom_bar(ui, |ui| {
            (_, to_drafts) = super::nav_ui(ui, None, t(app, T::ToDrafts), true);
        });
        ui.vertical_centered(|ui| {
            ui.add_space(40.0);
            ui.label(
                RichText::new(format!("✔ {}", t(app, T::CheckPassed)))
                    .size(44.0)
                    .color(theme::GOOD),
            );
            if let Some(d) = w.drafts.last() {
                let ctx = ui.ctx().clone();
                let photo = d.photo.clone();
                let tex = app.texture(&ctx, "student/checked", &photo);
                ui.add(egui::Image::new(&tex).fit_to_exact_size(egui::vec2(300.0, 400.0)));
            }
        });
    } else {
        super::bottom_bar(ui, |ui| {
            if cooldown > 0 {
                ui.label(
                    RichText::new(i18n::cooldown_left(app.lang, cooldown as u64))
                        .size(30.0)
                        .color(theme::BAD),
                );
            }
            (_, retake) = super::nav_ui(ui, None, t(app, T::Retake), cooldown == 0 || locked);
        });
        ui.label(
            RichText::new(format!("✖ {}", t(app, T::CheckFailed)))
                .size(44.0)
                .color(theme::BAD),
        );
        egui::ScrollArea::vertical().show(ui, |ui| {
            for c in report.failed() {
                ui.label(
                    RichText::new(app.lang.pick(&c.hint_zh, &c.hint_en))
                        .size(30.0)
                        .strong(),
                );
                ui.label(RichText::new(c.id.as_str()).size(18.0).color(theme::MUTED));
            }
        });
    }
    if to_drafts {
        app.go(Page::Drafts);
    } else if retake {
        app.go(if locked { Page::Locked } else { Page::Framing });
    }
}

pub fn locked_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::LockedTitle);
    let mut done = false;
    super::bottom_bar(ui, |ui| {
        (_, done) = super::nav_ui(ui, None, t(app, T::StartOver), true);
    });
    let lock = lock_of(app);
    ui.vertical_centered(|ui| {
        ui.add_space(80.0);
        ui.label(RichText::new("🔒").size(100.0).color(theme::BAD));
        let text = match lock {
            Some(Lock::Until(until)) => {
                let local = until
                    .with_timezone(&chrono::Local)
                    .format("%H:%M")
                    .to_string();
                i18n::locked_until(app.lang, &local)
            }
            _ => t(app, T::LockedTeacher).to_string(),
        };
        ui.label(RichText::new(text).size(44.0).strong());
    });
    if lock.is_none() && app.walk.is_some() {
        app.go(Page::Framing);
    } else if done {
        app.reset_student();
    }
}
