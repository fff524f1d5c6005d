use super::Context;
use anyhow::{Context as _, Result};
use chrono::Utc;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use tucai::store::SessionId;

#[derive(Debug, Subcommand)]
pub enum RosterCmd {
    /// Import a roster CSV (UTF-8 or GBK; headers 学号,姓名,身份证号[,院系,班级,采集码,可采集] or
    /// student_no,name,id_number[,department,class,capture_code,eligible]). A file with any bad
    /// row imports nothing and lists every bad row.
    Import {
        file: PathBuf,
        #[arg(long)]
        session: i64,
        /// Who imports it (default: the session's operator).
        #[arg(long)]
        operator: Option<String>,
    },
}

pub fn run(ctx: &Context, cmd: RosterCmd) -> Result<ExitCode> {
    match cmd {
        RosterCmd::Import {
            file,
            session,
            operator,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let roster =
                tucai::roster::parse(&bytes).with_context(|| format!("{}", file.display()))?;
            let (config, mut store) = ctx.open()?;
            let session = SessionId(session);
            let operator = match operator {
                Some(o) => o,
                None => store.session(session)?.operator,
            };
            let summary = store
                .import_roster(
                    session,
                    &roster.rows,
                    &operator,
                    config.teacher.fee_default,
                    Utc::now(),
                )
                .with_context(|| format!("{}", file.display()))?;
            println!(
                "imported {} students into session {session} ({} new, {} updated)",
                summary.total(),
                summary.added,
                summary.updated
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
