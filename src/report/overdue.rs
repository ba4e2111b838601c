//! Overdue pledges at a date: the ageing buckets, pledges without a due date that were
//! pledged over a year ago, and the small balances (residues at or below a tolerance,
//! likely bank charges) set apart from both so that they can be written off.
//!
//! Outstanding itself is not changed here: a small balance is still outstanding; it is
//! only listed on its own instead of being chased as an arrear.

use chrono::NaiveDate;
use serde::Serialize;

use super::figures::outstanding_usd;
use super::listed::{Bytes, Fixed, Listed, Names, Put, Spill};
use super::{Code, Conv, InCurrency, ReportError, Source, Usd};
use crate::domain::entry::Name;

/// The ageing buckets, in order; the last holds pledges without a due date.
pub const BUCKETS: [&str; 4] = ["1-90", "91-365", "over 365", NO_DUE_DATE];

/// The bucket of a pledge without a due date pledged more than 365 days earlier.
pub const NO_DUE_DATE: &str = "no due date, pledged over a year ago";

/// The default tolerance for small balances, in USD at the closing rate.
pub const DEFAULT_TOLERANCE: rust_decimal::Decimal = rust_decimal::Decimal::ONE_HUNDRED;

/// One overdue pledge. No text of its own (the codes are shared with the book, the
/// amount a number): a report can list millions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overdue {
    pub seq: u64,
    pub donor: Name,
    pub mandate: Name,
    /// None for a pledge without a due date (bucket `NO_DUE_DATE`).
    pub due: Option<NaiveDate>,
    /// Days since the due date; none without a due date.
    pub days_overdue: Option<i64>,
    pub bucket: &'static str,
    pub currency: Code,
    /// In the pledge's currency.
    pub outstanding_in_currency: InCurrency,
    /// In USD at the closing rate.
    pub outstanding: Usd,
    /// The pledge date, and the days from it to the report date.
    pub pledged_on: NaiveDate,
    pub days_since_pledge: i64,
}

impl Fixed for Overdue {
    const SIZE: usize = 76;

    fn put(&self, names: &mut Names, out: &mut Vec<u8>) {
        out.extend(self.seq.to_le_bytes());
        out.extend(names.id(&self.donor).to_le_bytes());
        out.extend(names.id(&self.mandate).to_le_bytes());
        out.date(self.due);
        out.extend(self.days_overdue.unwrap_or(i64::MIN).to_le_bytes());
        let bucket = BUCKETS.iter().position(|b| *b == self.bucket);
        out.push(bucket.map_or(u8::MAX, |b| b as u8));
        out.currency(self.currency.0);
        out.extend(self.outstanding_in_currency.amount.serialize());
        out.extend(self.outstanding.0.serialize());
        out.date(Some(self.pledged_on));
        out.extend(self.days_since_pledge.to_le_bytes());
    }

