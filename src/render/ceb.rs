//! The CEB revenue table as CSV, in the layout the CEB publishes: the non-government
//! one (`amount,_currency,entity,calendar_year,rev_type,donor,contrib_type`) or the
//! government one (`government_donor,entity,rev_type,calendar_year,amount`, amounts
//! with a space between thousands).
//!
//! Formats, never computes: every figure is a field of `report::ceb::CebTable`.

use std::io::Write;

use super::neutralise;
use crate::domain::currency::group_thousands;
use crate::report::ceb::{CebTable, ENTITY};

pub fn write(table: &CebTable, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    if table.government {
        w.write_record([
            "government_donor",
            "entity",
            "rev_type",
            "calendar_year",
            "amount",
        ])?;
        for r in &table.rows {
            w.write_record([
                neutralise(&r.name),
                ENTITY.to_string(),
                r.rev_type.to_string(),
                r.year.to_string(),
                group_thousands(&r.amount.to_string()).replace(',', " "),
            ])?;
        }
    } else {
        w.write_record([
            "amount",
            "_currency",
            "entity",
            "calendar_year",
            "rev_type",
            "donor",
            "contrib_type",
        ])?;
        for r in &table.rows {
            w.write_record([
                r.amount.to_string(),
                "USD".to_string(),
                ENTITY.to_string(),
                r.year.to_string(),
                r.rev_type.to_string(),
                neutralise(&r.name),
                r.contrib_type.to_string(),
            ])?;
        }
    }
    w.flush()
}
