//! Event logs in every codec Spark writes, against real Spark output in
//! tests/fixtures/spark-codecs (made by its make.py; see its MANIFEST.md): the same tiny program
//! run once per codec (lz4, snappy, lzf, zstd as the control) and once rolling with lz4.
//!
//! The decoded bytes must equal what Spark's own reader decodes (length, lines and CRC-32 recorded
//! by make.py), the summary of each compressed log must equal the summary of its decoded text,
//! and every run must count the same jobs, stages and tasks. Damage (a wrong extension, a bad
//! checksum, a stream cut short) gives a clear error or a note, never a panic or garbage.

use std::io::Read;
use std::path::{Path, PathBuf};

use batchtop::eventlog::{EventLogError, Options, Summary, Tail, decoded, summarize};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spark-codecs")
}

/// One line of reference.tsv: a file and what Spark's reader decoded from it.
struct Reference {
    file: String,
    bytes: usize,
    lines: usize,
    crc32: u32,
}

fn references() -> Vec<Reference> {
    let text = std::fs::read_to_string(dir().join("reference.tsv")).expect("reference.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Reference {
                file: f[0].to_string(),
                bytes: f[1].parse().expect("bytes"),
                lines: f[2].parse().expect("lines"),
                crc32: u32::from_str_radix(f[3], 16).expect("crc32"),
            }
        })
        .collect()
}

/// The single-file log written with `codec`.
fn single(codec: &str) -> PathBuf {
    let suffix = format!(".{codec}");
    let found = references().into_iter().find(|r| !r.file.contains('/') && r.file.ends_with(&suffix));
    dir().join(found.unwrap_or_else(|| panic!("no single {codec} fixture")).file)
}

/// The rolling lz4 folder.
fn rolling() -> PathBuf {
    let first = references().into_iter().find(|r| r.file.contains('/')).expect("rolling fixture");
    dir().join(first.file.split('/').next().expect("folder"))
}

