//! Contributions receivable at a period's end beyond outstanding itself: the split
//! of outstanding into current and non-current, and the instalments of conditional
//! agreements not yet recognised. Pure; prints nothing.

use chrono::NaiveDate;

use super::figures::{Figures, Tally, Want};
use super::{Conv, ReportError, Source};
use crate::domain::book::PledgeRec;

/// Is a balance due on `due` current at `end`: due within 12 months of `end`, or
/// overdue, or without a due date?
pub(crate) fn is_current(due: Option<NaiveDate>, end: NaiveDate) -> bool {
    let horizon = end
        .checked_add_months(chrono::Months::new(12))
        .unwrap_or(NaiveDate::MAX);
    due.is_none_or(|d| d <= horizon)
}

/// Is this instalment of a conditional agreement pledged by `end` but not yet
/// recognised then (its condition not met, or met after `end`)?
pub(crate) fn is_conditional_at(p: &PledgeRec, end: NaiveDate) -> bool {
    p.reversed_by.is_none() && p.pledged_on <= end && (p.pending || p.date > end)
}

/// The `conditional` figure of every want with outstanding: each instalment of a
/// conditional agreement not yet recognised at the period's end, at the closing rate.
pub(crate) fn conditional<'a>(
    src: &Source<'a>,
    conv: &Conv,
    wants: &[Want],
    out: &mut [Tally<'a>],
) -> Result<(), ReportError> {
    let book = src.book;
    for a in book.agreements.iter().filter(|a| a.agreement.conditional) {
        for p in a.instalments.iter().filter_map(|s| book.pledge(*s)) {
            for (i, w) in wants.iter().enumerate() {
                let end = w.period.to;
                if !w.outstanding || !is_conditional_at(p, end) {
                    continue;
                }
                let f = Figures {
                    conditional: conv.usd(p.amount, p.currency, end)?,
                    ..Figures::default()
                };
                out[i].add(w.rows, &p.donor, &p.mandate, &f);
            }
        }
    }
    Ok(())
}
