//! Where batches go. [`Destination`] is what the export needs from a place that stores batches;
//! [`FolderDestination`] is a folder (USB stick, mounted share). Object storage fits the same
//! trait: `put` uploads under a `.partial/<batch>/` key prefix, `commit` copies to the final
//! prefix and writes the signature object last, `complete_batches` lists prefixes that hold a
//! signature.
//!
//! The rule every implementation keeps: a batch is visible under its name only once every file
//! is written; until then it lives under a hidden name that listing ignores.

use super::manifest::{BatchName, SIGNATURE};
use super::{ExportError, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes the files of one batch; nothing is visible until [`BatchWriter::commit`].
pub trait BatchWriter {
    /// Stores one file; `path` is relative to the batch, `/`-separated.
    fn put(&mut self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Makes the batch visible under its name, all at once.
    fn commit(self: Box<Self>) -> Result<()>;
}

pub trait Destination {
    /// For messages: where this is (`/media/usb/tucai`).
    fn describe(&self) -> String;
    /// Names of the complete batches present.
    fn complete_batches(&self) -> Result<Vec<BatchName>>;
    /// One file of a complete batch; `None` when it is not there.
    fn read(&self, batch: &BatchName, path: &str) -> Result<Option<Vec<u8>>>;
    /// Removes the leftovers of interrupted exports whose name starts with `prefix`; returns how
    /// many there were.
    fn discard_partial(&self, prefix: &str) -> Result<u32>;
    /// Starts writing a new batch. Refuses a name that already exists.
    fn begin(&self, batch: &BatchName) -> Result<Box<dyn BatchWriter + '_>>;
}

/// Marks the hidden folder a batch is written into before it is renamed into place.
pub const PARTIAL_PREFIX: &str = ".partial-";

/// A folder holding one sub-folder per batch.
#[derive(Debug, Clone)]
pub struct FolderDestination {
    root: PathBuf,
}

impl FolderDestination {
    pub fn new(root: impl Into<PathBuf>) -> FolderDestination {
        FolderDestination { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of a complete batch.
    pub fn batch_dir(&self, batch: &BatchName) -> PathBuf {
        self.root.join(batch.to_string())
    }

    fn read_err(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
        move |source| ExportError::Read {
            path: path.to_path_buf(),
            source,
        }
    }

    fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
        move |source| ExportError::Write {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl Destination for FolderDestination {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn complete_batches(&self) -> Result<Vec<BatchName>> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Self::read_err(&self.root)(e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(Self::read_err(&self.root))?;
            let Some(name) = entry.file_name().to_str().and_then(BatchName::parse) else {
                continue;
            };
            if entry.path().join(SIGNATURE).is_file() {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }

    fn read(&self, batch: &BatchName, path: &str) -> Result<Option<Vec<u8>>> {
        let file = self.batch_dir(batch).join(path);
        match std::fs::read(&file) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Self::read_err(&file)(e)),
        }
    }

    fn discard_partial(&self, prefix: &str) -> Result<u32> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(Self::read_err(&self.root)(e)),
        };
        let wanted = format!("{PARTIAL_PREFIX}{prefix}");
        let mut removed = 0;
        for entry in entries {
            let entry = entry.map_err(Self::read_err(&self.root))?;
            if entry.file_name().to_string_lossy().starts_with(&wanted) {
                let path = entry.path();
                crate::atomic_file::retry_busy(|| std::fs::remove_dir_all(&path))
                    .map_err(Self::write_err(&path))?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn begin(&self, batch: &BatchName) -> Result<Box<dyn BatchWriter + '_>> {
        let final_dir = self.batch_dir(batch);
        if final_dir.exists() {
            return Err(ExportError::Batch {
                batch: batch.to_string(),
                message: format!(
                    "{} already exists; move it away or export to another folder",
                    final_dir.display()
                ),
            });
        }
        let temp = self.root.join(format!("{PARTIAL_PREFIX}{batch}"));
        if temp.exists() {
            std::fs::remove_dir_all(&temp).map_err(Self::write_err(&temp))?;
        }
        std::fs::create_dir_all(&temp).map_err(Self::write_err(&temp))?;
        Ok(Box::new(FolderWriter {
            root: self.root.clone(),
            temp,
            final_dir,
            written: Vec::new(),
        }))
    }
}

struct FolderWriter {
    root: PathBuf,
    temp: PathBuf,
    final_dir: PathBuf,
    /// Files written and not yet synced: synced together in `commit`.
    written: Vec<PathBuf>,
}

/// Threads that sync files in `commit`: each `fsync` mostly waits for the device, and waits
/// overlap, so a few threads cut the time of a thousand syncs several-fold on 2 cores.
const SYNC_THREADS: usize = 8;

impl BatchWriter for FolderWriter {
    fn put(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let target = self.temp.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(FolderDestination::write_err(parent))?;
        }
        let mut file =
            std::fs::File::create(&target).map_err(FolderDestination::write_err(&target))?;
        file.write_all(bytes)
            .map_err(FolderDestination::write_err(&target))?;
        self.written.push(target);
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        // Every file on the device before the rename makes the batch look complete.
        sync_files(&self.written)?;
        for dir in [
            self.temp.join(super::manifest::PHOTOS_DIR),
            self.temp.clone(),
        ] {
            sync_dir(&dir);
        }
        // On Windows a virus scanner reading the photos just written holds them open, and a
        // folder with an open file cannot be renamed: wait for it a moment.
        crate::atomic_file::retry_busy(|| std::fs::rename(&self.temp, &self.final_dir))
            .map_err(FolderDestination::write_err(&self.final_dir))?;
        sync_dir(&self.root);
        Ok(())
    }
}

/// Syncs many files to the device, the waits overlapping across [`SYNC_THREADS`] threads.
pub(crate) fn sync_files(files: &[PathBuf]) -> Result<()> {
    let chunk = files.len().div_ceil(SYNC_THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || -> Result<()> {
                    for path in part {
                        // Opened for writing: Windows flushes a file only through a handle
                        // with write access (a read-only one fails with access denied).
                        std::fs::OpenOptions::new()
                            .write(true)
                            .open(path)
                            .and_then(|f| f.sync_all())
                            .map_err(FolderDestination::write_err(path))?;
                    }
                    Ok(())
                })
            })
            .collect();
        for w in workers {
            match w.join() {
                Ok(result) => result?,
                Err(_) => {
                    return Err(ExportError::Refused(
                        "a file sync thread failed; export again".into(),
                    ));
                }
            }
        }
        Ok(())
    })
}

