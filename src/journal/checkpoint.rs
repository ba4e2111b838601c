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
    scan_checking(path)?.1
}

/// For `verify` of a ledger with a checkpoint file beside it: reads every line, as
/// `verify` reads them but decoding each on a second thread, and checks each
/// checkpoint against the lines before it, in one read. The read's result, and
/// the first checkpoint that does not sum up the lines before it, if any.
pub fn scan_checking(path: &Path) -> Result<(Scan, Result<(), JournalError>), JournalError> {
    let file = super::open::read(path)?;
    let mut shares = Shares::default();
    let mut wrong = None;
    let scan = scan_entries(&file, path, Notes::Left, None, None, None, &mut |e, h| {
        if wrong.is_none()
            && let Body::Checkpoint(c) = &e.body
            && *c != shares.summary()
        {
            wrong = Some(e.seq);
        }
        shares.see(&e, h);
    })?;
    let checked = match wrong {
        None => Ok(()),
        Some(seq) => Err(JournalError::Tampered {
            path: path.to_path_buf(),
            line: seq + 1,
            seq,
            reason:
                "it is a checkpoint whose counts or digests are not those of the lines before it"
                    .into(),
        }),
    };
    Ok((scan, checked))
}

/// Whether anything is at the path of `ledger`'s checkpoint file: a sign the
/// ledger holds a checkpoint, never trusted (`verify` finds every checkpoint
/// itself).
pub fn file_exists(ledger: &Path) -> bool {
    std::fs::symlink_metadata(path_for(ledger)).is_ok()
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
    /// Where the table of every line's share starts, by entry number up to the
    /// checkpoint: two bytes a line, its share's place in `shares` (`u16::MAX` for a
    /// line of no share). A hint of whose an entry named by number is.
    table: u64,
}

