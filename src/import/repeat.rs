//! Safe to repeat: which rows of an export a ledger already holds, and the last step
//! of a draft before it is staged, naming its pledge by reference.
//!
//! A row with a reference is known by (kind, donor, reference): the n-th row of a
//! file with a key is the same entry as the n-th entry recorded with that key, so
//! re-importing records nothing, an overlapping export adds only its new rows, and a
//! document split over several lines stays several entries. A row without a
//! reference is known by (file SHA-256, row). A rate row is known when the book
//! already has that rate for that currency and date. Reversed entries still count:
//! re-importing a file never brings back what was deliberately reversed.

use crate::domain::Code;
use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Row, RowProblem};
use crate::domain::{Body, Checker, Currency, Kind, Problem};

/// What `Repeats::seen` decided about a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Already recorded: skip it. With the entry that records it when the row is
    /// known by its reference (see `differences`).
    Recorded(Option<u64>),
    /// New: stage it, then call `Repeats::staged` with the key if it succeeded.
    New(Option<String>),
}

/// Counts of reference keys within one import: per key, the rows of the file seen
/// with it so far and how many of them were staged.
#[derive(Debug, Default)]
pub struct Repeats {
    counts: HashMap<String, (u32, u32)>,
}

impl Repeats {
    /// Judges a row against `book`, which holds the committed entries plus what this
    /// import has staged so far.
    pub fn seen(&mut self, row: &Row, book: &Checker) -> Seen {
        if let Some(key) = key(row, book) {
            let committed = book.recorded_with_reference(&key);
            let (n, staged) = match self.counts.get_mut(&key) {
                Some((n, staged)) => {
                    *n += 1;
                    (*n, *staged)
                }
                None => {
                    self.counts.insert(key.clone(), (1, 0));
                    (1, 0)
                }
            };
            let committed = committed.saturating_sub(staged);
            return if n <= committed {
                Seen::Recorded(book.recorded_with_reference_nth(&key, n))
            } else {
                Seen::New(Some(key))
            };
        }
        // The same rate for the same currency and day is already recorded; a different
        // one is new, and `Checker::check` refuses it (rate-exists) as an error row.
        if let Body::Rate(r) = &row.body
            && book.rates.on(r.currency, r.date).map(|(_, rate)| rate) == Some(r.per_usd)
        {
            return Seen::Recorded(None);
        }
        match row.body.source() {
            Some(s) if book.has_source(&s.sha256, s.row) => Seen::Recorded(None),
            _ => Seen::New(None),
        }
    }

    pub fn staged(&mut self, key: Option<String>) {
        if let Some(k) = key
            && let Some((_, staged)) = self.counts.get_mut(&k)
        {
            *staged += 1;
        }
    }
}

/// What differs between a row known by its reference and the entry `seq` that
/// records it: the names of the fields (amount, currency, date, due, mandate) whose
/// values differ, each with the entry's value and the row's. Empty when they agree.
pub fn differences(row: &Row, book: &Checker, seq: u64) -> Vec<Difference> {
    let mut out = Vec::new();
    let mandate = |text: &str| {
        book.register
            .resolve_mandate(text)
            .map(|m| m.slug.clone())
            .unwrap_or_else(|_| text.to_string())
    };
    let due = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match &row.body {
        Body::Pledge(p) => {
            let Some(rec) = book.pledge(seq) else {
                return out;
            };
            let recorded = (rec.amount, rec.currency, rec.date);
            compare_money(
                &mut out,
                recorded,
                (p.money.amount, p.money.currency, p.money.date),
                true,
            );
            compare(&mut out, "due", due(rec.due), due(p.due));
            compare(
                &mut out,
                "mandate",
                rec.mandate.to_string(),
                mandate(&p.money.mandate),
            );
        }
        Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => {
            let rec = match row.body {
                // In-kind contributions are few; the book keeps no lookup by number.
                Body::InKind(_) => book.in_kind_entry(seq),
                _ => book.payment(seq),
            };
            let Some(rec) = rec else {
                return out;
            };
            let recorded = (rec.amount, rec.currency, rec.date);
            compare_money(
                &mut out,
                recorded,
                (p.money.amount, p.money.currency, p.money.date),
                true,
            );
            compare(
                &mut out,
                "mandate",
                rec.mandate.to_string(),
                mandate(&p.money.mandate),
            );
        }
        Body::WriteOff(w) | Body::Reduction(w) => {
            let Some(rec) = book.write_off(seq) else {
                return out;
            };
            let recorded = (rec.amount, rec.currency, rec.date);
            let found = (w.amount, w.currency, w.date);
            compare_money(&mut out, recorded, found, row.currency_given);
        }
        // Kinds without a reference.
        Body::Ledger(_)
        | Body::Checkpoint(_)
        | Body::Reversal(_)
        | Body::Rate(_)
        | Body::Donor(_)
        | Body::Mandate(_)
        | Body::Fund(_)
        | Body::Agreement(_)
        | Body::ConditionMet(_) => {}
    }
    out
}

