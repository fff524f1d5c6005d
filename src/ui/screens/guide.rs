//! The shooting guide: four animated frames, two seconds each. Next is enabled only after the
//! guide has played to the end once for this student.

use super::super::app::{KioskApp, screen, t};
use super::super::i18n::T;
use super::super::{theme, widgets};
use crate::flow::{Event, Screen};
use eframe::egui::{self, RichText};

const STEP_SECONDS: i64 = 2;
const STEPS: [T; 4] = [T::GuideStep1, T::GuideStep2, T::GuideStep3, T::GuideStep4];

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::GuideTitle);
    let now = app.now();
    let started = *app.views.guide_started.get_or_insert(now);
    let elapsed_ms = (app.now() - started).num_milliseconds().max(0);
    let total_ms = STEP_SECONDS * 1000 * STEPS.len() as i64;
    let played = matches!(screen(app), Screen::Guide { watched: true });
    if elapsed_ms >= total_ms && !played {
        app.send(Event::GuidePlayed);
    }
    let step = ((elapsed_ms / (STEP_SECONDS * 1000)) as usize).min(STEPS.len() - 1);
    if elapsed_ms < total_ms {
        // The animation's frames: the window repaints only on input otherwise (issue 23).
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(40));
    }
    let (mut back, mut next, mut replay) = (false, false, false);
    super::bottom_bar(ui, |ui| {
        if !played {
            ui.label(RichText::new(t(app, T::GuideWatch)).color(theme::MUTED));
        }
        ui.horizontal(|ui| {
            back = widgets::big_button_ui(ui, t(app, T::Quit), true).clicked();
            replay = widgets::big_button_ui(ui, t(app, T::GuideReplay), elapsed_ms >= total_ms)
                .clicked();
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                next = widgets::primary_button_ui(ui, t(app, T::Next), played).clicked();
            });
        });
    });
    ui.vertical_centered(|ui| {
        let h = (ui.available_height() - 120.0).max(200.0);
        let (rect, _) = ui.allocate_exact_size(egui::vec2(h * 0.75, h), egui::Sense::hover());
        draw_frame(ui.painter(), rect, step, elapsed_ms);
        ui.label(
            RichText::new(format!(
                "{} / {}  {}",
                step + 1,
                STEPS.len(),
                t(app, STEPS[step])
            ))
            .size(34.0),
        );
        ui.add(
            egui::ProgressBar::new((elapsed_ms as f32 / total_ms as f32).min(1.0))
                .desired_width(h * 0.75),
        );
    });
    if back {
        app.send(Event::Quit);
    } else if replay {
        app.views.guide_started = Some(now);
    } else if next {
        app.send(Event::Next);
    }
}

/// A drawn figure acting out the step (the guide's "video").
fn draw_frame(p: &egui::Painter, r: egui::Rect, step: usize, ms: i64) {
    // The shoulders run out of the picture like in a photo, not over the caption below it.
    let p = &p.with_clip_rect(r);
    p.rect_filled(r, 12.0, egui::Color32::from_rgb(0xdc, 0xe9, 0xf7));
    let c = r.center();
    let s = r.width();
    let skin = egui::Color32::from_rgb(0xf1, 0xc2, 0x9b);
    let shirt = egui::Color32::from_rgb(0x44, 0x44, 0x4c);
    // Sway to show "sit straight" becoming straight.
    let phase = (ms % 2000) as f32 / 2000.0;
    let tilt = if step == 0 {
        (1.0 - phase) * 0.12 * s
    } else {
        0.0
    };
    let head = egui::pos2(c.x + tilt * 0.3, r.top() + s * 0.45);
    p.rect_filled(
        egui::Rect::from_center_size(
            egui::pos2(c.x, r.bottom() - s * 0.2),
            egui::vec2(s * 0.8, s * 0.45),
        ),
        40.0,
        shirt,
    );
    p.circle_filled(head, s * 0.2, skin);
    let eye_y = head.y - s * 0.02;
    let open = !(step == 3 && phase > 0.45 && phase < 0.6);
    for dx in [-0.07, 0.07] {
        let e = egui::pos2(head.x + dx * s, eye_y);
        if open {
            p.circle_filled(e, s * 0.018, egui::Color32::BLACK);
        } else {
            p.line_segment(
                [e - egui::vec2(s * 0.02, 0.0), e + egui::vec2(s * 0.02, 0.0)],
                egui::Stroke::new(3.0, egui::Color32::BLACK),
            );
        }
    }
    p.line_segment(
        [
            egui::pos2(head.x - s * 0.04, head.y + s * 0.09),
            egui::pos2(head.x + s * 0.04, head.y + s * 0.09),
        ],
        egui::Stroke::new(3.0, egui::Color32::from_rgb(0x9c, 0x4a, 0x3c)),
    );
    if step >= 1 {
        let guide = egui::Stroke::new(4.0, theme::GOOD);
        p.add(egui::Shape::ellipse_stroke(
            c_at(head),
            egui::vec2(s * 0.24, s * 0.3),
            guide,
        ));
        p.line_segment(
            [
                egui::pos2(r.left() + 10.0, eye_y),
                egui::pos2(r.right() - 10.0, eye_y),
            ],
            guide,
        );
    }
}

fn c_at(p: egui::Pos2) -> egui::Pos2 {
    p
}
