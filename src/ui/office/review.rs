//! First review page (学校初审): each confirmed photo large, approve or reject with a reason from
//! the list (or typed); the decisions are the office core's (stored and logged there). The rejects
//! are written as a reset list onto a stick, which a station imports like the provincial one.

use super::{OfficeApp, bad};
use crate::office::OfficeError;
use crate::office::first_review::{REASONS, ReviewItem};
use crate::ui::i18n::{self, T};
use crate::ui::job::{Job, Poll};
use crate::ui::picker;
use crate::ui::roster_picker::{Background, Place};
use crate::ui::{theme, widgets};
use eframe::egui::{self, RichText};
use std::path::PathBuf;
use std::time::Duration;

/// The reject list written (its file and how many students), `None` when there was none.
pub type Written = Result<Option<(PathBuf, usize)>, OfficeError>;

#[derive(Debug, Default)]
pub struct ReviewView {
    pub clerk: String,
    pub typed_reason: String,
    /// Read when the page opens and after each decision.
    pub items: Option<Result<Vec<ReviewItem>, String>>,
    pub selected: Option<String>,
    /// The selected photo, decoded on a thread: (digest, picture).
    pub photo: Option<(String, Background<Option<image::RgbImage>>)>,
    pub job: Option<Job<Written>>,
    pub written: Option<Written>,
    pub error: Option<String>,
    /// The teacher's checklist ticks on each current photo, read with the items.
    pub ticks: std::collections::HashMap<String, Vec<(String, String)>>,
}

const PHOTO: (f32, f32) = (270.0, 360.0);

pub fn ui(app: &mut OfficeApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    poll(app, ui.ctx());
    if app.review.items.is_none() {
        app.review.items = Some(app.office.review_items().map_err(|e| e.to_string()));
        app.review.ticks = app.office.manual_checks().unwrap_or_default();
    }
    let items = match &app.review.items {
        Some(Ok(items)) => items.clone(),
        Some(Err(e)) => {
            bad(ui, e.clone());
            return;
        }
        None => return,
    };
    if items.is_empty() {
        ui.label(RichText::new(app.t(T::NoPhotosToReview)).size(24.0));
        return;
    }
    if app.review.selected.is_none() {
        app.review.selected =
            first_undecided(&items, None).or(items.first().map(|i| i.student_no.clone()));
    }
    let decided = items.iter().filter(|i| i.decision.is_some()).count();
    let rejected = items
        .iter()
        .filter(|i| i.decision.as_ref().is_some_and(|d| !d.approved))
        .count();
    ui.horizontal(|ui| {
        ui.label(RichText::new(app.t(T::ClerkField)).size(24.0));
        ui.add_sized(
            [240.0, 44.0],
            egui::TextEdit::singleline(&mut app.review.clerk)
                .font(egui::FontId::proportional(24.0)),
        );
        ui.add_space(20.0);
        ui.label(
            RichText::new(i18n::review_progress(lang, decided, items.len(), rejected))
                .size(24.0)
                .strong(),
        );
    });
    // The reject list goes onto a stick from here, in view whatever photo is shown.
    reset_list_ui(app, ui);
    let height = ui.available_height();
    ui.horizontal_top(|ui| {
        ui.allocate_ui_with_layout(
            egui::vec2(360.0, height),
            egui::Layout::top_down(egui::Align::Min),
            |ui| list_ui(app, ui, &items, height),
        );
        ui.separator();
        let current = items
            .iter()
            .find(|i| Some(&i.student_no) == app.review.selected.as_ref())
            .cloned();
        if let Some(item) = current {
            ui.vertical(|ui| photo_ui(app, ui, &item));
            ui.vertical(|ui| {
                egui::ScrollArea::vertical()
                    // One scroll position per photo: the next photo starts at the top.
                    .id_salt(("review_right", &item.student_no))
                    .max_height(height)
                    .show(ui, |ui| decide_ui(app, ui, &item, &items));
            });
        }
    });
}

fn poll(app: &mut OfficeApp, ctx: &egui::Context) {
    let Some(job) = &app.review.job else {
        return;
    };
    match job.poll() {
        Poll::Running { .. } => ctx.request_repaint_after(Duration::from_millis(50)),
        Poll::Done(r) => {
            app.review.job = None;
            app.review.written = Some(r);
        }
        Poll::Lost => {
            app.review.job = None;
            app.review.error = Some(app.t(T::JobLost).into());
        }
    }
}

