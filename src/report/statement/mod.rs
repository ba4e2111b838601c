//! A donor's statement of account: every pledge, payment, refund, write-off,
//! reduction and reversal of one donor in date order, what each payment settled, the
//! running outstanding per pledge, and totals in USD and in each currency. An opening
//! pledge is listed on its opening date (kind `opening-pledge`) with what it was
//! carried in with; a prior-period refund is labelled in its `reason`.
//!
//! Pure aggregation; prints nothing. Reversed entries are listed (marked) but count
//! nowhere. `lines` builds the lines from the settlement's allocations and events,
//! `balances` sums them in each currency; the USD totals are made here.

mod balances;
mod lines;

use crate::domain::Kind;
use serde::Serialize;

use super::figures::tally;
use super::reconcile::{Reconciliation, reconcile};
use super::{Conv, Period, ReportError, ReportHead, Source, Usd};
pub use balances::CurrencyBalance;
pub use lines::{Line, LineKind, Settled};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatementTotals {
    /// Net of reductions.
    pub pledged: Usd,
    /// Net paid: received less refunded (the same as `net_paid`).
    pub paid: Usd,
    pub refunded: Usd,
    pub written_off: Usd,
    pub outstanding: Usd,
    pub reduced: Usd,
    /// Contributions in kind received, at fair value (never in paid).
    pub in_kind: Usd,
    /// Payments received, before refunds.
    pub received: Usd,
    /// Received less refunded.
    pub net_paid: Usd,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub report: &'static str,
    /// The ledger head, period, cut-off, limits, currency and warnings (no donor:
    /// the statement's own `donor` follows).
    #[serde(flatten)]
    pub head: ReportHead,
    pub donor: String,
    pub name: String,
    pub lines: Vec<Line>,
    pub totals: StatementTotals,
    pub balances: Vec<CurrencyBalance>,
    /// From the outstanding before the period to the outstanding at its end.
    pub reconciliation: Box<Reconciliation>,
    /// The donor's agreements at the period's end, each with its instalment schedule
    /// (left out when the donor has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agreements: Vec<super::agreements::AgreementRow>,
}

/// The statement of `donor` (a code, UN name, ISO name or alias) over `period`.
pub fn statement(src: &Source, donor: &str, period: Period) -> Result<Statement, ReportError> {
    let d = src
        .book
        .register
        .resolve_donor(donor)
        .map_err(ReportError::UnknownDonor)?;
    let code = d.code.clone();
    let conv = Conv::new(&src.book.rates);
    let (lines, balances) = lines::lines(src, &conv, &code, period)?;
    let totals = totals(src, &conv, &code, period, &lines)?;
    let reconciliation = reconcile(src, &conv, &code, period)?;
    Ok(Statement {
        report: "statement",
        head: ReportHead {
            donor: None,
            ..src.head(period, &conv)?
        },
        donor: code.clone(),
        name: d.name.clone(),
        lines,
        totals,
        balances: balances.rows(),
        reconciliation: Box::new(reconciliation),
        agreements: super::agreements::rows(src, Some(&code), period.to),
    })
}

/// The totals in USD: pledged, paid and outstanding as the donors report has them
/// for this donor; received, refunded, written off, reduced and in kind summed from
/// the lines' own USD figures.
fn totals(
    src: &Source,
    conv: &Conv,
    code: &str,
    period: Period,
    lines: &[Line],
) -> Result<StatementTotals, ReportError> {
    let t = tally(src, conv, period)?;
    let f = t.by_donor.get(code).copied().unwrap_or_default();
    let mut totals = StatementTotals {
        pledged: f.pledged,
        paid: f.paid,
        outstanding: f.outstanding,
        ..StatementTotals::default()
    };
    for l in lines {
        if let Some(usd) = l.usd {
            match l.kind {
                LineKind::Entry(Kind::Payment) => totals.received += usd,
                LineKind::Entry(Kind::Refund) => totals.refunded += usd,
                LineKind::Entry(Kind::WriteOff) => totals.written_off += usd,
                LineKind::Entry(Kind::Reduction) => totals.reduced += usd,
                LineKind::Entry(Kind::InKind) => totals.in_kind += usd,
                LineKind::Entry(
                    Kind::Pledge
                    | Kind::Reversal
                    | Kind::Ledger
                    | Kind::Checkpoint
                    | Kind::Rate
                    | Kind::Donor
                    | Kind::Mandate
                    | Kind::Fund
                    | Kind::Agreement
                    | Kind::ConditionMet,
                )
                | LineKind::OpeningPledge
                | LineKind::ConditionalPledge => {}
            }
        }
    }
    totals.net_paid = totals.received - totals.refunded;
    Ok(totals)
}
