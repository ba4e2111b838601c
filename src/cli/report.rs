//! `ledger report donors|mandates|funds|quarterly|statement`: checks the flags, reads the
//! ledger (up to `--as-of`), folds and settles it, asks `report` for the figures and
//! `render` for the bytes, and writes them to stdout or `--output`.
//!
//! Examples:
//!   ledger report donors --year 2009
//!   ledger report quarterly --year 2009 --quarter 3 --format html --output q3.html
//!   ledger report quarterly --year 2009 --quarter 3 --as-of 2009-10-15
//!   ledger report statement --donor Japan

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};

use super::{Context, Failure};
use crate::domain::Book;
use crate::domain::register::DonorCategory;
use crate::domain::settlement;
use crate::domain::time;
use crate::journal;
use crate::render::{self, Format, Report, TABLES};
use crate::report::{self, LedgerHead, PeriodSpec, Source, quarterly};

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

#[derive(Debug, Args)]
#[command(
    after_help = "Outstanding is contributions receivable: what pledges still owe. Unpledged is a receipt applied to no pledge.\n--to is the balance date; --as-of is a cut-off on when entries were recorded (a report as it stood then), not a balance date.\n\nExamples:\n  ledger report quarterly --year 2009 --quarter 3\n  ledger report statement --donor Japan --format csv --table reconciliation\n  ledger report donors --from 2009-01-01 --to 2009-09-30 --as-of 2009-10-15"
)]
pub struct ReportArgs {
    /// donors, mandates, funds, quarterly, statement or agreements
    #[arg(value_enum, ignore_case = true)]
    pub kind: ReportKind,
    /// Calendar year of the period (1945-2199); with --quarter, one quarter of it
    #[arg(long, value_parser = clap::value_parser!(i32).range(1945..=2199), conflicts_with_all = ["from", "to"])]
    pub year: Option<i32>,
    /// Quarter of --year (1-4); the quarterly report needs both
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4), requires = "year", conflicts_with_all = ["from", "to"])]
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
    #[command(flatten)]
    pub output: OutputArgs,
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

/// `--output` and `--force`: where a report's bytes go.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write to this file instead of standard output (never the ledger or its index)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Replace the --output file if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
}

impl OutputArgs {
    /// Refuses an `--output` file the report may not be written to, before any work.
    pub(super) fn check(&self, ctx: &Context) -> Result<(), Failure> {
        match &self.output {
            Some(path) => super::output::check(path, &ctx.ledger, self.force),
            None => Ok(()),
        }
    }

    /// Writes the report's bytes to the `--output` file, or else to `out`.
    pub(super) fn write(&self, out: &mut dyn Write, bytes: &[u8]) -> Result<(), Failure> {
        self.write_with(out, |w| w.write_all(bytes))
    }

