//! Teacher mode behind the PIN: session, roster import, progress board with the actions on the
//! current student (unlock, lift lock, allow retake, delete draft, fee state), the audit log, and
//! leaving the kiosk. The PIN prompt persists its lockout through the store.

use super::super::app::{KioskApp, Overlay, PinPurpose, t};
use super::super::i18n::{self, T};
use super::super::roster_picker::{
    self, Background, Entry, ImportError, ImportJob, ImportRequest, Place, list_folder,
};
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
    Audit,
}

/// View state of teacher mode.
#[derive(Debug, Default)]
pub struct TeacherView {
    pub tab: Tab,
    pub class_name: String,
    pub place: String,
    pub operator: String,
    pub message: Option<String>,
    pub roster: RosterPicker,
}

/// A folder's entries, or why it could not be read (shown as is).
pub type Listing = Result<Vec<Entry>, String>;

/// View state of the roster tab's file picker (see [`roster_picker`]).
#[derive(Debug, Default)]
pub struct RosterPicker {
    /// Found when the tab is first shown and on Refresh, not every frame.
    pub places: Option<Background<Vec<Place>>>,
    /// The folder shown and its listing, or why it could not be read.
    pub folder: Option<(PathBuf, Background<Listing>)>,
    pub chosen: Option<PathBuf>,
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

fn operator(app: &KioskApp) -> String {
    match app.teacher.operator.trim() {
        "" => "teacher".into(),
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
            (Tab::Audit, T::TabAudit),
        ] {
            if ui
                .add(
                    egui::Button::selectable(
                        app.teacher.tab == tab,
                        RichText::new(t(app, label)).size(28.0),
                    )
                    .min_size(egui::vec2(160.0, 60.0)),
                )
                .clicked()
            {
                app.teacher.tab = tab;
            }
        }
    });
    ui.separator();
    match app.teacher.tab {
        Tab::Board => board_ui(app, ui),
        Tab::Session => session_ui(app, ui),
        Tab::Roster => roster_ui(app, ui),
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
            egui::Grid::new("board")
                .striped(true)
                .spacing(egui::vec2(16.0, 8.0))
                .show(ui, |ui| {
                    for k in [
                        T::ColStudentNo,
                        T::ColName,
                        T::ColState,
                        T::ColShots,
                        T::ColActions,
                        T::ColFee,
                    ] {
                        ui.label(RichText::new(t(app, k)).size(20.0).color(theme::MUTED));
                    }
                    ui.end_row();
                    for row in &board.rows {
                        ui.label(RichText::new(&row.student_no).size(22.0));
                        ui.label(RichText::new(&row.name).size(22.0));
                        let color = if row.progress == Progress::Locked {
                            theme::BAD
                        } else {
                            theme::ACCENT
                        };
                        ui.label(
                            RichText::new(t(app, progress_label(row.progress)))
                                .size(22.0)
                                .color(color),
                        );
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
                            let any = until_teacher
                                || lock.is_some()
                                || (row.progress == Progress::Confirmed && !row.retake_allowed)
                                || row.drafts > 0;
                            if !any {
                                // Says "nothing to do" rather than leaving a gap that looks broken.
                                ui.label(RichText::new("—").size(22.0).color(theme::MUTED));
                            }
                        });
                        ui.horizontal(|ui| {
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
                        ui.end_row();
                    }
                });
        });
    if let Some((row, action)) = todo {
        let op = operator(app);
        let r = match action {
            Action::Unlock => app.flow.unlock(&op, row.student),
            Action::LiftLock => app.flow.lift_timed_lock(&op, row.student),
            Action::AllowRetake => app.flow.allow_retake(&op, row.student),
            Action::Fee(f) => app.flow.set_fee_state(&op, row.student, f),
            Action::DeleteDrafts => delete_last_draft(app, &op, &row),
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

fn session_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let current = app.session().and_then(|id| app.admin.session(id).ok());
    if let Some(s) = &current {
        ui.label(
            RichText::new(format!(
                "#{} {} · {} · {}",
                s.id.0, s.class_name, s.place, s.operator
            ))
            .size(26.0),
        );
        if widgets::big_button_ui(ui, t(app, T::CloseSession), true).clicked() {
            let op = if app.teacher.operator.is_empty() {
                s.operator.clone()
            } else {
                app.teacher.operator.clone()
            };
            app.teacher.message = Some(match app.flow.close_session(&op, s.id) {
                Ok(effects) => {
                    app.apply(effects);
                    "session.close ✔".into()
                }
                Err(e) => e.to_string(),
            });
            app.flow.set_session(None);
        }
        return;
    }
    let lang = app.lang;
    let v = &mut app.teacher;
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
        let v = &app.teacher;
        let (c, p, o) = (v.class_name.clone(), v.place.clone(), v.operator.clone());
        match app.admin.open_session(&c, &p, &o, now) {
            Ok(id) => {
                app.flow.set_session(Some(id));
                app.teacher.message = Some("session.open ✔".into());
            }
            Err(e) => app.teacher.message = Some(e.to_string()),
        }
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
    let picker = &mut app.teacher.roster;
    if let Some(job) = &picker.job {
        match job.poll() {
            Some(r) => {
                picker.job = None;
                picker.result = Some(r);
            }
            None => ui
                .ctx()
                .request_repaint_after(std::time::Duration::from_millis(50)),
        }
    }
    if picker.places.is_none() {
        // A few small folders under /media, /run/media and /mnt: read once, not every frame.
        let home = std::env::var_os("HOME").map(PathBuf::from);
        picker.places = Some(Background::spawn(move || {
            roster_picker::starting_places(home, data_dir)
        }));
    }
    ui.label(RichText::new(t(app, T::RosterPath)).size(24.0));
    // A teacher new to the station does not know where a USB stick shows up.
    ui.label(
        RichText::new(t(app, T::RosterPathHow))
            .size(20.0)
            .color(theme::MUTED),
    );
    let picker = &mut app.teacher.roster;
    let mut open: Option<PathBuf> = None;
    let mut refresh = false;
    ui.horizontal_wrapped(|ui| {
        let places: Vec<Place> = match picker.places.as_mut().and_then(|b| b.get()) {
            Some(p) => p.clone(),
            None => {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(50));
                Vec::new()
            }
        };
        if !places.iter().any(|p| matches!(p, Place::Media(_))) {
            ui.label(RichText::new(i18n::tr(lang, T::NoPlaces)).size(22.0));
        }
        for place in &places {
            let text = match place {
                Place::Media(p) => format!(
                    "{} {}",
                    i18n::tr(lang, T::PlaceMedia),
                    p.file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default()
                ),
                Place::Home(_) => i18n::tr(lang, T::PlaceHome).into(),
                Place::Data(_) => i18n::tr(lang, T::PlaceData).into(),
            };
            if widgets::big_button_ui(ui, &text, true).clicked() {
                open = Some(place.path().to_path_buf());
            }
        }
        if widgets::big_button_ui(ui, i18n::tr(lang, T::RefreshPlaces), true).clicked() {
            refresh = true;
        }
    });
    let busy = picker.job.is_some();
    // The list and the import side by side in what is left above the bottom bar.
    let height = ui.available_height().max(160.0);
    let list_height = (height - 40.0).max(120.0);
    ui.horizontal_top(|ui| {
        ui.allocate_ui(egui::vec2(600.0, height), |ui| {
            ui.vertical(|ui| {
                let RosterPicker {
                    folder,
                    chosen,
                    result,
                    ..
                } = &mut app.teacher.roster;
                if let Some((folder, listing)) = folder {
                    let Some(listing) = listing.get() else {
                        ui.label(RichText::new(i18n::tr(lang, T::Reading)).size(24.0));
                        ui.ctx()
                            .request_repaint_after(std::time::Duration::from_millis(50));
                        return;
                    };
                    ui.label(
                        RichText::new(folder.display().to_string())
                            .size(22.0)
                            .monospace(),
                    );
                    match listing {
                        Err(why) => {
                            ui.label(
                                RichText::new(i18n::folder_unreadable(
                                    lang,
                                    &folder.display().to_string(),
                                    why,
                                ))
                                .size(24.0)
                                .color(theme::BAD),
                            );
                        }
                        Ok(entries) if entries.iter().all(|e| matches!(e, Entry::Up(_))) => {
                            ui.label(RichText::new(i18n::tr(lang, T::FolderEmpty)).size(22.0));
                        }
                        Ok(_) => {}
                    }
                    if let Ok(entries) = listing {
                        egui::ScrollArea::vertical()
                            .max_height(list_height)
                            .show(ui, |ui| {
                                for e in entries {
                                    // A trailing slash marks a folder: no icon glyphs the kiosk font lacks.
                                    let (text, is_file) = match e {
                                        Entry::Up(_) => ("..".to_string(), false),
                                        Entry::Folder(_) => (format!("{}/", e.name()), false),
                                        Entry::Csv(_) => (e.name(), true),
                                    };
                                    let selected = is_file && chosen.as_deref() == Some(e.path());
                                    let button = egui::Button::selectable(
                                        selected,
                                        RichText::new(text).size(26.0),
                                    )
                                    .min_size(egui::vec2(560.0, 56.0));
                                    let r = ui.add_enabled(!busy, button);
                                    if r.clicked() {
                                        if is_file {
                                            *chosen = Some(e.path().to_path_buf());
                                            *result = None;
                                        } else {
                                            open = Some(e.path().to_path_buf());
                                        }
                                    }
                                }
                            });
                    }
                }
            });
        });
        ui.add_space(24.0);
        ui.vertical(|ui| {
            if let Some(dir) = open {
                let on_thread = dir.clone();
                let listing =
                    Background::spawn(move || list_folder(&on_thread).map_err(|e| e.to_string()));
                app.teacher.roster.folder = Some((dir, listing));
            }
            if refresh {
                app.teacher.roster.places = None;
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let chosen = match &app.teacher.roster.chosen {
                    Some(p) => i18n::chosen_file(
                        lang,
                        &p.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    ),
                    None => i18n::tr(lang, T::NoFileChosen).into(),
                };
                ui.label(RichText::new(chosen).size(24.0));
            });
            let session = app.flow.session();
            let can_import = session.is_some() && app.teacher.roster.chosen.is_some() && !busy;
            if widgets::primary_button_ui(ui, t(app, T::ImportRoster), can_import).clicked()
                && let (Some(session), Some(file)) = (session, app.teacher.roster.chosen.clone())
            {
                let operator = if app.teacher.operator.is_empty() {
                    "teacher".to_string()
                } else {
                    app.teacher.operator.clone()
                };
                app.teacher.roster.result = None;
                app.teacher.roster.job = Some(ImportJob::spawn(ImportRequest {
                    file,
                    db: app.admin.path().to_path_buf(),
                    session,
                    operator,
                    fee_default: app.config.teacher.fee_default,
                    now: app.now(),
                }));
            }
            if session.is_none() {
                ui.label(RichText::new(t(app, T::NoSession)).size(22.0));
            }
            let picker = &app.teacher.roster;
            if picker.job.is_some() {
                ui.label(RichText::new(i18n::tr(lang, T::Importing)).size(26.0));
            }
            match &picker.result {
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
                            RichText::new(i18n::roster_bad_rows(lang, rows.len()))
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
        });
    });
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
