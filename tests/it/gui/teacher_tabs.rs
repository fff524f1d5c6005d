//! Teacher mode's own tabs driven like a teacher (issue 15): sessions, export to a folder
//! standing in for a USB stick, the trust file, the office's receipt and the purge, the studio
//! photo, and the review resets, over the station's real SQLite file and batches the station
//! code writes. The office side is the real office core reading the batch from the stick.

use super::*;
use crate::export_fixture::{at, confirm};
use tucai::export::{Destination, FolderDestination, TrustedKey};
use tucai::office::Office;
use tucai::store::SessionId;
use tucai::ui::TeacherTab;
use tucai::ui::i18n::Lang;
use tucai::ui::roster_picker::{Background, Place};

/// A kiosk without a camera (teacher mode needs none), in teacher mode.
fn teacher(reports: Vec<CheckReport>) -> Kiosk {
    let mut k = kiosk_with(reports, false, (1280.0, 800.0));
    k.harness.state_mut().open_pin(PinPurpose::Teacher);
    k.settle();
    k.enter_pin(PIN);
    assert_eq!(k.page(), Page::Teacher);
    k
}

impl Kiosk {
    /// The picker's places fixed to a stick folder inside the test's data directory (the picture
    /// must not depend on what this machine has mounted). Returns the stick.
    fn with_stick(&mut self) -> std::path::PathBuf {
        let stick = self.data_dir().join("media").join("KINGSTON");
        std::fs::create_dir_all(&stick).unwrap();
        let data = self.data_dir();
        self.harness.state_mut().teacher.places = Some(Background::ready(vec![
            Place::Media(stick.clone()),
            Place::Data(data),
        ]));
        stick
    }

    /// Clicks the one widget with this label after scrolling it into view, as a teacher would.
    fn tap(&mut self, label: &str) {
        self.wait_for_label(label);
        click_when_still(&mut self.harness, label);
        self.settle();
    }

    fn tab(&mut self, tab: TeacherTab) {
        self.harness.state_mut().teacher.tab = tab;
        self.settle();
    }

    fn session_id(&self) -> SessionId {
        self.harness.state().session().expect("an open session")
    }

    /// Confirms the first `n` students of the current session with small real photos, as the
    /// export tests do.
    fn confirm_students(&mut self, n: usize) -> Vec<String> {
        let session = self.session_id();
        let app = self.harness.state();
        let students = app.admin.students(session).unwrap();
        students
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, s)| {
                confirm(&app.admin, s.id, at(10 + i as i64), i as u32 + 1);
                s.student_no.clone()
            })
            .collect()
    }

    /// Saves this screen in both languages to docs/screens with `TUCAI_WRITE_SCREENS=1`.
    fn snap(&mut self, name: &str) {
        let write = std::env::var_os("TUCAI_WRITE_SCREENS").is_some();
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screens");
        let before = self.harness.state().lang;
        for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
            self.harness.state_mut().lang = lang;
            self.harness.remove_cursor();
            self.settle();
            // A missing glyph fails the render.
            let img = self.harness.render().expect("render");
            if write {
                img.save(out.join(format!("{name}-{tag}.png"))).unwrap();
            }
        }
        self.harness.state_mut().lang = before;
        self.settle();
    }
}

impl Kiosk {
    /// Taps the letters of `pinyin` on the on-screen keyboard, then `hanzi` among the
    /// candidates, turning pages until it is offered.
    fn type_hanzi(&mut self, pinyin: &str, hanzi: char) {
        for c in pinyin.chars() {
            self.tap(&c.to_string());
        }
        let label = hanzi.to_string();
        for _ in 0..20 {
            if self.has(&label) {
                self.tap(&label);
                return;
            }
            assert!(self.enabled("下一页"), "{hanzi} not offered for {pinyin}");
            self.tap("下一页");
        }
        panic!("{hanzi} not within 20 pages of {pinyin}");
    }
}

