//! The command line: argument parsing (clap), configuration from the environment,
//! dispatch to one module per subcommand, and the one place errors become exit codes.
//!
//! Invariant: only `cli` reads the environment, prints, or chooses an exit status.

mod agreement;
mod append;
mod args;
mod export;
mod failure;
mod groups;
mod help;
mod iati;
mod import;
mod list;
mod log;
mod output;
mod record;
mod registers;
mod report;
mod rules;
mod verify;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Parser;

pub use args::Cli;
pub use failure::Failure;

/// The default ledger when neither `--ledger` nor `CONTRIB_LEDGER` names one and
/// there is no `LOCAL_LEDGER` here: the shipped demo, which is only read.
pub const DEFAULT_LEDGER: &str = "ledgers/demo.jsonl";

/// The ledger `ledger init` creates, and later commands use, in the current
/// directory when neither `--ledger` nor `CONTRIB_LEDGER` names one.
pub const LOCAL_LEDGER: &str = "ledger.jsonl";

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 2,
            });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if f.is_broken_pipe() {
                return ExitCode::SUCCESS;
            }
            let _ = std::io::stdout().flush();
            eprintln!("{f}");
            ExitCode::from(f.exit_code())
        }
    }
}

/// What every command needs from the environment, checked once.
pub struct Context {
    pub ledger: PathBuf,
    /// How the ledger was found.
    pub found: Found,
}

/// Where the ledger's path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// `--ledger` or `CONTRIB_LEDGER`.
    Named,
    /// `ledger.jsonl` in the current directory.
    Local,
    /// The shipped demo, `ledgers/demo.jsonl`.
    Demo,
}

impl Context {
    /// Refuses to write into the shipped demo ledger when it was reached only by
    /// default (no `--ledger`, no `CONTRIB_LEDGER`, no `ledger.jsonl` here): it stays
    /// exactly what its generator builds.
    pub fn writable(&self) -> Result<(), Failure> {
        if self.found == Found::Demo {
            return Err(Failure::failed(format!(
                "{DEFAULT_LEDGER} is the shipped demo ledger, kept exactly as its generator builds it; nothing is recorded in it. Start your own with `ledger init` (it creates {LOCAL_LEDGER} in this directory, which later commands run here use), or name one with --ledger PATH or CONTRIB_LEDGER [demo-ledger]"
            )));
        }
        Ok(())
    }

    /// The writers' clock: `LEDGER_NOW` if set, else the system clock, which the
    /// writer reads once it holds the lock.
    pub fn clock(&self) -> Result<crate::journal::Clock, Failure> {
        Ok(match std::env::var("LEDGER_NOW") {
            Ok(text) if !text.trim().is_empty() => crate::journal::Clock::Fixed(self.now()?),
            _ => crate::journal::Clock::System,
        })
    }

    /// The clock: `LEDGER_NOW` (RFC 3339) if set, else the system time.
    pub fn now(&self) -> Result<DateTime<Utc>, Failure> {
        match std::env::var("LEDGER_NOW") {
            // A bad setting of the environment, not of the command line: the command
            // fails (1), as for any bad input; 2 is kept for usage errors.
            Ok(text) if !text.trim().is_empty() => crate::domain::time::parse_timestamp(&text)
                .map_err(|m| {
                    Failure::failed(format!(
                        "LEDGER_NOW: {m}; set it to such a timestamp or unset it to use the system clock"
                    ))
                }),
            _ => Ok(Utc::now()),
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let named = cli.ledger.clone().or_else(|| {
        std::env::var_os("CONTRIB_LEDGER")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let init = matches!(cli.command, args::Command::Init);
    let (ledger, found) = match named {
        Some(path) => (path, Found::Named),
        None if init || std::path::Path::new(LOCAL_LEDGER).exists() => {
            (PathBuf::from(LOCAL_LEDGER), Found::Local)
        }
        None => (PathBuf::from(DEFAULT_LEDGER), Found::Demo),
    };
    let ctx = Context { ledger, found };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    args::dispatch(cli.command, &ctx, &mut out)
}

/// Readers use the committed entries of a ledger whose tail is torn, and say so on
/// stderr (unless a writer is at work right now: then the tail is its write).
pub fn warn_if_torn(ctx: &Context, scan: &crate::journal::Scan) {
    if let crate::journal::Tail::Torn { what, .. } = &scan.tail
        && !crate::journal::writer_active(&ctx.ledger)
    {
        eprintln!(
            "warning: {}: the ledger has a torn tail ({what}); only the {} used. Run `ledger verify` and `ledger repair`.",
            ctx.ledger.display(),
            match scan.head.entries {
                1 => "1 committed entry is".to_string(),
                n => format!("{n} committed entries are"),
            }
        );
    }
}
