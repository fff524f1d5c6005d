//! Export tab: pick a USB stick (or a folder on it), export the session there on a worker with
//! the count, read back and verified; the result in words, a full or pulled-out stick said as
//! such with Retry; the station's trust file offered on the same stick; and, once the office's
//! receipt is on the stick, the purge of the session's personal data after a confirmation that
//! names the class and the count. The work is [`crate::ui::teacher_jobs`]'.

use super::super::super::app::{KioskApp, t};
use super::super::super::i18n::{self, Lang, T};
use super::super::super::roster_picker::{Background, Files, Place};
use super::super::super::teacher_jobs::{
    self, ExportFailure, Exported, Job, Poll, ReceiptStatus, StickJobRequest,
};
use super::super::super::{theme, widgets};
use crate::export::purge::PurgeOutcome;
use crate::ui::picker::{self, Picker};
use eframe::egui::{self, RichText};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the tab knows about the destination shown, read on a thread when it changes.
#[derive(Debug, Clone)]
pub struct DestInfo {
    pub receipt: Result<ReceiptStatus, String>,
    pub trust_present: bool,
}

/// A purge that went through, with what the confirmation named.
#[derive(Debug)]
pub struct Purged {
    pub class_name: String,
    pub outcome: PurgeOutcome,
}

/// View state of the export tab.
#[derive(Debug)]
pub struct ExportView {
    pub picker: Picker,
    pub job: Option<Job<Result<Exported, ExportFailure>>>,
    /// The last export's result and where it went.
    pub result: Option<(PathBuf, Result<Exported, ExportFailure>)>,
    pub trust: Option<Result<PathBuf, ExportFailure>>,
    pub info: Option<(PathBuf, Background<DestInfo>)>,
    /// The purge confirmation is open: (class, students) it names.
    pub confirm_purge: Option<(String, u32)>,
    pub purge_job: Option<Job<Result<Purged, ExportFailure>>>,
    pub purged: Option<Result<Purged, ExportFailure>>,
}

impl Default for ExportView {
    fn default() -> Self {
        ExportView {
            picker: Picker::new(Files::None),
            job: None,
            result: None,
            trust: None,
            info: None,
            confirm_purge: None,
            purge_job: None,
            purged: None,
        }
    }
}

/// The destination as a teacher names it: "U 盘 KINGSTON" (and the folder in it), else the path.
pub fn describe(lang: Lang, places: &[Place], dest: &Path) -> String {
    for p in places {
        if p.is_stick()
            && let Ok(rest) = dest.strip_prefix(p.path())
        {
            let name = picker::place_name(lang, p);
            return if rest.as_os_str().is_empty() {
                name
            } else {
                format!("{name}/{}", rest.display())
            };
        }
    }
    dest.display().to_string()
}

