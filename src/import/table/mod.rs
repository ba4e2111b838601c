//! Opening an export through a profile: skipping the profile's leading lines, reading
//! the header, and binding every column the profile names (fields, the sign column,
//! filters) to a column of the file.
//!
//! Owns: `Table`, `OpenError`, the one CSV reader setup, and how a column is named in
//! messages. A missing or doubly named column fails here, before any row is read.
//! Does not read data rows (`rows`) or turn a row's text into a draft (`draft`), and
//! does not judge drafts against the ledger (`Book::check` does that).

mod draft;
mod rows;
mod stream;

use crate::domain::Code;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use csv::StringRecord;

use super::profile::{Column, Field, Profile};
use super::{ProfileError, RowProblem};
use crate::domain::problem::{Problem, limits, longer_than, shown, too_long};
use crate::domain::register::fold;

pub use stream::Reopen;
use stream::Stream;

/// A decoded file with its header bound to the profile's columns.
#[derive(Debug)]
pub struct Table<'a> {
    profile: &'a Profile,
    /// The text after the profile's skipped lines.
    text: Text<'a>,
    /// The header's names, trimmed (with `[csv] header = true`).
    names: Option<Vec<String>>,
    /// Why a pass over a file read again could not read it as it was when it was
    /// opened (`Table::read_again`): the first reason, if any.
    unread: OnceLock<String>,
    /// Lines before the first CSV line handed to the reader (skipped rows).
    offset: u64,
    has_header: bool,
    /// field -> 0-based column index
    columns: BTreeMap<Field, usize>,
    sign: Option<usize>,
    filters: Vec<(usize, bool, Vec<String>)>,
    /// Fields in the header (or, without one, in the first line); None for no lines.
    width: Option<usize>,
    /// Columns a row cannot leave out (0-based, sorted), with what reads them.
    needed: Vec<(usize, String)>,
}

/// Where a table's rows are read from.
#[derive(Debug)]
enum Text<'a> {
    /// The decoded file, held in memory.
    Held(&'a str),
    /// The file itself, read again for each pass over its rows (`Stream`).
    File(Stream),
}

fn reader<R: std::io::Read>(profile: &Profile, text: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(profile.delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 << 10)
        .from_reader(text)
}

/// A header's names for a message, cut after `limits::NAME` characters.
fn listed(header: &[String]) -> String {
    let all = header.join(", ");
    if longer_than(&all, limits::NAME) {
        let start: String = all.chars().take(limits::NAME).collect();
        format!("{start}…")
    } else {
        all
    }
}

/// Where the text after the profile's `skip_rows` leading lines starts.
fn skipped(text: &str, skip_rows: usize) -> usize {
    let mut start = 0;
    for _ in 0..skip_rows {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            // Past the end: a huge skip_rows must not count on in vain.
            None => return text.len(),
        }
    }
    start
}

/// The file's first line as the profile reads it: the header's names (when the
/// profile has a header), the line's width and its line number in the file.
struct Header {
    names: Option<Vec<String>>,
    width: Option<usize>,
    line: u64,
}

impl Header {
    /// Reads the first line of `body`; a header too long, or missing when the
    /// profile expects one, is an error.
    fn read(profile: &Profile, body: &str) -> Result<Header, OpenError> {
        let line = profile.skip_rows as u64 + 1;
        let mut rdr = reader(profile, body.as_bytes());
        let mut rec = StringRecord::new();
        let first = match rdr.read_record(&mut rec) {
            Ok(true) => Some(rec.iter().map(|h| h.trim().to_string()).collect::<Vec<_>>()),
            _ => None,
        };
        if let Some(h) = &first {
            check_size(h, &rec, line)?;
        }
        let width = first.as_ref().map(Vec::len);
        let names = match (profile.header, first) {
            (false, _) => None,
            (true, Some(h)) => Some(h),
            (true, None) => {
                return Err(ProfileError {
                    line: None,
                    code: Code::NoHeader,
                    message: format!(
                        "the file has no header line after skipping {} line(s)",
                        profile.skip_rows
                    ),
                }
                .into());
            }
        };
        Ok(Header { names, width, line })
    }

