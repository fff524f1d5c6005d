//! Every text a student or teacher reads on screen, in Chinese and English.
//!
//! Owns: the wording. Must not touch: rules (whether something is allowed is `flow`'s business;
//! this module only says it). Texts with numbers in them are functions at the bottom.

use crate::config::Language;

/// The language a screen is drawn in; every screen has a switch to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Picks the text of this language out of a pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

impl From<Language> for Lang {
    fn from(l: Language) -> Lang {
        match l {
            Language::Zh => Lang::Zh,
            Language::En => Lang::En,
        }
    }
}

macro_rules! texts {
    ($($key:ident => $zh:expr, $en:expr;)*) => {
        /// A fixed text of the kiosk.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $($key),* }

        impl T {
            pub const ALL: &'static [T] = &[$(T::$key),*];

            pub fn zh(self) -> &'static str {
                match self { $(T::$key => $zh),* }
            }

            pub fn en(self) -> &'static str {
                match self { $(T::$key => $en),* }
            }
        }
    };
}

texts! {
    Title => "毕业生图像信息采集", "Graduate photo capture";
    SwitchLang => "English", "中文";
    Next => "下一步", "Next";
    Back => "返回", "Back";
    Cancel => "取消", "Cancel";
    Ok => "确定", "OK";
    Clear => "清除", "Clear";
    Delete => "删除", "Delete";
    Yes => "是", "Yes";
    No => "否", "No";
    StartOver => "重新开始", "Start over";
    Quit => "退出", "Leave";
    OpenDraftBox => "草稿箱", "Draft box";
    TimedOut => "上一位同学长时间未操作，已自动退出", "The last student was idle and has been signed out";
    StatusTitle => "你的照片状态", "Your photo status";
    StatusConfirmed => "已确认上传", "Confirmed";
    StatusRetakeAllowed => "可以重新拍摄", "You may retake your photo";
    RetakeReason => "重置原因", "Reason for the reset";

    ScanTitle => "请出示学信网图像采集码", "Show your CHSI capture code";
    ScanHint => "将手机上的二维码对准摄像头，或使用扫码枪扫描",
        "Hold the QR code on your phone up to the camera, or use the hand scanner";
    ScanArea => "二维码放在框内", "Put the QR code inside the frame";
    NoCode => "没有采集码？如何获取", "No code? How to get one";
    NoCodeTitle => "如何获取学信网图像采集码（任选其一）", "How to get your CHSI capture code (any one way)";
    NoCodeWechat => "一、学信网公众号：微信搜索“学信网”公众号 → 在线服务-学信档案 → 登录 → 高等教育信息-学籍信息 → 查看图像采集码 → 保存图片",
        "1. WeChat: follow the 学信网 official account → Online services - CHSI archive → log in → Higher education - Student status → View capture code → save the picture";
    NoCodeApp => "二、学信网 APP：登录 → 学籍查询 → 高等教育信息-学籍信息 → 查看图像采集码 → 保存图片",
        "2. 学信网 app: log in → Student status → Higher education - Student status → View capture code → save the picture";
    NoCodeWeb => "三、学信档案网站：浏览器打开 my.chsi.com.cn/archive/index.jsp → 登录 → 高等教育信息-学籍 → 查看图像采集码 → 保存图片",
        "3. Website: open my.chsi.com.cn/archive/index.jsp → log in → Higher education - Student status → View capture code → save the picture";
    HelpTitle => "遇到问题请联系", "Need help? Contact";
    NoSession => "本采集站尚未开始采集，请联系老师", "This station is not open yet. Please ask your teacher.";
    TeacherButton => "教师", "Teacher";
    DemoOpenOffice => "演示：打开教务处窗口", "Demo: open the office window";
    DemoOfficeOpened => "教务处窗口已打开：信任本工作站，从 U 盘导入批次，初审后生成上报包",
        "The office window is open: trust this station, import the batch from the stick, review, write the package";
    DemoOfficeFailed => "无法打开教务处窗口", "Cannot open the office window";
    DemoWelcome => "演示模式：摄像头轮流举起两位演示学生的手机采集码。张小明的照片会通过全部检查；李华露齿微笑，嘴唇检查不通过。",
        "Demo mode: the camera holds up the two demo students' phones in turn. 张小明's photo passes every check; 李华 smiles with the teeth showing and fails the lips rule.";

    NoCameraTitle => "未检测到摄像头", "No camera found";
    CameraLost => "摄像头已断开，正在重新连接……", "Camera disconnected: reconnecting…";
    CameraOpening => "正在打开摄像头……", "Opening the camera…";
    NoCameraBody => "请检查 USB 摄像头是否插好。本程序每隔几秒自动重试。",
        "Check that the USB camera is plugged in. The station retries by itself every few seconds.";
    NoCameraDemo => "没有摄像头也可以演示：用 tucai --camera demo 启动（使用内置演示画面）。",
        "To demonstrate without a camera, start with: tucai --camera demo (bundled demo pictures).";
    NoCameraRetrying => "正在重试……", "Retrying…";

    PhoneTitle => "请输入手机号码", "Enter your mobile number";
    PhoneHint => "11 位中国大陆手机号，用于接收照片状态和缴费通知", "11-digit mainland mobile number, for photo status and fee notices";
    PhoneInvalid => "手机号格式不正确，请检查", "That is not a valid mobile number; please check it";

    NoticeTitle => "学校通知", "School notice";
    ScrollToEnd => "请阅读到最后，才能继续", "Read to the end to continue";
    PrecautionsTitle => "拍照注意事项", "Before the photo";
    ExampleRaw => "拍摄原图", "Raw shot";
    ExampleMade => "制作后的证件照", "The standard photo made from it";

    NotifyTitle => "接收通知", "Notifications";
    NotifyHow => "点击选项可以打开或关闭，选好后点「下一步」", "Tap an option to turn it on or off, then press Next";
    NotifyStatus => "接收照片状态通知", "Tell me about my photo status";
    NotifyFee => "接收缴费结果通知", "Tell me about the fee";

    GuideTitle => "拍摄指引", "How to be photographed";
    GuideWatch => "请完整观看一遍指引", "Watch the guide once to the end";
    GuideStep1 => "坐正，双肩放平，面向镜头", "Sit up straight, shoulders level, face the camera";
    GuideStep2 => "头部放在椭圆框内，双眼对准横线", "Head inside the oval, eyes on the line";
    GuideStep3 => "睁大眼睛，嘴巴自然闭合", "Eyes open, lips closed";
    GuideStep4 => "倒计时结束时保持不动，按提示眨眼", "Keep still when the countdown ends; blink when asked";
    GuideReplay => "再看一遍", "Play again";

    FramingTitle => "调整位置", "Get into position";
    Shoot => "开始拍摄", "Take photo";
    LiveMeasuring => "正在检查画面……", "Checking the picture…";
    LiveHolding => "全部合格，请保持不动", "All good: keep still";
    LiveReady => "✔ 全部合格，可以拍照", "✔ All good: ready to take the photo";
    LiveAutoShot => "✔ 全部合格，马上自动拍照", "✔ All good: the photo is taken now";
    BlinkNow => "请眨眼", "Blink now";
    ShotFailed => "没有拍到照片：摄像头没有送来画面。请再按「开始拍摄」；仍不行请找老师", "No photo was taken: the camera sent no picture. Press Take photo again; if it happens again, ask the teacher.";

    PreviewTitle => "照片预览", "Preview";
    PreviewHow => "满意请点「制作照片」，不满意请点「重拍」", "Happy with it? Press Make photo. If not, press Retake.";
    StatusRetakeAsk => "照片已确认。如需重拍，请联系老师", "Your photo is confirmed. To retake it, ask the teacher.";
    Retake => "重拍", "Retake";
    MakePhoto => "制作照片", "Make photo";

    CheckingTitle => "正在制作并检测照片", "Making and checking your photo";
    ResultTitle => "检测结果", "Check result";
    ColStudentNo => "学号", "Student no.";
    ColName => "姓名", "Name";
    ColState => "状态", "State";
    ColShots => "拍摄/草稿", "Shots/\ndrafts";
    ColActions => "操作", "Actions";
    ColFee => "缴费", "Fee";
    ColPhoto => "照片", "Photo";
    ColManual => "人工核查", "By eye";
    ManualEarrings => "无耳饰", "No earrings";
    ManualHairEars => "耳朵露出", "Ears clear";
    ManualMakeup => "无浓妆", "No makeup";
    TeacherChecklist => "老师人工核查", "Teacher's checks by eye";
    CheckPassed => "检测通过，照片已存入草稿箱", "Passed: the photo is in your draft box";
    CheckFailed => "检测未通过", "The photo did not pass";
    CooldownLabel => "稍等片刻再重拍", "Please wait before the next shot";
    ToDrafts => "去草稿箱", "Go to draft box";

    DraftsTitle => "草稿箱", "Draft box";
    DraftsFull => "草稿箱已满，不能继续拍摄", "Your draft box is full: no more shots";
    DraftsEmpty => "草稿箱是空的", "Your draft box is empty";
    ShootAnother => "再拍一张", "Take another";
    Choose => "选择这张", "Choose this one";
    Selected => "已选择", "Selected";

    ConfirmTitle => "确认照片", "Confirm your photo";
    ConfirmBody => "确认后这张照片将作为学历注册照片上报", "Once confirmed, this photo goes to the degree register";
    Confirm => "确认上传", "Confirm";
    BackToDrafts => "回到草稿箱", "Back to draft box";

    FeeTitle => "采集费用", "Fee";
    FeeBody => "按省规定收取 15 元/人，请在“江苏图采”微信小程序中缴费。本机不收取任何费用。", "The province charges 15 yuan per student, paid in the 江苏图采 WeChat mini-program. This station takes no money.";
    FeeUnpaid => "未缴费", "Not paid";
    FeePaid => "已缴费", "Paid";
    FeeWaived => "已免除", "Waived";
    Finish => "完成", "Finish";

    DoneTitle => "采集完成", "All done";
    DoneBody => "谢谢！请关注微信通知，如照片被重置请及时重新采集。", "Thank you! Watch for notices: if your photo is reset, come back to retake it.";

    LockedTitle => "已锁定", "Locked";
    LockedTeacher => "请联系老师解锁", "Please ask your teacher to unlock you";

    PinTitle => "教师 PIN", "Teacher PIN";
    PinWrong => "PIN 错误", "Wrong PIN";
    PinLocked => "PIN 已锁定，请稍后再试", "PIN locked; try again later";
    PinNotSet => "尚未设置 PIN：请在终端运行 tucai set-pin", "No PIN set: run `tucai set-pin` in a terminal";

    TeacherTitle => "教师模式", "Teacher mode";
    TabSession => "采集场次", "Session";
    TabRoster => "导入名单", "Roster";
    TabBoard => "进度", "Progress";
    TabAudit => "日志", "Audit log";
    OpenSession => "开始场次", "Open session";
    CloseSession => "结束场次", "Close session";
    ClassField => "班级", "Class";
    PlaceField => "地点", "Place";
    OperatorField => "操作员", "Operator";
    ImportRoster => "导入", "Import";
    RosterPath => "选择名单文件 (CSV)", "Choose the roster file (CSV)";
    RosterPathHow => "插入 U 盘后点它的按钮，再点 CSV 文件（UTF-8 或 Excel 存的 GBK 均可）；也可在终端运行 tucai roster import", "Plug in the USB stick, tap its button, then tap the CSV file (UTF-8, or GBK as Excel saves it); the command tucai roster import works too";
    PlaceMedia => "U 盘", "USB stick";
    PlaceHome => "主目录", "Home";
    PlaceData => "数据目录", "Data folder";
    PlaceShare => "共享文件夹", "Shared folder";
    NoPlaces => "未找到 U 盘：请插入后点“刷新”", "No USB stick found: plug it in and tap Refresh";
    RefreshPlaces => "刷新", "Refresh";
    NoFileChosen => "未选择文件", "No file chosen";
    Importing => "正在导入…", "Importing…";
    Reading => "正在读取…", "Reading…";
    FolderEmpty => "此文件夹没有子文件夹或 CSV 文件", "No folders or CSV files here";
    Unlock => "解锁", "Unlock";
    LiftLock => "解除冷静期", "Lift lock";
    AllowRetake => "允许重拍", "Allow retake";
    DeleteDraft => "删除草稿", "Delete draft";
    SetFee => "缴费状态", "Fee state";
    LeaveKiosk => "退出采集站", "Leave kiosk";
    BackToStudents => "返回学生界面", "Back to student screens";
    StateNotStarted => "未开始", "Not started";
    StateInProgress => "进行中", "In progress";
    StateDrafted => "有草稿", "Drafted";
    StateConfirmed => "已确认", "Confirmed";
    StateLocked => "已锁定", "Locked";
    TabExport => "导出", "Export";
    TabStudio => "补录照片", "Studio photo";
    TabReview => "审核重置", "Resets";
    OpenSessions => "进行中的场次", "Open sessions";
    SwitchSession => "切换到此场次", "Switch to it";
    CurrentSession => "当前场次", "Current";
    NewSession => "开始新场次", "Open a new session";
    RosterClasses => "名单中的班级（点一下填入）：", "Classes on the rosters (tap to fill in):";
    ExportWhere => "选择导出位置：点 U 盘（可再进入其中的文件夹），批次写在显示的文件夹里", "Choose where to export: tap the USB stick (and a folder in it if you like); the batch goes into the folder shown";
    ExportButton => "导出本场次", "Export this session";
    Retry => "重试", "Retry";
    NoDestination => "尚未选择导出位置", "No destination chosen";
    NothingConfirmed => "本场次还没有已确认的照片，无需导出", "No confirmed photos in this session yet: nothing to export";
    OfferTrust => "学校办公室第一次导入本站的批次时需要本站的信任文件", "The school office needs this station's trust file the first time it imports its batches";
    WriteTrust => "写入信任文件", "Write the trust file";
    PurgeTitle => "办公室回执与清除个人数据", "Office receipt and deleting personal data";
    ReceiptNone => "此处没有本场次的批次", "No batch of this session here";
    PurgeButton => "清除本场次个人数据", "Delete this session's personal data";
    PurgeYes => "确定清除", "Delete";
    StudioPickStudent => "请先在“进度”页点学生那一行的“补录照片”", "First tap Studio photo on the student's row in Progress";
    StudioFile => "选择照片文件（JPG、PNG）", "Choose the photo file (JPG, PNG)";
    MakeAndCheck => "制作并检测", "Make and check";
    StudioWorking => "正在制作并检测照片……", "Making and checking the photo…";
    StudioPassed => "全部检测通过，可以存为该学生的草稿", "Every check passed: it can be saved as the student's draft";
    StudioFailed => "以下检测未通过，照片未保存：", "These checks failed; the photo was not saved:";
    SaveDraft => "存为草稿", "Save as draft";
    ReviewFile => "选择审核重置名单（CSV：学号,原因）", "Choose the reset list (CSV: student_no,reason)";
    ImportResets => "导入重置名单", "Import the reset list";
    RetakeRequested => "要求重拍", "Retake requested";
    JobLost => "后台任务意外停止，请重试", "The background task stopped unexpectedly; try again";
    OfficeTitle => "学校办公室：图像采集汇总", "School office: graduate photos";
    OfficeImport => "导入批次", "Import";
    OfficeStations => "信任的工作站", "Trusted stations";
    OfficeClasses => "班级情况", "Classes";
    OfficePackage => "上报包", "Package";
    ImportWhere => "选择 U 盘或文件夹：显示的文件夹中的批次都会列出", "Choose the USB stick or folder: every batch in the folder shown is listed";
    NoBatchesFound => "此文件夹中没有批次", "No batches in this folder";
    ImportBatches => "导入这些批次", "Import these batches";
    ColBatch => "批次", "Batch";
    ColStation => "工作站", "Station";
    ColCount => "人数", "Students";
    ColFingerprint => "密钥指纹", "Key fingerprint";
    TrustWhere => "选择工作站的信任文件（.trust.json，导出时写在 U 盘上）", "Choose the station's trust file (.trust.json, written on the stick at export)";
    TrustStation => "信任此工作站", "Trust this station";
    NoStations => "还没有信任任何工作站：先添加工作站的信任文件", "No station is trusted yet: add a station's trust file first";
    RevokeOperator => "经办人（撤销信任时必填）：", "Operator (needed to revoke):";
    Revoke => "撤销信任", "Revoke";
    ConfirmRevoke => "确认撤销", "Confirm revoke";
    CancelRevoke => "取消", "Cancel";
    SearchStudent => "按学号或姓名查找：", "Search by number or name:";
    StateMissing => "未采集", "Missing";
    NoImports => "还没有导入任何批次", "No batches imported yet";
    PackageWhere => "选择上报包的存放位置（会在其中新建一个文件夹）", "Choose where to write the package (a new folder is made there)";
    WritePackage => "生成上报包和打印文件", "Write the package and print sheets";
    Writing => "正在写入……", "Writing…";
    PackageClasses => "上报哪些班级：", "Classes in the package:";
    NoClassChosen => "请至少选择一个班级", "Choose at least one class";
    OfficeReview => "学校初审", "First review";
    ClerkField => "审核人", "Reviewer";
    ConflictsTitle => "同一学生在两个工作站都已确认：请选择保留哪张照片", "Students confirmed at two stations: choose the photo to keep";
    ConflictInUse => "正在使用", "In use";
    ConflictClerk => "处理人", "Decided by";
    Approve => "通过", "Approve";
    RejectTyped => "按输入的原因退回", "Reject with the reason typed";
    ReviewPending => "待审", "To review";
    ReviewApproved => "通过", "Approved";
    ReviewRejected => "退回", "Rejected";
    NoPhotosToReview => "还没有已确认的照片可审", "No confirmed photos to review yet";
    WriteResetList => "把退回名单写到：", "Write the reject list to:";
    NoRejects => "没有退回的照片，无需写出名单", "No rejected photos: no list to write";
    // The on-screen keyboard (ui::keyboard).
    KbChinese => "中", "ZH";
    KbLatin => "英", "EN";
    KbCaps => "大写", "Caps";
    KbSpace => "空格", "Space";
    KbDone => "完成", "Done";
    KbPrevPage => "上一页", "Prev";
    KbNextPage => "下一页", "More";
    KbSwitchHint => "中文 / 英文输入", "Chinese / English input";
    KbTapField => "点一下输入", "Tap to type";
}