/// The file beside the journal while a checkpoint is written: the places of every
/// share's lines, written before the checkpoint is committed.
pub(super) struct Side {
    tmp: PathBuf,
    file: File,
    table: u64,
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
        let (table, end) = match written {
            Ok(at) => at,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        Ok(Side {
            tmp,
            file,
            table,
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
    ) -> std::io::Result<(u64, u64)> {
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
        let mut table = Vec::with_capacity(shares.of.len() * 2);
        loop {
            line.clear();
            let n = std::io::BufRead::read_until(&mut reader, b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            let class = shares.of.get(seq).copied().unwrap_or(NONE);
            let share = match class {
                NONE => u16::MAX,
                c => u16::try_from(slot[c as usize]).unwrap_or(u16::MAX),
            };
            table.extend_from_slice(&share.to_le_bytes());
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
        out.write_all_at(&table, start)?;
        Ok((start, start + table.len() as u64))
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
            table: self.table,
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

/// How many lines a writer's read from a checkpoint holds at once.
const CHUNK_LINES: usize = 16_384;

/// The most bytes read for one thing the file beside the journal names (its
/// trailer, the checkpoint's line): a share takes a few dozen bytes of the trailer.
const MAX_META: u64 = 64 << 20;

/// The trailer of a checkpoint file: its last 8 bytes say how long it is.
fn trailer(side: &File) -> Option<Vec<u8>> {
    let size = side.metadata().ok()?.len();
    let mut len = [0u8; 8];
    side.read_exact_at(&mut len, size.checked_sub(8)?).ok()?;
    let meta_len = u64::from_le_bytes(len);
    if meta_len > MAX_META || meta_len + 8 > size {
        return None;
    }
    let mut bytes = vec![0u8; meta_len as usize];
    side.read_exact_at(&mut bytes, size - 8 - meta_len).ok()?;
    Some(bytes)
}

/// The file beside the journal, if there is one (a regular file, not a link) of
/// this version, and what its trailer says.
fn open_side(ledger: &Path) -> Option<(File, Meta)> {
    let side_path = path_for(ledger);
    if !std::fs::symlink_metadata(&side_path)
        .ok()?
        .file_type()
        .is_file()
    {
        return None;
    }
    let side = File::open(&side_path).ok()?;
    let meta: Meta = serde_json::from_slice(&trailer(&side)?).ok()?;
    if meta.format != SIDE_FORMAT || meta.version != SIDE_VERSION || meta.length > MAX_META {
        return None;
    }
    Some((side, meta))
}

/// Whether the path of `ledger`'s checkpoint file is free for one: absent, or a
/// checkpoint file (a regular file whose trailer says so, of any version). A file
/// of another kind there (a ledger named like one, a link) is never replaced.
pub(super) fn ours_or_absent(ledger: &Path) -> bool {
    let path = path_for(ledger);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return true;
    };
    let ours = || -> Option<bool> {
        if !meta.file_type().is_file() {
            return Some(false);
        }
        let bytes = trailer(&File::open(&path).ok()?)?;
        let trailer: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        Some(trailer.get("format").and_then(|f| f.as_str()) == Some(SIDE_FORMAT))
    };
    ours().unwrap_or(false)
}

/// Removes the checkpoint file beside a path where a new ledger is being created,
/// if it is one.
pub(super) fn remove(ledger: &Path) {
    if ours_or_absent(ledger) {
        let _ = std::fs::remove_file(path_for(ledger));
    }
}

/// A hint of whose entry `seq` is, as the file beside the journal says: `Some(donor)`
/// for a donor's entry, `None` for one that names no donor; nothing if the file
/// cannot say (no file, an entry at or after its checkpoint, a line of no share).
/// Never trusted, as `peek::share_of` is not.
pub fn share_hint(ledger: &Path, seq: u64) -> Option<Option<String>> {
    let (side, meta) = open_side(ledger)?;
    if seq >= meta.seq {
        return None;
    }
    let mut share = [0u8; 2];
    side.read_exact_at(&mut share, meta.table.checked_add(seq.checked_mul(2)?)?)
        .ok()?;
    let (donor, _) = meta.shares.get(usize::from(u16::from_le_bytes(share)))?;
    Some(donor.clone())
}

/// The book of share `whose` and the read's scan, as `Reading::ToRecordOf` would
/// make them from the whole journal, made from the last checkpoint the file beside
/// the journal names; none if that cannot be done (no file, one that does not
/// match, any line that fails), and the caller reads the whole journal.
pub(super) fn read_share(file: &File, ledger: &Path, whose: Whose<'_>) -> Option<(Checker, Scan)> {
    let (side, meta) = open_side(ledger)?;
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
    // Where every line of those shares is, in journal order.
    let mut places = Vec::new();
    for (i, (start, s)) in kept.iter().enumerate() {
        let mut at = vec![0u8; usize::try_from(s.entries.checked_mul(PLACE as u64)?).ok()?];
        side.read_exact_at(&mut at, *start).ok()?;
        for place in at.chunks_exact(PLACE) {
            let offset = u64::from_le_bytes(place[..8].try_into().ok()?);
            let n = u32::from_le_bytes(place[8..].try_into().ok()?);
            if offset.checked_add(u64::from(n))? > meta.offset {
                return None;
            }
            places.push((i, offset, n));
        }
    }
    places.sort_unstable_by_key(|p| p.1);
    // Lines one after another, none over another: what is read, however the file
    // beside was altered, is at most the journal before the checkpoint.
    if places
        .windows(2)
        .any(|w| w[0].1 + u64::from(w[0].2) > w[1].1)
    {
        return None;
    }
    // A chunk of lines at a time, read, checked and decoded on two threads, then
    // folded into the book in journal order, each share's hashes into its digest:
    // memory holds a chunk or two, whatever the share's size.
    let mut digests: Vec<Sha256> = kept.iter().map(|_| Sha256::new()).collect();
    let mut book = Checker::without_sources();
    let mut last = None;
    // Each chunk: the caller's thread reads the first part, a second thread the
    // rest, one chunk ahead while the caller folds the one before into the book.
    let split = |chunk: &'_ [(usize, u64, u32)]| chunk.len() * 2 / 5;
    let folded = std::thread::scope(|scope| -> Option<()> {
        let (sent, received) = std::sync::mpsc::sync_channel(1);
        let (back, returned) = std::sync::mpsc::channel();
        let places = &places;
        scope.spawn(move || {
            let mut lines = Lines::default();
            for chunk in places.chunks(CHUNK_LINES) {
                if let Ok(out) = returned.try_recv() {
                    lines.out = out;
                }
                let read = lines.read(file, &chunk[split(chunk)..]);
                // Closed when the caller stopped at a line that failed.
                if sent
                    .send(read.map(|()| std::mem::take(&mut lines.out)))
                    .is_err()
                {
                    break;
                }
            }
        });
        let mut mine = Lines::default();
        for chunk in places.chunks(CHUNK_LINES) {
            mine.read(file, &chunk[..split(chunk)])?;
            let mut theirs = received.recv().ok()??;
            for (i, hash, e) in mine.out.drain(..).chain(theirs.drain(..)) {
                if e.seq >= meta.seq || last.is_some_and(|l| l >= e.seq) {
                    return None;
                }
                last = Some(e.seq);
                digests[i].update(hash);
                if share.keeps(&book, &e) {
                    book.apply(e);
                }
            }
            let _ = back.send(theirs);
        }
        Some(())
    });
    folded?;
    for (d, (_, s)) in digests.into_iter().zip(&kept) {
        if hex::encode(d.finalize()) != s.digest {
            return None;
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

/// One thread's part of a writer's read from a checkpoint: its buffers, kept from
/// one chunk of lines to the next.
#[derive(Default)]
struct Lines {
    names: Names,
    text: Vec<u8>,
    /// Each line read: its share, its hash and its entry.
    out: Vec<(usize, LineHash, Entry)>,
}

impl Lines {
    /// Reads the lines at `places` (each with the share it is of) into `out`, each
    /// checked against its own hash and decoded as a writer's read decodes it; none
    /// if one fails.
    fn read(&mut self, file: &File, places: &[(usize, u64, u32)]) -> Option<()> {
        self.text.clear();
        self.text
            .resize(places.iter().map(|p| p.2 as usize).sum(), 0);
        let mut at = 0;
        for &(_, offset, n) in places {
            file.read_exact_at(&mut self.text[at..at + n as usize], offset)
                .ok()?;
            at += n as usize;
        }
        let mut at = 0;
        for &(share, _, n) in places {
            let line = self.text[at..at + n as usize].strip_suffix(b"\n")?;
            at += n as usize;
            let hash: LineHash = line::check(line).ok()?.hash.as_bytes().try_into().ok()?;
            let text = std::str::from_utf8(line).ok()?;
            let e = super::decode::decode_text(text, Notes::References, &mut self.names).ok()?;
            self.out.push((share, hash, e));
        }
        Some(())
    }
}
