//! Carrying out what `update` asked for: wake a poller, start or stop a tail, read
//! something once, run a confirmed command, write a file. Every effect that talks to AWS
//! runs as a task and answers with a `Msg`; nothing here blocks the loop.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::msg::{Effect, Msg};
use crate::actions::{Confirmed, Executor};
use crate::aws::Account;
use crate::config::Settings;
use crate::poll::{Clock, Pollers};
use crate::state::eventlog::LogRef;

/// Runs of a workflow read for its history view.
const WORKFLOW_RUNS: usize = 50;

/// One context at run time: its read clients, its write side (None when read-only), its
/// pollers.
pub struct Runtime {
    pub account: Account,
    pub executor: Option<Arc<Executor>>,
    pub pollers: Pollers,
}

/// What effects need: each context's clients and pollers, the running tails.
pub struct Effects {
    /// By context index (at least one).
    pub contexts: Vec<Runtime>,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub tx: mpsc::Sender<Msg>,
    cost_cache: crate::cost::cache::CostCache,
    /// Log tails and followed event logs by view id: the task and its forwarder.
    tails: HashMap<u64, [JoinHandle<()>; 2]>,
}

impl Effects {
    pub fn new(
        contexts: Vec<(Account, Option<Arc<Executor>>)>,
        clock: Clock,
        settings: Arc<Settings>,
        tx: mpsc::Sender<Msg>,
    ) -> Self {
        let cost_cache =
            crate::cost::cache::CostCache::new(crate::cost::cache::default_dir(), settings.config.cost.ttl.0);
        let contexts = contexts
            .into_iter()
            .map(|(account, executor)| Runtime { account, executor, pollers: Pollers::default() })
            .collect();
        Self { contexts, clock, settings, tx, cost_cache, tails: HashMap::new() }
    }

    /// The read clients of context `ctx` (the first one for an unknown index).
    fn account(&self, ctx: usize) -> &Account {
        &self.contexts.get(ctx).or(self.contexts.first()).expect("a session has at least one context").account
    }

    /// Carry out one effect; `true` when the screen needs drawing.
    pub fn apply(&mut self, effect: Effect) -> bool {
        match effect {
            Effect::Redraw => return true,
            Effect::Quit => {}
            Effect::PollNow(source) => self.contexts.iter().for_each(|c| c.pollers.wake(source)),
            Effect::StartTail { ctx, id, plan, pattern } => self.start_tail(ctx, id, plan, pattern),
            Effect::StopTail(id) => self.stop_tail(id),
            Effect::WriteFile { path, contents } => self.write_file(path, contents),
            Effect::SaveMarks { path, contents } => self.save_marks(path, contents),
            Effect::LoadErrorLog { ctx, run } => self.load_error_log(ctx, *run),
            Effect::LoadChangesLogs { ctx, failed_id, failed, good } => {
                self.load_changes_logs(ctx, failed_id, failed, good)
            }
            Effect::LoadCost { ctx, force, account } => self.load_cost(ctx, force, account),
            Effect::PeekCost { account } => self.peek_cost(account),
            Effect::LoadEmrAttempts { ctx, app_id, run_id } => self.load_emr_attempts(ctx, app_id, run_id),
            Effect::LoadEventLog { ctx, log, follow } => self.load_event_log(ctx, log, follow),
            Effect::WriteReport { report, audit, path } => self.write_report(*report, audit, path),
            Effect::RunPlugin(run) if run.background => self.answer(super::spawn::background(run)),
            // A foreground plugin needs the terminal: the loop runs it (run.rs).
            Effect::RunPlugin(_) => {}
            Effect::Clipboard(text) => {
                if let Err(e) = crate::terminal::copy_to_clipboard(&text) {
                    tracing::warn!(error = %e, "OSC 52 clipboard write failed");
                }
            }
            Effect::LoadWorkflowRuns { ctx, workflow } => self.load_workflow_runs(ctx, workflow),
            Effect::Execute { ctx, confirmed } => self.execute(ctx, confirmed),
            Effect::LoadBookmark { ctx, job } => self.load_bookmark(ctx, job),
            Effect::FetchRun { ctx, job, run_id, then } => self.fetch_run(ctx, job, run_id, then),
            Effect::LookupIdentity { ctx } => {
                let identity = self.account(ctx).identity.clone();
                self.answer(async move { Msg::Identity { ctx, result: identity.caller_identity().await } });
            }
        }
        false
    }