/// The on-screen keyboard (issue 15): a teacher with nothing to type on taps the place and the
/// operator in pinyin, picks the characters, corrects a wrong letter with Backspace, and opens
/// the session; the session list shows what was tapped.
#[test]
fn a_teacher_types_place_and_operator_on_the_screen_keyboard() {
    let mut k = teacher(vec![all_passed()]);
    k.tap("采集场次");
    k.wait_for_label("当前场次");
    assert!(!k.has("完成"), "no keyboard before a field is tapped");
    k.tap("地点");
    k.wait_for_label("完成");
    // The class is still a tap away beside the keyboard.
    k.tap("演示班级 Demo");
    for (pinyin, hanzi) in [("tu", '图'), ("shu", '书'), ("guan", '馆'), ("yi", '一')] {
        k.type_hanzi(pinyin, hanzi);
    }
    assert_eq!(k.harness.state().teacher.place, "图书馆一");
    k.tap("l");
    k.tap("o");
    k.tap("u");
    k.snap("28-teacher-keyboard");
    k.tap("楼");
    assert_eq!(k.harness.state().teacher.place, "图书馆一楼");

    // The operator: a wrong letter taken back (Backspace edits the pinyin, not the text).
    k.tap("操作员");
    k.type_hanzi("dong", '董');
    k.tap("l");
    k.tap("a");
    k.tap("u");
    k.tap("←");
    k.type_hanzi("o", '老');
    k.type_hanzi("shi", '师');
    assert_eq!(k.harness.state().teacher.operator, "董老师");
    // Backspace with no pinyin takes the last character; retyped.
    k.tap("←");
    assert_eq!(k.harness.state().teacher.operator, "董老");
    k.type_hanzi("shi", '师');
    // Latin mode with Caps shown for the screens (the keys turn upper case), then back.
    k.tap("中");
    k.tap("大写");
    k.wait_for_label("Q");
    k.snap("29-teacher-keyboard-latin");
    k.tap("大写");
    k.tap("英");
    k.tap("完成");
    assert!(!k.has("完成"), "Done hides the keyboard");
    assert_eq!(k.harness.state().teacher.place, "图书馆一楼");

    // A keyboard plugged in still types: a tap on the field gives it the focus (and shows
    // the on-screen keyboard), typed text and Backspace go into it.
    let operator_field = |n: &egui_kittest::kittest::AccessKitNode<'_>| {
        n.role() == egui::Role::TextInput && n.value().as_deref() == Some("董老师")
    };
    k.harness.get_by(operator_field).click();
    k.settle();
    k.wait_for_label("完成");
    assert!(k.harness.get_by(operator_field).is_focused());
    k.harness.get_by(operator_field).type_text("2");
    k.settle();
    assert_eq!(k.harness.state().teacher.operator, "董老师2");
    k.harness.key_press(egui::Key::Backspace);
    k.settle();
    assert_eq!(k.harness.state().teacher.operator, "董老师");

    k.tap("开始场次");
    let id = k.session_id();
    k.wait_for_text(&format!("#{} 演示班级 Demo · 图书馆一楼 · 董老师", id.0));
}

