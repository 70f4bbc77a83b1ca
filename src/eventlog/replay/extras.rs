//! What the replay keeps beyond the history server's stage numbers, for findings: task
//! attempts per host, attempts lost to another attempt, broadcast sizes.

use std::collections::HashMap;

use crate::eventlog::events::TaskEnd;
use crate::eventlog::model::{Broadcast, HostTasks, Summary};

const ANOTHER_SUCCEEDED: &[u8] = b"another attempt succeeded";

#[derive(Debug, Default)]
pub(crate) struct Extras {
    /// Host -> (attempts, failures).
    hosts: HashMap<String, (u64, u64)>,
    /// Broadcast `data size` accumulator -> SQL execution.
    broadcasts: HashMap<i64, i64>,
    /// Driver-side metric values, the last one of each accumulator.
    driver_values: HashMap<i64, i64>,
    lost: (u64, i64),
    task_ms: i64,
}

impl Extras {
    pub(crate) fn task_end(&mut self, t: &TaskEnd<'_>) {
        let ms = if t.finish_ms != 0 { t.finish_ms.saturating_sub(t.launch_ms).max(0) } else { 0 };
        self.task_ms = self.task_ms.saturating_add(ms);
        let kind = &*t.reason;
        let lost = kind == "TaskCommitDenied"
            || (kind == "TaskKilled" && t.reason_raw.windows(ANOTHER_SUCCEEDED.len()).any(|w| w == ANOTHER_SUCCEEDED));
        if lost {
            self.lost = (self.lost.0 + 1, self.lost.1.saturating_add(ms));
        }
        let own_failure =
            !matches!(kind, "Success" | "TaskKilled" | "TaskCommitDenied" | "Resubmitted" | "FetchFailed");
        if let Some(host) = t.host.as_deref() {
            let entry = match self.hosts.get_mut(host) {
                Some(e) => e,
                None => self.hosts.entry(host.to_string()).or_default(),
            };
            entry.0 += 1;
            entry.1 += u64::from(own_failure);
        }
    }

    pub(crate) fn plan(&mut self, sql_id: i64, accums: Vec<i64>) {
        for a in accums {
            self.broadcasts.insert(a, sql_id);
        }
    }

    pub(crate) fn driver(&mut self, updates: Vec<(i64, i64)>) {
        self.driver_values.extend(updates);
    }

    pub(crate) fn fill(&self, s: &mut Summary) {
        let mut hosts: Vec<HostTasks> =
            self.hosts.iter().map(|(host, &(tasks, failed))| HostTasks { host: host.clone(), tasks, failed }).collect();
        hosts.sort_by(|a, b| b.failed.cmp(&a.failed).then(b.tasks.cmp(&a.tasks)).then(a.host.cmp(&b.host)));
        s.hosts = hosts;
        let mut broadcasts: Vec<Broadcast> = self
            .broadcasts
            .iter()
            .filter_map(|(accum, &sql_id)| Some(Broadcast { sql_id, bytes: *self.driver_values.get(accum)? }))
            .collect();
        broadcasts.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.sql_id.cmp(&b.sql_id)));
        s.broadcasts = broadcasts;
        (s.lost_attempts, s.lost_attempt_ms, s.task_time_ms) = (self.lost.0, self.lost.1, self.task_ms);
    }
}
