//! The kiosk window: a thin view over `flow`, one module per screen.
//!
//! Must not touch: rusqlite, the file system (everything goes through the core).

pub mod fonts;

use crate::config::Config;
use eframe::egui;

/// How the window is started.
#[derive(Debug, Clone)]
pub struct Launch {
    pub windowed: bool,
    pub camera: String,
}

/// Starts the kiosk window and blocks until it is closed.
pub fn run(config: Config, launch: Launch) -> Result<(), eframe::Error> {
    let fullscreen = config.station.fullscreen && !launch.windowed;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("tucai")
            .with_inner_size([1280.0, 800.0])
            .with_fullscreen(fullscreen),
        ..Default::default()
    };
    eframe::run_native(
        "tucai",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx);
            Ok(Box::new(Placeholder { config, launch }))
        }),
    )
}

/// Shown until the student screens land: proves the window, the font and the config work.
struct Placeholder {
    config: Config,
    launch: Launch,
}

impl eframe::App for Placeholder {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(120.0);
                ui.heading(egui::RichText::new("毕业生图像信息采集").size(48.0));
                ui.label(egui::RichText::new(&self.config.school.name).size(28.0));
                ui.add_space(40.0);
                ui.label(
                    egui::RichText::new(format!(
                        "采集站 {} · 摄像头 {}",
                        self.config.station.id, self.launch.camera
                    ))
                    .size(20.0),
                );
            });
        });
    }
}
