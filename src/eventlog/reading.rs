//! How a log on S3 is read and how far a read is: plain values shared by the config, the
//! reader (`app::fetch`) and the view; [`Watch`], what a read of local files reports to.

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

/// What a read of local files reports to, and asks whether to go on: `begin` with the bytes on
/// disk it will read, `read` after each read from disk, `end` however it ends; once `stop` is
/// true the read ends at its next read from disk with [`super::EventLogError::Stopped`].
pub trait Watch: Send + Sync {
    fn begin(&self, total: u64);
    fn read(&self, bytes: u64);
    fn end(&self);
    fn stop(&self) -> bool;
}

/// Nobody watches: never stops.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unwatched;

impl Watch for Unwatched {
    fn begin(&self, _: u64) {}
    fn read(&self, _: u64) {}
    fn end(&self) {}
    fn stop(&self) -> bool {
        false
    }
}

/// Calls `end` when dropped, so that a read that fails or stops ends too.
pub(crate) struct Ending<'w>(pub &'w dyn Watch);

impl<'w> Ending<'w> {
    pub(crate) fn begin(watch: &'w dyn Watch, total: u64) -> Self {
        watch.begin(total);
        Ending(watch)
    }
}

impl Drop for Ending<'_> {
    fn drop(&mut self) {
        self.0.end();
    }
}
