//! The quarterly funding status report: the quarter and the year to date, the same
//! quarter a year earlier, by donor and by mandate, the general-purpose /
//! special-purpose split, the largest donors, overdue pledges with ageing,
//! unrealised exchange differences, and the eight quarters the charts draw.
//!
//! Pure aggregation over `figures`; prints nothing.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::figures::{Figures, Tally, Want, outstanding_usd, tallies};
use super::listed::{Bytes, Fixed, Listed, Names, Put};
pub use super::overdue::{Ageing, BUCKETS, NO_DUE_DATE, Overdue};
use super::overdue::{OverdueAt, OverdueRows};
use super::rows::{DonorRow, MandateRow, donor_rows, mandate_rows};
use super::{
    Code, Conv, InCurrency, Period, RateUsed, ReportError, ReportHead, Source, Usd, change, percent,
};
use crate::domain::entry::Name;

pub const RATE_SOURCE: &str = "UN operational rates of exchange";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QuarterTotals {
    /// Net of reductions, as `Figures::pledged`.
    pub pledged_quarter: Usd,
    pub paid_quarter: Usd,
    pub pledged_year_to_date: Usd,
    pub paid_year_to_date: Usd,
    pub outstanding: Usd,
    pub reduced_quarter: Usd,
    pub written_off_quarter: Usd,
    pub reduced_year_to_date: Usd,
    pub written_off_year_to_date: Usd,
    /// `outstanding` split: due within 12 months of the quarter's end (or overdue,
    /// or undated), and due later.
    pub current: Usd,
    pub non_current: Usd,
    /// Instalments of conditional agreements not yet recognised at the quarter's end.
    pub conditional: Usd,
}

