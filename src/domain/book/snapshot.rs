//! The snapshot of a book that the journal's index keeps: what new pledges,
//! payments, refunds, rates and registrations are checked against, and nothing
//! that needs every entry (payments, write-offs, provenance).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{Book, PledgeRec};
use crate::domain::currency::Currency;
use crate::domain::entry::{Body, Kind};

/// What a `Book` must remember to take new pledges, payments, refunds, rates and
/// registrations without rereading the journal: everything but payments and
/// write-offs. Derived data: the journal stays the only source of truth.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub entries: u64,
    pub last_recorded_at: Option<DateTime<Utc>>,
    /// One letter per entry, in order: see `kind_letter`.
    pub kinds: String,
    pub reversed: Vec<(u64, u64)>,
    pub named_by: Vec<(u64, u32)>,
    pub registrations: Vec<Body>,
    pub rates: Vec<(u64, Currency, NaiveDate, Decimal)>,
    /// Donor codes and mandate slugs the pledges below point into.
    pub names: Vec<String>,
    /// Per pledge: (seq, donor name index, mandate name index, currency). Amounts
    /// and dates are not kept: no check a partial book runs needs them.
    pub pledges: Vec<(u64, u32, u32, Currency)>,
}

const KIND_LETTERS: [(Kind, char); 10] = [
    (Kind::Ledger, 'L'),
    (Kind::Pledge, 'P'),
    (Kind::Payment, 'Y'),
    (Kind::Refund, 'F'),
    (Kind::WriteOff, 'W'),
    (Kind::Reversal, 'R'),
    (Kind::Rate, 'X'),
    (Kind::Donor, 'D'),
    (Kind::Mandate, 'M'),
    (Kind::Reduction, 'C'),
];

impl Book {
    /// A snapshot of what new pledges, payments, refunds, rates and registrations
    /// are checked against.
    pub fn snapshot(&self) -> Snapshot {
        let letter = |k: &Kind| {
            KIND_LETTERS
                .iter()
                .find(|(x, _)| x == k)
                .map_or('?', |(_, c)| *c)
        };
        let mut reversed: Vec<_> = self.reversed.iter().map(|(a, b)| (*a, *b)).collect();
        reversed.sort_unstable();
        let mut named_by: Vec<_> = self
            .named_by
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(a, b)| (*a, *b))
            .collect();
        named_by.sort_unstable();
        let mut names: Vec<String> = Vec::new();
        let mut lookup: HashMap<&str, u32> = HashMap::new();
        let mut pledges = Vec::with_capacity(self.pledges.len());
        for p in self.pledges.values() {
            let mut ids = [0u32; 2];
            for (slot, text) in ids.iter_mut().zip([&*p.donor, &*p.mandate]) {
                *slot = *lookup.entry(text).or_insert_with(|| {
                    names.push(text.to_string());
                    names.len() as u32 - 1
                });
            }
            pledges.push((p.seq, ids[0], ids[1], p.currency));
        }
        Snapshot {
            entries: self.entries,
            last_recorded_at: self.last_recorded_at,
            kinds: self.kinds.iter().map(letter).collect(),
            reversed,
            named_by,
            registrations: self.registrations.clone(),
            rates: self.rates.entries(),
            names,
            pledges,
        }
    }

    /// A partial book from a snapshot (payments and write-offs not loaded).
    pub fn from_snapshot(s: Snapshot) -> Option<Book> {
        let mut book = Book {
            partial: true,
            ..Book::default()
        };
        for c in s.kinds.chars() {
            book.kinds
                .push(KIND_LETTERS.iter().find(|(_, l)| *l == c)?.0);
        }
        book.entries = s.entries;
        book.last_recorded_at = s.last_recorded_at;
        book.reversed = s.reversed.into_iter().collect();
        book.named_by = s.named_by.into_iter().collect();
        for r in &s.registrations {
            match r {
                Body::Donor(d) => book.register.add_donor(d.clone()),
                Body::Mandate(m) => book.register.add_mandate(m.clone()),
                _ => return None,
            }
        }
        book.registrations = s.registrations;
        for (seq, c, d, r) in s.rates {
            book.rates.insert(c, d, seq, r);
            book.rate_entries.insert(seq, (c, d));
        }
        for (seq, d, m, currency) in s.pledges {
            let rec = PledgeRec {
                seq,
                donor: book.names.get(s.names.get(d as usize)?),
                mandate: book.names.get(s.names.get(m as usize)?),
                amount: Decimal::ZERO,
                currency,
                date: NaiveDate::MIN,
                due: None,
                opening: None,
                reference: None,
                reversed_by: book.reversed.get(&seq).copied(),
            };
            book.pledges.insert(seq, rec);
        }
        (book.kinds.len() as u64 == book.entries).then_some(book)
    }
}