    /// The 0-based file column a profile column names, if the file has it; a name
    /// that the header gives twice, or a name without a header, is an error.
    fn bind(&self, col: &Column, line: u64) -> Result<Option<usize>, OpenError> {
        match (col, &self.names) {
            (Column::Number(n), _) => {
                Ok(Some(*n as usize - 1).filter(|i| self.width.is_none_or(|w| *i < w)))
            }
            (Column::Name(name), Some(h)) => {
                // Every column whose name folds to the profile's (case, accents,
                // spacing): two of them make the header ambiguous, even when one
                // matches exactly.
                let at: Vec<usize> = (0..h.len())
                    .filter(|i| fold(&h[*i]) == fold(name))
                    .collect();
                if at.len() > 1 {
                    let list: Vec<String> = at.iter().map(|i| (i + 1).to_string()).collect();
                    let (last, rest) = list.split_last().expect("two or more");
                    return Err(OpenError::File(RowProblem {
                        line: self.line,
                        field: None,
                        value: None,
                        problem: Problem::new(
                            Code::DuplicateColumn,
                            format!(
                                "the header names {col} {} (columns {} and {last}); rename one",
                                if at.len() == 2 {
                                    "twice"
                                } else {
                                    "more than once"
                                },
                                rest.join(", ")
                            ),
                        ),
                    }));
                }
                Ok(at.first().copied())
            }
            (Column::Name(_), None) => Err(ProfileError {
                line: Some(line),
                code: Code::BadProfile,
                message: "a header name needs [csv] header = true".into(),
            }
            .into()),
        }
    }

    /// A profile column bound to a file column, or the error that the file lacks it.
    fn bind_or_missing(&self, col: &Column, line: u64) -> Result<usize, OpenError> {
        self.bind(col, line)?.ok_or_else(|| self.missing(col, line))
    }

    /// The profile error for a column the file does not have.
    fn missing(&self, col: &Column, line: u64) -> OpenError {
        let message = match (col, &self.names) {
            (Column::Number(_), Some(h)) => format!(
                "{col} is not in the file: its header has {} columns ({})",
                h.len(),
                listed(h)
            ),
            (Column::Number(_), None) => format!(
                "{col} is not in the file: its first line has {} columns",
                self.width.unwrap_or(0)
            ),
            (Column::Name(_), _) => format!(
                "{col} is not in the file's header ({})",
                listed(self.names.as_deref().unwrap_or_default())
            ),
        };
        ProfileError {
            line: Some(line),
            code: Code::MissingColumn,
            message,
        }
        .into()
    }
}

/// A header whose names or whole line pass the limits is a file error at its line.
fn check_size(h: &[String], rec: &StringRecord, header_line: u64) -> Result<(), OpenError> {
    let size = |why: String| {
        OpenError::File(RowProblem {
            line: header_line,
            field: None,
            value: None,
            problem: Problem::new(Code::TooLong, why),
        })
    };
    if let Some(name) = h.iter().find(|n| longer_than(n, limits::CSV_FIELD)) {
        return Err(size(format!(
            "the header's column {} {}",
            shown(name),
            too_long(limits::CSV_FIELD)
        )));
    }
    if longer_than(rec.as_slice(), limits::CSV_ROW) {
        return Err(size(format!("the header {}", too_long(limits::CSV_ROW))));
    }
    Ok(())
}

/// Why a file cannot be read through its profile, before any row: a mistake in the
/// profile (named by its profile line), or in the file's header (named by its line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    Profile(ProfileError),
    File(RowProblem),
}

impl From<ProfileError> for OpenError {
    fn from(e: ProfileError) -> Self {
        OpenError::Profile(e)
    }
}

