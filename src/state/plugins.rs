//! What a plugin sees: the scope it runs in (the pane or view in front) and the selected
//! row's fields as `BATCHTOP_*` environment variables. Pure: read from the state only.
//!
//! Every scope: BATCHTOP_SCOPE, BATCHTOP_CONTEXT, BATCHTOP_PROFILE, BATCHTOP_REGION,
//! BATCHTOP_ACCOUNT, BATCHTOP_READ_ONLY (`1` or `0`). Then, by scope:
//!
//! | scope | variables |
//! |---|---|
//! | jobs | JOB, STREAM, RUN_ID and STATE of the newest run |
//! | runs, run | JOB, STREAM, RUN_ID, STATE, ERROR |
//! | workflows | WORKFLOW, WORKFLOW_RUN_ID (the last run) |
//! | workflow-runs | WORKFLOW, WORKFLOW_RUN_ID |
//! | graph | WORKFLOW, WORKFLOW_RUN_ID, NODE, and JOB, RUN_ID, STATE of a job node that ran |
//! | crawlers | CRAWLER |
//! | apps | APPLICATION_ID, APPLICATION |
//! | emr, emr-run | APPLICATION_ID, RUN_ID, JOB (the run's name), STATE |
//! | dq, dq-result | DQ_RESULT_ID, RULESET, DATABASE, TABLE, JOB, RUN_ID |
//! | inbox | RESOURCE, ITEM_SOURCE, CATEGORY, SEVERITY, STREAM, RUN_ID, and JOB, WORKFLOW, CRAWLER or APPLICATION_ID by what it is |
//! | ctx, cost | the common ones |

use super::{Active, AppState, Pane, View};
use crate::triage::inbox::ItemSource;

/// A plugin run, ready: what to start, with what environment, and what it runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginRun {
    /// The plugin's description (or command), for messages.
    pub name: String,
    pub program: String,
    pub args: Vec<String>,
    /// `BATCHTOP_*` variables, added to batchtop's own environment.
    pub env: Vec<(String, String)>,
    pub background: bool,
    /// What it runs on, in words (`orders_curate jr_0123…`), for the confirmation.
    pub target: String,
}

/// The scope in front: a root pane by its `:` name, or the view on top.
pub fn scope(state: &AppState) -> &'static str {
    match state.active() {
        Active::Pane(p) => p.name(),
        Active::View(v) => match v {
            View::Runs(_) => "runs",
            View::Detail(_) => "run",
            View::WorkflowRuns(_) => "workflow-runs",
            View::Graph(_) => "graph",
            View::EmrDetail(_) => "emr-run",
            View::DqDetail(_) => "dq-result",
            View::EventLog(_) => "eventlog",
            View::Logs(_) => "logs",
            View::Changes(_) => "changes",
            View::Stream(_) => "stream",
        },
    }
}

type Vars = Vec<(&'static str, String)>;

fn put(vars: &mut Vars, name: &'static str, value: Option<&str>) {
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        vars.push((name, v.to_string()));
    }
}

