//! Real exports: the CEB revenue table of UNODC's 2024 non-government donors
//! (public data, `tests/fixtures/ceb/`) imported with the shipped profile reproduces
//! the published totals to the dollar; the government-donor profile reads its
//! export's shape (spaces between thousands, revenue types spelled out, names
//! mangled by a bad encoding conversion).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::util::Test;

const CEB: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ceb/ceb-unodc-2024-non-government-donors.csv"
);

fn report(t: &Test, args: &[&str]) -> Value {
    let mut a = vec!["report"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&t.ok(&a)).unwrap()
}

fn paid_by(v: &Value, key: &str) -> BTreeMap<String, String> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[key].as_str().unwrap().to_string(),
                r["paid"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_ceb_non_government_table_gives_the_published_totals() {
    let t = Test::init();
    // The four non-state donors the file names are in the register, under the names
    // the profile maps (MPTFO also by its own name, without the hyphen).
    let donors = t.ok("donor list --format csv");
    for code in ["EU", "MPTFO", "PRIVATE", "OCHA"] {
        assert!(
            donors.lines().any(|l| l.starts_with(&format!("{code},"))),
            "{code}"
        );
    }
    std::fs::copy(CEB, t.dir().join("ceb.csv")).unwrap();
    let out = t.ok("import ceb.csv --profile ceb-non-government");
    assert!(
        out.ends_with("44 rows: 44 new entries, 0 already recorded\n"),
        "{out}"
    );
    // The published totals (USD, 2024), to the dollar.
    let v = report(&t, &["donors", "--year", "2024"]);
    let want: BTreeMap<String, String> = [
        ("EU", "43672000.00"),
        ("MPTFO", "14458000.00"),
        ("PRIVATE", "77000.00"),
        ("OCHA", "-1096000.00"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(paid_by(&v, "donor"), want);
    assert_eq!(v["totals"]["paid"], "57111000.00");
    assert_eq!(v["totals"]["pledged"], "0.00");
    // By instrument: R03E 42,584,000; R03A 14,458,000; R04C 69,000.
    let m = report(&t, &["mandates", "--year", "2024"]);
    let want: BTreeMap<String, String> = [
        ("non-core", "42584000.00"),
        ("pooled-funds", "14458000.00"),
        ("other-revenue", "69000.00"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(paid_by(&m, "mandate"), want);
    // The three pairs of identical rows stay two entries each; the negative rows
    // are prior-period refunds.
    let log: Value = serde_json::from_str(&t.ok("log --format json")).unwrap();
    let entries = log.as_array().unwrap();
    let count = |kind: &str, amount: &str| {
        entries
            .iter()
            .filter(|e| e["kind"] == kind && e["donor"] == "MPTFO" && e["amount"] == amount)
            .count()
    };
    assert_eq!(count("payment", "352000.00"), 2);
    assert_eq!(count("payment", "230000.00"), 2);
    assert_eq!(count("refund", "13000.00"), 2);
    let refunds: Vec<&Value> = entries.iter().filter(|e| e["kind"] == "refund").collect();
    assert_eq!(refunds.len(), 10);
    assert!(refunds.iter().all(|e| e["prior_period"] == true));
    assert!(entries.iter().all(|e| e["date"] == "2024-12-31"));
    // Importing it again adds nothing.
    let before = t.journal();
    let again = t.ok("import ceb.csv --profile ceb-non-government");
    assert!(
        again.ends_with("44 rows: 0 new entries, 44 already recorded\n"),
        "{again}"
    );
    assert_eq!(before, t.journal());
}

#[test]
fn without_prior_period_a_refund_of_money_before_the_records_is_refused() {
    let t = Test::init();
    let p = t.write(
        "no-prior.toml",
        include_str!("../ledgers/profiles/ceb-non-government.toml")
            .replace("prior_period = \"true\"\n", ""),
    );
    std::fs::copy(CEB, t.dir().join("ceb.csv")).unwrap();
    t.refuses(
        &["import", "ceb.csv", "--profile", p.to_str().unwrap()],
        1,
        "error: ceb.csv:45: amount \"-1096000\": OCHA has been paid 0.00 USD net for non-core by 2024-12-31; a refund of 1096000.00 USD is larger (record the payment it returns first) [refund-exceeds]\n\
         import refused: 1 of 44 rows has problems; nothing was written\n",
    );
}

#[test]
fn the_ceb_government_profile_reads_its_export() {
    let t = Test::init();
    t.write(
        "gov.csv",
        "government_donor,entity,rev_type,calendar_year,amount\n\
         Japan,UNODC,Voluntary non-core (earmarked) contributions,2024,134 613 000\n\
         Japan,UNODC,Voluntary core (un-earmarked) contributions,2024,1 250 000\n\
         C\u{fffd}te d'Ivoire,UNODC,Voluntary non-core (earmarked) contributions,2024,12 000\n\
         Cura\u{fffd}ao,UNODC,Revenue from other activities,2024,3 000\n\
         United Kingdom of Great Britain and Northern Ireland,UNODC,Voluntary non-core (earmarked) contributions,2024,-5 000\n\
         Germany,UNDP,Voluntary non-core (earmarked) contributions,2024,999 000\n",
    );
    let out = t.ok("import gov.csv --profile ceb-government");
    assert!(
        out.ends_with(
            "6 rows: 5 new entries, 0 already recorded, 1 left out by the profile's filter\n"
        ),
        "{out}"
    );
    let v = report(&t, &["donors", "--year", "2024"]);
    let paid = paid_by(&v, "donor");
    assert_eq!(paid["JPN"], "135863000.00");
    assert_eq!(paid["CIV"], "12000.00");
    assert_eq!(paid["CUW"], "3000.00");
    assert_eq!(paid["GBR"], "-5000.00");
    assert_eq!(v["rows"][0]["paid_unearmarked"], "1250000.00");
}
