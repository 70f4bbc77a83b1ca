//! One module per pane. A new pane goes here, plus its state in `state/` and its command in `app::update`.

pub mod cost;
pub mod crawlers;
pub mod detail;
pub mod emr;
pub mod eventlog;
pub mod graph;
pub mod jobs;
pub mod logs;
pub mod quality;
pub mod runs;
pub mod workflows;

pub use crate::state::columns::when;