    /// Run `fut` as a task and send its message.
    fn answer(&self, fut: impl Future<Output = Msg> + Send + 'static) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(fut.await).await;
        });
    }

    /// Keep a task and its forwarder under `id`, stopping what ran there before.
    fn keep(&mut self, id: u64, handles: [JoinHandle<()>; 2]) {
        if let Some(old) = self.tails.insert(id, handles) {
            old.iter().for_each(JoinHandle::abort);
        }
    }

    fn stop_tail(&mut self, id: u64) {
        if let Some(handles) = self.tails.remove(&id) {
            handles.iter().for_each(JoinHandle::abort);
        }
    }

    fn start_tail(&mut self, ctx: usize, id: u64, plan: crate::logs::locate::Plan, pattern: Option<String>) {
        let (ttx, mut trx) = mpsc::channel(64);
        let live = self.settings.config.logs.live_tail;
        let opts = crate::poll::logs::TailOptions { live, pattern, ..Default::default() };
        let (logs, objects) = (self.account(ctx).logs.clone(), self.account(ctx).objects.clone());
        let tail = tokio::spawn(crate::poll::logs::run_tail(logs, objects, plan, opts, ttx));
        let tx = self.tx.clone();
        let forward = tokio::spawn(async move {
            while let Some(event) = trx.recv().await {
                if tx.send(Msg::Tail { id, event }).await.is_err() {
                    return;
                }
            }
        });
        self.keep(id, [tail, forward]);
    }

    fn write_file(&self, path: std::path::PathBuf, contents: String) {
        self.answer(async move {
            let p = path.clone();
            let result = tokio::task::spawn_blocking(move || {
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&p, contents)
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()))
            .map(|()| path);
            Msg::Written(result)
        });
    }

    fn load_changes_logs(&self, ctx: usize, failed_id: String, failed: LogRef, good: LogRef) {
        let objects = self.account(ctx).objects.clone();
        let opts = self.settings.config.eventlog.options();
        let reading = self.settings.config.eventlog.reading();
        self.answer(async move {
            let load = |log: LogRef, objects| {
                let opts = opts.clone();
                async move {
                    super::fetch::load_with(&log.source, objects, opts, log.after_ms, reading, Default::default()).await
                }
            };
            let a = load(failed, objects.clone()).await;
            let b = load(good, objects).await;
            let result = a.and_then(|a| b.map(|b| (Box::new(a), Box::new(b))));
            Msg::ChangesLogsLoaded { failed_id, result }
        });
    }

    /// The incident notes: this session's actions from the audit log, then markdown, 0600.
    fn write_report(&self, mut report: crate::report::Report, audit: std::path::PathBuf, path: std::path::PathBuf) {
        self.answer(async move {
            let result = tokio::task::spawn_blocking(move || {
                let since = chrono::DateTime::parse_from_rfc3339(&report.actions_since).map(|t| t.to_utc());
                // No audit log yet: nothing was run.
                let records = crate::actions::read_all(&audit).unwrap_or_default().into_iter().flatten();
                report.actions = crate::report::actions(records, since.unwrap_or_default());
                let text = crate::report::to_markdown(&report);
                crate::store::write_private(&path, &text).map(|()| (path, text)).map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
            Msg::ReportWritten(result)
        });
    }

    fn load_error_log(&self, ctx: usize, run: crate::model::JobRun) {
        let logs = self.account(ctx).logs.clone();
        self.answer(async move {
            let result = crate::poll::excerpt::driver_errors(logs.as_ref(), &run).await;
            Msg::ErrorLogLoaded { run_id: run.id, result }
        });
    }

    fn save_marks(&self, path: std::path::PathBuf, contents: String) {
        self.answer(async move {
            let p = path.clone();
            let result = tokio::task::spawn_blocking(move || crate::store::write_private(&p, &contents))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| e.to_string()));
            Msg::MarksSaved(result.map(|()| path))
        });
    }

    fn load_cost(&self, ctx: usize, force: bool, key: String) {
        let reader = self.account(ctx).cost.clone();
        let cache = self.cost_cache.clone();
        let now = (self.clock)();
        let query = crate::cost::CostQuery::last_days(now.date_naive(), &self.settings.config.cost);
        self.answer(async move {
            let result = crate::cost::load(reader.as_ref(), &cache, &key, &query, now, force).await;
            Msg::CostLoaded { account: key, at: now, result: result.map(Box::new) }
        });
    }

    fn peek_cost(&self, key: String) {
        let cache = self.cost_cache.clone();
        let query = crate::cost::CostQuery::last_days((self.clock)().date_naive(), &self.settings.config.cost);
        self.answer(async move { Msg::CostPeeked(cache.load_any(&key, &query).map(Box::new)) });
    }

    fn load_emr_attempts(&self, ctx: usize, app_id: String, run_id: String) {
        let reader = self.account(ctx).emr.clone();
        self.answer(async move {
            let result = reader.attempts(&app_id, &run_id).await;
            Msg::EmrAttemptsLoaded { app_id, run_id, result }
        });
    }

    /// Read `log`; its messages name it (source and start: a Glue job's runs share one prefix).
    fn load_event_log(&mut self, ctx: usize, log: LogRef, follow: Option<u64>) {
        let objects = self.account(ctx).objects.clone();
        let opts = self.settings.config.eventlog.options();
        let reading = self.settings.config.eventlog.reading();
        let Some(id) = follow else {
            self.answer(async move {
                let result =
                    super::fetch::load_with(&log.source, objects, opts, log.after_ms, reading, Default::default())
                        .await
                        .map(Box::new);
                Msg::EventLogLoaded { log, result }
            });
            return;
        };
        // Read, then keep reading what a running application appends; meanwhile, how far the
        // read is, four times a second.
        let (ftx, mut frx) = mpsc::channel(8);
        let progress = std::sync::Arc::new(super::fetch::Progress::default());
        let how = super::fetch::Following {
            reading,
            progress: progress.clone(),
            every: self.settings.config.eventlog.follow_every.0,
        };
        let task = tokio::spawn(super::fetch::follow(log.source.clone(), objects, opts, log.after_ms, how, ftx));
        let tx = self.tx.clone();
        let forward = tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(250));
            loop {
                let msg = tokio::select! {
                    r = frx.recv() => match r {
                        Some(r) => Msg::EventLogLoaded { log: log.clone(), result: r.map(Box::new) },
                        None => return,
                    },
                    _ = tick.tick() => match progress.seen() {
                        Some(seen) => Msg::EventLogProgress { log: log.clone(), seen },
                        None => continue,
                    },
                };
                if tx.send(msg).await.is_err() {
                    return;
                }
            }
        });
        self.keep(id, [task, forward]);
    }

    fn load_workflow_runs(&self, ctx: usize, workflow: String) {
        let reader = self.account(ctx).workflows.clone();
        self.answer(async move {
            let result = reader.workflow_runs(&workflow, WORKFLOW_RUNS).await;
            Msg::WorkflowRunsLoaded { ctx, workflow, result }
        });
    }

    /// Run `confirmed` with context `ctx`'s write side only: an unknown context or a
    /// read-only one sends nothing.
    fn execute(&self, ctx: usize, confirmed: Confirmed) {
        let command = confirmed.command().clone();
        let executor = self.contexts.get(ctx).and_then(|c| c.executor.clone());
        self.answer(async move {
            let result = match executor {
                Some(ex) => ex.run(confirmed).await,
                None => Err(crate::aws::AwsError {
                    kind: crate::aws::ErrorKind::Other,
                    operation: command.api_call().into(),
                    message: "read-only: nothing was sent".into(),
                }),
            };
            Msg::ActionDone { command, result }
        });
    }

    fn fetch_run(&self, ctx: usize, job: String, run_id: String, then: super::msg::AfterFetch) {
        let glue = self.account(ctx).glue.clone();
        self.answer(async move {
            let result = glue.job_run(&job, &run_id).await.map(Box::new);
            Msg::RunFetched { ctx, job, run_id, then, result }
        });
    }

    fn load_bookmark(&self, ctx: usize, job: String) {
        let glue = self.account(ctx).glue.clone();
        self.answer(async move {
            let result = glue.job_bookmark(&job).await;
            Msg::BookmarkLoaded { ctx, job, result }
        });
    }
}

impl Drop for Effects {
    fn drop(&mut self) {
        for handles in self.tails.values() {
            handles.iter().for_each(JoinHandle::abort);
        }
    }
}
