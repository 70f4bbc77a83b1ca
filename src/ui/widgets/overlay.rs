//! The confirmation overlay (who, where, the exact call) and the bookmark overlay.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::actions::Command;
use crate::actions::args::{WORKFLOW_NAME, WORKFLOW_RUN_ID};
use crate::state::AppState;
use crate::state::overlay::{BookmarkView, Confirm, Overlay};
use crate::ui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    match &state.overlay {
        Some(Overlay::Confirm(c)) => confirm(frame, area, state, c, theme),
        Some(Overlay::Bookmark(b)) => bookmark(frame, area, state, b, theme),
        Some(Overlay::CostRefresh) => cost_refresh(frame, area, state, theme),
        Some(Overlay::Note(n)) => note(frame, area, n, theme),
        Some(Overlay::Plugin(run)) => plugin(frame, area, run, theme),
        None => {}
    }
}

fn boxed(frame: &mut Frame<'_>, area: Rect, title: &str, lines: Vec<Line<'_>>, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(100);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.error)
        .title(Span::styled(title.to_string(), theme.title));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
}

fn note(frame: &mut Frame<'_>, area: Rect, n: &crate::state::overlay::Note, theme: &Theme) {
    use crate::state::overlay::NoteKind;
    let (title, ask, hint) = match n.kind {
        NoteKind::Ack => (" acknowledge ", "note (optional)", "enter saves · esc cancels · a new failure reopens it"),
        NoteKind::Mute => (" mute ", "for (30m, 4h, 1d)", "enter mutes · esc cancels · nothing changes in AWS"),
    };
    let lines = vec![
        field("item", n.item.clone(), theme),
        Line::from(vec![Span::styled(format!("{ask}: "), theme.header), Span::raw(format!("{}▏", n.input))]),
        Line::from(""),
        Line::from(Span::styled(hint, theme.warn)),
    ];
    boxed(frame, area, title, lines, theme);
}

fn plugin(frame: &mut Frame<'_>, area: Rect, run: &crate::state::plugins::PluginRun, theme: &Theme) {
    let how = if run.background { "in the background" } else { "in this terminal (batchtop steps aside)" };
    let mut command = run.program.clone();
    for a in &run.args {
        command.push(' ');
        command.push_str(a);
    }
    let lines = vec![
        field("plugin", run.name.clone(), theme),
        field("on", run.target.clone(), theme),
        field("runs", command, theme),
        field("how", how.into(), theme),
        Line::from(""),
        Line::from(vec![
            Span::styled("y", theme.header),
            Span::raw(" run    "),
            Span::styled("any other key", theme.header),
            Span::raw(" cancel"),
        ]),
    ];
    boxed(frame, area, " run plugin? ", lines, theme);
}

fn field<'a>(label: &str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![Span::styled(format!("{label:<9}"), theme.header), Span::raw(value)])
}

fn confirm(frame: &mut Frame<'_>, area: Rect, state: &AppState, c: &Confirm, theme: &Theme) {
    let ctx = state.ctx(c.ctx);
    let cmd = &c.command;
    let tint = theme.palette(ctx.color);
    let tinted = |label: &str, value: String| {
        Line::from(vec![Span::styled(format!("{label:<9}"), theme.header), Span::styled(value, tint)])
    };
    let mut lines = Vec::new();
    // Inside the box's borders (see `boxed`).
    let width = usize::from(area.width.saturating_sub(4).min(100).saturating_sub(2)).max(20);
    if let Some(why) = &c.retry {
        let text = format!("Asked again. The last attempt failed without a clear answer, and batchtop looked: {why}");
        lines.extend(wrapped(&text, width).into_iter().map(|l| Line::from(Span::styled(l, theme.warn))));
        lines.push(Line::from(""));
    }
    if state.many_contexts() {
        lines.push(tinted("context", ctx.name.clone()));
    }
    lines.extend([
        tinted("account", ctx.account.clone().or_else(|| state.context.account.clone()).unwrap_or_else(|| "?".into())),
        tinted("region", ctx.region.clone()),
        tinted("profile", ctx.profile.clone().unwrap_or_else(|| "default".into())),
        field("target", cmd.target(), theme),
        field("call", cmd.api_call().to_string(), theme),
        field("effect", cmd.effect(), theme),
        Line::from(Span::styled("parameters", theme.header)),
    ]);
    match cmd {
        Command::RerunJob { arguments: map, .. } | Command::StartWorkflow { properties: map, .. } => {
            let (name, field) = match cmd {
                Command::RerunJob { job, .. } => (format!("  JobName: {job}"), "  Arguments:"),
                _ => (format!("  Name: {}", cmd.params()["Name"].as_str().unwrap_or_default()), "  RunProperties:"),
            };
            lines.push(Line::from(name));
            lines.push(Line::from(if map.is_empty() { format!("{field} (none)") } else { field.to_string() }));
            for (i, (k, v)) in map.iter().enumerate() {
                let selected = i == c.selected_arg;
                let value = match (&c.editing, selected) {
                    (Some(buf), true) if crate::secrets::is_secret_key(k) => format!("{}▏", "*".repeat(buf.len())),
                    (Some(buf), true) => format!("{buf}▏"),
                    _ => crate::secrets::shown_value(k, v).to_string(),
                };
                let style = if selected { theme.selected } else { ratatui::style::Style::default() };
                lines.push(Line::from(Span::styled(format!("    {k} = {value}"), style)));
            }
        }
        _ => {
            let pretty = serde_json::to_string_pretty(&cmd.params()).unwrap_or_default();
            lines.extend(pretty.lines().map(|l| Line::from(format!("  {l}"))));
        }
    }
    lines.extend(workflow_note(c, width, theme));
    lines.push(Line::from(""));
    let hint = match cmd.typed_confirmation() {
        Some(name) => format!("type {name} and press enter to confirm: {}▏   esc cancels", c.typed),
        None if c.workflow_run.is_some() => {
            "y runs it · ↑↓ select, e edits · w workflow arguments in/out · any other key cancels".into()
        }
        None if cmd.editable().is_some_and(|m| !m.is_empty()) => {
            "y runs it · ↑↓ select a value, e edits it (enter keeps) · any other key cancels".into()
        }
        None => "y runs it · any other key cancels".into(),
    };
    lines.push(Line::from(Span::styled(hint, theme.warn)));
    boxed(frame, area, " confirm ", lines, theme);
}

