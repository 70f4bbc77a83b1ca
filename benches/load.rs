//! Under load, against the emulator: 300 jobs x 40 runs. The first screen (time to the first
//! batch with rows, to every row with its newest run, to the whole history, and the calls
//! made), the calls a minute at rest with 300 idle jobs, and `snapshot` with and without
//! faults (wall time, calls). Figures only, no assertions.
//!
//! `scripts/with-emulator cargo bench --profile dev --bench load` (a debug build; say which
//! profile with the figures).

#[path = "../tests/support/emu.rs"]
mod emu;

use std::sync::Arc;
use std::time::{Duration, Instant};

use batchtop::aws::Account;
use batchtop::aws::sdk::RetryPolicy;
use batchtop::config::{HumanDuration, Settings};
use batchtop::poll::{self, GlueCadence, GlueCollector, GlueSource, IdleCadence, PollEvent, Pollers, StreamMapper};
use serde_json::{Value, json};
use tokio::sync::mpsc;

const JOBS: usize = 300;
const RUNS: usize = 40;

/// `JOBS` jobs of `RUNS` runs, one every four hours, the newest ended `ago_h` hours ago.
fn seed(account: &str, ago_h: f64) {
    let now = chrono::Utc::now().timestamp() as f64;
    let jobs: Vec<Value> = (0..JOBS)
        .map(|j| {
            let runs: Vec<Value> = (0..RUNS)
                .map(|r| {
                    let start = now - ago_h * 3600.0 - 600.0 - (r as f64) * 4.0 * 3600.0;
                    let state = if r == 0 && j % 10 == 0 { "FAILED" } else { "SUCCEEDED" };
                    json!({"id": format!("jr_{j:04}{r:060}"), "state": state, "started_on": start,
                           "completed_on": start + 500.0, "execution_time": 500})
                })
                .collect();
            json!({"name": format!("stream{:02}_job_{j:03}", j % 40), "tags": {"stream": format!("stream{:02}", j % 40), "team": "data"}, "runs": runs})
        })
        .collect();
    let t = Instant::now();
    emu::control("/batchtop/glue/seed", &json!({"account_id": account, "region": emu::REGION, "jobs": jobs}));
    println!("seeded {JOBS} jobs x {RUNS} runs in {:.1} s", t.elapsed().as_secs_f64());
}

fn calls(account: &str) -> u64 {
    emu::calls(account).as_object().map(|m| m.values().filter_map(Value::as_u64).sum()).unwrap_or(0)
}

fn settings() -> Arc<Settings> {
    let mut s = Settings::defaults();
    s.config.poll.history = HumanDuration(Duration::from_secs(8 * 24 * 3600));
    Arc::new(s)
}

/// The Glue poller from its first step to the whole history: when rows came, and the calls.
async fn first_screen(acct: &str, account: &Account) {
    let s = settings();
    let collector = GlueCollector::new(account.glue.clone(), StreamMapper::new(s.clone()), 8, Duration::from_secs(300))
        .idling(IdleCadence::from(&s.config.poll));
    let (tx, mut rx) = mpsc::channel::<PollEvent>(64);
    let clock: poll::Clock = Arc::new(chrono::Utc::now);
    let t0 = Instant::now();
    let source = GlueSource::new(collector, GlueCadence::from(&s.config.poll));
    let task = tokio::spawn(poll::run(source, clock, tx, Arc::new(tokio::sync::Notify::new())));
    let (mut rows, mut newest) = (false, false);
    while let Some(ev) = rx.recv().await {
        let PollEvent::Loaded(l) = ev else { continue };
        let Some(g) = l.result.as_ref().ok().and_then(|b| b.glue().cloned()) else { continue };
        let at = t0.elapsed().as_secs_f64();
        if !rows && g.jobs.len() >= 20 {
            rows = true;
            println!("  first batch with rows ({} rows): {at:.2} s, {} calls", g.jobs.len(), calls(acct));
        }
        if !newest && g.jobs.iter().all(|j| !j.runs.is_empty()) {
            newest = true;
            println!("  every row with its newest run:  {at:.2} s, {} calls", calls(acct));
        }
        if g.loading.is_none() {
            println!(
                "  whole history ({} runs):    {at:.2} s, {} calls",
                g.jobs.iter().map(|j| j.runs.len()).sum::<usize>(),
                calls(acct)
            );
            break;
        }
    }
    task.abort();
    println!("  calls by operation: {}", emu::calls(acct));
}

