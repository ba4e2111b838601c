//! A whole-ledger `donors` (by donor or by category), `mandates`, `funds`,
//! `quarterly` or `agreements` report of a ledger with more money entries than a
//! report holds in memory at once (`budget`): the first read keeps
//! the entries that name no donor (`Lean`), numbers each entry's owner (a donor and
//! mandate), counts each owner's entries and notes the span of value dates; the
//! owners are then packed into groups of at most half the budget (`groups`), and
//! each group is read into a book of its own, settled, and its figures added to the
//! report's (`report::gathered`), or its agreements made into rows
//! (`report::agreements::gather`). Nothing a report reads crosses two owners: a
//! payment, in-kind contribution, write-off or reduction settles only pledges of its
//! own donor and mandate (the one it names must be, by the recording rules), and an
//! agreement's instalments are of its donor and mandate.
//! Memory holds one group's book at a time. The first read checks every line's hash;
//! each read after it hashes and decodes the lines its group uses and checks that
//! every other line still links to the one before it, up to the head the first read
//! found (`journal::scan_only`).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use super::report::{Checked, Keep, ReportArgs, ReportKind, keep_of, ledger_head};
use super::{Context, Failure};
use crate::domain::Book;
use crate::domain::entry::{Body, Entry, Name};
use crate::domain::settlement::{self, Settlement};
use crate::domain::{time, words};
use crate::journal;
use crate::render::Report;
use crate::report::agreements::{self, AgreementRow};
use crate::report::gathered::Gathered;
use crate::report::{Period, PeriodSpec, Scope, Source, Usd, quarterly};

/// What the groups read so far gave: the figures of the `donors`, `mandates`,
/// `funds` or `quarterly` report, or the rows of the `agreements` report at the last
/// day of its period, by code.
enum Making<'r> {
    Figures(Box<Gathered<'r>>),
    Agreements(Period, BTreeMap<String, AgreementRow>),
}

/// How many money entries (pledges, payments, refunds, in-kind contributions,
/// write-offs and reductions) a whole-ledger report holds in memory at once, unless
/// `LEDGER_REPORT_ENTRIES` says otherwise: about 240 MB of book and settlement for a
/// whole ledger of that many. A larger ledger is read in groups of at most half as
/// many, whose books share memory with what the first read keeps of the whole
/// ledger (two bytes an entry) and with what earlier groups left behind.
pub const DEFAULT_BUDGET: u64 = 1_000_000;

/// The budget in force: `LEDGER_REPORT_ENTRIES` when set (a whole number above
/// zero, else a usage error), else `DEFAULT_BUDGET`.
pub fn budget() -> Result<u64, Failure> {
    match std::env::var("LEDGER_REPORT_ENTRIES") {
        Err(_) => Ok(DEFAULT_BUDGET),
        Ok(v) => v.trim().parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| {
            Failure::usage(format!(
                "LEDGER_REPORT_ENTRIES: {v:?} is not a number of entries (a whole number above zero)"
            ))
        }),
    }
}

/// The most owners (donors and mandates) a report read in groups numbers: more, and
/// it holds the whole book at once.
pub const MOST_OWNERS: u16 = u16::MAX;

/// A donor and mandate, by code: whose a money entry is.
type Owner = (Name, Name);

