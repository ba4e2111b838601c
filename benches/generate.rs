//! The synthetic-ledger generator: a valid ledger of N entries from a seed, written
//! fast, the same data as plain-text accounting journals (hledger, ledger-cli), and a
//! canonical import CSV to go with it.
//!
//! Owns: the mix of a large ledger over 40 donors (36 member states, the EU, private
//! donors and two registered non-state donors), 12 mandates (the 7 built-in and 5
//! registered) and 7 currencies: monthly rates plus mid-month revisions, pledges,
//! payments naming their pledge (in its currency or another), payments settled first
//! in, first out, refunds, write-offs and reversals (of payments, refunds, write-offs,
//! unpaid pledges and rate revisions), value dates 2000 to 2011 and `recorded_at`
//! never decreasing. Lines are encoded with `journal::encode` and chained here
//! directly, without `Writer`, so a million entries take seconds; the rules `record`
//! enforces are kept by construction (see `ledger` below for how), and
//! `ledger verify --rules` proves it on any generated file. Does not measure anything
//! (see `ledger.rs`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use ledger::domain::entry::{
    Body, FORMAT_NAME, FORMAT_VERSION, Header, Money, Notes, Payment, Pledge, Rate, Reversal,
    WriteOff,
};
use ledger::domain::register::{Donor, DonorCategory, Earmarking, Mandate, Register};
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
        self.next() % n.max(1)
    }
}

/// Currency code and a typical rate per USD in thousandths (drifts monthly, within
/// 70% to 130% of it). USD is first: it has no rate entries.
pub const CURRENCIES: &[(&str, i64)] = &[
    ("USD", 1_000),
    ("EUR", 720),
    ("GBP", 600),
    ("JPY", 95_000),
    ("SEK", 7_000),
    ("CHF", 1_050),
    ("KWD", 285),
];

/// The member states that give (built-in codes).
const MEMBER_STATES: &[&str] = &[
    "USA", "GBR", "JPN", "DEU", "SWE", "NOR", "DNK", "FIN", "NLD", "BEL", "FRA", "ITA", "ESP",
    "AUT", "CHE", "CAN", "AUS", "NZL", "IRL", "LUX", "KOR", "CHN", "IND", "BRA", "MEX", "RUS",
    "TUR", "SAU", "ARE", "QAT", "KWT", "COL", "PER", "THA", "NGA", "ZAF",
];
/// Built-in non-state donors.
const OTHER_BUILTIN: &[&str] = &["EU", "PRIVATE"];
/// Donors the synthetic ledger registers itself.
const REGISTERED: &[(&str, &str, DonorCategory)] = &[
    (
        "OAK-FDN",
        "Synthetic Oak Foundation",
        DonorCategory::Foundation,
    ),
    (
        "ACME-CORP",
        "Synthetic Acme Corporation",
        DonorCategory::PrivateSector,
    ),
];
const ADDED_MANDATES: usize = 5;

const FIRST_DAY: (i32, u32, u32) = (2000, 1, 1);
const LAST_DAY: (i32, u32, u32) = (2011, 12, 31);
/// Donors whose payments always name their pledge (every eighth): only their
/// pledges are written off, so that a write-off provably fits what is outstanding.
const NAMING_EVERY: usize = 8;
/// How many open pledges, payments and reversible entries the generator remembers.
const POOL: usize = 4096;

fn naming(donor: u32) -> bool {
    (donor as usize).is_multiple_of(NAMING_EVERY)
}

/// Every donor code the synthetic ledger uses: built-in ones first.
pub fn donor_codes() -> Vec<String> {
    builtin_donor_codes()
        .into_iter()
        .chain(REGISTERED.iter().map(|(c, _, _)| c.to_string()))
        .collect()
}

/// The donors an empty ledger already knows (the import CSV uses only these).
pub fn builtin_donor_codes() -> Vec<String> {
    MEMBER_STATES
        .iter()
        .chain(OTHER_BUILTIN)
        .map(|c| c.to_string())
        .collect()
}

/// The built-in mandates (an empty ledger's).
pub fn builtin_mandate_slugs() -> Vec<String> {
    Register::builtin()
        .mandates()
        .map(|m| m.slug.clone())
        .collect()
}

/// Every mandate slug the synthetic ledger uses: built-in ones first.
pub fn mandate_slugs() -> Vec<String> {
    let mut v = builtin_mandate_slugs();
    v.extend((1..=ADDED_MANDATES).map(|i| format!("project-{i:03}")));
    v
}

