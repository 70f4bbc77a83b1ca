//! The loop itself: select over input, messages, a one-second tick and the frame deadline.
//! What `update` asks for is carried out in `effects`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::sync::mpsc;

use super::effects::Effects;
use super::msg::{Effect, Msg};
use super::update::update;
use crate::config::Settings;
use crate::poll::Pollers;
use crate::session::Session;
use crate::state::AppState;
use crate::terminal::Tui;
use crate::ui;

/// At most ~60 frames a second.
const FRAME: Duration = Duration::from_millis(16);

/// Start the pollers for the session's account and run the TUI until the user quits.
pub async fn run(terminal: &mut Tui, session: Session, settings: Arc<Settings>) -> color_eyre::Result<()> {
    run_with(terminal, session, settings, None).await
}

/// Start every poller of every context, and ask each who the caller is. Each context's
/// pollers are its own tasks: one that stalls or fails holds up no other.
fn start_pollers(fx: &mut Effects) {
    let gate = crate::poll::Gate::new(fx.settings.config.poll.max_concurrency_total);
    for (ctx, rt) in fx.contexts.iter_mut().enumerate() {
        rt.pollers = Pollers::start_in((ctx, gate.clone()), &rt.account, &fx.settings, &fx.clock, &fx.tx);
        let identity = rt.account.identity.clone();
        let tx = fx.tx.clone();
        rt.pollers.adopt(tokio::spawn(async move {
            let result = identity.caller_identity().await;
            let _ = tx.send(Msg::Identity { ctx, result }).await;
        }));
    }
}

/// The first screen (`start_pane`, else the inbox until it turns out nothing is open) and
/// the acknowledgements and mutes saved before.
fn start_here(state: &mut AppState) {
    match state.settings.config.start_pane.as_deref().and_then(crate::state::Pane::by_name) {
        Some(p) => state.root = p,
        None => {
            state.root = crate::state::Pane::Inbox;
            state.start_auto = true;
        }
    }
    match crate::store::read_marks(&crate::store::marks_path(&state.context.state_dir)) {
        Ok(m) => state.inbox.marks = m,
        Err(e) => state.flash = Some(e),
    }
    if state.context.demo && state.inbox.marks == Default::default() {
        // The demo shows an acknowledged item too.
        let key = crate::triage::inbox::mark_key(&state.place_of(0), "glue_job:payments_enrich");
        let note = "timeout raised to 90 min, case 1234".to_string();
        state.inbox.marks.acks.insert(key, crate::triage::inbox::Ack { at: state.now, note });
    }
    state.rebuild();
}

/// The tick: the clock and the API counters (summed, and per context when there are several).
fn tick_msgs(fx: &Effects, clock: &crate::poll::Clock) -> Vec<Msg> {
    let per: Vec<crate::aws::StatsSnapshot> = fx.contexts.iter().map(|c| c.account.stats.snapshot()).collect();
    let stats = crate::aws::StatsSnapshot::sum(&per);
    let mut msgs = vec![Msg::Tick { now: clock(), stats }];
    if per.len() > 1 {
        msgs.push(Msg::ContextStats(per));
    }
    msgs
}

/// As `run`; with `event_log`, open that log standalone: no pollers, `q` quits.
pub async fn run_with(
    terminal: &mut Tui,
    session: Session,
    settings: Arc<Settings>,
    event_log: Option<crate::state::eventlog::EventLogSource>,
) -> color_eyre::Result<()> {
    let Session { contexts, clock, mut context } = session;
    context.colors = color_depth(&settings);
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let ctxs = contexts.iter().map(|c| c.ctx.clone()).collect();
    let mut fx = Effects::new(
        contexts.into_iter().map(|c| (c.account, c.executor)).collect(),
        clock.clone(),
        settings.clone(),
        tx,
    );
    let mut state = AppState::new(settings, context, clock());
    state.set_contexts(ctxs);
    let size = terminal.size()?;
    update(&mut state, Msg::Resize { width: size.width, height: size.height });
    let mut pending = Vec::new();
    match event_log {
        // Standalone event log viewing polls nothing.
        Some(source) => {
            state.context.standalone = true;
            pending = super::eventlog::open(&mut state, source, None);
        }
        None => {
            start_here(&mut state);
            start_pollers(&mut fx);
        }
    }
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut term_signal = Signals::new();
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    loop {
        let wait = last_draw.map(|t| FRAME.saturating_sub(t.elapsed())).unwrap_or_default();
        if dirty && wait.is_zero() {
            let t = Instant::now();
            terminal.draw(|f| ui::render(f, &state))?;
            slow("draw", t);
            dirty = false;
            last_draw = Some(Instant::now());
        }
        let mut batch: Vec<Msg> = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => input(ev, terminal, &mut dirty)?,
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            m = rx.recv() => m.into_iter().collect(),
            _ = tick.tick() => tick_msgs(&fx, &clock),
            _ = tokio::time::sleep(wait), if dirty => Vec::new(),
            stop = term_signal.recv() => match stop {
                Stop::Quit => return Ok(()),
                Stop::Suspend => suspended(terminal, &mut dirty)?,
            },
        };
        // Fold everything already queued into this one frame.
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        let mut effects: Vec<Effect> = std::mem::take(&mut pending);
        let t = Instant::now();
        for m in batch {
            if let Msg::Identity { ctx, result: Ok(id) } = &m
                && let Some(ex) = fx.contexts.get(*ctx).and_then(|c| c.executor.as_ref())
            {
                ex.set_identity(id.arn.clone(), id.account.clone());
            }
            effects.extend(update(&mut state, m));
        }
        slow("update", t);
        dirty |= carry_out(effects, &mut fx, (terminal, &mut events), &mut state, &mut pending).await;
        if state.quit {
            return Ok(());
        }
    }
}

