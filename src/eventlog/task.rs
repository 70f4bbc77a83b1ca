//! Task start and end events, the bulk of every log.
//!
//! Every value the analysis takes from a task line is read by one [`Op`] at one position of the
//! line. The scanner-driven parsers below perform the ops as they walk the object and record them
//! with their positions; a line template (see `template`) replays the same ops at the matching
//! positions of a later line of the same shape. Both ways run [`TaskFields::apply`], so they read
//! exactly the same values.

use std::borrow::Cow;

use super::events::{Event, Metrics, TaskEnd};
use super::scan::{Malformed, Res, Scanner};

/// One read (or state change) of a task event, in the order the parser meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Stage,
    Attempt,
    TaskId,
    Launch,
    Finish,
    Failed,
    Killed,
    /// `Task Info` / `Host` (a string, or null).
    Host,
    /// Start of the `Task End Reason` object.
    ReasonFrom,
    Reason,
    /// End of the `Task End Reason` object.
    ReasonTo,
    MetricsNull,
    MetricsBegin,
    MetricsEnd,
    RunTime,
    CpuTime,
    GcTime,
    MemorySpill,
    DiskSpill,
    ShuffleRead,
    FetchWait,
    ShuffleWrite,
    InputBytes,
    OutputBytes,
}

/// The ops performed while parsing one task line, with the line position each one read at.
pub(crate) type OpLog = Vec<(Op, usize)>;

/// The fields of a task event as the ops leave them.
#[derive(Debug, Default)]
pub(crate) struct TaskFields<'a> {
    stage: Option<i64>,
    attempt: i64,
    task_id: Option<i64>,
    launch: Option<i64>,
    finish: i64,
    failed: bool,
    killed: bool,
    reason: Option<Cow<'a, str>>,
    reason_from: usize,
    reason_raw: &'a [u8],
    host: Option<Cow<'a, str>>,
    metrics: Option<Metrics>,
    current: Metrics,
}

impl<'a> TaskFields<'a> {
    /// Perform `op` at the scanner's position (reading the value it names, if any).
    #[inline]
    pub(crate) fn apply(&mut self, op: Op, sc: &mut Scanner<'a>) -> Res<()> {
        let m = &mut self.current;
        match op {
            Op::Stage => self.stage = Some(sc.opt_int()?.ok_or(Malformed)?),
            Op::Attempt => self.attempt = sc.int()?,
            Op::TaskId => self.task_id = sc.opt_int()?,
            Op::Launch => self.launch = sc.opt_int()?,
            Op::Finish => self.finish = sc.int()?,
            Op::Failed => self.failed = sc.bool()?,
            Op::Killed => self.killed = sc.bool()?,
            Op::Host => self.host = if sc.null()? { None } else { Some(sc.string()?) },
            Op::ReasonFrom => {
                sc.ws();
                self.reason_from = sc.i;
            }
            Op::Reason => self.reason = Some(sc.string()?),
            Op::ReasonTo => self.reason_raw = sc.bytes().get(self.reason_from..sc.i).ok_or(Malformed)?,
            Op::MetricsNull => self.metrics = None,
            Op::MetricsBegin => *m = Metrics::default(),
            Op::MetricsEnd => self.metrics = Some(*m),
            Op::RunTime => m.run_ms = sc.int()?,
            Op::CpuTime => m.cpu_ns = sc.int()?,
            Op::GcTime => m.gc_ms = sc.int()?,
            Op::MemorySpill => m.memory_spill_bytes = sc.int()?,
            Op::DiskSpill => m.disk_spill_bytes = sc.int()?,
            Op::ShuffleRead => m.shuffle_read_bytes = m.shuffle_read_bytes.saturating_add(sc.int()?),
            Op::FetchWait => m.fetch_wait_ms = sc.int()?,
            Op::ShuffleWrite => m.shuffle_write_bytes = sc.int()?,
            Op::InputBytes => m.input_bytes = sc.int()?,
            Op::OutputBytes => m.output_bytes = sc.int()?,
        }
        Ok(())
    }

    /// Perform `op` if it reads an integer, given its value read elsewhere (a plain integer at
    /// the position [`TaskFields::apply`] would read at: same result). False for other ops.
    #[inline]
    pub(crate) fn apply_int(&mut self, op: Op, v: i64) -> bool {
        let m = &mut self.current;
        match op {
            Op::Stage => self.stage = Some(v),
            Op::Attempt => self.attempt = v,
            Op::TaskId => self.task_id = Some(v),
            Op::Launch => self.launch = Some(v),
            Op::Finish => self.finish = v,
            Op::RunTime => m.run_ms = v,
            Op::CpuTime => m.cpu_ns = v,
            Op::GcTime => m.gc_ms = v,
            Op::MemorySpill => m.memory_spill_bytes = v,
            Op::DiskSpill => m.disk_spill_bytes = v,
            Op::ShuffleRead => m.shuffle_read_bytes = m.shuffle_read_bytes.saturating_add(v),
            Op::FetchWait => m.fetch_wait_ms = v,
            Op::ShuffleWrite => m.shuffle_write_bytes = v,
            Op::InputBytes => m.input_bytes = v,
            Op::OutputBytes => m.output_bytes = v,
            Op::Failed
            | Op::Killed
            | Op::Host
            | Op::ReasonFrom
            | Op::Reason
            | Op::ReasonTo
            | Op::MetricsNull
            | Op::MetricsBegin
            | Op::MetricsEnd => return false,
        }
        true
    }

