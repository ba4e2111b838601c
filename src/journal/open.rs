//! Opening a ledger file: only a regular file (a symbolic link to one is fine) is
//! ever opened, so that a directory, a named pipe or a device (`/dev/zero`) is
//! refused with a clear message instead of blocking or reading without end.
//!
//! The kind of file is checked before it is opened (opening a named pipe for
//! reading waits for a writer), and again on the open file.

use std::fs::{File, Metadata, OpenOptions};
use std::path::{Path, PathBuf};

use super::JournalError;

/// What a file that is not a regular file is, in words; `None` for a regular file.
pub fn special_kind(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// Where a symbolic link at `path` points, as a path usable from the current
/// directory (a relative target is relative to the link's own directory).
fn link_target(path: &Path) -> Option<PathBuf> {
    let target = std::fs::read_link(path).ok()?;
    Some(match path.parent() {
        Some(dir) if target.is_relative() && !dir.as_os_str().is_empty() => dir.join(target),
        _ => target,
    })
}

/// Why `path` cannot hold a ledger, when it exists but is not a regular file (or is
/// a symbolic link to nothing). `Ok(false)` when nothing is there at all.
pub(crate) fn check(path: &Path) -> Result<bool, JournalError> {
    match std::fs::metadata(path) {
        Ok(meta) => match special_kind(&meta) {
            None => Ok(true),
            Some(what) => Err(JournalError::NotAFile {
                path: path.to_path_buf(),
                what: what.into(),
            }),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            match std::fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => Err(JournalError::DanglingLink {
                    path: path.to_path_buf(),
                    target: link_target(path).unwrap_or_default(),
                }),
                _ => Ok(false),
            }
        }
        Err(e) => Err(JournalError::io(path)(e)),
    }
}

/// Opens an existing ledger file with `options`, refusing anything but a regular file.
pub(crate) fn open(path: &Path, options: &OpenOptions) -> Result<File, JournalError> {
    if !check(path)? {
        return Err(JournalError::NotFound {
            path: path.to_path_buf(),
        });
    }
    let file = options.open(path).map_err(JournalError::opening(path))?;
    // The path may have been replaced between the check and the open.
    let meta = file.metadata().map_err(JournalError::io(path))?;
    match special_kind(&meta) {
        None => Ok(file),
        Some(what) => Err(JournalError::NotAFile {
            path: path.to_path_buf(),
            what: what.into(),
        }),
    }
}

/// Opens an existing ledger file for reading.
pub(crate) fn read(path: &Path) -> Result<File, JournalError> {
    open(path, OpenOptions::new().read(true))
}

/// For `init` on a path where a file already is: when it holds no entries (it is
/// empty, or its only line is a header cut short), returns it locked and emptied,
/// open for appending the new header. A ledger is `Exists`; anything else is the
/// error every other command gives for it.
pub(crate) fn claim_empty(path: &Path) -> Result<File, JournalError> {
    let file = open(path, OpenOptions::new().read(true).append(true))?;
    super::lock::exclusive(&file, path, super::lock::lock_timeout())?;
    match super::scan::scan_file(&file, path, false, None, &mut |_| {}) {
        Ok(_) => Err(JournalError::Exists {
            path: path.to_path_buf(),
        }),
        Err(JournalError::NoEntries { .. }) => {
            file.set_len(0).map_err(JournalError::io(path))?;
            Ok(file)
        }
        Err(e) => Err(e),
    }
}
