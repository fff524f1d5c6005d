//! `tucai make IN OUT.jpg` and `tucai sheet OUT.pdf PHOTO...`: the standard photo and the print
//! sheets from files, the same code the station runs.

use super::Context;
use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tucai::face::FaceDetector;
use tucai::photo::sheet::{self, Caption};
use tucai::photo::{PhotoError, PhotoMaker};

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

/// Exit 0 with the photo written, 2 when the capture cannot make a standard photo (the reason on
/// stderr).
pub fn make(ctx: &Context, args: MakeArgs) -> Result<ExitCode> {
    let (config, _) = ctx.config()?;
    let capture = image::open(&args.input)
        .with_context(|| format!("cannot read the image {}", args.input.display()))?
        .to_rgb8();
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
        let photo = image::open(path)
            .with_context(|| format!("cannot read the photo {}", path.display()))?
            .to_rgb8();
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
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