/// One whole poll the way it was before progressive loading (GetTags per job, then runs).
async fn one_full_poll(acct: &str) {
    let account = emu::account(acct).await;
    emu::reset_calls(acct);
    let s = settings();
    let mut c = GlueCollector::new(account.glue.clone(), StreamMapper::new(s), 8, Duration::from_secs(300));
    let t0 = Instant::now();
    let cycle = c.poll(poll::Scope::All, chrono::Utc::now(), Duration::from_secs(8 * 24 * 3600)).await;
    let rows = cycle.map(|c| c.data.jobs.len()).unwrap_or(0);
    println!(
        "  for comparison, one whole poll before any row is shown (GetTags per job): {:.2} s, {} calls, {rows} rows",
        t0.elapsed().as_secs_f64(),
        calls(acct)
    );
}

/// Every poller of a context over 300 idle jobs, for a minute once loaded: calls a minute.
async fn at_rest(acct: &str) {
    let account = emu::account_retrying(acct, RetryPolicy::default()).await;
    let (tx, mut rx) = mpsc::channel::<PollEvent>(256);
    let clock: poll::Clock = Arc::new(chrono::Utc::now);
    let s = Arc::new(Settings::defaults());
    let pollers = Pollers::start_in((0, poll::Gate::new(32)), &account, &s, &clock, &tx);
    loop {
        let Some(PollEvent::Loaded(l)) = rx.recv().await else { continue };
        if l.result.as_ref().ok().and_then(|b| b.glue().map(|g| g.loading.is_none())) == Some(true) {
            break;
        }
    }
    emu::reset_calls(acct);
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    // Longer than the slow cadence of idle jobs (10 min) and the job list's (5 min).
    let secs: u64 = std::env::var("BENCH_REST_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(630);
    tokio::time::sleep(Duration::from_secs(60)).await;
    println!("  calls in the first minute after loading: {}", calls(acct));
    tokio::time::sleep(Duration::from_secs(secs.saturating_sub(60))).await;
    drop(pollers);
    drain.abort();
    let per_min = calls(acct) as f64 * 60.0 / secs as f64;
    println!("  over {secs} s at rest, every poller: {} calls, {per_min:.1} a minute", calls(acct));
    println!("  by operation: {}", emu::calls(acct));
}

/// `batchtop snapshot` of the account: wall seconds, calls, exit code, runs.
fn snapshot(acct: &str, label: &str) {
    let key = emu::control("/batchtop/access-key", &json!({"account_id": acct}));
    let home = std::env::temp_dir().join(format!("batchtop-bench-load-{}", std::process::id()));
    emu::reset_calls(acct);
    let t = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_batchtop"))
        .env_clear()
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("AWS_ACCESS_KEY_ID", key["access_key_id"].as_str().unwrap_or_default())
        .env("AWS_SECRET_ACCESS_KEY", key["secret_access_key"].as_str().unwrap_or_default())
        .args(["snapshot", "--no-cost", "--since", "8d", "--region", emu::REGION, "--endpoint-url", &emu::url()])
        .output();
    let wall = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&home);
    let Ok(out) = out else { return println!("  snapshot {label}: cannot run batchtop") };
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let runs: usize =
        doc["glue"]["jobs"].as_array().map_or(0, |j| j.iter().map(|j| j["runs"].as_array().map_or(0, Vec::len)).sum());
    let errors = doc["errors"].as_array().map_or(0, Vec::len);
    println!(
        "  snapshot {label}: {wall:.1} s, {} calls, exit {:?}, {runs} runs, {errors} errors",
        calls(acct),
        out.status.code()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::var("BATCHTOP_EMULATOR_URL").is_err() {
        eprintln!("load bench: run it as `scripts/with-emulator cargo bench --profile dev --bench load`");
        std::process::exit(2);
    }
    let busy = emu::fresh_account();
    seed(&busy, 0.0);
    println!("first screen, {JOBS} jobs x {RUNS} runs (history 8 days):");
    first_screen(&busy, &emu::account_retrying(&busy, RetryPolicy::default()).await).await;
    one_full_poll(&busy).await;
    println!("snapshot, {JOBS} jobs x {RUNS} runs:");
    snapshot(&busy, "without faults");
    emu::chaos(&busy, json!({"throttle": 0.3, "http500": 0.05}));
    snapshot(&busy, "with 30% throttled, 5% HTTP 500");
    emu::clear_faults(&busy);
    let idle = emu::fresh_account();
    seed(&idle, 26.0);
    println!("at rest, {JOBS} idle jobs (newest run ended 26 h ago):");
    at_rest(&idle).await;
}
