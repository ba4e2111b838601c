//! The donor and mandate registers: what is built in, how names resolve, and what a
//! new registration may not take from another.

#[allow(unused_imports)]
use super::{number, payment, pledge, walkthrough};
use crate::util::Test;

#[test]
fn donor_list_holds_states_observers_territories_and_non_state_donors() {
    let t = Test::init();
    let out = t.ok("donor list");
    let row = |code: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(code))
            .unwrap_or_else(|| panic!("no row for {code}:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // The style of a report's tables: a rule, the header, a rule, the rows, a rule.
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].chars().all(|c| c == '\u{2500}'), "{out}");
    assert!(lines[1].starts_with(" code "), "{out}");
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["code", "category", "name", "also", "known", "as"]
    );
    assert_eq!(lines[2], lines[0], "{out}");
    assert_eq!(lines.last(), lines.first(), "{out}");
    assert!(
        row("GBR")
            .starts_with("GBR member-state United Kingdom of Great Britain and Northern Ireland"),
        "{}",
        row("GBR")
    );
    assert!(row("JPN").starts_with("JPN member-state Japan"));
    assert!(row("VAT").starts_with("VAT observer-state Holy See"));
    assert!(row("PSE").starts_with("PSE observer-state"));
    assert!(
        row("HKG")
            .starts_with("HKG other-government China, Hong Kong Special Administrative Region"),
        "{}",
        row("HKG")
    );
    assert!(row("BMU").starts_with("BMU other-government Bermuda"));
    assert_eq!(row("EU"), "EU intergovernmental European Union");
    assert!(
        out.lines().count() > 240,
        "every country: {}",
        out.lines().count()
    );

    let json: serde_json::Value = serde_json::from_str(&t.ok("donor list --format json")).unwrap();
    let gbr = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "GBR")
        .unwrap();
    assert_eq!(gbr["category"], "member-state");
    assert_eq!(
        gbr["name"],
        "United Kingdom of Great Britain and Northern Ireland"
    );
}

#[test]
fn mandate_list_holds_the_starter_mandates_with_earmarking() {
    let t = Test::init();
    let out = t.ok("mandate list");
    let rows: Vec<String> = out
        .lines()
        .filter(|l| !l.starts_with('\u{2500}'))
        .skip(1)
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .collect();
    let mut want = vec![
        // The financing instruments of CEB revenue tables.
        "assessed unearmarked GP",
        "non-core earmarked SP",
        "other-revenue earmarked SP",
        "pooled-funds softly-earmarked SP",
        "ccpcj-programme softly-earmarked SP",
        "coordination softly-earmarked SP",
        "cop-support softly-earmarked SP",
        "general-purpose unearmarked GP",
        "icat earmarked SP",
        "un-gift earmarked SP",
        "victim-assistance earmarked SP",
    ];
    want.sort();
    assert_eq!(rows, want, "{out}");
}

#[test]
fn donors_and_mandates_resolve_by_code_un_name_iso_name_and_alias() {
    let t = Test::init();
    for (donor, n) in [
        ("GBR", 1),
        ("gbr", 2),
        ("United Kingdom of Great Britain and Northern Ireland", 3),
        ("united kingdom", 4),
        ("China, Hong Kong Special Administrative Region", 5),
        ("Holy See", 6),
    ] {
        let out = t.ok(&pledge(donor, "COORDINATION", "1", "USD"));
        assert_eq!(number(&out), n, "{out}");
    }
    let journal = String::from_utf8(t.journal()).unwrap();
    let donors: Vec<&str> = journal
        .lines()
        .skip(1)
        .map(|l| {
            let i = l.find("\"donor\":\"").unwrap() + 9;
            &l[i..i + l[i..].find('"').unwrap()]
        })
        .collect();
    assert_eq!(donors, ["GBR", "GBR", "GBR", "GBR", "HKG", "VAT"]);
    assert_eq!(journal.matches("\"mandate\":\"coordination\"").count(), 6);
}

#[test]
fn an_added_donor_is_usable_by_code_name_and_alias() {
    let t = Test::init();
    let out = t.ok("donor add gates --name 'Bill & Melinda Gates Foundation' --category foundation --alias BMGF");
    assert_eq!(
        out,
        "#1 donor GATES \"Bill & Melinda Gates Foundation\" (foundation)\n"
    );
    let out = t.ok("mandate add unvtf --name 'UN Voluntary Trust Fund for Victims of Trafficking' --earmarking softly-earmarked --fund CPCJF");
    assert_eq!(
        out,
        "#2 mandate unvtf \"UN Voluntary Trust Fund for Victims of Trafficking\" (softly-earmarked)\n"
    );
    for (name, n) in [
        ("GATES", 3),
        ("gates", 4),
        ("Bill & Melinda Gates Foundation", 5),
        ("bmgf", 6),
    ] {
        let out = t.ok(&pledge(name, "unvtf", "10", "USD"));
        assert_eq!(
            out,
            format!("#{n} pledge GATES unvtf 10.00 USD 2009-01-15\n")
        );
    }
    let list = t.ok("donor list");
    let row = list
        .lines()
        .find(|l| l.starts_with(" GATES "))
        .expect(&list);
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>().join(" "),
        "GATES foundation Bill & Melinda Gates Foundation BMGF"
    );
    let list = t.ok("mandate list");
    let row = list
        .lines()
        .find(|l| l.starts_with(" unvtf "))
        .expect(&list);
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>().join(" "),
        "unvtf softly-earmarked SP CPCJF UN Voluntary Trust Fund for Victims of Trafficking"
    );
    // The log filter knows the registered donor by its alias and name too.
    for name in ["BMGF", "gates", "Bill & Melinda Gates Foundation"] {
        let log = t.ok(&["log", "--donor", name, "--kind", "pledge"]);
        assert_eq!(log.lines().count(), 4, "log --donor {name}:\n{log}");
    }
    let log = t.ok("log --mandate 'UN Voluntary Trust Fund for Victims of Trafficking'");
    assert_eq!(log.lines().count(), 5, "{log}");
}

