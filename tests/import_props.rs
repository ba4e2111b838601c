//! Property: whatever canonical rows are generated, import records exactly them
//! (amounts exact to the minor unit, payments with a minus sign as refunds), and
//! totals computed from the ledger equal sums computed directly from the rows.
//! Refunds are generated only against earlier payments of the same donor, mandate
//! and currency that cover them (a larger refund is refused: `refund-exceeds`).

use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::util::Test;

#[derive(Debug, Clone)]
struct GenRow {
    pledge: bool,
    donor: (&'static str, &'static str),
    mandate: &'static str,
    currency: (&'static str, u32),
    minor: i64,
    day: u32,
    grouped: bool,
    reference: Option<u32>,
    /// For a refund: which earlier payment it returns money from.
    target: prop::sample::Index,
}

fn row() -> impl Strategy<Value = GenRow> {
    (
        any::<bool>(),
        prop::sample::select(vec![
            ("JPN", "JPN"),
            ("DEU", "Germany"),
            (
                "GBR",
                "United Kingdom of Great Britain and Northern Ireland",
            ),
            ("CIV", "Côte d'Ivoire"),
        ]),
        prop::sample::select(vec!["icat", "coordination", "un-gift"]),
        prop::sample::select(vec![("USD", 2u32), ("JPY", 0), ("KWD", 3)]),
        1i64..=999_999_999_999,
        any::<bool>(),
        0u32..365,
        any::<bool>(),
        prop::option::of(0u32..1_000_000),
        any::<prop::sample::Index>(),
    )
        .prop_map(
            |(
                pledge,
                donor,
                mandate,
                currency,
                minor,
                negative,
                day,
                grouped,
                reference,
                target,
            )| {
                GenRow {
                    pledge,
                    donor,
                    mandate,
                    currency,
                    minor: if negative && !pledge { -minor } else { minor },
                    day,
                    grouped,
                    reference,
                    target,
                }
            },
        )
}

/// Rows a ledger accepts in file order: each refund takes the donor, mandate and
/// currency of an earlier payment, a date on or after it, and an amount within what
/// the rows before it leave paid, net, by its date and by every later date. A
/// refund with no earlier payment, or nothing left to return, becomes a payment.
fn fit_refunds(mut rows: Vec<GenRow>) -> Vec<GenRow> {
    for i in 0..rows.len() {
        if rows[i].minor >= 0 {
            continue;
        }
        let payments: Vec<usize> = (0..i)
            .filter(|j| !rows[*j].pledge && rows[*j].minor > 0)
            .collect();
        if payments.is_empty() {
            rows[i].minor = -rows[i].minor;
            continue;
        }
        let paid = rows[payments[rows[i].target.index(payments.len())]].clone();
        rows[i].donor = paid.donor;
        rows[i].mandate = paid.mandate;
        rows[i].currency = paid.currency;
        rows[i].day = paid.day + rows[i].day % (365 - paid.day);
        let same: Vec<&GenRow> = rows[..i]
            .iter()
            .filter(|r| {
                !r.pledge
                    && r.donor == paid.donor
                    && r.mandate == paid.mandate
                    && r.currency == paid.currency
            })
            .collect();
        let day = rows[i].day;
        let net_by = |d: u32| {
            same.iter()
                .filter(|r| r.day <= d)
                .map(|r| r.minor)
                .sum::<i64>()
        };
        let room = same
            .iter()
            .map(|r| r.day)
            .filter(|d| *d > day)
            .chain([day])
            .map(net_by)
            .min()
            .unwrap_or(0);
        if room < 1 {
            rows[i].minor = -rows[i].minor;
        } else {
            rows[i].minor = -(1 + (-rows[i].minor - 1) % room);
        }
    }
    rows
}

impl GenRow {
    fn amount(&self) -> Decimal {
        Decimal::new(self.minor, self.currency.1)
    }

    fn text(&self) -> String {
        let plain = self.amount().to_string();
        if self.grouped {
            format!("\"{}\"", ledger::domain::currency::group_thousands(&plain))
        } else {
            plain
        }
    }