    pub(crate) fn task_start(self) -> Res<Event<'a>> {
        Ok(Event::TaskStart {
            stage: (self.stage.ok_or(Malformed)?, self.attempt),
            task_id: self.task_id.ok_or(Malformed)?,
        })
    }

    pub(crate) fn task_end(self) -> Res<Event<'a>> {
        Ok(Event::TaskEnd(TaskEnd {
            stage: (self.stage.ok_or(Malformed)?, self.attempt),
            task_id: self.task_id.ok_or(Malformed)?,
            launch_ms: self.launch.ok_or(Malformed)?,
            finish_ms: self.finish,
            failed: self.failed,
            killed: self.killed,
            reason: self.reason.ok_or(Malformed)?,
            reason_raw: self.reason_raw,
            host: self.host,
            metrics: self.metrics,
        }))
    }
}

/// Parses a task line with the scanner, performing and recording the ops.
struct Parse<'a, 'l> {
    fields: TaskFields<'a>,
    log: &'l mut OpLog,
}

impl<'a> Parse<'a, '_> {
    #[inline]
    fn op(&mut self, op: Op, sc: &mut Scanner<'a>) -> Res<()> {
        self.log.push((op, sc.i));
        self.fields.apply(op, sc)
    }

    /// `Stage ID` and `Stage Attempt ID`, present in both task events.
    fn stage_key(&mut self, sc: &mut Scanner<'a>, key: &[u8]) -> Res<bool> {
        match key {
            b"Stage ID" => self.op(Op::Stage, sc)?,
            b"Stage Attempt ID" => self.op(Op::Attempt, sc)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}

pub(crate) fn task_start<'a>(sc: &mut Scanner<'a>, log: &mut OpLog) -> Res<Event<'a>> {
    let mut p = Parse { fields: TaskFields::default(), log };
    sc.object(|sc, key| {
        if p.stage_key(sc, key)? {
            return Ok(());
        }
        if key == b"Task Info" {
            sc.object(|sc, key| if key == b"Task ID" { p.op(Op::TaskId, sc) } else { sc.skip() })
        } else {
            sc.skip()
        }
    })?;
    p.fields.task_start()
}

pub(crate) fn task_end<'a>(sc: &mut Scanner<'a>, log: &mut OpLog) -> Res<Event<'a>> {
    let mut p = Parse { fields: TaskFields::default(), log };
    sc.object(|sc, key| {
        if p.stage_key(sc, key)? {
            return Ok(());
        }
        match key {
            b"Task End Reason" => {
                p.op(Op::ReasonFrom, sc)?;
                sc.object(|sc, key| if key == b"Reason" { p.op(Op::Reason, sc) } else { sc.skip() })?;
                p.op(Op::ReasonTo, sc)
            }
            b"Task Info" => sc.object(|sc, key| {
                let op = match key {
                    b"Task ID" => Op::TaskId,
                    b"Launch Time" => Op::Launch,
                    b"Finish Time" => Op::Finish,
                    b"Failed" => Op::Failed,
                    b"Killed" => Op::Killed,
                    b"Host" => Op::Host,
                    _ => return sc.skip(),
                };
                p.op(op, sc)
            }),
            b"Task Metrics" => {
                if sc.null()? {
                    p.op(Op::MetricsNull, sc)
                } else {
                    p.op(Op::MetricsBegin, sc)?;
                    task_metrics(sc, &mut p)?;
                    p.op(Op::MetricsEnd, sc)
                }
            }
            _ => sc.skip(),
        }
    })?;
    p.fields.task_end()
}

/// `Task Metrics`, from Spark 1.x (no CPU time, optional I/O blocks) to 4.x.
fn task_metrics<'a>(sc: &mut Scanner<'a>, p: &mut Parse<'a, '_>) -> Res<()> {
    // The object holding each metric, and the op that reads it there.
    let nested = |sc: &mut Scanner<'a>, p: &mut Parse<'a, '_>, pick: fn(&[u8]) -> Option<Op>| {
        if sc.null()? {
            return Ok(());
        }
        sc.object(|sc, key| match pick(key) {
            Some(op) => p.op(op, sc),
            None => sc.skip(),
        })
    };
    sc.object(|sc, key| match key {
        b"Executor Run Time" => p.op(Op::RunTime, sc),
        b"Executor CPU Time" => p.op(Op::CpuTime, sc),
        b"JVM GC Time" => p.op(Op::GcTime, sc),
        b"Memory Bytes Spilled" => p.op(Op::MemorySpill, sc),
        b"Disk Bytes Spilled" => p.op(Op::DiskSpill, sc),
        b"Shuffle Read Metrics" => nested(sc, p, |key| match key {
            b"Remote Bytes Read" | b"Local Bytes Read" => Some(Op::ShuffleRead),
            b"Fetch Wait Time" => Some(Op::FetchWait),
            _ => None,
        }),
        b"Shuffle Write Metrics" => nested(sc, p, |key| (key == b"Shuffle Bytes Written").then_some(Op::ShuffleWrite)),
        b"Input Metrics" => nested(sc, p, |key| (key == b"Bytes Read").then_some(Op::InputBytes)),
        b"Output Metrics" => nested(sc, p, |key| (key == b"Bytes Written").then_some(Op::OutputBytes)),
        _ => sc.skip(),
    })
}
