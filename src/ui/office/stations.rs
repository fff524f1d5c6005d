//! Trusted stations page: add a station's trust file (picked from the stick) and the list of the
//! stations the office accepts batches from. Revoking a station is the office core's to add;
//! this page lists what the office database exposes today.

use super::jobs;
use super::{OfficeApp, bad};
use crate::export::TrustedKey;
use crate::office::OfficeError;
use crate::ui::i18n::{self, T};
use crate::ui::job::{Job, Poll};
use crate::ui::picker::{self, Picker};
use crate::ui::roster_picker::Files;
use crate::ui::{theme, widgets};
use eframe::egui::{self, RichText};
use std::time::Duration;

#[derive(Debug)]
pub struct StationsView {
    pub picker: Picker,
    pub job: Option<Job<Result<TrustedKey, OfficeError>>>,
    pub result: Option<Result<TrustedKey, OfficeError>>,
}

impl Default for StationsView {
    fn default() -> Self {
        StationsView {
            picker: Picker::new(Files::Json),
            job: None,
            result: None,
        }
    }
}

pub fn ui(app: &mut OfficeApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let dir = app.dir();
    if let Some(job) = &app.stations.job {
        match job.poll() {
            Poll::Running { .. } => ui.ctx().request_repaint_after(Duration::from_millis(50)),
            Poll::Done(r) => {
                app.stations.job = None;
                app.stations.result = Some(r);
            }
            Poll::Lost => {
                app.stations.job = None;
                bad(ui, app.t(T::JobLost));
            }
        }
    }
    ui.label(RichText::new(app.t(T::TrustWhere)).size(22.0));
    if let Some(d) = picker::places_ui(&mut app.places, &dir, lang, ui) {
        app.stations.picker.open(d);
    }
    let busy = app.stations.job.is_some();
    picker::two_columns(
        ui,
        app,
        440.0,
        |app, ui, h| {
            if picker::listing_ui(&mut app.stations.picker, lang, !busy, 440.0, h, ui) {
                app.stations.result = None;
            }
        },
        |app, ui| {
            picker::chosen_ui(&app.stations.picker, lang, ui);
            let chosen = app.stations.picker.chosen.clone();
            if widgets::primary_button_ui(ui, app.t(T::TrustStation), chosen.is_some() && !busy)
                .clicked()
                && let Some(file) = chosen
            {
                let office_dir = dir.clone();
                let now = chrono::Utc::now();
                app.stations.result = None;
                app.stations.job = Some(Job::spawn(move |_| jobs::trust(&office_dir, &file, now)));
            }
            match &app.stations.result {
                None => {}
                Some(Ok(k)) => {
                    ui.label(
                        RichText::new(i18n::trusted_station(lang, &k.station_id, &k.fingerprint))
                            .size(22.0)
                            .color(theme::GOOD),
                    );
                }
                Some(Err(e)) => bad(ui, i18n::failed(lang, &e.to_string())),
            }
            ui.separator();
            list_ui(app, ui);
        },
    );
}

fn list_ui(app: &mut OfficeApp, ui: &mut egui::Ui) {
    let keys = match app.office.trusted_keys() {
        Ok(k) => k,
        Err(e) => {
            bad(ui, e.to_string());
            return;
        }
    };
    if keys.is_empty() {
        ui.label(RichText::new(app.t(T::NoStations)).size(22.0));
        return;
    }
    egui::Grid::new("stations")
        .striped(true)
        .spacing(egui::vec2(20.0, 8.0))
        .show(ui, |ui| {
            for k in [T::ColStation, T::ColFingerprint] {
                ui.label(RichText::new(app.t(k)).size(20.0).color(theme::MUTED));
            }
            ui.end_row();
            for k in &keys {
                ui.label(RichText::new(&k.station_id).size(22.0));
                ui.label(RichText::new(&k.fingerprint).size(20.0).monospace());
                ui.end_row();
            }
        });
}
