//! `ledger log`: every entry, readable, with filters; `--format json` or `csv`.
//! Streams the journal: without filters, memory does not grow with the entries. A
//! donor or mandate filter keeps each pledge's donor and mandate (for the write-offs
//! that name it) and, like a date filter, the numbers of the entries shown (for the
//! reversals that void them).
//!
//! Examples:
//!   ledger log --donor JPN --kind pledge --kind payment
//!   ledger log --from 2009-01-01 --to 2009-12-31 --format json

use std::collections::{HashMap, HashSet};
use std::io::Write;

use chrono::NaiveDate;

use clap::Args;

use super::args::OutFormat;
use super::report::{as_of_flag, date_flag};
use super::{Context, Failure};
use crate::domain::book::{Name, Names};
use crate::domain::entry::{Body, Entry, Kind, Party};
use crate::domain::register::Register;
use crate::domain::time;
use crate::journal;
use crate::render::neutralise;

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
    #[arg(long, value_parser = parse_kind)]
    pub kind: Vec<Kind>,
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

/// `--kind`: an entry kind by its name.
fn parse_kind(text: &str) -> Result<Kind, String> {
    Kind::parse(text).ok_or_else(|| {
        let all: Vec<&str> = Kind::ALL.iter().skip(1).map(|k| k.as_str()).collect();
        format!(
            "unknown kind {}; use one of {}",
            crate::domain::problem::shown(text),
            all.join(", ")
        )
    })
}

/// One line a person reads: what the entry records.
pub fn describe(e: &Entry) -> String {
    match &e.body {
        Body::Ledger(h) => format!("ledger header {} v{}", h.format, h.version),
        Body::Checkpoint(c) => format!(
            "checkpoint of {} in {}",
            crate::domain::words::count(
                c.shares.iter().map(|s| s.entries).sum(),
                "entry",
                "entries"
            ),
            crate::domain::words::count(c.shares.len() as u64, "share", "shares"),
        ),
        Body::Pledge(p) => {
            let mut s = format!(
                "pledge {} {} {} {} {}",
                p.money.donor,
                p.money.mandate,
                p.money.currency.format_grouped(p.money.amount),
                p.money.currency,
                p.money.date
            );
            if let Some(d) = p.due {
                s.push_str(&format!(" due {d}"));
            }
            if p.in_kind {
                s.push_str(" in kind");
            }
            if let Some(a) = &p.agreement {
                s.push_str(&format!(" agreement {a}"));
            }
            if let (Some(d), Some(a)) = (p.opening, p.outstanding) {
                s.push_str(&format!(
                    ", opening {d} with {} outstanding",
                    p.money.currency.format_grouped(a)
                ));
            }
            s
        }
        Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => {
            let mut s = format!(
                "{} {} {} {} {} {}",
                e.body.kind().as_str(),
                p.money.donor,
                p.money.mandate,
                p.money.currency.format_grouped(p.money.amount),
                p.money.currency,
                p.money.date
            );
            if let Some(n) = p.pledge {
                s.push_str(&format!(" pledge #{n}"));
            }
            if p.prior_period {
                s.push_str(" (prior period)");
            }
            s
        }
        Body::WriteOff(w) | Body::Reduction(w) => format!(
            "{} pledge #{} {} {} {}",
            e.body.kind().as_str(),
            w.pledge,
            w.currency.format_grouped(w.amount),
            w.currency,
            w.date
        ),
        Body::Reversal(r) => format!("reversal of #{}: {}", r.entry, r.reason),
        Body::Rate(r) => format!("rate {} {} per USD from {}", r.currency, r.per_usd, r.date),
        Body::Donor(d) => format!("donor {} {:?} ({})", d.code, d.name, d.category.as_str()),
        Body::Mandate(m) => format!(
            "mandate {} {:?} ({})",
            m.slug,
            m.name,
            m.earmarking.as_str()
        ),
        Body::Fund(f) => format!("fund {} {:?}", f.code, f.name),
        Body::Agreement(a) => format!(
            "agreement {} {} {} {} signed {} {:?}{}",
            a.code,
            a.donor,
            a.mandate,
            a.currency,
            a.signed,
            a.title,
            if a.conditional { " (conditional)" } else { "" }
        ),
        Body::ConditionMet(c) => {
            format!("condition met for agreement {} on {}", c.agreement, c.date)
        }
    }
}

