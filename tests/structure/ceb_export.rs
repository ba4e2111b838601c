//! `ledger export ceb` in both layouts on the hand-checked ledger of every kind of
//! contributor; the export read back with the shipped CEB profiles; the CEB's
//! published table exported again to its published totals; currencies, reversals
//! and stale rates.

use std::collections::BTreeMap;

use super::categories::contributors_ledger;
use super::json;
use crate::util::Test;

/// The CEB table of 2024, from the ledger's comment: one row per donor and
/// instrument, whole dollars half away from zero (10,000.40 -> 10,000;
/// 20,000.50 -> 20,001), in-kind as R02B/R03F, the refund negative.
#[test]
fn the_ceb_export_by_hand() {
    let t = contributors_ledger();
    assert_eq!(
        t.ok("export ceb --year 2024"),
        "amount,_currency,entity,calendar_year,rev_type,donor,contrib_type\n\
         3000,USD,UNODC,2024,R03E,African Union,C08B\n\
         100000,USD,UNODC,2024,R03E,European Union,C08A\n\
         10000,USD,UNODC,2024,R03E,Gates Foundation,C05\n\
         50000,USD,UNODC,2024,R03A,Multi-Partner Trust Fund Office,C04D\n\
         -1000,USD,UNODC,2024,R03E,Office for the Coordination of Humanitarian Affairs,C04C\n\
         700,USD,UNODC,2024,R04C,Private donors,C06\n"
    );
    assert_eq!(
        t.ok("export ceb --year 2024 --government --format csv"),
        "government_donor,entity,rev_type,calendar_year,amount\n\
         Italy,UNODC,Voluntary core (un-earmarked) contributions,2024,5 000\n\
         Japan,UNODC,Voluntary core (un-earmarked) contributions,2024,20 001\n\
         Japan,UNODC,Voluntary non-core (earmarked) contributions,2024,2 000\n"
    );
    // Another year has no rows.
    assert_eq!(
        t.ok("export ceb --year 2023"),
        "amount,_currency,entity,calendar_year,rev_type,donor,contrib_type\n"
    );
    // --output: the safe writer's rules.
    t.ok("export ceb --year 2024 --output ceb.csv");
    let written = std::fs::read_to_string(t.dir().join("ceb.csv")).expect("written");
    assert_eq!(written, t.ok("export ceb --year 2024"));
    t.refuses(
        "export ceb --year 2024 --output ceb.csv",
        1,
        "error: --output ceb.csv: the file exists; add --force to replace it\n",
    );
    t.ok("export ceb --year 2024 --government --output ceb.csv --force");
    let ledger = t.ledger().to_str().expect("path").to_string();
    t.refuses(
        &[
            "export", "ceb", "--year", "2024", "--output", &ledger, "--force",
        ][..],
        1,
        "error: --output $DIR/test.jsonl: that is the ledger's own file ($DIR/test.jsonl); a report is never written over it\n",
    );
    t.refuses(
        "export ceb --year 2024 --format json",
        2,
        "error: --format: \"json\"; the CEB's tables are csv\n",
    );
    t.refuses(
        "export ceb --year 1900",
        2,
        "error: invalid value '1900' for '--year <YEAR>': 1900 is not in 1945..=2199\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "export ceb",
        2,
        "error: the following required arguments were not provided:\n  --year <YEAR>\n\nUsage: ledger export ceb --year <YEAR>\n\nFor more information, try '--help'.\n",
    );
}

fn paid_by_donor(t: &Test) -> BTreeMap<String, String> {
    let r = json(t, "report donors --year 2024 --format json");
    r["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["donor"].as_str().expect("code").to_string(),
                r["paid"].as_str().expect("paid").to_string(),
            )
        })
        .collect()
}

