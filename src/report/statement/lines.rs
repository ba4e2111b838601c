//! A statement's lines: one per pledge, payment, refund, in-kind contribution,
//! write-off, reduction and reversal of the donor, what each settled (from the
//! settlement's allocations) and each pledge's running outstanding (from the
//! settlement's events). Adds each counted line to the currency balances as it goes.

use crate::domain::{Currency, Kind};

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

/// What one line settled of one pledge. Its figures are kept as numbers and
/// written in the pledge's currency's form (`amount_text`), as they always were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub pledge: u64,
    /// The pledge's currency.
    pub currency: Currency,
    /// In the pledge's currency.
    pub amount: Decimal,
    /// What is left on that pledge after this line (none when the settlement does
    /// not say: written as an empty text).
    pub outstanding: Option<Decimal>,
}

impl Settled {
    pub fn amount_text(&self) -> String {
        self.currency.format(self.amount)
    }

    pub fn outstanding_text(&self) -> String {
        self.outstanding
            .map(|o| self.currency.format(o))
            .unwrap_or_default()
    }
}

impl Serialize for Settled {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut x = s.serialize_struct("Settled", 4)?;
        x.serialize_field("pledge", &self.pledge)?;
        x.serialize_field("currency", &self.currency)?;
        x.serialize_field("amount", &self.amount_text())?;
        x.serialize_field("outstanding", &self.outstanding_text())?;
        x.end()
    }
}

/// One entry's line. What only some lines have (a payment's unpledged rest, a
/// reversal's entry and reason, an instalment's agreement, ...) is kept apart in
/// `more`, so that the common line (a pledge, a payment) is a third smaller: a
/// statement of a large donor holds hundreds of thousands of lines.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// For pledges and write-offs: the pledge's outstanding after this line.
    pub outstanding: Option<String>,
    pub more: Option<Box<More>>,
}

/// The fields of a line that most lines leave empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct More {
    /// What a payment left unsettled, in its own currency.
    pub unpledged: Option<String>,
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
    pub agreement: Option<String>,
}

const NOTHING_MORE: More = More {
    unpledged: None,
    entry: None,
    reason: None,
    reversed_by: None,
    applied: None,
    agreement: None,
};

impl Line {
    /// The fields most lines leave empty (all empty when this one has none).
    pub fn more(&self) -> &More {
        self.more.as_deref().unwrap_or(&NOTHING_MORE)
    }

    /// The same, to fill in.
    pub fn more_mut(&mut self) -> &mut More {
        self.more.get_or_insert_with(Default::default)
    }

    pub fn reversed_by(&self) -> Option<u64> {
        self.more().reversed_by
    }

    fn set_reversed_by(&mut self, by: Option<u64>) {
        if by.is_some() {
            self.more_mut().reversed_by = by;
        }
    }
}

