//! Windows: `tucai.exe` is a GUI program (no console window opens when the kiosk starts from
//! Explorer or at login), so a command typed in `cmd` or PowerShell has no console to print to.
//! [`attach_parent`] borrows the console of the program that started it, for the subcommands'
//! output and the error messages; when stdout or stderr already go to a file or a pipe (`>`,
//! scripts, the tests), those stay as they are.
//!
//! `cmd` does not wait for a GUI program: the prompt comes back before the output. `start /wait
//! tucai.exe cameras` (what `hardware-check.cmd` does) or a redirection waits for it.

/// Attaches to the parent's console when a standard output has nowhere to go. A no-op on other
/// platforms and when started without a console (Explorer, a login shortcut).
pub fn attach_parent() {
    #[cfg(windows)]
    // SAFETY: plain Win32 calls on this process's own standard handles; every returned handle is
    // checked before use and ownership passes to the process's standard handle table.
    unsafe {
        windows_impl::attach_parent();
    }
}

#[cfg(windows)]
mod windows_impl {
    use windows_sys::Win32::Foundation::{
        GENERIC_READ, GENERIC_WRITE, HANDLE, INVALID_HANDLE_VALUE,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        CreateFileW, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_EXISTING,
    };
    use windows_sys::Win32::System::Console::{
        ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_ERROR_HANDLE, STD_HANDLE,
        STD_OUTPUT_HANDLE, SetStdHandle,
    };

    fn missing(h: HANDLE) -> bool {
        h.is_null() || h == INVALID_HANDLE_VALUE
    }

    pub(super) unsafe fn attach_parent() {
        let streams: [STD_HANDLE; 2] = [STD_OUTPUT_HANDLE, STD_ERROR_HANDLE];
        let before = streams.map(|s| unsafe { GetStdHandle(s) });
        if !before.iter().copied().any(missing) {
            return;
        }
        if unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } == 0 {
            // No parent console (started from Explorer): stay silent, the window shows errors.
            return;
        }
        let conout: Vec<u16> = "CONOUT$\0".encode_utf16().collect();
        for (stream, old) in streams.into_iter().zip(before) {
            if !missing(old) {
                // A redirection the user asked for wins over the console.
                unsafe { SetStdHandle(stream, old) };
                continue;
            }
            if !missing(unsafe { GetStdHandle(stream) }) {
                continue;
            }
            let h = unsafe {
                CreateFileW(
                    conout.as_ptr(),
                    GENERIC_READ | GENERIC_WRITE,
                    FILE_SHARE_READ | FILE_SHARE_WRITE,
                    std::ptr::null(),
                    OPEN_EXISTING,
                    0,
                    std::ptr::null_mut(),
                )
            };
            if !missing(h) {
                unsafe { SetStdHandle(stream, h) };
            }
        }
    }
}
