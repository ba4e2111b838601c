//! The integration tests: one binary, one module per area, driven through `util::Test`.

mod util;

mod demo;
mod fuzz;
mod import;
mod import_props;
mod index;
mod journal;
mod kill;
mod readme;
mod record;
mod report;
mod special;
