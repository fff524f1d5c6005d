//! Integration tests: one binary (one link of eframe, tract and nokhwa instead of one per file),
//! a module per area. Every test works on real files in a fresh temp dir.

mod camera_scan;
mod cli;
mod config_file;
mod gui;
mod export_fixture;
mod export_office;
mod flow_story;
mod roster_import;
mod store_story;
mod support;
