//! A file read again for each pass over its rows, rather than held in memory: a
//! file of a million rows is tens of megabytes, which an import judged in groups
//! would otherwise hold through every group. The CLI opens the file (`Reopen`);
//! each pass hashes every byte it reads and fails at the end if the file is not
//! the one whose SHA-256 the import's entries carry.
//!
//! Owns: `Stream`, and the bytes of the text a pass has read but not yet counted
//! lines in (`Window`). Does not read rows (`rows`).

use std::cell::RefCell;
use std::io::Read;
use std::rc::Rc;

use sha2::{Digest, Sha256};

/// Opens the file again, from its first byte.
pub type Reopen = Box<dyn Fn() -> std::io::Result<Box<dyn Read>>>;

/// The file a table's rows are read from at each pass.
pub(super) struct Stream {
    pub reopen: Reopen,
    /// The bytes before the rows' text (a byte-order mark, the profile's skipped
    /// lines), and the text's length.
    pub start: u64,
    pub len: usize,
    /// The whole file's SHA-256 (hex), as it was when it was opened.
    pub sha256: String,
    /// At most how many rows the text holds (its lines), as it was.
    pub most_rows: usize,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("start", &self.start)
            .field("len", &self.len)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

impl Stream {
    /// The text, from its first byte, for one pass, and the window on what of it
    /// that pass has read.
    pub fn open(&self) -> std::io::Result<(Tee, Window)> {
        let window = Window::default();
        let tee = Tee {
            from: (self.reopen)()?,
            hasher: Sha256::new(),
            skip: self.start,
            sha256: self.sha256.clone(),
            window: Rc::clone(&window.0),
            ended: false,
        };
        Ok((tee, window))
    }
}

/// The bytes of the text read so far, from the first a pass may still ask for.
#[derive(Debug, Default)]
pub(super) struct Window(Rc<RefCell<Span>>);

#[derive(Debug, Default)]
pub(super) struct Span {
    /// The offset in the text of `bytes[0]`.
    base: usize,
    bytes: Vec<u8>,
}

impl super::rows::Seen for Window {
    fn bytes_from(&self, from: usize, f: &mut dyn FnMut(&[u8])) {
        let seen = self.0.borrow();
        let at = from.saturating_sub(seen.base).min(seen.bytes.len());
        f(&seen.bytes[at..]);
    }

    fn forget(&self, before: usize) {
        let mut seen = self.0.borrow_mut();
        let done = before.saturating_sub(seen.base).min(seen.bytes.len());
        // Dropped once they are half of what is held: each byte is moved once at most.
        if done >= 64 << 10 && done * 2 >= seen.bytes.len() {
            seen.bytes.drain(..done);
            seen.base += done;
        }
    }
}

/// The file as a pass reads it: every byte hashed, the text's bytes handed on and
/// kept in the window, and at the end the hash checked.
pub(super) struct Tee {
    from: Box<dyn Read>,
    hasher: Sha256,
    /// Bytes before the text still to be read past.
    skip: u64,
    sha256: String,
    window: Rc<RefCell<Span>>,
    ended: bool,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while !self.ended {
            let n = match self.from.read(buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.ended = true;
                    return Err(e);
                }
            };
            if n == 0 {
                self.ended = true;
                let digest = hex::encode(std::mem::take(&mut self.hasher).finalize());
                if digest != self.sha256 {
                    return Err(std::io::Error::other(format!(
                        "the file changed while it was imported: its SHA-256 was {}, and is now {}",
                        self.sha256, digest
                    )));
                }
                return Ok(0);
            }
            self.hasher.update(&buf[..n]);
            let skipped = usize::try_from(self.skip).unwrap_or(usize::MAX).min(n);
            self.skip -= skipped as u64;
            if skipped == n {
                continue;
            }
            buf.copy_within(skipped..n, 0);
            let n = n - skipped;
            self.window.borrow_mut().bytes.extend_from_slice(&buf[..n]);
            return Ok(n);
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Table;
    use crate::import::Profile;
    use sha2::{Digest, Sha256};
    use std::io::Read;

