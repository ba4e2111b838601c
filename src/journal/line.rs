//! The line format: one JSON object per line, chained by SHA-256.
//!
//! A line is `{"seq":N,"prev":"<hex>","recorded_at":"<ts>"[,"batch":[i,n]],"kind":...,"hash":"<hex>"}\n`
//! where `hash` is SHA-256 over the exact bytes before `,"hash":` and `prev` is the
//! previous line's `hash` (64 zeros for the header). The fixed prefix lets `verify`
//! check the chain without parsing JSON. Owns encoding and the byte-level checks;
//! never re-serialises a stored line to check it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::entry::Body;
use crate::domain::time::format_timestamp;

pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// `,"hash":"` + 64 hex + `"}`
const SUFFIX_LEN: usize = 9 + 64 + 2;

#[derive(Serialize)]
struct Stored<'a> {
    seq: u64,
    prev: &'a str,
    recorded_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<[u32; 2]>,
    #[serde(flatten)]
    body: &'a Body,
}

/// Encodes one entry as its stored line (with the trailing newline) and returns its hash.
pub fn encode(
    seq: u64,
    prev: &str,
    at: DateTime<Utc>,
    batch: Option<[u32; 2]>,
    body: &Body,
) -> (Vec<u8>, String) {
    let mut bytes = Vec::new();
    let hash = encode_into(&mut bytes, seq, prev, &format_timestamp(at), batch, body);
    (
        bytes,
        String::from_utf8(hash.to_vec()).expect("hex is ASCII"),
    )
}

/// Appends one entry's stored line (with the trailing newline) to `out`, the bytes
/// `encode` makes, and returns its hash as hex. `recorded_at` is the entry's time as
/// `format_timestamp` writes it (a batch shares one).
pub fn encode_into(
    out: &mut Vec<u8>,
    seq: u64,
    prev: &str,
    recorded_at: &str,
    batch: Option<[u32; 2]>,
    body: &Body,
) -> [u8; 64] {
    let stored = Stored {
        seq,
        prev,
        recorded_at,
        batch,
        body,
    };
    let start = out.len();
    serde_json::to_writer(&mut *out, &stored).expect("entries serialise");
    debug_assert_eq!(out.last(), Some(&b'}'));
    out.pop();
    let mut hash = [0u8; 64];
    hex::encode_to_slice(Sha256::digest(&out[start..]), &mut hash).expect("64 hex digits");
    out.extend_from_slice(b",\"hash\":\"");
    out.extend_from_slice(&hash);
    out.extend_from_slice(b"\"}\n");
    hash
}

/// What the fixed prefix and suffix of a stored line say, once its hash is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked<'a> {
    /// The whole line, known to be UTF-8: everything before its hash field, and
    /// that field.
    pub text: (&'a str, &'a str),
    pub seq: u64,
    pub prev: &'a str,
    pub hash: &'a str,
    pub recorded_at: &'a str,
    pub batch: Option<(u32, u32)>,
}

/// Why `check` refuses a line whose bytes are not the ones its hash was made of.
const ALTERED: &str = "its bytes do not match its hash (the entry was altered)";

/// Why the first line is not a ledger header, from `check`'s reason for it: a line
/// whose hash fails is an altered header, not an altered entry.
pub(super) fn not_a_header(reason: &str) -> String {
    if reason == ALTERED {
        "the ledger header was altered (its bytes do not match its hash)".into()
    } else {
        format!("the first line is not a ledger header ({reason})")
    }
}

/// Whether every byte is a hexadecimal digit (either case), looked at without
/// stopping early, so that the loop runs on whole vectors.
fn all_hex(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |ok, b| ok & b.is_ascii_hexdigit())
}

