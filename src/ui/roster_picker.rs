//! The roster file picker of teacher mode and the import that runs behind it.
//!
//! The kiosk has no desktop, so there is no native file dialog: the teacher taps a starting
//! place (where a USB stick mounts, home, the data directory), walks folders, taps a `.csv` and
//! imports it. Listing a folder and importing are plain functions here (no egui), so they are
//! tested without a window; the import runs on [`ImportJob`]'s thread so the GUI thread never
//! waits on the disk or SQLite. Must not touch: roster rules (`crate::roster`) or the store's.

use crate::config::FeeState;
use crate::roster::{RosterError, RowError};
use crate::store::{SessionId, Store, StoreError};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// One row of a folder listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// The parent folder (`..`).
    Up(PathBuf),
    Folder(PathBuf),
    /// A file of the kind the picker looks for ([`Files`]).
    File(PathBuf),
}

/// Which files a listing shows besides folders: the roster and review tabs want CSV files, the
/// studio photo images, the export destination none (a folder is what is chosen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Files {
    #[default]
    Csv,
    Images,
    /// Trust files (`*.json`) for the office window.
    Json,
    None,
}

impl Files {
    fn shows(self, path: &Path) -> bool {
        let ext = |wanted: &[&str]| {
            path.extension()
                .is_some_and(|e| wanted.iter().any(|w| e.eq_ignore_ascii_case(w)))
        };
        match self {
            Files::Csv => ext(&["csv"]),
            Files::Images => ext(&["jpg", "jpeg", "png", "webp"]),
            Files::Json => ext(&["json"]),
            Files::None => false,
        }
    }
}

impl Entry {
    pub fn path(&self) -> &Path {
        match self {
            Entry::Up(p) | Entry::Folder(p) | Entry::File(p) => p,
        }
    }

    /// The text on the entry's button.
    pub fn name(&self) -> String {
        match self {
            Entry::Up(_) => "..".into(),
            Entry::Folder(p) | Entry::File(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}

/// `..` first (unless at the root), then sub-folders, then `*.csv` files (any case), each sorted
/// by name. Hidden entries and other files are left out: a teacher looks for one CSV. An entry
/// whose type cannot be read (a broken link, no permission) is skipped rather than failing the
/// whole folder; a folder that cannot be read at all is the error.
pub fn list_folder(dir: &Path) -> std::io::Result<Vec<Entry>> {
    list_folder_showing(dir, Files::Csv)
}

/// [`list_folder`] with the files of another kind (images, or folders only).
pub fn list_folder_showing(dir: &Path, kind: Files) -> std::io::Result<Vec<Entry>> {
    let mut folders = Vec::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // `metadata` follows links, so a link to a mounted stick's folder counts as a folder.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            folders.push(path);
        } else if meta.is_file() && kind.shows(&path) {
            files.push(path);
        }
    }
    let by_name = |p: &PathBuf| p.file_name().map(|n| n.to_string_lossy().to_lowercase());
    folders.sort_by_key(by_name);
    files.sort_by_key(by_name);
    let mut out = Vec::with_capacity(folders.len() + files.len() + 1);
    if let Some(parent) = dir.parent() {
        out.push(Entry::Up(parent.to_path_buf()));
    }
    out.extend(folders.into_iter().map(Entry::Folder));
    out.extend(files.into_iter().map(Entry::File));
    Ok(out)
}

/// A starting place of the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A mounted removable medium (a USB stick), named by its folder.
    Media(PathBuf),
    /// A removable drive on Windows (`E:\`), named by its label and letter.
    Drive {
        root: PathBuf,
        label: String,
    },
    Home(PathBuf),
    Data(PathBuf),
}

impl Place {
    pub fn path(&self) -> &Path {
        match self {
            Place::Media(p) | Place::Home(p) | Place::Data(p) => p,
            Place::Drive { root, .. } => root,
        }
    }

    /// A USB stick, found as a mounted folder or as a drive letter.
    pub fn is_stick(&self) -> bool {
        matches!(self, Place::Media(_) | Place::Drive { .. })
    }
}

