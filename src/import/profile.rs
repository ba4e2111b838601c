//! Mapping profiles: the TOML file that says how one export's columns become entries
//! and the two built-in profiles, `canonical` and `rates`.
//!
//! Owns: reading a profile (unknown keys refused, every mistake named by its profile
//! line), and checking its value maps and aliases against a ledger's register. Does
//! not read the CSV file (see `table`) or find profile files on disk (the CLI does).

use crate::domain::Code;
use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::ProfileError;
pub use super::builtin::builtin;
pub use super::field::{Column, Field};
use crate::domain::problem::{limits, longer_than, shown, too_long};
use crate::domain::register::{Register, fold};
use crate::domain::{Currency, Kind};

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvSection {
    delimiter: Option<Spanned<String>>,
    header: Option<bool>,
    skip_rows: Option<usize>,
    encoding: Option<Spanned<String>>,
    #[serde(default)]
    optional_columns: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParseSection {
    date_format: Option<Spanned<OneOrMany>>,
    decimal_mark: Option<Spanned<String>>,
    thousands: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignSection {
    column: Spanned<Column>,
    #[serde(default)]
    negative: Vec<String>,
    #[serde(default)]
    positive: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterSection {
    #[serde(default)]
    only: BTreeMap<String, Spanned<Vec<String>>>,
    #[serde(default)]
    skip: BTreeMap<String, Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: Option<String>,
    description: Option<String>,
    #[serde(default)]
    csv: CsvSection,
    #[serde(default)]
    parse: ParseSection,
    #[serde(default)]
    columns: BTreeMap<String, Spanned<Column>>,
    #[serde(default)]
    constants: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, Spanned<String>>>,
    #[serde(default)]
    donor_aliases: BTreeMap<String, Spanned<String>>,
    sign: Option<SignSection>,
    #[serde(default)]
    filter: FilterSection,
}

impl ProfileFile {
    /// Every text of a profile within its limit (`too-long`, by profile line), before
    /// any is folded or looked up: a constant or a value map's ledger value as its
    /// field allows, everything else as a name.
    fn check_lengths(&self, text: &str) -> Result<(), ProfileError> {
        let at = |span: std::ops::Range<usize>| Some(line_of(text, span.start));
        let check = |value: &str, max: usize, line: Option<u64>| {
            if longer_than(value, max) {
                return Err(ProfileError {
                    line,
                    code: Code::TooLong,
                    message: format!("{} {}", shown(value), too_long(max)),
                });
            }
            Ok(())
        };
        let name = limits::NAME;
        for t in [&self.name, &self.description].into_iter().flatten() {
            check(t, limits::TEXT, None)?;
        }
        if let Some(f) = &self.parse.date_format {
            let list = match f.get_ref() {
                OneOrMany::One(s) => std::slice::from_ref(s),
                OneOrMany::Many(v) => v.as_slice(),
            };
            for t in list {
                check(t, name, at(f.span()))?;
            }
        }
        for t in self.parse.thousands.iter().flatten() {
            check(t, name, None)?;
        }
        for t in [&self.csv.delimiter, &self.csv.encoding]
            .into_iter()
            .flatten()
        {
            check(t.get_ref(), name, at(t.span()))?;
        }
        for t in &self.csv.optional_columns {
            check(t.get_ref(), name, at(t.span()))?;
        }
        let column = |c: &Spanned<Column>| match c.get_ref() {
            Column::Name(n) => check(n, name, at(c.span())),
            Column::Number(_) => Ok(()),
        };
        for (key, c) in &self.columns {
            check(key, name, at(c.span()))?;
            column(c)?;
        }
        let max = |key: &str| Field::parse(key).map_or(name, Field::max_length);
        for (key, v) in &self.constants {
            check(key, name, at(v.span()))?;
            check(v.get_ref(), max(key), at(v.span()))?;
        }
        for (key, map) in &self.values {
            check(key, name, None)?;
            for (from, to) in map {
                check(from, name, at(to.span()))?;
                check(to.get_ref(), max(key), at(to.span()))?;
            }
        }
        for (from, to) in &self.donor_aliases {
            check(from, name, at(to.span()))?;
            check(to.get_ref(), name, at(to.span()))?;
        }
        if let Some(sign) = &self.sign {
            column(&sign.column)?;
            for v in sign.negative.iter().chain(&sign.positive) {
                check(v, name, at(sign.column.span()))?;
            }
        }
        for map in [&self.filter.only, &self.filter.skip] {
            for (col, values) in map {
                check(col, name, at(values.span()))?;
                for v in values.get_ref() {
                    check(v, name, at(values.span()))?;
                }
            }
        }
        Ok(())
    }
}

/// A rule keeping (`only`) or dropping (`skip`) rows by a column's value.
#[derive(Debug, Clone)]
pub struct Filter {
    pub column: Column,
    pub values: Vec<String>,
    pub keep: bool,
    pub line: u64,
}

/// A sign column: rows whose value is in `negative` have their amount negated.
#[derive(Debug, Clone)]
pub struct Sign {
    pub column: Column,
    pub negative: Vec<String>,
    pub positive: Vec<String>,
    pub line: u64,
}

/// A checked profile, ready to read a file.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The name stored in each entry's source (`canonical`, `umoja-receipts`, ...).
    pub name: String,
    pub delimiter: u8,
    pub header: bool,
    pub skip_rows: usize,
    /// An encoding label for files without a byte-order mark (default UTF-8).
    pub encoding: &'static encoding_rs::Encoding,
    pub date_formats: Vec<String>,
    pub decimal_mark: char,
    pub thousands: Vec<String>,
    /// field -> (column, profile line)
    pub columns: BTreeMap<Field, (Column, u64)>,
    pub optional: Vec<Field>,
    pub constants: BTreeMap<Field, String>,
    pub constant_lines: BTreeMap<Field, u64>,
    /// field -> [(source text folded, ledger value, profile line)]
    pub values: BTreeMap<Field, Vec<(String, String, u64)>>,
    /// folded source donor text -> (donor code, profile line)
    pub donor_aliases: BTreeMap<String, (String, u64)>,
    pub sign: Option<Sign>,
    pub filters: Vec<Filter>,
}

fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// Each constant field's value, and its profile line.
type Constants = (BTreeMap<Field, String>, BTreeMap<Field, u64>);

/// Per field: each source text folded, its ledger value and its profile line.
type ValueMaps = BTreeMap<Field, Vec<(String, String, u64)>>;

/// A profile mistake at a profile line.
fn err(line: u64, code: Code, message: String) -> ProfileError {
    ProfileError {
        line: Some(line),
        code,
        message,
    }
}

/// The field a profile key names, else a mistake at its line.
fn field_of(key: &str, line: u64) -> Result<Field, ProfileError> {
    Field::parse(key).ok_or_else(|| {
        err(
            line,
            Code::BadProfile,
            format!("unknown field {key:?}; fields are {}", Field::list()),
        )
    })
}

impl ProfileFile {
    /// The CSV delimiter: one ASCII character (`\t` or `tab` for a tab), a comma if
    /// none is given.
    fn delimiter(&self, text: &str) -> Result<u8, ProfileError> {
        let Some(d) = &self.csv.delimiter else {
            return Ok(b',');
        };
        let v = d.get_ref();
        let c = if v == "\\t" || v == "tab" { "\t" } else { v };
        if c.len() != 1 {
            return Err(err(
                line_of(text, d.span().start),
                Code::BadProfile,
                format!("delimiter must be one ASCII character, not {v:?}"),
            ));
        }
        Ok(c.as_bytes()[0])
    }

    /// The file's encoding by its label, UTF-8 if none is given.
    fn encoding(&self, text: &str) -> Result<&'static encoding_rs::Encoding, ProfileError> {
        let Some(e) = &self.csv.encoding else {
            return Ok(encoding_rs::UTF_8);
        };
        encoding_rs::Encoding::for_label(e.get_ref().trim().as_bytes()).ok_or_else(|| {
            err(
                line_of(text, e.span().start),
                Code::BadProfile,
                format!(
                    "unknown encoding {:?}; use \"utf-8\", \"utf-16le\", \"utf-16be\" or \"windows-1252\"",
                    e.get_ref()
                ),
            )
        })
    }

    /// The date formats to try in order (chrono formats), ISO dates if none is given.
    fn date_formats(&self, text: &str) -> Result<Vec<String>, ProfileError> {
        let Some(f) = &self.parse.date_format else {
            return Ok(vec!["%Y-%m-%d".to_string()]);
        };
        let list = match f.get_ref() {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        };
        if list.is_empty() || list.iter().any(|s| !s.contains('%')) {
            return Err(err(
                line_of(text, f.span().start),
                Code::BadProfile,
                "date_format must be a chrono format such as \"%d.%m.%Y\" (or a list of them)"
                    .into(),
            ));
        }
        Ok(list)
    }

    /// The decimal mark and the thousands separators, which must not overlap.
    fn numbers(&self, text: &str) -> Result<(char, Vec<String>), ProfileError> {
        let at = |span: std::ops::Range<usize>| line_of(text, span.start);
        let decimal_mark = match &self.parse.decimal_mark {
            None => '.',
            Some(m) => match m.get_ref().as_str() {
                "." => '.',
                "," => ',',
                other => {
                    return Err(err(
                        at(m.span()),
                        Code::BadProfile,
                        format!("decimal_mark must be \".\" or \",\", not {other:?}"),
                    ));
                }
            },
        };
        let thousands = self.parse.thousands.clone().unwrap_or_default();
        if thousands.iter().any(|t| t.starts_with(decimal_mark)) {
            let line = self
                .parse
                .decimal_mark
                .as_ref()
                .map(|m| at(m.span()))
                .unwrap_or(1);
            return Err(err(
                line,
                Code::BadProfile,
                format!("the decimal mark {decimal_mark:?} cannot also be a thousands separator"),
            ));
        }
        Ok((decimal_mark, thousands))
    }

    /// The `[columns]` section: each field's column and profile line.
    fn columns(&self, text: &str) -> Result<BTreeMap<Field, (Column, u64)>, ProfileError> {
        let mut columns = BTreeMap::new();
        for (key, col) in &self.columns {
            let line = line_of(text, col.span().start);
            if let Column::Number(0) = col.get_ref() {
                return Err(err(
                    line,
                    Code::BadProfile,
                    "column numbers start at 1".into(),
                ));
            }
            columns.insert(field_of(key, line)?, (col.get_ref().clone(), line));
        }
        Ok(columns)
    }

    /// The `[constants]` section: each field's value and its profile line; a field
    /// may not be both a constant and a column.
    fn constants(
        &self,
        text: &str,
        columns: &BTreeMap<Field, (Column, u64)>,
    ) -> Result<Constants, ProfileError> {
        let mut constants = BTreeMap::new();
        let mut constant_lines = BTreeMap::new();
        for (key, v) in &self.constants {
            let line = line_of(text, v.span().start);
            let field = field_of(key, line)?;
            // Said twice, one would silently win: a currency constant over a currency
            // column would book every EUR row as USD.
            if let Some((_, column_line)) = columns.get(&field) {
                return Err(err(
                    line,
                    Code::BadProfile,
                    format!(
                        "{key} is given both as a constant and as a column (line {column_line}); keep one"
                    ),
                ));
            }
            constants.insert(field, v.get_ref().trim().to_string());
            constant_lines.insert(field, line);
        }
        Ok((constants, constant_lines))
    }

    /// The `[values.*]` maps: per field, each source text folded, its ledger value
    /// and its profile line.
    fn values(&self, text: &str) -> Result<ValueMaps, ProfileError> {
        let at = |span: std::ops::Range<usize>| line_of(text, span.start);
        let mut values = BTreeMap::new();
        for (key, map) in &self.values {
            let first = map.values().map(|v| at(v.span())).min().unwrap_or(1);
            let field = field_of(key, first.saturating_sub(1).max(1))?;
            let list: Vec<(String, String, u64)> = map
                .iter()
                .map(|(from, to)| (fold(from), to.get_ref().trim().to_string(), at(to.span())))
                .collect();
            values.insert(field, list);
        }
        Ok(values)
    }

    /// The `[filter]` section: the rows to keep (`only`) and to skip, by column.
    fn filters(&self, text: &str) -> Vec<Filter> {
        let mut filters = Vec::new();
        for (keep, map) in [(true, &self.filter.only), (false, &self.filter.skip)] {
            for (col, vals) in map {
                let column = match col.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Column::Number(n),
                    _ => Column::Name(col.clone()),
                };
                filters.push(Filter {
                    column,
                    values: vals.get_ref().iter().map(|v| fold(v)).collect(),
                    keep,
                    line: line_of(text, vals.span().start),
                });
            }
        }
        filters
    }
}

