//! Funds: the register, the fund every mandate belongs to, the funds report, the
//! fund key and subtotals of the mandates report, `--fund` on every report, and old
//! journals whose mandates have no fund (or a fund text of their own).

use serde_json::json;

use super::{json, snapshot_all, structure_ledger};
use crate::util::Test;

#[test]
fn the_register_has_the_two_funds_and_adds_more() {
    let t = Test::init();
    let out = t.ok("fund list --format csv");
    assert!(
        out.starts_with(
            "code,name,mandates\nCPCJF,United Nations Crime Prevention and Criminal Justice Fund,"
        ),
        "{out}"
    );
    assert!(
        out.contains("UNDCP,Fund of the United Nations International Drug Control Programme,\n"),
        "{out}"
    );
    // Every starter mandate is in the crime fund.
    assert!(out.contains("icat"), "{out}");
    assert_eq!(
        t.ok(
            "fund add unvtf --name 'UN Voluntary Trust Fund for Victims of Trafficking in Persons'"
        ),
        "#1 fund UNVTF \"UN Voluntary Trust Fund for Victims of Trafficking in Persons\"\n"
    );
    t.refuses(
        "fund add UNVTF --name Other",
        1,
        "error: code: \"UNVTF\" already names fund UNVTF [fund-exists]\n",
    );
    t.refuses(
        "fund add X --name 'united nations crime prevention and criminal justice fund'",
        1,
        "error: --name: \"united nations crime prevention and criminal justice fund\" already names fund CPCJF [fund-exists]\n",
    );
    t.refuses(
        "fund add 'a b' --name X",
        1,
        "error: code: fund code \"A B\" must be 1 to 16 letters, digits, '-' or '_' [bad-code]\n",
    );
    t.refuses(
        "record reversal --entry 1 --reason x",
        1,
        "error: --entry: entry #1 is a fund registration; registrations cannot be reversed [not-reversible]\n",
    );
    let funds = json_list(&t);
    assert_eq!(funds.as_array().map(|a| a.len()), Some(3));
}

fn json_list(t: &Test) -> serde_json::Value {
    serde_json::from_str(&t.ok("fund list --format json")).expect("JSON")
}

#[test]
fn a_new_mandate_names_its_fund() {
    let t = Test::init();
    t.refuses(
        "mandate add x --name X --earmarking earmarked",
        1,
        "error: --fund: a mandate belongs to one fund; give --fund with one of CPCJF (United Nations Crime Prevention and Criminal Justice Fund), UNDCP (Fund of the United Nations International Drug Control Programme) [fund-required]\n",
    );
    t.refuses(
        "mandate add x --name X --earmarking earmarked --fund F1",
        1,
        "error: --fund: unknown fund \"F1\"; use one of CPCJF, UNDCP [unknown-fund]\n",
    );
    // By code or full name, stored as the code.
    t.ok("mandate add x --name X --earmarking earmarked --fund undcp");
    t.ok("mandate add y --name Y --earmarking earmarked --fund 'Fund of the United Nations International Drug Control Programme'");
    let log = t.ok("log --kind mandate --format json");
    assert_eq!(log.matches("\"fund\":\"UNDCP\"").count(), 2, "{log}");
    assert_eq!(t.journal(), t.journal());
    t.ok("verify --rules");
}