/// Export both layouts, import them with the shipped profiles into an empty ledger
/// (registering the two donors the register lacks): the donors report of the year
/// gives each donor's paid plus in-kind, to the dollar.
#[test]
fn the_ceb_export_reads_back_with_the_shipped_profiles() {
    let t = contributors_ledger();
    let back = Test::new().at("2025-01-15T12:00:00Z");
    back.ok("init");
    back.ok("donor add GATES --name 'Gates Foundation' --category foundation");
    back.ok("donor add AFU --name 'African Union' --category intergovernmental");
    for (layout, profile, file) in [
        ("", "ceb-non-government", "ng.csv"),
        (" --government", "ceb-government", "gov.csv"),
    ] {
        let path = back.dir().join(file);
        let path = path.to_str().expect("path");
        t.ok(&*format!("export ceb --year 2024{layout} --output {path}"));
        back.ok(&*format!("import {file} --profile {profile}"));
    }
    // Paid + in kind in the original, in whole dollars.
    let want: BTreeMap<String, String> = [
        ("AFU", "3000.00"),
        ("EU", "100000.00"),
        ("GATES", "10000.00"),
        ("ITA", "5000.00"),
        ("JPN", "22001.00"),
        ("MPTFO", "50000.00"),
        ("OCHA", "-1000.00"),
        ("PRIVATE", "700.00"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(paid_by_donor(&back), want);
    let r = json(&back, "report donors --year 2024 --format json");
    assert_eq!(r["totals"]["paid"], "189701.00");
    // And exported again, the same rows (in-kind comes back as money: R02B -> R02A).
    assert_eq!(
        back.ok("export ceb --year 2024"),
        t.ok("export ceb --year 2024")
    );
}

/// The CEB's published 2024 table, imported with the shipped profile and exported
/// again: the rows add up to the published totals by donor, by instrument and in all.
#[test]
fn the_published_ceb_table_exports_its_published_totals() {
    let t = Test::init();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ceb/ceb-unodc-2024-non-government-donors.csv"
        ),
        t.dir().join("ceb.csv"),
    )
    .expect("copy");
    t.ok("import ceb.csv --profile ceb-non-government");
    let out = t.ok("export ceb --year 2024");
    let mut by_donor: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_type: BTreeMap<String, i64> = BTreeMap::new();
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    for line in out.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 7, "{line}");
        assert_eq!((f[1], f[2], f[3]), ("USD", "UNODC", "2024"));
        let amount: i64 = f[0].parse().expect("whole dollars");
        *by_donor.entry(f[5].to_string()).or_default() += amount;
        *by_type.entry(f[4].to_string()).or_default() += amount;
        types.insert(f[5].to_string(), f[6].to_string());
    }
    let want: BTreeMap<String, i64> = [
        ("European Union", 43_672_000),
        ("Multi-Partner Trust Fund Office", 14_458_000),
        ("Private donors", 77_000),
        (
            "Office for the Coordination of Humanitarian Affairs",
            -1_096_000,
        ),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b))
    .collect();
    assert_eq!(by_donor, want);
    assert_eq!(by_donor.values().sum::<i64>(), 57_111_000);
    let want: BTreeMap<String, i64> =
        [("R03E", 42_584_000), ("R03A", 14_458_000), ("R04C", 69_000)]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b))
            .collect();
    assert_eq!(by_type, want);
    // The contributor types the CEB gives these donors.
    assert_eq!(types["European Union"], "C08A");
    assert_eq!(types["Multi-Partner Trust Fund Office"], "C04D");
    assert_eq!(types["Private donors"], "C06");
    assert_eq!(
        types["Office for the Coordination of Humanitarian Affairs"],
        "C04C"
    );
    // No governments in this table.
    assert_eq!(
        t.ok("export ceb --year 2024 --government"),
        "government_donor,entity,rev_type,calendar_year,amount\n"
    );
}

/// Other currencies at the value-date rate, reversed entries left out, stale rates
/// named beside the file or (with `--strict-rates`) refused:
///
/// ```text
/// #1 rate EUR 0.9 per USD from 2024-01-01
/// #2 2024-01-15 payment DEU general-purpose 1,000.00 EUR = 1,111.11 USD -> 1,111
/// #3 2024-01-20 payment DEU general-purpose 5,000.00 USD, reversed by #4
/// #5 2024-03-10 payment EU  non-core          900.00 EUR = 1,000.00 USD at a rate
///                                             from January (stale)
/// ```
#[test]
fn the_ceb_export_converts_at_value_date_rates_and_leaves_reversals_out() {
    let t = Test::new().at("2024-12-31T12:00:00Z");
    t.ok("init");
    for line in [
        "record rate --currency EUR --per-usd 0.9 --date 2024-01-01",
        "record payment --donor DEU --mandate general-purpose --amount 1000 --currency EUR --date 2024-01-15",
        "record payment --donor DEU --mandate general-purpose --amount 5000 --currency USD --date 2024-01-20",
        "record reversal --entry 3 --reason 'wrong donor'",
        "record payment --donor EU --mandate non-core --amount 900 --currency EUR --date 2024-03-10",
    ] {
        t.ok(line);
    }
    let o = t.run("export ceb --year 2024 --government");
    assert_eq!(o.status, 0);
    assert_eq!(
        o.stdout,
        "government_donor,entity,rev_type,calendar_year,amount\n\
         Germany,UNODC,Voluntary core (un-earmarked) contributions,2024,1 111\n"
    );
    let o = t.run("export ceb --year 2024");
    assert_eq!(
        o.stdout,
        "amount,_currency,entity,calendar_year,rev_type,donor,contrib_type\n\
         1000,USD,UNODC,2024,R03E,European Union,C08A\n"
    );
    assert!(
        o.stderr
            .starts_with("warning: Stale rate: EUR needed for 2024-03-10"),
        "{}",
        o.stderr
    );
    t.refuses(
        "export ceb --year 2024 --strict-rates",
        1,
        "error: --strict-rates: Stale rate: EUR needed for 2024-03-10, but the latest rate is EUR 0.9 per USD from 2024-01-01, more than 31 days earlier (UN operational rates are set monthly); 1 figure dated 2024-03-10 uses it. Record the rate of each month with `ledger record rate --currency EUR --per-usd X --date 2024-03-01`. [stale-rate]\n",
    );
}
