//! Records kept in entry-number order, found by number in constant time.
//!
//! Owns: the storage of a book's pledges, payments, in-kind contributions and
//! write-offs. A journal applies entries in increasing number, so a record is almost
//! always appended; iteration is in entry-number order, as a `BTreeMap`'s would be,
//! without a tree node per record.
//!
//! The index by number is made the first time a record is looked up (`get`), and
//! kept by `insert` from then on: a report that only walks the records (donors,
//! mandates, quarterly) never makes it, and reading a large ledger costs no hash
//! insert per record. A change in place (`get_mut`: a reversal, a condition met)
//! finds its record by binary search, since the records are kept in number order.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// The fewest items a full vector of a book's grows by (`grow`).
const MIN_GROWTH: usize = 64;

/// Makes room in `items` for `more` items past its length, if it has not: by
/// an eighth of its length (at least `MIN_GROWTH`, at least `more`), not by
/// double. A large book's records are most of what it holds, and a doubled
/// vector may leave nearly half of itself empty (an import's group, read into
/// room made for it, then given its rows).
pub(super) fn grow<T>(items: &mut Vec<T>, more: usize) {
    if items.capacity() - items.len() < more {
        items.reserve_exact(more.max(items.len() / 8).max(MIN_GROWTH));
    }
}

#[derive(Debug, Clone)]
pub struct BySeq<T> {
    /// In increasing entry number, each number once.
    items: Vec<(u64, T)>,
    /// Where each number is in `items`, once asked for.
    slots: OnceLock<FxHashMap<u64, u32>>,
}

impl<T> Default for BySeq<T> {
    fn default() -> Self {
        BySeq {
            items: Vec::new(),
            slots: OnceLock::new(),
        }
    }
}

impl<T> BySeq<T> {
    /// Room for `n` more records, made at once: a book that knows how many records
    /// it will hold never holds a vector and its double while it grows.
    pub fn reserve_exact(&mut self, n: usize) {
        self.items.reserve_exact(n);
    }

    /// No records, in the room these took.
    pub fn emptied(mut self) -> Self {
        self.items.clear();
        BySeq {
            items: self.items,
            slots: OnceLock::new(),
        }
    }

    /// Adds (or replaces) the record of entry `seq`.
    pub fn insert(&mut self, seq: u64, value: T) {
        if self.items.last().is_none_or(|(last, _)| *last < seq) {
            grow(&mut self.items, 1);
            self.items.push((seq, value));
            let slot = slot_of(self.items.len() - 1);
            if let Some(slots) = self.slots.get_mut() {
                slots.insert(seq, slot);
            }
            return;
        }
        match self.place(seq) {
            Ok(i) => self.items[i].1 = value,
            Err(i) => {
                self.items.insert(i, (seq, value));
                // Every record after it moved: the index is made again when asked.
                self.slots = OnceLock::new();
            }
        }
    }

    /// Where `seq` is in `items`, or where it would go.
    ///
    /// Entry numbers are spread fairly evenly among a kind's records, so the search
    /// starts where `seq` would be if they were spread exactly evenly, then steps out
    /// from there by doubling strides until it has `seq` between two records, and
    /// searches between them: a few probes near one another instead of twenty
    /// across the whole vector (each a cache miss in a large book: a reversal read
    /// from a large ledger spent most of its time here). Uneven numbers cost at
    /// most twice a binary search.
    fn place(&self, seq: u64) -> Result<usize, usize> {
        let items = &self.items;
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return Err(0);
        };
        if seq <= first.0 || seq >= last.0 {
            return match seq {
                s if s == first.0 => Ok(0),
                s if s < first.0 => Err(0),
                s if s == last.0 => Ok(items.len() - 1),
                _ => Err(items.len()),
            };
        }
        // first.0 < seq < last.0, so the guess is within the vector.
        let span = u128::from(last.0 - first.0);
        let guess = u128::from(seq - first.0) * (items.len() as u128 - 1) / span;
        let guess = usize::try_from(guess).expect("within the vector");
        // The range [lo, hi) that holds `seq`'s place.
        let (lo, hi) = if items[guess].0 < seq {
            let mut stride = 1;
            let mut lo = guess + 1;
            loop {
                let at = guess + stride;
                if at >= items.len() || items[at].0 >= seq {
                    break (lo, (at + 1).min(items.len()));
                }
                lo = at + 1;
                stride *= 2;
            }
        } else {
            let mut stride = 1;
            let mut hi = guess + 1;
            loop {
                let Some(at) = guess.checked_sub(stride) else {
                    break (0, hi);
                };
                if items[at].0 < seq {
                    break (at + 1, hi);
                }
                hi = at + 1;
                stride *= 2;
            }
        };
        items[lo..hi]
            .binary_search_by_key(&seq, |(s, _)| *s)
            .map(|i| i + lo)
            .map_err(|i| i + lo)
    }

    fn slots(&self) -> &FxHashMap<u64, u32> {
        self.slots.get_or_init(|| {
            self.items
                .iter()
                .enumerate()
                .map(|(i, (s, _))| (*s, slot_of(i)))
                .collect()
        })
    }

    pub fn get(&self, seq: &u64) -> Option<&T> {
        self.slots().get(seq).map(|&i| &self.items[i as usize].1)
    }

    pub fn get_mut(&mut self, seq: &u64) -> Option<&mut T> {
        let i = match self.slots.get() {
            Some(slots) => *slots.get(seq)? as usize,
            None => self.place(*seq).ok()?,
        };
        Some(&mut self.items[i].1)
    }

    /// The records in entry-number order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter().map(|(_, v)| v)
    }
}