impl<'a> Table<'a> {
    /// Skips the profile's leading lines, reads the header and binds every column the
    /// profile names. A column the file lacks is a profile error, and a column the
    /// profile reads that the header names twice a file error, before any row.
    pub fn open(text: &'a str, profile: &'a Profile) -> Result<Table<'a>, OpenError> {
        let body = &text[skipped(text, profile.skip_rows)..];
        let header = Header::read(profile, body)?;
        let mut columns = BTreeMap::new();
        let mut needed = Vec::new();
        for (field, (col, line)) in &profile.columns {
            match header.bind(col, *line)? {
                Some(i) => {
                    columns.insert(*field, i);
                    if !profile.optional.contains(field) && !profile.constants.contains_key(field) {
                        needed.push((i, field.as_str().to_string()));
                    }
                }
                None if profile.optional.contains(field) => {}
                None => return Err(header.missing(col, *line)),
            }
        }
        let sign = match &profile.sign {
            Some(s) => {
                let i = header.bind_or_missing(&s.column, s.line)?;
                needed.push((i, "the sign column".to_string()));
                Some(i)
            }
            None => None,
        };
        let mut filters = Vec::new();
        for f in &profile.filters {
            let i = header.bind_or_missing(&f.column, f.line)?;
            needed.push((i, format!("the filter's {}", f.column)));
            filters.push((i, f.keep, f.values.clone()));
        }
        needed.sort();
        Ok(Table {
            profile,
            text: Text::Held(body),
            names: header.names,
            unread: OnceLock::new(),
            offset: profile.skip_rows as u64,
            has_header: profile.header,
            columns,
            sign,
            filters,
            width: header.width,
            needed,
        })
    }

    /// At most how many rows the text holds: its lines.
    pub fn most_rows(&self) -> usize {
        match &self.text {
            Text::Held(body) => memchr::memchr_iter(b'\n', body.as_bytes()).count() + 1,
            Text::File(s) => s.most_rows,
        }
    }

    /// The size of the text the rows are read from (for progress: see `rows`).
    pub fn bytes(&self) -> usize {
        match &self.text {
            Text::Held(body) => body.len(),
            Text::File(s) => s.len,
        }
    }

    /// This table, its rows read again from the file for each pass rather than
    /// held: for a file of more rows than a group of them (tens of megabytes). The
    /// text held must be the file's bytes as they are (UTF-8, decoded in place),
    /// `file_bytes` long in all, with SHA-256 `sha256` (hex). Each pass reads the
    /// file through `reopen`, hashes every byte of it, and if it is not that file
    /// any more (or cannot be read) stops and says so (`unread`).
    pub fn read_again<'p>(
        &self,
        profile: &'p Profile,
        file_bytes: u64,
        sha256: &str,
        reopen: Reopen,
    ) -> Table<'p> {
        Table {
            profile,
            text: Text::File(Stream {
                reopen,
                start: file_bytes - self.bytes() as u64,
                len: self.bytes(),
                sha256: sha256.to_string(),
                most_rows: self.most_rows(),
            }),
            names: self.names.clone(),
            unread: OnceLock::new(),
            offset: self.offset,
            has_header: self.has_header,
            columns: self.columns.clone(),
            sign: self.sign,
            filters: self.filters.clone(),
            width: self.width,
            needed: self.needed.clone(),
        }
    }

    /// Why a pass over the file read again could not read it as it was opened
    /// (`read_again`): the rows it read are not the file's, and nothing of them
    /// may be written.
    pub fn unread(&self) -> Option<&str> {
        self.unread.get().map(String::as_str)
    }

    /// How the file names a column in messages: the profile's field reading it, else
    /// its header name, else its number.
    fn column_name(&self, i: usize) -> String {
        if let Some((f, _)) = self.columns.iter().find(|(_, c)| **c == i) {
            return f.as_str().to_string();
        }
        if let Some(h) = self.names.as_ref().and_then(|n| n.get(i)) {
            return h.clone();
        }
        format!("column {}", i + 1)
    }
}
