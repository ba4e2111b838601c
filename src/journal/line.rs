//! The line format: one JSON object per line, chained by SHA-256.
//!
//! A line is `{"seq":N,"prev":"<hex>","recorded_at":"<ts>"[,"batch":[i,n]],"kind":...,"hash":"<hex>"}\n`
//! where `hash` is SHA-256 over the exact bytes before `,"hash":` and `prev` is the
//! previous line's `hash` (64 zeros for the header). The fixed prefix lets `verify`
//! check the chain without parsing JSON. Owns encoding and the byte-level checks;
//! never re-serialises a stored line to check it.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::domain::entry::Body;
use crate::domain::time::format_timestamp;

pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// `,"hash":"` + 64 hex + `"}`
const SUFFIX_LEN: usize = 9 + 64 + 2;

/// The fewest bytes an entry's line takes: `{"seq":N,"prev":"<64>","recorded_at":"`,
/// a time of 20 characters, its kind (four letters at least) and the fields it
/// requires, its hash field and the line break: over 200 bytes, whatever the kind.
pub const SHORTEST_LINE: u64 = 200;

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
    let start = out.len();
    prefix(out, seq, prev, recorded_at, batch);
    // The body's object follows the prefix as its further fields: its opening
    // brace becomes the comma between them, its closing one the hash's place.
    let open = out.len();
    encode_body(out, body);
    out[open] = b',';
    out.pop();
    finish(out, start)
}

/// Appends a body's JSON object, the fields its stored line holds after the fixed
/// prefix (`"kind"` first), for `encode_with_body`: a writer staging many entries
/// keeps these bytes instead of the entries, and makes the lines once it knows the
/// batch's size.
pub fn encode_body(out: &mut Vec<u8>, body: &Body) {
    serde_json::to_writer(&mut *out, body).expect("entries serialise");
    debug_assert!(out.ends_with(b"}"));
}

/// `encode_into` for a body already encoded by `encode_body`: the same bytes.
pub fn encode_with_body(
    out: &mut Vec<u8>,
    seq: u64,
    prev: &str,
    recorded_at: &str,
    batch: Option<[u32; 2]>,
    body: &[u8],
) -> [u8; 64] {
    let fields = body
        .strip_prefix(b"{")
        .and_then(|b| b.strip_suffix(b"}"))
        .expect("a body's JSON object");
    let start = out.len();
    prefix(out, seq, prev, recorded_at, batch);
    out.push(b',');
    out.extend_from_slice(fields);
    finish(out, start)
}

/// `{"seq":N,"prev":"<hex>","recorded_at":"<ts>"[,"batch":[i,n]]`: nothing in it
/// needs escaping (a number, hex digits, a timestamp).
fn prefix(out: &mut Vec<u8>, seq: u64, prev: &str, recorded_at: &str, batch: Option<[u32; 2]>) {
    use std::io::Write;
    let written = write!(
        out,
        "{{\"seq\":{seq},\"prev\":\"{prev}\",\"recorded_at\":\"{recorded_at}\""
    )
    .and_then(|()| match batch {
        Some([i, n]) => write!(out, ",\"batch\":[{i},{n}]"),
        None => Ok(()),
    });
    written.expect("writing to memory does not fail");
}

/// Hashes the line begun at `start` and ends it with its hash and the newline.
fn finish(out: &mut Vec<u8>, start: usize) -> [u8; 64] {
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
    /// The entry is a checkpoint stored as `encode` writes one (its kind right
    /// after the chain's fields): the only form a writer trusts, and the form
    /// `verify` checks against the lines before it.
    pub checkpoint: bool,
}

/// How a checkpoint's body begins, right after the chain's fields.
pub const CHECKPOINT_KIND: &str = ",\"kind\":\"checkpoint\"";

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
    let (body, _, hash) = split(line)?;
    // Compared as stored text (lower-case hex), so that no byte of the hash field
    // can change without failing.
    let mut actual = [0u8; 64];
    hex::encode_to_slice(Sha256::digest(body), &mut actual).expect("64 hex digits");
    if actual != hash.as_bytes() {
        return Err(ALTERED.into());
    }
    fields(line)
}

/// A line's body, its hash field and the hash in it.
fn split(line: &[u8]) -> Result<(&[u8], &str, &str), String> {
    if line.len() < SUFFIX_LEN + 20 {
        return Err("the line is too short to be an entry".into());
    }
    let (body, suffix) = line.split_at(line.len() - SUFFIX_LEN);
    if !suffix.starts_with(b",\"hash\":\"") || !suffix.ends_with(b"\"}") {
        return Err("the line does not end with its hash".into());
    }
    let suffix = std::str::from_utf8(suffix).map_err(|_| "the hash is not hex".to_string())?;
    let hash = suffix.get(9..73).ok_or("the hash is not hex")?;
    Ok((body, suffix, hash))
}

