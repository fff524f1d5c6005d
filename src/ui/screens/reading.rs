//! The school notice and the precautions (each must be scrolled to its end before Next is
//! enabled), and the notifications choice.

use super::super::app::{KioskApp, screen, t};
use super::super::i18n::{T, tr};
use super::super::{theme, widgets};
use crate::flow::{Event, Screen};
use eframe::egui::{self, RichText};

const NOTICE_ZH: &str = include_str!("../../../assets/texts/notice.zh.txt");
const NOTICE_EN: &str = include_str!("../../../assets/texts/notice.en.txt");
const RULES_ZH: &str = include_str!("../../../assets/texts/precautions.zh.txt");
const RULES_EN: &str = include_str!("../../../assets/texts/precautions.en.txt");
/// The example pair: a station capture and the standard photo the maker made from it
/// (`cargo run --example scan_frames -- demo` writes both; a test keeps them in step).
const EXAMPLE_RAW: &[u8] = include_bytes!("../../../assets/demo/person_pass.jpg");
const EXAMPLE_MADE: &[u8] = include_bytes!("../../../assets/demo/person_made.jpg");

/// Shows `text` in a scroll area; returns true once its end has been on screen.
fn scroll_text_ui(ui: &mut egui::Ui, id: &str, text: &str, height: f32) -> bool {
    let out = egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(height)
        .auto_shrink([false, false])
        // A solid bar beside the text, always shown: the student sees there is more to read
        // (egui's default floating bar appears only on hover, and over the text).
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
        .show(ui, |ui| {
            for para in text.split('\n') {
                ui.label(RichText::new(para).size(28.0));
            }
        });
    out.state.clamped_offset().y + out.inner_rect.height() >= out.content_size.y - 2.0
}

fn read_flag(app: &KioskApp) -> bool {
    matches!(
        screen(app),
        Screen::Notice { read_to_end: true } | Screen::Precautions { read_to_end: true }
    )
}

/// The bottom bar of a reading page: what to do while unread, Quit, and Next (enabled once
/// read). Returns (quit, next) as clicked.
fn reading_bar_ui(app: &KioskApp, ui: &mut egui::Ui, read: bool) -> (bool, bool) {
    let mut clicked = (false, false);
    super::bottom_bar(ui, |ui| {
        if !read {
            ui.label(RichText::new(t(app, T::ScrollToEnd)).color(theme::MUTED));
        }
        clicked = super::nav_ui(ui, Some(t(app, T::Quit)), t(app, T::Next), read);
    });
    clicked
}

/// Tells the flow what happened on a reading page this frame.
fn after_reading(app: &mut KioskApp, read: bool, reached_end: bool, quit: bool, next: bool) {
    if reached_end && !read {
        app.send(Event::ReadToEnd);
    }
    if quit {
        app.send(Event::Quit);
    } else if next {
        app.send(Event::Next);
    }
}

pub fn notice_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::NoticeTitle);
    let read = read_flag(app);
    let (back, next) = reading_bar_ui(app, ui, read);
    let text = app.lang.pick(NOTICE_ZH, NOTICE_EN);
    let h = ui.available_height();
    let reached = scroll_text_ui(ui, "notice", text, h);
    after_reading(app, read, reached, back, next);
}

pub fn precautions_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::PrecautionsTitle);
    let read = read_flag(app);
    let (back, next) = reading_bar_ui(app, ui, read);
    let ctx = ui.ctx().clone();
    let (raw, made) = example_textures(app, &ctx);
    let h = ui.available_height();
    let avail_w = ui.available_width();
    let mut reached = false;
    ui.horizontal_top(|ui| {
        let img_h = (h * 0.6).min(360.0);
        ui.vertical(|ui| {
            ui.set_width(avail_w * 0.55);
            reached = scroll_text_ui(ui, "rules", app.lang.pick(RULES_ZH, RULES_EN), h);
        });
        for (tex, label) in [(raw, T::ExampleRaw), (made, T::ExampleMade)] {
            ui.vertical(|ui| {
                let size = tex.size_vec2();
                let w = (img_h * size.x / size.y).min(avail_w * 0.2);
                ui.add(
                    egui::Image::new(&tex).fit_to_exact_size(egui::vec2(w, w * size.y / size.x)),
                );
                ui.label(RichText::new(t(app, label)).size(22.0));
            });
        }
    });
    after_reading(app, read, reached, back, next);
}

fn example_textures(
    app: &mut KioskApp,
    ctx: &egui::Context,
) -> (egui::TextureHandle, egui::TextureHandle) {
    if let (Some(a), Some(b)) = (
        app.textures.get("example/raw"),
        app.textures.get("example/made"),
    ) {
        return (a.clone(), b.clone());
    }
    // The bundled pictures always decode; a broken build shows grey squares instead of panicking.
    let decode = |bytes: &[u8], w: u32, h: u32| {
        image::load_from_memory(bytes)
            .map(|i| i.to_rgb8())
            .unwrap_or_else(|_| image::RgbImage::from_pixel(w, h, image::Rgb([128, 128, 128])))
    };
    let raw = decode(EXAMPLE_RAW, 64, 36);
    let made = decode(EXAMPLE_MADE, 48, 64);
    (
        app.texture(ctx, "example/raw", &raw),
        app.texture(ctx, "example/made", &made),
    )
}

pub fn notifications_ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::NotifyTitle);
    let (mut back, mut next) = (false, false);
    super::bottom_bar(ui, |ui| {
        (back, next) = super::nav_ui(ui, Some(t(app, T::Quit)), t(app, T::Next), true);
    });
    let stored = match screen(app) {
        Screen::Notifications { status, fee } => (status.unwrap_or(true), fee.unwrap_or(true)),
        _ => (true, true),
    };
    let (mut status, mut fee) = *app.views.notify.get_or_insert(stored);
    let lang = app.lang;
    ui.label(
        RichText::new(t(app, T::NotifyHow))
            .size(26.0)
            .color(theme::MUTED),
    );
    ui.add_space(20.0);
    for (flag, label) in [(&mut status, T::NotifyStatus), (&mut fee, T::NotifyFee)] {
        let text = format!("{}  {}", if *flag { "✔" } else { "✖" }, tr(lang, label));
        if ui
            .add(
                egui::Button::selectable(*flag, RichText::new(text).size(34.0))
                    .min_size(egui::vec2(640.0, 90.0)),
            )
            .clicked()
        {
            *flag = !*flag;
        }
    }
    app.views.notify = Some((status, fee));
    if back {
        app.send(Event::Quit);
    } else if next {
        app.send(Event::Notifications { status, fee });
        app.send(Event::Next);
    }
}