/// A field whose value differs: its name, the entry's value and the row's.
pub type Difference = (&'static str, String, String);

/// Notes `field` when the entry's value and the row's differ.
fn compare(out: &mut Vec<Difference>, field: &'static str, recorded: String, found: String) {
    if recorded != found {
        out.push((field, recorded, found));
    }
}

/// Compares the amount, currency (only when `currency`) and date of an entry with
/// those of the row: (amount, currency, date) each.
fn compare_money(
    out: &mut Vec<Difference>,
    recorded: (Decimal, Currency, NaiveDate),
    found: (Decimal, Currency, NaiveDate),
    currency: bool,
) {
    compare(
        out,
        "amount",
        amount(recorded.0, recorded.1),
        amount(found.0, found.1),
    );
    if currency {
        compare(out, "currency", recorded.1.to_string(), found.1.to_string());
    }
    compare(out, "date", recorded.2.to_string(), found.2.to_string());
}

/// An amount as compared and shown: with its currency's decimals (`5` and `5.0`
/// are `5.00` USD), or as written when it has more.
fn amount(a: Decimal, currency: Currency) -> String {
    currency
        .exact(a)
        .map(|a| a.to_string())
        .unwrap_or_else(|_| a.normalize().to_string())
}

/// The row's reference key, when it has a reference and its donor is known.
fn key(row: &Row, book: &Checker) -> Option<String> {
    let reference = row.body.reference()?;
    let donor = match &row.body {
        Body::Pledge(p) => book
            .register
            .resolve_donor(&p.money.donor)
            .ok()?
            .code
            .clone(),
        Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => book
            .register
            .resolve_donor(&p.money.donor)
            .ok()?
            .code
            .clone(),
        Body::WriteOff(_) | Body::Reduction(_) => book
            .pledge_by_reference(row.pledge_reference.as_deref()?)?
            .donor
            .to_string(),
        Body::Ledger(_)
        | Body::Checkpoint(_)
        | Body::Reversal(_)
        | Body::Rate(_)
        | Body::Donor(_)
        | Body::Mandate(_)
        | Body::Fund(_)
        | Body::Agreement(_)
        | Body::ConditionMet(_) => return None,
    };
    Some(Checker::reference_key(row.body.kind(), &donor, reference))
}

/// The draft with its pledge named by number, ready for `Checker::check`.
pub fn resolve(row: &Row, book: &Checker) -> Result<Body, RowProblem> {
    let mut body = row.body.clone();
    let Some(r) = row.pledge_reference.as_deref() else {
        return Ok(body);
    };
    if matches!(body, Body::Pledge(_) | Body::Rate(_)) {
        return Ok(body);
    }
    let Some(pledge) = book.pledge_by_reference(r) else {
        return Err(RowProblem {
            line: row.line,
            field: Some("pledge_reference".into()),
            value: Some(r.to_string()),
            problem: Problem::new(
                Code::UnknownPledgeReference,
                "no pledge has this reference (recorded before, or earlier in this file)",
            ),
        });
    };
    match &mut body {
        Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => p.pledge = Some(pledge.seq),
        Body::WriteOff(w) | Body::Reduction(w) => {
            w.pledge = pledge.seq;
            if !row.currency_given {
                w.currency = pledge.currency;
            }
        }
        Body::Pledge(_)
        | Body::Rate(_)
        | Body::Ledger(_)
        | Body::Checkpoint(_)
        | Body::Reversal(_)
        | Body::Donor(_)
        | Body::Mandate(_)
        | Body::Fund(_)
        | Body::Agreement(_)
        | Body::ConditionMet(_) => {}
    }
    Ok(body)
}

/// A problem `Checker::check` found, placed on the row's field and the text it had.
pub fn rejected(row: &Row, problem: Problem) -> RowProblem {
    let field = problem.field.map(|f| match f {
        "pledge" => "pledge_reference",
        "per-usd" => "per_usd",
        "prior-period" => "prior_period",
        // A write-off's or reduction's reason is its memo.
        "reason" => "memo",
        other => other,
    });
    let value = field.map(|f| row.raw(f).unwrap_or("").to_string());
    RowProblem {
        line: row.line,
        field: field.map(str::to_string),
        value,
        problem,
    }
}

/// Whether an import can record entries of `kind`. Every other kind is recorded by
/// `ledger record` or a register command alone.
pub fn importable(kind: Kind) -> bool {
    match kind {
        Kind::Pledge
        | Kind::Payment
        | Kind::Refund
        | Kind::InKind
        | Kind::WriteOff
        | Kind::Reduction
        | Kind::Rate => true,
        Kind::Ledger
        | Kind::Checkpoint
        | Kind::Reversal
        | Kind::Donor
        | Kind::Mandate
        | Kind::Fund
        | Kind::Agreement
        | Kind::ConditionMet => false,
    }
}

/// The kinds an import can record, as messages list them: `pledge, payment, ...
/// reduction or rate`.
pub fn importable_names() -> String {
    let names: Vec<&str> = KINDS.iter().map(|k| k.as_str()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// Kinds an import can record, in the order messages name them (`importable`).
pub const KINDS: [Kind; 7] = [
    Kind::Pledge,
    Kind::Payment,
    Kind::Refund,
    Kind::InKind,
    Kind::WriteOff,
    Kind::Reduction,
    Kind::Rate,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_importable_kinds_are_those_listed() {
        for k in Kind::ALL {
            assert_eq!(importable(k), KINDS.contains(&k), "{}", k.as_str());
        }
        assert_eq!(
            importable_names(),
            "pledge, payment, refund, in-kind, write-off, reduction or rate"
        );
    }
}
