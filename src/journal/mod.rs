//! The journal: one append-only file per ledger, one entry per line, hash-chained.
//!
//! Owns: creating a ledger, reading it (every read checks the chain), appending one
//! entry or one all-or-nothing batch under an exclusive lock with fsync, verifying,
//! and repairing a torn tail. Only this module writes the ledger file.
//!
//! Invariant: a committed line is never rewritten; `repair` cuts only bytes after
//! the last committed entry. Invariant: hashes are over stored bytes, never
//! re-serialised entries.

mod checkpoint;
mod decode;
mod index;
mod line;
mod lock;
mod open;
mod peek;
mod scan;
mod spool;
mod write;

pub use checkpoint::{
    check_all as check_checkpoints, file_exists as checkpoint_file_exists,
    scan_checking as scan_checking_checkpoints, share_hint as checkpoint_share_hint,
};
pub use decode::Glance;
pub use decode::decode as decode_line;
pub use index::{Judgement, path_for as index_path};
pub use line::{Checked, ZERO_HASH, check as check_line, encode, encode_body};
pub use lock::lock_timeout;
pub use open::special_kind;
pub use peek::{Counted, last_entry, lines_by_donor, share_of};
pub use scan::{
    Classes, Classify, Digests, Head, LineHash, Only, Scan, Seen, Tail, Wanted, read, scan,
    scan_figures, scan_only, scan_some,
};
pub use spool::{Bodies, Reader as BodiesReader};
pub use write::{Clock, Draft, Reading, StagedBatch, StagedEntries, Watch, Writer, init, repair};

use std::path::PathBuf;

/// Errors of the journal. `Tampered` and `Torn` mean the ledger failed verification.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: no ledger here; create one with `ledger init` (or name another with --ledger or CONTRIB_LEDGER)"
    )]
    NotFound { path: PathBuf },
    #[error("{path}: the clock reads {reason}")]
    Clock { path: PathBuf, reason: String },
    #[error("{path}: a ledger already exists here; `ledger init` never overwrites one")]
    Exists { path: PathBuf },
    #[error(
        "{path}: ledger is locked by another process (waited {waited_secs} s); try again when it has finished, or wait longer with LEDGER_LOCK_TIMEOUT (seconds): an import into a large ledger can hold it for minutes"
    )]
    Locked { path: PathBuf, waited_secs: u64 },
    #[error(
        "{path}: is {what}, not a regular file; a ledger is a regular file: name yours with --ledger or CONTRIB_LEDGER"
    )]
    NotAFile { path: PathBuf, what: String },
    #[error(
        "{path}: is a symbolic link to {target}, which does not exist; to create the ledger there run `ledger --ledger {target} init`, or name another ledger with --ledger or CONTRIB_LEDGER"
    )]
    DanglingLink { path: PathBuf, target: PathBuf },
    #[error(
        "{path}: not a ledger: {what}; it holds no entries, so nothing is lost: run `ledger init` to write a new ledger header into it"
    )]
    NoEntries { path: PathBuf, what: String },
    #[error(
        "{path}:{line}: not a ledger: {reason}; no command changes this file: if it is not your ledger, name yours with --ledger or CONTRIB_LEDGER (or move this file away and run `ledger init`); if it was your ledger, restore it from a copy"
    )]
    NotALedger {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{path}:{line}: entry #{seq} fails verification: {reason}")]
    Tampered {
        path: PathBuf,
        line: u64,
        seq: u64,
        reason: String,
    },
    #[error(
        "{path}: the ledger has a torn tail after entry #{entries} ({} at offset {offset}: {what}), left by an interrupted write; run `ledger repair` to remove it",
        crate::domain::words::count(*.bytes, "byte", "bytes")
    )]
    Torn {
        path: PathBuf,
        entries: u64,
        offset: u64,
        bytes: u64,
        what: String,
    },
    /// A read again (`scan_only`) found a line it used not as the first read of the
    /// same command found it.
    #[error("{path}: the ledger changed while it was read: {what}")]
    Changed { path: PathBuf, what: String },
    #[error("{path}:{line}: entry #{seq} cannot be read: {reason}")]
    Unreadable {
        path: PathBuf,
        line: u64,
        seq: u64,
        reason: String,
    },
    #[error(
        "{path}: the journal disagrees with its index: the index recorded entry #{entries} with hash {head} as committed, but {what}{}",
        lost(*.restorable, .index)
    )]
    IndexDisagrees {
        path: PathBuf,
        index: PathBuf,
        entries: u64,
        head: String,
        what: String,
        restorable: bool,
    },
}

/// How an index disagreement ends: what it means and how to accept a journal restored
/// on purpose; nothing when only a line break is missing, which `repair` restores.
fn lost(restorable: bool, index: &std::path::Path) -> String {
    if restorable {
        return String::new();
    }
    format!(
        ". Committed entries were removed or altered, or the journal was replaced by another copy; if it was restored on purpose, delete {} and run `ledger verify` again",
        index.display()
    )
}

impl JournalError {
    /// True when the ledger failed verification (exit status 3).
    pub fn is_verification_failure(&self) -> bool {
        matches!(
            self,
            JournalError::Tampered { .. }
                | JournalError::Changed { .. }
                | JournalError::Torn { .. }
                | JournalError::NotALedger { .. }
                | JournalError::NoEntries { .. }
                | JournalError::Unreadable { .. }
                | JournalError::IndexDisagrees { .. }
        )
    }

    /// The error for a journal that could not be opened: `NotFound` points at `init`.
    pub(crate) fn opening(
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
        move |source| match source.kind() {
            std::io::ErrorKind::NotFound => JournalError::NotFound {
                path: path.to_path_buf(),
            },
            _ => JournalError::Io {
                path: path.to_path_buf(),
                source,
            },
        }
    }

    pub fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
        move |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub use write::Repaired;

/// At most how many entries the ledger at `path` can hold, by its size (no line
/// takes fewer than `line::SHORTEST_LINE` bytes); none if its size cannot be read.
/// A hint of how much a read may have to keep, never of what it hands over.
pub fn most_entries(path: &std::path::Path) -> Option<u64> {
    std::fs::metadata(path)
        .ok()
        .map(|m| m.len() / line::SHORTEST_LINE)
}

/// Is a writer holding the lock on this ledger right now?
pub fn writer_active(path: &std::path::Path) -> bool {
    open::read(path)
        .map(|f| !lock::no_writer(&f))
        .unwrap_or(false)
}

/// Checks a journal just read against what its index recorded (see `index`).
pub fn check_index(path: &std::path::Path, scan: &Scan) -> Result<(), JournalError> {
    let file = open::read(path)?;
    check_index_of(&file, path, scan)
}

pub(crate) fn check_index_of(
    file: &std::fs::File,
    path: &std::path::Path,
    scan: &Scan,
) -> Result<(), JournalError> {
    match index::judge(file, path, scan) {
        Judgement::Agrees => Ok(()),
        Judgement::Disagrees {
            entries,
            head,
            what,
            restorable,
        } => Err(JournalError::IndexDisagrees {
            path: path.to_path_buf(),
            index: index_path(path),
            entries,
            head,
            what,
            restorable,
        }),
    }
}
