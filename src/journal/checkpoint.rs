//! Checkpoints: how a writer judges a new entry without reading every line.
//!
//! `ledger checkpoint` reads the whole journal, gives every line its share (the
//! donor whose entries it is one of, as `book::takes` keeps entries; the entries
//! that name no donor, which every share keeps; or no share at all) and appends a
//! checkpoint entry holding, for each share, how many lines it has and one SHA-256
//! over their hashes in journal order. Beside the journal (`<ledger>.checkpoint`) it
//! leaves where each share's lines are. A writer that judges a draft by one share
//! (`Reading::ToRecordOf`) then reads the checkpoint's line, its share's lines
//! before it from where that file says they are, and every line from the checkpoint
//! on. It hashes each of its share's lines and uses them only if they make the
//! checkpoint's digest for that share, and it checks the chain from the checkpoint
//! to the head as every read does. With no file, a stale or altered one, or a
//! digest that does not match, the writer reads the whole journal, as it does
//! without a checkpoint.
//!
//! Invariant: the file beside the journal decides nothing. Every byte a writer
//! uses is a journal line, hashed, and checked against a checkpoint that is in the
//! chain from the head back; `verify` checks every checkpoint against the lines
//! before it. A line before the checkpoint of another donor's share is not read by
//! such a writer: it is not used either, and `verify` checks it.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::JournalError;
use super::line;
use super::scan::{LineHash, Notes, Resume, Scan, scan_entries, scan_resumed};
use crate::domain::Checker;
use crate::domain::book::{Names, Share, Whose};
use crate::domain::entry::{Body, Checkpoint, Entry, Kind, Party, ShareSum};

const SIDE_FORMAT: &str = "contributions-ledger-checkpoint";
const SIDE_VERSION: u32 = 1;

/// A line no share keeps (the header; a write-off of no pledge; a reversal of
/// an entry no share holds).
const NONE: u32 = u32::MAX;
/// The entries that name no donor, which every share keeps.
const COMMON: u32 = 0;

/// Bytes a line takes in the file beside the journal: its offset and length.
const PLACE: usize = 12;

pub fn path_for(ledger: &Path) -> PathBuf {
    let mut name = ledger.as_os_str().to_owned();
    name.push(".checkpoint");
    PathBuf::from(name)
}

/// Every line's share, by entry number, and the count and digest of each share's
/// lines so far.
#[derive(Default)]
pub(super) struct Shares {
    of: Vec<u32>,
    pledge: Vec<bool>,
    /// Share `i + 1` is `donors[i]`'s.
    donors: Vec<String>,
    index: HashMap<String, u32>,
    sums: Vec<(u64, Sha256)>,
}

impl Shares {
    fn class(&self, seq: u64) -> u32 {
        usize::try_from(seq)
            .ok()
            .and_then(|i| self.of.get(i))
            .copied()
            .unwrap_or(NONE)
    }

    fn donor(&mut self, code: &str) -> u32 {
        if let Some(c) = self.index.get(code) {
            return *c;
        }
        self.donors.push(code.to_string());
        let c = u32::try_from(self.donors.len()).expect("fewer donors than u32::MAX");
        self.index.insert(code.to_string(), c);
        c
    }

    /// The share of entry `e`, which comes after every entry seen, as
    /// `book::takes` decides whether a book of that share keeps it.
    fn share_of(&mut self, e: &Entry) -> u32 {
        match &e.body {
            Body::Ledger(_) => NONE,
            Body::Reversal(r) => self.class(r.entry),
            _ => match e.body.party() {
                Party::Own { donor, .. } => self.donor(donor),
                Party::OfPledge(n) => {
                    let pledge = usize::try_from(n)
                        .ok()
                        .and_then(|i| self.pledge.get(i))
                        .is_some_and(|p| *p);
                    if pledge { self.class(n) } else { NONE }
                }
                Party::None => COMMON,
            },
        }
    }

    /// One more line, in journal order.
    pub(super) fn see(&mut self, e: &Entry, hash: &LineHash) {
        let class = self.share_of(e);
        let seq = usize::try_from(e.seq).expect("an entry number fits in memory");
        if self.of.len() <= seq {
            self.of.resize(seq + 1, NONE);
            self.pledge.resize(seq + 1, false);
        }
        self.of[seq] = class;
        self.pledge[seq] = e.body.kind() == Kind::Pledge;
        if class == NONE {
            return;
        }
        let i = class as usize;
        if self.sums.len() <= i {
            self.sums.resize_with(i + 1, || (0, Sha256::new()));
        }
        self.sums[i].0 += 1;
        self.sums[i].1.update(hash);
    }

