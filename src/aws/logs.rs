//! The read side of CloudWatch Logs: streams, events, Live Tail (re-exported by `aws`).

use super::{AwsError, AwsResult, BoxFut, ErrorKind};

/// A CloudWatch Logs stream (DescribeLogStreams).
#[derive(Debug, Clone, PartialEq)]
pub struct LogStreamInfo {
    pub group: String,
    pub name: String,
    pub first_event_ms: Option<i64>,
    pub last_event_ms: Option<i64>,
}

/// One log event, from FilterLogEvents, GetLogEvents or Live Tail (which has no id).
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    pub id: Option<String>,
    pub ts_ms: i64,
    pub ingestion_ms: Option<i64>,
    pub group: String,
    pub stream: String,
    pub message: String,
}

/// What to read from one log group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogQuery {
    pub group: String,
    /// Exact stream names (at most 100), or else `stream_prefix`.
    pub streams: Vec<String>,
    pub stream_prefix: Option<String>,
    /// A CloudWatch filter pattern.
    pub pattern: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
}

/// One page of events and the token of the next.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventPage {
    pub events: Vec<LogEvent>,
    pub next: Option<String>,
}

/// A Live Tail update: the events of about one second, and whether the service sampled them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveUpdate {
    pub events: Vec<LogEvent>,
    pub sampled: bool,
}

/// An open Live Tail session. Dropping it ends the session.
pub trait LiveTail: Send {
    /// The next update; None when the session ended (timed out after 3 hours, or closed).
    fn next(&mut self) -> BoxFut<'_, AwsResult<Option<LiveUpdate>>>;
}

/// Read side of CloudWatch Logs. Every call goes through the account's API budget.
pub trait LogsRead: Send + Sync {
    /// The ARN of a log group (Live Tail wants ARNs), None when the group does not exist.
    fn group_arn<'a>(&'a self, group: &'a str) -> BoxFut<'a, AwsResult<Option<String>>>;
    /// Streams of `group` whose names start with `prefix` (DescribeLogStreams, paginated);
    /// an absent group has none.
    fn streams<'a>(&'a self, group: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<LogStreamInfo>>>;
    /// One page of FilterLogEvents (oldest first).
    fn filter<'a>(&'a self, query: &'a LogQuery, token: Option<String>) -> BoxFut<'a, AwsResult<EventPage>>;
    /// StartLiveTail on these groups (ARNs); stream name prefixes only with one group.
    fn live_tail<'a>(
        &'a self,
        group_arns: &'a [String],
        stream_prefixes: &'a [String],
        pattern: Option<&'a str>,
    ) -> BoxFut<'a, AwsResult<Box<dyn LiveTail>>>;
}

/// No CloudWatch Logs client (the standalone viewer, offline).
pub struct NoLogs;

fn no_logs(op: &str) -> AwsError {
    AwsError {
        kind: ErrorKind::Other,
        operation: op.into(),
        message: "no CloudWatch Logs access in this session".into(),
    }
}

impl LogsRead for NoLogs {
    fn group_arn<'a>(&'a self, _: &'a str) -> BoxFut<'a, AwsResult<Option<String>>> {
        Box::pin(async { Err(no_logs("logs:DescribeLogGroups")) })
    }
    fn streams<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<LogStreamInfo>>> {
        Box::pin(async { Err(no_logs("logs:DescribeLogStreams")) })
    }
    fn filter<'a>(&'a self, _: &'a LogQuery, _: Option<String>) -> BoxFut<'a, AwsResult<EventPage>> {
        Box::pin(async { Err(no_logs("logs:FilterLogEvents")) })
    }
    fn live_tail<'a>(
        &'a self,
        _: &'a [String],
        _: &'a [String],
        _: Option<&'a str>,
    ) -> BoxFut<'a, AwsResult<Box<dyn LiveTail>>> {
        Box::pin(async { Err(no_logs("logs:StartLiveTail")) })
    }
}