/// Sessions: a class tapped from the roster's classes, a new session opened, and a switch back
/// to the first one; then export to the stick with the count in words, the trust file offered
/// once, "nothing new" on a second export, and a pulled-out stick said as such with Retry.
#[test]
fn a_teacher_opens_a_session_switches_and_exports_to_a_stick() {
    let mut k = teacher(vec![all_passed()]);
    let first = k.session_id();
    k.tap("采集场次");
    k.wait_for_label("当前场次");
    // The demo roster's class is offered; place and operator typed.
    k.tap("演示班级 Demo");
    assert_eq!(k.harness.state().teacher.class_name, "演示班级 Demo");
    k.harness.state_mut().teacher.place = "图书馆一楼".into();
    k.harness.state_mut().teacher.operator = "董老师".into();
    k.settle();
    k.snap("22-teacher-sessions");
    k.tap("开始场次");
    let second = k.session_id();
    assert_ne!(first, second);
    k.wait_for_text(&format!(
        "#{} 演示班级 Demo · 图书馆一楼 · 董老师",
        second.0
    ));
    // Back to the first session (the one with students).
    k.tap("切换到此场次");
    assert_eq!(k.session_id(), first);

    let confirmed = k.confirm_students(2);
    // The board shows the confirmed photos as thumbnails.
    k.tap("进度");
    k.wait_for("the thumbnails", |k| {
        k.harness.state().teacher.thumbs.count() == 2
    });
    // The checklist no machine judges: ticked on the first confirmed photo, audited.
    let first_row = k.harness.get_all_by_label("无耳饰").next().unwrap();
    first_row.scroll_to_me();
    k.settle();
    k.harness.get_all_by_label("无耳饰").next().unwrap().click();
    k.settle();
    k.wait_for_label("✔ 无耳饰");
    {
        let app = k.harness.state();
        let ticks = app.admin.manual_checks(first).unwrap();
        assert_eq!(ticks.len(), 1);
        assert_eq!(
            ticks.values().next().unwrap(),
            &vec!["earrings".to_string()]
        );
        let audit = app.admin.audit_newest(Some(first), Some(20)).unwrap();
        assert!(audit.iter().any(|l| l.action == "photo.manual_check"));
    }
    k.snap("27-teacher-board-thumbnails");
    let stick = k.with_stick();
    k.tab(TeacherTab::Export);
    assert!(k.disabled("导出本场次"), "no export before a destination");
    k.tap("U 盘 KINGSTON");
    k.wait_for_text("导出到：U 盘 KINGSTON");
    k.tap("导出本场次");
    k.wait_for_text("已导出 2 名学生到 U 盘 KINGSTON");
    k.wait_for_text("已读回核对");
    k.wait_for_text("还有 1 名学生没有确认照片");
    let dest = FolderDestination::new(&stick);
    let batches = dest.complete_batches().unwrap();
    assert_eq!(batches.len(), 1);
    for no in &confirmed {
        assert!(
            dest.read(&batches[0], &format!("photos/{no}.jpg"))
                .unwrap()
                .is_some()
        );
    }
    // The trust file, once: offered, written, then said to be there.
    k.wait_for_label("写入信任文件");
    k.snap("23-teacher-export");
    k.tap("写入信任文件");
    let station = k.harness.state().config.station.id.clone();
    let trust_file = stick.join(format!("{station}.trust.json"));
    let trusted = TrustedKey::load(&trust_file).unwrap();
    assert_eq!(trusted.station_id, station);
    k.wait_for_text("信任文件已写入");
    k.tap("导出本场次");
    k.wait_for_text("没有新内容");
    assert!(!k.has("写入信任文件"), "the trust file is offered once");
    assert_eq!(dest.complete_batches().unwrap().len(), 1);

    // The stick pulled out: said in words, Retry, nothing half-written left looking complete.
    let away = k.data_dir().join("media").join("away");
    // Windows refuses to rename a folder while a thread has it open (the tab lists the stick
    // again after each export): a moment's wait, as for a file a virus scanner holds.
    tucai::atomic_file::retry_busy(|| std::fs::rename(&stick, &away)).unwrap();
    k.confirm_students(3);
    k.tap("导出本场次");
    k.wait_for_text("U 盘可能已拔出");
    k.harness.state_mut().lang = Lang::En;
    k.settle();
    k.wait_for_text("the USB stick may have been pulled out");
    k.harness.state_mut().lang = Lang::Zh;
    k.settle();
    // A new photo is to be looked at again: the tick was for the old one.
    assert!(
        k.harness
            .state()
            .admin
            .manual_checks(first)
            .unwrap()
            .is_empty(),
        "ticks belong to the photo they were given for"
    );
    tucai::atomic_file::retry_busy(|| std::fs::rename(&away, &stick)).unwrap();
    k.tap("重试");
    k.wait_for_text("已导出 3 名学生到 U 盘 KINGSTON");
    assert_eq!(dest.complete_batches().unwrap().len(), 2);
}

