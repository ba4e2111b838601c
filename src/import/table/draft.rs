//! One row's text turned into a draft entry, or every problem the row has.
//!
//! Owns: the mapping of a row to a `Body`: constants, value maps, donor aliases, the
//! sign column, dates and amounts parsed exactly, and negative payments read as
//! refunds. Does not read records or count lines (`rows`), and does not judge drafts
//! against the ledger (`Book::check` does that).

use crate::domain::Code;
use csv::StringRecord;
use rust_decimal::Decimal;

use super::Table;
use crate::domain::entry::{Money, Notes, Payment, Pledge, Rate, Source, WriteOff};
use crate::domain::problem::{Problem, longer_than, too_long};
use crate::domain::register::fold;
use crate::domain::words::a;
use crate::domain::{Body, Currency, Kind};
use crate::import::field::parse_yes_no;
use crate::import::profile::Field;
use crate::import::repeat::{importable, importable_names};
use crate::import::text::{parse_amount, parse_date};
use crate::import::{Row, RowProblem};

impl Table<'_> {
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

    /// One row mapped to a draft entry, or every problem the row has.
    pub(super) fn map(
        &self,
        rec: &StringRecord,
        line: u64,
        source: Source,
    ) -> Result<Row, Vec<RowProblem>> {
        let p = self.profile;
        let mut bad = Bad {
            line,
            list: Vec::new(),
        };
        let raw: Vec<(Field, String)> = Field::ALL
            .into_iter()
            .filter_map(|f| self.get(rec, f).map(|v| (f, v)))
            .collect();
        // Lengths first: nothing below (least of all looking a name up, with its
        // suggestions) should take longer for a longer text.
        check_lengths(&raw, &mut bad);
        if !bad.list.is_empty() {
            return Err(bad.list);
        }
        let text = |f: Field| text_of(&raw, f);
        let Some(kind) = row_kind(text(Field::Kind), &mut bad) else {
            return Err(bad.list);
        };
        let needed = needed(kind, &raw, &mut bad);
        let prior_period = text(Field::PriorPeriod).and_then(|v| prior_period(&v, &mut bad));
        let outstanding = text(Field::Outstanding).and_then(|a| self.outstanding(&a, &mut bad));
        let date = self.date_of(&mut bad, Field::Date, needed.date);
        let due = self.date_of(&mut bad, Field::Due, text(Field::Due));
        let opening = self.date_of(&mut bad, Field::Opening, text(Field::Opening));
        let amount = self.amount(kind, needed.amount, &mut bad);
        let amount = self.signed(rec, amount, &mut bad);
        let currency = needed.currency.and_then(|c| currency(&c, &mut bad));
        let donor = needed.donor.map(|d| match p.donor_aliases.get(&fold(&d)) {
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
        let prior_period = prior_period.unwrap_or(false);
        if prior_period && !self.prior_period_fits(kind, &raw, &mut bad) {
            return Err(bad.list);
        }
        let reference = text(Field::Reference);
        // A memo over several lines of a CRLF file keeps its line breaks as "\n".
        let memo = text(Field::Memo).map(|m| m.replace("\r\n", "\n").replace('\r', "\n"));
        let currency_given = currency.is_some();
        let body = assemble(Assembled {
            kind,
            donor: donor.unwrap_or_default(),
            mandate: needed.mandate.unwrap_or_default(),
            amount,
            currency: currency.unwrap_or(Currency::USD),
            date,
            due,
            opening,
            outstanding,
            prior_period,
            reference,
            memo,
            source: Some(Box::new(source)),
        });
        Ok(Row {
            line,
            body,
            pledge_reference: needed.pledge_reference,
            currency_given,
            raw: raw.into_iter().map(|(f, v)| (f.as_str(), v)).collect(),
        })
    }

    /// An opening pledge's outstanding amount parsed exactly, else a problem of the row.
    fn outstanding(&self, a: &str, bad: &mut Bad) -> Option<Decimal> {
        let p = self.profile;
        match parse_amount(a, p.decimal_mark, &p.thousands) {
            Ok(v) => Some(v),
            Err(m) => {
                bad.add("outstanding", a, Code::BadAmount, m);
                None
            }
        }
    }

    /// Whether a row's yes to `prior_period` may stand: a constant speaks of the
    /// file's refunds, but a column's yes on any row but a refund is a problem.
    fn prior_period_fits(&self, kind: Kind, raw: &[(Field, String)], bad: &mut Bad) -> bool {
        if kind == Kind::Refund || self.profile.constants.contains_key(&Field::PriorPeriod) {
            return true;
        }
        bad.add(
            "prior_period",
            &text_of(raw, Field::PriorPeriod).unwrap_or_default(),
            Code::PriorPeriodNotRefund,
            format!(
                "only a refund can be a prior-period refund, not {}",
                a(kind.as_str())
            ),
        );
        false
    }

    /// A date field parsed by the profile's date formats, else a problem of the row.
    fn date_of(&self, bad: &mut Bad, f: Field, d: Option<String>) -> Option<chrono::NaiveDate> {
        d.and_then(|d| match parse_date(&d, &self.profile.date_formats) {
            Ok(v) => Some(v),
            Err(m) => {
                bad.add(f.as_str(), &d, Code::BadDate, m);
                None
            }
        })
    }

    /// The row's amount (a rate's units per USD) parsed exactly, else a problem of
    /// the row.
    fn amount(&self, kind: Kind, amount: Option<String>, bad: &mut Bad) -> Option<Decimal> {
        let p = self.profile;
        amount.and_then(|a| match parse_amount(&a, p.decimal_mark, &p.thousands) {
            Ok(v) => Some(v),
            Err(m) => {
                let code = if kind == Kind::Rate {
                    Code::BadRate
                } else {
                    Code::BadAmount
                };
                let why = m
                    .strip_prefix(&format!("\"{a}\" "))
                    .unwrap_or(&m)
                    .to_string();
                bad.add(amount_field(kind).as_str(), &a, code, why);
                None
            }
        })
    }
}

impl Table<'_> {
    /// The amount with the profile's `[sign]` column applied (a negative value
    /// negates it; a value that is neither is a problem of the row).
    fn signed(
        &self,
        rec: &StringRecord,
        amount: Option<Decimal>,
        bad: &mut Bad,
    ) -> Option<Decimal> {
        let (Some(i), Some(sign)) = (self.sign, &self.profile.sign) else {
            return amount;
        };
        let v = rec.get(i).map(str::trim).unwrap_or("");
        let f = fold(v);
        if sign.negative.contains(&f) {
            return amount.map(|a| -a);
        }
        if !sign.positive.is_empty() && !sign.positive.contains(&f) {
            bad.add(
                "sign",
                v,
                Code::BadSign,
                "is neither a positive nor a negative value of the profile's [sign] section",
            );
        }
        amount
    }
}