/// The text of `t` in `lang`.
pub fn tr(lang: Lang, t: T) -> &'static str {
    match lang {
        Lang::Zh => t.zh(),
        Lang::En => t.en(),
    }
}

/// Why the flow refused an event, for the student or the teacher.
pub fn refusal(lang: Lang, r: &crate::flow::Refusal) -> String {
    use crate::flow::Refusal as R;
    let local = |t: &chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&chrono::Local)
            .format("%m-%d %H:%M")
            .to_string()
    };
    let zh = lang == Lang::Zh;
    match r {
        R::NotOnThisScreen { .. } => lang
            .pick("此处不能进行该操作", "Not available on this screen")
            .into(),
        R::NotYet => lang
            .pick(
                "请先完整阅读或观看本页内容",
                "Read or watch everything on this screen first",
            )
            .into(),
        R::InvalidPhone => lang
            .pick(
                "手机号格式不正确：11 位，以 13-19 开头",
                "Enter an 11-digit mobile number starting with 13-19",
            )
            .into(),
        R::UnknownStudent => lang
            .pick(
                "名单中没有此学生，请联系老师",
                "This student is not on the roster; ask the teacher",
            )
            .into(),
        R::OtherSession => lang
            .pick(
                "你不在本场次名单中，请联系老师",
                "You belong to another session; ask the teacher",
            )
            .into(),
        R::SessionClosed => lang
            .pick(
                "本场次已结束，请联系老师",
                "This session is closed; ask the teacher",
            )
            .into(),
        R::NotEligible => lang
            .pick(
                "名单显示你不在本次采集范围内，请联系老师",
                "The roster marks you as not eligible; ask the teacher",
            )
            .into(),
        R::OutsideCaptureWindow { start, end } => {
            if zh {
                format!("采集时间为 {start} 至 {end}，请联系老师")
            } else {
                format!("Photos are taken from {start} to {end}; ask the teacher")
            }
        }
        R::CoolingDown { until } => {
            if zh {
                format!("冷静期中，{} 后可拍摄", local(until))
            } else {
                format!("Cooling down: next shot at {}", local(until))
            }
        }
        R::Locked { until: Some(u), .. } => {
            if zh {
                format!("多次检测未通过，已锁定至 {}（老师可提前解除）", local(u))
            } else {
                format!(
                    "Too many failed checks: locked until {} (a teacher can lift it)",
                    local(u)
                )
            }
        }
        R::Locked { until: None, .. } => lang
            .pick(
                "已锁定，请联系老师解锁",
                "Locked: please ask your teacher to unlock you",
            )
            .into(),
        R::DraftBoxFull { capacity } => {
            if zh {
                format!("草稿箱已满（{capacity} 张），请确认一张照片或请老师删除")
            } else {
                format!(
                    "Your draft box is full ({capacity}): confirm a photo or ask the teacher to delete one"
                )
            }
        }
        R::NoSuchDraft => lang.pick("没有这张草稿", "There is no such draft").into(),
        R::DraftNotDeletableYet { from } => {
            if zh {
                format!("这张草稿 {} 后才能删除（老师可立即删除）", local(from))
            } else {
                format!(
                    "This draft can be deleted from {} (a teacher can now)",
                    local(from)
                )
            }
        }
        R::DraftConfirmed => lang
            .pick(
                "已确认的照片不能删除",
                "The confirmed photo cannot be deleted",
            )
            .into(),
        R::AlreadyConfirmed => lang
            .pick("你已确认过照片", "You already confirmed a photo")
            .into(),
        R::NotConfirmed => lang
            .pick(
                "该学生尚未确认照片",
                "This student has not confirmed a photo",
            )
            .into(),
        R::NotLocked => lang
            .pick("该学生没有被锁定", "This student is not locked")
            .into(),
    }
}

