//! Which entries a book of part of a ledger keeps: one place for the filtered
//! reports and for a writer that judges a new entry by its share of the ledger.
//!
//! Invariant: a book that keeps some donors' pledges, payments, refunds, in-kind
//! contributions, write-offs and reductions, and every entry that names no donor
//! (registrations, rates, agreements, conditions met, and the reversals of what it
//! holds), answers every question about each of those donors as the whole book does; without a donor, it
//! answers every question about the registers, agreements and rates. The rules judge
//! - a pledge, payment, refund or in-kind contribution by its own donor's records
//!   and the entries naming no donor: its group, its donor's references, the pledge
//!   it names (of its own donor, or refused), the rates, registers and agreements;
//! - a write-off or reduction by its pledge's group, and a reversal of a pledge,
//!   payment, refund, in-kind contribution, write-off or reduction by the target's
//!   group and what names the target: the same donor's records;
//! - a rate, a registration, an agreement, a condition met and a reversal of a rate
//!   by the registers, agreements and rates alone.

use rustc_hash::FxHashSet;

use super::Book;
use crate::domain::entry::{Body, Entry, Kind, Party};
use crate::domain::register::Register;

/// Whether `book`, a filtered book holding what it took of the entries before `e`,
/// takes `e`: a pledge, payment, refund or in-kind contribution if `keeps` its
/// donor and mandate, a write-off or reduction of a pledge it holds, a reversal of
/// an entry it holds (nothing asks whether an entry left out was reversed), and any
/// other entry that names no donor (registrations, rates, agreements, conditions
/// met). Entries come in journal order.
pub fn takes(book: &Book, e: &Entry, mut keeps: impl FnMut(&str, &str) -> bool) -> bool {
    match &e.body {
        Body::Reversal(r) => book.kind_of(r.entry).is_some(),
        _ => match e.body.party() {
            Party::Own { donor, mandate } => keeps(donor, mandate),
            Party::OfPledge(n) => book.kind_of(n) == Some(Kind::Pledge),
            Party::None => true,
        },
    }
}

/// Whose entries a share of a ledger keeps, besides every entry that names no donor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose<'a> {
    /// One donor's, by code.
    Donor(&'a str),
    /// Several donors' (an import's: the donors its rows name).
    Donors(&'a Donors),
    /// Every registered donor's (a donor the built-in register does not know): what
    /// a donor given as typed is when the built-in register cannot say whose it is,
    /// a registered donor's code or name, read before the register that says it.
    Registered,
    /// No donor's.
    NoDonor,
}

/// The donors a share of several keeps: the built-in donors of `codes`, and every
/// registered donor's entries when `registered` (a donor given as typed that the
/// built-in register does not know is a registered donor's code or name, or none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Donors {
    /// Asked of every line a read hands over: hashed by the faster `rustc-hash`
    /// (the codes are the ledger's own, read from the file being imported).
    pub codes: FxHashSet<String>,
    pub registered: bool,
}

impl Whose<'_> {
    /// Whether the share keeps the entries of donor `code`; `builtin` is the
    /// built-in register.
    pub fn keeps(self, code: &str, builtin: &Register) -> bool {
        match self {
            Whose::Donor(d) => d == code,
            Whose::Donors(d) => {
                d.codes.contains(code) || (d.registered && builtin.donor(code).is_none())
            }
            Whose::Registered => builtin.donor(code).is_none(),
            Whose::NoDonor => false,
        }
    }
}

/// The share of a ledger a writer reads to judge one new entry: one donor's
/// entries, every registered donor's, or none, and the entries that name no donor
/// (as `takes` keeps them).
#[derive(Debug, Clone)]
pub struct Share<'a> {
    whose: Whose<'a>,
    builtin: Register,
}

/// Which share a draft's judgment reads, as far as the draft itself says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareOf<'a> {
    /// Its donor's, as typed (a code or a name).
    Donor(&'a str),
    /// No donor's: the registers, agreements and rates.
    NoDonor,
    /// The donor's of the entry it names by number (a write-off's pledge, a
    /// reversal's target), which only the journal can say.
    Named(u64),
}

impl<'a> Share<'a> {
    pub fn new(whose: Whose<'a>) -> Share<'a> {
        Share {
            whose,
            builtin: Register::builtin(),
        }
    }

    pub fn whose(&self) -> Whose<'a> {
        self.whose
    }

