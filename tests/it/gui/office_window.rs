//! The office window (`tucai office` without a subcommand) driven like an office clerk: trust
//! two stations from their trust files on the stick, import both stations' batches (one of
//! them altered on the way and refused, naming the file), see the class with its confirmed and
//! missing students, and write the upload package with the print sheets. Batches are made by
//! the station's own export code over real SQLite files and real signatures.

use super::*;
use crate::export_fixture::{add_student, at, confirm, open_session};
use tucai::export::{
    ExportOutcome, ExportRequest, FolderDestination, StationKey, TrustedKey, export_session,
};
use tucai::office::Office;
use tucai::ui::i18n::Lang;
use tucai::ui::office::{OfficeApp, OfficePage};
use tucai::ui::roster_picker::{Background, Place};

pub(super) struct OfficeWindow {
    pub(super) harness: Harness<'static, OfficeApp>,
    _dir: tempfile::TempDir,
}

/// A station that confirmed `confirmed` of `students` of class 酒店2201 and exported the batch
/// to `stick`, with its trust file beside it. Returns the batch folder.
fn station_exports(
    id: &str,
    numbers: &[&str],
    confirmed: usize,
    stick: &std::path::Path,
) -> std::path::PathBuf {
    station_exports_class(id, "酒店2201", numbers, confirmed, stick)
}

/// [`station_exports`] for another class.
fn station_exports_class(
    id: &str,
    class: &str,
    numbers: &[&str],
    confirmed: usize,
    stick: &std::path::Path,
) -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let key = StationKey::load_or_create(store.data_dir()).unwrap();
    let session = open_session(&mut store, class);
    for (i, no) in numbers.iter().enumerate() {
        let s = add_student(&store, session, no, class);
        if i < confirmed {
            confirm(&store, s, at(10 + i as i64), i as u32 + 7);
        }
        // The teacher looked at the first photo: every checklist item ticked.
        if i == 0 && confirmed > 0 {
            for item in tucai::store::MANUAL_ITEMS {
                store
                    .set_manual_check(s, item, true, "董老师", at(100))
                    .unwrap();
            }
        }
    }
    let dest = FolderDestination::new(stick);
    let req = ExportRequest {
        station_id: id,
        key: &key,
        session,
        operator: "董老师",
        now: at(600),
    };
    let ExportOutcome::Written { batch, .. } =
        export_session(&mut store, &req, &dest, &mut |_| {}).unwrap()
    else {
        panic!("no batch written");
    };
    std::fs::write(
        stick.join(format!("{id}.trust.json")),
        key.trusted(id).to_json(),
    )
    .unwrap();
    dest.batch_dir(&batch)
}

pub(super) fn office_window(stick: &std::path::Path) -> OfficeWindow {
    let dir = tempfile::tempdir().unwrap();
    let office = Office::open(&dir.path().join("office")).unwrap();
    let places = vec![
        Place::Media(stick.to_path_buf()),
        Place::Data(dir.path().to_path_buf()),
    ];
    let harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_accessibility_check(false)
        .with_theme(egui::Theme::Light)
        .build_eframe(move |cc| {
            let mut app = OfficeApp::new(&cc.egui_ctx, config(), office);
            app.places = Some(Background::ready(places));
            app
        });
    let mut w = OfficeWindow { harness, _dir: dir };
    w.harness.run_steps(3);
    w
}

impl OfficeWindow {
    pub(super) fn has_text(&self, part: &str) -> bool {
        self.harness
            .query_all_by_label_contains(part)
            .next()
            .is_some()
    }

    pub(super) fn wait_for_text(&mut self, part: &str) {
        for _ in 0..WAIT_STEPS {
            if self.has_text(part) {
                self.harness.run_steps(2);
                return;
            }
            self.harness.step();
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = self
            .harness
            .render()
            .map(|img| img.save(std::env::temp_dir().join("office-window-timeout.png")));
        panic!("no text containing {part:?} in the office window (picture in the temp dir)");
    }

    pub(super) fn click(&mut self, label: &str) {
        self.wait_for_text(label);
        click_when_still(&mut self.harness, label);
        self.harness.run_steps(3);
    }

    pub(super) fn snap(&mut self, name: &str) {
        let write = std::env::var_os("TUCAI_WRITE_SCREENS").is_some();
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screens");
        // The renderer learns textures made before its first picture only on a second one.
        let _ = self.harness.render();
        for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
            self.harness.state_mut().lang = lang;
            self.harness.remove_cursor();
            self.harness.run_steps(3);
            let img = self.harness.render().expect("render");
            if write {
                img.save(out.join(format!("{name}-{tag}.png"))).unwrap();
            }
        }
        self.harness.state_mut().lang = Lang::Zh;
        self.harness.run_steps(3);
    }
}