fn slot_of(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 records of one kind")
}

impl<T> std::ops::Index<&u64> for BySeq<T> {
    type Output = T;

    fn index(&self, seq: &u64) -> &T {
        self.get(seq).expect("a record with this entry number")
    }
}

impl<T> FromIterator<(u64, T)> for BySeq<T> {
    fn from_iter<I: IntoIterator<Item = (u64, T)>>(iter: I) -> Self {
        let mut items: Vec<(u64, T)> = iter.into_iter().collect();
        items.sort_by_key(|(s, _)| *s);
        items.dedup_by_key(|(s, _)| *s);
        BySeq {
            items,
            slots: OnceLock::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::BySeq;

    #[test]
    fn keeps_entry_number_order_whatever_the_order_of_insertion() {
        let mut b = BySeq::default();
        for s in [3u64, 5, 1, 4] {
            b.insert(s, s * 10);
        }
        b.insert(5, 55);
        assert_eq!(b.values().copied().collect::<Vec<_>>(), [10, 30, 40, 55]);
        assert_eq!(b.get(&4), Some(&40));
        assert_eq!(b.get(&2), None);
        *b.get_mut(&1).unwrap() += 1;
        assert_eq!(b[&1], 11);
        // A change in place before the index is made, then records added after it is.
        let mut d = BySeq::default();
        for s in [2u64, 4, 6] {
            d.insert(s, s);
        }
        *d.get_mut(&4).unwrap() += 1;
        assert!(d.get_mut(&5).is_none());
        assert_eq!(d.get(&4), Some(&5));
        d.insert(8, 8);
        d.insert(3, 3);
        d.insert(6, 60);
        assert_eq!(d.get(&8), Some(&8));
        assert_eq!(d.get(&6), Some(&60));
        assert_eq!(d.get(&3), Some(&3));
        *d.get_mut(&8).unwrap() += 1;
        assert_eq!(d.values().copied().collect::<Vec<_>>(), [2, 3, 5, 60, 9]);
        let c: BySeq<u64> = [(9, 1), (2, 2), (9, 3)].into_iter().collect();
        assert_eq!(c.values().copied().collect::<Vec<_>>(), [2, 1]);
        assert_eq!(c.values().len(), 2);
    }

    /// `place` finds what a binary search finds, on numbers spread evenly, in
    /// clumps, and with gaps, for every number in and around them.
    #[test]
    fn place_answers_as_a_binary_search_does() {
        let spreads: Vec<Vec<u64>> = vec![
            vec![],
            vec![5],
            vec![5, 6],
            (1..=1000).collect(),
            (1..=1000).map(|s| s * 7).collect(),
            (1..=500).chain(100_000..100_500).collect(),
            (1..=300).map(|s| s * s).collect(),
            (0..64).map(|s| 1u64 << s).collect(),
            vec![1, 2, 3, 1_000_000, u64::MAX - 1, u64::MAX],
        ];
        for seqs in spreads {
            let b: BySeq<()> = seqs.iter().map(|&s| (s, ())).collect();
            let mut probes: Vec<u64> = seqs
                .iter()
                .flat_map(|&s| [s.saturating_sub(1), s, s.saturating_add(1)])
                .collect();
            probes.extend([0, 1, u64::MAX]);
            for seq in probes {
                assert_eq!(
                    b.place(seq),
                    seqs.binary_search(&seq),
                    "{seq} among {} numbers",
                    seqs.len()
                );
            }
        }
    }

    /// An emptied vector keeps its room and nothing else: no record, and no
    /// index by number left pointing at the records it held.
    #[test]
    fn an_emptied_vector_keeps_its_room_only() {
        let mut b = BySeq::default();
        for s in 1..=1000u64 {
            b.insert(s, s);
        }
        assert_eq!(b.get(&5), Some(&5));
        let room = b.items.capacity();
        let mut b = b.emptied();
        assert_eq!(b.values().len(), 0);
        assert_eq!(b.items.capacity(), room);
        b.insert(7, 70);
        assert_eq!(b.get(&5), None);
        assert_eq!(b.get(&7), Some(&70));
    }

    /// Records past the room made for them grow the vector by an eighth, never by
    /// double; a vector without room starts small.
    #[test]
    fn a_full_vector_grows_by_an_eighth() {
        let mut b = BySeq::default();
        b.reserve_exact(80_000);
        for s in 1..=100_000u64 {
            b.insert(s, s);
        }
        assert_eq!(b.values().len(), 100_000);
        assert!(
            b.items.capacity() <= 100_000 + 100_000 / 8,
            "{} records held in room for {}",
            b.items.len(),
            b.items.capacity()
        );
        let mut small = BySeq::default();
        small.insert(1, 1u64);
        assert!(small.items.capacity() <= super::MIN_GROWTH);
    }
}
