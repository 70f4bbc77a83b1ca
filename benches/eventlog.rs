//! Event-log reading speed. `cargo bench --bench eventlog` prints, for the largest fixture
//! (decompressed to a temp file) and for a generated ~1 GB log (`BATCHTOP_BENCH_GB` to change the
//! size): `summarize` throughput on uncompressed input next to `wc -l` on the same file, their
//! ratio (goal <= 3x) and peak memory (VmHWM). Then 1,000,000 fuzzed lines through the parser.
//! Temp files are deleted at the end. `BATCHTOP_BENCH_ONLY=<file>` measures only that file (a
//! generated log is written there first if it does not exist, and kept), for profiling.
//! Then the decoding speed of each codec (lz4, snappy, lzf, zstd, gzip): the Spark-written
//! fixtures of tests/fixtures/spark-codecs (and the Databricks gzip part) repeated to about
//! `BATCHTOP_BENCH_CODEC_MB` (default 200) MB of decoded text, with `zstd -dc | wc -l` and
//! `gzip -dc | wc -l` as the reference where those commands exist (no command reads lz4-java's,
//! snappy-java's or compress-lzf's stream framings). `BATCHTOP_BENCH_CODECS_ONLY=1` runs only
//! that part.

#[path = "eventlog/codecs.rs"]
mod codecs;
#[path = "../tests/eventlog_fuzz.rs"]
mod fuzz;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use batchtop::eventlog::{Analyzer, Options, summarize};