/// What the first read of a report read in groups keeps: a book of every entry that
/// names no donor (registrations, rates, agreements, conditions met) with the opening
/// pledges and agreement instalments (so that it knows the earliest opening date and
/// when each instalment counts) and the reversals of what it holds; whose each entry
/// is (`owner`: a donor and mandate); each owner's number of entries and the first
/// and last value date of its other money entries; and a digest of each owner's
/// line hashes, which each group read again must match (`seen`).
#[derive(Default)]
pub struct Lean {
    base: Book,
    /// For a report of a fund or donor category: every entry `base` took, in
    /// order, from which the book of the report's share of them is made once the
    /// whole register is known (`base_of`).
    replay: Option<Vec<Entry>>,
    /// Money entries read.
    pub money: u64,
    /// Each owner's number, by donor code and then mandate code, from 1 in the
    /// order they were met. Looked up by borrowed codes: cloning a shared name for
    /// every entry read is an atomic increment the decoding thread contends.
    owners: FxHashMap<Name, FxHashMap<Name, u16>>,
    /// Each owner's entries, by number less one.
    counts: Vec<Owned>,
    /// Each entry's owner by its number: the donor and mandate whose pledge,
    /// payment, refund or in-kind contribution it is, or whose pledge it writes off
    /// or reduces, or whose entry it reverses; 0 for an entry that names no donor,
    /// which every group reads. Two bytes an entry (20 MB at ten million).
    owner: OwnerOf,
    /// More owners than `owner` can number: the report is not read in groups.
    too_many: bool,
    /// The hashes of each owner's lines (and of those every group reads, as owner
    /// 0), in order: a group read again must find the same (`journal::Only`).
    seen: journal::Seen,
}

/// One owner's entries, as the first read counted them.
#[derive(Debug, PartialEq)]
struct Owned {
    owner: Owner,
    /// Entries whose owner it is (reversals too).
    entries: u64,
    /// Of those, its pledges, payments and refunds, in-kind contributions, and
    /// write-offs and reductions: the records a group's book will hold.
    records: [usize; 4],
    /// The first and last value date of its money entries not in `base`.
    span: Option<Period>,
}

impl Lean {
    /// For a report of a fund or donor category (`--fund`, `--category`).
    pub fn of_a_share() -> Lean {
        Lean {
            replay: Some(Vec::new()),
            ..Lean::default()
        }
    }

    pub fn see(&mut self, e: &Entry, hash: &journal::LineHash) {
        let owner = match &e.body {
            Body::Ledger(_) | Body::Checkpoint(_) => 0,
            Body::Pledge(p) => {
                let owner = self.count(&p.money.donor, &p.money.mandate, Some(0));
                if p.opening.is_some() || p.agreement.is_some() {
                    self.take(e);
                } else {
                    self.date(owner, p.money.date);
                }
                owner
            }
            Body::Payment(p) | Body::Refund(p) => {
                let owner = self.count(&p.money.donor, &p.money.mandate, Some(1));
                self.date(owner, p.money.date);
                owner
            }
            Body::InKind(p) => {
                let owner = self.count(&p.money.donor, &p.money.mandate, Some(2));
                self.date(owner, p.money.date);
                owner
            }
            Body::WriteOff(w) | Body::Reduction(w) => {
                let owner = self.owner_of(w.pledge);
                self.money += 1;
                self.add_to(owner, Some(3));
                self.date(owner, w.date);
                owner
            }
            Body::Reversal(r) => {
                if self.base.kind_of(r.entry).is_some() {
                    self.take(e);
                }
                let owner = self.owner_of(r.entry);
                self.add_to(owner, None);
                owner
            }
            Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => {
                self.take(e);
                0
            }
        };
        self.seen.add(owner, hash);
        self.owner.set(e.seq, owner);
    }

    /// Counts a money entry of `donor` for `mandate`, a record of class `class`
    /// (see `counts`); its owner's number.
    fn count(&mut self, donor: &Name, mandate: &Name, class: Option<usize>) -> u16 {
        self.money += 1;
        let n = match self.owner_named(donor, mandate) {
            Some(n) => n,
            None => match u16::try_from(self.counts.len() + 1) {
                Ok(n) => {
                    self.owners
                        .entry(donor.clone())
                        .or_default()
                        .insert(mandate.clone(), n);
                    self.counts.push(Owned {
                        owner: (donor.clone(), mandate.clone()),
                        entries: 0,
                        records: [0; 4],
                        span: None,
                    });
                    n
                }
                Err(_) => {
                    self.too_many = true;
                    return 0;
                }
            },
        };
        self.add_to(n, class);
        n
    }

