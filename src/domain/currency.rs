//! Currencies and their minor units (ISO 4217), and exact decimal amounts in them.
//!
//! Owns: the built-in currency table, parsing an amount typed by a user or found in
//! a file, and the one rounding rule money uses. Does not convert between currencies
//! (that needs rates: see `rates`).

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_decimal::{Decimal, RoundingStrategy};

const ISO4217: &str = include_str!("../../data/iso4217.csv");

/// A currency that money can be held in: its ISO code and how many decimals it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

impl Currency {
    pub const USD: Currency = Currency {
        code: *b"USD",
        minor_units: 2,
    };

    /// Looks a code up in the ISO 4217 table (case-insensitive). Codes without minor
    /// units (gold, SDR and the like) are not money currencies and are not found.
    pub fn lookup(code: &str) -> Option<Currency> {
        // A code as stored (three capital letters), found without a new string: every
        // entry read names one.
        if let &[a, b, c] = code.as_bytes()
            && [a, b, c].iter().all(u8::is_ascii_uppercase)
        {
            return by_letters().get(&[a, b, c]).copied();
        }
        table()
            .get(code.trim().to_ascii_uppercase().as_str())
            .copied()
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).expect("currency codes are ASCII")
    }

    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }

    /// Rounds half away from zero to this currency's minor unit: the one rounding rule.
    pub fn round(&self, amount: Decimal) -> Decimal {
        let mut r = amount
            .round_dp_with_strategy(self.minor_units(), RoundingStrategy::MidpointAwayFromZero);
        r.rescale(self.minor_units());
        r
    }

    /// Rounds by the same rule (half away from zero) to whole units of the currency:
    /// the CEB's revenue tables are in whole US dollars.
    pub fn round_whole(&self, amount: Decimal) -> Decimal {
        let mut r = amount.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(0);
        r
    }

    /// Formats an amount with exactly this currency's decimals ("1234.50").
    pub fn format(&self, amount: Decimal) -> String {
        let mut a = amount;
        a.rescale(self.minor_units());
        // A zero has no sign: a sum of zeros can carry one (a refund worth less than
        // a cent, negated), and "-0.00" would read as money owed.
        if a.is_zero() {
            a.set_sign_positive(true);
        }
        a.to_string()
    }

    /// Formats with thousands separators for people ("1,234,567.50").
    pub fn format_grouped(&self, amount: Decimal) -> String {
        group_thousands(&self.format(amount))
    }

    /// Checks that `amount` has no more decimals than the currency allows and returns it
    /// scaled to exactly the currency's decimals.
    pub fn exact(&self, amount: Decimal) -> Result<Decimal, String> {
        let normal = amount.normalize();
        if normal.scale() > self.minor_units() {
            return Err(format!(
                "{} allows {} decimal{}; {} has {}",
                self.code(),
                self.minor_units(),
                if self.minor_units() == 1 { "" } else { "s" },
                amount,
                normal.scale()
            ));
        }
        let mut a = normal;
        a.rescale(self.minor_units());
        Ok(a)
    }

    pub fn all() -> impl Iterator<Item = Currency> {
        let mut v: Vec<Currency> = table().values().copied().collect();
        v.sort();
        v.into_iter()
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Currency::lookup(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown currency {s:?}")))
    }
}

/// The table by the three letters of each code.
fn by_letters() -> &'static rustc_hash::FxHashMap<[u8; 3], Currency> {
    static BY_LETTERS: OnceLock<rustc_hash::FxHashMap<[u8; 3], Currency>> = OnceLock::new();
    BY_LETTERS.get_or_init(|| table().values().map(|c| (c.code, *c)).collect())
}

fn table() -> &'static HashMap<String, Currency> {
    static TABLE: OnceLock<HashMap<String, Currency>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        let mut rdr = csv::Reader::from_reader(ISO4217.as_bytes());
        for rec in rdr.records() {
            let rec = rec.expect("built-in currency table is valid CSV");
            let (code, minor) = (&rec[0], &rec[2]);
            if let (Ok(minor), true) = (minor.parse::<u8>(), code.len() == 3) {
                let b = code.as_bytes();
                map.insert(
                    code.to_string(),
                    Currency {
                        code: [b[0], b[1], b[2]],
                        minor_units: minor,
                    },
                );
            }
        }
        map
    })
}

