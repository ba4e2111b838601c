//! Which entries a book of some donors' money keeps: one place for the filtered
//! reports and for a writer that judges one donor's entry.
//!
//! Invariant: a book that keeps a donor's pledges, payments, refunds, in-kind
//! contributions, write-offs and reductions, and every entry that names no donor
//! (registrations, rates, agreements, conditions met, reversals), answers every
//! question about that donor as the whole book does. The rules judge a pledge,
//! payment, refund or in-kind contribution by its own donor's records and by those
//! entries alone: its group, its donor's references, the pledge it names (of its
//! own donor, or refused), the rates, the registers and agreements.

use std::collections::HashSet;

use crate::domain::entry::{Body, Entry, Party};

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
}
