//! batchtop: a terminal operations console for AWS batch data pipelines.

pub mod aws;
pub mod cli;
pub mod config;
pub mod duration;
pub mod keymap;
pub mod model;
pub mod paths;
pub mod app;
pub mod poll;
pub mod state;
pub mod ui;
pub mod logging;
pub mod session;
pub mod snapshot;
pub mod terminal;
