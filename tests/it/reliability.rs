//! Issue 14: what a hostile file, a careless clerk or a crash must not do — through the real
//! binary on real files.

use crate::support::{Station, roster_zh, stderr};

/// CRC-32 (IEEE) of a PNG chunk's type and data, so the crafted header below is a valid PNG and
/// the decoder's size check, not a CRC error, is what refuses it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A PNG of a few hundred bytes whose header claims `w × h` RGB pixels (4.8 GB for 40000²): a
/// valid signature, IHDR and CRCs, and a tiny deflate stream where gigabytes should follow.
pub fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    // zlib header + an empty final stored block + adler32 of nothing.
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn a_png_claiming_40000_squared_is_refused_by_check_and_photo_add_with_exit_2() {
    let st = Station::new();
    let bomb = st.write("bomb.png", &png_claiming(40_000, 40_000));
    assert!(std::fs::metadata(&bomb).unwrap().len() < 2048);
    let out = st.run(&["check", bomb.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("bomb.png") && err.contains("40000×40000"),
        "{err}"
    );
    assert!(err.contains("larger than"), "{err}");

    let session = st.open_session("酒店2201");
    let out = st.import_roster(session, "roster.csv", roster_zh(1).as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let out = st.run(&[
        "photo",
        "add",
        "--session",
        &session.to_string(),
        "--student",
        "202200000",
        bomb.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("bomb.png") && err.contains("larger than"),
        "{err}"
    );
}

#[test]
fn the_pixel_limit_is_the_configs_station_max_image_pixels() {
    let st = Station::new();
    // 1200×1000 is within the default limit; a station set to 1 MP refuses it unread.
    let png = png_claiming(1200, 1000);
    let file = st.write("big.png", &png);
    let text = std::fs::read_to_string(st.config()).unwrap();
    assert!(text.contains("max_image_pixels = 64000000"));
    std::fs::write(
        st.config(),
        text.replace("max_image_pixels = 64000000", "max_image_pixels = 1000000"),
    )
    .unwrap();
    let out = st.run(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("1200×1000") && err.contains("1000000"),
        "{err}"
    );
}

#[test]
fn a_lost_database_beside_station_data_is_refused_with_how_to_recover() {
    let st = Station::new();
    // A fresh station may show its key first: the database is made before the key.
    let out = st.run(&["key", "show"]);
    assert!(out.status.success(), "{}", stderr(&out));
    st.open_session("酒店2201");
    let db = st.data().join(tucai::store::DB_FILE);
    for (what, damage) in [
        (
            "empty (0 bytes)",
            (|p: &std::path::Path| std::fs::write(p, b"").unwrap()) as fn(&std::path::Path),
        ),
        ("missing", |p: &std::path::Path| {
            std::fs::remove_file(p).unwrap()
        }),
    ] {
        damage(&db);
        for wal in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(st.data().join(format!("{}{wal}", tucai::store::DB_FILE)));
        }
        let out = st.run(&["session", "list"]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{what}: {}",
            crate::support::stdout(&out)
        );
        let err = stderr(&out);
        assert!(err.contains(what) && err.contains("station.key"), "{err}");
        assert!(err.contains("Restore tucai.sqlite3"), "{err}");
        // Nothing was created in its place.
        assert!(
            std::fs::metadata(&db).map_or(true, |m| m.len() == 0),
            "{what}"
        );
        let out = st.run(&["key", "show"]);
        assert_eq!(out.status.code(), Some(2), "{what}");
    }
}

#[cfg(unix)]
fn set_pin(st: &Station, config: &std::path::Path, pin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tucai"))
        .current_dir(st.dir.path())
        .arg("--config")
        .arg(config)
        .args(["set-pin", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{pin}\n{pin}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

// Unix modes and symlinks; on Windows the file's access list is set instead (src/platform.rs).
#[cfg(unix)]
#[test]
fn set_pin_refuses_trivial_and_short_pins_and_keeps_the_files_mode_and_link() {
    use std::os::unix::fs::PermissionsExt;
    let st = Station::new();
    let before = std::fs::read_to_string(st.config()).unwrap();
    for weak in ["0000", "1234", "246810", "12345678", "00000000", "12121212"] {
        let out = set_pin(&st, &st.config(), weak);
        assert_eq!(out.status.code(), Some(2), "{weak} was accepted");
        assert!(
            stderr(&out).contains("choose another PIN"),
            "{weak}: {}",
            stderr(&out)
        );
    }
    assert_eq!(std::fs::read_to_string(st.config()).unwrap(), before);

    // The real file lives elsewhere, mode 0600, and kiosk.toml links to it.
    let real = st.path("etc-kiosk.toml");
    std::fs::rename(st.config(), &real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink(&real, st.config()).unwrap();
    let out = set_pin(&st, &st.config(), "27049163");
    assert!(out.status.success(), "{}", stderr(&out));
    let link = std::fs::symlink_metadata(st.config()).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a plain file"
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
    let config = tucai::config::Config::load(&real).unwrap();
    assert!(tucai::pin::verify_pin(&config.teacher.pin_hash, "27049163").unwrap());
}

#[test]
fn a_roster_re_import_that_swaps_two_capture_codes_applies_in_one_pass() {
    let st = Station::new();
    let session = st.open_session("酒店2201");
    let s = session.to_string();
    let first = st.write("class.csv", roster_zh(3).as_bytes());
    let out = st.run(&["roster", "import", first.to_str().unwrap(), "--session", &s]);
    assert!(out.status.success(), "{}", stderr(&out));
    let swapped = roster_zh(3)
        .replace("CODE00000", "SWAP")
        .replace("CODE00001", "CODE00000")
        .replace("SWAP", "CODE00001");
    let file = st.write("class-fixed.csv", swapped.as_bytes());
    let out = st.run(&["roster", "import", file.to_str().unwrap(), "--session", &s]);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = tucai::store::Store::open(&st.data()).unwrap();
    let code = |no: &str| {
        store
            .student_by_no(tucai::store::SessionId(session), no)
            .unwrap()
            .unwrap()
            .capture_code
    };
    assert_eq!(code("202200000").as_deref(), Some("CODE00001"));
    assert_eq!(code("202200001").as_deref(), Some("CODE00000"));
    drop(store);

    // A code held by a student the file does not list is still refused, naming the file.
    let one = roster_zh(3)
        .lines()
        .take(2)
        .collect::<Vec<_>>()
        .join("\n")
        .replace("CODE00000", "CODE00002");
    let clash = st.write("clash.csv", one.as_bytes());
    let out = st.run(&["roster", "import", clash.to_str().unwrap(), "--session", &s]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("clash.csv") && err.contains("line 2"), "{err}");
}

#[test]
fn a_header_only_roster_says_the_file_has_no_students_and_exits_2() {
    let st = Station::new();
    let session = st.open_session("酒店2201");
    let out = st.import_roster(
        session,
        "empty-class.csv",
        "学号,姓名,身份证号,院系,班级,采集码\n".as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("empty-class.csv") && err.contains("no students"),
        "{err}"
    );
}
