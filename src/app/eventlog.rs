//! The update side of the event log view: opening it from a run, tabs, sorting, a stage;
//! `C` compares the open log (B) with another one (A): the same job's last successful run
//! when the view was opened from a run, else (and on a second `C`) one typed as a path or
//! s3:// URI.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::Effect;
use crate::keymap::Action;
use crate::state::eventlog::{CompareView, EventLogPane, EventLogSource, LogRef, Tab};
use crate::state::{AppState, View};

/// `E`: the event log of the run under the cursor, with its reference for `C`.
pub fn open_for_run(state: &mut AppState) -> Vec<Effect> {
    match super::eventlog_runs::for_run(state) {
        Ok((log, reference)) => {
            let fx = open(state, log.source, log.after_ms);
            if let Some(View::EventLog(e)) = state.stack.last_mut() {
                e.reference = reference;
            }
            fx
        }
        Err(why) => {
            state.flash = Some(why);
            vec![Effect::Redraw]
        }
    }
}

/// Push the view and ask the loop to read `source`.
pub fn open(state: &mut AppState, source: EventLogSource, after_ms: Option<i64>) -> Vec<Effect> {
    let mut pane = EventLogPane::new(source.clone());
    let ctx = state.focus_ctx();
    pane.ctx = ctx;
    pane.after_ms = after_ms;
    state.next_view_id += 1;
    pane.follow = state.next_view_id * 1000;
    let follow = Some(pane.follow);
    state.stack.push(View::EventLog(Box::new(pane)));
    vec![Effect::LoadEventLog { ctx, log: LogRef::new(source, after_ms), follow }, Effect::Redraw]
}

/// A read ended: its summary goes to the views whose own log it is, and to the comparisons
/// reading it as A (by source and start: a Glue job's runs share one prefix).
pub fn loaded(state: &mut AppState, log: LogRef, result: Result<Box<crate::eventlog::Summary>, String>) -> Vec<Effect> {
    for v in &mut state.stack {
        let View::EventLog(e) = v else { continue };
        let mut changed = false;
        if e.is(&log) {
            e.loading = None;
            e.summary = Some(result.clone());
            e.sort_stages();
            changed = true;
        }
        if let Some(cv) = e.compare.as_mut().filter(|cv| cv.other == log) {
            cv.other_summary = Some(result.clone());
            changed = true;
        }
        if changed {
            e.refresh_compare();
        }
    }
    vec![Effect::Redraw]
}

/// How far the read of `log` is: shown by the views reading it.
pub fn progress(state: &mut AppState, log: &LogRef, seen: crate::eventlog::Seen) -> Vec<Effect> {
    let mut shown = false;
    for v in &mut state.stack {
        if let View::EventLog(e) = v
            && e.is(log)
            && e.follow != 0
        {
            e.loading = Some(seen);
            shown = true;
        }
    }
    if shown { vec![Effect::Redraw] } else { Vec::new() }
}

