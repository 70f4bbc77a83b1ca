//! The update side of the log view: `l` on a run or crawler opens it, the tail's messages fill
//! it, and its own keys (follow, search, filter, context, streams, wrap, write) drive it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::Effect;
use crate::logs::locate::{self, Plan};
use crate::logs::pattern::{Pattern, Row};
use crate::poll::logs::TailEvent;
use crate::state::logs::{LogInput, LogViewPane};
use crate::state::{Active, AppState, Pane, View};

/// Lines of context at most (`+` / `-`).
const MAX_CONTEXT: usize = 50;

fn plan_for_selection(state: &AppState) -> Result<Plan, String> {
    let layouts = &state.settings.config.logs.layouts;
    let glue = |r: Option<&crate::model::JobRun>| r.map(|r| locate::glue_run(r, layouts)).ok_or("no run selected");
    let emr = |r: Option<&crate::model::EmrRun>| r.map(|r| locate::emr_run(r, layouts)).ok_or("no run selected");
    let plan = match state.active() {
        Active::View(View::Runs(r)) => glue(r.selected(&state.data))?,
        Active::View(View::Detail(d)) => glue(d.run(&state.data))?,
        Active::View(View::Graph(g)) => {
            let run = g.selected_node().and_then(|n| n.job_run.clone()).ok_or("only a job node that ran has logs")?;
            locate::glue_run(&run, layouts)
        }
        Active::Pane(Pane::Jobs) => glue(state.jobs.selected(&state.data).and_then(|j| j.last_run()))?,
        Active::Pane(Pane::Emr) => emr(state.emr_pane.selected().and_then(|i| state.emr.runs.get(i)))?,
        Active::View(View::EmrDetail(d)) => emr(d.run(&state.emr))?,
        Active::Pane(Pane::Crawlers) => {
            let c = state.cr_pane.selected().and_then(|i| state.crawlers.get(i)).ok_or("no crawler selected")?;
            locate::crawler(c, layouts)
        }
        _ => return Err("select a Glue run, an EMR Serverless run (:emr) or a crawler (:crawlers) first".into()),
    };
    if plan.places.is_empty() {
        return Err(format!("{}: no log destination is configured for this run", plan.title));
    }
    Ok(plan)
}

/// The selected Glue run of a run history or detail when its arguments were not kept (where
/// its logs are depends on them): read it first.
fn fetch_first(state: &AppState) -> Option<Effect> {
    let (ctx, job, run) = match state.active() {
        Active::View(View::Runs(r)) => (r.ctx, &r.job, r.selected(&state.data)?),
        Active::View(View::Detail(d)) => (d.ctx, &d.job, d.run(&state.data)?),
        _ => return None,
    };
    super::arguments::fetch_if_dropped(ctx, job, run, super::msg::AfterFetch::Logs)
}

/// `l`: open the logs of what is selected.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    if let Some(fetch) = fetch_first(state) {
        state.flash = Some("reading the run's arguments (GetJobRun)…".into());
        return vec![fetch, Effect::Redraw];
    }
    let ctx = state.focus_ctx();
    open_plan(state, ctx, plan_for_selection(state))
}

/// The logs of `run` (read again because its arguments were not kept).
pub fn open_run(state: &mut AppState, ctx: usize, run: &crate::model::JobRun) -> Vec<Effect> {
    state.flash = None;
    let plan = locate::glue_run(run, &state.settings.config.logs.layouts);
    let plan = if plan.places.is_empty() {
        Err(format!("{}: no log destination is configured for this run", plan.title))
    } else {
        Ok(plan)
    };
    open_plan(state, ctx, plan)
}

fn open_plan(state: &mut AppState, ctx: usize, plan: Result<Plan, String>) -> Vec<Effect> {
    match plan {
        Ok(plan) => {
            state.next_view_id += 1;
            let id = state.next_view_id;
            let capacity = state.settings.config.logs.ring_lines;
            let mut pane = LogViewPane::new(id, plan.clone(), capacity);
            pane.ctx = ctx;
            state.stack.push(View::Logs(Box::new(pane)));
            vec![Effect::StartTail { ctx, id: id * 1000, plan, pattern: None }, Effect::Redraw]
        }
        Err(why) => {
            state.flash = Some(why);
            vec![Effect::Redraw]
        }
    }
}