/// Change from the same quarter a year earlier, in per cent (null: nothing then).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QuarterChange {
    pub pledged_quarter: Option<String>,
    pub paid_quarter: Option<String>,
    pub pledged_year_to_date: Option<String>,
    pub paid_year_to_date: Option<String>,
    pub outstanding: Option<String>,
    pub reduced_quarter: Option<String>,
    pub written_off_quarter: Option<String>,
    pub reduced_year_to_date: Option<String>,
    pub written_off_year_to_date: Option<String>,
    pub current: Option<String>,
    pub non_current: Option<String>,
    pub conditional: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Split {
    pub general_purpose: Usd,
    pub special_purpose: Usd,
    pub general_purpose_share: Option<String>,
    pub special_purpose_share: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GpSp {
    pub quarter: Split,
    pub year_to_date: Split,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LargestDonor {
    pub donor: String,
    pub name: String,
    pub paid_year_to_date: Usd,
    pub pledged_year_to_date: Usd,
    /// Share of the year's paid.
    pub share: Option<String>,
    /// Share of the year's pledged.
    pub pledged_share: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExchangeDifference {
    pub seq: u64,
    pub donor: Name,
    pub currency: Code,
    pub outstanding_in_currency: InCurrency,
    pub at_pledge_rate: Usd,
    pub at_closing_rate: Usd,
    pub difference: Usd,
}

impl Fixed for ExchangeDifference {
    const SIZE: usize = 79;

    fn put(&self, names: &mut Names, out: &mut Vec<u8>) {
        out.extend(self.seq.to_le_bytes());
        out.extend(names.id(&self.donor).to_le_bytes());
        out.currency(self.currency.0);
        out.extend(self.outstanding_in_currency.amount.serialize());
        for usd in [self.at_pledge_rate, self.at_closing_rate, self.difference] {
            out.extend(usd.0.serialize());
        }
    }

    fn take(b: &mut Bytes<'_>, names: &Names) -> Option<ExchangeDifference> {
        let seq = b.u64();
        let donor = names.name(b.u32())?;
        let currency = b.currency()?;
        let amount = b.decimal();
        Some(ExchangeDifference {
            seq,
            donor,
            currency: Code(currency),
            outstanding_in_currency: InCurrency { amount, currency },
            at_pledge_rate: Usd(b.decimal()),
            at_closing_rate: Usd(b.decimal()),
            difference: Usd(b.decimal()),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarterBar {
    pub quarter: String,
    pub pledged: Usd,
    pub paid: Usd,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateSource {
    pub source: &'static str,
    /// The rate in force at the quarter's end for each currency used (closing rates).
    pub closing: Vec<RateUsed>,
    /// Every rate any figure of the report was converted at.
    pub used: Vec<RateUsed>,
}

#[derive(Debug, Serialize)]
pub struct Quarterly {
    pub report: &'static str,
    /// The ledger head, period, cut-off, limits, currency and warnings.
    #[serde(flatten)]
    pub head: ReportHead,
    pub title: String,
    pub year: i32,
    pub quarter: u32,
    pub rates: RateSource,
    pub totals: QuarterTotals,
    pub prior_year: QuarterTotals,
    pub change_percent: QuarterChange,
    pub by_donor: Vec<DonorRow>,
    pub by_mandate: Vec<MandateRow>,
    /// The totals row of `by_donor` and `by_mandate` (the same figures).
    pub quarter_figures: super::Figures,
    pub gp_sp: GpSp,
    /// The ten largest donors of the year to date by paid.
    pub largest_donors: Vec<LargestDonor>,
    /// The ten largest donors of the year to date by pledged.
    pub largest_donors_by_pledged: Vec<LargestDonor>,
    /// Overdue pledges, small balances left out; pledges without a due date pledged
    /// over a year ago last (bucket `NO_DUE_DATE`).
    pub overdue: Listed<Overdue>,
    pub ageing: Vec<Ageing>,
    /// The totals row of `ageing` (`bucket` is "total").
    pub ageing_total: Ageing,
    /// Overdue balances at or below `small_balance_tolerance` USD at the closing
    /// rate (likely bank charges), set apart from `overdue` and `ageing`.
    pub small_balances: Listed<Overdue>,
    /// Their count and total (`bucket` is "total").
    pub small_balances_total: Ageing,
    /// The tolerance in USD; "0.00" when small balances are not set apart.
    pub small_balance_tolerance: Usd,
    pub exchange_differences: Listed<ExchangeDifference>,
    /// The sum of `exchange_differences`' differences.
    pub exchange_difference_total: Usd,
    pub quarters: Vec<QuarterBar>,
    pub footnotes: Vec<String>,
}

fn split(paid_gp: Usd, paid_sp: Usd) -> Split {
    let total = paid_gp + paid_sp;
    let gp_share = percent(paid_gp, total);
    Split {
        general_purpose: paid_gp,
        special_purpose: paid_sp,
        special_purpose_share: percent(paid_sp, total),
        general_purpose_share: gp_share,
    }
}

fn bad_quarter(q: u32) -> ReportError {
    ReportError::BadPeriod(format!("--quarter: {q} is not a quarter (1 to 4)"))
}

/// The quarterly report of quarter `q` of `year`.
pub fn quarterly(src: &Source, year: i32, q: u32) -> Result<Quarterly, ReportError> {
    let conv = Conv::new(&src.book.rates);
    let wants = wants(year, q)?;
    let (all, od, fx) = gather(src, &conv, &wants)?;
    assemble(
        src,
        &conv,
        year,
        q,
        &wants,
        all,
        od.finish(),
        Listed::Held(fx),
    )
}

impl Quarterly {
    /// Why a row of a list kept on disk could not be read back while the report
    /// was written, if one could not: the report written is then not whole.
    pub fn failure(&self) -> Option<String> {
        self.overdue
            .failure()
            .or_else(|| self.small_balances.failure())
            .or_else(|| self.exchange_differences.failure())
    }
}

/// What a quarterly report is made of, of one book: its tallies (one per want), its
/// overdue pledges, and its exchange differences (in entry-number order).
pub(crate) type Parts<'a> = (Vec<Tally<'a>>, OverdueRows, Vec<ExchangeDifference>);

/// Gathers from `src` what the quarterly report of `wants` is made of.
pub(crate) fn gather<'a>(
    src: &Source<'a>,
    conv: &Conv,
    wants: &[Want],
) -> Result<Parts<'a>, ReportError> {
    let period = wants[0].period;
    // The overdue pledges and the exchange differences on a second thread while
    // this one tallies: each converts with its own converter, and what the two used
    // is merged (sets and counts, so in any order) before the report names its rates.
    let (all, (od, fx, side)) = std::thread::scope(|s| {
        let side = conv.fork();
        let open = s.spawn(move || {
            let mut od = OverdueRows::default();
            let od = od
                .collect(src, &side, period.to, src.tolerance)
                .map(|()| od);
            let fx = exchange_differences(src, &side, period.to);
            (od, fx, side)
        });
        let all = tallies(src, conv, wants);
        (
            all,
            open.join()
                .expect("the overdue pledges' reading does not panic"),
        )
    });
    conv.absorb(side);
    Ok((all?, od?, fx?))
}

/// The quarterly report of quarter `q` of `year` from what was gathered (`all`,
/// `od`, `fx`, converted by `conv`); `src` gives the registers, the head and the
/// tolerance.
#[allow(clippy::too_many_arguments)]
pub(crate) fn assemble(
    src: &Source,
    conv: &Conv,
    year: i32,
    q: u32,
    wants: &[Want],
    all: Vec<Tally>,
    od: OverdueAt,
    fx: Listed<ExchangeDifference>,
) -> Result<Quarterly, ReportError> {
    let period = wants[0].period;
    let fx_total = fx.iter().map(|x| x.difference).sum();
    if let Some(e) = fx.failure() {
        return Err(ReportError::Spill(e));
    }
    let mut all = all.into_iter();
    let (tq, ty) = (all.next().expect("quarter"), all.next().expect("year"));
    let (pq, py) = (all.next().expect("prior"), all.next().expect("prior year"));
    let now = totals(&tq.total, &ty.total);
    let prior = totals(&pq.total, &py.total);
    let (largest, by_pledged) = largest_donors(src, &ty);
    let quarters = wants[4..]
        .iter()
        .zip(all)
        .map(|(w, t)| QuarterBar {
            quarter: super::quarter_label(w.period.from),
            pledged: t.total.pledged,
            paid: t.total.paid,
        })
        .collect();

    Ok(Quarterly {
        report: "quarterly",
        head: src.head(period, conv)?,
        title: format!("Voluntary contributions to UNODC: funding status, Q{q} {year}"),
        year,
        quarter: q,
        totals: now,
        change_percent: changes(&now, &prior),
        prior_year: prior,
        by_donor: donor_rows(src, &tq),
        by_mandate: mandate_rows(src, &tq),
        quarter_figures: tq.total,
        gp_sp: GpSp {
            quarter: split(tq.total.paid_unearmarked, tq.total.paid_earmarked),
            year_to_date: split(ty.total.paid_unearmarked, ty.total.paid_earmarked),
        },
        largest_donors: largest,
        largest_donors_by_pledged: by_pledged,
        overdue: od.overdue,
        ageing: od.ageing,
        ageing_total: od.ageing_total,
        small_balances: od.small_balances,
        small_balances_total: od.small_balances_total,
        small_balance_tolerance: src.tolerance,
        exchange_difference_total: fx_total,
        exchange_differences: fx,
        quarters,
        footnotes: footnotes(period.to),
        rates: RateSource {
            source: RATE_SOURCE,
            closing: conv.closing(period.to),
            used: conv.used(),
        },
    })
}

/// Every period the report needs, for one pass: the quarter and the year to date
/// with rows, the same a year earlier as totals, and the last eight quarters
/// (oldest first, ending with this one) for the charts.
pub(crate) fn wants(year: i32, q: u32) -> Result<Vec<Want>, ReportError> {
    let period = Period::quarter(year, q).ok_or_else(|| bad_quarter(q))?;
    let ytd = Period {
        from: NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| bad_quarter(q))?,
        to: period.to,
    };
    let prior_quarter = Period::quarter(year - 1, q).ok_or_else(|| bad_quarter(q))?;
    let prior_ytd = Period {
        from: NaiveDate::from_ymd_opt(year - 1, 1, 1).ok_or_else(|| bad_quarter(q))?,
        to: prior_quarter.to,
    };
    let mut wants = vec![
        Want::full(period),
        Want::full(ytd),
        Want {
            rows: false,
            ..Want::full(prior_quarter)
        },
        Want {
            rows: false,
            ..Want::full(prior_ytd)
        },
    ];
    for back in (0..8).rev() {
        let idx = year * 4 + q as i32 - 1 - back;
        let (y, qq) = (idx.div_euclid(4), idx.rem_euclid(4) as u32 + 1);
        wants.push(Want {
            period: Period::quarter(y, qq).ok_or_else(|| bad_quarter(qq))?,
            rows: false,
            outstanding: false,
        });
    }
    Ok(wants)
}

/// The headline totals of a quarter and of the year to date that ends with it.
fn totals(quarter: &Figures, ytd: &Figures) -> QuarterTotals {
    QuarterTotals {
        pledged_quarter: quarter.pledged,
        paid_quarter: quarter.paid,
        pledged_year_to_date: ytd.pledged,
        paid_year_to_date: ytd.paid,
        outstanding: quarter.outstanding,
        reduced_quarter: quarter.reduced,
        written_off_quarter: quarter.written_off,
        reduced_year_to_date: ytd.reduced,
        written_off_year_to_date: ytd.written_off,
        current: quarter.current,
        non_current: quarter.non_current,
        conditional: quarter.conditional,
    }
}

/// Each headline total's change from a year earlier, in per cent.
fn changes(now: &QuarterTotals, prior: &QuarterTotals) -> QuarterChange {
    QuarterChange {
        pledged_quarter: change(now.pledged_quarter, prior.pledged_quarter),
        paid_quarter: change(now.paid_quarter, prior.paid_quarter),
        pledged_year_to_date: change(now.pledged_year_to_date, prior.pledged_year_to_date),
        paid_year_to_date: change(now.paid_year_to_date, prior.paid_year_to_date),
        outstanding: change(now.outstanding, prior.outstanding),
        reduced_quarter: change(now.reduced_quarter, prior.reduced_quarter),
        written_off_quarter: change(now.written_off_quarter, prior.written_off_quarter),
        reduced_year_to_date: change(now.reduced_year_to_date, prior.reduced_year_to_date),
        written_off_year_to_date: change(
            now.written_off_year_to_date,
            prior.written_off_year_to_date,
        ),
        current: change(now.current, prior.current),
        non_current: change(now.non_current, prior.non_current),
        conditional: change(now.conditional, prior.conditional),
    }
}

/// The ten largest donors of the year to date by paid (the rows' order), and the
/// ten largest by pledged.
fn largest_donors(src: &Source, ty: &Tally) -> (Vec<LargestDonor>, Vec<LargestDonor>) {
    let ranked: Vec<LargestDonor> = donor_rows(src, ty)
        .into_iter()
        .filter(|r| !r.figures.paid.is_zero() || !r.figures.pledged.is_zero())
        .map(|r| LargestDonor {
            share: percent(r.figures.paid, ty.total.paid),
            pledged_share: percent(r.figures.pledged, ty.total.pledged),
            donor: r.donor,
            name: r.name,
            paid_year_to_date: r.figures.paid,
            pledged_year_to_date: r.figures.pledged,
        })
        .collect();
    let mut by_pledged = ranked.clone();
    by_pledged.sort_by(|a, b| {
        b.pledged_year_to_date
            .cmp(&a.pledged_year_to_date)
            .then_with(|| a.donor.cmp(&b.donor))
    });
    by_pledged.truncate(10);
    let mut largest = ranked;
    largest.truncate(10);
    (largest, by_pledged)
}

/// Each pledge outstanding at `d` whose USD value at the closing rate differs from
/// its value at the rate it entered the books at.
fn exchange_differences(
    src: &Source,
    conv: &Conv,
    d: NaiveDate,
) -> Result<Vec<ExchangeDifference>, ReportError> {
    let mut fx = Vec::new();
    for p in src.book.live_pledges().filter(|p| p.date <= d) {
        let left = src.settlement.outstanding(p, d);
        if left.is_zero() {
            continue;
        }
        let closing = outstanding_usd(src, conv, p, d)?;
        // Measured from the USD value the pledge entered the books at.
        let at_pledge = conv.usd(left, p.currency, p.counted_on())?;
        if at_pledge != closing {
            fx.push(ExchangeDifference {
                seq: p.seq,
                donor: p.donor.clone(),
                currency: Code(p.currency),
                outstanding_in_currency: InCurrency {
                    amount: left,
                    currency: p.currency,
                },
                at_pledge_rate: at_pledge,
                at_closing_rate: closing,
                difference: closing - at_pledge,
            });
        }
    }
    Ok(fx)
}

/// The report's footnotes: the rates used, and what paid, outstanding and overdue
/// mean.
fn footnotes(to: NaiveDate) -> Vec<String> {
    vec![
        format!(
            "Amounts in US dollars at {RATE_SOURCE}: pledges at the pledge-date rate, payments and refunds at the value-date rate, outstanding at the rate of {} (closing rate).",
            to
        ),
        "Paid is payments received minus refunds (net paid); outstanding (contributions receivable) is what remains on pledges dated up to the quarter's end after payments, reductions and write-offs dated up to then; unpledged is a receipt applied to no pledge.".to_string(),
        "Overdue: pledges past their due date, and pledges without a due date pledged over a year ago; balances at or below the small-balance tolerance (likely bank charges) are listed apart so that they can be written off.".to_string(),
        "Unaudited.".to_string(),
    ]
}

/// The year and quarter of a date.
pub fn quarter_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month0() / 3 + 1)
}