/// What `check` reads of a line once its hash is checked.
fn fields(line: &[u8]) -> Result<Checked<'_>, String> {
    let (body, suffix, hash) = split(line)?;
    let text = std::str::from_utf8(body).map_err(|_| "the line is not UTF-8".to_string())?;
    parse(text, (text, suffix), hash)
}

/// What `check` reads of a line, without hashing it and without looking further
/// into it than its number, link, time and batch marker (its `text` is left
/// empty): for a line whose bytes a read does not use, once an earlier read of the
/// same command checked its hash (its link to the lines before and after is still
/// checked by the reader).
pub fn glimpse(line: &[u8]) -> Result<Checked<'_>, String> {
    let (body, suffix, hash) = split(line)?;
    // The fields end with the quote that closes `recorded_at`, whose value starts
    // at a fixed place after the number's digits (`{"seq":N,"prev":"<64>","recorded_at":"`),
    // or with a batch marker right after it; only those bytes need be UTF-8. A
    // line not in that form is read whole.
    let digits = body
        .get(7..)
        .map_or(0, |b| b.iter().take_while(|c| c.is_ascii_digit()).count());
    let start = 7 + digits + 9 + 64 + 17;
    let end = body
        .get(start..)
        .and_then(|b| memchr::memchr(b'"', b))
        .map(|i| start + i + 1);
    let end = end.map(|e| match body[e..].starts_with(b",\"batch\":[") {
        true => memchr::memchr(b']', &body[e..]).map_or(body.len(), |i| e + i + 1),
        false => e,
    });
    match end.and_then(|e| std::str::from_utf8(&body[..e]).ok()) {
        Some(head) => parse(head, ("", suffix), hash).or_else(|_| fields(line)),
        None => fields(line),
    }
}

