//! The integration tests: one binary, one module per area, driven through `util::Test`.

mod util;

mod books;
mod ceb;
mod demo;
mod import;
mod import_props;
mod index;
mod journal;
mod readme;
mod record;
mod report;
mod start;
