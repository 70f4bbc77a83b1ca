//! Replaying events the way Spark's history server (`AppStatusListener`) does, so per-stage numbers
//! match its REST API: which stage attempts are live, which tasks are live (only those become task
//! records and add metrics), when a stage is skipped, how end reasons are counted.
//!
//! Memory: per stage attempt one record and its list of task durations; per running task one map
//! entry (removed when it ends). No task objects are kept.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

mod extras;
mod records;
mod summary;

use self::records::{ExecRec, JobRec, StageRec, StageStatus, TaskStats};
use super::events::{self, Event, StageInfo, StageKey, TaskEnd};
use super::failures::{self, Failures};
use super::model::{ExecutorSummary, JobSummary, SqlExecution, Summary};

/// A fast hasher for integer keys (ids come from the log; no hash flooding concern for a CLI).
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// The application state built from the events so far.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// Application fields only (id, name, times...).
    app: Summary,
    jobs: BTreeMap<i64, JobRec>,
    stages: IdMap<StageKey, StageRec>,
    /// Live stages still PENDING, for the job-end sweep.
    pending_stages: HashSet<StageKey, BuildHasherDefault<IdHasher>>,
    tasks: IdMap<StageKey, TaskStats>,
    live_tasks: IdMap<i64, StageKey>,
    executors: HashMap<String, ExecRec>,
    sql: BTreeMap<i64, SqlExecution>,
    failed: Failures,
    killed: Failures,
    extras: extras::Extras,
}

impl Replay {
    pub(crate) fn apply(&mut self, event: Event<'_>) {
        match event {
            Event::TaskStart { stage, task_id } => self.task_start(stage, task_id),
            Event::TaskEnd(t) => self.task_end(t),
            Event::StageSubmitted(info) => self.stage_submitted(&info),
            Event::StageCompleted(info) => self.stage_completed(&info),
            Event::JobStart(j) => self.job_start(j),
            Event::JobEnd(j) => self.job_end(j),
            Event::AppStart(a) => self.app_start(a),
            Event::AppEnd(e) => self.app.end_ms = e.time_ms,
            Event::LogStart(l) => self.app.spark_version = l.version.map(|s| s.into_owned()),
            Event::EnvironmentUpdate(e) => self.environment_update(e),
            Event::ExecutorAdded(e) => self.executor_added(e),
            Event::BlockManagerAdded(b) => self.block_manager_added(b),
            Event::ExecutorRemoved(e) => self.executor_removed(e),
            Event::SqlStart(q) => self.sql_start(q),
            Event::SqlEnd(q) => self.sql_end(q),
            Event::SqlPlan { id, broadcast_accums } => self.extras.plan(id, broadcast_accums),
            Event::DriverAccums(updates) => self.extras.driver(updates),
            Event::Other => {}
        }
    }

    fn task_start(&mut self, stage: StageKey, task_id: i64) {
        self.live_tasks.insert(task_id, stage);
        if let Some(rec) = self.stages.get_mut(&stage).filter(|r| r.live) {
            rec.active += 1;
        }
    }

    /// The stage becomes ACTIVE, in the live jobs that list it.
    fn stage_submitted(&mut self, info: &StageInfo<'_>) {
        let job_ids: Vec<i64> = self
            .jobs
            .values()
            .filter(|j| j.live && j.summary.stage_ids.contains(&info.id))
            .map(|j| j.summary.job_id)
            .collect();
        let key = (info.id, info.attempt);
        let rec = self.stage(info);
        rec.status = StageStatus::Active;
        rec.job_ids = job_ids;
        self.pending_stages.remove(&key);
    }

    /// A live stage ends FAILED, COMPLETE or (never submitted) SKIPPED; it stays live while tasks run.
    fn stage_completed(&mut self, info: &StageInfo<'_>) {
        let key = (info.id, info.attempt);
        if let Some(rec) = self.stages.get_mut(&key).filter(|r| r.live) {
            rec.set_info(info);
            rec.status = match (&info.failure_reason, info.submission_ms) {
                (Some(_), _) => StageStatus::Failed,
                (None, Some(_)) => StageStatus::Complete,
                (None, None) => StageStatus::Skipped,
            };
            rec.live = rec.active != 0;
            self.pending_stages.remove(&key);
        }
    }

    fn app_start(&mut self, a: events::AppStart<'_>) {
        self.app.app_id = a.id.map(|s| s.into_owned()).or(self.app.app_id.take());
        self.app.app_name = a.name.map(|s| s.into_owned());
        self.app.attempt_id = a.attempt_id.map(|s| s.into_owned());
        self.app.user = a.user.map(|s| s.into_owned());
        self.app.start_ms = a.time_ms;
    }

    /// Spark properties as `{key: value}`; a later update adds to and overrides an earlier one.
    /// A value that is not a string is kept as its JSON text.
    fn environment_update(&mut self, e: events::EnvironmentUpdate) {
        let Some(serde_json::Value::Object(props)) = e.spark_properties else { return };
        for (key, value) in props {
            let value = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            self.app.spark_properties.insert(key, value);
        }
    }