fn failure_text(lang: Lang, place: &str, e: &ExportFailure) -> String {
    match e {
        ExportFailure::Gone(_) => i18n::destination_gone(lang, place),
        ExportFailure::Full(_) => i18n::destination_full(lang, place),
        ExportFailure::NothingConfirmed => i18n::tr(lang, T::NothingConfirmed).into(),
        ExportFailure::Verify { why, .. } => i18n::verify_failed(lang, why),
        e => i18n::failed(lang, &e.to_string()),
    }
}

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let data_dir = app
        .admin
        .path()
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let station_id = app.config.station.id.clone();
    poll(app, ui.ctx());
    ui.label(
        RichText::new(t(app, T::ExportWhere))
            .size(20.0)
            .color(theme::MUTED),
    );
    let tapped = picker::places_ui(&mut app.teacher.places, &data_dir, lang, ui);
    // A station on the campus network exports to the office's shared folder without a stick.
    let shared = picker::share_ui(&app.config.export.destination, lang, ui);
    if let Some(dir) = tapped.or(shared) {
        // Tapping the stick again reads it again (the office may have put its receipt there).
        app.teacher.export.picker.open(dir);
        app.teacher.export.info = None;
    }
    let places: Vec<Place> = app
        .teacher
        .places
        .as_mut()
        .and_then(|b| b.get())
        .cloned()
        .unwrap_or_default();
    // What the destination holds (the receipt, the trust file) is read again when it changes.
    let dest = app.teacher.export.picker.folder().map(Path::to_path_buf);
    let stale = match (&dest, &app.teacher.export.info) {
        (Some(d), Some((shown, _))) => d != shown,
        (Some(_), None) => true,
        _ => false,
    };
    if stale && let (Some(d), Some(session)) = (dest.clone(), app.session()) {
        refresh_info(app, d, session);
    }
    let busy = app.teacher.export.job.is_some() || app.teacher.export.purge_job.is_some();
    let info = app
        .teacher
        .export
        .info
        .as_mut()
        .and_then(|(_, b)| b.get())
        .cloned();
    picker::listing_beside(
        ui,
        app,
        400.0,
        lang,
        !busy,
        |app| &mut app.teacher.export.picker,
        |_| {},
        |app, ui| {
            // Export and the trust file in the middle, the receipt and the purge on the right:
            // everything a teacher needs is on one 1280×800 screen, nothing scrolled away.
            let height = ui.available_height();
            ui.horizontal_top(|ui| {
                ui.allocate_ui_with_layout(
                    egui::vec2(420.0, height),
                    egui::Layout::top_down(egui::Align::Min),
                    |ui| {
                        egui::ScrollArea::vertical()
                            .id_salt("export_mid")
                            .max_height(height)
                            .show(ui, |ui| {
                                let here = Here {
                                    places: &places,
                                    dest: dest.as_deref(),
                                    info: info.as_ref(),
                                    data_dir: &data_dir,
                                    station_id: &station_id,
                                };
                                right_ui(app, ui, &here);
                            });
                    },
                );
                ui.separator();
                ui.vertical(|ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("export_purge")
                        .max_height(height)
                        .show(ui, |ui| {
                            purge_ui(app, ui, info.as_ref(), dest.as_deref());
                        });
                });
            });
        },
    );
}

/// What the export and the purge job need to work on `dest` for `session`, away from the app.
fn stick_request(app: &KioskApp, session: crate::store::SessionId, dest: &Path) -> StickJobRequest {
    StickJobRequest {
        db: app.admin.path().to_path_buf(),
        station_id: app.config.station.id.clone(),
        session,
        operator: super::operator(app),
        dest: dest.to_path_buf(),
        now: app.now(),
    }
}

fn refresh_info(app: &mut KioskApp, dest: PathBuf, session: crate::store::SessionId) {
    let station_id = app.config.station.id.clone();
    let d = dest.clone();
    app.teacher.export.info = Some((
        dest,
        Background::spawn(move || DestInfo {
            receipt: teacher_jobs::receipt_status(&d, &station_id, session)
                .map_err(|e| e.to_string()),
            trust_present: d.join(teacher_jobs::trust_file_name(&station_id)).is_file(),
        }),
    ));
}

fn poll(app: &mut KioskApp, ctx: &egui::Context) {
    let v = &mut app.teacher.export;
    if let Some(job) = &v.job {
        match job.poll() {
            Poll::Running { .. } => ctx.request_repaint_after(Duration::from_millis(50)),
            Poll::Done(r) => {
                let dest = v.picker.folder().map(Path::to_path_buf).unwrap_or_default();
                v.job = None;
                v.result = Some((dest, r));
                v.picker.reload();
                v.info = None;
            }
            Poll::Lost => {
                v.job = None;
                v.result = None;
                app.teacher.message = Some(t(app, T::JobLost).into());
            }
        }
    }
    let v = &mut app.teacher.export;
    if let Some(job) = &v.purge_job {
        match job.poll() {
            Poll::Running { .. } => ctx.request_repaint_after(Duration::from_millis(50)),
            Poll::Done(r) => {
                v.purge_job = None;
                v.purged = Some(r);
                v.info = None;
            }
            Poll::Lost => {
                v.purge_job = None;
                app.teacher.message = Some(t(app, T::JobLost).into());
            }
        }
    }
}

/// What the export column works on, gathered once a frame.
struct Here<'a> {
    places: &'a [Place],
    dest: Option<&'a Path>,
    info: Option<&'a DestInfo>,
    data_dir: &'a Path,
    station_id: &'a str,
}

