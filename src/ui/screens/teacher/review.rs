//! Review resets tab: the provincial review's reset list (or the school office's first-review
//! list, the same format) picked from the stick and applied to the session on a worker, as
//! `tucai review import`; then who is now asked to retake, and why.

use super::super::super::app::{KioskApp, t};
use super::super::super::i18n::{self, T};
use super::super::super::teacher_jobs::{self, ExportFailure, Job, Poll, ReviewJobRequest};
use super::super::super::{theme, widgets};
use crate::store::ReviewSummary;
use crate::ui::picker::{self, Picker};
use eframe::egui::{self, RichText};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Default)]
pub struct ReviewView {
    pub picker: Picker,
    pub job: Option<Job<Result<ReviewSummary, ExportFailure>>>,
    pub result: Option<Result<ReviewSummary, ExportFailure>>,
}

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let db = app.admin.path().to_path_buf();
    let data_dir = db.parent().map(PathBuf::from).unwrap_or_default();
    if let Some(job) = &app.teacher.review.job {
        match job.poll() {
            Poll::Running { .. } => ui.ctx().request_repaint_after(Duration::from_millis(50)),
            Poll::Done(r) => {
                app.teacher.review.job = None;
                app.teacher.review.result = Some(r);
            }
            Poll::Lost => {
                app.teacher.review.job = None;
                app.teacher.message = Some(t(app, T::JobLost).into());
            }
        }
    }
    ui.label(RichText::new(t(app, T::ReviewFile)).size(24.0));
    if let Some(dir) = picker::places_ui(&mut app.teacher.places, &data_dir, lang, ui) {
        app.teacher.review.picker.open(dir);
    }
    let busy = app.teacher.review.job.is_some();
    picker::listing_beside(
        ui,
        app,
        520.0,
        lang,
        !busy,
        |app| &mut app.teacher.review.picker,
        |app| app.teacher.review.result = None,
        |app, ui| {
            picker::chosen_ui(&app.teacher.review.picker, lang, ui);
            let session = app.session();
            let can = session.is_some() && app.teacher.review.picker.chosen.is_some() && !busy;
            if widgets::primary_button_ui(ui, t(app, T::ImportResets), can).clicked()
                && let (Some(session), Some(file)) =
                    (session, app.teacher.review.picker.chosen.clone())
            {
                let req = ReviewJobRequest {
                    file,
                    db: db.clone(),
                    session,
                    operator: super::operator(app),
                    now: app.now(),
                };
                app.teacher.review.result = None;
                app.teacher.review.job =
                    Some(Job::spawn(move |_| teacher_jobs::import_review(&req)));
            }
            if session.is_none() {
                ui.label(RichText::new(t(app, T::NoSession)).size(22.0));
            }
            if busy {
                ui.label(RichText::new(t(app, T::Importing)).size(24.0));
            }
            match &app.teacher.review.result {
                None => {}
                Some(Ok(summary)) => {
                    ui.label(
                        RichText::new(i18n::resets_applied(lang, summary.applied))
                            .size(26.0)
                            .color(theme::GOOD),
                    );
                    if !summary.not_in_session.is_empty() {
                        ui.label(
                            RichText::new(i18n::resets_not_in_session(
                                lang,
                                &summary.not_in_session,
                            ))
                            .size(22.0)
                            .color(theme::BAD),
                        );
                    }
                }
                Some(Err(e)) => {
                    ui.label(
                        RichText::new(i18n::failed(lang, &e.to_string()))
                            .size(22.0)
                            .color(theme::BAD),
                    );
                }
            }
            reset_students_ui(app, ui);
        },
    );
}

/// Everyone of the session now asked to retake, with the reason the student will see.
fn reset_students_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let Some(session) = app.session() else {
        return;
    };
    let Ok(board) = app.flow.progress(session) else {
        return;
    };
    let rows: Vec<_> = board
        .rows
        .iter()
        .filter_map(|r| r.retake_reason.as_ref().map(|why| (r, why)))
        .collect();
    if rows.is_empty() {
        return;
    }
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("resets")
        .max_height(ui.available_height())
        .show(ui, |ui| {
            for (r, why) in rows {
                ui.label(
                    RichText::new(format!(
                        "{} {}  {}",
                        r.student_no,
                        r.name,
                        i18n::retake_requested(app.lang, why)
                    ))
                    .size(22.0),
                );
            }
        });
}
