//! The file and folder picker every teacher tab and the office window share (roster, export
//! destination, studio photo, review list, batches, trust files, package folder): the starting places row (USB sticks, home, the data directory) and a
//! folder listing. Listing runs on a thread ([`Background`]); the view never reads the disk.

use super::i18n::{self, Lang, T};
use super::roster_picker::{self, Background, Entry, Files, Place, list_folder_showing};
use super::{theme, widgets};
use eframe::egui::{self, RichText};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A folder's entries, or why it could not be read (shown as is).
pub type Listing = Result<Vec<Entry>, String>;

/// One tab's picker: the folder shown and the file chosen in it.
#[derive(Debug, Default)]
pub struct Picker {
    pub files: Files,
    /// The folder shown and its listing, or why it could not be read.
    pub folder: Option<(PathBuf, Background<Listing>)>,
    pub chosen: Option<PathBuf>,
}

impl Picker {
    pub fn new(files: Files) -> Picker {
        Picker {
            files,
            folder: None,
            chosen: None,
        }
    }

    /// Shows `dir`, listed on a thread.
    pub fn open(&mut self, dir: PathBuf) {
        let on_thread = dir.clone();
        let kind = self.files;
        let listing = Background::spawn(move || {
            list_folder_showing(&on_thread, kind).map_err(|e| e.to_string())
        });
        self.folder = Some((dir, listing));
    }

    /// The folder shown now (the export destination is the folder, not a file in it).
    pub fn folder(&self) -> Option<&Path> {
        self.folder.as_ref().map(|(p, _)| p.as_path())
    }

    /// Lists the folder shown again (after an export wrote into it).
    pub fn reload(&mut self) {
        if let Some(dir) = self.folder().map(Path::to_path_buf) {
            self.open(dir);
        }
    }
}

/// How a place is named on its button: a stick by its folder name.
pub fn place_name(lang: Lang, place: &Place) -> String {
    match place {
        Place::Media(p) => format!(
            "{} {}",
            i18n::tr(lang, T::PlaceMedia),
            p.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ),
        Place::Drive { root, label } => drive_name(lang, root, label),
        Place::Home(_) => i18n::tr(lang, T::PlaceHome).into(),
        Place::Data(_) => i18n::tr(lang, T::PlaceData).into(),
    }
}

/// A Windows drive as the teacher sees it in Explorer: "U 盘 KINGSTON (E:)", "U 盘 (E:)" without a
/// label.
fn drive_name(lang: Lang, root: &Path, label: &str) -> String {
    let letter = root.to_string_lossy();
    let letter = letter.trim_end_matches(['\\', '/']);
    let stick = i18n::tr(lang, T::PlaceMedia);
    if label.is_empty() {
        format!("{stick} ({letter})")
    } else {
        format!("{stick} {label} ({letter})")
    }
}

/// Starts finding the places on a thread unless they are known or being found: a few small
/// folders under /media, /run/media and /mnt (the drive letters on Windows), read once, not every
/// frame.
pub fn ensure_places(places: &mut Option<Background<Vec<Place>>>, data_dir: &Path) {
    if places.is_none() {
        // Windows names the user's folder USERPROFILE; HOME is usually unset there.
        let home =
            std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" }).map(PathBuf::from);
        let data_dir = data_dir.to_path_buf();
        *places = Some(Background::spawn(move || {
            roster_picker::starting_places(home, data_dir)
        }));
    }
}

/// The row of starting places with Refresh. The places are found on a thread the first time and
/// on Refresh, not every frame. Returns the place tapped.
pub fn places_ui(
    places: &mut Option<Background<Vec<Place>>>,
    data_dir: &Path,
    lang: Lang,
    ui: &mut egui::Ui,
) -> Option<PathBuf> {
    ensure_places(places, data_dir);
    let mut open = None;
    let mut refresh = false;
    ui.horizontal_wrapped(|ui| {
        let found: Vec<Place> = match places.as_mut().and_then(|b| b.get()) {
            Some(p) => p.clone(),
            None => {
                ui.ctx().request_repaint_after(Duration::from_millis(50));
                Vec::new()
            }
        };
        if !found.iter().any(Place::is_stick) {
            ui.label(RichText::new(i18n::tr(lang, T::NoPlaces)).size(22.0));
        }
        for place in &found {
            if widgets::big_button_ui(ui, &place_name(lang, place), true).clicked() {
                open = Some(place.path().to_path_buf());
            }
        }
        if widgets::big_button_ui(ui, i18n::tr(lang, T::RefreshPlaces), true).clicked() {
            refresh = true;
        }
    });
    if refresh {
        *places = None;
    }
    open
}

/// The office's shared folder as a place (`[export] destination = '\\office-pc\tucai'` in
/// kiosk.toml, or a mounted share): a button under the starting places when the destination is
/// absolute (the default, `export`, is relative to the data folder and is no such place). The
/// teacher's export tab writes there, the office's import page reads from there. Returns the
/// folder when tapped.
pub fn share_ui(destination: &Path, lang: Lang, ui: &mut egui::Ui) -> Option<PathBuf> {
    if !destination.is_absolute() {
        return None;
    }
    let label = format!(
        "{} {}",
        i18n::tr(lang, T::PlaceShare),
        destination.display()
    );
    widgets::big_button_ui(ui, &label, true)
        .clicked()
        .then(|| destination.to_path_buf())
}

