//! The `tucai` binary: parses the command line, sets up logging, dispatches. All the work is in
//! the library; this file only turns errors into messages and exit codes.
//!
//! Exit codes: 0 success; 1 a check ran and something failed (`tucai check`); 2 an error (bad
//! input, bad configuration, a refused operation). The message says which file, key or line.

// On Windows a GUI program: the kiosk started from Explorer or at login opens no console window
// beside it. The subcommands print through the console of the cmd that started them
// (`cli::console`).
#![cfg_attr(windows, windows_subsystem = "windows")]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::console::attach_parent();
    // Plain-text logs never carry personal fields; the default level keeps them quiet.
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("TUCAI_LOG", "warn")).init();
    // A panic's message is logged scrubbed (no long digit runs), whichever thread it hits.
    tucai::isolate::install_panic_hook();
    match cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("tucai: {err:#}");
            ExitCode::from(2)
        }
    }
}
