//! A hint read from the journal's lines: the share of the ledger (`Share`) an entry
//! named by number belongs to, so that a writer judging a write-off, reduction or
//! reversal of it can keep only that share. Found by counting lines (entry N is the
//! file's line N + 1), from the end when the index says the entry is in the later
//! half (the usual case: what is reversed or written off was recorded lately), read
//! without checking anything, and never trusted: the writer keeps the share the
//! hint names, and gives its verdict only if the entry is then in its book
//! (`Share::answers`, `Share::owns`). A wrong hint costs a second read, never a
//! verdict.
//!
//! Also a hint of how large each donor's share is (`lines_by_donor`), so that an
//! import can judge its rows in groups of donors a read can hold.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::Deserialize;

use crate::domain::entry::Kind;

/// What a line says of its entry, as far as the hint needs.
#[derive(Deserialize)]
struct Line {
    seq: u64,
    kind: String,
    donor: Option<String>,
    pledge: Option<u64>,
}

/// The share entry `seq` belongs to as its line says: `Some(donor)` for a
/// pledge, payment, refund or in-kind contribution, and for a write-off or
/// reduction its pledge's; `None` (no donor's) for an entry of any other kind.
/// Nothing if the line is not where entry `seq` would be.
pub fn share_of(path: &Path, seq: u64) -> Option<Option<String>> {
    let line = read_line(path, seq)?;
    match line.kind.as_str() {
        "pledge" | "payment" | "refund" | "in-kind" => Some(Some(line.donor?)),
        "write-off" | "reduction" => {
            let pledge = read_line(path, line.pledge?)?;
            (pledge.kind == "pledge").then_some(Some(pledge.donor?))
        }
        _ => Some(None),
    }
}

/// The lines of the ledger that name one donor, by kind, as `lines_by_donor`
/// counted them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counted {
    /// Pledges; payments and refunds; in-kind contributions: the records a book
    /// keeps of each (`Book::reserve`).
    pub records: [u64; 3],
}

impl Counted {
    /// Every line that names the donor.
    pub fn lines(&self) -> u64 {
        self.records.iter().sum()
    }

    fn add(&mut self, kind: Kind) {
        let i = match kind {
            Kind::Pledge => 0,
            Kind::Payment | Kind::Refund => 1,
            Kind::InKind => 2,
            // No other kind names a donor on its line.
            Kind::Ledger
            | Kind::Checkpoint
            | Kind::WriteOff
            | Kind::Reversal
            | Kind::Rate
            | Kind::Donor
            | Kind::Mandate
            | Kind::Reduction
            | Kind::Fund
            | Kind::Agreement
            | Kind::ConditionMet => return,
        };
        self.records[i] += 1;
    }
}

/// The number of the last entry of the ledger at `path`, as its last whole line
/// says, read without checking anything: a hint of how many entries it holds.
/// Nothing if the file cannot be read or no line near its end says.
pub fn last_entry(path: &Path) -> Option<u64> {
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(TAIL))).ok()?;
    let mut tail = Vec::new();
    file.take(TAIL).read_to_end(&mut tail).ok()?;
    tail.split(|b| *b == b'\n').rev().find_map(|line| {
        let rest = line.strip_prefix(b"{\"seq\":")?;
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
    })
}

/// How far from the end `last_entry` looks for a whole line.
const TAIL: u64 = 64 << 10;

