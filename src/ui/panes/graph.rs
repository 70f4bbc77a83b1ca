//! The graph of one workflow run: triggers, jobs and crawlers laid out by dependency
//! (left to right), edges drawn with box characters, each node coloured by its state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::duration::short;
use crate::model::{Graph, Node, NodeKind, NodeState, RunState};
use crate::state::AppState;
use crate::state::catalog::GraphPane;
use crate::state::graph::layers;
use crate::ui::theme::Theme;

const GAP: usize = 5;
/// Rows per node: its name, its state, a blank line.
const ROWS: usize = 3;
const MAX_LABEL: usize = 36;
const UP: u8 = 1;
const DOWN: u8 = 2;
const LEFT: u8 = 4;
const RIGHT: u8 = 8;

/// The prefix every node name shares up to an `_` (the stream, usually): not repeated per node.
pub fn common_prefix(g: &Graph) -> String {
    let mut names = g.nodes.iter().map(|n| n.name.as_str());
    let Some(first) = names.next() else { return String::new() };
    let mut len = first.len();
    for n in names {
        len = len.min(first.bytes().zip(n.bytes()).take_while(|(a, b)| a == b).count());
    }
    match first[..len].rfind('_') {
        Some(i) if g.nodes.len() > 1 => first[..=i].to_string(),
        _ => String::new(),
    }
}

/// Two lines per node: marker and name, then its state in this run.
fn label(n: &Node, prefix: &str) -> (String, String) {
    let name = n.name.strip_prefix(prefix).unwrap_or(&n.name);
    let marker = match n.kind {
        Some(NodeKind::Trigger) => '◆',
        Some(NodeKind::Crawler) => '⌕',
        _ => '▣',
    };
    let top: String = format!("{marker} {name}").chars().take(MAX_LABEL).collect();
    (top, format!("  {}", n.state.label()))
}

fn node_style(theme: &Theme, n: &Node) -> Style {
    match &n.state {
        NodeState::Job(s) => theme.state(*s),
        NodeState::Crawl(s) if s == "SUCCEEDED" => theme.state(RunState::Succeeded),
        NodeState::Crawl(s) if s == "RUNNING" => theme.state(RunState::Running),
        NodeState::Crawl(_) => theme.state(RunState::Failed),
        NodeState::Fired => theme.title,
        NodeState::NotRun => theme.dim,
    }
}

fn edge_char(bits: u8) -> char {
    match bits {
        b if b == LEFT | RIGHT || b == LEFT || b == RIGHT => '─',
        b if b == UP | DOWN || b == UP || b == DOWN => '│',
        b if b == DOWN | RIGHT => '┌',
        b if b == DOWN | LEFT => '┐',
        b if b == UP | RIGHT => '└',
        b if b == UP | LEFT => '┘',
        b if b == UP | DOWN | RIGHT => '├',
        b if b == UP | DOWN | LEFT => '┤',
        b if b == LEFT | RIGHT | DOWN => '┬',
        b if b == LEFT | RIGHT | UP => '┴',
        0 => ' ',
        _ => '┼',
    }
}

/// Where each node sits: (x, y, name line, state line) per node index; and the grid's size.
struct Placed {
    at: Vec<Option<(usize, usize, String, String)>>,
    width: usize,
    height: usize,
    layer_end: Vec<usize>,
    layer_of: Vec<usize>,
}

fn place(g: &Graph) -> Placed {
    let ls = layers(g);
    let prefix = common_prefix(g);
    let mut at = vec![None; g.nodes.len()];
    let mut layer_of = vec![0; g.nodes.len()];
    let tallest = ls.iter().map(Vec::len).max().unwrap_or(0);
    let mut x = 1;
    let mut layer_end = Vec::new();
    for (li, layer) in ls.iter().enumerate() {
        let labels: Vec<(String, String)> = layer.iter().map(|&i| label(&g.nodes[i], &prefix)).collect();
        let w = labels.iter().map(|(a, b)| a.chars().count().max(b.chars().count())).max().unwrap_or(0);
        // Centre short layers against the tallest one.
        let top = (tallest - layer.len()) * ROWS / 2;
        for (k, (&i, (a, b))) in layer.iter().zip(labels).enumerate() {
            at[i] = Some((x, top + ROWS * k, a, b));
            layer_of[i] = li;
        }
        layer_end.push(x + w);
        x += w + GAP;
    }
    Placed { at, width: x, height: tallest * ROWS, layer_end, layer_of }
}

