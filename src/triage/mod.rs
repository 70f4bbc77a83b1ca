//! Triage: the root cause of a failed Glue or EMR Serverless run, from its state, its error
//! message and (when the message says nothing) its log lines.
//!
//! Pure: no I/O, no clock, no terminal types. The rules are a table (`rules.rs`), extended by
//! `[[triage.rules]]` in config.toml (`config.rs`), which are tried first.
//!
//! ```
//! use batchtop::triage::{classify, Category, LogExcerpt};
//!
//! let logs = [LogExcerpt::new("jr_0123-driver", ["java.lang.OutOfMemoryError: Java heap space"])];
//! let c = classify("FAILED", Some("Command failed with exit code 1"), &logs);
//! assert_eq!(c.category, Category::OutOfMemory);
//! assert_eq!(c.evidence.map(|e| e.source).as_deref(), Some("jr_0123-driver"));
//! ```

mod blast;
mod category;
mod classify;
mod config;
mod engine;
mod generic;
pub mod inbox;
mod rules;
mod sources;

pub use category::Category;
pub use classify::{Classification, EVIDENCE_CHARS, Evidence, LogExcerpt, MESSAGE_SOURCE, classify};
pub use config::{RuleConfig, TriageSection};
pub use engine::{RuleError, Rules};
pub use generic::is_generic;
pub use rules::retry_helps;
pub use sources::first_line;