/// The environment of a plugin run in front: the common variables, then the selected row's.
/// `None` when the scope has rows but none is selected.
pub fn env(state: &AppState) -> Option<Vec<(String, String)>> {
    let scope = scope(state);
    let c = state.ctx(state.focus_ctx());
    let mut vars: Vars = vec![("BATCHTOP_SCOPE", scope.to_string())];
    put(&mut vars, "BATCHTOP_CONTEXT", Some(&c.name));
    put(&mut vars, "BATCHTOP_PROFILE", Some(c.profile.as_deref().unwrap_or("default")));
    put(&mut vars, "BATCHTOP_REGION", Some(&c.region));
    put(&mut vars, "BATCHTOP_ACCOUNT", c.account.as_deref().or(state.context.account.as_deref()));
    let read_only = state.context.read_only || c.read_only;
    vars.push(("BATCHTOP_READ_ONLY", if read_only { "1" } else { "0" }.into()));
    let found = match state.stack.last() {
        None => root_row(state, &mut vars),
        Some(v) => view_row(state, v, &mut vars),
    };
    found.then(|| vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn glue_run(vars: &mut Vars, job: &str, run: Option<&crate::model::JobRun>) {
    put(vars, "BATCHTOP_JOB", Some(job));
    if let Some(r) = run {
        put(vars, "BATCHTOP_RUN_ID", Some(&r.id));
        put(vars, "BATCHTOP_STATE", r.state.map(|s| s.as_str()));
    }
}

fn stream_of(state: &AppState, ctx: usize, job: &str) -> Option<String> {
    state.data.jobs.iter().find(|j| j.ctx == ctx && j.job.name == job).and_then(|j| j.stream.clone())
}

/// The selected row of a root pane; false when nothing is selected.
fn root_row(state: &AppState, vars: &mut Vars) -> bool {
    match state.root {
        Pane::Jobs => state.jobs.selected(&state.data).map(|j| {
            glue_run(vars, &j.job.name, j.last_run());
            put(vars, "BATCHTOP_STREAM", j.stream.as_deref());
        }),
        Pane::Workflows => state.wf_pane.selected().and_then(|i| state.workflows.get(i)).map(|w| {
            put(vars, "BATCHTOP_WORKFLOW", Some(&w.name));
            put(vars, "BATCHTOP_WORKFLOW_RUN_ID", w.last_run.as_ref().map(|r| r.id.as_str()));
        }),
        Pane::Crawlers => state
            .cr_pane
            .selected()
            .and_then(|i| state.crawlers.get(i))
            .map(|c| put(vars, "BATCHTOP_CRAWLER", Some(&c.name))),
        Pane::Apps => state.apps_pane.selected().and_then(|i| state.emr.apps.get(i)).map(|a| {
            put(vars, "BATCHTOP_APPLICATION_ID", Some(&a.id));
            put(vars, "BATCHTOP_APPLICATION", Some(&a.name));
        }),
        Pane::Emr => state.emr_pane.selected().and_then(|i| state.emr.runs.get(i)).map(|r| emr_run(vars, r)),
        Pane::Dq => state.dq_pane.selected().and_then(|i| state.dq.results.get(i)).map(|r| dq_result(vars, r)),
        Pane::Inbox => {
            state.inbox_pane.selected().and_then(|i| state.inbox.items.get(i)).map(|it| inbox_item(vars, it))
        }
        Pane::Streams => state
            .streams_pane
            .selected()
            .and_then(|i| state.streams.rows.get(i))
            .map(|s| put(vars, "BATCHTOP_STREAM", Some(&s.name))),
        Pane::Ctx | Pane::Cost => Some(()),
    }
    .is_some()
}

fn emr_run(vars: &mut Vars, r: &crate::model::EmrRun) {
    put(vars, "BATCHTOP_APPLICATION_ID", Some(&r.app_id));
    put(vars, "BATCHTOP_RUN_ID", Some(&r.id));
    put(vars, "BATCHTOP_JOB", r.name.as_deref());
    put(vars, "BATCHTOP_STATE", r.state.map(|s| s.as_str()));
}

fn dq_result(vars: &mut Vars, r: &crate::model::DqResult) {
    put(vars, "BATCHTOP_DQ_RESULT_ID", Some(&r.id));
    put(vars, "BATCHTOP_RULESET", r.ruleset.as_deref());
    put(vars, "BATCHTOP_DATABASE", r.database.as_deref());
    put(vars, "BATCHTOP_TABLE", r.table.as_deref());
    put(vars, "BATCHTOP_JOB", r.job_name.as_deref());
    put(vars, "BATCHTOP_RUN_ID", r.job_run_id.as_deref());
}

fn inbox_item(vars: &mut Vars, it: &crate::triage::inbox::Item) {
    put(vars, "BATCHTOP_RESOURCE", Some(&it.resource));
    put(vars, "BATCHTOP_ITEM_SOURCE", Some(it.source.as_str()));
    put(vars, "BATCHTOP_CATEGORY", Some(it.class.category.as_str()));
    put(vars, "BATCHTOP_SEVERITY", Some(it.severity.as_str()));
    put(vars, "BATCHTOP_STREAM", it.stream.as_deref());
    put(vars, "BATCHTOP_RUN_ID", it.run_id.as_deref());
    let what = match it.source {
        ItemSource::GlueJob | ItemSource::LongRunning => Some("BATCHTOP_JOB"),
        ItemSource::Workflow => Some("BATCHTOP_WORKFLOW"),
        ItemSource::Crawler => Some("BATCHTOP_CRAWLER"),
        ItemSource::EmrJob | ItemSource::EmrWaiting => Some("BATCHTOP_APPLICATION_ID"),
        ItemSource::Dq | ItemSource::SourceError => None,
    };
    if let Some(name) = what {
        // An EMR item is `application/job`.
        put(vars, name, it.resource.split('/').next());
    }
}

/// The selected row of the view on top; false when nothing is selected.
fn view_row(state: &AppState, view: &View, vars: &mut Vars) -> bool {
    match view {
        View::Runs(r) => r.selected(&state.data).map(|run| {
            glue_run(vars, &r.job, Some(run));
            put(vars, "BATCHTOP_ERROR", run.error_message.as_deref());
            put(vars, "BATCHTOP_STREAM", stream_of(state, r.ctx, &r.job).as_deref());
        }),
        View::Detail(d) => d.run(&state.data).map(|run| {
            glue_run(vars, &d.job, Some(run));
            put(vars, "BATCHTOP_ERROR", run.error_message.as_deref());
            put(vars, "BATCHTOP_STREAM", stream_of(state, d.ctx, &d.job).as_deref());
        }),
        View::WorkflowRuns(w) => w.selected().map(|run| {
            put(vars, "BATCHTOP_WORKFLOW", Some(&w.workflow));
            put(vars, "BATCHTOP_WORKFLOW_RUN_ID", Some(&run.id));
        }),
        View::Graph(g) => g.selected_node().map(|n| {
            put(vars, "BATCHTOP_WORKFLOW", Some(&g.run.workflow));
            put(vars, "BATCHTOP_WORKFLOW_RUN_ID", Some(&g.run.id));
            put(vars, "BATCHTOP_NODE", Some(&n.name));
            if let Some(run) = &n.job_run {
                glue_run(vars, &run.job_name, Some(run));
            }
        }),
        View::EmrDetail(d) => d.run(&state.emr).map(|r| emr_run(vars, r)),
        View::DqDetail(d) => d.result(&state.dq).map(|r| dq_result(vars, r)),
        View::Stream(v) => {
            put(vars, "BATCHTOP_STREAM", Some(&v.name));
            Some(())
        }
        View::EventLog(_) | View::Logs(_) | View::Changes(_) => None,
    }
    .is_some()
}

/// What a plugin runs on, in words: the most specific names among its variables.
pub fn target(env: &[(String, String)]) -> String {
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let parts: Vec<&str> = [
        "BATCHTOP_JOB",
        "BATCHTOP_WORKFLOW",
        "BATCHTOP_CRAWLER",
        "BATCHTOP_APPLICATION_ID",
        "BATCHTOP_DQ_RESULT_ID",
        "BATCHTOP_RUN_ID",
        "BATCHTOP_WORKFLOW_RUN_ID",
    ]
    .iter()
    .filter_map(|k| get(k))
    .collect();
    match parts.is_empty() {
        true => format!("context {}", get("BATCHTOP_CONTEXT").unwrap_or("?")),
        false => parts.join(" "),
    }
}

/// `$BATCHTOP_X` and `${BATCHTOP_X}` in `arg` replaced by their values (other text is left
/// as written; an unknown variable becomes empty, as in a shell).
pub fn expand(arg: &str, env: &[(String, String)]) -> String {
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(at) = rest.find("$") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, skip) = match after.strip_prefix('{') {
            Some(inner) => match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        if name.starts_with("BATCHTOP_") {
            out.push_str(env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or(""));
            rest = &after[skip..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn only_batchtop_variables_are_expanded() {
        let env = vec![("BATCHTOP_JOB".to_string(), "orders".to_string())];
        assert_eq!(expand("--job-name=$BATCHTOP_JOB", &env), "--job-name=orders");
        assert_eq!(expand("${BATCHTOP_JOB}_x $HOME $BATCHTOP_NOPE.", &env), "orders_x $HOME .");
        assert_eq!(expand("cost: $5 ${", &env), "cost: $5 ${");
    }
}
