//! `ledger donor add|list`, `ledger mandate add|list`, `ledger fund add|list`: the
//! registers' arguments, and the registrations (a draft entry checked against the
//! ledger and appended, as `record` does). The listings are in `cli::list`.
//!
//! Examples:
//!   ledger donor add GATES --name "Bill & Melinda Gates Foundation" --category foundation
//!   ledger mandate add cybercrime --name "Global Programme on Cybercrime" --earmarking earmarked --fund CPCJF
//!   ledger fund add UNVTF --name "UN Voluntary Trust Fund for Victims of Trafficking"

use std::io::Write;

use clap::{Args, Subcommand};

use super::append::{append_one, append_registration, rejected, text};
use super::args::OutFormat;
use super::record::RecordFormat;
use super::{Context, Failure};
use crate::domain::Body;
use crate::domain::problem::shown;
use crate::domain::register::{DonorCategory, Earmarking};

#[derive(Debug, Subcommand)]
pub enum DonorCmd {
    /// Register a donor
    #[command(
        after_help = "Examples:\n  ledger donor add GATES --name \"Bill & Melinda Gates Foundation\" --category foundation\n  ledger donor add EU --name \"European Union\" --category intergovernmental --alias \"European Commission\""
    )]
    Add(DonorAddArgs),
    /// List every known donor
    #[command(
        after_help = "Examples:\n  ledger donor list\n  ledger donor list --format csv > donors.csv"
    )]
    List {
        /// table, json or csv
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
    },
}

/// `ledger donor add`.
#[derive(Debug, Args)]
pub struct DonorAddArgs {
    /// The donor's code (letters, digits, hyphens), e.g. GATES
    pub code: String,
    /// The donor's name as reports show it
    #[arg(long)]
    pub name: String,
    /// member-state, observer-state, other-government, intergovernmental, un-entity, pooled-fund, private-sector, foundation, individual
    #[arg(long)]
    pub category: String,
    /// Another name this donor is known by (repeatable)
    #[arg(long = "alias")]
    pub aliases: Vec<String>,
    /// text (one line) or json (the entry as recorded)
    #[arg(long, value_enum, default_value = "text")]
    pub format: RecordFormat,
}

#[derive(Debug, Subcommand)]
pub enum MandateCmd {
    /// Register a mandate
    #[command(
        after_help = "Examples:\n  ledger mandate add cybercrime --name \"Global Programme on Cybercrime\" --earmarking earmarked --fund CPCJF\n  ledger mandate add gp-2025 --name \"General-purpose 2025\" --earmarking unearmarked --fund CPCJF"
    )]
    Add(MandateAddArgs),
    /// List every known mandate
    #[command(after_help = "Examples:\n  ledger mandate list\n  ledger mandate list --format json")]
    List {
        /// table, json or csv
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
    },
}

/// `ledger mandate add`.
#[derive(Debug, Args)]
pub struct MandateAddArgs {
    /// The mandate's slug (lower case, digits, hyphens), e.g. cybercrime
    pub slug: String,
    /// The mandate's name as reports show it
    #[arg(long)]
    pub name: String,
    /// unearmarked, softly-earmarked, earmarked, tightly-earmarked
    #[arg(long)]
    pub earmarking: String,
    /// The fund it belongs to (required): a fund code or name, see `ledger fund list`
    #[arg(long)]
    pub fund: Option<String>,
    /// text (one line) or json (the entry as recorded)
    #[arg(long, value_enum, default_value = "text")]
    pub format: RecordFormat,
}

#[derive(Debug, Subcommand)]
pub enum FundCmd {
    /// Register a fund
    #[command(
        after_help = "Examples:\n  ledger fund add UNVTF --name \"UN Voluntary Trust Fund for Victims of Trafficking\"\n  ledger fund add UNVTF --name \"UN Voluntary Trust Fund for Victims of Trafficking\" --format json"
    )]
    Add(FundAddArgs),
    /// List every known fund
    #[command(after_help = "Examples:\n  ledger fund list\n  ledger fund list --format json")]
    List {
        /// table, json or csv
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
    },
}