/// Log a step of the loop that took long (`BATCHTOP_LOG=debug`).
fn slow(what: &str, since: Instant) {
    let took = since.elapsed();
    if took >= Duration::from_millis(20) {
        tracing::debug!(ms = took.as_millis() as u64, "{what}");
    }
}

/// The colours of this terminal: `[theme] colors`, unless NO_COLOR says none; `auto` asks
/// COLORTERM and TERM.
fn color_depth(settings: &Settings) -> crate::config::skins::ColorDepth {
    let var = |name: &str| std::env::var(name).ok();
    let (no_color, colorterm, term) = (var("NO_COLOR"), var("COLORTERM"), var("TERM"));
    crate::config::skins::ColorDepth::resolve(
        settings.config.theme.colors(),
        no_color.as_deref(),
        colorterm.as_deref(),
        term.as_deref(),
    )
}

/// Carry out `effects`; `true` when the screen needs drawing. A foreground plugin is run
/// here, with the terminal handed over; what `update` makes of its end waits in `pending`.
async fn carry_out(
    effects: Vec<Effect>,
    fx: &mut Effects,
    (terminal, events): (&mut Tui, &mut EventStream),
    state: &mut AppState,
    pending: &mut Vec<Effect>,
) -> bool {
    let mut dirty = false;
    for effect in effects {
        match effect {
            Effect::RunPlugin(run) if !run.background => {
                let done = super::spawn::foreground(terminal, events, run).await;
                pending.extend(update(state, done));
                dirty = true;
            }
            other => dirty |= fx.apply(other),
        }
    }
    dirty
}

/// A terminal event as messages; ctrl-z suspends batchtop here.
fn input(ev: Event, terminal: &mut Tui, dirty: &mut bool) -> std::io::Result<Vec<Msg>> {
    Ok(match ev {
        Event::Key(k) if is_suspend(&k) => suspended(terminal, dirty)?,
        Event::Key(k) => vec![Msg::Key(k)],
        Event::Resize(width, height) => vec![Msg::Resize { width, height }],
        _ => Vec::new(),
    })
}

/// Suspend until the shell continues batchtop, then draw everything anew (at the terminal's
/// size now: it may have changed meanwhile).
fn suspended(terminal: &mut Tui, dirty: &mut bool) -> std::io::Result<Vec<Msg>> {
    crate::terminal::suspend(terminal)?;
    *dirty = true;
    let size = terminal.size()?;
    Ok(vec![Msg::Resize { width: size.width, height: size.height }])
}

/// ctrl-z: in raw mode the terminal sends it as a key, not as SIGTSTP.
fn is_suspend(k: &ratatui::crossterm::event::KeyEvent) -> bool {
    use ratatui::crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};
    k.code == KeyCode::Char('z') && k.modifiers.contains(KeyModifiers::CONTROL) && k.kind != KeyEventKind::Release
}

/// What a signal asks of the loop.
enum Stop {
    /// SIGTERM, SIGHUP (the SSH session went away): end cleanly, the terminal restored.
    Quit,
    /// SIGTSTP from outside (`kill -TSTP`): suspend as ctrl-z does.
    Suspend,
}

struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    tstp: Option<tokio::signal::unix::Signal>,
}

#[cfg(unix)]
async fn next(s: &mut Option<tokio::signal::unix::Signal>) {
    match s {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let tstp = signal(SignalKind::from_raw(signal_hook::consts::SIGTSTP)).ok();
            Self { term: signal(SignalKind::terminate()).ok(), hup: signal(SignalKind::hangup()).ok(), tstp }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn recv(&mut self) -> Stop {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = next(&mut self.term) => Stop::Quit,
                _ = next(&mut self.hup) => Stop::Quit,
                _ = next(&mut self.tstp) => Stop::Suspend,
            }
        }
        #[cfg(not(unix))]
        std::future::pending::<Stop>().await
    }
}
