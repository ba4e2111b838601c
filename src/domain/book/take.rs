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
use super::checker::event_of;
use super::{Checker, PledgeRec, WriteOffRec};
use crate::domain::entry::{Kind, Pledge, WriteOff};
use crate::domain::problem::Problem;
use crate::domain::settlement::{self, LiveGroup, Records, Settlement, Tried};
use rustc_hash::FxHashSet;

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
    /// its date, nor leave less to take for one already recorded: settled with the
    /// new one, its pledge's whole group must give every earlier write-off and
    /// reduction at least what it took without it. (One recorded before may already
    /// take less than its amount, when a payment dated before it was recorded
    /// after it: that is not the new one's doing.)
    fn check_take_fits(
        &self,
        pledge: &PledgeRec,
        w: &WriteOff,
        reduction: bool,
    ) -> Result<(), Problem> {
        let c = pledge.currency;
        let exceeds_by = |applied: Decimal| {
            // It is the last event of its date, so what it found left was what it took.
            Problem::field(
                exceeds(reduction),
                "amount",
                format!(
                    "pledge #{} has {} {c} outstanding on {}; a {} of {} {c} is larger",
                    pledge.seq,
                    c.format(applied),
                    w.date,
                    what(reduction),
                    c.format(w.amount),
                ),
            )
        };
        let seq = self.entries + 1;
        let new = WriteOffRec {
            seq,
            reduction,
            pledge: w.pledge,
            amount: w.amount,
            currency: w.currency,
            date: w.date,
            reason: None,
            reference: None,
            reversed_by: None,
        };
        let squeezes = |(t, before, after): (&WriteOffRec, Decimal, Decimal)| {
            Problem::field(
                exceeds(reduction),
                "amount",
                format!(
                    "a {} of {} {c} on pledge #{} dated {} would leave less for {} #{} (pledge #{}, {}): it would take {} {c} of its {} {c} instead of {} {c}",
                    what(reduction),
                    c.format(w.amount),
                    pledge.seq,
                    w.date,
                    what(t.reduction),
                    t.seq,
                    t.pledge,
                    t.date,
                    c.format(after),
                    c.format(t.amount),
                    c.format(before),
                ),
            )
        };
        // Judged in the pledge's kept group when it can be: tried in its place among
        // the events the group remembers (dated after them all, it comes last, takes
        // what is left and changes nothing else).
        if let Some(tried) = self.live_take(pledge, &new) {
            if tried.applied < w.amount {
                return Err(exceeds_by(tried.applied));
            }
            // The first as the whole settlement below names it: by pledge, then take.
            return match tried.squeezed.iter().min() {
                Some(&(_, t, before, after)) => {
                    let t = self.write_offs.get(&t).expect("a take of the group");
                    Err(squeezes((t, before, after)))
                }
                None => Ok(()),
            };
        }
        let mut records = self.group_records(pledge);
        records.takes.push(&new);
        let with = settle(&records)?;
        let taken = |s: &Settlement, by: u64| -> Decimal {
            s.allocations
                .get(&by)
                .map(|a| a.settled.iter().map(|(_, x)| *x).sum())
                .unwrap_or_default()
        };
        let applied = taken(&with, seq);
        if applied < w.amount {
            return Err(exceeds_by(applied));
        }
        let short: Vec<&WriteOffRec> = records
            .takes
            .iter()
            .copied()
            .filter(|t| t.seq != seq && taken(&with, t.seq) < t.amount)
            .collect();
        if short.is_empty() {
            return Ok(());
        }
        records.takes.pop();
        let without = settle(&records)?;
        for t in short {
            let (before, after) = (taken(&without, t.seq), taken(&with, t.seq));
            if after < before {
                return Err(squeezes((t, before, after)));
            }
        }
        Ok(())
    }

    /// What a new take would take off its pledge, and leave to the takes after it,
    /// judged by the pledge's live group (built now when none is kept): none when
    /// only settling the whole group again can say (it is dated before the events
    /// the group remembers, or a rate is missing).
    fn live_take(&self, pledge: &PledgeRec, w: &WriteOffRec) -> Option<Tried> {
        let mut kept = self.live.0.lock().expect("a live group panicked");
        let kept = &mut *kept;
        let groups = kept.groups.at(&pledge.donor, &pledge.mandate);
        let i = match groups.iter().position(|g| g.currency() == pledge.currency) {
            Some(i) => i,
            None => {
                let records = self.group_records(pledge);
                groups.push(LiveGroup::build(&records, pledge.currency));
                kept.count += 1;
                groups.len() - 1
            }
        };
        groups[i].try_take(w, &|seq| event_of(self, seq), &self.rates)
    }

    /// Every live record that settling one pledge's group reads, borrowed from the
    /// book: the pledges of its donor, mandate and currency (settled in order with
    /// it), the payments naming none in that currency, and the payments, in-kind
    /// contributions, write-offs and reductions naming any of those pledges (a
    /// payment naming one is of its donor and mandate, in any currency). What
    /// settles another pledge of the group changes what reaches this one, oldest
    /// first; a refund, and what is in another currency unnamed, settle nothing here.
    pub(super) fn group_records(&self, p: &PledgeRec) -> Records<'_> {
        let pledges: Vec<&PledgeRec> = self
            .groups()
            .pledge_groups
            .get(&p.donor, &p.mandate)
            .into_iter()
            .flatten()
            .filter_map(|s| self.pledges.get(s))
            .filter(|q| q.reversed_by.is_none() && !q.pending && q.currency == p.currency)
            .collect();
        let seqs: FxHashSet<u64> = pledges.iter().map(|q| q.seq).collect();
        let names = |named: Option<u64>| named.is_some_and(|n| seqs.contains(&n));
        let payments = self
            .groups()
            .payment_groups
            .get(&p.donor, &p.mandate)
            .into_iter()
            .flatten()
            .flat_map(|(_, seqs)| seqs)
            .filter_map(|s| self.payments.get(s))
            .filter(|q| q.reversed_by.is_none() && !q.refund)
            .filter(|q| match q.pledge {
                Some(_) => names(q.pledge),
                None => q.currency == p.currency,
            })
            .collect();
        let in_kind = self
            .groups()
            .in_kind_groups
            .get(&p.donor, &p.mandate)
            .into_iter()
            .flatten()
            .filter_map(|s| self.in_kind_entry(*s))
            .filter(|q| q.reversed_by.is_none() && names(q.pledge))
            .collect();
        let takes = pledges
            .iter()
            .filter_map(|q| self.groups().takes.get(&q.seq))
            .flatten()
            .filter_map(|s| self.write_offs.get(s))
            .filter(|w| w.reversed_by.is_none())
            .collect();
        Records {
            pledges,
            payments,
            in_kind,
            takes,
            rates: &self.rates,
        }
    }
}

fn exceeds(reduction: bool) -> Code {
    if reduction {
        Code::ReductionExceeds
    } else {
        Code::WriteOffExceeds
    }
}

/// Settles a group's records for a check; a rate it lacks is named.
fn settle(records: &Records<'_>) -> Result<Settlement, Problem> {
    settlement::settle_records(records).map_err(|e| {
        let all: Vec<String> = e.iter().map(ToString::to_string).collect();
        Problem::new(Code::MissingRate, all.join("; "))
    })
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
