//! `batchtop logs <job>/<run> | emr:<app>/<run> | crawler:<name>`: a run's logs as plain
//! lines on stdout (for pipes), the same tail the TUI uses.

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use crate::aws::{Account, LogEvent};
use crate::config::Settings;
use crate::logs::locate::{self, Plan};
use crate::logs::pattern::Pattern;
use crate::logs::ring::Ring;
use crate::poll::logs::{TailEvent, TailMode, TailOptions, run_tail};

pub struct Args {
    pub target: String,
    pub follow: bool,
    pub filter: Option<String>,
    pub since: Option<Duration>,
}

/// What the target names.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    Glue { job: String, run_id: String },
    Emr { app_id: String, run_id: String },
    Crawler(String),
}

pub fn parse_target(s: &str) -> Result<Target, String> {
    let usage = "expected <glue-job-name>/<run-id>, emr:<application-id>/<run-id> or crawler:<name>";
    if let Some(name) = s.strip_prefix("crawler:") {
        return if name.is_empty() { Err(usage.into()) } else { Ok(Target::Crawler(name.to_string())) };
    }
    if let Some(rest) = s.strip_prefix("emr:") {
        return match rest.split_once('/') {
            Some((a, r)) if !a.is_empty() && !r.is_empty() => Ok(Target::Emr { app_id: a.into(), run_id: r.into() }),
            _ => Err(format!("{s}: {usage}")),
        };
    }
    // Glue job names may contain `/`? They cannot (the name pattern has no slash); run ids neither.
    match s.rsplit_once('/') {
        Some((j, r)) if !j.is_empty() && !r.is_empty() => Ok(Target::Glue { job: j.into(), run_id: r.into() }),
        _ => Err(format!("{s}: {usage}")),
    }
}

async fn plan_of(account: &Account, settings: &Settings, target: &Target) -> Result<Plan, String> {
    let layouts = &settings.config.logs.layouts;
    match target {
        Target::Glue { job, run_id } => {
            let run = account.glue.job_run(job, run_id).await.map_err(|e| e.message)?;
            Ok(locate::glue_run(&run, layouts))
        }
        Target::Emr { app_id, run_id } => {
            let run = account.emr.job_run(app_id, run_id).await.map_err(|e| e.message)?;
            Ok(locate::emr_run(&run, layouts))
        }
        Target::Crawler(name) => {
            let crawlers = account.crawlers.crawlers().await.map_err(|e| e.message)?;
            let c = crawlers.iter().find(|c| &c.name == name).ok_or_else(|| format!("no crawler named {name}"))?;
            Ok(locate::crawler(c, layouts))
        }
    }
}

fn print_line(out: &mut impl Write, ts_ms: i64, label: &str, text: &str) -> std::io::Result<()> {
    let ts = crate::state::logs::format_ts(ts_ms);
    if ts.is_empty() { writeln!(out, "{label} {text}") } else { writeln!(out, "{ts} {label} {text}") }
}

/// The plan of the target and the `--filter` pattern, or the exit code after saying why not.
async fn plan_and_pattern(account: &Account, settings: &Settings, args: &Args) -> Result<(Plan, Option<Pattern>), u8> {
    let target = parse_target(&args.target).map_err(|e| {
        eprintln!("batchtop logs: {e}");
        2
    })?;
    let pattern = args.filter.as_deref().map(Pattern::parse).transpose().map_err(|e| {
        eprintln!("batchtop logs: --filter: {e}");
        2
    })?;
    let plan = plan_of(account, settings, &target).await.map_err(|e| {
        eprintln!("batchtop logs: {e}");
        1
    })?;
    if plan.places.is_empty() {
        eprintln!("batchtop logs: {}: {}", plan.title, locate::describe(&plan));
        return Err(1);
    }
    Ok((plan, pattern))
}

/// Prints new lines once each, labelled by their stream, filtered by the client-side pattern.
struct Printer {
    /// Only de-duplicates here (re-reads overlap); lines are printed as they come.
    seen: Ring,
    client: Option<Pattern>,
    run_id: String,
    labels: HashMap<String, String>,
    printed: usize,
}

impl Printer {
    /// Print what is new in `events`; false when stdout is closed (`| head`).
    fn print(&mut self, events: Vec<LogEvent>) -> bool {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for e in events {
            let key = format!("{}|{}", e.group, e.stream);
            if !self.seen.push(e.ts_ms, &key, e.message.clone()) {
                continue;
            }
            if self.client.as_ref().is_some_and(|p| !p.matches(&e.message)) {
                continue;
            }
            let run_id = &self.run_id;
            let label =
                self.labels.entry(key).or_insert_with(|| format!("[{}]", locate::label(&e.group, &e.stream, run_id)));
            if print_line(&mut out, e.ts_ms, label, &e.message).is_err() {
                return false;
            }
            self.printed += 1;
        }
        let _ = out.flush();
        true
    }
}

/// Run the command; the exit code (0, 1 when nothing could be read, 2 for bad input).
pub async fn run(account: &Account, settings: &Settings, args: &Args, now: DateTime<Utc>) -> u8 {
    let (plan, pattern) = match plan_and_pattern(account, settings, args).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    let server = pattern.as_ref().and_then(Pattern::server_pattern);
    let client = if server.is_none() { pattern } else { None };
    let opts = TailOptions {
        follow: args.follow,
        live: settings.config.logs.live_tail,
        pattern: server,
        start_ms: args.since.and_then(|d| chrono::Duration::from_std(d).ok()).map(|d| (now - d).timestamp_millis()),
        ..Default::default()
    };
    let (tx, mut rx) = mpsc::channel(64);
    let tail = tokio::spawn(run_tail(account.logs.clone(), account.objects.clone(), plan.clone(), opts, tx));
    let mut printer = Printer {
        seen: Ring::new(settings.config.logs.ring_lines),
        client,
        run_id: plan.run_id.clone(),
        labels: HashMap::new(),
        printed: 0,
    };
    let mut found = false;
    while let Some(ev) = rx.recv().await {
        match ev {
            TailEvent::Found { streams, .. } => found |= !streams.is_empty(),
            TailEvent::Events(events) => {
                if !printer.print(events) {
                    // A closed pipe (`| head`): stop quietly.
                    tail.abort();
                    return 0;
                }
            }
            TailEvent::Mode(TailMode::Done) => break,
            TailEvent::Mode(TailMode::Polling { reason }) if args.follow => {
                eprintln!("batchtop logs: following by polling ({reason})");
            }
            TailEvent::Mode(_) => {}
            TailEvent::Error(e) => eprintln!("batchtop logs: {}", e.message),
        }
    }
    tail.abort();
    if !found && printer.printed == 0 {
        eprintln!("batchtop logs: no log stream yet: {}", locate::describe(&plan));
        return 1;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            parse_target("orders_curate/jr_abc").expect("glue"),
            Target::Glue { job: "orders_curate".into(), run_id: "jr_abc".into() }
        );
        assert_eq!(
            parse_target("emr:00fabc/00frun").expect("emr"),
            Target::Emr { app_id: "00fabc".into(), run_id: "00frun".into() }
        );
        assert_eq!(parse_target("crawler:raw_orders").expect("crawler"), Target::Crawler("raw_orders".into()));
        for bad in ["orders_curate", "emr:00fabc", "emr:/x", "/jr_1", "crawler:"] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }
}
