//! Property tests on generated ledgers: rows add up to totals, settlement balances
//! in each currency, the books balance per donor and mandate (opening pledges and
//! reductions included), `--as-of` reproduces an earlier report byte for byte, and
//! a report read in groups of donors and mandates is the report of the whole book.
//! Ledgers are written through the library's `Writer` (every entry checked as
//! `record` checks it; entries the rules refuse are simply not recorded).
//!
//! Generated ledgers hold no agreements. The identity needs none: an instalment of a
//! conditional agreement is in no figure until its condition is met, and then it is
//! a pledge like any other, dated when it counts (`tests/structure/agreements.rs`
//! checks both by hand).

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use ledger::domain::entry::{Body, Money, Notes, Payment, Pledge, Rate, Reversal, WriteOff};
use ledger::domain::{Currency, Entry};
use ledger::journal::{self, Reading, Writer};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::util::Test;

const DONORS: [&str; 3] = ["JPN", "DEU", "NOR"];
const MANDATES: [&str; 2] = ["general-purpose", "icat"];
const CURRENCIES: [&str; 3] = ["USD", "EUR", "JPY"];

#[derive(Debug, Clone)]
enum Op {
    Pledge {
        d: usize,
        m: usize,
        c: usize,
        amount: u32,
        day: u16,
        due: Option<u16>,
    },
    /// A pledge made `before` days before its opening date `day`, with `left`
    /// per cent of it still outstanding then.
    Opening {
        d: usize,
        m: usize,
        c: usize,
        amount: u32,
        day: u16,
        before: u16,
        left: u8,
    },
    Payment {
        d: usize,
        m: usize,
        c: usize,
        amount: u32,
        day: u16,
        names: Option<usize>,
    },
    Refund {
        d: usize,
        m: usize,
        c: usize,
        amount: u32,
        day: u16,
        prior: bool,
    },
    WriteOff {
        pledge: usize,
        amount: u32,
        day: u16,
    },
    Reduction {
        pledge: usize,
        amount: u32,
        day: u16,
    },
    Reversal {
        target: usize,
    },
}

