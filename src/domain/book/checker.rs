//! The checker: a book plus the indexes that judging new entries needs. The two
//! modes of reading a journal are two types: a `Book` holds what reports ask
//! (pledges, payments, write-offs, rates, registrations, reversals) and cannot judge
//! an entry; a `Checker` derefs to its `Book` and adds the indexes the rules and
//! `import` ask about (payments by group, pledges by group, takes by pledge,
//! references, source rows), so only a checker can `check`, and a report's book
//! never pays for them. Pure: no I/O.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use super::{Book, Name, PaymentRec};
use crate::domain::currency::Currency;
use crate::domain::entry::{Body, Entry, Kind};
use crate::domain::settlement::{Event, LiveGroup};

/// Entry numbers of one (donor, mandate)'s payments, by currency.
pub(super) type ByCurrency = Vec<(Currency, Vec<u64>)>;

/// What an index keeps per (donor, mandate): by donor, then by mandate, so that a
/// lookup borrows the names (a shared name cloned per entry costs an atomic
/// increment, contended while another thread reads names too).
#[derive(Debug, Clone)]
pub(super) struct Groups<T>(FxHashMap<Name, FxHashMap<Name, T>>);

impl<T> Default for Groups<T> {
    fn default() -> Self {
        Groups(FxHashMap::default())
    }
}

impl<T: Default> Groups<T> {
    /// The group's value, made empty the first time.
    pub(super) fn at(&mut self, donor: &Name, mandate: &Name) -> &mut T {
        if !self.0.contains_key(&**donor) {
            self.0.insert(donor.clone(), FxHashMap::default());
        }
        let by_mandate = self.0.get_mut(&**donor).expect("just made");
        if !by_mandate.contains_key(&**mandate) {
            by_mandate.insert(mandate.clone(), T::default());
        }
        by_mandate.get_mut(&**mandate).expect("just made")
    }
}

impl<T> Groups<T> {
    pub(super) fn get(&self, donor: &str, mandate: &str) -> Option<&T> {
        self.0.get(donor)?.get(mandate)
    }

    fn get_mut(&mut self, donor: &str, mandate: &str) -> Option<&mut T> {
        self.0.get_mut(donor)?.get_mut(mandate)
    }
}

/// The live groups, behind a lock: judging takes `&self`, and a writer's book is
/// read from two threads while its lines are checked.
#[derive(Debug, Default)]
pub(super) struct Live(pub(super) Mutex<LiveGroups>);

/// The live groups by (donor, mandate), one per currency, and how many there are.
#[derive(Debug, Clone, Default)]
pub(super) struct LiveGroups {
    pub(super) groups: Groups<Vec<LiveGroup>>,
    pub(super) count: usize,
}

impl Clone for Live {
    fn clone(&self) -> Live {
        Live(Mutex::new(
            self.0.lock().expect("a live group panicked").clone(),
        ))
    }
}

/// What an entry applied may change in the live groups.
enum Touch {
    Entry,
    Reversal(u64),
    Rate(chrono::NaiveDate),
}

/// A book that can judge new entries: see the module doc.
#[derive(Debug, Clone, Default)]
pub struct Checker {
    book: Book,
    pledge_refs: HashMap<String, u64>,
    /// Payments and refunds by (donor, mandate), then by currency: the refund check
    /// reads one currency's, judging a write-off all of them.
    pub(super) payment_groups: Groups<ByCurrency>,
    /// Pledges by (donor, mandate), and write-offs and reductions by the pledge they
    /// name: what judging one write-off or reduction needs, so that it never walks
    /// the whole book (which made an import of write-offs, and `verify --rules`,
    /// quadratic).
    pub(super) pledge_groups: Groups<Vec<u64>>,
    pub(super) takes: FxHashMap<u64, Vec<u64>>,
    /// In-kind contributions by (donor, mandate).
    pub(super) in_kind_groups: Groups<Vec<u64>>,
    /// Pledge groups kept settled for judging write-offs and reductions, by (donor,
    /// mandate), one per currency: each built the first time a write-off or
    /// reduction of the group is judged, kept up to date by `apply`, and dropped
    /// when an entry would land before what it holds (a back-dated one, a reversal,
    /// a rate it converted at), to be built again when next asked. Without them,
    /// judging every write-off of a ledger (`verify --rules`, an import of many)
    /// would settle a whole group for each.
    pub(super) live: Live,
    /// The first entry (reversed or not) that carries each (kind, donor, reference)
    /// key, and the later ones in order for the few keys carried more than once: how
    /// `import` knows a row with a reference is already recorded.
    reference_first: HashMap<String, u64>,
    reference_more: HashMap<String, Vec<u64>>,
    /// Source file digest -> rows recorded from it: how `import` knows a row
    /// without a reference is already recorded.
    source_rows: HashMap<String, HashSet<u64>>,
}

impl std::ops::Deref for Checker {
    type Target = Book;

    fn deref(&self) -> &Book {
        &self.book
    }
}

impl Checker {
    pub fn new() -> Checker {
        Checker::default()
    }

