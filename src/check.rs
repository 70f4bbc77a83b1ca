//! `batchtop check`: one poll of every context, the open inbox items printed, and an exit
//! code for cron, Nagios-style monitors and CI gates.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use chrono::SecondsFormat;
use serde_json::{Value, json};

use crate::cli::Format;
use crate::config::Settings;
use crate::session::Session;
use crate::snapshot::{self, Part};
use crate::triage::inbox::{Item, Severity, exit_code};

/// The exit code over every context: 3 when a source could not be read anywhere, else the
/// worst of the open items (2 critical, 1 warning, 0 nothing open).
pub fn code(parts: &[Part]) -> u8 {
    if parts.iter().any(|p| !p.snap.ok()) {
        return 3;
    }
    parts.iter().map(|p| exit_code(&p.snap.inbox)).max().unwrap_or(0)
}

/// Poll, print, and return the exit code.
/// `since`: the window of runs read; `timeout`: how long reads keep retrying.
pub async fn run(
    session: Session,
    settings: Arc<Settings>,
    (since, timeout): (Duration, Duration),
    format: Format,
) -> u8 {
    let gate = crate::poll::Gate::new(settings.config.poll.max_concurrency_total);
    let opts = snapshot::Options { since, with_cost: false, gate, timeout };
    let snaps = futures_util::future::join_all(
        session.contexts.iter().map(|c| snapshot::take(&c.account, settings.clone(), &session.clock, &opts)),
    )
    .await;
    let parts: Vec<Part> = session.contexts.into_iter().zip(snaps).map(|(c, snap)| Part { ctx: c.ctx, snap }).collect();
    let code = code(&parts);
    // No credentials anywhere: one line per context and the way to the demo.
    if let Some(lines) = snapshot::no_credentials(&parts) {
        lines.iter().for_each(|l| eprintln!("batchtop: {l}"));
        return code;
    }
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&to_json(&parts, code)).unwrap_or_default(),
        Format::Table => to_table(&parts, code),
    };
    crate::cli::print_line(&text);
    code
}

fn open(parts: &[Part]) -> impl Iterator<Item = (&Part, &Item)> {
    parts.iter().flat_map(|p| p.snap.inbox.iter().filter(|i| i.is_open()).map(move |i| (p, i)))
}

fn to_json(parts: &[Part], code: u8) -> Value {
    let items: Vec<Value> = open(parts)
        .map(|(p, i)| {
            let mut v = snapshot::item_json(i);
            v["context"] = json!(p.ctx.name);
            v
        })
        .collect();
    let errors: Vec<Value> = parts
        .iter()
        .flat_map(|p| {
            p.snap.errors.iter().map(move |(source, e)| {
                json!({"context": p.ctx.name, "source": source, "kind": e.kind.as_str(), "message": e.message})
            })
        })
        .collect();
    let generated = parts.first().map(|p| p.snap.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true));
    json!({"generated_at": generated, "exit": code, "open": items, "errors": errors})
}

fn to_table(parts: &[Part], code: u8) -> String {
    let many = parts.len() > 1;
    let items: Vec<(&Part, &Item)> = open(parts).collect();
    let critical = items.iter().filter(|(_, i)| i.severity == Severity::Critical).count();
    let mut out = String::new();
    let _ =
        writeln!(out, "{} open ({critical} critical, {} warning) · exit {code}", items.len(), items.len() - critical);
    for (p, i) in &items {
        let ctx = if many { format!("{:<14} ", p.ctx.name) } else { String::new() };
        let last = i.last_seen.map(|t| t.format("%m-%d %H:%M").to_string()).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "{:<8} {ctx}{:<32} {:<16} {:>3} {last}  {}",
            i.severity.as_str(),
            i.resource,
            i.class.category.as_str(),
            i.count,
            i.summary.chars().take(120).collect::<String>()
        );
        if let Some(e) = i.class.evidence.as_ref().filter(|e| e.source != crate::triage::MESSAGE_SOURCE) {
            let _ = writeln!(out, "         evidence [{}] {}", e.source, e.line);
        }
        let _ = writeln!(out, "         advice: {}", i.class.advice);
    }
    for p in parts {
        // A read merely not permitted is already its warning item above.
        for (source, e) in p.snap.errors.iter().filter(|(_, e)| e.optional_denial().is_none()) {
            let _ = writeln!(out, "cannot read {source} in {}: {}", p.ctx.name, e.message);
        }
    }
    out
}
