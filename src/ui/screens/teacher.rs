//! Teacher mode behind the PIN: progress board with the actions on the current student (unlock,
//! lift lock, allow retake, delete draft, fee state, studio photo), sessions, roster import,
//! export and purge, studio photo, review resets, the audit log, and leaving the kiosk. One module
//! per tab below this one; the PIN prompt persists its lockout through the store.

mod export;
mod review;
mod session;
mod studio;
mod thumbs;

use super::super::app::{KioskApp, Overlay, PinPurpose, t};
use super::super::i18n::{self, T};
use super::super::roster_picker::{Background, ImportError, ImportJob, ImportRequest, Place};
use super::super::{theme, widgets};
use crate::config::FeeState;
use crate::flow::{Progress, ProgressRow};
use crate::store::NewAudit;
use eframe::egui::{self, RichText};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Board,
    Session,
    Roster,
    Export,
    Studio,
    Review,
    Audit,
}

/// View state of teacher mode.
#[derive(Debug, Default)]
pub struct TeacherView {
    pub tab: Tab,
    pub class_name: String,
    pub place: String,
    pub operator: String,
    /// The session field the on-screen keyboard types into, while it is shown.
    pub typing: Option<session::Typing>,
    pub message: Option<String>,
    /// The picker's starting places, shared by every tab that picks a file or folder: found
    /// when first needed and on Refresh, not every frame.
    pub places: Option<Background<Vec<Place>>>,
    pub roster: RosterPicker,
    pub export: export::ExportView,
    pub studio: studio::StudioView,
    pub review: review::ReviewView,
    pub thumbs: thumbs::Thumbs,
}

use super::super::picker;
use super::super::picker::Picker;

/// View state of the roster tab: its file picker and the import behind it.
#[derive(Debug, Default)]
pub struct RosterPicker {
    pub picker: Picker,
    pub job: Option<ImportJob>,
    pub result: Option<Result<u32, ImportError>>,
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
        // Said in demo mode only, and only while the demo PIN is the one in force.
        if app.demo_pin {
            ui.label(
                RichText::new(i18n::demo_pin(app.lang, super::super::demo::DEMO_PIN))
                    .size(22.0)
                    .color(theme::MUTED),
            );
        }
        ui.allocate_ui(egui::vec2(420.0, 420.0), |ui| {
            if widgets::keypad_ui(ui, app.lang, &mut app.views.pin, 12) {
                ok = app.views.pin.len() >= 4;
            }
        });
    });
    if cancel {
        app.views.pin.clear();
        app.overlay = None;
    } else if ok {
        try_pin(app, ui.ctx());
    }
}