fn main() {
    if let Ok(only) = std::env::var("BATCHTOP_BENCH_ONLY") {
        let path = PathBuf::from(only);
        if !path.exists() {
            let gb: f64 = std::env::var("BATCHTOP_BENCH_GB").ok().and_then(|v| v.parse().ok()).unwrap_or(1.0);
            if let Err(e) = generate(&path, (gb * 1e9) as u64) {
                eprintln!("generate: {e}");
                return;
            }
        }
        measure("only", &path, 5);
        return;
    }
    let tmp = std::env::temp_dir().join(format!("batchtop-eventlog-bench-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&tmp) {
        eprintln!("cannot create {}: {e}", tmp.display());
        return;
    }
    if std::env::var_os("BATCHTOP_BENCH_CODECS_ONLY").is_some() {
        codecs::codecs(&tmp);
        let _ = std::fs::remove_dir_all(&tmp);
        return;
    }
    match largest_fixture(&tmp) {
        Ok((name, path)) => {
            measure(&name, &path, 7);
            let _ = std::fs::remove_file(&path);
        }
        Err(e) => eprintln!("fixtures: {e}"),
    }
    let gb: f64 = std::env::var("BATCHTOP_BENCH_GB").ok().and_then(|v| v.parse().ok()).unwrap_or(1.0);
    let generated = tmp.join("generated.log");
    let started = Instant::now();
    match generate(&generated, (gb * 1e9) as u64) {
        Ok(()) => {
            println!("generated {:.2} GB in {:.1} s", size(&generated) as f64 / 1e9, started.elapsed().as_secs_f64());
            measure("generated", &generated, 3);
        }
        Err(e) => eprintln!("generate: {e}"),
    }
    codecs::codecs(&tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    fuzz_run(1_000_000);
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Decompress every zstd fixture and keep the biggest (nds_q72_dataproc_2_2, 48 MB).
fn largest_fixture(tmp: &Path) -> std::io::Result<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/spark-events");
    let mut best: Option<(u64, String, PathBuf)> = None;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(stem) = name.strip_suffix(".zstd") else { continue };
        let out = tmp.join(stem);
        zstd::stream::copy_decode(File::open(&path)?, File::create(&out)?)?;
        let len = size(&out);
        if best.as_ref().is_none_or(|b| len > b.0) {
            if let Some((_, _, old)) = best.take() {
                let _ = std::fs::remove_file(old);
            }
            best = Some((len, stem.to_string(), out));
        } else {
            let _ = std::fs::remove_file(out);
        }
    }
    best.map(|(_, name, path)| (name, path)).ok_or_else(|| std::io::Error::other("no zstd fixture"))
}

/// Peak resident memory so far, in MiB (Linux).
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Reset the peak to the current resident size (Linux >= 4.0).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn best_of(runs: usize, mut f: impl FnMut() -> bool) -> Option<Duration> {
    let mut best: Option<Duration> = None;
    for _ in 0..runs {
        let t = Instant::now();
        if !f() {
            return None;
        }
        let e = t.elapsed();
        best = Some(best.map_or(e, |b| b.min(e)));
    }
    best
}

fn measure(label: &str, path: &Path, runs: usize) {
    let bytes = size(path);
    let mb = bytes as f64 / 1e6;
    let before = peak_mib();
    let reset = reset_peak();
    let mut lines = 0;
    let ours = best_of(runs, || match summarize(path, &Options::default()) {
        Ok(s) => {
            lines = s.lines;
            std::hint::black_box(s);
            true
        }
        Err(e) => {
            eprintln!("{label}: {e}");
            false
        }
    });
    let peak = peak_mib();
    let wc = best_of(runs, || Command::new("wc").arg("-l").arg(path).output().is_ok_and(|o| o.status.success()));
    println!("{label}: {mb:.1} MB, {lines} lines, best of {runs} runs");
    let Some(ours) = ours else { return };
    let secs = ours.as_secs_f64();
    println!("  summarize : {:>8.3} s  {:>7.0} MB/s  {:>9.0} lines/s", secs, mb / secs, lines as f64 / secs);
    if let Some(wc) = wc {
        let wc_secs = wc.as_secs_f64();
        println!("  wc -l     : {:>8.3} s  {:>7.0} MB/s", wc_secs, mb / wc_secs);
        println!("  ratio     : {:.2}x wc -l (goal <= 3x)", secs / wc_secs);
    } else {
        println!("  wc -l     : not available");
    }
    match (peak, reset, before) {
        (Some(p), true, _) => println!("  peak RSS  : {p:.1} MiB while summarizing (VmHWM, reset before)"),
        (Some(p), false, Some(b)) => println!("  peak RSS  : {p:.1} MiB (process-wide VmHWM; {b:.1} MiB before)"),
        _ => println!("  peak RSS  : not available"),
    }
}

/// Linear congruential numbers for the generated log.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Write a Spark 3.5-style log of about `target` bytes: queries of 3 jobs, each a 2000-task map
/// stage and a 200-task reduce stage, task start and end events as Spark writes them (with
/// accumulables and executor metrics), a few failures and one slow task per stage.
fn generate(path: &Path, target: u64) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut rng = Lcg(42);
    let t0: u64 = 1_751_493_900_000;
    writeln!(w, r#"{{"Event":"SparkListenerLogStart","Spark Version":"3.5.3"}}"#)?;
    writeln!(
        w,
        r#"{{"Event":"SparkListenerResourceProfileAdded","Resource Profile Id":0,"Executor Resource Requests":{{"cores":{{"Resource Name":"cores","Amount":4,"Discovery Script":"","Vendor":""}}}},"Task Resource Requests":{{"cpus":{{"Resource Name":"cpus","Amount":1.0}}}}}}"#
    )?;
    writeln!(
        w,
        r#"{{"Event":"SparkListenerBlockManagerAdded","Block Manager ID":{{"Executor ID":"driver","Host":"bench-m","Port":38000}},"Maximum Memory":1048576000,"Timestamp":{t0},"Maximum Onheap Memory":1048576000,"Maximum Offheap Memory":0}}"#
    )?;
    writeln!(
        w,
        r#"{{"Event":"SparkListenerApplicationStart","App Name":"bench","App ID":"application_1751493900000_0001","Timestamp":{t0},"User":"bench"}}"#
    )?;
    for e in 1..=32 {
        writeln!(
            w,
            r#"{{"Event":"SparkListenerExecutorAdded","Timestamp":{t0},"Executor ID":"{e}","Executor Info":{{"Host":"bench-w-{e}.internal","Total Cores":4,"Log Urls":{{"stdout":"http://bench-w-{e}:8042/stdout","stderr":"http://bench-w-{e}:8042/stderr"}},"Attributes":{{}},"Resources":{{}},"Resource Profile Id":0}}}}"#
        )?;
    }
    let (mut written, mut task_id, mut stage_id, mut job_id, mut query) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut now = t0 + 10_000;
    while written < target {
        writeln!(
            w,
            r#"{{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":{query},"rootExecutionId":{query},"description":"query{query}","details":"","physicalPlanDescription":"== Physical Plan ==\nAdaptiveSparkPlan (12)","sparkPlanInfo":{{"nodeName":"AdaptiveSparkPlan","simpleString":"AdaptiveSparkPlan isFinalPlan=false","children":[],"metadata":{{}},"metrics":[]}},"time":{now},"modifiedConfigs":{{}}}}"#
        )?;
        for _ in 0..3 {
            let (map, reduce) = (stage_id, stage_id + 1);
            writeln!(
                w,
                r#"{{"Event":"SparkListenerJobStart","Job ID":{job_id},"Submission Time":{now},"Stage Infos":[{{"Stage ID":{map},"Stage Attempt ID":0,"Stage Name":"load at NativeMethodAccessorImpl.java:0","Number of Tasks":2000,"RDD Info":[],"Parent IDs":[],"Details":"","Accumulables":[],"Resource Profile Id":0}},{{"Stage ID":{reduce},"Stage Attempt ID":0,"Stage Name":"collect at query.py:131","Number of Tasks":200,"RDD Info":[],"Parent IDs":[{map}],"Details":"","Accumulables":[],"Resource Profile Id":0}}],"Stage IDs":[{map},{reduce}],"Properties":{{"spark.sql.execution.id":"{query}","spark.job.description":"query{query}"}}}}"#
            )?;
            for (stage, tasks) in [(map, 2000u64), (reduce, 200)] {
                writeln!(
                    w,
                    r#"{{"Event":"SparkListenerStageSubmitted","Stage Info":{{"Stage ID":{stage},"Stage Attempt ID":0,"Stage Name":"stage {stage}","Number of Tasks":{tasks},"RDD Info":[],"Parent IDs":[],"Details":"","Submission Time":{now},"Accumulables":[],"Resource Profile Id":0}},"Properties":{{"spark.sql.execution.id":"{query}"}}}}"#
                )?;
                let start = now;
                for index in 0..tasks {
                    let exec = 1 + rng.next(32);
                    let launch = now + rng.next(50);
                    let run = if index == tasks / 2 { 20_000 + rng.next(5000) } else { 200 + rng.next(1800) };
                    let finish = launch + run + 20 + rng.next(30);
                    let failed = rng.next(500) == 0;
                    task_end_pair(&mut w, &mut rng, stage, task_id, index, exec, launch, finish, run, failed)?;
                    task_id += 1;
                    now = launch + 1;
                }
                now += 2_000;
                writeln!(
                    w,
                    r#"{{"Event":"SparkListenerStageCompleted","Stage Info":{{"Stage ID":{stage},"Stage Attempt ID":0,"Stage Name":"stage {stage}","Number of Tasks":{tasks},"RDD Info":[],"Parent IDs":[],"Details":"","Submission Time":{start},"Completion Time":{now},"Accumulables":[],"Resource Profile Id":0}}}}"#
                )?;
            }
            writeln!(
                w,
                r#"{{"Event":"SparkListenerJobEnd","Job ID":{job_id},"Completion Time":{now},"Job Result":{{"Result":"JobSucceeded"}}}}"#
            )?;
            job_id += 1;
            stage_id += 2;
        }
        writeln!(
            w,
            r#"{{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd","executionId":{query},"time":{now},"errorMessage":""}}"#
        )?;
        query += 1;
        w.flush()?;
        written = size(path);
    }
    writeln!(w, r#"{{"Event":"SparkListenerApplicationEnd","Timestamp":{now}}}"#)?;
    w.flush()
}

#[allow(clippy::too_many_arguments)]
fn task_end_pair(
    w: &mut impl Write,
    rng: &mut Lcg,
    stage: u64,
    task: u64,
    index: u64,
    exec: u64,
    launch: u64,
    finish: u64,
    run: u64,
    failed: bool,
) -> std::io::Result<()> {
    let info = |finish: u64, failed: bool| {
        format!(
            r#""Task ID":{task},"Index":{index},"Attempt":0,"Partition ID":{index},"Launch Time":{launch},"Executor ID":"{exec}","Host":"bench-w-{exec}.internal","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":{finish},"Failed":{failed},"Killed":false"#
        )
    };
    writeln!(
        w,
        r#"{{"Event":"SparkListenerTaskStart","Stage ID":{stage},"Stage Attempt ID":0,"Task Info":{{{},"Accumulables":[]}}}}"#,
        info(0, false)
    )?;
    let (cpu, gc, read, wrote) =
        (run * 900_000 + rng.next(1_000_000), rng.next(run / 10 + 1), rng.next(50_000_000), rng.next(20_000_000));
    let reason = if failed {
        r#"{"Reason":"ExceptionFailure","Class Name":"java.lang.OutOfMemoryError","Description":"Java heap space","Stack Trace":[{"Declaring Class":"java.util.Arrays","Method Name":"copyOf","File Name":"Arrays.java","Line Number":3236}],"Full Stack Trace":"java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3236)\n","Accumulator Updates":[]}"#
    } else {
        r#"{"Reason":"Success"}"#
    };
    let mut acc = String::new();
    for (i, (name, value)) in [
        ("internal.metrics.executorDeserializeTime", 27),
        ("internal.metrics.executorDeserializeCpuTime", 18_759_444),
        ("internal.metrics.executorRunTime", run),
        ("internal.metrics.executorCpuTime", cpu),
        ("internal.metrics.resultSize", 2947),
        ("internal.metrics.jvmGCTime", gc),
        ("internal.metrics.resultSerializationTime", 2),
        ("internal.metrics.input.bytesRead", read),
        ("internal.metrics.shuffle.write.bytesWritten", wrote),
    ]
    .iter()
    .enumerate()
    {
        let sep = if i == 0 { "" } else { "," };
        acc.push_str(&format!(
            r#"{sep}{{"ID":{},"Name":"{name}","Update":{value},"Value":{value},"Internal":true,"Count Failed Values":true}}"#,
            70 + i
        ));
    }
    writeln!(
        w,
        r#"{{"Event":"SparkListenerTaskEnd","Stage ID":{stage},"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":{reason},"Task Info":{{{},"Accumulables":[{acc}]}},"Task Executor Metrics":{{"JVMHeapMemory":0,"JVMOffHeapMemory":0,"OnHeapExecutionMemory":0,"OffHeapExecutionMemory":0,"OnHeapStorageMemory":0,"OffHeapStorageMemory":0,"OnHeapUnifiedMemory":0,"OffHeapUnifiedMemory":0,"DirectPoolMemory":0,"MappedPoolMemory":0,"ProcessTreeJVMVMemory":0,"ProcessTreeJVMRSSMemory":0,"ProcessTreePythonVMemory":0,"ProcessTreePythonRSSMemory":0,"ProcessTreeOtherVMemory":0,"ProcessTreeOtherRSSMemory":0,"MinorGCCount":0,"MinorGCTime":0,"MajorGCCount":0,"MajorGCTime":0,"TotalGCTime":0}},"Task Metrics":{{"Executor Deserialize Time":27,"Executor Deserialize CPU Time":18759444,"Executor Run Time":{run},"Executor CPU Time":{cpu},"Peak Execution Memory":0,"Result Size":2947,"JVM GC Time":{gc},"Result Serialization Time":2,"Memory Bytes Spilled":0,"Disk Bytes Spilled":0,"Shuffle Read Metrics":{{"Remote Blocks Fetched":0,"Local Blocks Fetched":0,"Fetch Wait Time":0,"Remote Bytes Read":0,"Remote Bytes Read To Disk":0,"Local Bytes Read":0,"Total Records Read":0,"Remote Requests Duration":0,"Push Based Shuffle":{{"Corrupt Merged Block Chunks":0,"Merged Fetch Fallback Count":0,"Merged Remote Blocks Fetched":0,"Merged Local Blocks Fetched":0,"Merged Remote Chunks Fetched":0,"Merged Local Chunks Fetched":0,"Merged Remote Bytes Read":0,"Merged Local Bytes Read":0,"Merged Remote Requests Duration":0}}}},"Shuffle Write Metrics":{{"Shuffle Bytes Written":{wrote},"Shuffle Write Time":{},"Shuffle Records Written":{}}},"Input Metrics":{{"Bytes Read":{read},"Records Read":{}}},"Output Metrics":{{"Bytes Written":0,"Records Written":0}},"Updated Blocks":[]}}}}"#,
        info(finish, failed),
        wrote / 100,
        wrote / 80,
        read / 100
    )
}

/// A million generated lines (truncated, bit-flipped, spliced, random JSON, random bytes) through
/// the line parser: must not panic; prints the rate and how many were rejected.
fn fuzz_run(n: usize) {
    let mut rng = fuzz::Rng::new(2);
    let mut line = Vec::new();
    let mut analyzer = Analyzer::new(Options::default());
    let mut bytes = 0usize;
    let t = Instant::now();
    for _ in 0..n {
        fuzz::line(&mut rng, &mut line);
        bytes += line.len();
        analyzer.feed_line(&line);
    }
    let s = analyzer.finish();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "fuzz: {n} lines ({:.0} MB) in {secs:.2} s ({:.0} lines/s), {} rejected as unreadable, no panic",
        bytes as f64 / 1e6,
        n as f64 / secs,
        s.skipped_lines
    );
}
