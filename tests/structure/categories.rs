//! Contributor types: `report donors --by category` and `--category` on every
//! report, on a small hand-checked ledger of every kind of contributor (the CEB
//! export's tests, in `ceb_export`, use it too).

use serde_json::json;

use super::{json, snapshot_all};
use crate::util::Test;

/// A ledger with one donor of each kind of contributor, all in US dollars:
///
/// ```text
/// #1             donor GATES "Gates Foundation" (foundation)
/// #2             donor AFU "African Union" (intergovernmental)
/// #3  2024-02-01 payment EU      non-core        100,000.00        C08A R03E
/// #4  2024-03-01 payment MPTFO   pooled-funds     50,000.00        C04D R03A
/// #5  2024-04-01 pledge  GATES   icat             30,000.00
/// #6  2024-05-01 payment GATES   icat             10,000.40 names #5  C05 R03E
/// #7  2024-06-01 payment JPN     general-purpose  20,000.50        C01  R02A
/// #8  2024-07-01 in-kind ITA     general-purpose   5,000.00        C01  R02B
/// #9  2024-08-01 in-kind JPN     icat              2,000.00        C01  R03F
/// #10 2024-09-01 payment PRIVATE other-revenue       700.00        C06  R04C
/// #11 2024-10-01 refund  OCHA    non-core          1,000.00 prior  C04C R03E
/// #12 2024-11-01 payment AFU     cop-support       3,000.00        C08B R03E
/// ```
pub fn contributors_ledger() -> Test {
    let t = Test::new().at("2024-12-31T12:00:00Z");
    t.ok("init");
    for line in [
        "donor add GATES --name 'Gates Foundation' --category foundation",
        "donor add AFU --name 'African Union' --category intergovernmental",
        "record payment --donor EU --mandate non-core --amount 100000 --currency USD --date 2024-02-01",
        "record payment --donor MPTFO --mandate pooled-funds --amount 50000 --currency USD --date 2024-03-01",
        "record pledge --donor GATES --mandate icat --amount 30000 --currency USD --date 2024-04-01",
        "record payment --donor GATES --mandate icat --amount 10000.40 --currency USD --date 2024-05-01 --pledge 5",
        "record payment --donor JPN --mandate general-purpose --amount 20000.50 --currency USD --date 2024-06-01",
        "record in-kind --donor ITA --mandate general-purpose --amount 5000 --currency USD --date 2024-07-01 --memo 'office space'",
        "record in-kind --donor JPN --mandate icat --amount 2000 --currency USD --date 2024-08-01 --memo 'seconded expert'",
        "record payment --donor PRIVATE --mandate other-revenue --amount 700 --currency USD --date 2024-09-01",
        "record refund --donor OCHA --mandate non-core --amount 1000 --currency USD --date 2024-10-01 --prior-period",
        "record payment --donor AFU --mandate cop-support --amount 3000 --currency USD --date 2024-11-01",
    ] {
        t.ok(line);
    }
    t
}

/// Every pledge of this ledger is due within a year of 2024's end (or overdue), so
/// all that is outstanding is current, and none is conditional.
fn fig(pledged: &str, paid: &str, out: &str, gp: &str, sp: &str, ik: &str) -> serde_json::Value {
    json!({"pledged": pledged, "paid": paid, "outstanding": out, "paid_unearmarked": gp,
           "paid_earmarked": sp, "reduced": "0.00", "written_off": "0.00", "in_kind": ik,
           "current": out, "non_current": "0.00", "conditional": "0.00"})
}