/// A message of the tail of view `id`.
pub fn on_tail(state: &mut AppState, id: u64, ev: TailEvent) -> Vec<Effect> {
    let Some(v) = state.stack.iter_mut().find_map(|v| match v {
        View::Logs(l) if l.tail == id => Some(l),
        _ => None,
    }) else {
        return Vec::new();
    };
    match ev {
        TailEvent::Found { streams, looked } => {
            v.streams = streams;
            v.looked = looked;
        }
        TailEvent::Events(events) => {
            for e in events {
                let stream = if e.group.starts_with("s3://") {
                    format!("{}/{}", e.group, e.stream)
                } else {
                    format!("{} › {}", e.group, e.stream)
                };
                v.ring.push(e.ts_ms, &stream, e.message);
            }
        }
        TailEvent::Mode(m) => v.mode = m,
        TailEvent::Error(e) => v.error = Some(e.message),
    }
    vec![Effect::Redraw]
}

/// The view was popped: stop its tail.
pub fn closed(view: &View) -> Option<Effect> {
    match view {
        View::Logs(l) => Some(Effect::StopTail(l.tail)),
        View::EventLog(e) if e.follow != 0 => Some(Effect::StopTail(e.follow)),
        _ => None,
    }
}

fn body_rows(state: &AppState) -> usize {
    // top bar, status bar, the view's own header line and borders.
    usize::from(state.height.saturating_sub(2 + 1 + 2)).max(1)
}

/// Keys of the log view (before the keymap). None: not the log view's key.
pub fn on_key(state: &mut AppState, key: KeyEvent) -> Option<Vec<Effect>> {
    let height = body_rows(state);
    let Some(View::Logs(v)) = state.stack.last_mut() else { return None };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if let Some(input) = v.input.take() {
        return Some(on_input(v, key, input));
    }
    if let Some(sel) = v.picker {
        on_picker_key(v, key, sel);
        return Some(vec![Effect::Redraw]);
    }
    let rows = v.rows();
    match key.code {
        KeyCode::Char('f') if !ctrl => {
            v.follow = !v.follow;
            if !v.follow {
                v.top = rows.len().saturating_sub(height);
            }
        }
        KeyCode::Char('/') => {
            v.input = Some(LogInput::Search(v.search.as_ref().map(|s| s.0.clone()).unwrap_or_default()))
        }
        KeyCode::Char('&') => {
            v.input = Some(LogInput::Filter(v.filter.as_ref().map(|s| s.0.clone()).unwrap_or_default()))
        }
        KeyCode::Char('n') | KeyCode::Char('N') => jump_to_hit(v, &rows, height, key.code == KeyCode::Char('n')),
        KeyCode::Char('e') => match v.first_exception(&rows) {
            Some(r) => v.jump_to(r),
            None => v.note = Some("no exception in what is shown".into()),
        },
        KeyCode::Char('+') | KeyCode::Char('=') => v.context = (v.context + 1).min(MAX_CONTEXT),
        KeyCode::Char('-') => v.context = v.context.saturating_sub(1),
        KeyCode::Char('t') => v.timestamps = !v.timestamps,
        KeyCode::Char('W') => v.wrap = !v.wrap,
        KeyCode::Char('s') => v.picker = Some(0),
        KeyCode::Left | KeyCode::Char('h') => v.hscroll = v.hscroll.saturating_sub(8),
        KeyCode::Right | KeyCode::Char('l') => v.hscroll += 8,
        KeyCode::Char('w') => return Some(write_file(v, &state.context.state_dir, state.now)),
        KeyCode::Up | KeyCode::Char('k') => scroll(v, -1, rows.len(), height),
        KeyCode::Down | KeyCode::Char('j') => scroll(v, 1, rows.len(), height),
        KeyCode::PageUp => scroll(v, -(height as isize), rows.len(), height),
        KeyCode::PageDown => scroll(v, height as isize, rows.len(), height),
        KeyCode::Home | KeyCode::Char('g') => {
            v.follow = false;
            v.top = 0;
        }
        KeyCode::End | KeyCode::Char('G') => v.follow = true,
        _ => return None,
    }
    Some(vec![Effect::Redraw])
}

/// A key while the stream picker is open: move, pick (and follow), or close it.
fn on_picker_key(v: &mut LogViewPane, key: KeyEvent, sel: usize) {
    let picks = v.picks();
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => v.picker = Some((sel + 1).min(picks.len().saturating_sub(1))),
        KeyCode::Up | KeyCode::Char('k') => v.picker = Some(sel.saturating_sub(1)),
        KeyCode::Enter => {
            v.pick = picks.get(sel).cloned().unwrap_or_default();
            v.picker = None;
            v.follow = true;
        }
        _ => v.picker = None,
    }
}

