//! `batchtop report`: incident notes from the command line. One poll of every context (as
//! `snapshot`), the audit log's actions in the window, printed as markdown or JSON; with
//! `--save`, also written under the state dir.

use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::{Cli, ReportFormat};
use crate::config::Settings;
use crate::report::{self, ContextLine, Report, Sources};
use crate::snapshot::{self, Part};

/// What to print: the window, the format, whether to keep a copy.
pub struct Args {
    pub since: String,
    pub format: ReportFormat,
    pub save: bool,
}

/// The notes of what the snapshots of every context saw, with `actions`.
pub fn build(parts: &[Part], since: chrono::DateTime<chrono::Utc>, actions: Vec<report::Action>) -> Report {
    let mut out = Report {
        generated_at: report::utc(parts.first().map(|p| p.snap.generated_at).unwrap_or_default()),
        since: report::utc(since),
        actions_since: report::utc(since),
        contexts: Vec::new(),
        on_screen: None,
        problems: Vec::new(),
        failed_runs: Vec::new(),
        actions,
        unread: Vec::new(),
    };
    let empty = Default::default();
    for p in parts {
        let s = &p.snap;
        let name = |_: usize| p.ctx.name.clone();
        out.contexts.push(ContextLine { name: p.ctx.name.clone(), place: p.ctx.place(), account: s.account.clone() });
        out.problems.extend(report::problems(&s.inbox, &name));
        let src = Sources { jobs: &s.glue.jobs, emr: &s.emr.runs, logs: &empty, items: &s.inbox };
        out.failed_runs.extend(report::failed_runs(&src, since, &name));
        out.unread.extend(s.errors.iter().map(|(src, e)| (p.ctx.name.clone(), src.clone(), e.message.clone())));
    }
    out
}

pub async fn run(cli: &Cli, settings: Arc<Settings>, args: &Args) -> ExitCode {
    let since = match crate::duration::parse(&args.since) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("batchtop: --since: {e}");
            return ExitCode::from(2);
        }
    };
    let session = match crate::session::connect(cli, &settings).await {
        Ok(s) => s,
        Err(e) => {
            e.print();
            return ExitCode::from(2);
        }
    };
    let gate = crate::poll::Gate::new(settings.config.poll.max_concurrency_total);
    let opts = snapshot::Options { since, with_cost: false, gate, timeout: std::time::Duration::from_secs(60) };
    let snaps = futures_util::future::join_all(
        session.contexts.iter().map(|c| snapshot::take(&c.account, settings.clone(), &session.clock, &opts)),
    )
    .await;
    let parts: Vec<Part> = session.contexts.into_iter().zip(snaps).map(|(c, snap)| Part { ctx: c.ctx, snap }).collect();
    if let Some(lines) = snapshot::no_credentials(&parts) {
        lines.iter().for_each(|l| eprintln!("batchtop: {l}"));
        return ExitCode::from(2);
    }
    let now = parts.first().map(|p| p.snap.generated_at).unwrap_or_else(|| (session.clock)());
    let from = now - chrono::Duration::from_std(since).unwrap_or(chrono::Duration::hours(6));
    let records = crate::actions::read_all(&crate::actions::audit_path()).unwrap_or_default();
    let r = build(&parts, from, report::actions(records.into_iter().flatten(), from));
    let text = match args.format {
        ReportFormat::Markdown => report::to_markdown(&r),
        ReportFormat::Json => report::to_json(&r) + "\n",
    };
    // Not print!: a closed pipe ends the output, it is no panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    if args.save {
        let ext = if args.format == ReportFormat::Json { "json" } else { "md" };
        let path =
            crate::paths::state_dir().join("reports").join(format!("incident-{}.{ext}", now.format("%Y%m%dT%H%M%SZ")));
        match crate::store::write_private(&path, &text) {
            Ok(()) => eprintln!("batchtop: saved to {}", path.display()),
            Err(e) => {
                eprintln!("batchtop: cannot save to {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    if snapshot::many_ok(&parts) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
