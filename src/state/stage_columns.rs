//! The tables of the event log view: stages, jobs, executors, SQL executions.

use super::columns::{Column, Field, Text, Tone, Width};
use crate::eventlog::{ExecutorSummary, JobSummary, SqlExecution, StageSummary, Summary};
use crate::model::RunState;

type Col = Column<StageSummary, Summary>;
type JobCol = Column<JobSummary, Summary>;
type ExecCol = Column<ExecutorSummary, Summary>;
type SqlCol = Column<SqlExecution, Summary>;

/// Milliseconds as `850 ms` or a short duration.
pub fn ms(v: Option<i64>) -> String {
    match v {
        None => "-".into(),
        Some(ms) if ms < 1000 => format!("{ms} ms"),
        Some(ms) => crate::duration::short(ms / 1000),
    }
}

/// Bytes with a decimal unit.
pub fn bytes(b: i64) -> String {
    let b = b as f64;
    match b {
        _ if b >= 1e12 => format!("{:.1} TB", b / 1e12),
        _ if b >= 1e9 => format!("{:.1} GB", b / 1e9),
        _ if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        _ if b >= 1e3 => format!("{:.1} KB", b / 1e3),
        _ => format!("{b:.0} B"),
    }
}

/// The colour of a stage, job or application status, by meaning.
pub fn status_tone(s: &str) -> Tone {
    match s {
        "COMPLETE" | "SUCCEEDED" | "SUCCESS" => Tone::Run(RunState::Succeeded),
        "FAILED" => Tone::Run(RunState::Failed),
        "ACTIVE" | "RUNNING" => Tone::Run(RunState::Running),
        _ => Tone::Dim,
    }
}

fn task_quantiles(st: &StageSummary) -> Text<'_> {
    let q = st.task_duration_ms;
    Text::plain(
        q.map(|q| format!("{}/{}", ms(Some(q.p50 as i64)), ms(Some(q.max as i64)))).unwrap_or_else(|| "-".into()),
    )
}

/// Stage and attempt, status, tasks, failed tasks, duration, run time, task p50/max; 120+:
/// input, shuffle read and write, spill; the name.
pub const COLUMNS: &[Column<StageSummary, Summary>] = &[
    Col::new("STAGE", Width::Len(7), 0, Field::Skip, |st, _| Text::plain(format!("{}.{}", st.stage_id, st.attempt))),
    Col::new("STATUS", Width::Len(9), 0, Field::Skip, |st, _| Text::toned(st.status.as_str(), status_tone(&st.status))),
    Col::new("TASKS", Width::Len(11), 0, Field::Skip, |st, _| {
        Text::plain(format!("{}/{}", st.completed_tasks, st.num_tasks))
    }),
    Col::new("FAIL", Width::Len(4), 0, Field::Skip, |st, _| {
        Text::toned(st.failed_tasks.to_string(), if st.failed_tasks > 0 { Tone::Error } else { Tone::Plain })
    }),
    Col::new("DURATION", Width::Len(8), 0, Field::Skip, |st, _| Text::plain(ms(st.duration_ms()))),
    Col::new("RUN TIME", Width::Len(8), 0, Field::Skip, |st, _| Text::plain(ms(Some(st.executor_run_time_ms)))),
    Col::new("P50/MAX TASK", Width::Len(15), 0, Field::Skip, |st, _| task_quantiles(st)),
    Col::new("INPUT", Width::Len(8), 120, Field::Skip, |st, _| Text::plain(bytes(st.input_bytes))),
    Col::new("SHUF READ", Width::Len(9), 120, Field::Skip, |st, _| Text::plain(bytes(st.shuffle_read_bytes))),
    Col::new("SHUF WRITE", Width::Len(10), 120, Field::Skip, |st, _| Text::plain(bytes(st.shuffle_write_bytes))),
    Col::new("SPILL", Width::Len(8), 120, Field::Skip, |st, _| {
        Text::plain(bytes(st.memory_spilled_bytes + st.disk_spilled_bytes))
    }),
    Col::new("NAME", Width::Fill(1), 0, Field::Skip, |st, _| Text::plain(&st.name)),
];

/// Spark jobs: id, status, duration, stages, failure or description.
pub const JOB_COLUMNS: &[JobCol] = &[
    JobCol::new("JOB", Width::Len(6), 0, Field::Skip, |j, _| Text::plain(j.job_id.to_string())),
    JobCol::new("STATUS", Width::Len(10), 0, Field::Skip, |j, _| {
        Text::toned(j.status.as_str(), status_tone(&j.status))
    }),
    JobCol::new("DURATION", Width::Len(9), 0, Field::Skip, |j, _| Text::plain(ms(j.duration_ms()))),
    JobCol::new("STAGES", Width::Len(16), 0, Field::Skip, |j, _| {
        Text::plain(j.stage_ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(","))
    }),
    JobCol::new("FAILURE / DESCRIPTION", Width::Fill(1), 0, Field::Skip, |j, _| {
        Text::toned(j.failure.as_deref().or(j.description.as_deref()).unwrap_or(""), Tone::Warn)
    }),
];

/// Time after the application start, as `+1m2s`.
fn since_start(t: Option<i64>, s: &Summary) -> Text<'static> {
    let start = s.start_ms.unwrap_or(0);
    Text::plain(t.map(|t| format!("+{}", ms(Some(t - start)))).unwrap_or_else(|| "-".into()))
}

/// Executors: id, host, cores, added and removed (from the application start), reason.
pub const EXECUTOR_COLUMNS: &[ExecCol] = &[
    ExecCol::new("ID", Width::Len(8), 0, Field::Skip, |e, _| Text::plain(e.id.as_str())),
    ExecCol::new("HOST", Width::Len(24), 0, Field::Skip, |e, _| Text::plain(e.host.as_deref().unwrap_or("-"))),
    ExecCol::new("CORES", Width::Len(5), 0, Field::Skip, |e, _| {
        Text::plain(e.cores.map(|c| c.to_string()).unwrap_or_else(|| "-".into()))
    }),
    ExecCol::new("ADDED", Width::Len(9), 0, Field::Skip, |e, s| since_start(e.added_ms, s)),
    ExecCol::new("REMOVED", Width::Len(9), 0, Field::Skip, |e, s| since_start(e.removed_ms, s)),
    ExecCol::new("REASON", Width::Fill(1), 0, Field::Skip, |e, _| {
        Text::toned(e.removed_reason.as_deref().unwrap_or(""), Tone::Warn)
    }),
];

/// SQL executions: id, duration, FAILED, description.
pub const SQL_COLUMNS: &[SqlCol] = &[
    SqlCol::new("ID", Width::Len(6), 0, Field::Skip, |q, _| Text::plain(q.id.to_string())),
    SqlCol::new("DURATION", Width::Len(9), 0, Field::Skip, |q, _| Text::plain(ms(q.duration_ms()))),
    SqlCol::new("", Width::Len(6), 0, Field::Skip, |q, _| {
        Text::toned(if q.error.is_some() { "FAILED" } else { "" }, Tone::Error)
    }),
    SqlCol::new("DESCRIPTION", Width::Fill(1), 0, Field::Skip, |q, _| {
        Text::plain(q.description.as_deref().unwrap_or(""))
    }),
];
