//! The office window, `tucai office` with no subcommand: import the stations' batches from a
//! stick, trust stations, see each class (confirmed with thumbnail, missing), review each photo
//! (学校初审: approve, or reject with a reason into a reset list for the stations), and write the
//! upload package with the print sheets. The kiosk's theme and CJK font, Chinese first with the
//! English switch; one module per page; long work on [`crate::ui::job::Job`] threads.
//!
//! Must not touch: the office rules (`crate::office`); this window only shows and asks.

mod classes;
mod import;
pub mod jobs;
mod package;
mod review;
mod stations;

use super::i18n::{Lang, T, tr};
use super::roster_picker::{Background, Place};
use super::{UiError, fonts, theme, widgets};
use crate::config::Config;
use crate::office::{Office, OfficeError};
use eframe::egui::{self, RichText};
use std::collections::HashMap;
use std::path::PathBuf;

pub use classes::ClassesView;
pub use import::ImportView;
pub use package::PackageView;
pub use review::ReviewView;
pub use stations::StationsView;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OfficePage {
    #[default]
    Import,
    Stations,
    Classes,
    Review,
    Package,
}

/// The office window's state. Reads on the GUI thread go through `office` (small queries);
/// imports and packages run on threads with their own connection.
pub struct OfficeApp {
    pub config: Config,
    pub lang: Lang,
    pub page: OfficePage,
    pub office: Office,
    /// The picker's starting places, shared by the pages.
    pub places: Option<Background<Vec<Place>>>,
    pub import: ImportView,
    pub stations: StationsView,
    pub classes: ClassesView,
    pub review: ReviewView,
    pub package: PackageView,
    pub textures: HashMap<String, egui::TextureHandle>,
}

impl OfficeApp {
    pub fn new(ctx: &egui::Context, config: Config, office: Office) -> OfficeApp {
        fonts::install(ctx);
        theme::install(ctx);
        OfficeApp {
            lang: config.station.language.into(),
            config,
            page: OfficePage::Import,
            office,
            places: None,
            import: ImportView::default(),
            stations: StationsView::default(),
            classes: ClassesView::default(),
            review: ReviewView::default(),
            package: PackageView::default(),
            textures: HashMap::new(),
        }
    }

    /// The office data directory (database, imported photos).
    pub fn dir(&self) -> PathBuf {
        self.office.dir().to_path_buf()
    }

    fn t(&self, key: T) -> &'static str {
        tr(self.lang, key)
    }
}

impl eframe::App for OfficeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Keep polling the workers while one runs (the pages ask for repaints too).
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default()
            .frame(egui::Frame::central_panel(ui.style()).inner_margin(24.0))
            .show(ui, |ui| self.page_ui(ui));
    }
}

impl OfficeApp {
    fn page_ui(&mut self, ui: &mut egui::Ui) {
        widgets::header_ui(ui, &mut self.lang, T::OfficeTitle);
        ui.horizontal(|ui| {
            for (page, label) in [
                (OfficePage::Import, T::OfficeImport),
                (OfficePage::Stations, T::OfficeStations),
                (OfficePage::Classes, T::OfficeClasses),
                (OfficePage::Review, T::OfficeReview),
                (OfficePage::Package, T::OfficePackage),
            ] {
                let b = egui::Button::selectable(
                    self.page == page,
                    RichText::new(self.t(label)).size(26.0),
                )
                .min_size(egui::vec2(160.0, 60.0));
                if ui.add(b).clicked() {
                    self.page = page;
                    // What another page changed (an import) shows when a page is opened.
                    self.classes.report = None;
                    self.review.items = None;
                    self.package.classes = None;
                }
            }
        });
        ui.separator();
        match self.page {
            OfficePage::Import => import::ui(self, ui),
            OfficePage::Stations => stations::ui(self, ui),
            OfficePage::Classes => classes::ui(self, ui),
            OfficePage::Review => review::ui(self, ui),
            OfficePage::Package => package::ui(self, ui),
        }
    }
}

/// Opens the office window on the office data directory and blocks until it is closed.
/// `on_drawn` as for the kiosk ([`super::Launch::on_drawn`]): the Windows graphics fallback.
pub fn run(
    config: Config,
    office_dir: PathBuf,
    on_drawn: Option<(u64, fn())>,
) -> Result<(), UiError> {
    let office =
        Office::open(&office_dir).map_err(|e: OfficeError| UiError::Window(e.to_string()))?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("tucai office")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "tucai office",
        options,
        Box::new(move |cc| {
            if let Some((frames, call)) = on_drawn {
                super::call_once_drawn(&cc.egui_ctx, frames, call);
            }
            Ok(Box::new(OfficeApp::new(&cc.egui_ctx, config, office)))
        }),
    )
    .map_err(|e| UiError::Window(e.to_string()))
}

/// A line of red text.
fn bad(ui: &mut egui::Ui, text: impl Into<String>) {
    ui.label(RichText::new(text.into()).size(22.0).color(theme::BAD));
}
