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
}

fn reader(profile: &Profile, text: &str) -> csv::Reader<std::io::Cursor<Vec<u8>>> {
    csv::ReaderBuilder::new()
        .delimiter(profile.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::Cursor::new(text.as_bytes().to_vec()))
}

impl<'a> Table<'a> {
    /// Skips the profile's leading lines, reads the header and binds every column the
    /// profile names. A column the file lacks is a profile error, before any row.
    pub fn open(text: &'a str, profile: &'a Profile) -> Result<Table<'a>, ProfileError> {
        let mut start = 0;
        for _ in 0..profile.skip_rows {
            match text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => start = text.len(),
            }
        }
        let body = &text[start..];
        let header: Option<Vec<String>> = if profile.header {
            let mut rdr = reader(profile, body);
            let mut rec = StringRecord::new();
            match rdr.read_record(&mut rec) {
                Ok(true) => Some(rec.iter().map(|h| h.trim().to_string()).collect()),
                _ => {
                    return Err(ProfileError {
                        line: None,
                        code: "no-header",
                        message: format!(
                            "the file has no header line after skipping {} line(s)",
                            profile.skip_rows
                        ),
                    });
                }
            }
        } else {
            None
        };
        let bind = |col: &Column, line: u64| -> Result<Option<usize>, ProfileError> {
            match (col, &header) {
                (Column::Number(n), _) => Ok(Some(*n as usize - 1)),
                (Column::Name(name), Some(h)) => Ok(h
                    .iter()
                    .position(|x| x == name)
                    .or_else(|| h.iter().position(|x| fold(x) == fold(name)))),
                (Column::Name(_), None) => Err(ProfileError {
                    line: Some(line),
                    code: "bad-profile",
                    message: "a header name needs [csv] header = true".into(),
                }),
            }
        };
        let missing = |col: &Column, line: u64| ProfileError {
            line: Some(line),
            code: "missing-column",
            message: format!(
                "{col} is not in the file's header ({})",
                header.as_deref().unwrap_or_default().join(", ")
            ),
        };
        let mut columns = BTreeMap::new();
        for (field, (col, line)) in &profile.columns {
            match bind(col, *line)? {
                Some(i) => {
                    columns.insert(*field, i);
                }
                None if profile.optional.contains(field) => {}
                None => return Err(missing(col, *line)),
            }
        }
        let sign = match &profile.sign {
            Some(s) => Some(bind(&s.column, s.line)?.ok_or_else(|| missing(&s.column, s.line))?),
            None => None,
        };
        let mut filters = Vec::new();
        for f in &profile.filters {
            let i = bind(&f.column, f.line)?.ok_or_else(|| missing(&f.column, f.line))?;
            filters.push((i, f.keep, f.values.clone()));
        }
        Ok(Table {
            profile,
            body,
            offset: profile.skip_rows as u64,
            has_header: profile.header,
            columns,
            sign,
            filters,
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
        let memo = text(Field::Memo);
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
