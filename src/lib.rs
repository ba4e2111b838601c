//! `ledger`: an append-only, tamper-evident ledger of voluntary contributions
//! (pledges, payments, refunds, write-offs) with CSV import and funding reports.
//!
//! `domain` is pure; `journal` owns the file; `import` turns CSV into checked
//! drafts; `report` aggregates; `render` prints; `cli` wires them to the terminal.

pub mod cli;
pub mod domain;
pub mod import;
pub mod journal;
pub mod render;
pub mod report;
