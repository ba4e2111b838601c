//! `ledger verify`, `ledger repair` and `ledger checkpoint`.
//!
//! `verify` walks the whole chain without parsing entries (near the speed of hashing
//! the file) and exits 3 naming the first entry that fails, or on a torn tail; a
//! ledger holding a checkpoint is read decoding every line, to check each
//! checkpoint against the lines before it (in the same read when the checkpoint's
//! file beside it says there is one).
//! `repair` removes only an uncommitted torn tail and prints exactly what it removed.

use std::io::{BufRead, Write};

use clap::Args;

use super::{Context, Failure};
use crate::domain::words::count;
use crate::journal::{self, JournalError, Tail};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ledger verify\n  ledger verify --head 0f19e5098e8be1b19df6280fbd972ff15ca97f4f307f0d5d000179978bb74367\n  ledger verify --rules"
)]
pub struct VerifyArgs {
    /// Also require that this head hash (from a published report) is an entry of the chain
    #[arg(long, value_name = "HASH")]
    pub head: Option<String>,
    /// Also replay every entry through the recording rules and name each entry that breaks one
    #[arg(long)]
    pub rules: bool,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: VerifyArgs) -> Result<(), Failure> {
    let want = args.head.as_deref().map(|h| h.trim().to_ascii_lowercase());
    if let Some(w) = &want
        && (w.len() != 64 || !w.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(Failure::usage(format!(
            "--head: {w:?} is not a head hash (64 hexadecimal digits, as printed in a report's Ledger line)"
        )));
    }
    // A budget that is not a number is a usage error before anything is read.
    let budget = if args.rules {
        Some(super::groups::budget()?)
    } else {
        None
    };
    // A ledger with a checkpoint is read once, its checkpoints checked as it goes;
    // without the file that says it has one, it is read as fast as it can be,
    // then again if the read found a checkpoint.
    let plain = || journal::scan(&ctx.ledger, false, None, |_| {});
    let (scan, checked) = if journal::checkpoint_file_exists(&ctx.ledger) {
        match journal::scan_checking_checkpoints(&ctx.ledger) {
            Ok((scan, checked)) => (scan, Some(checked)),
            // A line that cannot be decoded fails `verify` only where a
            // checkpoint is to be checked, whatever is beside the ledger.
            Err(JournalError::Unreadable { .. }) => (plain()?, None),
            Err(e) => return Err(e.into()),
        }
    } else {
        (plain()?, None)
    };
    journal::check_index(&ctx.ledger, &scan)?;
    if let Tail::Torn {
        offset,
        bytes,
        what,
    } = scan.tail
    {
        if journal::writer_active(&ctx.ledger) {
            // The tail is the write in progress, not damage: what was committed
            // before it is verified, as every other reader uses it.
            eprintln!(
                "note: {}: a write is in progress ({} after entry #{}); the committed entries before it were verified",
                ctx.ledger.display(),
                count(bytes, "byte", "bytes"),
                scan.head.entries
            );
        } else {
            return Err(JournalError::Torn {
                path: ctx.ledger.clone(),
                entries: scan.head.entries,
                offset,
                bytes,
                what,
            }
            .into());
        }
    }
    if scan.checkpoints {
        match checked {
            Some(checked) => checked?,
            None => journal::check_checkpoints(&ctx.ledger)?,
        }
    }
    if let Some(budget) = budget {
        super::rules::run(ctx, out, budget)?;
    }
    if let Some(want) = want {
        let found = find_head(ctx, &want)?;
        match found {
            Some(n) => writeln!(out, "head {want} is entry #{n} of this ledger")?,
            None => {
                return Err(Failure::verification(format!(
                    "{}: no entry of this ledger has the hash {want}; the report it came from was not made from this record",
                    ctx.ledger.display()
                )));
            }
        }
    }
    ok(out, &scan.head)?;
    Ok(())
}

fn find_head(ctx: &Context, want: &str) -> Result<Option<u64>, Failure> {
    // Cheap second pass: the chain was verified above, so matching the hash field is
    // enough. Line by line, in one buffer: memory does not grow with the ledger.
    let failed = |e: std::io::Error| Failure::failed(format!("{}: {e}", ctx.ledger.display()));
    let file = std::fs::File::open(&ctx.ledger).map_err(failed)?;
    let mut text = std::io::BufReader::with_capacity(1 << 20, file);
    let needle = format!(",\"hash\":\"{want}\"}}");
    let mut line = Vec::new();
    for n in 0u64.. {
        line.clear();
        if text.read_until(b'\n', &mut line).map_err(failed)? == 0 {
            return Ok(None);
        }
        if line
            .strip_suffix(b"\n")
            .unwrap_or(&line)
            .ends_with(needle.as_bytes())
        {
            return Ok(Some(n));
        }
    }
    Ok(None)
}

/// `ledger checkpoint`: appends a checkpoint of every entry (see `journal::Writer::commit_checkpoint`).
pub fn checkpoint(ctx: &Context, out: &mut dyn Write) -> Result<(), Failure> {
    ctx.writable()?;
    let writer = journal::Writer::open(
        &ctx.ledger,
        ctx.clock()?,
        journal::Reading::ToRecordOf(crate::domain::book::Whose::NoDonor),
    )?;
    writer
        .check_clock()
        .map_err(|p| Failure::problem("checkpoint", &p))?;
    let (entry, _) = writer.commit_checkpoint()?;
    writeln!(
        out,
        "#{} {}",
        entry.seq,
        crate::render::one_line(&super::log::describe(&entry))
    )?;
    Ok(())
}

pub fn repair(ctx: &Context, out: &mut dyn Write) -> Result<(), Failure> {
    match journal::repair(&ctx.ledger)? {
        None => writeln!(out, "nothing to repair: the ledger has no torn tail")?,
        Some(r) if r.restored => {
            writeln!(out, "restored {} at offset {}", r.what, r.offset)?;
            ok(out, &r.head)?;
        }
        Some(r) => {
            writeln!(
                out,
                "removed {} at offset {}: {}",
                count(r.bytes, "byte", "bytes"),
                r.offset,
                r.what
            )?;
            // Removed bytes may be anything (an escape sequence, invalid UTF-8): shown
            // escaped, one line of the file to one line of output.
            let removed = r.removed.strip_suffix(b"\n").unwrap_or(&r.removed);
            for line in removed
                .split(|b| *b == b'\n')
                .take(if r.removed.is_empty() { 0 } else { usize::MAX })
            {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let line = crate::render::one_line_bytes(line);
                let shown: String = line.chars().take(200).collect();
                writeln!(
                    out,
                    "  removed: {shown}{}",
                    if line.chars().count() > 200 {
                        "..."
                    } else {
                        ""
                    }
                )?;
            }
            ok(out, &r.head)?;
        }
    }
    Ok(())
}

/// The last line of `verify` and `repair`, which scripts read: `ok: 3 entries, head
/// <hash>` (`1 entry` for one).
fn ok(out: &mut dyn Write, head: &journal::Head) -> Result<(), Failure> {
    writeln!(
        out,
        "ok: {}, head {}",
        count(head.entries, "entry", "entries"),
        head.hash
    )?;
    Ok(())
}
