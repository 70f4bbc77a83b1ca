//! One S3 log object followed as it grows: only the bytes past what was read are fetched
//! (GetObject Range), gzip is decoded as it arrives, and a cut-off last line waits.

use std::io::Write;

use crate::aws::LogEvent;

/// An S3 log file being followed.
pub(super) struct S3File {
    pub(super) bucket: String,
    pub(super) key: String,
    /// Bytes of the object read so far, and its size when last listed.
    pub(super) offset: u64,
    pub(super) size: u64,
    gz: Option<flate2::write::MultiGzDecoder<Vec<u8>>>,
    /// Text after the last newline, waiting for the rest of its line.
    partial: Vec<u8>,
    lines: i64,
}

impl S3File {
    pub(super) fn new(bucket: &str, key: &str) -> Self {
        let gz = key.ends_with(".gz").then(|| flate2::write::MultiGzDecoder::new(Vec::new()));
        Self { bucket: bucket.to_string(), key: key.to_string(), offset: 0, size: 0, gz, partial: Vec::new(), lines: 0 }
    }

    /// Take appended bytes; returns the complete lines they finish.
    pub(super) fn feed(&mut self, bytes: &[u8]) -> Result<Vec<LogEvent>, String> {
        self.offset += bytes.len() as u64;
        let plain = match &mut self.gz {
            Some(d) => {
                let bad = |e: std::io::Error| format!("s3://{}/{}: not valid gzip: {e}", self.bucket, self.key);
                d.write_all(bytes).map_err(bad)?;
                // The decoder keeps output it has not handed on until flushed.
                d.flush().map_err(bad)?;
                std::mem::take(d.get_mut())
            }
            None => bytes.to_vec(),
        };
        self.partial.extend_from_slice(&plain);
        let mut out = Vec::new();
        while let Some(i) = self.partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=i).collect();
            let text = String::from_utf8_lossy(&line[..line.len() - 1]).trim_end_matches('\r').to_string();
            self.lines += 1;
            out.push(LogEvent {
                id: None,
                ts_ms: self.lines,
                ingestion_ms: None,
                group: format!("s3://{}", self.bucket),
                stream: self.key.clone(),
                message: text,
            });
        }
        Ok(out)
    }
}

/// Is this S3 key a log file (stdout/stderr, plain or gzip)?
pub(super) fn is_log_key(key: &str) -> bool {
    let leaf = key.rsplit('/').next().unwrap_or(key);
    matches!(leaf, "stdout" | "stderr" | "stdout.gz" | "stderr.gz")
        || leaf.ends_with(".log")
        || leaf.ends_with(".log.gz")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gz(text: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text).expect("gzip");
        e.finish().expect("gzip")
    }

    #[test]
    fn s3_lines_arrive_complete_across_chunks_and_gzip() {
        let body = gz(b"first line\nsecond line\nthird");
        let mut f = S3File::new("b", "applications/a/jobs/r/SPARK_DRIVER/stderr.gz");
        let (a, b) = body.split_at(body.len() / 2);
        let mut lines: Vec<String> = f.feed(a).expect("first chunk").into_iter().map(|e| e.message).collect();
        lines.extend(f.feed(b).expect("second chunk").into_iter().map(|e| e.message));
        assert_eq!(lines, vec!["first line", "second line"], "the cut-off last line waits");
        assert_eq!(f.offset, body.len() as u64);
        let mut plain = S3File::new("b", "x/stdout");
        assert_eq!(plain.feed(b"a\r\nb").expect("plain").len(), 1);
        let rest = plain.feed(b"c\n").expect("plain");
        assert_eq!((rest[0].message.as_str(), rest[0].ts_ms), ("bc", 2));
        assert!(S3File::new("b", "k.gz").feed(b"not gzip at all").is_err());
    }

    #[test]
    fn log_keys() {
        assert!(is_log_key("logs/applications/a/jobs/r/SPARK_DRIVER/stdout.gz"));
        assert!(is_log_key("logs/applications/a/jobs/r/SPARK_EXECUTOR/2/stderr.gz"));
        assert!(!is_log_key("logs/applications/a/jobs/r/sparklogs/eventlog_v2_x/events_1_x.zstd"));
    }
}
