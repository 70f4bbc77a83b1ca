//! Line templates for task events.
//!
//! Spark writes task lines from one code path, so consecutive lines mostly differ only in their
//! numbers and plain strings. A template is a line that parsed, with its holes marked: the
//! numbers and the string values without escapes. A later line fits the template when it equals
//! the template outside the holes and each hole holds a valid number or plain string: then it is
//! valid JSON with the same keys and nesting.
//!
//! Fitting is one pass of byte range checks, `line[i] - lo[i] <= span[i]` (wrapping), over the
//! template's bytes: a literal byte must be equal, a digit of an integer hole of the template's
//! length must be a digit (1-9 for a leading one), other holes are expected to hold the
//! template's value. Where a check fails inside a hole, that hole is scanned for real (a value
//! of another length shifts the rest of the line) and the pass goes on after it; anywhere else
//! the line does not fit.
//!
//! Values are read by replaying, at the corresponding positions, the ops the scanner-driven
//! parser performed on the template's line (see `task`), so a fitting line yields exactly what
//! that parser would have. Lines that fit no template go through the parser and become templates.

use super::events::Event;
use super::scan::{Scanner, number_end};
use super::task::{Op, OpLog, TaskFields};
use super::words::{decimal, load, plain_end};

/// The two task events with templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Start = 0,
    End = 1,
}

/// Templates kept per kind; the most recently used is tried first.
const CAP: usize = 8;
/// Lines longer than this are not made templates (a template takes four bytes per line byte).
const MAX_LINE: usize = 1 << 16;
/// `Template::owner` of bytes that must be literal.
const NO_HOLE: u16 = u16::MAX;
/// A template that needed scans is moved to the line it fitted after this many fits, so that
/// values which grew (ids, counters) are checked at their new length.
const REBASE_EVERY: u32 = 32;
/// Bytes checked per step (a multiple of the vector width, for the compiler to vectorise).
const CHUNK: usize = 32;

