//! Following a log while Spark writes it: each [`Tail::poll`] feeds only what is new.

use std::path::{Path, PathBuf};

use super::analyzer::Analyzer;
use super::model::Summary;
use super::reading::{Ending, Unwatched, Watch};
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
    /// The size and modification time on disk of the part being read when it was last read.
    read_size: Option<Stamp>,
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
            read_size: None,
        }
    }

    /// Read what was appended since the last call; returns the number of new bytes.
    pub fn poll(&mut self) -> Result<u64, EventLogError> {
        self.poll_watched(&Unwatched)
    }

    /// [`Tail::poll`], telling `watch` the bytes on disk this poll reads (what plain parts
    /// gained, compressed parts that changed whole), then each read; a compressed part whose
    /// size on disk did not change is not decoded again. Stops when `watch` says so.
    pub fn poll_watched(&mut self, watch: &dyn Watch) -> Result<u64, EventLogError> {
        let parts = source::parts(&self.path)?;
        let current_shrank = parts.get(self.part).is_some_and(|p| {
            p.codec == Codec::Plain && std::fs::metadata(&p.path).is_ok_and(|m| m.len() < self.offset)
        });
        if parts.len() < self.part_count || current_shrank {
            self.restart();
        }
        self.part_count = parts.len();
        let stamps: Vec<Stamp> = parts.iter().map(|p| stamp(&p.path)).collect();
        let total = (self.part..parts.len()).map(|i| self.to_read(&parts[i], i, stamps[i])).sum();
        let _ending = (total > 0).then(|| Ending::begin(watch, total));
        let mut fed = 0;
        while let Some(part) = parts.get(self.part) {
            let last = self.part + 1 == parts.len();
            let stamp = stamps[self.part];
            let out = match self.to_read(part, self.part, stamp) {
                0 => source::ReadOutcome::default(),
                _ => match source::read_part(part, self.offset, &mut self.analyzer, watch) {
                    // The start of a compressed part still being written may not decode yet.
                    Err(EventLogError::Corrupt { .. }) if last => source::ReadOutcome::default(),
                    other => other?,
                },
            };
            self.offset += out.bytes;
            self.read_size = Some(stamp);
            fed += out.bytes;
            if last {
                break;
            }
            // A later part exists, so this one is complete.
            self.analyzer.end_part();
            self.part += 1;
            self.offset = 0;
            self.read_size = None;
        }
        Ok(fed)
    }

    /// The bytes on disk to read of part `i` to catch up.
    fn to_read(&self, part: &source::Part, i: usize, now: Stamp) -> u64 {
        match (i == self.part, part.codec) {
            (false, _) => now.0,
            (true, Codec::Plain) => now.0.saturating_sub(self.offset),
            (true, _) if self.read_size == Some(now) => 0,
            (true, _) => now.0,
        }
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
        self.read_size = None;
    }
}

/// A file's size and modification time: a compressed part with the same is not read again.
type Stamp = (u64, Option<std::time::SystemTime>);

fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path).map_or((0, None), |m| (m.len(), m.modified().ok()))
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

    /// Records what a poll tells its watch: the totals begun and the bytes read.
    #[derive(Default)]
    struct Record(std::sync::Mutex<(Vec<u64>, u64)>);

    impl Watch for Record {
        fn begin(&self, total: u64) {
            self.0.lock().unwrap().0.push(total);
        }
        fn read(&self, bytes: u64) {
            self.0.lock().unwrap().1 += bytes;
        }
        fn end(&self) {}
        fn stop(&self) -> bool {
            false
        }
    }

    impl Record {
        fn take(&self) -> (Vec<u64>, u64) {
            std::mem::take(&mut *self.0.lock().unwrap())
        }
    }

    #[test]
    fn a_poll_tells_the_bytes_on_disk_it_reads() {
        let dir = crate::eventlog::scratch("tail-watch");
        let line = "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":1,\"Stage Infos\":[],\"Stage IDs\":[]}\n";
        let (plain, zst) = (dir.join("events_1_app"), dir.join("events_2_app.zstd"));
        std::fs::write(&plain, line.repeat(3)).unwrap();
        let mut tail = Tail::new(&dir, &Options::default());
        let watch = Record::default();
        tail.poll_watched(&watch).unwrap();
        assert_eq!(watch.take(), (vec![3 * line.len() as u64], 3 * line.len() as u64));
        std::fs::OpenOptions::new().append(true).open(&plain).unwrap().write_all(line.as_bytes()).unwrap();
        tail.poll_watched(&watch).unwrap();
        assert_eq!(watch.take(), (vec![line.len() as u64], line.len() as u64), "only what was appended");
        let z = zstd::encode_all(line.repeat(2).as_bytes(), 1).unwrap();
        std::fs::write(&zst, &z).unwrap();
        assert_eq!(tail.poll_watched(&watch).unwrap(), 2 * line.len() as u64);
        assert_eq!(watch.take(), (vec![z.len() as u64], z.len() as u64), "the new compressed part, whole");
        assert_eq!(tail.poll_watched(&watch).unwrap(), 0);
        assert_eq!(watch.take(), (vec![], 0), "an unchanged compressed part is not read again");
        let more = line.replace(":1,", ":2,").repeat(3);
        let z = zstd::encode_all(format!("{}{more}", line.repeat(2)).as_bytes(), 1).unwrap();
        std::fs::write(&zst, &z).unwrap();
        assert_eq!(tail.poll_watched(&watch).unwrap(), more.len() as u64);
        assert_eq!(watch.take(), (vec![z.len() as u64], z.len() as u64), "a grown compressed part, whole");
        assert_eq!(tail.finish().lines, 9);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
