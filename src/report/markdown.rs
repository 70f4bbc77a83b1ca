//! The report as markdown: headings, short lists and tables that paste well into Slack,
//! GitHub or a wiki. Times are UTC and say so.

use std::fmt::Write as _;

use super::{Action, FailedRun, Problem, Report};

/// Characters of a run id and of an error in the failed runs table (in full below it).
const RUN_ID: usize = 20;
const ERROR: usize = 120;

/// Text for one table cell: one line, `|` escaped, at most `max` characters.
fn cell(text: &str, max: usize) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|");
    if one.chars().count() <= max {
        return one;
    }
    let cut: String = one.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// `2026-01-02T03:04:05Z` as `2026-01-02 03:04:05`.
fn when(t: Option<&str>) -> String {
    t.map(|t| t.trim_end_matches('Z').replace('T', " ")).unwrap_or_else(|| "-".into())
}

pub fn to_markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# batchtop incident notes, {} UTC\n", when(Some(&r.generated_at)));
    let _ = writeln!(out, "- taken: {} UTC", when(Some(&r.generated_at)));
    let _ = writeln!(out, "- failed runs since: {} UTC", when(Some(&r.since)));
    let _ = writeln!(out, "- actions since: {} UTC", when(Some(&r.actions_since)));
    for c in &r.contexts {
        let account = c.account.as_deref().unwrap_or("?");
        let _ = writeln!(out, "- context: {} ({}, account {account})", c.name, c.place);
    }
    if let Some(s) = &r.on_screen {
        let _ = writeln!(out, "- on screen: {s}");
    }
    problems(&mut out, &r.problems);
    failed_runs(&mut out, &r.failed_runs);
    actions(&mut out, &r.actions);
    if !r.unread.is_empty() {
        let _ = writeln!(out, "\n## Could not read\n");
        for (ctx, source, message) in &r.unread {
            let _ = writeln!(out, "- {ctx} {source}: {message}");
        }
    }
    out
}

fn problems(out: &mut String, list: &[Problem]) {
    let open = list.iter().filter(|p| p.status == "open").count();
    let critical = list.iter().filter(|p| p.status == "open" && p.severity == "critical").count();
    let _ = writeln!(out, "\n## Open problems ({open} open, {critical} critical)\n");
    if list.is_empty() {
        let _ = writeln!(out, "Nothing is open.");
    }
    for p in list {
        let status = if p.status == "open" { String::new() } else { format!(", {}", p.status) };
        let _ =
            writeln!(out, "### {} {} `{}`: {}{status}\n", p.severity.to_uppercase(), p.source, p.resource, p.category);
        let mut facts = vec![format!("context {}", p.context)];
        facts.extend(p.stream.as_ref().map(|s| format!("stream {s}")));
        facts.extend(p.run_id.as_ref().map(|r| format!("run `{r}`")));
        facts.push(format!("failures: {}", p.count));
        let _ = writeln!(out, "- {}", facts.join(" · "));
        let _ = writeln!(out, "- seen: {} to {} UTC", when(p.first_seen.as_deref()), when(p.last_seen.as_deref()));
        let _ = writeln!(out, "- what: {}", cell(&p.summary, 400));
        // Evidence from the error message is the "what" line again.
        if let Some((source, line)) = p.evidence.as_ref().filter(|(s, _)| s != crate::triage::MESSAGE_SOURCE) {
            let _ = writeln!(out, "- evidence ({source}): `{}`", cell(line, 300).replace('`', "'"));
        }
        let _ = writeln!(out, "- advice: {}", p.advice);
        if !p.blocks.is_empty() {
            let _ = writeln!(out, "- blocks: {}", p.blocks.join(", "));
        }
        if let Some(n) = p.note.as_ref().filter(|n| !n.is_empty()) {
            let _ = writeln!(out, "- note: {n}");
        }
        out.push('\n');
    }
}

fn failed_runs(out: &mut String, runs: &[FailedRun]) {
    let _ = writeln!(out, "\n## Failed runs ({})\n", runs.len());
    if runs.is_empty() {
        let _ = writeln!(out, "None in the window.");
        return;
    }
    let _ = writeln!(out, "| started (UTC) | context | job | run | state | error |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for r in runs {
        let error = r.error.as_deref().map(|e| cell(e, ERROR)).unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | `{}` | {} | {error} |",
            when(r.started.as_deref()),
            cell(&r.context, 40),
            cell(&r.job, 60),
            cell(&r.run_id, RUN_ID),
            r.state
        );
    }
    // In full: the errors the table cut, and the first exceptions.
    let cut = |e: &str| e.trim().contains('\n') || e.chars().count() > ERROR;
    for r in runs.iter().filter(|r| r.error.as_deref().is_some_and(cut) || r.first_exception.is_some()) {
        let _ = writeln!(out, "\n### {} `{}` ({}, {})\n", r.job, r.run_id, r.service, r.state);
        if let Some(e) = &r.error {
            let _ = writeln!(out, "```\n{}\n```", e.trim().replace("```", "'''"));
        }
        if let Some(x) = &r.first_exception {
            let _ = writeln!(out, "first exception: `{}`", cell(x, 300).replace('`', "'"));
        }
    }
}

fn actions(out: &mut String, list: &[Action]) {
    let _ = writeln!(out, "\n## Actions ({})\n", list.len());
    if list.is_empty() {
        let _ = writeln!(out, "None recorded in the audit log.");
        return;
    }
    let _ = writeln!(out, "| time (UTC) | phase | by | call | target | result |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for a in list {
        let by = a.caller.clone().unwrap_or_else(|| format!("profile {}", a.profile));
        let result = a.result.as_deref().map(|r| cell(r, 120)).unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} {} | {} | {result} |",
            when(Some(&a.time)),
            a.phase,
            cell(&by, 80),
            a.command,
            a.region,
            cell(&a.target, 80)
        );
    }
}
