//! The command-line grammar and dispatch to subcommands.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::export::ExportCmd;
use super::{Context, Failure};

#[derive(Debug, Parser)]
#[command(
    name = "ledger",
    version,
    about = "An append-only, tamper-evident ledger of voluntary contributions: pledges, payments, imports and funding reports.",
    after_help = "The ledger file: --ledger PATH, else $CONTRIB_LEDGER, else ledger.jsonl in the current directory (what `ledger init` creates), else the demo ledgers/demo.jsonl (read only).\nExit status: 0 success, 1 failed, 2 usage error, 3 the ledger failed verification.\n\nExamples:\n  ledger init\n  ledger record pledge --donor Japan --mandate coordination --amount 250000 --currency USD --date 2024-07-24 --due 2025-06-30\n  ledger report quarterly --year 2009 --quarter 3"
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
    #[command(after_help = "Examples:\n  ledger init\n  ledger --ledger books/2024.jsonl init")]
    Init,
    /// Record a pledge, payment, refund, write-off, reduction, reversal or rate
    #[command(
        subcommand,
        after_help = "Examples:\n  ledger record pledge --donor JPN --mandate coordination --amount 250000 --currency USD --date 2024-07-24\n  ledger record payment --donor JPN --mandate coordination --amount 250000 --currency USD --date 2024-09-02 --pledge 3\n  ledger record rate --currency EUR --per-usd 0.905 --date 2024-01-01"
    )]
    Record(RecordCmd),
    /// Register or list donors
    #[command(
        subcommand,
        after_help = "Examples:\n  ledger donor list\n  ledger donor add GATES --name \"Bill & Melinda Gates Foundation\" --category foundation"
    )]
    Donor(DonorCmd),
    /// Register or list mandates
    #[command(
        subcommand,
        after_help = "Examples:\n  ledger mandate list\n  ledger mandate add cybercrime --name \"Global Programme on Cybercrime\" --earmarking earmarked --fund CPCJF"
    )]
    Mandate(MandateCmd),
    /// Register or list funds
    #[command(
        subcommand,
        after_help = "Examples:\n  ledger fund list\n  ledger fund add UNVTF --name \"UN Voluntary Trust Fund for Victims of Trafficking\""
    )]
    Fund(FundCmd),
    /// Register or list contribution agreements (instalments are pledges that name one)
    #[command(
        subcommand,
        after_help = "Examples:\n  ledger agreement list\n  ledger agreement add SE-2024-01 --donor SWE --mandate victim-assistance --currency SEK --signed 2024-02-01 --title \"Three-year support 2024-2026\""
    )]
    Agreement(super::agreement::AgreementCmd),
    /// Import entries from a CSV file through a mapping profile (all or nothing)
    Import(ImportArgs),
    /// Funding reports: by donor, by mandate, quarterly, donor statements
    Report(ReportArgs),
    /// Files for other systems: the CEB revenue table, an IATI 2.03 activities file
    #[command(
        subcommand,
        after_help = "Examples:\n  ledger export ceb --year 2024\n  ledger export ceb --year 2024 --government --output ceb-gov-2024.csv\n  ledger export iati --year 2024 --reporting-org XM-EXAMPLE --output unodc-2024.xml"
    )]
    Export(ExportCmd),
    /// Show entries, with filters
    Log(LogArgs),
    /// Check every byte of the hash chain; print the entry count and head hash
    Verify(VerifyArgs),
    /// Remove an uncommitted torn tail left by an interrupted write (and nothing else)
    #[command(
        after_help = "Examples:\n  ledger verify        # exit 3 and a description when the tail is torn\n  ledger repair        # prints the bytes it removed"
    )]
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

/// The reports `ledger report` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    Donors,
    Mandates,
    Funds,
    Quarterly,
    Statement,
    Agreements,
}