    /// Makes room for about `entries` entries with references.
    pub fn reserve(&mut self, entries: usize) {
        self.reference_first.reserve(entries);
    }

    /// The book without the checker's indexes.
    pub fn book(&self) -> &Book {
        &self.book
    }

    /// Sets the time of the last entry (a journal's header counts too).
    pub fn set_last_recorded_at(&mut self, at: Option<chrono::DateTime<chrono::Utc>>) {
        self.book.last_recorded_at = at;
    }

    /// Applies a committed entry to the book and to the indexes. The indexes take
    /// the donor and mandate from the record the book made, already shared.
    pub fn apply(&mut self, entry: Entry) {
        let seq = entry.seq;
        if let Body::Ledger(_) = entry.body {
            return;
        }
        self.note_provenance(seq, &entry.body);
        let kind = entry.body.kind();
        let touches = match &entry.body {
            Body::Reversal(r) => Touch::Reversal(r.entry),
            Body::Rate(r) => Touch::Rate(r.date),
            _ => Touch::Entry,
        };
        self.book.apply(entry);
        if self.live.0.get_mut().expect("a live group panicked").count > 0 {
            self.keep_live(seq, kind, touches);
        }
        match kind {
            Kind::Pledge => {
                let p = &self.book.pledges[&seq];
                if let Some(r) = &p.reference {
                    self.pledge_refs.insert(r.clone(), seq);
                }
                self.pledge_groups.at(&p.donor, &p.mandate).push(seq);
            }
            Kind::Payment | Kind::Refund => {
                let p = &self.book.payments[&seq];
                let currency = p.currency;
                let by_currency = self.payment_groups.at(&p.donor, &p.mandate);
                match by_currency.iter_mut().find(|(c, _)| *c == currency) {
                    Some((_, seqs)) => seqs.push(seq),
                    None => by_currency.push((currency, vec![seq])),
                }
            }
            Kind::WriteOff | Kind::Reduction => {
                let pledge = self.book.write_offs[&seq].pledge;
                self.takes.entry(pledge).or_default().push(seq);
            }
            Kind::InKind => {
                let p = &self.book.in_kind_entry(seq).expect("just applied");
                self.in_kind_groups.at(&p.donor, &p.mandate).push(seq);
            }
            Kind::Ledger
            | Kind::Reversal
            | Kind::Rate
            | Kind::Donor
            | Kind::Mandate
            | Kind::Fund
            | Kind::Agreement
            | Kind::ConditionMet => {}
        }
    }

    /// The (donor, mandate, currency) of the pledge group entry `seq` settles in, if
    /// it is a pledge or names one, or is a payment naming none.
    fn group_of(&self, seq: u64) -> Option<(Name, Name, Currency)> {
        let of = |p: &super::PledgeRec| (p.donor.clone(), p.mandate.clone(), p.currency);
        if let Some(p) = self.book.pledges.get(&seq) {
            return Some(of(p));
        }
        if let Some(p) = self
            .book
            .payments
            .get(&seq)
            .or_else(|| self.book.in_kind.get(&seq))
        {
            return match p.pledge {
                Some(named) => self.book.pledges.get(&named).map(of),
                None => Some((p.donor.clone(), p.mandate.clone(), p.currency)),
            };
        }
        let w = self.book.write_offs.get(&seq)?;
        self.book.pledges.get(&w.pledge).map(of)
    }

