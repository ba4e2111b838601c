//! The built-in profiles, `canonical` and `rates`, written as
//! profile text so that they go through exactly the same reading as a user's file.

pub const CANONICAL: &str = r#"name = "canonical"
description = "date,donor,mandate,kind,amount,currency,reference[,pledge_reference,due,memo,prior_period,opening,outstanding]"

[csv]
optional_columns = ["reference", "pledge_reference", "due", "memo", "prior_period", "opening", "outstanding"]

[parse]
date_format = "%Y-%m-%d"
decimal_mark = "."
thousands = [",", " "]

[columns]
date = "date"
donor = "donor"
mandate = "mandate"
kind = "kind"
amount = "amount"
currency = "currency"
reference = "reference"
pledge_reference = "pledge_reference"
due = "due"
memo = "memo"
prior_period = "prior_period"
opening = "opening"
outstanding = "outstanding"
"#;

pub const RATES: &str = r#"name = "rates"
description = "currency,date,per_usd: UN operational rates of exchange"

[parse]
date_format = "%Y-%m-%d"
decimal_mark = "."
thousands = []

[columns]
currency = "currency"
date = "date"
per_usd = "per_usd"

[constants]
kind = "rate"
"#;

/// The text of a built-in profile, by name.
pub fn builtin(name: &str) -> Option<&'static str> {
    match name.trim().to_ascii_lowercase().as_str() {
        "canonical" => Some(CANONICAL),
        "rates" => Some(RATES),
        _ => None,
    }
}

/// The profiles shipped in `ledgers/profiles/`, compiled in so that `--profile NAME`
/// finds them from any directory. A file of the same name beside the ledger or in
/// `./ledgers/profiles/` is read first, so a locally adapted copy wins.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "umoja-receipts",
        include_str!("../../ledgers/profiles/umoja-receipts.toml"),
    ),
    (
        "ceb-non-government",
        include_str!("../../ledgers/profiles/ceb-non-government.toml"),
    ),
    (
        "ceb-government",
        include_str!("../../ledgers/profiles/ceb-government.toml"),
    ),
];
