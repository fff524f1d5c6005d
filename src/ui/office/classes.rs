//! Classes page: per class who is confirmed (with a thumbnail of the photo) and who is missing,
//! searchable by number or name. Personal fields are shown here, never logged. The thumbnails
//! are decoded on a thread.

use super::{OfficeApp, bad};
use crate::office::ClassReport;
use crate::ui::i18n::{self, T};
use crate::ui::roster_picker::Background;
use crate::ui::theme;
use eframe::egui::{self, RichText};
use std::time::Duration;

/// Thumbnails by photo digest.
type Thumbs = Vec<(String, image::RgbImage)>;

#[derive(Debug, Default)]
pub struct ClassesView {
    pub search: String,
    /// The report, read when the page opens (and again after another page changed it).
    pub report: Option<Result<Vec<ClassReport>, String>>,
    pub thumbs: Option<Background<Thumbs>>,
    /// Students whose photo the first review rejected, with the reason.
    pub rejected: std::collections::HashMap<String, String>,
    /// The teacher's checklist ticks on each current photo (student number → (item, by whom)).
    pub ticks: std::collections::HashMap<String, Vec<(String, String)>>,
}

const THUMB: (u32, u32) = (60, 80);

pub fn ui(app: &mut OfficeApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    if app.classes.report.is_none() {
        let report = crate::office::class_report(&app.office).map_err(|e| e.to_string());
        if let Ok(classes) = &report {
            let files: Vec<(String, std::path::PathBuf)> = classes
                .iter()
                .flat_map(|c| &c.confirmed)
                .filter_map(|s| s.photo_sha256.clone())
                .map(|sha| {
                    let path = app.office.photo_path(&sha);
                    (sha, path)
                })
                .collect();
            app.classes.thumbs = Some(Background::spawn(move || thumbnails(&files)));
        }
        app.classes.report = Some(report);
        app.classes.ticks = app.office.manual_checks().unwrap_or_default();
        app.classes.rejected = app
            .office
            .review_items()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|i| match i.decision {
                Some(d) if !d.approved => Some((i.student_no, d.reason)),
                _ => None,
            })
            .collect();
    }
    if let Some(Some(thumbs)) = app.classes.thumbs.as_mut().map(|b| b.get()) {
        let ctx = ui.ctx().clone();
        let missing: Vec<_> = thumbs
            .iter()
            .filter(|(sha, _)| !app.textures.contains_key(sha))
            .cloned()
            .collect();
        for (sha, img) in missing {
            let color = egui::ColorImage::from_rgb(
                [img.width() as usize, img.height() as usize],
                img.as_raw(),
            );
            let tex = ctx.load_texture(&sha, color, egui::TextureOptions::LINEAR);
            app.textures.insert(sha, tex);
        }
    } else if app.classes.thumbs.is_some() {
        ui.ctx().request_repaint_after(Duration::from_millis(100));
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new(app.t(T::SearchStudent)).size(24.0));
        ui.add(
            egui::TextEdit::singleline(&mut app.classes.search)
                .desired_width(360.0)
                .font(egui::FontId::proportional(26.0)),
        );
    });
    let classes = match &app.classes.report {
        Some(Ok(c)) => c.clone(),
        Some(Err(e)) => {
            bad(ui, e.clone());
            return;
        }
        None => return,
    };
    if classes.is_empty() {
        ui.label(RichText::new(app.t(T::NoImports)).size(24.0));
        return;
    }
    let needle = app.classes.search.trim().to_lowercase();
    let matches = |no: &str, name: &str| {
        needle.is_empty() || no.to_lowercase().contains(&needle) || name.contains(&needle)
    };
    egui::ScrollArea::vertical()
        .id_salt("classes")
        .max_height(ui.available_height())
        .show(ui, |ui| {
            for c in &classes {
                let confirmed: Vec<_> = c
                    .confirmed
                    .iter()
                    .filter(|s| matches(&s.student_no, &s.name))
                    .collect();
                let missing: Vec<_> = c
                    .missing
                    .iter()
                    .filter(|s| matches(&s.student_no, &s.name))
                    .collect();
                if confirmed.is_empty() && missing.is_empty() {
                    continue;
                }
                ui.label(
                    RichText::new(i18n::class_line(
                        lang,
                        &c.class_name,
                        c.confirmed.len(),
                        c.missing.len(),
                    ))
                    .size(26.0)
                    .strong()
                    .color(theme::ACCENT),
                );
                ui.horizontal_wrapped(|ui| {
                    for s in &confirmed {
                        ui.vertical(|ui| {
                            let tex = s
                                .photo_sha256
                                .as_ref()
                                .and_then(|sha| app.textures.get(sha));
                            match tex {
                                Some(t) => {
                                    ui.add(egui::Image::new(t).fit_to_exact_size(egui::vec2(
                                        THUMB.0 as f32,
                                        THUMB.1 as f32,
                                    )));
                                }
                                None => {
                                    ui.allocate_space(egui::vec2(THUMB.0 as f32, THUMB.1 as f32));
                                }
                            }
                            ui.label(RichText::new(&s.student_no).size(16.0));
                            ui.label(RichText::new(&s.name).size(18.0));
                            let ticked = app.classes.ticks.get(&s.student_no).map_or(0, Vec::len);
                            let all = crate::store::MANUAL_ITEMS.len();
                            ui.label(
                                RichText::new(i18n::manual_count(lang, ticked, all))
                                    .size(16.0)
                                    .color(if ticked == all {
                                        theme::GOOD
                                    } else {
                                        theme::MUTED
                                    }),
                            );
                            if let Some(why) = app.classes.rejected.get(&s.student_no) {
                                ui.label(
                                    RichText::new(i18n::reject_with(lang, why))
                                        .size(16.0)
                                        .color(theme::BAD),
                                );
                            }
                        });
                    }
                });
                for s in &missing {
                    ui.label(
                        RichText::new(format!(
                            "{}  {}  {}",
                            app.t(T::StateMissing),
                            s.student_no,
                            s.name
                        ))
                        .size(22.0)
                        .color(theme::BAD),
                    );
                }
                ui.separator();
            }
        });
}

/// Small thumbnails of the photos (a photo that cannot be read is left out: the page shows an
/// empty box and the package will name the file).
fn thumbnails(files: &[(String, std::path::PathBuf)]) -> Thumbs {
    files
        .iter()
        .filter_map(|(sha, path)| {
            let img = crate::imageio::load_rgb(path, crate::imageio::LoadLimits::default()).ok()?;
            let small = image::imageops::thumbnail(&img, THUMB.0, THUMB.1);
            Some((sha.clone(), small))
        })
        .collect()
}
