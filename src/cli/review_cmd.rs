use super::Context;
use anyhow::{Context as _, Result};
use chrono::Utc;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use tucai::store::SessionId;

#[derive(Debug, Subcommand)]
pub enum ReviewCmd {
    /// Import the provincial review's reset list (CSV: student_no,reason or 学号,原因; UTF-8 or
    /// GBK). Each listed student of the session is allowed a retake and shown the reason.
    Import {
        file: PathBuf,
        #[arg(long)]
        session: i64,
        /// Who imports it (default: the session's operator).
        #[arg(long)]
        operator: Option<String>,
    },
}

pub fn run(ctx: &Context, cmd: ReviewCmd) -> Result<ExitCode> {
    let ReviewCmd::Import {
        file,
        session,
        operator,
    } = cmd;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let resets = tucai::export::parse_review_list(&bytes, &file)?;
    let (_, mut store) = ctx.open()?;
    let session = SessionId(session);
    let operator = match operator {
        Some(o) => o,
        None => store.session(session)?.operator,
    };
    let summary = store.apply_review_resets(session, &resets, &operator, Utc::now())?;
    println!(
        "{} students of session {session} marked for a retake",
        summary.applied
    );
    if !summary.not_in_session.is_empty() {
        println!(
            "{} listed students are not in this session: {}",
            summary.not_in_session.len(),
            summary.not_in_session.join(" ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
