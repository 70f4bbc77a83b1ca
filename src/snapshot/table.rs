//! `snapshot --format table`: the same poll as aligned text for a terminal.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};

use super::Snapshot;
use crate::cost::CostReport;
use crate::duration::short;

pub fn to_table(s: &Snapshot) -> String {
    let mut out = String::new();
    write_header(&mut out, s);
    write_glue_runs(&mut out, s);
    write_workflow_runs(&mut out, s);
    write_crawlers(&mut out, s);
    write_emr_runs(&mut out, s);
    write_data_quality(&mut out, s);
    if let Some(c) = &s.cost {
        write_cost(&mut out, c);
    }
    write_errors(&mut out, s);
    out
}

/// A UTC time as the table prints it, or `-`.
fn utc_or_dash(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_else(|| "-".into())
}

/// A run id cut to the 24-character column, with `…` when cut.
fn run_id_column(id: &str) -> String {
    if id.chars().count() > 24 { format!("{}…", id.chars().take(23).collect::<String>()) } else { id.to_string() }
}

fn write_header(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "batchtop snapshot {}  region {}  account {}  runs since {}",
        s.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        s.region,
        s.account.as_deref().unwrap_or("?"),
        short(s.since.as_secs() as i64)
    );
}

fn write_glue_runs(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "{:<32} {:<12} {:<24} {:<9} {:>3} {:<20} {:>9} {:>8}  ERROR",
        "JOB", "STREAM", "RUN ID", "STATE", "ATT", "STARTED (UTC)", "EXEC", "DPU-H"
    );
    for j in &s.glue.jobs {
        let stream = j.stream.as_deref().unwrap_or("-");
        if j.runs.is_empty() {
            let _ = writeln!(out, "{:<32} {:<12} {:<24}", j.job.name, stream, "(no runs in window)");
        }
        for r in &j.runs {
            let _ = writeln!(
                out,
                "{:<32} {:<12} {:<24} {:<9} {:>3} {:<20} {:>9} {:>8}  {}",
                j.job.name,
                stream,
                run_id_column(&r.id),
                r.state().as_str(),
                r.attempt,
                utc_or_dash(r.started_on),
                short(r.execution_time_s),
                r.dpu_hours().map(|h| format!("{h:.2}")).unwrap_or_else(|| "-".into()),
                r.error_first_line().unwrap_or("")
            );
        }
    }
}

fn write_workflow_runs(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "\n{:<32} {:<36} {:<10} {:<20} {:>4} {:>4} {:>4}",
        "WORKFLOW", "RUN ID", "STATUS", "STARTED (UTC)", "TOT", "OK", "FAIL"
    );
    for (w, runs) in &s.workflows {
        if runs.is_empty() {
            let _ = writeln!(out, "{:<32} (no runs in window)", w.name);
        }
        for r in runs {
            let _ = writeln!(
                out,
                "{:<32} {:<36} {:<10} {:<20} {:>4} {:>4} {:>4}",
                w.name,
                r.id,
                r.status.as_str(),
                utc_or_dash(r.started_on),
                r.statistics.total,
                r.statistics.succeeded,
                r.statistics.failed
            );
        }
    }
}

fn write_crawlers(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "\n{:<32} {:<8} {:<10} {:<20} {:>11}  ERROR",
        "CRAWLER", "STATE", "LAST", "STARTED (UTC)", "TABLES"
    );
    for c in &s.crawlers {
        let l = c.last_crawl.as_ref();
        let m = c.metrics.unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<32} {:<8} {:<10} {:<20} {:>11}  {}",
            c.name,
            c.state,
            l.map(|l| l.status.as_str()).unwrap_or("-"),
            utc_or_dash(l.and_then(|l| l.started_on)),
            format!("+{} ~{} -{}", m.tables_created, m.tables_updated, m.tables_deleted),
            l.and_then(|l| l.error_message.as_deref()).unwrap_or("")
        );
    }
}

fn write_emr_runs(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "\n{:<24} {:<24} {:<18} {:<10} {:<20} {:>9}  DETAILS",
        "APPLICATION", "RUN", "ID", "STATE", "CREATED (UTC)", "vCPU-h"
    );
    for r in &s.emr.runs {
        let app = s.emr.app(&r.app_id).map(|a| a.name.as_str()).unwrap_or(&r.app_id);
        let _ = writeln!(
            out,
            "{:<24} {:<24} {:<18} {:<10} {:<20} {:>9}  {}",
            app,
            r.name.as_deref().unwrap_or("-"),
            r.id,
            r.state().as_str(),
            utc_or_dash(r.created_at),
            r.billed.map(|u| format!("{:.2}", u.vcpu_hours)).unwrap_or_else(|| "-".into()),
            r.details_summary().unwrap_or_default()
        );
    }
}

fn write_data_quality(out: &mut String, s: &Snapshot) {
    let _ =
        writeln!(out, "\n{:<8} {:<36} {:<28} {:>5} {:>7}  JOB RUN", "DQ", "DATA SOURCE", "RULESET", "SCORE", "P/F/E");
    for r in &s.data_quality {
        let _ = writeln!(
            out,
            "{:<8} {:<36} {:<28} {:>5} {:>7}  {} {}",
            r.verdict(),
            r.data_source(),
            r.ruleset.as_deref().unwrap_or("-"),
            r.score.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "-".into()),
            format!("{}/{}/{}", r.passed(), r.failed(), r.errored()),
            r.job_name.as_deref().unwrap_or("-"),
            r.job_run_id.as_deref().unwrap_or("")
        );
    }
}

fn write_cost(out: &mut String, c: &CostReport) {
    let origin = if c.from_cache { "cached" } else { "fetched" };
    let _ = writeln!(
        out,
        "\nCOST {} to {} ({}, {origin} {}), by {}",
        c.start,
        c.end.pred_opt().unwrap_or(c.end),
        c.currency,
        c.fetched_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        c.group_by.join(", ")
    );
    let _ = writeln!(out, "{:<44} {:>10} {:>10} {:>10} {:>9}", "GROUP", "TOTAL", "YESTERDAY", "MEAN/DAY", "CHANGE");
    for r in c.rows() {
        let _ = writeln!(
            out,
            "{:<44} {:>10.2} {:>10.2} {:>10.2} {:>9}",
            r.label,
            r.total,
            r.yesterday,
            r.mean,
            r.change_ratio.map(|x| format!("{:+.0}%", x * 100.0)).unwrap_or_else(|| "-".into())
        );
    }
    let (untagged, share) = c.untagged();
    let _ = writeln!(out, "untagged {untagged:.2} ({:.1} %)", share * 100.0);
}

fn write_errors(out: &mut String, s: &Snapshot) {
    if !s.errors.is_empty() {
        let _ = writeln!(out, "\nERRORS");
        for (source, e) in &s.errors {
            let _ = writeln!(out, "{source} [{}] {}", e.kind.as_str(), e.message);
        }
    }
}