/// The formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    #[value(alias = "text")]
    Table,
    Csv,
    Json,
    #[value(alias = "md")]
    Markdown,
    Html,
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
    /// Value date, YYYY-MM-DD, not later than today (default: today)
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
    /// Record it although an entry of this kind, donor and reference exists (another line of the same document)
    #[arg(long)]
    pub allow_duplicate_reference: bool,
    /// text (one line) or json (the entry as recorded)
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
    #[command(
        after_help = "Examples:\n  ledger record pledge --donor Japan --mandate coordination --amount 250000 --currency USD --date 2024-07-24 --due 2025-06-30 --reference NV/2024/117\n  ledger record pledge --donor JPN --mandate coordination --amount 1000000 --currency EUR --date 2019-05-01 --opening 2024-01-01 --outstanding 400000"
    )]
    Pledge {
        #[command(flatten)]
        money: MoneyArgs,
        /// Due date, YYYY-MM-DD (may lie ahead; without one, a pledge is listed as undated once over a year old)
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
        /// The agreement this pledge is an instalment of (its code; same donor, mandate and currency)
        #[arg(long)]
        agreement: Option<String>,
    },
    /// The condition of a conditional agreement was met: its instalments count as pledged from this date
    #[command(
        after_help = "Examples:\n  ledger record condition-met --agreement US-2024-07 --date 2024-11-15 --memo \"matching funds confirmed\""
    )]
    ConditionMet {
        /// The agreement's code
        #[arg(long)]
        agreement: String,
        /// The date the condition was met, YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// What met it (free text)
        #[arg(long)]
        memo: Option<String>,
        /// text (one line) or json (the entry as recorded)
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// Money received
    #[command(
        after_help = "Examples:\n  ledger record payment --donor JPN --mandate coordination --amount 250000 --currency USD --date 2024-09-02\n  ledger record payment --donor JPN --mandate coordination --amount 100000 --currency EUR --date 2024-09-02 --pledge 3 --reference UMJ/2024/118"
    )]
    Payment {
        #[command(flatten)]
        money: MoneyArgs,
        /// The pledge this payment settles (its entry number); without it, a payment equal to what one open pledge of its donor, mandate and currency still owes settles that pledge, else the oldest first
        #[arg(long, value_parser = parse_seq)]
        pledge: Option<u64>,
    },
    /// Money returned to a donor
    #[command(
        after_help = "Examples:\n  ledger record refund --donor SWE --mandate victim-assistance --amount 1000 --currency USD --date 2024-09-25\n  ledger record refund --donor QAT --mandate un-gift --amount 2534000 --currency USD --date 2024-12-31 --prior-period"
    )]
    Refund {
        #[command(flatten)]
        money: MoneyArgs,
        /// The pledge the refunded money was paid against (its entry number)
        #[arg(long, value_parser = parse_seq)]
        pledge: Option<u64>,
    },
    /// Goods or services given instead of money, at fair value (--memo says what)
    #[command(
        after_help = "Examples:\n  ledger record in-kind --donor ITA --mandate victim-assistance --amount 45000 --currency EUR --date 2011-03-15 --memo \"shelter premises, 12 months\"\n  ledger record in-kind --donor JPN --mandate icat --amount 20000 --currency USD --date 2024-05-01 --pledge 12 --memo \"seconded expert, 3 months\""
    )]
    InKind {
        #[command(flatten)]
        money: MoneyArgs,
        /// The in-kind pledge this contribution settles (its entry number)
        #[arg(long, value_parser = parse_seq)]
        pledge: Option<u64>,
    },
    /// Part or all of an open pledge that will not be paid (needs --reason)
    #[command(
        after_help = "Examples:\n  ledger record write-off --pledge 36 --amount 33.24 --date 2011-06-30 --reason \"Controller's approval 2011/12: bank charges\"\n  ledger record write-off --pledge 3 --amount 1000 --date 2024-12-31 --reason \"Controller's approval 2024/88\""
    )]
    WriteOff(TakeArgs),
    /// The donor reduced or cancelled a pledge (needs --reason)
    #[command(
        after_help = "Examples:\n  ledger record reduction --pledge 3 --amount 50000 --date 2024-06-30 --reason \"letter of the Permanent Mission, 2024-06-12\"\n  ledger record reduction --pledge 7 --amount 20000 --reason \"note verbale 2024/201: pledge cancelled\""
    )]
    Reduction(TakeArgs),
    /// Void an earlier entry recorded in error
    #[command(
        after_help = "Examples:\n  ledger record reversal --entry 8 --reason \"wrong amount; recorded again as #10\"\n  ledger record reversal --entry '#12' --reason \"duplicate of #11\""
    )]
    Reversal {
        /// The entry to void (its number)
        #[arg(long, value_parser = parse_seq)]
        entry: u64,
        /// Why it is voided (kept with the reversal)
        #[arg(long)]
        reason: String,
        /// text (one line) or json (the entry as recorded)
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// A UN operational rate of exchange: units of a currency per 1 USD from a date
    #[command(
        after_help = "Examples:\n  ledger record rate --currency EUR --per-usd 0.905 --date 2024-01-01\n  ledger record rate --currency JPY --per-usd 141.2 --date 2024-02-01"
    )]
    Rate {
        /// ISO 4217 currency code
        #[arg(long)]
        currency: String,
        /// Units of the currency per 1 USD, e.g. 0.905
        #[arg(long, allow_hyphen_values = true)]
        per_usd: String,
        /// The first day it applies, YYYY-MM-DD (rates are monthly: the first of the month; at most a month ahead)
        #[arg(long)]
        date: String,
        /// text (one line) or json (the entry as recorded)
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
    /// Amount in the pledge's currency, at most what it has outstanding
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Currency (default: the pledge's; must be the pledge's)
    #[arg(long)]
    pub currency: Option<String>,
    /// YYYY-MM-DD, not later than today (default: today)
    #[arg(long)]
    pub date: Option<String>,
    /// The authority for a write-off, the donor's notice for a reduction (required)
    #[arg(long, visible_alias = "memo")]
    pub reason: Option<String>,
    /// Approval or note verbale reference
    #[arg(long)]
    pub reference: Option<String>,
    /// Refused: only a refund can be a prior-period refund
    #[arg(long, hide = true)]
    pub prior_period: bool,
    /// Record it although an entry of this kind, donor and reference exists (another line of the same document)
    #[arg(long)]
    pub allow_duplicate_reference: bool,
    /// text (one line) or json (the entry as recorded)
    #[arg(long, value_enum, default_value = "text")]
    pub format: RecordFormat,
}