#[test]
fn an_office_clerk_trusts_imports_sees_the_class_and_writes_the_package() {
    let stick_dir = tempfile::tempdir().unwrap();
    let stick = stick_dir.path().join("KINGSTON");
    std::fs::create_dir(&stick).unwrap();
    station_exports(
        "station-a",
        &["202200001", "202200002", "202200003"],
        2,
        &stick,
    );
    let b = station_exports("station-b", &["202200004", "202200005"], 2, &stick);
    // Station B's batch is altered on the way: one photo byte changed.
    let photo = b.join("photos/202200005.jpg");
    let mut bytes = std::fs::read(&photo).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0xff;
    std::fs::write(&photo, bytes).unwrap();

    let mut w = office_window(&stick);
    // Trusted stations: both trust files from the stick.
    w.click("信任的工作站");
    w.wait_for_text("还没有信任任何工作站");
    w.click("U 盘 KINGSTON");
    for id in ["station-a", "station-b"] {
        w.click(&format!("{id}.trust.json"));
        w.click("信任此工作站");
        w.wait_for_text(&format!("已信任工作站 {id}"));
    }
    w.snap("31-office-stations");
    assert_eq!(w.harness.state().office.trusted_keys().unwrap().len(), 2);

    // Import: both batches listed with station, class and count; one refused naming the file.
    w.click("导入批次");
    w.click("U 盘 KINGSTON");
    w.wait_for_text("找到 2 个批次");
    w.wait_for_text("station-b");
    w.click("导入这些批次");
    w.wait_for_text("已导入 station-a");
    w.wait_for_text("拒绝导入");
    w.wait_for_text("photos/202200005.jpg");
    w.snap("30-office-import");
    w.harness.state_mut().lang = Lang::En;
    w.harness.run_steps(3);
    w.wait_for_text("Refused");

    // Classes: the class with its confirmed (thumbnails) and missing students; search.
    w.harness.state_mut().lang = Lang::Zh;
    w.click("班级情况");
    w.wait_for_text("酒店2201：已确认 2，未采集 1");
    w.wait_for_text("202200003");
    w.wait_for("the thumbnails", |w| w.harness.state().textures.len() == 2);
    w.wait_for_text("人工核查 3/3");
    w.snap("32-office-classes");
    w.harness.state_mut().classes.search = "202200002".into();
    w.harness.run_steps(3);
    assert!(w.has_text("202200002"));
    assert!(!w.has_text("202200003"), "the search hides the others");

    // Package: into a new folder on the stick, with the counts.
    w.harness.state_mut().page = OfficePage::Package;
    w.harness.run_steps(3);
    w.click("U 盘 KINGSTON");
    w.click("生成上报包和打印文件");
    w.wait_for_text("上报包已写入");
    w.wait_for_text("2 张照片");
    let package = package_in(&stick);
    assert!(package.join("list.csv").is_file());
    assert!(package.join("photos/202200001.jpg").is_file());
}

#[test]
fn the_import_page_lists_the_shared_folder_set_in_the_config() {
    // The stations on the campus network export into the office's shared folder (on Windows
    // `\\office-pc\tucai`; here an absolute folder, as a mounted share would be).
    let share_dir = tempfile::tempdir().unwrap();
    let share = share_dir.path().join("共享 tucai");
    std::fs::create_dir(&share).unwrap();
    station_exports("station-a", &["202200001", "202200002"], 2, &share);
    let stick_dir = tempfile::tempdir().unwrap();

    let mut w = office_window(stick_dir.path());
    // The default destination (`export`, relative to the data folder) is no shared folder.
    assert!(!w.has_text("共享文件夹"));
    w.harness.state_mut().config.export.destination = share.clone();
    w.harness.run_steps(3);
    let label = format!("共享文件夹 {}", share.display());
    w.click(&label);
    w.wait_for_text("找到 1 个批次");
    w.wait_for_text("station-a");
    assert_eq!(
        w.harness.state().import.picker.folder(),
        Some(share.as_path())
    );
}