    fn add_to(&mut self, owner: u16, class: Option<usize>) {
        if let Some(c) = self.owned(owner) {
            c.entries += 1;
            if let Some(k) = class {
                c.records[k] += 1;
            }
        }
    }

    fn owned(&mut self, owner: u16) -> Option<&mut Owned> {
        let i = usize::from(owner).checked_sub(1)?;
        self.counts.get_mut(i)
    }

    /// Takes an entry into `base` (and `replay`).
    fn take(&mut self, e: &Entry) {
        if let Some(replay) = self.replay.as_mut() {
            replay.push(e.clone());
        }
        self.base.apply(e.clone());
    }

    /// The number of the owner `donor` and `mandate`, if met.
    fn owner_named(&self, donor: &str, mandate: &str) -> Option<u16> {
        self.owners.get(donor)?.get(mandate).copied()
    }

    fn owner_of(&self, seq: u64) -> u16 {
        self.owner.get(seq)
    }

    /// The book of the entries that name no donor, with the opening pledges and
    /// agreement instalments: every registration the read met.
    pub fn into_base(self) -> Book {
        self.base
    }

    /// Whether the report can be read in groups: every owner numbered.
    pub fn groupable(&self) -> bool {
        !self.too_many
    }

    fn date(&mut self, owner: u16, d: NaiveDate) {
        if let Some(c) = self.owned(owner) {
            c.span = Some(join(c.span, Period { from: d, to: d }));
        }
    }

    /// The first and last value date of the money entries of the owners `kept`
    /// keeps (by number), with `base`'s (those of the book made of the entries
    /// every group reads).
    fn value_dates(&self, base: Option<Period>, kept: &[bool]) -> Option<Period> {
        (1..)
            .zip(&self.counts)
            .filter(|&(n, _)| kept[n])
            .filter_map(|(_, c)| c.span)
            .fold(base, |a, b| Some(join(a, b)))
    }

    /// The book every group starts from: `base`, or for a report of a fund or
    /// donor category, the book of what `base` took that `keep` keeps (as a book
    /// of the whole share would take it).
    fn base_of(&mut self, keep: Option<&Keep>) -> Book {
        match (self.replay.take(), keep) {
            (Some(replay), Some(keep)) => {
                let mut book = Book::new();
                for e in replay {
                    if crate::domain::book::takes(&book, &e, |d, m| keep.keeps(d, m)) {
                        book.apply(e);
                    }
                }
                book
            }
            _ => std::mem::take(&mut self.base),
        }
    }
}

fn join(a: Option<Period>, b: Period) -> Period {
    match a {
        None => b,
        Some(a) => Period {
            from: a.from.min(b.from),
            to: a.to.max(b.to),
        },
    }
}