/// Which task event a line that starts at `b[i]` as Spark writes it holds (the template still
/// checks every byte).
#[inline]
pub(crate) fn kind_at(b: &[u8], i: usize) -> Option<Kind> {
    const HEAD: &[u8] = br#"{"Event":"SparkListenerTask"#;
    if b.get(i..i + HEAD.len())? != HEAD {
        return None;
    }
    match b.get(i + HEAD.len())? {
        b'S' => Some(Kind::Start),
        b'E' => Some(Kind::End),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hole {
    Number,
    /// A string without escapes, quotes included.
    String,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    kind: Hole,
}

#[derive(Debug, Default)]
struct Template {
    kind: Option<Kind>,
    /// Length of the template line.
    len: usize,
    /// Per byte of the line, then `CHUNK` bytes that accept anything: the byte must be in
    /// `lo[i]..=lo[i] + span[i]`.
    lo: Vec<u8>,
    span: Vec<u8>,
    holes: Vec<Span>,
    /// Per byte of the line: the hole it is in or just after (`NO_HOLE` for none).
    owner: Vec<u16>,
    /// Each op with the number of holes before its position, that position in the template, and
    /// the length of the integer hole it reads (0 if none).
    ops: Vec<(Op, usize, usize, usize)>,
    /// Lines fitted since the template was made or last rebased.
    fits: u32,
}

/// The line's position minus the template's, after hole `hole` (for holes from there on).
#[derive(Debug, Clone, Copy)]
struct Shift {
    hole: usize,
    delta: isize,
}

/// Every byte of `x` is in its range (the compiler vectorises this).
#[inline(always)]
fn in_range<const N: usize>(x: &[u8; N], lo: &[u8; N], span: &[u8; N]) -> bool {
    let mut bad = 0u8;
    for i in 0..N {
        bad |= u8::from(x[i].wrapping_sub(lo[i]) > span[i]);
    }
    bad == 0
}

/// The index of the first byte of `x` out of its range (or missing), if any.
#[inline(always)]
fn out_of_range(x: &[u8], lo: &[u8], span: &[u8]) -> Option<usize> {
    match (x.first_chunk::<CHUNK>(), lo.first_chunk::<CHUNK>(), span.first_chunk::<CHUNK>()) {
        (Some(x), Some(lo), Some(span)) if in_range(x, lo, span) => None,
        _ => first_out_of_range(x, lo, span),
    }
}

/// [`out_of_range`] once it failed, eight bytes at a time without branches.
#[inline(never)]
fn first_out_of_range(x: &[u8], lo: &[u8], span: &[u8]) -> Option<usize> {
    let (Some(x), Some(lo), Some(span)) =
        (x.first_chunk::<CHUNK>(), lo.first_chunk::<CHUNK>(), span.first_chunk::<CHUNK>())
    else {
        return first_out_of_range_short(x, lo, span);
    };
    let mut first = usize::MAX;
    for i in (0..CHUNK).step_by(8).rev() {
        let bad = out_of_range_bytes(load(&x[i..]), load(&lo[i..]), load(&span[i..]));
        if bad != 0 {
            first = i + bad.trailing_zeros() as usize / 8;
        }
    }
    (first < CHUNK).then_some(first)
}

/// 0x80 in each byte of `x` out of its range: `x - lo > span` bytewise (wrapping), exact.
#[inline(always)]
fn out_of_range_bytes(x: u64, lo: u64, span: u64) -> u64 {
    const H: u64 = 0x8080_8080_8080_8080;
    // x - lo in each byte, without borrows between bytes.
    let d = ((x | H) - (lo & !H)) ^ ((x ^ !lo) & H);
    // span - d likewise; a borrow out of a byte means d > span.
    let r = ((span | H) - (d & !H)) ^ ((span ^ !d) & H);
    ((!span & d) | (!(span ^ d) & r)) & H
}

/// [`first_out_of_range`] near the end of the input: missing bytes are out of range.
#[inline(never)]
fn first_out_of_range_short(x: &[u8], lo: &[u8], span: &[u8]) -> Option<usize> {
    lo.iter()
        .zip(span)
        .take(CHUNK)
        .enumerate()
        .position(|(i, (&lo, &span))| x.get(i).is_none_or(|&x| x.wrapping_sub(lo) > span))
}

/// The end of the hole of `kind` at `b[p]`, found by scanning.
#[inline]
fn hole_end(b: &[u8], p: usize, kind: Hole) -> Option<usize> {
    match kind {
        Hole::Number => number_end(b, p),
        Hole::String => {
            if b.get(p) != Some(&b'"') {
                return None;
            }
            let close = plain_end(b, p + 1);
            (b.get(close) == Some(&b'"')).then_some(close + 1)
        }
    }
}

impl Template {
    /// The end of the line at `b[start]` if it fits; `shifts` receives where it moved against
    /// the template.
    #[inline]
    fn fit(&self, b: &[u8], start: usize, shifts: &mut Vec<Shift>) -> Option<usize> {
        shifts.clear();
        let (lo, span) = (&self.lo, &self.span);
        // `t` in the template is `p` in the line.
        let (mut t, mut p) = (0, start);
        while t < self.len {
            let Some(bad) = out_of_range(b.get(p..).unwrap_or_default(), lo.get(t..)?, span.get(t..)?) else {
                t += CHUNK;
                p += CHUNK;
                continue;
            };
            // The first byte out of range must be in or just after a hole not yet scanned.
            let u = t + bad;
            if u >= self.len {
                // Missing bytes past the end of the line.
                (t, p) = (t + CHUNK, p + CHUNK);
                continue;
            }
            let k = usize::from(*self.owner.get(u)?);
            let hole = *self.holes.get(k)?;
            if shifts.last().is_some_and(|s| s.hole >= k) {
                return None;
            }
            let delta = p as isize - t as isize;
            let from = hole.start.checked_add_signed(delta)?;
            let end = hole_end(b, from, hole.kind)?;
            shifts.push(Shift { hole: k, delta: end as isize - hole.end as isize });
            (t, p) = (hole.end, end);
        }
        // `p` ran past the end by the same amount as `t`.
        (p + self.len).checked_sub(t)
    }

    /// The event of a fitting line, by replaying the ops.
    #[inline]
    fn replay<'a>(&self, b: &'a [u8], start: usize, shifts: &[Shift]) -> Option<Event<'a>> {
        let mut fields = TaskFields::default();
        let mut sc = Scanner::new(b, start);
        let mut next = shifts.iter().peekable();
        let mut delta = start as isize;
        for &(op, holes, t, digits) in &self.ops {
            // Shifts at holes before this op apply.
            while let Some(s) = next.next_if(|s| s.hole < holes) {
                delta = s.delta;
            }
            let at = t.checked_add_signed(delta)?;
            // An integer hole that kept its length holds that many digits, no leading zero.
            if digits > 0
                && next.peek().is_none_or(|s| s.hole != holes)
                && let Some(v) = decimal(b, at, digits)
                && fields.apply_int(op, v)
            {
                continue;
            }
            sc.i = at;
            fields.apply(op, &mut sc).ok()?;
        }
        match self.kind? {
            Kind::Start => fields.task_start(),
            Kind::End => fields.task_end(),
        }
        .ok()
    }

    /// Build from `line`, a whole valid task event, and the ops its parse performed (at
    /// positions `offset` past the line's). None when some op does not read at a value start.
    fn learn(&mut self, kind: Kind, line: &[u8], log: &OpLog, offset: usize) -> Option<()> {
        self.kind = None;
        find_holes(line, &mut self.holes)?;
        if self.holes.len() >= usize::from(NO_HOLE) {
            return None;
        }
        self.ops.clear();
        for &(op, pos) in log {
            let t = pos.checked_sub(offset)?;
            let before = self.holes.partition_point(|h| h.end <= t);
            if self.holes.get(before).is_some_and(|h| h.start < t) {
                return None; // inside a hole
            }
            self.ops.push((op, before, t, 0));
        }
        self.ranges(line)?;
        self.kind = Some(kind);
        self.fits = 0;
        Some(())
    }

    /// Make `line`, which fit with `shifts`, the template: the same holes and ops, moved. Values
    /// that changed length since the template was made are then checked at their new length.
    fn rebase(&mut self, line: &[u8], start: usize, shifts: &[Shift]) -> Option<()> {
        // The line's position minus the template's, after each hole.
        let mut next = shifts.iter().peekable();
        let mut delta = 0isize;
        for (k, h) in self.holes.iter_mut().enumerate() {
            let from = h.start.wrapping_add_signed(delta);
            if let Some(s) = next.next_if(|s| s.hole == k) {
                delta = s.delta - start as isize;
            }
            (h.start, h.end) = (from, h.end.wrapping_add_signed(delta));
        }
        let mut next = shifts.iter().peekable();
        let mut delta = 0isize;
        for (_, holes, t, _) in &mut self.ops {
            while let Some(s) = next.next_if(|s| s.hole < *holes) {
                delta = s.delta - start as isize;
            }
            *t = t.wrapping_add_signed(delta);
        }
        self.fits = 0;
        self.ranges(line)
    }

    /// `len`, `lo`, `span`, `owner` and the integer lengths of the ops from the template line and
    /// its holes.
    fn ranges(&mut self, line: &[u8]) -> Option<()> {
        self.len = line.len();
        self.lo.clear();
        self.lo.extend_from_slice(line);
        self.lo.resize(line.len() + CHUNK, 0);
        self.span.clear();
        self.span.resize(line.len(), 0);
        self.span.resize(line.len() + CHUNK, u8::MAX);
        self.owner.clear();
        self.owner.resize(line.len(), NO_HOLE);
        for (k, h) in self.holes.iter().enumerate() {
            self.owner.get_mut(h.start..=h.end)?.fill(k as u16);
            let value = line.get(h.start..h.end)?;
            // An integer may change its digits; any other value is expected as it is.
            if h.kind == Hole::Number && value.iter().all(u8::is_ascii_digit) {
                self.lo[h.start..h.end].fill(b'0');
                self.span[h.start..h.end].fill(9);
                if value.len() > 1 {
                    (self.lo[h.start], self.span[h.start]) = (b'1', 8);
                }
            }
        }
        for (_, before, t, digits) in &mut self.ops {
            // Reading at the start of an integer hole: its length, for a quick read.
            *digits = match self.holes.get(*before) {
                Some(h) if h.start == *t && h.kind == Hole::Number && self.span[*t] != 0 => h.end - h.start,
                _ => 0,
            };
        }
        Some(())
    }
}

