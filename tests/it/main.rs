//! Integration tests: one binary (one link of eframe, tract and nokhwa instead of one per file),
//! a module per area. Every test works on real files in a fresh temp dir.

mod check_cli;
mod checks;
mod cli;
mod config_file;
mod defects;
mod face;
mod roster_import;
mod support;
