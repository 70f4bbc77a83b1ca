//! CloudWatch Logs through the SDK: DescribeLogGroups (ARNs), DescribeLogStreams,
//! FilterLogEvents and StartLiveTail. Every call waits for the account's API budget first.

use std::sync::Arc;

use aws_sdk_cloudwatchlogs::config::interceptors::BeforeSerializationInterceptorContextMut;
use aws_sdk_cloudwatchlogs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudwatchlogs::error::{BoxError, ProvideErrorMetadata, SdkError};
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;

use super::error::classify;
use super::throttle::CountThrottles;
use crate::aws::budget::Budget;
use crate::aws::error::ErrorContext;
use crate::aws::{
    ApiStats, AwsError, AwsResult, BoxFut, ErrorKind, EventPage, LiveTail, LiveUpdate, LogEvent, LogQuery,
    LogStreamInfo, LogsRead,
};

/// Streams listed per group at most (newest activity is what a run view needs).
const MAX_STREAMS: usize = 2000;

pub struct SdkLogs {
    client: aws_sdk_cloudwatchlogs::Client,
    ctx: ErrorContext,
    stats: Arc<ApiStats>,
    budget: Arc<Budget>,
}

/// StartLiveTail is sent to `stream-<host>`; a custom endpoint (a VPC endpoint, a local
/// emulator) has no such host, so the prefix is dropped there.
#[derive(Debug)]
struct NoStreamPrefix;

impl Intercept for NoStreamPrefix {
    fn name(&self) -> &'static str {
        "NoStreamHostPrefix"
    }

    fn modify_before_serialization(
        &self,
        _ctx: &mut BeforeSerializationInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<aws_smithy_runtime_api::client::endpoint::EndpointPrefix>();
        Ok(())
    }
}

impl SdkLogs {
    pub fn new(
        client: aws_sdk_cloudwatchlogs::Client,
        ctx: ErrorContext,
        stats: Arc<ApiStats>,
        budget: Arc<Budget>,
    ) -> Self {
        Self { client: client.counting_throttles(&stats), ctx, stats, budget }
    }

    fn fail<E>(&self, op: &str, e: &SdkError<E, aws_sdk_cloudwatchlogs::config::http::HttpResponse>) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        classify(&self.ctx, op, e)
    }

    async fn arn(&self, group: &str) -> AwsResult<Option<String>> {
        let mut token: Option<String> = None;
        loop {
            self.budget.acquire("DescribeLogGroups").await;
            self.stats.record_call();
            let out = self
                .client
                .describe_log_groups()
                .log_group_name_prefix(group)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("logs:DescribeLogGroups", &e))?;
            for g in out.log_groups() {
                if g.log_group_name() == Some(group) {
                    let arn = g
                        .log_group_arn()
                        .map(str::to_string)
                        .or_else(|| g.arn().map(|a| a.strip_suffix(":*").unwrap_or(a).to_string()));
                    return Ok(arn);
                }
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(None),
            }
        }
    }

    async fn list_streams(&self, group: &str, prefix: &str) -> AwsResult<Vec<LogStreamInfo>> {
        let mut streams = Vec::new();
        let mut token: Option<String> = None;
        loop {
            self.budget.acquire("DescribeLogStreams").await;
            self.stats.record_call();
            let mut req = self.client.describe_log_streams().log_group_name(group).set_next_token(token.take());
            if !prefix.is_empty() {
                req = req.log_stream_name_prefix(prefix);
            }
            let out = match req.send().await {
                Ok(o) => o,
                Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => {
                    return Ok(Vec::new());
                }
                Err(e) => return Err(self.fail("logs:DescribeLogStreams", &e)),
            };
            streams.extend(out.log_streams().iter().map(|s| LogStreamInfo {
                group: group.to_string(),
                name: s.log_stream_name().unwrap_or_default().to_string(),
                first_event_ms: s.first_event_timestamp(),
                last_event_ms: s.last_event_timestamp(),
            }));
            match out.next_token() {
                Some(t) if !t.is_empty() && streams.len() < MAX_STREAMS => token = Some(t.to_string()),
                _ => return Ok(streams),
            }
        }
    }

    async fn filter_page(&self, q: &LogQuery, token: Option<String>) -> AwsResult<EventPage> {
        self.budget.acquire("FilterLogEvents").await;
        self.stats.record_call();
        let streams = (!q.streams.is_empty()).then(|| q.streams.iter().take(100).cloned().collect::<Vec<_>>());
        let prefix = if streams.is_none() { q.stream_prefix.clone() } else { None };
        let out = self
            .client
            .filter_log_events()
            .log_group_name(&q.group)
            .set_log_stream_names(streams)
            .set_log_stream_name_prefix(prefix)
            .set_filter_pattern(q.pattern.clone().filter(|p| !p.trim().is_empty()))
            .set_start_time(q.start_ms)
            .set_end_time(q.end_ms)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| self.fail("logs:FilterLogEvents", &e))?;
        let events = out
            .events()
            .iter()
            .map(|e| LogEvent {
                id: e.event_id().map(str::to_string),
                ts_ms: e.timestamp().unwrap_or_default(),
                ingestion_ms: e.ingestion_time(),
                group: q.group.clone(),
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                message: e.message().unwrap_or_default().to_string(),
            })
            .collect();
        Ok(EventPage { events, next: out.next_token().filter(|t| !t.is_empty()).map(str::to_string) })
    }

    async fn start(&self, arns: &[String], prefixes: &[String], pattern: Option<&str>) -> AwsResult<Box<dyn LiveTail>> {
        self.budget.acquire("StartLiveTail").await;
        self.stats.record_call();
        let mut req = self
            .client
            .start_live_tail()
            .set_log_group_identifiers(Some(arns.to_vec()))
            .set_log_stream_name_prefixes((!prefixes.is_empty()).then(|| prefixes.to_vec()))
            .set_log_event_filter_pattern(pattern.filter(|p| !p.trim().is_empty()).map(str::to_string))
            .customize();
        if self.ctx.endpoint.is_some() {
            req = req.interceptor(NoStreamPrefix);
        }
        let out = req.send().await.map_err(|e| self.fail("logs:StartLiveTail", &e))?;
        Ok(Box::new(SdkLiveTail { out, ctx: self.ctx.clone() }))
    }
}

