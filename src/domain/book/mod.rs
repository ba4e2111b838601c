//! The book: what a prefix of the journal says, folded into memory.
//!
//! Owns: applying entries in journal order (registrations, rates, reversals) and the
//! queries writers and reports ask. The checks a new entry must pass live in
//! `check`. Pure: no I/O.

mod agreement;
mod by_seq;
mod check;
mod checker;
mod scope;
mod take;
mod when;

pub use by_seq::BySeq;
pub use checker::Checker;
pub use scope::{Donors, Share, ShareOf, Whose, takes};

use rustc_hash::FxHashMap as HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::agreement::Agreements;
use super::currency::Currency;
use super::entry::{Body, Entry, Kind};
use super::rates::Rates;
use super::register::Register;

pub use super::entry::Name;

/// The set of names a book has seen.
#[derive(Debug, Clone, Default)]
pub struct Names(rustc_hash::FxHashSet<Name>);

impl Names {
    pub fn get(&mut self, text: &str) -> Name {
        if let Some(n) = self.0.get(text) {
            return n.clone();
        }
        let n: Name = text.into();
        self.0.insert(n.clone());
        n
    }
}

#[derive(Debug, Clone)]
pub struct PledgeRec {
    pub seq: u64,
    pub donor: Name,
    pub mandate: Name,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    pub due: Option<NaiveDate>,
    /// For an opening pledge: the opening date and what was outstanding then.
    pub opening: Option<(NaiveDate, Decimal)>,
    /// A pledge of goods or services, settled only by in-kind contributions.
    pub in_kind: bool,
    pub reference: Option<String>,
    pub reversed_by: Option<u64>,
    /// The agreement it is an instalment of.
    pub agreement: Option<Name>,
    /// The date on the entry. `date` is the date it counts from: the same, except
    /// for an instalment of a conditional agreement whose condition was met later.
    pub pledged_on: NaiveDate,
    /// An instalment of a conditional agreement whose condition is not met: not
    /// pledged, not outstanding, not live (see `pending_pledges`).
    pub pending: bool,
}

impl PledgeRec {
    /// The date the pledge entered the books: its opening date for an opening
    /// pledge, else its pledge date. Its USD value is counted at this date's rate
    /// (what reductions are measured at, and exchange differences from).
    pub fn counted_on(&self) -> NaiveDate {
        self.opening.map_or(self.date, |(d, _)| d)
    }

    /// What settlement starts from: the outstanding at the opening date for an
    /// opening pledge, else the amount pledged.
    pub fn base(&self) -> Decimal {
        self.opening.map_or(self.amount, |(_, a)| a)
    }

