//! A statement's lines: one per pledge, payment, refund, in-kind contribution,
//! write-off, reduction and reversal of the donor, what each settled (from the
//! settlement's allocations) and each pledge's running outstanding (from the
//! settlement's events). Adds each counted line to the currency balances as it goes.

use crate::domain::{Currency, Kind};
use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::balances::Balances;
use crate::domain::book::{PaymentRec, PledgeRec, WriteOffRec};
use crate::domain::entry::{Body, Name};
use crate::domain::settlement::Allocation;
use crate::report::{Conv, Period, ReportError, Source, Usd};

/// What a line is: an entry of its kind, or a pledge the statement tells apart.
/// Serialises as its name (`payment`, `opening-pledge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Entry(Kind),
    /// A pledge carried in at its opening date.
    OpeningPledge,
    /// An instalment of a conditional agreement not recognised by the period's end.
    ConditionalPledge,
}

impl LineKind {
    /// The name, as in the JSON: an entry's kind as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Entry(k) => k.as_str(),
            LineKind::OpeningPledge => "opening-pledge",
            LineKind::ConditionalPledge => "conditional-pledge",
        }
    }
}

impl Serialize for LineKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settled {
    pub pledge: u64,
    /// The pledge's currency.
    pub currency: Currency,
    /// In the pledge's currency.
    pub amount: String,
    /// What is left on that pledge after this line.
    pub outstanding: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub seq: u64,
    pub date: NaiveDate,
    pub kind: LineKind,
    pub mandate: Option<Name>,
    pub currency: Option<Currency>,
    pub amount: Option<String>,
    /// USD at the entry's rate; none for reversed entries and reversals.
    pub usd: Option<Usd>,
    /// The pledge a payment, refund or write-off names.
    pub pledge: Option<u64>,
    pub due: Option<NaiveDate>,
    pub reference: Option<String>,
    pub settled: Vec<Settled>,
    /// What a payment left unsettled, in its own currency.
    pub unpledged: Option<String>,
    /// For pledges and write-offs: the pledge's outstanding after this line.
    pub outstanding: Option<String>,
    /// For a reversal: the entry it voids, and why. For a write-off or reduction:
    /// its reason; for an opening pledge: the original pledge; for a prior-period
    /// refund: that label.
    pub entry: Option<u64>,
    pub reason: Option<String>,
    pub reversed_by: Option<u64>,
    /// For a write-off or reduction larger than what was outstanding at its date
    /// (payments dated before it arrived later): what it actually took off, in the
    /// pledge's currency.
    pub applied: Option<String>,
    /// For an instalment, and a payment, write-off or reduction of one: its agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<String>,
}

/// A line with only its number, date and kind.
fn blank(seq: u64, date: NaiveDate, kind: LineKind) -> Line {
    Line {
        seq,
        date,
        kind,
        mandate: None,
        currency: None,
        amount: None,
        usd: None,
        pledge: None,
        due: None,
        reference: None,
        settled: vec![],
        unpledged: None,
        outstanding: None,
        entry: None,
        reason: None,
        reversed_by: None,
        applied: None,
        agreement: None,
    }
}

/// Every line of donor `code` within `period`, grouped by agreement, and the currency
/// balances of everything dated up to the period's end.
pub(super) fn lines(
    src: &Source,
    conv: &Conv,
    code: &str,
    period: Period,
) -> Result<(Vec<Line>, Balances), ReportError> {
    let book = src.book;
    let mut bal = Balances::default();
    let mut lines: Vec<Line> = Vec::new();
    for p in book.pledges().filter(|p| *p.donor == *code) {
        lines.push(pledge_line(src, conv, p, period, &mut bal)?);
    }
    for pay in book.payments().filter(|p| *p.donor == *code) {
        lines.push(payment_line(src, conv, pay, period, &mut bal)?);
    }
    for ik in book.in_kind().filter(|p| *p.donor == *code) {
        lines.push(in_kind_line(src, conv, ik, period)?);
    }
    for w in book.write_offs() {
        if let Some(p) = book.pledge(w.pledge).filter(|p| *p.donor == *code) {
            lines.push(write_off_line(src, conv, w, p, period, &mut bal)?);
        }
    }
    let reversals = reversal_lines(src, &lines);
    lines.extend(reversals);
    // Every line is one entry's, so no two share a number: the order is total, and
    // a sort in place (no buffer of half the lines) gives the one a stable sort gives.
    lines.sort_unstable_by_key(|l| (l.date, l.seq));
    running_outstanding(src, period, &mut lines);
    lines.retain(|l| period.contains(l.date));
    crate::report::agreements::group_lines(book, &mut lines);
    Ok((lines, bal))
}