/// The currency a donor mostly gives in (an index into `CURRENCIES`).
fn home_currency(code: &str) -> u8 {
    match code {
        "GBR" => 2,
        "JPN" => 3,
        "SWE" => 4,
        "CHE" => 5,
        "KWT" => 6,
        "DEU" | "FIN" | "NLD" | "BEL" | "FRA" | "ITA" | "ESP" | "AUT" | "IRL" | "LUX" | "EU" => 1,
        _ => 0,
    }
}

fn day(d: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.0, d.1, d.2).expect("date")
}

fn currency(i: u8) -> Currency {
    Currency::lookup(CURRENCIES[i as usize].0).expect("known currency")
}

fn money(units: i64, c: u8) -> Decimal {
    Decimal::new(units, currency(c).minor_units())
}

/// Keeps `item` in a bounded pool: appended while there is room, else in place of
/// a random member.
fn keep<T>(pool: &mut Vec<T>, item: T, rng: &mut Rng) {
    if pool.len() < POOL {
        pool.push(item);
    } else {
        let k = rng.below(POOL as u64) as usize;
        pool[k] = item;
    }
}

struct OpenPledge {
    seq: u64,
    donor: u32,
    mandate: u32,
    currency: u8,
    date: NaiveDate,
    units: i64,
    /// In minor units: the amount less named payments and write-offs so far (exact for
    /// naming donors without cross-currency payments, an estimate otherwise; never
    /// more than what is outstanding when it decides a write-off).
    left: i64,
    /// Payments and write-offs that ever named it (a pledge named once is never reversed).
    named: u32,
    /// A payment in another currency named it: its outstanding depends on rates.
    cross: bool,
}

/// A live payment the generator may refund or reverse.
struct PayRec {
    seq: u64,
    donor: u32,
    mandate: u32,
    currency: u8,
    units: i64,
    /// What refunds tied to this payment returned. A payment with refunds tied to it
    /// is never reversed, so the money each refund returns stays paid.
    refunded: i64,
}

/// A live refund or write-off the generator may reverse.
struct Undo {
    seq: u64,
    donor: u32,
    mandate: u32,
    currency: u8,
    units: i64,
    write_off: bool,
}

/// Entries the bench can record into the generated ledger and be accepted.
#[derive(Debug, Default)]
pub struct Targets {
    /// Live payments with no refund tied to them: each may be reversed once.
    pub reversible: Vec<u64>,
    /// (donor, mandate, currency, units left to refund): refunds of 1 unit fit.
    pub refund: Option<(String, String, String, i64)>,
    /// (pledge, currency, whole units outstanding): write-offs of 1 unit fit.
    pub write_off: Option<(u64, String, i64)>,
}

/// What was generated: counts, size, the last entry's time and the head.
#[derive(Debug)]
pub struct Generated {
    pub entries: u64,
    pub bytes: u64,
    pub last_recorded_at: DateTime<Utc>,
    pub head: String,
    pub counts: Vec<(Kind, u64)>,
    pub targets: Targets,
}

/// Where the plain-text accounting copies go (either may be absent).
#[derive(Debug, Default)]
pub struct Exports<'a> {
    pub hledger: Option<&'a Path>,
    pub ledger_cli: Option<&'a Path>,
}

/// The same entries as plain-text accounting transactions: a pledge debits
/// `assets:receivable:<donor>:<mandate>` against `income:pledged:<donor>:<mandate>`,
/// a payment `assets:bank` against the receivable, a refund the reverse, a write-off
/// `expenses:written-off:<donor>:<mandate>` against the receivable, a reversal the
/// reverse of what it reverses; a rate is a price directive (`P DATE USD X EUR`),
/// and a reversed rate is left as it is (prices are not summed). One commodity per
/// currency.
struct Pta {
    files: Vec<(BufWriter<File>, bool)>,
}

impl Pta {
    fn open(e: &Exports) -> Pta {
        let mut files = Vec::new();
        for (path, slashes) in [(e.hledger, false), (e.ledger_cli, true)] {
            if let Some(p) = path {
                let f = File::create(p).expect("create a plain-text journal");
                let mut w = BufWriter::with_capacity(1 << 20, f);
                writeln!(
                    w,
                    "; synthetic contributions ledger, exported for {}",
                    if slashes { "ledger-cli" } else { "hledger" }
                )
                .expect("write");
                files.push((w, slashes));
            }
        }
        Pta { files }
    }