/// The office imports the batch from the stick (its receipt goes onto the stick); the export
/// tab then finds the receipt and the purge, confirmed by a dialog naming the class and the
/// count, deletes the session's personal data.
#[test]
fn after_the_office_receipt_the_teacher_purges_with_a_confirmation_naming_class_and_count() {
    let mut k = teacher(vec![all_passed()]);
    let session = k.session_id();
    k.confirm_students(3);
    let stick = k.with_stick();
    k.tab(TeacherTab::Export);
    k.tap("U 盘 KINGSTON");
    k.wait_for_text("此处没有本场次的批次");
    assert!(k.disabled("清除本场次个人数据"));
    k.tap("导出本场次");
    k.wait_for_text("已导出 3 名学生");
    k.tap("写入信任文件");
    k.wait_for_text("还没有学校办公室的回执");
    assert!(
        k.disabled("清除本场次个人数据"),
        "no purge before the receipt"
    );

    // At the office: trust the station from the stick, import the stick.
    let office_dir = tempfile::tempdir().unwrap();
    let mut office = Office::open(office_dir.path()).unwrap();
    let station = k.harness.state().config.station.id.clone();
    let key = TrustedKey::load(&stick.join(format!("{station}.trust.json"))).unwrap();
    office.trust(&key, at(60)).unwrap();
    let report = tucai::office::import_batches(&mut office, std::slice::from_ref(&stick), at(60));
    assert!(report.refused.is_empty(), "{:?}", report.refused.len());
    assert_eq!(report.batches.len(), 1);

    // Back at the station: the receipt is found when the stick is opened again.
    k.tap("U 盘 KINGSTON");
    k.wait_for_text("已找到学校办公室的回执");
    k.tap("清除本场次个人数据");
    k.wait_for_text("确定清除「演示班级 Demo」3 名学生的个人信息和照片吗");
    k.snap("24-teacher-purge-confirm");
    k.tap("确定清除");
    k.wait_for_text("已清除「演示班级 Demo」3 名学生的个人数据");
    let app = k.harness.state();
    assert!(app.admin.session(session).unwrap().purged_at.is_some());
    let students = app.admin.students(session).unwrap();
    assert!(
        students
            .iter()
            .all(|s| s.name.is_empty() || s.name != "张小明"),
        "names are gone"
    );
    let audit = app.admin.audit_newest(Some(session), Some(50)).unwrap();
    assert!(audit.iter().any(|l| l.action.contains("purge")));
}

/// The studio photo: picked on the board, a file chosen; the first make fails a check and is
/// shown with its hint and not saved, the second passes, is shown, and is saved as the
/// student's draft, audited with the operator.
#[test]
fn a_studio_photo_is_made_and_checked_on_a_worker_shown_then_saved_as_the_draft() {
    let mut k = teacher(vec![
        failing(
            CheckId::EyesOpen,
            "眼睛没有完全睁开：请睁大眼睛，平视镜头",
            "Eyes not fully open: open them wide and look at the camera",
        ),
        all_passed(),
    ]);
    std::fs::write(k.data_dir().join("studio.jpg"), PERSON).unwrap();
    k.harness.state_mut().teacher.operator = "董老师".into();
    k.with_stick();
    k.wait_for_label("缴费");
    let first = k.harness.get_all_by_label("补录照片").count();
    assert!(first >= 3, "a studio button per student not confirmed");
    // The board's first row (the tab of the same name comes first).
    let row = k.harness.get_all_by_label("补录照片").nth(1).unwrap();
    row.scroll_to_me();
    k.settle();
    k.harness
        .get_all_by_label("补录照片")
        .nth(1)
        .unwrap()
        .click();
    k.settle();
    assert_eq!(k.harness.state().teacher.tab, TeacherTab::Studio);
    let pick = k.harness.state().teacher.studio.student.clone().unwrap();
    k.wait_for_text(&format!("为 {} ", pick.student_no));
    k.tap("数据目录");
    k.tap("studio.jpg");
    k.tap("制作并检测");
    k.wait_for_text("以下检测未通过，照片未保存");
    k.wait_for_text("眼睛没有完全睁开");
    k.tap("制作并检测");
    k.wait_for_text("全部检测通过");
    k.snap("25-teacher-studio");
    k.tap("存为草稿");
    k.wait_for_text(&format!("已存为 {} 的草稿", pick.student_no));
    let app = k.harness.state();
    let drafts = app.admin.drafts(pick.id).unwrap();
    assert_eq!(drafts.len(), 1);
    let audit = app.admin.audit_newest(app.session(), Some(50)).unwrap();
    let add = audit.iter().find(|l| l.action == "photo.add").unwrap();
    assert_eq!(add.actor, "teacher:董老师");
    assert!(audit.iter().any(|l| l.action == "photo.add_refused"));
}

