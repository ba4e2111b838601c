//! The rule on value dates against the time an entry is recorded: money cannot be
//! received, given in kind, pledged, refunded, written off or reduced on a day that
//! has not come.
//! Due dates may lie ahead, and a rate may be published up to a month before it
//! takes effect.
//!
//! The rule is judged against the entry's own recording time, so that `verify
//! --rules`, replaying committed entries, gives the verdict `record` gave.

use crate::domain::Code;
use chrono::{DateTime, Months, NaiveDate, Utc};

use super::Checker;
use crate::domain::entry::Body;
use crate::domain::problem::Problem;
use crate::domain::words;

impl Checker {
    /// `check`, and the value dates of `body` against `recorded_at`, the time it is
    /// (or was) recorded.
    pub fn check_recorded(&self, body: Body, recorded_at: DateTime<Utc>) -> Result<Body, Problem> {
        let body = self.check(body)?;
        check_not_future(&body, recorded_at.date_naive())?;
        Ok(body)
    }
}

/// Refuses a value date later than the day an entry is recorded (`future-date`).
pub fn check_not_future(body: &Body, today: NaiveDate) -> Result<(), Problem> {
    let ahead = |field: &'static str, what: &str, date: NaiveDate| {
        if date > today {
            Err(Problem::field(
                Code::FutureDate,
                field,
                format!(
                    "{date} is later than today ({today}): {} is recorded on or after the day it happens; record it then, or give the date it happened",
                    words::a(what)
                ),
            ))
        } else {
            Ok(())
        }
    };
    match body {
        Body::Pledge(p) => {
            ahead("date", "pledge", p.money.date)?;
            if let Some(o) = p.opening {
                ahead("opening", "pledge's opening", o)?;
            }
            Ok(())
        }
        Body::Payment(p) | Body::Refund(p) => ahead("date", body.kind().as_str(), p.money.date),
        Body::InKind(p) => ahead("date", "in-kind contribution", p.money.date),
        Body::WriteOff(w) | Body::Reduction(w) => ahead("date", body.kind().as_str(), w.date),
        Body::Agreement(a) => ahead("signed", "agreement", a.signed),
        Body::ConditionMet(c) => ahead("date", "condition met", c.date),
        Body::Rate(r) => {
            let limit = today.checked_add_months(Months::new(1)).unwrap_or(today);
            if r.date > limit {
                Err(Problem::field(
                    Code::FutureDate,
                    "date",
                    format!(
                        "{} is more than a month after today ({today}): a rate may be recorded at most a month ahead of its date (here, dated up to {limit})",
                        r.date
                    ),
                ))
            } else {
                Ok(())
            }
        }
        Body::Ledger(_)
        | Body::Checkpoint(_)
        | Body::Reversal(_)
        | Body::Donor(_)
        | Body::Mandate(_)
        | Body::Fund(_) => Ok(()),
    }
}
