//! Every input `record` must refuse: unknown names, bad amounts, currencies and dates,
//! payments that name no live pledge, reversals that cannot be, write-offs larger than
//! what is outstanding, and implausible rates (message, exit status 1, journal unchanged).

#[allow(unused_imports)]
use super::{number, payment, pledge, walkthrough};
use crate::util::Test;

#[test]
fn unknown_donors_and_mandates_are_refused_with_suggestions() {
    let t = walkthrough();
    t.refuses(
        &pledge("JPX", "coordination", "1", "USD"),
        1,
        "error: --donor: unknown donor \"JPX\"; did you mean JPN? [unknown-donor]\n",
    );
    t.refuses(
        &pledge("Untied Kingdom", "coordination", "1", "USD"),
        1,
        "error: --donor: unknown donor \"Untied Kingdom\"; did you mean GBR? [unknown-donor]\n",
    );
    t.refuses(
        &pledge("JPN", "coordinaton", "1", "USD"),
        1,
        "error: --mandate: unknown mandate \"coordinaton\"; did you mean coordination? [unknown-mandate]\n",
    );
    t.refuses(
        &pledge("JPN", "unvtf", "1", "USD"),
        1,
        "error: --mandate: unknown mandate \"unvtf\" [unknown-mandate]\n",
    );
    t.refuses(
        &payment("Atlantis", "1", None),
        1,
        "error: --donor: unknown donor \"Atlantis\"; did you mean ALA, ALB, PSE? [unknown-donor]\n",
    );
    t.refuses(
        "donor add X1 --name X --category charity",
        1,
        "error: --category: unknown category \"charity\"; use one of member-state, observer-state, other-government, intergovernmental, un-entity, pooled-fund, private-sector, foundation, individual [unknown-category]\n",
    );
    t.refuses(
        "mandate add x1 --name X --earmarking loose",
        1,
        "error: --earmarking: unknown level \"loose\"; use one of unearmarked, softly-earmarked, earmarked, tightly-earmarked [unknown-earmarking]\n",
    );
}

