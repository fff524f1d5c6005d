//! Cameras and frames: the [`FrameSource`] trait, its three sources (USB webcam through nokhwa,
//! the bundled demo loop, a scripted player for tests), the [`CameraWorker`] that runs a source on
//! its own thread and keeps only the latest frame, and the shoot step's [`burst`].
//!
//! Owns: device access, pixel-format decoding, reconnecting. Must not touch: egui, the store, the
//! capture flow's rules (it hands out frames and a status; what they mean is `flow`'s business).

mod burst;
mod demo;
mod nokhwa_source;
mod scripted;
mod worker;

pub use burst::burst;
pub use demo::{
    DEMO_CAPTURE_CODE, DEMO_SMILE_CODE, DemoDirector, DemoPerson, DemoScene, DemoSource,
};
pub use nokhwa_source::{DeviceInfo, NokhwaSource, list_devices, yuyv_to_rgb};
pub use scripted::{ScriptStep, ScriptedSource};
pub use worker::{CameraHandle, CameraStatus, CameraWorker, SourceFactory};

use crate::config::CameraConfig;
use image::RgbImage;
use std::sync::Arc;
use std::time::Instant;

/// One picture from a camera. Cloning is cheap (the pixels are shared).
#[derive(Debug, Clone)]
pub struct Frame {
    pub image: Arc<RgbImage>,
    /// Counts up from 1 for the life of a [`CameraWorker`], across reconnects.
    pub seq: u64,
    pub captured: Instant,
}

/// What went wrong with a camera. The texts are for the teacher and the log; they never carry
/// personal data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CameraError {
    #[error("no camera found: plug in the USB camera, or start with --camera demo")]
    NotFound,
    #[error("camera {0} does not exist: `tucai cameras` lists the cameras this computer has")]
    NoSuchDevice(String),
    #[error("the camera stopped sending pictures (unplugged?): {0}")]
    Disconnected(String),
    #[error("the camera is busy or cannot be opened: {0}; close other programs using it")]
    Open(String),
    #[error("the camera sends {0} pictures, which tucai cannot decode; choose another camera mode")]
    UnsupportedFormat(String),
    #[error("a camera picture could not be decoded: {0}")]
    Decode(String),
    #[error("the camera is not open")]
    NotOpen,
}

/// The size and pixel format a source delivers, for the log and `tucai cameras`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub format: String,
}

/// A camera or anything that behaves like one. The worker calls `open`, then `next_frame` until it
/// fails, then `close`, and opens again (possibly a fresh source from its factory) after a backoff.
pub trait FrameSource {
    fn open(&mut self) -> Result<SourceInfo, CameraError>;
    /// Blocks until the next picture. An error means the stream is over; the worker reopens.
    fn next_frame(&mut self) -> Result<RgbImage, CameraError>;
    fn close(&mut self);
}

/// What `[camera] device` (or `--camera`) names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceChoice {
    /// The first camera found.
    Auto,
    Index(u32),
    Demo,
}

impl DeviceChoice {
    /// Parses `"auto"`, `"demo"` or a device index; anything else is `None`.
    pub fn parse(s: &str) -> Option<DeviceChoice> {
        match s.trim() {
            "auto" => Some(DeviceChoice::Auto),
            "demo" => Some(DeviceChoice::Demo),
            other => other.parse().ok().map(DeviceChoice::Index),
        }
    }
}

/// Starts the camera `device` names (`[camera] device` or `--camera`) with the size, rate and
/// stall timeout of `[camera]`. Only an unparsable device name is an error; a missing camera
/// shows as [`CameraStatus::NoCamera`] and is picked up when it is plugged in.
pub fn start_camera(device: &str, config: &CameraConfig) -> Result<CameraWorker, CameraError> {
    let factory = source_factory(device, config)?;
    let stall = std::time::Duration::from_millis(u64::from(config.stall_timeout_ms));
    Ok(CameraWorker::start(factory, stall))
}

/// A factory of sources for `device` (the config's or the command line's choice), for
/// [`CameraWorker::start`].
pub fn source_factory(device: &str, config: &CameraConfig) -> Result<SourceFactory, CameraError> {
    let choice =
        DeviceChoice::parse(device).ok_or_else(|| CameraError::NoSuchDevice(device.to_string()))?;
    let config = config.clone();
    Ok(match choice {
        // Nobody directs this one: it shows the phones (the window uses [`demo_factory`]).
        DeviceChoice::Demo => demo_factory(config.fps, DemoDirector::default()),
        choice => Arc::new(move || {
            Box::new(NokhwaSource::new(choice.clone(), &config)) as Box<dyn FrameSource>
        }),
    })
}

/// The demo camera's factory, showing what `director` says (the window sets it from the screen).
pub fn demo_factory(fps: u32, director: DemoDirector) -> SourceFactory {
    Arc::new(move || Box::new(DemoSource::new(fps, director.clone())) as Box<dyn FrameSource>)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names() {
        assert_eq!(DeviceChoice::parse("auto"), Some(DeviceChoice::Auto));
        assert_eq!(DeviceChoice::parse(" demo "), Some(DeviceChoice::Demo));
        assert_eq!(DeviceChoice::parse("2"), Some(DeviceChoice::Index(2)));
        assert_eq!(DeviceChoice::parse("/dev/video0"), None);
        assert!(matches!(
            start_camera("webcam", &CameraConfig::default()),
            Err(CameraError::NoSuchDevice(_))
        ));
    }

    #[test]
    fn demo_camera_goes_live() {
        let cam = start_camera("demo", &CameraConfig::default()).unwrap();
        let frame = cam
            .wait_newer(0, std::time::Duration::from_secs(20))
            .unwrap();
        assert_eq!(frame.image.dimensions(), (1280, 720));
        assert_eq!(cam.status(), CameraStatus::Live);
    }
}