    /// Whether `book`, holding what this share kept of the entries before `e`,
    /// takes `e` (see `takes`).
    pub fn keeps(&self, book: &Book, e: &Entry) -> bool {
        takes(book, e, |donor, _| self.keeps_donor(donor))
    }

    /// Whether the share keeps the entries of donor `code`.
    pub fn keeps_donor(&self, code: &str) -> bool {
        self.whose.keeps(code, &self.builtin)
    }

    /// What share a draft's judgment reads (see the module's invariant).
    pub fn of_draft(body: &Body) -> ShareOf<'_> {
        match body {
            Body::Pledge(p) => ShareOf::Donor(&p.money.donor),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => ShareOf::Donor(&p.money.donor),
            Body::WriteOff(w) | Body::Reduction(w) => ShareOf::Named(w.pledge),
            Body::Reversal(r) => ShareOf::Named(r.entry),
            Body::Ledger(_)
            | Body::Checkpoint(_)
            | Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => ShareOf::NoDonor,
        }
    }

    /// Whether `book`, read keeping this share, gives the whole book's verdict on
    /// `draft` (as typed), refusal and message included: the draft reads that share
    /// (a pledge, payment, refund or in-kind contribution whose donor it keeps, or
    /// no donor at all, as the register is whole; a write-off, reduction or
    /// reversal; a rate, registration or condition met, which every share holds
    /// what it reads of), and every entry it names is in the book or is no entry at
    /// all (one left out is another donor's, which the book cannot speak of).
    pub fn answers(&self, book: &Book, draft: &Body) -> bool {
        let known = |n: u64| book.kind_of(n).is_some() || n > book.entries;
        let of_donor = |text: &str| match self.whose {
            Whose::NoDonor => false,
            Whose::Donor(_) | Whose::Donors(_) | Whose::Registered => book
                .register
                .resolve_donor(text)
                .map_or(true, |d| self.keeps_donor(&d.code)),
        };
        match draft {
            Body::Pledge(p) => of_donor(&p.money.donor),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => {
                of_donor(&p.money.donor) && p.pledge.is_none_or(known)
            }
            Body::WriteOff(w) | Body::Reduction(w) => known(w.pledge),
            Body::Reversal(r) => known(r.entry),
            Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => true,
            Body::Ledger(_) | Body::Checkpoint(_) => false,
        }
    }

    /// Whether `book`, read keeping this share, judges `body` (in canonical form)
    /// as the whole book would: a pledge, payment, refund or in-kind contribution of
    /// a donor it keeps; a write-off or reduction of such a donor's pledge the book
    /// holds; a reversal of such a donor's entry the book holds; and in any share,
    /// a rate, a registration, a condition met, or a reversal of a rate.
    pub fn owns(&self, book: &Book, body: &Body) -> bool {
        let code = |d: &str| self.keeps_donor(d);
        let pledge_of = |n: u64| book.pledge(n).is_some_and(|p| code(&p.donor));
        match body {
            Body::Pledge(p) => code(&p.money.donor),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => code(&p.money.donor),
            Body::WriteOff(w) | Body::Reduction(w) => pledge_of(w.pledge),
            Body::Reversal(r) => match book.kind_of(r.entry) {
                Some(Kind::Pledge) => pledge_of(r.entry),
                Some(Kind::Payment | Kind::Refund) => {
                    book.payment(r.entry).is_some_and(|p| code(&p.donor))
                }
                Some(Kind::InKind) => book.in_kind_entry(r.entry).is_some_and(|p| code(&p.donor)),
                Some(Kind::WriteOff | Kind::Reduction) => {
                    book.write_off(r.entry).is_some_and(|w| pledge_of(w.pledge))
                }
                Some(Kind::Rate) => true,
                // Refused whatever the share: never committed.
                Some(
                    Kind::Ledger
                    | Kind::Checkpoint
                    | Kind::Reversal
                    | Kind::Donor
                    | Kind::Mandate
                    | Kind::Fund
                    | Kind::Agreement
                    | Kind::ConditionMet,
                )
                | None => false,
            },
            Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => true,
            Body::Ledger(_) | Body::Checkpoint(_) => false,
        }
    }
}