#[test]
fn bad_currencies_amounts_and_dates_are_refused() {
    let t = walkthrough();
    t.refuses(
        &pledge("JPN", "coordination", "1", "USX"),
        1,
        "error: --currency: unknown currency \"USX\"; use an ISO 4217 code such as USD, EUR, JPY [unknown-currency]\n",
    );
    t.refuses(
        &pledge("JPN", "coordination", "1", "XAU"),
        1,
        "error: --currency: unknown currency \"XAU\"; use an ISO 4217 code such as USD, EUR, JPY [unknown-currency]\n",
    );
    t.refuses(
        &pledge("JPN", "coordination", "100.005", "USD"),
        1,
        "error: --amount: USD allows 2 decimals; 100.005 has 3 [too-many-decimals]\n",
    );
    t.refuses(
        &pledge("JPN", "coordination", "10.5", "JPY"),
        1,
        "error: --amount: JPY allows 0 decimals; 10.5 has 1 [too-many-decimals]\n",
    );
    t.refuses(
        &pledge("JPN", "coordination", "1.0001", "KWD"),
        1,
        "error: --amount: KWD allows 3 decimals; 1.0001 has 4 [too-many-decimals]\n",
    );
    t.refuses(
        &pledge("JPN", "coordination", "0", "USD"),
        1,
        "error: --amount: the amount must be above zero; 0 is not [bad-amount]\n",
    );
    t.refuses(
        &pledge("JPN", "coordination", "0.00", "USD"),
        1,
        "error: --amount: the amount must be above zero; 0.00 is not [bad-amount]\n",
    );
    t.refuses(
        &pledge("JPN", "coordination", "-5", "USD"),
        1,
        "error: --amount: the amount must be above zero; -5 is not [bad-amount]\n",
    );
    t.refuses(
        &payment("JPN", "-5", None),
        1,
        "error: --amount: the amount must be above zero; -5 is not [bad-amount]\n",
    );
    t.refuses(
        &payment("JPN", "0", None),
        1,
        "error: --amount: the amount must be above zero; 0 is not [bad-amount]\n",
    );
    t.refuses(
        "record write-off --reason approved --pledge 2 --amount 0 --date 2009-12-31",
        1,
        "error: --amount: the amount must be above zero; 0 is not [bad-amount]\n",
    );
    t.refuses(
        &pledge("JPN", "coordination", "1,000", "USD"),
        1,
        "error: --amount: \"1,000\" is not a number (use digits and a decimal point, e.g. 1234.50) [bad-amount]\n",
    );
    t.refuses(
        &pledge("JPN", "coordination", "1e5", "USD"),
        1,
        "error: --amount: \"1e5\" is not a number (use digits and a decimal point, e.g. 1234.50) [bad-amount]\n",
    );
    for (date, why) in [
        (
            "2009-02-30",
            "\"2009-02-30\" is not a date in the calendar [bad-date]",
        ),
        (
            "2009-13-01",
            "\"2009-13-01\" is not a date in the calendar [bad-date]",
        ),
        (
            "yesterday",
            "\"yesterday\" is not a date of the form YYYY-MM-DD [bad-date]",
        ),
        (
            "15/01/2009",
            "\"15/01/2009\" is not a date of the form YYYY-MM-DD [bad-date]",
        ),
    ] {
        let mut args = pledge("JPN", "coordination", "1", "USD");
        *args.last_mut().unwrap() = date;
        let stderr = format!("error: --date: {why}\n");
        t.refuses(&args, 1, &stderr);
        t.refuses(
            &[
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "1",
                "--date",
                date,
            ],
            1,
            &stderr,
        );
    }
    let mut args = pledge("JPN", "coordination", "1", "USD");
    args.extend(["--due", "2009-02-29"]);
    t.refuses(
        &args,
        1,
        "error: --due: \"2009-02-29\" is not a date in the calendar [bad-date]\n",
    );
    let mut args = pledge("JPN", "coordination", "1", "USD");
    args.extend(["--due", "2008-12-31"]);
    t.refuses(
        &args,
        1,
        "error: --due: the due date 2008-12-31 is before the pledge date 2009-01-15 [due-before-date]\n",
    );
}

#[test]
fn payments_must_name_a_live_pledge_of_the_same_donor() {
    let t = walkthrough();
    // #6: a pledge that is then reversed by #7.
    t.ok(&pledge("JPN", "coordination", "500", "USD"));
    t.ok("record reversal --entry 6 --reason duplicate");
    t.refuses(
        &payment("JPN", "5", Some("99")),
        1,
        "error: --pledge: there is no entry #99 [no-such-pledge]\n",
    );
    t.refuses(
        &payment("JPN", "5", Some("1")),
        1,
        "error: --pledge: entry #1 is a rate, not a pledge [not-a-pledge]\n",
    );
    t.refuses(
        &payment("JPN", "5", Some("3")),
        1,
        "error: --pledge: entry #3 is a payment, not a pledge [not-a-pledge]\n",
    );
    t.refuses(
        &payment("JPN", "5", Some("6")),
        1,
        "error: --pledge: pledge #6 was reversed by #7 [pledge-reversed]\n",
    );
    t.refuses(
        &payment("DEU", "5", Some("2")),
        1,
        "error: --pledge: pledge #2 belongs to JPN, not DEU [wrong-donor]\n",
    );
    t.refuses(
        &payment("Germany", "5", Some("2")),
        1,
        "error: --pledge: pledge #2 belongs to JPN, not DEU [wrong-donor]\n",
    );
    let mut other_mandate = payment("JPN", "5", Some("2"));
    other_mandate[5] = "icat";
    t.refuses(
        &other_mandate,
        1,
        "error: --pledge: pledge #2 is for mandate coordination, not icat [wrong-mandate]\n",
    );
    // Write-offs follow the same rule on what they name.
    t.refuses(
        "record write-off --reason approved --pledge 6 --amount 1 --date 2009-12-31",
        1,
        "error: --pledge: pledge #6 was reversed by #7 [pledge-reversed]\n",
    );
    t.refuses(
        "record write-off --reason approved --pledge 4 --amount 1 --date 2009-12-31",
        1,
        "error: --pledge: entry #4 is a reversal, not a pledge [not-a-pledge]\n",
    );
    t.refuses(
        "record write-off --reason approved --pledge 2 --amount 1 --currency EUR --date 2009-12-31",
        1,
        "error: --currency: pledge #2 is in USD; a write-off is in the pledge's currency [currency-mismatch]\n",
    );
    // And a refund naming a pledge.
    t.refuses(
        "record refund --donor DEU --mandate coordination --amount 1 --currency USD --date 2009-03-01 --pledge 2",
        1,
        "error: --pledge: pledge #2 belongs to JPN, not DEU [wrong-donor]\n",
    );
}