    fn take(b: &mut Bytes<'_>, names: &Names) -> Option<Overdue> {
        let seq = b.u64();
        let donor = names.name(b.u32())?;
        let mandate = names.name(b.u32())?;
        let due = b.date();
        let days_overdue = Some(b.i64()).filter(|d| *d != i64::MIN);
        let bucket = *BUCKETS.get(usize::from(b.u8()))?;
        let currency = b.currency()?;
        let amount = b.decimal();
        Some(Overdue {
            seq,
            donor,
            mandate,
            due,
            days_overdue,
            bucket,
            currency: Code(currency),
            outstanding_in_currency: InCurrency { amount, currency },
            outstanding: Usd(b.decimal()),
            pledged_on: b.date()?,
            days_since_pledge: b.i64(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ageing {
    pub bucket: &'static str,
    pub pledges: u64,
    pub outstanding: Usd,
}

/// What is overdue at a date, with small balances set apart.
#[derive(Debug)]
pub struct OverdueAt {
    /// Most days first; pledges without a due date last, oldest first.
    pub overdue: Listed<Overdue>,
    pub ageing: Vec<Ageing>,
    pub ageing_total: Ageing,
    /// Residues at or below the tolerance, in the same order.
    pub small_balances: Listed<Overdue>,
    pub small_balances_total: Ageing,
}

/// The order of the overdue list: dated first, most days overdue first; then
/// undated, oldest pledge first (each pledge once, so the order is total).
fn order(o: &Overdue) -> (bool, i64, u64) {
    match o.days_overdue {
        Some(days) => (false, -days, o.seq),
        None => (true, -o.days_since_pledge, o.seq),
    }
}

fn bucket(days: i64) -> &'static str {
    match days {
        ..=90 => BUCKETS[0],
        91..=365 => BUCKETS[1],
        _ => BUCKETS[2],
    }
}

fn total(rows: &[Ageing]) -> Ageing {
    Ageing {
        bucket: "total",
        pledges: rows.iter().map(|a| a.pledges).sum(),
        outstanding: rows.iter().map(|a| a.outstanding).sum(),
    }
}

/// Overdue pledges and small balances as they are found, in any order: of one
/// book, or of several books of different donors (a ledger read in groups).
#[derive(Debug, Default)]
pub(crate) struct OverdueRows {
    overdue: Vec<Overdue>,
    small: Vec<Overdue>,
}

impl OverdueRows {
    /// Adds the overdue pledges of `src`'s book at the end of `d`.
    pub(crate) fn collect(
        &mut self,
        src: &Source,
        conv: &Conv,
        d: NaiveDate,
        tolerance: Usd,
    ) -> Result<(), ReportError> {
        for p in src.book.live_pledges().filter(|p| p.date <= d) {
            let left = src.settlement.outstanding(p, d);
            if left.is_zero() {
                continue;
            }
            let since = (d - p.date).num_days();
            let (days, b) = match p.due {
                Some(due) if due < d => {
                    let days = (d - due).num_days();
                    (Some(days), bucket(days))
                }
                Some(_) => continue,
                None if since > 365 => (None, NO_DUE_DATE),
                None => continue,
            };
            let closing = outstanding_usd(src, conv, p, d)?;
            let row = Overdue {
                seq: p.seq,
                donor: p.donor.clone(),
                mandate: p.mandate.clone(),
                due: p.due,
                days_overdue: days,
                bucket: b,
                currency: Code(p.currency),
                outstanding_in_currency: InCurrency {
                    amount: left,
                    currency: p.currency,
                },
                outstanding: closing,
                pledged_on: p.date,
                days_since_pledge: since,
            };
            if tolerance > Usd::ZERO && closing <= tolerance {
                self.small.push(row);
            } else {
                self.overdue.push(row);
            }
        }
        Ok(())
    }

    /// The rows of the overdue list and of the small balances, each in order.
    pub(crate) fn sorted(self) -> (Vec<Overdue>, Vec<Overdue>) {
        let OverdueRows {
            mut overdue,
            mut small,
        } = self;
        // The order is total (each pledge once): a sort in place gives it.
        overdue.sort_unstable_by_key(order);
        small.sort_unstable_by_key(order);
        (overdue, small)
    }

    /// The rows in order, the ageing and the totals.
    pub(crate) fn finish(self) -> OverdueAt {
        let (overdue, small) = self.sorted();
        OverdueAt::of(Listed::Held(overdue), Listed::Held(small))
    }

    /// The rows of several books, each book's sorted and written to `overdue` and
    /// `small` as a run (`sorted`), merged in order; the ageing and the totals.
    pub(crate) fn finish_spilled(
        overdue: Spill<Overdue>,
        small: Spill<Overdue>,
    ) -> std::io::Result<OverdueAt> {
        let at = OverdueAt::of(overdue.merge(order)?, small.merge(order)?);
        match at.overdue.failure().or(at.small_balances.failure()) {
            Some(e) => Err(std::io::Error::other(e)),
            None => Ok(at),
        }
    }
}

impl OverdueAt {
    /// The ageing and totals of `overdue` and `small`, each in order.
    fn of(overdue: Listed<Overdue>, small: Listed<Overdue>) -> OverdueAt {
        let mut ageing: Vec<Ageing> = BUCKETS
            .iter()
            .map(|b| Ageing {
                bucket: b,
                pledges: 0,
                outstanding: Usd::ZERO,
            })
            .collect();
        for o in overdue.iter() {
            if let Some(a) = ageing.iter_mut().find(|a| a.bucket == o.bucket) {
                a.pledges += 1;
                a.outstanding += o.outstanding;
            }
        }
        let small_total = Ageing {
            bucket: "total",
            pledges: small.len() as u64,
            outstanding: small.iter().map(|o| o.outstanding).sum(),
        };
        OverdueAt {
            ageing_total: total(&ageing),
            overdue,
            ageing,
            small_balances: small,
            small_balances_total: small_total,
        }
    }
}

#[cfg(test)]
mod tests {
    /// A ledger read in groups can list millions of overdue pledges and exchange
    /// differences: each row holds no text of its own and stays this small.
    #[test]
    fn a_row_of_the_long_lists_is_compact() {
        assert!(std::mem::size_of::<super::Overdue>() <= 128);
        assert!(std::mem::size_of::<super::super::quarterly::ExchangeDifference>() <= 96);
    }
}