/// The name of a line of the live list (SPEC §2 step 6), as the student reads it.
pub fn rule_name(lang: Lang, rule: crate::live::Rule) -> &'static str {
    use crate::live::Rule;
    let (zh, en) = match rule {
        Rule::Position => ("位置和大小", "Position and size"),
        Rule::Pose => ("头部端正，双肩放平", "Head straight, shoulders level"),
        Rule::Eyes => ("睁眼，看镜头", "Eyes open, looking ahead"),
        Rule::Mouth => ("嘴巴闭合，不露齿", "Lips closed, no teeth"),
        Rule::Covered => ("脸部和头部无遮挡", "Nothing covering the face or head"),
        Rule::Light => ("光线合适均匀", "Good, even light"),
        Rule::Glasses => ("不戴墨镜，眼镜无反光", "No sunglasses, no glare"),
        Rule::Sharp => ("画面清晰", "In focus"),
        Rule::Background => ("背景干净", "Plain background"),
        Rule::Clothing => ("上衣颜色", "Colour of the top"),
    };
    lang.pick(zh, en)
}

/// The teacher's board: the live rule a student keeps failing on the framing screen.
pub fn keeps_failing(lang: Lang, rule: crate::live::Rule) -> String {
    match lang {
        Lang::Zh => format!("总是不合格：{}", rule_name(lang, rule)),
        Lang::En => format!("Keeps failing: {}", rule_name(lang, rule)),
    }
}

