//! The reconciliation of a donor statement: from the outstanding (contributions
//! receivable) the day before the period to the outstanding on its last day, one term
//! a line, in each currency and in USD:
//!
//! ```text
//! opening outstanding + pledged + carried in − reduced − written off − received
//!   + refunded + not applied to a pledge + paid for pledges in other currencies
//!   − settled by payments in other currencies ± exchange difference
//!   = closing outstanding
//! ```
//!
//! "Not applied to a pledge" is the unpledged part of receipts less refunds (a refund
//! reopens no pledge). The two cross-currency terms move a payment from the column of
//! its currency to the column of the pledge it settled. In a currency's own column the
//! exchange difference is zero; in USD it is what settling pledges at other rates than
//! they were counted at (realised) and valuing what is left at the closing rate
//! (unrealised) adds, while every other USD term is entries converted one by one at
//! their own rates.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Conv, Period, ReportError, Source, Usd};
use crate::domain::currency::Currency;

/// The terms of a reconciliation, in one currency (as strings with the currency's
/// decimals) or in USD. closing_outstanding = opening_outstanding + pledged +
/// carried_in − reduced − written_off − received + refunded + not_applied +
/// paid_for_other_currencies − settled_by_other_currencies + exchange_difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Terms<T> {
    /// Outstanding at the end of the day before the period.
    pub opening_outstanding: T,
    /// Pledges dated in the period (before reductions).
    pub pledged: T,
    /// Opening pledges carried in during the period, with what was owed then.
    pub carried_in: T,
    pub reduced: T,
    pub written_off: T,
    /// What contributions in kind settled on in-kind pledges in the period.
    pub settled_in_kind: T,
    /// Payments received in the period (before refunds).
    pub received: T,
    pub refunded: T,
    /// Unpledged receipts (applied to no pledge) less refunds.
    pub not_applied: T,
    /// Payments in this currency that settled pledges in another.
    pub paid_for_other_currencies: T,
    /// What payments in other currencies settled on pledges in this one.
    pub settled_by_other_currencies: T,
    /// Zero in a currency's own column.
    pub exchange_difference: T,
    /// Outstanding at the end of the period's last day.
    pub closing_outstanding: T,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrencyTerms {
    pub currency: String,
    #[serde(flatten)]
    pub terms: Terms<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// The day whose closing outstanding opens the reconciliation.
    pub opening_date: NaiveDate,
    pub closing_date: NaiveDate,
    pub in_currency: Vec<CurrencyTerms>,
    pub usd: Terms<Usd>,
}

#[derive(Default, Clone, Copy)]
struct Sums<T> {
    opening: T,
    pledged: T,
    carried: T,
    reduced: T,
    written_off: T,
    in_kind: T,
    received: T,
    refunded: T,
    not_applied: T,
    for_other: T,
    by_other: T,
    closing: T,
}

impl<T: Copy + std::ops::Add<Output = T> + std::ops::Sub<Output = T> + Default> Sums<T> {
    /// What the terms other than the exchange difference add up to.
    fn without_exchange(&self) -> T {
        self.opening + self.pledged + self.carried
            - self.reduced
            - self.written_off
            - self.in_kind
            - self.received
            + self.refunded
            + self.not_applied
            + self.for_other
            - self.by_other
    }

    fn terms<U>(&self, exchange: T, f: impl Fn(T) -> U) -> Terms<U> {
        Terms {
            opening_outstanding: f(self.opening),
            pledged: f(self.pledged),
            carried_in: f(self.carried),
            reduced: f(self.reduced),
            written_off: f(self.written_off),
            settled_in_kind: f(self.in_kind),
            received: f(self.received),
            refunded: f(self.refunded),
            not_applied: f(self.not_applied),
            paid_for_other_currencies: f(self.for_other),
            settled_by_other_currencies: f(self.by_other),
            exchange_difference: f(exchange),
            closing_outstanding: f(self.closing),
        }
    }
}

