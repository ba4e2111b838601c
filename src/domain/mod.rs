//! The domain: money, currencies, rates, donors, mandates, entries, and the rules
//! that judge and settle them. Pure: depends on nothing else in the crate, does no I/O.

pub mod agreement;
pub mod book;
pub mod currency;
pub mod entry;
pub mod fund;
pub mod problem;
pub mod rates;
pub mod register;
pub mod settlement;
pub mod standards;
pub mod time;
pub mod words;

pub use book::{Book, Checker};
pub use currency::Currency;
pub use entry::{Body, Entry, Kind};
pub use problem::{Code, Problem};