    fn executor_added(&mut self, e: events::ExecutorAdded<'_>) {
        let rec = self.executor(&e.id, e.time_ms);
        if let Some(info) = e.info {
            rec.summary.host = info.host.map(|h| h.into_owned()).or(rec.summary.host.take());
            rec.summary.cores = info.cores;
        }
    }

    fn block_manager_added(&mut self, b: events::BlockManagerAdded<'_>) {
        let rec = self.executor(&b.id.executor_id, b.time_ms);
        if rec.summary.host.is_none() {
            rec.summary.host = b.id.host.map(|h| h.into_owned());
        }
    }

    fn executor_removed(&mut self, e: events::ExecutorRemoved<'_>) {
        if let Some(rec) = self.executors.get_mut(&*e.id).filter(|r| r.active) {
            rec.active = false;
            rec.summary.removed_ms = e.time_ms;
            rec.summary.removed_reason = e.reason.map(|r| r.into_owned());
        }
    }

    fn sql_start(&mut self, q: events::SqlStart<'_>) {
        self.extras.plan(q.id, q.broadcast_accums);
        let description = q.description.map(|d| d.into_owned()).filter(|d| !d.is_empty());
        self.sql.insert(q.id, SqlExecution { id: q.id, description, start_ms: q.time_ms, end_ms: None, error: None });
    }

    fn sql_end(&mut self, q: events::SqlEnd<'_>) {
        let rec = self.sql.entry(q.id).or_insert_with(|| SqlExecution {
            id: q.id,
            description: None,
            start_ms: None,
            end_ms: None,
            error: None,
        });
        rec.end_ms = q.time_ms;
        rec.error = q.error.map(|e| e.into_owned()).filter(|e| !e.trim().is_empty());
    }

    /// `getOrCreateStage`: a stage no longer live is replaced by a fresh record.
    fn stage(&mut self, info: &StageInfo<'_>) -> &mut StageRec {
        let key = (info.id, info.attempt);
        match self.stages.entry(key) {
            Entry::Occupied(mut e) => {
                if e.get().live {
                    e.get_mut().set_info(info);
                } else {
                    e.insert(StageRec::new(info));
                    self.pending_stages.insert(key);
                }
                e.into_mut()
            }
            Entry::Vacant(e) => {
                self.pending_stages.insert(key);
                e.insert(StageRec::new(info))
            }
        }
    }

    fn executor(&mut self, id: &str, time_ms: Option<i64>) -> &mut ExecRec {
        let fresh = || ExecRec {
            summary: ExecutorSummary {
                id: id.to_string(),
                host: None,
                cores: None,
                added_ms: time_ms,
                removed_ms: None,
                removed_reason: None,
                lost_tasks: 0,
            },
            active: true,
        };
        let rec = self.executors.entry(id.to_string()).or_insert_with(fresh);
        if !rec.active {
            *rec = fresh();
        }
        rec
    }

    fn task_end(&mut self, t: TaskEnd<'_>) {
        self.extras.task_end(&t);
        // Only a task that is still live (started, not yet ended) becomes a task record and
        // contributes metrics; e.g. `Resubmitted` ends of finished tasks do not.
        let mut delta = None;
        if let Some(task_stage) = self.live_tasks.remove(&t.task_id) {
            let stats = self.tasks.entry(task_stage).or_default();
            if t.finish_ms != 0 {
                if let Ok(d) = u64::try_from(t.finish_ms - t.launch_ms) {
                    stats.durations.push(d);
                }
                if !t.failed && !t.killed {
                    stats.successes += 1;
                }
            }
            delta = t.metrics;
        }
        let kind = &*t.reason;
        let (completed, killed) = (kind == "Success", kind == "TaskKilled" || kind == "TaskCommitDenied");
        if let Some(rec) = self.stages.get_mut(&t.stage).filter(|r| r.live) {
            if let Some(m) = &delta {
                rec.metrics.add(m);
            }
            rec.active -= 1;
            match (completed, killed) {
                (true, _) => rec.completed += 1,
                (_, true) => rec.killed += 1,
                _ => rec.failed += 1,
            }
            if rec.active == 0 && matches!(rec.status, StageStatus::Complete | StageStatus::Failed) {
                rec.live = false;
            }
        }
        if !completed {
            let cause = failures::cause(kind, t.reason_raw);
            if let Some(exec) = cause.lost_executor.as_deref().and_then(|id| self.executors.get_mut(id)) {
                exec.summary.lost_tasks += 1;
            }
            let groups = if killed { &mut self.killed } else { &mut self.failed };
            groups.record(&cause, t.stage.0);
        }
    }

