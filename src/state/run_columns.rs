//! The columns of a job's run history (the runs view).

use super::columns::{Column, Field, SortKey, Text, Tone, Width, when};
use super::{AppState, View};
use crate::cost::estimate::{Prices, glue_run, label};
use crate::duration::short;
use crate::model::JobRun;

type Col = Column<JobRun, AppState>;

/// `jr_0123456789ab…_attempt_1`: enough to tell runs apart in a table.
pub fn short_id(id: &str, width: usize) -> String {
    if id.chars().count() <= width {
        return id.to_string();
    }
    let suffix = id.find("_attempt_").map(|i| &id[i..]).unwrap_or("");
    let keep = width.saturating_sub(suffix.len() + 1).max(4);
    format!("{}…{suffix}", id.chars().take(keep).collect::<String>())
}

/// `*` on a run marked for a batch stop in the runs view in front.
fn mark<'a>(r: &'a JobRun, s: &'a AppState) -> Text<'a> {
    let marked = matches!(s.stack.last(), Some(View::Runs(p)) if p.marked.contains(&r.id));
    Text::toned(if marked { "*" } else { " " }, Tone::Warn)
}

fn dq<'a>(r: &'a JobRun, s: &'a AppState) -> Text<'a> {
    let m = s.joins.dq_mark(&r.id);
    Text::toned(m.mark, if m.bad { Tone::Error } else { Tone::Dim })
}

/// The run's error, else the rule its data failed.
fn error<'a>(r: &'a JobRun, s: &'a AppState) -> Text<'a> {
    let text = r.error_first_line().map(str::to_string).unwrap_or_else(|| s.joins.dq_mark(&r.id).note);
    Text::toned(text, Tone::Warn)
}

/// Mark, run id (16 wide, 28 from 100), state, attempt, started, duration, DQ; 100+:
/// DPU-hours, estimate, trigger; the error. `/` finds the full id and error message.
pub const COLUMNS: &[Column<JobRun, AppState>] = &[
    Col::new("", Width::Len(1), 0, Field::Skip, mark),
    Col::new("RUN ID", Width::Len(16), 0, Field::Skip, |r, _| Text::plain(short_id(&r.id, 16))).until(100),
    Col::new("RUN ID", Width::Len(28), 100, Field::Skip, |r, _| Text::plain(short_id(&r.id, 28))),
    Col::new("STATE", Width::Len(9), 0, Field::State, |r, _| Text::toned(r.state().as_str(), Tone::Run(r.state())))
        .sorted(|r, _| SortKey::Int(i64::from(r.state().severity())), false),
    Col::new("ATT", Width::Len(3), 0, Field::Skip, |r, _| Text::plain(r.attempt.to_string())),
    Col::new("STARTED", Width::Len(11), 0, Field::Skip, |r, _| Text::plain(when(r.started_on)))
        .sorted(|r, _| SortKey::Time(r.started_on), true),
    Col::new("DURATION", Width::Len(8), 0, Field::Skip, |r, s| {
        Text::plain(r.duration_s(s.now).map(short).unwrap_or_else(|| "-".into()))
    })
    .sorted(|r, s| SortKey::Int(r.duration_s(s.now).unwrap_or(-1)), true),
    Col::new("DQ", Width::Len(4), 0, Field::Skip, dq),
    Col::new("DPU-H", Width::Len(6), 100, Field::Skip, |r, _| Text::plain(super::job_columns::dpu(r))),
    Col::new("EST.$", Width::Len(7), 100, Field::Skip, |r, s| {
        Text::plain(label(glue_run(r, &Prices::from_config(&s.settings.config.cost))))
    }),
    Col::new("TRIGGER", Width::Len(18), 100, Field::Text, |r, _| Text::plain(r.trigger_name.as_deref().unwrap_or("-"))),
    Col::new("ERROR", Width::Fill(1), 0, Field::Skip, error),
    Col::new("ID", Width::Hidden, 0, Field::Text, |r, _| Text::plain(&r.id)),
    Col::new("MESSAGE", Width::Hidden, 0, Field::Text, |r, _| Text::plain(r.error_message.as_deref().unwrap_or(""))),
];

#[cfg(test)]
mod tests {
    use super::short_id;

    #[test]
    fn ids_keep_their_attempt_suffix() {
        let id = format!("jr_{}_attempt_1", "a".repeat(64));
        let s = short_id(&id, 28);
        assert!(s.ends_with("_attempt_1") && s.starts_with("jr_aaa"), "{s}");
        assert_eq!(s.chars().count(), 28);
        assert_eq!(short_id("jr_1", 28), "jr_1");
    }
}