/// The `donors`, `mandates`, `funds`, `quarterly` or `agreements` report (`c.kind`) of the
/// ledger whose first read (`scan`) kept `lean`, made group by group.
pub(super) fn report(
    ctx: &Context,
    args: &ReportArgs,
    c: &Checked,
    mut lean: Lean,
    budget: u64,
    scan: &journal::Scan,
) -> Result<Report, Failure> {
    // A report of a fund or donor category: of the owners it keeps by the whole
    // register, and over a base book of their entries alone.
    let (keep, scope) = match (&args.fund, &args.category) {
        (None, None) => (None, Scope::default()),
        _ => {
            let (keep, _, scope) = keep_of(&lean.base.register, args)?;
            (Some(keep), scope)
        }
    };
    let kept: Vec<bool> = std::iter::once(true)
        .chain(lean.counts.iter().map(|c| {
            keep.as_ref()
                .is_none_or(|k| k.keeps(&c.owner.0, &c.owner.1))
        }))
        .collect();
    let base = lean.base_of(keep.as_ref());
    let seen = std::mem::take(&mut lean.seen).finish();
    let none = Settlement::default();
    let src = Source {
        book: &base,
        settlement: &none,
        entries: &[],
        ledger: ledger_head(scan),
        as_of: c.until.map(time::format_timestamp),
        only_donor: None,
        tolerance: Usd(c.tolerance),
        strict_rates: args.strict_rates,
        scope: scope.clone(),
    };
    let fail = |e: crate::report::ReportError| super::report::failure(e, &src);
    // A period that cannot be made is said once every group is settled: a missing
    // rate settlement needs is said first, as for a report of the whole book.
    let whole = lean.value_dates(src.value_dates(), &kept);
    let rates = &base.rates;
    let gathering = match c.kind {
        ReportKind::Quarterly => {
            let quarter = match c.period {
                PeriodSpec::Quarter(y, q) => Ok((y, q)),
                // No period: the quarter of the ledger's last value date.
                _ => src
                    .period_over(PeriodSpec::Whole, whole)
                    .map(|p| quarterly::quarter_of(p.to)),
            };
            // The report's long lists are kept in unnamed temporary files.
            let make = || {
                tempfile::tempfile()
                    .map(|f| Box::new(f) as Box<dyn crate::report::listed::Store>)
                    .map_err(|e| {
                        std::io::Error::new(
                            e.kind(),
                            format!(
                                "cannot make a temporary file in {} (TMPDIR): {e}",
                                std::env::temp_dir().display()
                            ),
                        )
                    })
            };
            quarter
                .and_then(|(y, q)| Gathered::quarterly(rates, y, q, &make))
                .map(|g| Making::Figures(Box::new(g)))
        }
        ReportKind::Agreements => src
            .period_over(c.period, whole)
            .map(|p| Making::Agreements(p, BTreeMap::new())),
        _ => src
            .period_over(c.period, whole)
            .map(|p| Making::Figures(Box::new(Gathered::new(rates, p)))),
    };
    let (mut making, unmade) = match gathering {
        Ok(g) => (Some(g), None),
        Err(e) => (None, Some(e)),
    };
    let size = (budget / 2).max(1);
    let groups = groups(&lean.counts, size, &kept);
    let (money, of) = match &keep {
        None => (lean.money, ""),
        Some(_) => (
            (1..)
                .zip(&lean.counts)
                .filter(|&(n, _)| kept[n])
                .map(|(_, c)| c.records.iter().sum::<usize>() as u64)
                .sum(),
            match (&scope.fund, &scope.category) {
                (Some(_), Some(_)) => " of the report's fund and donor category",
                (Some(_), None) => " of the report's fund",
                _ => " of the report's donor category",
            },
        ),
    };
    say_groups(money, of, budget, size, groups.len());
    let missing = each_group(
        ctx,
        c.until,
        &lean,
        &seen,
        &scan.head,
        groups,
        |book, settled, member| {
            let Some(making) = making.as_mut() else {
                return Ok(());
            };
            let group = Source {
                book,
                settlement: settled,
                entries: &[],
                ledger: src.ledger.clone(),
                as_of: None,
                only_donor: None,
                tolerance: src.tolerance,
                strict_rates: src.strict_rates,
                scope: scope.clone(),
            };
            match making {
                Making::Figures(g) => g.add(&group).map_err(fail)?,
                Making::Agreements(p, rows) => {
                    let held = |donor: &str, mandate: &str| {
                        lean.owner_named(donor, mandate)
                            .is_some_and(|n| member[usize::from(n)])
                    };
                    agreements::gather(&group, p.to, held, rows);
                }
            }
            Ok(())
        },
    )?;
    if !missing.is_empty() {
        return Err(super::report::missing_rates(missing));
    }
    let gathered = match (making, unmade) {
        (Some(Making::Figures(g)), _) => g,
        (Some(Making::Agreements(p, mut rows)), _) => {
            // An agreement whose donor has no entry: no instalments, in any book.
            agreements::gather(&src, p.to, |_, _| true, &mut rows);
            return Ok(Report::Agreements(agreements::gathered(&src, p, rows)));
        }
        (None, e) => return Err(fail(e.expect("a report gathered or an error"))),
    };
    Ok(match c.kind {
        ReportKind::Donors if c.by_category => {
            Report::Categories(gathered.categories(&src).map_err(fail)?)
        }
        ReportKind::Funds => Report::Funds(gathered.funds(&src).map_err(fail)?),
        ReportKind::Mandates => Report::Mandates(gathered.mandates(&src).map_err(fail)?),
        ReportKind::Quarterly => {
            Report::Quarterly(Box::new(gathered.quarterly_report(&src).map_err(fail)?))
        }
        _ => Report::Donors(gathered.donors(&src).map_err(fail)?),
    })
}

