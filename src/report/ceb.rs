//! `ledger export ceb`: the CEB revenue table of one year, by donor and financing
//! instrument, in whole US dollars, in the non-government or the government layout
//! (see the README, "The CEB export").
//!
//! The figure of a row is paid (payments less refunds) plus in-kind dated in the
//! year, each entry converted at its value-date rate as every report does, summed
//! per row, then rounded to whole dollars half away from zero.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{Conv, Period, ReportError, Source, Usd};
use crate::domain::Currency;
use crate::domain::register::{DonorCategory, Earmarking};
use crate::domain::standards;

/// The reporting entity every row names.
pub const ENTITY: &str = "UNODC";

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CebRow {
    /// The donor's code (rows are in its order) and its name in the register.
    pub donor: String,
    pub name: String,
    /// The contributor type (Standard VI).
    pub contrib_type: &'static str,
    /// The financing instrument (`R03E`), or in the government layout its
    /// spelled-out revenue type.
    pub rev_type: &'static str,
    pub year: i32,
    /// Whole US dollars.
    pub amount: Decimal,
    /// The figure before rounding (USD, two decimals).
    pub exact: Usd,
}

/// The table: the government layout (`C01` donors) or the non-government one.
#[derive(Debug, Clone)]
pub struct CebTable {
    pub year: i32,
    pub government: bool,
    pub rows: Vec<CebRow>,
    /// What the reader must know (stale rates), said beside the file.
    pub warnings: Vec<String>,
}

pub fn ceb(src: &Source, year: i32, government: bool) -> Result<CebTable, ReportError> {
    let mut sums = CebSums::new(&src.book.rates, year, government)?;
    sums.add(src)?;
    sums.table(src)
}

/// The table's exact figures of the books added so far, by donor and revenue type:
/// a ledger read in groups of donors and mandates adds each group's book, and a
/// row's figure is the exact sum of its groups' before it is rounded.
pub struct CebSums<'r> {
    year: i32,
    period: Period,
    government: bool,
    conv: Conv<'r>,
    by: BTreeMap<(String, &'static str), Usd>,
}

impl<'r> CebSums<'r> {
    /// Nothing added yet, for the table of `year` in the (non-)government layout,
    /// converted by `rates` (those of every book added).
    pub fn new(
        rates: &'r crate::domain::rates::Rates,
        year: i32,
        government: bool,
    ) -> Result<CebSums<'r>, ReportError> {
        let period =
            Period::year(year).ok_or_else(|| ReportError::BadPeriod(format!("year {year}")))?;
        Ok(CebSums {
            year,
            period,
            government,
            conv: Conv::new(rates),
            by: BTreeMap::new(),
        })
    }

    /// Adds the live payments, refunds and in-kind contributions of `src`'s book
    /// dated in the year, of donors of the layout's kind.
    pub fn add(&mut self, src: &Source) -> Result<(), ReportError> {
        let (period, government) = (self.period, self.government);
        let category = |donor: &str| category(src, donor);
        let earmarking = |mandate: &str| {
            src.book
                .register
                .mandate(mandate)
                .map_or(Earmarking::Earmarked, |m| m.earmarking)
        };
        let money = src.book.live_payments().map(|p| (p, false));
        let goods = src.book.live_in_kind().map(|p| (p, true));
        for (p, in_kind) in money.chain(goods) {
            if !period.contains(p.date)
                || standards::is_government(category(&p.donor)) != government
            {
                continue;
            }
            let usd = self.conv.usd(p.amount, p.currency, p.date)?;
            let usd = if p.refund { -usd } else { usd };
            let instrument =
                standards::financing_instrument(&p.mandate, earmarking(&p.mandate), in_kind);
            let rev_type = if government {
                standards::spelled_out(instrument)
            } else {
                instrument
            };
            *self.by.entry((p.donor.to_string(), rev_type)).or_default() += usd;
        }
        Ok(())
    }

    /// The table, each row rounded to whole dollars (a row of zero left out); `src`
    /// holds every registration.
    pub fn table(self, src: &Source) -> Result<CebTable, ReportError> {
        let year = self.year;
        let rows = self
            .by
            .into_iter()
            .filter_map(|((donor, rev_type), exact)| {
                let amount = Currency::USD.round_whole(exact.0);
                (!amount.is_zero()).then(|| CebRow {
                    name: src
                        .book
                        .register
                        .donor(&donor)
                        .map_or_else(|| donor.clone(), |d| d.name.clone()),
                    contrib_type: standards::contributor_type(category(src, &donor), &donor),
                    donor,
                    rev_type,
                    year,
                    amount,
                    exact,
                })
            })
            .collect();
        Ok(CebTable {
            year,
            government: self.government,
            rows,
            warnings: self.conv.finish(src.strict_rates, vec![])?,
        })
    }
}

/// A donor's category in the register (a donor it does not know: another
/// government).
fn category(src: &Source, donor: &str) -> DonorCategory {
    src.book
        .register
        .donor(donor)
        .map_or(DonorCategory::OtherGovernment, |d| d.category)
}
