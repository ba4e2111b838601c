//! Funding reports: aggregation of a book into plain report structs that serialise
//! to the JSON contract the README documents.
//!
//! Owns: the period rules, USD conversion with the record of which rates were used,
//! and the figures of the `donors`, `mandates`, `funds`, `quarterly` and `statement` reports.
//! Never prints and never reads files: `cli` reads the journal, `render` prints.
//! Depends on `domain` only.
//!
//! Invariant: no floats. Every USD figure is one entry (or one pledge's outstanding)
//! converted and rounded on its own; totals are sums of those rounded figures.

pub mod agreements;
pub mod categories;
pub mod ceb;
mod figures;
pub mod funds;
pub mod gathered;
pub mod iati;
pub mod listed;
pub mod overdue;
pub mod quarterly;
pub mod receivable;
pub mod reconcile;
mod rows;
pub mod statement;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::book::Book;
use crate::domain::currency::Currency;
use crate::domain::entry::Entry;
use crate::domain::rates::{MissingRate, Rates};
use crate::domain::register::Unknown;
use crate::domain::settlement::Settlement;

pub use categories::CategoriesReport;
pub use figures::Figures;
pub use funds::FundsReport;
pub use quarterly::Quarterly;
pub use rows::{DonorRow, DonorsReport, FundTotal, MandateRow, MandatesReport, donors, mandates};
pub use statement::Statement;

/// An amount in US dollars; serialises as a string with exactly two decimals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usd(pub Decimal);

impl Usd {
    pub const ZERO: Usd = Usd(Decimal::ZERO);

    /// The plain number with two decimals ("1234.50").
    pub fn plain(&self) -> String {
        Currency::USD.format(self.0)
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

impl Serialize for Usd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.plain())
    }
}

/// An amount in its own currency, kept as a number and written (in JSON too) as
/// that currency writes it, with its minor units: a row of a long list (the
/// quarterly report's overdue pledges) holds no text of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InCurrency {
    pub amount: Decimal,
    pub currency: Currency,
}

impl fmt::Display for InCurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.currency.format(self.amount))
    }
}

impl Serialize for InCurrency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A currency written as its ISO code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code(pub Currency);

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.code())
    }
}

impl Add for Usd {
    type Output = Usd;
    fn add(self, o: Usd) -> Usd {
        Usd(self.0 + o.0)
    }
}

impl Sub for Usd {
    type Output = Usd;
    fn sub(self, o: Usd) -> Usd {
        Usd(self.0 - o.0)
    }
}

impl Neg for Usd {
    type Output = Usd;
    fn neg(self) -> Usd {
        Usd(-self.0)
    }
}

impl AddAssign for Usd {
    fn add_assign(&mut self, o: Usd) {
        self.0 += o.0;
    }
}

impl Sum for Usd {
    fn sum<I: Iterator<Item = Usd>>(iter: I) -> Usd {
        iter.fold(Usd::ZERO, Add::add)
    }
}

/// The ledger a report was made from: the head of the prefix read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerHead {
    pub entries: u64,
    pub head: String,
}

/// An inclusive range of value dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// Calendar quarter `q` (1-4) of `year`.
    pub fn quarter(year: i32, q: u32) -> Option<Period> {
        let from = NaiveDate::from_ymd_opt(year, 3 * (q.checked_sub(1)?) + 1, 1)?;
        let next = if q == 4 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, 3 * q + 1, 1)?
        };
        Some(Period {
            from,
            to: next.pred_opt()?,
        })
    }

    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            from: NaiveDate::from_ymd_opt(year, 1, 1)?,
            to: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }
}

/// What the period flags asked for, before the ledger is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodSpec {
    Whole,
    Year(i32),
    Quarter(i32, u32),
    Range(Option<NaiveDate>, Option<NaiveDate>),
}

/// Why a report could not be made. Each carries a stable problem code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("{0} [missing-rate]")]
    MissingRate(#[from] MissingRate),
    #[error("--donor: {0} [unknown-donor]")]
    UnknownDonor(Unknown),
    #[error(
        "the ledger has no pledges, payments, refunds or write-offs{0}, so there is no period to report on; give --year or --from/--to [empty-ledger]"
    )]
    Empty(&'static str),
    #[error("{0} [bad-period]")]
    BadPeriod(String),
    #[error("{0} [missing-rate]")]
    MissingRates(MissingRates),
    #[error("--strict-rates: {0} [stale-rate]")]
    StaleRates(String),
    /// A temporary file for a report's long lists could not be written or read.
    #[error("the report's lists kept on disk: {0}")]
    Spill(String),
}

