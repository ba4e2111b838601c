//! In-kind contributions: recorded with what was given, reported as their own figure
//! (never cash paid), settling only the in-kind pledge they name; and the canonical
//! import's `in-kind` kind.

use super::{json, structure_ledger};
use crate::util::Test;

/// ITA over 2024, from the ledger's comment:
///
/// ```text
/// pledged      40,000 (#7, an in-kind pledge is a pledge)
/// paid          5,000 (#9; the in-kind #8 is not cash)
/// in_kind      15,000 (#8)
/// outstanding  25,000 (#7 less #8; #9 settles nothing: it is unpledged)
/// ```
#[test]
fn in_kind_is_its_own_figure_by_hand() {
    let t = structure_ledger();
    let d = json(&t, "report donors --year 2024 --donor ITA --format json");
    let ita = &d["rows"][0];
    assert_eq!(
        (
            &ita["pledged"],
            &ita["paid"],
            &ita["in_kind"],
            &ita["outstanding"]
        ),
        (
            &"40000.00".into(),
            &"5000.00".into(),
            &"15000.00".into(),
            &"25000.00".into()
        )
    );
    // In the whole ledger's totals: paid 170,000 + 5,000; in kind 15,000.
    let all = json(&t, "report donors --year 2024 --format json");
    assert_eq!(all["totals"]["paid"], "175000.00");
    assert_eq!(all["totals"]["in_kind"], "15000.00");
    assert_eq!(all["totals"]["outstanding"], "225000.00");
    t.ok("verify --rules");
}

/// A reversed in-kind contribution counts for nothing: ITA's in kind falls from
/// 15,000 to 0, and its in-kind pledge #7 is outstanding in full again (40,000).
/// Reversing the cash payment #9 as well leaves nothing paid.
#[test]
fn a_reversed_in_kind_contribution_counts_for_nothing() {
    let t = structure_ledger();
    // ITA's paid, in kind and outstanding over 2024.
    let ita = || {
        let d = json(&t, "report donors --year 2024 --donor ITA --format json");
        let row = &d["rows"][0];
        [&row["paid"], &row["in_kind"], &row["outstanding"]]
            .map(|v| v.as_str().expect("an amount").to_string())
    };
    t.ok("record reversal --entry 8 --reason 'recorded twice'");
    assert_eq!(ita(), ["5000.00", "0.00", "40000.00"]);
    t.ok("record reversal --entry 9 --reason 'wrong donor'");
    assert_eq!(ita(), ["0.00", "0.00", "40000.00"]);
    t.ok("verify --rules");
}

#[test]
fn in_kind_needs_what_was_given_and_an_in_kind_pledge() {
    let t = structure_ledger();
    let before = t.journal();
    t.refuses(
        "record in-kind --donor ITA --mandate icat --amount 10 --currency USD --date 2024-11-01",
        1,
        "error: --memo: an in-kind contribution needs what was given on record (--memo: the expert seconded, the venue, the equipment) [description-required]\n",
    );
    t.refuses(
        "record in-kind --donor SWE --mandate drug-prevention --amount 10 --currency USD --date 2024-11-01 --memo x --pledge 2",
        1,
        "error: --pledge: pledge #2 is a pledge of money; an in-kind contribution settles only a pledge recorded with --in-kind [not-in-kind-pledge]\n",
    );
    t.refuses(
        "record payment --donor ITA --mandate icat --amount 10 --currency USD --date 2024-11-01 --pledge 7",
        1,
        "error: --pledge: pledge #7 is a pledge of goods or services; only an in-kind contribution settles it (record in-kind --pledge 7) [in-kind-pledge]\n",
    );
    t.refuses(
        "record in-kind --donor ITA --mandate icat --amount 10 --currency USD --date 2024-11-01 --memo x --prior-period",
        1,
        "error: --prior-period: only a refund can be a prior-period refund; an in-kind contribution is recorded as given [prior-period-not-refund]\n",
    );
    t.refuses(
        "record reversal --entry 7 --reason x",
        1,
        "error: --entry: pledge #7 is still named by #8; reverse #8 first [pledge-in-use]\n",
    );
    assert_eq!(t.journal(), before);
    assert_eq!(
        t.ok("log --kind in-kind"),
        t.ok("log --kind in-kind --donor Italy")
    );
}

/// A finance officer's `INK` rows, mapped to the canonical `in-kind` kind.
#[test]
fn the_import_reads_in_kind_rows() {
    let t = structure_ledger();
    let csv = t.write(
        "receipts.csv",
        "kind,date,donor,mandate,amount,currency,memo,reference\nINK,2024-11-05,ITA,icat,2500,USD,laptops for the field office,ITA/INK/1\n",
    );
    let profile = t.write(
        "officer.toml",
        "name = \"officer\"\n[columns]\nkind = \"kind\"\ndate = \"date\"\ndonor = \"donor\"\nmandate = \"mandate\"\namount = \"amount\"\ncurrency = \"currency\"\nmemo = \"memo\"\nreference = \"reference\"\n[values.kind]\n\"INK\" = \"in-kind\"\n",
    );
    t.ok(&[
        "import",
        csv.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
    ]);
    let d = json(&t, "report donors --year 2024 --donor ITA --format json");
    assert_eq!(d["rows"][0]["in_kind"], "17500.00");
    assert_eq!(d["rows"][0]["paid"], "5000.00");
}

