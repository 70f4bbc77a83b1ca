//! The replay's state read out as a [`Summary`], numbered as the history server's REST API does.

use super::Replay;
use super::records::{StageRec, TaskStats};
use crate::eventlog::events::StageKey;
use crate::eventlog::model::{ExecutorSummary, Quantiles, StageSummary, Summary};

impl Replay {
    /// The state as a summary, without the reading counters and findings.
    pub(crate) fn summary(&mut self) -> Summary {
        let mut s = self.app.clone();
        s.jobs = self.jobs.values().map(|j| j.summary.clone()).collect();
        let mut keys: Vec<StageKey> = self.stages.keys().copied().collect();
        keys.sort_unstable();
        s.stages = keys
            .iter()
            .filter_map(|key| {
                let rec = self.stages.get(key)?;
                let quantiles = self.tasks.get_mut(key).and_then(quantiles);
                Some(stage_summary(*key, rec, quantiles))
            })
            .collect();
        let mut execs: Vec<ExecutorSummary> = self.executors.values().map(|e| e.summary.clone()).collect();
        execs.sort_by(|a, b| executor_order(&a.id).cmp(&executor_order(&b.id)));
        s.executors = execs;
        s.sql_executions = self.sql.values().cloned().collect();
        s.failed_tasks = self.failed.sorted();
        s.killed_tasks = self.killed.sorted();
        s.unfinished_tasks = self.live_tasks.len() as u64;
        self.extras.fill(&mut s);
        s
    }
}

/// `taskSummary` durations: sort every finished attempt, index by the count of successful ones.
fn quantiles(stats: &mut TaskStats) -> Option<Quantiles> {
    let n = usize::try_from(stats.successes).ok().filter(|&n| n > 0)?;
    stats.durations.sort_unstable();
    let last = stats.durations.len().checked_sub(1)?;
    let at = |num: usize, den: usize| stats.durations[(n * num / den).min(n - 1).min(last)];
    Some(Quantiles { min: at(0, 1), p50: at(1, 2), p75: at(3, 4), max: at(1, 1) })
}

fn stage_summary(key: StageKey, rec: &StageRec, task_duration_ms: Option<Quantiles>) -> StageSummary {
    let m = &rec.metrics;
    let mut job_ids = rec.job_ids.clone();
    job_ids.sort_unstable();
    StageSummary {
        stage_id: key.0,
        attempt: key.1,
        name: rec.name.clone(),
        status: rec.status.as_str().into(),
        num_tasks: rec.num_tasks,
        completed_tasks: rec.completed,
        failed_tasks: rec.failed,
        killed_tasks: rec.killed,
        active_tasks: rec.active,
        submission_ms: rec.submission_ms,
        completion_ms: rec.completion_ms,
        failure_reason: rec.failure_reason.clone(),
        executor_run_time_ms: m.run_ms,
        executor_cpu_time_ns: m.cpu_ns,
        jvm_gc_time_ms: m.gc_ms,
        input_bytes: m.input_bytes,
        output_bytes: m.output_bytes,
        shuffle_read_bytes: m.shuffle_read_bytes,
        shuffle_write_bytes: m.shuffle_write_bytes,
        shuffle_fetch_wait_ms: m.fetch_wait_ms,
        memory_spilled_bytes: m.memory_spill_bytes,
        disk_spilled_bytes: m.disk_spill_bytes,
        task_duration_ms,
        job_ids,
    }
}

/// The driver first, then executors by number, then anything else by name.
fn executor_order(id: &str) -> (u8, i64, &str) {
    match (id, id.parse::<i64>()) {
        ("driver", _) => (0, 0, id),
        (_, Ok(n)) => (1, n, id),
        _ => (2, 0, id),
    }
}
