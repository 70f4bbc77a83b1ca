//! `ctrl-s`: incident notes of what is in front and what is open. The report is built here
//! from the state (pure); the audit log is read and the file written by the effect.

use super::msg::Effect;
use crate::report::{self, ContextLine, Report, Sources};
use crate::state::AppState;
use crate::state::plugins;

/// Failed runs this far back go in the notes (as `batchtop report`'s default).
pub const WINDOW: chrono::Duration = chrono::Duration::hours(6);

/// The notes of the state as it is now; the actions are added when the audit log is read.
pub fn build(state: &AppState) -> Report {
    let name = |ctx: usize| state.ctx(ctx).name.clone();
    let contexts = state
        .shown_contexts()
        .map(|c| ContextLine { name: c.name.clone(), place: c.place(), account: c.account.clone() })
        .collect();
    let filter = state.active_table().and_then(|t| t.filter()).map(|f| f.text.clone()).filter(|f| !f.is_empty());
    let selected = plugins::env(state).map(|e| plugins::target(&e));
    let mut on_screen = state.breadcrumb();
    if let Some(f) = filter {
        on_screen.push_str(&format!(" (filter {f})"));
    }
    if let Some(s) = selected {
        on_screen.push_str(&format!("; selected: {s}"));
    }
    let items: Vec<_> = state.inbox.items.iter().filter(|i| state.shows_ctx(i.ctx)).cloned().collect();
    let src = Sources { jobs: &state.data.jobs, emr: &state.emr.runs, logs: &state.inbox.logs, items: &items };
    let since = state.now - WINDOW;
    let mut failed = report::failed_runs(&src, since, &name);
    failed.retain(|r| state.contexts.iter().enumerate().any(|(i, c)| c.name == r.context && state.shows_ctx(i)));
    let unread = state
        .shown_contexts()
        .flat_map(|c| {
            c.statuses
                .iter()
                .filter_map(|s| s.error.as_ref())
                .map(|e| (c.name.clone(), e.operation.clone(), e.message.clone()))
        })
        .collect();
    Report {
        generated_at: report::utc(state.now),
        since: report::utc(since),
        actions_since: report::utc(state.started_at),
        contexts,
        on_screen: Some(on_screen),
        problems: report::problems(&items, &name),
        failed_runs: failed,
        actions: Vec::new(),
        unread,
    }
}

/// Take the notes: write them under the state dir.
pub fn take(state: &mut AppState) -> Vec<Effect> {
    let report = build(state);
    let file = format!("incident-{}.md", state.now.format("%Y%m%dT%H%M%SZ"));
    let path = state.context.state_dir.join("reports").join(file);
    let audit = state.context.state_dir.join("audit.jsonl");
    state.flash = Some("writing incident notes…".into());
    vec![Effect::WriteReport { report: Box::new(report), audit, path }, Effect::Redraw]
}

/// The most OSC 52 carries in most terminals: longer notes are not copied, their path is.
pub const CLIPBOARD_MAX: usize = 64 * 1024;

/// The notes were written: say where, and copy the path (or the notes, `[report] clipboard`).
pub fn written(state: &mut AppState, result: Result<(std::path::PathBuf, String), String>) -> Vec<Effect> {
    use crate::config::extras::ClipboardContent;
    let wants_text = state.settings.config.report.clipboard == ClipboardContent::Text;
    match result {
        Ok((path, text)) if wants_text && text.len() <= CLIPBOARD_MAX => {
            state.flash = Some(format!("incident notes saved to {} and copied to the clipboard", path.display()));
            vec![Effect::Clipboard(text), Effect::Redraw]
        }
        Ok((path, text)) => {
            let why = if wants_text && text.len() > CLIPBOARD_MAX { " (too long to copy the notes)" } else { "" };
            state.flash = Some(format!("incident notes saved to {}; path copied{why}", path.display()));
            vec![Effect::Clipboard(path.display().to_string()), Effect::Redraw]
        }
        Err(e) => {
            state.flash = Some(format!("could not write the incident notes: {e}"));
            vec![Effect::Redraw]
        }
    }
}
