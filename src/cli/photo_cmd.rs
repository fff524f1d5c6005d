//! `tucai make IN OUT.jpg` and `tucai sheet OUT.pdf PHOTO...`: the standard photo and the print
//! sheets from files, the same code the station runs. `tucai photo add`: a teacher adds a photo
//! taken elsewhere as a student's draft, through the same lab and the flow's rules
//! (`tucai::flow::Flow::teacher_add_photo`).

use super::Context;
use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tucai::face::FaceDetector;
use tucai::flow::{Flow, FlowError, MadePhoto, SystemClock};
use tucai::lab::{PhotoLab, RealLab};
use tucai::photo::sheet::{self, Caption};
use tucai::photo::{PhotoError, PhotoMaker};
use tucai::store::SessionId;

#[derive(Debug, clap::Args)]
pub struct MakeArgs {
    /// The capture (JPEG or PNG).
    pub input: PathBuf,
    /// Where to write the standard photo (JPEG).
    pub output: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct SheetArgs {
    /// Where to write the sheets: a PDF (one page per photo), or PNG when it ends in `.png`
    /// (one file per photo: OUT.png, OUT-2.png, ...).
    pub output: PathBuf,
    /// Standard photos, named `<student_no>.jpg`; the caption is the student number and, with
    /// --name, the name (one --name per photo, in order).
    #[arg(required = true)]
    pub photos: Vec<PathBuf>,
    /// Names for the captions, one per photo in the same order.
    #[arg(long = "name", value_name = "NAME")]
    pub names: Vec<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum PhotoCmd {
    /// Add a photo taken elsewhere (a studio photo) as a student's draft. It is made and checked
    /// like a shot at the station; every check but liveness must pass (a file has no burst: the
    /// teacher's audited action stands in for it). Exit 0 added (prints the draft id), 1 refused
    /// by the checks (lists them), 2 any other refusal or an unreadable file.
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The session the student is on.
    #[arg(long, value_name = "ID")]
    pub session: i64,
    /// The student's number on that session's roster.
    #[arg(long = "student", value_name = "NO")]
    pub student_no: String,
    /// The photo file (JPEG or PNG; EXIF rotation is applied).
    pub file: PathBuf,
    /// Who adds it, for the audit log (default: the operator who opened the session).
    #[arg(long)]
    pub operator: Option<String>,
}

pub fn photo(ctx: &Context, cmd: PhotoCmd) -> Result<ExitCode> {
    match cmd {
        PhotoCmd::Add(args) => add(ctx, args),
    }
}

fn add(ctx: &Context, args: AddArgs) -> Result<ExitCode> {
    let (config, store) = ctx.open()?;
    let session = SessionId(args.session);
    let operator = match args.operator {
        Some(o) if !o.trim().is_empty() => o,
        Some(_) => bail!("--operator is empty; give the teacher's name"),
        None => store.session(session)?.operator,
    };
    let Some(student) = store.student_by_no(session, &args.student_no)? else {
        bail!(
            "no student {} on the roster of session {session}; check the number with the progress board",
            args.student_no
        );
    };
    let capture = super::check_cmd::load_with(&args.file, config.station.image_limits())
        .map_err(anyhow::Error::msg)?;
    let mut flow = Flow::new(store, &config, Box::new(SystemClock));
    flow.set_session(Some(session));
    // Refuse what no photo could fix before spending a second on the face models.
    let refused = |e: FlowError| -> Result<ExitCode> {
        match e.refusal() {
            Some(why) => {
                eprintln!("tucai: not added: {why}");
                Ok(ExitCode::from(2))
            }
            None => Err(e.into()),
        }
    };
    if let Err(e) = flow.teacher_may_add_photo(student.id) {
        return refused(e);
    }
    // A panic in the models on this file is an error for this file (exit 2), not an abort.
    let out = tucai::isolate::catch("photo lab", || {
        RealLab::new(&config).make_and_check(&capture, &[], &|_| {})
    })
    .unwrap_or_else(|p| Err(tucai::lab::LabError::Panicked(p)))
    .with_context(|| format!("cannot make and check the photo {}", args.file.display()))?;
    let made = MadePhoto {
        report: out.report,
        original_jpeg: out.original_jpeg,
        photo_jpeg: out.photo_jpeg,
        make_error: out.make_error,
    };
    match flow.teacher_add_photo(&operator, student.id, made) {
        Ok(draft) => {
            println!("{draft}");
            Ok(ExitCode::SUCCESS)
        }
        Err(FlowError::PhotoRefused { failed, make_error }) => {
            println!("{}: not added", args.file.display());
            for c in &failed {
                let num = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v}"));
                println!(
                    "  FAIL {:<19} {:>9} (limit {:>6})  {}",
                    c.id.as_str(),
                    num(c.value),
                    num(c.threshold),
                    c.hint_en
                );
            }
            if let Some(why) = &make_error {
                println!("  no standard photo: {why}");
            }
            eprintln!("tucai: the photo did not pass the checks; nothing was added");
            Ok(ExitCode::from(1))
        }
        Err(e) => refused(e),
    }
}

/// Exit 0 with the photo written, 2 when the capture cannot make a standard photo (the reason on
/// stderr).
pub fn make(ctx: &Context, args: MakeArgs) -> Result<ExitCode> {
    let (config, _) = ctx.config()?;
    let input = args.input.clone();
    match super::per_file(&input, || {
        make_one(&config, args).map_err(|e| format!("{e:#}"))
    }) {
        Ok(code) => Ok(code),
        Err(e) => {
            eprintln!("tucai: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

fn make_one(config: &tucai::config::Config, args: MakeArgs) -> Result<ExitCode> {
    let capture = super::check_cmd::load_with(&args.input, config.station.image_limits())
        .map_err(anyhow::Error::msg)?;
    let detector = FaceDetector::new()?;
    let faces = detector.detect(&capture)?;
    let Some(face) = faces
        .iter()
        .find(|f| f.score >= config.checks.face_min_score)
    else {
        eprintln!(
            "cannot make the photo: no face found in {}",
            args.input.display()
        );
        return Ok(ExitCode::from(2));
    };
    let maker = PhotoMaker::new()?;
    match maker.make(&capture, face, &config.photo) {
        Ok(photo) => {
            write_atomic(&args.output, &photo.jpeg)?;
            let g = photo.geometry;
            println!(
                "{}: {}×{}, {} KB at quality {}, head top {:.0} px, eye line {:.0} px, face {:.0} px wide",
                args.output.display(),
                photo.image.width(),
                photo.image.height(),
                photo.jpeg.len().div_ceil(1024),
                photo.quality,
                g.head_top,
                g.eye_line,
                g.face_width
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(PhotoError::Refused(r)) => {
            eprintln!("cannot make the photo: {r}");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn sheet(ctx: &Context, args: SheetArgs) -> Result<ExitCode> {
    let (config, _) = ctx.config()?;
    if !args.names.is_empty() && args.names.len() != args.photos.len() {
        bail!(
            "{} --name given for {} photos; give one per photo or none",
            args.names.len(),
            args.photos.len()
        );
    }
    let mut pages = Vec::with_capacity(args.photos.len());
    for (i, path) in args.photos.iter().enumerate() {
        let photo = super::check_cmd::load_with(path, config.station.image_limits())
            .map_err(anyhow::Error::msg)?;
        let caption = Caption {
            student_no: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            name: args.names.get(i).cloned().unwrap_or_default(),
        };
        pages.push(sheet::render(&photo, &caption, &config.print)?);
    }
    let png = args
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    if png {
        for (i, page) in pages.iter().enumerate() {
            let path = if i == 0 {
                args.output.clone()
            } else {
                let stem = args
                    .output
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy();
                args.output.with_file_name(format!("{stem}-{}.png", i + 1))
            };
            write_atomic(&path, &sheet::to_png(page)?)?;
            println!("{}", path.display());
        }
    } else {
        write_atomic(&args.output, &sheet::to_pdf(&pages, &config.print)?)?;
        println!("{}: {} page(s)", args.output.display(), pages.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// Written to a temp name beside the target, then renamed: never a half-written photo.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    tucai::atomic_file::write(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn photo_add_needs_a_session_a_student_and_a_file() {
        let base = ["tucai", "photo", "add"];
        let with = |extra: &[&str]| Cli::try_parse_from(base.iter().chain(extra).copied());
        assert!(with(&["--session", "1", "--student", "202200001"]).is_err());
        assert!(with(&["--student", "202200001", "a.jpg"]).is_err());
        assert!(with(&["--session", "1", "a.jpg"]).is_err());
        assert!(with(&["--session", "x", "--student", "2", "a.jpg"]).is_err());
        let cli = with(&["--session", "3", "--student", "202200001", "a.jpg"]).unwrap();
        let Some(Command::Photo(super::PhotoCmd::Add(args))) = cli.command else {
            panic!("not photo add");
        };
        assert_eq!(args.session, 3);
        assert_eq!(args.student_no, "202200001");
        assert_eq!(args.operator, None);
        let cli = with(&[
            "--session",
            "3",
            "--student",
            "202200001",
            "a.jpg",
            "--operator",
            "王老师",
        ])
        .unwrap();
        let Some(Command::Photo(super::PhotoCmd::Add(args))) = cli.command else {
            panic!("not photo add");
        };
        assert_eq!(args.operator.as_deref(), Some("王老师"));
    }
}
