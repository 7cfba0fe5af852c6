//! Lore's one test binary: every cross-crate scenario, a module per area.
//! Real components only: the real `lore` binary, real redb files, real documents.

mod bulk;
mod cli;
mod credit;
mod demo;
mod departed;
mod digest;
mod docs;
mod exchange;
mod fresh;
mod gui;
mod gui_api;
mod gui_copy;
mod gui_credit;
mod gui_failures;
mod gui_first_hour;
mod gui_fresh;
mod gui_harness;
mod gui_insights;
mod gui_practice;
mod gui_sandbox;
pub(crate) mod hostile;
pub(crate) mod http;
mod http_cache;
mod http_limits;
mod identity;
mod insights;
mod insights_rules;
mod interval;
mod layout;
mod ledger_days;
mod library;
mod live;
mod news;
mod news_disk;
mod peers;
mod preview;
mod relay;
mod repair;
mod reply;
mod roll;
mod search;
mod seeds;
mod site;
mod spreadsheet;
mod storage;
mod suggest;
mod sync;
mod team;
mod training;
mod window;

/// The `lore` binary under test.
pub const LORE: &str = env!("CARGO_BIN_EXE_lore");

/// A fresh data directory driven through the real binary.
pub fn lore() -> lore_tests::Lore {
    lore_tests::Lore::new(LORE)
}
