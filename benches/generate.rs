//! The synthetic-ledger generator: a valid ledger of N entries, written fast, and a
//! canonical import CSV to go with it.
//!
//! Owns: the mix of a large ledger (monthly rates for eleven currencies, added
//! mandates, pledges, payments naming a pledge or not, refunds, write-offs,
//! reversals) over the built-in member states, value dates 2000 to 2011 and
//! `recorded_at` never decreasing. Lines are encoded with `journal::encode` and
//! chained here directly, without `Writer`, so a million entries take seconds; the
//! rules `record` enforces are kept by construction (amounts in each currency's
//! minor units, write-offs within what is outstanding, reversals only of live
//! payments). Does not measure anything (see `ledger.rs`).

use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use ledger::domain::entry::{
    Body, FORMAT_NAME, FORMAT_VERSION, Header, Payment, Pledge, Rate, Reversal, WriteOff,
};
use ledger::domain::register::{DonorCategory, Earmarking, Mandate, Register};
use ledger::domain::{Currency, Kind};
use ledger::journal::{ZERO_HASH, encode};
use rust_decimal::Decimal;

/// SplitMix64: a few lines, deterministic, fast enough for millions of draws.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Currency code and a typical rate per USD in thousandths (drifts a little monthly).
const CURRENCIES: &[(&str, i64)] = &[
    ("USD", 1_000),
    ("EUR", 720),
    ("GBP", 600),
    ("JPY", 95_000),
    ("SEK", 7_000),
    ("NOK", 6_000),
    ("CHF", 1_050),
    ("AUD", 1_150),
    ("CAD", 1_100),
    ("DKK", 5_400),
    ("KWD", 285),
];

const FIRST_DAY: (i32, u32, u32) = (2000, 1, 1);
const LAST_DAY: (i32, u32, u32) = (2011, 12, 31);
const ADDED_MANDATES: usize = 20;
/// Donors whose payments always name their pledge: only their pledges are written
/// off, so that a write-off provably fits what is outstanding.
const NAMING_EVERY: usize = 8;

#[derive(Clone)]
struct OpenPledge {
    seq: u64,
    donor: u32,
    mandate: u32,
    currency: u8,
    date: NaiveDate,
    /// In minor units: the amount less named payments and write-offs so far.
    left: i64,
}

#[derive(Clone)]
struct LivePayment {
    seq: u64,
    donor: u32,
    mandate: u32,
    currency: u8,
    units: i64,
}

/// What was generated: the last entry's time and the head, for the bench's messages.
#[derive(Debug)]
pub struct Generated {
    pub entries: u64,
    pub bytes: u64,
    pub last_recorded_at: DateTime<Utc>,
    pub head: String,
    pub counts: Vec<(Kind, u64)>,
}

struct Out<W: Write> {
    w: W,
    seq: u64,
    last_at: DateTime<Utc>,
    prev: String,
    bytes: u64,
    counts: [u64; 9],
}

impl<W: Write> Out<W> {
    fn put(&mut self, at: DateTime<Utc>, body: &Body) -> u64 {
        let (line, hash) = encode(self.seq, &self.prev, at, None, body);
        self.w.write_all(&line).expect("write synthetic ledger");
        self.bytes += line.len() as u64;
        self.prev = hash;
        self.last_at = at;
        let k = Kind::ALL
            .iter()
            .position(|k| *k == body.kind())
            .expect("kind");
        self.counts[k] += 1;
        self.seq += 1;
        self.seq - 1
    }
}

fn day(d: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.0, d.1, d.2).expect("date")
}

fn currency(i: u8) -> Currency {
    Currency::lookup(CURRENCIES[i as usize].0).expect("known currency")
}

/// Member states of the built-in register (their codes).
pub fn donor_codes() -> Vec<String> {
    Register::builtin()
        .donors()
        .filter(|d| d.category == DonorCategory::MemberState)
        .map(|d| d.code.clone())
        .collect()
}

pub fn mandate_slugs() -> Vec<String> {
    let mut v: Vec<String> = Register::builtin()
        .mandates()
        .map(|m| m.slug.clone())
        .collect();
    v.extend((1..=ADDED_MANDATES).map(|i| format!("project-{i:03}")));
    v
}