/// The reconciliation of `code`'s entries over `period`.
pub(crate) fn reconcile(
    src: &Source,
    conv: &Conv,
    code: &str,
    period: Period,
) -> Result<Reconciliation, ReportError> {
    let book = src.book;
    let st = src.settlement;
    let before = period.from.pred_opt().unwrap_or(period.from);
    let mut cur: BTreeMap<Currency, Sums<Decimal>> = BTreeMap::new();
    let mut usd = Sums::<Usd>::default();

    for p in book.live_pledges().filter(|p| *p.donor == *code) {
        let s = cur.entry(p.currency).or_default();
        if p.counted_on() <= before {
            let left = st.outstanding(p, before);
            s.opening += left;
            if !left.is_zero() {
                usd.opening += conv.usd(left, p.currency, before)?;
            }
        }
        if period.contains(p.counted_on()) {
            let u = conv.usd(p.base(), p.currency, p.counted_on())?;
            if p.is_opening() {
                s.carried += p.base();
                usd.carried += u;
            } else {
                s.pledged += p.amount;
                usd.pledged += u;
            }
        }
        if p.counted_on() <= period.to {
            let left = st.outstanding(p, period.to);
            s.closing += left;
            if !left.is_zero() {
                usd.closing += conv.usd(left, p.currency, period.to)?;
            }
        }
    }
    for w in book.live_write_offs() {
        let Some(p) = book.pledge(w.pledge).filter(|p| *p.donor == *code) else {
            continue;
        };
        if !period.contains(w.date) {
            continue;
        }
        let applied: Decimal = st
            .allocations
            .get(&w.seq)
            .map(|a| a.settled.iter().map(|(_, x)| *x).sum())
            .unwrap_or_default();
        let s = cur.entry(p.currency).or_default();
        if w.reduction {
            s.reduced += applied;
            usd.reduced += conv.usd(applied, p.currency, p.counted_on())?;
        } else {
            s.written_off += applied;
            usd.written_off += conv.usd(applied, p.currency, w.date)?;
        }
    }
    for pay in book.live_payments().filter(|p| *p.donor == *code) {
        if !period.contains(pay.date) {
            continue;
        }
        let u = conv.usd(pay.amount, pay.currency, pay.date)?;
        if pay.refund {
            let s = cur.entry(pay.currency).or_default();
            s.refunded += pay.amount;
            s.not_applied -= pay.amount;
            usd.refunded += u;
            usd.not_applied += -u;
            continue;
        }
        cur.entry(pay.currency).or_default().received += pay.amount;
        usd.received += u;
        let Some(a) = st.allocations.get(&pay.seq) else {
            continue;
        };
        if !a.unpledged.is_zero() {
            cur.entry(pay.currency).or_default().not_applied += a.unpledged;
            usd.not_applied += conv.usd(a.unpledged, pay.currency, pay.date)?;
        }
        for (ps, amt) in &a.settled {
            let Some(pl) = book.pledge(*ps) else { continue };
            if pl.currency == pay.currency {
                continue;
            }
            // The part of the payment that went to a pledge in another currency
            // (a payment names at most one pledge): in its own currency, and what
            // it settled in the pledge's.
            let paid = pay.amount - a.unpledged;
            cur.entry(pay.currency).or_default().for_other += paid;
            usd.for_other += conv.usd(paid, pay.currency, pay.date)?;
            cur.entry(pl.currency).or_default().by_other += *amt;
            usd.by_other += conv.usd(*amt, pl.currency, pay.date)?;
        }
    }
    // Contributions in kind are not money received; what they settled on in-kind
    // pledges lowers outstanding like a payment would.
    for ik in book.live_in_kind().filter(|p| *p.donor == *code) {
        if !period.contains(ik.date) {
            continue;
        }
        let Some(a) = st.allocations.get(&ik.seq) else {
            continue;
        };
        for (ps, amt) in &a.settled {
            let Some(pl) = book.pledge(*ps) else { continue };
            cur.entry(pl.currency).or_default().in_kind += *amt;
            usd.in_kind += conv.usd(*amt, pl.currency, ik.date)?;
        }
    }
    let in_currency = cur
        .into_iter()
        .map(|(c, s)| CurrencyTerms {
            currency: c.code().to_string(),
            terms: s.terms(s.closing - s.without_exchange(), |v| c.format(v)),
        })
        .collect();
    let exchange = usd.closing - usd.without_exchange();
    Ok(Reconciliation {
        opening_date: before,
        closing_date: period.to,
        in_currency,
        usd: usd.terms(exchange, |v| v),
    })
}
