//! Ten times larger: 3,000 jobs x 40 runs over a week, the real TUI in tmux against the
//! emulator. Time to the first frame with 20 rows, to every row's newest run, to the whole
//! first load, with the calls made; resident memory after 2 and after 8 minutes; calls a
//! minute at rest (minutes 2 to 8). Figures only, no assertions.
//!
//! `scripts/with-emulator cargo bench --bench large` (needs tmux): the release build people
//! install (a cold build took 28 minutes on 2 busy cores); `--profile dev` for a debug build
//! (its binary maps 117 MB, so say which profile with the figures). On 2026-12-07, release:
//! rows after 0.64 s, every newest run after 14.8 s, first load done after 63 s, resident
//! 71 MB at 2 minutes and 77 MB at 8 (58 MB anonymous), 504 calls a minute at rest.

#[path = "../tests/support/emu.rs"]
mod emu;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const JOBS: usize = 3000;
const RUNS: usize = 40;

/// The jobs in chunks of 300 (one control call each): runs every 4.2 hours over a week.
fn seed(account: &str) {
    let now = chrono::Utc::now().timestamp() as f64;
    let t = Instant::now();
    for chunk in 0..JOBS / 300 {
        let jobs: Vec<Value> = (chunk * 300..(chunk + 1) * 300)
            .map(|j| {
                let runs: Vec<Value> = (0..RUNS)
                    .map(|r| {
                        let start = now - 900.0 - (j % 60) as f64 * 60.0 - (r as f64) * 4.2 * 3600.0;
                        let state = if r == 0 && j % 10 == 0 { "FAILED" } else { "SUCCEEDED" };
                        json!({"id": format!("jr_{j:05}{r:059}"), "state": state, "started_on": start,
                               "completed_on": start + 500.0, "execution_time": 500,
                               "arguments": {"--source": format!("s3://landing/{j}/"), "--day": "2026-12-07"}})
                    })
                    .collect();
                json!({"name": format!("s{:02}_job_{j:04}", j % 50), "tags": {"stream": format!("s{:02}", j % 50)}, "runs": runs})
            })
            .collect();
        emu::control("/batchtop/glue/seed", &json!({"account_id": account, "region": emu::REGION, "jobs": jobs}));
    }
    println!("seeded {JOBS} jobs x {RUNS} runs in {:.1} s", t.elapsed().as_secs_f64());
}

fn calls(account: &str) -> u64 {
    emu::calls(account).as_object().map(|m| m.values().filter_map(Value::as_u64).sum()).unwrap_or(0)
}

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux").arg("-L").arg(socket).args(args).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

/// A `/proc/<pid>/status` field in MB.
fn status_mb(pid: &str, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Resident memory, and how much of it is the program's own (anonymous: heap, stacks) and
/// how much the binary's mapped pages (file: 117 MB on disk for a debug build).
fn rss(pid: &str) -> String {
    format!(
        "{:.0} MB ({:.0} MB anonymous, {:.0} MB file-backed)",
        status_mb(pid, "VmRSS:"),
        status_mb(pid, "RssAnon:"),
        status_mb(pid, "RssFile:")
    )
}

/// Start the TUI in tmux (jobs pane first); its pid.
fn start(account: &str, socket: &str, dir: &std::path::Path) -> String {
    std::fs::create_dir_all(dir.join("batchtop")).expect("config dir");
    std::fs::write(dir.join("batchtop/config.toml"), "start_pane = \"jobs\"\n").expect("config");
    let key = emu::control("/batchtop/access-key", &json!({"account_id": account}));
    let script = format!(
        "env -i HOME={d} XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} TERM=xterm-256color AWS_EC2_METADATA_DISABLED=true \
         AWS_ACCESS_KEY_ID={id} AWS_SECRET_ACCESS_KEY={secret} BATCHTOP_LOG={log} {wrap} {bin} --region {region} --endpoint-url {url}",
        // BENCH_WRAP: a profiler to run the TUI under (e.g. `heaptrack -o /tmp/large`).
        wrap = std::env::var("BENCH_WRAP").unwrap_or_default(),
        // BENCH_LOG: the TUI's log level (`batchtop=debug` logs slow updates and draws).
        log = std::env::var("BENCH_LOG").unwrap_or_else(|_| "info".into()),
        d = dir.display(),
        id = key["access_key_id"].as_str().unwrap_or_default(),
        secret = key["secret_access_key"].as_str().unwrap_or_default(),
        bin = env!("CARGO_BIN_EXE_batchtop"),
        region = emu::REGION,
        url = emu::url(),
    );
    tmux(socket, &["new-session", "-d", "-s", "b", "-x", "160", "-y", "50", &script]);
    tmux(socket, &["display", "-p", "-t", "b", "#{pane_pid}"]).trim().to_string()
}

fn main() {
    if std::env::var("BATCHTOP_EMULATOR_URL").is_err() {
        eprintln!("large bench: run it as `scripts/with-emulator cargo bench --profile dev --bench large`");
        std::process::exit(2);
    }
    let acct = emu::fresh_account();
    seed(&acct);
    let socket = format!("batchtop-large-{}", std::process::id());
    let dir = std::env::temp_dir().join(&socket);
    let t0 = Instant::now();
    let pid = start(&acct, &socket, &dir);
    let (mut rows, mut newest) = (false, false);
    while t0.elapsed() < Duration::from_secs(600) {
        let screen = tmux(&socket, &["capture-pane", "-p", "-t", "b"]);
        let at = t0.elapsed().as_secs_f64();
        if !rows && screen.lines().filter(|l| l.contains("_job_")).count() >= 20 {
            rows = true;
            println!("first frame with 20 rows: {at:.2} s, {} calls", calls(&acct));
        }
        if rows && !newest && screen.contains("history ") {
            newest = true;
            println!("every row with its newest run (history loading): {at:.2} s, {} calls", calls(&acct));
        }
        if rows && !["listing jobs", "loading ", "history "].iter().any(|n| screen.contains(n)) {
            println!("first load done: {at:.2} s, {} calls", calls(&acct));
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(120).saturating_sub(t0.elapsed()));
    let at_two = calls(&acct);
    println!("resident memory after 2 min: {} ({} calls so far)", rss(&pid), at_two);
    // BENCH_LATE_MIN: when to measure the second time (8 minutes unless shortened).
    let late: u64 = std::env::var("BENCH_LATE_MIN").ok().and_then(|m| m.parse().ok()).unwrap_or(8).max(3);
    if std::env::var("BENCH_WRAP").is_ok() {
        // Under a profiler: quit at the late mark (at 2 minutes unless BENCH_LATE_MIN says),
        // so that it writes its report with what is held then.
        let quit_at = if std::env::var("BENCH_LATE_MIN").is_ok() { late } else { 2 };
        std::thread::sleep(Duration::from_secs(quit_at * 60).saturating_sub(t0.elapsed()));
        tmux(&socket, &["send-keys", "-t", "b", "q"]);
        std::thread::sleep(Duration::from_secs(60));
        tmux(&socket, &["kill-server"]);
        return;
    }
    std::thread::sleep(Duration::from_secs(late * 60).saturating_sub(t0.elapsed()));
    let per_min = (calls(&acct) - at_two) as f64 / (late - 2) as f64;
    println!("resident memory after {late} min: {}; calls a minute from minute 2 to {late}: {per_min:.0}", rss(&pid));
    println!("by operation: {}", emu::calls(&acct));
    tmux(&socket, &["kill-server"]);
    let _ = std::fs::remove_dir_all(&dir);
}