/// The holes of a valid JSON line: numbers, and string values without escapes except those of
/// `Event` keys (the event type must stay literal) and of keys with escapes.
fn find_holes(line: &[u8], holes: &mut Vec<Span>) -> Option<()> {
    holes.clear();
    let mut i = 0;
    let mut hole_ok = false;
    while let Some(&c) = line.get(i) {
        match c {
            b'"' => {
                let mut close = i + 1;
                let mut escaped = false;
                loop {
                    close = plain_end(line, close);
                    match line.get(close)? {
                        b'"' => break,
                        b'\\' => {
                            escaped = true;
                            close += 2;
                        }
                        _ => return None,
                    }
                }
                let after = close + 1;
                let blanks = line.get(after..)?.iter().take_while(|&&c| c == b' ' || c == b'\t' || c == b'\r');
                if line.get(after + blanks.count()) == Some(&b':') {
                    hole_ok = !escaped && &line[i + 1..close] != b"Event";
                } else if hole_ok && !escaped {
                    holes.push(Span { start: i, end: after, kind: Hole::String });
                }
                i = after;
            }
            b'-' | b'0'..=b'9' => {
                let end = number_end(line, i)?;
                holes.push(Span { start: i, end, kind: Hole::Number });
                i = end;
            }
            _ => i += 1,
        }
    }
    Some(())
}

