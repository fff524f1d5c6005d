//! Package page: choose where the upload package goes (a new folder there, named by the time),
//! write it with the print sheets on a worker, then its path and the counts.

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
}

impl Default for PackageView {
    fn default() -> Self {
        PackageView {
            picker: Picker::new(Files::None),
            job: None,
            result: None,
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
    ui.label(RichText::new(app.t(T::PackageWhere)).size(22.0));
    if let Some(d) = picker::places_ui(&mut app.places, &dir, lang, ui) {
        app.package.picker.open(d);
    }
    let busy = app.package.job.is_some();
    picker::two_columns(
        ui,
        app,
        440.0,
        |app, ui, h| {
            picker::listing_ui(&mut app.package.picker, lang, !busy, 440.0, h, ui);
        },
        |app, ui| {
            let dest = app.package.picker.folder().map(std::path::PathBuf::from);
            if let Some(d) = &dest {
                ui.label(
                    RichText::new(i18n::package_to(lang, &d.display().to_string())).size(22.0),
                );
            }
            if widgets::primary_button_ui(ui, app.t(T::WritePackage), dest.is_some() && !busy)
                .clicked()
                && let Some(d) = dest
            {
                let out = d.join(format!(
                    "tucai-upload-{}",
                    chrono::Local::now().format("%Y%m%d-%H%M%S")
                ));
                let office_dir = dir.clone();
                let print = app.config.print.clone();
                app.package.result = None;
                app.package.job = Some(Job::spawn(move |_| {
                    jobs::package(&office_dir, &out, &print)
                }));
            }
            if busy {
                ui.spinner();
                ui.label(RichText::new(app.t(T::Writing)).size(24.0));
            }
            match &app.package.result {
                None => {}
                Some(Ok(s)) => {
                    ui.label(
                        RichText::new(i18n::package_written(
                            lang,
                            &s.out.display().to_string(),
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
