//! Grouping unsuccessful task ends by cause, with one readable line and one example stack each.

use std::collections::HashMap;

use super::events::EndReason;
use super::model::FailureGroup;

/// Beyond this many distinct causes, further ones are counted under one "other causes" group.
const MAX_GROUPS: usize = 500;
/// Lines of the example stack trace kept per group.
const STACK_LINES: usize = 12;
/// Readable reasons are cut to this many characters.
const REASON_CHARS: usize = 300;

#[derive(Debug, Default)]
pub(crate) struct Failures {
    index: HashMap<String, usize>,
    groups: Vec<FailureGroup>,
}

/// What one unsuccessful task end says, reduced to what grouping needs.
pub(crate) struct Cause {
    pub kind: String,
    pub reason: String,
    pub stack: Option<String>,
    /// The executor an `ExecutorLostFailure` names.
    pub lost_executor: Option<String>,
}

impl Failures {
    pub(crate) fn record(&mut self, cause: &Cause, stage_id: i64) {
        let key = format!("{}\u{0}{}", cause.kind, normalize(&cause.reason));
        let at = match self.index.get(&key) {
            Some(&at) => at,
            None if self.groups.len() < MAX_GROUPS => {
                self.groups.push(FailureGroup {
                    kind: cause.kind.clone(),
                    reason: cause.reason.clone(),
                    count: 0,
                    stage_ids: Vec::new(),
                    example_stack: cause.stack.clone(),
                });
                self.index.insert(key, self.groups.len() - 1);
                self.groups.len() - 1
            }
            None => {
                let other = "other\u{0}".to_string();
                match self.index.get(&other) {
                    Some(&at) => at,
                    None => {
                        self.groups.push(FailureGroup {
                            kind: "other".into(),
                            reason: format!("more than {MAX_GROUPS} distinct causes; the rest are counted here"),
                            count: 0,
                            stage_ids: Vec::new(),
                            example_stack: None,
                        });
                        self.index.insert(other, self.groups.len() - 1);
                        self.groups.len() - 1
                    }
                }
            }
        };
        if let Some(group) = self.groups.get_mut(at) {
            group.count += 1;
            if !group.stage_ids.contains(&stage_id) {
                group.stage_ids.push(stage_id);
            }
        }
    }

    /// Groups, most frequent first.
    pub(crate) fn sorted(&self) -> Vec<FailureGroup> {
        let mut groups = self.groups.clone();
        for g in &mut groups {
            g.stage_ids.sort_unstable();
        }
        groups.sort_by(|a, b| {
            b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)).then_with(|| a.reason.cmp(&b.reason))
        });
        groups
    }
}