/// The templates of both kinds, most recently used first.
#[derive(Debug, Default)]
pub(crate) struct Templates {
    lists: [Vec<Template>; 2],
    shifts: Vec<Shift>,
}

impl Templates {
    /// The event at `b[start]` and its end, if the line fits a template of `kind`.
    #[inline]
    pub(crate) fn parse<'a>(&mut self, b: &'a [u8], start: usize, kind: Kind) -> Option<(Event<'a>, usize)> {
        let list = &mut self.lists[kind as usize];
        for idx in 0..list.len() {
            let Some(end) = list[idx].fit(b, start, &mut self.shifts) else { continue };
            // Same structure as the template: its parse decides, so a failed replay goes there.
            let event = list[idx].replay(b, start, &self.shifts)?;
            let template = &mut list[idx];
            template.fits += 1;
            if template.fits >= REBASE_EVERY
                && !self.shifts.is_empty()
                && let Some(line) = b.get(start..end)
                && template.rebase(line, start, &self.shifts).is_none()
            {
                list.remove(idx); // cannot happen: the line has the template's shape
                return Some((event, end));
            }
            if idx > 0 {
                list[..=idx].rotate_right(1);
            }
            return Some((event, end));
        }
        None
    }

    /// Remember `b[start..end]`, a task event just parsed with the ops in `log`.
    pub(crate) fn learn(&mut self, kind: Kind, b: &[u8], start: usize, end: usize, log: &OpLog) {
        let Some(line) = b.get(start..end).filter(|l| l.len() <= MAX_LINE) else { return };
        let list = &mut self.lists[kind as usize];
        let mut template = if list.len() >= CAP { list.pop() } else { None }.unwrap_or_default();
        if template.learn(kind, line, log, start).is_some() {
            list.insert(0, template);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eventlog::decode::{Decoder, parse_event};

    const START: &str = r#"{"Event":"SparkListenerTaskStart","Stage ID":3,"Stage Attempt ID":0,"Task Info":{"Task ID":42,"Index":1,"Launch Time":1751493935685,"Executor ID":"7","Host":"w-0.internal","Finish Time":0,"Failed":false,"Killed":false,"Accumulables":[]}}"#;
    const END: &str = r#"{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":42,"Index":1,"Launch Time":1751493935685,"Executor ID":"7","Host":"w-0.internal","Finish Time":1751493935867,"Failed":false,"Killed":false,"Accumulables":[{"ID":71,"Name":"internal.metrics.executorRunTime","Update":137,"Value":137}]},"Task Metrics":{"Executor Run Time":137,"Executor CPU Time":5332616,"JVM GC Time":15,"Memory Bytes Spilled":0,"Disk Bytes Spilled":0,"Shuffle Read Metrics":{"Fetch Wait Time":3,"Remote Bytes Read":400,"Local Bytes Read":100},"Shuffle Write Metrics":{"Shuffle Bytes Written":77},"Input Metrics":{"Bytes Read":5000},"Output Metrics":{"Bytes Written":0},"Updated Blocks":[]}}"#;

    /// The event (or error) and end for `line` by a decoder that learned `seen` first, and by
    /// the scanner alone.
    fn both(seen: &str, line: &str) -> (String, String) {
        let mut dec = Decoder::default();
        parse_event(seen.as_bytes(), 0, &mut dec).expect("seen line parses");
        let mut text = line.as_bytes().to_vec();
        text.extend_from_slice(b"\n{\"Event\":\"x\"}\n"); // more input after the line
        let via_template = format!("{:?}", parse_event(&text, 0, &mut dec));
        let mut scanner = Decoder::default();
        let alone = format!("{:?}", parse_event(&text, 0, &mut scanner));
        (via_template, alone)
    }

    /// The scanner's reading of a task end line.
    fn scanned(line: &[u8], log: &mut OpLog) -> (String, usize) {
        let mut sc = Scanner::new(line, 0);
        let event = crate::eventlog::task::task_end(&mut sc, log).expect("valid line");
        (format!("{event:?}"), sc.i)
    }

    #[test]
    fn templates_follow_changing_values() {
        let mut templates = Templates::default();
        let mut log = OpLog::new();
        let (_, end) = scanned(END.as_bytes(), &mut log);
        templates.learn(Kind::End, END.as_bytes(), 0, end, &log);
        // Values growing and changing over many lines: the template is rebased along the way.
        for i in 0..300u64 {
            let update = if i % 5 == 0 { "-1".to_string() } else { i.to_string() };
            let line = END
                .replacen("\"Task ID\":42", &format!("\"Task ID\":{}", 42 + i * i * 7), 1)
                .replacen("\"7\"", &format!("\"{}\"", i % 13), 1)
                .replacen("\"Update\":137", &format!("\"Update\":{update}"), 1)
                .replacen("\"Remote Bytes Read\":400", &format!("\"Remote Bytes Read\":{}", i.pow(5)), 1);
            let (event, end) = templates.parse(line.as_bytes(), 0, Kind::End).expect("fits");
            assert_eq!((format!("{event:?}"), end), scanned(line.as_bytes(), &mut log), "{line}");
        }
    }

    #[test]
    fn fitted_lines_read_like_the_scanner() {
        for (seen, from, to) in [
            (START, "\"Task ID\":42", "\"Task ID\":987654"),
            (START, "\"Task ID\":42", "\"Task ID\":7"),
            (START, "\"Stage ID\":3", "\"Stage ID\":-3"),
            (START, "\"Stage ID\":3", "\"Stage ID\":3.5e1"),
            (START, "\"Stage ID\":3", "\"Stage ID\":03"),
            (START, "\"Stage ID\":3", "\"Stage ID\":\"3\""),
            (START, "\"Stage ID\":3", "\"Stage ID\":null"),
            (START, "\"7\"", "\"12\""),
            (START, "\"7\"", "\"1\\u0032\""),
            (START, "\"7\"", "7"),
            (START, "\"Index\":1,", "\"Index\":1 ,"),
            (START, "\"Index\":1,", ""),
            (START, "[]}}", "[]}"),
            (START, "Start", "End"),
            (END, "\"Success\"", "\"TaskKilled\""),
            (END, "\"Success\"", "\"Succ\\u0065ss\""),
            (END, "\"Remote Bytes Read\":400", "\"Remote Bytes Read\":12345678901234567890"),
            (END, "\"Local Bytes Read\":100", "\"Local Bytes Read\":1e3"),
            (END, "\"Bytes Written\":0", "\"Bytes Written\":9007199254740993"),
            (END, "\"Update\":137", "\"Update\":1370000"),
            (END, "\"Executor Run Time\":137", "\"Executor Run Time\":1"),
            (END, "\"Failed\":false", "\"Failed\":true"),
            (END, "internal.metrics.executorRunTime", "internal.metrics.x"),
            (END, "\"Finish Time\":1751493935867", "\"Finish Time\":1751493935867\t"),
        ] {
            let line = seen.replacen(from, to, 1);
            assert_ne!(line, seen, "{to}");
            let (via_template, alone) = both(seen, &line);
            assert_eq!(via_template, alone, "{line}");
        }
        // A line equal to the template, and cut short anywhere.
        for cut in (1..=END.len()).rev() {
            let (via_template, alone) = both(END, &END[..cut]);
            assert_eq!(via_template, alone, "cut at {cut}");
        }
    }

    #[test]
    fn range_checks_match_bytewise() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        for _ in 0..2000 {
            let mut bytes = [[0u8; CHUNK]; 3];
            for row in &mut bytes {
                for b in row.iter_mut() {
                    // Mostly in range, with edge values.
                    *b = match next() % 6 {
                        0 => 0,
                        1 => 0xFF,
                        2 => 0x30,
                        _ => next() as u8,
                    };
                }
            }
            let [v, lo, span] = bytes;
            let want = (0..CHUNK).find(|&i| v[i].wrapping_sub(lo[i]) > span[i]);
            assert_eq!(out_of_range(&v, &lo, &span), want);
            assert_eq!(first_out_of_range(&v, &lo, &span), want);
            let cut = (next() % CHUNK as u64) as usize;
            let short_want = (0..CHUNK).find(|&i| i >= cut || v[i].wrapping_sub(lo[i]) > span[i]);
            assert_eq!(out_of_range(&v[..cut], &lo, &span), short_want);
        }
    }
}
