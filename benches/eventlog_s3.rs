//! A large event log read from S3 by parallel ranged GETs, against the local emulator:
//! `scripts/with-emulator cargo bench --bench eventlog_s3`. Generates a log of
//! `BATCHTOP_BENCH_S3_MB` (default 200) MB from a fixture by repeating its task events, puts it
//! in the emulator's S3, then prints for the local file and for S3 (part size
//! `BATCHTOP_BENCH_S3_PART_MIB`, default 8, and `BATCHTOP_BENCH_S3_PARALLEL` GETs, default 4):
//! wall time, MB/s, GetObject calls and peak memory (VmHWM, reset before each read), and
//! checks that both summaries are equal. Without the emulator it says so and stops.

#[allow(unused_imports)]
#[path = "../tests/support/emu.rs"]
mod emu;

use std::sync::Arc;
use std::time::Instant;

use batchtop::app::fetch::{Progress, Reading, load_with};
use batchtop::eventlog::{Options, summarize};
use batchtop::state::eventlog::EventLogSource;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}/../shared/fixtures/spark-events/{name}", env!("CARGO_MANIFEST_DIR")))
}

/// About `target` bytes: the fixture with each task line repeated, task ids moved on.
fn grown_log(target: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture("local-1532512550423")).expect("fixture");
    let task_id = regex::Regex::new(r#""Task ID":(\d+)"#).expect("regex");
    let task_bytes: usize = text.lines().filter(|l| l.contains("\"SparkListenerTask")).map(|l| l.len() + 1).sum();
    let copies = (target / task_bytes.max(1)).max(1);
    let mut out = String::with_capacity(target + text.len());
    for line in text.lines() {
        if !line.contains("\"SparkListenerTask") {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        for copy in 0..copies {
            let moved = task_id.replace_all(line, |c: &regex::Captures<'_>| {
                let id: u64 = c[1].parse().unwrap_or(0);
                format!("\"Task ID\":{}", id + copy as u64 * 1_000_000)
            });
            out.push_str(&moved);
            out.push('\n');
        }
    }
    out.into_bytes()
}

fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn report(what: &str, bytes: u64, secs: f64, peak: Option<f64>) {
    let mb = bytes as f64 / 1e6;
    let peak = peak.map(|p| format!("{p:.0} MiB")).unwrap_or_else(|| "?".into());
    println!("  {what:<28} {secs:>7.2} s  {:>7.1} MB/s  peak {peak}", mb / secs);
}

#[tokio::main]
async fn main() {
    if std::env::var_os("BATCHTOP_EMULATOR_URL").is_none() {
        println!("eventlog_s3: no emulator; run it as scripts/with-emulator cargo bench --bench eventlog_s3");
        return;
    }
    let mb: usize = env_or("BATCHTOP_BENCH_S3_MB", 200);
    let part_mib: u64 = env_or("BATCHTOP_BENCH_S3_PART_MIB", 8);
    let parallelism: usize = env_or("BATCHTOP_BENCH_S3_PARALLEL", 4);
    let dir = std::env::temp_dir().join(format!("batchtop-bench-s3-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let local = dir.join("spark-application-1700000000000");
    let size = {
        let body = grown_log(mb * 1_000_000);
        std::fs::write(&local, &body).expect("write");
        let acct = "900000000200";
        let s3 = emu::s3_client_patient(acct).await;
        let _ = s3.create_bucket().bucket("bench-eventlog-s3").send().await;
        let started = Instant::now();
        s3.put_object()
            .bucket("bench-eventlog-s3")
            .key("logs/spark-application-1700000000000")
            .body(body.clone().into())
            .send()
            .await
            .expect("PutObject");
        println!(
            "eventlog_s3: {:.1} MB log, put in {:.1} s; parts of {part_mib} MiB, {parallelism} GETs at once",
            body.len() as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        body.len() as u64
    };
    let opts = Options::default();
    reset_peak();
    let started = Instant::now();
    let here = summarize(&local, &opts).expect("local summary");
    report("local file", size, started.elapsed().as_secs_f64(), peak_mib());
    let acct = "900000000200";
    emu::reset_calls(acct);
    // The test reader, with minutes to answer: the emulator copies the whole object per range.
    let loaded = batchtop::aws::sdk::load(&emu::options(&emu::url())).await.expect("sdk config");
    let stats = Arc::new(batchtop::aws::ApiStats::new());
    let objects: Arc<dyn batchtop::aws::ObjectRead> =
        Arc::new(batchtop::aws::sdk::s3::SdkS3::new(emu::s3_client_patient(acct).await, loaded.ctx, stats));
    let reading = Reading { part_size: part_mib << 20, parallelism };
    let source = EventLogSource::S3("s3://bench-eventlog-s3/logs/".into());
    reset_peak();
    let started = Instant::now();
    let got = load_with(&source, objects, opts, None, reading, Arc::new(Progress::default())).await;
    let secs = started.elapsed().as_secs_f64();
    let peak = peak_mib();
    let got = got.expect("S3 summary");
    report("emulator S3, ranged GETs", size, secs, peak);
    println!("  GetObject calls: {} (object of {size} bytes)", emu::calls_of(acct, "GetObject"));
    println!("  same summary as the local file: {}", got.to_json() == here.to_json());
    let _ = std::fs::remove_dir_all(&dir);
}