/// What an export's first read of the whole ledger leaves: the whole book, while
/// its money entries fit the budget (or when its owners are too many to number,
/// said on stderr and read again), else what `Lean` keeps for reading it in groups.
pub(super) enum FirstRead {
    Whole(Book),
    Groups(Lean),
}

/// The first read of an export of the whole ledger (see `FirstRead`), with its scan;
/// a torn tail is warned about.
pub(super) fn read_first(
    ctx: &Context,
    budget: u64,
) -> Result<(FirstRead, journal::Scan), Failure> {
    let may_exceed = journal::most_entries(&ctx.ledger).is_none_or(|most| most > budget);
    let mut lean = may_exceed.then(Lean::default);
    let mut book = Book::new();
    let mut whole = true;
    let scan = journal::scan_figures(&ctx.ledger, None, |e, hash| {
        if let Some(lean) = lean.as_mut() {
            lean.see(&e, hash);
        }
        if whole && lean.as_ref().is_some_and(|lean| lean.money > budget) {
            book = Book::new();
            whole = false;
        }
        if whole {
            book.apply(e);
        }
    })?;
    super::warn_if_torn(ctx, &scan);
    if let Some(lean) = lean.filter(|lean| !whole && lean.groupable()) {
        return Ok((FirstRead::Groups(lean), scan));
    }
    if !whole {
        // More owners than a group can number: the whole book after all.
        say_too_many(budget);
        let n = scan.head.entries;
        journal::scan_figures(&ctx.ledger, None, |e, _| {
            if e.seq <= n {
                book.apply(e);
            }
        })?;
    }
    Ok((FirstRead::Whole(book), scan))
}

/// Says that the ledger's owners are too many to number, so that a command holds
/// the whole book past `budget`.
pub(super) fn say_too_many(budget: u64) {
    eprintln!(
        "note: the ledger's money entries are of more than {MOST_OWNERS} donors and mandates, too many to read in groups: the report holds them at once, past LEDGER_REPORT_ENTRIES ({budget})"
    );
}

/// Says, so that a command that reads the ledger again and again is understood,
/// that it holds `money` money entries (`of` what), more than `budget`, read in
/// `groups` groups of at most `size`.
fn say_groups(money: u64, of: &str, budget: u64, size: u64, groups: usize) {
    eprintln!(
        "note: the ledger holds {}{of}, more than a report holds at once ({budget}, set by LEDGER_REPORT_ENTRIES); it is read again for each of {} of at most {size} money entries (one donor's entries for one mandate, if more, are a group of their own)",
        words::count(money, "money entry", "money entries"),
        words::count(
            groups as u64,
            "group of donors and mandates",
            "groups of donors and mandates"
        ),
    );
}