/// Every text longer than its field may hold, as a problem of the row.
fn check_lengths(raw: &[(Field, String)], bad: &mut Bad) {
    for (f, v) in raw {
        let max = f.max_length();
        if longer_than(v, max) {
            bad.add(f.as_str(), v, Code::TooLong, too_long(max));
        }
    }
}

/// The text a row gives for a field, if any.
fn text_of(raw: &[(Field, String)], f: Field) -> Option<String> {
    raw.iter().find(|(g, _)| *g == f).map(|(_, v)| v.clone())
}

/// The field that holds a row's amount: a rate's units per USD, else the amount.
fn amount_field(kind: Kind) -> Field {
    if kind == Kind::Rate {
        Field::PerUsd
    } else {
        Field::Amount
    }
}

/// The texts a row of its kind must give, and the pledge a write-off or reduction
/// names.
struct Needed {
    date: Option<String>,
    amount: Option<String>,
    donor: Option<String>,
    mandate: Option<String>,
    currency: Option<String>,
    pledge_reference: Option<String>,
}

/// The texts a row of this kind needs, each one missing a problem of the row.
fn needed(kind: Kind, raw: &[(Field, String)], bad: &mut Bad) -> Needed {
    let need = |bad: &mut Bad, f: Field, what: &str| -> Option<String> {
        let v = text_of(raw, f);
        if v.is_none() {
            bad.add(
                f.as_str(),
                "",
                Code::MissingValue,
                format!("{} row needs {what}", a(kind.as_str())),
            );
        }
        v
    };
    let date = need(bad, Field::Date, "a date");
    let amount = need(bad, amount_field(kind), "an amount");
    let (donor, mandate, currency) = match kind {
        Kind::WriteOff | Kind::Reduction => (None, None, text_of(raw, Field::Currency)),
        Kind::Rate => (None, None, need(bad, Field::Currency, "a currency")),
        Kind::Pledge | Kind::Payment | Kind::Refund | Kind::InKind => (
            need(bad, Field::Donor, "a donor"),
            need(bad, Field::Mandate, "a mandate"),
            need(bad, Field::Currency, "a currency"),
        ),
        // Never imported: `row_kind` refused them.
        Kind::Ledger
        | Kind::Checkpoint
        | Kind::Reversal
        | Kind::Donor
        | Kind::Mandate
        | Kind::Fund
        | Kind::Agreement
        | Kind::ConditionMet => (None, None, None),
    };
    let pledge_reference = text_of(raw, Field::PledgeReference);
    if matches!(kind, Kind::WriteOff | Kind::Reduction) && pledge_reference.is_none() {
        bad.add(
            "pledge_reference",
            "",
            Code::MissingValue,
            format!("{} row must name its pledge by reference", a(kind.as_str())),
        );
    }
    Needed {
        date,
        amount,
        donor,
        mandate,
        currency,
        pledge_reference,
    }
}

