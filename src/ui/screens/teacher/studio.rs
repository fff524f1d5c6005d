//! Studio photo tab: a photo taken elsewhere for the student picked on the board. The file is
//! loaded, made and checked on a worker (the station's lab, as `tucai photo add`); the made
//! photo and every failed check are shown, and only then is it saved as the student's draft by
//! the flow (`teacher_add_photo`), which decides and audits with the operator.

use super::super::super::app::{KioskApp, t};
use super::super::super::i18n::{self, T};
use super::super::super::roster_picker::Files;
use super::super::super::teacher_jobs::{self, Job, Poll};
use super::super::super::{theme, widgets};
use crate::check::CheckResult;
use crate::flow::{FlowError, MadePhoto};
use crate::lab::LabOutput;
use crate::store::StudentId;
use crate::ui::picker::{self, Picker};
use eframe::egui::{self, RichText};
use std::path::PathBuf;
use std::time::Duration;

/// The student the photo is for, as picked on the board.
#[derive(Debug, Clone)]
pub struct Pick {
    pub id: StudentId,
    pub student_no: String,
    pub name: String,
}

/// What the lab made of the file, with the picture to show.
pub struct Made {
    pub out: LabOutput,
    pub preview: Option<image::RgbImage>,
}

impl std::fmt::Debug for Made {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Made").finish_non_exhaustive()
    }
}

/// Where the tab is.
#[derive(Debug, Default)]
pub enum Outcome {
    #[default]
    None,
    /// Made and every check passed: waiting for Save.
    Ready,
    /// The flow refused it: the failed checks, and why no photo was made.
    Refused {
        failed: Vec<CheckResult>,
        make_error: Option<String>,
    },
    Saved,
    Error(String),
}

#[derive(Debug)]
pub struct StudioView {
    pub picker: Picker,
    pub student: Option<Pick>,
    pub job: Option<Job<Result<Made, String>>>,
    pub made: Option<Made>,
    pub outcome: Outcome,
}

impl Default for StudioView {
    fn default() -> Self {
        StudioView {
            picker: Picker::new(Files::Images),
            student: None,
            job: None,
            made: None,
            outcome: Outcome::None,
        }
    }
}

impl StudioView {
    /// A student picked on the board: what was shown for another one goes.
    pub fn pick(&mut self, student: Pick) {
        self.student = Some(student);
        self.made = None;
        self.outcome = Outcome::None;
    }
}

/// Texture key of the made photo (a `student/` key, so it goes when a student leaves too).
const TEXTURE: &str = "student/studio";

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let data_dir = app
        .admin
        .path()
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    poll(app, ui.ctx());
    ui.label(
        RichText::new(match &app.teacher.studio.student {
            Some(p) => i18n::studio_for(lang, &p.student_no, &p.name),
            None => t(app, T::StudioPickStudent).into(),
        })
        .size(26.0)
        .strong(),
    );
    if let Some(dir) = picker::places_ui(&mut app.teacher.places, &data_dir, lang, ui) {
        app.teacher.studio.picker.open(dir);
    }
    let busy = app.teacher.studio.job.is_some();
    picker::listing_beside(
        ui,
        app,
        460.0,
        lang,
        !busy,
        |app| &mut app.teacher.studio.picker,
        |app| {
            app.teacher.studio.made = None;
            app.teacher.studio.outcome = Outcome::None;
        },
        right_ui,
    );
}

fn poll(app: &mut KioskApp, ctx: &egui::Context) {
    let Some(job) = &app.teacher.studio.job else {
        return;
    };
    match job.poll() {
        Poll::Running { .. } => ctx.request_repaint_after(Duration::from_millis(50)),
        Poll::Lost => {
            app.teacher.studio.job = None;
            app.teacher.studio.outcome = Outcome::Error(t(app, T::JobLost).into());
        }
        Poll::Done(Err(why)) => {
            app.teacher.studio.job = None;
            app.teacher.studio.outcome = Outcome::Error(why);
        }
        Poll::Done(Ok(made)) => {
            app.teacher.studio.job = None;
            match &made.preview {
                Some(img) => {
                    let _ = app.texture(ctx, TEXTURE, img);
                }
                None => {
                    app.textures.remove(TEXTURE);
                }
            }
            // A photo the flow will refuse is refused (and audited) now, so what is shown is the
            // flow's own list; one that passes waits for the teacher's Save.
            let passes = made.out.photo_jpeg.is_some()
                && made.out.make_error.is_none()
                && made
                    .out
                    .report
                    .checks
                    .iter()
                    .all(|c| c.passed || c.id == crate::check::CheckId::Liveness);
            app.teacher.studio.made = Some(made);
            if passes {
                app.teacher.studio.outcome = Outcome::Ready;
            } else {
                save(app);
            }
        }
    }
}

