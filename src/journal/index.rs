//! The index: a derived snapshot of the book at a committed head, kept beside the
//! journal (`<ledger>.index`) so that a writer need not reread a large journal.
//!
//! The file is two lines: what it describes (the head it was made at, its byte
//! offsets, and the SHA-256 of the second line), then the snapshot itself. A file
//! whose checksum does not match is ignored as if absent.
//!
//! Invariant: the journal is the only source of truth. The index is used only when
//! the journal line it names as head is still there with the hash it recorded;
//! otherwise the journal is read in full. Deleting it loses nothing. It is written
//! atomically (temporary file, then rename) under the writer's lock, after the
//! journal is fsynced, so it never names an entry that is not on disk.
//!
//! Because of that last point it is also a witness: an index naming more entries
//! than the journal holds, or a head the journal no longer has, means committed
//! entries were removed or altered (or the journal was replaced by another copy).
//! `judge` says so, and writers, `verify` and `repair` refuse such a ledger.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::line;
use super::scan::{Head, Resume, Scan};
use crate::domain::Book;
use crate::domain::book::Snapshot;

const INDEX_FORMAT: &str = "contributions-ledger-index";
const INDEX_VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Meta {
    format: String,
    version: u32,
    /// Byte length of the journal's committed part at the head.
    committed_len: u64,
    head_offset: u64,
    entries: u64,
    head: String,
    last_recorded_at: String,
    /// SHA-256 of the snapshot line.
    snapshot_sha256: String,
}

pub fn path_for(ledger: &Path) -> PathBuf {
    let mut name = ledger.as_os_str().to_owned();
    name.push(".index");
    PathBuf::from(name)
}

/// Reads the index's first line and the snapshot's bytes, if the file is an index
/// of this version whose checksum holds.
fn read(ledger: &Path) -> Option<(Meta, Vec<u8>)> {
    let text = std::fs::read(path_for(ledger)).ok()?;
    let split = text.iter().position(|b| *b == b'\n')?;
    let meta: Meta = serde_json::from_slice(&text[..split]).ok()?;
    let snapshot = text[split + 1..].to_vec();
    let ok = meta.format == INDEX_FORMAT
        && meta.version == INDEX_VERSION
        && hex::encode(Sha256::digest(&snapshot)) == meta.snapshot_sha256;
    ok.then_some((meta, snapshot))
}

/// Is the line the index names as head still in the journal, unchanged?
fn head_line_holds(journal: &File, meta: &Meta) -> bool {
    let check = || -> Option<bool> {
        let len = meta.committed_len.checked_sub(meta.head_offset)?;
        if len == 0 || len > 64 << 20 || journal.metadata().ok()?.len() < meta.committed_len {
            return Some(false);
        }
        let mut f = journal;
        f.seek(SeekFrom::Start(meta.head_offset)).ok()?;
        let mut bytes = vec![0u8; len as usize];
        f.read_exact(&mut bytes).ok()?;
        let body = bytes.strip_suffix(b"\n")?;
        if body.contains(&b'\n') {
            return Some(false);
        }
        let c = line::check(body).ok()?;
        Some(c.seq == meta.entries && c.hash == meta.head && c.recorded_at == meta.last_recorded_at)
    };
    check().unwrap_or(false)
}

/// Loads the index if it still matches the journal: the line it names as head
/// must be intact and end where the index says the committed part ends.
pub(super) fn load(journal: &File, ledger: &Path) -> Option<(Book, Resume)> {
    let (meta, snapshot) = read(ledger)?;
    let book: Snapshot = serde_json::from_slice(&snapshot).ok()?;
    if book.entries != meta.entries || !head_line_holds(journal, &meta) {
        return None;
    }
    let resume = Resume {
        offset: meta.committed_len,
        head_offset: meta.head_offset,
        head: Head {
            entries: meta.entries,
            hash: meta.head,
        },
        last_at: meta.last_recorded_at,
    };
    Some((Book::from_snapshot(book)?, resume))
}

/// What the index witnesses about a journal just read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// No usable index, or one that agrees with the journal.
    Agrees,
    /// The index recorded a committed entry the journal no longer has, or has
    /// differently.
    Disagrees {
        entries: u64,
        head: String,
        what: String,
    },
}

/// True when the journal's last line is the entry the index recorded as its head,
/// intact and chained, and only the line break after it is missing: a committed
/// entry whose last byte was lost, which `repair` restores rather than cuts.
pub(super) fn only_line_break_missing(journal: &File, ledger: &Path, scan: &Scan) -> bool {
    let check = || -> Option<bool> {
        let (meta, _) = read(ledger)?;
        let len = journal.metadata().ok()?.len();
        if meta.entries != scan.head.entries + 1 || len + 1 != meta.committed_len {
            return Some(false);
        }
        let mut f = journal;
        f.seek(SeekFrom::Start(meta.head_offset)).ok()?;
        let mut bytes = vec![0u8; usize::try_from(len.checked_sub(meta.head_offset)?).ok()?];
        f.read_exact(&mut bytes).ok()?;
        let c = line::check(&bytes).ok()?;
        Some(
            !bytes.contains(&b'\n')
                && c.seq == meta.entries
                && c.hash == meta.head
                && c.prev == scan.head.hash
                && c.batch.is_none_or(|(i, n)| i == n),
        )
    };
    check().unwrap_or(false)
}

/// Compares the journal (as `scan` read it) with what the index recorded.
pub fn judge(journal: &File, ledger: &Path, scan: &Scan) -> Judgement {
    let Some((meta, _)) = read(ledger) else {
        return Judgement::Agrees;
    };
    let what = if only_line_break_missing(journal, ledger, scan) {
        format!(
            "entry #{} is intact and only the line break after it is missing; `ledger repair` restores it",
            meta.entries
        )
    } else if meta.entries > scan.head.entries {
        format!(
            "the journal holds {} committed entries; entries #{} to #{} are missing",
            scan.head.entries,
            scan.head.entries + 1,
            meta.entries
        )
    } else if !head_line_holds(journal, &meta) {
        format!(
            "entry #{} of the journal is not the entry the index recorded",
            meta.entries
        )
    } else {
        return Judgement::Agrees;
    };
    Judgement::Disagrees {
        entries: meta.entries,
        head: meta.head,
        what,
    }
}

/// Writes the index for a book whose head is `head`, ending at `committed_len`.
pub(super) fn store(
    ledger: &Path,
    book: &Book,
    head: &Head,
    committed_len: u64,
    head_offset: u64,
    last_at: &str,
) {
    let path = path_for(ledger);
    let mut tmp = path.clone().into_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let written = serde_json::to_vec(&book.snapshot())
        .map_err(std::io::Error::other)
        .and_then(|snapshot| {
            let meta = Meta {
                format: INDEX_FORMAT.into(),
                version: INDEX_VERSION,
                committed_len,
                head_offset,
                entries: head.entries,
                head: head.hash.clone(),
                last_recorded_at: last_at.to_string(),
                snapshot_sha256: hex::encode(Sha256::digest(&snapshot)),
            };
            let mut bytes = serde_json::to_vec(&meta).map_err(std::io::Error::other)?;
            bytes.push(b'\n');
            bytes.extend_from_slice(&snapshot);
            std::fs::write(&tmp, bytes)
        })
        .and_then(|_| std::fs::rename(&tmp, &path));
    if written.is_err() {
        // A missing index only costs the next writer a full read.
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(&path);
    }
}

/// Removes an index left beside a path where a new ledger is being created.
pub(super) fn remove(ledger: &Path) {
    let _ = std::fs::remove_file(path_for(ledger));
}
