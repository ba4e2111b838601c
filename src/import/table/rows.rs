//! Reading the data rows of an opened `Table` in file order: line numbers as the file
//! shows them (blank lines, quoted line breaks, skipped lines), unreadable CSV, quotes
//! left open, rows wider or shorter than the header, and the profile's row filters.
//!
//! Owns: which records become rows, and each row's line and `Source`. Does not bind
//! columns (`table`) or read a row's fields (`draft`).

use crate::domain::Code;
use csv::StringRecord;

use super::{Table, Text, reader};
use crate::domain::entry::Source;
use crate::domain::problem::{Problem, limits, longer_than, too_long};
use crate::domain::register::fold;
use crate::import::profile::Field;
use crate::import::{Parsed, Row, RowProblem};

/// What a pass has read of the text: the text held, or a window on the file read
/// again (`stream::Window`).
pub(super) trait Seen {
    /// Calls `f` with the text's bytes from `from` (an offset in the text) to as
    /// far as they have been read.
    fn bytes_from(&self, from: usize, f: &mut dyn FnMut(&[u8]));

    /// No byte before `before` will be asked for again.
    fn forget(&self, _before: usize) {}
}

impl Seen for [u8] {
    fn bytes_from(&self, from: usize, f: &mut dyn FnMut(&[u8])) {
        f(&self[from.min(self.len())..]);
    }
}

impl Table<'_> {
    /// Reads every row in file order and hands each good row's draft to `visit` with
    /// the byte offset reached, as it is read (rows are never all held at once).
    /// Problems of bad rows, all of them, and the counts come back in `Parsed`.
    pub fn rows(&self, file: &str, sha256: &str, visit: impl FnMut(Row, usize)) -> Parsed {
        self.rows_but(file, sha256, |_| false, visit)
    }

    /// `rows`, but a row on a line `skip` names is only counted as a good row, not
    /// checked or read into a draft (nor handed to `visit`): for a caller that
    /// knows the row is good (an earlier pass handed it over) and has no use for it.
    pub fn rows_but(
        &self,
        file: &str,
        sha256: &str,
        skip: impl Fn(u64) -> bool,
        visit: impl FnMut(Row, usize),
    ) -> Parsed {
        match &self.text {
            Text::Held(body) => {
                let bytes = body.as_bytes();
                let rdr = reader(self.profile, bytes);
                self.read_rows(rdr, bytes, file, sha256, skip, visit)
            }
            Text::File(stream) => match stream.open() {
                Ok((tee, window)) => {
                    let rdr = reader(self.profile, tee);
                    self.read_rows(rdr, &window, file, sha256, skip, visit)
                }
                Err(e) => {
                    let _ = self.unread.set(format!("cannot read it again: {e}"));
                    Parsed::default()
                }
            },
        }
    }

    /// `rows_but` over the text `rdr` reads, `seen` what it has read so far.
    fn read_rows<R: std::io::Read>(
        &self,
        mut rdr: csv::Reader<R>,
        seen: &(impl Seen + ?Sized),
        file: &str,
        sha256: &str,
        skip: impl Fn(u64) -> bool,
        mut visit: impl FnMut(Row, usize),
    ) -> Parsed {
        let mut parsed = Parsed::default();
        let mut rec = StringRecord::new();
        let mut first = self.has_header;
        let len = self.bytes();
        // Line numbers are counted from byte offsets, so that blank lines and quoted
        // line breaks count as the file's reader sees them.
        let (mut seen_bytes, mut seen_lines) = (0usize, 1u64);
        // A record's position can be the end of the previous line: its first line is
        // the first one after any line ends there.
        let mut line_at = |byte: usize| {
            let byte = byte.min(len);
            if byte >= seen_bytes {
                seen.bytes_from(seen_bytes, &mut |b: &[u8]| {
                    let mut at = byte - seen_bytes;
                    while at < b.len() && matches!(b[at], b'\r' | b'\n') {
                        at += 1;
                    }
                    if at > 0 {
                        seen_lines +=
                            memchr::memchr_iter(b'\n', &b[..at.min(b.len())]).count() as u64;
                        seen_bytes += at;
                    }
                });
                seen.forget(seen_bytes);
            }
            seen_lines + self.offset
        };
        loop {
            let before = rdr.position().byte() as usize;
            let read = rdr.read_record(&mut rec);
            let line = line_at(before);
            match read {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    if let csv::ErrorKind::Io(e) = e.kind() {
                        // The file read again is not as it was: nothing read is its.
                        let _ = self.unread.set(e.to_string());
                        break;
                    }
                    parsed.total += 1;
                    parsed.problems.push(RowProblem {
                        line,
                        field: None,
                        value: None,
                        problem: Problem::new(
                            Code::BadCsv,
                            format!("cannot read this line as CSV: {e}"),
                        ),
                    });
                    continue;
                }
            }
            let start = rec.position().map(|p| p.byte() as usize);
            let line = start.map(&mut line_at).unwrap_or(line);
            if std::mem::take(&mut first) {
                continue;
            }
            // A good row, as the caller knows: counted, and nothing more.
            if skip(line) {
                parsed.total += 1;
                continue;
            }
            let end = rdr.position().byte() as usize;
            let open_at_end = end >= len
                && !rec.is_empty()
                && start.is_some_and(|from| {
                    let mut open = false;
                    seen.bytes_from(from, &mut |b: &[u8]| {
                        open = ends_in_quotes(b, self.profile.delimiter)
                    });
                    open
                });
            if let Some(p) = self.quotes(&rec, line, open_at_end) {
                parsed.total += 1;
                parsed.problems.push(p);
                continue;
            }
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            parsed.total += 1;
            // Before anything reads a field: a field or a row of this size is no
            // export's, and would only make the checks below slow.
            if let Some(p) = self.size_problem(&rec, line) {
                parsed.problems.push(p);
                continue;
            }
            let cell = |i: usize| rec.get(i).map(str::trim).unwrap_or("");
            let keep = self.filters.iter().all(|(i, keep, values)| {
                let v = fold(cell(*i));
                values.contains(&v) == *keep
            });
            if !keep {
                parsed.filtered += 1;
                continue;
            }
            if let Some(p) = self.width_problem(&rec, line) {
                parsed.problems.push(p);
                continue;
            }
            let source = Source {
                file: file.to_string(),
                sha256: sha256.to_string(),
                row: line,
                profile: self.profile.name.clone(),
            };
            match self.map(&rec, line, source) {
                Ok(row) => visit(row, rdr.position().byte() as usize),
                Err(mut p) => parsed.problems.append(&mut p),
            }
        }
        parsed
    }

    /// A quote left open: the last record running to the end of the text inside
    /// quotes (`open_at_end`), or a line break in any field but the memo (the one
    /// field real exports write over several lines). `line` is the record's first
    /// line.
    fn quotes(&self, rec: &StringRecord, line: u64, open_at_end: bool) -> Option<RowProblem> {
        let memo = self.columns.get(&Field::Memo).copied();
        let breaks = |f: &str| f.bytes().filter(|b| *b == b'\n').count() as u64;
        let at = |i: usize| line + rec.iter().take(i).map(breaks).sum::<u64>();
        let shown = |f: &str| match f.find(['\r', '\n']) {
            Some(n) => format!("{}...", &f[..n]),
            None => f.to_string(),
        };
        let problem = |i: usize, why: &str| RowProblem {
            line: at(i),
            field: Some(self.column_name(i)),
            value: Some(shown(&rec[i])),
            problem: Problem::new(Code::BadCsv, why),
        };
        if open_at_end {
            return Some(problem(
                rec.len() - 1,
                "a quote is not closed: the field runs to the end of the file",
            ));
        }
        let i = (0..rec.len()).find(|i| Some(*i) != memo && rec[*i].contains(['\r', '\n']))?;
        Some(problem(
            i,
            "holds a line break (a quote is not closed?); only the memo may run over several lines",
        ))
    }

    /// A field longer than `limits::CSV_FIELD` characters, or a row longer than
    /// `limits::CSV_ROW`.
    fn size_problem(&self, rec: &StringRecord, line: u64) -> Option<RowProblem> {
        if let Some(i) = (0..rec.len()).find(|i| longer_than(&rec[*i], limits::CSV_FIELD)) {
            return Some(RowProblem {
                line,
                field: Some(self.column_name(i)),
                value: Some(rec[i].to_string()),
                problem: Problem::new(Code::TooLong, too_long(limits::CSV_FIELD)),
            });
        }
        let row = rec.as_slice();
        if longer_than(row, limits::CSV_ROW) {
            return Some(RowProblem {
                line,
                field: None,
                value: None,
                problem: Problem::new(
                    Code::TooLong,
                    format!("the row {}", too_long(limits::CSV_ROW)),
                ),
            });
        }
        None
    }

    /// A row wider than the header with something in the extra fields, or shorter
    /// than it where a column the profile needs is left out.
    fn width_problem(&self, rec: &StringRecord, line: u64) -> Option<RowProblem> {
        let width = self.width?;
        let against = if self.has_header {
            "the header"
        } else {
            "the first line"
        };
        let why = if rec.len() > width {
            if rec.iter().skip(width).all(|f| f.trim().is_empty()) {
                return None;
            }
            format!(
                "the row has {} fields but {against} has {width}; a delimiter too many or a quote missing?",
                rec.len()
            )
        } else if rec.len() < width {
            let (_, what) = self.needed.iter().find(|(i, _)| *i >= rec.len())?;
            format!(
                "the row has {} fields but {against} has {width}; it leaves out {what}, which is not optional",
                rec.len()
            )
        } else {
            return None;
        };
        Some(RowProblem {
            line,
            field: None,
            value: None,
            problem: Problem::new(Code::BadCsv, why),
        })
    }
}