/// Ops over `currencies` (indices into CURRENCIES).
fn op_in(currencies: std::ops::Range<usize>) -> impl Strategy<Value = Op> {
    let c = currencies;
    prop_oneof![
        4 => (0..3usize, 0..2usize, c.clone(), 1..100_000u32, 0..700u16, proptest::option::of(0..400u16))
            .prop_map(|(d, m, c, amount, day, due)| Op::Pledge { d, m, c, amount, day, due }),
        2 => (0..3usize, 0..2usize, c.clone(), 1..100_000u32, 0..700u16, 0..2000u16, 0..=100u8)
            .prop_map(|(d, m, c, amount, day, before, left)| Op::Opening { d, m, c, amount, day, before, left }),
        4 => (0..3usize, 0..2usize, c.clone(), 1..100_000u32, 0..700u16, proptest::option::of(0..40usize))
            .prop_map(|(d, m, c, amount, day, names)| Op::Payment { d, m, c, amount, day, names }),
        1 => (0..3usize, 0..2usize, c, 1..5_000u32, 0..700u16, any::<bool>())
            .prop_map(|(d, m, c, amount, day, prior)| Op::Refund { d, m, c, amount, day, prior }),
        1 => (0..40usize, 1..50_000u32, 0..700u16)
            .prop_map(|(pledge, amount, day)| Op::WriteOff { pledge, amount, day }),
        2 => (0..40usize, 1..50_000u32, 0..700u16)
            .prop_map(|(pledge, amount, day)| Op::Reduction { pledge, amount, day }),
        1 => (0..40usize).prop_map(|target| Op::Reversal { target }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    op_in(0..3)
}

fn date(day: u16) -> NaiveDate {
    NaiveDate::from_ymd_opt(2009, 1, 1).unwrap() + Duration::days(i64::from(day))
}

fn cur(i: usize) -> Currency {
    Currency::lookup(CURRENCIES[i]).unwrap()
}

/// Turns ops into checked drafts against what was recorded so far.
fn draft(op: &Op, pledges: &[(u64, Pledge)], seqs: &[u64]) -> Option<Body> {
    let money = |d: usize, m: usize, c: usize, amount: u32, day: u16| Payment {
        money: Money {
            donor: DONORS[d].into(),
            mandate: MANDATES[m].into(),
            amount: Decimal::from(amount),
            currency: cur(c),
            date: date(day),
        },
        pledge: None,
        prior_period: false,
        notes: Notes {
            reference: None,
            memo: None,
            source: None,
        },
    };
    Some(match op.clone() {
        Op::Pledge {
            d,
            m,
            c,
            amount,
            day,
            due,
        } => Body::Pledge(Pledge {
            money: Money {
                donor: DONORS[d].into(),
                mandate: MANDATES[m].into(),
                amount: Decimal::from(amount),
                currency: cur(c),
                date: date(day),
            },
            due: due.map(|x| date(day) + Duration::days(i64::from(x))),
            opening: None,
            outstanding: None,
            in_kind: false,
            notes: Notes {
                reference: None,
                memo: None,
                source: None,
            },
            agreement: None,
        }),
        Op::Opening {
            d,
            m,
            c,
            amount,
            day,
            before,
            left,
        } => {
            let pledged = date(day) - Duration::days(i64::from(before));
            let amount = Decimal::from(amount);
            // Whole units, so that it fits any currency's decimals.
            let left = (amount * Decimal::from(left) / Decimal::from(100)).floor();
            Body::Pledge(Pledge {
                money: Money {
                    donor: DONORS[d].into(),
                    mandate: MANDATES[m].into(),
                    amount,
                    currency: cur(c),
                    date: pledged,
                },
                due: Some(pledged + Duration::days(365)),
                opening: Some(date(day)),
                outstanding: Some(left),
                in_kind: false,
                notes: Notes {
                    reference: None,
                    memo: None,
                    source: None,
                },
                agreement: None,
            })
        }
        Op::Payment {
            d,
            m,
            c,
            amount,
            day,
            names,
        } => {
            let mut p = money(d, m, c, amount, day);
            // A payment naming a pledge is in its currency and dated on or after it.
            if let Some((seq, pl)) = names.and_then(|i| pledges.get(i)) {
                p.money.donor = pl.money.donor.clone();
                p.money.mandate = pl.money.mandate.clone();
                p.money.currency = pl.money.currency;
                p.money.date = p.money.date.max(pl.opening.unwrap_or(pl.money.date));
                p.pledge = Some(*seq);
            }
            Body::Payment(p)
        }
        Op::Refund {
            d,
            m,
            c,
            amount,
            day,
            prior,
        } => Body::Refund(Payment {
            prior_period: prior,
            ..money(d, m, c, amount, day)
        }),
        Op::WriteOff {
            pledge,
            amount,
            day,
        }
        | Op::Reduction {
            pledge,
            amount,
            day,
        } => {
            // Any pledge recorded so far, so that most of these name one.
            let (seq, pl) = pledges.get(pledge % pledges.len().max(1))?;
            let w = WriteOff {
                pledge: *seq,
                amount: Decimal::from(amount),
                currency: pl.money.currency,
                date: date(day).max(pl.opening.unwrap_or(pl.money.date)),
                notes: Notes {
                    reference: None,
                    memo: Some("approved".into()),
                    source: None,
                },
            };
            if matches!(op, Op::Reduction { .. }) {
                Body::Reduction(w)
            } else {
                Body::WriteOff(w)
            }
        }
        Op::Reversal { target } => Body::Reversal(Reversal {
            entry: *seqs.get(target)?,
            reason: "recorded in error".into(),
        }),
    })
}

fn at(i: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2010, 1, 1, 0, 0, 0).unwrap() + Duration::hours(i as i64)
}

/// Records the rates, then each op the rules accept, one commit per entry.
/// Returns the recording time of each committed entry.
fn record(t: &Test, ops: &[Op]) -> Vec<DateTime<Utc>> {
    journal::init(t.ledger(), at(0)).unwrap();
    let mut times = Vec::new();
    let mut pledges: Vec<(u64, Pledge)> = Vec::new();
    let mut seqs: Vec<u64> = Vec::new();
    let rates = [
        ("EUR", "0.7", 0),
        ("JPY", "95", 0),
        ("EUR", "0.68", 200),
        ("JPY", "91.5", 400),
    ];
    let mut bodies: Vec<Body> = rates
        .iter()
        .map(|(c, r, day)| {
            Body::Rate(Rate {
                currency: Currency::lookup(c).unwrap(),
                per_usd: Decimal::from_str(r).unwrap(),
                date: date(*day) - Duration::days(10),
                source: None,
            })
        })
        .collect();
    let mut i = 0;
    let mut ops = ops.iter();
    loop {
        let body = match bodies.pop() {
            Some(b) => b,
            None => match ops.next() {
                Some(op) => match draft(op, &pledges, &seqs) {
                    Some(b) => b,
                    None => continue,
                },
                None => break,
            },
        };
        i += 1;
        let mut w = Writer::open(t.ledger(), at(i), Reading::ToRecord).unwrap();
        if w.stage(body).is_err() {
            continue;
        }
        let (entries, _) = w.commit().unwrap();
        let e: &Entry = &entries[0];
        if let Body::Pledge(p) = &e.body {
            pledges.push((e.seq, p.clone()));
        }
        // Rates are never reversed here: a missing rate is tested on its own.
        if !matches!(e.body, Body::Rate(_)) {
            seqs.push(e.seq);
        }
        times.push(e.recorded_at);
    }
    times
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().expect("amounts are strings")).unwrap()
}

