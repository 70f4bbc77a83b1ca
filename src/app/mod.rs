//! The event loop: input, messages and a frame tick; redraws only when state changed.

pub mod msg;
pub mod update;
pub mod run;