    /// Writes what `write` writes (a renderer, streaming) to the `--output` file,
    /// which takes its place only once whole, or else to `out`.
    pub(super) fn write_with(
        &self,
        out: &mut dyn Write,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Failure> {
        match &self.output {
            Some(path) => super::output::write_with(path, write)?,
            None => super::output::stream(out, write)?,
        }
        Ok(())
    }
}

/// A value date flag (`--from`, `--to`; `name` without its dashes), when given.
pub(super) fn date_flag(text: Option<&str>, name: &str) -> Result<Option<NaiveDate>, Failure> {
    text.map(|d| time::parse_date(d).map_err(|m| Failure::usage(format!("--{name}: {m}"))))
        .transpose()
}

/// `--as-of`, when given: a cut-off on when entries were recorded.
pub(super) fn as_of_flag(text: Option<&str>) -> Result<Option<DateTime<Utc>>, Failure> {
    text.map(|t| time::parse_as_of(t).map_err(|m| Failure::usage(format!("--as-of: {m}"))))
        .transpose()
}

/// The ledger head a report names: the entries read and the last one's hash.
pub(super) fn ledger_head(scan: &journal::Scan) -> LedgerHead {
    LedgerHead {
        entries: scan.head.entries,
        head: scan.head.hash.clone(),
    }
}

/// The flags, checked before the ledger is read.
pub(super) struct Checked {
    pub(super) kind: ReportKind,
    pub(super) period: PeriodSpec,
    pub(super) until: Option<DateTime<Utc>>,
    format: Format,
    table: Option<String>,
    pub(super) tolerance: rust_decimal::Decimal,
    pub(super) by_category: bool,
}

fn check(args: &ReportArgs) -> Result<Checked, Failure> {
    let kind = args.kind;
    let from = date_flag(args.from.as_deref(), "from")?;
    let to = date_flag(args.to.as_deref(), "to")?;
    // clap refuses a year or quarter out of range, --quarter without --year, and
    // --year with --from or --to.
    let period = match (args.year, args.quarter) {
        (Some(y), Some(q)) => PeriodSpec::Quarter(y, q),
        (Some(y), None) => PeriodSpec::Year(y),
        (None, _) if from.is_none() && to.is_none() => PeriodSpec::Whole,
        (None, _) => PeriodSpec::Range(from, to),
    };
    if kind == ReportKind::Quarterly
        && !matches!(period, PeriodSpec::Quarter(..) | PeriodSpec::Whole)
    {
        return Err(Failure::usage(
            "the quarterly report needs --year and --quarter (e.g. --year 2009 --quarter 3)",
        ));
    }
    if kind == ReportKind::Statement && args.donor.as_deref().is_none_or(|d| d.trim().is_empty()) {
        return Err(Failure::usage(
            "the statement report needs --donor (a code, UN name, ISO name or alias)",
        ));
    }
    let by_category = match args.by.as_deref().map(|b| b.trim().to_ascii_lowercase()) {
        None => false,
        Some(b) if b == "category" && kind == ReportKind::Donors => true,
        Some(b) if b == "category" => {
            return Err(Failure::usage(
                "--by category groups the donors report; use `report donors --by category`",
            ));
        }
        Some(b) => {
            return Err(Failure::usage(format!(
                "--by: {b:?} is not a grouping; use --by category"
            )));
        }
    };
    let format = match args.format.unwrap_or(ReportFormat::Table) {
        ReportFormat::Table => Format::Table,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Json => Format::Json,
        ReportFormat::Markdown => Format::Markdown,
        ReportFormat::Html => Format::Html,
    };
    if let Some(t) = &args.table {
        if matches!(format, Format::Json | Format::Html) {
            return Err(Failure::usage(
                "--table picks one table for csv, table or markdown; json and html hold every table",
            ));
        }
        if !TABLES.contains(&t.as_str()) {
            return Err(Failure::usage(format!(
                "--table: unknown table {t:?}; use one of {}",
                TABLES.join(", ")
            )));
        }
    }
    let until = as_of_flag(args.as_of.as_deref())?;
    let tolerance = match args.tolerance.as_deref() {
        None => report::overdue::DEFAULT_TOLERANCE,
        Some(text) => crate::domain::currency::parse_decimal(text)
            .and_then(|v| crate::domain::currency::Currency::USD.exact(v))
            .ok()
            .filter(|v| !v.is_sign_negative())
            .ok_or_else(|| {
                Failure::usage(format!(
                    "--tolerance: {text:?} is not an amount in USD (e.g. 100 or 25.50; 0 lists no small balances apart)"
                ))
            })?,
    };
    Ok(Checked {
        kind,
        period,
        until,
        format,
        table: args.table.clone(),
        tolerance,
        by_category,
    })
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: ReportArgs) -> Result<(), Failure> {
    let c = check(&args)?;
    args.output.check(ctx)?;
    // Stream the journal into the book; keep only reversals, and only for a
    // statement (it lists those of the entries it holds): memory grows with
    // pledges and payments, not with every entry read.
    let mut book = Book::new();
    let mut entries = Vec::new();
    let statement = c.kind == ReportKind::Statement;
    // A report of one donor, fund or category is over a book of those entries alone.
    let filtered = args.donor.is_some() || args.fund.is_some() || args.category.is_some();
    // A filtered report reads the journal once, keeping its entries as they come
    // (`KeptAsRead`), and again only if a registration further on changed what it
    // keeps of a donor and mandate already met (which the rules refuse). A donor
    // the built-in register knows (a country's code or name, the EU's) is kept by
    // its code on the decoding thread already; anything else (a registered donor,
    // a fund, a category) is handed over whole and decided as the registrations
    // stand.
    let mut kept = KeptAsRead::new(&args);
    let by_code = match (&args.donor, &kept.now) {
        (Some(_), Some(keep)) => keep.donor.clone(),
        _ => None,
    };
    // A report of the whole ledger, a fund or a donor category (any but a
    // statement) keeps its book only while the money entries it holds fit the
    // budget; past it, the book is let go and the report is made group by group
    // from what the read kept (`groups`).
    let share = args.fund.is_some() || args.category.is_some();
    let groupable = args.donor.is_none()
        && match c.kind {
            ReportKind::Donors
            | ReportKind::Mandates
            | ReportKind::Funds
            | ReportKind::Quarterly
            | ReportKind::Agreements => true,
            ReportKind::Statement => false,
        };
    let budget = super::groups::budget()?;
    // A ledger too small to hold more money entries than the budget is read
    // whole without numbering owners.
    let groupable =
        groupable && journal::most_entries(&ctx.ledger).is_none_or(|most| most > budget);
    let mut lean = groupable.then(|| match share {
        true => super::groups::Lean::of_a_share(),
        false => super::groups::Lean::default(),
    });
    let mut whole = true;
    // The money entries a report of a share keeps.
    let mut held: u64 = 0;
    // No report but a statement prints an entry's reference or memo: a whole-ledger
    // read takes figures only.
    let visit = |e: crate::domain::Entry, hash: &journal::LineHash| {
        let listed = |r: &crate::domain::entry::Reversal| book.kind_of(r.entry).is_some();
        if statement && matches!(&e.body, crate::domain::Body::Reversal(r) if listed(r)) {
            entries.push(e.clone());
        }
        if let Some(lean) = lean.as_mut() {
            lean.see(&e, hash);
        }
        if !whole {
            return;
        }
        if !filtered {
            if lean.as_ref().is_some_and(|lean| lean.money > budget) {
                book = Book::new();
                whole = false;
            } else {
                book.apply(e);
            }
        } else if e.body.is_registration() {
            book.apply(e);
            kept.registered(&book.register);
        } else if kept.keeps(&book, &e) {
            held += u64::from(e.body.kind().is_money());
            if lean.is_some() && held > budget {
                book = Book::new();
                whole = false;
            } else {
                book.apply(e);
            }
        }
    };
    let scan = match (filtered, &by_code) {
        (true, Some(code)) => {
            let wanted = |g: journal::Glance, _: &str| g.party.is_none_or(|(d, _)| d == code);
            journal::scan_some(&ctx.ledger, c.until, statement, &wanted, 0, visit)?
        }
        (true, None) => {
            let wanted = |_: journal::Glance, _: &str| true;
            journal::scan_some(&ctx.ledger, c.until, statement, &wanted, 0, visit)?
        }
        (false, _) => journal::scan_figures(&ctx.ledger, c.until, visit)?,
    };
    super::warn_if_torn(ctx, &scan);
    if !whole {
        if lean.as_ref().is_some_and(|lean| !lean.groupable()) {
            super::groups::say_too_many(budget);
        }
        match lean {
            Some(lean) if lean.groupable() => {
                let report = super::groups::report(ctx, &args, &c, lean, budget, &scan)?;
                return finish(out, &args, &c, &report);
            }
            // More owners than a group can number: a share's book is read below,
            // by the register the first read kept.
            Some(lean) if filtered => {
                book = lean.into_base();
                kept.spoilt();
            }
            // The whole book after all.
            _ => {
                let n = scan.head.entries;
                journal::scan_figures(&ctx.ledger, c.until, |e, _| {
                    if e.seq <= n {
                        book.apply(e);
                    }
                })?;
            }
        }
    }
    // `--donor`, `--fund`, `--category`: the report over those entries alone (with
    // every rate and registration), read again into a book of its own unless the
    // read above kept them. A statement is built the same way, so its default
    // period is the donor's own span, as for the others.
    let (keep, only_donor, scope) = keep_of(&book.register, &args)?;
    // Kept by code on the decoding thread, another donor's entries were never met:
    // the name must still mean that donor.
    let read_at_once = kept.holds(&keep) && by_code.is_none_or(|code| keep.donor == Some(code));
    if filtered && !read_at_once {
        (book, entries) = filtered_book(ctx, c.until, &keep, statement, scan.head.entries)?;
    }
    // Only a statement shows what each payment settled.
    let settled = if statement {
        settlement::settle(&book)
    } else {
        settlement::settle_pledges(&book)
    }
    .map_err(missing_rates)?;
    let src = Source {
        book: &book,
        settlement: &settled,
        entries: &entries,
        ledger: ledger_head(&scan),
        as_of: c.until.map(time::format_timestamp),
        only_donor,
        tolerance: report::Usd(c.tolerance),
        strict_rates: args.strict_rates,
        scope,
    };
    let fail = |e: report::ReportError| failure(e, &src);
    let report = match c.kind {
        ReportKind::Donors if c.by_category => Report::Categories(
            report::categories::by_category(&src, src.period(c.period).map_err(fail)?)
                .map_err(fail)?,
        ),
        ReportKind::Donors => {
            Report::Donors(report::donors(&src, src.period(c.period).map_err(fail)?).map_err(fail)?)
        }
        ReportKind::Mandates => Report::Mandates(
            report::mandates(&src, src.period(c.period).map_err(fail)?).map_err(fail)?,
        ),
        ReportKind::Funds => Report::Funds(
            report::funds::funds(&src, src.period(c.period).map_err(fail)?).map_err(fail)?,
        ),
        ReportKind::Quarterly => {
            let (y, q) = match c.period {
                PeriodSpec::Quarter(y, q) => (y, q),
                // No period: the quarter of the ledger's last value date.
                _ => quarterly::quarter_of(src.period(PeriodSpec::Whole).map_err(fail)?.to),
            };
            Report::Quarterly(Box::new(quarterly::quarterly(&src, y, q).map_err(fail)?))
        }
        ReportKind::Agreements => Report::Agreements(
            report::agreements::agreements(&src, src.period(c.period).map_err(fail)?)
                .map_err(fail)?,
        ),
        ReportKind::Statement => {
            let donor = args.donor.as_deref().unwrap_or_default();
            let period = src.period(c.period).map_err(fail)?;
            Report::Statement(report::statement::statement(&src, donor, period).map_err(fail)?)
        }
    };
    let written = finish(out, &args, &c, &report);
    // The command ends here and the process with it, which returns the memory at
    // once: freeing a large ledger's book, settlement and report one allocation at a
    // time would cost a share of the command (as for the writers).
    std::mem::forget((report, settled, book, entries));
    written
}

/// The failure for a report that could not be made from `src`; with no period to
/// report on, it says whose entries there are none of.
pub(super) fn failure(e: report::ReportError, src: &report::Source) -> Failure {
    let report::ReportError::Empty(when) = e else {
        return Failure::failed(format!("{e}"));
    };
    let (whose, of) = match (&src.only_donor, &src.scope.fund, &src.scope.category) {
        // With --donor the book holds one donor's entries.
        (Some(code), ..) => (code.as_str(), String::new()),
        (None, None, None) => ("the ledger", String::new()),
        (None, Some(f), None) => ("the ledger", format!(" of fund {f}")),
        (None, None, Some(c)) => ("the ledger", format!(" of {c} donors")),
        (None, Some(f), Some(c)) => ("the ledger", format!(" of {c} donors to fund {f}")),
    };
    Failure::failed(format!(
        "{whose} has no pledges, payments, refunds or write-offs{of}{when}, so there is no period to report on; give --year or --from/--to [empty-ledger]"
    ))
}

/// Checks `--table` against the report made, and writes it.
fn finish(
    out: &mut dyn Write,
    args: &ReportArgs,
    c: &Checked,
    report: &Report,
) -> Result<(), Failure> {
    if let Some(t) = &c.table
        && !render::table_keys(report).contains(&t.as_str())
    {
        return Err(Failure::usage(format!(
            "--table: this report has no table {t:?}; it has {}",
            render::table_keys(report).join(", ")
        )));
    }
    if c.format == Format::Csv {
        // A CSV file holds one table and nothing else: its warnings go beside it.
        for w in render::warnings(report) {
            eprintln!("warning: {w}");
        }
    }
    // Streamed as it is drawn: a report of a large ledger (a statement, the
    // quarterly report's lists) is never held a second time as its bytes.
    args.output.write_with(out, |w| {
        render::render(report, c.format, c.table.as_deref(), w)?;
        // A list kept on disk that could not be read back: what was written is
        // not the whole report (and an --output file is not made).
        match report {
            Report::Quarterly(q) => q
                .failure()
                .map_or(Ok(()), |e| Err(std::io::Error::other(e))),
            _ => Ok(()),
        }
    })
}

/// What `--donor`, `--fund` and `--category` keep by `register`, the donor's code,
/// and the report's scope; a failure for a name the register does not know.
pub(super) fn keep_of(
    register: &crate::domain::register::Register,
    args: &ReportArgs,
) -> Result<(Keep, Option<String>, report::Scope), Failure> {
    let only_donor = match args.donor.as_deref() {
        Some(d) => Some(
            register
                .resolve_donor(d)
                .map(|d| d.code.clone())
                .map_err(|u| Failure::failed(format!("--donor: {u} [unknown-donor]")))?,
        ),
        _ => None,
    };
    let mut scope = report::Scope::default();
    let mut keep = Keep {
        donor: only_donor.clone(),
        mandates: None,
        donors: None,
    };
    if let Some(f) = args.fund.as_deref() {
        let fund = register.resolve_fund(f).map_err(|u| {
            Failure::failed(format!(
                "--fund: unknown fund {}; use one of {} [unknown-fund]",
                crate::domain::problem::shown(&u.text),
                u.suggestions.join(", ")
            ))
        })?;
        keep.mandates = Some(
            register
                .mandates()
                .filter(|m| register.fund_of(m).code == fund.code)
                .map(|m| m.slug.clone())
                .collect(),
        );
        scope.fund = Some(fund.code.clone());
    }
    if let Some(text) = args.category.as_deref() {
        let category = DonorCategory::parse(text).ok_or_else(|| {
            Failure::failed(format!(
                "--category: unknown category {}; use one of {} [unknown-category]",
                crate::domain::problem::shown(text),
                DonorCategory::ALL.map(DonorCategory::as_str).join(", ")
            ))
        })?;
        keep.donors = Some(
            register
                .donors()
                .filter(|d| d.category == category)
                .map(|d| d.code.clone())
                .collect(),
        );
        scope.category = Some(category.as_str().to_string());
    }
    Ok((keep, only_donor, scope))
}

/// What a filtered report keeps, decided as the journal is read: each (donor,
/// mandate) pair once, the first time it is met, by the register as it stands
/// then; every later entry of the pair follows that decision. The book so kept is
/// the one `filtered_book` makes by the whole register exactly when each decision
/// agrees with the whole register's (`holds`): a pledge, payment or other
/// entry naming its donor and mandate is kept by its pair's decision, a write-off
/// by its pledge's, and everything else always. The rules make this the usual
/// case: a donor or mandate is registered (with its category or fund) before any
/// entry names it.
struct KeptAsRead<'a> {
    args: &'a ReportArgs,
    /// What the register as it stands keeps; none while it does not know a name
    /// given (a fund registered further on).
    now: Option<Keep>,
    met: std::collections::HashMap<String, std::collections::HashMap<String, bool>>,
    /// What was kept was let go (a share past the budget): read again.
    spoilt: bool,
}

