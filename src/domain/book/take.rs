//! The checks of what lowers a pledge without a payment, and of opening pledges.
//!
//! Owns: the rules of write-offs and reductions (a reason on record; never more than
//! what is outstanding on the pledge at their date, nor squeezing one already
//! recorded), of opening pledges (a pledge made before the ledger's records, carried
//! in at an opening date with what was still owed then), and of entries dated before
//! an opening date. Pure: never changes the book.

use crate::domain::Code;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::check::{check_amount, check_date, check_text};
use super::{Checker, PledgeRec, WriteOffRec};
use crate::domain::entry::{Kind, Pledge, WriteOff};
use crate::domain::problem::Problem;
use crate::domain::settlement::{self, Records};

fn what(reduction: bool) -> &'static str {
    if reduction {
        Kind::Reduction.as_str()
    } else {
        Kind::WriteOff.as_str()
    }
}

impl Checker {
    /// Checks a write-off (`reduction` false) or a reduction of a pledge.
    pub(super) fn check_take(&self, mut w: WriteOff, reduction: bool) -> Result<WriteOff, Problem> {
        let what = what(reduction);
        check_text("reference", w.notes.reference.as_deref(), false)?;
        check_text("reason", w.notes.memo.as_deref(), true)?;
        if w.notes.memo.as_deref().is_none_or(|m| m.trim().is_empty()) {
            return Err(Problem::field(
                Code::ReasonRequired,
                "reason",
                if reduction {
                    "a reduction needs its reason on record (the donor's letter or note verbale)"
                } else {
                    "a write-off needs its authority on record (the approval that writes it off)"
                },
            ));
        }
        let pledge = self.live_pledge_named(w.pledge, "pledge")?;
        self.check_recognised(pledge, w.date, what)?;
        if w.currency != pledge.currency {
            return Err(Problem::field(
                Code::CurrencyMismatch,
                "currency",
                format!(
                    "pledge #{} is in {}; a {what} is in the pledge's currency",
                    pledge.seq, pledge.currency
                ),
            ));
        }
        w.amount = check_amount(w.amount, pledge.currency, "amount")?;
        check_date(w.date, "date")?;
        if w.date < pledge.date {
            return Err(Problem::field(
                Code::DateBeforePledge,
                "date",
                format!(
                    "the {what} date {} is before the pledge date {}",
                    w.date, pledge.date
                ),
            ));
        }
        before_opening(pledge, w.date, what)?;
        self.check_take_fits(pledge, &w, reduction)?;
        Ok(w)
    }

