//! The money rules at the level of the library, where they live: settlement (oldest
//! first, ties, an exact match, named and cross-currency payments, write-offs,
//! reversals, unpledged receipts) and each check of `Checker::check`, one problem code
//! at a time. Entries are written as the journal stores them.

use chrono::{DateTime, Utc};
use ledger::domain::settlement::{self, Allocation};
use ledger::domain::{Body, Checker, Code, Entry};
use rust_decimal::Decimal;

fn body(json: &str) -> Body {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn at() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

/// A book of these entries, numbered from #1 in order, each checked first.
fn book(entries: &[&str]) -> Checker {
    let mut b = Checker::new();
    for (i, json) in entries.iter().enumerate() {
        let checked = b
            .check(body(json))
            .unwrap_or_else(|p| panic!("#{}: {json}: {p}", i + 1));
        b.apply(Entry {
            seq: i as u64 + 1,
            recorded_at: at(),
            body: checked,
        });
    }
    b
}

fn pledge(amount: &str, date: &str) -> String {
    format!(
        r#"{{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"{amount}","currency":"USD","date":"{date}"}}"#
    )
}

fn payment(amount: &str, date: &str, named: Option<u64>) -> String {
    let named = named.map_or(String::new(), |n| format!(r#","pledge":{n}"#));
    format!(
        r#"{{"kind":"payment","donor":"JPN","mandate":"icat","amount":"{amount}","currency":"USD","date":"{date}"{named}}}"#
    )
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn allocation(b: &Checker, seq: u64) -> Allocation {
    let s = settlement::settle(b.book()).expect("rates");
    s.allocations.get(&seq).cloned().unwrap_or_default()
}

fn settled(pairs: &[(u64, &str)]) -> Vec<(u64, Decimal)> {
    pairs.iter().map(|(s, a)| (*s, d(a))).collect()
}

#[test]
fn an_unnamed_payment_settles_the_oldest_pledge_first() {
    let p2 = pledge("100", "2009-02-01");
    let p1 = pledge("100", "2009-01-01");
    // #1 is the newer pledge, recorded first: pledge date decides, not entry order.
    let b = book(&[&p2, &p1, &payment("150", "2009-03-01", None)]);
    let a = allocation(&b, 3);
    assert_eq!(a.settled, settled(&[(2, "100.00"), (1, "50.00")]));
    assert_eq!(a.unpledged, Decimal::ZERO);
}

#[test]
fn pledges_of_one_date_settle_in_entry_order() {
    let p = pledge("100", "2009-01-01");
    let b = book(&[&p, &p, &payment("50", "2009-03-01", None)]);
    assert_eq!(allocation(&b, 3).settled, settled(&[(1, "50.00")]));
}

#[test]
fn an_unnamed_payment_equal_to_one_open_pledge_settles_that_pledge() {
    let b = book(&[
        &pledge("100", "2009-01-01"),
        &pledge("70", "2009-02-01"),
        &payment("70", "2009-03-01", None),
    ]);
    assert_eq!(allocation(&b, 3).settled, settled(&[(2, "70.00")]));
    // Two pledges with that outstanding: no single match, so oldest first.
    let b = book(&[
        &pledge("70", "2009-01-01"),
        &pledge("70", "2009-02-01"),
        &payment("70", "2009-03-01", None),
    ]);
    assert_eq!(allocation(&b, 3).settled, settled(&[(1, "70.00")]));
}

/// The exact match is on what is left when the payment is settled: it changes as
/// payments settle, and a pledge dated after the payment is not one.
#[test]
fn the_exact_match_follows_what_is_left_as_payments_settle() {
    let b = book(&[
        &pledge("100", "2009-01-01"),
        &pledge("70", "2009-02-01"),
        &pledge("90", "2009-01-15"),
        // #1 has 70 left from 15 February.
        &payment("30", "2009-02-15", Some(1)),
        // #1 and #2 have 70 left: no single match, oldest first.
        &payment("70", "2009-03-01", None),
        &pledge("70", "2009-05-01"),
        // Only #2 has 70 left by then (#6 is dated later): it, not the older #3.
        &payment("70", "2009-04-01", None),
        &payment("20", "2009-06-01", Some(6)),
        // #6 has exactly 50 left: it, not the older #3.
        &payment("50", "2009-06-02", None),
    ]);
    assert_eq!(allocation(&b, 5).settled, settled(&[(1, "70.00")]));
    assert_eq!(allocation(&b, 7).settled, settled(&[(2, "70.00")]));
    assert_eq!(allocation(&b, 9).settled, settled(&[(6, "50.00")]));
}

#[test]
fn a_named_payment_settles_its_pledge_and_the_rest_is_unpledged() {
    let b = book(&[
        &pledge("100", "2009-01-01"),
        &pledge("100", "2009-02-01"),
        &payment("130", "2009-03-01", Some(2)),
    ]);
    let a = allocation(&b, 3);
    assert_eq!(a.settled, settled(&[(2, "100.00")]));
    assert_eq!(a.unpledged, d("30.00"));
}

#[test]
fn a_pledge_dated_after_the_payment_is_not_settled_by_it() {
    let b = book(&[
        &pledge("100", "2009-06-01"),
        &payment("40", "2009-03-01", None),
    ]);
    let a = allocation(&b, 2);
    assert!(a.settled.is_empty());
    assert_eq!(a.unpledged, d("40.00"));
}

#[test]
fn a_payment_in_another_currency_settles_the_pledge_currency_equivalent() {
    let b = book(&[
        r#"{"kind":"rate","currency":"EUR","per_usd":"0.8","date":"2009-01-01"}"#,
        r#"{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"100.00","currency":"EUR","date":"2009-01-10"}"#,
        r#"{"kind":"payment","donor":"JPN","mandate":"icat","amount":"50.00","currency":"USD","date":"2009-02-01","pledge":2}"#,
    ]);
    // 50 USD / 1 x 0.8 = 40.00 EUR.
    assert_eq!(allocation(&b, 3).settled, settled(&[(2, "40.00")]));
}

#[test]
fn a_write_off_lowers_outstanding_from_its_date_and_payments_settle_the_rest() {
    let b = book(&[
        &pledge("100", "2009-01-01"),
        r#"{"kind":"write-off","pledge":1,"amount":"30.00","currency":"USD","date":"2009-02-01","memo":"approval 1"}"#,
        &payment("100", "2009-03-01", None),
    ]);
    let s = settlement::settle(b.book()).unwrap();
    let p = b.pledge(1).unwrap();
    let day = |t: &str| t.parse().unwrap();
    assert_eq!(s.outstanding(p, day("2009-01-31")), d("100.00"));
    assert_eq!(s.outstanding(p, day("2009-02-01")), d("70.00"));
    assert_eq!(s.outstanding(p, day("2009-03-01")), d("0.00"));
    let a = allocation(&b, 3);
    assert_eq!(a.settled, settled(&[(1, "70.00")]));
    assert_eq!(a.unpledged, d("30.00"));
}

#[test]
fn a_reversed_payment_settles_nothing() {
    let b = book(&[
        &pledge("100", "2009-01-01"),
        &payment("100", "2009-03-01", None),
        r#"{"kind":"reversal","entry":2,"reason":"wrong value date"}"#,
        &payment("60", "2009-03-05", None),
    ]);
    let s = settlement::settle(b.book()).unwrap();
    assert!(
        !s.allocations.contains_key(&2),
        "a reversed payment was settled"
    );
    assert_eq!(allocation(&b, 4).settled, settled(&[(1, "60.00")]));
}

/// Each check of `Checker::check`, one code at a time, against one small book.
#[test]
fn each_check_refuses_with_its_own_code() {
    let b = book(&[
        &pledge("100", "2009-01-01"), // #1
        r#"{"kind":"pledge","donor":"DEU","mandate":"un-gift","amount":"50.00","currency":"EUR","date":"2009-01-01"}"#, // #2
        r#"{"kind":"rate","currency":"EUR","per_usd":"0.8","date":"2009-01-01"}"#, // #3
        &payment("40", "2009-02-01", Some(1)),                                     // #4
        r#"{"kind":"refund","donor":"JPN","mandate":"icat","amount":"10.00","currency":"USD","date":"2009-02-10"}"#, // #5
        &pledge("5", "2009-01-01"),                                // #6
        r#"{"kind":"reversal","entry":6,"reason":"typed twice"}"#, // #7
        r#"{"kind":"write-off","pledge":2,"amount":"1.00","currency":"EUR","date":"2009-03-01","memo":"approval"}"#, // #8
    ]);
    let cases: &[(&str, Code)] = &[
        (
            r#"{"kind":"pledge","donor":"JPNN","mandate":"icat","amount":"1","currency":"USD","date":"2009-01-01"}"#,
            Code::UnknownDonor,
        ),
        (
            r#"{"kind":"pledge","donor":"JPN","mandate":"icatt","amount":"1","currency":"USD","date":"2009-01-01"}"#,
            Code::UnknownMandate,
        ),
        (
            r#"{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"1.005","currency":"USD","date":"2009-01-01"}"#,
            Code::TooManyDecimals,
        ),
        (
            r#"{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"0","currency":"USD","date":"2009-01-01"}"#,
            Code::BadAmount,
        ),
        (
            r#"{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"1","currency":"USD","date":"1900-01-01"}"#,
            Code::BadDate,
        ),
        (
            r#"{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"1","currency":"USD","date":"2009-01-01","due":"2008-12-31"}"#,
            Code::DueBeforeDate,
        ),
        (&payment("1", "2009-02-01", Some(99)), Code::NoSuchPledge),
        (&payment("1", "2009-02-01", Some(3)), Code::NotAPledge),
        (&payment("1", "2009-02-01", Some(6)), Code::PledgeReversed),
        (&payment("1", "2009-02-01", Some(2)), Code::WrongDonor),
        (
            r#"{"kind":"payment","donor":"DEU","mandate":"icat","amount":"1.00","currency":"EUR","date":"2009-02-01","pledge":2}"#,
            Code::WrongMandate,
        ),
        (
            r#"{"kind":"write-off","pledge":1,"amount":"61.00","currency":"USD","date":"2009-03-01","memo":"approval"}"#,
            Code::WriteOffExceeds,
        ),
        (
            r#"{"kind":"write-off","pledge":1,"amount":"1.00","currency":"EUR","date":"2009-03-01","memo":"approval"}"#,
            Code::CurrencyMismatch,
        ),
        (
            r#"{"kind":"write-off","pledge":1,"amount":"1.00","currency":"USD","date":"2008-12-01","memo":"approval"}"#,
            Code::DateBeforePledge,
        ),
        (
            r#"{"kind":"write-off","pledge":1,"amount":"1.00","currency":"USD","date":"2009-03-01"}"#,
            Code::ReasonRequired,
        ),
        (
            r#"{"kind":"reduction","pledge":1,"amount":"61.00","currency":"USD","date":"2009-03-01","memo":"letter"}"#,
            Code::ReductionExceeds,
        ),
        (
            r#"{"kind":"refund","donor":"JPN","mandate":"icat","amount":"31.00","currency":"USD","date":"2009-03-01"}"#,
            Code::RefundExceeds,
        ),
        (
            r#"{"kind":"reversal","entry":99,"reason":"x"}"#,
            Code::NoSuchEntry,
        ),
        (
            r#"{"kind":"reversal","entry":6,"reason":"x"}"#,
            Code::AlreadyReversed,
        ),
        (
            r#"{"kind":"reversal","entry":7,"reason":"x"}"#,
            Code::ReversalOfReversal,
        ),
        (
            r#"{"kind":"reversal","entry":1,"reason":"x"}"#,
            Code::PledgeInUse,
        ),
        (
            r#"{"kind":"reversal","entry":4,"reason":"x"}"#,
            Code::PaymentRefunded,
        ),
        (
            r#"{"kind":"reversal","entry":8,"reason":" "}"#,
            Code::ReasonRequired,
        ),
        (
            r#"{"kind":"rate","currency":"EUR","per_usd":"0.9","date":"2009-01-01"}"#,
            Code::RateExists,
        ),
        (
            r#"{"kind":"rate","currency":"USD","per_usd":"2","date":"2009-01-01"}"#,
            Code::BadRate,
        ),
        (
            r#"{"kind":"rate","currency":"EUR","per_usd":"0","date":"2009-02-01"}"#,
            Code::BadRate,
        ),
        (
            r#"{"kind":"donor","code":"JPN","name":"Japan again","category":"member-state"}"#,
            Code::DonorExists,
        ),
        (
            r#"{"kind":"mandate","slug":"icat","name":"ICAT again","earmarking":"earmarked"}"#,
            Code::MandateExists,
        ),
        (
            r#"{"kind":"ledger","format":"contributions-ledger","version":1}"#,
            Code::BadEntry,
        ),
    ];
    let mut wrong = Vec::new();
    for (json, want) in cases {
        match b.check(body(json)) {
            Err(p) if p.code == *want => {}
            other => wrong.push(format!("{json}\n  wanted [{want}], got {other:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A whole book is settled on several threads, each taking some (donor, mandate)
/// pairs; the result must be exactly one run's, including a payment in one currency
/// naming a pledge in another, write-offs, a reversed pledge still named, and
/// exact-amount matches.
#[test]
fn settling_in_parts_gives_what_one_run_gives() {
    let donors = ["JPN", "USA", "DEU", "SWE", "ITA"];
    let mandates = ["icat", "un-gift", "victim-assistance", "cop-support"];
    let mut entries: Vec<String> = vec![
        r#"{"kind":"rate","currency":"EUR","per_usd":"0.8","date":"2009-01-01"}"#.into(),
        r#"{"kind":"rate","currency":"EUR","per_usd":"0.9","date":"2009-06-01"}"#.into(),
    ];
    let money = |kind: &str, donor: &str, mandate: &str, amount: &str, cur: &str, date: &str| {
        format!(
            r#"{{"kind":"{kind}","donor":"{donor}","mandate":"{mandate}","amount":"{amount}","currency":"{cur}","date":"{date}""#
        )
    };
    let mut pledges = Vec::new();
    for (i, donor) in donors.iter().enumerate() {
        for (j, mandate) in mandates.iter().enumerate() {
            for (k, cur) in ["USD", "EUR"].iter().enumerate() {
                let amount = format!("{}", 100 * (i + j + k + 1));
                let date = format!("2009-0{}-1{}", 1 + (i + k) % 5, j);
                entries.push(money("pledge", donor, mandate, &amount, cur, &date) + "}");
                pledges.push((entries.len() as u64, *donor, *mandate, *cur, amount));
            }
        }
    }
    for (n, (seq, donor, mandate, cur, amount)) in pledges.iter().enumerate() {
        let other = if *cur == "USD" { "EUR" } else { "USD" };
        let line = match n % 5 {
            // The exact amount, unnamed: settles this pledge.
            0 => money("payment", donor, mandate, amount, cur, "2009-07-01") + "}",
            // Named, in the other currency.
            1 => {
                money("payment", donor, mandate, "70", other, "2009-07-02")
                    + &format!(r#","pledge":{seq}}}"#)
            }
            // Oldest first, more than one pledge holds.
            2 => money("payment", donor, mandate, "250", cur, "2009-07-03") + "}",
            3 => format!(
                r#"{{"kind":"write-off","pledge":{seq},"amount":"10","currency":"{cur}","date":"2009-08-01","memo":"uncollectable"}}"#
            ),
            _ => {
                money("payment", donor, mandate, "33.33", cur, "2009-06-15")
                    + &format!(r#","pledge":{seq}}}"#)
            }
        };
        entries.push(line);
    }
    let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
    let b = book(&refs);
    let apart = settlement::settle(b.book()).expect("rates");
    let one = settlement::settle_records(&settlement::Records::of(b.book())).expect("rates");
    assert_eq!(apart.allocations, one.allocations);
    assert_eq!(apart.left_after, one.left_after);
    assert!(!one.allocations.is_empty());
    for (seq, ..) in &pledges {
        assert_eq!(apart.events(*seq), one.events(*seq), "pledge #{seq}");
    }
}

/// What a checker keeps between judgments (each pledge group's settlement, each
/// group's net paid) must never change a verdict: entries of random kinds and dates
/// (back-dated ones, reversals of any earlier entry) are judged by a checker that
/// has judged everything before them and by a fresh one that only applied it, and
/// both must agree (accepted, or refused with the same code).
mod kept {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Draft {
        Pledge(u32, u32),
        Payment(u32, u32, Option<usize>, bool),
        Refund(u32, u32),
        Rate(u32, u32),
        WriteOff(u32, u32, usize),
        Reversal(usize),
    }

    fn draft() -> impl Strategy<Value = Draft> {
        prop_oneof![
            3 => (0u32..12, 1u32..7).prop_map(|(d, a)| Draft::Pledge(d, a)),
            4 => (0u32..12, 1u32..7, prop::option::weighted(0.3, 0usize..64), prop::bool::weighted(0.4))
                .prop_map(|(d, a, n, eur)| Draft::Payment(d, a, n, eur)),
            2 => (0u32..12, 70u32..99).prop_map(|(d, x)| Draft::Rate(d, x)),
            3 => (0u32..12, 1u32..15).prop_map(|(d, a)| Draft::Refund(d, a)),
            3 => (0u32..12, 1u32..6, 0usize..64).prop_map(|(d, a, n)| Draft::WriteOff(d, a, n)),
            2 => (0usize..12).prop_map(Draft::Reversal),
        ]
    }

    proptest! {
        // 48 cases in `cargo test`; more with PROPTEST_CASES (400 in a release build
        // take a few seconds).
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)
        ))]
        #[test]
        fn what_a_checker_keeps_never_changes_a_verdict(
            drafts in prop::collection::vec(draft(), 1..120),
        ) {
            let mut kept = Checker::new();
            let mut entries: Vec<Entry> = Vec::new();
            let mut pledges: Vec<u64> = Vec::new();
            for (i, d) in drafts.iter().enumerate() {
                // Dates mostly rise with the entries, some go back.
                let date = |d: u32| {
                    let day = chrono::NaiveDate::from_ymd_opt(2009, 1, 1).unwrap()
                        + chrono::Days::new((i as u64) / 3 + u64::from(d));
                    day.format("%Y-%m-%d").to_string()
                };
                let json = match *d {
                    Draft::Pledge(d, a) => pledge(&a.to_string(), &date(d)),
                    // In euros it names a pledge in dollars, converted at the
                    // day's rate (a rate recorded or reversed later changes it).
                    Draft::Payment(d, a, n, eur) => match (eur, pledges.get(n.unwrap_or(0) % pledges.len().max(1))) {
                        (true, Some(p)) => format!(
                            r#"{{"kind":"payment","donor":"JPN","mandate":"icat","amount":"{a}.00","currency":"EUR","date":"{}","pledge":{p}}}"#,
                            date(d)
                        ),
                        _ => payment(
                            &a.to_string(),
                            &date(d),
                            n.and_then(|n| pledges.get(n % pledges.len().max(1)).copied()),
                        ),
                    },
                    Draft::Rate(d, x) => format!(
                        r#"{{"kind":"rate","currency":"EUR","per_usd":"0.{x}","date":"{}"}}"#,
                        date(d)
                    ),
                    Draft::Refund(d, a) => format!(
                        r#"{{"kind":"refund","donor":"JPN","mandate":"icat","amount":"{a}","currency":"USD","date":"{}"}}"#,
                        date(d)
                    ),
                    Draft::WriteOff(d, a, n) => match pledges.get(n % pledges.len().max(1)) {
                        Some(p) => format!(
                            r#"{{"kind":"write-off","pledge":{p},"amount":"{a}","currency":"USD","date":"{}","memo":"approval"}}"#,
                            date(d + 3)
                        ),
                        None => continue,
                    },
                    Draft::Reversal(n) => {
                        if entries.is_empty() {
                            continue;
                        }
                        let target = entries.len() - n % entries.len();
                        format!(r#"{{"kind":"reversal","entry":{target},"reason":"x"}}"#)
                    }
                };
                let mut fresh = Checker::new();
                for e in &entries {
                    fresh.apply(e.clone());
                }
                let a = kept.check(body(&json)).map_err(|p| p.code);
                let b = fresh.check(body(&json)).map_err(|p| p.code);
                prop_assert_eq!(&a, &b, "entry #{}: {}", entries.len() + 1, json);
                if let Ok(checked) = a {
                    let e = Entry { seq: entries.len() as u64 + 1, recorded_at: at(), body: checked };
                    if matches!(e.body, Body::Pledge(_)) {
                        pledges.push(e.seq);
                    }
                    kept.apply(e.clone());
                    entries.push(e);
                }
            }
        }
    }
}

/// `record` judges a new entry against one share of the ledger (`Share`: one
/// donor's entries, or none, and every entry that names no donor), and commits only
/// what that book accepts as of its share (`Share::owns`), or gives the refusal it
/// gives where the draft reads that share and every entry it names is in the book
/// (`Share::answers`). That must be exactly what the whole book accepts as of that
/// share, in the same canonical form, with the same references already recorded,
/// and where it answers, the whole book's refusal. Entries of two donors, each
/// naming pledges of either, write-offs and reversals of any entry, rates,
/// registrations, agreements and a condition met are judged by every share.
mod share {
    use super::*;
    use ledger::domain::book::{Donors, Share, Whose};
    use ledger::domain::{Book, Kind};
    use proptest::prelude::*;

    /// Two donors of the built-in register, and a registered one by code and by name.
    const DONORS: [&str; 4] = ["JPN", "USA", "ACME", "Acme Foundation"];
    /// The shares judged: each donor's, every registered donor's, one donor's with
    /// every registered donor's (an import's), and no donor's.
    fn shares() -> [Whose<'static>; 5] {
        let several: &'static Donors = Box::leak(Box::new(Donors {
            codes: ["JPN".to_string()].into_iter().collect(),
            registered: true,
        }));
        [
            Whose::Donor("JPN"),
            Whose::Donor("USA"),
            Whose::Registered,
            Whose::Donors(several),
            Whose::NoDonor,
        ]
    }

    #[derive(Debug, Clone)]
    enum Draft {
        /// Donor, day, amount, in kind, an instalment of the agreement, reference.
        Pledge(usize, u32, u32, bool, bool, Option<u8>),
        /// Kind (payment, refund, in-kind), donor, day, amount, in euros, the
        /// pledge named (of either donor), reference.
        Money(u8, usize, u32, u32, bool, Option<usize>, Option<u8>),
        WriteOff(u32, u32, usize),
        Reversal(usize),
        Rate(u32, u32),
        Condition(u32),
        /// A donor (some codes taken), an agreement (some codes taken) of either
        /// donor, or a mandate registration.
        Register(u8, u8),
    }

    fn draft() -> impl Strategy<Value = Draft> {
        let reference = prop::option::weighted(0.3, 0u8..3);
        prop_oneof![
            3 => (0usize..4, 0u32..12, 1u32..7, prop::bool::weighted(0.2), prop::bool::weighted(0.2), reference.clone())
                .prop_map(|(d, day, a, k, g, r)| Draft::Pledge(d, day, a, k, g, r)),
            6 => (0u8..3, 0usize..4, 0u32..12, 1u32..9, prop::bool::weighted(0.3), prop::option::weighted(0.6, 0usize..64), reference)
                .prop_map(|(k, d, day, a, eur, n, r)| Draft::Money(k, d, day, a, eur, n, r)),
            2 => (0u32..12, 1u32..6, 0usize..64).prop_map(|(d, a, n)| Draft::WriteOff(d, a, n)),
            2 => (0usize..12).prop_map(Draft::Reversal),
            1 => (0u32..12, 70u32..99).prop_map(|(d, x)| Draft::Rate(d, x)),
            1 => (0u32..12).prop_map(Draft::Condition),
            1 => (0u8..3, 0u8..4).prop_map(|(k, n)| Draft::Register(k, n)),
        ]
    }

    /// The book `record` judges a draft of share `whose` by: the entries `Share` keeps.
    fn of_share(entries: &[Entry], whose: Whose<'_>) -> Checker {
        let scope = Share::new(whose);
        let mut b = Checker::without_sources();
        for e in entries {
            if scope.keeps(&b, e) {
                b.apply(e.clone());
            }
        }
        b.set_entries(entries.len() as u64);
        b
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)
        ))]
        #[test]
        fn a_share_of_the_ledger_judges_as_the_whole_book(
            drafts in prop::collection::vec(draft(), 1..120),
        ) {
            let setup = [
                r#"{"kind":"rate","currency":"EUR","per_usd":"0.8","date":"2009-01-01"}"#,
                r#"{"kind":"agreement","code":"AG-1","donor":"JPN","mandate":"icat","currency":"USD","signed":"2009-01-01","title":"Phase one","conditional":true}"#,
                r#"{"kind":"donor","code":"ACME","name":"Acme Foundation","category":"foundation"}"#,
            ];
            let mut whole = Checker::without_sources();
            let mut entries: Vec<Entry> = Vec::new();
            for json in setup {
                let body = whole.check(body(json)).expect("setup");
                let e = Entry { seq: entries.len() as u64 + 1, recorded_at: at(), body };
                whole.apply(e.clone());
                entries.push(e);
            }
            let mut pledges: Vec<u64> = Vec::new();
            // Each share's book, kept as `record` reads it: the entries `Share` keeps.
            let mut alones: Vec<(Share, Checker)> =
                shares().iter().map(|&w| (Share::new(w), of_share(&entries, w))).collect();
            for (i, d) in drafts.iter().enumerate() {
                let date = |d: u32| {
                    let day = chrono::NaiveDate::from_ymd_opt(2009, 1, 1).unwrap()
                        + chrono::Days::new((i as u64) / 3 + u64::from(d));
                    day.format("%Y-%m-%d").to_string()
                };
                let reference = |r: Option<u8>| r.map_or(String::new(), |r| format!(r#","reference":"R{r}""#));
                let named = |n: Option<usize>| n.and_then(|n| pledges.get(n % pledges.len().max(1)).copied());
                let json = match *d {
                    Draft::Pledge(donor, day, a, in_kind, instalment, r) => format!(
                        r#"{{"kind":"pledge","donor":"{}","mandate":"icat","amount":"{a}00","currency":"USD","date":"{}"{}{}{}}}"#,
                        DONORS[donor],
                        date(day),
                        if in_kind { r#","in_kind":true"# } else { "" },
                        if instalment { r#","agreement":"AG-1""# } else { "" },
                        reference(r),
                    ),
                    Draft::Money(kind, donor, day, a, eur, n, r) => format!(
                        r#"{{"kind":"{}","donor":"{}","mandate":"icat","amount":"{a}0","currency":"{}","date":"{}"{}{}{}}}"#,
                        ["payment", "refund", "in-kind"][kind as usize],
                        DONORS[donor],
                        if eur { "EUR" } else { "USD" },
                        date(day),
                        named(n).map_or(String::new(), |p| format!(r#","pledge":{p}"#)),
                        reference(r),
                        if kind == 2 { r#","memo":"an expert""# } else { "" },
                    ),
                    Draft::WriteOff(day, a, n) => match named(Some(n)) {
                        Some(p) => format!(
                            r#"{{"kind":"write-off","pledge":{p},"amount":"{a}0","currency":"USD","date":"{}","memo":"approval"}}"#,
                            date(day + 3)
                        ),
                        None => continue,
                    },
                    Draft::Reversal(n) => {
                        let target = entries.len() - n % entries.len();
                        format!(r#"{{"kind":"reversal","entry":{target},"reason":"x"}}"#)
                    }
                    Draft::Rate(day, x) => format!(
                        r#"{{"kind":"rate","currency":"EUR","per_usd":"0.{x}","date":"{}"}}"#,
                        date(day)
                    ),
                    Draft::Condition(day) => format!(
                        r#"{{"kind":"condition-met","agreement":"AG-1","date":"{}"}}"#,
                        date(day)
                    ),
                    Draft::Register(0, n) => format!(
                        r#"{{"kind":"donor","code":"ACME{n}","name":"Acme {n}","category":"foundation"}}"#
                    ),
                    Draft::Register(1, n) => format!(
                        r#"{{"kind":"agreement","code":"AG-{n}","donor":"{}","mandate":"icat","currency":"USD","signed":"2009-01-01","title":"Phase {n}"}}"#,
                        DONORS[n as usize % 2]
                    ),
                    Draft::Register(_, n) => format!(
                        r#"{{"kind":"mandate","slug":"project-{n}","name":"Project {n}","earmarking":"earmarked","fund":"CPCJF"}}"#
                    ),
                };
                let draft = body(&json);
                let verdict = whole.check(draft.clone());
                for (share, alone) in &mut alones {
                    alone.set_entries(entries.len() as u64);
                    let share = &*share;
                    let alone = &*alone;
                    let judged = alone.check(draft.clone());
                    // What `record` commits from the book of one share: a verdict
                    // that book accepts as of that share.
                    let kept = judged.as_ref().ok().filter(|b| share.owns(alone, b));
                    // What the whole book accepts as of that share.
                    let owned = verdict.as_ref().ok().filter(|b| share.owns(&whole, b));
                    prop_assert_eq!(
                        kept, owned,
                        "entry #{} judged by share {:?}: {}: alone {:?}, whole {:?}", entries.len() + 1, share.whose(), json,
                        judged.as_ref().err().map(|p| p.code), verdict.as_ref().err().map(|p| p.code)
                    );
                    // Where every entry the draft names is in that book, its
                    // verdict is `record`'s, a refusal's message too.
                    if share.answers(alone, &draft) {
                        prop_assert_eq!(
                            &judged, &verdict,
                            "entry #{} judged by share {:?}: {}", entries.len() + 1, share.whose(), json
                        );
                    }
                    let code = match share.whose() {
                        Whose::Donor(code) => Some(code),
                        Whose::Registered => Some("ACME"),
                        Whose::Donors(_) => Some("JPN"),
                        Whose::NoDonor => None,
                    };
                    if let (Some(b), Some(code)) = (owned, code) {
                        for r in ["R0", "R1", "R2"] {
                            for k in [Kind::Pledge, Kind::Payment, Kind::Refund, Kind::InKind] {
                                prop_assert_eq!(
                                    alone.recorded_with(k, code, r),
                                    whole.recorded_with(k, code, r),
                                    "{:?} {} {:?}", b.kind(), r, k
                                );
                            }
                        }
                    }
                }
                if let Ok(checked) = verdict {
                    let e = Entry { seq: entries.len() as u64 + 1, recorded_at: at(), body: checked };
                    if matches!(e.body, Body::Pledge(_)) {
                        pledges.push(e.seq);
                    }
                    whole.apply(e.clone());
                    for (scope, alone) in &mut alones {
                        if scope.keeps(alone, &e) {
                            alone.apply(e.clone());
                        }
                    }
                    entries.push(e);
                }
            }
            // The book of one donor holds nothing of the other's.
            let alone = of_share(&entries, Whose::Donor("JPN"));
            let book: &Book = &alone;
            prop_assert!(book.pledges().all(|p| &*p.donor == "JPN"));
            prop_assert!(book.payments().chain(book.in_kind()).all(|p| &*p.donor == "JPN"));
            // And the book of no donor holds no money at all.
            let none = of_share(&entries, Whose::NoDonor);
            let book: &Book = &none;
            prop_assert_eq!(book.pledges().count() + book.payments().count() + book.in_kind().count(), 0);
        }
    }
}
