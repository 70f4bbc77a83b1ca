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

/// Start every poller of the account, and ask who the caller is.
fn start_pollers(fx: &mut Effects) {
    fx.pollers = Pollers::start(&fx.account, &fx.settings, &fx.clock, &fx.tx);
    let identity = fx.account.identity.clone();
    let tx = fx.tx.clone();
    fx.pollers.adopt(tokio::spawn(async move {
        let r = identity.caller_identity().await;
        let _ = tx.send(Msg::Identity(r)).await;
    }));
}

/// As `run`; with `event_log`, open that log standalone: no pollers, `q` quits.
pub async fn run_with(
    terminal: &mut Tui,
    session: Session,
    settings: Arc<Settings>,
    event_log: Option<crate::state::eventlog::EventLogSource>,
) -> color_eyre::Result<()> {
    let Session { account, clock, context, executor } = session;
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let mut fx = Effects::new(account, executor, clock.clone(), settings.clone(), tx);
    let mut state = AppState::new(settings, context, clock());
    let size = terminal.size()?;
    update(&mut state, Msg::Resize { width: size.width, height: size.height });
    let mut pending = Vec::new();
    match event_log {
        // Standalone event log viewing polls nothing.
        Some(source) => {
            state.context.standalone = true;
            pending = super::eventlog::open(&mut state, source, None);
        }
        None => start_pollers(&mut fx),
    }
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut term_signal = Signals::new();
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    loop {
        let wait = last_draw.map(|t| FRAME.saturating_sub(t.elapsed())).unwrap_or_default();
        if dirty && wait.is_zero() {
            terminal.draw(|f| ui::render(f, &state))?;
            dirty = false;
            last_draw = Some(Instant::now());
        }
        let first = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Some(Msg::Key(k)),
                Some(Ok(Event::Resize(width, height))) => Some(Msg::Resize { width, height }),
                Some(Ok(_)) => None,
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            m = rx.recv() => m,
            _ = tick.tick() => Some(Msg::Tick { now: clock(), stats: fx.account.stats.snapshot() }),
            _ = tokio::time::sleep(wait), if dirty => None,
            _ = term_signal.recv() => return Ok(()),
        };
        // Fold everything already queued into this one frame.
        let mut batch: Vec<Msg> = first.into_iter().collect();
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        let mut effects: Vec<Effect> = std::mem::take(&mut pending);
        for m in batch {
            if let (Msg::Identity(Ok(id)), Some(ex)) = (&m, &fx.executor) {
                ex.set_identity(id.arn.clone(), id.account.clone());
            }
            effects.extend(update(&mut state, m));
        }
        for effect in effects {
            dirty |= fx.apply(effect);
        }
        if state.quit {
            return Ok(());
        }
    }
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