/// An in-kind contribution is given on a day, like money: a date after today is
/// refused as a payment's is.
#[test]
fn an_in_kind_contribution_dated_after_today_is_refused() {
    let t = structure_ledger();
    t.refuses(
        "record in-kind --donor ITA --mandate icat --amount 10 --currency USD --date 2025-01-05 --pledge 7 --memo 'laptops'",
        1,
        "error: --date: 2025-01-05 is later than today (2024-12-31): an in-kind contribution is recorded on or after the day it happens; record it then, or give the date it happened [future-date]\n",
    );
    t.ok("record in-kind --donor ITA --mandate icat --amount 10 --currency USD --date 2024-12-31 --pledge 7 --memo 'laptops'");
}

/// `record in-kind` refuses a reference its donor already has on an in-kind
/// contribution, as `record payment` does and as `import` counts it.
#[test]
fn record_in_kind_refuses_a_reference_already_recorded() {
    let t = structure_ledger();
    t.ok("record in-kind --donor ITA --mandate icat --amount 100 --currency USD --date 2024-11-01 --memo 'laptops' --reference ITA/INK/1");
    t.refuses(
        "record in-kind --donor Italy --mandate icat --amount 100 --currency USD --date 2024-11-01 --memo 'laptops' --reference ITA/INK/1",
        1,
        "error: --reference: an in-kind contribution of ITA with reference \"ITA/INK/1\" is already recorded as #10; a second one would be counted against the rows of later imports. If this is another line of the same document, add --allow-duplicate-reference; if #10 was wrong, reverse it and record again with --allow-duplicate-reference [duplicate-reference]\n",
    );
    assert!(
        t.ok("record in-kind --donor ITA --mandate icat --amount 100 --currency USD --date 2024-11-01 --memo 'laptops' --reference ITA/INK/1 --allow-duplicate-reference")
            .starts_with("#11 ")
    );
    // A payment with that reference is another kind: not a duplicate.
    t.ok("record payment --donor ITA --mandate icat --amount 100 --currency USD --date 2024-11-01 --reference ITA/INK/1");
}

/// An imported in-kind or reduction row known by its reference is compared with the
/// entry recorded with it, as payments and write-offs are.
#[test]
fn reimported_in_kind_and_reduction_rows_that_differ_are_named() {
    let t = structure_ledger();
    t.ok("record in-kind --donor ITA --mandate icat --amount 100 --currency USD --date 2024-11-01 --memo 'laptops' --reference ITA/INK/1");
    t.ok("record pledge --donor JPN --mandate icat --amount 1000 --currency USD --date 2024-11-01 --reference JPN/NV/9");
    t.ok("record reduction --pledge 11 --amount 200 --date 2024-11-02 --reason 'notice' --reference JPN/RED/1");
    let before = t.journal();
    t.write(
        "again.csv",
        "date,donor,mandate,kind,amount,currency,reference,pledge_reference,memo\n\
         2024-11-03,ITA,icat,in-kind,120,USD,ITA/INK/1,,laptops\n\
         2024-11-02,JPN,icat,reduction,250,USD,JPN/RED/1,JPN/NV/9,notice\n",
    );
    let o = t.run("import again.csv");
    assert_eq!(o.status, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "2 rows: 0 new entries, 2 already recorded\n");
    assert_eq!(
        o.stderr,
        "warning: again.csv:2: reference \"ITA/INK/1\" is already recorded as #10, but the amount, date differ \
         (#10: amount 100.00, date 2024-11-01; this row: amount 120.00, date 2024-11-03); \
         the row is not recorded again: reverse #10 and import again to replace it\n\
         warning: again.csv:3: reference \"JPN/RED/1\" is already recorded as #12, but the amount differs \
         (#12: amount 200.00; this row: amount 250.00); \
         the row is not recorded again: reverse #12 and import again to replace it\n"
    );
    assert_eq!(t.journal(), before);
}

/// A row's kind is named with the article its sound takes.
#[test]
fn an_in_kind_row_without_a_date_is_named_with_its_article() {
    let t = structure_ledger();
    t.write(
        "a.csv",
        "date,donor,mandate,kind,amount,currency,reference\n,ITA,icat,in-kind,5,USD,R\n",
    );
    t.refuses(
        "import a.csv",
        1,
        "error: a.csv:2: date \"\": an in-kind row needs a date [missing-value]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
}

/// An in-kind contribution that names a pledge it may not yet name is "an in-kind
/// contribution" in the refusal.
#[test]
fn an_in_kind_contribution_before_its_pledge_counts_is_named_with_its_article() {
    let t = Test::new().at("2025-12-31T12:00:00Z");
    t.ok("init");
    t.ok("record pledge --donor ITA --mandate icat --amount 1000 --currency USD --date 2023-01-01 --opening 2024-01-01 --outstanding 800 --in-kind --memo venue");
    t.refuses(
        "record in-kind --donor ITA --mandate icat --amount 10 --currency USD --date 2023-06-01 --pledge 1 --memo x",
        1,
        "error: --date: pledge #1 was carried in as an opening pledge on 2024-01-01; an in-kind contribution dated 2023-06-01 is before that (what it owed then already counts everything earlier) [before-opening]\n",
    );
    t.ok("agreement add C-1 --donor ITA --mandate icat --currency USD --signed 2024-01-01 --title c --conditional");
    t.ok("record pledge --donor ITA --mandate icat --amount 100 --currency USD --date 2024-01-01 --agreement C-1 --in-kind --memo v");
    t.ok("record condition-met --agreement C-1 --date 2024-06-01");
    t.refuses(
        "record in-kind --donor ITA --mandate icat --amount 10 --currency USD --date 2024-03-01 --pledge 3 --memo x",
        1,
        "error: --date: pledge #3 counts as pledged from 2024-06-01, when the condition of agreement C-1 was met; an in-kind contribution dated 2024-03-01 cannot name it [condition-not-met]\n",
    );
}