/// The folders under `dir` (sorted), or none when it cannot be read.
fn sub_folders(dir: &Path) -> Vec<PathBuf> {
    match list_folder(dir) {
        Ok(entries) => entries
            .into_iter()
            .filter_map(|e| match e {
                Entry::Folder(p) => Some(p),
                _ => None,
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Where a roster usually is: removable media (on Windows the removable drives by letter; else
/// where desktops and udisks mount them: `/media/<user>/*`, `/media/*`, `/run/media/<user>/*`,
/// `/mnt/*`), then home and the data directory. Reads a few small folders: call it when the
/// roster tab opens, not every frame.
pub fn starting_places(home: Option<PathBuf>, data_dir: PathBuf) -> Vec<Place> {
    let mut places: Vec<Place> = crate::platform::removable_drives()
        .into_iter()
        .map(|d| Place::Drive {
            root: d.root,
            label: d.label,
        })
        .collect();
    if !cfg!(windows) {
        places.extend(mounted_media().into_iter().map(Place::Media));
    }
    if let Some(h) = home.filter(|h| h.is_dir()) {
        places.push(Place::Home(h));
    }
    places.push(Place::Data(data_dir));
    places
}

/// The folders Linux desktops and udisks mount sticks under.
fn mounted_media() -> Vec<PathBuf> {
    let mut media = Vec::new();
    for user_or_stick in sub_folders(Path::new("/media")) {
        let inner = sub_folders(&user_or_stick);
        // `/media/<user>/<stick>` on desktops, `/media/<stick>` with usbmount; an empty folder
        // under /media is most likely a stick with no sub-folders.
        if inner.is_empty() {
            media.push(user_or_stick);
        } else {
            media.extend(inner);
        }
    }
    for user in sub_folders(Path::new("/run/media")) {
        media.extend(sub_folders(&user));
    }
    media.extend(sub_folders(Path::new("/mnt")));
    media
}

/// A value made on its own thread (a folder listing, the starting places): a USB stick can take
/// seconds to answer its first read, and the GUI thread must not wait for it.
#[derive(Debug)]
pub struct Background<T> {
    rx: Option<Receiver<T>>,
    done: Option<T>,
}

impl<T: Send + 'static> Background<T> {
    pub fn spawn(make: impl FnOnce() -> T + Send + 'static) -> Background<T> {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            // Nobody left to tell when the picker was closed meanwhile.
            let _ = tx.send(make());
        });
        Background {
            rx: Some(rx),
            done: None,
        }
    }

    /// Already known (tests, fixed setups).
    pub fn ready(value: T) -> Background<T> {
        Background {
            rx: None,
            done: Some(value),
        }
    }

    /// The value once the thread has sent it; `None` while it runs. Never blocks.
    pub fn get(&mut self) -> Option<&T> {
        if self.done.is_none()
            && let Some(rx) = &self.rx
            && let Ok(v) = rx.try_recv()
        {
            self.done = Some(v);
            self.rx = None;
        }
        self.done.as_ref()
    }
}

/// Why an import did not store anything.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Roster(#[from] RosterError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    /// The bad rows with their line numbers, when that is what went wrong.
    pub fn bad_rows(&self) -> Option<&[RowError]> {
        match self {
            ImportError::Roster(RosterError::BadRows(rows)) => Some(rows),
            _ => None,
        }
    }
}

/// What the import needs, gathered on the GUI thread.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub file: PathBuf,
    pub db: PathBuf,
    pub session: SessionId,
    pub operator: String,
    pub fee_default: FeeState,
    pub now: DateTime<Utc>,
}

/// Reads, parses and stores a roster: the same calls as `tucai roster import`. A file with any
/// bad row stores nothing (the parse fails before the store is opened).
pub fn import(req: &ImportRequest) -> Result<u32, ImportError> {
    let bytes = std::fs::read(&req.file).map_err(|source| ImportError::Read {
        path: req.file.clone(),
        source,
    })?;
    let roster = crate::roster::parse(&bytes)?;
    let mut store = Store::open_file(&req.db)?;
    let summary = store.import_roster(
        req.session,
        &roster.rows,
        &req.operator,
        req.fee_default,
        req.now,
    )?;
    Ok(summary.total())
}

/// An import running on its own thread.
#[derive(Debug)]
pub struct ImportJob {
    rx: Receiver<Result<u32, ImportError>>,
}

impl ImportJob {
    pub fn spawn(req: ImportRequest) -> ImportJob {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            // The window may have gone; nobody is left to tell.
            let _ = tx.send(import(&req));
        });
        ImportJob { rx }
    }

    /// The result once the thread is done; never blocks.
    pub fn poll(&self) -> Option<Result<u32, ImportError>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(ImportError::Read {
                path: PathBuf::new(),
                source: std::io::Error::other("the import thread stopped"),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_first_then_csv_any_case_sorted_with_up() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("zeta")).unwrap();
        std::fs::create_dir(d.join("Alpha")).unwrap();
        std::fs::create_dir(d.join(".hidden")).unwrap();
        std::fs::write(d.join("b.csv"), "x").unwrap();
        std::fs::write(d.join("A.CSV"), "x").unwrap();
        std::fs::write(d.join("notes.txt"), "x").unwrap();
        let names: Vec<String> = list_folder(d).unwrap().iter().map(Entry::name).collect();
        assert_eq!(names, ["..", "Alpha", "zeta", "A.CSV", "b.csv"]);
        assert!(matches!(list_folder(d).unwrap()[0], Entry::Up(_)));
    }

    #[cfg(unix)]
    #[test]
    fn a_broken_entry_is_skipped_and_an_unreadable_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("ok.csv"), "x").unwrap();
        std::os::unix::fs::symlink(d.join("gone"), d.join("broken.csv")).unwrap();
        let names: Vec<String> = list_folder(d).unwrap().iter().map(Entry::name).collect();
        assert_eq!(names, ["..", "ok.csv"]);
        assert!(list_folder(&d.join("missing")).is_err());
        // A folder without read permission (root can read anything, so only checked as a user).
        use std::os::unix::fs::PermissionsExt;
        let locked = d.join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read_dir(&locked).is_err() {
            assert!(list_folder(&locked).is_err());
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn the_data_directory_is_always_a_starting_place() {
        let dir = tempfile::tempdir().unwrap();
        let places = starting_places(None, dir.path().to_path_buf());
        assert_eq!(places.last(), Some(&Place::Data(dir.path().to_path_buf())));
    }
}