    fn date(d: NaiveDate, slashes: bool) -> String {
        if slashes {
            d.format("%Y/%m/%d").to_string()
        } else {
            d.format("%Y-%m-%d").to_string()
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn tx(&mut self, date: NaiveDate, what: &str, debit: &str, credit: &str, units: i64, c: u8) {
        for (w, slashes) in &mut self.files {
            writeln!(
                w,
                "{} {what}\n    {debit}  {} {}\n    {credit}\n",
                Pta::date(date, *slashes),
                money(units, c),
                CURRENCIES[c as usize].0
            )
            .expect("write a plain-text journal");
        }
    }

    fn price(&mut self, date: NaiveDate, per_usd: Decimal, c: u8) {
        for (w, slashes) in &mut self.files {
            writeln!(
                w,
                "P {} USD {per_usd} {}\n",
                Pta::date(date, *slashes),
                CURRENCIES[c as usize].0
            )
            .expect("write a plain-text journal");
        }
    }

    fn finish(self) {
        for (mut w, _) in self.files {
            w.flush().expect("flush a plain-text journal");
        }
    }
}

fn receivable(donors: &[String], mandates: &[String], d: u32, m: u32) -> String {
    format!(
        "assets:receivable:{}:{}",
        donors[d as usize], mandates[m as usize]
    )
}

fn pledged(donors: &[String], mandates: &[String], d: u32, m: u32) -> String {
    format!(
        "income:pledged:{}:{}",
        donors[d as usize], mandates[m as usize]
    )
}

fn written_off(donors: &[String], mandates: &[String], d: u32, m: u32) -> String {
    format!(
        "expenses:written-off:{}:{}",
        donors[d as usize], mandates[m as usize]
    )
}

struct Out<W: Write> {
    w: W,
    seq: u64,
    last_at: DateTime<Utc>,
    prev: String,
    bytes: u64,
    counts: [u64; Kind::ALL.len()],
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

/// Writes a ledger of `n` entries (plus its header) at `path`.
pub fn ledger(path: &Path, n: u64, seed: u64) -> Generated {
    ledger_and_exports(path, n, seed, &Exports::default())
}

/// Writes a ledger of `n` entries (plus its header) at `path`, and the same data as
/// plain-text accounting journals where `exports` says.
///
/// How the recording rules are kept: value dates never decrease along the file, so
/// the file's order is the order settlement and the refund rule see. A write-off is
/// only of a pledge of a donor whose payments all name their pledge, in the pledge's
/// currency, and within what named payments and write-offs have left of it. A refund
/// is tied to one earlier payment and, with the refunds tied to it before, returns at
/// most that payment; a payment with refunds tied to it is never reversed, so every
/// donor's net paid stays at least what its refunds returned, on every day. A pledge
/// is reversed only if nothing ever named it. Rates: one per currency on the first of
/// each month, revisions on a later day of the month, and only revisions are reversed.
pub fn ledger_and_exports(path: &Path, n: u64, seed: u64, exports: &Exports) -> Generated {
    let file = File::create(path).expect("create synthetic ledger");
    let mut out = Out {
        w: BufWriter::with_capacity(1 << 20, file),
        seq: 0,
        last_at: Utc.timestamp_opt(0, 0).unwrap(),
        prev: ZERO_HASH.to_string(),
        bytes: 0,
        counts: [0; Kind::ALL.len()],
    };
    let mut pta = Pta::open(exports);
    let mut rng = Rng::new(seed);
    let donors = donor_codes();
    let mandates = mandate_slugs();
    let homes: Vec<u8> = donors.iter().map(|d| home_currency(d)).collect();
    let first = day(FIRST_DAY);
    let span_secs = (day(LAST_DAY) - first).num_seconds() + 86_400;
    let start = Utc.from_utc_datetime(&first.and_hms_opt(6, 0, 0).expect("time"));
    let header = Body::Ledger(Header {
        format: FORMAT_NAME.into(),
        version: FORMAT_VERSION,
    });
    out.put(start, &header);

    let builtin_mandates = builtin_mandate_slugs().len();
    for (i, slug) in mandates.iter().enumerate().skip(builtin_mandates) {
        if out.seq > n {
            break;
        }
        let body = Body::Mandate(Mandate {
            slug: slug.clone(),
            name: format!("Synthetic project {}", i + 1 - builtin_mandates),
            earmarking: if i % 2 == 0 {
                Earmarking::Earmarked
            } else {
                Earmarking::TightlyEarmarked
            },
            fund: (i % 3 == 0).then(|| "Synthetic trust fund".to_string()),
        });
        out.put(start, &body);
    }
    for (code, name, category) in REGISTERED {
        if out.seq > n {
            break;
        }
        let body = Body::Donor(Donor {
            code: code.to_string(),
            name: name.to_string(),
            category: *category,
            aliases: vec![format!("{name} (alias)")],
        });
        out.put(start, &body);
    }

    let mut rate_level: Vec<i64> = CURRENCIES.iter().map(|c| c.1).collect();
    let mut month_done: Option<(i32, u32)> = None;
    let mut revised: Option<(i32, u32)> = None;
    let mut open: Vec<OpenPledge> = Vec::new();
    let mut pays: Vec<PayRec> = Vec::new();
    let mut undo: Vec<Undo> = Vec::new();
    let mut revisions: Vec<u64> = Vec::new();
    const REASONS: &[&str] = &[
        "wrong value date",
        "duplicate entry",
        "recorded against the wrong donor",
        "amount mistyped",
        "recorded in error",
    ];

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
                let per_usd = Decimal::new(*level, 3).normalize();
                out.put(
                    at,
                    &Body::Rate(Rate {
                        currency: currency(c as u8),
                        per_usd,
                        date: d,
                        source: None,
                    }),
                );
                pta.price(d, per_usd, c as u8);
            }
            continue;
        }
        if at.day() >= 15 && revised != Some(month) {
            // A mid-month revision of one or two rates, dated the day it is recorded.
            revised = Some(month);
            let c1 = 1 + rng.below(CURRENCIES.len() as u64 - 1) as usize;
            let c2 = 1 + rng.below(CURRENCIES.len() as u64 - 1) as usize;
            for c in if c1 == c2 { vec![c1] } else { vec![c1, c2] } {
                if out.seq > n {
                    break;
                }
                let level = &mut rate_level[c];
                let drift = (rng.below(21) as i64 - 10) * *level / 1000;
                *level =
                    (*level + drift).clamp(CURRENCIES[c].1 * 7 / 10, CURRENCIES[c].1 * 13 / 10);
                let per_usd = Decimal::new(*level, 3).normalize();
                let d = at.date_naive();
                let seq = out.put(
                    at,
                    &Body::Rate(Rate {
                        currency: currency(c as u8),
                        per_usd,
                        date: d,
                        source: None,
                    }),
                );
                pta.price(d, per_usd, c as u8);
                keep(&mut revisions, seq, &mut rng);
            }
            continue;
        }
        let seq = out.seq;
        let roll = rng.below(100);
        let body = if roll < 32 || open.is_empty() {
            // A pledge, in the donor's currency seven times in ten.
            let donor = rng.below(donors.len() as u64) as u32;
            let mandate = rng.below(mandates.len() as u64) as u32;
            let c = if rng.below(10) < 7 {
                homes[donor as usize]
            } else {
                rng.below(CURRENCIES.len() as u64) as u8
            };
            let cur = currency(c);
            let whole = ((1 + rng.below(500)) as i64 * CURRENCIES[c as usize].1).max(1);
            let minor = 10i64.pow(cur.minor_units());
            let mut units = whole * minor;
            if minor > 1 && rng.below(4) == 0 {
                units += rng.below(minor as u64) as i64;
            }
            let due = date + Duration::days(90 + rng.below(300) as i64);
            keep(
                &mut open,
                OpenPledge {
                    seq,
                    donor,
                    mandate,
                    currency: c,
                    date,
                    units,
                    left: units,
                    named: 0,
                    cross: false,
                },
                &mut rng,
            );
            pta.tx(
                date,
                &format!("pledge #{seq}"),
                &receivable(&donors, &mandates, donor, mandate),
                &pledged(&donors, &mandates, donor, mandate),
                units,
                c,
            );
            Body::Pledge(Pledge {
                money: Money {
                    donor: donors[donor as usize].as_str().into(),
                    mandate: mandates[mandate as usize].as_str().into(),
                    amount: money(units, c),
                    currency: cur,
                    date,
                },
                due: Some(due),
                opening: None,
                outstanding: None,
                in_kind: false,
                notes: Notes {
                    reference: Some(format!("SYN/{seq}")),
                    memo: (rng.below(10) == 0).then(|| "note verbale received".to_string()),
                    source: None,
                },
                agreement: None,
            })
        } else if roll < 84 {
            // A payment: naming its pledge (in the pledge's currency, or from 60 on
            // in another), or from 64 on settled first in, first out.
            let k = rng.below(open.len() as u64) as usize;
            let p = &mut open[k];
            let cross = (60..64).contains(&roll);
            let names = roll < 64 || naming(p.donor);
            let (c, mut units) = if cross {
                let home = homes[p.donor as usize];
                let c = if home != p.currency {
                    home
                } else if p.currency != 0 {
                    0
                } else {
                    1
                };
                // Roughly what is left, converted at today's levels.
                let (ma, mb) = (
                    currency(p.currency).minor_units(),
                    currency(c).minor_units(),
                );
                let units = (p.left.max(p.units / 4) as i128
                    * rate_level[c as usize] as i128
                    * 10i128.pow(mb)
                    / (rate_level[p.currency as usize] as i128 * 10i128.pow(ma)))
                    as i64;
                (c, units)
            } else if p.left > 0 {
                (p.currency, p.left / (1 + rng.below(3) as i64))
            } else {
                // Paid already: an overpayment, part unpledged.
                (p.currency, p.units / 4)
            };
            units = units.max(1);
            if rng.below(5) == 0 && currency(c).minor_units() > 0 {
                // net of bank charges: odd minor units
                units = (units - rng.below(5000) as i64).max(1);
            }
            if names {
                p.named += 1;
                if cross {
                    p.cross = true;
                } else {
                    p.left = (p.left - units).max(0);
                }
            }
            let (donor, mandate, pledge) = (p.donor, p.mandate, names.then_some(p.seq));
            keep(
                &mut pays,
                PayRec {
                    seq,
                    donor,
                    mandate,
                    currency: c,
                    units,
                    refunded: 0,
                },
                &mut rng,
            );
            pta.tx(
                date,
                &format!("payment #{seq}"),
                "assets:bank",
                &receivable(&donors, &mandates, donor, mandate),
                units,
                c,
            );
            Body::Payment(Payment {
                money: Money {
                    donor: donors[donor as usize].as_str().into(),
                    mandate: mandates[mandate as usize].as_str().into(),
                    amount: money(units, c),
                    currency: currency(c),
                    date,
                },
                pledge,
                prior_period: false,
                notes: Notes {
                    reference: Some(format!("UMJ/{seq}")),
                    memo: None,
                    source: None,
                },
            })
        } else if roll < 89 {
            // A refund of part of what one payment left unrefunded.
            let Some(j) = (0..4)
                .map(|_| rng.below(pays.len() as u64) as usize)
                .find(|&j| pays.get(j).is_some_and(|p| p.units > p.refunded))
            else {
                continue;
            };
            let p = &mut pays[j];
            let units = ((p.units - p.refunded) / (2 + rng.below(8) as i64)).max(1);
            p.refunded += units;
            let (donor, mandate, c) = (p.donor, p.mandate, p.currency);
            keep(
                &mut undo,
                Undo {
                    seq,
                    donor,
                    mandate,
                    currency: c,
                    units,
                    write_off: false,
                },
                &mut rng,
            );
            pta.tx(
                date,
                &format!("refund #{seq}"),
                &receivable(&donors, &mandates, donor, mandate),
                "assets:bank",
                units,
                c,
            );
            Body::Refund(Payment {
                money: Money {
                    donor: donors[donor as usize].as_str().into(),
                    mandate: mandates[mandate as usize].as_str().into(),
                    amount: money(units, c),
                    currency: currency(c),
                    date,
                },
                pledge: None,
                prior_period: false,
                notes: Notes {
                    reference: Some(format!("REF/{seq}")),
                    memo: None,
                    source: None,
                },
            })
        } else if roll < 95 {
            // A write-off of part of what is left of a naming donor's pledge.
            let Some(k) = (0..16)
                .map(|_| rng.below(open.len() as u64) as usize)
                .find(|&k| naming(open[k].donor) && !open[k].cross && open[k].left > 0)
            else {
                continue;
            };
            let p = &mut open[k];
            let units = (p.left / (1 + rng.below(3) as i64)).max(1);
            p.left -= units;
            p.named += 1;
            let (donor, mandate, c, pledge, pdate) =
                (p.donor, p.mandate, p.currency, p.seq, p.date);
            keep(
                &mut undo,
                Undo {
                    seq,
                    donor,
                    mandate,
                    currency: c,
                    units,
                    write_off: true,
                },
                &mut rng,
            );
            pta.tx(
                date,
                &format!("write-off #{seq}"),
                &written_off(&donors, &mandates, donor, mandate),
                &receivable(&donors, &mandates, donor, mandate),
                units,
                c,
            );
            Body::WriteOff(WriteOff {
                pledge,
                amount: money(units, c),
                currency: currency(c),
                date: date.max(pdate),
                notes: Notes {
                    reference: (rng.below(2) == 0).then(|| format!("WO/{seq}")),
                    memo: Some("will not be paid".into()),
                    source: None,
                },
            })
        } else {
            // A reversal: of a payment, a refund or write-off, an unpaid pledge, or a
            // rate revision.
            let what = rng.below(100);
            let reason = REASONS[rng.below(REASONS.len() as u64) as usize];
            let reversed = if what < 55 {
                let Some(j) = (0..4)
                    .map(|_| rng.below(pays.len() as u64) as usize)
                    .find(|&j| pays.get(j).is_some_and(|p| p.refunded == 0))
                else {
                    continue;
                };
                let p = pays.swap_remove(j);
                pta.tx(
                    date,
                    &format!("reversal #{seq} of payment #{}", p.seq),
                    &receivable(&donors, &mandates, p.donor, p.mandate),
                    "assets:bank",
                    p.units,
                    p.currency,
                );
                p.seq
            } else if what < 80 {
                if undo.is_empty() {
                    continue;
                }
                let u = undo.swap_remove(rng.below(undo.len() as u64) as usize);
                let (debit, credit) = if u.write_off {
                    (
                        receivable(&donors, &mandates, u.donor, u.mandate),
                        written_off(&donors, &mandates, u.donor, u.mandate),
                    )
                } else {
                    (
                        "assets:bank".to_string(),
                        receivable(&donors, &mandates, u.donor, u.mandate),
                    )
                };
                pta.tx(
                    date,
                    &format!("reversal #{seq} of #{}", u.seq),
                    &debit,
                    &credit,
                    u.units,
                    u.currency,
                );
                u.seq
            } else if what < 92 {
                let Some(k) = (0..4)
                    .map(|_| rng.below(open.len() as u64) as usize)
                    .find(|&k| open[k].named == 0)
                else {
                    continue;
                };
                let p = open.swap_remove(k);
                pta.tx(
                    date,
                    &format!("reversal #{seq} of pledge #{}", p.seq),
                    &pledged(&donors, &mandates, p.donor, p.mandate),
                    &receivable(&donors, &mandates, p.donor, p.mandate),
                    p.units,
                    p.currency,
                );
                p.seq
            } else {
                if revisions.is_empty() {
                    continue;
                }
                revisions.swap_remove(rng.below(revisions.len() as u64) as usize)
            };
            Body::Reversal(Reversal {
                entry: reversed,
                reason: reason.into(),
            })
        };
        out.put(at, &body);
    }
    out.w.flush().expect("flush synthetic ledger");
    out.w.get_ref().sync_all().expect("sync synthetic ledger");
    pta.finish();

