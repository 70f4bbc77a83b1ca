//! Following a log while Spark writes it: each [`Tail::poll`] feeds only what is new.

use std::path::{Path, PathBuf};

use super::analyzer::Analyzer;
use super::model::Summary;
use super::source::{self, Codec};
use super::{EventLogError, Options};

/// Follows one event log (file, `.inprogress` file or rolling directory).
///
/// Plain files are read from where the last poll stopped. Compressed parts are decoded again from
/// their start and the bytes already fed are dropped, so an in-progress zstd stream works too. If
/// the log shrinks or parts disappear (replaced by another run), reading starts over.
#[derive(Debug)]
pub struct Tail {
    path: PathBuf,
    opts: Options,
    analyzer: Analyzer,
    /// Index of the part being read and the decoded bytes of it already fed.
    part: usize,
    offset: u64,
    part_count: usize,
}

impl Tail {
    pub fn new(path: &Path, opts: &Options) -> Self {
        Tail {
            path: path.to_path_buf(),
            opts: opts.clone(),
            analyzer: Analyzer::new(opts.clone()),
            part: 0,
            offset: 0,
            part_count: 0,
        }
    }

    /// Read what was appended since the last call; returns the number of new bytes.
    pub fn poll(&mut self) -> Result<u64, EventLogError> {
        let parts = source::parts(&self.path)?;
        let current_shrank = parts.get(self.part).is_some_and(|p| {
            p.codec == Codec::Plain && std::fs::metadata(&p.path).is_ok_and(|m| m.len() < self.offset)
        });
        if parts.len() < self.part_count || current_shrank {
            self.restart();
        }
        self.part_count = parts.len();
        let mut fed = 0;
        while let Some(part) = parts.get(self.part) {
            let last = self.part + 1 == parts.len();
            let out = match source::read_part(part, self.offset, &mut self.analyzer) {
                // The start of a compressed part still being written may not decode yet.
                Err(EventLogError::Corrupt { .. }) if last => source::ReadOutcome::default(),
                other => other?,
            };
            self.offset += out.bytes;
            fed += out.bytes;
            if last {
                break;
            }
            // A later part exists, so this one is complete.
            self.analyzer.end_part();
            self.part += 1;
            self.offset = 0;
        }
        Ok(fed)
    }

    /// The summary so far (a line still being written is left out).
    pub fn summary(&mut self) -> Summary {
        self.analyzer.summary()
    }

    /// Stop following and take the final summary (a cut-off last line is reported as such).
    pub fn finish(self) -> Summary {
        self.analyzer.finish()
    }

    fn restart(&mut self) {
        self.analyzer = Analyzer::new(self.opts.clone());
        self.part = 0;
        self.offset = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn follows_appends_and_new_parts() {
        let dir = std::env::temp_dir().join(format!("batchtop-eventlog-tail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let job = |id: u32| {
            format!("{{\"Event\":\"SparkListenerJobStart\",\"Job ID\":{id},\"Stage Infos\":[],\"Stage IDs\":[]}}\n")
        };
        let first = dir.join("events_1_app");
        std::fs::write(&first, job(0)).unwrap();
        let mut tail = Tail::new(&dir, &Options::default());
        assert!(tail.poll().unwrap() > 0);
        assert_eq!(tail.summary().jobs.len(), 1);
        let half = job(1);
        let (a, b) = half.split_at(20);
        std::fs::OpenOptions::new().append(true).open(&first).unwrap().write_all(a.as_bytes()).unwrap();
        tail.poll().unwrap();
        assert_eq!(tail.summary().jobs.len(), 1, "half a line is not an event yet");
        std::fs::OpenOptions::new().append(true).open(&first).unwrap().write_all(b.as_bytes()).unwrap();
        std::fs::write(dir.join("events_2_app"), job(2)).unwrap();
        tail.poll().unwrap();
        assert_eq!(tail.poll().unwrap(), 0);
        let s = tail.finish();
        assert_eq!(s.jobs.len(), 3);
        assert_eq!(s.skipped_lines, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
