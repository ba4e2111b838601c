//! The `funds` report: pledged, paid, outstanding and the general-purpose /
//! special-purpose split by fund over a period, with each fund's mandates under it.
//!
//! A fund's figures are the sum of its mandates' rows (see `figures`), so the rows
//! under a fund add up to it and the funds add up to the totals.

use serde::Serialize;

use super::figures::{Tally, tally};
use super::rows::{FundTotal, MandateRow, fund_totals, mandate_rows};
use super::{Conv, Figures, Period, ReportError, ReportHead, Source};

/// One fund and the mandates under it (every mandate with a figure in the period).
#[derive(Debug, Clone, Serialize)]
pub struct FundRow {
    pub fund: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
    pub mandates: Vec<MandateRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FundsReport {
    pub report: &'static str,
    /// The ledger head, period, cut-off, limits, currency and warnings.
    #[serde(flatten)]
    pub head: ReportHead,
    /// By fund code; the mandates under each as in the mandates report (largest
    /// paid first).
    pub rows: Vec<FundRow>,
    pub totals: Figures,
}

pub fn funds(src: &Source, period: Period) -> Result<FundsReport, ReportError> {
    let conv = Conv::new(&src.book.rates);
    let t = tally(src, &conv, period)?;
    funds_of(src, &conv, period, &t)
}

/// The funds report of the tally `t` over `period`, converted by `conv`.
pub(crate) fn funds_of(
    src: &Source,
    conv: &Conv,
    period: Period,
    t: &Tally,
) -> Result<FundsReport, ReportError> {
    let mandates = mandate_rows(src, t);
    let rows = fund_totals(src, &mandates)
        .into_iter()
        .map(
            |FundTotal {
                 fund,
                 name,
                 figures,
             }| FundRow {
                mandates: mandates
                    .iter()
                    .filter(|m| m.fund == fund)
                    .cloned()
                    .collect(),
                fund,
                name,
                figures,
            },
        )
        .collect();
    Ok(FundsReport {
        report: "funds",
        head: src.head(period, conv)?,
        rows,
        totals: t.total,
    })
}