/// A pledge's line: an opening pledge on its opening date with what it was carried
/// in with, a conditional instalment not yet recognised on the date it was pledged.
fn pledge_line(
    src: &Source,
    conv: &Conv,
    p: &PledgeRec,
    period: Period,
    bal: &mut Balances,
) -> Result<Line, ReportError> {
    let mut l = blank(p.seq, p.counted_on(), LineKind::Entry(Kind::Pledge));
    l.mandate = Some(p.mandate.clone());
    l.currency = Some(p.currency);
    l.amount = Some(p.currency.format(p.base()));
    l.due = p.due;
    l.reference = p.reference.clone();
    l.reversed_by = p.reversed_by;
    l.agreement = p.agreement.as_deref().map(str::to_string);
    if p.is_opening() {
        l.kind = LineKind::OpeningPledge;
        l.reason = Some(format!(
            "carried in from a pledge of {} {} made {}",
            p.currency.format_grouped(p.amount),
            p.currency,
            p.date
        ));
    }
    if p.pending || p.date > period.to && p.pledged_on <= period.to && p.agreement.is_some() {
        l.kind = LineKind::ConditionalPledge;
        l.date = p.pledged_on;
        l.reason = Some("conditional, not yet recognised: counts as pledged once its agreement's condition is met".into());
    } else if p.date > p.pledged_on {
        l.reason = Some(format!(
            "conditional instalment pledged {}, recognised when its agreement's condition was met",
            p.pledged_on
        ));
    }
    if p.reversed_by.is_none() && !p.pending && p.counted_on() <= period.to {
        l.usd = Some(conv.usd(p.base(), p.currency, p.counted_on())?);
        bal.pledge(p, src.settlement.outstanding(p, period.to));
    }
    Ok(l)
}

/// A payment's or refund's line, with what the payment settled and left unpledged.
fn payment_line(
    src: &Source,
    conv: &Conv,
    pay: &PaymentRec,
    period: Period,
    bal: &mut Balances,
) -> Result<Line, ReportError> {
    let kind = if pay.refund {
        LineKind::Entry(Kind::Refund)
    } else {
        LineKind::Entry(Kind::Payment)
    };
    let mut l = blank(pay.seq, pay.date, kind);
    l.mandate = Some(pay.mandate.clone());
    l.currency = Some(pay.currency);
    l.amount = Some(pay.currency.format(pay.amount));
    l.pledge = pay.pledge;
    l.reference = pay.reference.clone();
    l.reversed_by = pay.reversed_by;
    if pay.prior_period {
        l.reason = Some("prior-period refund: money received before the ledger's records".into());
    }
    if pay.reversed_by.is_none() && pay.date <= period.to {
        l.usd = Some(conv.usd(pay.amount, pay.currency, pay.date)?);
        let alloc = src.settlement.allocations.get(&pay.seq);
        bal.payment(src.book, pay, alloc);
        if let Some(a) = alloc {
            if !a.unpledged.is_zero() {
                l.unpledged = Some(pay.currency.format(a.unpledged));
            }
            l.settled = settled(src, a);
        }
    }
    Ok(l)
}

/// An in-kind contribution's line, with the in-kind pledge it settled.
fn in_kind_line(
    src: &Source,
    conv: &Conv,
    ik: &PaymentRec,
    period: Period,
) -> Result<Line, ReportError> {
    let mut l = blank(ik.seq, ik.date, LineKind::Entry(Kind::InKind));
    l.mandate = Some(ik.mandate.clone());
    l.currency = Some(ik.currency);
    l.amount = Some(ik.currency.format(ik.amount));
    l.pledge = ik.pledge;
    l.reference = ik.reference.clone();
    l.reversed_by = ik.reversed_by;
    if ik.reversed_by.is_none() && ik.date <= period.to {
        l.usd = Some(conv.usd(ik.amount, ik.currency, ik.date)?);
        if let Some(a) = src.settlement.allocations.get(&ik.seq) {
            l.settled = settled(src, a);
        }
    }
    Ok(l)
}

