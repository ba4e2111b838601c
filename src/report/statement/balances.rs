//! A statement's balances in each currency: what was pledged, paid, refunded,
//! settled (across currencies too), left unpledged, written off, reduced and still
//! outstanding, over everything dated up to the period's end, in that currency.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::book::{Book, PaymentRec, PledgeRec, WriteOffRec};
use crate::domain::currency::Currency;
use crate::domain::settlement::Allocation;

/// Balances in one currency, over everything dated up to the period end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrencyBalance {
    pub currency: String,
    /// Net of reductions; opening pledges are under `opening`.
    pub pledged: String,
    pub payments: String,
    pub refunds: String,
    pub settled: String,
    pub unpledged: String,
    pub written_off: String,
    pub outstanding: String,
    pub reduced: String,
    /// What opening pledges were carried in with.
    pub opening: String,
    /// Payments less refunds.
    pub net_paid: String,
    /// The part of `settled` paid in other currencies (in this currency).
    pub settled_by_other_currencies: String,
    /// Payments in this currency that settled pledges in other currencies: payments =
    /// settled − settled_by_other_currencies + paid_for_other_currencies + unpledged.
    pub paid_for_other_currencies: String,
}

/// One currency's sums, before formatting.
#[derive(Default)]
struct Bal {
    pledged: Decimal,
    payments: Decimal,
    refunds: Decimal,
    settled: Decimal,
    unpledged: Decimal,
    written_off: Decimal,
    outstanding: Decimal,
    reduced: Decimal,
    opening: Decimal,
    by_other: Decimal,
    for_other: Decimal,
}

/// The sums of every currency a counted line touched, by currency code.
#[derive(Default)]
pub(super) struct Balances(BTreeMap<Currency, Bal>);

impl Balances {
    fn of(&mut self, c: Currency) -> &mut Bal {
        self.0.entry(c).or_default()
    }

    /// A counted pledge, with what is left on it at the period's end.
    pub(super) fn pledge(&mut self, p: &PledgeRec, outstanding: Decimal) {
        let b = self.of(p.currency);
        if p.is_opening() {
            b.opening += p.base();
        } else {
            b.pledged += p.amount;
        }
        b.outstanding += outstanding;
    }

    /// A counted payment or refund, with what the payment settled (`alloc`).
    pub(super) fn payment(&mut self, book: &Book, pay: &PaymentRec, alloc: Option<&Allocation>) {
        let b = self.of(pay.currency);
        if pay.refund {
            b.refunds += pay.amount;
        } else {
            b.payments += pay.amount;
        }
        let Some(a) = alloc else {
            return;
        };
        b.unpledged += a.unpledged;
        for (ps, amt) in &a.settled {
            if let Some(pl) = book.pledge(*ps) {
                if pl.currency != pay.currency {
                    self.of(pl.currency).by_other += *amt;
                    self.of(pay.currency).for_other += pay.amount - a.unpledged;
                }
                self.of(pl.currency).settled += *amt;
            }
        }
    }

    /// A counted write-off or reduction, by what it actually took off (`applied`).
    pub(super) fn write_off(&mut self, w: &WriteOffRec, applied: Decimal) {
        let b = self.of(w.currency);
        if w.reduction {
            b.reduced += applied;
            b.pledged -= applied;
        } else {
            b.written_off += applied;
        }
    }

    /// Each currency's balances, formatted, in order of currency.
    pub(super) fn rows(self) -> Vec<CurrencyBalance> {
        self.0
            .into_iter()
            .map(|(c, b)| CurrencyBalance {
                currency: c.code().to_string(),
                pledged: c.format(b.pledged),
                payments: c.format(b.payments),
                refunds: c.format(b.refunds),
                settled: c.format(b.settled),
                unpledged: c.format(b.unpledged),
                written_off: c.format(b.written_off),
                outstanding: c.format(b.outstanding),
                reduced: c.format(b.reduced),
                opening: c.format(b.opening),
                net_paid: c.format(b.payments - b.refunds),
                settled_by_other_currencies: c.format(b.by_other),
                paid_for_other_currencies: c.format(b.for_other),
            })
            .collect()
    }
}
