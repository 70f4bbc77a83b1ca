//! Streams: for every data stream, whether today's data landed, got catalogued and curated
//! on time, and where it is stuck. Pure: built from what the pollers loaded (jobs, workflows,
//! crawlers, Data Quality, EMR Serverless, the inbox, landing prefixes, catalog partitions,
//! triggers) and the cached cost report; no terminal, no SDK.

pub mod build;
pub mod config;
pub mod members;
pub mod sla;
pub mod spec;

pub use build::{Inputs, Stream, build};
pub use config::{StreamSettings, StreamsSection};
pub use members::{Members, Sources};
pub use sla::{Freshness, RULES, Status};
pub use spec::{Layout, Sla, Spec};