/// Every rate a report lacked: (currency, first of the month, earliest date wanted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRates(pub Vec<(Currency, NaiveDate, NaiveDate)>);

impl fmt::Display for MissingRates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Per currency: the earliest date wanted and the months.
        let mut by: BTreeMap<Currency, (NaiveDate, Vec<NaiveDate>)> = BTreeMap::new();
        for (c, month, date) in &self.0 {
            let e = by.entry(*c).or_insert((*date, vec![]));
            e.0 = e.0.min(*date);
            e.1.push(*month);
        }
        let parts: Vec<String> = by
            .iter()
            .map(|(c, (date, months))| {
                let months: Vec<String> = months
                    .iter()
                    .map(|m| m.format("%Y-%m").to_string())
                    .collect();
                format!("{c} on or before {date} (needed in {})", months.join(", "))
            })
            .collect();
        let commands: Vec<String> = by
            .iter()
            .flat_map(|(c, (_, months))| {
                months.iter().map(move |m| {
                    format!("`ledger record rate --currency {c} --per-usd X --date {m}`")
                })
            })
            .collect();
        write!(
            f,
            "no rate of exchange for {}; record the UN operational rate of each month from its first day: {}",
            parts.join(" nor for "),
            commands.join(", ")
        )
    }
}

/// What every report is computed from: a folded book, its settlement, the reversal
/// entries read (statements list them; other entries may be left out) and the head
/// of that prefix.
pub struct Source<'a> {
    pub book: &'a Book,
    pub settlement: &'a Settlement,
    pub entries: &'a [Entry],
    pub ledger: LedgerHead,
    /// The `--as-of` cut-off as given to the reader, formatted as a timestamp.
    pub as_of: Option<String>,
    /// With `--donor` on a donors, mandates or quarterly report: the donor whose
    /// entries alone the book was built from.
    pub only_donor: Option<String>,
    /// Overdue balances at or below this many USD at the closing rate are small
    /// balances (likely bank charges), listed apart; zero lists none apart.
    pub tolerance: Usd,
    /// A rate more than 31 days older than the date it is used for fails the report
    /// instead of being named in its warnings.
    pub strict_rates: bool,
    /// With `--fund` or `--category`: the fund or donor category whose entries alone
    /// the book was built from.
    pub scope: Scope,
}

/// What every report says first about itself, flattened into its JSON right after
/// its `report` key (and the categories report's `by`): the ledger head it was made
/// from, the period, the `--as-of` cut-off, what it is limited to, the currency of its
/// figures and what the reader must know. Built by `Source::head` (or
/// `Source::head_unconverted`) alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportHead {
    pub ledger: LedgerHead,
    pub period: Period,
    pub as_of: Option<String>,
    /// With `--donor`: the one donor the report is limited to. None on a statement,
    /// whose donor is a key of its own after the head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donor: Option<String>,
    /// With `--fund` or `--category`: what else the report is limited to.
    #[serde(flatten)]
    pub scope: Scope,
    /// "USD"; none when every amount stays in its own currency (agreements).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<&'static str>,
    /// What the reader must know about the period (see `Source::warnings`) and, in a
    /// report that converts, every stale rate it used.
    pub warnings: Vec<String>,
}

/// What else than a donor a report is limited to (`--fund`, `--category`); each key
/// appears in the JSON only when given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fund: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

