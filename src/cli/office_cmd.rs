use super::{Context, gpu};
use anyhow::{Result, bail};
use chrono::Utc;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use tucai::export::TrustedKey;
use tucai::office::{self, Office};

#[derive(Debug, Args)]
pub struct OfficeArgs {
    /// Office data directory (its own database and imported photos); default `<data>/office`.
    #[arg(long, value_name = "DIR", global = true)]
    pub office: Option<PathBuf>,
    /// Without a subcommand the office window opens (import, stations, classes, package).
    #[command(subcommand)]
    pub cmd: Option<OfficeCmd>,
}

#[derive(Debug, Subcommand)]
pub enum OfficeCmd {
    /// Verify and import batches (batch folders, or folders holding batches such as a USB stick).
    /// A tampered, truncated or unsigned batch is refused and named; the others are imported.
    Import {
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Trust a station's key first (its `tucai key show --out FILE`); may be repeated.
        #[arg(long, value_name = "KEYFILE")]
        trust: Vec<PathBuf>,
    },
    /// Write the provincial upload package: photos/<student_no>.jpg, list.csv, and the print
    /// sheets (print/<class>.pdf, one page per student, laid out by `[print]`).
    Package {
        /// The package folder (must not exist yet).
        out: PathBuf,
        /// Only this class (repeat for several); without it, every class.
        #[arg(long = "class", value_name = "CLASS")]
        classes: Vec<String>,
    },
    /// List per class who has a confirmed photo and who is still missing.
    Report,
    /// The station keys the office trusts: list them, or revoke a wrong one.
    #[command(subcommand)]
    Trust(TrustCmd),
}

#[derive(Debug, Subcommand)]
pub enum TrustCmd {
    /// Station id, key fingerprint and when it was trusted, one per line.
    List,
    /// Stop trusting a station's key (audited). Its batches already imported stay.
    Revoke {
        /// The station id, as `trust list` shows it.
        station: String,
        /// Who revokes it, for the office's audit log.
        #[arg(long)]
        operator: String,
    },
}

