//! Agreements at a report date: each agreement's totals (pledged, paid, outstanding
//! split into current and non-current, conditional) and its instalment schedule,
//! in the agreement's currency; `report agreements` and the schedules of a donor's
//! statement.
//!
//! The report date is the period's last day. Every figure covers the instalments
//! pledged up to it: pledged net of reductions, paid (what payments settled),
//! outstanding (current when due within 12 months of the report date, overdue or
//! undated; else non-current). An instalment of a conditional agreement whose
//! condition was not met by then counts only as conditional. Pure; prints nothing.

use crate::domain::Kind;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::receivable::{is_conditional_at, is_current};
use super::{Period, ReportError, ReportHead, Source};
use crate::domain::agreement::AgreementRec;
use crate::domain::settlement::Take;

/// One instalment of an agreement, in the agreement's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instalment {
    /// 1, 2, 3, ... in order of pledge date (then entry number).
    pub number: u32,
    /// The pledge's entry number.
    pub pledge: u64,
    pub date: NaiveDate,
    pub due: Option<NaiveDate>,
    pub pledged: String,
    pub paid: String,
    pub outstanding: String,
    /// current, non-current, settled, or conditional (not yet recognised).
    pub status: &'static str,
}

/// One agreement's totals at the report date, in its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgreementRow {
    pub agreement: String,
    pub title: String,
    pub donor: String,
    pub mandate: String,
    pub currency: String,
    pub signed: NaiveDate,
    pub conditional_agreement: bool,
    /// When the condition of a conditional agreement was met (none: not yet).
    pub condition_met: Option<NaiveDate>,
    pub pledged: String,
    pub paid: String,
    pub outstanding: String,
    pub current: String,
    pub non_current: String,
    /// Instalments not yet recognised: their condition not met by the report date.
    pub conditional: String,
    /// The earliest due date after the report date of an instalment not settled.
    pub next_due: Option<NaiveDate>,
    pub instalments: Vec<Instalment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgreementsReport {
    pub report: &'static str,
    /// The ledger head, period, cut-off, limits and warnings; no currency, as every
    /// amount is in its agreement's own.
    #[serde(flatten)]
    pub head: ReportHead,
    pub rows: Vec<AgreementRow>,
}

/// The row of one agreement at `end`.
pub(crate) fn row(src: &Source, a: &AgreementRec, end: NaiveDate) -> AgreementRow {
    let book = src.book;
    let g = &a.agreement;
    let c = g.currency;
    let mut pledges: Vec<_> = a
        .instalments
        .iter()
        .filter_map(|s| book.pledge(*s))
        .filter(|p| p.reversed_by.is_none() && p.pledged_on <= end)
        .collect();
    pledges.sort_by_key(|p| (p.pledged_on, p.seq));
    let zero = Decimal::ZERO;
    let (mut pledged, mut paid, mut left, mut current, mut non_current, mut cond) =
        (zero, zero, zero, zero, zero, zero);
    let mut next_due: Option<NaiveDate> = None;
    let mut instalments = Vec::new();
    for (i, p) in pledges.iter().enumerate() {
        let pending = is_conditional_at(p, end);
        let (mut reduced, mut settled) = (zero, zero);
        if !pending {
            for (d, x, take) in src.settlement.events(p.seq) {
                if *d <= end {
                    match take {
                        Take::Reduced => reduced += *x,
                        Take::Settled => settled += *x,
                        Take::WrittenOff => {}
                    }
                }
            }
        }
        let out = if pending {
            zero
        } else {
            src.settlement.outstanding(p, end)
        };
        let status = if pending {
            cond += p.amount;
            "conditional"
        } else if out.is_zero() {
            "settled"
        } else if is_current(p.due, end) {
            current += out;
            "current"
        } else {
            non_current += out;
            "non-current"
        };
        if !pending {
            pledged += p.amount - reduced;
            paid += settled;
            left += out;
        }
        if let Some(d) = p.due
            && d > end
            && (pending || !out.is_zero())
        {
            next_due = Some(next_due.map_or(d, |n| n.min(d)));
        }
        instalments.push(Instalment {
            number: i as u32 + 1,
            pledge: p.seq,
            date: p.pledged_on,
            due: p.due,
            pledged: c.format(p.amount - reduced),
            paid: c.format(settled),
            outstanding: c.format(out),
            status,
        });
    }
    AgreementRow {
        agreement: g.code.clone(),
        title: g.title.clone(),
        donor: g.donor.clone(),
        mandate: g.mandate.clone(),
        currency: c.code().to_string(),
        signed: g.signed,
        conditional_agreement: g.conditional,
        condition_met: a.condition_met.filter(|d| *d <= end),
        pledged: c.format(pledged),
        paid: c.format(paid),
        outstanding: c.format(left),
        current: c.format(current),
        non_current: c.format(non_current),
        conditional: c.format(cond),
        next_due,
        instalments,
    }
}