/// The draft box's rule line, with the station's `draft_delete_after_hours`.
pub fn drafts_rule(lang: Lang, hours: u32) -> String {
    match (lang, hours) {
        (Lang::Zh, 0) => "草稿可由本人随时删除".into(),
        (Lang::En, 0) => "You can delete a draft at any time".into(),
        (Lang::Zh, h) => format!("草稿保存 {h} 小时后才可由本人删除（老师可随时删除）"),
        (Lang::En, h) => {
            format!(
                "You can delete a draft yourself {h} h after it was saved (a teacher can at any time)"
            )
        }
    }
}

pub fn cooldown_left(lang: Lang, secs: u64) -> String {
    match lang {
        Lang::Zh => format!("{secs} 秒后可重拍"),
        Lang::En => format!("Retake in {secs} s"),
    }
}

pub fn roster_imported(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Zh => format!("已导入 {n} 名学生"),
        Lang::En => format!("{n} students imported"),
    }
}

/// The heading above the bad rows; the rows themselves are listed as `tucai roster import`
/// prints them ("line N: …").
pub fn roster_bad_rows(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("{n} 行有误，未导入任何学生："),
        Lang::En => format!("{n} bad row(s), nothing imported:"),
    }
}

/// One refused roster row: its line and what is wrong, never its personal fields.
pub fn roster_row(lang: Lang, row: &crate::roster::RowError) -> String {
    match lang {
        Lang::Zh => row.message_zh(),
        Lang::En => row.to_string(),
    }
}