    // What the bench may record into this ledger, each accepted by the rules.
    let mut targets = Targets::default();
    if let Some(p) = pays
        .iter()
        .max_by_key(|p| (p.units - p.refunded) / 10i64.pow(currency(p.currency).minor_units()))
    {
        let whole = (p.units - p.refunded) / 10i64.pow(currency(p.currency).minor_units());
        targets.refund = Some((
            donors[p.donor as usize].clone(),
            mandates[p.mandate as usize].clone(),
            CURRENCIES[p.currency as usize].0.to_string(),
            whole,
        ));
        targets.reversible = pays
            .iter()
            .filter(|q| q.refunded == 0 && q.seq != p.seq)
            .map(|q| q.seq)
            .take(64)
            .collect();
    }
    targets.write_off = open
        .iter()
        .filter(|p| naming(p.donor) && !p.cross)
        .map(|p| {
            (
                p.seq,
                CURRENCIES[p.currency as usize].0.to_string(),
                p.left / 10i64.pow(currency(p.currency).minor_units()),
            )
        })
        .max_by_key(|t| t.2);
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
        targets,
    }
}

/// Writes a canonical import CSV
/// (`date,donor,mandate,kind,amount,currency,reference,pledge_reference,due,memo`) of `rows`
/// rows dated in 2012, after the synthetic ledger, with only built-in donors and
/// mandates so that it imports into an empty ledger as well: pledges, payments naming
/// a pledge of the file by its reference or settled first in, first out, refunds
/// (each within one earlier payment of the file) and write-offs (of pledges of donors
/// whose payments all name their pledge, within what is left).
pub fn canonical_csv(path: &Path, rows: u64, seed: u64) {
    let file = File::create(path).expect("create import CSV");
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut rng = Rng::new(seed);
    let donors = builtin_donor_codes();
    let mandates = builtin_mandate_slugs();
    writeln!(
        w,
        "date,donor,mandate,kind,amount,currency,reference,pledge_reference,due,memo"
    )
    .expect("write");
    let first = day((2012, 1, 2));
    let mut open: Vec<OpenPledge> = Vec::new();
    let mut pays: Vec<PayRec> = Vec::new();
    let mut r = 0u64;
    while r < rows {
        let date = first + Duration::days((r * 300 / rows.max(1)) as i64);
        let roll = rng.below(100);
        let mut row = |date: NaiveDate,
                       d: u32,
                       m: u32,
                       kind: &str,
                       units: i64,
                       c: u8,
                       pref: &str,
                       due: &str| {
            writeln!(
                w,
                "{date},{},{},{kind},{},{},IMP/{r},{pref},{due},{}",
                donors[d as usize],
                mandates[m as usize],
                money(units, c),
                CURRENCIES[c as usize].0,
                if kind == "write-off" {
                    "Controller's approval (synthetic)"
                } else {
                    ""
                }
            )
            .expect("write");
        };
        if roll < 35 || open.is_empty() {
            let d = rng.below(donors.len() as u64) as u32;
            let m = rng.below(mandates.len() as u64) as u32;
            let c = if rng.below(10) < 7 {
                home_currency(&donors[d as usize])
            } else {
                rng.below(CURRENCIES.len() as u64) as u8
            };
            let units =
                (1 + rng.below(100_000_000)) as i64 * 10i64.pow(currency(c).minor_units()) / 100;
            let units = units.max(1);
            let due = date + Duration::days(180);
            row(date, d, m, "pledge", units, c, "", &due.to_string());
            keep(
                &mut open,
                OpenPledge {
                    seq: r,
                    donor: d,
                    mandate: m,
                    currency: c,
                    date,
                    units,
                    left: units,
                    named: 0,
                    cross: false,
                },
                &mut rng,
            );
        } else if roll < 85 {
            let k = rng.below(open.len() as u64) as usize;
            let p = &mut open[k];
            let names = roll < 65 || naming(p.donor);
            let units = if p.left > 0 {
                p.left / (1 + rng.below(2) as i64)
            } else {
                p.units / 4
            }
            .max(1);
            if names {
                p.left = (p.left - units).max(0);
            }
            let pref = if names {
                format!("IMP/{}", p.seq)
            } else {
                String::new()
            };
            let (d, m, c) = (p.donor, p.mandate, p.currency);
            row(date, d, m, "payment", units, c, &pref, "");
            keep(
                &mut pays,
                PayRec {
                    seq: r,
                    donor: d,
                    mandate: m,
                    currency: c,
                    units,
                    refunded: 0,
                },
                &mut rng,
            );
        } else if roll < 93 {
            let Some(j) = (0..4)
                .map(|_| rng.below(pays.len() as u64) as usize)
                .find(|&j| pays.get(j).is_some_and(|p| p.units > p.refunded))
            else {
                continue;
            };
            let p = &mut pays[j];
            let units = ((p.units - p.refunded) / 4).max(1);
            p.refunded += units;
            let (d, m, c) = (p.donor, p.mandate, p.currency);
            row(date, d, m, "refund", units, c, "", "");
        } else {
            let Some(k) = (0..16)
                .map(|_| rng.below(open.len() as u64) as usize)
                .find(|&k| naming(open[k].donor) && open[k].left > 0)
            else {
                continue;
            };
            let p = &mut open[k];
            let units = (p.left / 2).max(1);
            p.left -= units;
            let (d, m, c, pref) = (p.donor, p.mandate, p.currency, format!("IMP/{}", p.seq));
            row(date.max(p.date), d, m, "write-off", units, c, &pref, "");
        }
        r += 1;
    }
    w.flush().expect("flush import CSV");
}