impl<'a> KeptAsRead<'a> {
    fn new(args: &'a ReportArgs) -> KeptAsRead<'a> {
        KeptAsRead {
            args,
            now: keep_of(&Book::new().register, args)
                .ok()
                .map(|(keep, ..)| keep),
            met: std::collections::HashMap::new(),
            spoilt: false,
        }
    }

    /// Whether `book`, holding what was kept so far, takes `e`.
    fn keeps(&mut self, book: &Book, e: &crate::domain::Entry) -> bool {
        let (met, now) = (&mut self.met, &self.now);
        crate::domain::book::takes(book, e, |donor, mandate| {
            if let Some(&kept) = met.get(donor).and_then(|m| m.get(mandate)) {
                return kept;
            }
            let kept = now.as_ref().is_some_and(|k| k.keeps(donor, mandate));
            met.entry(donor.to_string())
                .or_default()
                .insert(mandate.to_string(), kept);
            kept
        })
    }

    /// A registration was applied to `register`: pairs met from now on are
    /// decided by it.
    fn registered(&mut self, register: &crate::domain::register::Register) {
        self.now = keep_of(register, self.args).ok().map(|(keep, ..)| keep);
    }

    /// Whether what was kept is what `keep`, by the whole register, keeps.
    fn holds(&self, keep: &Keep) -> bool {
        !self.spoilt
            && self
                .met
                .iter()
                .all(|(d, ms)| ms.iter().all(|(m, &kept)| keep.keeps(d, m) == kept))
    }

    /// What was kept was let go before the read ended.
    fn spoilt(&mut self) {
        self.spoilt = true;
    }
}

/// Which money entries a filtered report keeps: one donor's, those of some
/// mandates (a fund's), and those of some donors (a category's).
pub(super) struct Keep {
    donor: Option<String>,
    mandates: Option<std::collections::HashSet<String>>,
    donors: Option<std::collections::HashSet<String>>,
}

impl Keep {
    pub(super) fn keeps(&self, donor: &str, mandate: &str) -> bool {
        self.donor.as_deref().is_none_or(|d| d == donor)
            && self.mandates.as_ref().is_none_or(|m| m.contains(mandate))
            && self.donors.as_ref().is_none_or(|d| d.contains(donor))
    }

