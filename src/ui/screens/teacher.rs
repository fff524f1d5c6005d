//! Teacher mode behind the PIN: session, roster import, progress board with the actions on the
//! current student (unlock, lift lock, allow retake, delete draft, fee state), the audit log, and
//! leaving the kiosk. The PIN prompt persists its lockout through the store.

use super::super::app::{KioskApp, Page, PinPurpose, t};
use super::super::i18n::{self, T};
use super::super::{theme, widgets};
use crate::config::FeeState;
use crate::store::NewAudit;
use eframe::egui::{self, RichText};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Board,
    Session,
    Roster,
    Audit,
}

/// View state of teacher mode.
#[derive(Debug, Default)]
pub struct TeacherView {
    pub tab: Tab,
    pub class_name: String,
    pub place: String,
    pub operator: String,
    pub roster_path: String,
    pub message: Option<String>,
}

pub fn pin_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::PinTitle);
    let mut cancel = false;
    let mut ok = false;
    super::bottom_bar(ui, |ui| {
        (cancel, ok) = super::nav_ui(
            ui,
            Some(t(app, T::Cancel)),
            t(app, T::Ok),
            app.views.pin.len() >= 4,
        );
    });
    ui.vertical_centered(|ui| {
        let dots: String = "●".repeat(app.views.pin.len());
        widgets::digits_display_ui(ui, &dots, 300.0);
        if let Some(m) = &app.views.pin_message {
            ui.label(RichText::new(m).size(26.0).color(theme::BAD));
        }
        ui.allocate_ui(egui::vec2(420.0, 420.0), |ui| {
            if widgets::keypad_ui(ui, app.lang, &mut app.views.pin, 12) {
                ok = app.views.pin.len() >= 4;
            }
        });
    });
    if cancel {
        app.views.pin.clear();
        app.go(if app.walk.is_some() {
            Page::Locked
        } else {
            Page::Welcome
        });
        if app.walk.is_none() {
            app.reset_student();
        }
    } else if ok {
        try_pin(app, ui.ctx());
    }
}

fn try_pin(app: &mut KioskApp, ctx: &egui::Context) {
    let now = app.now();
    let pin = std::mem::take(&mut app.views.pin);
    let hash = app.config.teacher.pin_hash.clone();
    let correct = match crate::pin::verify_pin(&hash, &pin) {
        Ok(c) => c,
        Err(_) => {
            app.views.pin_message = Some(t(app, T::PinNotSet).into());
            return;
        }
    };
    let mut lockout = app
        .store
        .as_ref()
        .and_then(|s| s.pin_lockout().ok())
        .unwrap_or_default();
    let outcome = lockout.attempt(
        correct,
        now,
        app.config.teacher.pin_max_tries,
        app.config.teacher.pin_lock_minutes,
    );
    if let Some(store) = app.store.as_mut() {
        let _ = store.set_pin_lockout(&lockout);
    }
    match outcome {
        crate::pin::PinOutcome::Accepted => match app.views.pin_purpose {
            Some(PinPurpose::Leave) => {
                audit(app, "kiosk.leave", "");
                app.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            _ => {
                audit(app, "teacher.enter", "");
                app.go(Page::Teacher);
            }
        },
        crate::pin::PinOutcome::Wrong { tries_left } => {
            app.views.pin_message = Some(i18n::pin_tries_left(app.lang, tries_left));
        }
        crate::pin::PinOutcome::Locked { .. } => {
            app.views.pin_message = Some(t(app, T::PinLocked).into());
        }
    }
}

fn audit(app: &mut KioskApp, action: &str, detail: &str) {
    let now = app.now();
    let operator = if app.views.teacher.operator.is_empty() {
        "teacher".to_string()
    } else {
        app.views.teacher.operator.clone()
    };
    let mut line = NewAudit::teacher(&operator, action).detail(detail);
    if let Some(s) = app.session {
        line = line.session(s);
    }
    if let Some(w) = &app.walk {
        line = line.student(w.student.id);
    }
    if let Some(store) = app.store.as_mut()
        && let Err(e) = store.audit(&line, now)
    {
        app.views.teacher.message = Some(e.to_string());
    }
}

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::TeacherTitle);
    let (mut back, mut leave) = (false, false);
    super::bottom_bar(ui, |ui| {
        if let Some(m) = &app.views.teacher.message {
            ui.label(RichText::new(m).size(22.0).color(theme::ACCENT));
        }
        ui.horizontal(|ui| {
            leave = widgets::big_button_ui(ui, t(app, T::LeaveKiosk), true).clicked();
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                back = widgets::primary_button_ui(ui, t(app, T::BackToStudents), true).clicked();
            });
        });
    });
    ui.horizontal(|ui| {
        for (tab, label) in [
            (Tab::Board, T::TabBoard),
            (Tab::Session, T::TabSession),
            (Tab::Roster, T::TabRoster),
            (Tab::Audit, T::TabAudit),
        ] {
            if ui
                .add(
                    egui::Button::selectable(
                        app.views.teacher.tab == tab,
                        RichText::new(t(app, label)).size(28.0),
                    )
                    .min_size(egui::vec2(160.0, 60.0)),
                )
                .clicked()
            {
                app.views.teacher.tab = tab;
            }
        }
    });
    ui.separator();
    match app.views.teacher.tab {
        Tab::Board => board_ui(app, ui),
        Tab::Session => session_ui(app, ui),
        Tab::Roster => roster_ui(app, ui),
        Tab::Audit => audit_ui(app, ui),
    }
    if leave {
        app.views.pin_purpose = Some(PinPurpose::Leave);
        audit(app, "kiosk.leave", "");
        app.allow_close = true;
        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
    } else if back {
        match app.walk.is_some() {
            true => app.go(Page::Framing),
            false => app.reset_student(),
        }
    }
}