/// Flushes a directory's entries (names, renames) to disk where the platform allows it; a
/// failure only weakens durability after a power cut, never the all-or-nothing rename.
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(seq: u32) -> BatchName {
        BatchName {
            station: "st".into(),
            session: 1,
            sequence: seq,
        }
    }

    #[test]
    fn a_batch_is_invisible_until_committed() {
        let dir = tempfile::tempdir().unwrap();
        let dest = FolderDestination::new(dir.path().join("out"));
        let mut w = dest.begin(&name(1)).unwrap();
        w.put("photos/1.jpg", b"x").unwrap();
        w.put(SIGNATURE, b"sig").unwrap();
        assert!(dest.complete_batches().unwrap().is_empty());
        w.commit().unwrap();
        assert_eq!(dest.complete_batches().unwrap(), vec![name(1)]);
        assert_eq!(
            dest.read(&name(1), "photos/1.jpg").unwrap().as_deref(),
            Some(&b"x"[..])
        );
        assert!(
            dest.begin(&name(1)).is_err(),
            "existing batch not overwritten"
        );
    }

    #[test]
    fn leftovers_of_an_interrupted_export_are_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let dest = FolderDestination::new(dir.path());
        let mut w = dest.begin(&name(1)).unwrap();
        w.put("photos/1.jpg", b"x").unwrap();
        drop(w);
        assert_eq!(dest.discard_partial("st_s000001_b").unwrap(), 1);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