pub fn roster_failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Zh => format!("未导入：{why}"),
        Lang::En => format!("Not imported: {why}"),
    }
}

pub fn folder_unreadable(lang: Lang, folder: &str, why: &str) -> String {
    match lang {
        Lang::Zh => format!("无法打开文件夹 {folder}：{why}"),
        Lang::En => format!("Cannot open folder {folder}: {why}"),
    }
}

pub fn chosen_file(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Zh => format!("已选择：{name}"),
        Lang::En => format!("Chosen: {name}"),
    }
}

pub fn drafts_count(lang: Lang, n: usize, max: usize) -> String {
    match lang {
        Lang::Zh => format!("草稿 {n}/{max}"),
        Lang::En => format!("Drafts {n}/{max}"),
    }
}

pub fn deletable_in(lang: Lang, hours: i64, minutes: i64) -> String {
    match lang {
        Lang::Zh => format!("{hours} 小时 {minutes} 分钟后可删除"),
        Lang::En => format!("Can be deleted in {hours} h {minutes} min"),
    }
}

pub fn pin_tries_left(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Zh => format!("PIN 错误，还可尝试 {n} 次"),
        Lang::En => format!("Wrong PIN, {n} tries left"),
    }
}

pub fn locked_until(lang: Lang, hhmm: &str) -> String {
    match lang {
        Lang::Zh => format!("{hhmm} 之前不能拍摄"),
        Lang::En => format!("No shots until {hhmm}"),
    }
}

pub fn welcome_student(lang: Lang, masked_name: &str) -> String {
    match lang {
        Lang::Zh => format!("{masked_name} 同学，你好"),
        Lang::En => format!("Hello, {masked_name}"),
    }
}