    /// Hands over a few bytes a read, so that a pass meets the end of what it has
    /// read everywhere: inside a record, between a line's `\r` and `\n`, within a
    /// run of blank lines.
    struct Trickle(std::io::Cursor<Vec<u8>>, usize);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = self.1 % 7 + 1;
            let n = buf.len().min(self.1);
            self.0.read(&mut buf[..n])
        }
    }

    /// Every row handed over (line, draft), the problems and the counts.
    fn pass(table: &Table) -> String {
        let mut seen = Vec::new();
        let parsed = table.rows("f.csv", "abc", |row, _| {
            seen.push(format!("{} {:?} {:?}", row.line, row.body, row.raw));
        });
        format!(
            "{seen:#?}\n{:#?}\n{} {}",
            parsed.problems, parsed.total, parsed.filtered
        )
    }

    /// A file read again for each pass gives the rows, lines and problems the
    /// same text held in memory gives, wherever its reads end.
    #[test]
    fn a_file_read_again_reads_as_the_text_held() {
        let canonical = crate::import::profile::builtin("canonical").unwrap();
        let plain = Profile::parse(canonical, "canonical").unwrap();
        let skipping = canonical.replace("[csv]\n", "[csv]\nskip_rows = 2\n");
        let skipping = Profile::parse(&skipping, "skipping").unwrap();
        let header = "date,donor,mandate,kind,amount,currency,reference,pledge_reference,due,memo";
        let rows = [
            "2024-01-01,JPN,icat,pledge,100.00,USD,P-1,,,",
            "",
            "2024-01-02,JPN,icat,payment,10.00,USD,,P-1,,\"memo over\ntwo lines\"",
            "2024-01-03,Jpaan,icat,payment,1.00,USD,,,,",
            "",
            "",
            "2024-01-04,DEU,\"icat\nx\",payment,1.00,USD,,,,",
            "2024-01-05,DEU,icat,payment,1.00,USD,,,,,extra",
            "2024-01-06,DEU,icat,payment,12x,USD,,,,",
            "2024-01-07,USA,icat,pledge,5.00,USD,P-2,,,\"never closed",
        ];
        // Long enough that a pass lets go of what it has read many times over.
        let long: Vec<&str> = rows[..3].iter().copied().cycle().take(6000).collect();
        // The rows, whether one holds a line break outside the memo, whether the
        // last runs to the end of the file in quotes.
        let cases = [
            (&rows[..], true, true),
            (&rows[..rows.len() - 1], true, false),
            (&rows[..3], false, false),
            (&long[..], false, false),
        ];
        for crlf in [false, true] {
            for (rows, line_break, open_at_end) in cases {
                let nl = if crlf { "\r\n" } else { "\n" };
                let text = format!("{header}{nl}{}{nl}", rows.join(nl));
                // With CRLF, two lines the profile skips before the header, and a
                // byte-order mark the text held was decoded without.
                let (profile, text) = match crlf {
                    false => (&plain, text),
                    true => (&skipping, format!("Receipts,2024{nl}\"run\",1{nl}{text}")),
                };
                let held = Table::open(&text, profile).unwrap();
                let bytes = [if crlf { "\u{feff}" } else { "" }, &text]
                    .concat()
                    .into_bytes();
                let sha256 = hex::encode(Sha256::digest(&bytes));
                let file_bytes = bytes.len() as u64;
                let again = held.read_again(
                    profile,
                    file_bytes,
                    &sha256,
                    Box::new(move || {
                        Ok(Box::new(Trickle(std::io::Cursor::new(bytes.clone()), 0))
                            as Box<dyn Read>)
                    }),
                );
                let want = pass(&held);
                assert_eq!(want.contains("holds a line break"), line_break, "{want}");
                assert_eq!(
                    want.contains("runs to the end of the file"),
                    open_at_end,
                    "{want}"
                );
                assert_eq!(pass(&again), want, "crlf {crlf}, {} rows", rows.len());
                assert_eq!(pass(&again), want, "a second pass");
                assert_eq!(
                    (again.unread(), again.most_rows()),
                    (None, held.most_rows())
                );
            }
        }
    }

    /// A pass over a file that is no longer the one opened, or that cannot be
    /// opened again, says why.
    #[test]
    fn a_file_changed_or_gone_is_unread() {
        let canonical = crate::import::profile::builtin("canonical").unwrap();
        let profile = Profile::parse(canonical, "canonical").unwrap();
        let text =
            "date,donor,mandate,kind,amount,currency\n2024-01-01,JPN,icat,payment,1.00,USD\n";
        let held = Table::open(text, &profile).unwrap();
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        let changed = text.replace("1.00", "9.00").into_bytes();
        let again = held.read_again(
            &profile,
            text.len() as u64,
            &sha256,
            Box::new(move || Ok(Box::new(std::io::Cursor::new(changed.clone())) as Box<dyn Read>)),
        );
        pass(&again);
        let why = again.unread().unwrap();
        assert!(
            why.starts_with("the file changed while it was imported: its SHA-256 was ")
                && why.contains(&sha256),
            "{why}"
        );
        let gone = held.read_again(
            &profile,
            text.len() as u64,
            &sha256,
            Box::new(|| Err(std::io::Error::from(std::io::ErrorKind::NotFound))),
        );
        assert_eq!(pass(&gone), "[]\n[]\n0 0");
        assert!(gone.unread().unwrap().starts_with("cannot read it again: "));
        // The same bytes read again are read whole, with nothing to say.
        let same = text.as_bytes().to_vec();
        let again = held.read_again(
            &profile,
            text.len() as u64,
            &sha256,
            Box::new(move || Ok(Box::new(std::io::Cursor::new(same.clone())) as Box<dyn Read>)),
        );
        assert_eq!(pass(&again), pass(&held));
        assert_eq!(again.unread(), None);
    }
}