/// A rerun of a run a workflow started: what giving it the workflow's arguments would do,
/// and what to do instead, in lines of at most `width`.
fn workflow_note<'a>(c: &Confirm, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let Some(origin) = &c.workflow_run else { return Vec::new() };
    let kept = c.command.editable().is_some_and(|m| m.contains_key(WORKFLOW_NAME) || m.contains_key(WORKFLOW_RUN_ID));
    let what = format!(
        "⚠ This run was started by workflow {} (run {}). A standalone run given {WORKFLOW_NAME} and \
         {WORKFLOW_RUN_ID} reads and writes that old workflow run's properties. To run the job again inside \
         the workflow, resume the workflow run instead (R in the workflow's graph).",
        origin.workflow, origin.run_id
    );
    let now = if kept {
        format!("{WORKFLOW_NAME} and {WORKFLOW_RUN_ID} are IN this rerun (w leaves them out).")
    } else {
        format!("{WORKFLOW_NAME} and {WORKFLOW_RUN_ID} are left out of this rerun (w puts them back).")
    };
    let mut lines = vec![Line::from("")];
    for text in [what, now] {
        lines.extend(wrapped(&text, width).into_iter().map(|l| Line::from(Span::styled(l, theme.warn))));
    }
    lines
}

/// `text` cut into lines of at most `width` characters, at spaces where it can be.
fn wrapped(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

fn bookmark(frame: &mut Frame<'_>, area: Rect, state: &AppState, b: &BookmarkView, theme: &Theme) {
    let mut lines = vec![field("job", b.job.clone(), theme)];
    match &b.entry {
        None => lines.push(Line::from("loading GetJobBookmark…")),
        Some(Err(e)) => lines.push(Line::from(Span::styled(e.clone(), theme.error))),
        Some(Ok(e)) => {
            lines.push(field("version", e.version.to_string(), theme));
            lines.push(field("run", e.run.to_string(), theme));
            lines.push(field("attempt", e.attempt.to_string(), theme));
            lines.push(field("run id", e.run_id.clone().unwrap_or_else(|| "-".into()), theme));
            lines.push(field("previous", e.previous_run_id.clone().unwrap_or_else(|| "-".into()), theme));
            lines.push(Line::from(Span::styled("bookmark", theme.header)));
            lines.extend(e.pretty().lines().map(|l| Line::from(format!("  {l}"))));
        }
    }
    lines.push(Line::from(""));
    let hint = if state.context.read_only {
        "esc closes (read-only: no reset or rewind)".to_string()
    } else {
        match &b.rewind_to {
            Some(run) => {
                let short: String = run.chars().take(16).collect();
                format!("r resets fully · w rewinds to run {short}… · esc closes")
            }
            None => "r resets fully · to rewind, select a run in the job's runs and press b · esc closes".into(),
        }
    };
    lines.push(Line::from(Span::styled(hint, theme.warn)));
    boxed(frame, area, " job bookmark ", lines, theme);
}

fn cost_refresh(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let ctx = state.ctx(state.cost_ctx());
    let age = state
        .cost
        .report
        .as_ref()
        .map(|r| format!("{} old", crate::duration::short(r.age(state.now).num_seconds().max(0))))
        .unwrap_or_else(|| "none".into());
    let lines = vec![
        field("account", ctx.account.clone().unwrap_or_else(|| "?".into()), theme),
        field("call", "ce:GetCostAndUsage".into(), theme),
        Line::from(Span::styled(
            format!(
                "Cost Explorer charges ${:.2} per request (one per page). Cached report: {age}.",
                crate::cost::PRICE_PER_REQUEST
            ),
            theme.warn,
        )),
        Line::from(format!("Requests this session: {}", state.cost.requests)),
        Line::from(""),
        Line::from(vec![
            Span::styled("y", theme.header),
            Span::raw(" refresh now    "),
            Span::styled("any other key", theme.header),
            Span::raw(" cancel"),
        ]),
    ];
    boxed(frame, area, " refresh cost from Cost Explorer? ", lines, theme);
}