/// By category over 2024, from the ledger's comment:
///
/// ```text
/// member-state      C01        JPN, ITA  paid 20,000.50 GP (#7)   in kind 7,000 (#8, #9)
/// intergovernmental C08A/C08B  EU, AFU   paid 103,000 SP (#3, #12)
/// un-entity         C04C       OCHA      paid -1,000 SP (#11)
/// pooled-fund       C04D       MPTFO     paid 50,000 SP (#4)
/// private-sector    C06        PRIVATE   paid 700 SP (#10)
/// foundation        C05        GATES     pledged 30,000 (#5), paid 10,000.40 SP (#6),
///                                        outstanding 19,999.60
/// total  pledged 30,000  paid 182,700.90 (GP 20,000.50, SP 162,700.40)
///        outstanding 19,999.60  in kind 7,000
/// ```
#[test]
fn the_donors_report_by_category_by_hand() {
    let t = contributors_ledger();
    let r = json(&t, "report donors --year 2024 --by category --format json");
    assert_eq!(r["report"], "donors");
    assert_eq!(r["by"], "category");
    let z = "0.00";
    let want = [
        (
            "member-state",
            "C01",
            2,
            fig(z, "20000.50", z, "20000.50", z, "7000.00"),
        ),
        (
            "intergovernmental",
            "C08A/C08B",
            2,
            fig(z, "103000.00", z, z, "103000.00", z),
        ),
        (
            "un-entity",
            "C04C",
            1,
            fig(z, "-1000.00", z, z, "-1000.00", z),
        ),
        (
            "pooled-fund",
            "C04D",
            1,
            fig(z, "50000.00", z, z, "50000.00", z),
        ),
        (
            "private-sector",
            "C06",
            1,
            fig(z, "700.00", z, z, "700.00", z),
        ),
        (
            "foundation",
            "C05",
            1,
            fig("30000.00", "10000.40", "19999.60", z, "10000.40", z),
        ),
    ];
    let rows = r["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), want.len());
    for (row, (category, ctype, donors, figures)) in rows.iter().zip(want) {
        let mut f = figures.clone();
        let obj = f.as_object_mut().expect("object");
        obj.insert("category".into(), json!(category));
        obj.insert("contributor_type".into(), json!(ctype));
        obj.insert("donors".into(), json!(donors));
        assert_eq!(row, &f, "{category}");
    }
    assert_eq!(
        r["totals"],
        fig(
            "30000.00",
            "182700.90",
            "19999.60",
            "20000.50",
            "162700.40",
            "7000.00"
        )
    );
    // The same totals as the donors report.
    let d = json(&t, "report donors --year 2024 --format json");
    assert_eq!(d["totals"], r["totals"]);
    snapshot_all(
        &t,
        "donors_by_category",
        "report donors --year 2024 --by category",
    );
}

#[test]
fn category_limits_every_report() {
    let t = contributors_ledger();
    // Foundations: GATES alone.
    let r = json(
        &t,
        "report donors --year 2024 --category foundation --format json",
    );
    assert_eq!(r["category"], "foundation");
    let rows = r["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["donor"], "GATES");
    assert_eq!(
        r["totals"],
        fig(
            "30000.00", "10000.40", "19999.60", "0.00", "10000.40", "0.00"
        )
    );
    // Member states: JPN and ITA; the mandates report holds their mandates only.
    let m = json(
        &t,
        "report mandates --year 2024 --category member-state --format json",
    );
    let slugs: Vec<&str> = m["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["mandate"].as_str().expect("slug"))
        .collect();
    assert_eq!(slugs, ["general-purpose", "icat"]);
    assert_eq!(m["totals"]["in_kind"], "7000.00");
    let f = json(
        &t,
        "report funds --year 2024 --category intergovernmental --format json",
    );
    assert_eq!(f["totals"]["paid"], "103000.00");
    let q = json(
        &t,
        "report quarterly --year 2024 --quarter 4 --category un-entity --format json",
    );
    assert_eq!(q["totals"]["paid_quarter"], "-1000.00");
    let s = json(
        &t,
        "report statement --donor GATES --category foundation --format json",
    );
    assert_eq!(s["totals"]["outstanding"], "19999.60");
    // With --by category: one row.
    let c = json(
        &t,
        "report donors --year 2024 --by category --category pooled-fund --format json",
    );
    assert_eq!(c["rows"].as_array().map(|r| r.len()), Some(1));
    assert!(
        t.ok("report donors --year 2024 --category foundation")
            .contains("Category:  foundation only")
    );
    // Bad input: a clear message, a stable code or a usage error, nothing written.
    t.refuses(
        "report donors --year 2024 --category nope",
        1,
        "error: --category: unknown category \"nope\"; use one of member-state, observer-state, other-government, intergovernmental, un-entity, pooled-fund, private-sector, foundation, individual [unknown-category]\n",
    );
    t.refuses(
        "report mandates --year 2024 --by category",
        2,
        "error: --by category groups the donors report; use `report donors --by category`\n",
    );
    t.refuses(
        "report donors --year 2024 --by donor",
        2,
        "error: --by: \"donor\" is not a grouping; use --by category\n",
    );
}