#[test]
fn reversals_refuse_what_cannot_be_undone() {
    let t = walkthrough();
    t.refuses(
        "record reversal --entry 3 --reason again",
        1,
        "error: --entry: entry #3 was already reversed by #4 [already-reversed]\n",
    );
    t.refuses(
        "record reversal --entry 4 --reason undo",
        1,
        "error: --entry: entry #4 is a reversal; a reversal cannot be reversed (record the entry again instead) [reversal-of-reversal]\n",
    );
    // Pledge #2 is still named by write-off #5.
    t.refuses(
        "record reversal --entry 2 --reason wrong",
        1,
        "error: --entry: pledge #2 is still named by #5; reverse #5 first [pledge-in-use]\n",
    );
    t.refuses(
        "record reversal --entry 9 --reason x",
        1,
        "error: --entry: there is no entry #9 (the ledger has 5 entries) [no-such-entry]\n",
    );
    t.refuses(
        "record reversal --entry 2 --reason '  '",
        1,
        "error: --reason: a reversal needs a reason [reason-required]\n",
    );
    // Once what names it is reversed, the pledge can be.
    assert_eq!(number(&t.ok(&payment("JPN", "7", Some("2")))), 6);
    t.refuses(
        "record reversal --entry 2 --reason wrong",
        1,
        "error: --entry: pledge #2 is still named by #5, #6; reverse #5 and #6 first [pledge-in-use]\n",
    );
    t.ok("record reversal --entry 5 --reason x");
    t.refuses(
        "record reversal --entry 2 --reason wrong",
        1,
        "error: --entry: pledge #2 is still named by #6; reverse #6 first [pledge-in-use]\n",
    );
    t.ok("record reversal --entry 6 --reason x");
    assert_eq!(number(&t.ok("record reversal --entry 2 --reason wrong")), 9);
    // Registrations are not reversible.
    t.ok("donor add X1 --name Someone --category individual");
    t.refuses(
        "record reversal --entry 10 --reason x",
        1,
        "error: --entry: entry #10 is a donor registration; registrations cannot be reversed [not-reversible]\n",
    );
}

