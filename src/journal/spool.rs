//! Encoded entry bodies, one after another, as `line::encode_body` writes them:
//! what a writer stages, and what each group of an import judged in groups stages
//! until the batch is made. A writer's are held in memory; others
//! (`Bodies::spilling`) are held in memory up to what they may keep, past that a
//! buffer of `SPILL` bytes at a time in an unnamed file in the ledger's directory
//! (gone when closed, or after a crash), so that a large import holds a buffer of
//! them at a time, not all of them.
//!
//! A spill that fails (a full disk, a directory that takes no files) is not an
//! error: the bodies stay in memory, as a writer's do, and the commit's own write
//! meets the same disk.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::line;
use crate::domain::entry::Body;

/// Bodies are spilled a buffer of this many bytes (a body more) at a time. Small
/// in unit tests, so that a batch of a few entries spills several times.
const SPILL: usize = if cfg!(test) { 500 } else { 8 << 20 };

/// The room a body is given in the buffer before it is encoded: more than any
/// body takes (a larger one grows the buffer as a vector grows).
const ROOM: usize = if cfg!(test) { 1 << 10 } else { 64 << 10 };

#[derive(Debug, Default)]
pub struct Bodies {
    /// Where the spill file goes (the ledger's directory); none: never spilled.
    dir: Option<PathBuf>,
    /// How many bytes are held in memory before the first spill.
    keep: u64,
    /// The bodies not spilled, after those that are.
    buf: Vec<u8>,
    /// The spilled bodies, from the first, and how many bytes of them.
    file: Option<File>,
    spilled: u64,
    /// A spill failed: no more are tried.
    stay: bool,
    /// Where each body ends, counting from the first body's first byte.
    ends: Vec<u64>,
}

impl Bodies {
    /// Bodies held in memory.
    pub fn in_memory() -> Bodies {
        Bodies::default()
    }

    /// Bodies held in memory up to `keep` bytes; past that, spilled a buffer at a
    /// time to an unnamed file in the directory of the ledger at `ledger`.
    pub fn spilling(ledger: &Path, keep: u64) -> Bodies {
        let dir = match ledger.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Bodies {
            dir: Some(dir),
            keep,
            ..Bodies::default()
        }
    }

    /// How many bytes of them are held in memory.
    pub fn held(&self) -> u64 {
        self.buf.len() as u64
    }

    /// How many bodies there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// How many bytes all of them take.
    pub fn bytes(&self) -> u64 {
        self.ends.last().copied().unwrap_or(0)
    }

    /// How many of those bytes are in the spill file.
    #[cfg(test)]
    pub fn spilled(&self) -> u64 {
        self.spilled
    }

    /// Drops every body (and the spill file).
    pub fn clear(&mut self) {
        *self = self.fresh();
    }

    /// No bodies, kept as these are.
    pub fn fresh(&self) -> Bodies {
        Bodies {
            dir: self.dir.clone(),
            keep: self.keep,
            ..Bodies::default()
        }
    }

    /// Past what is kept in memory: spilling.
    fn past_keep(&self) -> bool {
        self.spilled > 0 || self.buf.len() as u64 > self.keep
    }

    /// Adds a body, encoded as `line::encode_body` encodes it.
    pub fn push(&mut self, body: &Body) {
        self.make_room(ROOM);
        line::encode_body(&mut self.buf, body);
        self.pushed();
    }

    /// Adds a body already encoded (`line::encode_body`'s bytes).
    pub fn push_encoded(&mut self, body: &[u8]) {
        self.make_room(body.len());
        self.buf.extend_from_slice(body);
        self.pushed();
    }

    /// Makes room in the buffer of bodies that spill for `more` bytes, growing it
    /// as a vector grows (doubling), but no further than the bytes it holds before
    /// it spills: doubling past them would leave half of it unused, megabytes.
    fn make_room(&mut self, more: usize) {
        let want = self.buf.len() + more;
        if self.dir.is_none() || want <= self.buf.capacity() {
            return;
        }
        let most = SPILL.max(usize::try_from(self.keep).unwrap_or(usize::MAX)) + ROOM;
        let grown = (self.buf.capacity() * 2).min(most).max(want);
        self.buf.reserve_exact(grown - self.buf.len());
    }

    fn pushed(&mut self) {
        self.ends.push(self.spilled + self.buf.len() as u64);
        if self.buf.len() >= SPILL && self.past_keep() {
            self.spill_buffer();
        }
    }

    /// Spills every body still in memory, when spilling and past what is kept
    /// in memory, and frees what the buffer holds beyond its bodies: for bodies
    /// kept while others are staged.
    pub fn seal(&mut self) {
        if !self.buf.is_empty() && self.past_keep() {
            self.spill_buffer();
        }
        self.buf.shrink_to_fit();
    }

    fn spill_buffer(&mut self) {
        let Some(dir) = self.dir.as_ref().filter(|_| !self.stay) else {
            return;
        };
        let spilled = (|| -> std::io::Result<()> {
            if self.file.is_none() {
                self.file = Some(tempfile::tempfile_in(dir)?);
            }
            let file = self.file.as_mut().expect("just made");
            // Bytes a failed write left past `spilled` are never read; write after them.
            file.seek(SeekFrom::Start(self.spilled))?;
            file.write_all(&self.buf)
        })();
        match spilled {
            Ok(()) => {
                self.spilled += self.buf.len() as u64;
                self.buf.clear();
            }
            Err(_) => self.stay = true,
        }
    }