/// Checks one line (without its newline): shape, and that its hash matches its bytes.
pub fn check(line: &[u8]) -> Result<Checked<'_>, String> {
    if line.len() < SUFFIX_LEN + 20 {
        return Err("the line is too short to be an entry".into());
    }
    let (body, suffix) = line.split_at(line.len() - SUFFIX_LEN);
    if !suffix.starts_with(b",\"hash\":\"") || !suffix.ends_with(b"\"}") {
        return Err("the line does not end with its hash".into());
    }
    let suffix = std::str::from_utf8(suffix).map_err(|_| "the hash is not hex".to_string())?;
    let hash = suffix.get(9..73).ok_or("the hash is not hex")?;
    // Compared as stored text (lower-case hex), so that no byte of the hash field
    // can change without failing.
    let mut actual = [0u8; 64];
    hex::encode_to_slice(Sha256::digest(body), &mut actual).expect("64 hex digits");
    if actual != hash.as_bytes() {
        return Err(ALTERED.into());
    }
    let text = std::str::from_utf8(body).map_err(|_| "the line is not UTF-8".to_string())?;
    let rest = text
        .strip_prefix("{\"seq\":")
        .ok_or("the line does not start with its number")?;
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let seq: u64 = rest[..digits]
        .parse()
        .map_err(|_| "the entry number is not a number")?;
    let rest = rest[digits..]
        .strip_prefix(",\"prev\":\"")
        .ok_or("the line has no previous-hash field")?;
    if rest.len() < 66 {
        return Err("the previous-hash field is cut short".into());
    }
    // A line is checked against its own hash only, which anyone can compute: what
    // follows must hold for any bytes, so nothing here may slice inside a character.
    let prev = rest
        .get(..64)
        .filter(|p| all_hex(p.as_bytes()))
        .ok_or("the previous-hash field is not 64 hexadecimal digits")?;
    let rest = rest[64..]
        .strip_prefix("\",\"recorded_at\":\"")
        .ok_or("the line has no recorded_at field")?;
    let end = rest.find('"').ok_or("recorded_at is not closed")?;
    let recorded_at = &rest[..end];
    let rest = &rest[end + 1..];
    let batch = match rest.strip_prefix(",\"batch\":[") {
        None => None,
        Some(b) => {
            let close = b.find(']').ok_or("the batch marker is not closed")?;
            let (i, n) = b[..close]
                .split_once(',')
                .ok_or("the batch marker is malformed")?;
            let i: u32 = i.parse().map_err(|_| "the batch marker is malformed")?;
            let n: u32 = n.parse().map_err(|_| "the batch marker is malformed")?;
            if i == 0 || i > n {
                return Err("the batch marker is malformed".into());
            }
            Some((i, n))
        }
    };
    Ok(Checked {
        text: (text, suffix),
        seq,
        prev,
        hash,
        recorded_at,
        batch,
    })
}

/// Checks a line just encoded, as a reader will: its hash, number, link, batch
/// marker, and a `recorded_at` of the one fixed form (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn check_encoded(
    line: &[u8],
    seq: u64,
    prev: &str,
    batch: Option<[u32; 2]>,
) -> Result<(), String> {
    let body = line
        .strip_suffix(b"\n")
        .filter(|b| !b.contains(&b'\n'))
        .ok_or("the line is not one line")?;
    let c = check(body)?;
    let at = c.recorded_at.as_bytes();
    let fixed = at.len() == 20
        && at.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            10 => *b == b'T',
            13 | 16 => *b == b':',
            19 => *b == b'Z',
            _ => b.is_ascii_digit(),
        });
    if !fixed {
        return Err(format!(
            "recorded_at {:?} is not of the form YYYY-MM-DDTHH:MM:SSZ",
            c.recorded_at
        ));
    }
    if c.seq != seq || c.prev != prev || c.batch != batch.map(|[i, n]| (i, n)) {
        return Err("its number, link or batch marker is not what was meant".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::{FORMAT_NAME, FORMAT_VERSION, Header};

    #[test]
    fn encoded_lines_check_and_any_flip_fails() {
        let body = Body::Ledger(Header {
            format: FORMAT_NAME.into(),
            version: FORMAT_VERSION,
        });
        let (line, hash) = encode(0, ZERO_HASH, chrono::Utc::now(), Some([1, 2]), &body);
        let inner = &line[..line.len() - 1];
        let c = check(inner).unwrap();
        assert_eq!((c.seq, c.hash, c.batch), (0, hash.as_str(), Some((1, 2))));
        for i in 0..inner.len() {
            let mut bad = inner.to_vec();
            bad[i] ^= 0x01;
            assert!(check(&bad).is_err(), "flip at {i} passed");
        }
    }
}
