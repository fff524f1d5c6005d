//! Sessions tab: the open sessions with a switch between them and Close on the current one, and
//! a new session from class, place and operator (the class typed or tapped from the classes on
//! the rosters imported so far). Opening and closing are the store's and the flow's calls.

use super::super::super::app::{KioskApp, t};
use super::super::super::i18n::{self, T};
use super::super::super::{theme, widgets};
use crate::store::SessionId;
use eframe::egui::{self, RichText};

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let sessions = match app.admin.sessions() {
        Ok(s) => s,
        Err(e) => {
            ui.label(RichText::new(e.to_string()).color(theme::BAD));
            return;
        }
    };
    let current = app.session();
    let mut switch: Option<SessionId> = None;
    let mut close: Option<(SessionId, String)> = None;
    let height = ui.available_height();
    // Open sessions on the left, a new one on the right: both fit a 1280×800 screen.
    ui.horizontal_top(|ui| {
        ui.allocate_ui_with_layout(
            egui::vec2(600.0, height),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                ui.set_width(600.0);
                egui::ScrollArea::vertical()
                    .id_salt("sessions")
                    .max_height(height)
                    .show(ui, |ui| {
                        ui.label(
                            RichText::new(t(app, T::OpenSessions))
                                .size(24.0)
                                .color(theme::MUTED),
                        );
                        for s in sessions.iter().filter(|s| s.is_open()) {
                            let is_current = current == Some(s.id);
                            ui.label(
                                RichText::new(format!(
                                    "#{} {} · {} · {} · {}",
                                    s.id.0,
                                    s.class_name,
                                    s.place,
                                    s.operator,
                                    i18n::students_count(lang, s.students)
                                ))
                                .size(24.0)
                                .strong(),
                            );
                            ui.horizontal(|ui| {
                                if is_current {
                                    ui.label(
                                        RichText::new(t(app, T::CurrentSession))
                                            .size(24.0)
                                            .color(theme::GOOD),
                                    );
                                    if widgets::big_button_ui(ui, t(app, T::CloseSession), true)
                                        .clicked()
                                    {
                                        close = Some((s.id, s.operator.clone()));
                                    }
                                } else if widgets::big_button_ui(ui, t(app, T::SwitchSession), true)
                                    .clicked()
                                {
                                    switch = Some(s.id);
                                }
                            });
                            ui.separator();
                        }
                    });
            },
        );
        ui.add_space(16.0);
        ui.vertical(|ui| new_session_ui(app, ui));
    });
    if let Some(id) = switch {
        app.flow.set_session(Some(id));
        super::audit(app, "session.switch", "");
        app.teacher.message = Some(format!("✔ #{}", id.0));
    }
    if let Some((id, session_operator)) = close {
        let op = match app.teacher.operator.trim() {
            "" => session_operator,
            o => o.to_string(),
        };
        app.teacher.message = Some(match app.flow.close_session(&op, id) {
            Ok(effects) => {
                app.apply(effects);
                format!("✔ #{}", id.0)
            }
            Err(e) => e.to_string(),
        });
        app.flow.set_session(None);
    }
}

fn new_session_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    ui.label(
        RichText::new(t(app, T::NewSession))
            .size(24.0)
            .color(theme::MUTED),
    );
    // The classes on the rosters: a tap fills the field instead of typing Chinese on a kiosk.
    let classes = app.admin.roster_classes().unwrap_or_default();
    let v = &mut app.teacher;
    ui.vertical(|ui| {
        egui::Grid::new("open")
            .spacing(egui::vec2(20.0, 14.0))
            .show(ui, |ui| {
                for (label, field) in [
                    (T::ClassField, &mut v.class_name),
                    (T::PlaceField, &mut v.place),
                    (T::OperatorField, &mut v.operator),
                ] {
                    ui.label(RichText::new(i18n::tr(lang, label)).size(24.0));
                    // A fixed size: in a column beside the sessions the grid would otherwise
                    // shrink the field to its empty content.
                    ui.add_sized(
                        [400.0, 48.0],
                        egui::TextEdit::singleline(field).font(egui::FontId::proportional(26.0)),
                    );
                    ui.end_row();
                }
            });
        if !classes.is_empty() {
            ui.vertical(|ui| {
                ui.label(RichText::new(i18n::tr(lang, T::RosterClasses)).size(20.0));
                egui::ScrollArea::vertical()
                    .id_salt("classes")
                    .max_height(150.0)
                    .show(ui, |ui| {
                        ui.horizontal_wrapped(|ui| {
                            for c in &classes {
                                let b = egui::Button::selectable(
                                    v.class_name == *c,
                                    RichText::new(c).size(24.0),
                                )
                                .min_size(egui::vec2(0.0, 52.0));
                                if ui.add(b).clicked() {
                                    v.class_name = c.clone();
                                }
                            }
                        });
                    });
            });
        }
    });
    let v = &app.teacher;
    let ready = [&v.class_name, &v.place, &v.operator]
        .iter()
        .all(|f| !f.trim().is_empty());
    if widgets::primary_button_ui(ui, t(app, T::OpenSession), ready).clicked() {
        let now = app.now();
        let (c, p, o) = (v.class_name.clone(), v.place.clone(), v.operator.clone());
        match app.admin.open_session(&c, &p, &o, now) {
            Ok(id) => {
                app.flow.set_session(Some(id));
                app.teacher.class_name.clear();
                app.teacher.message = Some(format!("✔ #{} {c}", id.0));
            }
            Err(e) => app.teacher.message = Some(e.to_string()),
        }
    }
}
