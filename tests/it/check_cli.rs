//! `tucai check` through the real binary: exit codes, the JSON shape, and the files a teacher
//! actually brings (RGBA, greyscale, EXIF-rotated, huge, not an image at all).

use crate::defects;
use crate::face::detector;
use crate::support::{Station, stderr, stdout};
use image::ImageEncoder;
use std::path::PathBuf;
use tucai::face::Point;

fn studio() -> image::RgbImage {
    defects::studio(
        detector(),
        &defects::fixture("fr_obama.jpg"),
        1.3,
        Point::new(960.0, 430.0),
        1,
    )
    .img
}

fn json(out: &std::process::Output) -> Vec<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
        .as_array()
        .unwrap()
        .clone()
}

fn check_value(file: &serde_json::Value, id: &str) -> serde_json::Value {
    file["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {file}"))
        .clone()
}

fn save(st: &Station, name: &str, img: &image::RgbImage) -> PathBuf {
    let p = st.path(name);
    img.save(&p).unwrap();
    p
}

#[test]
fn passing_file_exits_0_with_every_check_in_the_json() {
    let st = Station::new();
    st.relax_mouth();
    let p = save(&st, "studio.png", &studio());
    let out = st.run(&["check", "--json", p.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let files = json(&out);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["passed"], true);
    assert!(files[0]["file"].as_str().unwrap().ends_with("studio.png"));
    let checks = files[0]["checks"].as_array().unwrap();
    assert_eq!(checks.len(), tucai::check::CheckId::ALL.len());
    for c in checks {
        for key in ["id", "passed", "value", "threshold", "hint"] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
    }
    // A still file has no burst: liveness is reported, not measured, and not counted.
    let live = check_value(&files[0], "liveness");
    assert_eq!(live["passed"], false);
    assert!(live["value"].is_null());
    assert_eq!(check_value(&files[0], "face.single")["value"], 1.0);
}

#[test]
fn failing_file_exits_1_and_names_the_failed_check() {
    let st = Station::new();
    let p = save(&st, "studio.png", &studio());
    let group = defects::fixture("rustface_solvay1927.png");
    let g = save(&st, "group.png", &group);
    let out = st.run(&["check", "--json", p.to_str().unwrap(), g.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let files = json(&out);
    assert_eq!(files.len(), 2);
    let mouth = check_value(&files[0], "mouth.closed");
    assert_eq!(mouth["passed"], false);
    assert!(mouth["value"].as_f64().unwrap() > mouth["threshold"].as_f64().unwrap());
    assert!(!mouth["hint"].as_str().unwrap().is_empty());
    assert_eq!(check_value(&files[1], "face.single")["passed"], false);
    // Text output says the same.
    let out = st.run(&["check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("FAIL mouth.closed"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn unreadable_file_exits_2_and_the_others_are_still_reported() {
    let st = Station::new();
    st.relax_mouth();
    let p = save(&st, "studio.png", &studio());
    let bad = st.path("notes.jpg");
    std::fs::write(&bad, b"this is not a photo").unwrap();
    let missing = st.path("missing.jpg");
    let out = st.run(&[
        "check",
        "--json",
        bad.to_str().unwrap(),
        p.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let files = json(&out);
    assert_eq!(files.len(), 3);
    assert_eq!(files[1]["passed"], true);
    assert_eq!(files[0]["passed"], false);
    assert!(files[0]["error"].as_str().unwrap().contains("notes.jpg"));
    let err = stderr(&out);
    assert!(
        err.contains("notes.jpg") && err.contains("missing.jpg"),
        "{err}"
    );
}

#[test]
fn rgba_greyscale_exif_rotated_and_huge_files_are_read() {
    let st = Station::new();
    let img = studio();
    // RGBA with a transparent corner.
    let rgba = image::RgbaImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y).0;
        image::Rgba([p[0], p[1], p[2], if x < 50 && y < 50 { 0 } else { 255 }])
    });
    let rgba_path = st.path("rgba.png");
    rgba.save(&rgba_path).unwrap();
    // Greyscale.
    let grey_path = st.path("grey.png");
    image::DynamicImage::ImageRgb8(img.clone())
        .to_luma8()
        .save(&grey_path)
        .unwrap();
    // Stored sideways with EXIF orientation 6 ("rotate 90° clockwise to display").
    let sideways = image::imageops::rotate270(&img);
    let exif: Vec<u8> = vec![
        b'I', b'I', 42, 0, 8, 0, 0, 0, // TIFF header, IFD at 8
        1, 0, // one entry
        0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, // Orientation, SHORT, 1, value 6
        0, 0, 0, 0, // no next IFD
    ];
    let exif_path = st.path("exif.jpg");
    {
        let mut buf = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, 90);
        enc.set_exif_metadata(exif).unwrap();
        enc.write_image(
            sideways.as_raw(),
            sideways.width(),
            sideways.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
        std::fs::write(&exif_path, buf).unwrap();
    }
    // Huge: 5760×3240 (18.7 MP).
    let huge = image::imageops::resize(&img, 5760, 3240, image::imageops::FilterType::Triangle);
    let huge_path = st.path("huge.jpg");
    huge.save(&huge_path).unwrap();

    let paths =
        [&rgba_path, &grey_path, &exif_path, &huge_path].map(|p| p.to_str().unwrap().to_string());
    let mut args = vec!["check", "--json"];
    args.extend(paths.iter().map(String::as_str));
    let out = st.run(&args);
    // All are readable; they fail (mouth open, greyscale top) but none is exit 2.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let files = json(&out);
    assert_eq!(files.len(), 4);
    for f in &files {
        assert!(f.get("error").is_none(), "{f}");
        assert_eq!(check_value(f, "face.single")["value"], 1.0, "{}", f["file"]);
        // Upright after EXIF: the head is level, not lying on its side.
        assert_eq!(
            check_value(f, "pose.frontal")["passed"],
            true,
            "{}",
            f["file"]
        );
    }
}