/// Does a record's text (from its first byte to the end of the file) end inside a
/// quoted field? Follows the reader's rules: a quote opens a field only as its first
/// character, `""` inside quotes is a quote, and a closing quote may be followed by
/// more unquoted text.
fn ends_in_quotes(text: &[u8], delimiter: u8) -> bool {
    #[derive(PartialEq)]
    enum State {
        Start,
        Plain,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::Start;
    for &b in text {
        let ends = b == delimiter || b == b'\n' || b == b'\r';
        state = match state {
            State::Start if b == b'"' => State::Quoted,
            State::Start | State::Plain | State::QuoteInQuoted if ends => State::Start,
            State::Start | State::Plain => State::Plain,
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::QuoteInQuoted => State::Plain,
        };
    }
    state == State::Quoted
}

#[cfg(test)]
mod tests {
    use super::ends_in_quotes;

    #[test]
    fn open_quotes_at_the_end_of_the_text() {
        for (text, open) in [
            ("a,\"b\nc\n", true),
            ("a,\"b\"\n", false),
            ("a,\"b\"\"\n", true),
            ("a,\"b\"\"c\"\n", false),
            ("a,b\"c\n", false),
            ("a,\"b\"c,\"d\n", true),
            ("a;\"b\"\r\n", false),
        ] {
            assert_eq!(ends_in_quotes(text.as_bytes(), b','), open, "{text:?}");
        }
        assert!(ends_in_quotes(b"a;\"b;c", b';'));
    }
}