#[derive(Debug, Subcommand)]
pub enum DonorCmd {
    /// Register a donor
    #[command(
        after_help = "Examples:\n  ledger donor add GATES --name \"Bill & Melinda Gates Foundation\" --category foundation\n  ledger donor add EU --name \"European Union\" --category intergovernmental --alias \"European Commission\""
    )]
    Add {
        /// The donor's code (letters, digits, hyphens), e.g. GATES
        code: String,
        /// The donor's name as reports show it
        #[arg(long)]
        name: String,
        /// member-state, observer-state, other-government, intergovernmental, un-entity, pooled-fund, private-sector, foundation, individual
        #[arg(long)]
        category: String,
        /// Another name this donor is known by (repeatable)
        #[arg(long = "alias")]
        aliases: Vec<String>,
        /// text (one line) or json (the entry as recorded)
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
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

#[derive(Debug, Subcommand)]
pub enum MandateCmd {
    /// Register a mandate
    #[command(
        after_help = "Examples:\n  ledger mandate add cybercrime --name \"Global Programme on Cybercrime\" --earmarking earmarked --fund CPCJF\n  ledger mandate add gp-2025 --name \"General-purpose 2025\" --earmarking unearmarked --fund CPCJF"
    )]
    Add {
        /// The mandate's slug (lower case, digits, hyphens), e.g. cybercrime
        slug: String,
        /// The mandate's name as reports show it
        #[arg(long)]
        name: String,
        /// unearmarked, softly-earmarked, earmarked, tightly-earmarked
        #[arg(long)]
        earmarking: String,
        /// The fund it belongs to (required): a fund code or name, see `ledger fund list`
        #[arg(long)]
        fund: Option<String>,
        /// text (one line) or json (the entry as recorded)
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// List every known mandate
    #[command(after_help = "Examples:\n  ledger mandate list\n  ledger mandate list --format json")]
    List {
        /// table, json or csv
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum FundCmd {
    /// Register a fund
    #[command(
        after_help = "Examples:\n  ledger fund add UNVTF --name \"UN Voluntary Trust Fund for Victims of Trafficking\"\n  ledger fund add UNVTF --name \"UN Voluntary Trust Fund for Victims of Trafficking\" --format json"
    )]
    Add {
        /// The fund's code (capitals, digits, hyphens), e.g. UNVTF
        code: String,
        /// The fund's name as reports show it
        #[arg(long)]
        name: String,
        /// text (one line) or json (the entry as recorded)
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// List every known fund
    #[command(after_help = "Examples:\n  ledger fund list\n  ledger fund list --format json")]
    List {
        /// table, json or csv
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
    },
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ledger import tests/fixtures/import/umoja-receipts-2024-q3.csv --profile umoja-receipts --dry-run\n  ledger import tests/fixtures/import/canonical-example.csv\n  ledger import tests/fixtures/import/rates-example.csv --profile rates"
)]
pub struct ImportArgs {
    /// The CSV file
    pub file: PathBuf,
    /// A built-in profile (canonical, rates), a profile in ledgers/profiles, or a TOML file path
    #[arg(long, default_value = "canonical")]
    pub profile: String,
    /// Show what would be recorded; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Output format of the dry run listing: table, json or csv
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutFormat,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Outstanding is contributions receivable: what pledges still owe. Unpledged is a receipt applied to no pledge.\n--to is the balance date; --as-of is a cut-off on when entries were recorded (a report as it stood then), not a balance date.\n\nExamples:\n  ledger report quarterly --year 2009 --quarter 3\n  ledger report statement --donor Japan --format csv --table reconciliation\n  ledger report donors --from 2009-01-01 --to 2009-09-30 --as-of 2009-10-15"
)]
pub struct ReportArgs {
    /// donors, mandates, funds, quarterly, statement or agreements
    #[arg(value_enum, ignore_case = true)]
    pub kind: ReportKind,
    /// Calendar year of the period (1945-2199); with --quarter, one quarter of it
    #[arg(long)]
    pub year: Option<i32>,
    /// Quarter of --year (1-4); the quarterly report needs both
    #[arg(long)]
    pub quarter: Option<u32>,
    /// First value date of the period, YYYY-MM-DD (default: the first in the ledger)
    #[arg(long)]
    pub from: Option<String>,
    /// Last value date of the period, YYYY-MM-DD, inclusive: the balance date (default: the last in the ledger)
    #[arg(long)]
    pub to: Option<String>,
    /// Cut-off on when entries were RECORDED, not a balance date (that is --to): only entries recorded up to then, a date (end of that day, UTC) or an RFC 3339 timestamp, to reproduce a report as it stood
    #[arg(long)]
    pub as_of: Option<String>,
    /// One donor only (code, UN name, ISO name or alias); required by statement
    #[arg(long)]
    pub donor: Option<String>,
    /// table (default), csv, json, markdown or html
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<ReportFormat>,
    /// One table only, for csv (default: the main one), table and markdown (not json or html). quarterly: totals, gp-sp, by-donor, by-mandate, largest-donors, largest-donors-pledged, overdue, ageing, small-balances, exchange-differences, quarters, rates; statement: lines, settlements, totals, reconciliation, balances, schedule (with agreements); agreements: agreements, schedule; donors: donors (with --by category: categories); mandates: mandates
    #[arg(long)]
    pub table: Option<String>,
    /// Overdue balances at or below this many USD (at the closing rate) are listed apart as small balances, likely bank charges (default 100; 0 lists none apart)
    #[arg(long, value_name = "USD", allow_hyphen_values = true)]
    pub tolerance: Option<String>,
    /// Fail instead of warning when a figure uses a rate more than 31 days older than its date
    #[arg(long)]
    pub strict_rates: bool,
    /// Write to this file instead of standard output (never the ledger or its index)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Replace the --output file if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Only the entries of this fund's mandates (a fund code or name)
    #[arg(long)]
    pub fund: Option<String>,
    /// Only the entries of donors of this category: member-state, observer-state, other-government, intergovernmental, un-entity, pooled-fund, private-sector, foundation, individual
    #[arg(long)]
    pub category: Option<String>,
    /// donors only: one row per donor category (with its contributor type) instead of per donor
    #[arg(long, value_name = "category")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ledger log --donor Japan --from 2009-01-01 --to 2009-12-31\n  ledger log --kind payment --kind refund --format csv\n  ledger log --as-of 2009-10-15"
)]
pub struct LogArgs {
    /// Only this donor's entries (code, UN name, ISO name or alias)
    #[arg(long)]
    pub donor: Option<String>,
    /// Only this mandate's entries (slug or name)
    #[arg(long)]
    pub mandate: Option<String>,
    /// pledge, payment, refund, write-off, reduction, reversal, rate, donor, mandate, fund, in-kind, agreement, condition-met (repeatable)
    #[arg(long)]
    pub kind: Vec<String>,
    /// Value dates from (YYYY-MM-DD)
    #[arg(long)]
    pub from: Option<String>,
    /// Value dates to (YYYY-MM-DD, inclusive)
    #[arg(long)]
    pub to: Option<String>,
    /// Cut-off on when entries were RECORDED (not a value date): a date (end of that day, UTC) or an RFC 3339 timestamp
    #[arg(long)]
    pub as_of: Option<String>,
    /// table, json or csv
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutFormat,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ledger verify\n  ledger verify --head 0f19e5098e8be1b19df6280fbd972ff15ca97f4f307f0d5d000179978bb74367\n  ledger verify --rules"
)]
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
        Command::Agreement(cmd) => super::agreement::run(ctx, out, cmd),
        Command::Import(args) => super::import::run(ctx, out, args),
        Command::Report(args) => super::report::run(ctx, out, args),
        Command::Log(args) => super::log::run(ctx, out, args),
        Command::Export(cmd) => super::export::run(cmd, ctx, out),
        Command::Verify(args) => super::verify::verify(ctx, out, args),
        Command::Repair => super::verify::repair(ctx, out),
        Command::Completions { shell } => super::help::completions(shell, out),
        Command::Man => super::help::man(out),
    }
}
