use super::Context;
use anyhow::Result;
use chrono::Utc;
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tucai::config::Config;
use tucai::export::{
    self, Destination, ExportOutcome, ExportRequest, FolderDestination, Progress, Stage, StationKey,
};
use tucai::store::{SessionId, Store};

/// `tucai export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub session: i64,
    /// Destination folder (USB stick, mounted share); default `[export] destination`.
    #[arg(long, value_name = "DEST")]
    pub to: Option<PathBuf>,
    /// Who exports (default: the session's operator).
    #[arg(long)]
    pub operator: Option<String>,
}

/// `tucai purge`
#[derive(Debug, Args)]
pub struct PurgeArgs {
    #[arg(long)]
    pub session: i64,
    /// Where the session's batches are (default `[export] destination`): the office's receipt
    /// must be in the newest batch there.
    #[arg(long, value_name = "DEST")]
    pub from: Option<PathBuf>,
    /// Who purges (default: the session's operator).
    #[arg(long)]
    pub operator: Option<String>,
}

/// `--to`, else `[export] destination` taken from the data directory when relative.
fn destination(config: &Config, store: &Store, arg: Option<PathBuf>) -> FolderDestination {
    let dir = arg.unwrap_or_else(|| {
        let d = &config.export.destination;
        if d.is_absolute() {
            d.clone()
        } else {
            store.data_dir().join(d)
        }
    });
    FolderDestination::new(dir)
}

fn operator(store: &Store, session: SessionId, arg: Option<String>) -> Result<String> {
    Ok(match arg {
        Some(o) => o,
        None => store.session(session)?.operator,
    })
}

pub fn run_export(ctx: &Context, args: ExportArgs) -> Result<ExitCode> {
    let (config, mut store) = ctx.open()?;
    let session = SessionId(args.session);
    let operator = operator(&store, session, args.operator)?;
    let dest = destination(&config, &store, args.to);
    let key = StationKey::load_or_create(store.data_dir())?;
    let tty = std::io::stderr().is_terminal();
    let mut progress = |p: Progress| {
        if tty {
            let what = match p.stage {
                Stage::Reading => "reading",
                Stage::Writing => "writing",
                Stage::Committing => "finishing",
            };
            eprint!("\r{what} {}/{}   ", p.done, p.total);
            let _ = std::io::stderr().flush();
        }
    };
    let request = ExportRequest {
        station_id: &config.station.id,
        key: &key,
        session,
        operator: &operator,
        now: Utc::now(),
    };
    let outcome = export::export_session(&mut store, &request, &dest, &mut progress);
    if tty {
        eprintln!();
    }
    match outcome? {
        ExportOutcome::Written {
            batch,
            students,
            missing,
            discarded_partials,
        } => {
            if discarded_partials > 0 {
                println!("removed {discarded_partials} unfinished export(s) of this session");
            }
            println!(
                "exported batch {batch} to {}: {students} confirmed photos, {missing} students still missing",
                dest.describe()
            );
        }
        ExportOutcome::NoChange { batch } => {
            println!(
                "nothing new in session {session} since batch {batch} in {}; nothing written",
                dest.describe()
            );
        }
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_purge(ctx: &Context, args: PurgeArgs) -> Result<ExitCode> {
    let (config, mut store) = ctx.open()?;
    let session = SessionId(args.session);
    let operator = operator(&store, session, args.operator)?;
    let dest = destination(&config, &store, args.from);
    let outcome = export::purge_session(
        &mut store,
        &config.station.id,
        session,
        &dest,
        &operator,
        Utc::now(),
    )?;
    match outcome.batch {
        Some(batch) => println!(
            "purged session {session} (office receipt in batch {batch}): {} students, {} attempts, {} files deleted",
            outcome.rows.students, outcome.rows.attempts, outcome.files_deleted
        ),
        None => println!(
            "session {session} was already purged; {} leftover files deleted",
            outcome.files_deleted
        ),
    }
    Ok(ExitCode::SUCCESS)
}