/// The upload package folder the office window wrote on the stick.
pub(super) fn package_in(stick: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(stick)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("tucai-upload-"))
        .expect("the package folder")
        .path()
}

impl OfficeWindow {
    /// Trusts `station` by its trust file on the stick, then imports the stick's one batch.
    pub(super) fn trust_and_import(&mut self, station: &str) {
        self.click("信任的工作站");
        self.click("U 盘 KINGSTON");
        self.click(&format!("{station}.trust.json"));
        self.click("信任此工作站");
        self.wait_for_text(&format!("已信任工作站 {station}"));
        self.click("导入批次");
        self.click("U 盘 KINGSTON");
        self.wait_for_text("找到 1 个批次");
        self.click("导入这些批次");
        self.wait_for_text("已导入");
    }

    pub(super) fn wait_for(&mut self, what: &str, done: impl Fn(&OfficeWindow) -> bool) {
        for _ in 0..WAIT_STEPS {
            if done(self) {
                return;
            }
            self.harness.step();
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("timed out waiting for {what}");
    }
}

#[test]
fn a_wrongly_trusted_station_is_revoked_by_a_named_operator_and_audited() {
    let stick_dir = tempfile::tempdir().unwrap();
    let stick = stick_dir.path().join("KINGSTON");
    std::fs::create_dir(&stick).unwrap();
    station_exports("station-a", &["202200001"], 2, &stick);
    let mut w = office_window(&stick);
    w.click("信任的工作站");
    w.click("U 盘 KINGSTON");
    w.click("station-a.trust.json");
    w.click("信任此工作站");
    w.wait_for_text("已信任工作站 station-a");
    // Revoke needs a named operator: the button is disabled until one is typed.
    assert!(
        w.harness
            .get_by_label("撤销信任")
            .accesskit_node()
            .is_disabled()
    );
    w.harness.state_mut().stations.operator = "王老师".into();
    w.harness.run_steps(3);
    w.click("撤销信任");
    // The first click only asks; nothing is removed yet.
    w.wait_for_text("确认撤销");
    assert_eq!(
        w.harness.state().office.trusted_stations().unwrap().len(),
        1
    );
    w.click("确认撤销");
    w.wait_for_text("已撤销对工作站 station-a 的信任");
    w.wait_for_text("还没有信任任何工作站");
    let office = &w.harness.state().office;
    assert!(office.trusted_stations().unwrap().is_empty());
    let audit = office.audit_log().unwrap();
    let last = audit.last().expect("an audit line");
    assert_eq!(
        (
            last.action.as_str(),
            last.station.as_str(),
            last.operator.as_str()
        ),
        ("trust.revoke", "station-a", "王老师")
    );
}

/// Issue 15: a student confirmed at two stations. The import keeps the newer confirmation by
/// rule and the Import page shows both photos side by side with their stations; the clerk, named,
/// keeps the other one, which becomes the student's photo (the package takes it), audited; the
/// same batches imported again do not undo the choice.
#[test]
fn a_conflict_between_stations_shows_both_photos_and_the_clerk_keeps_one() {
    let stick_dir = tempfile::tempdir().unwrap();
    let stick = stick_dir.path().join("KINGSTON");
    std::fs::create_dir(&stick).unwrap();
    // 202200001 is confirmed at A (at 10 s) and later at B (at 11 s), with different photos.
    station_exports("station-a", &["202200001", "202200002"], 2, &stick);
    station_exports("station-b", &["202200009", "202200001"], 2, &stick);
    let mut w = office_window(&stick);
    for id in ["station-a", "station-b"] {
        let key = TrustedKey::load(&stick.join(format!("{id}.trust.json"))).unwrap();
        w.harness.state_mut().office.trust(&key, at(700)).unwrap();
    }
    w.click("U 盘 KINGSTON");
    w.wait_for_text("找到 2 个批次");
    w.click("导入这些批次");
    w.wait_for_text("已导入 station-b");
    w.wait_for_text("请选择保留哪张照片");
    let case = w.harness.state().office.conflict_cases().unwrap().remove(0);
    assert_eq!(case.student_no, "202200001");
    assert_eq!(
        case.kept.station, "station-b",
        "the newer confirmation by rule"
    );
    assert_eq!(
        case.current_sha256.as_deref(),
        Some(case.kept.photo_sha256.as_str())
    );
    assert_ne!(case.kept.photo_sha256, case.dropped.photo_sha256);
    w.wait_for_text("正在使用");
    w.wait_for("both photos", |w| {
        w.harness
            .state()
            .textures
            .keys()
            .filter(|k| k.starts_with("conflict/"))
            .count()
            == 2
    });
    // Keeping needs a named clerk.
    assert!(
        w.harness
            .get_by_label("保留 station-a 的照片")
            .accesskit_node()
            .is_disabled()
    );
    w.harness.state_mut().import.clerk = "王老师".into();
    w.harness.run_steps(3);
    w.harness
        .get_by_label("保留 station-a 的照片")
        .scroll_to_me();
    w.harness.run_steps(30);
    w.snap("35-office-conflict");
    w.click("保留 station-a 的照片");
    w.wait_for_text("已由 王老师 选定");
    w.wait_for_text("保留 station-b 的照片");
    let case = w.harness.state().office.conflict_cases().unwrap().remove(0);
    assert_eq!(
        case.current_sha256.as_deref(),
        Some(case.dropped.photo_sha256.as_str()),
        "station A's photo is the student's now"
    );
    let log = rusqlite::Connection::open(w.harness.state().dir().join("office.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT clerk, student_no, detail FROM review_log WHERE action = 'conflict.keep'",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .unwrap();
    assert_eq!((log.0.as_str(), log.1.as_str()), ("王老师", "202200001"));
    assert!(log.2.contains("station-a"), "{}", log.2);

    // Both batches again: recognised as imported, and nothing undoes the choice.
    let dirs: Vec<_> = tucai::office::import::batch_dirs(&stick).unwrap();
    let office = &mut w.harness.state_mut().office;
    tucai::office::import_batches(office, &dirs, at(900));
    let case = office.conflict_cases().unwrap().remove(0);
    assert_eq!(
        case.current_sha256.as_deref(),
        Some(case.dropped.photo_sha256.as_str())
    );
}

/// Issue 15: the package for the chosen classes only, with a progress bar fed by the worker
/// (photos copied, then sheets drawn), then the folder's path and the counts.
#[test]
fn the_clerk_packages_the_chosen_class_with_progress() {
    let stick_dir = tempfile::tempdir().unwrap();
    let stick = stick_dir.path().join("KINGSTON");
    std::fs::create_dir(&stick).unwrap();
    station_exports(
        "station-a",
        &["202200001", "202200002", "202200003"],
        2,
        &stick,
    );
    station_exports_class("station-c", "旅游2202", &["202300001"], 1, &stick);
    let mut w = office_window(&stick);
    {
        let office = &mut w.harness.state_mut().office;
        for id in ["station-a", "station-c"] {
            let key = TrustedKey::load(&stick.join(format!("{id}.trust.json"))).unwrap();
            office.trust(&key, at(700)).unwrap();
        }
        let dirs = tucai::office::import::batch_dirs(&stick).unwrap();
        let report = tucai::office::import_batches(office, &dirs, at(800));
        assert_eq!(report.batches.len(), 2, "{:?}", report.refused);
    }
    w.click("上报包");
    w.wait_for_text("酒店2201（2 张）");
    // Only 酒店2201 goes in this time.
    w.click("旅游2202（1 张）");
    w.click("U 盘 KINGSTON");
    w.click("生成上报包和打印文件");
    w.wait_for_text("上报包已写入");
    w.wait_for_text("1 个班级，2 张照片");
    w.snap("33-office-package");
    let package = package_in(&stick);
    let list = std::fs::read_to_string(package.join("list.csv")).unwrap();
    assert!(
        list.contains("202200001") && list.contains("202200002"),
        "{list}"
    );
    assert!(
        !list.contains("202300001"),
        "the other class stays out: {list}"
    );
    assert!(package.join("print/酒店2201.pdf").is_file());
    assert!(!package.join("print/旅游2202.pdf").exists());

    // The counts the progress bar is fed: every photo copied, then every sheet drawn.
    let mut seen = Vec::new();
    let office = &w.harness.state().office;
    let sheets = tucai::office::PdfSheets::new(&config().print);
    let classes = ["旅游2202".to_string()];
    tucai::office::write_package_for(
        office,
        &stick.join("second"),
        Some(&sheets),
        Some(&classes),
        &mut |done, total| seen.push((done, total)),
    )
    .unwrap();
    assert_eq!(seen, [(0, 2), (1, 2), (2, 2)]);
}
