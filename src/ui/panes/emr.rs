//! EMR Serverless: applications, job runs (all or one application), and a run's detail.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Wrap};

use super::when;
use crate::duration::short;
use crate::model::{EmrRun, EmrState, RunState};
use crate::state::AppState;
use crate::state::emr::{EmrDetailPane, fields};
use crate::ui::theme::Theme;
use crate::ui::widgets::{bars, table};

pub fn state_style(theme: &Theme, s: EmrState) -> Style {
    theme.state(match s {
        EmrState::Success => RunState::Succeeded,
        EmrState::Failed => RunState::Failed,
        EmrState::Cancelled | EmrState::Cancelling => RunState::Stopped,
        EmrState::Running => RunState::Running,
        EmrState::Submitted | EmrState::Pending | EmrState::Scheduled | EmrState::Queued => RunState::Waiting,
        EmrState::Unknown => RunState::Unknown,
    })
}

fn app_state_style(theme: &Theme, s: &str) -> Style {
    match s {
        "STARTED" => theme.state(RunState::Succeeded),
        "STARTING" | "STOPPING" | "CREATING" => theme.state(RunState::Waiting),
        "STOPPED" | "CREATED" => theme.dim,
        _ => theme.state(RunState::Failed),
    }
}

pub fn render_apps(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.apps_pane;
    let title = Line::from(vec![
        Span::styled(" EMR Serverless applications ", theme.title),
        Span::styled(format!("[{}/{}] ", pane.visible.len(), state.emr.apps.len()), theme.dim),
    ]);
    let wide = area.width >= 100;
    let rows: Vec<Row<'_>> = pane.visible[table::window(&pane.cursor, pane.visible.len(), area)]
        .iter()
        .filter_map(|&i| state.emr.apps.get(i))
        .map(|a| {
            let cap =
                a.max_capacity.as_ref().map(|c| format!("{} / {}", c.cpu, c.memory)).unwrap_or_else(|| "-".into());
            let init: Vec<String> =
                a.initial_capacity.iter().map(|c| format!("{}×{} {}", c.count, c.worker_type, c.cpu)).collect();
            let mut cells = vec![
                Cell::from(a.name.as_str()),
                Cell::from(a.app_type.as_str()),
                Cell::from(Span::styled(a.state.as_str(), app_state_style(theme, &a.state))),
                Cell::from(state.emr.active_runs_of(&a.id).to_string()),
                Cell::from(cap),
            ];
            if wide {
                cells.extend([
                    Cell::from(a.id.as_str()),
                    Cell::from(a.release_label.as_str()),
                    Cell::from(match a.auto_start {
                        Some(true) => "on",
                        Some(false) => "off",
                        None => "-",
                    }),
                    Cell::from(match a.auto_stop {
                        Some((true, Some(m))) => format!("{m} min"),
                        Some((true, None)) => "on".into(),
                        Some((false, _)) => "off".into(),
                        None => "-".into(),
                    }),
                    Cell::from(if init.is_empty() { "-".into() } else { init.join(", ") }),
                ]);
            }
            Row::new(cells)
        })
        .collect();
    let mut columns = vec![
        ("NAME", Constraint::Length(22)),
        ("TYPE", Constraint::Length(5)),
        ("STATE", Constraint::Length(9)),
        ("ACTIVE", Constraint::Length(6)),
        ("MAX CAPACITY", Constraint::Length(22)),
    ];
    if wide {
        columns.extend([
            ("ID", Constraint::Length(16)),
            ("RELEASE", Constraint::Length(10)),
            ("AUTO START", Constraint::Length(10)),
            ("AUTO STOP", Constraint::Length(9)),
            ("INITIAL", Constraint::Fill(1)),
        ]);
    }
    let spec = table::Spec { title, columns: &columns, cursor: &pane.cursor, len: pane.visible.len() };
    table::draw(frame, area, spec, rows, theme);
    if state.emr.apps.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}

