//! `ledger report`: a hand-checked ledger with every figure worked out in the tests,
//! snapshots of every format, property tests on generated ledgers, and the HTML
//! report in a real browser.

mod browser;
pub mod demo;
mod errors;
mod formats;
mod groups;
mod hand;
mod opening;
mod props;
mod signable;

use crate::util::Test;

/// The hand-checked ledger. Entry numbers, value dates and recording times:
///
/// ```text
/// #1  2008-08-01 pledge  JPN coordination      50,000 USD ref NV/2008/1     (rec 2008-08-02)
/// #2  2008-09-01 payment JPN coordination      50,000 USD names #1          (rec 2008-09-02)
/// #3  2009-01-01 rate    EUR 0.80 per USD                                    (rec 2009-01-02)
/// #4  2009-02-10 pledge  JPN coordination     100,000 USD due 2009-06-30    (rec 2009-02-11)
/// #5  2009-03-05 pledge  DEU general-purpose   80,000 EUR due 2009-12-31    (rec 2009-03-06)
/// #6  2009-04-15 payment JPN coordination      40,000 USD names none        (rec 2009-04-16)
/// #7  2009-07-01 rate    EUR 0.75 per USD                                    (rec 2009-07-01)
/// #8  2009-07-15 pledge  NOR icat               2,000 USD (wrong amount)    (rec 2009-07-16)
/// #9             reversal of #8                                              (rec 2009-07-17)
/// #10 2009-07-15 pledge  NOR icat              20,000 USD due 2009-09-15    (rec 2009-07-17)
/// #11 2009-08-01 payment JPN coordination      10,000 USD names #4          (rec 2009-08-02)
/// #12 2009-08-10 payment DEU general-purpose   30,000 EUR names #5          (rec 2009-08-11)
/// #13 2009-08-20 payment SWE victim-assistance 15,000 USD no pledge: unpledged (rec 2009-08-21)
/// #14 2009-09-20 write-off #10                  5,000 USD                   (rec 2009-09-21)
/// #15 2009-09-25 refund  SWE victim-assistance  1,000 USD                   (rec 2009-09-26)
/// ```
pub fn hand_ledger() -> Test {
    let mut t = Test::new().at("2008-08-01T00:00:00Z");
    t.ok(&["init"]);
    let steps: &[(&str, &[&str])] = &[
        (
            "2008-08-02T09:00:00Z",
            &[
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "50000",
                "--currency",
                "USD",
                "--date",
                "2008-08-01",
                "--reference",
                "NV/2008/1",
            ],
        ),
        (
            "2008-09-02T09:00:00Z",
            &[
                "record",
                "payment",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "50000",
                "--currency",
                "USD",
                "--date",
                "2008-09-01",
                "--pledge",
                "1",
            ],
        ),
        (
            "2009-01-02T09:00:00Z",
            &[
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "0.80",
                "--date",
                "2009-01-01",
            ],
        ),
        (
            "2009-02-11T09:00:00Z",
            &[
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "100000",
                "--currency",
                "USD",
                "--date",
                "2009-02-10",
                "--due",
                "2009-06-30",
            ],
        ),
        (
            "2009-03-06T09:00:00Z",
            &[
                "record",
                "pledge",
                "--donor",
                "Germany",
                "--mandate",
                "general-purpose",
                "--amount",
                "80000",
                "--currency",
                "EUR",
                "--date",
                "2009-03-05",
                "--due",
                "2009-12-31",
            ],
        ),
        (
            "2009-04-16T09:00:00Z",
            &[
                "record",
                "payment",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "40000",
                "--currency",
                "USD",
                "--date",
                "2009-04-15",
            ],
        ),
        (
            "2009-07-01T12:00:00Z",
            &[
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "0.75",
                "--date",
                "2009-07-01",
            ],
        ),
        (
            "2009-07-16T09:00:00Z",
            &[
                "record",
                "pledge",
                "--donor",
                "NOR",
                "--mandate",
                "icat",
                "--amount",
                "2000",
                "--currency",
                "USD",
                "--date",
                "2009-07-15",
                "--due",
                "2009-09-15",
            ],
        ),
        (
            "2009-07-17T09:00:00Z",
            &[
                "record",
                "reversal",
                "--entry",
                "8",
                "--reason",
                "amount was 20000",
            ],
        ),
        (
            "2009-07-17T10:00:00Z",
            &[
                "record",
                "pledge",
                "--donor",
                "NOR",
                "--mandate",
                "icat",
                "--amount",
                "20000",
                "--currency",
                "USD",
                "--date",
                "2009-07-15",
                "--due",
                "2009-09-15",
            ],
        ),
        (
            "2009-08-02T09:00:00Z",
            &[
                "record",
                "payment",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "10000",
                "--currency",
                "USD",
                "--date",
                "2009-08-01",
                "--pledge",
                "4",
            ],
        ),
        (
            "2009-08-11T09:00:00Z",
            &[
                "record",
                "payment",
                "--donor",
                "DEU",
                "--mandate",
                "general-purpose",
                "--amount",
                "30000",
                "--currency",
                "EUR",
                "--date",
                "2009-08-10",
                "--pledge",
                "5",
            ],
        ),
        (
            "2009-08-21T09:00:00Z",
            &[
                "record",
                "payment",
                "--donor",
                "SWE",
                "--mandate",
                "victim-assistance",
                "--amount",
                "15000",
                "--currency",
                "USD",
                "--date",
                "2009-08-20",
            ],
        ),
        (
            "2009-09-21T09:00:00Z",
            &[
                "record",
                "write-off",
                "--reason",
                "approved",
                "--pledge",
                "10",
                "--amount",
                "5000",
                "--date",
                "2009-09-20",
            ],
        ),
        (
            "2009-09-26T09:00:00Z",
            &[
                "record",
                "refund",
                "--donor",
                "SWE",
                "--mandate",
                "victim-assistance",
                "--amount",
                "1000",
                "--currency",
                "USD",
                "--date",
                "2009-09-25",
            ],
        ),
    ];
    for (now, args) in steps {
        t.set_now(now);
        t.ok(args);
    }
    t
}

/// Runs a report and parses its JSON.
pub fn json(t: &Test, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["report"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json"]);
    let out = t.ok(&a);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
}