impl Source<'_> {
    /// First and last value date of the money entries, reversed ones included.
    pub fn value_dates(&self) -> Option<Period> {
        // Reversed entries are still in the ledger (statements list them), so they
        // count for its span though not for any figure.
        // An opening pledge enters the records on its opening date.
        let dates = self
            .book
            .pledges()
            .map(|p| p.counted_on())
            .chain(self.book.payments().map(|p| p.date))
            .chain(self.book.in_kind().map(|p| p.date))
            .chain(self.book.write_offs().map(|w| w.date));
        let mut range: Option<Period> = None;
        for d in dates {
            range = Some(match range {
                None => Period { from: d, to: d },
                Some(r) => Period {
                    from: r.from.min(d),
                    to: r.to.max(d),
                },
            });
        }
        range
    }

    /// What a report over `period` must say: that the ledger holds no figures
    /// before its earliest opening date, when the period starts before it.
    pub fn warnings(&self, period: Period) -> Vec<String> {
        match self.book.earliest_opening() {
            Some(o) if period.from < o => vec![format!(
                "The ledger holds no figures before {o}: pledges made earlier are carried in at their opening date with what was outstanding then, and money received earlier is not in it."
            )],
            _ => vec![],
        }
    }

    /// The head of a report over `period` whose USD figures `conv` converted: fails
    /// naming every missing rate (or, with `--strict-rates`, every stale one).
    /// Call it once every figure is converted.
    pub(crate) fn head(&self, period: Period, conv: &Conv) -> Result<ReportHead, ReportError> {
        let warnings = conv.finish(self.strict_rates, self.warnings(period))?;
        Ok(self.head_with(period, Some("USD"), warnings))
    }

    /// The head of a report over `period` that converts nothing: its amounts stay in
    /// their own currencies.
    pub(crate) fn head_unconverted(&self, period: Period) -> ReportHead {
        self.head_with(period, None, self.warnings(period))
    }

    /// The head with this source's ledger head, cut-off and limits.
    fn head_with(
        &self,
        period: Period,
        currency: Option<&'static str>,
        warnings: Vec<String>,
    ) -> ReportHead {
        ReportHead {
            ledger: self.ledger.clone(),
            period,
            as_of: self.as_of.clone(),
            donor: self.only_donor.clone(),
            scope: self.scope.clone(),
            currency,
            warnings,
        }
    }

    /// Resolves a period request against this ledger.
    pub fn period(&self, spec: PeriodSpec) -> Result<Period, ReportError> {
        self.period_over(spec, self.value_dates())
    }

    /// Resolves a period request against a ledger whose first and last value dates
    /// are `whole` (none when it holds no money entries): what `period` does for a
    /// ledger read in groups, whose book alone does not hold them all.
    pub fn period_over(
        &self,
        spec: PeriodSpec,
        whole: Option<Period>,
    ) -> Result<Period, ReportError> {
        let bad = |m: String| ReportError::BadPeriod(m);
        match spec {
            PeriodSpec::Year(y) => Period::year(y).ok_or_else(|| bad(format!("year {y}"))),
            PeriodSpec::Quarter(y, q) => Period::quarter(y, q)
                .ok_or_else(|| bad(format!("--quarter: {q} is not a quarter (1 to 4)"))),
            PeriodSpec::Whole => whole.ok_or(ReportError::Empty(as_of_note(self))),
            PeriodSpec::Range(from, to) => {
                let from = from.or(whole.map(|w| w.from));
                let to = to.or(whole.map(|w| w.to));
                match (from, to) {
                    (Some(f), Some(t)) if f <= t => Ok(Period { from: f, to: t }),
                    (Some(f), Some(t)) => Err(bad(format!(
                        "--from {f} is after --to {t}; the period would be empty"
                    ))),
                    _ => Err(ReportError::Empty(as_of_note(self))),
                }
            }
        }
    }
}

fn as_of_note(s: &Source) -> &'static str {
    if s.as_of.is_some() { " as of then" } else { "" }
}

/// One rate of exchange a report used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateUsed {
    pub currency: String,
    pub effective: NaiveDate,
    pub per_usd: String,
}

/// Converts to USD by the one rule (per entry, rounded) and remembers which rates
/// (currency, effective date) it used, so a report can name its rate source; which
/// of them were older than a month for the date they served (stale); and every rate
/// that was missing, so that a report fails naming them all at once (`finish`).
pub(crate) struct Conv<'a> {
    rates: &'a Rates,
    used: RefCell<BTreeSet<(Currency, NaiveDate)>>,
    /// The rate last added to `used`.
    last_used: Cell<Option<(Currency, NaiveDate)>>,
    /// (currency, effective date) -> (first, last date it served, how many figures).
    stale: RefCell<BTreeMap<(Currency, NaiveDate), Served>>,
    /// (currency, first of the month) -> the earliest date a rate was wanted for.
    missing: RefCell<BTreeMap<(Currency, NaiveDate), NaiveDate>>,
}

/// The first and last date a stale rate served, and how many figures it served.
type Served = (NaiveDate, NaiveDate, u64);