fn usage(r: &EmrRun) -> (String, String) {
    let f = |u: Option<crate::model::Utilization>| {
        u.map(|u| format!("{:.1}/{:.0}/{:.0}", u.vcpu_hours, u.memory_gb_hours, u.storage_gb_hours))
            .unwrap_or_else(|| "-".into())
    };
    (f(r.total), f(r.billed))
}

pub fn render_runs(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.emr_pane;
    let scope = match &state.emr_app {
        Some(id) => format!("of {}", state.emr.app(id).map(|a| a.name.as_str()).unwrap_or(id)),
        None => "of all applications".to_string(),
    };
    let title = Line::from(vec![
        Span::styled(format!(" EMR Serverless runs {scope} "), theme.title),
        Span::styled(format!("[{}] ", pane.visible.len()), theme.dim),
    ]);
    let wide = area.width >= 100;
    // Wide terminals show the run id and the total (not only billed) usage too.
    let full = area.width >= 160;
    let prices = crate::cost::estimate::Prices::from_config(&state.settings.config.cost);
    let rows: Vec<Row<'_>> = pane.visible[table::window(&pane.cursor, pane.visible.len(), area)]
        .iter()
        .filter_map(|&i| state.emr.runs.get(i))
        .map(|r| {
            let s = r.state();
            let (total, billed) = usage(r);
            let mut cells = vec![
                Cell::from(r.name.as_deref().unwrap_or("-")),
                Cell::from(Span::styled(s.as_str(), state_style(theme, s))),
                Cell::from(when(r.created_at)),
                Cell::from(r.duration_s(state.now).map(short).unwrap_or_else(|| "-".into())),
                Cell::from(r.attempt.map(|a| a.to_string()).unwrap_or_else(|| "-".into())),
            ];
            if full {
                cells.extend([Cell::from(r.id.as_str()), Cell::from(total)]);
            }
            if full {
                cells.push(Cell::from(billed));
            }
            if wide {
                cells.push(Cell::from(crate::cost::estimate::label(crate::cost::estimate::emr_run(r, &prices))));
            }
            cells.push(Cell::from(Span::styled(r.details_summary().unwrap_or_default(), theme.warn)));
            Row::new(cells)
        })
        .collect();
    let mut columns = vec![
        ("NAME", Constraint::Length(23)),
        ("STATE", Constraint::Length(10)),
        ("CREATED", Constraint::Length(11)),
        ("DURATION", Constraint::Length(8)),
        ("ATT", Constraint::Length(3)),
    ];
    if wide {
        if full {
            columns.extend([("ID", Constraint::Length(16)), ("USED vCPU/GB/DISK-h", Constraint::Length(19))]);
        }
        if full {
            columns.push(("BILLED vCPU/GB/DISK-h", Constraint::Length(21)));
        }
        columns.push(("EST.$", Constraint::Length(7)));
    }
    columns.push(("DETAILS", Constraint::Fill(1)));
    let spec = table::Spec { title, columns: &columns, cursor: &pane.cursor, len: pane.visible.len() };
    table::draw(frame, area, spec, rows, theme);
    if state.emr.runs.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}

pub fn render_detail(frame: &mut Frame<'_>, area: Rect, state: &AppState, pane: &EmrDetailPane, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" EMR Serverless run {} ", pane.run_id), theme.title));
    let Some(run) = pane.run(&state.emr) else {
        let msg = Paragraph::new(format!("run {} is no longer in the loaded window", pane.run_id))
            .style(theme.warn)
            .block(block);
        frame.render_widget(msg, area);
        return;
    };
    let lines: Vec<Line<'_>> = fields(
        run,
        &state.emr,
        pane.attempts.as_ref(),
        state.now,
        &crate::cost::estimate::Prices::from_config(&state.settings.config.cost),
    )
    .into_iter()
    .skip(pane.scroll)
    .map(|(label, value)| {
        let style = match label.as_str() {
            "State" => state_style(theme, run.state()),
            "State details" => theme.error,
            "Why waiting" => theme.warn,
            _ => Style::default(),
        };
        Line::from(vec![Span::styled(format!("{label:<15}"), theme.header), Span::styled(value, style)])
    })
    .collect();
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
