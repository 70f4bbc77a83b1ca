//! One event-log line to one [`Event`], reading only the fields the analysis needs.
//!
//! Task start and end events (nearly all of a log) are checked against line templates of earlier
//! task lines (see `template`); a line that fits none goes through the hand-written [`Scanner`],
//! which validates the whole line while picking out a dozen numbers (see `task`), and becomes a
//! template. Rarer events are validated the same way, then deserialised with serde into small
//! borrowed structs. Events of other types are validated and ignored. Either way a line is
//! accepted only if it is valid JSON.

use std::borrow::Cow;

use serde::Deserialize;

use super::events::{Event, SqlStart, StageEvent};
use super::scan::{Malformed, Res, Scanner, Shapes};
use super::task::{self, OpLog};
use super::template::{self, Templates};

const PREFIX: &[u8] = br#"{"Event":""#;
const SQL_UI: &str = "org.apache.spark.sql.execution.ui.";

/// Per-reader state kept from line to line: remembered container shapes and task line templates.
#[derive(Debug, Default)]
pub(crate) struct Decoder {
    shapes: Shapes,
    templates: Templates,
    ops: OpLog,
}

/// Parse the JSON object starting at `b[start]` (after any blanks). Returns the event and the
/// index just past the object; the caller checks that only blanks and a newline follow.
pub(crate) fn parse_event<'a>(b: &'a [u8], start: usize, dec: &mut Decoder) -> Res<(Event<'a>, usize)> {
    let blanks = b.get(start..).unwrap_or_default().iter().take_while(|&&c| c == b' ' || c == b'\t' || c == b'\r');
    let begin = start + blanks.count();
    let kind = template::kind_at(b, begin);
    if let Some(kind) = kind
        && let Some(parsed) = dec.templates.parse(b, begin, kind)
    {
        return Ok(parsed);
    }
    dec.ops.clear();
    let mut sc = Scanner::with_shapes(b, begin, std::mem::take(&mut dec.shapes));
    let parsed = event(&mut sc, &mut dec.ops);
    dec.shapes = sc.into_shapes();
    if let (Some(kind), Ok((Event::TaskStart { .. } | Event::TaskEnd(_), end))) = (kind, &parsed) {
        dec.templates.learn(kind, b, begin, *end, &dec.ops);
    }
    parsed
}

fn event<'a>(sc: &mut Scanner<'a>, ops: &mut OpLog) -> Res<(Event<'a>, usize)> {
    let b = sc.bytes();
    sc.ws();
    let begin = sc.i;
    let name = event_name(b, begin)?;
    let event = match &*name {
        "SparkListenerTaskEnd" => task::task_end(sc, ops)?,
        "SparkListenerTaskStart" => task::task_start(sc, ops)?,
        "SparkListenerStageSubmitted" => Event::StageSubmitted(serde::<StageEvent>(sc)?.info),
        "SparkListenerStageCompleted" => Event::StageCompleted(serde::<StageEvent>(sc)?.info),
        "SparkListenerJobStart" => Event::JobStart(serde(sc)?),
        "SparkListenerJobEnd" => Event::JobEnd(serde(sc)?),
        "SparkListenerApplicationStart" => Event::AppStart(serde(sc)?),
        "SparkListenerApplicationEnd" => Event::AppEnd(serde(sc)?),
        "SparkListenerLogStart" => Event::LogStart(serde(sc)?),
        "SparkListenerEnvironmentUpdate" => Event::EnvironmentUpdate(serde(sc)?),
        "SparkListenerExecutorAdded" => Event::ExecutorAdded(serde(sc)?),
        "SparkListenerExecutorRemoved" => Event::ExecutorRemoved(serde(sc)?),
        "SparkListenerBlockManagerAdded" => Event::BlockManagerAdded(serde(sc)?),
        n if n.strip_prefix(SQL_UI) == Some("SparkListenerSQLExecutionStart") => Event::SqlStart(sql_start(sc)?),
        n if n.strip_prefix(SQL_UI) == Some("SparkListenerSQLExecutionEnd") => Event::SqlEnd(serde(sc)?),
        n if n.strip_prefix(SQL_UI) == Some("SparkListenerSQLAdaptiveExecutionUpdate") => {
            let (id, broadcast_accums) = super::plan::adaptive_update(sc)?;
            Event::SqlPlan { id, broadcast_accums }
        }
        n if n.strip_prefix(SQL_UI) == Some("SparkListenerDriverAccumUpdates") => {
            Event::DriverAccums(super::plan::driver_accums(sc)?)
        }
        _ => {
            sc.skip()?;
            Event::Other
        }
    };
    Ok((event, sc.i))
}

/// The event type: straight from the usual `{"Event":"...` opening, else by walking the object.
fn event_name(b: &[u8], begin: usize) -> Res<Cow<'_, str>> {
    if let Some(rest) = b.get(begin..).and_then(|r| r.strip_prefix(PREFIX))
        && let Some(end) = rest.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        && rest[end] == b'"'
    {
        return std::str::from_utf8(&rest[..end]).map(Cow::Borrowed).map_err(|_| Malformed);
    }
    let mut sc = Scanner::new(b, begin);
    let mut name = None;
    sc.object(|sc, key| {
        if key == b"Event" && name.is_none() {
            name = Some(sc.string()?);
            Ok(())
        } else {
            sc.skip()
        }
    })?;
    name.ok_or(Malformed)
}