/// The CEB table of `year` (`government`: that layout) of the ledger whose first
/// read (`scan`) kept `lean`, made group by group: each row's exact figure is the
/// sum of its groups' (`report::ceb::CebSums`), rounded once all are in.
pub(super) fn ceb(
    ctx: &Context,
    mut lean: Lean,
    budget: u64,
    scan: &journal::Scan,
    (year, government, strict_rates): (i32, bool, bool),
) -> Result<crate::report::ceb::CebTable, Failure> {
    let every = vec![true; lean.counts.len() + 1];
    let base = lean.base_of(None);
    let seen = std::mem::take(&mut lean.seen).finish();
    let none = Settlement::default();
    fn src<'a>(
        book: &'a Book,
        settlement: &'a Settlement,
        scan: &journal::Scan,
        strict_rates: bool,
    ) -> Source<'a> {
        Source {
            book,
            settlement,
            entries: &[],
            ledger: ledger_head(scan),
            as_of: None,
            only_donor: None,
            tolerance: Usd(rust_decimal::Decimal::ZERO),
            strict_rates,
            scope: Scope::default(),
        }
    }
    let fail = |e: crate::report::ReportError| Failure::failed(format!("{e}"));
    let mut sums = crate::report::ceb::CebSums::new(&base.rates, year, government).map_err(fail)?;
    let size = (budget / 2).max(1);
    let groups = groups(&lean.counts, size, &every);
    say_groups(lean.money, "", budget, size, groups.len());
    let missing = each_group(
        ctx,
        None,
        &lean,
        &seen,
        &scan.head,
        groups,
        |book, settled, _| {
            sums.add(&src(book, settled, scan, strict_rates))
                .map_err(fail)
        },
    )?;
    if !missing.is_empty() {
        return Err(super::report::missing_rates(missing));
    }
    sums.table(&src(&base, &none, scan, strict_rates))
        .map_err(fail)
}

/// The IATI activities of `year` of the ledger whose first read (`scan`) kept
/// `lean`, gathered group by group (`report::iati::Gathering`; nothing is settled);
/// the file's time is the last entry's, the latest of every group's.
pub(super) fn iati(
    ctx: &Context,
    mut lean: Lean,
    budget: u64,
    scan: &journal::Scan,
    (year, reference): (i32, &str),
) -> Result<crate::report::iati::Activities, Failure> {
    let every = vec![true; lean.counts.len() + 1];
    let base = lean.base_of(None);
    let seen = std::mem::take(&mut lean.seen).finish();
    let mut gathering = crate::report::iati::Gathering::new(year);
    let mut last = None;
    let size = (budget / 2).max(1);
    let groups = groups(&lean.counts, size, &every);
    say_groups(lean.money, "", budget, size, groups.len());
    each_book(ctx, None, &lean, &seen, &scan.head, groups, |book, _| {
        gathering.add(&book);
        last = last.max(book.last_recorded_at);
        Ok(())
    })?;
    let generated = last
        .map(crate::domain::time::format_timestamp)
        .unwrap_or_default();
    gathering
        .activities(&base.register, reference, generated)
        .map_err(|e| Failure::failed(e.to_string()))
}

/// Reads each of `groups` (owners by number) of the ledger whose first read kept
/// `lean` and saw `seen` up to `head` into a book of its own, settles it, and hands
/// the book, its settlement and which owners the group holds (by number; 0, the
/// entries every group reads, always) to `each`, while no group has lacked a rate.
/// Memory holds one group at a time. Every rate settlement lacked, of every group.
pub(super) fn each_group(
    ctx: &Context,
    until: Option<chrono::DateTime<chrono::Utc>>,
    lean: &Lean,
    seen: &journal::Digests,
    head: &journal::Head,
    groups: Vec<Vec<u16>>,
    mut each: impl FnMut(&Book, &Settlement, &[bool]) -> Result<(), Failure>,
) -> Result<Vec<crate::domain::rates::MissingRate>, Failure> {
    let mut missing = Vec::new();
    each_book(ctx, until, lean, seen, head, groups, |book, member| {
        match settlement::settle_pledges(&book) {
            Ok(settled) if missing.is_empty() => each(&book, &settled, member),
            Ok(_) => Ok(()),
            Err(m) => {
                missing.extend(m);
                Ok(())
            }
        }
        // The book and its settlement are freed here, before the next group is read.
    })?;
    missing.sort_by_key(|m| m.date);
    Ok(missing)
}

