//! Glue Data Quality: results (failed first in colour) above the evaluation runs, and one
//! result's rules.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::model::{RuleOutcome, RunState};
use crate::state::AppState;
use crate::state::dq_columns::{COLUMNS, EVAL_RUN_COLUMNS, verdict_tone};
use crate::state::quality::{DqDetailPane, DqLine, dq_lines};
use crate::ui::theme::Theme;
use crate::ui::widgets::bars;
use crate::ui::widgets::columns::{ColumnTable, draw_report, style};

fn verdict_style(verdict: &str, theme: &Theme) -> Style {
    style(theme, verdict_tone(verdict))
}

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let runs = &state.dq.runs;
    let runs_h = if runs.is_empty() || area.height < 16 { 0 } else { (runs.len() as u16 + 3).min(area.height / 3) };
    let [top, bottom] = Layout::vertical([Constraint::Min(4), Constraint::Length(runs_h)]).areas(area);
    results(frame, top, state, theme);
    if runs_h > 0 {
        eval_runs(frame, bottom, state, theme);
    }
}

fn results(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.dq_pane;
    let all = &state.dq.results;
    let bad = all.iter().filter(|r| r.is_bad()).count();
    let title = Line::from(vec![
        Span::styled(" Data Quality results ", theme.title),
        Span::styled(format!("[{}/{}] ", pane.visible.len(), all.len()), theme.dim),
        Span::styled(if bad > 0 { format!("{bad} failing ") } else { String::new() }, theme.error),
    ]);
    let table = ColumnTable { title, columns: COLUMNS, ctx: state, cursor: &pane.cursor, len: pane.visible.len() };
    table.draw(frame, area, theme, |i| pane.visible.get(i).and_then(|&i| all.get(i)));
    if all.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}

fn eval_runs(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let title = Line::from(Span::styled(" ruleset evaluation runs ", theme.title));
    draw_report(frame, area, title, (EVAL_RUN_COLUMNS, state), state.dq.runs.iter(), theme);
}

pub fn render_detail(frame: &mut Frame<'_>, area: Rect, state: &AppState, pane: &DqDetailPane, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" data quality result {} ", pane.result_id), theme.title));
    let Some(r) = pane.result(&state.dq) else {
        let msg = Paragraph::new(format!("result {} is no longer in the loaded results", pane.result_id))
            .style(theme.warn)
            .block(block);
        frame.render_widget(msg, area);
        return;
    };
    let lines: Vec<Line<'_>> = dq_lines(r)
        .into_iter()
        .skip(pane.scroll)
        .map(|l| match l {
            DqLine::Field(label, value) => {
                let style = if label == "rules" { verdict_style(r.verdict(), theme) } else { Style::default() };
                Line::from(vec![Span::styled(format!("{label:<13}"), theme.header), Span::styled(value, style)])
            }
            DqLine::Heading(h) => Line::from(Span::styled(h, theme.title)),
            DqLine::Rule(outcome, name) => {
                let style = match outcome {
                    RuleOutcome::Pass => theme.state(RunState::Succeeded),
                    RuleOutcome::Fail | RuleOutcome::Error => theme.state(RunState::Failed),
                    RuleOutcome::Other(_) => theme.dim,
                };
                Line::from(vec![Span::styled(format!("{:<6} ", outcome.as_str()), style), Span::raw(name)])
            }
            DqLine::Message(m) => Line::from(Span::styled(format!("       {m}"), theme.warn)),
            DqLine::Metric(m) => Line::from(Span::styled(format!("       {m}"), theme.dim)),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
