//! `init`, `record`, `donor`, `mandate`, `log`, `verify`: what a user types and sees,
//! and every input `record` must refuse (message, exit status 1, journal unchanged),
//! one file per topic; the helpers they share are here.

mod basics;
mod log;
mod refunds;
mod refusals;
mod registers;

use crate::util::Test;

/// The number a `record` printed first: `#N ...` -> N.
#[track_caller]
pub(super) fn number(stdout: &str) -> u64 {
    let first = stdout.split_whitespace().next().unwrap_or_default();
    first
        .strip_prefix('#')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("stdout does not start with #N: {stdout:?}"))
}

pub(super) fn pledge<'a>(
    donor: &'a str,
    mandate: &'a str,
    amount: &'a str,
    currency: &'a str,
) -> Vec<&'a str> {
    vec![
        "record",
        "pledge",
        "--donor",
        donor,
        "--mandate",
        mandate,
        "--amount",
        amount,
        "--currency",
        currency,
        "--date",
        "2009-01-15",
    ]
}

pub(super) fn payment<'a>(
    donor: &'a str,
    amount: &'a str,
    pledge: Option<&'a str>,
) -> Vec<&'a str> {
    let mut v = vec![
        "record",
        "payment",
        "--donor",
        donor,
        "--mandate",
        "coordination",
        "--amount",
        amount,
        "--currency",
        "USD",
        "--date",
        "2009-03-01",
    ];
    if let Some(p) = pledge {
        v.extend(["--pledge", p]);
    }
    v
}

/// The README's walkthrough: rate #1, pledge #2, payment #3, reversal #4, write-off #5.
pub(super) fn walkthrough() -> Test {
    let t = Test::init();
    for (args, n) in [
        (
            vec![
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "0.634",
                "--date",
                "2008-07-01",
            ],
            1,
        ),
        (
            vec![
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "250000",
                "--currency",
                "USD",
                "--date",
                "2008-07-24",
                "--due",
                "2009-06-30",
                "--reference",
                "NV/2008/117",
            ],
            2,
        ),
        (
            vec![
                "record",
                "payment",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "125000",
                "--currency",
                "USD",
                "--date",
                "2008-09-01",
                "--pledge",
                "2",
            ],
            3,
        ),
        (
            vec![
                "record",
                "reversal",
                "--entry",
                "3",
                "--reason",
                "wrong value date",
            ],
            4,
        ),
        (
            vec![
                "record",
                "write-off",
                "--reason",
                "approved",
                "--pledge",
                "2",
                "--amount",
                "10000",
                "--date",
                "2009-12-31",
            ],
            5,
        ),
    ] {
        assert_eq!(number(&t.ok(&args)), n, "{args:?}");
    }
    t
}
