//! The integration tests, one binary with a module per area (one binary links
//! the library once, instead of once per test file). `tests/browser/` holds the
//! browser tests, run by node.

mod common;

mod architecture;
mod bad_input;
mod build_cache;
mod check;
mod cli;
mod editor;
mod fix;
mod fixtures;
mod incremental;
mod interop;
mod library;
mod new;
mod properties;
mod publish;
mod serve;
mod site;
