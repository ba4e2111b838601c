//! Rates of exchange: units of a currency per 1 USD, effective from a date.
//!
//! Owns: rate lookup (the latest rate on or before a date) and USD conversion with
//! the one rounding rule. A missing rate is an error naming currency and date,
//! never a silent zero.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::currency::Currency;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRate {
    pub currency: Currency,
    pub date: NaiveDate,
}

impl fmt::Display for MissingRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no rate of exchange for {} on or before {}; record one with `ledger record rate --currency {} --per-usd X --date {}`",
            self.currency, self.date, self.currency, self.date
        )
    }
}

impl std::error::Error for MissingRate {}

#[derive(Debug, Clone, Default)]
pub struct Rates {
    /// (effective date, seq) -> units per USD; the later-recorded rate wins on one date.
    by_currency: FxHashMap<Currency, BTreeMap<(NaiveDate, u64), Decimal>>,
}

impl Rates {
    pub fn insert(&mut self, currency: Currency, date: NaiveDate, seq: u64, per_usd: Decimal) {
        self.by_currency
            .entry(currency)
            .or_default()
            .insert((date, seq), per_usd);
    }

    pub fn remove(&mut self, currency: Currency, date: NaiveDate, seq: u64) {
        if let Some(m) = self.by_currency.get_mut(&currency) {
            m.remove(&(date, seq));
        }
    }

    /// The rate recorded for `currency` effective exactly on `date`, with its entry.
    pub fn on(&self, currency: Currency, date: NaiveDate) -> Option<(u64, Decimal)> {
        self.by_currency
            .get(&currency)?
            .range((date, 0)..=(date, u64::MAX))
            .next_back()
            .map(|((_, seq), r)| (*seq, *r))
    }

    /// The rate in force for `currency` on `date` (the latest effective on or before
    /// it) and its effective date, in one lookup; USD is always 1, from no date.
    pub fn in_force(&self, currency: Currency, date: NaiveDate) -> Option<(NaiveDate, Decimal)> {
        self.by_currency
            .get(&currency)?
            .range(..=(date, u64::MAX))
            .next_back()
            .map(|((d, _), r)| (*d, *r))
    }

    /// The rate in force for `currency` on `date`.
    pub fn rate(&self, currency: Currency, date: NaiveDate) -> Result<Decimal, MissingRate> {
        if currency == Currency::USD {
            return Ok(Decimal::ONE);
        }
        self.in_force(currency, date)
            .map(|(_, r)| r)
            .ok_or(MissingRate { currency, date })
    }

    /// Where the rate in force on `date` came from: its effective date.
    pub fn effective_date(&self, currency: Currency, date: NaiveDate) -> Option<NaiveDate> {
        self.in_force(currency, date).map(|(d, _)| d)
    }

    /// `amount` in USD at the rate in force on `date`, rounded half away from zero to cents.
    pub fn to_usd(
        &self,
        amount: Decimal,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<Decimal, MissingRate> {
        if currency == Currency::USD {
            return Ok(Currency::USD.round(amount));
        }
        Ok(usd_at(amount, self.rate(currency, date)?))
    }

    /// Every rate held: (seq, currency, effective date, units per USD).
    pub fn entries(&self) -> Vec<(u64, Currency, NaiveDate, Decimal)> {
        let mut v: Vec<_> = self
            .by_currency
            .iter()
            .flat_map(|(c, m)| m.iter().map(move |((d, s), r)| (*s, *c, *d, *r)))
            .collect();
        v.sort_by_key(|e| e.0);
        v
    }

    pub fn currencies(&self) -> impl Iterator<Item = Currency> + '_ {
        self.by_currency.keys().copied()
    }
}

/// `amount` in USD at `per_usd` units of its currency per USD, rounded half away
/// from zero to cents: the one conversion rule.
pub fn usd_at(amount: Decimal, per_usd: Decimal) -> Decimal {
    Currency::USD.round(amount / per_usd)
}
