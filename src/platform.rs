//! What Linux and Windows do differently with files, behind one call each: files only their owner
//! may read (the station key; the `kiosk.toml` holding the PIN hash, which other accounts on the
//! school PC must not copy for an offline guess), and the removable drives the pickers list.
//!
//! Owns: the platform calls. Must not touch: what is in the files.

use std::path::{Path, PathBuf};

/// Makes `path` readable and writable by its owner only: mode 0600 on Unix; on Windows a
/// protected access list (nothing inherited from the folder) naming the owner, SYSTEM and the
/// Administrators (the school's IT person backs the folder up). FAT32 and exFAT sticks keep no
/// access lists: there it fails, and the caller says so.
pub fn owner_only(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
    }
    #[cfg(windows)]
    {
        windows_impl::owner_only(path)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = path;
        Ok(())
    }
}

/// A removable drive (a USB stick, a card) with a medium in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drive {
    /// `E:\`.
    pub root: PathBuf,
    /// The volume label (`KINGSTON`); empty when the stick has none.
    pub label: String,
}

/// The removable drives with a medium in, by letter: on Windows, what `GetDriveTypeW` calls
/// removable (USB sticks, SD cards; a USB hard disk counts as fixed and is not listed), A: and B:
/// left out (floppies answer slowly). Elsewhere empty: Linux sticks are mounted folders, which the
/// pickers find under /media.
pub fn removable_drives() -> Vec<Drive> {
    #[cfg(windows)]
    {
        windows_impl::removable_drives()
    }
    #[cfg(not(windows))]
    {
        Vec::new()
    }
}

#[cfg(windows)]
mod windows_impl {
    use super::Drive;
    use std::os::windows::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use windows_sys::Win32::Foundation::{ERROR_SUCCESS, LocalFree};
    use windows_sys::Win32::Security::Authorization::{
        ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1, SE_FILE_OBJECT,
        SetNamedSecurityInfoW,
    };
    use windows_sys::Win32::Security::{
        ACL, DACL_SECURITY_INFORMATION, GetSecurityDescriptorDacl,
        PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        GetDriveTypeW, GetLogicalDrives, GetVolumeInformationW,
    };
    use windows_sys::Win32::System::Diagnostics::Debug::{
        SEM_FAILCRITICALERRORS, SEM_NOOPENFILEERRORBOX, SetThreadErrorMode,
    };

    /// `GetDriveTypeW`'s DRIVE_REMOVABLE (windows-sys has it behind a large feature).
    const DRIVE_REMOVABLE: u32 = 2;

    /// Protected DACL: full access for the owner (OW), SYSTEM (SY), Administrators (BA).
    const OWNER_ONLY_SDDL: &str = "D:P(A;;FA;;;OW)(A;;FA;;;SY)(A;;FA;;;BA)";

    fn wide(s: &std::ffi::OsStr) -> Vec<u16> {
        s.encode_wide().chain(std::iter::once(0)).collect()
    }

    pub(super) fn owner_only(path: &Path) -> std::io::Result<()> {
        let sddl = wide(OWNER_ONLY_SDDL.as_ref());
        let name = wide(path.as_os_str());
        let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
        // SAFETY: `sddl` is NUL-terminated; on success `sd` is a LocalAlloc'd descriptor freed
        // below, and the DACL pointer taken from it is used only while `sd` lives.
        unsafe {
            if ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut sd,
                std::ptr::null_mut(),
            ) == 0
            {
                return Err(std::io::Error::last_os_error());
            }
            let mut present = 0;
            let mut defaulted = 0;
            let mut dacl: *mut ACL = std::ptr::null_mut();
            let result =
                if GetSecurityDescriptorDacl(sd, &mut present, &mut dacl, &mut defaulted) == 0 {
                    Err(std::io::Error::last_os_error())
                } else {
                    let code = SetNamedSecurityInfoW(
                        name.as_ptr(),
                        SE_FILE_OBJECT,
                        DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                        std::ptr::null_mut(),
                        std::ptr::null_mut(),
                        dacl,
                        std::ptr::null(),
                    );
                    if code == ERROR_SUCCESS {
                        Ok(())
                    } else {
                        Err(std::io::Error::from_raw_os_error(code as i32))
                    }
                };
            LocalFree(sd as _);
            result
        }
    }

    pub(super) fn removable_drives() -> Vec<Drive> {
        let mut out = Vec::new();
        // SAFETY: plain queries with NUL-terminated roots and buffers of the sizes passed. The
        // thread error mode stops Windows from asking "insert a disk" on an empty card slot, and
        // is put back after.
        unsafe {
            let mut old = 0;
            SetThreadErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX, &mut old);
            let letters = GetLogicalDrives();
            for (i, letter) in ('A'..='Z').enumerate() {
                if letters & (1 << i) == 0 || letter < 'C' {
                    continue;
                }
                let root = format!("{letter}:\\");
                let w = wide(root.as_ref());
                if GetDriveTypeW(w.as_ptr()) != DRIVE_REMOVABLE {
                    continue;
                }
                let mut label = [0u16; 261];
                let mut fs = [0u16; 261];
                let mut serial = 0;
                let mut max_len = 0;
                let mut flags = 0;
                // Fails on an empty slot (no medium): not listed.
                if GetVolumeInformationW(
                    w.as_ptr(),
                    label.as_mut_ptr(),
                    label.len() as u32,
                    &mut serial,
                    &mut max_len,
                    &mut flags,
                    fs.as_mut_ptr(),
                    fs.len() as u32,
                ) == 0
                {
                    continue;
                }
                let end = label.iter().position(|&c| c == 0).unwrap_or(label.len());
                out.push(Drive {
                    root: PathBuf::from(root),
                    label: String::from_utf16_lossy(&label[..end]).trim().to_string(),
                });
            }
            SetThreadErrorMode(old, std::ptr::null_mut());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_owner_keeps_access() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        std::fs::write(&path, "[teacher]\n").unwrap();
        owner_only(&path).unwrap();
        // The owner still reads and writes it.
        std::fs::write(&path, "[teacher]\npin_hash = \"\"\n").unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("pin_hash"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    /// Under Wine the runner (.ci/wine-run) sets up a stick as `TUCAI_TEST_STICK` =
    /// "letter:|label"; on a real Windows PC with a stick in, set it the same way.
    #[cfg(windows)]
    #[test]
    fn a_stick_is_listed_with_its_label() {
        let Some(wanted) = std::env::var_os("TUCAI_TEST_STICK") else {
            return;
        };
        let wanted = wanted.to_string_lossy().into_owned();
        let (letter, label) = wanted.split_once('|').unwrap();
        let drives = removable_drives();
        assert!(
            drives
                .iter()
                .any(|d| d.root == Path::new(&format!("{letter}\\")) && d.label == label),
            "{drives:?}"
        );
    }
}