/// Validate the object with the scanner, then deserialise the same bytes with serde.
fn serde<'a, T: Deserialize<'a>>(sc: &mut Scanner<'a>) -> Res<T> {
    let raw = sc.raw_value()?;
    serde_json::from_slice(raw).map_err(|_| Malformed)
}

fn sql_start<'a>(sc: &mut Scanner<'a>) -> Res<SqlStart<'a>> {
    let (mut id, mut description, mut time_ms, mut broadcast_accums) = (None, None, None, Vec::new());
    sc.object(|sc, key| {
        match key {
            b"executionId" => id = sc.opt_int()?,
            b"description" => description = if sc.null()? { None } else { Some(sc.string()?) },
            b"time" => time_ms = sc.opt_int()?,
            b"sparkPlanInfo" => broadcast_accums = super::plan::broadcast_accums(sc.raw_value()?),
            _ => sc.skip()?,
        }
        Ok(())
    })?;
    Ok(SqlStart { id: id.ok_or(Malformed)?, description, time_ms, broadcast_accums })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eventlog::events::{Metrics, SqlEnd};

    const TASK_END: &str = r#"{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":1,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":42,"Index":0,"Attempt":0,"Launch Time":1000,"Executor ID":"1","Host":"h","Finish Time":1500,"Failed":false,"Killed":false,"Accumulables":[{"ID":1,"Name":"x","Update":"1","Value":"2"}]},"Task Metrics":{"Executor Run Time":400,"Executor CPU Time":300000000,"JVM GC Time":20,"Memory Bytes Spilled":5,"Disk Bytes Spilled":6,"Shuffle Read Metrics":{"Remote Blocks Fetched":1,"Fetch Wait Time":7,"Remote Bytes Read":100,"Local Bytes Read":23},"Shuffle Write Metrics":{"Shuffle Bytes Written":9,"Shuffle Write Time":1},"Input Metrics":{"Bytes Read":11},"Output Metrics":{"Bytes Written":12},"Updated Blocks":[]}}"#;

    #[test]
    fn task_end_fields() {
        let (event, end) = parse_event(TASK_END.as_bytes(), 0, &mut Decoder::default()).unwrap();
        assert_eq!(end, TASK_END.len());
        let Event::TaskEnd(t) = event else { panic!("{event:?}") };
        assert_eq!(
            (t.stage, t.task_id, t.launch_ms, t.finish_ms, t.failed, t.killed),
            ((3, 1), 42, 1000, 1500, false, false)
        );
        assert_eq!(t.reason, "Success");
        assert_eq!(t.reason_raw, br#"{"Reason":"Success"}"#);
        let m = t.metrics.unwrap();
        assert_eq!(
            m,
            Metrics {
                run_ms: 400,
                cpu_ns: 300_000_000,
                gc_ms: 20,
                input_bytes: 11,
                output_bytes: 12,
                shuffle_read_bytes: 123,
                shuffle_write_bytes: 9,
                fetch_wait_ms: 7,
                memory_spill_bytes: 5,
                disk_spill_bytes: 6
            }
        );
    }

    #[test]
    fn key_order_and_spacing_do_not_matter() {
        let line =
            r#" { "Task Info" : {"Launch Time":1,"Task ID":2} , "Stage ID":5, "Event" : "SparkListenerTaskStart" } "#;
        let (event, _) = parse_event(line.as_bytes(), 0, &mut Decoder::default()).unwrap();
        assert!(matches!(event, Event::TaskStart { stage: (5, 0), task_id: 2 }), "{event:?}");
    }

    #[test]
    fn rejects_broken_or_incomplete_events() {
        for cut in 1..TASK_END.len() {
            assert!(parse_event(&TASK_END.as_bytes()[..cut], 0, &mut Decoder::default()).is_err(), "cut at {cut}");
        }
        let no_stage = TASK_END.replace(r#""Stage ID":3,"#, "");
        assert!(parse_event(no_stage.as_bytes(), 0, &mut Decoder::default()).is_err());
        let bad_ignored = r#"{"Event":"SparkListenerEnvironmentUpdate",_"JVM Information":{}}"#;
        assert!(parse_event(bad_ignored.as_bytes(), 0, &mut Decoder::default()).is_err());
        let wrong_type = r#"{"Event":"SparkListenerJobEnd","Job ID":"x","Job Result":{"Result":"JobSucceeded"}}"#;
        assert!(parse_event(wrong_type.as_bytes(), 0, &mut Decoder::default()).is_err());
    }

    #[test]
    fn other_events_are_validated_and_ignored() {
        let line = r#"{"Event":"com.example.VendorEvent","payload":[1,2,{"a":null}]}"#;
        assert!(matches!(parse_event(line.as_bytes(), 0, &mut Decoder::default()), Ok((Event::Other, _))));
        let sql =
            r#"{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd","executionId":3,"time":9}"#;
        assert!(matches!(
            parse_event(sql.as_bytes(), 0, &mut Decoder::default()),
            Ok((Event::SqlEnd(SqlEnd { id: 3, time_ms: Some(9), .. }), _))
        ));
    }
}
