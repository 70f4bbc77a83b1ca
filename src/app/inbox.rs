//! The inbox in `update`: `Enter` opens the newest failed run of an item, `a` acknowledges it
//! (with a note), `m` mutes it for a while. Neither changes anything in AWS (both work in
//! read-only mode); both are saved to the state dir through an effect.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::msg::Effect;
use crate::state::catalog::GraphPane;
use crate::state::overlay::{Note, NoteKind, Overlay};
use crate::state::{AppState, DetailPane, Pane, View};
use crate::triage::inbox::{Ack, Item, ItemSource, mark_key};

fn selected(state: &AppState) -> Option<&Item> {
    state.inbox_pane.selected().and_then(|i| state.inbox.items.get(i))
}

/// `Enter` on an item: the resource's newest failed run, with its cause at the top.
pub fn open(state: &mut AppState) -> (Option<View>, Vec<Effect>) {
    let Some(it) = selected(state).cloned() else { return (None, Vec::new()) };
    let run_id = it.run_id.clone().unwrap_or_default();
    let view = match it.source {
        ItemSource::GlueJob | ItemSource::LongRunning => Some(View::Detail(DetailPane {
            ctx: it.ctx,
            job: it.resource.clone(),
            run_id,
            scroll: 0,
            snapshot: None,
            full: None,
        })),
        ItemSource::Workflow => state
            .workflows
            .iter()
            .find(|w| w.ctx == it.ctx && w.name == it.resource)
            .and_then(|w| w.last_run.clone())
            .map(|run| View::Graph(GraphPane::at_first_failure(it.ctx, run))),
        ItemSource::Dq if state.dq.results.iter().any(|r| r.id == run_id) => {
            Some(View::DqDetail(crate::state::quality::DqDetailPane { result_id: run_id, scroll: 0 }))
        }
        ItemSource::EmrJob | ItemSource::EmrWaiting => {
            let app_id = it.resource.split('/').next().unwrap_or_default().to_string();
            let fx = vec![Effect::LoadEmrAttempts { ctx: it.ctx, app_id: app_id.clone(), run_id: run_id.clone() }];
            let pane = crate::state::emr::EmrDetailPane { app_id, run_id, ..Default::default() };
            return (Some(View::EmrDetail(pane)), fx);
        }
        ItemSource::SourceError => {
            state.ctx_return = Pane::Inbox;
            state.root = Pane::Ctx;
            state.rebuild();
            None
        }
        ItemSource::Crawler | ItemSource::Dq => {
            state.flash = Some(format!("{}: {} (l on :crawlers opens its logs)", it.resource, it.summary));
            None
        }
    };
    (view, Vec::new())
}

/// `a` / `m` on an item: ask for the note or the duration.
pub fn ask(state: &mut AppState, kind: NoteKind) -> Vec<Effect> {
    if state.root != Pane::Inbox || !state.stack.is_empty() {
        state.flash = Some("acknowledge and mute work on the inbox (:inbox)".into());
        return vec![Effect::Redraw];
    }
    let Some(it) = selected(state) else { return Vec::new() };
    let input = if kind == NoteKind::Mute { "4h".to_string() } else { String::new() };
    state.overlay = Some(Overlay::Note(Note { kind, ctx: it.ctx, item: it.id(), input }));
    vec![Effect::Redraw]
}

/// Keys in the note prompt: text, `Enter` saves, `Esc` cancels.
pub fn on_note_key(state: &mut AppState, key: KeyEvent, mut note: Note) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => state.flash = Some("cancelled".into()),
        KeyCode::Enter => return save(state, note),
        KeyCode::Backspace => {
            note.input.pop();
            state.overlay = Some(Overlay::Note(note));
        }
        KeyCode::Char(c) => {
            note.input.push(c);
            state.overlay = Some(Overlay::Note(note));
        }
        _ => state.overlay = Some(Overlay::Note(note)),
    }
    vec![Effect::Redraw]
}

fn save(state: &mut AppState, note: Note) -> Vec<Effect> {
    let key = mark_key(&state.place_of(note.ctx), &note.item);
    match note.kind {
        NoteKind::Ack => {
            let text = note.input.trim().to_string();
            state.inbox.marks.acks.insert(key, Ack { at: state.now, note: text });
            state.flash = Some(format!("acknowledged {} (a new failure reopens it)", note.item));
        }
        NoteKind::Mute => match crate::duration::parse(&note.input).map(chrono::Duration::from_std) {
            Ok(Ok(d)) => {
                state.inbox.marks.mutes.insert(key, state.now + d);
                state.flash = Some(format!("muted {} for {}", note.item, note.input.trim()));
            }
            _ => {
                state.flash = Some(format!("`{}` is not a duration: use e.g. 30m, 4h, 1d", note.input.trim()));
                state.overlay = Some(Overlay::Note(note));
                return vec![Effect::Redraw];
            }
        },
    }
    state.refresh_inbox();
    state.rebuild();
    let contents = serde_json::to_string_pretty(&state.inbox.marks).unwrap_or_default();
    let path = crate::store::marks_path(&state.context.state_dir);
    vec![Effect::SaveMarks { path, contents }, Effect::Redraw]
}

/// After a cycle: when batchtop started on the inbox by default and every source of every
/// context has answered once, stay there only if something is open.
pub fn started(state: &mut AppState) {
    if !state.start_auto {
        return;
    }
    let polled = crate::poll::SourceId::ALL.iter().filter(|s| s.is_polled());
    let all_answered = state
        .contexts
        .iter()
        .all(|c| polled.clone().all(|s| c.status(*s).last_ok.is_some() || c.status(*s).error.is_some()));
    if !all_answered {
        return;
    }
    state.start_auto = false;
    if state.root == Pane::Inbox && state.stack.is_empty() && !state.inbox.items.iter().any(Item::is_open) {
        state.root = Pane::Jobs;
        state.rebuild();
    }
}

/// The marks file was written (or not).
pub fn saved(state: &mut AppState, result: Result<std::path::PathBuf, String>) -> Vec<Effect> {
    match result {
        Ok(_) => Vec::new(),
        Err(e) => {
            state.flash = Some(format!("could not save the acknowledgement: {e}"));
            vec![Effect::Redraw]
        }
    }
}

/// A driver error log was read for a run: classify again with it.
pub fn log_loaded(
    state: &mut AppState,
    run_id: String,
    result: Result<Option<crate::triage::LogExcerpt>, crate::aws::AwsError>,
) -> Vec<Effect> {
    match result {
        Ok(Some(excerpt)) => {
            state.inbox.logs.insert(run_id, excerpt);
            state.refresh_inbox();
            state.rebuild();
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(run = %run_id, error = %e.message, "driver log for triage"),
    }
    vec![Effect::Redraw]
}