    /// Keeps the live groups up to date with entry `seq`, just applied.
    fn keep_live(&mut self, seq: u64, kind: Kind, touches: Touch) {
        let drop_where = |live: &mut Groups<Vec<LiveGroup>>,
                          dropped: &mut usize,
                          f: &dyn Fn(&LiveGroup) -> bool| {
            for by_mandate in live.0.values_mut() {
                for groups in by_mandate.values_mut() {
                    let before = groups.len();
                    groups.retain(|g| !f(g));
                    *dropped += before - groups.len();
                }
            }
        };
        let mut dropped = 0;
        let group = match touches {
            Touch::Reversal(target) if !self.book.rate_entries.contains_key(&target) => {
                self.group_of(target)
            }
            Touch::Entry => self.group_of(seq),
            _ => None,
        };
        let kept = self.live.0.get_mut().expect("a live group panicked");
        let live = &mut kept.groups;
        let book = &self.book;
        let lookup = |seq: u64| -> Option<Event<'_>> {
            if let Some(p) = book.payments.get(&seq).or_else(|| book.in_kind.get(&seq)) {
                return (p.reversed_by.is_none() && !p.refund).then_some(Event::Pay(p));
            }
            book.write_offs
                .get(&seq)
                .filter(|w| w.reversed_by.is_none())
                .map(Event::Take)
        };
        match (kind, touches) {
            (Kind::Rate, Touch::Rate(date)) => {
                drop_where(live, &mut dropped, &|g| g.converted_since(date));
            }
            (Kind::Reversal, Touch::Reversal(target)) => {
                if let Some((_, date)) = book.rate_entries.get(&target) {
                    let date = *date;
                    drop_where(live, &mut dropped, &|g| g.converted_since(date));
                } else if book.payments.get(&target).is_some_and(|p| p.refund) {
                    // A refund settles nothing.
                } else if let Some((donor, mandate, currency)) = group
                    && let Some(groups) = live.get_mut(&donor, &mandate)
                    && let Some(i) = groups.iter().position(|g| g.currency() == currency)
                    && !groups[i].remove(target, &lookup, &book.rates)
                {
                    groups.swap_remove(i);
                    dropped += 1;
                }
            }
            (Kind::ConditionMet, _) => {
                drop_where(live, &mut dropped, &|_| true);
            }
            (Kind::Pledge | Kind::Payment | Kind::InKind | Kind::WriteOff | Kind::Reduction, _) => {
                let Some((donor, mandate, currency)) = group else {
                    return;
                };
                let Some(groups) = live.get_mut(&donor, &mandate) else {
                    return;
                };
                let Some(i) = groups.iter().position(|g| g.currency() == currency) else {
                    return;
                };
                let g = &mut groups[i];
                let rates = &book.rates;
                let kept = match kind {
                    Kind::Pledge => {
                        let p = &book.pledges[&seq];
                        p.pending || g.add_pledge(p, &lookup, rates)
                    }
                    Kind::Payment => g.add_event(Event::Pay(&book.payments[&seq]), &lookup, rates),
                    Kind::InKind => {
                        // One naming no pledge settles nothing.
                        let p = &book.in_kind[&seq];
                        p.pledge.is_none() || g.add_event(Event::Pay(p), &lookup, rates)
                    }
                    _ => g.add_event(Event::Take(&book.write_offs[&seq]), &lookup, rates),
                };
                if !kept {
                    groups.swap_remove(i);
                    dropped += 1;
                }
            }
            _ => {}
        }
        kept.count -= dropped;
    }

    /// The live payments and refunds of one donor, mandate and currency.
    pub fn payments_of(
        &self,
        donor: &str,
        mandate: &str,
        currency: Currency,
    ) -> impl Iterator<Item = &PaymentRec> {
        self.payment_groups
            .get(donor, mandate)
            .into_iter()
            .flatten()
            .filter(move |(c, _)| *c == currency)
            .flat_map(|(_, seqs)| seqs)
            .filter_map(|seq| self.book.payments.get(seq))
            .filter(|p| p.reversed_by.is_none())
    }

    /// The live pledge recorded with this reference, if any.
    pub fn pledge_by_reference(&self, reference: &str) -> Option<&super::PledgeRec> {
        self.pledge_refs
            .get(reference)
            .and_then(|s| self.book.pledges.get(s))
            .filter(|p| p.reversed_by.is_none())
    }

    /// The key under which an entry with a reference is known to `import`: its kind,
    /// its donor (a write-off's is its pledge's) and its reference.
    pub fn reference_key(kind: Kind, donor: &str, reference: &str) -> String {
        let kind = kind.as_str();
        let mut key = String::with_capacity(kind.len() + donor.len() + reference.len() + 2);
        for part in [kind, "\u{1f}", donor, "\u{1f}", reference] {
            key.push_str(part);
        }
        key
    }

    /// How many recorded entries (reversed ones included) carry this reference key.
    pub fn recorded_with_reference(&self, key: &str) -> u32 {
        if !self.reference_first.contains_key(key) {
            return 0;
        }
        1 + self.reference_more.get(key).map_or(0, |v| v.len() as u32)
    }

    /// The `n`-th entry (from 1) recorded with this reference key.
    pub fn recorded_with_reference_nth(&self, key: &str, n: u32) -> Option<u64> {
        match n {
            0 => None,
            1 => self.reference_first.get(key).copied(),
            _ => self.reference_more.get(key)?.get(n as usize - 2).copied(),
        }
    }

    /// Was an entry recorded from this row of the file with this SHA-256?
    pub fn has_source(&self, sha256: &str, row: u64) -> bool {
        self.source_rows
            .get(sha256)
            .is_some_and(|rows| rows.contains(&row))
    }

    fn note_provenance(&mut self, seq: u64, body: &Body) {
        if let Some(s) = body.source() {
            // Looked up before inserting: one allocation per file, not per entry.
            if let Some(rows) = self.source_rows.get_mut(&s.sha256) {
                rows.insert(s.row);
            } else {
                self.source_rows
                    .insert(s.sha256.clone(), HashSet::from([s.row]));
            }
        }
        let Some(reference) = body.reference() else {
            return;
        };
        let donor = match body {
            Body::Pledge(p) => Some(&*p.money.donor),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => Some(&*p.money.donor),
            Body::WriteOff(w) | Body::Reduction(w) => {
                self.book.pledges.get(&w.pledge).map(|p| &*p.donor)
            }
            Body::Ledger(_)
            | Body::Reversal(_)
            | Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => None,
        };
        if let Some(donor) = donor {
            let key = Self::reference_key(body.kind(), donor, reference);
            match self.reference_first.entry(key) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    let key = first.key().clone();
                    self.reference_more.entry(key).or_default().push(seq);
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(seq);
                }
            }
        }
    }
}
