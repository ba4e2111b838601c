//! A long list of a report (the quarterly report's overdue pledges, small balances
//! and exchange differences): held in memory, or, for a ledger read in groups, kept
//! on disk in a temporary file as rows of a fixed size, so that memory holds what
//! one group gives and not what every group gave.
//!
//! Each group's rows are sorted and written as a run (`Spill::run`); once every
//! group is in, the runs are merged into one list in the report's order
//! (`Spill::merge`), read back a block of rows at a time as the report is written.
//! The caller (`cli`) gives the places rows are kept (`Store`: an unnamed temporary
//! file, gone when the process is). A row that cannot be read back (the disk failed
//! under it) fails the report's writing; it is never shown wrong.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{Read, Seek, SeekFrom, Write};

use rustc_hash::FxHashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::domain::currency::Currency;
use crate::domain::entry::Name;

/// A row written as a fixed number of bytes (`SIZE`), its names by number in a
/// `Names`; `take` reads back what `put` wrote (none for bytes it never wrote).
pub trait Fixed: Clone {
    const SIZE: usize;
    fn put(&self, names: &mut Names, out: &mut Vec<u8>);
    fn take(bytes: &mut Bytes<'_>, names: &Names) -> Option<Self>;
}

/// Bytes read from the front.
#[derive(Debug)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    fn next<const N: usize>(&mut self) -> [u8; N] {
        let (a, rest) = self.0.split_at(N);
        self.0 = rest;
        a.try_into().expect("N bytes")
    }
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.next())
    }
    pub fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.next())
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.next())
    }
    pub fn u8(&mut self) -> u8 {
        self.next::<1>()[0]
    }
    pub fn decimal(&mut self) -> Decimal {
        Decimal::deserialize(self.next())
    }
    pub fn date(&mut self) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(i32::from_le_bytes(self.next()))
    }
    pub fn currency(&mut self) -> Option<Currency> {
        let code: [u8; 3] = self.next();
        Currency::lookup(std::str::from_utf8(&code).ok()?)
    }
}

/// Writes the parts of a row.
pub trait Put {
    fn date(&mut self, d: Option<NaiveDate>);
    fn currency(&mut self, c: Currency);
}

impl Put for Vec<u8> {
    /// A missing date is written as one no date has.
    fn date(&mut self, d: Option<NaiveDate>) {
        self.extend(d.map_or(i32::MIN, |d| d.num_days_from_ce()).to_le_bytes());
    }
    fn currency(&mut self, c: Currency) {
        let code = c.code().as_bytes();
        self.extend_from_slice(&code[..3]);
    }
}

/// The donors' and mandates' codes rows on disk name, by number.
#[derive(Debug, Default, Clone)]
pub struct Names {
    list: Vec<Name>,
    index: FxHashMap<Name, u32>,
}

impl Names {
    pub fn id(&mut self, n: &Name) -> u32 {
        if let Some(i) = self.index.get(n) {
            return *i;
        }
        let i = self.list.len() as u32;
        self.list.push(n.clone());
        self.index.insert(n.clone(), i);
        i
    }

    pub fn name(&self, id: u32) -> Option<Name> {
        self.list.get(id as usize).cloned()
    }
}

/// Where rows are kept: a temporary file, or memory in tests.
pub trait Store: Read + Write + Seek + std::fmt::Debug {}
impl<T: Read + Write + Seek + std::fmt::Debug> Store for T {}

/// Makes an empty `Store`.
pub type MakeStore<'a> = &'a dyn Fn() -> std::io::Result<Box<dyn Store>>;

/// Reads `n` rows from row `first` of `store`.
fn read_rows<T: Fixed>(
    store: &RefCell<Box<dyn Store>>,
    names: &Names,
    first: usize,
    n: usize,
) -> Result<Vec<T>, String> {
    let why = |e: &dyn std::fmt::Display| {
        format!("a row of the report kept on disk cannot be read back: {e}")
    };
    let mut bytes = vec![0; n * T::SIZE];
    {
        let mut s = store.borrow_mut();
        s.seek(SeekFrom::Start((first * T::SIZE) as u64))
            .and_then(|_| s.read_exact(&mut bytes))
            .map_err(|e| why(&e))?;
    }
    bytes
        .chunks_exact(T::SIZE)
        .map(|b| {
            let mut b = Bytes(b);
            T::take(&mut b, names).filter(|_| b.0.is_empty())
        })
        .collect::<Option<_>>()
        .ok_or_else(|| why(&"it is not as written"))
}

