//! The shoot step (countdown, then the shot and the burst on a thread) and the preview of the
//! shot: retake or make the photo.

use super::super::app::{KioskApp, screen, t};
use super::super::i18n::T;
use super::super::{theme, widgets};
use super::framing::{live_ui, overlay};
use crate::flow::{Event, Screen};
use eframe::egui::{self, RichText};

pub fn countdown_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::FramingTitle);
    let (seconds, burst_frames, burst_interval_ms) = match screen(app) {
        Screen::Shoot {
            countdown_seconds,
            burst_frames,
            burst_interval_ms,
        } => (countdown_seconds, burst_frames, burst_interval_ms),
        _ => return,
    };
    let now = app.now();
    let started = *app.views.countdown_started.get_or_insert(now);
    let left_ms = i64::from(seconds) * 1000 - (now - started).num_milliseconds();
    if left_ms <= 0 && app.capture_job.is_none() && app.shot.is_none() {
        app.start_capture(burst_frames, burst_interval_ms);
    }
    let avail = ui.available_size();
    let spec = app.config.photo.clone();
    if let Some(rect) = live_ui(app, ui, avail, true) {
        overlay(ui.painter(), rect, &spec);
        let text = if left_ms > 0 {
            format!("{}", (left_ms + 999) / 1000)
        } else {
            t(app, T::BlinkNow).to_string()
        };
        // A dark disc behind the number: white digits alone vanish on a white shirt or wall.
        ui.painter()
            .circle_filled(rect.center(), 110.0, egui::Color32::from_black_alpha(120));
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            text,
            egui::FontId::proportional(150.0),
            egui::Color32::from_rgba_unmultiplied(255, 255, 255, 230),
        );
    }
}

pub fn preview_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::PreviewTitle);
    let (mut retake, mut make) = (false, false);
    super::bottom_bar(ui, |ui| {
        ui.label(
            RichText::new(t(app, T::PreviewHow))
                .size(26.0)
                .color(theme::MUTED),
        );
        (retake, make) = super::nav_ui(
            ui,
            Some(t(app, T::Retake)),
            t(app, T::MakePhoto),
            app.shot.is_some(),
        );
    });
    let ctx = ui.ctx().clone();
    let tex = match (
        app.textures.get("student/shot").cloned(),
        app.shot.as_ref().map(|s| s.capture.clone()),
    ) {
        (Some(t), _) => Some(t),
        (None, Some(img)) => Some(app.texture(&ctx, "student/shot", &img)),
        _ => None,
    };
    ui.vertical_centered(|ui| match tex {
        Some(tex) => {
            let avail = ui.available_size();
            let ts = tex.size_vec2();
            let scale = (avail.x / ts.x).min(avail.y / ts.y);
            let (rect, _) = ui.allocate_exact_size(ts * scale, egui::Sense::hover());
            // Mirrored like the framing preview, so the student sees what they saw.
            ui.painter().image(
                tex.id(),
                rect,
                egui::Rect::from_min_max(egui::pos2(1.0, 0.0), egui::pos2(0.0, 1.0)),
                egui::Color32::WHITE,
            );
        }
        None => {
            ui.label(RichText::new("…").size(60.0).color(theme::MUTED));
        }
    });
    if retake {
        app.send(Event::Retake);
    } else if make {
        app.send(Event::MakePhoto);
    }
}