#[test]
fn write_offs_may_not_exceed_what_is_outstanding() {
    let t = Test::init();
    t.ok(&pledge("JPN", "coordination", "1000", "USD")); // 1, dated 2009-01-15
    let wo = |amount: &'static str| {
        vec![
            "record",
            "write-off",
            "--reason",
            "approved",
            "--pledge",
            "1",
            "--amount",
            amount,
            "--date",
            "2009-12-31",
        ]
    };
    t.refuses(
        &wo("1000.01"),
        1,
        "error: --amount: pledge #1 has 1000.00 USD outstanding on 2009-12-31; a write-off of 1000.01 USD is larger [write-off-exceeds]\n",
    );
    // A payment naming the pledge lowers what can be written off.
    t.ok(&payment("JPN", "300", Some("1"))); // 2
    t.refuses(
        &wo("700.01"),
        1,
        "error: --amount: pledge #1 has 700.00 USD outstanding on 2009-12-31; a write-off of 700.01 USD is larger [write-off-exceeds]\n",
    );
    // So does one naming none (same donor, mandate and currency; pledge dated before it).
    t.ok(&payment("JPN", "200", None)); // 3
    t.refuses(
        &wo("500.01"),
        1,
        "error: --amount: pledge #1 has 500.00 USD outstanding on 2009-12-31; a write-off of 500.01 USD is larger [write-off-exceeds]\n",
    );
    // Another donor's unnamed payment does not.
    t.ok(&payment("DEU", "200", None)); // 4
    t.refuses(
        &wo("500.01"),
        1,
        "error: --amount: pledge #1 has 500.00 USD outstanding on 2009-12-31; a write-off of 500.01 USD is larger [write-off-exceeds]\n",
    );
    assert_eq!(number(&t.ok(&wo("100"))), 5);
    t.refuses(
        &wo("400.01"),
        1,
        "error: --amount: pledge #1 has 400.00 USD outstanding on 2009-12-31; a write-off of 400.01 USD is larger [write-off-exceeds]\n",
    );
    assert_eq!(number(&t.ok(&wo("400"))), 6);
    t.refuses(
        &wo("0.01"),
        1,
        "error: --amount: pledge #1 has 0.00 USD outstanding on 2009-12-31; a write-off of 0.01 USD is larger [write-off-exceeds]\n",
    );
    // A write-off dated before the pledge is refused.
    t.refuses(
        "record write-off --reason approved --pledge 1 --amount 1 --date 2009-01-14",
        1,
        "error: --date: the write-off date 2009-01-14 is before the pledge date 2009-01-15 [date-before-pledge]\n",
    );
}

#[test]
fn rates_must_be_above_zero() {
    let t = walkthrough();
    let rate = |x: &'static str| {
        vec![
            "record",
            "rate",
            "--currency",
            "EUR",
            "--per-usd",
            x,
            "--date",
            "2009-01-01",
        ]
    };
    t.refuses(
        &rate("0"),
        1,
        "error: --per-usd: a rate must be above zero; 0 is not [bad-rate]\n",
    );
    t.refuses(
        &rate("-0.7"),
        1,
        "error: --per-usd: a rate must be above zero; -0.7 is not [bad-rate]\n",
    );
    t.refuses(
        &rate("abc"),
        1,
        "error: --per-usd: \"abc\" is not a number (use digits and a decimal point, e.g. 1234.50) [bad-rate]\n",
    );
    t.refuses(
        "record rate --currency USD --per-usd 2 --date 2009-01-01",
        1,
        "error: --currency: USD is the base currency; its rate is always 1 [bad-rate]\n",
    );
    t.refuses(
        "record rate --currency EUX --per-usd 2 --date 2009-01-01",
        1,
        "error: --currency: unknown currency \"EUX\"; use an ISO 4217 code such as USD, EUR, JPY [unknown-currency]\n",
    );
}

#[test]
fn one_rate_per_currency_and_day() {
    let t = Test::init();
    let rate = |r: &str| {
        [
            "record",
            "rate",
            "--currency",
            "EUR",
            "--per-usd",
            r,
            "--date",
            "2009-07-01",
        ]
        .map(str::to_string)
    };
    let args = rate("0.7");
    t.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let args = rate("0.70");
    t.refuses(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        1,
        "error: --date: #1 already records this rate; it is not recorded twice [rate-exists]\n",
    );
    let args = rate("0.6");
    t.refuses(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        1,
        "error: --date: #1 already sets EUR at 0.7 per USD from 2009-07-01; reverse #1 first to replace it [rate-exists]\n",
    );
    // Reversed, the day is free again.
    t.ok("record reversal --entry 1 --reason 'wrong rate'");
    let args = rate("0.6");
    assert!(
        t.ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .starts_with("#3 rate EUR 0.6")
    );
}

