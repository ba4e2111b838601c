//! `ledger export`: files for other systems. Only the dispatch lives here; each
//! format has its own module (`cli::iati` for IATI).

use std::io::Write;

use clap::Subcommand;

use super::{Context, Failure};

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// An IATI 2.03 activities file of one year: one activity per mandate, its incoming pledges and funds
    Iati(super::iati::IatiArgs),
}

pub fn run(cmd: ExportCmd, ctx: &Context, out: &mut dyn Write) -> Result<(), Failure> {
    match cmd {
        ExportCmd::Iati(args) => super::iati::run(ctx, out, args),
    }
}
