//! Package page: choose the classes and where the upload package goes (a new folder there, named
//! by the time), write it with the print sheets on a worker with a progress bar (photos copied,
//! sheets drawn), then its path and the counts.

use super::jobs;
use super::{OfficeApp, bad};
use crate::office::{OfficeError, PackageSummary};
use crate::ui::i18n::{self, T};
use crate::ui::job::{Job, Poll};
use crate::ui::picker::{self, Picker};
use crate::ui::roster_picker::Files;
use crate::ui::{theme, widgets};
use eframe::egui::{self, RichText};
use std::time::Duration;

#[derive(Debug)]
pub struct PackageView {
    pub picker: Picker,
    pub job: Option<Job<Result<PackageSummary, OfficeError>>>,
    pub result: Option<Result<PackageSummary, OfficeError>>,
    /// Every class with its confirmed photos (read when the page opens), and which are chosen.
    pub classes: Option<Vec<(String, usize, bool)>>,
    /// How many classes the last package was written for.
    pub written_classes: usize,
}

impl Default for PackageView {
    fn default() -> Self {
        PackageView {
            picker: Picker::new(Files::None),
            job: None,
            result: None,
            classes: None,
            written_classes: 0,
        }
    }
}

pub fn ui(app: &mut OfficeApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let dir = app.dir();
    if let Some(job) = &app.package.job {
        match job.poll() {
            Poll::Running { .. } => ui.ctx().request_repaint_after(Duration::from_millis(50)),
            Poll::Done(r) => {
                app.package.job = None;
                app.package.result = Some(r);
                app.package.picker.reload();
            }
            Poll::Lost => {
                app.package.job = None;
                bad(ui, app.t(T::JobLost));
            }
        }
    }
    if app.package.classes.is_none() {
        // Classes with at least one confirmed photo, all chosen to start with.
        let classes = crate::office::class_report(&app.office)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| !c.confirmed.is_empty())
            .map(|c| (c.class_name, c.confirmed.len(), true))
            .collect();
        app.package.classes = Some(classes);
    }
    let busy = app.package.job.is_some();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(app.t(T::PackageClasses)).size(22.0));
        for (name, n, on) in app.package.classes.iter_mut().flatten() {
            let b = egui::Button::selectable(
                *on,
                RichText::new(i18n::class_photos(lang, name, *n)).size(20.0),
            )
            // A class left out still looks like a button to tap.
            .frame_when_inactive(true)
            .min_size(egui::vec2(0.0, 44.0));
            if ui.add_enabled(!busy, b).clicked() {
                *on = !*on;
            }
        }
    });
    ui.label(RichText::new(app.t(T::PackageWhere)).size(22.0));
    if let Some(d) = picker::places_ui(&mut app.places, &dir, lang, ui) {
        app.package.picker.open(d);
    }
    picker::listing_beside(
        ui,
        app,
        440.0,
        lang,
        !busy,
        |app| &mut app.package.picker,
        |_| {},
        |app, ui| {
            let dest = app.package.picker.folder().map(std::path::PathBuf::from);
            if let Some(d) = &dest {
                ui.label(
                    RichText::new(i18n::package_to(lang, &d.display().to_string())).size(22.0),
                );
            }
            let chosen: Vec<String> = app
                .package
                .classes
                .iter()
                .flatten()
                .filter(|(_, _, on)| *on)
                .map(|(name, _, _)| name.clone())
                .collect();
            if chosen.is_empty() {
                ui.label(
                    RichText::new(app.t(T::NoClassChosen))
                        .size(20.0)
                        .color(theme::MUTED),
                );
            }
            let ready = dest.is_some() && !busy && !chosen.is_empty();
            if widgets::primary_button_ui(ui, app.t(T::WritePackage), ready).clicked()
                && let Some(d) = dest
            {
                let out = d.join(format!(
                    "tucai-upload-{}",
                    chrono::Local::now().format("%Y%m%d-%H%M%S")
                ));
                let office_dir = dir.clone();
                let print = app.config.print.clone();
                app.package.result = None;
                app.package.written_classes = chosen.len();
                app.package.job = Some(Job::spawn(move |p| {
                    jobs::package(&office_dir, &out, &print, &chosen, p)
                }));
            }
            if let Some(job) = &app.package.job {
                let (done, total) = job.progress.get();
                widgets::job_progress_ui(
                    ui,
                    (done, total),
                    560.0,
                    &i18n::packaging(lang, done, total),
                );
            }
            match &app.package.result {
                None => {}
                Some(Ok(s)) => {
                    ui.label(
                        RichText::new(i18n::package_written(
                            lang,
                            &s.out.display().to_string(),
                            app.package.written_classes,
                            s.photos,
                            s.sheets.unwrap_or(0),
                        ))
                        .size(24.0)
                        .color(theme::GOOD),
                    );
                }
                Some(Err(e)) => bad(ui, i18n::failed(lang, &e.to_string())),
            }
        },
    );
}
