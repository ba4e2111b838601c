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
    let period =
        Period::year(year).ok_or_else(|| ReportError::BadPeriod(format!("year {year}")))?;
    let conv = Conv::new(&src.book.rates);
    let mut by: BTreeMap<(&str, &'static str), Usd> = BTreeMap::new();
    let category = |donor: &str| {
        src.book
            .register
            .donor(donor)
            .map_or(DonorCategory::OtherGovernment, |d| d.category)
    };
    let earmarking = |mandate: &str| {
        src.book
            .register
            .mandate(mandate)
            .map_or(Earmarking::Earmarked, |m| m.earmarking)
    };
    let money = src.book.live_payments().map(|p| (p, false));
    let goods = src.book.live_in_kind().map(|p| (p, true));
    for (p, in_kind) in money.chain(goods) {
        if !period.contains(p.date) || standards::is_government(category(&p.donor)) != government {
            continue;
        }
        let usd = conv.usd(p.amount, p.currency, p.date)?;
        let usd = if p.refund { -usd } else { usd };
        let instrument =
            standards::financing_instrument(&p.mandate, earmarking(&p.mandate), in_kind);
        let rev_type = if government {
            standards::spelled_out(instrument)
        } else {
            instrument
        };
        *by.entry((&p.donor, rev_type)).or_default() += usd;
    }
    let rows = by
        .into_iter()
        .filter_map(|((donor, rev_type), exact)| {
            let amount = Currency::USD.round_whole(exact.0);
            (!amount.is_zero()).then(|| CebRow {
                donor: donor.to_string(),
                name: src
                    .book
                    .register
                    .donor(donor)
                    .map_or_else(|| donor.to_string(), |d| d.name.clone()),
                contrib_type: standards::contributor_type(category(donor), donor),
                rev_type,
                year,
                amount,
                exact,
            })
        })
        .collect();
    Ok(CebTable {
        year,
        government,
        rows,
        warnings: conv.finish(src.strict_rates, vec![])?,
    })
}