/// Build the cause from a `Task End Reason` object (raw JSON); `kind` is its `Reason`.
pub(crate) fn cause(kind: &str, raw: &[u8]) -> Cause {
    let r: EndReason = serde_json::from_slice(raw).unwrap_or_default();
    let reason = match kind {
        "ExceptionFailure" => {
            let class = text(&r.class_name).unwrap_or("exception");
            match text(&r.description) {
                Some(d) => format!("{class}: {}", headline(d)),
                None => class.to_string(),
            }
        }
        "ExecutorLostFailure" => {
            let exec = text(&r.executor_id).unwrap_or("?");
            let by_app = match r.caused_by_app {
                Some(false) => ", not caused by the running tasks",
                _ => "",
            };
            match text(&r.loss_reason) {
                Some(why) => format!("executor {exec} lost{by_app}: {}", headline(why)),
                None => format!("executor {exec} lost{by_app}"),
            }
        }
        "FetchFailed" => {
            let from =
                r.block_manager.as_ref().map(|b| format!(" from executor {}", b.executor_id)).unwrap_or_default();
            let shuffle = r.shuffle_id.map(|s| format!(" (shuffle {s})")).unwrap_or_default();
            match text(&r.message) {
                Some(m) => format!("shuffle fetch failed{from}{shuffle}: {}", headline(m)),
                None => format!("shuffle fetch failed{from}{shuffle}"),
            }
        }
        "TaskKilled" => match text(&r.kill_reason) {
            Some(why) => format!("killed: {}", headline(why)),
            None => "killed".into(),
        },
        "TaskCommitDenied" => "output commit denied by the driver (another attempt committed first)".into(),
        "Resubmitted" => "resubmitted: its shuffle output was lost with its executor".into(),
        "TaskResultLost" => "task result lost from the block manager".into(),
        other => other.to_string(),
    };
    let stack = match (text(&r.full_stack), &r.stack) {
        (Some(full), _) => Some(full.lines().take(STACK_LINES).collect::<Vec<_>>().join("\n")),
        (None, Some(frames)) if !frames.is_empty() => Some(
            frames
                .iter()
                .take(STACK_LINES)
                .map(|f| {
                    format!(
                        "at {}.{}({}:{})",
                        f.class.as_deref().unwrap_or("?"),
                        f.method.as_deref().unwrap_or("?"),
                        f.file.as_deref().unwrap_or("?"),
                        f.line.unwrap_or(-1)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        // A fetch failure carries its stack trace in the message.
        _ => text(&r.message)
            .filter(|m| m.lines().nth(1).is_some())
            .map(|m| m.lines().take(STACK_LINES).collect::<Vec<_>>().join("\n")),
    };
    let lost_executor = if kind == "ExecutorLostFailure" { r.executor_id.map(|e| e.into_owned()) } else { None };
    Cause { kind: kind.to_string(), reason: clip(&reason, REASON_CHARS), stack, lost_executor }
}

fn text<'s>(s: &'s Option<std::borrow::Cow<'_, str>>) -> Option<&'s str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A failure message in one readable line: its first line, with a trailing "Traceback (most recent
/// call last):" replaced by the Python exception it leads to.
pub(crate) fn one_line(text: &str) -> String {
    const TRACEBACK: &str = "Traceback (most recent call last):";
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let line = match first.strip_suffix(TRACEBACK) {
        Some(head) => format!("{head}{}", headline(text)),
        None => first.to_string(),
    };
    clip(&line, REASON_CHARS)
}

/// The one line that says what went wrong: the exception line of a Python traceback, else the first
/// non-empty line.
fn headline(text: &str) -> &str {
    if text.contains("Traceback (most recent call last)")
        && let Some(line) = text.lines().rev().find(|l| !l.trim().is_empty() && !l.starts_with([' ', '\t']))
    {
        return line.trim();
    }
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// The grouping key of a reason: digit runs and hex numbers become `#`, so task numbers, addresses
/// and sizes do not split a group.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            if c == '0' && chars.peek().is_some_and(|n| *n == 'x' || *n == 'X') {
                chars.next();
            }
            while chars.peek().is_some_and(char::is_ascii_hexdigit) {
                chars.next();
            }
            out.push('#');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_tracebacks_and_addresses() {
        let raw = br#"{"Reason":"ExceptionFailure","Class Name":"org.apache.spark.api.python.PythonException","Description":"Traceback (most recent call last):\n  File \"x.py\", line 3, in f\n    raise Exception(\"boom\")\nException: boom\n","Stack Trace":[{"Declaring Class":"a.B","Method Name":"m","File Name":"B.java","Line Number":7}]}"#;
        let c = cause("ExceptionFailure", raw);
        assert_eq!(c.reason, "org.apache.spark.api.python.PythonException: Exception: boom");
        assert_eq!(c.stack.as_deref(), Some("at a.B.m(B.java:7)"));
        let job = "Job aborted: Lost task 0.3: org.apache.spark.api.python.PythonException: Traceback (most recent call last):\n  File \"x.py\", line 3\nValueError: bad\n\n\tat org.Foo";
        assert_eq!(
            one_line(job),
            "Job aborted: Lost task 0.3: org.apache.spark.api.python.PythonException: ValueError: bad"
        );
        assert_eq!(normalize("buffer 0x7fac24b85210 length=729491223, id=974"), "buffer # length=#, id=#");
    }

    #[test]
    fn groups_count_and_fall_back() {
        let mut f = Failures::default();
        let lost =
            cause("ExecutorLostFailure", br#"{"Reason":"ExecutorLostFailure","Executor ID":"2","Loss Reason":"gone"}"#);
        assert_eq!(lost.lost_executor.as_deref(), Some("2"));
        f.record(&lost, 3);
        f.record(
            &cause(
                "ExecutorLostFailure",
                br#"{"Reason":"ExecutorLostFailure","Executor ID":"7","Loss Reason":"gone"}"#,
            ),
            1,
        );
        f.record(&cause("Resubmitted", b"not json"), 1);
        let groups = f.sorted();
        assert_eq!(groups[0].count, 2);
        assert_eq!(groups[0].stage_ids, [1, 3]);
        assert_eq!(groups[1].kind, "Resubmitted");
    }
}