/// What an allocation settled, pledge by pledge; each pledge's outstanding after it
/// is filled in by `running_outstanding`.
fn settled(src: &Source, a: &Allocation) -> Vec<Settled> {
    a.settled
        .iter()
        .filter_map(|(ps, amt)| {
            let pl = src.book.pledge(*ps)?;
            Some(Settled {
                pledge: *ps,
                currency: pl.currency,
                amount: pl.currency.format(*amt),
                outstanding: String::new(),
            })
        })
        .collect()
}

/// A write-off's or reduction's line on pledge `p`, with what it actually took off.
fn write_off_line(
    src: &Source,
    conv: &Conv,
    w: &WriteOffRec,
    p: &PledgeRec,
    period: Period,
    bal: &mut Balances,
) -> Result<Line, ReportError> {
    let mut l = blank(w.seq, w.date, LineKind::Entry(w.kind()));
    l.mandate = Some(p.mandate.clone());
    l.currency = Some(w.currency);
    l.amount = Some(w.currency.format(w.amount));
    l.pledge = Some(w.pledge);
    l.agreement = p.agreement.as_deref().map(str::to_string);
    l.reason = w.reason.clone();
    l.reversed_by = w.reversed_by;
    if w.reversed_by.is_none() && w.date <= period.to {
        // What it actually took off the pledge (never below zero).
        let applied: Decimal = src
            .settlement
            .allocations
            .get(&w.seq)
            .map(|a| a.settled.iter().map(|(_, x)| *x).sum())
            .unwrap_or_default();
        // A reduction counts at the rate its pledge was counted at; a write-off
        // at its own date's.
        let rate_date = if w.reduction { p.counted_on() } else { w.date };
        l.usd = Some(conv.usd(applied, w.currency, rate_date)?);
        if applied < w.amount {
            l.applied = Some(w.currency.format(applied));
        }
        bal.write_off(w, applied);
    }
    Ok(l)
}

/// The reversals of entries already listed. Reversals have no value date: they are
/// listed on the day they were recorded.
fn reversal_lines(src: &Source, listed: &[Line]) -> Vec<Line> {
    let targets: HashSet<u64> = listed.iter().map(|l| l.seq).collect();
    src.entries
        .iter()
        .filter_map(|e| match &e.body {
            Body::Reversal(r) if targets.contains(&r.entry) => {
                let mut l = blank(
                    e.seq,
                    e.recorded_at.date_naive(),
                    LineKind::Entry(Kind::Reversal),
                );
                l.entry = Some(r.entry);
                l.reason = Some(r.reason.clone());
                Some(l)
            }
            _ => None,
        })
        .collect()
}

/// Each pledge's outstanding after each counted line that touches it, as the
/// settlement left it after that line's entry.
fn running_outstanding(src: &Source, period: Period, lines: &mut [Line]) {
    let book = src.book;
    let after = |ps: u64, by: Option<u64>| {
        let p = book.pledge(ps)?;
        let left = match by {
            None => p.base(),
            Some(by) => src.settlement.left_after(ps, by)?,
        };
        Some(p.currency.format(left))
    };
    for l in lines
        .iter_mut()
        .filter(|l| l.reversed_by.is_none() && l.date <= period.to)
    {
        match l.kind {
            LineKind::Entry(Kind::Pledge) | LineKind::OpeningPledge => {
                l.outstanding = after(l.seq, None)
            }
            // A write-off the settlement did not take (its pledge not live) shows none.
            LineKind::Entry(Kind::WriteOff) | LineKind::Entry(Kind::Reduction) => {
                if src.settlement.allocations.contains_key(&l.seq)
                    && let Some(left) = l.pledge.and_then(|ps| after(ps, Some(l.seq)))
                {
                    l.outstanding = Some(left);
                }
            }
            LineKind::Entry(Kind::Payment | Kind::Refund | Kind::InKind) => {
                for s in l.settled.iter_mut() {
                    if let Some(left) = after(s.pledge, Some(l.seq)) {
                        s.outstanding = left;
                    }
                }
            }
            // Nothing of theirs stands against a pledge.
            LineKind::ConditionalPledge
            | LineKind::Entry(
                Kind::Reversal
                | Kind::Ledger
                | Kind::Rate
                | Kind::Donor
                | Kind::Mandate
                | Kind::Fund
                | Kind::Agreement
                | Kind::ConditionMet,
            ) => {}
        }
    }
}
