//! Dates and timestamps as the ledger writes and reads them.
//!
//! Owns: the one timestamp format of `recorded_at` (RFC 3339, UTC, whole seconds,
//! so that stored timestamps compare as text), date parsing with clear messages,
//! and `--as-of` parsing.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, TimeZone, Utc};

use super::problem::shown;

pub fn format_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The times an entry may be recorded at: from 2000 to the end of 2199. Outside
/// that, a clock is wrong (or `LEDGER_NOW` mistyped); such a time would also not
/// keep the fixed 20-character form that lets stored timestamps compare as text.
pub fn check_recording_time(t: DateTime<Utc>) -> Result<(), String> {
    let first = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single();
    let last = Utc.with_ymd_and_hms(2199, 12, 31, 23, 59, 59).single();
    if first.is_some_and(|f| t < f) || last.is_some_and(|l| t > l) {
        return Err(format!(
            "{}, which is not a plausible time to record an entry (2000-01-01 to 2199-12-31, UTC); check the system clock or LEDGER_NOW",
            format_timestamp(t)
        ));
    }
    Ok(())
}

/// Truncates to whole seconds, the precision the journal keeps.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_opt(t.timestamp(), 0).single().unwrap_or(t)
}

pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!(
                "{} is not an RFC 3339 timestamp such as 2009-10-15T12:00:00Z ({e})",
                shown(text)
            )
        })
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    // Exactly YYYY-MM-DD: chrono alone would also take "2008-8-1" or "+2008-08-01",
    // and read "08-08-01" as the year 8.
    let b = t.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!(
            "{} is not a date of the form YYYY-MM-DD",
            shown(text)
        ));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("{} is not a date in the calendar", shown(text)))
}

/// `--as-of`: a date means the end of that day (UTC); else an RFC 3339 timestamp.
/// Either must fall in the years 1945 to 2199, like every date of a ledger.
pub fn parse_as_of(text: &str) -> Result<DateTime<Utc>, String> {
    let t = match parse_date(text) {
        Ok(d) => Utc.from_utc_datetime(&d.and_hms_opt(23, 59, 59).expect("valid time")),
        Err(_) => parse_timestamp(text).map_err(|_| {
            format!(
                "{} is neither a date (YYYY-MM-DD) nor an RFC 3339 timestamp",
                shown(text)
            )
        })?,
    };
    if !(1945..=2199).contains(&t.year()) {
        return Err(format!("{} is outside the years 1945 to 2199", shown(text)));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_exactly_yyyy_mm_dd() {
        assert!(parse_date("2008-08-01").is_ok());
        for bad in [
            "2008-8-1",
            "+2008-08-01",
            "08-08-01",
            "2008/08/01",
            "2008-08-01x",
            "yesterday",
        ] {
            assert!(parse_date(bad).unwrap_err().contains("YYYY-MM-DD"), "{bad}");
        }
        assert!(
            parse_date("2009-02-30")
                .unwrap_err()
                .contains("not a date in the calendar")
        );
    }
}