/// Tags each payment line with the agreement of the instalments it settled (when
/// they are all of one), then groups the lines: those of no agreement first, then
/// each agreement's, each group in (date, #) order.
pub(crate) fn group_lines(book: &crate::domain::Book, lines: &mut [super::statement::Line]) {
    for l in lines
        .iter_mut()
        .filter(|l| l.kind == super::statement::LineKind::Entry(Kind::Payment))
    {
        let mut of = l.settled.iter().map(|s| {
            book.pledge(s.pledge)
                .and_then(|p| p.agreement.as_deref().map(str::to_string))
        });
        if let Some(Some(first)) = of.next()
            && of.all(|a| a.as_deref() == Some(first.as_str()))
        {
            l.more_mut().agreement = Some(first);
        }
    }
    // No two lines share an entry's number: sorted in place, as a stable sort would.
    lines.sort_unstable_by(|a, b| {
        (&a.more().agreement, a.date, a.seq).cmp(&(&b.more().agreement, b.date, b.seq))
    });
}

/// The agreements a report covers: signed by `end`, of the report's donor, fund
/// and donor category.
pub(crate) fn rows(src: &Source, donor: Option<&str>, end: NaiveDate) -> Vec<AgreementRow> {
    src.book
        .agreements
        .iter()
        .filter(|a| a.agreement.signed <= end && in_scope(src, a))
        .filter(|a| donor.is_none_or(|d| a.agreement.donor == d))
        .map(|a| row(src, a, end))
        .collect()
}

/// Whether an agreement is of the report's fund (`--fund`) and of a donor of its
/// category (`--category`).
fn in_scope(src: &Source, a: &AgreementRec) -> bool {
    let register = &src.book.register;
    let fund = || {
        src.scope
            .fund
            .as_deref()
            .is_none_or(|f| register.fund_of_slug(&a.agreement.mandate).code == f)
    };
    let category = || {
        src.scope.category.as_deref().is_none_or(|c| {
            register
                .donor(&a.agreement.donor)
                .is_some_and(|d| d.category.as_str() == c)
        })
    };
    fund() && category()
}

/// `report agreements`: every agreement at the period's last day.
pub fn agreements(src: &Source, period: Period) -> Result<AgreementsReport, ReportError> {
    Ok(AgreementsReport {
        report: "agreements",
        head: src.head_unconverted(period),
        rows: rows(src, src.only_donor.as_deref(), period.to),
    })
}

/// Adds to `rows` (by code) the row at `end` of each agreement signed by then whose
/// donor and mandate `held` says `src` holds every entry of, unless `rows` has it
/// already: for a whole-ledger report made from books of some donors' entries each.
/// An agreement's instalments are always of its donor and mandate, so the book that
/// holds those entries gives the row the whole book gives.
pub(crate) fn gather(
    src: &Source,
    end: NaiveDate,
    held: impl Fn(&str, &str) -> bool,
    rows: &mut std::collections::BTreeMap<String, AgreementRow>,
) {
    for a in src
        .book
        .agreements
        .iter()
        .filter(|a| a.agreement.signed <= end && in_scope(src, a))
        .filter(|a| held(&a.agreement.donor, &a.agreement.mandate))
    {
        rows.entry(a.agreement.code.clone())
            .or_insert_with(|| row(src, a, end));
    }
}

/// `report agreements` of the rows `gather` made, in order of code as `agreements`
/// gives them; `src` holds every registration (and the ledger head, cut-off and
/// opening dates of the whole read).
pub(crate) fn gathered(
    src: &Source,
    period: Period,
    rows: std::collections::BTreeMap<String, AgreementRow>,
) -> AgreementsReport {
    AgreementsReport {
        report: "agreements",
        head: src.head_unconverted(period),
        rows: rows.into_values().collect(),
    }
}
