//! Framing: the live, mirrored preview with the guide overlay drawn from the `[photo]` spec (head
//! oval, eye line, shoulder line) and the live check's list (SPEC §2 step 6): a tick or a cross
//! per rule, the failing one first with its hint in large type, and the shutter saying when every
//! rule has held. The list is [`crate::live::Steady`]'s; this screen only draws it. Also the shared
//! live-picture helper.

use super::super::app::{KioskApp, screen, t};
use super::super::i18n::{self, T};
use super::super::{theme, widgets};
use crate::camera::CameraStatus;
use crate::config::PhotoConfig;
use crate::flow::{Event, Screen};
use eframe::egui::{self, RichText};

/// Draws the newest camera frame into `size` (keeping its aspect ratio), mirrored if asked, and
/// returns where it went; `None` (and a grey box) while no frame has arrived. While the watchdog
/// reconnects a lost camera, or a camera is still opening, it says so over the dimmed picture and
/// returns `None` too: a frozen last frame must not look live, nor get the framing guide drawn
/// over it.
pub fn live_ui(
    app: &mut KioskApp,
    ui: &mut egui::Ui,
    size: egui::Vec2,
    mirrored: bool,
) -> Option<egui::Rect> {
    let (rect, has_frame) = live_picture_ui(app, ui, size, mirrored);
    let notice = match app.camera.as_ref().map(|c| c.status()) {
        Some(CameraStatus::Disconnected { .. }) => Some(T::CameraLost),
        Some(CameraStatus::Starting) => Some(T::CameraOpening),
        _ => None,
    };
    if let Some(key) = notice {
        ui.painter()
            .rect_filled(rect, 0.0, egui::Color32::from_black_alpha(190));
        // A label, not painted text: it is in the accessibility tree, so tests see it too.
        ui.put(
            rect,
            egui::Label::new(
                RichText::new(t(app, key))
                    .size(34.0)
                    .strong()
                    .color(egui::Color32::WHITE),
            ),
        );
    }
    (has_frame && notice.is_none()).then_some(rect)
}

/// The picture itself: where it went, and whether there was a frame to show.
fn live_picture_ui(
    app: &mut KioskApp,
    ui: &mut egui::Ui,
    size: egui::Vec2,
    mirrored: bool,
) -> (egui::Rect, bool) {
    let ctx = ui.ctx().clone();
    match app.live_texture(&ctx) {
        Some((tex, _)) => {
            let ts = tex.size_vec2();
            let scale = (size.x / ts.x).min(size.y / ts.y);
            let (rect, _) = ui.allocate_exact_size(ts * scale, egui::Sense::hover());
            let uv = if mirrored {
                egui::Rect::from_min_max(egui::pos2(1.0, 0.0), egui::pos2(0.0, 1.0))
            } else {
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0))
            };
            ui.painter().image(tex.id(), rect, uv, egui::Color32::WHITE);
            (rect, true)
        }
        None => {
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 8.0, egui::Color32::from_gray(60));
            (rect, false)
        }
    }
}

/// Where the standard photo's crop lies in a picture of `frame` size shown in `shown` (the same
/// centred crop the photo is made from).
fn photo_rect(shown: egui::Rect, spec: &PhotoConfig) -> egui::Rect {
    let aspect = spec.width as f32 / spec.height as f32;
    let h = shown.height();
    let w = (h * aspect).min(shown.width());
    egui::Rect::from_center_size(shown.center(), egui::vec2(w, w / aspect))
}

