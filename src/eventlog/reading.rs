//! How a log on S3 is read and how far a read is: plain values shared by the config, the
//! reader (`app::fetch`) and the view.

use std::time::Duration;

/// How event logs on S3 are read (`[eventlog] s3_part_size`, `s3_parallelism`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Bytes per ranged GET.
    pub part_size: u64,
    /// GETs in flight at once; at most `parallelism × part_size` bytes are buffered.
    pub parallelism: usize,
}

impl Default for Reading {
    fn default() -> Self {
        Reading { part_size: 8 << 20, parallelism: 4 }
    }
}

/// What a progress bar shows: bytes read of the total, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub read: u64,
    pub total: u64,
    pub elapsed: Duration,
}

impl Seen {
    /// Bytes per second so far (None before anything arrived).
    pub fn rate(&self) -> Option<f64> {
        let secs = self.elapsed.as_secs_f64();
        (self.read > 0 && secs > 0.0).then(|| self.read as f64 / secs)
    }

    /// Time left at the rate so far.
    pub fn left(&self) -> Option<Duration> {
        let rate = self.rate()?;
        Some(Duration::from_secs_f64(self.total.saturating_sub(self.read) as f64 / rate))
    }
}