const KEYS: [&str; 9] = [
    "pledged",
    "paid",
    "outstanding",
    "paid_unearmarked",
    "paid_earmarked",
    "reduced",
    "written_off",
    "current",
    "non_current",
];

fn row_sums(v: &Value) -> BTreeMap<&'static str, Decimal> {
    KEYS.iter()
        .map(|k| {
            (
                *k,
                v["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| dec(&r[k]))
                    .sum(),
            )
        })
        .collect()
}

fn totals(v: &Value) -> BTreeMap<&'static str, Decimal> {
    KEYS.iter().map(|k| (*k, dec(&v["totals"][k]))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rows_add_up_and_settlement_balances(ops in proptest::collection::vec(op(), 1..30)) {
        let t = Test::new();
        record(&t, &ops);
        for period in [&["--year", "2009"][..], &["--year", "2010"][..], &[][..]] {
            let mut d = vec!["donors"];
            d.extend_from_slice(period);
            let mut m = vec!["mandates"];
            m.extend_from_slice(period);
            let run = |args: &[&str]| -> Option<Value> {
                let mut a = vec!["report"];
                a.extend_from_slice(args);
                a.extend_from_slice(&["--format", "json"]);
                let o = t.run(&a);
                // Only ledgers with no money entry at all have no whole period.
                if o.status == 1 && o.stderr.contains("[empty-ledger]") { return None; }
                assert_eq!(o.status, 0, "{}", o.stderr);
                Some(serde_json::from_str(&o.stdout).unwrap())
            };
            let (Some(dv), Some(mv)) = (run(&d), run(&m)) else { continue };
            prop_assert_eq!(row_sums(&dv), totals(&dv));
            prop_assert_eq!(row_sums(&mv), totals(&mv));
            prop_assert_eq!(totals(&dv), totals(&mv));
            let t2 = totals(&dv);
            prop_assert_eq!(t2["paid"], t2["paid_unearmarked"] + t2["paid_earmarked"]);
            prop_assert_eq!(t2["outstanding"], t2["current"] + t2["non_current"]);
        }
        // paid + outstanding + written off = pledged (net of reductions) + opening
        // outstanding + unpledged - refunds, per currency.
        for donor in DONORS {
            let o = t.run(&["report", "statement", "--donor", donor, "--format", "json"]);
            if o.status != 0 { continue; }
            let v: Value = serde_json::from_str(&o.stdout).unwrap();
            for b in v["balances"].as_array().unwrap() {
                let paid = dec(&b["payments"]) - dec(&b["refunds"]);
                prop_assert_eq!(
                    paid + dec(&b["outstanding"]) + dec(&b["written_off"]),
                    dec(&b["pledged"]) + dec(&b["opening"]) + dec(&b["unpledged"]) - dec(&b["refunds"]),
                    "{} {}", donor, b
                );
            }
        }
    }

    #[test]
    fn the_books_balance_per_donor_and_mandate(
        ops in proptest::collection::vec(op_in(0..1), 1..30),
        days in proptest::collection::vec(0..760u16, 1..3),
    ) {
        // In USD only, every figure is exact, so the identity holds to the cent:
        // pledged (net of reductions) + opening outstanding + unpledged - refunds
        // = paid + outstanding + written off, from the first entry to any date.
        let t = Test::new();
        record(&t, &ops);
        let run = |args: &[&str]| -> Option<Value> {
            let mut a = vec!["report"];
            a.extend_from_slice(args);
            a.extend_from_slice(&["--format", "json"]);
            let o = t.run(&a);
            // A date before anything was recorded, or a donor with no entries.
            if o.status == 1 { return None; }
            assert_eq!(o.status, 0, "{}", o.stderr);
            Some(serde_json::from_str(&o.stdout).unwrap())
        };
        for day in days {
            let to = date(day).to_string();
            // (donor, mandate) -> (left side, right side)
            let mut sides: BTreeMap<(String, String), (Decimal, Decimal)> = BTreeMap::new();
            let (mut opening, mut unpledged, mut refunds) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
            for donor in DONORS {
                let Some(st) = run(&["statement", "--donor", donor, "--to", &to]) else { continue };
                let mv = run(&["mandates", "--donor", donor, "--to", &to]).expect("same period");
                for l in st["lines"].as_array().unwrap() {
                    if l["usd"].is_null() { continue; }
                    let key = (donor.to_string(), l["mandate"].as_str().unwrap().to_string());
                    let usd = dec(&l["usd"]);
                    let side = sides.entry(key).or_default();
                    match l["kind"].as_str().unwrap() {
                        "opening-pledge" => { side.0 += usd; opening += usd; }
                        "refund" => { side.0 -= usd; refunds += usd; }
                        "payment" if !l["unpledged"].is_null() => {
                            let u = dec(&l["unpledged"]);
                            side.0 += u;
                            unpledged += u;
                        }
                        _ => {}
                    }
                }
                for r in mv["rows"].as_array().unwrap() {
                    let key = (donor.to_string(), r["mandate"].as_str().unwrap().to_string());
                    let side = sides.entry(key).or_default();
                    side.0 += dec(&r["pledged"]);
                    side.1 += dec(&r["paid"]) + dec(&r["outstanding"]) + dec(&r["written_off"]);
                }
            }
            for (key, (left, right)) in &sides {
                prop_assert_eq!(left, right, "{:?} to {}", key, to);
            }
            if let Some(dv) = run(&["donors", "--to", &to]) {
                let tot = &dv["totals"];
                prop_assert_eq!(
                    dec(&tot["pledged"]) + opening + unpledged - refunds,
                    dec(&tot["paid"]) + dec(&tot["outstanding"]) + dec(&tot["written_off"]),
                    "totals to {}", to
                );
            } else {
                prop_assert!(sides.is_empty(), "figures for a period the ledger refused");
            }
        }
    }

    #[test]
    fn a_report_read_in_groups_of_donors_is_the_report_of_the_whole_book(
        ops in proptest::collection::vec(op(), 1..40),
        cut in 0..40usize,
    ) {
        let t = Test::new();
        let times = record(&t, &ops);
        let as_of = ledger::domain::time::format_timestamp(times[cut % times.len()]);
        // Pledges, payments, refunds and write-offs: what a report holds per entry.
        let journal = String::from_utf8(t.journal()).unwrap();
        let money = journal
            .lines()
            .filter(|l| ["pledge", "payment", "refund", "write-off", "reduction", "in-kind"]
                .iter()
                .any(|k| l.contains(&format!("\"kind\":\"{k}\""))))
            .count();
        for (kind, periods) in [
            ("donors", [&[][..], &["--to", "2009-06-30"][..], &["--as-of", &as_of][..]]),
            ("mandates", [&[][..], &["--to", "2009-06-30"][..], &["--as-of", &as_of][..]]),
            ("quarterly", [&[][..], &["--year", "2009", "--quarter", "4"][..], &["--as-of", &as_of][..]]),
        ] {
            for period in periods {
                let mut a = vec!["report", kind, "--format", "json"];
                a.extend_from_slice(period);
                let whole = t.run(&a);
                // One donor's entries at a time, and two donors' at a time.
                for budget in ["1", "6"] {
                    let grouped = t.run_env(("LEDGER_REPORT_ENTRIES", budget), &a);
                    prop_assert_eq!(grouped.status, whole.status, "{:?} {}", a, budget);
                    prop_assert_eq!(&grouped.stdout, &whole.stdout, "{:?} {}", a, budget);
                    // But for the note that says the ledger was read in groups,
                    // which it is, read whole, when it holds more money entries
                    // than the budget.
                    let (noted, rest) = match grouped.stderr.split_once('\n') {
                        Some((note, rest)) if note.starts_with("note: ") => (true, rest),
                        _ => (false, grouped.stderr.as_str()),
                    };
                    prop_assert_eq!(rest, whole.stderr.as_str(), "{:?} {}", a, budget);
                    if period.is_empty() {
                        let over = money > budget.parse::<usize>().unwrap();
                        prop_assert_eq!(noted, over, "{:?} {}: {} money entries", a, budget, money);
                    }
                }
            }
        }
    }

    #[test]
    fn as_of_gives_the_bytes_of_the_report_made_then(
        ops in proptest::collection::vec(op(), 2..24),
        cut in 0.0..1.0f64,
    ) {
        // `cut` picks an entry index; it is test scaffolding, not money.
        let full = Test::new();
        let times = record(&full, &ops);
        let k = ((times.len() as f64) * cut) as usize;
        let k = k.clamp(1, times.len().saturating_sub(1).max(1));
        let as_of = ledger::domain::time::format_timestamp(times[k - 1]);
        // The same ledger, cut after entry k, as it stood before entry k+1 was recorded.
        let early = Test::new();
        let bytes = full.journal();
        let mut lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
        lines.truncate(k + 1);
        std::fs::write(early.ledger(), lines.concat()).unwrap();
        for args in [
            &["report", "quarterly", "--year", "2009", "--quarter", "4", "--format", "json"][..],
            &["report", "donors", "--year", "2009", "--format", "csv"][..],
            &["report", "statement", "--donor", "JPN", "--from", "2009-01-01", "--to", "2010-12-31", "--format", "markdown"][..],
        ] {
            let mut a = args.to_vec();
            a.extend_from_slice(&["--as-of", &as_of]);
            let then = early.run(&a);
            let now = full.run(&a);
            prop_assert_eq!(then.status, now.status);
            prop_assert_eq!(then.stdout, now.stdout);
        }
    }
}