fn right_ui(app: &mut KioskApp, ui: &mut egui::Ui, here: &Here<'_>) {
    let Here {
        places,
        dest,
        info,
        data_dir,
        station_id,
    } = *here;
    let lang = app.lang;
    let session = app.session();
    let place = dest.map(|d| describe(lang, places, d));
    ui.label(
        RichText::new(match &place {
            Some(p) => i18n::export_to(lang, p),
            None => t(app, T::NoDestination).into(),
        })
        .size(24.0)
        .strong(),
    );
    if session.is_none() {
        ui.label(RichText::new(t(app, T::NoSession)).size(22.0));
    }
    let v = &app.teacher.export;
    let busy = v.job.is_some() || v.purge_job.is_some();
    let failed_last = matches!(&v.result, Some((_, Err(_))));
    let label = if failed_last {
        t(app, T::Retry)
    } else {
        t(app, T::ExportButton)
    };
    let can = session.is_some() && dest.is_some() && !busy;
    if widgets::primary_button_ui(ui, label, can).clicked()
        && let (Some(session), Some(dest)) = (session, dest)
    {
        let req = stick_request(app, session, dest);
        let v = &mut app.teacher.export;
        v.result = None;
        v.trust = None;
        v.purged = None;
        v.job = Some(Job::spawn(move |p| teacher_jobs::export_to_folder(&req, p)));
    }
    let v = &app.teacher.export;
    if let Some(job) = &v.job {
        let (done, total) = job.progress.get();
        widgets::job_progress_ui(
            ui,
            (done, total),
            560.0,
            &i18n::exporting(lang, done, total),
        );
    }
    let mut offer_trust = false;
    if let Some((to, result)) = &v.result {
        let place = describe(lang, places, to);
        match result {
            Ok(Exported::Written {
                batch,
                students,
                missing,
                verified_files,
            }) => {
                ui.label(
                    RichText::new(i18n::exported(
                        lang,
                        *students,
                        &place,
                        batch,
                        *verified_files,
                    ))
                    .size(24.0)
                    .color(theme::GOOD),
                );
                if *missing > 0 {
                    ui.label(RichText::new(i18n::still_missing(lang, *missing)).size(22.0));
                }
                offer_trust = true;
            }
            Ok(Exported::NoChange { batch }) => {
                ui.label(
                    RichText::new(i18n::nothing_new(lang, batch))
                        .size(26.0)
                        .color(theme::ACCENT),
                );
                offer_trust = true;
            }
            Err(e) => {
                ui.label(
                    RichText::new(failure_text(lang, &place, e))
                        .size(24.0)
                        .color(theme::BAD),
                );
            }
        }
    }
    // The trust file once per stick: only while the stick shown does not have it yet.
    let trust_missing = info.is_some_and(|i| !i.trust_present);
    if offer_trust && (trust_missing || app.teacher.export.trust.is_some()) {
        ui.separator();
        match &app.teacher.export.trust {
            Some(Ok(path)) => {
                ui.label(
                    RichText::new(i18n::trust_written(lang, &path.display().to_string()))
                        .size(22.0)
                        .color(theme::GOOD),
                );
            }
            other => {
                if let Some(Err(e)) = other {
                    let place = place.clone().unwrap_or_default();
                    ui.label(
                        RichText::new(failure_text(lang, &place, e))
                            .size(22.0)
                            .color(theme::BAD),
                    );
                }
                ui.label(RichText::new(t(app, T::OfferTrust)).size(22.0));
                if widgets::big_button_ui(ui, t(app, T::WriteTrust), !busy).clicked()
                    && let Some(dest) = dest
                {
                    let r = teacher_jobs::write_trust_file(data_dir, station_id, dest);
                    if r.is_ok() {
                        super::audit(app, "key.trust_file", "");
                    }
                    app.teacher.export.trust = Some(r);
                    app.teacher.export.picker.reload();
                }
            }
        }
    }
    // The office works on its own PC; in the demo both sit on this one, so the whole job can be
    // walked with clicks: the office window opens beside the kiosk over `<data>/office`.
    if app.demo {
        ui.add_space(12.0);
        if widgets::big_button_ui(ui, t(app, T::DemoOpenOffice), true).clicked() {
            let data_dir = app.flow.store().data_dir().to_path_buf();
            app.teacher.message = Some(match crate::ui::demo::open_office_window(&data_dir) {
                Ok(()) => t(app, T::DemoOfficeOpened).into(),
                Err(e) => format!("{}: {e}", t(app, T::DemoOfficeFailed)),
            });
        }
    }
}

