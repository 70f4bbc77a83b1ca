//! The compiled rules: the built-in table plus user rules, ordered so that the first rule that
//! matches a line is the best one for that line.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock, Mutex};

use regex::{Regex, RegexSet};

use super::Category;
use super::config::{RuleConfig, TriageSection};
use super::rules::{BUILTIN, USER};

/// A user rule that cannot be used, in one line that names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("triage rule #{number} (pattern {pattern:?}): {problem}")]
pub struct RuleError {
    /// 1-based position of the rule in `[[triage.rules]]`.
    pub number: usize,
    pub pattern: String,
    pub problem: String,
}

#[derive(Debug, Clone)]
struct Rule {
    regex: Regex,
    rank: u8,
    category: Category,
    retry_helps: Option<bool>,
    advice: String,
}

/// The rules a classification runs: user rules first, then the built-in table by rank.
#[derive(Debug, Clone)]
pub struct Rules {
    rules: Vec<Rule>,
    /// All patterns at once, so a log line is scanned once; `None` if the set would not compile
    /// (too large), in which case each rule is tried in turn.
    set: Option<RegexSet>,
    /// What (state, message) with no log lines came to: the inbox is rebuilt whenever data
    /// arrives, and thousands of runs repeat a few messages (shared by clones of these rules).
    pub(super) memo: Memo,
}

/// Classifications by (state, error message), for failures with no log lines read.
#[derive(Debug, Clone, Default)]
pub(super) struct Memo(Arc<Mutex<HashMap<(String, String), super::Classification>>>);

/// Distinct (state, message) pairs kept before the memo starts again.
const MEMO_MAX: usize = 10_000;

impl Memo {
    pub(super) fn get(&self, state: &str, message: &str) -> Option<super::Classification> {
        let memo = self.0.lock().ok()?;
        memo.get(&(state.to_string(), message.to_string())).cloned()
    }

    pub(super) fn put(&self, state: &str, message: &str, class: &super::Classification) {
        if let Ok(mut memo) = self.0.lock() {
            if memo.len() >= MEMO_MAX {
                memo.clear();
            }
            memo.insert((state.to_string(), message.to_string()), class.clone());
        }
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.lock().map(|m| m.len()).unwrap_or_default()
    }
}

static BUILTIN_RULES: LazyLock<Rules> = LazyLock::new(|| {
    let rules = BUILTIN
        .iter()
        .filter_map(|r| {
            let regex = Regex::new(r.pattern).ok()?;
            let advice = r.advice.to_string();
            Some(Rule { regex, rank: r.rank, category: r.category, retry_helps: r.retry_helps, advice })
        })
        .collect();
    Rules::assemble(rules)
});

impl Rules {
    /// The built-in table alone (compiled once per process).
    pub fn builtin() -> Rules {
        BUILTIN_RULES.clone()
    }

