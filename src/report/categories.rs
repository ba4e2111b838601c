//! `report donors --by category`: the donors report's figures summed by donor
//! category, each row with its contributor type (UN Data Standards, Standard VI).
//!
//! Sums the donor tally's rows, so the rows add up to the donors report's totals.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::figures::{Figures, Tally, tally};
use super::{Conv, Period, ReportError, ReportHead, Source};
use crate::domain::register::DonorCategory;
use crate::domain::standards;

/// One donor category's figures.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryRow {
    pub category: DonorCategory,
    /// Its donors' contributor types, `/`-separated when more than one
    /// (intergovernmental: `C08A` for the European Union, `C08B` for the others).
    pub contributor_type: String,
    /// How many donors of the category have a figure in the period.
    pub donors: usize,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoriesReport {
    pub report: &'static str,
    pub by: &'static str,
    /// The ledger head, period, cut-off, limits, currency and warnings.
    #[serde(flatten)]
    pub head: ReportHead,
    pub rows: Vec<CategoryRow>,
    pub totals: Figures,
}

pub fn by_category(src: &Source, period: Period) -> Result<CategoriesReport, ReportError> {
    let conv = Conv::new(&src.book.rates);
    let t = tally(src, &conv, period)?;
    by_category_of(src, &conv, period, &t)
}

/// The donors report by category of the tally `t` over `period`, converted by `conv`.
pub(crate) fn by_category_of(
    src: &Source,
    conv: &Conv,
    period: Period,
    t: &Tally,
) -> Result<CategoriesReport, ReportError> {
    let mut by: BTreeMap<DonorCategory, (BTreeSet<&'static str>, usize, Figures)> = BTreeMap::new();
    for (code, f) in &t.by_donor {
        // Every recorded donor is registered; an unknown one would be a government.
        let category = src
            .book
            .register
            .donor(code)
            .map_or(DonorCategory::OtherGovernment, |d| d.category);
        let row = by.entry(category).or_default();
        row.0.insert(standards::contributor_type(category, code));
        row.1 += 1;
        row.2.add(f);
    }
    let rows = by
        .into_iter()
        .map(|(category, (types, donors, figures))| CategoryRow {
            category,
            contributor_type: types.into_iter().collect::<Vec<_>>().join("/"),
            donors,
            figures,
        })
        .collect();
    Ok(CategoriesReport {
        report: "donors",
        by: "category",
        head: src.head(period, conv)?,
        rows,
        totals: t.total,
    })
}
