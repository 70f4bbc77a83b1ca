//! The cost pane's report table: one row per tag group, biggest movers first.

use super::AppState;
use super::columns::{Column, Field, Text, Tone, Width};
use crate::cost::CostRow;
use crate::cost::estimate::{EstimateRow, label};
use crate::model::RunState;

type Col = Column<CostRow, AppState>;
type EstCol = Column<EstimateRow, AppState>;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One bar per day, scaled to the row's own maximum.
pub fn spark(values: &[f64], width: usize) -> String {
    let values = &values[values.len().saturating_sub(width)..];
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    values
        .iter()
        .map(|v| if max <= 0.0 { ' ' } else { BARS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize] })
        .collect()
}

/// An amount: cents below 10,000, whole units above.
pub fn money(v: f64) -> String {
    if v.abs() >= 10_000.0 { format!("{v:.0}") } else { format!("{v:.2}") }
}

/// Days in the report (the width of the daily bars).
fn days(s: &AppState) -> usize {
    s.cost.report.as_ref().map(|r| r.days.len()).unwrap_or(0)
}

fn change(r: &CostRow) -> Text<'_> {
    let tone = match r.change_ratio {
        Some(x) if x >= 0.5 => Tone::Error,
        Some(x) if x >= 0.2 => Tone::Warn,
        Some(x) if x <= -0.2 => Tone::Run(RunState::Succeeded),
        _ => Tone::Plain,
    };
    let text = match r.change_ratio {
        Some(x) => format!("{:+.2} ({:+.0}%)", r.change, x * 100.0),
        None => format!("{:+.2}", r.change),
    };
    Text::toned(text, tone)
}

/// Group, total, yesterday, mean per day, change against the mean, a bar per day.
pub const COLUMNS: &[Col] = &[
    Col::new("GROUP", Width::Fill(2), 0, Field::Text, |r, _| {
        Text::toned(r.label.as_str(), if r.untagged { Tone::Warn } else { Tone::Plain })
    }),
    Col::new("TOTAL", Width::Len(9), 0, Field::Skip, |r, _| Text::plain(money(r.total))),
    Col::new("YESTERDAY", Width::Len(9), 0, Field::Skip, |r, _| Text::plain(money(r.yesterday))),
    Col::new("MEAN/DAY", Width::Len(9), 0, Field::Skip, |r, _| Text::plain(money(r.mean))),
    Col::new("CHANGE", Width::Len(16), 0, Field::Skip, |r, _| change(r)),
    Col::new("DAILY", Width::Len(5), 0, Field::Skip, |r, s| Text::toned(spark(&r.daily, days(s)), Tone::Spark))
        .sized_by(|s| days(s).clamp(5, 31) as u16),
];

/// The run estimates under the report: tag group, runs, estimated cost, runs without figures.
pub const ESTIMATE_COLUMNS: &[EstCol] = &[
    EstCol::new("GROUP", Width::Fill(2), 0, Field::Text, |r, s| Text::plain(r.label(&s.settings.config.cost.group_by))),
    EstCol::new("RUNS", Width::Len(6), 0, Field::Skip, |r, _| Text::plain(r.runs.to_string())),
    EstCol::new("EST. COST", Width::Len(10), 0, Field::Skip, |r, _| Text::plain(label(Some(r.cost)))),
    EstCol::new("", Width::Fill(1), 0, Field::Skip, |r, _| {
        let unknown = if r.unknown > 0 { format!("{} without figures", r.unknown) } else { String::new() };
        Text::toned(unknown, Tone::Dim)
    }),
];
