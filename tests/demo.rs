//! The demo ledger `ledgers/demo.jsonl`: the code that builds it, and the test that
//! keeps the committed file equal to what this code builds.
//!
//! Owns: the demo's content (donors, mandates, monthly rates 2008-2011, pledges,
//! payments and the notable cases: an overdue pledge, a refund, a reversal with its
//! re-entry, a write-off, an unpledged receipt, a registered foundation, an added
//! mandate, and a three-year contribution agreement with its instalments). Every entry
//! goes through `journal::Writer` one at a time, so every rule `ledger record`
//! enforces is checked. A fixed seed and fixed timestamps make the
//! file byte-for-byte reproducible. `LEDGER_REGENERATE_DEMO=1 cargo test demo`
//! rewrites the committed file instead of comparing. The figures are illustrative,
//! not the real contributions of any donor.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use ledger::domain::agreement::Agreement;
use ledger::domain::entry::{Body, Money, Notes, Payment, Pledge, Rate, Reversal, WriteOff};
use ledger::domain::fund::Fund;
use ledger::domain::register::{Donor, Mandate};
use ledger::domain::register::{DonorCategory, Earmarking};
use ledger::domain::{Currency, Kind};
use ledger::journal;
use rust_decimal::Decimal;

use crate::util::Test;

/// A tiny deterministic PRNG (SplitMix64): enough to vary dates and amounts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// True `pct` times in 100.
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
}

const SEED: u64 = 0x0DC2_0080_2011;

/// Units per USD on the first of each month, January 2008 to December 2011, at the
/// level of the UN operational rates of the time (rounded; a small jitter is added).
#[rustfmt::skip]
const RATES: &[(&str, u32, [&str; 48])] = &[
    (
        "EUR",
        3,
        [
            "0.680", "0.678", "0.652", "0.634", "0.641", "0.643", "0.634", "0.662", "0.690", "0.742", "0.789", "0.752",
            "0.748", "0.778", "0.771", "0.757", "0.733", "0.712", "0.710", "0.702", "0.690", "0.672", "0.668", "0.682",
            "0.698", "0.728", "0.738", "0.742", "0.787", "0.798", "0.789", "0.772", "0.771", "0.722", "0.718", "0.759",
            "0.748", "0.731", "0.722", "0.703", "0.689", "0.697", "0.699", "0.702", "0.721", "0.731", "0.733", "0.749",
        ],
    ),
    (
        "GBP",
        3,
        [
            "0.506", "0.508", "0.500", "0.498", "0.506", "0.509", "0.503", "0.523", "0.551", "0.578", "0.641", "0.672",
            "0.688", "0.692", "0.701", "0.681", "0.658", "0.618", "0.608", "0.611", "0.612", "0.621", "0.608", "0.612",
            "0.622", "0.634", "0.659", "0.658", "0.681", "0.689", "0.664", "0.641", "0.642", "0.631", "0.630", "0.641",
            "0.638", "0.627", "0.619", "0.618", "0.610", "0.612", "0.621", "0.612", "0.619", "0.638", "0.632", "0.642",
        ],
    ),
    (
        "JPY",
        2,
        [
            "109.40", "107.10", "101.20", "100.30", "104.10", "105.20", "106.40", "108.30", "107.20", "100.50", "97.20", "91.30",
            "90.40", "90.10", "97.30", "98.80", "96.90", "96.20", "95.70", "94.80", "92.90", "90.20", "89.90", "88.60",
            "91.20", "90.30", "89.70", "93.20", "91.80", "90.90", "88.20", "85.70", "84.80", "81.90", "80.80", "83.40",
            "82.60", "82.30", "81.80", "82.40", "81.20", "80.40", "80.10", "77.60", "77.30", "77.20", "77.40", "78.10",
        ],
    ),
    (
        "SEK",
        2,
        [
            "6.45", "6.40", "6.20", "5.95", "5.95", "5.98", "5.97", "6.12", "6.60", "7.10", "7.90", "8.05",
            "7.80", "8.30", "8.70", "8.50", "8.05", "7.75", "7.85", "7.15", "7.00", "6.95", "7.00", "7.00",
            "7.25", "7.30", "7.25", "7.20", "7.60", "7.90", "7.75", "7.20", "7.10", "6.75", "6.70", "6.90",
            "6.75", "6.45", "6.35", "6.30", "6.15", "6.25", "6.40", "6.35", "6.60", "6.80", "6.70", "6.95",
        ],
    ),
    (
        "NOK",
        2,
        [
            "5.45", "5.40", "5.20", "5.05", "5.05", "5.10", "5.10", "5.40", "5.70", "6.20", "6.95", "7.05",
            "6.95", "6.95", "6.90", "6.70", "6.40", "6.40", "6.35", "6.15", "5.90", "5.70", "5.60", "5.70",
            "5.80", "5.90", "5.95", "5.85", "6.00", "6.40", "6.30", "6.10", "6.00", "5.80", "5.90", "6.10",
            "5.95", "5.80", "5.65", "5.55", "5.35", "5.45", "5.50", "5.35", "5.60", "5.85", "5.70", "5.95",
        ],
    ),
    (
        "CHF",
        3,
        [
            "1.110", "1.090", "1.040", "0.990", "1.030", "1.040", "1.020", "1.060", "1.110", "1.130", "1.170", "1.130",
            "1.080", "1.140", "1.170", "1.150", "1.130", "1.080", "1.080", "1.070", "1.050", "1.030", "1.020", "1.010",
            "1.030", "1.060", "1.070", "1.060", "1.100", "1.150", "1.080", "1.040", "1.010", "0.980", "0.970", "0.990",
            "0.950", "0.960", "0.920", "0.910", "0.880", "0.850", "0.840", "0.790", "0.770", "0.890", "0.900", "0.930",
        ],
    ),
    (
        "AUD",
        3,
        [
            "1.140", "1.120", "1.080", "1.090", "1.070", "1.050", "1.040", "1.080", "1.200", "1.340", "1.550", "1.500",
            "1.450", "1.530", "1.550", "1.450", "1.360", "1.270", "1.250", "1.200", "1.170", "1.100", "1.100", "1.090",
            "1.100", "1.120", "1.100", "1.080", "1.090", "1.180", "1.160", "1.110", "1.100", "1.020", "1.000", "1.010",
            "1.000", "1.000", "0.990", "0.970", "0.930", "0.940", "0.950", "0.930", "0.950", "1.030", "0.990", "0.990",
        ],
    ),
];

