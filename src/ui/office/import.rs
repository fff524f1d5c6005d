//! Import page: choose the stick or a folder, every batch found listed with station, class and
//! count (read on a thread), import on a worker with progress, then each batch's result and
//! each refusal in words naming the file, and the conflicts between stations.

use super::jobs::{self, FoundBatch, Imported};
use super::{OfficeApp, bad};
use crate::office::OfficeError;
use crate::office::conflicts::{ConflictCase, ConflictSide};
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
    /// Conflicts between stations with both photos, read when the page opens and after each
    /// import or choice.
    pub conflicts: Option<Result<Vec<ConflictCase>, String>>,
    /// Thumbnails of the conflicts' photos, decoded on a thread.
    pub conflict_thumbs: Option<Background<Vec<(String, image::RgbImage)>>>,
    /// Who keeps a photo (named in the audit).
    pub clerk: String,
    pub conflict_error: Option<String>,
}

impl Default for ImportView {
    fn default() -> Self {
        ImportView {
            picker: Picker::new(Files::None),
            found: None,
            job: None,
            result: None,
            conflicts: None,
            conflict_thumbs: None,
            clerk: String::new(),
            conflict_error: None,
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
                app.import.conflicts = None;
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
    let tapped = picker::places_ui(&mut app.places, &dir, lang, ui);
    // The stations on the campus network export into the office's shared folder: the same
    // `[export] destination` in the office's kiosk.toml lists it here.
    let shared = picker::share_ui(&app.config.export.destination, lang, ui);
    if let Some(d) = tapped.or(shared) {
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
    picker::listing_beside(
        ui,
        app,
        440.0,
        lang,
        !busy,
        |app| &mut app.import.picker,
        |_| {},
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
    conflicts_ui(app, ui);
}

const CONFLICT_THUMB: (u32, u32) = (150, 200);

/// Conflicts between stations, each with both photos side by side, the station, batch and time
/// under each, and a button to keep the other one (audited with the clerk's name).
fn conflicts_ui(app: &mut OfficeApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    if app.import.conflicts.is_none() {
        let cases = app.office.conflict_cases().map_err(|e| e.to_string());
        if let Ok(cases) = &cases {
            let files: Vec<(String, PathBuf)> = cases
                .iter()
                .flat_map(|c| [&c.kept.photo_sha256, &c.dropped.photo_sha256])
                .map(|sha| (sha.clone(), app.office.photo_path(sha)))
                .collect();
            app.import.conflict_thumbs = Some(Background::spawn(move || {
                files
                    .iter()
                    .filter_map(|(sha, path)| {
                        let img =
                            crate::imageio::load_rgb(path, crate::imageio::LoadLimits::default())
                                .ok()?;
                        let small =
                            image::imageops::thumbnail(&img, CONFLICT_THUMB.0, CONFLICT_THUMB.1);
                        Some((sha.clone(), small))
                    })
                    .collect()
            }));
        }
        app.import.conflicts = Some(cases);
    }
    match app.import.conflict_thumbs.as_mut().map(|b| b.get()) {
        Some(Some(thumbs)) => {
            for (sha, img) in thumbs.iter() {
                let key = format!("conflict/{sha}");
                if app.textures.contains_key(&key) {
                    continue;
                }
                let color = egui::ColorImage::from_rgb(
                    [img.width() as usize, img.height() as usize],
                    img.as_raw(),
                );
                let tex = ui
                    .ctx()
                    .load_texture(&key, color, egui::TextureOptions::LINEAR);
                app.textures.insert(key, tex);
            }
        }
        Some(None) => ui.ctx().request_repaint_after(Duration::from_millis(50)),
        None => {}
    }
    let cases = match &app.import.conflicts {
        Some(Ok(c)) if !c.is_empty() => c.clone(),
        Some(Err(e)) => {
            bad(ui, i18n::failed(lang, e));
            return;
        }
        _ => return,
    };
    ui.separator();
    ui.label(
        RichText::new(app.t(T::ConflictsTitle))
            .size(24.0)
            .strong()
            .color(theme::ACCENT),
    );
    ui.horizontal(|ui| {
        ui.label(RichText::new(app.t(T::ConflictClerk)).size(22.0));
        ui.add_sized(
            [240.0, 44.0],
            egui::TextEdit::singleline(&mut app.import.clerk)
                .font(egui::FontId::proportional(22.0)),
        );
    });
    let mut keep: Option<(i64, String)> = None;
    for c in &cases {
        ui.label(
            RichText::new(i18n::conflict_student(
                lang,
                &c.student_no,
                &c.name,
                &c.class_name,
            ))
            .size(22.0)
            .strong(),
        );
        if let Some(by) = &c.resolved_by {
            ui.label(
                RichText::new(i18n::conflict_chosen_by(lang, by))
                    .size(18.0)
                    .color(theme::MUTED),
            );
        }
        ui.horizontal_top(|ui| {
            for side in [&c.kept, &c.dropped] {
                // Fixed width, so the buttons stand still from one frame to the next.
                ui.allocate_ui_with_layout(
                    egui::vec2(300.0, 0.0),
                    egui::Layout::top_down(egui::Align::Min),
                    |ui| {
                        ui.set_width(300.0);
                        if let Some(sha) = side_ui(app, ui, c, side) {
                            keep = Some((c.id, sha));
                        }
                    },
                );
            }
        });
    }
    if let Some(e) = &app.import.conflict_error {
        bad(ui, i18n::failed(lang, e));
    }
    if let Some((id, sha)) = keep {
        let clerk = app.import.clerk.clone();
        match app
            .office
            .keep_conflict_photo(id, &sha, &clerk, chrono::Utc::now())
        {
            Ok(()) => {
                app.import.conflict_error = None;
                app.import.conflicts = None;
                // The Classes and First review pages show the chosen photo when opened.
                app.classes.report = None;
                app.review.items = None;
            }
            Err(e) => app.import.conflict_error = Some(e.to_string()),
        }
    }
}

/// One photo of a conflict; returns its digest when the clerk keeps it.
fn side_ui(
    app: &OfficeApp,
    ui: &mut egui::Ui,
    c: &ConflictCase,
    side: &ConflictSide,
) -> Option<String> {
    let lang = app.lang;
    let size = egui::vec2(CONFLICT_THUMB.0 as f32, CONFLICT_THUMB.1 as f32);
    match app.textures.get(&format!("conflict/{}", side.photo_sha256)) {
        Some(t) => {
            ui.add(egui::Image::new(t).fit_to_exact_size(size));
        }
        None => {
            ui.allocate_space(size);
        }
    }
    ui.label(RichText::new(&side.station).size(22.0).strong());
    ui.label(RichText::new(&side.batch).size(16.0).monospace());
    ui.label(RichText::new(i18n::confirmed_at(lang, &side.confirmed_at)).size(18.0));
    if c.current_sha256.as_deref() == Some(side.photo_sha256.as_str()) {
        ui.label(
            RichText::new(app.t(T::ConflictInUse))
                .size(22.0)
                .color(theme::GOOD),
        );
        None
    } else {
        let named = !app.import.clerk.trim().is_empty();
        let b =
            egui::Button::new(RichText::new(i18n::keep_photo_of(lang, &side.station)).size(20.0))
                .min_size(egui::vec2(0.0, 48.0));
        ui.add_enabled(named, b)
            .clicked()
            .then(|| side.photo_sha256.clone())
    }
}