/// `ledger fund add`.
#[derive(Debug, Args)]
pub struct FundAddArgs {
    /// The fund's code (capitals, digits, hyphens), e.g. UNVTF
    pub code: String,
    /// The fund's name as reports show it
    #[arg(long)]
    pub name: String,
    /// text (one line) or json (the entry as recorded)
    #[arg(long, value_enum, default_value = "text")]
    pub format: RecordFormat,
}

pub fn donor(ctx: &Context, out: &mut dyn Write, cmd: DonorCmd) -> Result<(), Failure> {
    match cmd {
        DonorCmd::Add(args) => donor_add(ctx, out, args),
        DonorCmd::List { format } => super::list::donors(ctx, out, format),
    }
}

pub fn mandate(ctx: &Context, out: &mut dyn Write, cmd: MandateCmd) -> Result<(), Failure> {
    match cmd {
        MandateCmd::Add(args) => mandate_add(ctx, out, args),
        MandateCmd::List { format } => super::list::mandates(ctx, out, format),
    }
}

pub fn fund(ctx: &Context, out: &mut dyn Write, cmd: FundCmd) -> Result<(), Failure> {
    match cmd {
        FundCmd::Add(args) => fund_add(ctx, out, args),
        FundCmd::List { format } => super::list::funds(ctx, out, format),
    }
}

/// `ledger donor add CODE --name NAME --category CATEGORY [--alias ALIAS ...]`.
fn donor_add(ctx: &Context, out: &mut dyn Write, args: DonorAddArgs) -> Result<(), Failure> {
    let category = DonorCategory::parse(&args.category).ok_or_else(|| {
        let all: Vec<&str> = DonorCategory::ALL.iter().map(|c| c.as_str()).collect();
        Failure::failed(format!(
            "--category: unknown category {}; use one of {} [unknown-category]",
            shown(&args.category),
            all.join(", ")
        ))
    })?;
    let draft = Body::Donor(crate::domain::register::Donor {
        code: args.code,
        name: args.name,
        category,
        aliases: args.aliases,
    });
    append_one(ctx, out, draft, args.format)
}

/// `ledger mandate add SLUG --name NAME --earmarking LEVEL --fund FUND`.
fn mandate_add(ctx: &Context, out: &mut dyn Write, args: MandateAddArgs) -> Result<(), Failure> {
    let MandateAddArgs {
        slug,
        name,
        earmarking,
        fund,
        format,
    } = args;
    let earmarking = Earmarking::parse(&earmarking).ok_or_else(|| {
        let all: Vec<&str> = Earmarking::ALL.iter().map(|c| c.as_str()).collect();
        Failure::failed(format!(
            "--earmarking: unknown level {}; use one of {} [unknown-earmarking]",
            shown(&earmarking),
            all.join(", ")
        ))
    })?;
    let fund = text(fund);
    let mandate = |fund: Option<String>| crate::domain::register::Mandate {
        slug: slug.clone(),
        name: name.clone(),
        earmarking,
        fund,
    };
    // A registration is judged by the registers alone: the share of no donor.
    append_registration(
        ctx,
        out,
        |book| {
            // Every new mandate belongs to one fund: say which there are (after
            // any other fault of the registration).
            let Some(fund) = &fund else {
                book.check(Body::Mandate(mandate(None)))
                    .map_err(|p| rejected(&p))?;
                let all: Vec<String> = book
                    .register
                    .funds()
                    .map(|f| format!("{} ({})", f.code, f.name))
                    .collect();
                return Err(Failure::failed(format!(
                    "--fund: a mandate belongs to one fund; give --fund with one of {} [fund-required]",
                    all.join(", ")
                )));
            };
            Ok(Body::Mandate(mandate(Some(fund.clone()))))
        },
        format,
    )
}

/// `ledger fund add CODE --name NAME`.
fn fund_add(ctx: &Context, out: &mut dyn Write, args: FundAddArgs) -> Result<(), Failure> {
    let draft = Body::Fund(crate::domain::fund::Fund {
        code: args.code,
        name: args.name,
    });
    append_one(ctx, out, draft, args.format)
}