/// A horizontal edge segment from `x1` to `x2` on one row.
fn h_line(row: &mut [u8], x1: usize, x2: usize) {
    let (lo, hi) = (x1.min(x2), x1.max(x2).min(row.len().saturating_sub(1)));
    for (x, cell) in row.iter_mut().enumerate().take(hi + 1).skip(lo) {
        if x > lo {
            *cell |= LEFT;
        }
        if x < hi {
            *cell |= RIGHT;
        }
    }
}

/// Draw the graph into styled lines, `scroll_x` columns cut off on the left.
fn draw(g: &Graph, selected: Option<usize>, theme: &Theme, scroll_x: usize) -> (Vec<Line<'static>>, Placed) {
    let p = place(g);
    let (w, h) = (p.width.max(1), p.height.max(1));
    let mut bits = vec![vec![0u8; w]; h];
    let index: std::collections::HashMap<&str, usize> =
        g.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut arrows = Vec::new();
    for (s, d) in &g.edges {
        let (Some(&a), Some(&b)) = (index.get(s.as_str()), index.get(d.as_str())) else { continue };
        let (Some((xa, ya, la, lb)), Some((xb, yb, _, _))) = (&p.at[a], &p.at[b]) else { continue };
        if p.layer_of[b] <= p.layer_of[a] || *xb < 3 {
            continue;
        }
        let start = xa + la.chars().count().max(lb.chars().count()) + 1;
        let mid = p.layer_end[p.layer_of[b] - 1] + GAP / 2;
        let end = xb - 2;
        h_line(&mut bits[*ya], start, mid);
        h_line(&mut bits[*yb], mid, end);
        let (top, bottom) = ((*ya).min(*yb), (*ya).max(*yb));
        for (y, row) in bits.iter_mut().enumerate().take(bottom + 1).skip(top) {
            if y > top {
                row[mid] |= UP;
            }
            if y < bottom {
                row[mid] |= DOWN;
            }
        }
        arrows.push((end, *yb));
    }
    let mut cells: Vec<Vec<(char, Style)>> =
        bits.iter().map(|row| row.iter().map(|b| (edge_char(*b), theme.dim)).collect()).collect();
    for (x, y) in arrows {
        cells[y][x] = ('▶', theme.dim);
    }
    for (i, placed) in p.at.iter().enumerate() {
        let Some((x, y, top, bottom)) = placed else { continue };
        let mut style = node_style(theme, &g.nodes[i]);
        if selected == Some(i) {
            style = style.add_modifier(Modifier::REVERSED);
        }
        for (dy, text) in [(0, top), (1, bottom)] {
            for (k, ch) in text.chars().enumerate() {
                if let Some(cell) = cells.get_mut(y + dy).and_then(|row| row.get_mut(x + k)) {
                    *cell = (ch, style);
                }
            }
        }
    }
    let lines = cells
        .into_iter()
        .map(|row| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            let mut cur = String::new();
            let mut cur_style = Style::default();
            for (ch, st) in row.into_iter().skip(scroll_x) {
                if st != cur_style && !cur.is_empty() {
                    spans.push(Span::styled(std::mem::take(&mut cur), cur_style));
                }
                cur_style = st;
                cur.push(ch);
            }
            spans.push(Span::styled(cur, cur_style));
            Line::from(spans)
        })
        .collect();
    (lines, p)
}

