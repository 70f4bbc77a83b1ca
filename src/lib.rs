//! batchtop: a terminal operations console for AWS batch data pipelines.

pub mod actions;
pub mod app;
pub mod aws;
pub mod check;
pub mod cli;
pub mod config;
pub mod cost;
pub mod duration;
pub mod eventlog;
pub mod keymap;
pub mod logging;
pub mod logs;
pub mod logs_cli;
pub mod model;
pub mod paths;
pub mod poll;
pub mod secrets;
pub mod session;
pub mod snapshot;
pub mod state;
pub mod store;
pub mod streams;
pub mod terminal;
pub mod triage;
pub mod ui;