    /// Whether a read hands over a line, by its glance: every registration, rate
    /// and reversal, and what names its donor and mandate if it keeps them (a
    /// write-off names neither: it is handed over and judged by `takes`).
    fn wants(&self, g: journal::Glance) -> bool {
        g.party.is_none_or(|(d, m)| self.keeps(d, m))
    }
}

/// A book of the pledges, payments, refunds, write-offs and reductions `keep` keeps,
/// with every rate and registration and the reversals of what it holds (`takes`);
/// for a statement (`statement`), their references and memos too, and those
/// reversals again as entries, which it lists. Entries up to `decoded_to`
/// were decoded by the command's first read, and it read no further: an entry
/// appended since is left out, so the book is of the prefix whose head the report
/// prints.
fn filtered_book(
    ctx: &Context,
    until: Option<chrono::DateTime<chrono::Utc>>,
    keep: &Keep,
    statement: bool,
    decoded_to: u64,
) -> Result<(Book, Vec<crate::domain::Entry>), Failure> {
    let mut book = Book::new();
    let mut reversals = Vec::new();
    let visit = |e: crate::domain::Entry, _: &journal::LineHash| {
        if e.seq > decoded_to {
            return;
        }
        if statement
            && let crate::domain::Body::Reversal(r) = &e.body
            && book.kind_of(r.entry).is_some()
        {
            reversals.push(e.clone());
        }
        if crate::domain::book::takes(&book, &e, |d, m| keep.keeps(d, m)) {
            book.apply(e);
        }
    };
    // Another donor's pledges and payments, which the first read decoded, are not
    // decoded again.
    let wanted = |g: journal::Glance, _: &str| keep.wants(g);
    journal::scan_some(&ctx.ledger, until, statement, &wanted, decoded_to, visit)?;
    Ok((book, reversals))
}

/// The failure for rates settlement needed and did not find: every currency and
/// month in one message, each with the command that records it.
pub(super) fn missing_rates(missing: Vec<crate::domain::rates::MissingRate>) -> Failure {
    let first_of_month = |d: chrono::NaiveDate| chrono::Datelike::with_day(&d, 1).unwrap_or(d);
    let all = report::MissingRates(
        missing
            .iter()
            .map(|m| (m.currency, first_of_month(m.date), m.date))
            .collect(),
    );
    Failure::failed(format!("{all} [{}]", crate::domain::Code::MissingRate))
}
