//! What the streams view reads beyond jobs and runs: landing partitions in S3, the Data
//! Catalog's tables and partitions, and Glue triggers.

use chrono::{DateTime, Utc};

/// One S3 partition prefix as ListObjectsV2 saw it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartitionStats {
    /// `s3://bucket/prefix/dt=2026-11-24/`.
    pub uri: String,
    pub objects: u64,
    pub bytes: u64,
    /// Newest LastModified of its objects.
    pub newest: Option<DateTime<Utc>>,
    /// An object named `_SUCCESS` is in it.
    pub success_marker: bool,
}

/// A stream's landing zone: today's and yesterday's partitions (in the stream's timezone).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Landing {
    /// The context it was read in.
    pub ctx: usize,
    pub stream: String,
    /// The stream's landing prefix (`s3://bucket/prefix/orders/`).
    pub uri: String,
    pub today: PartitionStats,
    pub yesterday: PartitionStats,
    /// Why it could not be read (the other streams' landings were).
    pub error: Option<String>,
}

impl Landing {
    /// The newest object of the two partitions.
    pub fn newest(&self) -> Option<DateTime<Utc>> {
        self.today.newest.max(self.yesterday.newest)
    }
}

/// A Data Catalog table (GetTables).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CatalogTable {
    pub database: String,
    pub name: String,
    pub partition_keys: Vec<String>,
    pub update_time: Option<DateTime<Utc>>,
}

/// A partition of a table (GetPartitions): its values in key order and when it was created.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CatalogPartition {
    pub values: Vec<String>,
    pub created: Option<DateTime<Utc>>,
}

/// A curated table of a stream, with its newest partition of today or yesterday.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableState {
    pub ctx: usize,
    pub stream: String,
    /// `database.table`.
    pub table: String,
    pub update_time: Option<DateTime<Utc>>,
    /// `dt=2026-11-24` (keys and values of the newest partition read), None when neither
    /// today's nor yesterday's exists.
    pub newest_partition: Option<String>,
    pub partition_created: Option<DateTime<Utc>>,
    /// Why it could not be read.
    pub error: Option<String>,
}

/// What a trigger starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TriggerAction {
    pub job: Option<String>,
    pub crawler: Option<String>,
}

/// A Glue trigger (GetTriggers).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trigger {
    pub ctx: usize,
    pub name: String,
    /// SCHEDULED, CONDITIONAL, ON_DEMAND or EVENT.
    pub kind: String,
    /// CREATED, ACTIVATED, DEACTIVATED ...
    pub state: String,
    /// `cron(0 2 * * ? *)` for a SCHEDULED trigger.
    pub schedule: Option<String>,
    pub workflow: Option<String>,
    pub actions: Vec<TriggerAction>,
}

/// What the landing and catalog sources bring in one cycle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StreamReads {
    pub landings: Vec<Landing>,
    pub tables: Vec<TableState>,
    /// Prefixes found under the landing root(s): stream names, even those nothing else knows.
    pub discovered: Vec<String>,
}
