//! Reading an export through a profile: skipped lines, the header, column binding,
//! row filters, and each row turned into a draft entry or a list of problems.
//!
//! Owns: CSV records and their line numbers, and the mapping of one row's text to a
//! `Body` (constants, value maps, donor aliases, sign column, negative payments as
//! refunds). Does not judge drafts against the ledger (`Book::check` does that).

use std::collections::BTreeMap;

use csv::StringRecord;
use rust_decimal::Decimal;

use super::profile::{Column, Field, Profile};
use super::text::{parse_amount, parse_date};
use super::{Parsed, ProfileError, Row, RowProblem};
use crate::domain::entry::{Payment, Pledge, Rate, Source, WriteOff};
use crate::domain::problem::Problem;
use crate::domain::register::fold;
use crate::domain::{Body, Currency, Kind};

/// A decoded file with its header bound to the profile's columns.
#[derive(Debug)]
pub struct Table<'a> {
    profile: &'a Profile,
    body: &'a str,
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

fn reader(profile: &Profile, text: &str) -> csv::Reader<std::io::Cursor<Vec<u8>>> {
    csv::ReaderBuilder::new()
        .delimiter(profile.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::Cursor::new(text.as_bytes().to_vec()))
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
        let mut start = 0;
        for _ in 0..profile.skip_rows {
            match text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => start = text.len(),
            }
        }
        let body = &text[start..];
        let header_line = profile.skip_rows as u64 + 1;
        let mut rdr = reader(profile, body);
        let mut rec = StringRecord::new();
        let first = match rdr.read_record(&mut rec) {
            Ok(true) => Some(rec.iter().map(|h| h.trim().to_string()).collect::<Vec<_>>()),
            _ => None,
        };
        let width = first.as_ref().map(Vec::len);
        let header: Option<Vec<String>> = if profile.header {
            match first {
                Some(h) => Some(h),
                None => {
                    return Err(ProfileError {
                        line: None,
                        code: "no-header",
                        message: format!(
                            "the file has no header line after skipping {} line(s)",
                            profile.skip_rows
                        ),
                    }
                    .into());
                }
            }
        } else {
            None
        };
        let bind = |col: &Column, line: u64| -> Result<Option<usize>, OpenError> {
            match (col, &header) {
                (Column::Number(n), _) => {
                    Ok(Some(*n as usize - 1).filter(|i| width.is_none_or(|w| *i < w)))
                }
                (Column::Name(name), Some(h)) => {
                    let mut at: Vec<usize> = (0..h.len()).filter(|i| h[*i] == *name).collect();
                    if at.is_empty() {
                        at = (0..h.len())
                            .filter(|i| fold(&h[*i]) == fold(name))
                            .collect();
                    }
                    if at.len() > 1 {
                        let list: Vec<String> = at.iter().map(|i| (i + 1).to_string()).collect();
                        let (last, rest) = list.split_last().expect("two or more");
                        return Err(OpenError::File(RowProblem {
                            line: header_line,
                            field: None,
                            value: None,
                            problem: Problem::new(
                                "duplicate-column",
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
                    code: "bad-profile",
                    message: "a header name needs [csv] header = true".into(),
                }
                .into()),
            }
        };
        let missing = |col: &Column, line: u64| -> OpenError {
            let message = match (col, &header) {
                (Column::Number(_), Some(h)) => format!(
                    "{col} is not in the file: its header has {} columns ({})",
                    h.len(),
                    h.join(", ")
                ),
                (Column::Number(_), None) => format!(
                    "{col} is not in the file: its first line has {} columns",
                    width.unwrap_or(0)
                ),
                (Column::Name(_), _) => format!(
                    "{col} is not in the file's header ({})",
                    header.as_deref().unwrap_or_default().join(", ")
                ),
            };
            ProfileError {
                line: Some(line),
                code: "missing-column",
                message,
            }
            .into()
        };
        let mut columns = BTreeMap::new();
        let mut needed = Vec::new();
        for (field, (col, line)) in &profile.columns {
            match bind(col, *line)? {
                Some(i) => {
                    columns.insert(*field, i);
                    if !profile.optional.contains(field) && !profile.constants.contains_key(field) {
                        needed.push((i, field.as_str().to_string()));
                    }
                }
                None if profile.optional.contains(field) => {}
                None => return Err(missing(col, *line)),
            }
        }
        let sign = match &profile.sign {
            Some(s) => {
                let i = bind(&s.column, s.line)?.ok_or_else(|| missing(&s.column, s.line))?;
                needed.push((i, "the sign column".to_string()));
                Some(i)
            }
            None => None,
        };
        let mut filters = Vec::new();
        for f in &profile.filters {
            let i = bind(&f.column, f.line)?.ok_or_else(|| missing(&f.column, f.line))?;
            needed.push((i, format!("the filter's {}", f.column)));
            filters.push((i, f.keep, f.values.clone()));
        }
        needed.sort();
        Ok(Table {
            profile,
            body,
            offset: profile.skip_rows as u64,
            has_header: profile.header,
            columns,
            sign,
            filters,
            width,
            needed,
        })
    }

    /// The size of the text the rows are read from (for progress: see `rows`).
    pub fn bytes(&self) -> usize {
        self.body.len()
    }

    /// Reads every row in file order and hands each good row's draft to `visit` with
    /// the byte offset reached, as it is read (rows are never all held at once).
    /// Problems of bad rows, all of them, and the counts come back in `Parsed`.
    pub fn rows(&self, file: &str, sha256: &str, mut visit: impl FnMut(Row, usize)) -> Parsed {
        let mut parsed = Parsed::default();
        let mut rdr = reader(self.profile, self.body);
        let mut rec = StringRecord::new();
        let mut first = self.has_header;
        // Line numbers are counted from byte offsets, so that blank lines and quoted
        // line breaks count as the file's reader sees them.
        let (mut seen_bytes, mut seen_lines) = (0usize, 1u64);
        // A record's position can be the end of the previous line: its first line is
        // the first one after any line ends there.
        let bytes = self.body.as_bytes();
        let mut line_at = |byte: usize| {
            let mut byte = byte.min(bytes.len());
            while byte < bytes.len() && matches!(bytes[byte], b'\r' | b'\n') {
                byte += 1;
            }
            if byte > seen_bytes {
                seen_lines += bytes[seen_bytes..byte]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64;
                seen_bytes = byte;
            }
            seen_lines + self.offset
        };
        loop {
            let line = line_at(rdr.position().byte() as usize);
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    parsed.total += 1;
                    parsed.problems.push(RowProblem {
                        line,
                        field: None,
                        value: None,
                        problem: Problem::new(
                            "bad-csv",
                            format!("cannot read this line as CSV: {e}"),
                        ),
                    });
                    continue;
                }
            }
            let line = rec
                .position()
                .map(|p| line_at(p.byte() as usize))
                .unwrap_or(line);
            if std::mem::take(&mut first) {
                continue;
            }
            let end = rdr.position().byte() as usize;
            if let Some(p) = self.quotes(&rec, line, end >= bytes.len()) {
                parsed.total += 1;
                parsed.problems.push(p);
                continue;
            }
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            parsed.total += 1;
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

    /// How the file names a column in messages: the profile's field reading it, else
    /// its header name, else its number.
    fn column_name(&self, i: usize) -> String {
        if let Some((f, _)) = self.columns.iter().find(|(_, c)| **c == i) {
            return f.as_str().to_string();
        }
        if self.has_header {
            let mut rdr = reader(self.profile, self.body);
            let mut rec = StringRecord::new();
            if let Ok(true) = rdr.read_record(&mut rec)
                && let Some(h) = rec.get(i)
            {
                return h.trim().to_string();
            }
        }
        format!("column {}", i + 1)
    }

    /// A quote left open: the last record running to the end of the text inside
    /// quotes, or a line break in any field but the memo (the one field real exports
    /// write over several lines). `line` is the record's first line.
    fn quotes(&self, rec: &StringRecord, line: u64, last: bool) -> Option<RowProblem> {
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
            problem: Problem::new("bad-csv", why),
        };
        let span = rec
            .position()
            .map(|p| &self.body.as_bytes()[p.byte() as usize..])
            .unwrap_or_default();
        if last && !rec.is_empty() && ends_in_quotes(span, self.profile.delimiter) {
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
            problem: Problem::new("bad-csv", why),
        })
    }

    /// The text of a field in a row: a constant, else the column; then the value map.
    fn get(&self, rec: &StringRecord, field: Field) -> Option<String> {
        let raw = match self.profile.constants.get(&field) {
            Some(c) => c.clone(),
            None => rec.get(*self.columns.get(&field)?)?.trim().to_string(),
        };
        if raw.is_empty() {
            return None;
        }
        let mapped = self.profile.values.get(&field).and_then(|list| {
            let key = fold(&raw);
            list.iter()
                .find(|(from, _, _)| *from == key)
                .map(|(_, to, _)| to.clone())
        });
        Some(mapped.unwrap_or(raw))
    }

    fn map(&self, rec: &StringRecord, line: u64, source: Source) -> Result<Row, Vec<RowProblem>> {
        let p = self.profile;
        let mut bad = Bad {
            line,
            list: Vec::new(),
        };
        let raw: Vec<(Field, String)> = Field::ALL
            .into_iter()
            .filter_map(|f| self.get(rec, f).map(|v| (f, v)))
            .collect();
        let text = |f: Field| raw.iter().find(|(g, _)| *g == f).map(|(_, v)| v.clone());
        let kind = match text(Field::Kind) {
            None => {
                bad.add("kind", "", "missing-value", "the row has no kind");
                return Err(bad.list);
            }
            Some(k) => match Kind::parse(&k) {
                Some(
                    kind @ (Kind::Pledge
                    | Kind::Payment
                    | Kind::Refund
                    | Kind::WriteOff
                    | Kind::Rate),
                ) => kind,
                _ => {
                    bad.add(
                        "kind",
                        &k,
                        "bad-kind",
                        "is not pledge, payment, refund, write-off or rate (map it under [values.kind])",
                    );
                    return Err(bad.list);
                }
            },
        };
        let need = |bad: &mut Bad, f: Field, what: &str| -> Option<String> {
            let v = text(f);
            if v.is_none() {
                bad.add(
                    f.as_str(),
                    "",
                    "missing-value",
                    format!("a {} row needs {what}", kind.as_str()),
                );
            }
            v
        };
        let date = need(&mut bad, Field::Date, "a date");
        let amount_field = if kind == Kind::Rate {
            Field::PerUsd
        } else {
            Field::Amount
        };
        let amount = need(&mut bad, amount_field, "an amount");
        let (donor, mandate, currency) = match kind {
            Kind::WriteOff => (None, None, text(Field::Currency)),
            Kind::Rate => (None, None, need(&mut bad, Field::Currency, "a currency")),
            _ => (
                need(&mut bad, Field::Donor, "a donor"),
                need(&mut bad, Field::Mandate, "a mandate"),
                need(&mut bad, Field::Currency, "a currency"),
            ),
        };
        let pledge_reference = text(Field::PledgeReference);
        if kind == Kind::WriteOff && pledge_reference.is_none() {
            bad.add(
                "pledge_reference",
                "",
                "missing-value",
                "a write-off row must name its pledge by reference",
            );
        }
        let date_of = |bad: &mut Bad, f: Field, d: Option<String>| {
            d.and_then(|d| match parse_date(&d, &p.date_formats) {
                Ok(v) => Some(v),
                Err(m) => {
                    bad.add(f.as_str(), &d, "bad-date", m);
                    None
                }
            })
        };
        let date = date_of(&mut bad, Field::Date, date);
        let due = date_of(&mut bad, Field::Due, text(Field::Due));
        let mut amount: Option<Decimal> =
            amount.and_then(|a| match parse_amount(&a, p.decimal_mark, &p.thousands) {
                Ok(v) => Some(v),
                Err(m) => {
                    let code = if kind == Kind::Rate {
                        "bad-rate"
                    } else {
                        "bad-amount"
                    };
                    let why = m
                        .strip_prefix(&format!("\"{a}\" "))
                        .unwrap_or(&m)
                        .to_string();
                    bad.add(amount_field.as_str(), &a, code, why);
                    None
                }
            });
        if let (Some(i), Some(sign)) = (self.sign, &p.sign) {
            let v = rec.get(i).map(str::trim).unwrap_or("");
            let f = fold(v);
            if sign.negative.contains(&f) {
                amount = amount.map(|a| -a);
            } else if !sign.positive.is_empty() && !sign.positive.contains(&f) {
                bad.add(
                    "sign",
                    v,
                    "bad-sign",
                    "is neither a positive nor a negative value of the profile's [sign] section",
                );
            }
        }
        let currency = currency.and_then(|c| {
            let found = Currency::lookup(&c);
            if found.is_none() {
                bad.add(
                    "currency",
                    &c,
                    "unknown-currency",
                    "is not an ISO 4217 currency code such as USD, EUR, JPY",
                );
            }
            found
        });
        let donor = donor.map(|d| match p.donor_aliases.get(&fold(&d)) {
            Some((code, _)) => code.clone(),
            None => d,
        });
        let (Some(date), Some(mut amount), true) = (date, amount, bad.list.is_empty()) else {
            return Err(bad.list);
        };
        let mut kind = kind;
        if kind == Kind::Payment && amount < Decimal::ZERO {
            kind = Kind::Refund;
            amount = -amount;
        }
        let reference = text(Field::Reference);
        // A memo over several lines of a CRLF file keeps its line breaks as "\n".
        let memo = text(Field::Memo).map(|m| m.replace("\r\n", "\n").replace('\r', "\n"));
        let source = Some(source);
        let currency_given = currency.is_some();
        let currency = currency.unwrap_or(Currency::USD);
        let body = match kind {
            Kind::Pledge => Body::Pledge(Pledge {
                donor: donor.unwrap_or_default(),
                mandate: mandate.unwrap_or_default(),
                amount,
                currency,
                date,
                due,
                reference,
                memo,
                source,
            }),
            Kind::Payment | Kind::Refund => {
                let pay = Payment {
                    donor: donor.unwrap_or_default(),
                    mandate: mandate.unwrap_or_default(),
                    amount,
                    currency,
                    date,
                    pledge: None,
                    reference,
                    memo,
                    source,
                };
                if kind == Kind::Payment {
                    Body::Payment(pay)
                } else {
                    Body::Refund(pay)
                }
            }
            Kind::WriteOff => Body::WriteOff(WriteOff {
                pledge: 0,
                amount,
                currency,
                date,
                reference,
                memo,
                source,
            }),
            _ => Body::Rate(Rate {
                currency,
                per_usd: amount,
                date,
                source,
            }),
        };
        Ok(Row {
            line,
            body,
            pledge_reference,
            currency_given,
            raw: raw.into_iter().map(|(f, v)| (f.as_str(), v)).collect(),
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

/// The problems of one row, collected so that all of them are reported at once.
struct Bad {
    line: u64,
    list: Vec<RowProblem>,
}

impl Bad {
    fn add(&mut self, field: &str, value: &str, code: &'static str, why: impl Into<String>) {
        self.list.push(RowProblem {
            line: self.line,
            field: Some(field.to_string()),
            value: Some(value.to_string()),
            problem: Problem::new(code, why),
        });
    }
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
