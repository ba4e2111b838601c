//! The index: a derived snapshot of the book at a committed head, kept beside the
//! journal (`<ledger>.index`) so that a writer need not reread a large journal.
//!
//! Invariant: the journal is the only source of truth. The index is used only when
//! the journal line it names as head is still there with the hash it recorded;
//! otherwise it is ignored and the journal is read in full. Deleting it loses
//! nothing. It is written atomically (temporary file, then rename) under the
//! writer's lock, and never fsynced: a stale or missing index costs time, not data.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::line;
use super::scan::{Head, Resume};
use crate::domain::Book;
use crate::domain::book::Snapshot;

const INDEX_FORMAT: &str = "contributions-ledger-index";
const INDEX_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct IndexFile {
    format: String,
    version: u32,
    /// Byte length of the journal's committed part at the head.
    committed_len: u64,
    head_offset: u64,
    entries: u64,
    head: String,
    last_recorded_at: String,
    book: Snapshot,
}

pub fn path_for(ledger: &Path) -> PathBuf {
    let mut name = ledger.as_os_str().to_owned();
    name.push(".index");
    PathBuf::from(name)
}

/// Loads the index if it still matches the journal: the line it names as head
/// must be intact and end where the index says the committed part ends.
pub(super) fn load(journal: &File, ledger: &Path) -> Option<(Book, Resume)> {
    let text = std::fs::read(path_for(ledger)).ok()?;
    let index: IndexFile = serde_json::from_slice(&text).ok()?;
    if index.format != INDEX_FORMAT
        || index.version != INDEX_VERSION
        || index.book.entries != index.entries
    {
        return None;
    }
    let len = index.committed_len.checked_sub(index.head_offset)?;
    if len == 0 || len > 64 << 20 || journal.metadata().ok()?.len() < index.committed_len {
        return None;
    }
    let mut f = journal;
    f.seek(SeekFrom::Start(index.head_offset)).ok()?;
    let mut bytes = vec![0u8; len as usize];
    f.read_exact(&mut bytes).ok()?;
    let body = bytes.strip_suffix(b"\n")?;
    if body.contains(&b'\n') {
        return None;
    }
    let checked = line::check(body).ok()?;
    if checked.seq != index.entries
        || checked.hash != index.head
        || checked.recorded_at != index.last_recorded_at
    {
        return None;
    }
    let resume = Resume {
        offset: index.committed_len,
        head_offset: index.head_offset,
        head: Head {
            entries: index.entries,
            hash: index.head,
        },
        last_at: index.last_recorded_at,
    };
    Some((Book::from_snapshot(index.book)?, resume))
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
    let index = IndexFile {
        format: INDEX_FORMAT.into(),
        version: INDEX_VERSION,
        committed_len,
        head_offset,
        entries: head.entries,
        head: head.hash.clone(),
        last_recorded_at: last_at.to_string(),
        book: book.snapshot(),
    };
    let path = path_for(ledger);
    let mut tmp = path.clone().into_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let written = serde_json::to_vec(&index)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&tmp, bytes))
        .and_then(|_| std::fs::rename(&tmp, &path));
    if written.is_err() {
        // A missing index only costs the next writer a full read.
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(&path);
    }
}
