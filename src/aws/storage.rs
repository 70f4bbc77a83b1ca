//! The read side of S3 and the Data Catalog: event log objects, landing zones, tables,
//! partitions and triggers (re-exported by `aws`).

use super::{AwsError, AwsResult, BoxFut, ErrorKind};
use crate::model::{CatalogPartition, CatalogTable, PartitionStats, Trigger};

/// Objects in S3 (event logs): list a prefix, read an object.
pub trait ObjectRead: Send + Sync {
    /// (key, size) of every object under `s3://bucket/prefix` (ListObjectsV2, paginated).
    fn list<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<(String, i64)>>>;
    /// The bytes of one object from `offset` on (GetObject with a Range when offset > 0).
    fn get<'a>(&'a self, bucket: &'a str, key: &'a str, offset: u64) -> BoxFut<'a, AwsResult<Vec<u8>>>;
    /// Bytes `range` of one object, exactly (GetObject with `Range: bytes=start-(end-1)`), each
    /// arrival added to `arrived` as it comes (taken back if the attempt fails). This default
    /// reads from `range.start` on and cuts.
    fn get_range<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
        range: std::ops::Range<u64>,
        arrived: &'a std::sync::atomic::AtomicU64,
    ) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        Box::pin(async move {
            let mut bytes = self.get(bucket, key, range.start).await?;
            bytes.truncate(usize::try_from(range.end - range.start).unwrap_or(usize::MAX));
            arrived.fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
            Ok(bytes)
        })
    }
}

/// No S3 at hand (accounts assembled without an S3 client, the offline event log viewer).
pub struct NoObjects;

impl ObjectRead for NoObjects {
    fn list<'a>(&'a self, bucket: &'a str, _prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<(String, i64)>>> {
        Box::pin(async move { Err(no_s3(bucket)) })
    }
    fn get<'a>(&'a self, bucket: &'a str, _key: &'a str, _offset: u64) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        Box::pin(async move { Err(no_s3(bucket)) })
    }
}

fn no_s3(bucket: &str) -> AwsError {
    AwsError {
        kind: ErrorKind::Other,
        operation: "s3:GetObject".into(),
        message: format!(
            "no S3 access in this session (bucket {bucket}); copy the log locally and open it with batchtop eventlog PATH"
        ),
    }
}

/// Landing zones in S3, read one partition prefix at a time (never a whole stream's prefix).
pub trait LandingRead: Send + Sync {
    /// Objects under `s3://bucket/prefix` (ListObjectsV2, every page of that prefix only):
    /// their number and bytes, the newest LastModified, whether a `_SUCCESS` object is there.
    fn partition<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<PartitionStats>>;
    /// The names one level below `s3://bucket/prefix` (ListObjectsV2 with Delimiter `/`:
    /// common prefixes only, nothing deeper is listed).
    fn children<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<String>>>;
}

/// The Glue Data Catalog and the triggers that schedule the pipelines.
pub trait CatalogRead: Send + Sync {
    /// Tables of `database` whose names match the regex `pattern` (GetTables with Expression).
    fn tables<'a>(&'a self, database: &'a str, pattern: &'a str) -> BoxFut<'a, AwsResult<Vec<CatalogTable>>>;
    /// Partitions of a table that match `expression` (GetPartitions with Expression, every page).
    fn partitions<'a>(
        &'a self,
        database: &'a str,
        table: &'a str,
        expression: &'a str,
    ) -> BoxFut<'a, AwsResult<Vec<CatalogPartition>>>;
    /// Every trigger (GetTriggers, every page).
    fn triggers(&self) -> BoxFut<'_, AwsResult<Vec<Trigger>>>;
}

fn unavailable(op: &str, what: &str) -> AwsError {
    AwsError { kind: ErrorKind::Other, operation: op.into(), message: format!("no {what} client in this session") }
}

/// No landing reads (accounts assembled without an S3 client).
pub struct NoLanding;

impl LandingRead for NoLanding {
    fn partition<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<PartitionStats>> {
        Box::pin(async { Err(unavailable("s3:ListObjectsV2", "S3")) })
    }
    fn children<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<String>>> {
        Box::pin(async { Err(unavailable("s3:ListObjectsV2", "S3")) })
    }
}

/// No catalog reads (the offline viewer).
pub struct NoCatalog;

impl CatalogRead for NoCatalog {
    fn tables<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<CatalogTable>>> {
        Box::pin(async { Err(unavailable("glue:GetTables", "Glue")) })
    }
    fn partitions<'a>(&'a self, _: &'a str, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<CatalogPartition>>> {
        Box::pin(async { Err(unavailable("glue:GetPartitions", "Glue")) })
    }
    fn triggers(&self) -> BoxFut<'_, AwsResult<Vec<Trigger>>> {
        Box::pin(async { Err(unavailable("glue:GetTriggers", "Glue")) })
    }
}