/// `esc` while the log is being read: stop reading (the task is aborted: no more GETs); the
/// view stays, saying so, and refresh (ctrl-r) reads again.
fn stop_reading(state: &mut AppState) -> Option<Vec<Effect>> {
    let again = state.settings.keymap.hint(Action::Refresh);
    let Some(View::EventLog(e)) = state.stack.last_mut() else { return None };
    if e.follow == 0 || (e.loading.is_none() && e.summary.is_some()) {
        return None;
    }
    let at = e.loading.take().map(|s| format!(" at {} of {}", mb(s.read), mb(s.total))).unwrap_or_default();
    let why = format!("stopped reading{at} (esc): {again} reads the log again, esc closes the view");
    if e.summary.is_none() {
        e.summary = Some(Err(why));
    } else {
        state.flash = Some(why);
    }
    Some(vec![Effect::StopTail(e.follow), Effect::Redraw])
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Keys the event log view reads before the key map (`C` and its prompt); None: not ours.
pub fn on_key(state: &mut AppState, key: KeyEvent) -> Option<Vec<Effect>> {
    let Some(View::EventLog(e)) = state.stack.last_mut() else { return None };
    let plain = !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if let Some(input) = e.compare_prompt.as_mut() {
        match key.code {
            KeyCode::Esc => e.compare_prompt = None,
            KeyCode::Backspace => {
                input.pop();
            }
            KeyCode::Enter if input.trim().is_empty() => {
                state.flash = Some("type the path or s3:// URI of the log to compare with".into());
            }
            KeyCode::Enter => return Some(start_compare(e)),
            KeyCode::Char(c) if plain => input.push(c),
            _ => {}
        }
        return Some(vec![Effect::Redraw]);
    }
    if key.code != KeyCode::Char('C') || !plain {
        return None;
    }
    if e.summary().is_none() {
        state.flash = Some("this log is not read yet: compare it once it is".into());
        return Some(vec![Effect::Redraw]);
    }
    // The reference first; while any comparison is shown, another log.
    match (&e.reference, &e.compare) {
        (Ok(_), None) => return Some(compare_with_reference(state)),
        (Err(why), None) => state.flash = Some(format!("{why}: type the path or s3:// URI of the log to compare with")),
        (_, Some(_)) => {}
    }
    let Some(View::EventLog(e)) = state.stack.last_mut() else { return None };
    e.compare_prompt = Some(e.source.sibling_prompt());
    Some(vec![Effect::Redraw])
}

/// `C` in a view opened from a run: compare with the job's last successful run (its summary
/// kept from an earlier `C`, or read now).
fn compare_with_reference(state: &mut AppState) -> Vec<Effect> {
    let Some(View::EventLog(e)) = state.stack.last_mut() else { return Vec::new() };
    let Ok(r) = e.reference.as_mut() else { return Vec::new() };
    let mut cv = CompareView::new(r.log.clone(), r.label.clone());
    let mut fx = vec![Effect::Redraw];
    match r.summary.take() {
        Some(kept) => cv.other_summary = Some(Ok(kept)),
        None => fx.insert(0, Effect::LoadEventLog { ctx: e.ctx, log: cv.other.clone(), follow: None }),
    }
    state.flash = Some(format!("A: {} · C again compares with another log", cv.label));
    e.compare = Some(cv);
    e.refresh_compare();
    fx
}

/// Enter in the prompt: read the other log (A) and show the comparison when it arrives.
fn start_compare(e: &mut EventLogPane) -> Vec<Effect> {
    let typed = e.compare_prompt.take().unwrap_or_default();
    let other = LogRef::new(EventLogSource::parse(&typed), None);
    e.close_compare();
    e.compare = Some(CompareView::new(other.clone(), other.source.label()));
    vec![Effect::LoadEventLog { ctx: e.ctx, log: other, follow: None }, Effect::Redraw]
}

/// Keys while the comparison is shown: scrolling, esc closes it; None: not ours.
fn on_compare_action(e: &mut EventLogPane, action: Action, rows: usize) -> Option<Vec<Effect>> {
    let cv = e.compare.as_mut()?;
    let last = cv.lines.len().saturating_sub(1);
    cv.scroll = match action {
        Action::Back => {
            e.close_compare();
            return Some(vec![Effect::Redraw]);
        }
        // Another tab: the comparison closes and the tab opens.
        Action::NextTab | Action::PrevTab => {
            e.close_compare();
            return None;
        }
        Action::Up => cv.scroll.saturating_sub(1),
        Action::Down => (cv.scroll + 1).min(last),
        Action::PageUp => cv.scroll.saturating_sub(rows),
        Action::PageDown => (cv.scroll + rows).min(last),
        Action::Top => 0,
        Action::Bottom => last.saturating_sub(rows.saturating_sub(1)),
        _ => return None,
    };
    Some(vec![Effect::Redraw])
}

/// Keys the event log view takes before the normal ones; None: not ours.
pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let rows = state.table_rows();
    let Some(View::EventLog(e)) = state.stack.last_mut() else { return None };
    if let Some(fx) = on_compare_action(e, action, rows) {
        return Some(fx);
    }
    if action == Action::Back
        && e.stage_open.is_none()
        && let Some(fx) = stop_reading(state)
    {
        return Some(fx);
    }
    let Some(View::EventLog(e)) = state.stack.last_mut() else { return None };
    match action {
        Action::NextTab | Action::PrevTab => {
            e.tab = e.tab.step(if action == Action::NextTab { 1 } else { -1 });
            e.cursor.top();
            e.stage_open = None;
        }
        Action::Sort if e.tab == Tab::Stages => {
            e.sort = e.sort.next();
            e.sort_stages();
            e.cursor.top();
        }
        Action::Open if e.tab == Tab::Stages => {
            e.stage_open = if e.stage_open.is_some() { None } else { Some(e.cursor.selected) };
        }
        Action::Back if e.stage_open.is_some() => e.stage_open = None,
        // Read the log again (and follow it again: the read shows its progress, esc stops it).
        Action::Refresh => {
            state.flash = Some("reading the event log again…".into());
            let (ctx, log) = (e.ctx, e.log());
            let follow = (e.follow != 0).then_some(e.follow);
            if matches!(&e.summary, Some(Err(_))) {
                e.summary = None;
            }
            return Some(vec![Effect::LoadEventLog { ctx, log, follow }, Effect::Redraw]);
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
            let len = e.len();
            let delta = match action {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -(rows as isize),
                Action::PageDown => rows as isize,
                Action::Top => isize::MIN / 2,
                _ => isize::MAX / 2,
            };
            e.cursor.step(delta, len, rows);
            if e.stage_open.is_some() {
                e.stage_open = Some(e.cursor.selected);
            }
        }
        _ => return None,
    }
    Some(vec![Effect::Redraw])
}
