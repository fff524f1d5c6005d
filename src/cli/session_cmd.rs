use super::Context;
use anyhow::Result;
use chrono::{Local, Utc};
use clap::Subcommand;
use std::process::ExitCode;
use tucai::store::SessionId;

#[derive(Debug, Subcommand)]
pub enum SessionCmd {
    /// Open a session for a class; prints the new session id.
    Open {
        /// Class name, e.g. 酒店管理2201.
        #[arg(long = "class", value_name = "CLASS")]
        class_name: String,
        /// Where the photos are taken.
        #[arg(long)]
        place: String,
        /// The supervising teacher.
        #[arg(long)]
        operator: String,
    },
    /// List sessions, newest first.
    List,
    /// Close a session: nobody more is photographed in it.
    Close {
        id: i64,
        /// Who closes it (default: the operator who opened it).
        #[arg(long)]
        operator: Option<String>,
    },
}

pub fn run(ctx: &Context, cmd: SessionCmd) -> Result<ExitCode> {
    let (_, mut store) = ctx.open()?;
    match cmd {
        SessionCmd::Open {
            class_name,
            place,
            operator,
        } => {
            let id = store.open_session(&class_name, &place, &operator, Utc::now())?;
            println!("{id}");
        }
        SessionCmd::List => {
            let sessions = store.sessions()?;
            if sessions.is_empty() {
                println!("no sessions yet; open one with `tucai session open`");
            }
            for s in sessions {
                let opened = s.opened_at.with_timezone(&Local).format("%Y-%m-%d %H:%M");
                let state = match s.closed_at {
                    None => "open".to_string(),
                    Some(t) => format!(
                        "closed {}",
                        t.with_timezone(&Local).format("%Y-%m-%d %H:%M")
                    ),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{} students\topened {}\t{}",
                    s.id, s.class_name, s.place, s.operator, s.students, opened, state
                );
            }
        }
        SessionCmd::Close { id, operator } => {
            let id = SessionId(id);
            let operator = match operator {
                Some(o) => o,
                None => store.session(id)?.operator,
            };
            store.close_session(id, &operator, Utc::now())?;
            println!("session {id} closed");
        }
    }
    Ok(ExitCode::SUCCESS)
}