struct Filter {
    donor: Option<String>,
    mandate: Option<String>,
    kinds: Vec<Kind>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

impl Filter {
    /// True when the filter picks entries by donor, mandate or date (not just kind).
    fn scoped(&self) -> bool {
        self.donor.is_some() || self.mandate.is_some() || self.from.is_some() || self.to.is_some()
    }

    fn keeps(
        &self,
        e: &Entry,
        pledge_donor: &HashMap<u64, (Name, Name)>,
        shown: &HashSet<u64>,
    ) -> bool {
        if !self.kinds.is_empty() && !self.kinds.contains(&e.body.kind()) {
            return false;
        }
        // A reversal goes with the entry it voids: shown when that entry was.
        if let Body::Reversal(r) = &e.body
            && (self.donor.is_some()
                || self.mandate.is_some()
                || self.from.is_some()
                || self.to.is_some())
        {
            return shown.contains(&r.entry);
        }
        // A registration is found by the code it registers, an agreement by its
        // donor and mandate (it moves no money, but they are its parties).
        let (donor, mandate) = match (&e.body, e.body.party()) {
            (Body::Donor(d), _) => (Some(d.code.as_str()), None),
            (Body::Mandate(m), _) => (None, Some(m.slug.as_str())),
            (Body::Agreement(a), _) => (Some(a.donor.as_str()), Some(a.mandate.as_str())),
            (_, Party::Own { donor, mandate }) => (Some(donor), Some(mandate)),
            (_, Party::OfPledge(n)) => pledge_donor
                .get(&n)
                .map(|(d, m)| (Some(&**d), Some(&**m)))
                .unwrap_or((None, None)),
            (_, Party::None) => (None, None),
        };
        if self
            .donor
            .as_deref()
            .is_some_and(|want| donor != Some(want))
        {
            return false;
        }
        if self
            .mandate
            .as_deref()
            .is_some_and(|want| mandate != Some(want))
        {
            return false;
        }
        if self.from.is_some() || self.to.is_some() {
            let Some(d) = e.body.date() else { return false };
            if self.from.is_some_and(|f| d < f) || self.to.is_some_and(|t| d > t) {
                return false;
            }
        }
        true
    }
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: LogArgs) -> Result<(), Failure> {
    let kinds = args.kind;
    let until = as_of_flag(args.as_of.as_deref())?;
    // Donor and mandate filters accept names and aliases too. They are resolved
    // against the register as the scan builds it, so a donor registered in this
    // ledger (and its aliases) can be named as well as a built-in one.
    let mut register = Register::builtin();
    let mut filter = Filter {
        donor: None,
        mandate: None,
        kinds,
        from: date_flag(args.from.as_deref(), "from")?,
        to: date_flag(args.to.as_deref(), "to")?,
    };
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && from > to
    {
        return Err(Failure::failed(format!(
            "--from: {from} is after --to {to}; nothing could match [bad-period]"
        )));
    }
    let resolve = |register: &Register, filter: &mut Filter| {
        filter.donor = args.donor.as_deref().map(|d| {
            register
                .resolve_donor(d)
                .map(|d| d.code.clone())
                .unwrap_or_else(|_| Register::canonical_donor_code(d))
        });
        filter.mandate = args.mandate.as_deref().map(|m| {
            register
                .resolve_mandate(m)
                .map(|m| m.slug.clone())
                .unwrap_or_else(|_| Register::canonical_mandate_slug(m))
        });
    };
    resolve(&register, &mut filter);
    // Each pledge's donor and mandate, for the write-offs and reductions that name
    // it: kept only when a donor or mandate filter needs them, so that an unfiltered
    // log holds nothing per entry.
    let by_party = args.donor.is_some() || args.mandate.is_some();
    let mut names = Names::default();
    let mut pledge_donor: HashMap<u64, (Name, Name)> = HashMap::new();
    // Entries shown so far, so that a reversal is shown with the entry it voids.
    let mut shown: HashSet<u64> = HashSet::new();
    let mut io_error: Option<std::io::Error> = None;
    let mut first = true;
    // Buffered here: standard output flushes at every line break, a system call per
    // entry. Flushed before anything goes to standard error, and on the way out of
    // an error.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    if args.format == OutFormat::Json {
        writeln!(out, "[")?;
    }
    if args.format == OutFormat::Csv {
        writeln!(out, "{CSV_HEADER}")?;
    }
    let scan = journal::scan(&ctx.ledger, true, until, |e| {
        if io_error.is_some() {
            return;
        }
        if let Body::Pledge(p) = &e.body
            && by_party
        {
            let party = (names.get(&p.money.donor), names.get(&p.money.mandate));
            pledge_donor.insert(e.seq, party);
        }
        match &e.body {
            Body::Donor(d) => {
                register.add_donor(d.clone());
                resolve(&register, &mut filter);
            }
            Body::Mandate(m) => {
                register.add_mandate(m.clone());
                resolve(&register, &mut filter);
            }
            Body::Fund(f) => register.add_fund(f.clone()),
            Body::Ledger(_)
            | Body::Checkpoint(_)
            | Body::Pledge(_)
            | Body::Payment(_)
            | Body::Refund(_)
            | Body::WriteOff(_)
            | Body::Reversal(_)
            | Body::Rate(_)
            | Body::Reduction(_)
            | Body::InKind(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => {}
        }
        if !filter.keeps(&e, &pledge_donor, &shown) {
            return;
        }
        if filter.scoped() {
            shown.insert(e.seq);
        }
        let res = match args.format {
            OutFormat::Table => write_text(&mut out, &e),
            OutFormat::Json => {
                let sep = if first { "" } else { ",\n" };
                first = false;
                out.write_all(sep.as_bytes()).and_then(|_| {
                    serde_json::to_writer(&mut out, &e).map_err(std::io::Error::other)
                })
            }
            OutFormat::Csv => csv_row(&e).and_then(|bytes| out.write_all(&bytes)),
        };
        if let Err(err) = res {
            io_error = Some(err);
        }
    })?;
    if let Some(e) = io_error {
        return Err(e.into());
    }
    if args.format == OutFormat::Json {
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    }
    out.flush()?;
    super::warn_if_torn(ctx, &scan);
    // A filter that names no donor or mandate of this ledger is a mistake, not an
    // empty result: say so, with the closest names (the register is complete now).
    if let Some(d) = args.donor.as_deref()
        && let Err(u) = register.resolve_donor(d)
    {
        return Err(Failure::failed(format!("--donor: {u} [unknown-donor]")));
    }
    if let Some(m) = args.mandate.as_deref()
        && let Err(u) = register.resolve_mandate(m)
    {
        return Err(Failure::failed(format!("--mandate: {u} [unknown-mandate]")));
    }
    Ok(())
}

/// An entry's reference and memo (a write-off's or reduction's reason), as `log` shows them after `describe` (the memo
/// quoted, so a line break in it stays on one line).
pub fn details(e: &Entry) -> String {
    let mut text = String::new();
    if let Some(r) = e.body.reference() {
        text.push_str(&format!("  ref {r}"));
    }
    // A write-off's or reduction's memo is its reason.
    let (label, memo) = match &e.body {
        Body::Pledge(p) => ("memo", p.notes.memo.as_deref()),
        Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => ("memo", p.notes.memo.as_deref()),
        Body::WriteOff(w) | Body::Reduction(w) => ("reason", w.notes.memo.as_deref()),
        Body::ConditionMet(c) => ("memo", c.memo.as_deref()),
        Body::Ledger(_)
        | Body::Checkpoint(_)
        | Body::Reversal(_)
        | Body::Rate(_)
        | Body::Donor(_)
        | Body::Mandate(_)
        | Body::Fund(_)
        | Body::Agreement(_) => ("memo", None),
    };
    if let Some(m) = memo {
        text.push_str(&format!("  {label} {m:?}"));
    }
    text
}

fn write_text(out: &mut dyn Write, e: &Entry) -> std::io::Result<()> {
    let mut line = format!(
        "#{:<6} {}  {}",
        e.seq,
        time::format_timestamp(e.recorded_at),
        describe(e)
    );
    line.push_str(&details(e));
    if let Some(s) = e.body.source() {
        line.push_str(&format!(
            "  from {}:{} ({} profile, sha256 {})",
            s.file,
            s.row,
            s.profile,
            &s.sha256[..s.sha256.len().min(12)]
        ));
    }
    writeln!(out, "{}", crate::render::one_line(&line))
}

/// The header of `--format csv` entry listings.
pub const CSV_HEADER: &str = "seq,recorded_at,kind,date,donor,mandate,amount,currency,pledge,entry,reference,memo,source,reason,name,category,earmarking,aliases,fund,opening,outstanding,prior_period";

pub fn csv_row(e: &Entry) -> std::io::Result<Vec<u8>> {
    let v = serde_json::to_value(e).map_err(std::io::Error::other)?;
    let get = |k: &str| match v.get(k) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let source = e
        .body
        .source()
        .map(|s| format!("{}:{}", s.file, s.row))
        .unwrap_or_default();
    // The columns a kind fills from a field of another name (a rate's `per_usd`, a
    // donor's or fund's `code`, a mandate's `slug`) or from a list (aliases); every
    // other column holds the field of its name.
    let (amount, donor, mandate, aliases, fund) = match &e.body {
        Body::Rate(r) => (Some(r.per_usd.to_string()), None, None, None, None),
        Body::Donor(d) => (
            None,
            Some(d.code.clone()),
            None,
            Some(d.aliases.join("; ")),
            None,
        ),
        Body::Mandate(m) => (None, None, Some(m.slug.clone()), None, None),
        Body::Fund(f) => (None, None, None, None, Some(f.code.clone())),
        Body::Ledger(_)
        | Body::Checkpoint(_)
        | Body::Pledge(_)
        | Body::Payment(_)
        | Body::Refund(_)
        | Body::WriteOff(_)
        | Body::Reversal(_)
        | Body::Reduction(_)
        | Body::InKind(_)
        | Body::Agreement(_)
        | Body::ConditionMet(_) => (None, None, None, None, None),
    };
    let row = [
        e.seq.to_string(),
        get("recorded_at"),
        get("kind"),
        get("date"),
        donor.unwrap_or_else(|| get("donor")),
        mandate.unwrap_or_else(|| get("mandate")),
        amount.unwrap_or_else(|| get("amount")),
        get("currency"),
        get("pledge"),
        get("entry"),
        get("reference"),
        get("memo"),
        source,
        get("reason"),
        get("name"),
        get("category"),
        get("earmarking"),
        aliases.unwrap_or_default(),
        fund.unwrap_or_else(|| get("fund")),
        get("opening"),
        get("outstanding"),
        get("prior_period"),
    ];
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    // Numbers, dates and timestamps as they are; text neutralised, so that a
    // spreadsheet neither runs it nor turns it into a number.
    const PLAIN: [usize; 6] = [0, 1, 3, 6, 8, 9];
    w.write_record(row.iter().enumerate().map(|(i, c)| {
        if PLAIN.contains(&i) {
            c.clone()
        } else {
            neutralise(c)
        }
    }))
    .map_err(std::io::Error::other)?;
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}