    fn job_start(&mut self, j: events::JobStart<'_>) {
        let props = j.properties.unwrap_or_default();
        let summary = JobSummary {
            job_id: j.id,
            status: "RUNNING".into(),
            stage_ids: j.stage_ids,
            submission_ms: j.submission_ms,
            completion_ms: None,
            sql_execution_id: props.sql_execution_id.and_then(|s| s.trim().parse().ok()),
            description: props.description.map(|d| d.into_owned()),
            failure: None,
        };
        self.jobs.insert(j.id, JobRec { summary, live: true });
        for info in &j.stage_infos {
            let rec = self.stage(info);
            if !rec.job_ids.contains(&j.id) {
                rec.job_ids.push(j.id);
            }
        }
    }

    fn job_end(&mut self, j: events::JobEnd<'_>) {
        let Some(job) = self.jobs.get_mut(&j.id).filter(|job| job.live) else { return };
        job.live = false;
        // Stages of this job still pending were skipped.
        let stage_ids = &job.summary.stage_ids;
        let skipped: Vec<StageKey> = self.pending_stages.iter().filter(|k| stage_ids.contains(&k.0)).copied().collect();
        for key in skipped {
            self.pending_stages.remove(&key);
            if let Some(rec) = self.stages.get_mut(&key) {
                rec.status = StageStatus::Skipped;
                rec.live = false;
            }
        }
        let failed = j.result.result != "JobSucceeded";
        job.summary.status = if failed { "FAILED" } else { "SUCCEEDED" }.into();
        job.summary.completion_ms = j.completion_ms.filter(|&t| t > 0);
        if failed {
            let message = j.result.exception.and_then(|e| e.message).map(|m| m.into_owned()).unwrap_or_default();
            job.summary.failure = Some(failures::one_line(&message)).filter(|m| !m.is_empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::eventlog::{Analyzer, Options};

    #[test]
    fn events_after_a_stage_is_done_follow_the_history_server() {
        let log = [
            r#"{"Event":"SparkListenerJobStart","Job ID":0,"Stage Infos":[{"Stage ID":0,"Number of Tasks":1}],"Stage IDs":[0]}"#,
            r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Number of Tasks":1,"Submission Time":5}}"#,
            r#"{"Event":"SparkListenerTaskStart","Stage ID":0,"Task Info":{"Task ID":1,"Launch Time":10}}"#,
            r#"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":1,"Launch Time":10,"Finish Time":20}}"#,
            r#"{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0,"Number of Tasks":1,"Submission Time":5,"Completion Time":30}}"#,
            // The stage has left the live set: a stray end is not counted in it.
            r#"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Task End Reason":{"Reason":"Resubmitted"},"Task Info":{"Task ID":1,"Launch Time":10,"Finish Time":20}}"#,
            r#"{"Event":"SparkListenerJobEnd","Job ID":0,"Job Result":{"Result":"JobSucceeded"}}"#,
        ];
        let mut a = Analyzer::new(Options::default());
        for line in log {
            a.feed_line(line.as_bytes());
        }
        let s = a.summary();
        assert_eq!((s.stages[0].completed_tasks, s.stages[0].failed_tasks), (1, 0));
        assert_eq!(s.stages[0].status, "COMPLETE");
        assert_eq!(s.failed_tasks[0].kind, "Resubmitted");
        // A later job that lists the finished stage again makes the history server start a new
        // record for it, which that job's end marks SKIPPED (the task summary stays).
        a.feed_line(br#"{"Event":"SparkListenerJobStart","Job ID":1,"Stage Infos":[{"Stage ID":0,"Number of Tasks":1}],"Stage IDs":[0]}"#);
        a.feed_line(br#"{"Event":"SparkListenerJobEnd","Job ID":1,"Job Result":{"Result":"JobSucceeded"}}"#);
        let s = a.finish();
        assert_eq!((s.stages[0].status.as_str(), s.stages[0].completed_tasks), ("SKIPPED", 0));
        assert_eq!(s.stages[0].task_duration_ms.map(|q| q.max), Some(10));
    }

    #[test]
    fn spark_properties_of_the_environment_update() {
        let mut a = Analyzer::new(Options::default());
        a.feed_line(br#"{"Event":"SparkListenerEnvironmentUpdate","JVM Information":{"Java Version":"17"},"Spark Properties":{"spark.sql.shuffle.partitions":"200","spark.app.id":"local-1","spark.odd":7},"System Properties":{"x":"y"},"Classpath Entries":{}}"#);
        // A later update adds and overrides; one without Spark properties (or with something
        // else there) changes nothing and is still a readable line.
        a.feed_line(
            br#"{"Event":"SparkListenerEnvironmentUpdate","Spark Properties":{"spark.sql.shuffle.partitions":"16"}}"#,
        );
        a.feed_line(br#"{"Event":"SparkListenerEnvironmentUpdate","Spark Properties":[["k","v"]]}"#);
        a.feed_line(br#"{"Event":"SparkListenerEnvironmentUpdate"}"#);
        let s = a.finish();
        assert_eq!(s.skipped_lines, 0);
        let props: Vec<(&str, &str)> = s.spark_properties.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(props, [("spark.app.id", "local-1"), ("spark.odd", "7"), ("spark.sql.shuffle.partitions", "16")]);
    }
}