/// Donor states, the currency they pay in, their usual size (thousands of USD a
/// year) and the mandates they usually give to.
const DONORS: &[(&str, &str, i64, &[&str])] = &[
    (
        "JPN",
        "JPY",
        900,
        &["coordination", "un-gift", "general-purpose"],
    ),
    (
        "USA",
        "USD",
        1500,
        &["un-gift", "victim-assistance", "ccpcj-programme"],
    ),
    ("GBR", "GBP", 800, &["un-gift", "general-purpose", "icat"]),
    (
        "DEU",
        "EUR",
        700,
        &["ccpcj-programme", "cop-support", "general-purpose"],
    ),
    ("SWE", "SEK", 650, &["general-purpose", "victim-assistance"]),
    (
        "NOR",
        "NOK",
        600,
        &["general-purpose", "coordination", "icat"],
    ),
    ("AUS", "AUD", 450, &["ccpcj-programme", "un-gift"]),
    ("CHE", "CHF", 300, &["cop-support", "coordination"]),
    ("NLD", "EUR", 350, &["general-purpose", "victim-assistance"]),
    ("FRA", "EUR", 300, &["cop-support", "ccpcj-programme"]),
    ("ITA", "EUR", 250, &["ccpcj-programme", "cop-support"]),
    ("ESP", "EUR", 250, &["un-gift", "victim-assistance"]),
    ("AUT", "EUR", 150, &["cop-support", "icat"]),
    ("BEL", "EUR", 120, &["victim-assistance", "general-purpose"]),
    ("FIN", "EUR", 150, &["general-purpose", "coordination"]),
    ("DNK", "USD", 200, &["general-purpose", "ccpcj-programme"]),
    ("IRL", "EUR", 80, &["victim-assistance"]),
    ("LUX", "EUR", 60, &["victim-assistance", "general-purpose"]),
    ("CAN", "USD", 300, &["ccpcj-programme", "cop-support"]),
    ("KOR", "USD", 120, &["coordination", "ccpcj-programme"]),
    ("ARE", "USD", 300, &["un-gift", "victim-assistance"]),
    ("QAT", "USD", 150, &["victim-assistance", "coordination"]),
    ("SAU", "USD", 100, &["ccpcj-programme"]),
    ("EGY", "USD", 25, &["cop-support", "coordination"]),
    ("IND", "USD", 40, &["ccpcj-programme"]),
    ("CHN", "USD", 50, &["coordination", "cop-support"]),
    ("RUS", "USD", 80, &["cop-support", "ccpcj-programme"]),
    ("TUR", "USD", 60, &["coordination"]),
    ("MEX", "USD", 30, &["victim-assistance"]),
    ("COL", "USD", 20, &["ccpcj-programme"]),
    ("THA", "USD", 30, &["coordination", "victim-assistance"]),
    ("NZL", "USD", 50, &["ccpcj-programme"]),
    ("PHL", "USD", 15, &["victim-assistance"]),
];

