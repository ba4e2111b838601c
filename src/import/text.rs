//! The text inside an export: its encoding, its numbers and its dates.
//!
//! Owns: turning file bytes into text (byte-order marks, UTF-8, UTF-16, legacy
//! encodings), amounts as exports write them (decimal comma, thousands separators,
//! `-1,234.00`, `(1,234.00)`, `1,234.00-`), and dates in a profile's formats. Every
//! parse is exact or an error saying why; nothing is guessed or rounded.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Decodes a file (borrowing it when it is UTF-8 already). An error that concerns
/// one line starts with its number and a colon (`"7: byte 0xF4 ..."`), so that
/// callers can prefix the file name.
/// A byte-order mark always decides (UTF-8, UTF-16 LE/BE); without
/// one the profile's encoding is used, and UTF-8 must be valid UTF-8.
pub fn decode<'a>(
    bytes: &'a [u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<Cow<'a, str>, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, 0);
    }
    for (bom, enc) in [
        (b"\xFF\xFE", encoding_rs::UTF_16LE),
        (b"\xFE\xFF", encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return strict(enc, rest);
        }
    }
    if encoding == encoding_rs::UTF_8 {
        if looks_like_utf16(bytes) {
            return Err(
                "the file looks like UTF-16 text without a byte-order mark; set [csv] encoding = \"utf-16le\" (or \"utf-16be\") in the profile".into(),
            );
        }
        if let Some(at) = bytes.iter().position(|b| *b == 0) {
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            return Err(format!(
                "{line}: byte 0x00 is not text; the file is not a CSV export (a binary file?)"
            ));
        }
        return utf8(bytes, 0);
    }
    strict(encoding, bytes)
}

/// UTF-16 text of mostly ASCII characters has a zero byte in every other place:
/// zeros crowd on one side (odd places for LE, even for BE), where random binary
/// bytes scatter the few zeros they have.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let zeros = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    let (more, fewer) = (even.max(odd), even.min(odd));
    more > 1 && more * 8 >= head.len() && fewer * 4 <= more
}

fn utf8(bytes: &[u8], _: usize) -> Result<Cow<'_, str>, String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            Err(format!(
                "{line}: byte 0x{:02X} is not UTF-8; if the file was saved by Excel or an older system, set [csv] encoding = \"windows-1252\" in the profile",
                bytes[at]
            ))
        }
    }
}

fn strict<'a>(
    enc: &'static encoding_rs::Encoding,
    bytes: &'a [u8],
) -> Result<Cow<'a, str>, String> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| format!("the file is not valid {} text", enc.name()))
}

/// Is `c` one of the separators named (a plain space also stands for the no-break
/// spaces that spreadsheets write)?
fn is_separator(c: char, thousands: &[String]) -> bool {
    thousands.iter().any(|t| {
        let mut it = t.chars();
        match (it.next(), it.next()) {
            (Some(s), None) => {
                s == c || (s == ' ' && matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2009}'))
            }
            _ => false,
        }
    })
}

/// Parses an amount as an export writes it. Thousands separators must group digits
/// by three before the decimal mark: `1,23` is refused rather than read as 123.
pub fn parse_amount(
    text: &str,
    decimal_mark: char,
    thousands: &[String],
) -> Result<Decimal, String> {
    let t = text.trim();
    let shape = || {
        let seps: Vec<String> = thousands
            .iter()
            .map(|s| match s.as_str() {
                " " => "space".to_string(),
                other => format!("{other:?}"),
            })
            .collect();
        format!(
            "is not an amount (decimal mark {decimal_mark:?}{})",
            if seps.is_empty() {
                ", no thousands separators".to_string()
            } else {
                format!(", thousands separators {}", seps.join(" "))
            }
        )
    };
    let (negative, body) =
        if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            (true, inner.trim())
        } else if let Some(r) = t.strip_prefix('-') {
            (true, r.trim_start())
        } else if let Some(r) = t.strip_suffix('-') {
            (true, r.trim_end())
        } else {
            (false, t.strip_prefix('+').unwrap_or(t))
        };
    let (int, frac) = match body.split_once(decimal_mark) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut groups: Vec<&str> = int.split(|c| is_separator(c, thousands)).collect();
    if groups.len() == 1 {
        groups = vec![int];
    }
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let grouped_ok = groups.len() == 1
        || (digits(groups[0])
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3 && digits(g)));
    let frac_ok = frac.is_none_or(|f| f.is_empty() || f.chars().all(|c| c.is_ascii_digit()));
    if !grouped_ok || !digits(&groups.concat()) || !frac_ok {
        return Err(format!("\"{text}\" {}", shape()));
    }
    let mut plain = String::with_capacity(body.len() + 1);
    if negative {
        plain.push('-');
    }
    plain.push_str(&groups.concat());
    if let Some(f) = frac.filter(|f| !f.is_empty()) {
        plain.push('.');
        plain.push_str(f);
    }
    crate::domain::currency::parse_decimal(&plain)
        .map_err(|_| format!("\"{text}\" has too many digits"))
}