pub fn students_count(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Zh => format!("{n} 名学生"),
        Lang::En => format!("{n} students"),
    }
}

pub fn batches_found(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("找到 {n} 个批次"),
        Lang::En => format!("{n} batches found"),
    }
}

pub fn importing_batches(lang: Lang, done: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("正在校验并导入 {done}/{total}……"),
        Lang::En => format!("Verifying and importing {done}/{total}…"),
    }
}

pub fn batch_imported(
    lang: Lang,
    batch: &str,
    students: usize,
    added: usize,
    updated: usize,
) -> String {
    match lang {
        Lang::Zh => format!("已导入 {batch}：{students} 名学生（新增 {added}，更新 {updated}）"),
        Lang::En => {
            format!("Imported {batch}: {students} students ({added} new, {updated} updated)")
        }
    }
}

pub fn batch_already(lang: Lang, batch: &str) -> String {
    match lang {
        Lang::Zh => format!("{batch} 以前已导入，没有变化"),
        Lang::En => format!("{batch} was imported before; nothing changed"),
    }
}

pub fn batch_refused(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Zh => format!("拒绝导入（文件被改动、未受信任的工作站或未写完整）：{why}"),
        Lang::En => format!("Refused (altered, untrusted station or incomplete): {why}"),
    }
}

pub fn conflict(lang: Lang, student_no: &str, kept: &str, dropped: &str) -> String {
    match lang {
        Lang::Zh => {
            format!("学号 {student_no} 在两个批次中都已确认：保留较新的 {kept}，不用 {dropped}")
        }
        Lang::En => format!(
            "{student_no} was confirmed in two batches: kept the newer {kept}, not {dropped}"
        ),
    }
}

pub fn conflict_student(lang: Lang, student_no: &str, name: &str, class: &str) -> String {
    match lang {
        Lang::Zh => format!("学号 {student_no} {name} · {class}"),
        Lang::En => format!("Student {student_no} {name} · {class}"),
    }
}

/// The button under one photo of a conflict: names the station, so the two differ.
pub fn keep_photo_of(lang: Lang, station: &str) -> String {
    match lang {
        Lang::Zh => format!("保留 {station} 的照片"),
        Lang::En => format!("Keep the photo from {station}"),
    }
}

pub fn confirmed_at(lang: Lang, at: &str) -> String {
    // RFC 3339 UTC as stored; the minute is enough to tell two confirmations apart.
    let short = at.get(..16).unwrap_or(at).replace('T', " ");
    match lang {
        Lang::Zh => format!("确认于 {short} UTC"),
        Lang::En => format!("Confirmed {short} UTC"),
    }
}

pub fn conflict_chosen_by(lang: Lang, clerk: &str) -> String {
    match lang {
        Lang::Zh => format!("已由 {clerk} 选定"),
        Lang::En => format!("Chosen by {clerk}"),
    }
}

pub fn trusted_station(lang: Lang, station: &str, fingerprint: &str) -> String {
    match lang {
        Lang::Zh => format!("已信任工作站 {station}（指纹 {fingerprint}）"),
        Lang::En => format!("Station {station} is trusted (fingerprint {fingerprint})"),
    }
}

pub fn revoked_station(lang: Lang, station: &str) -> String {
    match lang {
        Lang::Zh => {
            format!("已撤销对工作站 {station} 的信任（已导入的批次保留；新批次需重新添加信任文件）")
        }
        Lang::En => format!(
            "Station {station} is no longer trusted (imported batches stay; new ones need its trust file again)"
        ),
    }
}

pub fn class_line(lang: Lang, class: &str, confirmed: usize, missing: usize) -> String {
    match lang {
        Lang::Zh => format!("{class}：已确认 {confirmed}，未采集 {missing}"),
        Lang::En => format!("{class}: {confirmed} confirmed, {missing} missing"),
    }
}

pub fn package_written(
    lang: Lang,
    path: &str,
    classes: usize,
    photos: usize,
    sheets: u32,
) -> String {
    match lang {
        Lang::Zh => format!(
            "上报包已写入 {path}：{classes} 个班级，{photos} 张照片和 list.csv，{sheets} 张打印页（print/ 中每班一个 PDF）"
        ),
        Lang::En => format!(
            "Package written to {path}: {classes} classes, {photos} photos and list.csv, {sheets} print sheets (one PDF per class in print/)"
        ),
    }
}

/// A class on the package page with its confirmed photos (the button's colour says whether it
/// goes in; the text stays the same so the buttons do not move when one is toggled).
pub fn class_photos(lang: Lang, class: &str, photos: usize) -> String {
    match lang {
        Lang::Zh => format!("{class}（{photos} 张）"),
        Lang::En => format!("{class} ({photos} photos)"),
    }
}

pub fn packaging(lang: Lang, done: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("正在写入上报包：{done}/{total}（复制照片，再生成打印页）"),
        Lang::En => {
            format!("Writing the package: {done}/{total} (photos copied, then print sheets drawn)")
        }
    }
}

pub fn package_to(lang: Lang, place: &str) -> String {
    match lang {
        Lang::Zh => format!("写到：{place}"),
        Lang::En => format!("Write to: {place}"),
    }
}

pub fn reject_with(lang: Lang, reason: &str) -> String {
    match lang {
        Lang::Zh => format!("退回：{reason}"),
        Lang::En => format!("Reject: {reason}"),
    }
}

