//! `--output FILE`: where a report's bytes go when not to standard output.
//!
//! Owns the rules that keep an output file from destroying anything: never the
//! ledger or its index (also through a symbolic or hard link), never an existing
//! file unless `--force` says so, and never a half-written file (the bytes go to a
//! new temporary file beside the target, which is then renamed over it).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Failure;

/// Refuses an output path that is the ledger, its index, or (without `force`) an
/// existing file. Called before any work, so a refused run costs nothing.
pub fn check(path: &Path, ledger: &Path, force: bool) -> Result<(), Failure> {
    let shown = path.display();
    let protected = [
        (ledger.to_path_buf(), "own file"),
        (crate::journal::index_path(ledger), "index"),
    ];
    for (p, what) in &protected {
        if same_file(path, p) {
            return Err(Failure::failed(format!(
                "--output {shown}: that is the ledger's {what} ({}); a report is never written over it",
                p.display()
            )));
        }
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Failure::failed(format!(
            "--output {shown}: is a directory; name a file"
        ))),
        Ok(_) if !force => Err(Failure::failed(format!(
            "--output {shown}: the file exists; add --force to replace it"
        ))),
        _ => Ok(()),
    }
}

/// Writes what `write` writes to `path` through a new temporary file in the same
/// directory (buffered), renamed over `path` only once all of it is written and
/// synced: a report streamed into it is never held whole in memory, and never left
/// half-written at `path`.
pub fn write_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::failed(format!("--output {}: {e}", path.display()));
    // A symbolic link at the target is replaced by the file, never written through.
    let (tmp, file) = temporary(path).map_err(fail)?;
    let mut buffered = std::io::BufWriter::with_capacity(BUFFER, file);
    let written = write(&mut buffered)
        .and_then(|_| buffered.flush())
        .and_then(|_| buffered.get_ref().sync_data())
        .and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// `write_with` for standard output (or whatever `out` is): buffered, so that a
/// renderer's many small writes reach it in large ones.
pub fn stream(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(BUFFER, out);
    write(&mut buffered)?;
    buffered.flush()
}

/// The buffer between a renderer and its file or standard output.
const BUFFER: usize = 1 << 16;

fn temporary(path: &Path) -> std::io::Result<(PathBuf, File)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = None;
    for attempt in 0..16u32 {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".tmp.{}.{nanos:x}.{attempt}", std::process::id()));
        let tmp = PathBuf::from(name);
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no temporary name was free")))
}

/// Do two paths name the same file (after links, hard links included)?
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    }
}
