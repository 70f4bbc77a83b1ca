//! Messages that say nothing: "Command failed with exit code 1", "Job failed, please check
//! complete logs in configured logging destination. ExitCode: 1." The cause is in the logs.

use std::sync::LazyLock;

use regex::Regex;

/// Phrases AWS wraps around every failure, removed before looking for content.
const BOILERPLATE: &[&str] = &[
    // EMR Serverless stateDetails.
    r"(?i)\bjob (run )?failed,?\s*please check (the )?complete logs in (the )?configured logging destination",
    r"(?i)\blast few exceptions\s*:?",
    // Glue: the executor of a failed Spark application, and py4j's wrapper.
    r"(?i)\byarn resource manager killed the spark application\b",
    r"(?i)\ban error occurred while calling [\w.$]+",
    // Glue, Python shell and Spark.
    r"(?i)\bcommand failed with (exit|error) code\b",
    r"(?i)\bplease (check|refer to|see)\b",
];

/// Words that carry no cause, once the phrases above are gone.
const FILLER: &[&str] = &[
    "a",
    "an",
    "and",
    "the",
    "to",
    "in",
    "of",
    "for",
    "with",
    "has",
    "was",
    "is",
    "job",
    "run",
    "runs",
    "command",
    "task",
    "step",
    "failed",
    "fails",
    "fail",
    "failure",
    "error",
    "errors",
    "unknown",
    "exit",
    "code",
    "exitcode",
    "status",
    "check",
    "see",
    "refer",
    "logs",
    "log",
    "details",
    "more",
    "information",
    "spark",
    "sparkui",
    "ui",
    "application",
    "driver",
    "cloudwatch",
    "please",
    "complete",
    "configured",
    "logging",
    "destination",
];

/// Exit code 137 is a SIGKILL, nearly always memory: never generic.
const EXIT_137: &str = r"(?i)\bexit\w*\b[^0-9\n]{0,20}\b137\b";

static PHRASES: LazyLock<Vec<Regex>> =
    LazyLock::new(|| BOILERPLATE.iter().filter_map(|p| Regex::new(p).ok()).collect());
static KILLED: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(EXIT_137).ok());

/// True when `message` names no cause: empty, or only AWS boilerplate, filler words and
/// numbers ("Command Failed with Exit Code 1", "Yarn resource manager killed the Spark
/// application, please refer to SparkUI and driver logs for details").
pub fn is_generic(message: &str) -> bool {
    if KILLED.as_ref().is_some_and(|re| re.is_match(message)) {
        return false;
    }
    let mut rest = message.to_string();
    for phrase in PHRASES.iter() {
        rest = phrase.replace_all(&rest, " ").into_owned();
    }
    rest.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| w.chars().all(|c| c.is_ascii_digit()) || FILLER.contains(&w.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_compiles() {
        assert_eq!(PHRASES.len(), BOILERPLATE.len());
        assert!(KILLED.is_some());
    }

    #[test]
    fn generic_messages() {
        for m in [
            "",
            "  ",
            "Command failed with exit code 1",
            "Command Failed with Exit Code 1",
            "Yarn resource manager killed the Spark application, please refer to SparkUI and driver logs for details",
            "Job failed, please check complete logs in configured logging destination. ExitCode: 1.",
            "Job failed, please check complete logs in configured logging destination. ExitCode: 1. Last few exceptions: ",
            "An error occurred while calling o85.pyWriteDynamicFrame.",
            "Job run failed",
            "Unknown error",
        ] {
            assert!(is_generic(m), "{m:?} should be generic");
        }
    }

    #[test]
    fn messages_with_content() {
        for m in [
            "Command failed with exit code 137",
            "Job failed, please check complete logs in configured logging destination. ExitCode: 1. Last few exceptions: Caused by: java.io.IOException: No space left on device",
            "An error occurred while calling o122.pyWriteDynamicFrame. Access Denied (Service: Amazon S3; Status Code: 403)",
            "Internal service error",
            "Job run timed out",
        ] {
            assert!(!is_generic(m), "{m:?} is not generic");
        }
    }
}
