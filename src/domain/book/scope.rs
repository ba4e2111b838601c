//! Which entries a book of some donors' money keeps: one place for the filtered
//! reports and for a writer that judges one donor's entry.
//!
//! Invariant: a book that keeps a donor's pledges, payments, refunds, in-kind
//! contributions, write-offs and reductions, and every entry that names no donor
//! (registrations, rates, agreements, conditions met, reversals), answers every
//! question about that donor as the whole book does. The rules judge a pledge,
//! payment, refund or in-kind contribution by its own donor's records and by those
//! entries alone: its group, its donor's references, the pledge it names (of its
//! own donor, or refused), the rates, the registers and agreements. A write-off or
//! reduction is judged by its pledge's group, and a reversal of a pledge, payment,
//! refund, in-kind contribution, write-off or reduction by the target's group and
//! what names it: all of them the same donor's records.

use std::collections::HashSet;

use super::Book;
use crate::domain::entry::{Body, Entry, Kind, Party};

/// Whether a filtered book takes `e`: a pledge, payment, refund or in-kind
/// contribution if `keeps` its donor and mandate, a write-off or reduction of a
/// pledge it took (`pledges`, filled as pledges are taken), and every entry that
/// names no donor (registrations, rates, reversals; a reversal of an entry left out
/// finds nothing).
pub fn takes(
    e: &Entry,
    pledges: &mut HashSet<u64>,
    mut keeps: impl FnMut(&str, &str) -> bool,
) -> bool {
    match e.body.party() {
        Party::Own { donor, mandate } => {
            keeps(donor, mandate) && (!matches!(e.body, Body::Pledge(_)) || pledges.insert(e.seq))
        }
        Party::OfPledge(n) => pledges.contains(&n),
        Party::None => true,
    }
}

/// The entries a writer reads to judge a new entry of one donor (by its code):
/// that donor's, and every entry that names no donor.
#[derive(Debug, Clone)]
pub struct OneDonor {
    code: String,
    pledges: HashSet<u64>,
}

impl OneDonor {
    pub fn new(code: &str) -> OneDonor {
        OneDonor {
            code: code.to_string(),
            pledges: HashSet::new(),
        }
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    /// Whether the book takes `e` (entries come in journal order).
    pub fn keeps(&mut self, e: &Entry) -> bool {
        let code = &self.code;
        takes(e, &mut self.pledges, |donor, _| donor == code)
    }

    /// The donor a new entry is judged by, if it is one whose judgment reads only
    /// its own donor's records (see the module's invariant): a pledge, payment,
    /// refund or in-kind contribution.
    pub fn of_draft(body: &Body) -> Option<&str> {
        match body {
            Body::Pledge(p) => Some(&p.money.donor),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => Some(&p.money.donor),
            Body::Ledger(_)
            | Body::WriteOff(_)
            | Body::Reduction(_)
            | Body::Reversal(_)
            | Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => None,
        }
    }

    /// Whether `book`, read keeping donor `code`'s entries, gives the whole book's
    /// verdict on `draft` (as typed), refusal and message included: a pledge,
    /// payment, refund or in-kind contribution whose donor is `code` or no donor at
    /// all (the register is whole); a write-off, reduction or reversal; and in each,
    /// every entry it names is in the book or is no entry at all (one left out is
    /// another donor's, which the book cannot speak of).
    pub fn answers(book: &Book, draft: &Body, code: &str) -> bool {
        let known = |n: u64| book.kind_of(n).is_some() || n > book.entries;
        let donor = |text: &str| {
            book.register
                .resolve_donor(text)
                .map_or(true, |d| d.code == code)
        };
        match draft {
            Body::Pledge(p) => donor(&p.money.donor),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => {
                donor(&p.money.donor) && p.pledge.is_none_or(known)
            }
            Body::WriteOff(w) | Body::Reduction(w) => known(w.pledge),
            Body::Reversal(r) => known(r.entry),
            Body::Ledger(_)
            | Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => false,
        }
    }

    /// Whether `book`, read keeping donor `code`'s entries, judges `body` (in
    /// canonical form) as the whole book would: a pledge, payment, refund or in-kind
    /// contribution of `code`; a write-off or reduction of a pledge of `code` the
    /// book holds; a reversal of an entry of `code` the book holds (not of a rate:
    /// a rate's reversal converts every donor's payments again).
    pub fn owns(book: &Book, body: &Body, code: &str) -> bool {
        let pledge_of = |n: u64| book.pledge(n).is_some_and(|p| &*p.donor == code);
        match body {
            Body::Pledge(_) | Body::Payment(_) | Body::Refund(_) | Body::InKind(_) => {
                OneDonor::of_draft(body) == Some(code)
            }
            Body::WriteOff(w) | Body::Reduction(w) => pledge_of(w.pledge),
            Body::Reversal(r) => match book.kind_of(r.entry) {
                Some(Kind::Pledge) => pledge_of(r.entry),
                Some(Kind::Payment | Kind::Refund) => {
                    book.payment(r.entry).is_some_and(|p| &*p.donor == code)
                }
                Some(Kind::InKind) => book
                    .in_kind_entry(r.entry)
                    .is_some_and(|p| &*p.donor == code),
                Some(Kind::WriteOff | Kind::Reduction) => {
                    book.write_off(r.entry).is_some_and(|w| pledge_of(w.pledge))
                }
                Some(
                    Kind::Ledger
                    | Kind::Reversal
                    | Kind::Rate
                    | Kind::Donor
                    | Kind::Mandate
                    | Kind::Fund
                    | Kind::Agreement
                    | Kind::ConditionMet,
                )
                | None => false,
            },
            Body::Ledger(_)
            | Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => false,
        }
    }
}