impl Profile {
    /// Reads a profile. `name` is what entries will record as their profile.
    pub fn parse(text: &str, name: &str) -> Result<Profile, ProfileError> {
        let file: ProfileFile = toml::from_str(text).map_err(|e| ProfileError {
            line: e.span().map(|s| line_of(text, s.start)),
            code: Code::BadProfile,
            message: e.message().trim().to_string(),
        })?;
        let at = |span: std::ops::Range<usize>| line_of(text, span.start);
        let _ = (&file.name, &file.description);
        file.check_lengths(text)?;

        let delimiter = file.delimiter(text)?;
        let encoding = file.encoding(text)?;
        let date_formats = file.date_formats(text)?;
        let (decimal_mark, thousands) = file.numbers(text)?;
        let columns = file.columns(text)?;
        let mut optional = Vec::new();
        for f in &file.csv.optional_columns {
            optional.push(field_of(f.get_ref(), at(f.span()))?);
        }
        let (constants, constant_lines) = file.constants(text, &columns)?;
        let values = file.values(text)?;
        let donor_aliases = file
            .donor_aliases
            .iter()
            .map(|(from, to)| (fold(from), (to.get_ref().trim().to_string(), at(to.span()))))
            .collect();
        let sign = file.sign.as_ref().map(|s| Sign {
            column: s.column.get_ref().clone(),
            negative: s.negative.iter().map(|v| fold(v)).collect(),
            positive: s.positive.iter().map(|v| fold(v)).collect(),
            line: at(s.column.span()),
        });
        let filters = file.filters(text);

        let p = Profile {
            name: name.to_string(),
            delimiter,
            header: file.csv.header.unwrap_or(true),
            skip_rows: file.csv.skip_rows.unwrap_or(0),
            encoding,
            date_formats,
            decimal_mark,
            thousands,
            columns,
            optional,
            constants,
            constant_lines,
            values,
            donor_aliases,
            sign,
            filters,
        };
        p.check_shape()?;
        Ok(p)
    }