fn board_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let now = app.now();
    let students = match (app.store.as_ref(), app.session) {
        (Some(s), Some(id)) => s.students(id).unwrap_or_default(),
        _ => Vec::new(),
    };
    ui.label(
        RichText::new(format!(
            "{}: {}",
            t(app, T::StateNotStarted),
            students.len()
        ))
        .size(24.0),
    );
    let mut action: Option<&str> = None;
    if let Some(w) = app.walk.clone() {
        ui.group(|ui| {
            let state = if w.locked(now).is_some() {
                T::StateLocked
            } else if w.confirmed.is_some() {
                T::StateConfirmed
            } else if !w.drafts.is_empty() {
                T::StateDrafted
            } else {
                T::StateInProgress
            };
            ui.label(
                RichText::new(format!(
                    "{} {}  ·  {}",
                    w.student.student_no,
                    crate::mask::name(&w.student.name),
                    t(app, state)
                ))
                .size(28.0)
                .strong(),
            );
            ui.horizontal_wrapped(|ui| {
                if widgets::big_button_ui(ui, t(app, T::Unlock), w.lock.is_some()).clicked() {
                    action = Some("student.unlock");
                }
                if widgets::big_button_ui(ui, t(app, T::LiftLock), w.cooldown_until.is_some())
                    .clicked()
                {
                    action = Some("student.lift_lock");
                }
                if widgets::big_button_ui(ui, t(app, T::AllowRetake), w.confirmed.is_some())
                    .clicked()
                {
                    action = Some("student.allow_retake");
                }
                if widgets::big_button_ui(ui, t(app, T::DeleteDraft), !w.drafts.is_empty())
                    .clicked()
                {
                    action = Some("draft.delete");
                }
                for fee in [FeeState::Unpaid, FeeState::Paid, FeeState::Waived] {
                    let label = format!(
                        "{}: {}",
                        t(app, T::SetFee),
                        super::finish::fee_label(app, fee)
                    );
                    if ui
                        .add(egui::Button::selectable(
                            w.fee == fee,
                            RichText::new(label).size(22.0),
                        ))
                        .clicked()
                    {
                        if let Some(walk) = app.walk.as_mut() {
                            walk.fee = fee;
                        }
                        audit(app, "student.fee", fee.as_str());
                    }
                }
            });
        });
    }
    if let Some(a) = action {
        if let Some(w) = app.walk.as_mut() {
            match a {
                "student.unlock" | "student.lift_lock" => w.unlock(),
                "student.allow_retake" => w.confirmed = None,
                "draft.delete" => {
                    if let Some(id) = w.chosen.or(w.drafts.first().map(|d| d.id)) {
                        w.delete_draft(id);
                    }
                }
                _ => {}
            }
        }
        audit(app, a, "");
        app.views.teacher.message = Some(a.to_string());
    }
    egui::ScrollArea::vertical()
        .max_height(ui.available_height())
        .show(ui, |ui| {
            egui::Grid::new("board")
                .striped(true)
                .spacing(egui::vec2(30.0, 10.0))
                .show(ui, |ui| {
                    for s in &students {
                        ui.label(RichText::new(&s.student_no).size(22.0));
                        ui.label(RichText::new(crate::mask::name(&s.name)).size(22.0));
                        ui.label(
                            RichText::new(super::finish::fee_label(app, s.fee_state)).size(22.0),
                        );
                        ui.end_row();
                    }
                });
        });
}

