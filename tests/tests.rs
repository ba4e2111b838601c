//! The integration tests: one binary, one module per area, driven through `util::Test`.

mod util;

mod demo;
mod record;
