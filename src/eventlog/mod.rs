//! Spark event logs: reading (plain, zstd, rolling directories, in-progress files) and
//! analysis. No TUI types in here.
