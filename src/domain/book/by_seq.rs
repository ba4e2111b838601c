//! Records kept in entry-number order, found by number in constant time.
//!
//! Owns: the storage of a book's pledges, payments, in-kind contributions and
//! write-offs. A journal applies entries in increasing number, so a record is almost
//! always appended; iteration is in entry-number order, as a `BTreeMap`'s would be,
//! without a tree node per record.

use rustc_hash::FxHashMap;

#[derive(Debug, Clone)]
pub struct BySeq<T> {
    items: Vec<(u64, T)>,
    slots: FxHashMap<u64, u32>,
}

impl<T> Default for BySeq<T> {
    fn default() -> Self {
        BySeq {
            items: Vec::new(),
            slots: FxHashMap::default(),
        }
    }
}

impl<T> BySeq<T> {
    /// Adds (or replaces) the record of entry `seq`.
    pub fn insert(&mut self, seq: u64, value: T) {
        if let Some(&slot) = self.slots.get(&seq) {
            self.items[slot as usize].1 = value;
            return;
        }
        let in_order = self.items.last().is_none_or(|(last, _)| *last < seq);
        self.items.push((seq, value));
        if in_order {
            self.slots.insert(seq, slot_of(self.items.len() - 1));
        } else {
            self.items.sort_by_key(|(s, _)| *s);
            self.reindex();
        }
    }

    fn reindex(&mut self) {
        self.slots = self
            .items
            .iter()
            .enumerate()
            .map(|(i, (s, _))| (*s, slot_of(i)))
            .collect();
    }

    pub fn get(&self, seq: &u64) -> Option<&T> {
        self.slots.get(seq).map(|&i| &self.items[i as usize].1)
    }

    pub fn get_mut(&mut self, seq: &u64) -> Option<&mut T> {
        self.slots.get(seq).map(|&i| &mut self.items[i as usize].1)
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
        let mut b = BySeq {
            items,
            slots: FxHashMap::default(),
        };
        b.reindex();
        b
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
        let c: BySeq<u64> = [(9, 1), (2, 2), (9, 3)].into_iter().collect();
        assert_eq!(c.values().copied().collect::<Vec<_>>(), [2, 1]);
        assert_eq!(c.values().len(), 2);
    }
}