/// How many lines of the ledger at `path` name each donor (a pledge, payment,
/// refund or in-kind contribution, by the donor's code as its line has it), by
/// kind, read without checking anything: a hint of how many entries each donor's
/// share holds. Lines in no form `encode` writes are not counted. Nothing if the
/// file cannot be read.
pub fn lines_by_donor(path: &Path) -> Option<rustc_hash::FxHashMap<String, Counted>> {
    let mut file = File::open(path).ok()?;
    let mut counts: rustc_hash::FxHashMap<String, Counted> = Default::default();
    let mut count = |line: &[u8]| {
        // A line's glance is in its first bytes (number, link, time, batch marker,
        // kind, donor, mandate): only those are looked at.
        let head = &line[..line.len().min(GLANCED)];
        let text = match std::str::from_utf8(head) {
            Ok(t) => t,
            Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
        };
        let Some(glance) = super::decode::glance(text) else {
            return;
        };
        if let Some((donor, _)) = glance.party {
            match counts.get_mut(donor) {
                Some(n) => n.add(glance.kind),
                None => {
                    let mut n = Counted::default();
                    n.add(glance.kind);
                    counts.insert(donor.to_string(), n);
                }
            }
        }
    };
    let mut buf = vec![0u8; chunk().max(1 << 16)];
    let (mut start, mut end) = (0, 0);
    loop {
        match memchr::memchr(b'\n', &buf[start..end]) {
            Some(i) => {
                count(&buf[start..start + i]);
                start += i + 1;
            }
            None => {
                buf.copy_within(start..end, 0);
                end -= start;
                start = 0;
                if end == buf.len() {
                    // A line longer than the buffer: its start is enough.
                    count(&buf[..end]);
                    end = 0;
                    let mut rest = [0u8; 1];
                    while file.read(&mut rest).ok()? == 1 && rest[0] != b'\n' {}
                    continue;
                }
                match file.read(&mut buf[end..]).ok()? {
                    0 => return Some(counts),
                    n => end += n,
                }
            }
        }
    }
}

/// How many bytes of a line `lines_by_donor` looks at: its glance and more.
const GLANCED: usize = 512;

/// The longest line read for a hint; a real entry's line is under a few kilobytes.
const MAX_LINE: usize = 1 << 20;

/// How much is read at a time: less than a line in the unit tests, so that lines
/// that span reads are tried.
fn chunk() -> usize {
    if cfg!(test) { 100 } else { 1 << 20 }
}

/// Entry `seq`'s line, if the file's line `seq + 1` says it is entry `seq`.
fn read_line(path: &Path, seq: u64) -> Option<Line> {
    let mut file = File::open(path).ok()?;
    let line = match super::index::last_entry(path) {
        Some((last, end)) if seq > last / 2 && seq <= last => {
            line_from_end(&mut file, end, last - seq)?
        }
        _ => line_from_start(&mut file, seq)?,
    };
    let line: Line = serde_json::from_slice(&line).ok()?;
    (line.seq == seq).then_some(line)
}

/// The file's line `n + 1` (0 is the header), counting lines from the start.
fn line_from_start(file: &mut File, n: u64) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; chunk()];
    // Newlines still to pass before the line starts.
    let mut skip = n;
    let mut line = Vec::new();
    loop {
        let read = file.read(&mut buf).ok()?;
        if read == 0 {
            return None;
        }
        let mut chunk = &buf[..read];
        if skip > 0 {
            let mut after = None;
            for i in memchr::memchr_iter(b'\n', chunk) {
                skip -= 1;
                if skip == 0 {
                    after = Some(i + 1);
                    break;
                }
            }
            match after {
                Some(start) => chunk = &chunk[start..],
                None => continue,
            }
        }
        match memchr::memchr(b'\n', chunk) {
            Some(end) => {
                line.extend_from_slice(&chunk[..end]);
                return Some(line);
            }
            None => line.extend_from_slice(chunk),
        }
        if line.len() > MAX_LINE {
            return None;
        }
    }
}