/// Writes a ledger of `n` entries (plus its header) at `path`.
pub fn ledger(path: &Path, n: u64, seed: u64) -> Generated {
    let file = std::fs::File::create(path).expect("create synthetic ledger");
    let mut out = Out {
        w: BufWriter::with_capacity(1 << 20, file),
        seq: 0,
        last_at: Utc.timestamp_opt(0, 0).unwrap(),
        prev: ZERO_HASH.to_string(),
        bytes: 0,
        counts: [0; 9],
    };
    let mut rng = Rng::new(seed);
    let donors = donor_codes();
    let mandates = mandate_slugs();
    let first = day(FIRST_DAY);
    let span_secs = (day(LAST_DAY) - first).num_seconds() + 86_400;
    let start = Utc.from_utc_datetime(&first.and_hms_opt(6, 0, 0).expect("time"));
    let header = Body::Ledger(Header {
        format: FORMAT_NAME.into(),
        version: FORMAT_VERSION,
    });
    out.put(start, &header);

    for (i, slug) in mandates.iter().enumerate().skip(7) {
        let at = start + Duration::seconds(i as i64);
        let body = Body::Mandate(Mandate {
            slug: slug.clone(),
            name: format!("Synthetic project {}", i - 6),
            earmarking: if i % 2 == 0 {
                Earmarking::Earmarked
            } else {
                Earmarking::TightlyEarmarked
            },
            fund: None,
        });
        out.put(at, &body);
    }

    let mut rate_level: Vec<i64> = CURRENCIES.iter().map(|c| c.1).collect();
    let mut month_done: Option<(i32, u32)> = None;
    let mut open: Vec<OpenPledge> = Vec::new();
    let mut live: Vec<LivePayment> = Vec::new();
    const POOL: usize = 4096;

    while out.seq <= n {
        // Time advances evenly with the entry number, so recorded_at never decreases.
        let at = start + Duration::seconds(span_secs * out.seq as i64 / n.max(1) as i64);
        let date = (at - Duration::days(2)).date_naive().max(first);
        let month = (at.year(), at.month());
        if month_done != Some(month) {
            month_done = Some(month);
            let d = NaiveDate::from_ymd_opt(month.0, month.1, 1).expect("date");
            for (c, level) in rate_level.iter_mut().enumerate().skip(1) {
                if out.seq > n {
                    break;
                }
                let drift = (rng.below(61) as i64 - 30) * *level / 1000;
                *level =
                    (*level + drift).clamp(CURRENCIES[c].1 * 7 / 10, CURRENCIES[c].1 * 13 / 10);
                let body = Body::Rate(Rate {
                    currency: currency(c as u8),
                    per_usd: Decimal::new(*level, 3).normalize(),
                    date: d,
                    source: None,
                });
                out.put(at, &body);
            }
            continue;
        }
        let roll = rng.below(100);
        let body = if roll < 35 || open.is_empty() {
            let donor = rng.below(donors.len() as u64) as u32;
            let mandate = rng.below(mandates.len() as u64) as u32;
            let c = rng.below(CURRENCIES.len() as u64) as u8;
            let cur = currency(c);
            let whole = (1 + rng.below(500)) as i64 * 1000 * CURRENCIES[c as usize].1 / 1000;
            let units = whole.max(1) * 10i64.pow(cur.minor_units());
            let due = date + Duration::days(90 + rng.below(300) as i64);
            let p = OpenPledge {
                seq: out.seq,
                donor,
                mandate,
                currency: c,
                date,
                left: units,
            };
            if open.len() < POOL {
                open.push(p);
            } else {
                let k = rng.below(POOL as u64) as usize;
                open[k] = p;
            }
            Body::Pledge(Pledge {
                donor: donors[donor as usize].clone(),
                mandate: mandates[mandate as usize].clone(),
                amount: Decimal::new(units, cur.minor_units()),
                currency: cur,
                date,
                due: Some(due),
                opening: None,
                outstanding: None,
                in_kind: false,
                reference: Some(format!("SYN/{}", out.seq)),
                memo: None,
                source: None,
            })
        } else if roll < 85 {
            let k = rng.below(open.len() as u64) as usize;
            let p = open[k].clone();
            let cur = currency(p.currency);
            let names = (p.donor as usize).is_multiple_of(NAMING_EVERY) || rng.below(10) < 6;
            let mut units = (p.left / (1 + rng.below(3) as i64)).max(1);
            if rng.below(5) == 0 && cur.minor_units() > 0 {
                // net of bank charges: odd minor units
                units = (units - rng.below(5000) as i64).max(1);
            }
            if names {
                open[k].left = (p.left - units).max(0);
            }
            let pay = LivePayment {
                seq: out.seq,
                donor: p.donor,
                mandate: p.mandate,
                currency: p.currency,
                units,
            };
            if !(p.donor as usize).is_multiple_of(NAMING_EVERY) {
                if live.len() < POOL {
                    live.push(pay);
                } else {
                    let j = rng.below(POOL as u64) as usize;
                    live[j] = pay;
                }
            }
            Body::Payment(Payment {
                donor: donors[p.donor as usize].clone(),
                mandate: mandates[p.mandate as usize].clone(),
                amount: Decimal::new(units, cur.minor_units()),
                currency: cur,
                date,
                pledge: names.then_some(p.seq),
                prior_period: false,
                reference: Some(format!("UMJ/{}", out.seq)),
                memo: None,
                source: None,
            })
        } else if roll < 90 && !live.is_empty() {
            let p = live[rng.below(live.len() as u64) as usize].clone();
            let cur = currency(p.currency);
            let units = (p.units / 10).max(1);
            Body::Refund(Payment {
                donor: donors[p.donor as usize].clone(),
                mandate: mandates[p.mandate as usize].clone(),
                amount: Decimal::new(units, cur.minor_units()),
                currency: cur,
                date,
                pledge: None,
                prior_period: false,
                reference: Some(format!("REF/{}", out.seq)),
                memo: None,
                source: None,
            })
        } else if roll < 95 && !live.is_empty() {
            let j = rng.below(live.len() as u64) as usize;
            let p = live.swap_remove(j);
            Body::Reversal(Reversal {
                entry: p.seq,
                reason: "synthetic correction".into(),
            })
        } else {
            let candidates = open
                .iter()
                .enumerate()
                .filter(|(_, p)| (p.donor as usize).is_multiple_of(NAMING_EVERY) && p.left > 0)
                .map(|(k, _)| k)
                .take(8)
                .collect::<Vec<_>>();
            let Some(&k) = candidates.get(rng.below(candidates.len().max(1) as u64) as usize)
            else {
                continue;
            };
            let p = open[k].clone();
            let cur = currency(p.currency);
            let units = (p.left / 2).max(1);
            open[k].left -= units;
            Body::WriteOff(WriteOff {
                pledge: p.seq,
                amount: Decimal::new(units, cur.minor_units()),
                currency: cur,
                date: date.max(p.date),
                reference: None,
                memo: Some("will not be paid".into()),
                source: None,
            })
        };
        out.put(at, &body);
    }
    out.w.flush().expect("flush synthetic ledger");
    out.w.get_ref().sync_all().expect("sync synthetic ledger");
    Generated {
        entries: out.seq - 1,
        bytes: out.bytes,
        last_recorded_at: out.last_at,
        head: out.prev,
        counts: Kind::ALL
            .iter()
            .zip(out.counts)
            .map(|(k, c)| (*k, c))
            .collect(),
    }
}

