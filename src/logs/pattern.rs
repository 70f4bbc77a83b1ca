//! The log viewer's filter/search expression.
//!
//! CloudWatch Logs filter-pattern syntax for unstructured events: bare terms must all
//! appear (`ERROR Executor`), `?A ?B` needs any one of them, `-x` excludes, and quoted
//! phrases (`"Caused by"`, `-"Retrying task"`) may contain spaces. Matching is by substring
//! and case-sensitive, as CloudWatch does it, so the server and the client agree. A pattern
//! written `/re/` is a Rust regex, evaluated here only. The empty pattern matches everything.

use std::ops::Range;

use regex::Regex;

/// CloudWatch's limit on filterPattern length (FilterLogEvents and StartLiveTail).
const SERVER_MAX_LEN: usize = 1024;

#[derive(Debug, Clone, Default)]
pub struct Pattern {
    source: String,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Terms { all: Vec<String>, any: Vec<String>, none: Vec<String> },
    Regex(Regex),
}

impl Default for Kind {
    fn default() -> Self {
        Kind::Terms { all: Vec::new(), any: Vec::new(), none: Vec::new() }
    }
}

impl Pattern {
    /// Parses what the user typed. Errors say what is wrong in words fit for a status line.
    pub fn parse(s: &str) -> Result<Pattern, String> {
        let source = s.to_string();
        let t = s.trim();
        if t.len() >= 2 && t.starts_with('/') && t.ends_with('/') {
            let inner = &t[1..t.len() - 1];
            if inner.is_empty() {
                return Err("empty regex: write something between the slashes".into());
            }
            let re = Regex::new(inner).map_err(|e| {
                let msg = e.to_string();
                let last = msg.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
                format!("invalid regex /{inner}/: {}", last.trim_start_matches("error: "))
            })?;
            return Ok(Pattern { source, kind: Kind::Regex(re) });
        }
        let (mut all, mut any, mut none) = (Vec::new(), Vec::new(), Vec::new());
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].1.is_whitespace() {
                i += 1;
                continue;
            }
            let op = match chars[i].1 {
                c @ ('?' | '-') => {
                    i += 1;
                    if i >= chars.len() || chars[i].1.is_whitespace() {
                        return Err(format!("`{c}` must be followed by a term"));
                    }
                    Some(c)
                }
                _ => None,
            };
            let term = if chars[i].1 == '"' {
                let start = chars[i].0;
                let mut term = String::new();
                i += 1;
                loop {
                    match chars.get(i).map(|&(_, c)| c) {
                        None => return Err(format!("unterminated quote starting at column {}", start + 1)),
                        Some('"') => break,
                        Some('\\') if matches!(chars.get(i + 1), Some((_, '"' | '\\'))) => {
                            term.push(chars[i + 1].1);
                            i += 2;
                        }
                        Some(c) => {
                            term.push(c);
                            i += 1;
                        }
                    }
                }
                i += 1; // the closing quote
                if chars.get(i).is_some_and(|&(_, c)| !c.is_whitespace()) {
                    return Err(format!("expected a space after the quoted phrase \"{term}\""));
                }
                if term.is_empty() {
                    return Err("empty quoted phrase \"\"".into());
                }
                term
            } else {
                let start = chars[i].0;
                while i < chars.len() && !chars[i].1.is_whitespace() {
                    i += 1;
                }
                let end = chars.get(i).map_or(s.len(), |&(b, _)| b);
                s[start..end].to_string()
            };
            match op {
                Some('?') => any.push(term),
                Some(_) => none.push(term),
                None => all.push(term),
            }
        }
        Ok(Pattern { source, kind: Kind::Terms { all, any, none } })
    }

    /// The text the pattern was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Matches everything.
    pub fn is_empty(&self) -> bool {
        matches!(&self.kind, Kind::Terms { all, any, none } if all.is_empty() && any.is_empty() && none.is_empty())
    }

    pub fn is_regex(&self) -> bool {
        matches!(self.kind, Kind::Regex(_))
    }

    /// The filterPattern to send to FilterLogEvents / StartLiveTail when CloudWatch gives
    /// exactly the same answer as `matches`; `None` means send no pattern and filter here
    /// (the empty pattern, a regex, `?` terms mixed with other kinds of term, whose
    /// CloudWatch meaning is not documented, a term with `"` or `\` that cannot be quoted
    /// safely, or a pattern over CloudWatch's 1,024 characters).
    pub fn server_pattern(&self) -> Option<String> {
        let Kind::Terms { all, any, none } = &self.kind else { return None };
        let mixed = !any.is_empty() && (!all.is_empty() || !none.is_empty());
        if self.is_empty() || mixed {
            return None;
        }
        let mut parts = Vec::new();
        for (op, terms) in [("", all), ("?", any), ("-", none)] {
            for term in terms {
                if term.contains(['"', '\\']) {
                    return None;
                }
                if term.chars().all(|c| c.is_ascii_alphanumeric()) {
                    parts.push(format!("{op}{term}"));
                } else {
                    parts.push(format!("{op}\"{term}\""));
                }
            }
        }
        let out = parts.join(" ");
        (out.len() <= SERVER_MAX_LEN).then_some(out)
    }

    /// Whether a line of text passes the pattern.
    pub fn matches(&self, text: &str) -> bool {
        match &self.kind {
            Kind::Regex(re) => re.is_match(text),
            Kind::Terms { all, any, none } => {
                all.iter().all(|t| text.contains(t.as_str()))
                    && (any.is_empty() || any.iter().any(|t| text.contains(t.as_str())))
                    && !none.iter().any(|t| text.contains(t.as_str()))
            }
        }
    }

    /// Byte ranges of `text` to highlight: every occurrence of a positive term, or every
    /// non-empty regex match; sorted, with overlapping ranges merged.
    pub fn highlight(&self, text: &str) -> Vec<Range<usize>> {
        let mut ranges: Vec<Range<usize>> = match &self.kind {
            Kind::Regex(re) => re.find_iter(text).map(|m| m.range()).filter(|r| !r.is_empty()).collect(),
            Kind::Terms { all, any, .. } => all
                .iter()
                .chain(any)
                .flat_map(|t| text.match_indices(t.as_str()).map(|(at, m)| at..at + m.len()))
                .collect(),
        };
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }
}

