//! S3 through the SDK: listing a prefix and reading objects (event logs), by range.

use std::sync::Arc;

use super::error::classify;
use super::throttle::CountThrottles;
use crate::aws::error::ErrorContext;
use crate::aws::{ApiStats, AwsError, AwsResult, BoxFut, ObjectRead};

pub struct SdkS3 {
    client: aws_sdk_s3::Client,
    ctx: ErrorContext,
    stats: Arc<ApiStats>,
}

impl SdkS3 {
    pub fn new(client: aws_sdk_s3::Client, ctx: ErrorContext, stats: Arc<ApiStats>) -> Self {
        Self { client: client.counting_throttles(&stats), ctx, stats }
    }

    pub(super) fn client(&self) -> &aws_sdk_s3::Client {
        &self.client
    }

    pub(super) fn stats(&self) -> &ApiStats {
        &self.stats
    }

    pub(super) fn fail<E>(
        &self,
        op: &str,
        e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    ) -> AwsError
    where
        E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        classify(&self.ctx, op, e)
    }
}

/// A client for `sdk`: path-style addressing when an endpoint is given (emulators, VPC endpoints).
pub fn client(sdk: &aws_config::SdkConfig, path_style: bool) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(sdk).force_path_style(path_style).build();
    aws_sdk_s3::Client::from_conf(conf)
}

impl ObjectRead for SdkS3 {
    fn list<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<(String, i64)>>> {
        Box::pin(async move {
            let mut out = Vec::new();
            let mut token: Option<String> = None;
            loop {
                self.stats.record_call();
                let page = self
                    .client
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(prefix)
                    .set_continuation_token(token.take())
                    .send()
                    .await
                    .map_err(|e| self.fail("s3:ListObjectsV2", &e))?;
                out.extend(page.contents().iter().filter_map(|o| Some((o.key()?.to_string(), o.size().unwrap_or(0)))));
                match page.next_continuation_token() {
                    Some(t) if page.is_truncated().unwrap_or(false) => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Ok(out)
        })
    }

    fn get<'a>(&'a self, bucket: &'a str, key: &'a str, offset: u64) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        Box::pin(async move {
            self.stats.record_call();
            let out = self
                .client
                .get_object()
                .bucket(bucket)
                .key(key)
                .set_range((offset > 0).then(|| format!("bytes={offset}-")))
                .send()
                .await
                .map_err(|e| self.fail("s3:GetObject", &e))?;
            let bytes = out.body.collect().await.map_err(|e| {
                self.ctx.explain(
                    crate::aws::ErrorKind::Network,
                    "s3:GetObject",
                    &format!("reading s3://{bucket}/{key}: {e}"),
                )
            })?;
            Ok(bytes.into_bytes().to_vec())
        })
    }
}
