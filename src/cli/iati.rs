//! `ledger export iati`: checks the flags, reads the ledger into a book (group by
//! group past `LEDGER_REPORT_ENTRIES`, as a whole-ledger report), asks
//! `report::iati` for the year's activities and `render::iati` for the XML, and
//! writes it to stdout or `--output`.
//!
//! Examples:
//!   ledger export iati --year 2024 --reporting-org XM-EXAMPLE
//!   ledger export iati --year 2024 --reporting-org XM-EXAMPLE --output unodc-2024.xml

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::groups::FirstRead;
use super::{Context, Failure};
use crate::domain::time;
use crate::report::iati;

/// The most characters `--reporting-org` may hold.
const MAX_REF: usize = 100;

#[derive(Debug, Args)]
#[command(
    after_help = "One iati-activity per mandate with entries up to the end of the year; the year's pledges and reductions as Incoming Pledge (13), payments, in-kind contributions and refunds (negative) as Incoming Funds (1), each in its own currency. generated-datetime is the ledger head's recorded time, so the same ledger gives the same bytes.\n\nExamples:\n  ledger export iati --year 2024 --reporting-org XM-EXAMPLE\n  ledger export iati --year 2024 --reporting-org XM-EXAMPLE --output unodc-2024.xml"
)]
pub struct IatiArgs {
    /// Calendar year of the transactions (1945-2199)
    #[arg(long, value_parser = parse_year)]
    pub year: i32,
    /// The reporting organisation's IATI identifier (letters, digits, '-', '_', '.'); activities are <REF>-<mandate slug>
    #[arg(long, value_name = "REF")]
    pub reporting_org: String,
    /// Write to this file instead of standard output (never the ledger or its index)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Replace the --output file if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
}

fn parse_year(text: &str) -> Result<i32, String> {
    let t = text.trim();
    match t.parse::<i32>() {
        Ok(y) if t.len() == 4 && (1945..=2199).contains(&y) => Ok(y),
        Ok(y) if t.len() == 4 => Err(format!("{y} is outside the years 1945 to 2199")),
        _ => Err(format!(
            "{} is not a year; give four digits, e.g. 2024",
            crate::domain::problem::shown(text)
        )),
    }
}

/// Refuses a reporting-organisation reference that is empty, too long, or holds
/// characters an IATI identifier may not (spaces, '/', '&', ...).
fn check_reference(text: &str) -> Result<(), Failure> {
    if text.trim().is_empty() {
        return Err(Failure::usage(
            "--reporting-org: empty; give the reporting organisation's IATI identifier, e.g. XM-EXAMPLE",
        ));
    }
    if text.chars().count() > MAX_REF {
        return Err(Failure::usage(format!(
            "--reporting-org: longer than {MAX_REF} characters"
        )));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(Failure::usage(format!(
            "--reporting-org: {} holds {c:?}; an identifier has only letters, digits, '-', '_' and '.'",
            crate::domain::problem::shown(text)
        )));
    }
    Ok(())
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: IatiArgs) -> Result<(), Failure> {
    check_reference(&args.reporting_org)?;
    if let Some(path) = &args.output {
        super::output::check(path, &ctx.ledger, args.force)?;
    }
    // As a whole-ledger report: the whole book while its money entries fit the
    // budget, else group by group (`groups::iati`).
    let budget = super::groups::budget()?;
    let activities = match super::groups::read_first(ctx, budget)? {
        (FirstRead::Groups(lean), scan) => {
            let how = (args.year, args.reporting_org.as_str());
            super::groups::iati(ctx, lean, budget, &scan, how)?
        }
        (FirstRead::Whole(book), _) => {
            let generated = book
                .last_recorded_at
                .map(time::format_timestamp)
                .unwrap_or_default();
            iati::activities(&book, args.year, &args.reporting_org, generated)
                .map_err(|e| Failure::failed(e.to_string()))?
        }
    };
    // Streamed, never held whole: a year of a large ledger is hundreds of megabytes
    // of XML.
    let render = |w: &mut dyn Write| crate::render::iati::write(&activities, w);
    match &args.output {
        Some(path) => super::output::write_with(path, render)?,
        None => super::output::stream(out, render)?,
    }
    Ok(())
}