/// Reads each of `groups` as `each_group` does and hands `each` the group's book
/// (unsettled) and which owners it holds. Memory holds one group at a time.
pub(super) fn each_book(
    ctx: &Context,
    until: Option<chrono::DateTime<chrono::Utc>>,
    lean: &Lean,
    seen: &journal::Digests,
    head: &journal::Head,
    groups: Vec<Vec<u16>>,
    mut each: impl FnMut(Book, &[bool]) -> Result<(), Failure>,
) -> Result<(), Failure> {
    for group in groups {
        let mut member = vec![false; lean.counts.len() + 1];
        member[0] = true;
        for &d in &group {
            member[usize::from(d)] = true;
        }
        let uses = |seq: u64| {
            let o = lean.owner.get(seq);
            member[usize::from(o)].then_some(o)
        };
        let only = journal::Only {
            uses: &uses,
            head,
            seen,
        };
        let mut book = Book::new();
        let mut records = [0; 4];
        for &d in &group {
            let held = &lean.counts[usize::from(d) - 1].records;
            records.iter_mut().zip(held).for_each(|(r, h)| *r += h);
        }
        book.reserve(records);
        journal::scan_only(&ctx.ledger, until, only, false, |e, _| book.apply(e))?;
        each(book, &member)?;
    }
    Ok(())
}

/// The owners `kept` keeps (by number) packed into groups of at most `budget`
/// entries, largest first, each into the first group it fits (an owner with more
/// than `budget` entries alone in a group of its own). `counts` is each owner's
/// entries by number less one; each group is its owners' numbers, ascending.
fn groups(counts: &[Owned], budget: u64, kept: &[bool]) -> Vec<Vec<u16>> {
    let mut owners: Vec<(u16, &Owner, u64)> = (1..)
        .zip(counts)
        .filter(|&(i, _)| kept[usize::from(i)])
        .map(|(i, c)| (i, &c.owner, c.entries))
        .collect();
    owners.sort_unstable_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(b.1)));
    first_fit(owners.into_iter().map(|(i, _, n)| (i, n)), budget)
        .into_iter()
        .map(|mut g| {
            g.sort_unstable();
            g
        })
        .collect()
}

/// Each entry's owner (a number a read in groups gives), by entry number, two bytes
/// an entry: 0 for an entry of no owner, or one not seen.
#[derive(Debug, Default)]
pub(super) struct OwnerOf(Vec<u16>);

impl OwnerOf {
    pub(super) fn set(&mut self, seq: u64, owner: u16) {
        if let Ok(i) = usize::try_from(seq) {
            if self.0.len() <= i {
                self.0.resize(i + 1, 0);
            }
            self.0[i] = owner;
        }
    }

    pub(super) fn get(&self, seq: u64) -> u16 {
        usize::try_from(seq)
            .ok()
            .and_then(|i| self.0.get(i))
            .copied()
            .unwrap_or(0)
    }
}