/// One row of a filtered view with context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// The line at this index.
    Line(usize),
    /// Lines left out between two groups (grep's `--`).
    Gap,
}

/// The rows to show when keeping `n` lines of context around each match, like `grep -C n`:
/// overlapping or touching groups merge, separate groups get a `Gap` between them.
/// `matching` holds sorted indices into `len` lines; indices past the end are ignored.
pub fn with_context(matching: &[usize], len: usize, n: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut shown_to: Option<usize> = None; // one past the last index emitted
    for &m in matching.iter().filter(|&&m| m < len) {
        let lo = m.saturating_sub(n);
        let hi = m.saturating_add(n).min(len - 1);
        let from = match shown_to {
            Some(end) if lo <= end => end,
            Some(_) => {
                rows.push(Row::Gap);
                lo
            }
            None => lo,
        };
        rows.extend((from..=hi).map(Row::Line));
        shown_to = Some(shown_to.map_or(hi + 1, |end| end.max(hi + 1)));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pattern {
        Pattern::parse(s).expect("parses")
    }

    const EXEC: &str = "24/11/24 10:01:02 ERROR Executor: Exception in task 3.0 in stage 1.0 (TID 7)";
    const RETRY: &str = "24/11/24 10:01:03 ERROR RetryingBlockFetcher: Retrying fetch (1/3)";
    const WARN: &str = "24/11/24 10:01:04 WARN TaskSetManager: Lost task 0.0 in stage 1.0";

    #[test]
    fn empty_matches_everything_and_sends_nothing() {
        for s in ["", "   "] {
            let pat = p(s);
            assert!(pat.is_empty());
            assert!(pat.matches("anything") && pat.matches(""));
            assert_eq!(pat.server_pattern(), None);
            assert!(pat.highlight("anything").is_empty());
        }
        assert!(Pattern::default().is_empty());
    }

    #[test]
    fn bare_terms_are_anded_substrings_and_case_sensitive() {
        let pat = p("ERROR Executor");
        assert!(pat.matches(EXEC));
        assert!(!pat.matches(RETRY), "no Executor");
        assert!(!pat.matches("error executor"), "case-sensitive");
        assert!(p("Exec").matches(EXEC), "substring, not word");
        assert_eq!(pat.server_pattern().as_deref(), Some("ERROR Executor"));
    }

    #[test]
    fn question_marks_are_any_of() {
        let pat = p("?ERROR ?WARN");
        assert!(pat.matches(EXEC) && pat.matches(WARN));
        assert!(!pat.matches("24/11/24 10:01:05 INFO DAGScheduler: Job 0 finished"));
        assert_eq!(pat.server_pattern().as_deref(), Some("?ERROR ?WARN"));
    }

    #[test]
    fn minus_excludes() {
        let pat = p("ERROR -Retry");
        assert!(pat.matches(EXEC));
        assert!(!pat.matches(RETRY));
        assert!(!pat.matches(WARN));
        assert_eq!(pat.server_pattern().as_deref(), Some("ERROR -Retry"));
        assert!(p("-DEBUG").matches(EXEC));
        assert!(!p("-DEBUG").matches("x DEBUG y"));
    }

    #[test]
    fn quoted_phrases_with_operators() {
        let pat = p(r#""Caused by" -"No space""#);
        assert!(pat.matches("Caused by: java.io.IOException: disk quota"));
        assert!(!pat.matches("Caused by: java.io.IOException: No space left on device"));
        assert!(!pat.matches("caused by: x"));
        assert_eq!(pat.server_pattern().as_deref(), Some(r#""Caused by" -"No space""#));
        let any = p(r#"?"Caused by" ?Traceback"#);
        assert!(any.matches("Traceback (most recent call last):"));
        assert!(any.matches("\tCaused by: x"));
        assert_eq!(any.server_pattern().as_deref(), Some(r#"?"Caused by" ?Traceback"#));
    }

    #[test]
    fn escapes_inside_quotes() {
        let pat = p(r#""say \"hi\" \\ now""#);
        assert!(pat.matches(r#"they say "hi" \ now"#));
        assert_eq!(pat.server_pattern(), None, "a quote inside a term is not sent");
    }

    #[test]
    fn non_alphanumeric_terms_are_quoted_for_the_server() {
        let pat = p("java.lang.OutOfMemoryError o122");
        assert_eq!(pat.server_pattern().as_deref(), Some(r#""java.lang.OutOfMemoryError" o122"#));
        assert_eq!(p("-[main]").server_pattern().as_deref(), Some(r#"-"[main]""#));
        assert_eq!(p("ERRORS_TABLE").server_pattern().as_deref(), Some(r#""ERRORS_TABLE""#));
    }

    #[test]
    fn mixed_any_and_all_is_filtered_here_with_documented_semantics() {
        let pat = p("Executor ?ERROR ?WARN -Retry");
        assert_eq!(pat.server_pattern(), None);
        assert!(pat.matches(EXEC));
        assert!(!pat.matches("24/11/24 10:01:05 INFO Executor: Finished task"), "none of the ? terms");
        assert!(!pat.matches("24/11/24 ERROR Executor: Retrying"), "excluded");
        assert!(!pat.matches(WARN), "required term missing");
    }

    #[test]
    fn long_patterns_stay_client_side() {
        let long = "a".repeat(1025);
        assert_eq!(p(&long).server_pattern(), None);
        let fits = "a".repeat(1024);
        assert_eq!(p(&fits).server_pattern().as_deref(), Some(fits.as_str()));
    }

    #[test]
    fn regex_between_slashes() {
        let pat = p(r"/TID \d+\)$/");
        assert!(pat.is_regex());
        assert!(pat.matches(EXEC));
        assert!(!pat.matches(RETRY));
        assert_eq!(pat.server_pattern(), None);
        assert_eq!(pat.highlight(EXEC), vec![70..76]);
        assert_eq!(pat.source(), r"/TID \d+\)$/");
        assert!(!p("/").is_regex(), "a lone slash is a term");
        assert!(p("/aws-glue/jobs").matches("group /aws-glue/jobs/output"));
    }

    #[test]
    fn errors_are_clear() {
        let e = Pattern::parse(r#"ERROR "Caused by"#).expect_err("unterminated");
        assert_eq!(e, "unterminated quote starting at column 7");
        let e = Pattern::parse("/a(b/").expect_err("bad regex");
        assert!(e.starts_with("invalid regex /a(b/: "), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
        assert_eq!(Pattern::parse("//").expect_err("empty"), "empty regex: write something between the slashes");
        assert_eq!(Pattern::parse("ERROR -").expect_err("dangling"), "`-` must be followed by a term");
        assert_eq!(Pattern::parse("? x").expect_err("dangling"), "`?` must be followed by a term");
        assert_eq!(Pattern::parse(r#""""#).expect_err("empty"), "empty quoted phrase \"\"");
        assert!(Pattern::parse(r#""a"b"#).is_err());
    }

    #[test]
    fn highlight_finds_every_positive_occurrence_and_merges() {
        // "ab ab" : "ab" at 0..2 and 3..5
        assert_eq!(p("ab").highlight("ab ab"), vec![0..2, 3..5]);
        // "abc" 0..3 overlaps "bcd" 1..4 -> 0..4; excluded terms are not highlighted
        assert_eq!(p("abc bcd -zzz").highlight("abcd"), vec![0..4]);
        assert_eq!(p("?x ?y").highlight("-x-y-"), vec![1..2, 3..4]);
        // multi-byte text: "é" is 2 bytes, so "b" sits at byte 3
        let r = p("b").highlight("aéb");
        assert_eq!(r, vec![3..4]);
        assert!("aéb".is_char_boundary(r[0].start) && "aéb".is_char_boundary(r[0].end));
        assert!(p("/x*/").highlight("abc").is_empty(), "empty regex matches are dropped");
        assert_eq!(p("/é+/").highlight("aééb"), vec![1..5]);
    }

    #[test]
    fn context_merges_groups_and_marks_gaps() {
        use Row::{Gap, Line};
        assert_eq!(with_context(&[], 10, 2), vec![]);
        assert_eq!(with_context(&[5], 10, 0), vec![Line(5)]);
        assert_eq!(with_context(&[5], 10, 1), vec![Line(4), Line(5), Line(6)]);
        // clipped at both ends
        assert_eq!(with_context(&[0, 9], 10, 1), vec![Line(0), Line(1), Gap, Line(8), Line(9)]);
        // overlapping (2 and 4 with n=1: 1..=3 and 3..=5) and touching (7: 6..=8) merge
        let rows = with_context(&[2, 4, 7], 10, 1);
        assert_eq!(rows, (1..=8).map(Line).collect::<Vec<_>>());
        // separated by one hidden line (index 4)
        assert_eq!(
            with_context(&[1, 7], 10, 2),
            vec![Line(0), Line(1), Line(2), Line(3), Gap, Line(5), Line(6), Line(7), Line(8), Line(9)]
        );
        // duplicates and out-of-range indices are harmless
        assert_eq!(with_context(&[3, 3, 12], 5, 1), vec![Line(2), Line(3), Line(4)]);
        assert_eq!(with_context(&[0], 0, 3), vec![]);
    }
}
