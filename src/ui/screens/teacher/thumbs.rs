//! The board's thumbnails of the confirmed photos: a teacher checks a class at a glance. The
//! photos are decoded on a thread once per board visit; the board never reads a file itself.

use crate::store::{Store, StudentId};
use crate::ui::roster_picker::Background;
use eframe::egui;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

/// Thumbnail size on the board, points (the photo's 3:4).
pub const SIZE: egui::Vec2 = egui::vec2(36.0, 48.0);

type Decoded = Vec<(StudentId, image::RgbImage)>;

#[derive(Default)]
pub struct Thumbs {
    shown: HashMap<StudentId, egui::TextureHandle>,
    asked: HashSet<StudentId>,
    pending: Option<Background<Decoded>>,
}

impl std::fmt::Debug for Thumbs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thumbs")
            .field("shown", &self.shown.len())
            .finish_non_exhaustive()
    }
}

impl Thumbs {
    /// Forgets every thumbnail: the next board visit reads the current confirmed photos.
    pub fn clear(&mut self) {
        *self = Thumbs::default();
    }

    pub fn get(&self, student: StudentId) -> Option<&egui::TextureHandle> {
        self.shown.get(&student)
    }

    /// How many are shown (tests).
    pub fn count(&self) -> usize {
        self.shown.len()
    }

    /// Starts decoding the confirmed photos of `confirmed` not asked for yet, and uploads what a
    /// finished decode brought.
    pub fn poll(
        &mut self,
        ctx: &egui::Context,
        store: &Store,
        data_dir: &Path,
        confirmed: &[StudentId],
    ) {
        if let Some(bg) = self.pending.as_mut() {
            match bg.get() {
                None => {
                    ctx.request_repaint_after(Duration::from_millis(50));
                    return;
                }
                Some(done) => {
                    for (student, img) in done {
                        let color = egui::ColorImage::from_rgb(
                            [img.width() as usize, img.height() as usize],
                            img.as_raw(),
                        );
                        let tex = ctx.load_texture(
                            format!("teacher/thumb{}", student.0),
                            color,
                            egui::TextureOptions::LINEAR,
                        );
                        self.shown.insert(*student, tex);
                    }
                    self.pending = None;
                }
            }
        }
        let wanted: Vec<StudentId> = confirmed
            .iter()
            .copied()
            .filter(|s| !self.asked.contains(s))
            .collect();
        if wanted.is_empty() {
            return;
        }
        // Which file is each confirmed photo: small queries, here; the decoding goes to a thread.
        let mut files = Vec::new();
        for s in wanted {
            self.asked.insert(s);
            let photo = store
                .drafts(s)
                .ok()
                .and_then(|d| d.into_iter().find(|d| d.confirmed))
                .and_then(|d| d.photo_path);
            if let Some(rel) = photo {
                files.push((s, data_dir.join(rel)));
            }
        }
        self.pending = Some(Background::spawn(move || {
            files
                .into_iter()
                .filter_map(|(s, path)| {
                    let img =
                        crate::imageio::load_rgb(&path, crate::imageio::LoadLimits::default())
                            .ok()?;
                    Some((s, image::imageops::thumbnail(&img, 72, 96)))
                })
                .collect()
        }));
    }
}