    /// The checkpoint of every line seen: the entries that name no donor first,
    /// then each donor's, by code.
    pub(super) fn summary(&self) -> Checkpoint {
        let mut order: Vec<u32> = (1..=self.donors.len() as u32).collect();
        order.sort_by(|a, b| self.donors[*a as usize - 1].cmp(&self.donors[*b as usize - 1]));
        let shares = std::iter::once(COMMON)
            .chain(order)
            .filter_map(|c| {
                let (entries, digest) = self.sums.get(c as usize)?;
                (*entries > 0).then(|| ShareSum {
                    donor: (c != COMMON).then(|| self.donors[c as usize - 1].clone()),
                    entries: *entries,
                    digest: hex::encode(digest.clone().finalize()),
                })
            })
            .collect();
        Checkpoint { shares }
    }

    fn class_of_share(&self, s: &ShareSum) -> u32 {
        match &s.donor {
            None => COMMON,
            Some(d) => self.index.get(d).copied().unwrap_or(NONE),
        }
    }
}

/// Reads every line of the journal and gives each its share.
pub(super) fn summarize(file: &File, path: &Path) -> Result<(Shares, Scan), JournalError> {
    let mut shares = Shares::default();
    let scan = scan_entries(file, path, Notes::Left, None, None, None, &mut |e, h| {
        shares.see(&e, h)
    })?;
    Ok((shares, scan))
}

/// For `verify`: reads every line and checks each checkpoint against the lines
/// before it.
pub fn check_all(path: &Path) -> Result<(), JournalError> {
    let file = super::open::read(path)?;
    let mut shares = Shares::default();
    let mut wrong = None;
    scan_entries(&file, path, Notes::Left, None, None, None, &mut |e, h| {
        if wrong.is_none()
            && let Body::Checkpoint(c) = &e.body
            && *c != shares.summary()
        {
            wrong = Some(e.seq);
        }
        shares.see(&e, h);
    })?;
    match wrong {
        None => Ok(()),
        Some(seq) => Err(JournalError::Tampered {
            path: path.to_path_buf(),
            line: seq + 1,
            seq,
            reason:
                "it is a checkpoint whose counts or digests are not those of the lines before it"
                    .into(),
        }),
    }
}

/// What the file beside the journal says, after the places of every share's lines.
#[derive(Serialize, Deserialize)]
struct Meta {
    format: String,
    version: u32,
    /// The checkpoint's entry number, where its line starts, its length (with its
    /// line break) and its hash.
    seq: u64,
    offset: u64,
    length: u64,
    hash: String,
    /// Each share's donor (none for the entries that name no donor) and count, in
    /// the checkpoint's order: its lines' places follow one another in that order.
    shares: Vec<(Option<String>, u64)>,
}

/// The file beside the journal while a checkpoint is written: the places of every
/// share's lines, written before the checkpoint is committed.
pub(super) struct Side {
    tmp: PathBuf,
    file: File,
    end: u64,
    shares: Vec<(Option<String>, u64)>,
}

