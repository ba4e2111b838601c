//! The command-line grammar and dispatch to subcommands.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::{Context, Failure};

#[derive(Debug, Parser)]
#[command(
    name = "ledger",
    version,
    about = "An append-only, tamper-evident ledger of voluntary contributions: pledges, payments, imports and funding reports.",
    after_help = "The ledger file: --ledger PATH, else $CONTRIB_LEDGER, else ledger.jsonl in the current directory (what `ledger init` creates), else the demo ledgers/demo.jsonl (read only).\nExit status: 0 success, 1 failed, 2 usage error, 3 the ledger failed verification."
)]
pub struct Cli {
    /// The ledger file (default: $CONTRIB_LEDGER, else ./ledger.jsonl, else the demo ledgers/demo.jsonl)
    #[arg(long, global = true, value_name = "PATH")]
    pub ledger: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty ledger (never overwrites one): ./ledger.jsonl unless one is named
    Init,
    /// Record a pledge, payment, refund, write-off, reversal or rate
    #[command(subcommand)]
    Record(RecordCmd),
    /// Register or list donors
    #[command(subcommand)]
    Donor(DonorCmd),
    /// Register or list mandates
    #[command(subcommand)]
    Mandate(MandateCmd),
    /// Register or list funds
    #[command(subcommand)]
    Fund(FundCmd),
    /// Import entries from a CSV file through a mapping profile (all or nothing)
    Import(ImportArgs),
    /// Funding reports: by donor, by mandate, quarterly, donor statements
    Report(ReportArgs),
    /// Show entries, with filters
    Log(LogArgs),
    /// Check every byte of the hash chain; print the entry count and head hash
    Verify(VerifyArgs),
    /// Remove an uncommitted torn tail left by an interrupted write (and nothing else)
    Repair,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Examples:\n  ledger completions bash > ~/.local/share/bash-completion/completions/ledger\n  ledger completions zsh > ~/.zfunc/_ledger\n  ledger completions fish > ~/.config/fish/completions/ledger.fish"
    )]
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man`
    #[command(
        after_help = "Examples:\n  ledger man > ledger.1 && man ./ledger.1\n  ledger man | gzip > /usr/local/share/man/man1/ledger.1.gz"
    )]
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct MoneyArgs {
    /// Donor: code, UN name, ISO name or alias
    #[arg(long)]
    pub donor: String,
    /// Mandate slug (or name)
    #[arg(long)]
    pub mandate: String,
    /// Amount, e.g. 250000 or 1234.50 (no more decimals than the currency allows)
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// ISO 4217 currency code
    #[arg(long)]
    pub currency: String,
    /// Value date, YYYY-MM-DD (default: today)
    #[arg(long)]
    pub date: Option<String>,
    /// Note verbale, agreement or finance-system reference
    #[arg(long)]
    pub reference: Option<String>,
    /// Free text
    #[arg(long)]
    pub memo: Option<String>,
    /// A refund of money received before (or outside) the ledger's records
    #[arg(long)]
    pub prior_period: bool,
    /// Print the recorded entry as JSON
    #[arg(long, value_enum, default_value = "text")]
    pub format: RecordFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RecordCmd {
    /// A donor's commitment
    Pledge {
        #[command(flatten)]
        money: MoneyArgs,
        /// Due date, YYYY-MM-DD
        #[arg(long)]
        due: Option<String>,
        /// For a pledge made before the ledger's records: the date they begin, YYYY-MM-DD
        #[arg(long)]
        opening: Option<String>,
        /// With --opening: what was still outstanding on that date
        #[arg(long, allow_hyphen_values = true)]
        outstanding: Option<String>,
        /// A pledge of goods or services: only in-kind contributions settle it
        #[arg(long)]
        in_kind: bool,
    },
    /// Money received
    Payment {
        #[command(flatten)]
        money: MoneyArgs,
        /// The pledge this payment settles (its entry number)
        #[arg(long, value_parser = parse_seq)]
        pledge: Option<u64>,
    },
    /// Money returned to a donor
    Refund {
        #[command(flatten)]
        money: MoneyArgs,
        /// The pledge the refunded money was paid against (its entry number)
        #[arg(long, value_parser = parse_seq)]
        pledge: Option<u64>,
    },
    /// Goods or services given instead of money, at fair value (--memo says what)
    InKind {
        #[command(flatten)]
        money: MoneyArgs,
        /// The in-kind pledge this contribution settles (its entry number)
        #[arg(long, value_parser = parse_seq)]
        pledge: Option<u64>,
    },
    /// Part or all of an open pledge that will not be paid (needs --reason)
    WriteOff(TakeArgs),
    /// The donor reduced or cancelled a pledge (needs --reason)
    Reduction(TakeArgs),
    /// Void an earlier entry recorded in error
    Reversal {
        /// The entry to void (its number)
        #[arg(long, value_parser = parse_seq)]
        entry: u64,
        #[arg(long)]
        reason: String,
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// A UN operational rate of exchange: units of a currency per 1 USD from a date
    Rate {
        #[arg(long)]
        currency: String,
        #[arg(long, allow_hyphen_values = true)]
        per_usd: String,
        #[arg(long)]
        date: String,
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
}

/// A write-off or a reduction of a pledge.
#[derive(Debug, Args)]
pub struct TakeArgs {
    /// The pledge (its entry number)
    #[arg(long, value_parser = parse_seq)]
    pub pledge: u64,
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Currency (default: the pledge's; must be the pledge's)
    #[arg(long)]
    pub currency: Option<String>,
    /// YYYY-MM-DD (default: today)
    #[arg(long)]
    pub date: Option<String>,
    /// The authority for a write-off, the donor's notice for a reduction (required)
    #[arg(long, visible_alias = "memo")]
    pub reason: Option<String>,
    #[arg(long)]
    pub reference: Option<String>,
    /// Refused: only a refund can be a prior-period refund
    #[arg(long, hide = true)]
    pub prior_period: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: RecordFormat,
}

#[derive(Debug, Subcommand)]
pub enum DonorCmd {
    /// Register a donor
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// member-state, observer-state, other-government, intergovernmental, un-entity, pooled-fund, private-sector, foundation, individual
        #[arg(long)]
        category: String,
        /// Another name this donor is known by (repeatable)
        #[arg(long = "alias")]
        aliases: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// List every known donor
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum MandateCmd {
    /// Register a mandate
    Add {
        slug: String,
        #[arg(long)]
        name: String,
        /// unearmarked, softly-earmarked, earmarked, tightly-earmarked
        #[arg(long)]
        earmarking: String,
        /// The fund it belongs to (required): a fund code or name, see `ledger fund list`
        #[arg(long)]
        fund: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// List every known mandate
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum FundCmd {
    /// Register a fund
    Add {
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// List every known fund
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file
    pub file: PathBuf,
    /// A built-in profile (canonical, rates), a profile in ledgers/profiles, or a TOML file path
    #[arg(long, default_value = "canonical")]
    pub profile: String,
    /// Show what would be recorded; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Output format of the dry run listing
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutFormat,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// donors, mandates, funds, quarterly or statement
    pub kind: String,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long)]
    pub quarter: Option<u32>,
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long)]
    pub to: Option<String>,
    /// Only entries recorded by then: a date (end of that day, UTC) or an RFC 3339 timestamp
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long)]
    pub donor: Option<String>,
    /// table, csv, json, markdown or html
    #[arg(long)]
    pub format: Option<String>,
    /// For csv: which table of the quarterly report
    #[arg(long)]
    pub table: Option<String>,
    /// Write to this file instead of standard output (never the ledger or its index)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Replace the --output file if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Only the entries of this fund's mandates (a fund code or name)
    #[arg(long)]
    pub fund: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    #[arg(long)]
    pub donor: Option<String>,
    #[arg(long)]
    pub mandate: Option<String>,
    /// pledge, payment, refund, write-off, reversal, rate, donor, mandate (repeatable)
    #[arg(long)]
    pub kind: Vec<String>,
    /// Value dates from (YYYY-MM-DD)
    #[arg(long)]
    pub from: Option<String>,
    /// Value dates to (YYYY-MM-DD, inclusive)
    #[arg(long)]
    pub to: Option<String>,
    /// Only entries recorded by then
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutFormat,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Also require that this head hash (from a published report) is an entry of the chain
    #[arg(long, value_name = "HASH")]
    pub head: Option<String>,
    /// Also replay every entry through the recording rules and name each entry that breaks one
    #[arg(long)]
    pub rules: bool,
}

fn parse_seq(text: &str) -> Result<u64, String> {
    let t = text.trim().trim_start_matches('#');
    match t.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "{text:?} is not an entry number (1, 2, 3, ... or #1, #2, ...)"
        )),
    }
}

pub fn dispatch(command: Command, ctx: &Context, out: &mut dyn Write) -> Result<(), Failure> {
    match command {
        Command::Init => super::record::init(ctx, out),
        Command::Record(cmd) => super::record::run(cmd, ctx, out),
        Command::Donor(DonorCmd::Add {
            code,
            name,
            category,
            aliases,
            format,
        }) => super::record::donor_add(ctx, out, code, name, category, aliases, format),
        Command::Donor(DonorCmd::List { format }) => super::list::donors(ctx, out, format),
        Command::Mandate(MandateCmd::Add {
            slug,
            name,
            earmarking,
            fund,
            format,
        }) => super::record::mandate_add(ctx, out, slug, name, earmarking, fund, format),
        Command::Mandate(MandateCmd::List { format }) => super::list::mandates(ctx, out, format),
        Command::Fund(FundCmd::Add { code, name, format }) => {
            super::record::fund_add(ctx, out, code, name, format)
        }
        Command::Fund(FundCmd::List { format }) => super::list::funds(ctx, out, format),
        Command::Import(args) => super::import::run(ctx, out, args),
        Command::Report(args) => super::report::run(ctx, out, args),
        Command::Log(args) => super::log::run(ctx, out, args),
        Command::Verify(args) => super::verify::verify(ctx, out, args),
        Command::Repair => super::verify::repair(ctx, out),
        Command::Completions { shell } => super::help::completions(shell, out),
        Command::Man => super::help::man(out),
    }
}
