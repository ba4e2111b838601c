//! `init`, `record`, `donor`, `mandate`, `log`: what a user types and sees.

use crate::util::Test;

#[test]
fn the_readme_walkthrough_numbers_entries() {
    let t = Test::init();
    assert_eq!(
        t.ok(&[
            "record",
            "rate",
            "--currency",
            "EUR",
            "--per-usd",
            "0.634",
            "--date",
            "2008-07-01"
        ])
        .split_whitespace()
        .next(),
        Some("#1")
    );
    let out = t.ok(&[
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
    ]);
    assert!(
        out.starts_with("#2 pledge JPN coordination 250,000.00 USD"),
        "{out}"
    );
}
