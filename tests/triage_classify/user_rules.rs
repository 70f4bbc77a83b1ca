//! `[[triage.rules]]`: user rules are tried before the built-in table; a bad one is a clear,
//! one-line error, never a panic.

use batchtop::triage::{Category, LogExcerpt, RuleConfig, Rules, TriageSection};
use serde::Deserialize;

/// The shape config.rs will have: `triage` beside the other sections.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    triage: TriageSection,
}

fn parse(text: &str) -> Result<TriageSection, String> {
    toml::from_str::<File>(text).map(|f| f.triage).map_err(|e| e.to_string())
}

fn rule(pattern: &str, category: Category, advice: &str) -> RuleConfig {
    RuleConfig { pattern: pattern.into(), category, advice: advice.into(), retry_helps: None }
}

#[test]
fn a_section_parses() {
    let section = parse(
        r#"
[[triage.rules]]
pattern = "(?i)vendor api quota"
category = "throttled"
advice = "the vendor API is rate limited: stagger the nightly jobs"

[[triage.rules]]
pattern = "LegacyLoaderError"
category = "user_code"
advice = "see the legacy loader runbook"
retry_helps = true
"#,
    )
    .expect("valid");
    assert_eq!(section.rules.len(), 2);
    assert_eq!(section.rules[0].category, Category::Throttled);
    assert_eq!(section.rules[1].retry_helps, Some(true));
    assert_eq!(parse("").expect("absent section").rules, vec![]);
    let rules = Rules::from_section(&section).expect("compiles");
    let c = rules.classify("FAILED", Some("upstream said: Vendor API quota reached"), &[]);
    assert_eq!((c.category, c.retry_helps), (Category::Throttled, Some(true)));
    let c = rules.classify("FAILED", Some("LegacyLoaderError: bad header"), &[]);
    assert_eq!((c.category, c.retry_helps), (Category::UserCode, Some(true)), "explicit retry_helps wins");
}

#[test]
fn a_user_rule_overrides_a_builtin() {
    let message = "java.lang.OutOfMemoryError: Java heap space in GeoUdf.lookup";
    assert_eq!(Rules::builtin().classify("FAILED", Some(message), &[]).category, Category::OutOfMemory);
    let rules =
        Rules::with_user(&[rule(r"GeoUdf\.lookup", Category::UserCode, "GeoUdf leaks its cache: see runbook GEO-7")])
            .expect("valid");
    let c = rules.classify("FAILED", Some(message), &[]);
    assert_eq!(c.category, Category::UserCode);
    assert_eq!(c.advice, "GeoUdf leaks its cache: see runbook GEO-7");
    assert_eq!(c.retry_helps, Some(false));
    // In logs too, a user rule on any line beats a built-in decisive match on an earlier line.
    let logs = [LogExcerpt::new("jr_1-driver", ["No space left on device", "at GeoUdf.lookup(GeoUdf.java:40)"])];
    let c = rules.classify("FAILED", Some("Command failed with exit code 1"), &logs);
    assert_eq!(c.category, Category::UserCode);
    assert_eq!(c.evidence.expect("evidence").line, "at GeoUdf.lookup(GeoUdf.java:40)");
}

#[test]
fn user_rules_keep_their_order() {
    let rules = Rules::with_user(&[
        rule("vendor", Category::Network, "first"),
        rule("vendor timeout", Category::Timeout, "second"),
    ])
    .expect("valid");
    assert_eq!(rules.classify("FAILED", Some("vendor timeout"), &[]).advice, "first");
}

#[test]
fn an_invalid_regex_is_a_one_line_error_naming_the_pattern() {
    let err = Rules::with_user(&[rule("ok", Category::Network, "a"), rule("(unclosed", Category::Network, "b")])
        .expect_err("invalid regex");
    let text = err.to_string();
    assert!(!text.contains('\n'), "{text}");
    assert!(text.contains("(unclosed") && text.contains("#2") && text.contains("invalid regex"), "{text}");
    assert_eq!(err.number, 2);
}

#[test]
fn patterns_that_would_match_everything_are_refused() {
    for pattern in ["", "   ", "x*", "(?i)|foo"] {
        let err = Rules::with_user(&[rule(pattern, Category::Network, "advice")]).expect_err(pattern);
        assert!(!err.to_string().contains('\n'));
    }
    assert!(Rules::with_user(&[rule("foo", Category::Network, " ")]).is_err(), "empty advice");
}

#[test]
fn an_unknown_category_or_key_is_a_deserialization_error() {
    let base = "[[triage.rules]]\npattern = \"x\"\nadvice = \"y\"\n";
    let err = parse(&format!("{base}category = \"oom\"\n")).expect_err("unknown category");
    assert!(err.contains("oom") && err.contains("out_of_memory"), "{err}");
    assert!(parse(&format!("{base}category = \"OutOfMemory\"\n")).is_err(), "names are snake_case");
    assert!(parse(&format!("{base}category = \"network\"\nseverity = 3\n")).is_err(), "unknown key");
    assert!(parse("[[triage.rules]]\npattern = \"x\"\ncategory = \"network\"\n").is_err(), "advice is required");
    assert!(parse("[triage]\nrulez = []\n").is_err(), "unknown key in [triage]");
}
