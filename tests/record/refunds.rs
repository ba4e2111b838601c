//! Refunds: never more than was paid (net of earlier refunds) for the same donor,
//! mandate and currency, and payments they depend on stay until they are reversed.

#[allow(unused_imports)]
use super::{number, payment, pledge, walkthrough};
use crate::util::Test;

/// `record refund` for JPN and mandate icat in USD.
fn refund<'a>(amount: &'a str, date: &'a str) -> Vec<&'a str> {
    vec![
        "record",
        "refund",
        "--donor",
        "JPN",
        "--mandate",
        "icat",
        "--amount",
        amount,
        "--currency",
        "USD",
        "--date",
        date,
    ]
}

/// `record payment` for JPN and mandate icat in USD.
fn paid<'a>(amount: &'a str, date: &'a str) -> Vec<&'a str> {
    let mut v = refund(amount, date);
    v[1] = "payment";
    v
}

#[test]
fn a_refund_with_nothing_paid_is_refused() {
    let t = Test::init();
    t.ok(&pledge("JPN", "icat", "1", "USD")); // 1
    t.refuses(
        &refund("100", "2009-01-03"),
        1,
        "error: --amount: JPN has been paid 0.00 USD net for icat by 2009-01-03; a refund of 100.00 USD is larger (record the payment it returns first) [refund-exceeds]\n",
    );
    // Another donor's, mandate's or currency's payment does not count.
    t.ok(&payment("JPN", "500", None)); // 2: coordination
    t.ok("record payment --donor DEU --mandate icat --amount 500 --currency USD --date 2009-01-01"); // 3
    t.ok("record payment --donor JPN --mandate icat --amount 500 --currency EUR --date 2009-01-01"); // 4
    t.refuses(
        &refund("0.01", "2009-12-31"),
        1,
        "error: --amount: JPN has been paid 0.00 USD net for icat by 2009-12-31; a refund of 0.01 USD is larger (record the payment it returns first) [refund-exceeds]\n",
    );
}

#[test]
fn a_refund_may_not_exceed_what_was_paid_net_of_earlier_refunds() {
    let t = Test::init();
    t.ok(&paid("300", "2009-02-01")); // 1
    t.ok(&paid("200", "2009-03-01")); // 2
    assert_eq!(number(&t.ok(&refund("150", "2009-04-01"))), 3);
    t.refuses(
        &refund("350.01", "2009-05-01"),
        1,
        "error: --amount: JPN has been paid 350.00 USD net for icat by 2009-05-01; a refund of 350.01 USD is larger (record the payment it returns first) [refund-exceeds]\n",
    );
    // Only what was paid by the refund's date counts.
    t.refuses(
        &refund("300.01", "2009-02-15"),
        1,
        "error: --amount: JPN has been paid 300.00 USD net for icat by 2009-02-15; a refund of 300.01 USD is larger (record the payment it returns first) [refund-exceeds]\n",
    );
    // A reversed payment no longer counts; a reversed refund no longer takes away.
    t.ok("record reversal --entry 2 --reason bounced"); // 4
    t.refuses(
        &refund("150.01", "2009-05-01"),
        1,
        "error: --amount: JPN has been paid 150.00 USD net for icat by 2009-05-01; a refund of 150.01 USD is larger (record the payment it returns first) [refund-exceeds]\n",
    );
    t.ok("record reversal --entry 3 --reason 'not sent'"); // 5
    assert_eq!(number(&t.ok(&refund("300", "2009-05-01"))), 6);
    t.refuses(
        &refund("0.01", "2009-06-01"),
        1,
        "error: --amount: JPN has been paid 0.00 USD net for icat by 2009-06-01; a refund of 0.01 USD is larger (record the payment it returns first) [refund-exceeds]\n",
    );
}

#[test]
fn a_refund_dated_before_the_payment_it_returns_is_refused() {
    let t = Test::init();
    t.ok(&paid("300", "2009-03-01")); // 1
    t.refuses(
        &refund("100", "2009-02-28"),
        1,
        "error: --amount: JPN has been paid 0.00 USD net for icat by 2009-02-28; a refund of 100.00 USD is larger (record the payment it returns first) [refund-exceeds]\n",
    );
    // Nor may a back-dated refund take back what a later refund already returned.
    t.ok(&refund("250", "2009-06-01")); // 2
    t.refuses(
        &refund("100", "2009-04-01"),
        1,
        "error: --amount: JPN has been paid 50.00 USD net for icat by 2009-06-01, after later refunds; a refund of 100.00 USD dated 2009-04-01 is larger (those refunds already returned the rest) [refund-exceeds]\n",
    );
    assert_eq!(number(&t.ok(&refund("50", "2009-04-01"))), 3);
}

#[test]
fn a_refund_within_what_was_paid_is_recorded() {
    let t = Test::init();
    t.ok(&paid("100", "2009-01-02")); // 1
    // On the payment's own date, and the whole of it.
    assert_eq!(
        t.ok(&refund("100", "2009-01-02")),
        "#2 refund JPN icat 100.00 USD 2009-01-02\n"
    );
    let report = t.ok("report donors --format csv");
    assert!(report.contains("JPN,Japan,0.00,0.00,"), "{report}");
}

#[test]
fn a_payment_refunds_depend_on_cannot_be_reversed_before_them() {
    let t = Test::init();
    let run = |args: &[&str]| t.ok(args);
    run(&[
        "record",
        "pledge",
        "--donor",
        "ITA",
        "--mandate",
        "icat",
        "--amount",
        "1000",
        "--currency",
        "USD",
        "--date",
        "2020-01-01",
    ]);
    run(&[
        "record",
        "payment",
        "--donor",
        "ITA",
        "--mandate",
        "icat",
        "--amount",
        "800",
        "--currency",
        "USD",
        "--date",
        "2020-03-01",
        "--pledge",
        "1",
    ]);
    run(&[
        "record",
        "refund",
        "--donor",
        "ITA",
        "--mandate",
        "icat",
        "--amount",
        "100",
        "--currency",
        "USD",
        "--date",
        "2020-05-01",
    ]);
    t.refuses(
        "record reversal --entry 2 --reason oops",
        1,
        "error: --entry: without payment #2, the refunds to ITA for icat in USD (#3) would be more than was paid; reverse #3 first [payment-refunded]\n",
    );
    // Another payment that covers the refund frees the first.
    run(&[
        "record",
        "payment",
        "--donor",
        "ITA",
        "--mandate",
        "icat",
        "--amount",
        "150",
        "--currency",
        "USD",
        "--date",
        "2020-04-01",
    ]);
    assert!(
        t.ok("record reversal --entry 2 --reason oops")
            .starts_with("#5 reversal of #2")
    );
    let report: serde_json::Value =
        serde_json::from_str(&t.ok("report donors --format json")).unwrap();
    assert_eq!(report["totals"]["paid"], "50.00");
}
