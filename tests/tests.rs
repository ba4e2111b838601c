//! The integration tests: one binary, one module per area, driven through `util::Test`.

mod provision;
mod util;

mod books;
mod ceb;
mod checkpoint;
mod demo;
mod entries;
mod export_iati;
mod fuzz;
mod help;
mod hostile;
mod import;
mod import_props;
mod import_share;
mod index;
mod journal;
mod kill;
mod readme;
mod record;
mod report;
mod rules;
mod special;
mod start;
mod structure;
mod tidy;
mod trust;