fn session_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let current = app
        .session
        .and_then(|id| app.store.as_ref().and_then(|s| s.session(id).ok()));
    if let Some(s) = &current {
        ui.label(
            RichText::new(format!(
                "#{} {} · {} · {}",
                s.id.0, s.class_name, s.place, s.operator
            ))
            .size(26.0),
        );
        if widgets::big_button_ui(ui, t(app, T::CloseSession), true).clicked() {
            let now = app.now();
            let op = if app.views.teacher.operator.is_empty() {
                s.operator.clone()
            } else {
                app.views.teacher.operator.clone()
            };
            if let Some(store) = app.store.as_mut() {
                app.views.teacher.message = Some(match store.close_session(s.id, &op, now) {
                    Ok(()) => "session.close".into(),
                    Err(e) => e.to_string(),
                });
            }
            app.session = None;
        }
        return;
    }
    let lang = app.lang;
    let v = &mut app.views.teacher;
    egui::Grid::new("open")
        .spacing(egui::vec2(20.0, 14.0))
        .show(ui, |ui| {
            for (label, field) in [
                (T::ClassField, &mut v.class_name),
                (T::PlaceField, &mut v.place),
                (T::OperatorField, &mut v.operator),
            ] {
                ui.label(RichText::new(i18n::tr(lang, label)).size(24.0));
                ui.add(
                    egui::TextEdit::singleline(field)
                        .desired_width(500.0)
                        .font(egui::FontId::proportional(26.0)),
                );
                ui.end_row();
            }
        });
    if widgets::primary_button_ui(ui, t(app, T::OpenSession), true).clicked() {
        let now = app.now();
        let v = &app.views.teacher;
        let (c, p, o) = (v.class_name.clone(), v.place.clone(), v.operator.clone());
        if let Some(store) = app.store.as_mut() {
            match store.open_session(&c, &p, &o, now) {
                Ok(id) => {
                    app.session = Some(id);
                    app.views.teacher.message = Some("session.open".into());
                }
                Err(e) => app.views.teacher.message = Some(e.to_string()),
            }
        }
    }
}

fn roster_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    ui.label(RichText::new(t(app, T::RosterPath)).size(24.0));
    ui.add(
        egui::TextEdit::singleline(&mut app.views.teacher.roster_path)
            .desired_width(800.0)
            .font(egui::FontId::proportional(24.0)),
    );
    if widgets::primary_button_ui(ui, t(app, T::ImportRoster), app.session.is_some()).clicked() {
        let now = app.now();
        let path = app.views.teacher.roster_path.trim().to_string();
        let op = if app.views.teacher.operator.is_empty() {
            "teacher".to_string()
        } else {
            app.views.teacher.operator.clone()
        };
        let fee = app.config.teacher.fee_default;
        // A roster is a few hundred lines: reading it here takes milliseconds.
        let msg = match (std::fs::read(&path), app.store.as_mut(), app.session) {
            (Err(e), _, _) => format!("{path}: {e}"),
            (Ok(bytes), Some(store), Some(session)) => match crate::roster::parse(&bytes) {
                Ok(roster) => match store.import_roster(session, &roster.rows, &op, fee, now) {
                    Ok(s) => format!("+{} / ~{}", s.added, s.updated),
                    Err(e) => e.to_string(),
                },
                Err(e) => e.to_string(),
            },
            _ => t(app, T::NoSession).into(),
        };
        app.views.teacher.message = Some(msg);
    }
}

fn audit_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lines = app
        .store
        .as_ref()
        .and_then(|s| s.audit_log(app.session).ok())
        .unwrap_or_default();
    egui::ScrollArea::vertical()
        .max_height(ui.available_height())
        .show(ui, |ui| {
            for l in lines.iter().rev().take(200) {
                ui.label(
                    RichText::new(format!(
                        "{}  {}  {}  {}",
                        l.at.format("%m-%d %H:%M:%S"),
                        l.actor,
                        l.action,
                        l.detail
                    ))
                    .size(20.0)
                    .monospace(),
                );
            }
        });
}