/// The line `back` lines before the one that ends at byte `end` (the committed
/// part's end, just after a line break), counting line breaks from there.
fn line_from_end(file: &mut File, end: u64, back: u64) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; chunk()];
    // The line ends at the `back`-th break before the last one, and starts after
    // the next one before it (or at the file's start).
    let last_break = end.checked_sub(1)?;
    let mut line_end = (back == 0).then_some(last_break);
    let mut passed = 0;
    let mut to = last_break;
    let start = loop {
        if to == 0 {
            break 0;
        }
        let from = to.saturating_sub(buf.len() as u64);
        let chunk = &mut buf[..(to - from) as usize];
        file.seek(SeekFrom::Start(from)).ok()?;
        file.read_exact(chunk).ok()?;
        let mut found = None;
        for i in memchr::memrchr_iter(b'\n', chunk) {
            let at = from + i as u64;
            if line_end.is_some() {
                found = Some(at + 1);
                break;
            }
            passed += 1;
            if passed == back {
                line_end = Some(at);
            }
        }
        if let Some(start) = found {
            break start;
        }
        if line_end.is_some_and(|e| e - from > MAX_LINE as u64) {
            return None;
        }
        to = from;
    };
    let line_end = line_end?;
    let mut line = vec![0u8; usize::try_from(line_end.checked_sub(start)?).ok()?];
    file.seek(SeekFrom::Start(start)).ok()?;
    file.read_exact(&mut line).ok()?;
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Body;
    use crate::journal::{Reading, Writer, init};

    fn at() -> chrono::DateTime<chrono::Utc> {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    /// Every entry's share, found from the start and from the end (the index's
    /// hint), and without an index at all.
    #[test]
    fn an_entrys_share_is_read_from_its_line_from_either_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.jsonl");
        init(&path, at()).unwrap();
        let lines = [
            r#"{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"100","currency":"USD","date":"2025-01-01"}"#,
            r#"{"kind":"pledge","donor":"USA","mandate":"icat","amount":"100","currency":"USD","date":"2025-01-01"}"#,
            r#"{"kind":"payment","donor":"JPN","mandate":"icat","amount":"10","currency":"USD","date":"2025-02-01","pledge":1}"#,
            r#"{"kind":"write-off","pledge":2,"amount":"5","currency":"USD","date":"2025-03-01","memo":"approved"}"#,
            r#"{"kind":"rate","currency":"EUR","per_usd":"0.9","date":"2025-01-01"}"#,
            r#"{"kind":"reversal","entry":3,"reason":"wrong"}"#,
            r#"{"kind":"in-kind","donor":"JPN","mandate":"icat","amount":"1","currency":"USD","date":"2025-02-02","memo":"an expert"}"#,
        ];
        for line in lines {
            let mut w = Writer::open(&path, at(), Reading::ToRecord).unwrap();
            let body: Body = serde_json::from_str(line).unwrap();
            w.stage(body).unwrap();
            w.commit().unwrap();
        }
        let jpn = Some(Some("JPN".to_string()));
        let usa = Some(Some("USA".to_string()));
        let want = [
            (0, Some(None)),
            (1, jpn.clone()),
            (2, usa.clone()),
            (3, jpn.clone()),
            (4, usa),
            (5, Some(None)),
            (6, Some(None)),
            (7, jpn),
            (8, None),
        ];
        assert_eq!(
            super::super::index::last_entry(&path).map(|(n, _)| n),
            Some(7)
        );
        for (seq, share) in &want {
            assert_eq!(
                &share_of(&path, *seq),
                share,
                "entry #{seq}, with the index"
            );
        }
        std::fs::remove_file(crate::journal::index_path(&path)).unwrap();
        for (seq, share) in &want {
            assert_eq!(&share_of(&path, *seq), share, "entry #{seq}, without");
        }
        // The lines naming each donor: JPN's pledge, payment and in-kind
        // contribution, USA's pledge (a write-off names no donor on its line).
        let counts = lines_by_donor(&path).unwrap();
        let mut counts: Vec<_> = counts
            .into_iter()
            .map(|(d, n)| (d, n.records, n.lines()))
            .collect();
        counts.sort();
        assert_eq!(
            counts,
            [
                ("JPN".to_string(), [1, 1, 1], 3),
                ("USA".to_string(), [1, 0, 0], 1)
            ]
        );
    }
}
