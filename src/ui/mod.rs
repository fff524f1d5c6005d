//! The kiosk window: a thin view over the student journey, one module per screen.
//!
//! Must not touch: rusqlite, the file system (everything goes through the core). The journey's
//! rules live in `crate::flow`; the photo work behind the [`crate::lab::PhotoLab`] seam.

mod app;
pub mod demo;
pub mod fonts;
pub mod frame_stats;
pub mod i18n;
pub mod job;
mod keyboard;
pub mod office;
pub mod picker;
pub mod roster_picker;
pub mod teacher_jobs;

mod screens;
pub mod theme;
mod widgets;

pub use app::{KioskApp, Overlay, Page, Parts, PinPurpose, Views};
pub use screens::teacher::{Tab as TeacherTab, TeacherView};

use crate::config::Config;
use eframe::egui;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How the window is started.
#[derive(Debug, Clone)]
pub struct Launch {
    pub windowed: bool,
    pub camera: String,
    /// The station's data directory (database, captures).
    pub data_dir: PathBuf,
    /// Called once when the window has drawn this many frames: the Windows launcher runs the
    /// window in a child process per graphics backend and keeps the first that draws.
    pub on_drawn: Option<(u64, fn())>,
}

/// Why the window could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UiError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("cannot open the window: {0}")]
    Window(String),
}

/// Starts the kiosk window and blocks until it is closed (with the teacher PIN).
pub fn run(config: Config, launch: Launch) -> Result<(), UiError> {
    let fullscreen = config.station.fullscreen && !launch.windowed;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("tucai")
            .with_inner_size([1280.0, 800.0])
            .with_fullscreen(fullscreen),
        ..Default::default()
    };
    let demo = launch.camera.trim() == "demo";
    // The demo camera follows the flow: the window tells it what to show.
    let demo_camera = demo.then(crate::camera::DemoDirector::default);
    let factory = match &demo_camera {
        Some(d) => Ok(crate::camera::demo_factory(config.camera.fps, d.clone())),
        None => crate::camera::source_factory(&launch.camera, &config.camera),
    };
    let camera = match factory {
        Ok(f) => Some(crate::camera::CameraWorker::start(
            f,
            Duration::from_millis(u64::from(config.camera.stall_timeout_ms)),
        )),
        Err(e) => {
            log::warn!("camera: {e}");
            None
        }
    };
    let store = crate::store::Store::open(&launch.data_dir)?;
    let admin = crate::store::Store::open_file(store.path())?;
    let flow = crate::flow::Flow::new(store, &config, Box::new(crate::flow::SystemClock));
    // The demo camera too goes through the real checks and the real maker: its scenes are
    // station-like captures (assets/demo/README.md), so the demo shows what a station does. Its
    // pictures are still, so liveness alone is not judged there.
    let lab: Arc<dyn crate::lab::PhotoLab> = Arc::new(if demo {
        crate::lab::RealLab::for_still_camera(&config)
    } else {
        crate::lab::RealLab::new(&config)
    });
    eframe::run_native(
        "tucai",
        options,
        Box::new(move |cc| {
            frame_stats::install(&cc.egui_ctx);
            if let Some((frames, call)) = launch.on_drawn {
                call_once_drawn(&cc.egui_ctx, frames, call);
            }
            let mut app = KioskApp::new(
                &cc.egui_ctx,
                Parts {
                    config,
                    camera,
                    flow,
                    admin,
                    lab,
                    demo_session: demo,
                    demo_camera,
                },
            );
            if fullscreen {
                // Enough frames for the monitor size to be known; see `fill_monitor`.
                app.fill_screen_frames = 30;
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| UiError::Window(e.to_string()))
}

/// Calls `call` at the start of the pass after `frames` frames were drawn (each frame is painted
/// right after its pass ends, so a driver that fails on painting never gets there).
pub(crate) fn call_once_drawn(ctx: &egui::Context, frames: u64, call: fn()) {
    let done = std::sync::atomic::AtomicBool::new(false);
    ctx.on_begin_pass(
        "tucai_drawn",
        Arc::new(move |ui: &mut egui::Ui| {
            if ui.ctx().cumulative_frame_nr() >= frames
                && !done.swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                call();
            }
        }),
    );
}
