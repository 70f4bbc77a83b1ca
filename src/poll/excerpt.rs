//! The driver error log of a failed Glue run, read for triage when its error message says
//! nothing ("Command failed with exit code 1"): bounded to the first 64 KiB or 2,000 lines of
//! the error stream, through the account's Logs budget.

use crate::aws::{AwsResult, LogQuery, LogsRead};
use crate::model::JobRun;
use crate::triage::LogExcerpt;

/// At most this many bytes of log text are read per run...
pub const MAX_BYTES: usize = 64 * 1024;
/// ... and at most this many lines.
pub const MAX_LINES: usize = 2_000;
/// Pages of FilterLogEvents at most (each costs one call of the budget).
const MAX_PAGES: usize = 5;

/// The error log group of a run: its own `LogGroupName` + `/error`, else Glue's default.
pub fn error_group(run: &JobRun) -> String {
    match &run.log_group_name {
        Some(g) if !g.is_empty() => format!("{}/error", g.trim_end_matches('/')),
        _ => "/aws-glue/jobs/error".into(),
    }
}

/// The driver's error stream lines of `run`, oldest first, within the bounds; `None` when the
/// stream holds nothing.
pub async fn driver_errors(logs: &dyn LogsRead, run: &JobRun) -> AwsResult<Option<LogExcerpt>> {
    let group = error_group(run);
    let query = LogQuery {
        group: group.clone(),
        streams: vec![run.id.clone(), format!("{}-driver", run.id)],
        start_ms: run.started_on.map(|t| t.timestamp_millis()),
        ..Default::default()
    };
    let (mut lines, mut bytes, mut stream) = (Vec::new(), 0usize, None);
    let mut token = None;
    for _ in 0..MAX_PAGES {
        let page = logs.filter(&query, token.take()).await?;
        for e in page.events {
            stream.get_or_insert_with(|| e.stream.clone());
            for line in e.message.lines() {
                if lines.len() >= MAX_LINES || bytes + line.len() > MAX_BYTES {
                    return Ok(Some(excerpt(stream, &group, lines)));
                }
                bytes += line.len() + 1;
                lines.push(line.to_string());
            }
        }
        match page.next {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok((!lines.is_empty()).then(|| excerpt(stream, &group, lines)))
}

fn excerpt(stream: Option<String>, group: &str, lines: Vec<String>) -> LogExcerpt {
    let name = stream.map(|s| format!("{group}/{s}")).unwrap_or_else(|| group.to_string());
    LogExcerpt::new(name, lines)
}