fn try_pin(app: &mut KioskApp, ctx: &egui::Context) {
    let purpose = match app.overlay {
        Some(Overlay::Pin(p)) => p,
        _ => PinPurpose::Teacher,
    };
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
    // Fails closed: a lockout that cannot be read or counted refuses the try.
    let outcome = match app.admin.pin_attempt(
        correct,
        now,
        app.config.teacher.pin_max_tries,
        app.config.teacher.pin_lock_minutes,
    ) {
        Ok(o) => o,
        Err(e) => {
            log::warn!("PIN refused, the lockout cannot be read or saved: {e}");
            app.views.pin_message = Some(e.to_string());
            return;
        }
    };
    match outcome {
        crate::pin::PinOutcome::Accepted => match purpose {
            PinPurpose::Leave => {
                audit(app, "kiosk.leave", "");
                app.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            PinPurpose::Teacher => {
                audit(app, "teacher.enter", "");
                app.overlay = Some(Overlay::Teacher);
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

/// Who is named in the audit log: the operator typed in the session tab, else the current
/// session's, else "teacher".
fn operator(app: &KioskApp) -> String {
    match app.teacher.operator.trim() {
        "" => app
            .session()
            .and_then(|id| app.admin.session(id).ok())
            .map(|s| s.operator)
            .filter(|o| !o.trim().is_empty())
            .unwrap_or_else(|| "teacher".into()),
        o => o.into(),
    }
}

fn audit(app: &mut KioskApp, action: &str, detail: &str) {
    let now = app.now();
    let mut line = NewAudit::teacher(&operator(app), action).detail(detail);
    if let Some(s) = app.session() {
        line = line.session(s);
    }
    if let Err(e) = app.admin.audit(&line, now) {
        app.teacher.message = Some(e.to_string());
    }
}

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::TeacherTitle);
    let (mut back, mut leave) = (false, false);
    super::bottom_bar(ui, |ui| {
        if let Some(m) = &app.teacher.message {
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
            (Tab::Export, T::TabExport),
            (Tab::Studio, T::TabStudio),
            (Tab::Review, T::TabReview),
            (Tab::Audit, T::TabAudit),
        ] {
            if ui
                .add(
                    egui::Button::selectable(
                        app.teacher.tab == tab,
                        RichText::new(t(app, label)).size(26.0),
                    )
                    .min_size(egui::vec2(120.0, 60.0)),
                )
                .clicked()
            {
                if tab == Tab::Board {
                    // Photos confirmed since the last look show up.
                    app.teacher.thumbs.clear();
                }
                app.teacher.tab = tab;
            }
        }
    });
    ui.separator();
    match app.teacher.tab {
        Tab::Board => board_ui(app, ui),
        Tab::Session => session::ui(app, ui),
        Tab::Roster => roster_ui(app, ui),
        Tab::Export => export::ui(app, ui),
        Tab::Studio => studio::ui(app, ui),
        Tab::Review => review::ui(app, ui),
        Tab::Audit => audit_ui(app, ui),
    }
    if leave {
        audit(app, "kiosk.leave", "");
        app.allow_close = true;
        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
    } else if back {
        app.overlay = None;
    }
}

fn progress_label(p: Progress) -> T {
    match p {
        Progress::NotStarted => T::StateNotStarted,
        Progress::InProgress => T::StateInProgress,
        Progress::Drafted => T::StateDrafted,
        Progress::Confirmed => T::StateConfirmed,
        Progress::Locked => T::StateLocked,
    }
}

/// A teacher action on one student of the board.
enum Action {
    Unlock,
    LiftLock,
    AllowRetake,
    DeleteDrafts,
    Fee(FeeState),
    Studio,
    /// Tick (true) or untick an item of the checklist no machine judges.
    Manual(&'static str, bool),
}

fn board_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let Some(session) = app.session() else {
        ui.label(RichText::new(t(app, T::NoSession)).size(26.0));
        return;
    };
    let board = match app.flow.progress(session) {
        Ok(b) => b,
        Err(e) => {
            ui.label(RichText::new(e.to_string()).color(theme::BAD));
            return;
        }
    };
    let confirmed: Vec<_> = board
        .rows
        .iter()
        .filter(|r| r.progress == Progress::Confirmed)
        .map(|r| r.student)
        .collect();
    let data_dir = app
        .admin
        .path()
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    app.teacher
        .thumbs
        .poll(ui.ctx(), app.flow.store(), &data_dir, &confirmed);
    let manual = app.admin.manual_checks(session).unwrap_or_default();
    let c = board.counts;
    ui.horizontal_wrapped(|ui| {
        for (k, n) in [
            (T::StateNotStarted, c.not_started),
            (T::StateInProgress, c.in_progress),
            (T::StateDrafted, c.drafted),
            (T::StateConfirmed, c.confirmed),
            (T::StateLocked, c.locked),
        ] {
            ui.label(
                RichText::new(format!("{} {n}", t(app, k)))
                    .size(28.0)
                    .strong(),
            );
            ui.add_space(20.0);
        }
    });
    ui.separator();
    let mut todo: Option<(ProgressRow, Action)> = None;
    // Both ways: a long name or many actions scroll sideways instead of leaving the screen.
    egui::ScrollArea::both()
        .max_height(ui.available_height())
        .show(ui, |ui| {
            // Column gaps, cell text and the English "Shots/drafts" header on two lines are
            // sized so a row with thumbnail, fee and checklist fits 1280 px in both languages
            // (a test measures it).
            egui::Grid::new("board")
                .striped(true)
                .spacing(egui::vec2(10.0, 8.0))
                .show(ui, |ui| {
                    ui.label(
                        RichText::new(t(app, T::ColPhoto))
                            .size(20.0)
                            .color(theme::MUTED),
                    );
                    for k in [
                        T::ColStudentNo,
                        T::ColName,
                        T::ColState,
                        T::ColShots,
                        T::ColActions,
                        T::ColFee,
                        T::ColManual,
                    ] {
                        ui.label(RichText::new(t(app, k)).size(20.0).color(theme::MUTED));
                    }
                    ui.end_row();
                    for row in &board.rows {
                        match app.teacher.thumbs.get(row.student) {
                            Some(tex) if row.progress == Progress::Confirmed => {
                                ui.add(egui::Image::new(tex).fit_to_exact_size(thumbs::SIZE));
                            }
                            _ => {
                                ui.label("");
                            }
                        }
                        ui.label(RichText::new(&row.student_no).size(20.0));
                        ui.label(RichText::new(&row.name).size(20.0));
                        let color = if row.progress == Progress::Locked {
                            theme::BAD
                        } else {
                            theme::ACCENT
                        };
                        ui.vertical(|ui| {
                            // The state on one line (a vertical cell in the grid would wrap
                            // it), what explains it on the small lines under it.
                            let one_line = |ui: &mut egui::Ui, text: RichText| {
                                ui.add(egui::Label::new(text).extend());
                            };
                            // A reset from the review says so with its reason: the teacher sees
                            // why a confirmed student is back in progress.
                            match &row.retake_reason {
                                Some(why) => one_line(
                                    ui,
                                    RichText::new(i18n::retake_requested(app.lang, why))
                                        .size(20.0)
                                        .color(theme::BAD),
                                ),
                                None => one_line(
                                    ui,
                                    RichText::new(t(app, progress_label(row.progress)))
                                        .size(20.0)
                                        .color(color),
                                ),
                            };
                            // A lock says which checks placed it (fraud and liveness locks stay
                            // until the teacher lifts them: the teacher needs the why).
                            if row.progress == Progress::Locked && !row.lock_cause.is_empty() {
                                one_line(
                                    ui,
                                    RichText::new(i18n::lock_cause(app.lang, &row.lock_cause))
                                        .size(16.0)
                                        .color(theme::BAD),
                                );
                            }
                            // The rule the live check kept telling this student (issue 23): the
                            // teacher can go and help before the failures lock them out.
                            if row.progress != Progress::Confirmed
                                && let Some(rule) = app.keeps_failing.get(&row.student)
                            {
                                one_line(
                                    ui,
                                    RichText::new(i18n::keeps_failing(app.lang, *rule))
                                        .size(16.0)
                                        .color(theme::BAD),
                                );
                            }
                        });
                        ui.label(
                            RichText::new(format!("{} / {}", row.attempts, row.drafts)).size(20.0),
                        );
                        // Only the actions that apply to this row: a row of greyed buttons
                        // pushed the fee column off a 1280-wide screen and hid what can be done.
                        ui.horizontal(|ui| {
                            let small = |ui: &mut egui::Ui, label: &str| {
                                ui.add(
                                    egui::Button::new(RichText::new(label).size(20.0))
                                        .min_size(egui::vec2(0.0, 44.0)),
                                )
                                .clicked()
                            };
                            let lock = row.lock.map(|l| l.kind);
                            let until_teacher = row.lock.is_some_and(|l| l.until.is_none());
                            if until_teacher && small(ui, t(app, T::Unlock)) {
                                todo = Some((row.clone(), Action::Unlock));
                            }
                            if lock.is_some() && !until_teacher && small(ui, t(app, T::LiftLock)) {
                                todo = Some((row.clone(), Action::LiftLock));
                            }
                            if row.progress == Progress::Confirmed
                                && !row.retake_allowed
                                && small(ui, t(app, T::AllowRetake))
                            {
                                todo = Some((row.clone(), Action::AllowRetake));
                            }
                            if row.drafts > 0 && small(ui, t(app, T::DeleteDraft)) {
                                todo = Some((row.clone(), Action::DeleteDrafts));
                            }
                            let studio = row.progress != Progress::Confirmed;
                            if studio && small(ui, t(app, T::TabStudio)) {
                                todo = Some((row.clone(), Action::Studio));
                            }
                            let any = until_teacher
                                || lock.is_some()
                                || (row.progress == Progress::Confirmed && !row.retake_allowed)
                                || row.drafts > 0
                                || studio;
                            if !any {
                                // Says "nothing to do" rather than leaving a gap that looks broken.
                                ui.label(RichText::new("—").size(22.0).color(theme::MUTED));
                            }
                        });
                        ui.horizontal(|ui| {
                            // Tighter buttons in the fee and checklist cells: the whole row fits
                            // a 1280-wide screen.
                            ui.spacing_mut().button_padding = egui::vec2(10.0, 8.0);
                            ui.spacing_mut().item_spacing.x = 6.0;
                            for fee in [FeeState::Unpaid, FeeState::Paid, FeeState::Waived] {
                                let label = super::finish::fee_label(app, fee);
                                if ui
                                    .add(
                                        egui::Button::selectable(
                                            row.fee == fee,
                                            RichText::new(label).size(20.0),
                                        )
                                        .min_size(egui::vec2(0.0, 44.0)),
                                    )
                                    .clicked()
                                    && row.fee != fee
                                {
                                    todo = Some((row.clone(), Action::Fee(fee)));
                                }
                            }
                        });
                        // What no machine judges, ticked by the teacher on the confirmed photo.
                        ui.horizontal(|ui| {
                            if row.progress != Progress::Confirmed {
                                return;
                            }
                            ui.spacing_mut().button_padding = egui::vec2(10.0, 8.0);
                            ui.spacing_mut().item_spacing.x = 6.0;
                            let ticked = manual.get(&row.student);
                            for (item, label) in crate::store::MANUAL_ITEMS.into_iter().zip([
                                T::ManualEarrings,
                                T::ManualHairEars,
                                T::ManualMakeup,
                            ]) {
                                let on = ticked.is_some_and(|t| t.iter().any(|i| i == item));
                                let text = if on {
                                    format!("✔ {}", t(app, label))
                                } else {
                                    t(app, label).to_string()
                                };
                                if ui
                                    .add(
                                        egui::Button::selectable(
                                            on,
                                            RichText::new(text).size(18.0),
                                        )
                                        .min_size(egui::vec2(0.0, 44.0)),
                                    )
                                    .clicked()
                                {
                                    todo = Some((row.clone(), Action::Manual(item, !on)));
                                }
                            }
                        });
                        ui.end_row();
                    }
                });
        });
    if let Some((row, Action::Studio)) = &todo {
        app.teacher.studio.pick(studio::Pick {
            id: row.student,
            student_no: row.student_no.clone(),
            name: row.name.clone(),
        });
        app.teacher.tab = Tab::Studio;
        return;
    }
    if let Some((row, action)) = todo {
        let op = operator(app);
        let r = match action {
            Action::Unlock => app.flow.unlock(&op, row.student),
            Action::LiftLock => app.flow.lift_timed_lock(&op, row.student),
            Action::AllowRetake => app.flow.allow_retake(&op, row.student),
            Action::Fee(f) => app.flow.set_fee_state(&op, row.student, f),
            Action::DeleteDrafts => delete_last_draft(app, &op, &row),
            Action::Studio => Ok(()),
            Action::Manual(item, on) => {
                let now = app.now();
                app.admin
                    .set_manual_check(row.student, item, on, &op, now)
                    .map_err(Into::into)
            }
        };
        app.teacher.message = Some(match r {
            Ok(()) => format!("✔ {}", row.student_no),
            Err(e) => match e.refusal() {
                Some(why) => i18n::refusal(app.lang, why),
                None => e.to_string(),
            },
        });
    }
}

/// Deletes the newest unconfirmed draft of a student (the teacher may at once).
fn delete_last_draft(app: &mut KioskApp, op: &str, row: &ProgressRow) -> crate::flow::Result<()> {
    let drafts = app.flow.store().drafts(row.student)?;
    match drafts.iter().rev().find(|d| !d.confirmed) {
        Some(d) => app.flow.teacher_delete_draft(op, d.id),
        None => Err(crate::flow::Refusal::NoSuchDraft.into()),
    }
}

fn roster_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    // The data directory is where the database lives; a roster copied there by ssh shows up.
    let data_dir = app
        .admin
        .path()
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let roster = &mut app.teacher.roster;
    if let Some(job) = &roster.job {
        match job.poll() {
            Some(r) => {
                roster.job = None;
                roster.result = Some(r);
            }
            None => ui
                .ctx()
                .request_repaint_after(std::time::Duration::from_millis(50)),
        }
    }
    ui.label(RichText::new(t(app, T::RosterPath)).size(24.0));
    // A teacher new to the station does not know where a USB stick shows up.
    ui.label(
        RichText::new(t(app, T::RosterPathHow))
            .size(20.0)
            .color(theme::MUTED),
    );
    if let Some(dir) = picker::places_ui(&mut app.teacher.places, &data_dir, lang, ui) {
        app.teacher.roster.picker.open(dir);
    }
    let busy = app.teacher.roster.job.is_some();
    picker::listing_beside(
        ui,
        app,
        600.0,
        lang,
        !busy,
        |app| &mut app.teacher.roster.picker,
        |app| app.teacher.roster.result = None,
        |app, ui| roster_import_ui(app, ui, busy),
    );
}

fn roster_import_ui(app: &mut KioskApp, ui: &mut egui::Ui, busy: bool) {
    let lang = app.lang;
    ui.add_space(8.0);
    picker::chosen_ui(&app.teacher.roster.picker, lang, ui);
    let session = app.flow.session();
    let can_import = session.is_some() && app.teacher.roster.picker.chosen.is_some() && !busy;
    if widgets::primary_button_ui(ui, t(app, T::ImportRoster), can_import).clicked()
        && let (Some(session), Some(file)) = (session, app.teacher.roster.picker.chosen.clone())
    {
        app.teacher.roster.result = None;
        app.teacher.roster.job = Some(ImportJob::spawn(ImportRequest {
            file,
            db: app.admin.path().to_path_buf(),
            session,
            operator: operator(app),
            fee_default: app.config.teacher.fee_default,
            now: app.now(),
        }));
    }
    if session.is_none() {
        ui.label(RichText::new(t(app, T::NoSession)).size(22.0));
    }
    let roster = &app.teacher.roster;
    if roster.job.is_some() {
        ui.label(RichText::new(i18n::tr(lang, T::Importing)).size(26.0));
    }
    match &roster.result {
        None => {}
        Some(Ok(n)) => {
            ui.label(
                RichText::new(i18n::roster_imported(lang, *n))
                    .size(28.0)
                    .color(theme::GOOD),
            );
        }
        Some(Err(e)) => match e.bad_rows() {
            Some(rows) => {
                ui.label(
                    RichText::new(i18n::roster_bad_rows(lang, crate::roster::bad_lines(rows)))
                        .size(24.0)
                        .color(theme::BAD),
                );
                egui::ScrollArea::vertical()
                    .id_salt("bad_rows")
                    .max_height(ui.available_height())
                    .show(ui, |ui| {
                        for r in rows {
                            ui.label(
                                RichText::new(i18n::roster_row(lang, r))
                                    .size(22.0)
                                    .monospace(),
                            );
                        }
                    });
            }
            None => {
                ui.label(
                    RichText::new(i18n::roster_failed(lang, &e.to_string()))
                        .size(24.0)
                        .color(theme::BAD),
                );
            }
        },
    }
}

/// How many audit lines the tab shows: the newest, read with a LIMIT (the log is never cut).
const AUDIT_PAGE: u32 = 200;

fn audit_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lines = match app.admin.audit_newest(app.session(), Some(AUDIT_PAGE)) {
        Ok(lines) => lines,
        Err(e) => {
            ui.label(RichText::new(e.to_string()).color(theme::BAD));
            return;
        }
    };
    egui::ScrollArea::vertical()
        .max_height(ui.available_height())
        .show(ui, |ui| {
            for l in &lines {
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