/// Pledged, paid and outstanding by fund over 2024, from the ledger's comment:
///
/// ```text
/// CPCJF  pledged 90,000 (#4, #7)  paid 75,000 (#5 50,000 + #9 5,000 SP, #6 20,000 GP)
///        outstanding 25,000 (#7 less the in-kind #8)  in kind 15,000 (#8)
///   icat              90,000   55,000 SP   outstanding 25,000   in kind 15,000
///   general-purpose        0   20,000 GP                0
/// UNDCP  pledged 300,000 (#2)  paid 100,000 SP (#3)  outstanding 200,000
///   drug-prevention  300,000  100,000 SP  200,000
/// total  pledged 390,000  paid 175,000 (GP 20,000, SP 155,000)  outstanding 225,000
///        in kind 15,000
/// ```
#[test]
fn the_funds_report_by_hand() {
    let t = structure_ledger();
    let r = json(&t, "report funds --year 2024 --format json");
    let fig = |p: &str, paid: &str, o: &str, gp: &str, sp: &str, ik: &str| {
        json!({"pledged": p, "paid": paid, "outstanding": o, "paid_unearmarked": gp,
               "paid_earmarked": sp, "reduced": "0.00", "written_off": "0.00", "in_kind": ik, "current": o, "non_current": "0.00", "conditional": "0.00"})
    };
    let rows = r["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["fund"], "CPCJF");
    assert_eq!(rows[1]["fund"], "UNDCP");
    let strip = |v: &serde_json::Value| {
        let mut v = v.clone();
        for k in ["fund", "name", "mandates", "mandate", "earmarking"] {
            v.as_object_mut().expect("object").remove(k);
        }
        v
    };
    assert_eq!(
        strip(&rows[0]),
        fig(
            "90000.00", "75000.00", "25000.00", "20000.00", "55000.00", "15000.00"
        )
    );
    assert_eq!(
        strip(&rows[1]),
        fig(
            "300000.00",
            "100000.00",
            "200000.00",
            "0.00",
            "100000.00",
            "0.00"
        )
    );
    let subs: Vec<&str> = rows[0]["mandates"]
        .as_array()
        .expect("mandates")
        .iter()
        .map(|m| m["mandate"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(subs, ["icat", "general-purpose"]);
    assert_eq!(
        strip(&rows[1]["mandates"][0]),
        fig(
            "300000.00",
            "100000.00",
            "200000.00",
            "0.00",
            "100000.00",
            "0.00"
        )
    );
    assert_eq!(
        strip(&rows[0]["mandates"][0]),
        fig(
            "90000.00", "55000.00", "25000.00", "0.00", "55000.00", "15000.00"
        )
    );
    assert_eq!(
        r["totals"],
        fig(
            "390000.00",
            "175000.00",
            "225000.00",
            "20000.00",
            "155000.00",
            "15000.00"
        )
    );

    // The mandates report: a fund key on every row, and the same fund subtotals.
    let m = json(&t, "report mandates --year 2024 --format json");
    for row in m["rows"].as_array().expect("rows") {
        let want = if row["mandate"] == "drug-prevention" {
            "UNDCP"
        } else {
            "CPCJF"
        };
        assert_eq!(row["fund"], want, "{row}");
    }
    assert_eq!(m["funds"][0]["fund"], "CPCJF");
    assert_eq!(strip(&m["funds"][0]), strip(&rows[0]));
    assert_eq!(strip(&m["funds"][1]), strip(&rows[1]));
    snapshot_all(&t, "funds", "report funds --year 2024");
    snapshot_all(&t, "mandates", "report mandates --year 2024");
}

/// `--fund UNDCP`: only SWE's entries for drug-prevention (#2, #3) are left.
#[test]
fn fund_filters_every_report() {
    let t = structure_ledger();
    let d = json(&t, "report donors --year 2024 --fund undcp --format json");
    assert_eq!(d["fund"], "UNDCP");
    assert_eq!(d["rows"].as_array().map(|a| a.len()), Some(1));
    assert_eq!(d["rows"][0]["donor"], "SWE");
    assert_eq!(d["totals"]["pledged"], "300000.00");
    assert_eq!(d["totals"]["outstanding"], "200000.00");
    let q = json(
        &t,
        "report quarterly --year 2024 --quarter 1 --fund UNDCP --format json",
    );
    assert_eq!(q["fund"], "UNDCP");
    let s = json(
        &t,
        "report statement --donor JPN --fund UNDCP --year 2024 --format json",
    );
    assert_eq!(s["lines"].as_array().map(|a| a.len()), Some(0));
    let table = t.ok("report mandates --year 2024 --fund CPCJF");
    assert!(table.contains("Fund:      CPCJF only"), "{table}");
    assert!(!table.contains("drug-prevention"), "{table}");
    t.refuses(
        "report donors --fund nope",
        1,
        "error: --fund: unknown fund \"nope\"; use one of CPCJF, UNDCP [unknown-fund]\n",
    );
}

/// A journal written before funds were a register: a mandate without a fund and one
/// with a fund text of its own. Both replay under `verify --rules` and are read as
/// being in the crime fund.
#[test]
fn old_mandates_without_a_registered_fund_stay_valid() {
    use chrono::TimeZone;
    use ledger::domain::Body;
    use ledger::domain::entry::Header;
    use ledger::domain::register::{Earmarking, Mandate};
    use ledger::journal::{ZERO_HASH, encode};
    let t = Test::new();
    let at = chrono::Utc.with_ymd_and_hms(2020, 1, 1, 9, 0, 0).unwrap();
    let bodies = [
        Body::Ledger(Header {
            format: "contributions-ledger".into(),
            version: 1,
        }),
        Body::Mandate(Mandate {
            slug: "old-a".into(),
            name: "Old A".into(),
            earmarking: Earmarking::Earmarked,
            fund: None,
        }),
        Body::Mandate(Mandate {
            slug: "old-b".into(),
            name: "Old B".into(),
            earmarking: Earmarking::Earmarked,
            fund: Some("Trust fund for victims".into()),
        }),
    ];
    let mut prev = ZERO_HASH.to_string();
    let mut bytes = Vec::new();
    for (i, b) in bodies.iter().enumerate() {
        let (line, hash) = encode(i as u64, &prev, at, None, b);
        bytes.extend_from_slice(&line);
        prev = hash;
    }
    std::fs::write(t.ledger(), &bytes).expect("write old journal");
    t.ok("verify --rules");
    let out = t.ok("mandate list --format csv");
    assert!(out.contains("old-a,earmarked,SP,CPCJF,Old A\n"), "{out}");
    assert!(out.contains("old-b,earmarked,SP,CPCJF,Old B\n"), "{out}");
    t.ok("record pledge --donor SWE --mandate old-b --amount 10 --currency USD --date 2024-01-01");
    let f = json(&t, "report funds --year 2024 --format json");
    assert_eq!(f["rows"][0]["fund"], "CPCJF");
    assert_eq!(f["rows"][0]["mandates"][0]["mandate"], "old-b");
}
