//! The loop itself: select over input, messages, a one-second tick and the frame deadline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::sync::{Notify, mpsc};

use super::msg::{Effect, Msg, Source};
use super::update::update;
use crate::config::Settings;
use crate::poll::{self, GlueCadence, GlueCollector, StreamMapper};
use crate::session::Session;
use crate::state::AppState;
use crate::terminal::Tui;
use crate::ui;

/// Runs of a workflow read for its history view.
const WORKFLOW_RUNS: usize = 50;

/// At most ~60 frames a second.
const FRAME: Duration = Duration::from_millis(16);

/// Start the pollers for the session's account and run the TUI until the user quits.
pub async fn run(terminal: &mut Tui, session: Session, settings: Arc<Settings>) -> color_eyre::Result<()> {
    run_with(terminal, session, settings, None).await
}

/// As `run`; with `event_log`, open that log standalone: no pollers, `q` quits.
pub async fn run_with(
    terminal: &mut Tui,
    session: Session,
    settings: Arc<Settings>,
    event_log: Option<crate::state::eventlog::EventLogSource>,
) -> color_eyre::Result<()> {
    let Session { account, clock, context, executor } = session;
    let standalone = event_log.is_some();
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let wake = Arc::new(Notify::new());
    let poll_cfg = &settings.config.poll;
    let wake_wf = Arc::new(Notify::new());
    let wake_cr = Arc::new(Notify::new());
    let wake_emr = Arc::new(Notify::new());
    let wake_dq = Arc::new(Notify::new());
    let cost_cache = crate::cost::cache::CostCache::new(crate::cost::cache::default_dir(), settings.config.cost.ttl.0);
    let cost_cfg = settings.config.cost.clone();
    let live_tail = settings.config.logs.live_tail;
    let mut tails: std::collections::HashMap<u64, [tokio::task::JoinHandle<()>; 2]> = Default::default();
    // Standalone event log viewing polls nothing.
    let mut tasks: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    if !standalone {
        let collector = GlueCollector::new(
            account.glue.clone(),
            StreamMapper::new(settings.clone()),
            poll_cfg.max_concurrency,
            poll_cfg.glue_jobs.0,
        );
        tasks.push(tokio::spawn(poll::run_glue(
            collector,
            GlueCadence::from(poll_cfg),
            clock.clone(),
            tx.clone(),
            wake.clone(),
        )));
        let backoff = poll_cfg.max_backoff.0;
        let workflows = poll::Lister::Workflows(account.workflows.clone());
        let crawlers = poll::Lister::Crawlers(account.crawlers.clone());
        tasks.push(tokio::spawn(poll::run_catalog(
            workflows,
            poll_cfg.workflows.0,
            backoff,
            clock.clone(),
            tx.clone(),
            wake_wf.clone(),
        )));
        tasks.push(tokio::spawn(poll::run_catalog(
            crawlers,
            poll_cfg.crawlers.0,
            backoff,
            clock.clone(),
            tx.clone(),
            wake_cr.clone(),
        )));
        let emr_collector = poll::EmrCollector::new(account.emr.clone(), poll_cfg.max_concurrency, poll_cfg.emr.0 * 4);
        tasks.push(tokio::spawn(poll::run_emr(
            emr_collector,
            poll::EmrCadence::from(poll_cfg),
            clock.clone(),
            tx.clone(),
            wake_emr.clone(),
        )));
        let dq_cfg = &settings.config.data_quality;
        tasks.push(tokio::spawn(poll::run_catalog(
            poll::Lister::DataQuality(account.dq.clone(), dq_cfg.history.0),
            dq_cfg.poll.0,
            backoff,
            clock.clone(),
            tx.clone(),
            wake_dq.clone(),
        )));
        let identity = account.identity.clone();
        let id_tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            let r = identity.caller_identity().await;
            let _ = id_tx.send(Msg::Identity(r)).await;
        }));
    }

    let settings_ev = settings.config.eventlog.clone();
    let mut state = AppState::new(settings, context, clock());
    let size = terminal.size()?;
    update(&mut state, Msg::Resize { width: size.width, height: size.height });
    let mut pending_effects = Vec::new();
    if let Some(source) = event_log {
        state.context.standalone = true;
        pending_effects = super::eventlog::open(&mut state, source, None);
    }
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut term_signal = Signals::new();
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;

    let result = loop {
        let wait = last_draw.map(|t| FRAME.saturating_sub(t.elapsed())).unwrap_or_default();
        if dirty && wait.is_zero() {
            if let Err(e) = terminal.draw(|f| ui::render(f, &state)) {
                break Err(e.into());
            }
            dirty = false;
            last_draw = Some(Instant::now());
        }
        let first = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Some(Msg::Key(k)),
                Some(Ok(Event::Resize(width, height))) => Some(Msg::Resize { width, height }),
                Some(Ok(_)) => None,
                Some(Err(e)) => break Err(e.into()),
                None => break Ok(()),
            },
            m = rx.recv() => m,
            _ = tick.tick() => Some(Msg::Tick { now: clock(), stats: account.stats.snapshot() }),
            _ = tokio::time::sleep(wait), if dirty => None,
            _ = term_signal.recv() => break Ok(()),
        };
        // Fold everything already queued into this one frame.
        let mut batch: Vec<Msg> = first.into_iter().collect();
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        let mut effects = std::mem::take(&mut pending_effects);
        for m in batch {
            if let (Msg::Identity(Ok(id)), Some(ex)) = (&m, &executor) {
                ex.set_identity(id.arn.clone(), id.account.clone());
            }
            effects.extend(update(&mut state, m));
        }
        {
            for effect in effects {
                match effect {
                    Effect::Redraw => dirty = true,
                    Effect::Quit => {}
                    Effect::PollNow(Source::Glue) => wake.notify_one(),
                    Effect::PollNow(Source::Workflows) => wake_wf.notify_one(),
                    Effect::PollNow(Source::Crawlers) => wake_cr.notify_one(),
                    Effect::PollNow(Source::Emr) => wake_emr.notify_one(),
                    Effect::PollNow(Source::DataQuality) => wake_dq.notify_one(),
                    Effect::StartTail { id, plan, pattern } => {
                        let (ttx, mut trx) = mpsc::channel(64);
                        let opts = crate::poll::logs::TailOptions { live: live_tail, pattern, ..Default::default() };
                        let tail = tokio::spawn(crate::poll::logs::run_tail(
                            account.logs.clone(),
                            account.objects.clone(),
                            plan,
                            opts,
                            ttx,
                        ));
                        let tx = tx.clone();
                        let forward = tokio::spawn(async move {
                            while let Some(event) = trx.recv().await {
                                if tx.send(Msg::Tail { id, event }).await.is_err() {
                                    return;
                                }
                            }
                        });
                        if let Some(old) = tails.insert(id, [tail, forward]) {
                            old.iter().for_each(tokio::task::JoinHandle::abort);
                        }
                    }
                    Effect::StopTail(id) => {
                        if let Some(handles) = tails.remove(&id) {
                            handles.iter().for_each(tokio::task::JoinHandle::abort);
                        }
                    }
                    Effect::WriteFile { path, contents } => {
                        let tx = tx.clone();
                        tokio::spawn(async move {
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
                            let _ = tx.send(Msg::Written(result)).await;
                        });
                    }
                    Effect::LoadCost { force, account: key } => {
                        let reader = account.cost.clone();
                        let cache = cost_cache.clone();
                        let tx = tx.clone();
                        let now = clock();
                        let query = crate::cost::CostQuery::last_days(now.date_naive(), &cost_cfg);
                        tokio::spawn(async move {
                            let result = crate::cost::load(reader.as_ref(), &cache, &key, &query, now, force).await;
                            let _ = tx.send(Msg::CostLoaded { at: now, result: result.map(Box::new) }).await;
                        });
                    }
                    Effect::LoadEmrAttempts { app_id, run_id } => {
                        let reader = account.emr.clone();
                        let tx = tx.clone();
                        tokio::spawn(async move {
                            let result = reader.attempts(&app_id, &run_id).await;
                            let _ = tx.send(Msg::EmrAttemptsLoaded { app_id, run_id, result }).await;
                        });
                    }
                    Effect::LoadEventLog { source, after_ms, follow } => {
                        let objects = account.objects.clone();
                        let tx = tx.clone();
                        let ev = &settings_ev;
                        let opts = crate::eventlog::Options {
                            skew_floor_ms: ev.skew_floor.0.as_millis() as u64,
                            skew_ratio: ev.skew_ratio,
                            ..Default::default()
                        };
                        match follow {
                            // Read, then keep reading what a running application appends.
                            Some(id) => {
                                let (ftx, mut frx) = mpsc::channel(8);
                                let src = source.clone();
                                let task = tokio::spawn(super::fetch::follow(
                                    source,
                                    objects,
                                    opts,
                                    after_ms,
                                    ev.follow_every.0,
                                    ftx,
                                ));
                                let forward = tokio::spawn(async move {
                                    while let Some(r) = frx.recv().await {
                                        let msg = Msg::EventLogLoaded { source: src.clone(), result: r.map(Box::new) };
                                        if tx.send(msg).await.is_err() {
                                            return;
                                        }
                                    }
                                });
                                if let Some(old) = tails.insert(id, [task, forward]) {
                                    old.iter().for_each(tokio::task::JoinHandle::abort);
                                }
                            }
                            None => {
                                tokio::spawn(async move {
                                    let result =
                                        super::fetch::load(&source, objects, opts, after_ms).await.map(Box::new);
                                    let _ = tx.send(Msg::EventLogLoaded { source, result }).await;
                                });
                            }
                        }
                    }
                    Effect::Clipboard(text) => {
                        if let Err(e) = crate::terminal::copy_to_clipboard(&text) {
                            tracing::warn!(error = %e, "OSC 52 clipboard write failed");
                        }
                    }
                    Effect::LoadWorkflowRuns(workflow) => {
                        let reader = account.workflows.clone();
                        let tx = tx.clone();
                        tokio::spawn(async move {
                            let result = reader.workflow_runs(&workflow, WORKFLOW_RUNS).await;
                            let _ = tx.send(Msg::WorkflowRunsLoaded { workflow, result }).await;
                        });
                    }
                    Effect::Execute(confirmed) => {
                        let command = confirmed.command().clone();
                        let tx = tx.clone();
                        match executor.clone() {
                            Some(ex) => {
                                tokio::spawn(async move {
                                    let result = ex.run(confirmed).await;
                                    let _ = tx.send(Msg::ActionDone { command, result }).await;
                                });
                            }
                            None => {
                                let result = Err(crate::aws::AwsError {
                                    kind: crate::aws::ErrorKind::Other,
                                    operation: command.api_call().into(),
                                    message: "read-only: nothing was sent".into(),
                                });
                                let _ = tx.send(Msg::ActionDone { command, result }).await;
                            }
                        }
                    }
                    Effect::LoadBookmark(job) => {
                        let glue = account.glue.clone();
                        let tx = tx.clone();
                        tokio::spawn(async move {
                            let result = glue.job_bookmark(&job).await;
                            let _ = tx.send(Msg::BookmarkLoaded { job, result }).await;
                        });
                    }
                }
            }
        }
        if state.quit {
            break Ok(());
        }
    };
    for t in tasks {
        t.abort();
    }
    result
}

/// SIGTERM and SIGHUP (the SSH session went away) end the loop cleanly, so the terminal is restored.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self { term: signal(SignalKind::terminate()).ok(), hup: signal(SignalKind::hangup()).ok() }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let term = async {
                match &mut self.term {
                    Some(s) => s.recv().await,
                    None => std::future::pending().await,
                }
            };
            let hup = async {
                match &mut self.hup {
                    Some(s) => s.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! { _ = term => {}, _ = hup => {} }
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}
