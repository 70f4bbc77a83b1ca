//! From a failed run's state, error message and log lines to a category, advice and evidence.

use serde::Serialize;

use super::engine::Rules;
use super::rules::{self, CONCLUSIVE};
use super::{Category, is_generic};

/// The evidence source for a match in the run's error message.
pub const MESSAGE_SOURCE: &str = "error message";
/// Evidence lines are cut to this many characters around the match.
pub const EVIDENCE_CHARS: usize = 300;

/// Log lines of one stream (e.g. the driver's stream in `/aws-glue/jobs/error`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogExcerpt {
    pub stream: String,
    pub lines: Vec<String>,
}

impl LogExcerpt {
    pub fn new(stream: impl Into<String>, lines: impl IntoIterator<Item = impl Into<String>>) -> Self {
        LogExcerpt { stream: stream.into(), lines: lines.into_iter().map(Into::into).collect() }
    }
}

/// The text a classification rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// [`MESSAGE_SOURCE`] or the log stream's name.
    pub source: String,
    /// The matched line, trimmed, at most [`EVIDENCE_CHARS`] characters around the match.
    pub line: String,
}

/// Why a run failed, whether a rerun helps, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub category: Category,
    /// `None`: it depends (see `rules.rs`).
    pub retry_helps: Option<bool>,
    pub advice: String,
    pub evidence: Option<Evidence>,
}

/// The best match so far: its rule (lower index is better) and where it was found.
struct Hit {
    rule: usize,
    source: String,
    line: String,
}

impl Rules {
    /// Classify a failure. Order: an error message that names its cause settles it; otherwise
    /// the state (stopped, timed out, waited too long) when it says what happened; otherwise
    /// the most specific match in the message or any log line; otherwise `unknown`.
    pub fn classify(&self, state: &str, message: Option<&str>, logs: &[LogExcerpt]) -> Classification {
        if !logs.is_empty() {
            return self.classify_afresh(state, message, logs);
        }
        let text = message.unwrap_or_default();
        if let Some(known) = self.memo.get(state, text) {
            return known;
        }
        let class = self.classify_afresh(state, message, logs);
        self.memo.put(state, text, &class);
        class
    }

    fn classify_afresh(&self, state: &str, message: Option<&str>, logs: &[LogExcerpt]) -> Classification {
        let message = message.map(str::trim).filter(|m| !m.is_empty());
        let from_message = message.and_then(|m| self.search(MESSAGE_SOURCE, m.lines(), None));
        if let Some(hit) = from_message.as_ref().filter(|h| self.rank(h.rule) >= CONCLUSIVE) {
            return self.found(hit);
        }
        if let Some(category) = state_category(state) {
            return Classification {
                category,
                retry_helps: category.retry_helps(),
                advice: rules::state_advice(category).to_string(),
                evidence: None,
            };
        }
        let best = logs
            .iter()
            .fold(from_message, |best, log| self.search(&log.stream, log.lines.iter().map(String::as_str), best));
        match best {
            Some(hit) => self.found(&hit),
            None => unknown(state, message),
        }
    }

    /// Scan `lines` for a match better than `best`; the first of equal matches is kept.
    fn search<'a>(&self, source: &str, lines: impl Iterator<Item = &'a str>, best: Option<Hit>) -> Option<Hit> {
        let mut best = best;
        for line in lines {
            let limit = best.as_ref().map_or(self.len(), |h| h.rule);
            if limit == 0 {
                break;
            }
            if let Some((rule, span)) = self.best(line, limit) {
                best = Some(Hit { rule, source: source.to_string(), line: excerpt(line, span.start) });
            }
        }
        best
    }

    fn found(&self, hit: &Hit) -> Classification {
        Classification {
            category: self.category(hit.rule),
            retry_helps: self.retry_helps(hit.rule),
            advice: self.advice(hit.rule).to_string(),
            evidence: Some(Evidence { source: hit.source.clone(), line: hit.line.clone() }),
        }
    }
}

/// Classify with the built-in rules only.
pub fn classify(state: &str, message: Option<&str>, logs: &[LogExcerpt]) -> Classification {
    Rules::shared().classify(state, message, logs)
}

