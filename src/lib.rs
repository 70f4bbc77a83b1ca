//! batchtop: a terminal operations console for AWS batch data pipelines.

pub mod aws;
pub mod model;