fn first_undecided(items: &[ReviewItem], after: Option<&str>) -> Option<String> {
    let start = after
        .and_then(|no| items.iter().position(|i| i.student_no == no))
        .map_or(0, |p| p + 1);
    items[start.min(items.len())..]
        .iter()
        .chain(items.iter())
        .find(|i| i.decision.is_none() && Some(i.student_no.as_str()) != after)
        .map(|i| i.student_no.clone())
}

fn state_text(app: &OfficeApp, item: &ReviewItem) -> (String, egui::Color32) {
    match &item.decision {
        None => (app.t(T::ReviewPending).into(), theme::MUTED),
        Some(d) if d.approved => (app.t(T::ReviewApproved).into(), theme::GOOD),
        Some(d) => (
            format!("{} {}", app.t(T::ReviewRejected), d.reason),
            theme::BAD,
        ),
    }
}

fn list_ui(app: &mut OfficeApp, ui: &mut egui::Ui, items: &[ReviewItem], height: f32) {
    egui::ScrollArea::vertical()
        .id_salt("review_list")
        .max_height(height)
        .show(ui, |ui| {
            for item in items {
                let (state, color) = state_text(app, item);
                let selected = app.review.selected.as_ref() == Some(&item.student_no);
                let text = RichText::new(format!("{} {} · {}", item.student_no, item.name, state))
                    .size(20.0)
                    .color(color);
                if ui
                    .add(egui::Button::selectable(selected, text).min_size(egui::vec2(340.0, 48.0)))
                    .clicked()
                {
                    app.review.selected = Some(item.student_no.clone());
                }
            }
        });
}

fn photo_ui(app: &mut OfficeApp, ui: &mut egui::Ui, item: &ReviewItem) {
    let stale = app
        .review
        .photo
        .as_ref()
        .is_none_or(|(sha, _)| *sha != item.photo_sha256);
    if stale {
        let path = app.office.photo_path(&item.photo_sha256);
        app.review.photo = Some((
            item.photo_sha256.clone(),
            Background::spawn(move || {
                crate::imageio::load_rgb(&path, crate::imageio::LoadLimits::default()).ok()
            }),
        ));
    }
    let key = format!("review/{}", item.photo_sha256);
    if !app.textures.contains_key(&key)
        && let Some((_, bg)) = app.review.photo.as_mut()
    {
        match bg.get() {
            None => ui.ctx().request_repaint_after(Duration::from_millis(50)),
            Some(None) => bad(ui, i18n::failed(app.lang, &item.photo_sha256)),
            Some(Some(img)) => {
                let color = egui::ColorImage::from_rgb(
                    [img.width() as usize, img.height() as usize],
                    img.as_raw(),
                );
                let tex = ui
                    .ctx()
                    .load_texture(&key, color, egui::TextureOptions::LINEAR);
                // Only the photo under review is kept: a class of photos is not held at once.
                app.textures.retain(|k, _| !k.starts_with("review/"));
                app.textures.insert(key.clone(), tex);
            }
        }
    }
    ui.label(
        RichText::new(format!(
            "{} {} · {}",
            item.student_no, item.name, item.class_name
        ))
        .size(22.0)
        .strong(),
    );
    match app.textures.get(&key) {
        Some(tex) => {
            ui.add(egui::Image::new(tex).fit_to_exact_size(egui::vec2(PHOTO.0, PHOTO.1)));
        }
        None => {
            ui.allocate_space(egui::vec2(PHOTO.0, PHOTO.1));
        }
    }
}