struct SdkLiveTail {
    out: aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailOutput,
    ctx: ErrorContext,
}

impl SdkLiveTail {
    async fn recv(&mut self) -> AwsResult<Option<LiveUpdate>> {
        loop {
            match self.out.response_stream.recv().await {
                Ok(None) => return Ok(None),
                Ok(Some(StartLiveTailResponseStream::SessionStart(_))) => continue,
                Ok(Some(StartLiveTailResponseStream::SessionUpdate(u))) => {
                    let events = u
                        .session_results()
                        .iter()
                        .map(|e| LogEvent {
                            id: None,
                            ts_ms: e.timestamp().unwrap_or_default(),
                            ingestion_ms: e.ingestion_time(),
                            group: e.log_group_identifier().unwrap_or_default().to_string(),
                            stream: e.log_stream_name().unwrap_or_default().to_string(),
                            message: e.message().unwrap_or_default().to_string(),
                        })
                        .collect();
                    let sampled = u.session_metadata().is_some_and(|m| m.sampled());
                    return Ok(Some(LiveUpdate { events, sampled }));
                }
                Ok(Some(_)) => continue,
                Err(e) => {
                    if let Some(StartLiveTailResponseStreamError::SessionTimeoutException(_)) = e.as_service_error() {
                        return Ok(None);
                    }
                    let message = match e.as_service_error() {
                        Some(se) => se.message().unwrap_or("Live Tail stream error").to_string(),
                        None => e.to_string(),
                    };
                    return Err(AwsError {
                        kind: ErrorKind::Other,
                        operation: "logs:StartLiveTail".into(),
                        message: format!("Live Tail session ended ({}): {message}", self.ctx.region),
                    });
                }
            }
        }
    }
}

impl LiveTail for SdkLiveTail {
    fn next(&mut self) -> BoxFut<'_, AwsResult<Option<LiveUpdate>>> {
        Box::pin(self.recv())
    }
}

impl LogsRead for SdkLogs {
    fn group_arn<'a>(&'a self, group: &'a str) -> BoxFut<'a, AwsResult<Option<String>>> {
        Box::pin(self.arn(group))
    }

    fn streams<'a>(&'a self, group: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<LogStreamInfo>>> {
        Box::pin(self.list_streams(group, prefix))
    }

    fn filter<'a>(&'a self, query: &'a LogQuery, token: Option<String>) -> BoxFut<'a, AwsResult<EventPage>> {
        Box::pin(self.filter_page(query, token))
    }

    fn live_tail<'a>(
        &'a self,
        group_arns: &'a [String],
        stream_prefixes: &'a [String],
        pattern: Option<&'a str>,
    ) -> BoxFut<'a, AwsResult<Box<dyn LiveTail>>> {
        Box::pin(self.start(group_arns, stream_prefixes, pattern))
    }
}