/// The number, link, time and batch marker at the start of `text`.
fn parse<'a>(
    text: &'a str,
    whole: (&'a str, &'a str),
    hash: &'a str,
) -> Result<Checked<'a>, String> {
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
    // What follows the chain's fields: the batch marker, if any, then the kind.
    let (batch, kind_at) = match rest.strip_prefix(",\"batch\":[") {
        None => (None, rest),
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
            (Some((i, n)), &b[close + 1..])
        }
    };
    Ok(Checked {
        text: whole,
        seq,
        prev,
        hash,
        recorded_at,
        batch,
        checkpoint: kind_at.starts_with(CHECKPOINT_KIND),
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

    /// The serde form of a line's prefix and body, as lines were first encoded: the
    /// oracle for the bytes `encode_into` and `encode_with_body` write.
    #[derive(serde::Serialize)]
    struct Stored<'a> {
        seq: u64,
        prev: &'a str,
        recorded_at: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        batch: Option<[u32; 2]>,
        #[serde(flatten)]
        body: &'a Body,
    }

    #[test]
    fn lines_are_the_bytes_serde_gives_the_entry_in_either_way_of_encoding() {
        let bodies = [
            r#"{"kind":"ledger","format":"contributions-ledger","version":1}"#,
            r#"{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"100.50","currency":"USD","date":"2025-01-01"}"#,
            r#"{"kind":"pledge","donor":"Cr\u00e8me \"Br\u00fbl\u00e9e\"\\ Fund","mandate":"icat","amount":"7","currency":"JPY","date":"2025-01-01","due":"2025-06-30","opening":"2024-12-31","outstanding":"3","in_kind":true,"reference":"R/1\t2","memo":"line\nbreak \u0001 \u2028 \ud83d\ude00","source":{"file":"a \"b\".csv","sha256":"ab","row":12,"profile":"ceb"},"agreement":"AG-1"}"#,
            r#"{"kind":"payment","donor":"USA","mandate":"gp","amount":"-0.001","currency":"KWD","date":"2025-02-01","pledge":3,"prior_period":true,"reference":"x","memo":"y"}"#,
            r#"{"kind":"refund","donor":"USA","mandate":"gp","amount":"1","currency":"USD","date":"2025-02-01","prior_period":true}"#,
            r#"{"kind":"in-kind","donor":"USA","mandate":"gp","amount":"1","currency":"USD","date":"2025-02-01","pledge":4,"memo":"an expert"}"#,
            r#"{"kind":"write-off","pledge":2,"amount":"5","currency":"USD","date":"2025-03-01","memo":"approved"}"#,
            r#"{"kind":"reduction","pledge":2,"amount":"5","currency":"USD","date":"2025-03-01","reference":"n"}"#,
            r#"{"kind":"reversal","entry":3,"reason":"wrong \"one\""}"#,
            r#"{"kind":"rate","currency":"EUR","per_usd":"0.9","date":"2025-01-01","source":{"file":"r.csv","sha256":"cd","row":2,"profile":"rates"}}"#,
            r#"{"kind":"donor","code":"GF","name":"Gates","category":"private-sector","aliases":["BMGF","Gates F."]}"#,
            r#"{"kind":"mandate","slug":"new","name":"New","earmarking":"softly-earmarked","fund":"UNDCP"}"#,
            r#"{"kind":"fund","code":"NEW","name":"A fund"}"#,
            r#"{"kind":"agreement","code":"AG-1","donor":"JPN","mandate":"icat","currency":"USD","signed":"2009-01-01","title":"Phase \u00e9","conditional":true}"#,
            r#"{"kind":"condition-met","agreement":"AG-1","date":"2009-02-01","memo":"m"}"#,
        ];
        let demo = include_str!("../../ledgers/demo.jsonl");
        let mut checked = 0;
        for (i, text) in bodies.iter().copied().chain(demo.lines()).enumerate() {
            let body: Body = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            for batch in [None, Some([7, 4_000_000_000])] {
                let (seq, prev, at) = (
                    i as u64 * 999_999_999,
                    "0f".repeat(32),
                    "2025-01-02T03:04:05Z",
                );
                let mut want = serde_json::to_vec(&Stored {
                    seq,
                    prev: &prev,
                    recorded_at: at,
                    batch,
                    body: &body,
                })
                .unwrap();
                want.pop();
                let hash = hex::encode(Sha256::digest(&want));
                want.extend_from_slice(format!(",\"hash\":\"{hash}\"}}\n").as_bytes());
                let mut direct = b"kept".to_vec();
                let h1 = encode_into(&mut direct, seq, &prev, at, batch, &body);
                let mut json = Vec::new();
                encode_body(&mut json, &body);
                let mut staged = b"kept".to_vec();
                let h2 = encode_with_body(&mut staged, seq, &prev, at, batch, &json);
                assert_eq!(
                    String::from_utf8_lossy(&direct[4..]),
                    String::from_utf8_lossy(&want),
                    "{text}"
                );
                assert_eq!(direct, staged, "{text}");
                assert_eq!((h1, h2), (hash.as_bytes().try_into().unwrap(), h1));
                checked += 1;
            }
        }
        // Every line of the demo ledger is read back to its own bytes too.
        for line in demo.lines() {
            let c = check(line.as_bytes()).unwrap();
            let body: Body = serde_json::from_str(line).unwrap();
            let batch = c.batch.map(|(i, n)| [i, n]);
            let mut again = Vec::new();
            encode_into(&mut again, c.seq, c.prev, c.recorded_at, batch, &body);
            assert_eq!(String::from_utf8_lossy(&again), format!("{line}\n"));
        }
        assert!(checked > 600);
    }

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

    /// A glimpse of a line gives what `check` gives of it but its text, without
    /// hashing it: for numbers of any width, with and without a batch marker, with
    /// texts that are not ASCII after the fields; and an altered line still glimpses
    /// (its hash is not looked at) where `check` refuses it.
    #[test]
    fn a_glimpse_reads_the_fields_check_reads_without_the_hash() {
        let at: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let body: Body = serde_json::from_str(
            r#"{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"1","currency":"USD","date":"2025-01-01","memo":"caf\u00e9 \u2028"}"#,
        )
        .unwrap();
        let prev = "ab".repeat(32);
        for seq in [1, 9, 10, 12_345_678, u64::MAX] {
            for batch in [None, Some([1, 3]), Some([123_456, 654_321])] {
                let (line, _) = encode(seq, &prev, at, batch, &body);
                let line = &line[..line.len() - 1];
                let (c, g) = (check(line).unwrap(), glimpse(line).unwrap());
                assert_eq!(
                    (g.seq, g.prev, g.hash, g.recorded_at, g.batch, g.text.0),
                    (c.seq, c.prev, c.hash, c.recorded_at, c.batch, "")
                );
                assert_eq!((g.seq, g.batch), (seq, batch.map(|[i, n]| (i, n))));
                let altered = String::from_utf8(line.to_vec())
                    .unwrap()
                    .replace("JPN", "DEU");
                assert_eq!(glimpse(altered.as_bytes()).unwrap().seq, seq);
                assert_eq!(check(altered.as_bytes()).unwrap_err(), ALTERED);
            }
        }
        // Not in the form `encode` writes: the error `check` gives, or none.
        assert_eq!(
            glimpse(b"{\"seq\":1}").unwrap_err(),
            check(b"{\"seq\":1}").unwrap_err()
        );
    }
}
