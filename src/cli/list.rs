//! `ledger donor list`, `ledger mandate list` and `ledger fund list`: the registers as the ledger knows
//! them (built-in entries plus registrations), as a table (`render::listing`, the
//! style of a report's tables), JSON or CSV. `agreement list` prints through `emit` too.

use std::io::Write;

use super::args::OutFormat;
use super::{Context, Failure};
use crate::domain::Book;
use crate::journal;

/// A book of the entries that name no donor (registrations, rates, agreements,
/// conditions met) and, with `instalments`, the pledges that are instalments of an
/// agreement, each with its reversals: what the listings show, however large the
/// ledger (every line is still read and checked).
pub(super) fn book(ctx: &Context, instalments: bool) -> Result<Book, Failure> {
    let mut book = Book::new();
    let visit = |e: crate::domain::Entry, _: &journal::LineHash| {
        let instalment = instalments
            && matches!(&e.body, crate::domain::Body::Pledge(p) if p.agreement.is_some());
        if instalment || crate::domain::book::takes(&book, &e, |_, _| false) {
            book.apply(e);
        }
    };
    let scan = journal::scan_figures(&ctx.ledger, None, visit)?;
    super::warn_if_torn(ctx, &scan);
    Ok(book)
}

pub(super) fn emit(
    out: &mut dyn Write,
    format: OutFormat,
    header: &[&str],
    rows: Vec<Vec<String>>,
    json: serde_json::Value,
) -> Result<(), Failure> {
    match format {
        OutFormat::Table => Ok(crate::render::listing(header, &rows, out)?),
        OutFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &json)
                .map_err(|e| Failure::failed(e.to_string()))?;
            writeln!(out)?;
            Ok(())
        }
        OutFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(header)
                .map_err(|e| Failure::failed(e.to_string()))?;
            for r in rows {
                w.write_record(r.iter().map(|c| crate::render::neutralise(c)))
                    .map_err(|e| Failure::failed(e.to_string()))?;
            }
            out.write_all(&w.into_inner().map_err(|e| Failure::failed(e.to_string()))?)?;
            Ok(())
        }
    }
}

pub fn donors(ctx: &Context, out: &mut dyn Write, format: OutFormat) -> Result<(), Failure> {
    let book = book(ctx, false)?;
    let donors: Vec<_> = book.register.donors().collect();
    let rows = donors
        .iter()
        .map(|d| {
            vec![
                d.code.clone(),
                d.category.as_str().to_string(),
                d.name.clone(),
                d.aliases.join("; "),
            ]
        })
        .collect();
    emit(
        out,
        format,
        &["code", "category", "name", "also known as"],
        rows,
        serde_json::to_value(&donors).expect("donors serialise"),
    )
}

pub fn mandates(ctx: &Context, out: &mut dyn Write, format: OutFormat) -> Result<(), Failure> {
    let book = book(ctx, false)?;
    let mandates: Vec<_> = book.register.mandates().collect();
    let rows = mandates
        .iter()
        .map(|m| {
            vec![
                m.slug.clone(),
                m.earmarking.as_str().to_string(),
                if m.earmarking.is_general_purpose() {
                    "GP"
                } else {
                    "SP"
                }
                .to_string(),
                book.register.fund_of(m).code.clone(),
                m.name.clone(),
            ]
        })
        .collect();
    emit(
        out,
        format,
        &["mandate", "earmarking", "purpose", "fund", "name"],
        rows,
        serde_json::to_value(&mandates).expect("mandates serialise"),
    )
}

pub fn funds(ctx: &Context, out: &mut dyn Write, format: OutFormat) -> Result<(), Failure> {
    let book = book(ctx, false)?;
    let funds: Vec<_> = book.register.funds().collect();
    let rows = funds
        .iter()
        .map(|f| {
            let mandates: Vec<&str> = book
                .register
                .mandates()
                .filter(|m| book.register.fund_of(m).code == f.code)
                .map(|m| m.slug.as_str())
                .collect();
            vec![f.code.clone(), f.name.clone(), mandates.join(", ")]
        })
        .collect();
    emit(
        out,
        format,
        &["code", "name", "mandates"],
        rows,
        serde_json::to_value(&funds).expect("funds serialise"),
    )
}