fn g_of(run: &crate::model::WorkflowRun) -> &Graph {
    static EMPTY: Graph = Graph { nodes: Vec::new(), edges: Vec::new() };
    run.graph.as_ref().unwrap_or(&EMPTY)
}

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, pane: &GraphPane, theme: &Theme) {
    let [graph_area, info_area] = Layout::vertical([Constraint::Min(3), Constraint::Length(8)]).areas(area);
    let run = &pane.run;
    let title = Line::from(vec![
        Span::styled(format!(" {} run {} ", run.workflow, run.id), theme.title),
        Span::styled(
            match common_prefix(g_of(run)) {
                p if p.is_empty() => String::new(),
                p => format!("(nodes: {p}…) "),
            },
            theme.dim,
        ),
        Span::styled(format!("{} ", super::workflows::status_text(run)), super::workflows::status_style(theme, run)),
    ]);
    let block = Block::default().borders(Borders::ALL).border_style(theme.border).title(title);
    let Some(g) = &run.graph else {
        frame.render_widget(
            Paragraph::new("this run has no graph (GetWorkflowRuns without IncludeGraph?)").block(block),
            graph_area,
        );
        return;
    };
    let order = pane.order();
    let selected = order.get(pane.selected).copied();
    let inner_w = usize::from(graph_area.width.saturating_sub(2));
    let p = place(g);
    let scroll_x = selected
        .and_then(|i| p.at[i].as_ref())
        .map(|(x, _, l, _)| (x + l.chars().count() + 2).saturating_sub(inner_w))
        .unwrap_or(0);
    let (lines, _) = draw(g, selected, theme, scroll_x);
    frame.render_widget(Paragraph::new(lines).block(block), graph_area);

    let mut info = vec![Line::from(vec![
        Span::styled("run ", theme.header),
        Span::raw(format!(
            "started {} · took {} · nodes {} ok {} failed {} running {}",
            run.started_on.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_else(|| "-".into()),
            run.duration_s(state.now).map(short).unwrap_or_else(|| "-".into()),
            run.statistics.total,
            run.statistics.succeeded,
            run.statistics.failed,
            run.statistics.running,
        )),
    ])];
    let props: Vec<String> =
        run.properties.iter().map(|(k, v)| format!("{k}={}", crate::secrets::shown_value(k, v))).collect();
    info.push(Line::from(vec![
        Span::styled("properties ", theme.header),
        Span::raw(if props.is_empty() { "-".into() } else { props.join("  ") }),
    ]));
    if let Some(n) = selected.and_then(|i| g.nodes.get(i)) {
        info.push(Line::from(vec![
            Span::styled("node ", theme.header),
            Span::styled(format!("{} {} ", n.kind.map(|k| k.as_str()).unwrap_or("?"), n.name), node_style(theme, n)),
            Span::raw(format!("· {}", n.state.label())),
            Span::styled(n.trigger_type.as_ref().map(|t| format!(" · {t}")).unwrap_or_default(), theme.dim),
            Span::styled(n.job_run.as_ref().map(|r| format!(" · run {}", r.id)).unwrap_or_default(), theme.dim),
        ]));
        if let Some(e) = &n.error {
            info.push(Line::from(Span::styled(e.clone(), theme.error)));
        }
    }
    let km = &state.settings.keymap;
    let mut hint = format!("↑↓ node · {} open the job run", km.hint(crate::keymap::Action::Open));
    if !state.context.read_only {
        hint.push_str(&format!(
            " · {} resume failed nodes · {} stop · {} rerun the job",
            km.hint(crate::keymap::Action::Resume),
            km.hint(crate::keymap::Action::Stop),
            km.hint(crate::keymap::Action::Rerun)
        ));
    }
    info.push(Line::from(Span::styled(hint, theme.dim)));
    let block = Block::default().borders(Borders::ALL).border_style(theme.border);
    frame.render_widget(Paragraph::new(info).block(block).wrap(Wrap { trim: true }), info_area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_characters_join() {
        assert_eq!(edge_char(LEFT | RIGHT), '─');
        assert_eq!(edge_char(DOWN | LEFT), '┐');
        assert_eq!(edge_char(UP | DOWN | RIGHT), '├');
        assert_eq!(edge_char(UP | DOWN | LEFT | RIGHT), '┼');
    }
}