fn decide_ui(app: &mut OfficeApp, ui: &mut egui::Ui, item: &ReviewItem, items: &[ReviewItem]) {
    let lang = app.lang;
    let (state, color) = state_text(app, item);
    ui.label(RichText::new(state).size(24.0).color(color));
    checklist_ui(app, ui, item);
    let mut decision: Option<(bool, String)> = None;
    if widgets::primary_button_ui(ui, app.t(T::Approve), true).clicked() {
        decision = Some((true, String::new()));
    }
    ui.horizontal_wrapped(|ui| {
        for (zh, en) in REASONS {
            let text = i18n::reject_with(lang, lang.pick(zh, en));
            if ui
                .add(
                    egui::Button::new(RichText::new(text).size(20.0).color(theme::BAD))
                        .min_size(egui::vec2(0.0, 44.0)),
                )
                .clicked()
            {
                // The student reads the reason in Chinese at the station, whatever the clerk's
                // screen shows.
                decision = Some((false, (*zh).to_string()));
            }
        }
    });
    ui.horizontal(|ui| {
        ui.add_sized(
            [220.0, 44.0],
            egui::TextEdit::singleline(&mut app.review.typed_reason)
                .font(egui::FontId::proportional(22.0)),
        );
        let typed = app.review.typed_reason.trim().to_string();
        if ui
            .add_enabled(
                !typed.is_empty(),
                egui::Button::new(RichText::new(app.t(T::RejectTyped)).size(20.0)),
            )
            .clicked()
        {
            decision = Some((false, typed));
        }
    });
    if let Some((approved, reason)) = decision {
        let clerk = app.review.clerk.clone();
        match app.office.decide(
            &item.student_no,
            approved,
            &reason,
            &clerk,
            chrono::Utc::now(),
        ) {
            Ok(()) => {
                app.review.error = None;
                app.review.typed_reason.clear();
                app.review.items = None;
                app.review.written = None;
                app.review.selected = first_undecided(items, Some(&item.student_no))
                    .or(Some(item.student_no.clone()));
            }
            Err(e) => app.review.error = Some(e.to_string()),
        }
    }
    if let Some(e) = &app.review.error {
        bad(ui, i18n::failed(lang, e));
    }
}

/// What the teacher looked at on this photo at the station (SPEC §4, no machine judges it),
/// above the decision buttons.
fn checklist_ui(app: &OfficeApp, ui: &mut egui::Ui, item: &ReviewItem) {
    // One line per item, never wrapped: a wrap that changes with the column's width from one
    // frame to the next would move the buttons below under a click.
    ui.add(
        egui::Label::new(
            RichText::new(app.t(T::TeacherChecklist))
                .size(20.0)
                .color(theme::MUTED),
        )
        .extend(),
    );
    let ticks = app.review.ticks.get(&item.student_no);
    for item_id in crate::store::MANUAL_ITEMS {
        let by = ticks
            .and_then(|t| t.iter().find(|(i, _)| i == item_id))
            .map(|(_, by)| by.as_str());
        let color = if by.is_some() {
            theme::GOOD
        } else {
            theme::MUTED
        };
        ui.add(
            egui::Label::new(
                RichText::new(i18n::manual_line(app.lang, item_id, by))
                    .size(20.0)
                    .color(color),
            )
            .extend(),
        );
    }
}

fn reset_list_ui(app: &mut OfficeApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let dir = app.dir();
    picker::ensure_places(&mut app.places, &dir);
    let places: Vec<Place> = app
        .places
        .as_mut()
        .and_then(|b| b.get())
        .cloned()
        .unwrap_or_default();
    let busy = app.review.job.is_some();
    let mut to: Option<PathBuf> = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(app.t(T::WriteResetList)).size(22.0));
        for p in &places {
            if ui
                .add_enabled(
                    !busy,
                    egui::Button::new(RichText::new(picker::place_name(lang, p)).size(22.0))
                        .min_size(egui::vec2(0.0, 52.0)),
                )
                .clicked()
            {
                to = Some(p.path().to_path_buf());
            }
        }
    });
    if let Some(to) = to {
        let office_dir = dir.clone();
        let clerk = app.review.clerk.clone();
        let now = chrono::Utc::now();
        app.review.written = None;
        app.review.job = Some(Job::spawn(move |_| {
            // Its own connection: the write and its log line never wait on the GUI's.
            let mut office = crate::office::Office::open(&office_dir)?;
            office.write_reset_list(&to, &clerk, now)
        }));
    }
    match &app.review.written {
        None => {}
        Some(Ok(Some((path, n)))) => {
            ui.label(
                RichText::new(i18n::reset_list_written(
                    lang,
                    &path.display().to_string(),
                    *n,
                ))
                .size(22.0)
                .color(theme::GOOD),
            );
        }
        Some(Ok(None)) => {
            ui.label(RichText::new(app.t(T::NoRejects)).size(22.0));
        }
        Some(Err(e)) => bad(ui, i18n::failed(lang, &e.to_string())),
    }
}
