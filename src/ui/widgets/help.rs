//! `?`: help generated from the keymap, so it can never disagree with the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::state::AppState;
use crate::state::pane::commands;
use crate::ui::theme::Theme;

/// The status rules of `:streams`, first match wins.
fn stream_rules(theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled("Stream status (:streams), first rule that holds", theme.header))];
    for (status, rule) in crate::streams::RULES {
        out.push(Line::from(vec![Span::styled(format!("  {status:<14}"), theme.title), Span::raw(rule)]));
    }
    out.push(Line::from(vec![
        Span::styled(format!("  {:<14}", "late means"), theme.title),
        Span::raw("data landed but the final step did not succeed by ready_by (or within fresh_within)"),
    ]));
    out.push(Line::from(""));
    out
}

pub fn lines(state: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    let on_streams = state.root == crate::state::Pane::Streams;
    let mut out = if on_streams { stream_rules(theme) } else { Vec::new() };
    out.push(Line::from(Span::styled("Keys", theme.header)));
    for (keys, name, help) in state.settings.keymap.help_rows() {
        out.push(Line::from(vec![
            Span::styled(format!("  {keys:<14}"), theme.title),
            Span::raw(help.to_string()),
            Span::styled(format!("  ({name})"), theme.dim),
        ]));
    }
    out.push(Line::from(""));
    out.push(Line::from(Span::styled("Commands (:)", theme.header)));
    for (name, what) in commands() {
        out.push(Line::from(vec![Span::styled(format!("  :{name:<13}"), theme.title), Span::raw(what)]));
    }
    out.push(Line::from(vec![
        Span::styled(format!("  {:<14}", ":pane filter"), theme.title),
        Span::raw("switch and filter at once, e.g. :dq orders  :jobs state:FAILED"),
    ]));
    out.extend(extras(state, theme));
    out.push(Line::from(""));
    out.push(Line::from(Span::styled("Filter (/)", theme.header)));
    for (t, what) in [
        ("text", "substring of any column, case-insensitive"),
        ("^orders.*raw", "regex, when the term has regex characters"),
        ("state:FAILED", "last run state (prefix)"),
        ("stream:orders", "data stream"),
    ] {
        out.push(Line::from(vec![Span::styled(format!("  {t:<14}"), theme.title), Span::raw(what)]));
    }
    if !on_streams {
        out.push(Line::from(""));
        out.extend(stream_rules(theme));
    }
    out.push(Line::from(""));
    out.push(Line::from(Span::styled("Log view (l on a run or crawler)", theme.header)));
    for (t, what) in [
        ("f", "follow / pause"),
        ("/  n  N", "search (highlighted), next, previous"),
        ("&", "filter: ERROR, ?ERROR ?WARN, -INFO, \"Caused by\", /regex/"),
        ("+  -", "lines of context around each filter match"),
        ("e", "jump to the first exception"),
        ("s", "streams: all merged, driver, executors, errors, one"),
        ("t  W  ← →", "timestamps, wrap, scroll sideways"),
        ("w", "write everything fetched to a file"),
        ("g  G", "top; bottom and follow"),
    ] {
        out.push(Line::from(vec![Span::styled(format!("  {t:<14}"), theme.title), Span::raw(what)]));
    }
    out.extend(event_log_keys(state, theme));
    out
}

/// The event log view's keys (`E` on a run, or `batchtop eventlog PATH|s3://…`).
fn event_log_keys(state: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    use crate::keymap::Action;
    let km = &state.settings.keymap;
    let tabs = format!("{}  {}", km.hint(Action::NextTab), km.hint(Action::PrevTab));
    let rows = [
        (tabs, "tabs: findings, stages, jobs, executors, SQL".to_string()),
        (km.hint(Action::Sort), "sort the stages (duration, run time, spill...)".into()),
        (km.hint(Action::Open), "a stage's task duration distribution".into()),
        ("C".into(), "compare with the job's last successful run".into()),
        (String::new(), "C again (or no such run): another log, typed".into()),
        (String::new(), "as a path or s3://...".into()),
        (String::new(), "stages paired by name and call site, n-th with".into()),
        (String::new(), "n-th, then by name and file if a line moved;".into()),
        (String::new(), "B's own findings A lacks, and A's gone in B".into()),
        (km.hint(Action::Refresh), "read the log again (it is followed anyway)".into()),
        ("esc".into(), "stop reading (under the progress bar); close".into()),
    ];
    let mut out = vec![Line::from(""), Line::from(Span::styled("Event log view (E on a run)", theme.header))];
    for (t, what) in rows {
        out.push(Line::from(vec![Span::styled(format!("  {t:<15}"), theme.title), Span::raw(what)]));
    }
    out
}

/// The config's aliases, hotkeys and plugins (none by default: then nothing).
fn extras(state: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    let x = &state.settings.extras;
    let row = |k: String, what: String, note: String| {
        Line::from(vec![
            Span::styled(format!("  {k:<14}"), theme.title),
            Span::raw(what),
            Span::styled(note, theme.dim),
        ])
    };
    let mut out = Vec::new();
    for (name, target) in &x.aliases {
        out.push(row(format!(":{name}"), format!(":{target}"), "  (alias)".into()));
    }
    if !x.hotkeys.is_empty() {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled("Hotkeys", theme.header)));
        for h in &x.hotkeys {
            out.push(row(h.key.to_string(), h.description.clone(), format!("  (:{})", h.command)));
        }
    }
    if !x.plugins.is_empty() {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled("Plugins (on the selected row)", theme.header)));
        for p in &x.plugins {
            let mut notes = Vec::new();
            notes.push(if p.scopes.is_empty() { "all".to_string() } else { p.scopes.join(",") });
            notes.extend(p.background.then(|| "background".to_string()));
            notes.extend(p.confirm.then(|| "asks first".to_string()));
            notes.extend(p.dangerous.then(|| "dangerous".to_string()));
            out.push(row(p.key.to_string(), p.label().to_string(), format!("  ({})", notes.join(", "))));
        }
    }
    out
}

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, scroll: usize, theme: &Theme) {
    let text = lines(state, theme);
    let width = area.width.saturating_sub(4).min(78);
    let height = area.height.saturating_sub(2).min(text.len() as u16 + 2);
    let rect = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    let max_scroll = text.len().saturating_sub(usize::from(height.saturating_sub(2)));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" help — any key closes ", theme.title));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(text).block(block).scroll((scroll.min(max_scroll) as u16, 0)), rect);
}
