//! Sessions tab: the open sessions with a switch between them and Close on the current one, and
//! a new session from class, place and operator (the class typed or tapped from the classes on
//! the rosters imported so far). Opening and closing are the store's and the flow's calls.
//!
//! The kiosk has no keyboard for the teacher: tapping a field shows the on-screen keyboard
//! (`ui::keyboard`) for it, in place of the open sessions, until Done. The fields stay text
//! edits, so a keyboard plugged in types into them too.

use super::super::super::app::{KioskApp, t};
use super::super::super::i18n::{self, T};
use super::super::super::{keyboard, theme, widgets};
use super::TeacherView;
use crate::ime::Composer;
use crate::store::SessionId;
use eframe::egui::{self, RichText};

/// A field of the new session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Class,
    Place,
    Operator,
}

impl Field {
    const ALL: [Field; 3] = [Field::Class, Field::Place, Field::Operator];

    fn label(self) -> T {
        match self {
            Field::Class => T::ClassField,
            Field::Place => T::PlaceField,
            Field::Operator => T::OperatorField,
        }
    }

    fn text(self, v: &mut TeacherView) -> &mut String {
        match self {
            Field::Class => &mut v.class_name,
            Field::Place => &mut v.place,
            Field::Operator => &mut v.operator,
        }
    }
}

/// The field the on-screen keyboard types into and its composition (pinyin, mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typing {
    pub field: Field,
    pub composer: Composer,
}

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    if app.teacher.typing.is_some() {
        typing_ui(app, ui);
        return;
    }
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
    let mut tapped = None;
    let v = &mut app.teacher;
    egui::Grid::new("open")
        .spacing(egui::vec2(20.0, 14.0))
        .show(ui, |ui| {
            for field in Field::ALL {
                if field_ui(ui, lang, field, field.text(v), false, 400.0) {
                    tapped = Some(field);
                }
                ui.end_row();
            }
        });
    classes_ui(app, ui, 150.0);
    open_session_ui(app, ui);
    if let Some(field) = tapped {
        app.teacher.typing = Some(Typing {
            field,
            composer: Composer::default(),
        });
    }
}

/// The three fields in a row, the keyboard for the tapped one below, and beside it the
/// roster's classes and Open: all of it fits the 1280×800 teacher screen.
fn typing_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let mut tapped = None;
    let v = &mut app.teacher;
    let active = v.typing.as_ref().map(|t| t.field);
    ui.horizontal(|ui| {
        for field in Field::ALL {
            if field_ui(ui, lang, field, field.text(v), active == Some(field), 250.0) {
                tapped = Some(field);
            }
            ui.add_space(12.0);
        }
    });
    ui.add_space(12.0);
    let mut done = false;
    ui.horizontal_top(|ui| {
        let v = &mut app.teacher;
        if let Some(mut typing) = v.typing.take() {
            done = keyboard::keyboard_ui(ui, lang, &mut typing.composer, typing.field.text(v));
            v.typing = Some(typing);
        }
        ui.add_space(16.0);
        ui.vertical(|ui| {
            classes_ui(app, ui, keyboard::SIZE.y - 100.0);
            open_session_ui(app, ui);
        });
    });
    let v = &mut app.teacher;
    if done {
        v.typing = None;
    } else if let (Some(field), Some(typing)) = (tapped, v.typing.as_mut()) {
        // Another field: pending pinyin belonged to the old one; the mode carries over.
        if typing.field != field {
            typing.field = field;
            typing.composer.clear_pinyin();
        }
    }
}

/// A field's name (a tap target like the field itself) and its text edit. Returns true when
/// either was tapped.
fn field_ui(
    ui: &mut egui::Ui,
    lang: i18n::Lang,
    field: Field,
    text: &mut String,
    active: bool,
    width: f32,
) -> bool {
    let name = ui.add(egui::Button::selectable(
        active,
        RichText::new(i18n::tr(lang, field.label())).size(24.0),
    ));
    // A fixed size: in a column beside the sessions the grid would otherwise shrink the field to
    // its empty content.
    let edit = ui.add_sized(
        [width, 48.0],
        egui::TextEdit::singleline(text)
            // Its own id: the field keeps a plugged-in keyboard's focus when the tap that gave
            // it focus also moves it into the keyboard layout.
            .id(egui::Id::unique(("session field", field)))
            .font(egui::FontId::proportional(26.0))
            .hint_text(RichText::new(i18n::tr(lang, T::KbTapField)).size(20.0)),
    );
    if active {
        // The field the keys go into, marked like the keyboard's pinyin box.
        ui.painter().rect_stroke(
            edit.rect.expand(2.0),
            4.0,
            egui::Stroke::new(2.0, theme::ACCENT),
            egui::StrokeKind::Outside,
        );
    }
    name.clicked() || edit.clicked() || edit.gained_focus()
}

/// The classes on the rosters: a tap fills the class field instead of typing it.
fn classes_ui(app: &mut KioskApp, ui: &mut egui::Ui, max_height: f32) {
    let classes = app.admin.roster_classes().unwrap_or_default();
    if classes.is_empty() {
        return;
    }
    let lang = app.lang;
    let v = &mut app.teacher;
    ui.vertical(|ui| {
        ui.label(RichText::new(i18n::tr(lang, T::RosterClasses)).size(20.0));
        egui::ScrollArea::vertical()
            .id_salt("classes")
            .max_height(max_height)
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

fn open_session_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
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
                app.teacher.typing = None;
                app.teacher.message = Some(format!("✔ #{} {c}", id.0));
            }
            Err(e) => app.teacher.message = Some(e.to_string()),
        }
    }
}