fn read(path: &Path) -> Summary {
    summarize(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn decode(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    decoded(path).expect("open").read_to_end(&mut out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("batchtop-eventlog-codecs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn every_file_decodes_to_what_spark_reads() {
    let refs = references();
    assert!(refs.len() >= 7, "{} reference rows", refs.len());
    for codec in ["lz4", "snappy", "lzf", "zstd"] {
        assert!(refs.iter().any(|r| r.file.ends_with(&format!(".{codec}"))), "no {codec} fixture");
    }
    for r in refs {
        let text = decode(&dir().join(&r.file));
        let mut crc = flate2::Crc::new();
        crc.update(&text);
        assert_eq!(text.len(), r.bytes, "{}: decoded length", r.file);
        assert_eq!(text.iter().filter(|&&b| b == b'\n').count(), r.lines, "{}: lines", r.file);
        assert_eq!(crc.sum(), r.crc32, "{}: CRC-32 of the decoded text", r.file);
    }
}

/// The summary of the plain text equals the summary of the compressed log, field by field.
#[test]
fn every_codec_summarizes_as_its_plain_text() {
    let plain_dir = scratch("plain");
    for codec in ["lz4", "snappy", "lzf", "zstd"] {
        let path = single(codec);
        let plain = plain_dir.join(codec);
        std::fs::write(&plain, decode(&path)).expect("write plain");
        let (a, b) = (read(&path), read(&plain));
        assert!(a.notes.is_empty() && a.skipped_lines == 0 && !a.truncated_last_line, "{codec}: {:?}", a.notes);
        assert_eq!(a.to_json(), b.to_json(), "{codec}");
        assert_eq!(a, b, "{codec}");
    }
    // The rolling folder, part by part, as plain parts of a rolling folder.
    let folder = plain_dir.join(rolling().file_name().expect("name"));
    std::fs::create_dir_all(&folder).expect("dir");
    for entry in std::fs::read_dir(rolling()).expect("rolling dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().replace(".lz4", "");
        std::fs::write(folder.join(name), decode(&path)).expect("write part");
    }
    assert_eq!(read(&rolling()), read(&folder));
    std::fs::remove_dir_all(&plain_dir).expect("cleanup");
}

/// Per stage: id, tasks, completed, failed, status.
type StageShape = (i64, i64, i64, i64, String);

/// What every run of the fixture program must show, whatever the codec: jobs, stages, failed
/// task attempts, whether the application ended.
fn shape(s: &Summary) -> (usize, Vec<StageShape>, u64, bool) {
    let stages =
        s.stages.iter().map(|st| (st.stage_id, st.num_tasks, st.completed_tasks, st.failed_tasks, st.status.clone()));
    let failed: u64 = s.failed_tasks.iter().map(|g| g.count).sum();
    (s.jobs.len(), stages.collect(), failed, s.end_ms.is_some())
}

#[test]
fn every_codec_counts_the_same_program_alike() {
    let control = read(&single("zstd"));
    let want = shape(&control);
    assert_eq!(want.0, 2, "two jobs");
    assert_eq!(want.1.len(), 4, "four stages: {:?}", want.1);
    assert_eq!(want.2, 1, "one failed task attempt");
    assert!(want.3, "the application ended");
    assert!(control.jobs.iter().all(|j| j.status == "SUCCEEDED"));
    for codec in ["lz4", "snappy", "lzf"] {
        assert_eq!(shape(&read(&single(codec))), want, "{codec}");
    }
    assert_eq!(shape(&read(&rolling())), want, "rolling lz4");
}

#[test]
fn a_rolling_lz4_folder_reads_as_one_log() {
    let parts: Vec<Reference> = references().into_iter().filter(|r| r.file.contains('/')).collect();
    assert!(parts.len() >= 3, "the rolling run rolled into {} parts", parts.len());
    let s = read(&rolling());
    assert_eq!(s.lines as usize, parts.iter().map(|p| p.lines).sum::<usize>());
    assert!(s.app_id.as_deref().is_some_and(|id| rolling().to_string_lossy().ends_with(id)));
    assert!(s.notes.is_empty(), "{:?}", s.notes);
}

#[test]
fn the_databricks_folder_with_a_gzip_part_reads_whole() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/spark-events");
    // MANIFEST.md: 5621 events, the same application as the rolling zstd fixture.
    let s = read(&shared.join("db_sim_eventlog"));
    assert_eq!(s.lines, 5621);
    assert_eq!(s.stages.iter().map(|st| st.completed_tasks).sum::<i64>(), 2801);
    assert_eq!(s.to_json(), read(&shared.join("eventlog_v2_local-1623876083964")).to_json());
}

#[test]
fn a_wrong_extension_is_a_clear_error() {
    let dir = scratch("wrong");
    let lz4 = std::fs::read(single("lz4")).expect("fixture");
    for (name, bytes, says) in [
        ("app.snappy", &lz4[..], "named .snappy but holds lz4 data; rename it to .lz4"),
        ("app.lzf", &lz4[..], "named .lzf but holds lz4 data"),
        ("app.lz4", b"{\"Event\":\"SparkListenerLogStart\"}\n", "named .lz4 but holds plain text"),
        ("app.gz", b"\x00\x01\x02\x03", "named .gz but does not start as gzip data does"),
    ] {
        std::fs::write(dir.join(name), bytes).expect("write");
        let err = summarize(&dir.join(name), &Options::default()).expect_err(name);
        assert!(matches!(err, EventLogError::WrongCodec { .. }), "{name}: {err}");
        assert!(err.to_string().contains(says), "{name}: {err}");
        assert_eq!(err.to_string().lines().count(), 1);
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// Offsets of the LZ4Block headers in a file.
fn lz4_blocks(bytes: &[u8]) -> Vec<usize> {
    let mut at = vec![];
    let mut i = 0;
    while i + 21 <= bytes.len() {
        at.push(i);
        i += 21 + u32::from_le_bytes(bytes[i + 9..i + 13].try_into().expect("4 bytes")) as usize;
    }
    at
}

#[test]
fn an_lz4_checksum_mismatch_is_named() {
    let dir = scratch("checksum");
    let good = std::fs::read(single("lz4")).expect("fixture");
    let blocks = lz4_blocks(&good);
    assert!(blocks.len() >= 3, "{} blocks", blocks.len());
    // In the first block: nothing decodes, an error.
    let mut bad = good.clone();
    bad[blocks[0] + 17] ^= 0x01;
    std::fs::write(dir.join("first.lz4"), &bad).expect("write");
    let err = summarize(&dir.join("first.lz4"), &Options::default()).expect_err("bad first block");
    assert!(matches!(err, EventLogError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("lz4: checksum mismatch in the block at byte 0 (stored"), "{err}");
    // A damaged byte of data in a later block: what came before is read, the note says where.
    let mut bad = good.clone();
    bad[blocks[1] + 21 + 100] ^= 0x20;
    std::fs::write(dir.join("second.lz4"), &bad).expect("write");
    let s = read(&dir.join("second.lz4"));
    assert_eq!(s.notes.len(), 1, "{:?}", s.notes);
    assert!(s.notes[0].contains(&format!("in the block at byte {}", blocks[1])), "{}", s.notes[0]);
    assert!(s.notes[0].contains("the rest of the file is skipped"));
    assert!(s.lines > 0 && s.lines < read(&single("lz4")).lines);
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// A stream cut in the middle reads up to the cut and says so, as a cut zstd stream does; cut
/// before anything decodes, it is an error that says what is wrong.
#[test]
fn a_cut_stream_reads_up_to_the_cut_like_zstd() {
    let dir = scratch("cut");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/spark-events");
    let gz = shared.join("db_sim_eventlog/eventlog-2021-06-15--15-00.gz");
    let cases = [single("zstd"), single("lz4"), single("snappy"), single("lzf"), gz];
    for path in cases {
        let bytes = std::fs::read(&path).expect("fixture");
        let full = read(&path);
        let name = format!("{}.inprogress", path.file_name().expect("name").to_string_lossy());
        std::fs::write(dir.join(&name), &bytes[..bytes.len() * 2 / 3]).expect("write");
        let s = summarize(&dir.join(&name), &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(s.lines > 0 && s.lines < full.lines, "{name}: {} of {}", s.lines, full.lines);
        assert!(s.end_ms.is_none(), "{name}");
        assert_eq!(s.notes.len(), 1, "{name}: {:?}", s.notes);
        assert!(s.notes[0].contains("compressed stream stops early"), "{name}: {}", s.notes[0]);
        // Cut inside the first block: zstd and gzip decode a few bytes of it (a note), the
        // block framings none (an error); neither panics nor reads garbage.
        std::fs::write(dir.join(&name), &bytes[..20]).expect("write");
        match summarize(&dir.join(&name), &Options::default()) {
            Err(err @ EventLogError::Corrupt { .. }) => assert_eq!(err.to_string().lines().count(), 1),
            Ok(s) if name.contains(".zstd") || name.contains(".gz") => {
                assert!(s.stages.is_empty() && s.notes[0].contains("stops early"), "{name}: {:?}", s.notes);
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// Following a growing lz4 log gives the summary of the whole file at the end.
#[test]
fn tail_follows_a_growing_lz4_log() {
    let dir = scratch("tail");
    let bytes = std::fs::read(single("lz4")).expect("fixture");
    let path = dir.join("app.lz4.inprogress");
    let mut tail = Tail::new(&path, &Options::default());
    for cut in [0, 10, 21, bytes.len() / 3, bytes.len() / 2, bytes.len() - 5, bytes.len()] {
        std::fs::write(&path, &bytes[..cut]).expect("write");
        let _ = tail.poll();
    }
    assert_eq!(tail.finish().to_json(), read(&single("lz4")).to_json());
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// Seeded damage to every framing (flipped bytes, cuts, spliced garbage): always a summary or a
/// one-line error, never a panic.
#[test]
fn damaged_streams_never_panic() {
    let dir = scratch("fuzz");
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n.max(1)
    };
    for codec in ["lz4", "snappy", "lzf", "zstd"] {
        let good = std::fs::read(single(codec)).expect("fixture");
        let path = dir.join(format!("app.{codec}"));
        for round in 0..150 {
            let mut bad = good.clone();
            match round % 3 {
                0 => {
                    for _ in 0..1 + next(4) {
                        let at = next(bad.len());
                        bad[at] ^= 1 << next(8);
                    }
                }
                1 => bad.truncate(next(bad.len())),
                _ => {
                    let at = next(bad.len());
                    let junk: Vec<u8> = (0..1 + next(64)).map(|_| next(256) as u8).collect();
                    bad.splice(at..at, junk);
                }
            }
            std::fs::write(&path, &bad).expect("write");
            if let Err(e) = summarize(&path, &Options::default()) {
                assert_eq!(e.to_string().lines().count(), 1, "{codec} round {round}: {e}");
            }
        }
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// Objects in memory, for the S3 path (`app::fetch` mirrors them locally under their names).
struct Bucket(Vec<(String, Vec<u8>)>);

impl batchtop::aws::ObjectRead for Bucket {
    fn list<'a>(
        &'a self,
        _bucket: &'a str,
        prefix: &'a str,
    ) -> batchtop::aws::BoxFut<'a, batchtop::aws::AwsResult<Vec<(String, i64)>>> {
        let keys = self.0.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(k, b)| (k.clone(), b.len() as i64));
        let keys: Vec<(String, i64)> = keys.collect();
        Box::pin(async move { Ok(keys) })
    }
    fn get<'a>(
        &'a self,
        _bucket: &'a str,
        key: &'a str,
        offset: u64,
    ) -> batchtop::aws::BoxFut<'a, batchtop::aws::AwsResult<Vec<u8>>> {
        let body =
            self.0.iter().find(|(k, _)| k == key).map(|(_, b)| b[offset as usize..].to_vec()).unwrap_or_default();
        Box::pin(async move { Ok(body) })
    }
}

#[tokio::test]
async fn compressed_logs_on_s3_read_as_the_local_files() {
    use batchtop::app::fetch::load;
    use batchtop::state::eventlog::EventLogSource;
    let mut objects = Vec::new();
    let folder = rolling();
    let id = folder.file_name().expect("name").to_string_lossy().into_owned();
    for entry in std::fs::read_dir(&folder).expect("rolling dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        objects.push((format!("emr/sparklogs/{id}/{name}"), std::fs::read(&path).expect("read")));
    }
    for (ms, codec) in [(1_700_000_000_000i64, "lz4"), (1_700_000_600_000, "snappy")] {
        objects.push((format!("glue/spark-application-{ms}.{codec}"), std::fs::read(single(codec)).expect("read")));
    }
    let bucket: std::sync::Arc<dyn batchtop::aws::ObjectRead> = std::sync::Arc::new(Bucket(objects));
    let s3 = |uri: &str| EventLogSource::S3(uri.to_string());
    let got = load(&s3("s3://b/emr/sparklogs/"), bucket.clone(), Options::default(), None).await.expect("rolling");
    assert_eq!(got, read(&folder));
    let got = load(&s3("s3://b/glue/"), bucket, Options::default(), Some(1_700_000_590_000)).await.expect("glue");
    assert_eq!(got, read(&single("snappy")));
}
