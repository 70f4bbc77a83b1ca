//! Cost by tag from Cost Explorer (cached; biggest movers first, untagged called out) above
//! the per-run estimates of the last 24 hours.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::duration::short;
use crate::state::AppState;
use crate::state::cost_columns::{COLUMNS, ESTIMATE_COLUMNS, money};
use crate::ui::theme::Theme;
use crate::ui::widgets::columns::{ColumnTable, draw_report};

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let estimates = &state.joins.estimates;
    let est_h = if area.height < 18 { 0 } else { (estimates.len() as u16 + 3).clamp(4, area.height / 3) };
    let [head, body, bottom] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(4), Constraint::Length(est_h)]).areas(area);
    header(frame, head, state, theme);
    report_table(frame, body, state, theme);
    if est_h > 0 {
        estimates_table(frame, bottom, state, estimates, theme);
    }
}

fn header(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let c = &state.cost;
    let spent = format!(
        "Cost Explorer requests this session: {} (${:.2})",
        c.requests,
        f64::from(c.requests) * crate::cost::PRICE_PER_REQUEST
    );
    let first = match &c.report {
        Some(r) => {
            let age = short(r.age(state.now).num_seconds().max(0));
            let origin = if r.from_cache { "from cache" } else { "fetched" };
            let ttl = short(state.settings.config.cost.ttl.0.as_secs() as i64);
            Line::from(vec![
                Span::styled(format!(" {} to {} ", r.start, r.end.pred_opt().unwrap_or(r.end)), theme.title),
                Span::styled(
                    format!("{origin}, {age} old (kept {ttl}) · {spent} · ctrl-r refresh (asks first)"),
                    theme.dim,
                ),
            ])
        }
        None if c.loading => {
            Line::from(Span::styled(" loading cost (cache, else one Cost Explorer request)…", theme.dim))
        }
        None => Line::from(Span::styled(format!(" no cost report yet · {spent}"), theme.dim)),
    };
    let mut second = match &c.report {
        Some(r) => {
            let (untagged, share) = r.untagged();
            let yesterday: f64 = c.rows.iter().map(|x| x.yesterday).sum();
            let late = if r.estimated.last().copied().unwrap_or(false) { " (estimated by AWS)" } else { "" };
            let untagged_style = if share > 0.0 { theme.warn } else { theme.dim };
            Line::from(vec![
                Span::raw(format!(
                    " total {} {} · yesterday {}{late} · ",
                    money(r.total()),
                    r.currency,
                    money(yesterday)
                )),
                Span::styled(format!("untagged {} ({:.1} %)", money(untagged), share * 100.0), untagged_style),
            ])
        }
        None => Line::from(""),
    };
    if state.many_contexts() {
        // Cost Explorer answers per account: the cost context's (narrow with :ctx for another).
        let ctx = state.ctx(state.cost_ctx());
        let who = ctx.account.as_deref().unwrap_or("?");
        second.spans.insert(0, Span::styled(format!(" {} ({who})", ctx.name), theme.palette(ctx.color)));
    }
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}

fn report_table(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let c = &state.cost;
    let group = c.report.as_ref().map(|r| r.group_by.join(", ")).unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(format!(" daily cost by {group} "), theme.title),
        Span::styled(format!("[{}] biggest movers first ", c.rows.len()), theme.dim),
    ]);
    let table = ColumnTable { title, columns: COLUMNS, ctx: state, cursor: &c.cursor, len: c.rows.len() };
    table.draw(frame, area, theme, |i| c.rows.get(i));
    if c.rows.is_empty() {
        let text = match (&state.status(crate::poll::SourceId::Cost).error, c.loading, &c.report) {
            (Some(e), _, _) => format!("no cost data: {}", e.message),
            (None, true, _) => "loading…".into(),
            (None, false, Some(_)) => "Cost Explorer reports no cost for these services in this period".into(),
            (None, false, None) => "no report".into(),
        };
        let y = area.y + area.height / 2;
        let rect = Rect { x: area.x + 2, y, width: area.width.saturating_sub(4), height: 1 };
        frame.render_widget(Paragraph::new(text).alignment(ratatui::layout::Alignment::Center), rect);
    }
}

fn estimates_table(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    rows: &[crate::cost::estimate::EstimateRow],
    theme: &Theme,
) {
    let prices = &state.settings.config.cost;
    let title = Line::from(vec![
        Span::styled(" estimated now from runs started in the last 24 h ", theme.title),
        Span::styled(
            format!(
                "(estimates: Glue ${}/DPU-h, EMR ${}/vCPU-h + ${}/GB-h) ",
                prices.glue_dpu_hour, prices.emr_vcpu_hour, prices.emr_gb_hour
            ),
            theme.dim,
        ),
    ]);
    draw_report(frame, area, title, (ESTIMATE_COLUMNS, state), rows.iter(), theme);
}