/// The listing of the folder shown: `..` and folders open, a file of the wanted kind is chosen.
/// Returns true when the chosen file changed.
fn listing_ui(
    picker: &mut Picker,
    lang: Lang,
    enabled: bool,
    width: f32,
    height: f32,
    ui: &mut egui::Ui,
) -> bool {
    let mut open: Option<PathBuf> = None;
    let mut changed = false;
    let Picker { folder, chosen, .. } = picker;
    if let Some((dir, listing)) = folder {
        let Some(listing) = listing.get() else {
            ui.label(RichText::new(i18n::tr(lang, T::Reading)).size(24.0));
            ui.ctx().request_repaint_after(Duration::from_millis(50));
            return false;
        };
        ui.label(
            RichText::new(dir.display().to_string())
                .size(22.0)
                .monospace(),
        );
        match listing {
            Err(why) => {
                ui.label(
                    RichText::new(i18n::folder_unreadable(
                        lang,
                        &dir.display().to_string(),
                        why,
                    ))
                    .size(24.0)
                    .color(theme::BAD),
                );
            }
            Ok(entries) if entries.iter().all(|e| matches!(e, Entry::Up(_))) => {
                ui.label(RichText::new(i18n::tr(lang, T::FolderEmpty)).size(22.0));
            }
            Ok(_) => {}
        }
        if let Ok(entries) = listing {
            egui::ScrollArea::vertical()
                .id_salt("picker")
                .max_height(height)
                .show(ui, |ui| {
                    for e in entries {
                        // A trailing slash marks a folder: no icon glyphs the kiosk font lacks.
                        let (text, is_file) = match e {
                            Entry::Up(_) => ("..".to_string(), false),
                            Entry::Folder(_) => (format!("{}/", e.name()), false),
                            Entry::File(_) => (e.name(), true),
                        };
                        let selected = is_file && chosen.as_deref() == Some(e.path());
                        let button =
                            egui::Button::selectable(selected, RichText::new(text).size(26.0))
                                .min_size(egui::vec2(width - 40.0, 56.0));
                        if ui.add_enabled(enabled, button).clicked() {
                            if is_file {
                                *chosen = Some(e.path().to_path_buf());
                                changed = true;
                            } else {
                                open = Some(e.path().to_path_buf());
                            }
                        }
                    }
                });
        }
    }
    if let Some(dir) = open {
        picker.open(dir);
    }
    changed
}

/// The chosen file's name, or "no file chosen".
pub fn chosen_ui(picker: &Picker, lang: Lang, ui: &mut egui::Ui) {
    let text = match &picker.chosen {
        Some(p) => i18n::chosen_file(
            lang,
            &p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
        None => i18n::tr(lang, T::NoFileChosen).into(),
    };
    ui.label(RichText::new(text).size(24.0));
}

/// The usual picker tab below its places row: the `picker`'s listing on the left, `left_width`
/// wide, and the tab's own part on the right, in what is left above the bottom bar. `picked`
/// runs when the listing chose a file or changed folder, before the right side is drawn, so a
/// tab clears its last result in the same frame. `state` (the app) is handed to each in turn.
#[allow(clippy::too_many_arguments)]
pub fn listing_beside<S>(
    ui: &mut egui::Ui,
    state: &mut S,
    left_width: f32,
    lang: Lang,
    enabled: bool,
    picker: impl FnOnce(&mut S) -> &mut Picker,
    picked: impl FnOnce(&mut S),
    right: impl FnOnce(&mut S, &mut egui::Ui),
) {
    two_columns(
        ui,
        state,
        left_width,
        |s, ui, height| {
            if listing_ui(picker(s), lang, enabled, left_width, height, ui) {
                picked(s);
            }
        },
        right,
    );
}

/// The two columns of [`listing_beside`]: `left` gets the height its list may take.
fn two_columns<S>(
    ui: &mut egui::Ui,
    state: &mut S,
    left_width: f32,
    left: impl FnOnce(&mut S, &mut egui::Ui, f32),
    right: impl FnOnce(&mut S, &mut egui::Ui),
) {
    let height = ui.available_height().max(160.0);
    let list_height = (height - 40.0).max(120.0);
    ui.horizontal_top(|ui| {
        ui.allocate_ui(egui::vec2(left_width, height), |ui| {
            // The column keeps its width while its listing is read again ("读取中…" is
            // narrow): otherwise the right side jumps left for a frame, under a finger about to
            // tap a button there.
            ui.set_min_width(left_width);
            ui.vertical(|ui| left(state, ui, list_height));
        });
        ui.add_space(24.0);
        ui.vertical(|ui| right(state, ui));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_windows_stick_is_named_by_label_and_letter() {
        let stick = Place::Drive {
            root: PathBuf::from("E:\\"),
            label: "KINGSTON".into(),
        };
        assert_eq!(place_name(Lang::Zh, &stick), "U 盘 KINGSTON (E:)");
        assert_eq!(place_name(Lang::En, &stick), "USB stick KINGSTON (E:)");
        let unnamed = Place::Drive {
            root: PathBuf::from("F:\\"),
            label: String::new(),
        };
        assert_eq!(place_name(Lang::Zh, &unnamed), "U 盘 (F:)");
        assert!(stick.is_stick() && !Place::Home(PathBuf::from("h")).is_stick());
    }

    /// Where the right column starts, with the left one holding `left_text`.
    fn right_x(left_text: &str) -> f32 {
        let ctx = egui::Context::default();
        let mut x = f32::NAN;
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            two_columns(
                ui,
                &mut x,
                400.0,
                |_, ui, _| {
                    ui.label(left_text);
                },
                |x, ui| *x = ui.min_rect().left(),
            );
        });
        out.textures_delta.clear();
        x
    }

    #[test]
    fn the_right_column_does_not_move_while_the_listing_is_read_again() {
        let reading = right_x("读取中…");
        let listed = right_x(&"x".repeat(60));
        assert!(reading >= 400.0, "right column at {reading}");
        assert_eq!(reading, listed);
    }
}