pub fn reset_list_written(lang: Lang, path: &str, n: usize) -> String {
    match lang {
        Lang::Zh => {
            format!("已写出退回名单 {path}（{n} 名学生）：请在采集站教师模式的“审核重置”中导入")
        }
        Lang::En => format!(
            "Reject list written to {path} ({n} students): import it at the station in teacher mode, Resets"
        ),
    }
}

pub fn review_progress(lang: Lang, decided: usize, total: usize, rejected: usize) -> String {
    match lang {
        Lang::Zh => format!("已审 {decided}/{total}，退回 {rejected}"),
        Lang::En => format!("Reviewed {decided}/{total}, {rejected} rejected"),
    }
}

pub fn export_to(lang: Lang, place: &str) -> String {
    match lang {
        Lang::Zh => format!("导出到：{place}"),
        Lang::En => format!("Export to: {place}"),
    }
}

pub fn exporting(lang: Lang, done: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("正在导出 {done}/{total}……"),
        Lang::En => format!("Exporting {done}/{total}…"),
    }
}

pub fn exported(lang: Lang, students: usize, place: &str, batch: &str, files: usize) -> String {
    match lang {
        Lang::Zh => {
            format!("已导出 {students} 名学生到 {place}（批次 {batch}，已读回核对 {files} 个文件）")
        }
        Lang::En => format!(
            "{students} students exported to {place} (batch {batch}, {files} files read back and checked)"
        ),
    }
}

pub fn still_missing(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("还有 {n} 名学生没有确认照片"),
        Lang::En if n == 1 => "1 student has not confirmed a photo yet".into(),
        Lang::En => format!("{n} students have not confirmed a photo yet"),
    }
}

pub fn nothing_new(lang: Lang, batch: &str) -> String {
    match lang {
        Lang::Zh => format!("没有新内容：批次 {batch} 已是最新，未写入任何文件"),
        Lang::En => format!("Nothing new: batch {batch} is up to date; nothing was written"),
    }
}

pub fn destination_gone(lang: Lang, path: &str) -> String {
    match lang {
        Lang::Zh => {
            format!("找不到 {path}：U 盘可能已拔出。请重新插好后点“重试”（没有留下看似完整的批次）")
        }
        Lang::En => format!(
            "{path} is not there: the USB stick may have been pulled out. Plug it in and tap Retry (no complete-looking batch was left)"
        ),
    }
}

pub fn destination_full(lang: Lang, path: &str) -> String {
    match lang {
        Lang::Zh => format!(
            "{path} 空间已满：请换一个 U 盘或删除不需要的文件后点“重试”（没有留下看似完整的批次）"
        ),
        Lang::En => format!(
            "{path} is full: use another USB stick or delete files you do not need, then tap Retry (no complete-looking batch was left)"
        ),
    }
}

pub fn verify_failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Zh => {
            format!("导出的文件读回时与写入的不一致（U 盘可能有故障），请换一个 U 盘后重试：{why}")
        }
        Lang::En => format!(
            "The exported files do not read back as written (the USB stick may be failing); retry on another stick: {why}"
        ),
    }
}

pub fn failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Zh => format!("未完成：{why}"),
        Lang::En => format!("Not done: {why}"),
    }
}

pub fn trust_written(lang: Lang, path: &str) -> String {
    match lang {
        Lang::Zh => format!("信任文件已写入 {path}，请与批次一起交给学校办公室"),
        Lang::En => {
            format!("Trust file written to {path}; hand it to the school office with the batch")
        }
    }
}

pub fn receipt_missing(lang: Lang, batch: &str) -> String {
    match lang {
        Lang::Zh => format!("批次 {batch} 还没有学校办公室的回执：办公室导入后才能清除"),
        Lang::En => format!(
            "Batch {batch} has no receipt from the school office yet: delete only after the office imported it"
        ),
    }
}

pub fn receipt_present(lang: Lang, batch: &str) -> String {
    match lang {
        Lang::Zh => format!("已找到学校办公室的回执（批次 {batch}）"),
        Lang::En => format!("The school office's receipt is here (batch {batch})"),
    }
}

pub fn purge_confirm(lang: Lang, class: &str, n: u32) -> String {
    match lang {
        Lang::Zh => format!("确定清除「{class}」{n} 名学生的个人信息和照片吗？清除后不能恢复。"),
        Lang::En => format!(
            "Delete the personal data and photos of the {n} students of {class}? This cannot be undone."
        ),
    }
}

pub fn purged(lang: Lang, class: &str, n: u32, files: u32) -> String {
    match lang {
        Lang::Zh => format!("已清除「{class}」{n} 名学生的个人数据，删除 {files} 个文件"),
        Lang::En => format!("Personal data of the {n} students of {class} deleted ({files} files)"),
    }
}

pub fn studio_for(lang: Lang, student_no: &str, name: &str) -> String {
    match lang {
        Lang::Zh => format!("为 {student_no} {name} 补录照片"),
        Lang::En => format!("Studio photo for {student_no} {name}"),
    }
}

pub fn studio_saved(lang: Lang, student_no: &str) -> String {
    match lang {
        Lang::Zh => format!("已存为 {student_no} 的草稿，学生扫码后可在草稿箱中确认"),
        Lang::En => {
            format!("Saved as a draft of {student_no}; the student confirms it in their draft box")
        }
    }
}

pub fn no_standard_photo(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Zh => format!("无法制作证件照：{why}"),
        Lang::En => format!("No standard photo could be made: {why}"),
    }
}

