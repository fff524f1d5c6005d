//! Integration tests: one binary (one link of eframe, tract and nokhwa instead of one per file),
//! a module per area. Every test works on real files in a fresh temp dir.

mod camera_scan;
mod check_cli;
mod checks;
mod cli;
mod config_file;
mod defects;
mod export_fixture;
mod export_office;
mod face;
mod flow_story;
mod gui;
mod live;
mod photo;
mod reliability;
mod roster_import;
mod store_story;
mod support;
mod teacher_photo;
