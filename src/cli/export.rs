//! `ledger export ...`: tables for other systems, written to stdout or `--output`.
//! `export ceb` writes the CEB revenue table of a year (see the README, "The CEB
//! export"): reads the ledger, asks `report::ceb` for the rows and `render::ceb`
//! for the bytes. `export iati` lives in `cli::iati`; only its dispatch is here.
//!
//! Examples:
//!   ledger export ceb --year 2024
//!   ledger export ceb --year 2024 --government --output ceb-gov-2024.csv

use std::io::Write;

use clap::{Args, Subcommand};

use super::groups::FirstRead;
use super::report::{OutputArgs, ledger_head, missing_rates};
use super::{Context, Failure};
use crate::domain::settlement;
use crate::report::{self, Source};

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// The CEB revenue table of a year: by donor and financing instrument, whole US dollars
    #[command(
        after_help = "The figure is paid (payments less refunds) plus in-kind dated in the year, in USD at the value-date rates, rounded to whole dollars half away from zero.\n\nExamples:\n  ledger export ceb --year 2024\n  ledger export ceb --year 2024 --government --output ceb-gov-2024.csv"
    )]
    Ceb(CebArgs),
    /// An IATI 2.03 activities file of one year: one activity per mandate, its incoming pledges and funds
    Iati(super::iati::IatiArgs),
}

#[derive(Debug, Args)]
pub struct CebArgs {
    /// The calendar year (1945-2199)
    #[arg(long, value_parser = clap::value_parser!(i32).range(1945..=2199))]
    pub year: i32,
    /// The government-donor layout (C01 donors) instead of the non-government one
    #[arg(long)]
    pub government: bool,
    /// csv (the only format of the CEB's tables)
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Fail instead of warning when a figure uses a rate more than 31 days older than its date
    #[arg(long)]
    pub strict_rates: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, out: &mut dyn Write, cmd: ExportCmd) -> Result<(), Failure> {
    match cmd {
        ExportCmd::Ceb(args) => ceb(ctx, out, args),
        ExportCmd::Iati(args) => super::iati::run(ctx, out, args),
    }
}

fn ceb(ctx: &Context, out: &mut dyn Write, args: CebArgs) -> Result<(), Failure> {
    if !args.format.trim().eq_ignore_ascii_case("csv") {
        return Err(Failure::usage(format!(
            "--format: {:?}; the CEB's tables are csv",
            args.format
        )));
    }
    args.output.check(ctx)?;
    // As a whole-ledger report: the whole book while its money entries fit the
    // budget, else group by group (`groups::ceb`).
    let budget = super::groups::budget()?;
    let (book, scan) = match super::groups::read_first(ctx, budget)? {
        (FirstRead::Groups(lean), scan) => {
            let how = (args.year, args.government, args.strict_rates);
            let table = super::groups::ceb(ctx, lean, budget, &scan, how)?;
            return write_ceb(out, &args, &table);
        }
        (FirstRead::Whole(book), scan) => (book, scan),
    };
    let settled = settlement::settle_pledges(&book).map_err(missing_rates)?;
    let src = Source {
        book: &book,
        settlement: &settled,
        entries: &[],
        ledger: ledger_head(&scan),
        as_of: None,
        only_donor: None,
        tolerance: report::Usd::ZERO,
        strict_rates: args.strict_rates,
        scope: report::Scope::default(),
    };
    let table = report::ceb::ceb(&src, args.year, args.government)
        .map_err(|e| Failure::failed(format!("{e}")))?;
    write_ceb(out, &args, &table)
}

/// Writes the CEB table, its warnings to stderr.
fn write_ceb(
    out: &mut dyn Write,
    args: &CebArgs,
    table: &report::ceb::CebTable,
) -> Result<(), Failure> {
    let mut bytes = Vec::new();
    crate::render::ceb::write(table, &mut bytes)?;
    for w in &table.warnings {
        eprintln!("warning: {w}");
    }
    args.output.write(out, &bytes)
}