fn purge_ui(app: &mut KioskApp, ui: &mut egui::Ui, info: Option<&DestInfo>, dest: Option<&Path>) {
    let lang = app.lang;
    ui.label(
        RichText::new(t(app, T::PurgeTitle))
            .size(20.0)
            .color(theme::MUTED),
    );
    let Some(session) = app.session() else {
        return;
    };
    let mut receipt_here = false;
    match info.map(|i| &i.receipt) {
        None if dest.is_some() => {
            ui.label(RichText::new(t(app, T::Reading)).size(22.0));
            ui.ctx().request_repaint_after(Duration::from_millis(50));
        }
        None => {}
        Some(Ok(ReceiptStatus::NoBatch)) => {
            ui.label(RichText::new(t(app, T::ReceiptNone)).size(22.0));
        }
        Some(Ok(ReceiptStatus::NoReceipt { batch })) => {
            ui.label(RichText::new(i18n::receipt_missing(lang, batch)).size(22.0));
        }
        Some(Ok(ReceiptStatus::Present { batch })) => {
            receipt_here = true;
            ui.label(
                RichText::new(i18n::receipt_present(lang, batch))
                    .size(22.0)
                    .color(theme::GOOD),
            );
        }
        Some(Err(why)) => {
            ui.label(
                RichText::new(i18n::failed(lang, why))
                    .size(22.0)
                    .color(theme::BAD),
            );
        }
    }
    let busy = app.teacher.export.job.is_some() || app.teacher.export.purge_job.is_some();
    if let Some((class, n)) = app.teacher.export.confirm_purge.clone() {
        let mut yes = false;
        let mut no = false;
        egui::Frame::new()
            .stroke(egui::Stroke::new(2.0, theme::BAD))
            .inner_margin(8.0)
            .show(ui, |ui| {
                ui.label(
                    RichText::new(i18n::purge_confirm(lang, &class, n))
                        .size(21.0)
                        .strong()
                        .color(theme::BAD),
                );
                // Small enough for the narrow column: both buttons in view.
                let button = |ui: &mut egui::Ui, text: &str, enabled: bool| {
                    ui.add_enabled(
                        enabled,
                        egui::Button::new(RichText::new(text).size(24.0))
                            .min_size(egui::vec2(130.0, 56.0)),
                    )
                    .clicked()
                };
                ui.horizontal(|ui| {
                    no = button(ui, t(app, T::Cancel), true);
                    yes = button(ui, t(app, T::PurgeYes), !busy);
                });
            });
        if no {
            app.teacher.export.confirm_purge = None;
        } else if yes && let Some(dest) = dest {
            let req = stick_request(app, session, dest);
            let v = &mut app.teacher.export;
            v.confirm_purge = None;
            v.purged = None;
            v.purge_job = Some(Job::spawn(move |_| {
                teacher_jobs::purge(&req).map(|outcome| Purged {
                    class_name: class,
                    outcome,
                })
            }));
        }
    } else if widgets::big_button_ui(ui, t(app, T::PurgeButton), receipt_here && !busy).clicked() {
        match app.admin.session(session) {
            Ok(s) => app.teacher.export.confirm_purge = Some((s.class_name, s.students)),
            Err(e) => app.teacher.message = Some(e.to_string()),
        }
    }
    match &app.teacher.export.purged {
        None => {}
        Some(Ok(p)) => {
            ui.label(
                RichText::new(i18n::purged(
                    lang,
                    &p.class_name,
                    p.outcome.rows.students,
                    p.outcome.files_deleted,
                ))
                .size(24.0)
                .color(theme::GOOD),
            );
        }
        Some(Err(e)) => {
            ui.label(
                RichText::new(i18n::failed(lang, &e.to_string()))
                    .size(22.0)
                    .color(theme::BAD),
            );
        }
    }
}