#[test]
fn stored_text_is_one_line_and_dates_are_exactly_yyyy_mm_dd() {
    let t = Test::init();
    let base = [
        "record",
        "pledge",
        "--donor",
        "JPN",
        "--mandate",
        "icat",
        "--amount",
        "5",
        "--currency",
        "USD",
    ];
    let with = |extra: &[&str]| {
        base.iter()
            .chain(extra)
            .copied()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for (extra, message) in [
        (
            vec!["--reference", "a\nb"],
            "error: --reference: \"a\\nb\" contains the control character '\\n'; this field must be one line of text [bad-text]\n",
        ),
        (
            vec!["--date", "2008-8-1"],
            "error: --date: \"2008-8-1\" is not a date of the form YYYY-MM-DD [bad-date]\n",
        ),
        (
            vec!["--date", "+2008-08-01"],
            "error: --date: \"+2008-08-01\" is not a date of the form YYYY-MM-DD [bad-date]\n",
        ),
        (
            vec!["--date", "08-08-01"],
            "error: --date: \"08-08-01\" is not a date of the form YYYY-MM-DD [bad-date]\n",
        ),
    ] {
        let args = with(&extra);
        t.refuses(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            1,
            message,
        );
    }
    // A memo may hold line breaks; `log` shows them escaped on one line.
    let args = with(&["--memo", "first line\nsecond line", "--date", "2008-08-01"]);
    t.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let log = t.ok(&["log"]);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("memo \"first line\\nsecond line\""), "{log}");
}

#[test]
fn implausible_rates_and_malformed_heads_are_refused() {
    let t = Test::init();
    for r in ["0.00001", "1000000001"] {
        t.refuses(
            &[
                "record",
                "rate",
                "--currency",
                "KWD",
                "--per-usd",
                r,
                "--date",
                "2020-01-01",
            ],
            1,
            &format!(
                "error: --per-usd: {r} units per USD is not a plausible rate (0.0001 to 1,000,000,000) [bad-rate]\n"
            ),
        );
    }
    t.ok("record rate --currency KWD --per-usd 0.3049 --date 2020-01-01");
    // A head that is not a hash is a usage error, not a failed verification.
    for bad in ["xyz", "", "3aa84770ab15"] {
        let o = t.fails(&["verify", "--head", bad], 2);
        assert_eq!(
            o.stderr,
            format!(
                "error: --head: {bad:?} is not a head hash (64 hexadecimal digits, as printed in a report's Ledger line)\n"
            )
        );
    }
}

/// What settles one pledge of a group changes what reaches the others, oldest
/// first: a write-off is judged against its pledge's whole group, as reports
/// settle it.
#[test]
fn a_write_off_is_judged_against_its_whole_group() {
    let t = Test::init();
    let r = "record pledge --donor ITA --mandate icat --currency USD --amount 100";
    t.ok(format!("{r} --date 2020-01-01").as_str()); // 1
    t.ok(format!("{r} --date 2020-02-01").as_str()); // 2
    let pay = "record payment --donor ITA --mandate icat --currency USD --amount";
    t.ok(format!("{pay} 100 --date 2020-03-01 --pledge 1").as_str()); // 3
    // Naming none, it finds #1 settled and settles #2.
    t.ok(format!("{pay} 100 --date 2020-04-01").as_str()); // 4
    let wo = "record write-off --reason approved --date 2020-05-01 --amount";
    t.refuses(
        format!("{wo} 100 --pledge 2").as_str(),
        1,
        "error: --amount: pledge #2 has 0.00 USD outstanding on 2020-05-01; a write-off of 100.00 USD is larger [write-off-exceeds]\n",
    );
    // A reduction of an older pledge sends a payment naming none on to a newer one,
    // leaving nothing for the newer one's write-off.
    t.ok(format!("{r} --date 2020-06-01").as_str()); // 5
    t.ok(format!("{r} --date 2020-06-15").as_str()); // 6
    t.ok(format!("{pay} 150 --date 2020-08-01").as_str()); // 7: 100 to #5, 50 to #6
    t.ok("record write-off --reason approved --pledge 6 --amount 50 --date 2020-09-01"); // 8
    t.refuses(
        "record reduction --reason letter --pledge 5 --amount 100 --date 2020-07-01",
        1,
        "error: --amount: a reduction of 100.00 USD on pledge #5 dated 2020-07-01 would leave less for write-off #8 (pledge #6, 2020-09-01): it would take 0.00 USD of its 50.00 USD instead of 50.00 USD [reduction-exceeds]\n",
    );
    // Dated after the payment, it takes what #7 left on #5: nothing.
    t.refuses(
        "record reduction --reason letter --pledge 5 --amount 1 --date 2020-08-02",
        1,
        "error: --amount: pledge #5 has 0.00 USD outstanding on 2020-08-02; a reduction of 1.00 USD is larger [reduction-exceeds]\n",
    );
    // A write-off that a payment recorded later already left short is not the
    // next one's doing.
    t.ok(format!("{pay} 30 --date 2020-08-15 --pledge 6").as_str()); // 9: #8 now takes 20
    t.ok(format!("{r} --date 2020-10-01").as_str()); // 10
    t.ok("record write-off --reason approved --pledge 10 --amount 100 --date 2020-10-02"); // 11
    let v = t.ok("verify --rules");
    assert!(
        v.starts_with("rules: every entry keeps the recording rules"),
        "{v}"
    );
}

