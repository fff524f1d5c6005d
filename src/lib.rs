//! tucai: the on-site graduate registration photo capture station.
//!
//! The core (config, store, roster, flow, checks, photo making, export) has no GUI in it and is
//! tested without a window; `ui` is a thin view over `flow`; `cli` is the command line.
//!
//! | module | owns |
//! |---|---|
//! | [`config`] | `kiosk.toml` → validated [`config::Config`] |
//! | [`store`] | SQLite schema, migrations, queries, audit log |
//! | [`roster`] | class rosters from CSV (UTF-8 or GBK) |
//! | [`pin`] | the teacher PIN: Argon2 hash, verification |
//! | [`atomic_file`] | whole-file writes that a crash never leaves half done |
//! | [`camera`] | frame sources (webcam, demo, scripted), the camera thread, burst |
//! | [`scan`] | QR decoding, keyboard-wedge input, roster matching of capture codes |
//! | [`check`] | automatic checks → [`check::CheckReport`] |
//! | [`face`] | face detection (CenterFace) and the 468-point face mesh |
//! | [`photo`] | the standard photo: crop geometry, background replacement, JPEG size, print sheets |
//! | [`flow`] | the student journey as a state machine, its rules, teacher actions |
//! | [`lab`] | make + check of one capture (the station's pipeline), off the GUI thread |
//! | [`live`] | the live check on the framing screen: fixable checks, steady list, "ready" |
//! | [`isolate`] | panic isolation of the worker threads, scrubbed panic logs |
//! | [`imageio`] | the one image loader: format by content, pixel limit before decoding, EXIF |
//! | [`eval`] | scoring checks, photo making and scanning on labelled real data (`tucai eval`) |
//! | [`mask`] | masking of personal fields for screens and logs |
//! | [`ime`] | pinyin → hanzi candidates and the composition rules of the on-screen keyboard |
//! | [`ui`] | the kiosk window, one module per screen |
//! | [`export`] | signed batches of a session's confirmed photos, atomic sync, purge |
//! | [`office`] | batch verification, multi-station merge, upload package, report |

pub mod atomic_file;
pub mod camera;
pub mod check;
pub mod config;
pub mod eval;
pub mod export;
pub mod face;
pub mod flow;
pub mod imageio;
pub mod ime;
pub mod isolate;
pub mod lab;
pub mod live;
pub mod mask;
pub mod office;
pub mod photo;
pub mod pin;
pub mod roster;
pub mod scan;
pub mod store;
pub mod ui;
