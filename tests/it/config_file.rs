//! The shipped kiosk.toml and `tucai config check`.

use crate::support::{Station, stderr, stdout};
use std::path::Path;
use tucai::config::Config;

#[test]
fn shipped_kiosk_toml_equals_the_compiled_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk.toml");
    let loaded = Config::load(&path).expect("kiosk.toml loads");
    assert_eq!(loaded, Config::default());
}

#[test]
fn shipped_kiosk_toml_comments_every_key() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk.toml")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let is_key = line.contains('=') && !line.trim_start().starts_with('#');
        if !is_key {
            continue;
        }
        // A key is commented when a comment line stands above it within its group of keys.
        let documented = lines[..i]
            .iter()
            .rev()
            .take_while(|l| !l.trim().is_empty() && !l.starts_with('['))
            .any(|l| l.trim_start().starts_with('#'));
        assert!(
            documented,
            "kiosk.toml line {}: `{}` has no comment above it",
            i + 1,
            line
        );
    }
}

#[test]
fn config_check_accepts_the_default_file() {
    let st = Station::new();
    let out = st.run(&["config", "check", st.config().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ok"));
}

fn check_with(st: &Station, text: &str) -> (i32, String) {
    let file = st.write("bad.toml", text.as_bytes());
    let out = st.run(&["config", "check", file.to_str().unwrap()]);
    (out.status.code().unwrap_or(-1), stderr(&out))
}

#[test]
fn config_check_names_an_unknown_key() {
    let st = Station::new();
    let (code, err) = check_with(&st, "[flow]\ndraft_box = 3\n");
    assert_eq!(code, 2);
    assert!(err.contains("draft_box") && err.contains("flow"), "{err}");
}

#[test]
fn config_check_names_a_wrong_type() {
    let st = Station::new();
    let (code, err) = check_with(&st, "[camera]\nfps = \"thirty\"\n");
    assert_eq!(code, 2);
    assert!(err.contains("camera.fps"), "{err}");
}

#[test]
fn config_check_names_an_out_of_range_number() {
    let st = Station::new();
    let (code, err) = check_with(&st, "[photo]\nmin_kb = 80\nmax_kb = 60\n");
    assert_eq!(code, 2);
    assert!(err.contains("photo.min_kb"), "{err}");
    let (code, err) = check_with(&st, "[flow]\nliveness_lock_after = 0\n");
    assert_eq!(code, 2);
    assert!(err.contains("flow.liveness_lock_after"), "{err}");
}

#[test]
fn config_check_reports_a_missing_file() {
    let st = Station::new();
    let out = st.run(&["config", "check", "/nonexistent/kiosk.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/kiosk.toml"));
}

#[test]
fn a_broken_config_stops_other_commands_with_the_key() {
    let st = Station::new();
    std::fs::write(st.config(), "[station]\nid = \"bad id!\"\n").unwrap();
    let out = st.run(&["session", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("station.id"), "{}", stderr(&out));
}

/// Every commented example of a key (`# key = value`) in the shipped file must load when a user
/// uncomments it: the capture window's example was refused ("expected a formatted date string").
#[test]
fn every_commented_example_in_kiosk_toml_loads_when_uncommented() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk.toml")).unwrap();
    let is_example = |l: &str| {
        let body = l.trim_start().strip_prefix('#').map(str::trim_start);
        body.and_then(|b| b.split_once('='))
            .is_some_and(|(key, _)| {
                let key = key.trim();
                !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
    };
    let examples: Vec<&str> = text.lines().filter(|l| is_example(l)).collect();
    assert!(!examples.is_empty(), "no commented example found");
    let uncommented: String = text
        .lines()
        .map(|l| {
            if is_example(l) {
                l.trim_start()
                    .trim_start_matches('#')
                    .trim_start()
                    .to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let config = Config::from_toml(&uncommented, Path::new("kiosk.toml (examples uncommented)"))
        .unwrap_or_else(|e| panic!("{e}\nexamples: {examples:?}"));
    assert!(config.school.capture_window.is_some());
}

#[test]
fn config_check_names_the_line_of_a_syntax_error() {
    let st = Station::new();
    let (code, err) = check_with(&st, "[school]\nname = \"扬州\n");
    assert_eq!(code, 2);
    assert!(err.contains("line 2"), "{err}");
}
