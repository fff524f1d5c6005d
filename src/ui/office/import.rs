//! Import page: choose the stick or a folder, every batch found listed with station, class and
//! count (read on a thread), import on a worker with progress, then each batch's result and
//! each refusal in words naming the file, and the conflicts between stations.

use super::jobs::{self, FoundBatch, Imported};
use super::{OfficeApp, bad};
use crate::office::OfficeError;
use crate::office::import::BatchStatus;
use crate::ui::i18n::{self, T};
use crate::ui::job::{Job, Poll};
use crate::ui::picker::{self, Picker};
use crate::ui::roster_picker::{Background, Files};
use crate::ui::{theme, widgets};
use eframe::egui::{self, RichText};
use std::path::PathBuf;
use std::time::Duration;

/// The batches found in a folder, or why it could not be read.
pub type Found = Result<Vec<FoundBatch>, String>;

#[derive(Debug)]
pub struct ImportView {
    pub picker: Picker,
    /// The batches found in the folder shown.
    pub found: Option<(PathBuf, Background<Found>)>,
    pub job: Option<Job<Result<Imported, OfficeError>>>,
    pub result: Option<Result<Imported, OfficeError>>,
}

impl Default for ImportView {
    fn default() -> Self {
        ImportView {
            picker: Picker::new(Files::None),
            found: None,
            job: None,
            result: None,
        }
    }
}

pub fn ui(app: &mut OfficeApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let dir = app.dir();
    if let Some(job) = &app.import.job {
        match job.poll() {
            Poll::Running { .. } => ui.ctx().request_repaint_after(Duration::from_millis(50)),
            Poll::Done(r) => {
                app.import.job = None;
                app.import.result = Some(r);
                app.import.found = None;
            }
            Poll::Lost => {
                app.import.job = None;
                app.import.result = None;
                bad(ui, app.t(T::JobLost));
            }
        }
    }
    ui.label(
        RichText::new(app.t(T::ImportWhere))
            .size(20.0)
            .color(theme::MUTED),
    );
    if let Some(d) = picker::places_ui(&mut app.places, &dir, lang, ui) {
        app.import.picker.open(d);
        app.import.found = None;
    }
    let shown = app.import.picker.folder().map(PathBuf::from);
    let stale = match (&shown, &app.import.found) {
        (Some(d), Some((f, _))) => d != f,
        (Some(_), None) => true,
        _ => false,
    };
    if stale && let Some(d) = shown.clone() {
        let on_thread = d.clone();
        app.import.found = Some((
            d,
            Background::spawn(move || jobs::find_batches(&on_thread).map_err(|e| e.to_string())),
        ));
    }
    let busy = app.import.job.is_some();
    picker::two_columns(
        ui,
        app,
        440.0,
        |app, ui, h| {
            picker::listing_ui(&mut app.import.picker, lang, !busy, 440.0, h, ui);
        },
        |app, ui| {
            egui::ScrollArea::vertical()
                .id_salt("import_right")
                .show(ui, |ui| right_ui(app, ui, &dir));
        },
    );
}

fn right_ui(app: &mut OfficeApp, ui: &mut egui::Ui, office_dir: &std::path::Path) {
    let lang = app.lang;
    let shown = app.import.found.as_ref().map(|(d, _)| d.clone());
    let found = match app.import.found.as_mut().map(|(_, b)| b.get()) {
        None => None,
        Some(None) => {
            ui.label(RichText::new(app.t(T::Reading)).size(24.0));
            ui.ctx().request_repaint_after(Duration::from_millis(50));
            None
        }
        Some(Some(Err(why))) => {
            bad(ui, i18n::failed(lang, why));
            None
        }
        Some(Some(Ok(found))) => Some(found.clone()),
    };
    let batches: Vec<FoundBatch> = found
        .unwrap_or_default()
        .into_iter()
        // The folder itself without a manifest is "no batches here", not a batch to refuse.
        .filter(|b| b.problem.is_none() || Some(&b.dir) != shown.as_ref())
        .collect();
    if app.import.found.is_some() && batches.is_empty() && app.import.job.is_none() {
        ui.label(RichText::new(app.t(T::NoBatchesFound)).size(22.0));
    }
    if !batches.is_empty() {
        ui.label(
            RichText::new(i18n::batches_found(lang, batches.len()))
                .size(24.0)
                .strong(),
        );
        egui::Grid::new("batches")
            .striped(true)
            .spacing(egui::vec2(16.0, 6.0))
            .show(ui, |ui| {
                for k in [T::ColBatch, T::ColStation, T::ClassField, T::ColCount] {
                    ui.label(RichText::new(app.t(k)).size(20.0).color(theme::MUTED));
                }
                ui.end_row();
                for b in &batches {
                    ui.label(RichText::new(&b.name).size(18.0).monospace());
                    ui.label(RichText::new(&b.station).size(20.0));
                    match &b.problem {
                        None => {
                            ui.label(RichText::new(&b.class_name).size(20.0));
                            ui.label(RichText::new(b.students.to_string()).size(20.0));
                        }
                        Some(why) => {
                            ui.label(RichText::new(why).size(18.0).color(theme::BAD));
                            ui.label("");
                        }
                    }
                    ui.end_row();
                }
            });
    }
    let busy = app.import.job.is_some();
    if widgets::primary_button_ui(ui, app.t(T::ImportBatches), !batches.is_empty() && !busy)
        .clicked()
    {
        let dirs: Vec<PathBuf> = batches.iter().map(|b| b.dir.clone()).collect();
        let office_dir = office_dir.to_path_buf();
        let now = chrono::Utc::now();
        app.import.result = None;
        app.import.job = Some(Job::spawn(move |p| {
            jobs::import(&office_dir, &dirs, now, p)
        }));
    }
    if let Some(job) = &app.import.job {
        let (done, total) = job.progress.get();
        widgets::job_progress_ui(
            ui,
            (done, total),
            560.0,
            &i18n::importing_batches(lang, done, total),
        );
    }
    match &app.import.result {
        None => {}
        Some(Err(e)) => bad(ui, i18n::failed(lang, &e.to_string())),
        Some(Ok(done)) => {
            for b in &done.batches {
                let text = match b.status {
                    BatchStatus::AlreadyImported => i18n::batch_already(lang, &b.batch),
                    _ => i18n::batch_imported(lang, &b.batch, b.students, b.added, b.updated),
                };
                ui.label(RichText::new(text).size(22.0).color(theme::GOOD));
                for c in &b.conflicts {
                    ui.label(
                        RichText::new(i18n::conflict(
                            lang,
                            &c.student_no,
                            &c.kept_batch,
                            &c.dropped_batch,
                        ))
                        .size(20.0)
                        .color(theme::ACCENT),
                    );
                }
            }
            for why in &done.refused {
                bad(ui, i18n::batch_refused(lang, why));
            }
        }
    }
}