/// Parses a plain decimal amount as typed on the command line ("250000", "1234.50",
/// "-12.5"). No thousands separators, no exponent: what is typed is what is stored.
/// The one grammar of amounts, which import uses too once it has taken out an
/// export's separators: an optional sign, at least one digit, then optionally a
/// decimal point and digits (".5" is refused, as exports never write it).
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let body = t
        .strip_prefix('-')
        .or_else(|| t.strip_prefix('+'))
        .unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let valid = !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit());
    if !valid {
        return Err(format!(
            "{} is not a number (use digits and a decimal point, e.g. 1234.50)",
            crate::domain::problem::shown(text)
        ));
    }
    Decimal::from_str_exact(t).map_err(|_| {
        format!(
            "{} is too large or has too many digits",
            crate::domain::problem::shown(text)
        )
    })
}

/// Inserts `,` between groups of three digits in the integer part of a plain number.
pub fn group_thousands(plain: &str) -> String {
    let mut out = String::new();
    group_thousands_into(plain, &mut out);
    out
}

/// Appends `plain` grouped by thousands (`group_thousands`) to `out`.
pub fn group_thousands_into(plain: &str, out: &mut String) {
    let (sign, rest) = plain
        .strip_prefix('-')
        .map(|r| ("-", r))
        .unwrap_or(("", plain));
    let (int, frac) = rest
        .split_once('.')
        .map(|(i, f)| (i, Some(f)))
        .unwrap_or((rest, None));
    out.reserve(plain.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
}

/// A sanity bound: no single contribution is a quadrillion. Past this, the number
/// is a typing or mapping error, and limiting it keeps every sum far from overflow.
pub fn max_amount() -> Decimal {
    Decimal::from(1_000_000_000_000_000i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_code_is_found_as_any_other_spelling_of_it() {
        assert!(table().len() > 150);
        for (code, c) in table() {
            assert_eq!(Currency::lookup(code), Some(*c));
            assert_eq!(Currency::lookup(&code.to_lowercase()), Some(*c));
            assert_eq!(Currency::lookup(&format!(" {code} ")), Some(*c));
        }
        for missing in ["XAU", "ZZZ", "US", "USDX", ""] {
            assert_eq!(Currency::lookup(missing), None, "{missing}");
        }
    }

    #[test]
    fn minor_units_come_from_the_table() {
        assert_eq!(Currency::lookup("jpy").unwrap().minor_units(), 0);
        assert_eq!(Currency::lookup("KWD").unwrap().minor_units(), 3);
        assert!(Currency::lookup("XAU").is_none());
        assert!(Currency::lookup("ZZZ").is_none());
    }

    #[test]
    fn exact_refuses_extra_decimals_and_pads() {
        let usd = Currency::USD;
        assert!(usd.exact(parse_decimal("100.005").unwrap()).is_err());
        assert_eq!(
            usd.format(usd.exact(parse_decimal("100.5").unwrap()).unwrap()),
            "100.50"
        );
        assert_eq!(
            usd.exact(parse_decimal("100.500").unwrap())
                .unwrap()
                .to_string(),
            "100.50"
        );
        let jpy = Currency::lookup("JPY").unwrap();
        assert!(jpy.exact(parse_decimal("10.5").unwrap()).is_err());
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        let usd = Currency::USD;
        assert_eq!(
            usd.round(parse_decimal("0.125").unwrap()).to_string(),
            "0.13"
        );
        assert_eq!(
            usd.round(parse_decimal("-0.125").unwrap()).to_string(),
            "-0.13"
        );
        assert_eq!(
            usd.round(parse_decimal("0.124").unwrap()).to_string(),
            "0.12"
        );
    }

    #[test]
    fn whole_units_round_half_away_from_zero() {
        let usd = Currency::USD;
        for (x, want) in [
            ("20000.50", "20001"),
            ("-20000.50", "-20001"),
            ("10000.49", "10000"),
            ("-0.40", "0"),
            ("57111000.00", "57111000"),
        ] {
            assert_eq!(
                usd.round_whole(parse_decimal(x).unwrap()).to_string(),
                want,
                "{x}"
            );
        }
    }

    #[test]
    fn parse_rejects_what_is_not_a_plain_number() {
        for bad in ["", "abc", "1,000", "1e5", "1.2.3", "--1", "."] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }
}
