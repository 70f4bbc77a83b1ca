//! The streaming core: bytes in, [`Summary`] out. Lines are cut out of the byte stream (a line
//! split across feeds waits for its newline), parsed, and replayed (see `replay`).

use super::Options;
use super::decode::{self, Decoder};
use super::events::Event;
use super::model::Summary;
use super::replay::Replay;
use super::words::find_byte;

/// What reading the input looked like, as reported in the summary.
#[derive(Debug, Default)]
struct Counters {
    lines: u64,
    skipped: u64,
    bytes: u64,
    truncated_last_line: bool,
    notes: Vec<String>,
}

/// Feeds on event-log bytes and keeps the application's state; see the module docs.
#[derive(Debug, Default)]
pub struct Analyzer {
    opts: Options,
    pending: Vec<u8>,
    counters: Counters,
    replay: Replay,
    decoder: Decoder,
}

impl Analyzer {
    pub fn new(opts: Options) -> Self {
        Analyzer { opts, ..Analyzer::default() }
    }

    /// Feed the next bytes of the log, cut anywhere. A line is handled once its newline arrives.
    pub fn feed(&mut self, mut data: &[u8]) {
        self.counters.bytes += data.len() as u64;
        if !self.pending.is_empty() {
            let Some(nl) = find_byte(data, b'\n') else {
                self.pending.extend_from_slice(data);
                return;
            };
            self.pending.extend_from_slice(&data[..nl]);
            let mut line = std::mem::take(&mut self.pending);
            self.complete_line(&line);
            line.clear();
            self.pending = line;
            data = &data[nl + 1..];
        }
        let mut p = 0;
        while p < data.len() {
            let parsed = decode::parse_event(data, p, &mut self.decoder);
            if let Ok((event, end)) = parsed {
                let q = end + data[end..].iter().take_while(|&&c| c == b' ' || c == b'\t' || c == b'\r').count();
                match data.get(q) {
                    Some(b'\n') => {
                        self.counters.lines += 1;
                        self.replay.apply(event);
                        p = q + 1;
                        continue;
                    }
                    None => break, // the line may go on in the next chunk
                    Some(_) => {}
                }
            }
            // Not an event (or not only one): skip the whole line once it is complete.
            let Some(nl) = find_byte(&data[p..], b'\n') else { break };
            if !is_blank(&data[p..p + nl]) {
                self.counters.lines += 1;
                self.counters.skipped += 1;
            }
            p += nl + 1;
        }
        self.pending.extend_from_slice(&data[p..]);
    }

    /// Feed one complete line (without its newline).
    pub fn feed_line(&mut self, line: &[u8]) {
        self.counters.bytes += line.len() as u64 + 1;
        self.end_part();
        self.complete_line(line);
    }

    /// The current input part (file) ended: a last line without newline counts as complete.
    pub fn end_part(&mut self) {
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.complete_line(&line);
        }
    }

    /// Add a remark to the summary (for the reader: a cut-off stream and the like).
    pub fn note(&mut self, note: String) {
        self.counters.notes.push(note);
    }

    /// Bytes fed so far.
    pub fn bytes(&self) -> u64 {
        self.counters.bytes
    }

    /// Non-blank lines handled so far.
    pub fn lines(&self) -> u64 {
        self.counters.lines
    }

    /// Something other than blank lines has been fed.
    pub fn has_input(&self) -> bool {
        self.counters.lines > 0 || !is_blank(&self.pending)
    }

    /// No more input: a last unterminated line that does not parse is taken as cut off.
    pub fn finish(mut self) -> Summary {
        let rest = std::mem::take(&mut self.pending);
        if !is_blank(&rest) {
            self.counters.lines += 1;
            match parse_whole(&rest, &mut self.decoder) {
                Some(event) => self.replay.apply(event),
                None => self.counters.truncated_last_line = true,
            }
        }
        self.summary()
    }

    /// The summary of what has been fed so far (a partial last line is not included).
    pub fn summary(&mut self) -> Summary {
        let mut s = self.replay.summary();
        let c = &self.counters;
        (s.lines, s.skipped_lines, s.bytes, s.truncated_last_line) =
            (c.lines, c.skipped, c.bytes, c.truncated_last_line);
        s.notes = c.notes.clone();
        s.findings = super::findings::findings(&s, &self.opts);
        s
    }

    fn complete_line(&mut self, line: &[u8]) {
        if is_blank(line) {
            return;
        }
        self.counters.lines += 1;
        match parse_whole(line, &mut self.decoder) {
            Some(event) => self.replay.apply(event),
            None => self.counters.skipped += 1,
        }
    }
}

