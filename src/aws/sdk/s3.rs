//! S3 through the SDK: listing a prefix and reading objects (event logs, logs), by range. Every
//! call retries through `retry::Reads` (with the context's policy; none unless `with_reads`).

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::classify;
use super::retry::{Reads, RetryPolicy};
use super::throttle::CountThrottles;
use crate::aws::error::ErrorContext;
use crate::aws::{ApiStats, AwsError, AwsResult, BoxFut, ErrorKind, ObjectRead};

pub struct SdkS3 {
    client: aws_sdk_s3::Client,
    ctx: ErrorContext,
    reads: Arc<Reads>,
}

impl SdkS3 {
    pub fn new(client: aws_sdk_s3::Client, ctx: ErrorContext, stats: Arc<ApiStats>) -> Self {
        let reads = Arc::new(Reads::new(RetryPolicy::none(), stats.clone()));
        Self { client: client.counting_throttles(&stats), ctx, reads }
    }

    /// Ranged reads retry as `reads` says (give the client no SDK retries of its own then).
    pub fn with_reads(mut self, reads: Arc<Reads>) -> Self {
        self.reads = reads;
        self
    }

    /// One attempt at bytes `range` of `key`, counting arrivals in `arrived` and in `counted`.
    async fn range_once(
        &self,
        (bucket, key): (&str, &str),
        range: Range<u64>,
        arrived: &AtomicU64,
        counted: &mut u64,
    ) -> AwsResult<Vec<u8>> {
        let want = range.end - range.start;
        let out = self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .range(format!("bytes={}-{}", range.start, range.end - 1))
            .send()
            .await
            .map_err(|e| self.fail("s3:GetObject", &e))?;
        let short = |got: u64| {
            let detail = format!(
                "asked for bytes {}-{}, got {got}: the object changed while it was read; read it again",
                range.start,
                range.end - 1
            );
            self.ctx.explain(ErrorKind::Other, "s3:GetObject", &detail)
        };
        if let Some(len) = out.content_length().and_then(|l| u64::try_from(l).ok()).filter(|l| *l != want) {
            return Err(short(len));
        }
        let mut body = out.body;
        let mut bytes = Vec::with_capacity(usize::try_from(want).unwrap_or(0));
        loop {
            match body.try_next().await {
                Ok(Some(chunk)) => {
                    bytes.extend_from_slice(&chunk);
                    arrived.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                    *counted += chunk.len() as u64;
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(self.ctx.explain(ErrorKind::Network, "s3:GetObject", &format!("body cut: {e}")));
                }
            }
        }
        if bytes.len() as u64 != want {
            return Err(short(bytes.len() as u64));
        }
        Ok(bytes)
    }

    /// Every page of ListObjectsV2 under `prefix` (grouped by `delimiter` when given), each
    /// call through the read policy.
    pub(super) async fn each_page(
        &self,
        bucket: &str,
        prefix: &str,
        delimiter: Option<&str>,
        mut each: impl FnMut(&aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output),
    ) -> AwsResult<()> {
        let mut token: Option<String> = None;
        loop {
            let page = self
                .reads
                .call("s3:ListObjectsV2", || {
                    let token = token.clone();
                    async move {
                        let req = self.client.list_objects_v2().bucket(bucket).prefix(prefix);
                        req.set_delimiter(delimiter.map(str::to_string))
                            .set_continuation_token(token)
                            .send()
                            .await
                            .map_err(|e| self.fail("s3:ListObjectsV2", &e))
                    }
                })
                .await?;
            each(&page);
            match page.next_continuation_token() {
                Some(t) if page.is_truncated().unwrap_or(false) => token = Some(t.to_string()),
                _ => return Ok(()),
            }
        }
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
            self.each_page(bucket, prefix, None, |page| {
                out.extend(page.contents().iter().filter_map(|o| Some((o.key()?.to_string(), o.size().unwrap_or(0)))));
            })
            .await?;
            Ok(out)
        })
    }

    fn get<'a>(&'a self, bucket: &'a str, key: &'a str, offset: u64) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        Box::pin(self.reads.call("s3:GetObject", move || async move {
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
        }))
    }

    fn get_range<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
        range: Range<u64>,
        arrived: &'a AtomicU64,
    ) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        Box::pin(async move {
            if range.is_empty() {
                return Ok(Vec::new());
            }
            let at = range.start;
            // Retries end at a deadline that leaves a part at least 1 MiB/s.
            let until = tokio::time::Instant::now()
                + crate::aws::deadline::DEFAULT
                + std::time::Duration::from_secs((range.end - range.start) >> 20);
            let reads = self.reads.call("s3:GetObject", || {
                let range = range.clone();
                async move {
                    let mut counted = 0;
                    let r = self.range_once((bucket, key), range, arrived, &mut counted).await;
                    if r.is_err() {
                        arrived.fetch_sub(counted, Ordering::Relaxed);
                    }
                    r
                }
            });
            let r = crate::aws::deadline::within(until, reads).await;
            r.map_err(|mut e| {
                e.message = format!("reading s3://{bucket}/{key} at byte {at}: {}", e.message);
                e
            })
        })
    }
}