/// A rate older than this many days before the date it is used for is stale: UN
/// operational rates are set monthly.
pub const STALE_DAYS: i64 = 31;

impl<'a> Conv<'a> {
    pub fn new(rates: &'a Rates) -> Conv<'a> {
        Conv {
            rates,
            used: RefCell::new(BTreeSet::new()),
            last_used: Cell::new(None),
            stale: RefCell::new(BTreeMap::new()),
            missing: RefCell::new(BTreeMap::new()),
        }
    }

    /// A converter by the same rates that has used none yet: for work done on another
    /// thread, given back with `absorb`.
    pub fn fork(&self) -> Conv<'a> {
        Conv::new(self.rates)
    }

    /// Takes in what a fork used, found stale and found missing, as if this converter
    /// had done its conversions (every record here is a set, a min, a max or a count).
    pub fn absorb(&self, other: Conv<'a>) {
        self.used.borrow_mut().extend(other.used.into_inner());
        let mut stale = self.stale.borrow_mut();
        for (k, (first, last, count)) in other.stale.into_inner() {
            let e = stale.entry(k).or_insert((first, last, 0));
            e.0 = e.0.min(first);
            e.1 = e.1.max(last);
            e.2 += count;
        }
        let mut missing = self.missing.borrow_mut();
        for (k, date) in other.missing.into_inner() {
            let e = missing.entry(k).or_insert(date);
            *e = (*e).min(date);
        }
    }

    /// Notes that the rate effective on `eff` served `date`.
    fn served(&self, currency: Currency, eff: NaiveDate, date: NaiveDate) {
        // Most figures in a row use the rate the one before used: skip the set then.
        if self.last_used.get() != Some((currency, eff)) {
            self.used.borrow_mut().insert((currency, eff));
            self.last_used.set(Some((currency, eff)));
        }
        if (date - eff).num_days() > STALE_DAYS {
            let mut stale = self.stale.borrow_mut();
            let e = stale.entry((currency, eff)).or_insert((date, date, 0));
            e.0 = e.0.min(date);
            e.1 = e.1.max(date);
            e.2 += 1;
        }
    }

    /// Notes a missing rate; the report fails in `finish`.
    fn lacks(&self, currency: Currency, date: NaiveDate) {
        let month = date.with_day(1).unwrap_or(date);
        let mut missing = self.missing.borrow_mut();
        let e = missing.entry((currency, month)).or_insert(date);
        *e = (*e).min(date);
    }

