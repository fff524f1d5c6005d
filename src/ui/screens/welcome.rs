//! Welcome / scan: the live camera with the scan area, the USB scanner (typed input is handled by
//! the app on this page), "no code? how to get one", the help contact, and the teacher entry.

use super::super::app::{KioskApp, PinPurpose, t};
use super::super::i18n::T;
use super::super::{theme, widgets};
use super::framing::live_ui;
use eframe::egui::{self, RichText};

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::Title);
    super::bottom_bar(ui, |ui| {
        ui.horizontal(|ui| {
            let label = if app.views.no_code_open {
                t(app, T::Back)
            } else {
                t(app, T::NoCode)
            };
            if widgets::big_button_ui(ui, label, true).clicked() {
                app.views.no_code_open = !app.views.no_code_open;
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .add(
                        egui::Button::new(RichText::new(t(app, T::TeacherButton)).size(22.0))
                            .min_size(egui::vec2(120.0, 56.0)),
                    )
                    .clicked()
                {
                    app.open_pin(PinPurpose::Teacher);
                }
            });
        });
    });
    let avail = ui.available_size();
    ui.horizontal_top(|ui| {
        let cam_w = (avail.x * 0.55).min(avail.y * 4.0 / 3.0);
        ui.vertical(|ui| {
            let rect = live_ui(app, ui, egui::vec2(cam_w, cam_w * 0.75), false);
            if let Some(rect) = rect {
                // The scan area: a square in the middle of the picture.
                let side = rect.height() * 0.6;
                let area = egui::Rect::from_center_size(rect.center(), egui::vec2(side, side));
                ui.painter().rect_stroke(
                    area,
                    12.0,
                    egui::Stroke::new(5.0, egui::Color32::from_rgb(0x2e, 0xcc, 0x71)),
                    egui::StrokeKind::Middle,
                );
                let label = ui.painter().layout_no_wrap(
                    t(app, T::ScanArea).to_string(),
                    egui::FontId::proportional(22.0),
                    egui::Color32::WHITE,
                );
                let pos = area.center_bottom() + egui::vec2(-label.size().x / 2.0, 8.0);
                ui.painter().rect_filled(
                    egui::Rect::from_min_size(pos, label.size()).expand(6.0),
                    6.0,
                    egui::Color32::from_black_alpha(170),
                );
                ui.painter().galley(pos, label, egui::Color32::WHITE);
            }
        });
        ui.vertical(|ui| {
            ui.set_max_width(avail.x - cam_w - 30.0);
            if app.views.no_code_open {
                ui.label(RichText::new(t(app, T::NoCodeTitle)).size(30.0).strong());
                for k in [T::NoCodeWechat, T::NoCodeApp, T::NoCodeWeb] {
                    ui.label(RichText::new(t(app, k)).size(22.0));
                }
            } else {
                ui.label(RichText::new(t(app, T::ScanTitle)).size(38.0).strong());
                ui.label(RichText::new(t(app, T::ScanHint)).size(26.0));
                if app.session().is_none() {
                    ui.label(
                        RichText::new(t(app, T::NoSession))
                            .size(26.0)
                            .color(theme::BAD),
                    );
                }
                super::refusal_ui(app, ui);
                if app.flow.timed_out() && app.flow.last_refusal().is_none() {
                    ui.label(
                        RichText::new(t(app, T::TimedOut))
                            .size(22.0)
                            .color(theme::MUTED),
                    );
                }
                if let Some((zh, en)) = &app.views.scan_message {
                    let msg = app.lang.pick(zh, en);
                    ui.label(RichText::new(msg).size(28.0).color(theme::BAD).strong());
                }
            }
            // Demo mode says what the demo camera will do, so a first look knows what to expect.
            if app.demo_camera.is_some() {
                ui.add_space(12.0);
                ui.label(
                    RichText::new(t(app, T::DemoWelcome))
                        .size(20.0)
                        .color(theme::MUTED),
                );
            }
            ui.add_space(20.0);
            ui.separator();
            ui.label(
                RichText::new(t(app, T::HelpTitle))
                    .size(24.0)
                    .color(theme::MUTED),
            );
            let h = &app.config.help;
            ui.label(
                RichText::new(format!("{}  ·  {}  ·  {}", h.teacher, h.office, h.phone)).size(24.0),
            );
        });
    });
}