/// Review resets from the stick: the board shows "retake requested" with the reason, and the
/// student scanning their code sees the reason.
#[test]
fn review_resets_from_the_stick_show_on_the_board_and_to_the_student() {
    let mut k = teacher(vec![all_passed()]);
    let confirmed = k.confirm_students(2);
    let stick = k.with_stick();
    std::fs::write(
        stick.join("resets.csv"),
        format!(
            "学号,原因\n{},背景不符合要求\n{},面部不清晰\n2099000009,不在名单\n",
            confirmed[0], confirmed[1]
        ),
    )
    .unwrap();
    k.tab(TeacherTab::Review);
    k.tap("U 盘 KINGSTON");
    k.tap("resets.csv");
    k.tap("导入重置名单");
    k.wait_for_text("已为 2 名学生开放重拍");
    k.wait_for_text("1 人不在本场次名单中：2099000009");
    k.wait_for_text("要求重拍：背景不符合要求");
    k.snap("26-teacher-resets");
    k.tab(TeacherTab::Board);
    k.wait_for_text("要求重拍：面部不清晰");
    // The student scans: the status screen gives the reason.
    k.tap("返回学生界面");
    k.scan(tucai::camera::DEMO_CAPTURE_CODE);
    k.wait_for_text("背景不符合要求");
}

/// Issue 20: a station on the campus network exports into the office's shared folder named in
/// kiosk.toml (`\\office-pc\tucai` on Windows; here an absolute folder, as a mounted share).
#[test]
fn a_station_exports_to_the_offices_shared_folder_named_in_the_config() {
    let mut k = teacher(vec![all_passed()]);
    k.confirm_students(1);
    let share_dir = tempfile::tempdir().unwrap();
    let share = share_dir.path().join("教务处 tucai");
    std::fs::create_dir(&share).unwrap();
    k.tab(TeacherTab::Export);
    // The default destination (`export`, relative to the data folder) is no shared folder.
    assert!(!k.has_text("共享文件夹"));
    k.harness.state_mut().config.export.destination = share.clone();
    k.settle();
    k.tap(&format!("共享文件夹 {}", share.display()));
    k.tap("导出本场次");
    k.wait_for_text("已导出 1 名学生");
    let dest = FolderDestination::new(&share);
    assert_eq!(dest.complete_batches().unwrap().len(), 1);
}