#[test]
fn donor_and_mandate_registrations_refuse_duplicates() {
    let t = Test::init();
    t.ok("donor add GATES --name 'Bill & Melinda Gates Foundation' --category foundation --alias BMGF");
    t.ok("mandate add unvtf --name 'Victims trust fund' --earmarking earmarked --fund 'united nations crime prevention and criminal justice fund'");
    t.refuses(
        "donor add gates --name Gates --category foundation",
        1,
        "error: code: \"GATES\" already names donor GATES [donor-exists]\n",
    );
    t.refuses(
        "donor add GATES2 --name 'Gates 2' --category foundation --alias bmgf",
        1,
        "error: --alias: \"bmgf\" already names donor GATES [donor-exists]\n",
    );
    t.refuses(
        "donor add GATES3 --name 'BILL & MELINDA GATES FOUNDATION' --category foundation",
        1,
        "error: --name: \"BILL & MELINDA GATES FOUNDATION\" already names donor GATES [donor-exists]\n",
    );
    t.refuses(
        "donor add JPN --name 'Japan again' --category member-state",
        1,
        "error: code: \"JPN\" already names donor JPN [donor-exists]\n",
    );
    t.refuses(
        "donor add UK2 --name 'Britain Two' --category member-state --alias 'United Kingdom'",
        1,
        "error: --alias: \"United Kingdom\" already names donor GBR [donor-exists]\n",
    );
    t.refuses(
        "donor add 'BAD CODE' --name X --category individual",
        1,
        "error: code: donor code \"BAD CODE\" must be 1 to 16 letters, digits, '-' or '_' [bad-code]\n",
    );
    t.refuses(
        "mandate add UNVTF --name Again --earmarking earmarked",
        1,
        "error: slug: mandate unvtf already exists [mandate-exists]\n",
    );
    t.refuses(
        "mandate add coordination --name Again --earmarking earmarked",
        1,
        "error: slug: mandate coordination already exists [mandate-exists]\n",
    );
    t.refuses(
        "mandate add 'a b' --name X --earmarking earmarked",
        1,
        "error: slug: mandate slug \"a b\" must be 1 to 40 lower-case letters, digits or '-' [bad-code]\n",
    );
}

#[test]
fn registrations_name_the_real_fault() {
    let t = Test::init();
    let donor = |code: &str, name: &str| {
        vec![
            "donor",
            "add",
            code,
            "--name",
            name,
            "--category",
            "individual",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    for (code, name, message) in [
        (
            "A,B",
            "X",
            "error: code: donor code \"A,B\" must be 1 to 16 letters, digits, '-' or '_' [bad-code]\n",
        ),
        (
            "",
            "X",
            "error: code: donor code \"\" must be 1 to 16 letters, digits, '-' or '_' [bad-code]\n",
        ),
        (
            "ZZZ",
            "",
            "error: --name: a donor needs a name [missing-name]\n",
        ),
        (
            "ZZZ",
            "Line\nbreak",
            "error: --name: \"Line\\nbreak\" contains the control character '\\n'; this field must be one line of text [bad-text]\n",
        ),
    ] {
        let args = donor(code, name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        t.refuses(&args, 1, message);
    }
    t.refuses(
        "mandate add 'bad slug' --name X --earmarking earmarked",
        1,
        "error: slug: mandate slug \"bad slug\" must be 1 to 40 lower-case letters, digits or '-' [bad-code]\n",
    );
    // A mandate's name is as much a name for it as its slug.
    t.refuses(
        "mandate add x2 --name 'coordination functions (ECOSOC resolution, para. 10)' --earmarking earmarked",
        1,
        "error: --name: \"coordination functions (ECOSOC resolution, para. 10)\" already names mandate coordination [mandate-exists]\n",
    );
}

#[test]
fn donor_collisions_name_their_flag_and_invisible_text_is_refused() {
    let t = Test::init();
    t.refuses(
        "donor add ACME --name Acme --category foundation --alias Japan",
        1,
        "error: --alias: \"Japan\" already names donor JPN [donor-exists]\n",
    );
    t.refuses(
        "donor add ACME --name japan --category foundation",
        1,
        "error: --name: \"japan\" already names donor JPN [donor-exists]\n",
    );
    t.refuses(
        &["donor", "add", "ACME", "--name", "Acme\u{200B}", "--category", "foundation"],
        1,
        "error: --name: \"Acme\\u{200b}\" contains the invisible character '\\u{200b}'; this field must be one line of text [bad-text]\n",
    );
    // The same alias twice, in other case, and an empty one add nothing.
    t.ok("donor add ACME --name Acme --category foundation --alias 'acme fdn' --alias 'ACME FDN' --alias ''");
    let json = t.ok("log --kind donor --format json");
    assert!(json.contains("\"aliases\":[\"acme fdn\"]"), "{json}");
}
