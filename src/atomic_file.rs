//! Writing a whole file so that a crash, a full disk or a pulled USB stick leaves either the old
//! file or the new one under the name, never half of one: write a hidden temp file beside the
//! target (same directory, so the rename cannot cross file systems), sync it, rename it over.
//!
//! Owns: that one procedure, shared by the flow's capture files, the office's imported photos and
//! the command line's outputs. Must not touch: what the bytes are.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Waits between tries when another program holds the file: about 3.5 s in all. On Windows a
/// virus scanner or the search indexer opens a file just written, for a moment, without letting
/// others rename or delete it; the rename then fails with a sharing violation and succeeds a
/// little later.
const BUSY_WAITS_MS: [u64; 9] = [10, 20, 50, 100, 200, 300, 500, 1000, 1300];

/// Whether `e` means "another program has the file open for a moment": Windows'
/// ERROR_ACCESS_DENIED (5, also a rename over a file being scanned), ERROR_SHARING_VIOLATION (32)
/// and ERROR_LOCK_VIOLATION (33). Never true elsewhere: POSIX renames do not wait for readers.
pub fn is_busy(e: &std::io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33))
}

/// Runs `op`, again after each of [`BUSY_WAITS_MS`] while it fails with a busy error
/// ([`is_busy`]). Any other error, or the last busy one, is returned as it is.
pub fn retry_busy<T>(op: impl FnMut() -> std::io::Result<T>) -> std::io::Result<T> {
    retry_when(op, is_busy, &BUSY_WAITS_MS)
}

fn retry_when<T>(
    mut op: impl FnMut() -> std::io::Result<T>,
    busy: impl Fn(&std::io::Error) -> bool,
    waits_ms: &[u64],
) -> std::io::Result<T> {
    let mut waits = waits_ms.iter();
    loop {
        match op() {
            Err(e) if busy(&e) => match waits.next() {
                Some(&ms) => std::thread::sleep(Duration::from_millis(ms)),
                None => return Err(e),
            },
            done => return done,
        }
    }
}

/// Writes `bytes` to `path` atomically, creating the parent directory. On failure the temp file
/// is removed and `path` is as it was.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent)?;
    let tmp = temp_name(path);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        retry_busy(|| std::fs::rename(&tmp, path))
    })();
    if written.is_err() {
        // Best effort: a temp file that cannot be removed is hidden and named as such.
        let _ = retry_busy(|| std::fs::remove_file(&tmp));
    }
    written
}

/// [`write`] that keeps what the file was: a symlink is followed (the target is replaced, the
/// link stays a link), and the new file gets the old one's permissions before any byte is
/// written (a 0600 `kiosk.toml` holding the PIN hash never becomes 0644, even for a moment).
/// On Windows, where permissions are access lists the temp file would inherit from the folder,
/// the new file is made the owner's alone ([`crate::platform::owner_only`]) before any byte is
/// written: that file holds the PIN hash (on FAT32 and exFAT, which keep no access lists, a
/// warning is logged and the file written).
pub fn replace_keeping_mode(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // `canonicalize` on Windows gives a `\\?\` path, which also lifts the 260-character limit.
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    let tmp = temp_name(&target);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.set_permissions(permissions)?;
        #[cfg(windows)]
        if let Err(e) = crate::platform::owner_only(&tmp) {
            // FAT32 and exFAT (a station folder on a stick) keep no access lists at all.
            log::warn!("{}: cannot limit access to the owner: {e}", path.display());
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        retry_busy(|| std::fs::rename(&tmp, &target))
    })();
    if written.is_err() {
        let _ = retry_busy(|| std::fs::remove_file(&tmp));
    }
    written
}

/// `.name.<pid>.tmp` beside the target: hidden (batch verification skips it), and two processes
/// never share one.
pub(crate) fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temp_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/photo.jpg");
        write(&path, b"old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("photo.jpg")]);
    }

    fn busy() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::ResourceBusy, "held by a scanner")
    }

    #[test]
    fn a_file_held_for_a_moment_is_written_on_a_later_try() {
        let mut tries = 0;
        let result = retry_when(
            || {
                tries += 1;
                if tries < 3 { Err(busy()) } else { Ok(tries) }
            },
            |e| e.kind() == std::io::ErrorKind::ResourceBusy,
            &[0, 0, 0, 0],
        );
        assert_eq!(result.unwrap(), 3);
    }

    #[test]
    fn a_file_held_too_long_or_another_error_fails() {
        let mut tries = 0;
        let held = retry_when(
            || -> std::io::Result<()> {
                tries += 1;
                Err(busy())
            },
            |e| e.kind() == std::io::ErrorKind::ResourceBusy,
            &[0, 0],
        );
        assert_eq!(held.unwrap_err().kind(), std::io::ErrorKind::ResourceBusy);
        assert_eq!(tries, 3, "the first try and one per wait");
        let mut tries = 0;
        let missing = retry_when(
            || -> std::io::Result<()> {
                tries += 1;
                Err(std::io::ErrorKind::NotFound.into())
            },
            |e| e.kind() == std::io::ErrorKind::ResourceBusy,
            &[0, 0],
        );
        assert_eq!(missing.unwrap_err().kind(), std::io::ErrorKind::NotFound);
        assert_eq!(tries, 1, "only a busy file is waited for");
    }

    #[test]
    fn only_windows_sharing_errors_count_as_busy() {
        let sharing = std::io::Error::from_raw_os_error(32);
        assert_eq!(is_busy(&sharing), cfg!(windows));
        assert!(!is_busy(&std::io::Error::from(
            std::io::ErrorKind::NotFound
        )));
    }

    #[test]
    fn chinese_names_and_long_paths_are_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        // Past Windows' old 260-character limit, in Chinese folder and file names.
        let mut path = dir.path().to_path_buf();
        for _ in 0..12 {
            path.push("酒店管理2201班毕业生图像采集");
        }
        let path = path.join("照片.jpg");
        assert!(path.as_os_str().len() > 300);
        write(&path, b"photo").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"photo");
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write(&path, b"old").unwrap();
        // A directory in the way of the rename's target makes the write fail after the temp file
        // was written: the temp must go and the target stay.
        let blocked = dir.path().join("b");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), b"x").unwrap();
        assert!(write(&blocked, b"new").is_err());
        assert!(blocked.is_dir());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