/// A `prior_period` text read as yes or no, else a problem of the row.
fn prior_period(v: &str, bad: &mut Bad) -> Option<bool> {
    let parsed = parse_yes_no(v);
    if parsed.is_none() {
        bad.add(
            "prior_period",
            v,
            Code::BadPriorPeriod,
            "is not true/false or yes/no",
        );
    }
    parsed
}

/// A currency code looked up in ISO 4217, else a problem of the row.
fn currency(c: &str, bad: &mut Bad) -> Option<Currency> {
    let found = Currency::lookup(c);
    if found.is_none() {
        bad.add(
            "currency",
            c,
            Code::UnknownCurrency,
            "is not an ISO 4217 currency code such as USD, EUR, JPY",
        );
    }
    found
}

/// The kind of a row: one an import may record, else a problem of the row.
fn row_kind(text: Option<String>, bad: &mut Bad) -> Option<Kind> {
    let Some(k) = text else {
        bad.add("kind", "", Code::MissingValue, "the row has no kind");
        return None;
    };
    match Kind::parse(&k) {
        Some(kind) if importable(kind) => Some(kind),
        _ => {
            bad.add(
                "kind",
                &k,
                Code::BadKind,
                format!("is not {} (map it under [values.kind])", importable_names()),
            );
            None
        }
    }
}

/// A row's fields, parsed and checked, ready to become an entry.
struct Assembled {
    kind: Kind,
    donor: String,
    mandate: String,
    amount: Decimal,
    currency: Currency,
    date: chrono::NaiveDate,
    due: Option<chrono::NaiveDate>,
    opening: Option<chrono::NaiveDate>,
    outstanding: Option<Decimal>,
    prior_period: bool,
    reference: Option<String>,
    memo: Option<String>,
    source: Option<Box<Source>>,
}

/// The entry a row records, by its kind (one `row_kind` admitted).
fn assemble(a: Assembled) -> Body {
    match a.kind {
        Kind::Pledge => Body::Pledge(Pledge {
            money: Money {
                donor: a.donor.into(),
                mandate: a.mandate.into(),
                amount: a.amount,
                currency: a.currency,
                date: a.date,
            },
            due: a.due,
            opening: a.opening,
            outstanding: a.outstanding,
            in_kind: false,
            notes: Notes {
                reference: a.reference,
                memo: a.memo,
                source: a.source,
            },
            agreement: None,
        }),
        Kind::Payment | Kind::Refund | Kind::InKind => {
            let pay = Payment {
                money: Money {
                    donor: a.donor.into(),
                    mandate: a.mandate.into(),
                    amount: a.amount,
                    currency: a.currency,
                    date: a.date,
                },
                pledge: None,
                prior_period: a.prior_period && a.kind == Kind::Refund,
                notes: Notes {
                    reference: a.reference,
                    memo: a.memo,
                    source: a.source,
                },
            };
            Body::of_payment(a.kind, pay).expect("a payment's kind")
        }
        Kind::WriteOff | Kind::Reduction => {
            let w = WriteOff {
                pledge: 0,
                amount: a.amount,
                currency: a.currency,
                date: a.date,
                notes: Notes {
                    reference: a.reference,
                    memo: a.memo,
                    source: a.source,
                },
            };
            Body::of_write_off(a.kind, w).expect("a write-off's kind")
        }
        Kind::Rate => Body::Rate(Rate {
            currency: a.currency,
            per_usd: a.amount,
            date: a.date,
            source: a.source,
        }),
        Kind::Ledger
        | Kind::Checkpoint
        | Kind::Reversal
        | Kind::Donor
        | Kind::Mandate
        | Kind::Fund
        | Kind::Agreement
        | Kind::ConditionMet => {
            unreachable!("`row_kind` admits only the kinds an import records")
        }
    }
}

/// The problems of one row, collected so that all of them are reported at once.
struct Bad {
    line: u64,
    list: Vec<RowProblem>,
}

impl Bad {
    fn add(&mut self, field: &str, value: &str, code: Code, why: impl Into<String>) {
        self.list.push(RowProblem {
            line: self.line,
            field: Some(field.to_string()),
            value: Some(value.to_string()),
            problem: Problem::new(code, why),
        });
    }
}