/// `n` / `N`: the next (`forward`) or previous search hit, wrapping around.
fn jump_to_hit(v: &mut LogViewPane, rows: &[Row], height: usize, forward: bool) {
    let hits = v.search_hits(rows);
    if hits.is_empty() {
        v.note = Some(if v.search.is_some() { "no match".into() } else { "search first with /".into() });
    } else {
        let at = v.cursor.unwrap_or(v.first_row(rows.len(), height));
        let next = if forward {
            hits.iter().copied().find(|&h| h > at).unwrap_or(hits[0])
        } else {
            hits.iter().rev().copied().find(|&h| h < at).unwrap_or(hits[hits.len() - 1])
        };
        v.jump_to(next);
    }
}

/// `w`: write what the view holds to a file under the state directory.
fn write_file(v: &LogViewPane, dir: &std::path::Path, now: chrono::DateTime<chrono::Utc>) -> Vec<Effect> {
    let name = format!(
        "{}-{}.log",
        v.plan.title.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_', "_"),
        now.format("%Y%m%dT%H%M%S")
    );
    let path = dir.join("logs").join(name);
    vec![Effect::WriteFile { path, contents: v.export() }, Effect::Redraw]
}

fn scroll(v: &mut LogViewPane, delta: isize, total: usize, height: usize) {
    let first = v.first_row(total, height);
    let max = total.saturating_sub(height);
    let next = first.saturating_add_signed(delta).min(max);
    v.follow = next >= max;
    v.top = next;
}

fn on_input(v: &mut LogViewPane, key: KeyEvent, input: LogInput) -> Vec<Effect> {
    let (mut text, is_search) = match input {
        LogInput::Search(t) => (t, true),
        LogInput::Filter(t) => (t, false),
    };
    let wrap = |t: String| if is_search { LogInput::Search(t) } else { LogInput::Filter(t) };
    match key.code {
        KeyCode::Esc => return vec![Effect::Redraw],
        KeyCode::Enter => return apply(v, text, is_search),
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => text.push(c),
        _ => {}
    }
    v.input = Some(wrap(text));
    vec![Effect::Redraw]
}

fn apply(v: &mut LogViewPane, text: String, is_search: bool) -> Vec<Effect> {
    let text = text.trim().to_string();
    if text.is_empty() {
        if is_search {
            v.search = None;
            v.cursor = None;
            return vec![Effect::Redraw];
        }
        let was_server = v.server_filter;
        v.filter = None;
        v.server_filter = false;
        return if was_server { restart(v, None) } else { vec![Effect::Redraw] };
    }
    let pattern = match Pattern::parse(&text) {
        Ok(p) => p,
        Err(e) => {
            v.note = Some(e.to_string());
            v.input = Some(if is_search { LogInput::Search(text) } else { LogInput::Filter(text) });
            return vec![Effect::Redraw];
        }
    };
    if is_search {
        v.search = Some((text, pattern));
        let rows = v.rows();
        if let Some(first) = v.search_hits(&rows).first().copied() {
            v.jump_to(first);
        } else {
            v.note = Some("no match yet".into());
        }
        return vec![Effect::Redraw];
    }
    // Without context, CloudWatch can filter (fewer bytes, the whole history); with context the
    // lines around a match are needed, so the filter runs here on everything fetched.
    let server = pattern.server_pattern().filter(|_| v.context == 0);
    let was_server = v.server_filter;
    v.filter = Some((text, pattern));
    v.server_filter = server.is_some();
    v.follow = true;
    if server.is_some() || was_server { restart(v, server) } else { vec![Effect::Redraw] }
}

/// Start the tail again (with or without a server-side pattern): the ring starts empty.
fn restart(v: &mut LogViewPane, pattern: Option<String>) -> Vec<Effect> {
    v.ring.clear();
    v.mode = crate::poll::logs::TailMode::Reading;
    let old = v.tail;
    v.tail += 1;
    let start = Effect::StartTail { ctx: v.ctx, id: v.tail, plan: v.plan.clone(), pattern };
    vec![Effect::StopTail(old), start, Effect::Redraw]
}

/// How many rows the view has (for tests and the status line).
pub fn shown_rows(v: &LogViewPane) -> usize {
    v.rows().iter().filter(|r| matches!(r, Row::Line(_))).count()
}