/// What the checker keeps of a group between judgments follows every entry: a
/// reversal, a payment dated before the last write-off, a later pledge. `record`
/// judges one entry per run; `verify --rules` judges them all in one, and must
/// find every one of them within the rules.
#[test]
fn a_write_off_is_judged_on_the_group_as_it_stands() {
    let t = Test::init();
    let pay = "record payment --donor ITA --mandate icat --currency USD --amount";
    let pledge = "record pledge --donor ITA --mandate icat --currency USD";
    t.ok(format!("{pledge} --amount 100 --date 2020-01-01").as_str()); // 1
    t.ok(format!("{pledge} --amount 100 --date 2020-01-15").as_str()); // 2
    t.ok(format!("{pay} 100 --date 2020-02-01").as_str()); // 3: settles #1
    let wo = |pledge: u32, amount: u32, date: &str| {
        format!(
            "record write-off --reason approved --pledge {pledge} --amount {amount} --date {date}"
        )
    };
    t.ok(wo(2, 50, "2020-03-01").as_str()); // 4
    t.refuses(
        wo(1, 1, "2020-03-01").as_str(),
        1,
        "error: --amount: pledge #1 has 0.00 USD outstanding on 2020-03-01; a write-off of 1.00 USD is larger [write-off-exceeds]\n",
    );
    t.ok("record reversal --entry 3 --reason typed"); // 5
    t.ok(wo(1, 100, "2020-03-01").as_str()); // 6
    // Dated before the write-offs, a payment settles 50 of #2, leaving #4 the rest.
    t.ok(format!("{pay} 50 --date 2020-02-15 --pledge 2").as_str()); // 7
    t.refuses(
        wo(2, 1, "2020-03-02").as_str(),
        1,
        "error: --amount: pledge #2 has 0.00 USD outstanding on 2020-03-02; a write-off of 1.00 USD is larger [write-off-exceeds]\n",
    );
    // A later pledge takes what comes after.
    t.ok(format!("{pledge} --amount 50 --date 2020-04-01").as_str()); // 8
    t.ok(format!("{pay} 20 --date 2020-04-02").as_str()); // 9
    t.refuses(
        wo(8, 31, "2020-04-03").as_str(),
        1,
        "error: --amount: pledge #8 has 30.00 USD outstanding on 2020-04-03; a write-off of 31.00 USD is larger [write-off-exceeds]\n",
    );
    t.ok(wo(8, 30, "2020-04-03").as_str()); // 10
    let v = t.ok("verify --rules");
    assert!(
        v.starts_with("rules: every entry keeps the recording rules"),
        "{v}"
    );
}
