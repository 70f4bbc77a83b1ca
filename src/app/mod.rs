//! The event loop: input, messages and a frame tick; redraws only when state changed.

mod actions;
mod arguments;
mod changes;
mod contexts;
pub mod effects;
mod eventlog;
mod eventlog_runs;
pub mod fetch;
mod inbox;
pub mod logs;
pub mod msg;
mod nav;
mod overlay_keys;
mod plugins;
mod quality;
pub mod report;
pub mod run;
pub mod spawn;
pub mod streams;
pub mod update;
