//! The snapshot as JSON: every source's rows, the inbox, the streams, the cost and the errors,
//! with the keys the README documents.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::Snapshot;
use crate::cost::CostReport;
use crate::cost::estimate::{self, Prices};
use crate::model::{Crawler, DqResult, EmrData, EmrRun, JobRun, Utilization, WorkflowRun};

pub(super) fn ts(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))).unwrap_or(Value::Null)
}

fn run_json(r: &JobRun, prices: &Prices) -> Value {
    json!({
        "cost_estimate_usd": estimate::glue_run(r, prices),
        "id": r.id,
        "state": r.state.map(|s| s.as_str()),
        "attempt": r.attempt,
        "previous_run_id": r.previous_run_id,
        "trigger_name": r.trigger_name.as_deref(),
        "started_on": ts(r.started_on),
        "completed_on": ts(r.completed_on),
        "execution_time_s": r.execution_time_s,
        "dpu_seconds": r.dpu_seconds,
        "dpu_hours_estimate": r.dpu_hours(),
        "worker_type": r.worker_type.as_deref(),
        "number_of_workers": r.number_of_workers,
        "error_message": r.error_message.as_deref(),
    })
}

fn workflow_run_json(r: &WorkflowRun) -> Value {
    let s = r.statistics;
    json!({
        "id": r.id,
        "status": r.status.as_str(),
        "previous_run_id": r.previous_run_id,
        "started_on": ts(r.started_on),
        "completed_on": ts(r.completed_on),
        "statistics": {
            "total_actions": s.total, "succeeded_actions": s.succeeded, "failed_actions": s.failed,
            "running_actions": s.running, "stopped_actions": s.stopped, "timeout_actions": s.timeout,
            "errored_actions": s.errored, "waiting_actions": s.waiting,
        },
        "error_message": r.error_message,
        "failed_nodes": r.graph.as_ref().map(|g| g.nodes.iter().filter(|n| n.state.is_failure()).map(|n| n.name.clone()).collect::<Vec<_>>()),
    })
}

fn crawler_json(c: &Crawler) -> Value {
    let m = c.metrics.unwrap_or_default();
    json!({
        "name": c.name,
        "state": c.state,
        "schedule": c.schedule,
        "last_crawl": c.last_crawl.as_ref().map(|l| json!({
            "status": l.status,
            "started_on": ts(l.started_on),
            // LastCrawlInfo has no end time: start + GetCrawlerMetrics LastRuntimeSeconds.
            "completed_on": ts(c.last_crawl_end()),
            "error_message": l.error_message,
        })),
        "tables_created": c.metrics.map(|_| m.tables_created),
        "tables_updated": c.metrics.map(|_| m.tables_updated),
        "tables_deleted": c.metrics.map(|_| m.tables_deleted),
    })
}

fn utilization_json(u: Option<Utilization>) -> Value {
    u.map(|u| json!({"vcpu_hours": u.vcpu_hours, "memory_gb_hours": u.memory_gb_hours, "storage_gb_hours": u.storage_gb_hours}))
        .unwrap_or(Value::Null)
}

fn emr_run_json(r: &EmrRun, prices: &Prices) -> Value {
    json!({
        "cost_estimate_usd": estimate::emr_run(r, prices),
        "id": r.id,
        "name": r.name,
        "state": r.state.map(|s| s.as_str()),
        "state_details": r.state_details,
        "created_at": ts(r.created_at),
        "updated_at": ts(r.updated_at),
        "started_at": ts(r.started_at),
        "ended_at": ts(r.ended_at),
        "attempt": r.attempt,
        "total_execution_duration_s": r.total_execution_duration_s,
        "queued_duration_ms": r.queued_duration_ms,
        "total_resource_utilization": utilization_json(r.total),
        "billed_resource_utilization": utilization_json(r.billed),
    })
}

fn emr_json(d: &EmrData, prices: &Prices) -> Value {
    let apps: Vec<Value> = d
        .apps
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "name": a.name,
                "state": a.state,
                "type": a.app_type,
                "release_label": a.release_label,
                "max_capacity": a.max_capacity.as_ref().map(|c| json!({"cpu": c.cpu, "memory": c.memory, "disk": c.disk})),
                "auto_start": a.auto_start,
                "auto_stop": a.auto_stop.map(|(on, idle)| json!({"enabled": on, "idle_timeout_minutes": idle})),
                "job_runs": d.runs.iter().filter(|r| r.app_id == a.id).map(|r| emr_run_json(r, prices)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"applications": apps})
}

fn dq_json(r: &DqResult) -> Value {
    json!({
        "result_id": r.id,
        "data_source": r.data_source(),
        "database": r.database,
        "table": r.table,
        "ruleset": r.ruleset,
        "score": r.score,
        "verdict": r.verdict(),
        "job_name": r.job_name,
        "job_run_id": r.job_run_id,
        "evaluation_context": r.evaluation_context,
        "started_on": ts(r.started_on),
        "completed_on": ts(r.completed_on),
        "rules": r.rules.iter().map(|x| json!({
            "name": x.name,
            "result": x.outcome.as_str(),
            "message": x.message,
            "evaluated_metrics": x.metrics,
        })).collect::<Vec<_>>(),
    })
}

fn cost_json(c: &CostReport) -> Value {
    let (untagged, share) = c.untagged();
    json!({
        "currency": c.currency,
        "start": c.start.to_string(),
        "end": c.end.to_string(),
        "days": c.days.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "group_by": c.group_by,
        "groups": c.groups.iter().map(|g| json!({"keys": g.keys, "total": g.total, "daily": g.daily})).collect::<Vec<_>>(),
        "total": c.total(),
        "untagged": untagged,
        "untagged_share": share,
        "fetched_at": ts(Some(c.fetched_at)),
        "from_cache": c.from_cache,
        "requests": c.requests,
    })
}

pub fn to_json(s: &Snapshot) -> Value {
    let jobs: Vec<Value> = s
        .glue
        .jobs
        .iter()
        .map(|j| {
            json!({
                "name": j.job.name,
                "tags": j.job.tags,
                "stream": j.stream,
                "runs": j.runs.iter().map(|r| run_json(r, &s.prices)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let errors: Vec<Value> = s
        .errors
        .iter()
        .map(|(source, e)| json!({"source": source, "kind": e.kind.as_str(), "operation": e.operation, "message": e.message}))
        .collect();
    json!({
        "generated_at": ts(Some(s.generated_at)),
        "region": s.region,
        "account": s.account,
        "since_s": s.since.as_secs(),
        "glue": {
            "jobs": jobs,
            "workflows": s.workflows.iter().map(|(w, runs)| json!({
                "name": w.name,
                "runs": runs.iter().map(workflow_run_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "crawlers": s.crawlers.iter().map(crawler_json).collect::<Vec<_>>(),
            "data_quality": s.data_quality.iter().map(dq_json).collect::<Vec<_>>(),
        },
        "emr_serverless": emr_json(&s.emr, &s.prices),
        "cost": s.cost.as_ref().map(cost_json),
        "inbox": s.inbox.iter().map(super::inbox::item_json).collect::<Vec<_>>(),
        "streams": s.streams.iter().map(super::streams::stream_json).collect::<Vec<_>>(),
        "errors": errors,
    })
}