    /// `amount` in USD at the rate in force on `date`. A missing rate is noted and
    /// counts as zero until `finish` fails the report.
    pub fn usd(
        &self,
        amount: Decimal,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<Usd, MissingRate> {
        if currency == Currency::USD {
            return Ok(Usd(Currency::USD.round(amount)));
        }
        // The one lookup that also names the rate used.
        match self.rates.in_force(currency, date) {
            Some((eff, rate)) => {
                self.served(currency, eff, date);
                Ok(Usd(crate::domain::rates::usd_at(amount, rate)))
            }
            None => {
                self.lacks(currency, date);
                Ok(Usd::ZERO)
            }
        }
    }

    /// Notes the rate in force at `date` as used, as `usd` would, without converting
    /// anything; a missing one is noted the same way.
    pub fn note(&self, currency: Currency, date: NaiveDate) -> Result<(), MissingRate> {
        if currency == Currency::USD {
            return Ok(());
        }
        match self.rates.effective_date(currency, date) {
            Some(eff) => self.served(currency, eff, date),
            None => self.lacks(currency, date),
        }
        Ok(())
    }

    /// The end of every report: fails naming every missing rate; else, with
    /// `strict`, fails naming every stale one; else returns the report's warnings
    /// (`earlier`, then one line per stale rate).
    pub fn finish(&self, strict: bool, earlier: Vec<String>) -> Result<Vec<String>, ReportError> {
        let missing = self.missing.borrow();
        if !missing.is_empty() {
            return Err(ReportError::MissingRates(MissingRates(
                missing.iter().map(|((c, m), d)| (*c, *m, *d)).collect(),
            )));
        }
        let stale: Vec<String> = self
            .stale
            .borrow()
            .iter()
            .map(|((c, eff), (first, last, count))| {
                let rate = self
                    .rates
                    .rate(*c, *eff)
                    .map(|r| r.normalize().to_string())
                    .unwrap_or_default();
                let span = if first == last {
                    format!("dated {last}")
                } else {
                    format!("dated {first} to {last}")
                };
                format!(
                    "Stale rate: {c} needed for {last}, but the latest rate is {c} {rate} per USD from {eff}, more than {STALE_DAYS} days earlier (UN operational rates are set monthly); {count} figure{} {span} use{} it. Record the rate of each month with `ledger record rate --currency {c} --per-usd X --date {}`.",
                    if *count == 1 { "" } else { "s" },
                    if *count == 1 { "s" } else { "" },
                    last.with_day(1).unwrap_or(*last),
                )
            })
            .collect();
        if strict && !stale.is_empty() {
            return Err(ReportError::StaleRates(stale.join("\n")));
        }
        let mut w = earlier;
        w.extend(stale);
        Ok(w)
    }

    /// The rate in force at `date` for each currency this converter has used.
    pub fn closing(&self, date: NaiveDate) -> Vec<RateUsed> {
        let currencies: BTreeSet<Currency> = self.used.borrow().iter().map(|(c, _)| *c).collect();
        currencies
            .into_iter()
            .filter_map(|c| {
                let eff = self.rates.effective_date(c, date)?;
                Some(RateUsed {
                    currency: c.code().to_string(),
                    effective: eff,
                    per_usd: self.rates.rate(c, eff).ok()?.normalize().to_string(),
                })
            })
            .collect()
    }

    pub fn used(&self) -> Vec<RateUsed> {
        self.used
            .borrow()
            .iter()
            .map(|(c, d)| RateUsed {
                currency: c.code().to_string(),
                effective: *d,
                per_usd: self
                    .rates
                    .rate(*c, *d)
                    .map(|r| r.normalize().to_string())
                    .unwrap_or_default(),
            })
            .collect()
    }
}

/// `part` as a percentage of `whole`, one decimal, half away from zero; none of nothing.
pub fn percent(part: Usd, whole: Usd) -> Option<String> {
    if whole.is_zero() {
        return None;
    }
    let p = (part.0 * Decimal::ONE_HUNDRED / whole.0)
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let mut p = p;
    p.rescale(1);
    Some(p.to_string())
}

/// Change from `prior` to `now` in per cent; none when there was nothing before.
pub fn change(now: Usd, prior: Usd) -> Option<String> {
    percent(now - prior, Usd(prior.0.abs()))
}

/// "2009-Q3"
pub fn quarter_label(d: NaiveDate) -> String {
    format!("{}-Q{}", d.year(), d.month0() / 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::{Code, Currency, InCurrency, Usd, change, percent};
    use rust_decimal::Decimal;

    #[test]
    fn a_share_rounds_half_away_from_zero_and_a_zero_share_has_no_sign() {
        let usd = |s: &str| Usd(s.parse::<Decimal>().unwrap());
        assert_eq!(percent(usd("1.00"), usd("3.00")).as_deref(), Some("33.3"));
        assert_eq!(percent(usd("1.00"), usd("8.00")).as_deref(), Some("12.5"));
        assert_eq!(percent(usd("-1.00"), usd("8.00")).as_deref(), Some("-12.5"));
        // A share that rounds to zero from below is zero.
        assert_eq!(
            percent(usd("-0.01"), usd("1000.00")).as_deref(),
            Some("0.0")
        );
        assert_eq!(percent(-usd("0.00"), usd("8.00")).as_deref(), Some("0.0"));
        assert_eq!(percent(usd("5.00"), usd("0.00")), None);
        assert_eq!(change(usd("10.00"), usd("10.00")).as_deref(), Some("0.0"));
    }

    #[test]
    fn an_amount_in_its_currency_is_written_with_its_minor_units() {
        let c = |code: &str| Currency::lookup(code).unwrap();
        for (amount, code, written) in [
            ("1000", "EUR", "1000.00"),
            ("749.5", "EUR", "749.50"),
            ("500000", "JPY", "500000"),
            ("1.5", "KWD", "1.500"),
            ("-0.00", "USD", "0.00"),
        ] {
            let a = InCurrency {
                amount: amount.parse().unwrap(),
                currency: c(code),
            };
            assert_eq!(a.to_string(), written);
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{written}\""));
            assert_eq!(
                serde_json::to_string(&Code(c(code))).unwrap(),
                format!("\"{code}\"")
            );
        }
    }
}