    pub fn is_opening(&self) -> bool {
        self.opening.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct PaymentRec {
    pub seq: u64,
    pub refund: bool,
    pub donor: Name,
    pub mandate: Name,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    pub pledge: Option<u64>,
    /// A refund of money received before (or outside) the ledger's records.
    pub prior_period: bool,
    pub reference: Option<String>,
    pub reversed_by: Option<u64>,
}

/// A write-off, or (with `reduction`) a reduction of a pledge by its donor.
#[derive(Debug, Clone)]
pub struct WriteOffRec {
    pub seq: u64,
    pub reduction: bool,
    pub pledge: u64,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    /// The reason on record (stored as the entry's memo).
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub reversed_by: Option<u64>,
}

impl WriteOffRec {
    /// `Kind::Reduction` or `Kind::WriteOff`.
    pub fn kind(&self) -> Kind {
        if self.reduction {
            Kind::Reduction
        } else {
            Kind::WriteOff
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Donor codes and mandate slugs, each stored once and shared by every record.
    names: Names,
    pub register: Register,
    pub agreements: Agreements,
    pub rates: Rates,
    /// Number of entries applied (the header is not an entry).
    pub entries: u64,
    pub last_recorded_at: Option<DateTime<Utc>>,
    /// Each entry's kind by its number; none for an entry a filtered book left out.
    kinds: Kinds,
    reversed: HashMap<u64, u64>,
    pledges: BySeq<PledgeRec>,
    payments: BySeq<PaymentRec>,
    /// In-kind contributions (kept apart: they are never cash paid).
    in_kind: BySeq<PaymentRec>,
    write_offs: BySeq<WriteOffRec>,
    rate_entries: HashMap<u64, (Currency, NaiveDate)>,
    /// How many live payments, in-kind contributions and write-offs name each
    /// pledge: made the first time a pledge's reversal is judged (`named_by`), then
    /// kept by `apply`, so a reader that judges none never makes it.
    named_by: std::sync::OnceLock<HashMap<u64, u32>>,
}

/// Entry kinds by entry number, two to a byte (a kind's place in `Kind::ALL`
/// plus one; 0 for an entry left out): half a byte an entry, kept by every book,
/// a writer's share and a one-donor report's too.
#[derive(Debug, Clone, Default)]
struct Kinds(Vec<u8>);

impl Kinds {
    fn get(&self, seq: u64) -> Option<Kind> {
        let i = usize::try_from(seq.checked_sub(1)?).ok()?;
        let code = (self.0.get(i / 2)? >> (4 * (i % 2))) & 0x0f;
        code.checked_sub(1).map(|k| Kind::ALL[usize::from(k)])
    }

    /// Entries come in journal order; a filtered book leaves gaps.
    fn set(&mut self, seq: u64, kind: Kind) {
        let Some(i) = seq.checked_sub(1).and_then(|i| usize::try_from(i).ok()) else {
            return;
        };
        if self.0.len() <= i / 2 {
            // As a book's records grow: at ten million entries a doubled vector
            // may leave megabytes empty.
            let more = i / 2 + 1 - self.0.len();
            by_seq::grow(&mut self.0, more);
            self.0.resize(i / 2 + 1, 0);
        }
        let shift = 4 * (i % 2);
        self.0[i / 2] = (self.0[i / 2] & !(0x0f << shift)) | ((kind as u8 + 1) << shift);
    }
}

impl Book {
    pub fn new() -> Book {
        Book::default()
    }

    /// Room for this many more pledges, payments and refunds, in-kind
    /// contributions, and write-offs and reductions, made at once.
    pub fn reserve(&mut self, [pledges, payments, in_kind, write_offs]: [usize; 4]) {
        self.pledges.reserve_exact(pledges);
        self.payments.reserve_exact(payments);
        self.in_kind.reserve_exact(in_kind);
        self.write_offs.reserve_exact(write_offs);
    }

    /// An empty book that keeps the room this one's records took: a reader of
    /// one share after another (an import in groups) reads each into the room of
    /// the one before, instead of freeing its largest vectors and making them
    /// again. Everything else is dropped.
    pub fn emptied(self) -> Book {
        let mut kinds = self.kinds;
        kinds.0.clear();
        Book {
            kinds,
            pledges: self.pledges.emptied(),
            payments: self.payments.emptied(),
            in_kind: self.in_kind.emptied(),
            write_offs: self.write_offs.emptied(),
            ..Book::default()
        }
    }

    pub fn kind_of(&self, seq: u64) -> Option<Kind> {
        self.kinds.get(seq)
    }

    pub fn reversed_by(&self, seq: u64) -> Option<u64> {
        self.reversed.get(&seq).copied()
    }

    pub fn pledge(&self, seq: u64) -> Option<&PledgeRec> {
        self.pledges.get(&seq)
    }

    pub fn pledges(&self) -> impl Iterator<Item = &PledgeRec> {
        self.pledges.values()
    }

    pub fn payments(&self) -> impl Iterator<Item = &PaymentRec> {
        self.payments.values()
    }

    /// Write-offs and reductions (told apart by `reduction`).
    pub fn write_offs(&self) -> impl Iterator<Item = &WriteOffRec> {
        self.write_offs.values()
    }

    /// The live pledges that count: instalments of a conditional agreement whose
    /// condition is not met are left out (see `pending_pledges`).
    pub fn live_pledges(&self) -> impl Iterator<Item = &PledgeRec> {
        self.pledges
            .values()
            .filter(|p| p.reversed_by.is_none() && !p.pending)
    }

    /// The live instalments of conditional agreements whose condition is not met:
    /// conditional, not yet recognised.
    pub fn pending_pledges(&self) -> impl Iterator<Item = &PledgeRec> {
        self.pledges
            .values()
            .filter(|p| p.reversed_by.is_none() && p.pending)
    }

    /// The live in-kind contributions.
    pub fn live_in_kind(&self) -> impl Iterator<Item = &PaymentRec> {
        self.in_kind.values().filter(|p| p.reversed_by.is_none())
    }

    /// Every in-kind contribution, reversed ones included.
    pub fn in_kind(&self) -> impl Iterator<Item = &PaymentRec> {
        self.in_kind.values()
    }

    pub fn live_payments(&self) -> impl Iterator<Item = &PaymentRec> {
        self.payments.values().filter(|p| p.reversed_by.is_none())
    }

    pub fn live_write_offs(&self) -> impl Iterator<Item = &WriteOffRec> {
        self.write_offs.values().filter(|w| w.reversed_by.is_none())
    }

    /// The earliest opening date of a live opening pledge: the ledger holds no
    /// figures before it.
    pub fn earliest_opening(&self) -> Option<NaiveDate> {
        self.live_pledges()
            .filter_map(|p| p.opening.map(|(d, _)| d))
            .min()
    }

    pub fn payment(&self, seq: u64) -> Option<&PaymentRec> {
        self.payments.get(&seq)
    }

    pub fn write_off(&self, seq: u64) -> Option<&WriteOffRec> {
        self.write_offs.get(&seq)
    }

    /// The in-kind contribution recorded as entry `seq`.
    pub fn in_kind_entry(&self, seq: u64) -> Option<&PaymentRec> {
        self.in_kind.get(&seq)
    }

    /// Applies a committed entry. Entries come from a verified journal, so this
    /// trusts them; `check` is where new entries are judged. The entry is taken, so
    /// its texts move into the book's records instead of being copied.
    pub fn apply(&mut self, entry: Entry) {
        let seq = entry.seq;
        let kind = entry.body.kind();
        if kind == Kind::Ledger {
            return;
        }
        self.entries = self.entries.max(seq);
        self.kinds.set(seq, kind);
        self.last_recorded_at = Some(entry.recorded_at);
        match entry.body {
            Body::Ledger(_) | Body::Checkpoint(_) => {}
            Body::Pledge(p) => {
                let donor = p.money.donor;
                let mandate = p.money.mandate;
                let mut date = Some(p.money.date);
                if let Some(a) = p
                    .agreement
                    .as_deref()
                    .and_then(|a| self.agreements.get_mut(a))
                {
                    a.instalments.push(seq);
                    date = a.recognised_from(p.money.date);
                }
                let agreement = p.agreement.as_deref().map(|a| self.names.get(a));
                self.pledges.insert(
                    seq,
                    PledgeRec {
                        seq,
                        donor,
                        mandate,
                        amount: p.money.amount,
                        currency: p.money.currency,
                        date: date.unwrap_or(p.money.date),
                        agreement,
                        pledged_on: p.money.date,
                        pending: date.is_none(),
                        due: p.due,
                        opening: p.opening.zip(p.outstanding),
                        in_kind: p.in_kind,
                        reference: p.notes.reference,
                        reversed_by: None,
                    },
                );
            }
            Body::Payment(p) | Body::Refund(p) => {
                if let Some(n) = p.pledge {
                    self.named(n, 1);
                }
                let donor = p.money.donor;
                let mandate = p.money.mandate;
                self.payments.insert(
                    seq,
                    PaymentRec {
                        seq,
                        refund: kind == Kind::Refund,
                        donor,
                        mandate,
                        amount: p.money.amount,
                        currency: p.money.currency,
                        date: p.money.date,
                        pledge: p.pledge,
                        prior_period: p.prior_period,
                        reference: p.notes.reference,
                        reversed_by: None,
                    },
                );
            }
            Body::WriteOff(w) | Body::Reduction(w) => {
                self.named(w.pledge, 1);
                self.write_offs.insert(
                    seq,
                    WriteOffRec {
                        seq,
                        reduction: kind == Kind::Reduction,
                        pledge: w.pledge,
                        amount: w.amount,
                        currency: w.currency,
                        date: w.date,
                        reason: w.notes.memo,
                        reference: w.notes.reference,
                        reversed_by: None,
                    },
                );
            }
            Body::Rate(r) => {
                self.rates.insert(r.currency, r.date, seq, r.per_usd);
                self.rate_entries.insert(seq, (r.currency, r.date));
            }
            Body::Donor(d) => {
                self.register.add_donor(d);
            }
            Body::Mandate(m) => {
                self.register.add_mandate(m);
            }
            Body::Fund(f) => {
                self.register.add_fund(f);
            }
            Body::InKind(p) => {
                if let Some(n) = p.pledge {
                    self.named(n, 1);
                }
                self.in_kind.insert(
                    seq,
                    PaymentRec {
                        seq,
                        refund: false,
                        donor: p.money.donor,
                        mandate: p.money.mandate,
                        amount: p.money.amount,
                        currency: p.money.currency,
                        date: p.money.date,
                        pledge: p.pledge,
                        prior_period: false,
                        reference: p.notes.reference,
                        reversed_by: None,
                    },
                );
            }
            Body::Agreement(a) => self.agreements.add(seq, a),
            Body::ConditionMet(c) => {
                if let Some(a) = self.agreements.get_mut(&c.agreement) {
                    a.condition_met = Some(c.date);
                    for s in &a.instalments {
                        if let Some(p) = self.pledges.get_mut(s) {
                            p.pending = false;
                            p.date = p.pledged_on.max(c.date);
                        }
                    }
                }
            }
            Body::Reversal(r) => self.reverse(r.entry, seq),
        }
    }

    /// One more (`1`) or one fewer (`-1`) live entry names `pledge`, if the count
    /// is kept yet.
    fn named(&mut self, pledge: u64, by: i8) {
        let Some(named_by) = self.named_by.get_mut() else {
            return;
        };
        if by > 0 {
            *named_by.entry(pledge).or_default() += 1;
        } else if let Some(c) = named_by.get_mut(&pledge) {
            *c = c.saturating_sub(1);
        }
    }

    /// How many live payments, in-kind contributions and write-offs name `pledge`.
    pub(super) fn named_by(&self, pledge: u64) -> u32 {
        let named_by = self.named_by.get_or_init(|| {
            let mut named_by = HashMap::default();
            let paid = self.live_payments().chain(self.live_in_kind());
            for n in paid
                .filter_map(|p| p.pledge)
                .chain(self.live_write_offs().map(|w| w.pledge))
            {
                *named_by.entry(n).or_default() += 1;
            }
            named_by
        });
        named_by.get(&pledge).copied().unwrap_or(0)
    }

    /// Marks `target` reversed by `by`. Its kind says which records hold it, so
    /// one vector is searched, not each in turn (a reversal of a payment once
    /// searched the pledges first: a binary search of hundreds of thousands of
    /// records apiece, each probe a cache miss, in a large ledger).
    fn reverse(&mut self, target: u64, by: u64) {
        self.reversed.insert(target, by);
        let Some(kind) = self.kinds.get(target) else {
            return;
        };
        match kind {
            Kind::Pledge => {
                if let Some(p) = self.pledges.get_mut(&target) {
                    p.reversed_by = Some(by);
                }
            }
            Kind::Payment | Kind::Refund | Kind::InKind => {
                let paid = if kind == Kind::InKind {
                    self.in_kind.get_mut(&target)
                } else {
                    self.payments.get_mut(&target)
                };
                if let Some(p) = paid {
                    p.reversed_by = Some(by);
                    if let Some(n) = p.pledge {
                        self.named(n, -1);
                    }
                }
            }
            Kind::WriteOff | Kind::Reduction => {
                if let Some(w) = self.write_offs.get_mut(&target) {
                    w.reversed_by = Some(by);
                    let pledge = w.pledge;
                    self.named(pledge, -1);
                }
            }
            Kind::Rate => {
                if let Some((c, d)) = self.rate_entries.get(&target) {
                    self.rates.remove(*c, *d, target);
                }
            }
            Kind::Ledger
            | Kind::Checkpoint
            | Kind::Reversal
            | Kind::Donor
            | Kind::Mandate
            | Kind::Fund
            | Kind::Agreement
            | Kind::ConditionMet => {}
        }
    }
}

#[cfg(test)]
mod kinds_tests {
    use super::*;

    /// Every kind comes back from either half of a byte, with gaps left as none and
    /// a neighbour's kind untouched.
    #[test]
    fn kinds_are_kept_two_to_a_byte() {
        let mut kinds = Kinds::default();
        let mut want = Vec::new();
        for (i, k) in Kind::ALL.into_iter().cycle().take(60).enumerate() {
            // Runs of neighbours (sharing bytes) with a gap after every fifth.
            let seq = i as u64 + 1 + (i / 5) as u64;
            kinds.set(seq, k);
            want.push((seq, k));
        }
        let last = want.last().unwrap().0;
        for seq in 0..=last + 3 {
            let expected = want.iter().find(|(s, _)| *s == seq).map(|(_, k)| *k);
            assert_eq!(kinds.get(seq), expected, "entry #{seq}");
        }
        assert!(kinds.0.len() <= (last as usize).div_ceil(2));
        for k in Kind::ALL {
            assert_eq!(Kind::ALL[k as usize], k);
        }
    }

    /// A ledger's worth of kinds is kept in little more than half a byte each: the
    /// vector grows by an eighth, not by double.
    #[test]
    fn kinds_grow_by_an_eighth() {
        let mut kinds = Kinds::default();
        for seq in 1..=1_200_000 {
            kinds.set(seq, Kind::Payment);
        }
        assert_eq!(kinds.0.len(), 600_000);
        let room = kinds.0.capacity();
        assert!(room <= 600_000 + 600_000 / 8, "{room}");
        assert_eq!(kinds.get(1_200_000), Some(Kind::Payment));
    }
}