/// A whole line (no newline) as one event, or None if it is not one.
fn parse_whole<'a>(line: &'a [u8], dec: &mut Decoder) -> Option<Event<'a>> {
    let (event, end) = decode::parse_event(line, 0, dec).ok()?;
    is_blank(&line[end..]).then_some(event)
}

fn is_blank(b: &[u8]) -> bool {
    b.iter().all(|&c| c == b' ' || c == b'\t' || c == b'\r' || c == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eventlog::Quantiles;

    const LOG: &str = concat!(
        r#"{"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":10,"Stage Infos":[{"Stage ID":0,"Stage Name":"a","Number of Tasks":3},{"Stage ID":1,"Stage Name":"b","Number of Tasks":1}],"Stage IDs":[0,1]}"#,
        "\n",
        r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"a","Number of Tasks":3,"Submission Time":11}}"#,
        "\n",
        r#"{"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,"Task Info":{"Task ID":1,"Launch Time":100}}"#,
        "\n",
        r#"{"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,"Task Info":{"Task ID":2,"Launch Time":100}}"#,
        "\n",
        r#"{"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,"Task Info":{"Task ID":3,"Launch Time":100}}"#,
        "\n",
        r#"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{"Reason":"ExceptionFailure","Class Name":"E","Description":"boom"},"Task Info":{"Task ID":1,"Launch Time":100,"Finish Time":900,"Failed":true},"Task Metrics":{"Executor Run Time":7}}"#,
        "\n",
        r#"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":2,"Launch Time":100,"Finish Time":150},"Task Metrics":{"Executor Run Time":40}}"#,
        "\n",
        "this line is not json\n",
        r#"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":3,"Launch Time":100,"Finish Time":130},"Task Metrics":{"Executor Run Time":20}}"#,
        "\n",
        r#"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{"Reason":"Resubmitted"},"Task Info":{"Task ID":3,"Launch Time":100,"Finish Time":130},"Task Metrics":{"Executor Run Time":20}}"#,
        "\n",
        r#"{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"a","Number of Tasks":3,"Submission Time":11,"Completion Time":1000}}"#,
        "\n\n",
        r#"{"Event":"SparkListenerJobEnd","Job ID":0,"Completion Time":1001,"Job Result":{"Result":"JobSucceeded"}}"#,
        "\n",
    );

    #[test]
    fn replays_like_the_history_server() {
        let mut a = Analyzer::new(Options::default());
        a.feed(LOG.as_bytes());
        let s = a.finish();
        assert_eq!((s.lines, s.skipped_lines, s.truncated_last_line), (12, 1, false));
        assert_eq!(s.jobs.len(), 1);
        assert_eq!(s.jobs[0].status, "SUCCEEDED");
        let st = &s.stages[0];
        // Resubmitted counts as failed but adds no metrics (task 3 was no longer live).
        assert_eq!((st.completed_tasks, st.failed_tasks, st.killed_tasks), (2, 2, 0));
        assert_eq!(st.executor_run_time_ms, 67);
        assert_eq!(st.status, "COMPLETE");
        // Durations 30, 50, 800 sorted; indices from 2 successes: 0, 1, 1, 1.
        assert_eq!(st.task_duration_ms, Some(Quantiles { min: 30, p50: 50, p75: 50, max: 50 }));
        assert_eq!(s.stages[1].status, "SKIPPED");
        assert_eq!(s.stages[1].task_duration_ms, None);
        let failed: u64 = s.failed_tasks.iter().map(|g| g.count).sum();
        assert_eq!(failed, 2);
    }

    #[test]
    fn chunked_feeding_matches_whole_input() {
        let mut whole = Analyzer::new(Options::default());
        whole.feed(LOG.as_bytes());
        let expected = whole.finish();
        for size in [1, 2, 3, 7, 64, 200] {
            let mut a = Analyzer::new(Options::default());
            for chunk in LOG.as_bytes().chunks(size) {
                a.feed(chunk);
            }
            assert_eq!(a.finish(), expected, "chunk size {size}");
        }
    }

    #[test]
    fn cut_last_line_is_reported_not_skipped() {
        let mut a = Analyzer::new(Options::default());
        a.feed(&LOG.as_bytes()[..LOG.len() - 20]);
        let s = a.finish();
        assert!(s.truncated_last_line);
        assert_eq!(s.skipped_lines, 1);
        assert_eq!(s.jobs[0].status, "RUNNING");
    }
}
