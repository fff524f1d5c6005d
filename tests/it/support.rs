//! Shared test helpers: the real binary in a temp dir, roster files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh station: a temp dir holding a copy of the default kiosk.toml and a data dir.
pub struct Station {
    pub dir: tempfile::TempDir,
}

impl Station {
    pub fn new() -> Station {
        let dir = tempfile::tempdir().expect("temp dir");
        let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk.toml");
        std::fs::copy(default, dir.path().join("kiosk.toml")).expect("copy kiosk.toml");
        Station { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn config(&self) -> PathBuf {
        self.path("kiosk.toml")
    }

    pub fn data(&self) -> PathBuf {
        self.path("data")
    }

    /// `tucai --config <station>/kiosk.toml --data <station>/data ARGS...`
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tucai"));
        cmd.current_dir(self.dir.path())
            .arg("--config")
            .arg(self.config())
            .arg("--data")
            .arg(self.data())
            .args(args);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run tucai")
    }

    /// Opens a session through the CLI and returns its id.
    pub fn open_session(&self, class: &str) -> i64 {
        let out = self.run(&[
            "session",
            "open",
            "--class",
            class,
            "--place",
            "图书馆一楼",
            "--operator",
            "董老师",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).trim().parse().expect("session id")
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write file");
        p
    }

    /// Writes `bytes` as the file `name` and runs `tucai roster import` of it into `session`.
    pub fn import_roster(&self, session: i64, name: &str, bytes: &[u8]) -> Output {
        let file = self.write(name, bytes);
        self.run(&[
            "roster",
            "import",
            file.to_str().expect("temp path is UTF-8"),
            "--session",
            &session.to_string(),
        ])
    }

    /// Lets a smile with parted lips and teeth pass `mouth.closed` (both halves: the lip gap and
    /// the teeth), for tests whose real face fixture smiles and that are about something else.
    pub fn relax_mouth(&self) {
        let text = std::fs::read_to_string(self.config()).expect("read kiosk.toml");
        assert!(text.contains("mouth_max_open = 0.1\n"));
        assert!(text.contains("mouth_max_teeth = 0.03\n"));
        std::fs::write(
            self.config(),
            text.replace("mouth_max_open = 0.1\n", "mouth_max_open = 1.0\n")
                .replace("mouth_max_teeth = 0.03\n", "mouth_max_teeth = 1.0\n"),
        )
        .expect("write kiosk.toml");
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A valid ID number for a sequence number, with the correct GB 11643 check digit.
pub fn id_number(n: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let body = format!("32100220040101{:03}", n % 1000);
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize] as char)
}

/// A roster in Chinese headers with `n` valid students.
pub fn roster_zh(n: u32) -> String {
    let mut s = String::from("学号,姓名,身份证号,院系,班级,采集码\n");
    for i in 0..n {
        s.push_str(&format!(
            "2022{i:05},学生{i},{},旅游管理学院,酒店2201,CODE{i:05}\n",
            id_number(i)
        ));
    }
    s
}
