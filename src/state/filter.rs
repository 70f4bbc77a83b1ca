//! The `/` filter: space-separated terms, all must match.
//! `state:FAILED`, `stream:orders` and `ctx:prod` match those columns; other terms match any
//! column, as a case-insensitive regex when they contain regex syntax, else as a substring.

use regex::{Regex, RegexBuilder};

#[derive(Debug, Clone)]
enum Term {
    State(String),
    Stream(String),
    Ctx(String),
    Text(String),
    Pattern(Regex),
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub text: String,
    terms: Vec<Term>,
    /// A term that was meant as a regex but does not compile (matched as text instead).
    pub warning: Option<String>,
}

/// What a row offers to the filter.
pub struct Fields<'a> {
    pub state: &'a str,
    pub stream: &'a str,
    /// The name of the row's context.
    pub ctx: &'a str,
    pub cells: &'a [&'a str],
}

const REGEX_CHARS: &[char] = &['^', '$', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '\\', '.'];

impl Filter {
    pub fn parse(text: &str) -> Filter {
        let mut terms = Vec::new();
        let mut warning = None;
        for raw in text.split_whitespace() {
            let lower = raw.to_lowercase();
            if let Some(v) = lower.strip_prefix("state:") {
                terms.push(Term::State(v.to_string()));
            } else if let Some(v) = lower.strip_prefix("stream:") {
                terms.push(Term::Stream(v.to_string()));
            } else if let Some(v) = lower.strip_prefix("ctx:") {
                terms.push(Term::Ctx(v.to_string()));
            } else if raw.contains(REGEX_CHARS) {
                match RegexBuilder::new(raw).case_insensitive(true).build() {
                    Ok(re) => terms.push(Term::Pattern(re)),
                    Err(_) => {
                        warning = Some(format!("`{raw}` is not a valid regex; matching it as text"));
                        terms.push(Term::Text(lower));
                    }
                }
            } else {
                terms.push(Term::Text(lower));
            }
        }
        Filter { text: text.to_string(), terms, warning }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, f: &Fields<'_>) -> bool {
        self.terms.iter().all(|t| match t {
            Term::State(s) => f.state.to_lowercase().starts_with(s.as_str()),
            Term::Stream(s) => f.stream.to_lowercase().contains(s.as_str()),
            // The whole name, or its start (`ctx:prod` is prod-eu and prod-us).
            Term::Ctx(s) => f.ctx.to_lowercase().starts_with(s.as_str()),
            Term::Text(s) => f.cells.iter().any(|c| c.to_lowercase().contains(s.as_str())),
            Term::Pattern(re) => f.cells.iter().any(|c| re.is_match(c)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(cells: &'a [&'a str]) -> Fields<'a> {
        Fields { state: "FAILED", stream: "orders", ctx: "prod-eu", cells }
    }

    #[test]
    fn terms_are_anded() {
        let cells = ["orders_curate", "Command Failed with Exit Code 1"];
        assert!(Filter::parse("state:failed stream:ord curate").matches(&row(&cells)));
        assert!(!Filter::parse("state:succeeded").matches(&row(&cells)));
        assert!(!Filter::parse("curate payments").matches(&row(&cells)));
        assert!(Filter::parse("ctx:prod-eu").matches(&row(&cells)));
        assert!(Filter::parse("ctx:PROD").matches(&row(&cells)));
        assert!(!Filter::parse("ctx:staging").matches(&row(&cells)));
        assert!(Filter::parse("").matches(&row(&cells)));
    }

    #[test]
    fn regex_terms_and_bad_regex_fallback() {
        let cells = ["orders_curate", "No space left on device"];
        assert!(Filter::parse("^orders_c").matches(&row(&cells)));
        assert!(!Filter::parse("^curate").matches(&row(&cells)));
        let f = Filter::parse("(unclosed");
        assert!(f.warning.is_some());
        assert!(!f.matches(&row(&cells)));
    }
}
