//! A Spark event log in tabs: findings, stages (sortable), jobs, executors, SQL; a stage's
//! task duration distribution (min, p50, p75, max as Spark's history server reports them);
//! `C`: the comparison with the job's last successful run, or with a log typed at the prompt.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Cell, Clear, LineGauge, Paragraph, Row, Wrap};

use crate::eventlog::{Severity, StageSummary, Summary};
use crate::model::RunState;
use crate::state::AppState;
use crate::state::eventlog::{CompareView, EventLogPane, Tab};
use crate::state::stage_columns::{COLUMNS, EXECUTOR_COLUMNS, JOB_COLUMNS, SQL_COLUMNS, bytes, ms};
use crate::ui::theme::Theme;
use crate::ui::widgets::columns::ColumnTable;
use crate::ui::widgets::table;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, pane: &EventLogPane, theme: &Theme) {
    let s = match &pane.summary {
        None => return reading(frame, area, pane, theme),
        Some(Err(e)) => {
            let p = Paragraph::new(e.clone())
                .style(theme.error)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).border_style(theme.border).title(" event log "));
            frame.render_widget(p, area);
            return;
        }
        Some(Ok(s)) => s,
    };
    let [head, tabs, body] =
        Layout::vertical([Constraint::Length(2), Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let app = Line::from(vec![
        Span::styled(format!(" {} ", s.app_name.as_deref().unwrap_or("?")), theme.title),
        Span::raw(format!(
            "{} · Spark {} · {} · {}",
            s.app_id.as_deref().unwrap_or("?"),
            s.spark_version.as_deref().unwrap_or("?"),
            s.user.as_deref().unwrap_or("?"),
            if s.completed() { format!("took {}", ms(s.duration_ms())) } else { "still running or cut short".into() }
        )),
    ]);
    let read = match &pane.loading {
        Some(seen) => Line::from(Span::styled(format!(" reading again: {}", progress_label(seen)), theme.title)),
        None => lines_read(s, theme),
    };
    frame.render_widget(Paragraph::new(vec![app, read]), head);
    tabs_and_body(frame, (tabs, body), state, pane, s, theme);
}

/// The log is being read: what, and how far (bytes of the total, speed, time left) once known.
fn reading(frame: &mut Frame<'_>, area: Rect, pane: &EventLogPane, theme: &Theme) {
    let block = Block::default().borders(Borders::ALL).border_style(theme.border).title(" event log ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [what, bar] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(format!("reading {} …", pane.source.label())), what);
    if let Some(seen) = &pane.loading {
        let ratio = if seen.total == 0 { 0.0 } else { (seen.read as f64 / seen.total as f64).clamp(0.0, 1.0) };
        let gauge = LineGauge::default()
            .filled_symbol("█")
            .unfilled_symbol("░")
            .filled_style(theme.title)
            .unfilled_style(theme.dim)
            .ratio(ratio)
            .label(progress_label(seen));
        frame.render_widget(gauge, bar);
    }
}

/// `45.2 of 210.0 MB · 38.1 MB/s · 4 s left · esc stops`.
fn progress_label(seen: &crate::eventlog::Seen) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    let mut out = format!("{:.1} of {:.1} MB", mb(seen.read), mb(seen.total));
    if let Some(rate) = seen.rate() {
        out.push_str(&format!(" · {:.1} MB/s", rate / 1e6));
    }
    if let Some(left) = seen.left() {
        out.push_str(&format!(" · {} s left", left.as_secs_f64().ceil() as u64));
    }
    out.push_str(" · esc stops ");
    out
}

fn lines_read<'a>(s: &Summary, theme: &Theme) -> Line<'a> {
    Line::from(Span::styled(
        format!(
            " {} lines, {} skipped as unreadable{}",
            s.lines,
            s.skipped_lines,
            if s.truncated_last_line { ", last line cut off" } else { "" }
        ),
        if s.skipped_lines > 0 { theme.warn } else { theme.dim },
    ))
}

fn tabs_and_body(
    frame: &mut Frame<'_>,
    (tabs, body): (Rect, Rect),
    state: &AppState,
    pane: &EventLogPane,
    s: &Summary,
    theme: &Theme,
) {
    let mut spans = Vec::new();
    for t in Tab::ALL {
        let style = if t == pane.tab { theme.selected } else { theme.dim };
        let n = match t {
            Tab::Findings => s.findings.len(),
            Tab::Stages => s.stages.len(),
            Tab::Jobs => s.jobs.len(),
            Tab::Executors => s.executors.len(),
            Tab::Sql => s.sql_executions.len(),
        };
        spans.push(Span::styled(format!(" {} ({n}) ", t.name()), style));
        spans.push(Span::raw(" "));
    }
    if pane.tab == Tab::Stages {
        spans.push(Span::styled(format!(" sort:{}", pane.sort.label()), theme.dim));
    }
    if pane.reference.is_ok() && pane.compare.is_none() {
        spans.push(Span::styled("  C compares with the last successful run", theme.dim));
    }
    let tab_line = match &pane.compare_prompt {
        Some(input) => Line::from(vec![
            Span::styled(" compare with (path or s3://…; enter reads, esc cancels): ", theme.title),
            Span::raw(format!("{input}▏")),
        ]),
        None => Line::from(spans),
    };
    frame.render_widget(Paragraph::new(tab_line), tabs);
    if let Some(cv) = &pane.compare {
        return comparison(frame, body, cv, theme);
    }
    match pane.tab {
        Tab::Findings => findings(frame, body, s, pane, theme),
        Tab::Stages => stages(frame, body, s, pane, theme),
        Tab::Jobs => jobs(frame, body, s, pane, theme),
        Tab::Executors => executors(frame, body, s, pane, theme),
        Tab::Sql => sql(frame, body, s, pane, theme),
    }
    if let (Tab::Stages, Some(_), Some(st)) = (pane.tab, pane.stage_open, pane.selected_stage()) {
        distribution(frame, body, st, theme);
    }
    let _ = state;
}

fn findings(frame: &mut Frame<'_>, area: Rect, s: &Summary, pane: &EventLogPane, theme: &Theme) {
    let rows: Vec<Row<'_>> = s.findings[table::window(&pane.cursor, s.findings.len(), area)]
        .iter()
        .map(|f| {
            let sev = match f.severity {
                Severity::Critical => theme.error,
                Severity::High => theme.state(RunState::Failed),
                Severity::Warning => theme.warn,
            };
            let stage = match (f.stage_id, f.attempt) {
                (Some(id), Some(a)) => format!("{id}.{a}"),
                (Some(id), None) => id.to_string(),
                _ => "-".into(),
            };
            Row::new(vec![
                Cell::from(Span::styled(f.severity.as_str(), sev)),
                Cell::from(f.kind.as_str()),
                Cell::from(stage),
                Cell::from(Line::from(vec![
                    Span::raw(f.message.as_str()),
                    Span::styled(format!(" → {}", f.advice), theme.dim),
                ])),
            ])
        })
        .collect();
    let columns = [
        ("SEVERITY", Constraint::Length(8)),
        ("KIND", Constraint::Length(14)),
        ("STAGE", Constraint::Length(7)),
        ("WHAT AND WHAT TO DO", Constraint::Fill(1)),
    ];
    let title = Line::from(Span::styled(" findings, worst first ", theme.title));
    table::draw(
        frame,
        area,
        table::Spec { title, columns: &columns, cursor: &pane.cursor, len: s.findings.len() },
        rows,
        theme,
    );
}

fn stages(frame: &mut Frame<'_>, area: Rect, s: &Summary, pane: &EventLogPane, theme: &Theme) {
    let title = Line::from(Span::styled(" stages (enter: task durations) ", theme.title));
    let len = pane.stage_order.len();
    let table = ColumnTable { title, columns: COLUMNS, ctx: s, cursor: &pane.cursor, len };
    table.draw(frame, area, theme, |i| pane.stage_order.get(i).and_then(|&i| s.stages.get(i)));
}

fn jobs(frame: &mut Frame<'_>, area: Rect, s: &Summary, pane: &EventLogPane, theme: &Theme) {
    let title = Line::from(Span::styled(" jobs ", theme.title));
    let table = ColumnTable { title, columns: JOB_COLUMNS, ctx: s, cursor: &pane.cursor, len: s.jobs.len() };
    table.draw(frame, area, theme, |i| s.jobs.get(i));
}

fn executors(frame: &mut Frame<'_>, area: Rect, s: &Summary, pane: &EventLogPane, theme: &Theme) {
    let title = Line::from(Span::styled(" executors (times from the application start) ", theme.title));
    let table = ColumnTable { title, columns: EXECUTOR_COLUMNS, ctx: s, cursor: &pane.cursor, len: s.executors.len() };
    table.draw(frame, area, theme, |i| s.executors.get(i));
}

fn sql(frame: &mut Frame<'_>, area: Rect, s: &Summary, pane: &EventLogPane, theme: &Theme) {
    let title = Line::from(Span::styled(" SQL executions ", theme.title));
    let table = ColumnTable { title, columns: SQL_COLUMNS, ctx: s, cursor: &pane.cursor, len: s.sql_executions.len() };
    table.draw(frame, area, theme, |i| s.sql_executions.get(i));
}

/// The comparison's report (B: this log, A: the other), only the lines in view.
fn comparison(frame: &mut Frame<'_>, area: Rect, cv: &CompareView, theme: &Theme) {
    let title = format!(" B: this log · A: {} · ↑↓ scroll · C another log · esc closes ", cv.label);
    let block =
        Block::default().borders(Borders::ALL).border_style(theme.border).title(Span::styled(title, theme.title));
    let rows = usize::from(block.inner(area).height);
    let lines: Vec<Line<'_>> = cv.lines.iter().skip(cv.scroll).take(rows).map(|l| Line::from(l.as_str())).collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A box over the stage table: every number of the stage and its task duration bars.
fn distribution(frame: &mut Frame<'_>, area: Rect, st: &StageSummary, theme: &Theme) {
    let w = area.width.saturating_sub(6).min(90);
    let h = area.height.saturating_sub(2).min(18);
    let rect = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" stage {}.{} · {} ", st.stage_id, st.attempt, st.name), theme.title));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [text, chart] = Layout::horizontal([Constraint::Length(44), Constraint::Min(10)]).areas(inner);
    let lines = vec![
        Line::from(format!(
            "tasks {} of {} done, {} failed, {} killed",
            st.completed_tasks, st.num_tasks, st.failed_tasks, st.killed_tasks
        )),
        Line::from(format!("duration {} · run time {}", ms(st.duration_ms()), ms(Some(st.executor_run_time_ms)))),
        Line::from(format!(
            "CPU {} · GC {}",
            ms(Some(st.executor_cpu_time_ns / 1_000_000)),
            ms(Some(st.jvm_gc_time_ms))
        )),
        Line::from(format!("input {} · output {}", bytes(st.input_bytes), bytes(st.output_bytes))),
        Line::from(format!("shuffle read {} · write {}", bytes(st.shuffle_read_bytes), bytes(st.shuffle_write_bytes))),
        Line::from(format!("fetch wait {}", ms(Some(st.shuffle_fetch_wait_ms)))),
        Line::from(format!("spill memory {} · disk {}", bytes(st.memory_spilled_bytes), bytes(st.disk_spilled_bytes))),
        Line::from(Span::styled(st.failure_reason.clone().unwrap_or_default(), theme.error)),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), text);
    match st.task_duration_ms {
        Some(q) => {
            let bars: Vec<Bar<'_>> = [("min", q.min), ("p50", q.p50), ("p75", q.p75), ("max", q.max)]
                .into_iter()
                .map(|(label, v)| Bar::default().label(Line::from(label)).value(v).text_value(ms(Some(v as i64))))
                .collect();
            let chart_widget = BarChart::default()
                .block(Block::default().title(Span::styled("task duration (ms)", theme.header)))
                .data(BarGroup::default().bars(&bars))
                .bar_width(8)
                .bar_gap(2)
                .bar_style(theme.spark);
            frame.render_widget(chart_widget, chart);
        }
        None => frame.render_widget(Paragraph::new("no task finished in this stage attempt"), chart),
    }
}