/// Packs `items` (each a key and its size), in the order given, each into the first
/// bin it fits with at most `most` in all, or into a new bin (alone, if larger than
/// `most`): each bin's keys, in the order they went in. Given largest first, this
/// is the first-fit-decreasing packing every read in groups uses.
pub(super) fn first_fit<K>(items: impl IntoIterator<Item = (K, u64)>, most: u64) -> Vec<Vec<K>> {
    let mut bins: Vec<(u64, Vec<K>)> = Vec::new();
    for (key, n) in items {
        match bins.iter_mut().find(|(held, _)| held + n <= most) {
            Some((held, bin)) => {
                *held += n;
                bin.push(key);
            }
            None => bins.push((n, vec![key])),
        }
    }
    bins.into_iter().map(|(_, bin)| bin).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_packed_largest_first_into_the_first_group_they_fit() {
        let counts: Vec<Owned> = [
            ("USA", "icat", 6),
            ("USA", "gp", 5),
            ("DEU", "icat", 4),
            ("FRA", "icat", 1),
            ("DEU", "gp", 4),
        ]
        .into_iter()
        .map(|(d, m, n)| Owned {
            owner: (Name::from(d), Name::from(m)),
            entries: n,
            records: [0; 4],
            span: None,
        })
        .collect();
        let every = [true; 6];
        // USA icat 1, USA gp 2, DEU icat 3, FRA icat 4, DEU gp 5; of equal size,
        // DEU gp before DEU icat.
        assert_eq!(groups(&counts, 10, &every), vec![vec![1, 5], vec![2, 3, 4]]);
        // One larger than the budget is a group of its own.
        assert_eq!(
            groups(&counts, 5, &every),
            vec![vec![1], vec![2], vec![4, 5], vec![3]]
        );
        // Only the owners a share keeps: icat's.
        let icat = [true, true, false, true, true, false];
        assert_eq!(groups(&counts, 10, &icat), vec![vec![1, 3], vec![4]]);
    }

    #[test]
    fn each_entry_belongs_to_its_donor_and_mandate_or_to_every_group() {
        let line = |seq: u64, body: &str| -> Entry {
            crate::journal::decode_line(
                format!(
                    r#"{{"seq":{seq},"prev":"{z}","recorded_at":"2020-01-01T00:00:00Z",{body},"hash":"{z}"}}"#,
                    z = crate::journal::ZERO_HASH
                )
                .as_bytes(),
            )
            .unwrap()
        };
        let mut lean = Lean::default();
        for e in [
            line(
                1,
                r#""kind":"rate","currency":"EUR","per_usd":"0.9","date":"2020-01-01""#,
            ),
            line(
                2,
                r#""kind":"pledge","donor":"JPN","mandate":"icat","amount":"10","currency":"USD","date":"2020-02-01""#,
            ),
            line(
                3,
                r#""kind":"payment","donor":"DEU","mandate":"icat","amount":"5","currency":"EUR","date":"2020-03-01""#,
            ),
            line(
                4,
                r#""kind":"write-off","pledge":2,"amount":"1","currency":"USD","date":"2020-04-01","memo":"x""#,
            ),
            line(5, r#""kind":"reversal","entry":3,"reason":"duplicate""#),
            line(6, r#""kind":"reversal","entry":1,"reason":"wrong rate""#),
            line(
                7,
                r#""kind":"pledge","donor":"JPN","mandate":"gp","amount":"10","currency":"USD","date":"2020-05-01""#,
            ),
            line(8, r#""kind":"reversal","entry":7,"reason":"duplicate""#),
        ] {
            lean.see(&e, &[b'0'; 64]);
        }
        assert_eq!(lean.owner.0, vec![0, 0, 1, 2, 1, 2, 0, 3, 3]);
        assert_eq!(lean.money, 4);
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let span = |from, to| {
            Some(Period {
                from: d(from),
                to: d(to),
            })
        };
        let owned = |d: &str, m: &str, entries, records, span| Owned {
            owner: (Name::from(d), Name::from(m)),
            entries,
            records,
            span,
        };
        assert_eq!(
            lean.counts,
            vec![
                owned(
                    "JPN",
                    "icat",
                    2,
                    [1, 0, 0, 1],
                    span("2020-02-01", "2020-04-01")
                ),
                owned(
                    "DEU",
                    "icat",
                    2,
                    [0, 1, 0, 0],
                    span("2020-03-01", "2020-03-01")
                ),
                owned(
                    "JPN",
                    "gp",
                    2,
                    [1, 0, 0, 0],
                    span("2020-05-01", "2020-05-01")
                )
            ]
        );
        assert_eq!(
            lean.value_dates(None, &[true; 4]),
            span("2020-02-01", "2020-05-01")
        );
        // Of the owners of mandate icat only, and with a base book's dates.
        let icat = [true, true, true, false];
        assert_eq!(
            lean.value_dates(None, &icat),
            span("2020-02-01", "2020-04-01")
        );
        assert_eq!(
            lean.value_dates(span("2019-12-01", "2020-01-01"), &icat),
            span("2019-12-01", "2020-04-01")
        );
        // The rate and its reversal are in the book every group starts from.
        assert_eq!(
            lean.base.kind_of(6),
            Some(crate::domain::entry::Kind::Reversal)
        );
        assert_eq!(lean.base.kind_of(3), None);
    }
}