/// How many rows a read takes at once.
const BLOCK: usize = 1024;

/// A list of rows in memory, or kept on disk.
#[derive(Debug)]
pub enum Listed<T> {
    Held(Vec<T>),
    Spilled(Spilled<T>),
}

/// A list kept on disk: `len` rows of `T::SIZE` bytes from the start of `store`.
#[derive(Debug)]
pub struct Spilled<T> {
    store: RefCell<Box<dyn Store>>,
    len: usize,
    names: Names,
    /// The rows last read, from row `.0`.
    block: RefCell<(usize, Vec<T>)>,
    /// Why a row could not be read back, if one could not.
    failed: RefCell<Option<String>>,
}

impl<T: Fixed> Listed<T> {
    pub fn len(&self) -> usize {
        match self {
            Listed::Held(v) => v.len(),
            Listed::Spilled(s) => s.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i` (below `len`); none if it could not be read back, which `failure`
    /// then says.
    pub fn row(&self, i: usize) -> Option<Cow<'_, T>> {
        match self {
            Listed::Held(v) => v.get(i).map(Cow::Borrowed),
            Listed::Spilled(s) => match s.read(i) {
                Ok(row) => Some(Cow::Owned(row)),
                Err(e) => {
                    s.failed.borrow_mut().get_or_insert(e);
                    None
                }
            },
        }
    }

    /// Every row in order; a row that cannot be read back ends it early, and
    /// `failure` says why.
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, T>> {
        (0..self.len()).map_while(|i| self.row(i))
    }

    /// Why a row could not be read back, if one could not.
    pub fn failure(&self) -> Option<String> {
        match self {
            Listed::Held(_) => None,
            Listed::Spilled(s) => s.failed.borrow().clone(),
        }
    }
}

impl<T: Fixed> Spilled<T> {
    fn read(&self, i: usize) -> Result<T, String> {
        let mut block = self.block.borrow_mut();
        let (start, rows) = &mut *block;
        if i < *start || i >= *start + rows.len() {
            *rows = read_rows(
                &self.store,
                &self.names,
                i,
                BLOCK.min(self.len.saturating_sub(i)),
            )?;
            *start = i;
        }
        rows.get(i - *start)
            .cloned()
            .ok_or_else(|| format!("the report's list has no row {i}"))
    }
}

impl<T: Fixed + serde::Serialize> serde::Serialize for Listed<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for i in 0..self.len() {
            match self.row(i) {
                Some(row) => seq.serialize_element(&*row)?,
                None => return Err(S::Error::custom(self.failure().unwrap_or_default())),
            }
        }
        seq.end()
    }
}

/// Rows written as sorted runs, to be merged into one `Listed`.
#[derive(Debug)]
pub struct Spill<T> {
    runs_store: RefCell<Box<dyn Store>>,
    out: Box<dyn Store>,
    names: Names,
    /// Each run's first row and number of rows.
    runs: Vec<(usize, usize)>,
    rows: usize,
    _row: std::marker::PhantomData<T>,
}

impl<T: Fixed> Spill<T> {
    /// Rows kept in stores `make` makes: one for the runs, one for the list.
    pub fn new(make: MakeStore<'_>) -> std::io::Result<Spill<T>> {
        Ok(Spill {
            runs_store: RefCell::new(make()?),
            out: make()?,
            names: Names::default(),
            runs: Vec::new(),
            rows: 0,
            _row: std::marker::PhantomData,
        })
    }

    /// Writes `rows`, already in the list's order, as one run.
    pub fn run(&mut self, rows: &[T]) -> std::io::Result<()> {
        let mut out = Vec::with_capacity(BLOCK * T::SIZE);
        let store = self.runs_store.get_mut();
        store.seek(SeekFrom::Start((self.rows * T::SIZE) as u64))?;
        for chunk in rows.chunks(BLOCK) {
            out.clear();
            for r in chunk {
                r.put(&mut self.names, &mut out);
            }
            debug_assert_eq!(out.len(), chunk.len() * T::SIZE, "each row is SIZE bytes");
            store.write_all(&out)?;
        }
        self.runs.push((self.rows, rows.len()));
        self.rows += rows.len();
        Ok(())
    }

    /// Every run merged, in the order `key` gives (a total order: no two rows of
    /// any run have the same key).
    pub fn merge<K: Ord>(self, key: impl Fn(&T) -> K) -> std::io::Result<Listed<T>> {
        let Spill {
            runs_store,
            mut out,
            names,
            runs,
            ..
        } = self;
        let fail = std::io::Error::other;
        // Each run's rows not yet merged, a block at a time: (next row, end, block).
        let mut heads: Vec<(usize, usize, std::collections::VecDeque<T>)> = runs
            .iter()
            .map(|&(first, n)| (first, first + n, Default::default()))
            .collect();
        let next = |heads: &mut Vec<(usize, usize, std::collections::VecDeque<T>)>,
                    i: usize|
         -> std::io::Result<Option<T>> {
            let (at, end, block) = &mut heads[i];
            if block.is_empty() && *at < *end {
                let n = BLOCK.min(*end - *at);
                block.extend(read_rows::<T>(&runs_store, &names, *at, n).map_err(fail)?);
                *at += n;
            }
            Ok(block.pop_front())
        };
        let mut front = Vec::with_capacity(runs.len());
        for i in 0..runs.len() {
            front.push(next(&mut heads, i)?);
        }
        // Every name is in `names` already: written again, each keeps its number.
        let mut again = names.clone();
        let mut buf = Vec::with_capacity(BLOCK * T::SIZE);
        let mut written = 0;
        out.seek(SeekFrom::Start(0))?;
        // Few runs (one a group): the smallest is found by a walk.
        while let Some(i) = (0..front.len())
            .filter(|&i| front[i].is_some())
            .min_by_key(|&i| front[i].as_ref().map(&key))
        {
            let row = front[i].take().expect("a row");
            row.put(&mut again, &mut buf);
            written += 1;
            if buf.len() >= BLOCK * T::SIZE {
                out.write_all(&buf)?;
                buf.clear();
            }
            front[i] = next(&mut heads, i)?;
        }
        out.write_all(&buf)?;
        out.flush()?;
        Ok(Listed::Spilled(Spilled {
            store: RefCell::new(out),
            len: written,
            names,
            block: RefCell::new((0, Vec::new())),
            failed: RefCell::new(None),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::overdue::{BUCKETS, Overdue};
    use crate::report::quarterly::ExchangeDifference;
    use crate::report::{Code, InCurrency, Usd};
    use std::io::Cursor;

    fn memory() -> std::io::Result<Box<dyn Store>> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    fn overdue(seq: u64, days: Option<i64>, donor: &str, amount: &str, code: &str) -> Overdue {
        let currency = Currency::lookup(code).unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        Overdue {
            seq,
            donor: Name::from(donor),
            mandate: Name::from("icat"),
            due: days.map(|_| d("2024-06-30")),
            days_overdue: days,
            bucket: match days {
                Some(n) if n > 365 => BUCKETS[2],
                Some(_) => BUCKETS[0],
                None => BUCKETS[3],
            },
            currency: Code(currency),
            outstanding_in_currency: InCurrency {
                amount: amount.parse().unwrap(),
                currency,
            },
            outstanding: Usd("-12345678901234.5678".parse().unwrap()),
            pledged_on: d("2023-01-10"),
            days_since_pledge: 721,
        }
    }

    #[test]
    fn runs_are_merged_in_order_and_every_row_reads_back_as_written() {
        let rows = [
            overdue(7, Some(400), "JPN", "500000", "JPY"),
            overdue(3, Some(20), "DEU", "749.50", "EUR"),
            overdue(9, None, "Government of Somewhere", "1.500", "KWD"),
            overdue(1, Some(400), "DEU", "0.01", "EUR"),
            overdue(4, Some(90), "JPN", "2", "JPY"),
        ];
        let key = |o: &Overdue| {
            (
                o.days_overdue.is_none(),
                -o.days_overdue.unwrap_or(0),
                o.seq,
            )
        };
        let mut spill = Spill::new(&memory).unwrap();
        // Three runs, each in order, one of them empty.
        for run in [&rows[..2], &rows[2..2], &rows[2..]] {
            let mut run = run.to_vec();
            run.sort_by_key(key);
            spill.run(&run).unwrap();
        }
        let listed = spill.merge(key).unwrap();
        let mut want = rows.to_vec();
        want.sort_by_key(key);
        let got: Vec<Overdue> = listed.iter().map(Cow::into_owned).collect();
        assert_eq!(got, want);
        assert_eq!(listed.len(), 5);
        // Read again out of order, and as JSON, as the list held in memory is.
        assert_eq!(listed.row(3).as_deref(), Some(&want[3]));
        assert_eq!(listed.row(0).as_deref(), Some(&want[0]));
        assert_eq!(
            serde_json::to_string(&listed).unwrap(),
            serde_json::to_string(&Listed::Held(want)).unwrap()
        );
        assert_eq!(listed.failure(), None);
    }

    #[test]
    fn more_rows_than_a_block_merge_across_blocks() {
        let fx = |seq: u64| ExchangeDifference {
            seq,
            donor: Name::from(if seq.is_multiple_of(2) { "DEU" } else { "FRA" }),
            currency: Code(Currency::USD),
            outstanding_in_currency: InCurrency {
                amount: rust_decimal::Decimal::from(seq),
                currency: Currency::USD,
            },
            at_pledge_rate: Usd::ZERO,
            at_closing_rate: Usd::ZERO,
            difference: Usd(rust_decimal::Decimal::from(seq)),
        };
        let mut spill = Spill::new(&memory).unwrap();
        // Runs of every third number, each longer than a block.
        for r in 0..3u64 {
            let run: Vec<_> = (0..(BLOCK as u64 * 2 + 5)).map(|i| fx(i * 3 + r)).collect();
            spill.run(&run).unwrap();
        }
        let listed = spill.merge(|x| x.seq).unwrap();
        let seqs: Vec<u64> = listed.iter().map(|x| x.seq).collect();
        assert_eq!(seqs, (0..(BLOCK as u64 * 2 + 5) * 3).collect::<Vec<_>>());
        assert!(
            listed
                .iter()
                .all(|x| x.outstanding_in_currency.amount == x.seq.into())
        );
    }

    /// A store whose reads fail once `broken` is set.
    #[derive(Debug)]
    struct Failing {
        inner: Cursor<Vec<u8>>,
        broken: std::rc::Rc<std::cell::Cell<bool>>,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.broken.get() {
                return Err(std::io::Error::other("the disk is gone"));
            }
            self.inner.read(buf)
        }
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.inner.write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Seek for Failing {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.inner.seek(to)
        }
    }

    #[test]
    fn a_row_that_cannot_be_read_back_is_never_shown() {
        let broken = std::rc::Rc::new(std::cell::Cell::new(false));
        let make = || -> std::io::Result<Box<dyn Store>> {
            Ok(Box::new(Failing {
                inner: Cursor::new(Vec::new()),
                broken: broken.clone(),
            }))
        };
        let mut spill = Spill::new(&make).unwrap();
        let run: Vec<_> = (0..BLOCK as u64 + 1)
            .map(|i| overdue(i, Some(10), "DEU", "1", "EUR"))
            .collect();
        spill.run(&run).unwrap();
        let listed = spill.merge(|o| o.seq).unwrap();
        assert!(listed.row(0).is_some());
        broken.set(true);
        // The first block is read; the next one cannot be.
        assert_eq!(listed.iter().count(), BLOCK);
        assert!(listed.row(BLOCK).is_none());
        let why = listed.failure().unwrap();
        assert!(
            why.contains("cannot be read back: the disk is gone"),
            "{why}"
        );
        let json = serde_json::to_string(&listed).unwrap_err().to_string();
        assert!(json.contains("the disk is gone"), "{json}");
    }
}