impl Side {
    /// Writes where each share's lines of the journal's first `committed_len`
    /// bytes are, in `summary`'s order, to a new temporary file.
    pub(super) fn prepare(
        journal: &File,
        ledger: &Path,
        shares: &Shares,
        summary: &Checkpoint,
        committed_len: u64,
    ) -> std::io::Result<Side> {
        let target = path_for(ledger);
        let (tmp, file) = super::index::create_temporary(&target)
            .ok_or_else(|| std::io::Error::other("cannot create a temporary file beside it"))?;
        let written = Self::places(journal, &file, shares, summary, committed_len);
        let end = match written {
            Ok(end) => end,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        Ok(Side {
            tmp,
            file,
            end,
            shares: summary
                .shares
                .iter()
                .map(|s| (s.donor.clone(), s.entries))
                .collect(),
        })
    }

    fn places(
        journal: &File,
        out: &File,
        shares: &Shares,
        summary: &Checkpoint,
        committed_len: u64,
    ) -> std::io::Result<u64> {
        // Where each share's places start, and a buffer of each, written when full.
        let mut at: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut slot = vec![usize::MAX; shares.donors.len() + 1];
        let mut start = 0u64;
        for (i, s) in summary.shares.iter().enumerate() {
            slot[shares.class_of_share(s) as usize] = i;
            at.push((start, Vec::new()));
            start += s.entries * PLACE as u64;
        }
        let mut reader = std::io::BufReader::with_capacity(1 << 20, journal);
        reader.seek(SeekFrom::Start(0))?;
        let mut reader = reader.take(committed_len);
        let (mut offset, mut seq) = (0u64, 0usize);
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = std::io::BufRead::read_until(&mut reader, b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            let class = shares.of.get(seq).copied().unwrap_or(NONE);
            if class != NONE && slot[class as usize] != usize::MAX {
                let (pos, buf) = &mut at[slot[class as usize]];
                buf.extend_from_slice(&offset.to_le_bytes());
                buf.extend_from_slice(&(n as u32).to_le_bytes());
                if buf.len() >= 1 << 16 {
                    out.write_all_at(buf, *pos)?;
                    *pos += buf.len() as u64;
                    buf.clear();
                }
            }
            offset += n as u64;
            seq += 1;
        }
        for (pos, buf) in &at {
            out.write_all_at(buf, *pos)?;
        }
        Ok(start)
    }

    /// Adds what says which checkpoint the places are of, and puts the file in
    /// place of any before it.
    pub(super) fn finish(self, ledger: &Path, seq: u64, offset: u64, length: u64, hash: &str) {
        let meta = Meta {
            format: SIDE_FORMAT.into(),
            version: SIDE_VERSION,
            seq,
            offset,
            length,
            hash: hash.to_string(),
            shares: self.shares,
        };
        let mut bytes = serde_json::to_vec(&meta).expect("the checkpoint's file serialises");
        bytes.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        let done = self
            .file
            .write_all_at(&bytes, self.end)
            .and_then(|_| self.file.sync_data())
            .and_then(|_| std::fs::rename(&self.tmp, path_for(ledger)));
        if done.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }

    /// Leaves nothing behind (the checkpoint was not committed).
    pub(super) fn abandon(self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// The longest meta read: a share is a few dozen bytes.
const MAX_META: u64 = 64 << 20;

/// The book of share `whose` and the read's scan, as `Reading::ToRecordOf` would
/// make them from the whole journal, made from the last checkpoint the file beside
/// the journal names; none if that cannot be done (no file, one that does not
/// match, any line that fails), and the caller reads the whole journal.
pub(super) fn read_share(file: &File, ledger: &Path, whose: Whose<'_>) -> Option<(Checker, Scan)> {
    let side_path = path_for(ledger);
    if !std::fs::symlink_metadata(&side_path)
        .ok()?
        .file_type()
        .is_file()
    {
        return None;
    }
    let side = File::open(&side_path).ok()?;
    let size = side.metadata().ok()?.len();
    let mut len = [0u8; 8];
    side.read_exact_at(&mut len, size.checked_sub(8)?).ok()?;
    let meta_len = u64::from_le_bytes(len);
    if meta_len > MAX_META || meta_len + 8 > size {
        return None;
    }
    let mut bytes = vec![0u8; meta_len as usize];
    side.read_exact_at(&mut bytes, size - 8 - meta_len).ok()?;
    let meta: Meta = serde_json::from_slice(&bytes).ok()?;
    if meta.format != SIDE_FORMAT || meta.version != SIDE_VERSION || meta.length > MAX_META {
        return None;
    }
    // The checkpoint's line, as the journal holds it.
    let mut text = vec![0u8; meta.length as usize];
    file.read_exact_at(&mut text, meta.offset).ok()?;
    let body = text.strip_suffix(b"\n")?;
    let checked = line::check(body).ok()?;
    if !checked.checkpoint || checked.seq != meta.seq || checked.hash != meta.hash {
        return None;
    }
    let prev = checked.prev.to_string();
    let text = std::str::from_utf8(body).ok()?;
    let Body::Checkpoint(point) =
        super::decode::decode_text(text, Notes::Kept, &mut Names::default())
            .ok()?
            .body
    else {
        return None;
    };
    let listed: Vec<(Option<String>, u64)> = point
        .shares
        .iter()
        .map(|s| (s.donor.clone(), s.entries))
        .collect();
    if listed != meta.shares {
        return None;
    }
    let share = Share::new(whose);
    // Each share this one keeps, with where its places start in the file beside.
    let mut kept = Vec::new();
    let mut start = 0u64;
    for s in &point.shares {
        if s.donor.as_deref().is_none_or(|d| share.keeps_donor(d)) {
            kept.push((start, s));
        }
        start = start.checked_add(s.entries.checked_mul(PLACE as u64)?)?;
    }
    // Where every line of those shares is, share by share, each in journal order.
    let mut places = Vec::new();
    for (i, (start, s)) in kept.iter().enumerate() {
        let mut at = vec![0u8; usize::try_from(s.entries.checked_mul(PLACE as u64)?).ok()?];
        side.read_exact_at(&mut at, *start).ok()?;
        for place in at.chunks_exact(PLACE) {
            let offset = u64::from_le_bytes(place[..8].try_into().ok()?);
            let n = u32::from_le_bytes(place[8..].try_into().ok()?);
            if offset >= meta.offset || u64::from(n) > MAX_META {
                return None;
            }
            places.push((i, offset, n));
        }
    }
    // Half the lines read, checked and decoded on another thread.
    let (first, second) = places.split_at(places.len() / 2);
    let (a, b) = std::thread::scope(|scope| {
        let other = scope.spawn(|| read_lines(file, second));
        let mine = read_lines(file, first);
        (mine, other.join().expect("reading lines does not panic"))
    });
    // Each share's lines hash to its digest, and come in journal order.
    let mut digests: Vec<Sha256> = kept.iter().map(|_| Sha256::new()).collect();
    let mut lists: Vec<Vec<Entry>> = kept.iter().map(|_| Vec::new()).collect();
    for (i, hash, e) in a?.into_iter().chain(b?) {
        digests[i].update(hash);
        if e.seq >= meta.seq || lists[i].last().is_some_and(|l| l.seq >= e.seq) {
            return None;
        }
        lists[i].push(e);
    }
    for (d, (_, s)) in digests.into_iter().zip(&kept) {
        if hex::encode(d.finalize()) != s.digest {
            return None;
        }
    }
    let mut lists: Vec<std::vec::IntoIter<Entry>> = lists.into_iter().map(Vec::into_iter).collect();
    let mut heads: Vec<Option<Entry>> = lists.iter_mut().map(Iterator::next).collect();
    let mut book = Checker::without_sources();
    // In journal order: the lowest number at the head of any list, each time.
    while let Some(i) = heads
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.as_ref().map(|e| (e.seq, i)))
        .min()
        .map(|(_, i)| i)
    {
        let e = std::mem::replace(&mut heads[i], lists[i].next()).expect("a head");
        if share.keeps(&book, &e) {
            book.apply(e);
        }
    }
    // From the checkpoint on, every line, checked as any read checks it.
    let from = Resume {
        offset: meta.offset,
        seq: meta.seq,
        prev,
    };
    let mut first = None;
    let scan = scan_resumed(file, ledger, Notes::References, &from, &mut |e, _| {
        first.get_or_insert(e.seq);
        if share.keeps(&book, &e) {
            book.apply(e);
        }
    })
    .ok()?;
    if first != Some(meta.seq) {
        return None;
    }
    book.set_entries(scan.head.entries);
    Some((book, scan))
}

/// The lines at `places` (each with the share it is of), each checked against its
/// own hash and decoded as a writer's read decodes it: with its share and hash.
fn read_lines(file: &File, places: &[(usize, u64, u32)]) -> Option<Vec<(usize, LineHash, Entry)>> {
    let mut names = Names::default();
    let mut text = vec![0u8; places.iter().map(|p| p.2 as usize).sum()];
    let mut at = 0;
    for &(_, offset, n) in places {
        file.read_exact_at(&mut text[at..at + n as usize], offset)
            .ok()?;
        at += n as usize;
    }
    let mut out = Vec::with_capacity(places.len());
    let mut at = 0;
    for &(share, _, n) in places {
        let line = text[at..at + n as usize].strip_suffix(b"\n")?;
        at += n as usize;
        let hash: LineHash = line::check(line).ok()?.hash.as_bytes().try_into().ok()?;
        let text = std::str::from_utf8(line).ok()?;
        let e = super::decode::decode_text(text, Notes::References, &mut names).ok()?;
        out.push((share, hash, e));
    }
    Some(out)
}