/// The whole round of issue 15 without a command: the teacher exports to the stick with the
/// trust file, the office clerk trusts the station, imports the stick and rejects one photo in
/// the first review, the reject list goes onto the stick, the teacher imports it, and the student
/// scanning their code is told the reason.
#[test]
fn a_photo_rejected_in_the_office_first_review_reaches_the_student_through_the_stick() {
    let mut k = teacher(vec![all_passed()]);
    let confirmed = k.confirm_students(2);
    let stick = k.with_stick();
    // The teacher ticks two of the checklist items on the first confirmed photo on the board;
    // they travel in the batch to the office.
    k.tab(TeacherTab::Board);
    for item in ["无耳饰", "无浓妆"] {
        k.wait_for("the checklist", |k| {
            k.harness.query_all_by_label(item).next().is_some()
        });
        k.harness.get_all_by_label(item).next().unwrap().click();
        k.settle();
    }
    let ticked = {
        let app = k.harness.state();
        app.admin.manual_checks(app.session().unwrap()).unwrap()
    };
    assert_eq!(ticked.values().map(Vec::len).collect::<Vec<_>>(), [2]);
    k.tab(TeacherTab::Export);
    k.tap("U 盘 KINGSTON");
    k.tap("导出本场次");
    k.wait_for_text("已导出 2 名学生");
    k.tap("写入信任文件");
    k.wait_for_text("信任文件已写入");

    let mut w = super::office_window::office_window(&stick);
    let station = k.harness.state().config.station.id.clone();
    w.trust_and_import(&station);
    // The ticks arrived with the photo they were given for.
    let ticks = w.harness.state().office.manual_checks().unwrap();
    let items: Vec<&str> = ticks[&confirmed[0]]
        .iter()
        .map(|(i, _)| i.as_str())
        .collect();
    assert_eq!(items, ["earrings", "makeup"]);
    assert!(!ticks.contains_key(&confirmed[1]));
    w.click("班级情况");
    w.wait_for_text("人工核查 2/3");
    w.wait_for_text("人工核查 0/3");
    w.click("学校初审");
    w.wait_for_text("已审 0/2，退回 0");
    w.wait_for_text("无耳饰：已勾选");
    w.wait_for_text("耳朵露出：未勾选");
    w.harness.state_mut().review.clerk = "王老师".into();
    // The first photo is shown first: reject it with a reason from the list.
    w.wait_for_text(&format!("{} 张小明", confirmed[0]));
    w.click("退回：背景不符合要求");
    w.wait_for_text("已审 1/2，退回 1");
    // The next one is shown by itself: approve it.
    w.click("通过");
    w.wait_for_text("已审 2/2，退回 1");
    w.wait_for("the photo under review", |w| {
        w.harness
            .state()
            .textures
            .keys()
            .any(|k| k.starts_with("review/"))
    });
    // Back to the first photo for the picture: rejected, with the teacher's ticks beside it.
    w.click(&format!("{} 张小明 · 退回 背景不符合要求", confirmed[0]));
    w.wait_for_text("无耳饰：已勾选");
    w.wait_for("the photo under review", |w| {
        w.harness
            .state()
            .textures
            .keys()
            .any(|k| k.starts_with("review/"))
    });
    // The decision's state line in view (the reject click scrolled the column down).
    w.harness.get_by_label("退回 背景不符合要求").scroll_to_me();
    w.harness.run_steps(30);
    w.snap("34-office-first-review");
    w.click("U 盘 KINGSTON");
    w.wait_for_text("已写出退回名单");
    let items = w.harness.state().office.review_items().unwrap();
    let rejected: Vec<_> = items
        .iter()
        .filter(|i| i.decision.as_ref().is_some_and(|d| !d.approved))
        .collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].student_no, confirmed[0]);
    assert_eq!(rejected[0].decision.as_ref().unwrap().clerk, "王老师");
    let list = std::fs::read_dir(&stick)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("school-review-"))
        .expect("the reject list on the stick");

    // Back at the station: the teacher imports the list like the provincial one.
    k.tab(TeacherTab::Review);
    k.tap("U 盘 KINGSTON");
    k.tap(&list);
    k.tap("导入重置名单");
    k.wait_for_text("已为 1 名学生开放重拍");
    k.wait_for_text("要求重拍：背景不符合要求");
    k.tap("返回学生界面");
    k.scan(tucai::camera::DEMO_CAPTURE_CODE);
    k.wait_for_text("背景不符合要求");
}

/// Issue 15: the board with thumbnails, the fee and the checklist fits a 1280-wide screen in both
/// languages: nothing to scroll sideways for on a confirmed row.
#[test]
fn the_board_fits_1280_wide_in_both_languages() {
    let mut k = teacher(vec![all_passed()]);
    k.confirm_students(2);
    k.tap("进度");
    k.wait_for("the thumbnails", |k| {
        k.harness.state().teacher.thumbs.count() == 2
    });
    for (lang, last) in [(Lang::Zh, "无浓妆"), (Lang::En, "No makeup")] {
        k.harness.state_mut().lang = lang;
        k.settle();
        let right = k
            .harness
            .get_all_by_label(last)
            .map(|n| n.rect().max.x)
            .fold(0.0, f32::max);
        eprintln!("{lang:?}: the checklist ends at x = {right}");
        assert!(right > 0.0 && right <= 1256.0, "{lang:?}: ends at {right}");
    }
}

