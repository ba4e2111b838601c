//! The tally's rows by donor and by mandate (largest paid first), the mandate rows
//! summed by fund, and the `donors` and `mandates` reports made of them.
//!
//! Sums only what `figures` converted: a fund's figures are its mandates' rows added.

use std::collections::BTreeMap;

use serde::Serialize;

use super::figures::{Figures, Tally, tally};
use super::{Conv, Period, ReportError, ReportHead, Source};
use crate::domain::register::Earmarking;

#[derive(Debug, Clone, Serialize)]
pub struct DonorRow {
    pub donor: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct MandateRow {
    pub mandate: String,
    pub name: String,
    pub earmarking: Earmarking,
    /// The code of the fund the mandate is in.
    pub fund: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// Rows sorted by paid, largest first; ties by code.
pub(crate) fn donor_rows(src: &Source, t: &Tally) -> Vec<DonorRow> {
    let mut rows: Vec<DonorRow> = t
        .by_donor
        .iter()
        .map(|(code, f)| DonorRow {
            donor: code.to_string(),
            name: name_or_code(src.book.register.donor(code).map(|d| &d.name), code),
            figures: *f,
        })
        .collect();
    by_paid(&mut rows, |r| (&r.figures, &r.donor));
    rows
}

pub(crate) fn mandate_rows(src: &Source, t: &Tally) -> Vec<MandateRow> {
    let mut rows: Vec<MandateRow> = t
        .by_mandate
        .iter()
        .map(|(slug, f)| {
            let m = src.book.register.mandate(slug);
            MandateRow {
                mandate: slug.to_string(),
                name: name_or_code(m.map(|m| &m.name), slug),
                earmarking: m.map(|m| m.earmarking).unwrap_or(Earmarking::Earmarked),
                fund: src.book.register.fund_of_slug(slug).code.clone(),
                figures: *f,
            }
        })
        .collect();
    by_paid(&mut rows, |r| (&r.figures, &r.mandate));
    rows
}

/// Sorts rows by paid, largest first; ties by code. `key` gives a row's figures
/// and code.
fn by_paid<R>(rows: &mut [R], key: impl Fn(&R) -> (&Figures, &str)) {
    rows.sort_by(|a, b| {
        let ((fa, ca), (fb, cb)) = (key(a), key(b));
        fb.paid.cmp(&fa.paid).then_with(|| ca.cmp(cb))
    });
}

/// A registered name, or the code itself for a code the register does not hold.
fn name_or_code(name: Option<&String>, code: &str) -> String {
    name.cloned().unwrap_or_else(|| code.to_string())
}

#[derive(Debug, Clone, Serialize)]
pub struct DonorsReport {
    pub report: &'static str,
    /// The ledger head, period, cut-off, limits, currency and warnings.
    #[serde(flatten)]
    pub head: ReportHead,
    pub rows: Vec<DonorRow>,
    pub totals: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct MandatesReport {
    pub report: &'static str,
    /// The ledger head, period, cut-off, limits, currency and warnings.
    #[serde(flatten)]
    pub head: ReportHead,
    pub rows: Vec<MandateRow>,
    /// The rows' figures summed by fund (every fund with a row, by code).
    pub funds: Vec<FundTotal>,
    pub totals: Figures,
}

/// One fund's figures: the sum of its mandates' rows.
#[derive(Debug, Clone, Serialize)]
pub struct FundTotal {
    pub fund: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The mandate rows' figures summed by fund, in order of fund code.
pub(crate) fn fund_totals(src: &Source, rows: &[MandateRow]) -> Vec<FundTotal> {
    let mut by: BTreeMap<&str, Figures> = BTreeMap::new();
    for r in rows {
        by.entry(&r.fund).or_default().add(&r.figures);
    }
    by.into_iter()
        .map(|(code, figures)| FundTotal {
            fund: code.to_string(),
            name: name_or_code(src.book.register.fund(code).map(|f| &f.name), code),
            figures,
        })
        .collect()
}

pub fn donors(src: &Source, period: Period) -> Result<DonorsReport, ReportError> {
    let conv = Conv::new(&src.book.rates);
    let t = tally(src, &conv, period)?;
    Ok(DonorsReport {
        report: "donors",
        head: src.head(period, &conv)?,
        rows: donor_rows(src, &t),
        totals: t.total,
    })
}

pub fn mandates(src: &Source, period: Period) -> Result<MandatesReport, ReportError> {
    let conv = Conv::new(&src.book.rates);
    let t = tally(src, &conv, period)?;
    let rows = mandate_rows(src, &t);
    Ok(MandatesReport {
        report: "mandates",
        head: src.head(period, &conv)?,
        funds: fund_totals(src, &rows),
        rows,
        totals: t.total,
    })
}
