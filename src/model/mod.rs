//! batchtop's own types. Nothing in here knows about the AWS SDK or the terminal.

pub mod glue;

pub use glue::{GlueData, Job, JobEntry, JobRun, RunState};