/// The overlay of SPEC §5: head top band, eye line band, face width, shoulders.
pub fn overlay(p: &egui::Painter, shown: egui::Rect, spec: &PhotoConfig) {
    let r = photo_rect(shown, spec);
    let sy = r.height() / spec.height as f32;
    let sx = r.width() / spec.width as f32;
    let dim = egui::Color32::from_black_alpha(110);
    // Darken what falls outside the photo.
    p.rect_filled(
        egui::Rect::from_min_max(shown.min, egui::pos2(r.left(), shown.bottom())),
        0.0,
        dim,
    );
    p.rect_filled(
        egui::Rect::from_min_max(egui::pos2(r.right(), shown.top()), shown.max),
        0.0,
        dim,
    );
    let head_top = r.top() + (spec.head_top_min + spec.head_top_max) as f32 / 2.0 * sy;
    let eye = r.top() + (spec.eye_line_min + spec.eye_line_max) as f32 / 2.0 * sy;
    let face_w = (spec.face_width_min + spec.face_width_max) as f32 / 2.0 * sx;
    // Eyes sit about half-way down the head: the oval runs from the head top to the chin, as far
    // below the eye line as the head top is above it.
    let half_h = (eye - head_top) * 0.95;
    let centre = egui::pos2(r.center().x, head_top + half_h);
    let green = egui::Stroke::new(4.0, egui::Color32::from_rgb(0x2e, 0xcc, 0x71));
    p.add(egui::Shape::ellipse_stroke(
        centre,
        egui::vec2(face_w / 2.0, half_h),
        green,
    ));
    let eye_band = egui::Rect::from_min_max(
        egui::pos2(r.left(), r.top() + spec.eye_line_min as f32 * sy),
        egui::pos2(r.right(), r.top() + spec.eye_line_max as f32 * sy),
    );
    p.rect_filled(
        eye_band,
        0.0,
        egui::Color32::from_rgba_unmultiplied(46, 204, 113, 30),
    );
    p.line_segment(
        [egui::pos2(r.left(), eye), egui::pos2(r.right(), eye)],
        egui::Stroke::new(2.0, egui::Color32::WHITE),
    );
    // Shoulders sit about a third of a head below the chin.
    let shoulder = (centre.y + half_h * 1.7).min(r.bottom() - 4.0);
    let sh = egui::Stroke::new(3.0, egui::Color32::from_rgb(0xf1, 0xc4, 0x0f));
    p.line_segment(
        [
            egui::pos2(r.left() + r.width() * 0.08, shoulder),
            egui::pos2(r.right() - r.width() * 0.08, shoulder),
        ],
        sh,
    );
    p.rect_stroke(
        r,
        0.0,
        egui::Stroke::new(2.0, egui::Color32::WHITE),
        egui::StrokeKind::Inside,
    );
}

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::FramingTitle);
    let gate = match screen(app) {
        Screen::Framing(g) => g,
        _ => return,
    };
    let measured = app.live_check();
    let ready = measured && app.live_ready();
    let can = gate.open() && app.camera_live();
    let auto = app.config.live.auto_shutter;
    let (mut back, mut shoot, mut drafts) = (false, false, false);
    super::bottom_bar(ui, |ui| {
        ui.horizontal(|ui| {
            back = widgets::big_button_ui(ui, t(app, T::Quit), true).clicked();
            drafts = widgets::big_button_ui(ui, t(app, T::OpenDraftBox), true).clicked();
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                shoot = widgets::primary_button_ui(ui, t(app, T::Shoot), can).clicked();
                // The shutter says when every rule has held; before that it still works (the
                // full check judges the shot either way).
                if ready && can {
                    let key = if auto { T::LiveAutoShot } else { T::LiveReady };
                    ui.label(
                        RichText::new(t(app, key))
                            .size(28.0)
                            .strong()
                            .color(theme::GOOD),
                    );
                }
            });
        });
    });
    let avail = ui.available_size();
    let spec = app.config.photo.clone();
    ui.horizontal_top(|ui| {
        let size = egui::vec2(avail.x * 0.62, avail.y);
        if let Some(rect) = live_ui(app, ui, size, true) {
            overlay(ui.painter(), rect, &spec);
        }
        ui.vertical(|ui| {
            if let Some(why) = &gate.blocked {
                ui.label(
                    RichText::new(i18n::refusal(app.lang, why))
                        .size(32.0)
                        .strong()
                        .color(theme::BAD),
                );
            }
            if app.views.shot_failed.is_some() {
                ui.label(
                    RichText::new(t(app, T::ShotFailed))
                        .size(28.0)
                        .strong()
                        .color(theme::BAD),
                );
            }
            super::refusal_ui(app, ui);
            live_list_ui(app, ui, measured);
        });
    });
    if back || drafts {
        // Back on framing later, the list starts again: no tick carried over from before.
        app.clear_live();
    }
    if back {
        app.send(Event::Quit);
    } else if drafts {
        app.send(Event::OpenDraftBox);
    } else if shoot || (auto && ready && can) {
        app.clear_live();
        app.send(Event::Shoot);
    }
}

/// The live list: the first failing rule's hint in large type, then every rule with its tick or
/// cross, failing ones first. While nothing is measured yet, the written guide.
fn live_list_ui(app: &KioskApp, ui: &mut egui::Ui, measured: bool) {
    let rows = app.steady.rows();
    if !measured || rows.is_empty() {
        ui.label(
            RichText::new(t(app, T::LiveMeasuring))
                .size(32.0)
                .strong()
                .color(theme::MUTED),
        );
        ui.add_space(16.0);
        for k in [T::GuideStep1, T::GuideStep2, T::GuideStep3] {
            ui.label(RichText::new(t(app, k)).size(24.0));
        }
        return;
    }
    match rows.first().filter(|r| !r.passed) {
        Some(first) => {
            ui.label(
                RichText::new(app.lang.pick(&first.hint_zh, &first.hint_en))
                    .size(34.0)
                    .strong()
                    .color(theme::BAD),
            );
        }
        // "Ready" is the shutter's to say, beside the button.
        None => {
            ui.label(
                RichText::new(t(app, T::LiveHolding))
                    .size(34.0)
                    .strong()
                    .color(theme::GOOD),
            );
        }
    }
    ui.add_space(12.0);
    for r in &rows {
        let (mark, color) = if r.passed {
            ("✔", theme::GOOD)
        } else {
            ("✖", theme::BAD)
        };
        ui.label(
            RichText::new(format!("{mark} {}", i18n::rule_name(app.lang, r.rule)))
                .size(24.0)
                .color(color),
        );
    }
}
