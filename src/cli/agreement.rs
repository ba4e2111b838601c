//! `ledger agreement add` and `ledger agreement list`: the register of contribution
//! agreements (a multi-year commitment whose instalments are pledges that name it).
//!
//! Examples:
//!   ledger agreement add SE-2024-01 --donor SWE --mandate victim-assistance --currency SEK --signed 2024-02-01 --title "Three-year support"
//!   ledger agreement list --format json

use std::io::Write;

use clap::Subcommand;

use super::append::{append_one, currency, date};
use super::args::OutFormat;
use super::record::RecordFormat;
use super::{Context, Failure};
use crate::domain::Body;
use crate::domain::agreement::Agreement;

#[derive(Debug, Subcommand)]
pub enum AgreementCmd {
    /// Register an agreement (registrations cannot be reversed)
    #[command(
        after_help = "Examples:\n  ledger agreement add SE-2024-01 --donor SWE --mandate victim-assistance --currency SEK --signed 2024-02-01 --title \"Three-year support 2024-2026\"\n  ledger agreement add US-2024-07 --donor USA --mandate cybercrime --currency USD --signed 2024-07-01 --title \"Matching grant\" --conditional"
    )]
    Add {
        /// The agreement's code (letters, digits, '-', '_', '/', '.'), as instalments name it
        code: String,
        /// Donor: code, UN name, ISO name or alias
        #[arg(long)]
        donor: String,
        /// Mandate slug (or name)
        #[arg(long)]
        mandate: String,
        /// ISO 4217 currency code of every instalment
        #[arg(long)]
        currency: String,
        /// Date signed, YYYY-MM-DD
        #[arg(long)]
        signed: String,
        /// The agreement's title as reports show it
        #[arg(long)]
        title: String,
        /// Its instalments count as pledged only once `record condition-met` says the condition was met
        #[arg(long)]
        conditional: bool,
        /// text (one line) or json (the entry as recorded)
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// List every registered agreement
    #[command(
        after_help = "Examples:\n  ledger agreement list\n  ledger agreement list --format csv"
    )]
    List {
        /// table, json or csv
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
    },
}

pub fn run(ctx: &Context, out: &mut dyn Write, cmd: AgreementCmd) -> Result<(), Failure> {
    match cmd {
        AgreementCmd::Add {
            code,
            donor,
            mandate,
            currency: c,
            signed,
            title,
            conditional,
            format,
        } => {
            let draft = Body::Agreement(Agreement {
                code,
                donor,
                mandate,
                currency: currency(&c, "currency")?,
                signed: date(&signed, "signed")?,
                title,
                conditional,
            });
            append_one(ctx, out, draft, format)
        }
        AgreementCmd::List { format } => list(ctx, out, format),
    }
}

fn list(ctx: &Context, out: &mut dyn Write, format: OutFormat) -> Result<(), Failure> {
    let book = super::list::book(ctx, true)?;
    let mut json = Vec::new();
    let mut rows = Vec::new();
    for a in book.agreements.iter() {
        let g = &a.agreement;
        let live: Vec<u64> = a
            .instalments
            .iter()
            .copied()
            .filter(|s| book.pledge(*s).is_some_and(|p| p.reversed_by.is_none()))
            .collect();
        let condition = match (g.conditional, a.condition_met) {
            (false, _) => String::new(),
            (true, None) => "not met".to_string(),
            (true, Some(d)) => format!("met {d}"),
        };
        rows.push(vec![
            g.code.clone(),
            g.donor.clone(),
            g.mandate.clone(),
            g.currency.code().to_string(),
            g.signed.to_string(),
            g.title.clone(),
            condition,
            live.iter()
                .map(|s| format!("#{s}"))
                .collect::<Vec<_>>()
                .join(" "),
        ]);
        json.push(serde_json::json!({
            "code": g.code,
            "donor": g.donor,
            "mandate": g.mandate,
            "currency": g.currency.code(),
            "signed": g.signed,
            "title": g.title,
            "conditional": g.conditional,
            "condition_met": a.condition_met,
            "instalments": live,
        }));
    }
    super::list::emit(
        out,
        format,
        &[
            "code",
            "donor",
            "mandate",
            "currency",
            "signed",
            "title",
            "condition",
            "instalments",
        ],
        rows,
        serde_json::Value::Array(json),
    )
}
