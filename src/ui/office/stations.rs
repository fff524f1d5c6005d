//! Trusted stations page: add a station's trust file (picked from the stick), the list of the
//! stations the office accepts batches from, and revoking one (a wrong trust file, a replaced
//! station key): named operator, a second click to confirm, an audit line in the office database.

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
    /// Who revokes (the audit names them).
    pub operator: String,
    /// The station whose Revoke was clicked once, waiting for the confirmation.
    pub confirm_revoke: Option<String>,
    /// The last revocation's outcome, in words.
    pub revoked: Option<Result<String, String>>,
}

impl Default for StationsView {
    fn default() -> Self {
        StationsView {
            picker: Picker::new(Files::Json),
            job: None,
            result: None,
            operator: String::new(),
            confirm_revoke: None,
            revoked: None,
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
    picker::listing_beside(
        ui,
        app,
        440.0,
        lang,
        !busy,
        |app| &mut app.stations.picker,
        |app| app.stations.result = None,
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
    let lang = app.lang;
    let stations = match app.office.trusted_stations() {
        Ok(k) => k,
        Err(e) => {
            bad(ui, e.to_string());
            return;
        }
    };
    match &app.stations.revoked {
        None => {}
        Some(Ok(line)) => {
            ui.label(RichText::new(line).size(20.0).color(theme::GOOD));
        }
        Some(Err(e)) => bad(ui, i18n::failed(lang, e)),
    }
    if stations.is_empty() {
        ui.label(RichText::new(app.t(T::NoStations)).size(22.0));
        return;
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new(app.t(T::RevokeOperator)).size(20.0));
        ui.add(egui::TextEdit::singleline(&mut app.stations.operator).desired_width(200.0));
    });
    let can_revoke = !app.stations.operator.trim().is_empty();
    let mut revoke: Option<String> = None;
    egui::Grid::new("stations")
        .striped(true)
        .spacing(egui::vec2(20.0, 8.0))
        .show(ui, |ui| {
            for k in [T::ColStation, T::ColFingerprint] {
                ui.label(RichText::new(app.t(k)).size(20.0).color(theme::MUTED));
            }
            ui.end_row();
            for k in &stations {
                ui.label(RichText::new(&k.station_id).size(22.0));
                ui.label(RichText::new(&k.fingerprint).size(20.0).monospace());
                if app.stations.confirm_revoke.as_deref() == Some(k.station_id.as_str()) {
                    if ui.button(app.t(T::ConfirmRevoke)).clicked() {
                        revoke = Some(k.station_id.clone());
                    }
                    if ui.button(app.t(T::CancelRevoke)).clicked() {
                        app.stations.confirm_revoke = None;
                    }
                } else if ui
                    .add_enabled(can_revoke, egui::Button::new(app.t(T::Revoke)))
                    .clicked()
                {
                    app.stations.confirm_revoke = Some(k.station_id.clone());
                }
                ui.end_row();
            }
        });
    if let Some(station) = revoke {
        app.stations.confirm_revoke = None;
        // One small SQLite transaction, like the list read above: no worker needed.
        let operator = app.stations.operator.clone();
        app.stations.revoked = Some(
            app.office
                .revoke_trusted(&station, &operator, chrono::Utc::now())
                .map(|t| i18n::revoked_station(lang, &t.station_id))
                .map_err(|e| e.to_string()),
        );
    }
}