    /// Reads the bodies back in order, from the first.
    pub fn into_reader(mut self) -> std::io::Result<Reader> {
        let file = match self.file.take() {
            Some(mut f) if self.spilled > 0 => {
                f.seek(SeekFrom::Start(0))?;
                Some(BufReader::with_capacity(1 << 20, f.take(self.spilled)))
            }
            _ => None,
        };
        Ok(Reader {
            bodies: self,
            file,
            next: 0,
            scratch: Vec::new(),
        })
    }
}

/// Bodies, read back in order.
#[derive(Debug)]
pub struct Reader {
    bodies: Bodies,
    file: Option<BufReader<std::io::Take<File>>>,
    next: usize,
    scratch: Vec<u8>,
}

impl Reader {
    /// How many bodies there are in all.
    pub fn len(&self) -> usize {
        self.bodies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }

    /// The next body.
    pub fn next_body(&mut self) -> std::io::Result<&[u8]> {
        let b = &self.bodies;
        let i = self.next;
        self.next += 1;
        let start = if i == 0 { 0 } else { b.ends[i - 1] };
        let end = *b
            .ends
            .get(i)
            .ok_or_else(|| std::io::Error::other("no more entries were staged than were read"))?;
        if end <= b.spilled {
            let file = self.file.as_mut().expect("spilled bodies are in the file");
            self.scratch.resize((end - start) as usize, 0);
            file.read_exact(&mut self.scratch)?;
            Ok(&self.scratch)
        } else {
            Ok(&b.buf[(start - b.spilled) as usize..(end - b.spilled) as usize])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(i: usize) -> Body {
        serde_json::from_str(&format!(
            r#"{{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"{i}.25","currency":"USD","date":"2025-01-01","reference":"P-{i}","memo":"{}"}}"#,
            "m".repeat(i * 37 % 300)
        ))
        .unwrap()
    }

    /// Every body read back as `encode_body` wrote it, in order.
    fn read_back(bodies: Bodies) -> Vec<Vec<u8>> {
        let mut r = bodies.into_reader().unwrap();
        (0..r.len())
            .map(|_| r.next_body().unwrap().to_vec())
            .collect()
    }

    fn want(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| {
                let mut out = Vec::new();
                line::encode_body(&mut out, &body(i));
                out
            })
            .collect()
    }

    #[test]
    fn bodies_past_a_buffer_are_spilled_and_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("books.jsonl");
        let mut bodies = Bodies::spilling(&ledger, 0);
        for i in 0..30 {
            bodies.push(&body(i));
        }
        assert!(bodies.spilled() > 2 * SPILL as u64 && bodies.spilled() < bodies.bytes());
        assert_eq!(read_back(bodies), want(30));
        // Sealed, all spilled; cleared, none.
        let mut bodies = Bodies::spilling(&ledger, 0);
        for i in 0..30 {
            bodies.push_encoded(&want(30)[i]);
        }
        bodies.seal();
        assert_eq!(bodies.spilled(), bodies.bytes());
        assert_eq!(read_back(bodies), want(30));
        let mut bodies = Bodies::spilling(&ledger, 0);
        bodies.push(&body(1));
        bodies.clear();
        assert_eq!((bodies.len(), bodies.bytes(), bodies.spilled()), (0, 0, 0));
        bodies.push(&body(3));
        bodies.seal();
        assert_eq!(read_back(bodies), vec![want(4).remove(3)]);
    }

    /// Bodies within what is kept in memory are not spilled, sealed or not; past
    /// it, all are.
    #[test]
    fn bodies_within_what_is_kept_stay_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("books.jsonl");
        let all: u64 = want(30).iter().map(|b| b.len() as u64).sum();
        let mut bodies = Bodies::spilling(&ledger, all);
        for i in 0..30 {
            bodies.push(&body(i));
        }
        bodies.seal();
        assert_eq!((bodies.spilled(), bodies.held()), (0, all));
        assert_eq!(read_back(bodies), want(30));
        let mut bodies = Bodies::spilling(&ledger, all - 1);
        for i in 0..30 {
            bodies.push(&body(i));
        }
        bodies.seal();
        assert_eq!((bodies.spilled(), bodies.held()), (all, 0));
        assert_eq!(read_back(bodies), want(30));
    }

    /// The buffer of bodies that spill grows no further than what it holds before
    /// it spills, and a body's room: a vector doubling past it would leave most of
    /// the last doubling unused.
    #[test]
    fn a_buffer_that_spills_grows_no_further_than_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("books.jsonl");
        let keep = 5000;
        let mut bodies = Bodies::spilling(&ledger, keep);
        let mut most = 0;
        for i in 0..60 {
            bodies.push(&body(i));
            bodies.push_encoded(&want(i + 1)[i]);
            most = most.max(bodies.buf.capacity());
        }
        assert!(bodies.spilled() > 0);
        assert!(
            most > keep as usize && most <= keep as usize + ROOM,
            "{most}"
        );
        let all = want(60);
        let back = read_back(bodies);
        assert_eq!(back.len(), 120);
        for (i, pair) in back.chunks(2).enumerate() {
            assert_eq!((&pair[0], &pair[1]), (&all[i], &all[i]));
        }
    }

    /// A writer's bodies, and any that cannot be spilled, stay in memory.
    #[test]
    fn bodies_stay_in_memory_when_they_cannot_be_spilled() {
        let dir = tempfile::tempdir().unwrap();
        let nowhere = dir.path().join("no such directory").join("books.jsonl");
        for mut bodies in [Bodies::spilling(&nowhere, 0), Bodies::in_memory()] {
            for i in 0..30 {
                bodies.push(&body(i));
            }
            bodies.seal();
            assert_eq!(bodies.spilled(), 0);
            assert_eq!(read_back(bodies), want(30));
        }
        // No spill file is left in the ledger's directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