/// The states that say by themselves what happened.
fn state_category(state: &str) -> Option<Category> {
    match state.trim().to_ascii_uppercase().as_str() {
        "STOPPED" | "STOPPING" | "CANCELLED" | "CANCELED" | "CANCELLING" => Some(Category::Stopped),
        "TIMEOUT" | "TIMED_OUT" => Some(Category::Timeout),
        "WAITING" | "EXPIRED" => Some(Category::Capacity),
        _ => None,
    }
}

fn unknown(state: &str, message: Option<&str>) -> Classification {
    let advice = if state.trim().eq_ignore_ascii_case("ERROR") {
        rules::ERROR_STATE
    } else if message.is_none_or(is_generic) {
        rules::GENERIC
    } else {
        rules::FALLBACK
    };
    Classification { category: Category::Unknown, retry_helps: None, advice: advice.to_string(), evidence: None }
}

/// `line` trimmed, and cut to [`EVIDENCE_CHARS`] characters around byte offset `at` (the match)
/// with an ellipsis on each cut side.
pub(crate) fn excerpt(line: &str, at: usize) -> String {
    let text = line.trim_end();
    let total = text.chars().count();
    if total <= EVIDENCE_CHARS {
        return text.trim_start().to_string();
    }
    let body = EVIDENCE_CHARS - 2;
    let at_char = text.get(..at).map_or(0, |s| s.chars().count());
    let start = at_char.saturating_sub(body / 4).min(total - body);
    let cut: String = text.chars().skip(start).take(body).collect();
    let head = if start > 0 { "…" } else { "" };
    let tail = if start + body < total { "…" } else { "" };
    format!("{head}{}{tail}", cut.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_classified_once_and_logs_always_afresh() {
        let rules = Rules::with_user(&[]).expect("rules");
        let oom = "Container killed by YARN for exceeding memory limits";
        let first = rules.classify("FAILED", Some(oom), &[]);
        assert_eq!(rules.classify("FAILED", Some(oom), &[]), first);
        assert_eq!(rules.memo.len(), 1, "the second answer came from the memo");
        assert_eq!(first.category.as_str(), "out_of_memory");
        let generic = rules.classify("FAILED", Some("Command Failed with Exit Code 1"), &[]);
        assert_eq!(generic.category.as_str(), "unknown");
        let logs = [LogExcerpt::new("driver", ["java.lang.OutOfMemoryError: Java heap space"])];
        let with_logs = rules.classify("FAILED", Some("Command Failed with Exit Code 1"), &logs);
        assert_eq!(with_logs.category.as_str(), "out_of_memory", "the log decides, not the memo");
        assert_eq!(rules.memo.len(), 2);
        // A state that says what happened is its own key.
        assert_eq!(rules.classify("TIMEOUT", Some(oom), &[]).category, first.category, "the message is conclusive");
        assert_eq!(rules.memo.len(), 3);
    }

    #[test]
    fn short_lines_are_kept_whole() {
        assert_eq!(excerpt("  at x: boom  ", 6), "at x: boom");
    }

    #[test]
    fn long_lines_are_cut_around_the_match() {
        let line = format!("{}No space left on device{}", "é".repeat(1000), "z".repeat(1000));
        let at = line.find("No space").expect("present");
        let e = excerpt(&line, at);
        assert!(e.contains("No space left on device"), "{e}");
        assert!(e.starts_with('…') && e.ends_with('…'));
        assert!(e.chars().count() <= EVIDENCE_CHARS);
    }

    #[test]
    fn a_match_at_the_end_keeps_the_end() {
        let line = format!("{}OutOfMemoryError", "x".repeat(500));
        let e = excerpt(&line, 500);
        assert!(e.ends_with("OutOfMemoryError") && e.starts_with('…'), "{e}");
        assert!(e.chars().count() <= EVIDENCE_CHARS);
    }

    #[test]
    fn states() {
        assert_eq!(state_category("stopped"), Some(Category::Stopped));
        assert_eq!(state_category("CANCELLED"), Some(Category::Stopped));
        assert_eq!(state_category("TIMEOUT"), Some(Category::Timeout));
        assert_eq!(state_category("EXPIRED"), Some(Category::Capacity));
        assert_eq!(state_category("FAILED"), None);
    }
}
