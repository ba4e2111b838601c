//! The integration tests: one binary, one module per area, driven through `util::Test`.

mod util;

mod index;
mod record;
mod report;