    /// The built-in table, shared.
    pub(crate) fn shared() -> &'static Rules {
        &BUILTIN_RULES
    }

    /// The built-in table with `user` rules tried before it, in their order.
    pub fn with_user(user: &[RuleConfig]) -> Result<Rules, RuleError> {
        let mut rules = user.iter().enumerate().map(|(i, r)| compile_user(i + 1, r)).collect::<Result<Vec<_>, _>>()?;
        rules.extend(BUILTIN_RULES.rules.iter().cloned());
        Ok(Rules::assemble(rules))
    }

    /// The rules of a `[triage]` config section.
    pub fn from_section(section: &TriageSection) -> Result<Rules, RuleError> {
        Rules::with_user(&section.rules)
    }

    /// How many rules there are (user and built-in).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules at all (never, unless the table failed to compile).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Sort by rank, highest first; the sort is stable, so user rules (all ranked [`USER`])
    /// stay first and in order, and equal built-in ranks keep table order.
    fn assemble(mut rules: Vec<Rule>) -> Rules {
        rules.sort_by_key(|r| std::cmp::Reverse(r.rank));
        let set = RegexSet::new(rules.iter().map(|r| r.regex.as_str())).ok();
        Rules { rules, set, memo: Memo::default() }
    }

    /// The best rule among the first `limit` that matches `line`, with the match's byte range.
    pub(crate) fn best(&self, line: &str, limit: usize) -> Option<(usize, Range<usize>)> {
        let index = match &self.set {
            Some(set) => set.matches(line).iter().find(|&i| i < limit)?,
            None => self.rules.iter().take(limit).position(|r| r.regex.is_match(line))?,
        };
        let found = self.rules.get(index)?.regex.find(line)?;
        Some((index, found.range()))
    }

    pub(crate) fn rank(&self, index: usize) -> u8 {
        self.rules.get(index).map_or(0, |r| r.rank)
    }

    pub(crate) fn category(&self, index: usize) -> Category {
        self.rules.get(index).map_or(Category::Unknown, |r| r.category)
    }

    pub(crate) fn retry_helps(&self, index: usize) -> Option<bool> {
        self.rules.get(index).and_then(|r| r.retry_helps)
    }

    pub(crate) fn advice(&self, index: usize) -> &str {
        self.rules.get(index).map_or(super::rules::FALLBACK, |r| r.advice.as_str())
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules::builtin()
    }
}

fn compile_user(number: usize, rule: &RuleConfig) -> Result<Rule, RuleError> {
    let fail = |problem: String| RuleError { number, pattern: rule.pattern.clone(), problem };
    if rule.pattern.trim().is_empty() {
        return Err(fail("the pattern is empty".into()));
    }
    let regex = Regex::new(&rule.pattern).map_err(|e| fail(format!("invalid regex: {}", one_line(&e.to_string()))))?;
    if regex.is_match("") {
        return Err(fail("the pattern matches empty text, so it would match every line".into()));
    }
    if rule.advice.trim().is_empty() {
        return Err(fail("the advice is empty".into()));
    }
    let retry_helps = rule.retry_helps.or(rule.category.retry_helps());
    Ok(Rule { regex, rank: USER, category: rule.category, retry_helps, advice: rule.advice.trim().to_string() })
}

/// The regex crate's errors are several lines (pattern, caret, message): keep the message.
fn one_line(error: &str) -> String {
    let last = error.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("invalid regex");
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_pattern_compiles_into_one_set() {
        let rules = Rules::builtin();
        assert_eq!(rules.len(), BUILTIN.len(), "a built-in pattern does not compile");
        assert!(rules.set.is_some(), "the built-in patterns do not compile as one set");
    }

    #[test]
    fn ranks_are_sorted_and_user_rules_come_first() {
        let user = RuleConfig {
            pattern: "custom".into(),
            category: Category::Network,
            advice: "do it".into(),
            retry_helps: None,
        };
        let rules = Rules::with_user(&[user]).expect("valid");
        assert_eq!(rules.rank(0), USER);
        assert_eq!(rules.category(0), Category::Network);
        assert_eq!(rules.retry_helps(0), Some(true), "absent retry_helps takes the category's");
        assert!(rules.rules.windows(2).all(|w| w[0].rank >= w[1].rank));
    }

    #[test]
    fn the_set_and_the_fallback_agree() {
        let mut plain = Rules::builtin();
        plain.set = None;
        let set = Rules::builtin();
        for line in ["java.lang.OutOfMemoryError: Java heap space", "ValueError: x", "nothing here", "Rate exceeded"] {
            assert_eq!(set.best(line, set.len()), plain.best(line, plain.len()), "{line}");
        }
    }

    #[test]
    fn one_line_keeps_the_last_message() {
        let pattern = String::from("(foo");
        let e = Regex::new(&pattern).expect_err("invalid");
        let msg = one_line(&e.to_string());
        assert!(!msg.contains('\n') && msg.contains("unclosed"), "{msg}");
    }
}