pub fn run(ctx: &Context, args: OfficeArgs) -> Result<ExitCode> {
    let dir = match args.office {
        Some(d) => d,
        None => {
            let (config, path) = ctx.config()?;
            ctx.data_dir(&config, path.as_deref()).join("office")
        }
    };
    let Some(cmd) = args.cmd else {
        // Office staff do not open terminals: the same work in a window, with the kiosk's
        // graphics fallback on Windows (an office PC's driver can fail as a station's can).
        let (config, _) = ctx.config()?;
        if gpu::supervises() {
            // The office database is opened once here: its errors are not graphics failures.
            drop(Office::open(&dir)?);
            return gpu::supervise();
        }
        tucai::ui::office::run(config, dir, gpu::on_drawn())
            .map_err(|e| anyhow::anyhow!("cannot open the office window: {e}"))?;
        return Ok(ExitCode::SUCCESS);
    };
    let mut office = Office::open(&dir)?;
    match cmd {
        OfficeCmd::Import { dirs, trust } => {
            let now = Utc::now();
            let offered = trust
                .iter()
                .map(|file| TrustedKey::load(file))
                .collect::<Result<Vec<_>, _>>()?;
            let report = office::import_batches_trusting(&mut office, &dirs, &offered, now);
            for key in &report.trusted {
                println!(
                    "trusting station {} (fingerprint {})",
                    key.station_id, key.fingerprint
                );
            }
            for b in &report.batches {
                match b.status {
                    office::import::BatchStatus::AlreadyImported => {
                        println!("{}: already imported, nothing changed", b.batch)
                    }
                    _ if b.superseded => println!(
                        "{}: recorded; a newer batch of its session was imported before, so it \
                         changes nothing",
                        b.batch
                    ),
                    _ => println!(
                        "{}: imported {} students ({} new, {} updated, {} withdrawn)",
                        b.batch, b.students, b.added, b.updated, b.withdrawn
                    ),
                }
                for c in &b.conflicts {
                    println!(
                        "  conflict: student {} confirmed in {} ({}) and {} ({}); kept {}",
                        c.student_no,
                        c.kept_batch,
                        c.kept_confirmed_at,
                        c.dropped_batch,
                        c.dropped_confirmed_at,
                        c.kept_batch
                    );
                }
            }
            for e in &report.refused {
                eprintln!("refused: {e}");
            }
            if !report.refused.is_empty() {
                bail!(
                    "{} batch(es) refused, {} imported",
                    report.refused.len(),
                    report.batches.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        OfficeCmd::Package { out, classes } => {
            // The `[print]` section lays out the sheets; only this command needs the config.
            let (config, _) = ctx.config()?;
            let sheets = office::PdfSheets::new(&config.print);
            let chosen = (!classes.is_empty()).then_some(classes.as_slice());
            let summary =
                office::write_package_for(&office, &out, Some(&sheets), chosen, &mut |_, _| {})?;
            println!(
                "package {}: {} photos and {}",
                summary.out.display(),
                summary.photos,
                office::package::LIST_FILE
            );
            println!(
                "print sheets: {} in {}/ ({} copies each, one PDF per class)",
                summary.sheets.unwrap_or(0),
                office::package::SHEETS_DIR,
                config.print.copies
            );
            Ok(ExitCode::SUCCESS)
        }
        OfficeCmd::Trust(TrustCmd::List) => {
            let stations = office.trusted_stations()?;
            if stations.is_empty() {
                println!("no station is trusted yet; `tucai office import DIR --trust FILE`");
            }
            for t in stations {
                println!("{}\t{}\t{}", t.station_id, t.fingerprint, t.added_at);
            }
            Ok(ExitCode::SUCCESS)
        }
        OfficeCmd::Trust(TrustCmd::Revoke { station, operator }) => {
            let gone = office.revoke_trusted(&station, &operator, Utc::now())?;
            println!(
                "station {} is no longer trusted (key {}); import its batches again with its \
                 trust file",
                gone.station_id, gone.fingerprint
            );
            Ok(ExitCode::SUCCESS)
        }
        OfficeCmd::Report => {
            let classes = office::class_report(&office)?;
            if classes.is_empty() {
                println!("no batches imported yet; run `tucai office import`");
            }
            for c in classes {
                println!(
                    "{}: {} confirmed, {} missing",
                    c.class_name,
                    c.confirmed.len(),
                    c.missing.len()
                );
                for s in &c.missing {
                    println!("  missing   {}\t{}", s.student_no, s.name);
                }
                for s in &c.confirmed {
                    println!("  confirmed {}\t{}", s.student_no, s.name);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn import_needs_a_folder_and_takes_several_trust_files() {
        assert!(Cli::try_parse_from(["tucai", "office", "import"]).is_err());
        let cli = Cli::try_parse_from([
            "tucai", "office", "import", "a", "b", "--trust", "k1", "--trust", "k2", "--office",
            "o",
        ])
        .unwrap();
        let Some(Command::Office(args)) = cli.command else {
            panic!("not an office command");
        };
        assert_eq!(args.office.as_deref(), Some(std::path::Path::new("o")));
        match args.cmd {
            Some(super::OfficeCmd::Import { dirs, trust }) => {
                assert_eq!(dirs.len(), 2);
                assert_eq!(trust.len(), 2);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn export_and_purge_need_a_session() {
        assert!(Cli::try_parse_from(["tucai", "export", "--to", "d"]).is_err());
        assert!(Cli::try_parse_from(["tucai", "export", "--session", "1"]).is_ok());
        assert!(Cli::try_parse_from(["tucai", "purge"]).is_err());
        assert!(Cli::try_parse_from(["tucai", "purge", "--session", "1", "--from", "d"]).is_ok());
        assert!(Cli::try_parse_from(["tucai", "review", "import", "r.csv"]).is_err());
    }
}
