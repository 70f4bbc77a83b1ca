//! Landing zones through the SDK: one partition prefix per listing (ListObjectsV2 with that
//! prefix, every page), and the names one level below a root (with Delimiter `/`); the pages
//! come from `SdkS3::each_page`, as every S3 listing does.

use chrono::DateTime;

use super::s3::SdkS3;
use crate::aws::{AwsResult, BoxFut, LandingRead};
use crate::model::PartitionStats;

impl LandingRead for SdkS3 {
    fn partition<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<PartitionStats>> {
        Box::pin(async move {
            let mut stats = PartitionStats { uri: format!("s3://{bucket}/{prefix}"), ..Default::default() };
            self.each_page(bucket, prefix, None, |page| {
                for o in page.contents() {
                    stats.objects += 1;
                    stats.bytes += u64::try_from(o.size().unwrap_or(0)).unwrap_or(0);
                    let modified = o.last_modified().and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()));
                    stats.newest = stats.newest.max(modified);
                    stats.success_marker |= o.key().is_some_and(|k| k.rsplit('/').next() == Some("_SUCCESS"));
                }
            })
            .await?;
            Ok(stats)
        })
    }

    fn children<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<String>>> {
        Box::pin(async move {
            let mut out = Vec::new();
            self.each_page(bucket, prefix, Some("/"), |page| {
                for p in page.common_prefixes() {
                    let name = p.prefix().unwrap_or_default().strip_prefix(prefix).unwrap_or_default();
                    let name = name.trim_end_matches('/');
                    if !name.is_empty() {
                        out.push(name.to_string());
                    }
                }
            })
            .await?;
            Ok(out)
        })
    }
}
