//! The top of the command-line grammar (`Cli`, `Command`), the output format the
//! listings share (`OutFormat`), and dispatch to the subcommands. Each command's own
//! arguments live in its file, beside its `run`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use super::agreement::AgreementCmd;
use super::export::ExportCmd;
use super::import::ImportArgs;
use super::log::LogArgs;
use super::record::RecordCmd;
use super::registers::{DonorCmd, FundCmd, MandateCmd};
use super::report::ReportArgs;
use super::verify::VerifyArgs;
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
    Agreement(AgreementCmd),
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
    /// Record a checkpoint, so that `record` reads its donor's entries and not the whole ledger
    #[command(
        long_about = "Record a checkpoint: an entry that sums up, donor by donor, every entry before it (a count and a SHA-256 of their hashes), with a file beside the ledger (<ledger>.checkpoint) saying where each donor's entries are. `record` then reads the checkpoint, its donor's entries before it (checked against it) and every entry after it, not the whole ledger. `verify` checks every checkpoint. Run it after a large import or at a period's close.",
        after_help = "Examples:\n  ledger checkpoint\n  ledger import gifts-2025.csv --profile ceb && ledger checkpoint"
    )]
    Checkpoint,
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

/// The formats of the listings (`log`, `import --dry-run`, the registers' `list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    Table,
    Json,
    Csv,
}

/// Runs one command. Every command's function takes the context, the output and its
/// own arguments: `run(ctx, out, args)`.
pub fn dispatch(command: Command, ctx: &Context, out: &mut dyn Write) -> Result<(), Failure> {
    match command {
        Command::Init => super::record::init(ctx, out),
        Command::Record(cmd) => super::record::run(ctx, out, cmd),
        Command::Donor(cmd) => super::registers::donor(ctx, out, cmd),
        Command::Mandate(cmd) => super::registers::mandate(ctx, out, cmd),
        Command::Fund(cmd) => super::registers::fund(ctx, out, cmd),
        Command::Agreement(cmd) => super::agreement::run(ctx, out, cmd),
        Command::Import(args) => super::import::run(ctx, out, args),
        Command::Report(args) => super::report::run(ctx, out, args),
        Command::Log(args) => super::log::run(ctx, out, args),
        Command::Export(cmd) => super::export::run(ctx, out, cmd),
        Command::Verify(args) => super::verify::run(ctx, out, args),
        Command::Repair => super::verify::repair(ctx, out),
        Command::Checkpoint => super::verify::checkpoint(ctx, out),
        Command::Completions { shell } => super::help::completions(out, shell),
        Command::Man => super::help::man(out),
    }
}
