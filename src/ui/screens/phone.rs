//! Phone number with the on-screen keypad. Whether the number is valid is checked by the
//! journey; this screen only collects digits.

use super::super::app::{KioskApp, Page, t};
use super::super::i18n::{self, T};
use super::super::{theme, widgets};
use eframe::egui::{self, RichText};

/// A mainland mobile number: `1[3-9]` + 9 digits (SPEC §2). Kept here until the flow owns it.
pub fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

pub fn ui(app: &mut KioskApp, ui: &mut egui::Ui) {
    widgets::header_ui(ui, &mut app.lang, T::PhoneTitle);
    let mut next = false;
    let mut back = false;
    super::bottom_bar(ui, |ui| {
        (back, next) = super::nav_ui(
            ui,
            Some(t(app, T::Cancel)),
            t(app, T::Next),
            app.views.phone.len() == 11,
        );
    });
    if let Some(w) = &app.walk {
        ui.label(
            RichText::new(i18n::welcome_student(
                app.lang,
                &crate::mask::name(&w.student.name),
            ))
            .size(30.0),
        );
    }
    ui.label(
        RichText::new(t(app, T::PhoneHint))
            .size(24.0)
            .color(theme::MUTED),
    );
    ui.vertical_centered(|ui| {
        widgets::digits_display_ui(ui, &app.views.phone, 420.0);
        if app.views.phone_error {
            ui.label(
                RichText::new(t(app, T::PhoneInvalid))
                    .size(26.0)
                    .color(theme::BAD),
            );
        }
        ui.allocate_ui(egui::vec2(420.0, 420.0), |ui| {
            if widgets::keypad_ui(ui, app.lang, &mut app.views.phone, 11) {
                next = app.views.phone.len() == 11;
            }
        });
    });
    if back {
        app.reset_student();
    } else if next {
        if is_mobile(&app.views.phone) {
            app.views.phone_error = false;
            if let Some(w) = app.walk.as_mut() {
                w.phone = Some(app.views.phone.clone());
            }
            app.go(Page::Notice);
        } else {
            app.views.phone_error = true;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mobile_numbers() {
        assert!(super::is_mobile("13812345678"));
        assert!(!super::is_mobile("12812345678"));
        assert!(!super::is_mobile("1381234567"));
    }
}