    /// A write-off or reduction may not exceed what is outstanding on its pledge at
    /// its date, nor make one already recorded on that pledge exceed it.
    fn check_take_fits(
        &self,
        pledge: &PledgeRec,
        w: &WriteOff,
        reduction: bool,
    ) -> Result<(), Problem> {
        let seq = self.entries + 1;
        let new = WriteOffRec {
            seq,
            reduction,
            pledge: w.pledge,
            amount: w.amount,
            currency: w.currency,
            date: w.date,
            reason: None,
            reversed_by: None,
        };
        let mut records = self.records_for_pledge(pledge.seq);
        records.takes.push(&new);
        let s = settlement::settle_records(&records, Some(pledge)).map_err(|e| {
            let all: Vec<String> = e.iter().map(ToString::to_string).collect();
            Problem::new(Code::MissingRate, all.join("; "))
        })?;
        // The new one first: when it does not fit, say so about it.
        let mut takes: Vec<&WriteOffRec> = records.takes.clone();
        takes.sort_by_key(|w| (w.seq != seq, w.seq));
        for wo in takes {
            let applied: Decimal = s
                .allocations
                .get(&wo.seq)
                .map(|a| a.settled.iter().map(|(_, x)| *x).sum())
                .unwrap_or_default();
            if applied < wo.amount {
                let outstanding = if wo.seq == seq {
                    s.outstanding(pledge, w.date) + applied
                } else {
                    s.outstanding(pledge, w.date) + w.amount
                };
                let c = pledge.currency;
                return Err(Problem::field(
                    if reduction {
                        Code::ReductionExceeds
                    } else {
                        Code::WriteOffExceeds
                    },
                    "amount",
                    format!(
                        "pledge #{} has {} {c} outstanding on {}; a {} of {} {c} is larger",
                        pledge.seq,
                        c.format(outstanding),
                        w.date,
                        what(reduction),
                        c.format(w.amount),
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The live records settling one pledge can touch, borrowed from the book: the
    /// pledges of its donor, mandate and currency (settled in order with it), the
    /// payments that name it (in any currency; one that names it must be of its
    /// donor and mandate) or name none and are in its currency, and its write-offs
    /// and reductions. Settlement limited to one pledge would pass over every other
    /// record of the group: a refund, a payment naming another pledge, and what is
    /// in another currency settle nothing of it.
    pub(super) fn records_for_pledge(&self, seq: u64) -> Records<'_> {
        let p = &self.pledges[&seq];
        let pledges = self
            .pledge_groups
            .get(&p.donor, &p.mandate)
            .into_iter()
            .flatten();
        let payments = self
            .payment_groups
            .get(&p.donor, &p.mandate)
            .into_iter()
            .flatten()
            .flat_map(|(_, seqs)| seqs);
        let takes = self.takes.get(&seq).into_iter().flatten();
        Records {
            pledges: pledges
                .filter_map(|s| self.pledges.get(s))
                .filter(|q| q.reversed_by.is_none() && !q.pending && q.currency == p.currency)
                .collect(),
            payments: payments
                .filter_map(|s| self.payments.get(s))
                .filter(|q| q.reversed_by.is_none() && !q.refund)
                .filter(|q| match q.pledge {
                    Some(named) => named == seq,
                    None => q.currency == p.currency,
                })
                .collect(),
            in_kind: Vec::new(),
            takes: takes
                .filter_map(|s| self.write_offs.get(s))
                .filter(|w| w.reversed_by.is_none())
                .collect(),
            rates: &self.rates,
        }
    }
}

/// Checks an opening pledge's two fields: both or neither, an opening date on or
/// after the pledge date, and an outstanding from zero up to the amount pledged
/// (scaled to the currency's decimals).
pub(super) fn check_opening(p: &mut Pledge) -> Result<(), Problem> {
    let (opening, outstanding) = match (p.opening, p.outstanding) {
        (None, None) => return Ok(()),
        (Some(_), None) => {
            return Err(Problem::field(
                Code::IncompleteOpening,
                "outstanding",
                "an opening pledge needs what was still outstanding on its opening date",
            ));
        }
        (None, Some(_)) => {
            return Err(Problem::field(
                Code::IncompleteOpening,
                "opening",
                "an outstanding amount is given only for an opening pledge: add its opening date",
            ));
        }
        (Some(d), Some(a)) => (d, a),
    };
    check_date(opening, "opening")?;
    if opening < p.money.date {
        return Err(Problem::field(
            Code::OpeningBeforePledge,
            "opening",
            format!(
                "the opening date {opening} is before the pledge date {}",
                p.money.date
            ),
        ));
    }
    if outstanding < Decimal::ZERO {
        return Err(Problem::field(
            Code::BadAmount,
            "outstanding",
            format!("what is outstanding cannot be negative; {outstanding} is"),
        ));
    }
    let outstanding = p
        .money
        .currency
        .exact(outstanding)
        .map_err(|m| Problem::field(Code::TooManyDecimals, "outstanding", m))?;
    if outstanding > p.money.amount {
        let c = p.money.currency;
        return Err(Problem::field(
            Code::OutstandingExceedsAmount,
            "outstanding",
            format!(
                "{} {c} outstanding is more than the {} {c} pledged",
                c.format(outstanding),
                c.format(p.money.amount)
            ),
        ));
    }
    p.outstanding = Some(outstanding);
    Ok(())
}

/// Nothing dated before an opening pledge's opening date may name it: what happened
/// before is already in the outstanding it was carried in with.
pub(super) fn before_opening(
    pledge: &PledgeRec,
    date: NaiveDate,
    what: &str,
) -> Result<(), Problem> {
    match pledge.opening {
        Some((opening, _)) if date < opening => Err(Problem::field(
            Code::BeforeOpening,
            "date",
            format!(
                "pledge #{} was carried in as an opening pledge on {opening}; {} dated {date} is before that (what it owed then already counts everything earlier)",
                pledge.seq,
                crate::domain::words::a(what)
            ),
        )),
        _ => Ok(()),
    }
}