/// Issue 21: the demo shows the whole job with only clicks, as `tucai --camera demo` runs it: the
/// demo camera holds up the first student's phone and the camera reads it, shows the student from
/// then on, the real checks pass the CC0 demo portrait and make the standard photo, the student
/// confirms; the teacher enters with the demo PIN the PIN screen states, exports to the stick;
/// the office trusts the station, imports, approves in the first review and writes the package.
/// No lock on the way. `TUCAI_WRITE_SCREENS=1` writes the README's "try it" screens.
#[test]
fn the_demo_walks_from_the_phone_to_the_office_package() {
    use tucai::camera::{DemoDirector, DemoPerson, DemoScene, demo_factory};
    let mut config = config();
    // No PIN configured: the demo's own is in force and said on screen.
    config.teacher.pin_hash.clear();
    let director = DemoDirector::default();
    let camera = CameraWorker::start(demo_factory(30, director.clone()), TEST_STALL);
    let lab: Arc<dyn PhotoLab> = Arc::new(tucai::lab::RealLab::for_still_camera(&config));
    let mut k = kiosk_parts(
        config,
        lab,
        Some(camera),
        Some(director.clone()),
        (1280.0, 800.0),
    );

    // The welcome screen waits; the demo phone is held up and the camera reads its code (no
    // scanner types anything here: the code comes off the live picture).
    k.wait_for("the camera to read the demo phone", |k| {
        k.step() == Step::Phone
    });
    assert_eq!(
        k.harness.state().identified_by.as_deref(),
        Some(tucai::camera::DEMO_CAPTURE_CODE.as_bytes())
    );
    assert_eq!(
        director.scene(),
        DemoScene::Person(DemoPerson::Passing),
        "the identified student stands in front of the camera"
    );
    k.walk_phone_to_framing();
    k.wait_for("the live picture", |k| k.has_camera_frame());
    // The live check on the real demo camera: every rule ticked, then ready after a second.
    k.wait_for("the live ticks", |k| k.has("✔ 嘴巴闭合，不露齿"));
    k.clock.advance(Duration::milliseconds(1100));
    k.wait_for_text("可以拍照");
    k.snap("40-demo-framing");
    k.shoot();
    let r = k.result();
    assert!(
        r.passed,
        "the demo student passes every check: {:?}",
        r.failed.iter().map(|c| c.id).collect::<Vec<_>>()
    );
    assert_eq!(r.make_error, None);
    k.wait_for_text("照片已存入草稿箱");
    k.snap("41-demo-passed");
    k.click("去草稿箱");
    k.click("选择这张");
    k.click("确认上传");
    k.click("下一步");
    k.click("完成");
    assert_eq!(k.step(), Step::Welcome);
    assert_eq!(
        director.scene(),
        DemoScene::Backdrop,
        "the student left; nobody in front of the camera yet"
    );
    let student = {
        let app = k.harness.state();
        app.admin
            .students(app.session().unwrap())
            .unwrap()
            .into_iter()
            .find(|s| s.capture_code.as_deref() == Some(tucai::camera::DEMO_CAPTURE_CODE))
            .unwrap()
    };
    {
        let app = k.harness.state();
        assert!(app.flow.store().confirmation(student.id).unwrap().is_some());
        assert!(
            app.flow.store().locks(student.id).unwrap().is_empty(),
            "no lock"
        );
    }

    // The teacher: the button on the welcome screen, the demo PIN as the screen says it.
    k.tap("教师");
    k.wait_for_text("演示模式：教师 PIN 为 2580");
    k.snap("42-demo-pin");
    k.enter_pin(tucai::ui::demo::DEMO_PIN);
    assert_eq!(k.page(), Page::Teacher);
    let stick = k.with_stick();
    k.tab(TeacherTab::Export);
    k.tap("U 盘 KINGSTON");
    k.tap("导出本场次");
    k.wait_for_text("已导出 1 名学生");
    k.tap("写入信任文件");
    k.wait_for_text("信任文件已写入");
    // In the demo the office window opens from here (a second program: not started by the test).
    k.wait_for_label("演示：打开教务处窗口");

    // The office: trust the station, import, approve, package.
    let mut w = super::office_window::office_window(&stick);
    let station = k.harness.state().config.station.id.clone();
    w.trust_and_import(&station);
    w.click("学校初审");
    w.harness.state_mut().review.clerk = "王老师".into();
    w.wait_for_text(&format!("{} 张小明", student.student_no));
    w.click("通过");
    w.wait_for_text("已审 1/1，退回 0");
    w.harness.state_mut().page = tucai::ui::office::OfficePage::Package;
    w.harness.run_steps(3);
    w.click("U 盘 KINGSTON");
    w.click("生成上报包和打印文件");
    w.wait_for_text("上报包已写入");
    let package = super::office_window::package_in(&stick);
    let photo = image::open(package.join(format!("photos/{}.jpg", student.student_no)))
        .expect("the confirmed photo in the package")
        .to_rgb8();
    assert_eq!(
        photo.dimensions(),
        (480, 640),
        "the register's standard size"
    );
}