pub fn resets_applied(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Zh => format!("已为 {n} 名学生开放重拍，学生扫码时会看到原因"),
        Lang::En => format!("{n} students may retake; they see the reason when they scan"),
    }
}

pub fn resets_not_in_session(lang: Lang, numbers: &[String]) -> String {
    let n = numbers.len();
    let list = numbers.join(" ");
    match lang {
        Lang::Zh => format!("{n} 人不在本场次名单中：{list}"),
        Lang::En => format!("{n} listed students are not in this session: {list}"),
    }
}

/// The text of a checklist item as stored (`earrings`, `hair_ears`, `makeup`).
pub fn manual_item(lang: Lang, item: &str) -> &'static str {
    let key = match item {
        "earrings" => T::ManualEarrings,
        "hair_ears" => T::ManualHairEars,
        "makeup" => T::ManualMakeup,
        _ => return "?",
    };
    tr(lang, key)
}

/// How many of the checklist items the teacher ticked on a photo, for a thumbnail.
pub fn manual_count(lang: Lang, ticked: usize, of: usize) -> String {
    match lang {
        Lang::Zh => format!("人工核查 {ticked}/{of}"),
        Lang::En => format!("By eye {ticked}/{of}"),
    }
}

/// One checklist item beside the photo under review: ticked by whom, or not.
pub fn manual_line(lang: Lang, item: &str, by: Option<&str>) -> String {
    let label = manual_item(lang, item);
    match (lang, by) {
        (Lang::Zh, Some(by)) => format!("{label}：已勾选（{by}）"),
        (Lang::Zh, None) => format!("{label}：未勾选"),
        (Lang::En, Some(by)) => format!("{label}: ticked ({by})"),
        (Lang::En, None) => format!("{label}: not ticked"),
    }
}

pub fn retake_requested(lang: Lang, reason: &str) -> String {
    match lang {
        Lang::Zh => format!("要求重拍：{reason}"),
        Lang::En => format!("Retake requested: {reason}"),
    }
}

/// A check's short name, as the teacher's board names the cause of a lock.
pub fn check_name(lang: Lang, id: crate::check::CheckId) -> &'static str {
    use crate::check::CheckId as C;
    let (zh, en) = match id {
        C::FaceSingle => ("单人入镜", "one face"),
        C::FacePosition => ("头部位置", "head position"),
        C::FaceSize => ("头部大小", "head size"),
        C::PoseFrontal => ("正对镜头", "facing the camera"),
        C::EyesOpen => ("睁眼", "eyes open"),
        C::MouthClosed => ("嘴唇闭合", "lips closed"),
        C::LightExposure => ("亮度", "exposure"),
        C::LightUniform => ("光线均匀", "even light"),
        C::LightHotspot => ("高光", "hotspots"),
        C::EyesRedeye => ("红眼", "red eye"),
        C::GlassesGlare => ("眼镜反光", "glasses glare"),
        C::GlassesTinted => ("有色或反光眼镜", "tinted or mirrored glasses"),
        C::ImageSharp => ("清晰度", "sharpness"),
        C::BackgroundUniform => ("背景", "backdrop"),
        C::ClothingBlue => ("蓝色上衣", "blue top"),
        C::ClothingContrast => ("上衣与背景", "top vs backdrop"),
        C::ClothingPattern => ("上衣花纹", "patterned top"),
        C::Recapture => ("疑似翻拍", "photo of a photo"),
        C::Beautified => ("美颜", "beauty filter"),
        C::Liveness => ("活体", "liveness"),
        C::FaceOccluded => ("脸部遮挡", "face covered"),
        C::HeadCovered => ("头部覆盖物", "head covered"),
    };
    lang.pick(zh, en)
}

/// The line under a locked student's state on the board: the checks that placed the lock.
pub fn lock_cause(lang: Lang, causes: &[crate::check::CheckId]) -> String {
    let names: Vec<_> = causes.iter().map(|c| check_name(lang, *c)).collect();
    match lang {
        Lang::Zh => format!("原因：{}", names.join("、")),
        Lang::En => format!("Why: {}", names.join(", ")),
    }
}

/// The PIN screen of a demo station with no PIN configured.
pub fn demo_pin(lang: Lang, pin: &str) -> String {
    match lang {
        Lang::Zh => format!("演示模式：教师 PIN 为 {pin}（正式使用前请用 tucai set-pin 设置）"),
        Lang::En => {
            format!("Demo mode: the teacher PIN is {pin} (set your own with tucai set-pin)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_has_both_languages() {
        for &t in T::ALL {
            assert!(!t.zh().is_empty() && !t.en().is_empty(), "{t:?}");
            assert_ne!(t.zh(), t.en(), "{t:?} is not translated");
        }
    }

    #[test]
    fn chinese_texts_are_chinese() {
        // A key whose Chinese text has no CJK character was left in English by mistake.
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for &t in T::ALL {
            if t == T::SwitchLang {
                assert!(!cjk(t.zh()) && cjk(t.en()));
                continue;
            }
            assert!(cjk(t.zh()), "{t:?}");
        }
    }

    #[test]
    fn the_draft_rule_says_the_configured_hours() {
        assert!(drafts_rule(Lang::Zh, 24).contains("24 小时"));
        assert!(drafts_rule(Lang::En, 48).contains("48 h"));
        assert!(!drafts_rule(Lang::Zh, 0).contains("小时"));
    }
}
