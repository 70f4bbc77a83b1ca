//! `snapshot` over several contexts: one document per context, under `contexts`, with every
//! context's errors also listed at the top (each naming its context).

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::{Snapshot, to_json, to_table};
use crate::state::contexts::Ctx;

/// One context's snapshot.
pub struct Part {
    pub ctx: Ctx,
    pub snap: Snapshot,
}

/// Whether every context answered everything.
pub fn many_ok(parts: &[Part]) -> bool {
    parts.iter().all(|p| p.snap.ok())
}

fn ctx_json(p: &Part) -> Value {
    json!({
        "name": p.ctx.name,
        "profile": p.ctx.profile,
        "region": p.snap.region,
        "account": p.snap.account,
    })
}

/// When no context could be read for want of credentials: what to tell the user, one line
/// per context (what happened, what to do), then where to look without an AWS account.
pub fn no_credentials(parts: &[Part]) -> Option<Vec<String>> {
    let refused = |p: &Part| p.snap.errors.iter().any(|(source, e)| source == "sts" && e.kind.is_credentials());
    if parts.is_empty() || !parts.iter().all(refused) {
        return None;
    }
    let many = parts.len() > 1;
    let mut lines: Vec<String> = parts
        .iter()
        .filter_map(|p| {
            let (_, e) = p.snap.errors.iter().find(|(source, _)| source == "sts")?;
            Some(if many { format!("{} ({}): {}", p.ctx.name, p.ctx.place(), e.message) } else { e.message.clone() })
        })
        .collect();
    lines.push(DEMO_HINT.to_string());
    Some(lines)
}

/// The last line when AWS cannot be reached at all.
pub const DEMO_HINT: &str = "or try `batchtop --demo` (a simulated account); -v shows the details";

/// `{"generated_at", "contexts": [<one context's document, with "context">], "errors": [...]}`.
pub fn to_json_many(generated_at: DateTime<Utc>, parts: &[Part]) -> Value {
    let mut errors = Vec::new();
    let contexts: Vec<Value> = parts
        .iter()
        .map(|p| {
            let mut doc = to_json(&p.snap);
            for e in doc["errors"].as_array().into_iter().flatten() {
                let mut e = e.clone();
                e["context"] = json!(p.ctx.name);
                errors.push(e);
            }
            doc["context"] = ctx_json(p);
            doc
        })
        .collect();
    json!({
        "generated_at": generated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "contexts": contexts,
        "errors": errors,
    })
}

/// Each context's table under its own heading.
pub fn to_table_many(parts: &[Part]) -> String {
    let mut out = String::new();
    for p in parts {
        let who = p.snap.account.as_deref().unwrap_or("?");
        let place = p.ctx.place();
        let named = if p.ctx.name == place { place } else { format!("{} ({place})", p.ctx.name) };
        let _ = writeln!(out, "=== CONTEXT {named}, account {who} ===");
        out.push_str(&to_table(&p.snap));
        out.push('\n');
    }
    out
}
