//! The index: a small witness kept beside the journal (`<ledger>.index`) of the
//! last head a writer committed: its entry count, hash, byte offsets and time.
//!
//! Invariant: the index never decides whether an entry is allowed. Writers read the
//! whole journal and judge new entries against what its own lines say; the index
//! only witnesses what was committed. Because it is written after the journal is
//! fsynced, it never names an entry that is not on disk, so an index naming more
//! entries than the journal holds, or a head the journal no longer has, means
//! committed entries were removed or altered (or the journal was replaced by
//! another copy). `judge` says so, and writers, `verify` and `repair` refuse such a
//! ledger. Deleting it loses nothing.
//!
//! Invariant: the index never replaces or removes a file that is not an index (a
//! ledger that happens to be named `<other>.index`, a symlink), and its temporary
//! file is created new (`create_new`) in the ledger's directory, so a link planted
//! at a predictable name cannot redirect the write.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::line;
use super::scan::{Head, Scan};
use crate::domain::words::count;

const INDEX_FORMAT: &str = "contributions-ledger-index";
/// Version 3 keeps the witness only; version 2 also carried a snapshot of the book,
/// which is no longer read (its first line is still a witness).
const INDEX_VERSION: u32 = 3;

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
    /// Version 2 only: SHA-256 of the snapshot line that followed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    snapshot_sha256: Option<String>,
}

pub fn path_for(ledger: &Path) -> PathBuf {
    let mut name = ledger.as_os_str().to_owned();
    name.push(".index");
    PathBuf::from(name)
}

/// The longest index file read: a witness line is a few hundred bytes. Version 2
/// files also held a snapshot, which is skipped unread beyond this.
const MAX_META: u64 = 4096;

/// Reads the index's first line, if the path holds an index of a known version
/// (a regular file, not a link) whose own checksum holds.
fn read(ledger: &Path) -> Option<Meta> {
    let path = path_for(ledger);
    if !std::fs::symlink_metadata(&path).ok()?.file_type().is_file() {
        return None;
    }
    let mut file = File::open(&path).ok()?;
    let mut head = Vec::new();
    (&mut file).take(MAX_META).read_to_end(&mut head).ok()?;
    let split = head.iter().position(|b| *b == b'\n')?;
    let meta: Meta = serde_json::from_slice(&head[..split]).ok()?;
    if meta.format != INDEX_FORMAT {
        return None;
    }
    match (meta.version, &meta.snapshot_sha256) {
        (3, None) => Some(meta),
        (2, Some(want)) => {
            let mut snapshot = head[split + 1..].to_vec();
            file.read_to_end(&mut snapshot).ok()?;
            (hex::encode(Sha256::digest(&snapshot)) == *want).then_some(meta)
        }
        _ => None,
    }
}

/// The last committed entry's number and where the committed part ends, as the
/// index says: a hint for finding a line from the end (`peek`), never trusted.
pub(super) fn last_entry(ledger: &Path) -> Option<(u64, u64)> {
    read(ledger).map(|m| (m.entries, m.committed_len))
}

/// Is the file at the index's path one this program wrote (an index of any
/// version), so that it may be replaced or removed? Absent counts as ours.
fn ours_or_absent(ledger: &Path) -> bool {
    let path = path_for(ledger);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return true;
    };
    if !meta.file_type().is_file() {
        return false;
    }
    let Ok(file) = File::open(&path) else {
        return false;
    };
    let mut head = Vec::new();
    if file.take(MAX_META).read_to_end(&mut head).is_err() {
        return false;
    }
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    serde_json::from_slice::<serde_json::Value>(first)
        .ok()
        .is_some_and(|v| v.get("format").and_then(|f| f.as_str()) == Some(INDEX_FORMAT))
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

/// What the index witnesses about a journal just read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// No usable index, or one that agrees with the journal.
    Agrees,
    /// The index recorded a committed entry the journal no longer has, or has
    /// differently. `restorable` when all that is missing is the line break after
    /// the last entry, which `repair` restores: nothing was removed or altered.
    Disagrees {
        entries: u64,
        head: String,
        what: String,
        restorable: bool,
    },
}

/// True when the journal's last line is the entry the index recorded as its head,
/// intact and chained, and only the line break after it is missing: a committed
/// entry whose last byte was lost, which `repair` restores rather than cuts.
pub(super) fn only_line_break_missing(journal: &File, ledger: &Path, scan: &Scan) -> bool {
    let check = || -> Option<bool> {
        let meta = read(ledger)?;
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
    let Some(meta) = read(ledger) else {
        return Judgement::Agrees;
    };
    let restorable = only_line_break_missing(journal, ledger, scan);
    let what = if restorable {
        format!(
            "entry #{} is intact and only the line break after it is missing; `ledger repair` restores it",
            meta.entries
        )
    } else if meta.entries > scan.head.entries {
        let (first, last) = (scan.head.entries + 1, meta.entries);
        format!(
            "the journal holds {}; {} missing",
            count(scan.head.entries, "committed entry", "committed entries"),
            if first == last {
                format!("entry #{first} is")
            } else {
                format!("entries #{first} to #{last} are")
            }
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
        restorable,
    }
}

/// Writes the index for a journal whose head is `head`, ending at `committed_len`.
/// Best effort: a missing index costs nothing but its witness. A file at the
/// index's path that is not an index is left alone, and no index is kept.
pub(super) fn store(
    ledger: &Path,
    head: &Head,
    committed_len: u64,
    head_offset: u64,
    last_at: &str,
) {
    let path = path_for(ledger);
    if !ours_or_absent(ledger) {
        return;
    }
    let meta = Meta {
        format: INDEX_FORMAT.into(),
        version: INDEX_VERSION,
        committed_len,
        head_offset,
        entries: head.entries,
        head: head.hash.clone(),
        last_recorded_at: last_at.to_string(),
        snapshot_sha256: None,
    };
    let Ok(mut bytes) = serde_json::to_vec(&meta) else {
        return;
    };
    bytes.push(b'\n');
    let Some((tmp, mut file)) = create_temporary(&path) else {
        return;
    };
    let written = file
        .write_all(&bytes)
        .and_then(|_| file.sync_data())
        .and_then(|_| std::fs::rename(&tmp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        if ours_or_absent(ledger) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// A new temporary file beside `path`, created exclusively: an existing file or a
/// link at the name (planted or left by a crash) is never opened, another name is
/// tried instead.
pub(super) fn create_temporary(path: &Path) -> Option<(PathBuf, File)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for attempt in 0..16u32 {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".tmp.{}.{nanos:x}.{attempt}", std::process::id()));
        let tmp = PathBuf::from(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Some((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => return None,
        }
    }
    None
}

/// Removes an index left beside a path where a new ledger is being created, if
/// it is an index (a ledger named like one is left alone).
pub(super) fn remove(ledger: &Path) {
    if ours_or_absent(ledger) {
        let _ = std::fs::remove_file(path_for(ledger));
    }
}