    fn kind(&self) -> &'static str {
        match (self.pledge, self.minor < 0) {
            (true, _) => "pledge",
            (false, false) => "payment",
            (false, true) => "refund",
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn import_records_exactly_the_rows(rows in prop::collection::vec(row(), 1..40).prop_map(fit_refunds)) {
        let t = Test::init();
        // Rates first, so that the reports below can value every row in USD.
        let rates = [("JPY", "107.5"), ("KWD", "0.3049")];
        for (c, r) in rates {
            t.ok(&["record", "rate", "--currency", c, "--per-usd", r, "--date", "2023-12-01"]);
        }
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let mut csv = String::from("date,donor,mandate,kind,amount,currency,reference\n");
        for (i, r) in rows.iter().enumerate() {
            let date = start + chrono::Days::new(u64::from(r.day));
            let reference = r.reference.map(|n| format!("R{i}-{n}")).unwrap_or_default();
            csv.push_str(&format!(
                "{date},\"{}\",{},{},{},{},{reference}\n",
                r.donor.1,
                r.mandate,
                if r.pledge { "pledge" } else { "payment" },
                r.text(),
                r.currency.0
            ));
        }
        t.write("gen.csv", &csv);
        let out = t.ok(&["import", "gen.csv"]);
        let want = format!("{n} row{s}: {n} new entr{y}, 0 already recorded\n",
            n = rows.len(),
            s = if rows.len() == 1 { "" } else { "s" },
            y = if rows.len() == 1 { "y" } else { "ies" });
        prop_assert!(out.ends_with(&want), "{}", out);

        let all: Vec<serde_json::Value> = serde_json::from_str(&t.ok(&["log", "--format", "json"])).unwrap();
        let log = &all[rates.len()..];
        prop_assert_eq!(log.len(), rows.len());
        let mut from_rows: BTreeMap<(String, String), Decimal> = BTreeMap::new();
        let mut from_ledger: BTreeMap<(String, String), Decimal> = BTreeMap::new();
        for (r, e) in rows.iter().zip(log) {
            let mut exact = r.amount().abs();
            exact.rescale(r.currency.1);
            prop_assert_eq!(e["kind"].as_str(), Some(r.kind()));
            prop_assert_eq!(e["donor"].as_str(), Some(r.donor.0));
            prop_assert_eq!(e["mandate"].as_str(), Some(r.mandate));
            prop_assert_eq!(e["currency"].as_str(), Some(r.currency.0));
            let exact = exact.to_string();
            prop_assert_eq!(e["amount"].as_str(), Some(exact.as_str()));
            *from_rows.entry((r.kind().into(), r.currency.0.into())).or_default() += r.amount().abs();
            let amount: Decimal = e["amount"].as_str().unwrap().parse().unwrap();
            *from_ledger
                .entry((e["kind"].as_str().unwrap().into(), e["currency"].as_str().unwrap().into()))
                .or_default() += amount;
        }
        prop_assert_eq!(from_rows, from_ledger);

        // The report's totals equal the USD sums computed here from the rows: each
        // row converted at its currency's rate and rounded half away from zero to
        // cents, then added; paid is payments less refunds.
        let rate = |c: &str| -> Decimal {
            rates.iter().find(|(x, _)| *x == c).map_or(Decimal::ONE, |(_, r)| r.parse().unwrap())
        };
        let (mut pledged, mut paid) = (Decimal::ZERO, Decimal::ZERO);
        for r in &rows {
            let usd = (r.amount() / rate(r.currency.0))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            if r.pledge { pledged += usd } else { paid += usd }
        }
        let report: serde_json::Value =
            serde_json::from_str(&t.ok(&["report", "donors", "--format", "json"])).unwrap();
        let total = |k: &str| report["totals"][k].as_str().unwrap().parse::<Decimal>().unwrap();
        prop_assert_eq!(total("pledged"), pledged);
        prop_assert_eq!(total("paid"), paid);
        let by_mandate: serde_json::Value =
            serde_json::from_str(&t.ok(&["report", "mandates", "--format", "json"])).unwrap();
        prop_assert_eq!(&by_mandate["totals"]["paid"], &report["totals"]["paid"]);
        prop_assert_eq!(
            t.ok(&["import", "gen.csv"]),
            format!("{n} row{s}: 0 new entries, {n} already recorded\n",
                n = rows.len(), s = if rows.len() == 1 { "" } else { "s" })
        );
    }
}