/// A line as it always was: every field in this order, each absent one as `null`,
/// except `agreement`, left out when absent.
impl Serialize for Line {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let more = self.more();
        let fields = 17 + usize::from(more.agreement.is_some());
        let mut l = s.serialize_struct("Line", fields)?;
        l.serialize_field("seq", &self.seq)?;
        l.serialize_field("date", &self.date)?;
        l.serialize_field("kind", &self.kind)?;
        l.serialize_field("mandate", &self.mandate)?;
        l.serialize_field("currency", &self.currency)?;
        l.serialize_field("amount", &self.amount)?;
        l.serialize_field("usd", &self.usd)?;
        l.serialize_field("pledge", &self.pledge)?;
        l.serialize_field("due", &self.due)?;
        l.serialize_field("reference", &self.reference)?;
        l.serialize_field("settled", &self.settled)?;
        l.serialize_field("unpledged", &more.unpledged)?;
        l.serialize_field("outstanding", &self.outstanding)?;
        l.serialize_field("entry", &more.entry)?;
        l.serialize_field("reason", &more.reason)?;
        l.serialize_field("reversed_by", &more.reversed_by)?;
        l.serialize_field("applied", &more.applied)?;
        match &more.agreement {
            Some(a) => l.serialize_field("agreement", a)?,
            None => l.skip_field("agreement")?,
        }
        l.end()
    }
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
        outstanding: None,
        more: None,
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
    l.set_reversed_by(p.reversed_by);
    if let Some(a) = &p.agreement {
        l.more_mut().agreement = Some(a.to_string());
    }
    if p.is_opening() {
        l.kind = LineKind::OpeningPledge;
        l.more_mut().reason = Some(format!(
            "carried in from a pledge of {} {} made {}",
            p.currency.format_grouped(p.amount),
            p.currency,
            p.date
        ));
    }
    if p.pending || p.date > period.to && p.pledged_on <= period.to && p.agreement.is_some() {
        l.kind = LineKind::ConditionalPledge;
        l.date = p.pledged_on;
        l.more_mut().reason = Some("conditional, not yet recognised: counts as pledged once its agreement's condition is met".into());
    } else if p.date > p.pledged_on {
        l.more_mut().reason = Some(format!(
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
    l.set_reversed_by(pay.reversed_by);
    if pay.prior_period {
        l.more_mut().reason =
            Some("prior-period refund: money received before the ledger's records".into());
    }
    if pay.reversed_by.is_none() && pay.date <= period.to {
        l.usd = Some(conv.usd(pay.amount, pay.currency, pay.date)?);
        let alloc = src.settlement.allocations.get(&pay.seq);
        bal.payment(src.book, pay, alloc);
        if let Some(a) = alloc {
            if !a.unpledged.is_zero() {
                l.more_mut().unpledged = Some(pay.currency.format(a.unpledged));
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
    l.set_reversed_by(ik.reversed_by);
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
                amount: *amt,
                outstanding: None,
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
    if let Some(a) = &p.agreement {
        l.more_mut().agreement = Some(a.to_string());
    }
    if let Some(r) = &w.reason {
        l.more_mut().reason = Some(r.clone());
    }
    l.set_reversed_by(w.reversed_by);
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
            l.more_mut().applied = Some(w.currency.format(applied));
        }
        bal.write_off(w, applied);
    }
    Ok(l)
}

/// The reversals of entries already listed. Reversals have no value date: they are
/// listed on the day they were recorded.
fn reversal_lines(src: &Source, listed: &[Line]) -> Vec<Line> {
    // Sorted numbers, not a hash set: a large donor lists half a million lines.
    let mut targets: Vec<u64> = listed.iter().map(|l| l.seq).collect();
    targets.sort_unstable();
    src.entries
        .iter()
        .filter_map(|e| match &e.body {
            Body::Reversal(r) if targets.binary_search(&r.entry).is_ok() => {
                let mut l = blank(
                    e.seq,
                    e.recorded_at.date_naive(),
                    LineKind::Entry(Kind::Reversal),
                );
                let more = l.more_mut();
                more.entry = Some(r.entry);
                more.reason = Some(r.reason.clone());
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
    let left_after = |ps: u64, by: Option<u64>| {
        let p = book.pledge(ps)?;
        match by {
            None => Some(p.base()),
            Some(by) => src.settlement.left_after(ps, by),
        }
    };
    let after = |ps: u64, by: Option<u64>| {
        let left = left_after(ps, by)?;
        Some(book.pledge(ps)?.currency.format(left))
    };
    for l in lines
        .iter_mut()
        .filter(|l| l.reversed_by().is_none() && l.date <= period.to)
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
                    if let Some(left) = left_after(s.pledge, Some(l.seq)) {
                        s.outstanding = Some(left);
                    }
                }
            }
            // Nothing of theirs stands against a pledge.
            LineKind::ConditionalPledge
            | LineKind::Entry(
                Kind::Reversal
                | Kind::Ledger
                | Kind::Checkpoint
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

#[cfg(test)]
mod tests {
    use super::*;

    fn date(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    /// A line is written with every field in its place, an absent one as `null` and
    /// an absent agreement left out, whether its rarer fields are kept apart or not.
    #[test]
    fn a_line_is_written_field_by_field_as_it_always_was() {
        let usd = Currency::lookup("USD").unwrap();
        let jpy = Currency::lookup("JPY").unwrap();
        let plain = blank(7, date("2024-02-03"), LineKind::Entry(Kind::Reversal));
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"seq":7,"date":"2024-02-03","kind":"reversal","mandate":null,"currency":null,"amount":null,"usd":null,"pledge":null,"due":null,"reference":null,"settled":[],"unpledged":null,"outstanding":null,"entry":null,"reason":null,"reversed_by":null,"applied":null}"#
        );
        let mut full = blank(9, date("2024-02-04"), LineKind::Entry(Kind::Payment));
        full.mandate = Some("icat".into());
        full.currency = Some(usd);
        full.amount = Some("12.50".into());
        full.usd = Some(Usd(Decimal::new(1250, 2)));
        full.pledge = Some(3);
        full.due = Some(date("2024-06-30"));
        full.reference = Some("R-1".into());
        full.settled = vec![
            Settled {
                pledge: 3,
                currency: jpy,
                amount: Decimal::new(1200, 0),
                outstanding: Some(Decimal::new(-0, 2)),
            },
            Settled {
                pledge: 4,
                currency: usd,
                amount: Decimal::new(5, 1),
                outstanding: None,
            },
        ];
        full.outstanding = Some("1.00".into());
        full.set_reversed_by(None);
        assert!(
            full.more.is_none(),
            "nothing kept apart for a line without them"
        );
        full.set_reversed_by(Some(11));
        let more = full.more_mut();
        more.unpledged = Some("0.50".into());
        more.entry = Some(2);
        more.reason = Some("why".into());
        more.applied = Some("0.25".into());
        more.agreement = Some("AG-1".into());
        assert_eq!(
            serde_json::to_string(&full).unwrap(),
            r#"{"seq":9,"date":"2024-02-04","kind":"payment","mandate":"icat","currency":"USD","amount":"12.50","usd":"12.50","pledge":3,"due":"2024-06-30","reference":"R-1","settled":[{"pledge":3,"currency":"JPY","amount":"1200","outstanding":"0"},{"pledge":4,"currency":"USD","amount":"0.50","outstanding":""}],"unpledged":"0.50","outstanding":"1.00","entry":2,"reason":"why","reversed_by":11,"applied":"0.25","agreement":"AG-1"}"#
        );
        assert_eq!(full.reversed_by(), Some(11));
    }
}
