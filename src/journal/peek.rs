//! A hint read from the journal's lines: the share of the ledger (`Share`) an entry
//! named by number belongs to, so that a writer judging a write-off, reduction or
//! reversal of it can keep only that share. Found by counting lines (entry N is the
//! file's line N + 1), read without checking anything, and never trusted: the
//! writer keeps the share the hint names, and gives its verdict only if the entry
//! is then in its book (`Share::answers`, `Share::owns`). A wrong hint costs a
//! second read, never a verdict.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;

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

/// The longest line read for a hint; a real entry's line is under a few kilobytes.
const MAX_LINE: usize = 1 << 20;

/// Entry `seq`'s line, if the file's line `seq + 1` says it is entry `seq`.
fn read_line(path: &Path, seq: u64) -> Option<Line> {
    let mut file = File::open(path).ok()?;
    let mut buf = vec![0u8; 1 << 20];
    // Newlines still to pass before the line starts (the header is line 1).
    let mut skip = seq;
    let mut line = Vec::new();
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        let mut chunk = &buf[..n];
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
                break;
            }
            None => line.extend_from_slice(chunk),
        }
        if line.len() > MAX_LINE {
            return None;
        }
    }
    let line: Line = serde_json::from_slice(&line).ok()?;
    (line.seq == seq).then_some(line)
}
