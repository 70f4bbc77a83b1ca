//! The decoding speed of each codec, on the Spark-written fixtures of
//! tests/fixtures/spark-codecs (and the Databricks gzip part), next to `zstd -dc | wc -l` and
//! `gzip -dc | wc -l` where those commands exist.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use batchtop::eventlog::{Options, decoded, summarize};

use super::best_of;

/// The fixture each codec is measured on: Spark's own output for the four Spark codecs, the
/// Databricks-style gzip part for gzip.
fn codec_inputs() -> Vec<(&'static str, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = root.join("tests/fixtures/spark-codecs");
    let mut out = Vec::new();
    for codec in ["lz4", "snappy", "lzf", "zstd"] {
        let found = std::fs::read_dir(&ours)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == codec));
        out.extend(found.map(|p| (codec, p)));
    }
    out.push(("gzip", root.join("../shared/fixtures/spark-events/db_sim_eventlog/eventlog-2021-06-15--15-00.gz")));
    out
}

/// Decoded bytes and lines of `path`, through batchtop's decoders.
fn decode_count(path: &Path) -> Option<(u64, u64)> {
    let mut reader = decoded(path).ok()?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut bytes, mut lines) = (0u64, 0u64);
    loop {
        match std::io::Read::read(&mut reader, &mut buf) {
            Ok(0) => return Some((bytes, lines)),
            Ok(n) => {
                bytes += n as u64;
                lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            }
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                return None;
            }
        }
    }
}

pub fn codecs(tmp: &Path) {
    let target_mb: f64 = std::env::var("BATCHTOP_BENCH_CODEC_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(200.0);
    println!("codecs: each fixture repeated to about {target_mb:.0} MB decoded (streams concatenate), best of 3 runs");
    for (codec, src) in codec_inputs() {
        let (Ok(one), Some((plain, _))) = (std::fs::read(&src), decode_count(&src)) else {
            println!("  {codec:<6}: fixture {} not readable", src.display());
            continue;
        };
        let copies = ((target_mb * 1e6) / plain.max(1) as f64).ceil().max(1.0) as usize;
        let ext = if codec == "gzip" { "gz" } else { codec };
        let path = tmp.join(format!("bench.{ext}"));
        if std::fs::write(&path, one.repeat(copies)).is_err() {
            continue;
        }
        let mb = (plain * copies as u64) as f64 / 1e6;
        let decode = best_of(3, || decode_count(&path).is_some());
        let summary = best_of(3, || summarize(&path, &Options::default()).is_ok());
        let tool = match codec {
            "zstd" => Some("zstd"),
            "gzip" => Some("gzip"),
            _ => None,
        };
        let reference = tool.and_then(|t| {
            let cmd = format!("{t} -dc '{}' | wc -l", path.display());
            best_of(3, || Command::new("sh").arg("-c").arg(&cmd).output().is_ok_and(|o| o.status.success()))
        });
        let rate =
            |d: Option<Duration>| d.map_or("failed".to_string(), |d| format!("{:>6.0} MB/s", mb / d.as_secs_f64()));
        let reference = match (tool, reference) {
            (Some(t), Some(d)) => format!("{t} -dc | wc -l {:>6.0} MB/s", mb / d.as_secs_f64()),
            (Some(t), None) => format!("no {t} command here"),
            (None, _) => "no command reads this framing".to_string(),
        };
        println!(
            "  {codec:<6}: {:>7.1} MB compressed, {mb:>7.1} MB decoded; decode {}, summarize {}; {reference}",
            (one.len() * copies) as f64 / 1e6,
            rate(decode),
            rate(summary),
        );
        let _ = std::fs::remove_file(&path);
    }
}