/// Parses a date with the first of `formats` that fits. `%Y-%m-%d` (the canonical
/// profile's) means exactly YYYY-MM-DD, as `ledger record` reads dates; `%Y` alone
/// reads a year as its last day, 31 December (annual revenue tables give only the
/// year); other chrono formats are read as chrono reads them, but never a date with
/// a sign (`+2009`; a minus sign makes a year before 1945, which the ledger refuses
/// anyway).
pub fn parse_date(text: &str, formats: &[String]) -> Result<NaiveDate, String> {
    let t = text.trim();
    if !t.starts_with('-') && !t.contains('+') {
        for f in formats {
            let d = match f.as_str() {
                "%Y-%m-%d" => crate::domain::time::parse_date(t).ok(),
                "%Y" => (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| t.parse::<i32>().ok())
                    .flatten()
                    .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)),
                _ => NaiveDate::parse_from_str(t, f).ok(),
            };
            if let Some(d) = d {
                return Ok(d);
            }
        }
    }
    Err(format!(
        "is not a date in the profile's format{} {}",
        if formats.len() == 1 { "" } else { "s" },
        formats.join(" or ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seps(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn amounts_in_the_forms_exports_write() {
        let comma = seps(&[","]);
        let dot_space = seps(&[".", " "]);
        for (text, mark, th, want) in [
            ("1,234.50", '.', &comma, "1234.50"),
            ("-1,234.00", '.', &comma, "-1234.00"),
            ("(1,234.00)", '.', &comma, "-1234.00"),
            ("1,234.00-", '.', &comma, "-1234.00"),
            ("1.234.567,89", ',', &dot_space, "1234567.89"),
            ("1 234 567,89", ',', &dot_space, "1234567.89"),
            ("1\u{a0}234,5", ',', &dot_space, "1234.5"),
            ("250000", '.', &comma, "250000"),
        ] {
            assert_eq!(
                parse_amount(text, mark, th).unwrap().to_string(),
                want,
                "{text}"
            );
        }
        for bad in ["1,23", "1.234,50", "12a", "", "--1", "1,2345.00"] {
            assert!(parse_amount(bad, '.', &comma).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_have_no_sign_and_the_canonical_format_is_exact() {
        let iso = seps(&["%Y-%m-%d"]);
        let dotted = seps(&["%d.%m.%Y"]);
        assert!(parse_date("2009-01-01", &iso).is_ok());
        for bad in ["+2009-01-01", "2009-1-1", "-2009-01-01", "20090-01-01"] {
            assert!(parse_date(bad, &iso).is_err(), "{bad}");
        }
        assert!(parse_date("1.1.2009", &dotted).is_ok());
        for bad in ["01.01.+2009", "+01.01.2009"] {
            assert!(parse_date(bad, &dotted).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_year_alone_is_its_last_day() {
        let year = vec!["%Y".to_string()];
        assert_eq!(
            parse_date("2024", &year).unwrap(),
            NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
        );
        for bad in ["24", "2024-01", "20x4", ""] {
            assert!(parse_date(bad, &year).is_err(), "{bad}");
        }
    }

    #[test]
    fn decoding_honours_byte_order_marks() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFa,b", encoding_rs::UTF_8).unwrap(),
            "a,b"
        );
        assert_eq!(decode(b"\xFF\xFEa\0,\0", encoding_rs::UTF_8).unwrap(), "a,");
        assert_eq!(
            decode(b"C\xF4te", encoding_rs::WINDOWS_1252).unwrap(),
            "C\u{f4}te"
        );
        assert!(decode(b"C\xF4te", encoding_rs::UTF_8).is_err());
    }
}