/// Which planned event a later event refers to.
type Id = usize;

enum Plan {
    Body(Body),
    /// A payment or refund that names a planned pledge.
    Naming(Body, Id),
    WriteOff(Id, Decimal, Currency, &'static str, NaiveDate),
    Reversal(Id, &'static str),
}

struct Event {
    at: DateTime<Utc>,
    plan: Plan,
}

struct Demo {
    rng: Rng,
    events: Vec<Event>,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("valid decimal")
}

fn ccy(code: &str) -> Currency {
    Currency::lookup(code).expect("known currency")
}

const LAST_DAY: (i32, u32, u32) = (2011, 12, 31);

impl Demo {
    /// A timestamp a few working days after `d`, during office hours.
    fn recorded(&mut self, d: NaiveDate) -> DateTime<Utc> {
        let lag = self.rng.range(1, 5);
        let minutes = self.rng.range(7 * 60 + 30, 17 * 60);
        let t = NaiveTime::from_hms_opt((minutes / 60) as u32, (minutes % 60) as u32, 0)
            .expect("time")
            + Duration::seconds(self.rng.range(0, 59));
        Utc.from_utc_datetime(&(d + Duration::days(lag)).and_time(t))
    }

    fn push(&mut self, at: DateTime<Utc>, plan: Plan) -> Id {
        self.events.push(Event { at, plan });
        self.events.len() - 1
    }

    fn rates(&mut self) {
        for (code, dp, table) in RATES {
            let c = ccy(code);
            for (i, base) in table.iter().enumerate() {
                let d = date(2008 + (i / 12) as i32, (i % 12) as u32 + 1, 1);
                let jitter = Decimal::new(self.rng.range(-4, 4), *dp);
                let per_usd = (dec(base) + jitter).normalize();
                let at = self.recorded(d);
                self.push(
                    at,
                    Plan::Body(Body::Rate(Rate {
                        currency: c,
                        per_usd,
                        date: d,
                        source: None,
                    })),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn pledge(
        &mut self,
        donor: &str,
        mandate: &str,
        amount: Decimal,
        currency: &str,
        d: NaiveDate,
        due: Option<NaiveDate>,
        reference: String,
    ) -> Id {
        let at = self.recorded(d);
        self.push(
            at,
            Plan::Body(Body::Pledge(Pledge {
                money: Money {
                    donor: donor.into(),
                    mandate: mandate.into(),
                    amount,
                    currency: ccy(currency),
                    date: d,
                },
                due,
                opening: None,
                outstanding: None,
                in_kind: false,
                notes: Notes {
                    reference: Some(reference),
                    memo: None,
                    source: None,
                },
                agreement: None,
            })),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn payment(
        &mut self,
        donor: &str,
        mandate: &str,
        amount: Decimal,
        currency: &str,
        d: NaiveDate,
        pledge: Option<Id>,
        reference: String,
        memo: Option<&str>,
    ) -> Id {
        let at = self.recorded(d);
        let body = Payment {
            money: Money {
                donor: donor.into(),
                mandate: mandate.into(),
                amount,
                currency: ccy(currency),
                date: d,
            },
            pledge: None,
            prior_period: false,
            notes: Notes {
                reference: Some(reference),
                memo: memo.map(str::to_string),
                source: None,
            },
        };
        let plan = match pledge {
            Some(id) => Plan::Naming(Body::Payment(body), id),
            None => Plan::Body(Body::Payment(body)),
        };
        self.push(at, plan)
    }

    /// A local-currency amount worth about `usd_thousands` thousand USD at the
    /// month's rate, rounded to a figure a ministry would pledge.
    fn round_amount(&self, usd_thousands: i64, currency: &str, d: NaiveDate) -> Decimal {
        let rate = month_rate(currency, d);
        let step = match currency {
            "JPY" => Decimal::from(1_000_000),
            "SEK" | "NOK" => Decimal::from(50_000),
            _ => Decimal::from(5_000),
        };
        let local = Decimal::from(usd_thousands * 1000) * rate;
        let n = (local / step).round().max(Decimal::ONE);
        n * step
    }

    /// Ordinary contributions: most donors pledge most years and pay in one to three
    /// instalments, some naming the pledge and some not; a few pay late or not yet.
    fn contributions(&mut self) {
        let mut fsr = 0u32;
        for year in 2008..=2011 {
            for (code, currency, size, mandates) in DONORS {
                let pledges = if *size >= 300 && self.rng.chance(40) {
                    2
                } else if self.rng.chance(80) {
                    1
                } else {
                    0
                };
                for k in 0..pledges {
                    let mandate = *self.rng.pick(mandates);
                    // Pledging conferences cluster in spring and after the summer.
                    let month = *self.rng.pick(&[1, 2, 3, 3, 4, 5, 6, 7, 7, 8, 9, 9, 10, 11]);
                    let d = date(year, month, self.rng.range(1, 28) as u32);
                    let share = self.rng.range(60, 140) / if k == 1 { 2 } else { 1 };
                    let amount = self.round_amount(size * share / 100, currency, d);
                    let due_months = *self.rng.pick(&[3, 6, 6, 9, 12]);
                    let due = last_of_month(add_months(d, due_months));
                    fsr += 1;
                    let reference = format!("NV/{code}/{year}/{:03}", 100 + fsr);
                    let p = self.pledge(code, mandate, amount, currency, d, Some(due), reference);
                    self.instalments(code, mandate, currency, amount, d, due, p);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn instalments(
        &mut self,
        donor: &str,
        mandate: &str,
        currency: &str,
        amount: Decimal,
        pledged: NaiveDate,
        due: NaiveDate,
        pledge: Id,
    ) {
        const PLANS: [&[i64]; 8] = [
            &[100],
            &[100],
            &[100],
            &[50, 50],
            &[40, 60],
            &[60],
            &[30, 30, 40],
            &[50],
        ];
        let parts = *self.rng.pick(&PLANS);
        let late = self.rng.chance(15);
        let span = (due - pledged).num_days().max(30);
        let mut paid_day = pledged;
        let minor = ccy(currency).minor_units();
        for (i, pct) in parts.iter().enumerate() {
            let gap = span * self.rng.range(25, 70) / 100 + if late { 120 } else { 0 };
            paid_day += Duration::days(gap.max(14));
            if paid_day > date(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2) {
                return;
            }
            let mut part = (amount * Decimal::from(*pct) / Decimal::from(100)).round_dp(minor);
            // Some transfers arrive net of the sending bank's charges.
            if minor > 0 && self.rng.chance(20) {
                part -= Decimal::new(self.rng.range(1500, 4500), 2);
            }
            let names = self.rng.chance(60);
            let reference = format!(
                "UMJ/{}/{:06}",
                paid_day.year(),
                self.rng.range(100_000, 999_999)
            );
            let memo = (i > 0).then_some("further instalment");
            self.payment(
                donor,
                mandate,
                part,
                currency,
                paid_day,
                names.then_some(pledge),
                reference,
                memo,
            );
        }
    }

    /// The cases a demo must show, at fixed dates.
    fn notable(&mut self) {
        // The README walk-through: a pledge in 2008 Q3 paid half within the quarter.
        let jpn = self.pledge(
            "JPN",
            "coordination",
            dec("250000"),
            "USD",
            date(2008, 7, 24),
            Some(date(2009, 6, 30)),
            "NV/2008/117".into(),
        );
        self.payment(
            "JPN",
            "coordination",
            dec("125000"),
            "USD",
            date(2008, 9, 1),
            Some(jpn),
            "UMJ/2008/417730".into(),
            None,
        );
        self.payment(
            "JPN",
            "coordination",
            dec("125000"),
            "USD",
            date(2009, 8, 14),
            Some(jpn),
            "UMJ/2009/588201".into(),
            Some("second instalment, after the due date"),
        );

        // The overdue pledge: due mid-2009, never paid.
        self.pledge(
            "ITA",
            "victim-assistance",
            dec("400000"),
            "EUR",
            date(2008, 11, 14),
            Some(date(2009, 6, 30)),
            "NV/ITA/2008/1187".into(),
        );

        // Paid in part, the rest written off after the donor confirmed it would not come.
        let rus = self.pledge(
            "RUS",
            "un-gift",
            dec("300000"),
            "USD",
            date(2008, 8, 5),
            Some(date(2009, 3, 31)),
            "NV/RUS/2008/0457".into(),
        );
        self.payment(
            "RUS",
            "un-gift",
            dec("180000"),
            "USD",
            date(2009, 7, 20),
            Some(rus),
            "UMJ/2009/561094".into(),
            None,
        );
        let at = self.recorded(date(2010, 12, 31));
        self.push(
            at,
            Plan::WriteOff(
                rus,
                dec("120000"),
                Currency::USD,
                "letter of the Permanent Mission, 2010-12-15",
                date(2010, 12, 31),
            ),
        );

        // A second overdue pledge in 2009 Q3, paid late in 2010.
        let bra = self.pledge(
            "BRA",
            "cop-support",
            dec("75000"),
            "USD",
            date(2009, 2, 10),
            Some(date(2009, 6, 30)),
            "NV/BRA/2009/0032".into(),
        );
        self.payment(
            "BRA",
            "cop-support",
            dec("75000"),
            "USD",
            date(2010, 3, 22),
            Some(bra),
            "UMJ/2010/612877".into(),
            Some("paid late"),
        );

        // An unpledged receipt.
        self.payment(
            "KWT",
            "general-purpose",
            dec("100000"),
            "USD",
            date(2009, 8, 27),
            None,
            "UMJ/2009/590342".into(),
            Some("unpledged; no note verbale received"),
        );

        // A payment keyed with the wrong amount, reversed, and entered again.
        let che = self.pledge(
            "CHE",
            "icat",
            dec("150000"),
            "CHF",
            date(2009, 7, 6),
            Some(date(2009, 12, 31)),
            "NV/CHE/2009/0771".into(),
        );
        let wrong = self.payment(
            "CHE",
            "icat",
            dec("15000"),
            "CHF",
            date(2009, 9, 15),
            Some(che),
            "UMJ/2009/593118".into(),
            None,
        );
        let fix_at = self.events[wrong].at + Duration::days(6);
        self.push(
            fix_at,
            Plan::Reversal(
                wrong,
                "amount keyed as 15000.00; the bank statement shows 150000.00",
            ),
        );
        let redo_at = fix_at + Duration::minutes(4);
        self.push(
            redo_at,
            Plan::Naming(
                Body::Payment(Payment {
                    money: Money {
                        donor: "CHE".into(),
                        mandate: "icat".into(),
                        amount: dec("150000"),
                        currency: ccy("CHF"),
                        date: date(2009, 9, 15),
                    },
                    pledge: None,
                    prior_period: false,
                    notes: Notes {
                        reference: Some("UMJ/2009/593118".into()),
                        memo: Some("re-entry of the reversed payment".into()),
                        source: None,
                    },
                }),
                che,
            ),
        );

        // A refund of the unspent balance of a finished project.
        let gbr = self.pledge(
            "GBR",
            "victim-assistance",
            dec("200000"),
            "GBP",
            date(2009, 4, 20),
            Some(date(2009, 9, 30)),
            "NV/GBR/2009/0412".into(),
        );
        self.payment(
            "GBR",
            "victim-assistance",
            dec("200000"),
            "GBP",
            date(2009, 6, 2),
            Some(gbr),
            "UMJ/2009/552004".into(),
            None,
        );
        let at = self.recorded(date(2011, 3, 8));
        self.push(
            at,
            Plan::Body(Body::Refund(Payment {
                money: Money {
                    donor: "GBR".into(),
                    mandate: "victim-assistance".into(),
                    amount: dec("23418.55"),
                    currency: ccy("GBP"),
                    date: date(2011, 3, 8),
                },
                pledge: None,
                prior_period: false,
                notes: Notes {
                    reference: Some("UMJ/2011/702215".into()),
                    memo: Some("unspent balance returned at project closure".into()),
                    source: None,
                },
            })),
        );

        // A pledge in US dollars paid in euros.
        let fin = self.pledge(
            "FIN",
            "icat",
            dec("120000"),
            "USD",
            date(2009, 8, 3),
            Some(date(2010, 3, 31)),
            "NV/FIN/2009/0299".into(),
        );
        self.payment(
            "FIN",
            "icat",
            dec("84000"),
            "EUR",
            date(2009, 11, 18),
            Some(fin),
            "UMJ/2009/604412".into(),
            Some("paid in EUR"),
        );

        // A foundation registers, pledges and pays.
        let at = self.recorded(date(2010, 2, 1));
        self.push(
            at,
            Plan::Body(Body::Donor(Donor {
                code: "HAVENFDN".into(),
                name: "Safe Haven Foundation".into(),
                category: DonorCategory::Foundation,
                aliases: vec!["SHF".into()],
            })),
        );
        self.pledge(
            "HAVENFDN",
            "victim-assistance",
            dec("50000"),
            "USD",
            date(2010, 2, 15),
            Some(date(2010, 12, 31)),
            "SHF/2010/01".into(),
        );
        self.payment(
            "HAVENFDN",
            "victim-assistance",
            dec("50000"),
            "USD",
            date(2010, 5, 4),
            None,
            "UMJ/2010/634580".into(),
            None,
        );

        // The trust fund set up in 2010 (General Assembly resolution 64/293), kept
        // apart from UNODC's two funds: registered as a fund of its own first.
        let at = self.recorded(date(2010, 11, 4));
        self.push(
            at,
            Plan::Body(Body::Fund(Fund {
                code: "UNVTF".into(),
                name: "United Nations Voluntary Trust Fund for Victims of Trafficking in Persons"
                    .into(),
            })),
        );
        self.push(
            at,
            Plan::Body(Body::Mandate(Mandate {
                slug: "unvtf".into(),
                name: "UN Voluntary Trust Fund for Victims of Trafficking in Persons".into(),
                earmarking: Earmarking::SoftlyEarmarked,
                fund: Some("UNVTF".into()),
            })),
        );
        for (donor, amount, currency, d, paid) in [
            (
                "QAT",
                "1000000",
                "USD",
                date(2010, 11, 10),
                Some(date(2010, 12, 2)),
            ),
            ("EGY", "10000", "USD", date(2010, 12, 1), None),
            (
                "AUS",
                "250000",
                "AUD",
                date(2011, 2, 14),
                Some(date(2011, 4, 28)),
            ),
            (
                "DEU",
                "100000",
                "EUR",
                date(2011, 5, 9),
                Some(date(2011, 6, 20)),
            ),
            ("SWE", "1000000", "SEK", date(2011, 9, 1), None),
        ] {
            let reference = format!("NV/{donor}/{}/UNVTF", d.year());
            let p = self.pledge(
                donor,
                "unvtf",
                dec(amount),
                currency,
                d,
                Some(last_of_month(add_months(d, 6))),
                reference,
            );
            if let Some(when) = paid {
                let r = format!(
                    "UMJ/{}/{:06}",
                    when.year(),
                    self.rng.range(100_000, 999_999)
                );
                self.payment(
                    donor,
                    "unvtf",
                    dec(amount),
                    currency,
                    when,
                    Some(p),
                    r,
                    None,
                );
            }
        }
    }
}

impl Demo {
    /// Goods and services instead of money: Italy pledges a venue and equipment for
    /// the trust fund's expert meeting, and gives the venue.
    fn in_kind(&mut self) {
        let at = self.recorded(date(2011, 3, 1));
        let pledge = self.push(
            at,
            Plan::Body(Body::Pledge(Pledge {
                money: Money {
                    donor: "ITA".into(),
                    mandate: "unvtf".into(),
                    amount: dec("60000"),
                    currency: ccy("EUR"),
                    date: date(2011, 3, 1),
                },
                due: Some(date(2011, 9, 30)),
                opening: None,
                outstanding: None,
                in_kind: true,
                notes: Notes {
                    reference: Some("NV/ITA/2011/INK".into()),
                    memo: Some("venue and equipment for the expert group meeting, Rome".into()),
                    source: None,
                },
                agreement: None,
            })),
        );
        let at = self.recorded(date(2011, 6, 14));
        self.push(
            at,
            Plan::Naming(
                Body::InKind(Payment {
                    money: Money {
                        donor: "ITA".into(),
                        mandate: "unvtf".into(),
                        amount: dec("45000"),
                        currency: ccy("EUR"),
                        date: date(2011, 6, 14),
                    },
                    pledge: None,
                    prior_period: false,
                    notes: Notes {
                        reference: Some("ITA/INK/2011/1".into()),
                        memo: Some("conference venue, Rome, 13-14 June 2011 (fair value)".into()),
                        source: None,
                    },
                }),
                pledge,
            ),
        );
    }
}

impl Demo {
    /// A multi-year agreement: Sweden signs three years of support to coordination
    /// in 2010, one instalment a year, and pays the first. Keyed in after every other
    /// entry (January 2012, from the signed agreement and the bank statement), at
    /// fixed times, so the entry numbers before it stay as they were. At the end of
    /// 2010 the 2012 instalment is non-current; at the end of 2011 the 2011 one is
    /// overdue.
    fn agreement(&mut self) {
        const CODE: &str = "SE-2010-01";
        let signed = date(2010, 3, 15);
        let last = self.events.iter().map(|e| e.at).max().expect("events");
        let mut at = Utc.with_ymd_and_hms(2012, 1, 9, 9, 12, 0).unwrap();
        assert!(
            at > last,
            "the agreement is keyed in after every other entry"
        );
        self.push(
            at,
            Plan::Body(Body::Agreement(Agreement {
                code: CODE.into(),
                donor: "SWE".into(),
                mandate: "coordination".into(),
                currency: ccy("SEK"),
                signed,
                title: "Support to coordination 2010-2012".into(),
                conditional: false,
            })),
        );
        let mut first = None;
        for (year, due) in [
            (2010, date(2010, 6, 30)),
            (2011, date(2011, 6, 30)),
            (2012, date(2012, 6, 30)),
        ] {
            at += Duration::minutes(4);
            let id = self.push(
                at,
                Plan::Body(Body::Pledge(Pledge {
                    money: Money {
                        donor: "SWE".into(),
                        mandate: "coordination".into(),
                        amount: dec("5000000"),
                        currency: ccy("SEK"),
                        date: signed,
                    },
                    due: Some(due),
                    opening: None,
                    outstanding: None,
                    in_kind: false,
                    notes: Notes {
                        reference: Some(format!("{CODE}/{year}")),
                        memo: Some(format!("instalment {year}")),
                        source: None,
                    },
                    agreement: Some(CODE.into()),
                })),
            );
            first.get_or_insert(id);
        }
        at += Duration::minutes(11);
        self.push(
            at,
            Plan::Naming(
                Body::Payment(Payment {
                    money: Money {
                        donor: "SWE".into(),
                        mandate: "coordination".into(),
                        amount: dec("5000000"),
                        currency: ccy("SEK"),
                        date: date(2010, 6, 18),
                    },
                    pledge: None,
                    prior_period: false,
                    notes: Notes {
                        reference: Some("UMJ/2010/SE-2010-01/1".into()),
                        memo: Some("first instalment".into()),
                        source: None,
                    },
                }),
                first.expect("the first instalment"),
            ),
        );
    }
}

fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(months))
        .expect("date in range")
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    add_months(date(d.year(), d.month(), 1), 1) - Duration::days(1)
}

/// The table rate (without jitter) for a currency in the month of `d`.
fn month_rate(currency: &str, d: NaiveDate) -> Decimal {
    if currency == "USD" {
        return Decimal::ONE;
    }
    let (_, _, table) = RATES
        .iter()
        .find(|(c, _, _)| *c == currency)
        .expect("a rate table for every demo currency");
    let i = ((d.year() - 2008) * 12 + d.month() as i32 - 1).clamp(0, 47) as usize;
    dec(table[i])
}

/// Builds the demo ledger at `path` (which must not exist yet).
pub fn build(path: &Path) {
    let mut demo = Demo {
        rng: Rng(SEED),
        events: Vec::new(),
    };
    demo.rates();
    demo.contributions();
    demo.notable();
    demo.in_kind();
    // A typo in a rate, reversed and keyed again minutes later.
    let march = demo
        .events
        .iter()
        .find(|e| matches!(&e.plan, Plan::Body(Body::Rate(r)) if r.currency.code() == "EUR" && r.date == date(2010, 3, 1)))
        .map(|e| e.at)
        .expect("the EUR rate of March 2010");
    let typo_at = march - Duration::minutes(20);
    let typo = demo.push(
        typo_at,
        Plan::Body(Body::Rate(Rate {
            currency: ccy("EUR"),
            per_usd: dec("7.38"),
            date: date(2010, 3, 1),
            source: None,
        })),
    );
    demo.push(
        typo_at + Duration::minutes(9),
        Plan::Reversal(typo, "decimal point misplaced: the rate is 0.738"),
    );
    demo.agreement();

    let mut order: Vec<Id> = (0..demo.events.len()).collect();
    order.sort_by_key(|&i| (demo.events[i].at, i));
    let start = Utc.with_ymd_and_hms(2008, 1, 2, 8, 30, 0).unwrap();
    journal::init(path, start).expect("init demo ledger");

    let mut seq_of = vec![0u64; demo.events.len()];
    let mut last = start;
    for i in order {
        let ev = &mut demo.events[i];
        // Never backwards: a tie or an earlier lag moves to one minute after the last.
        let at = ev.at.max(last + Duration::minutes(1));
        last = at;
        let body = match std::mem::replace(&mut ev.plan, Plan::Reversal(0, "")) {
            Plan::Body(b) => b,
            Plan::Naming(Body::Payment(mut p), id) => {
                p.pledge = Some(seq_of[id]);
                Body::Payment(p)
            }
            Plan::Naming(Body::Refund(mut p), id) => {
                p.pledge = Some(seq_of[id]);
                Body::Refund(p)
            }
            Plan::Naming(Body::InKind(mut p), id) => {
                p.pledge = Some(seq_of[id]);
                Body::InKind(p)
            }
            Plan::Naming(..) => unreachable!("only payments, refunds and in-kind name a pledge"),
            Plan::WriteOff(id, amount, currency, memo, d) => Body::WriteOff(WriteOff {
                pledge: seq_of[id],
                amount,
                currency,
                date: d,
                notes: Notes {
                    reference: None,
                    memo: Some(memo.into()),
                    source: None,
                },
            }),
            Plan::Reversal(id, reason) => Body::Reversal(Reversal {
                entry: seq_of[id],
                reason: reason.into(),
            }),
        };
        assert!(
            !matches!(&body, Body::Payment(p) if p.pledge == Some(0)),
            "event {i} names a pledge recorded after it"
        );
        let mut w =
            journal::Writer::open(path, at, journal::Reading::ToRecord).expect("open demo ledger");
        let seq = match w.stage(body.clone()) {
            Ok(e) => e.seq,
            Err(p) => panic!("demo entry rejected: {p}\n{body:?}"),
        };
        w.commit().expect("commit demo entry");
        seq_of[i] = seq;
    }
}

fn regenerating() -> bool {
    std::env::var("LEDGER_REGENERATE_DEMO").as_deref() == Ok("1")
}

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ledgers/demo.jsonl")
}

#[test]
fn demo_ledger_is_reproducible_and_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let built = dir.path().join("demo.jsonl");
    build(&built);
    let bytes = std::fs::read(&built).expect("read built demo");
    if regenerating() {
        std::fs::create_dir_all(committed().parent().unwrap()).expect("mkdir ledgers");
        std::fs::write(committed(), &bytes).expect("write ledgers/demo.jsonl");
    }
    let on_disk = std::fs::read(committed()).expect(
        "ledgers/demo.jsonl is missing; run LEDGER_REGENERATE_DEMO=1 cargo test demo_ledger",
    );
    assert!(
        on_disk == bytes,
        "ledgers/demo.jsonl differs from what tests/demo.rs builds; if the change is \
         intended, run LEDGER_REGENERATE_DEMO=1 cargo test demo_ledger and commit the file"
    );

    let t = Test::new();
    let path = committed();
    let out = t.ok(&["verify", "--ledger", path.to_str().unwrap()]);
    assert!(out.starts_with("ok: "), "{out}");
}

#[test]
fn demo_ledger_has_the_notable_cases() {
    if regenerating() {
        return; // the other test is rewriting the file right now
    }
    let mut kinds = std::collections::BTreeMap::<Kind, usize>::new();
    let mut donors = std::collections::BTreeSet::new();
    let mut currencies = std::collections::BTreeSet::new();
    journal::scan(&committed(), true, None, |e| {
        *kinds.entry(e.body.kind()).or_default() += 1;
        match &e.body {
            Body::Pledge(p) => {
                donors.insert(p.money.donor.clone());
                currencies.insert(p.money.currency);
            }
            Body::Payment(p) | Body::Refund(p) => {
                donors.insert(p.money.donor.clone());
                currencies.insert(p.money.currency);
            }
            _ => {}
        }
    })
    .expect("read demo");
    let n = |k: Kind| kinds.get(&k).copied().unwrap_or(0);
    assert!(n(Kind::Pledge) >= 100, "{kinds:?}");
    assert!(n(Kind::Payment) >= 100, "{kinds:?}");
    assert_eq!(
        (n(Kind::Refund), n(Kind::WriteOff), n(Kind::Reversal)),
        (1, 1, 2)
    );
    assert_eq!((n(Kind::Donor), n(Kind::Mandate), n(Kind::Fund)), (1, 1, 1));
    assert_eq!(n(Kind::InKind), 1);
    assert_eq!(n(Kind::Agreement), 1);
    assert!(donors.len() >= 30, "{donors:?}");
    assert!(currencies.len() >= 8, "{currencies:?}");
}