/// Writes a canonical import CSV (`date,donor,mandate,kind,amount,currency,reference`)
/// of `rows` pledges and payments dated in 2012, after the synthetic ledger.
pub fn canonical_csv(path: &Path, rows: u64, seed: u64) {
    let file = std::fs::File::create(path).expect("create import CSV");
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut rng = Rng::new(seed);
    let donors = donor_codes();
    let mandates = mandate_slugs();
    writeln!(w, "date,donor,mandate,kind,amount,currency,reference").expect("write");
    let first = day((2012, 1, 2));
    for r in 0..rows {
        let date = first + Duration::days((r * 300 / rows.max(1)) as i64);
        let c = rng.below(CURRENCIES.len() as u64) as u8;
        let cur = currency(c);
        let units = (1 + rng.below(1_000_000)) as i64 * 10i64.pow(cur.minor_units()) / 100;
        let kind = if rng.below(3) == 0 {
            "pledge"
        } else {
            "payment"
        };
        writeln!(
            w,
            "{date},{},{},{kind},{},{},IMP/{r}",
            donors[rng.below(donors.len() as u64) as usize],
            mandates[rng.below(mandates.len() as u64) as usize],
            Decimal::new(units.max(1), cur.minor_units()),
            cur
        )
        .expect("write");
    }
    w.flush().expect("flush import CSV");
}