/// Hands the made photo to the flow, which saves it as a draft or refuses it (both audited).
fn save(app: &mut KioskApp) {
    let (Some(student), Some(made)) = (
        app.teacher.studio.student.clone(),
        app.teacher.studio.made.as_ref(),
    ) else {
        return;
    };
    let photo = MadePhoto {
        report: made.out.report.clone(),
        original_jpeg: made.out.original_jpeg.clone(),
        photo_jpeg: made.out.photo_jpeg.clone(),
        make_error: made.out.make_error.clone(),
    };
    let op = super::operator(app);
    app.teacher.studio.outcome = match app.flow.teacher_add_photo(&op, student.id, photo) {
        Ok(_) => Outcome::Saved,
        Err(FlowError::PhotoRefused { failed, make_error }) => {
            Outcome::Refused { failed, make_error }
        }
        Err(e) => Outcome::Error(match e.refusal() {
            Some(why) => i18n::refusal(app.lang, why),
            None => e.to_string(),
        }),
    };
}

fn right_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    picker::chosen_ui(&app.teacher.studio.picker, lang, ui);
    let v = &app.teacher.studio;
    let can = v.student.is_some() && v.picker.chosen.is_some() && v.job.is_none();
    if widgets::primary_button_ui(ui, t(app, T::MakeAndCheck), can).clicked()
        && let (Some(student), Some(file)) = (
            app.teacher.studio.student.clone(),
            app.teacher.studio.picker.chosen.clone(),
        )
    {
        // What no photo could fix is refused before a second is spent on the face models.
        match app.flow.teacher_may_add_photo(student.id) {
            Ok(()) => {
                let lab = app.lab.clone();
                let v = &mut app.teacher.studio;
                v.made = None;
                v.outcome = Outcome::None;
                v.job = Some(Job::spawn(move |p| {
                    teacher_jobs::make_studio_photo(&file, &lab, p).map(|out| {
                        let preview = out
                            .photo_jpeg
                            .as_ref()
                            .and_then(|j| image::load_from_memory(j).ok())
                            .map(|i| i.to_rgb8());
                        Made { out, preview }
                    })
                }));
            }
            Err(e) => {
                app.teacher.studio.outcome = Outcome::Error(match e.refusal() {
                    Some(why) => i18n::refusal(lang, why),
                    None => e.to_string(),
                })
            }
        }
    }
    if let Some(job) = &app.teacher.studio.job {
        widgets::job_progress_ui(ui, job.progress.get(), 420.0, t(app, T::StudioWorking));
    }
    let tex = app.textures.get(TEXTURE).cloned();
    let mut save_now = false;
    ui.horizontal_top(|ui| {
        if app.teacher.studio.made.is_some()
            && let Some(tex) = &tex
        {
            ui.add(egui::Image::new(tex).fit_to_exact_size(egui::vec2(150.0, 200.0)));
        }
        ui.vertical(|ui| match &app.teacher.studio.outcome {
            Outcome::None => {}
            Outcome::Ready => {
                ui.label(
                    RichText::new(t(app, T::StudioPassed))
                        .size(24.0)
                        .color(theme::GOOD),
                );
                save_now = widgets::primary_button_ui(ui, t(app, T::SaveDraft), true).clicked();
            }
            Outcome::Saved => {
                let no = app
                    .teacher
                    .studio
                    .student
                    .as_ref()
                    .map(|s| s.student_no.clone())
                    .unwrap_or_default();
                ui.label(
                    RichText::new(i18n::studio_saved(lang, &no))
                        .size(24.0)
                        .color(theme::GOOD),
                );
            }
            Outcome::Refused { failed, make_error } => {
                ui.label(
                    RichText::new(t(app, T::StudioFailed))
                        .size(24.0)
                        .color(theme::BAD),
                );
                egui::ScrollArea::vertical()
                    .id_salt("studio_failed")
                    .max_height(ui.available_height())
                    .show(ui, |ui| {
                        if let Some(why) = make_error {
                            ui.label(
                                RichText::new(i18n::no_standard_photo(lang, why))
                                    .size(20.0)
                                    .color(theme::BAD),
                            );
                        }
                        for c in failed {
                            let hint = lang.pick(&c.hint_zh, &c.hint_en);
                            ui.label(RichText::new(format!("✘ {hint}")).size(20.0));
                        }
                    });
            }
            Outcome::Error(why) => {
                ui.label(
                    RichText::new(i18n::failed(lang, why))
                        .size(22.0)
                        .color(theme::BAD),
                );
            }
        });
    });
    if save_now {
        save(app);
    }
}
