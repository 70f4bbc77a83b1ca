use std::collections::BTreeSet;

use chrono::Utc;

use super::{Reads, read};
use crate::aws::{AwsError, AwsResult, BoxFut, ErrorKind, LandingRead, NoCatalog};
use crate::model::PartitionStats;
use crate::streams::StreamsSection;

/// Every listing is denied.
struct Denied;

impl LandingRead for Denied {
    fn partition<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<PartitionStats>> {
        let e = AwsError {
            kind: ErrorKind::AccessDenied,
            operation: "s3:ListObjectsV2".into(),
            message: "access denied for s3:ListObjectsV2".into(),
        };
        Box::pin(async move { Err(e) })
    }
    fn children<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<String>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

#[tokio::test]
async fn a_denied_landing_listing_keeps_its_kind_and_the_landing_its_error() {
    let section = StreamsSection {
        landing: Some("s3://landing/{stream}/".into()),
        discover: false,
        timezone: Some("UTC".into()),
        ..Default::default()
    };
    let gate = crate::poll::Gate::default();
    let names = BTreeSet::from(["orders".to_string(), "payments".to_string()]);
    let batch = read(Reads { landing: &Denied, catalog: &NoCatalog, gate: &gate }, &section, names, Utc::now()).await;
    assert_eq!(batch.errors.len(), 2, "one per stream (its first listing): {:?}", batch.errors);
    let e = &batch.errors[0];
    assert_eq!((e.kind, e.operation.as_str()), (ErrorKind::AccessDenied, "s3:ListObjectsV2"));
    assert_eq!(e.optional_denial().map(|(p, _)| p), Some("s3:ListBucket"));
    let crate::poll::SourceData::Landing(reads) = batch.data else { panic!("landing data") };
    assert!(reads.landings.iter().all(|l| l.error.is_some()), "{:?}", reads.landings);
}