    fn has(&self, f: Field) -> bool {
        self.columns.contains_key(&f) || self.constants.contains_key(&f)
    }

    /// Every profile must say where the date, the kind and the amount come from.
    fn check_shape(&self) -> Result<(), ProfileError> {
        let amount = if self.kind_is_rate() {
            Field::PerUsd
        } else {
            Field::Amount
        };
        for f in [Field::Date, Field::Kind, amount] {
            if !self.has(f) {
                return Err(ProfileError {
                    line: None,
                    code: Code::BadProfile,
                    message: format!(
                        "the profile does not say where the {} comes from: add it under [columns] or [constants]",
                        f.as_str()
                    ),
                });
            }
        }
        if !self.header
            && let Some((c, line)) = self
                .columns
                .values()
                .find(|(c, _)| matches!(c, Column::Name(_)))
        {
            return Err(ProfileError {
                line: Some(*line),
                code: Code::BadProfile,
                message: format!(
                    "{c} is a header name, but [csv] header = false; use a column number"
                ),
            });
        }
        Ok(())
    }

    fn kind_is_rate(&self) -> bool {
        self.constants
            .get(&Field::Kind)
            .is_some_and(|k| Kind::parse(k) == Some(Kind::Rate))
    }

    /// Checks constants, value maps and donor aliases against a ledger's register,
    /// so that a typo in the profile is named once, by its line, not on every row.
    pub fn check(&self, register: &Register) -> Result<(), Vec<ProfileError>> {
        let mut problems = Vec::new();
        let mut judge = |field: Field, value: &str, line: Option<u64>| {
            let bad = match field {
                Field::Mandate => register.resolve_mandate(value).err().map(|u| u.to_string()),
                Field::Donor => register.resolve_donor(value).err().map(|u| u.to_string()),
                Field::Currency => Currency::lookup(value)
                    .is_none()
                    .then(|| format!("unknown currency {value:?}")),
                Field::Kind => match Kind::parse(value) {
                    Some(kind) if super::repeat::importable(kind) => None,
                    _ => Some(format!(
                        "unknown kind {value:?}; use {}",
                        super::repeat::importable_names()
                    )),
                },
                Field::PriorPeriod => super::field::parse_yes_no(value)
                    .is_none()
                    .then(|| format!("prior_period {value:?} is not true/false or yes/no")),
                _ => None,
            };
            if let Some(message) = bad {
                problems.push(ProfileError {
                    line,
                    code: Code::BadProfile,
                    message,
                });
            }
        };
        for (f, v) in &self.constants {
            judge(*f, v, self.constant_lines.get(f).copied());
        }
        for (f, list) in &self.values {
            for (_, to, line) in list {
                judge(*f, to, Some(*line));
            }
        }
        for (code, line) in self.donor_aliases.values() {
            judge(Field::Donor, code, Some(*line));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}
