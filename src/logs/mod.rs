//! The log viewer's pure core: log lines and their level, the bounded ring they live in,
//! the user's filter/search pattern, and where a run's logs are. No AWS SDK, no TUI, no
//! async runtime in here: fetchers feed `Ring::push`, panes read it.

pub mod locate;
pub mod pattern;
pub mod ring;

use std::sync::Arc;

/// One log event as the viewer keeps it. A multi-line event (a stack trace sent as one
/// CloudWatch event) stays one line; the view wraps it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// Position in arrival order, unique and increasing for the life of a ring.
    pub seq: u64,
    /// Event time, milliseconds since the Unix epoch.
    pub ts_ms: i64,
    /// Stream (or S3 object) the line came from; shared between lines.
    pub stream: Arc<str>,
    pub text: String,
    pub level: Level,
}

/// How loudly a line should be shown. Ordered: a later variant is more interesting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Plain,
    Warn,
    Error,
    /// A Java or Python exception: `java.lang.OutOfMemoryError: ...`, `Traceback (...)`.
    Exception,
    /// A Java `Caused by:` line: where the root cause usually is.
    CausedBy,
}

/// The level of a line of text. For a multi-line event, the most interesting of its lines.
pub fn classify(text: &str) -> Level {
    text.lines().map(classify_one).max().unwrap_or(Level::Plain)
}

fn classify_one(line: &str) -> Level {
    let t = line.trim_start();
    if t.starts_with("Caused by:") {
        return Level::CausedBy;
    }
    if is_exception_line(t) {
        return Level::Exception;
    }
    level_token(t)
}

/// A line that starts an exception report: Python's traceback header, the JVM's
/// `Exception in thread "main" ...`, or a class-like name ending in `Exception`/`Error`
/// first on the line and followed by `:` or nothing (`java.lang.OutOfMemoryError: Java heap
/// space`, `py4j.protocol.Py4JJavaError`, `ValueError: invalid literal ...`).
fn is_exception_line(t: &str) -> bool {
    if t.starts_with("Traceback (most recent call last)") || t.starts_with("Exception in thread ") {
        return true;
    }
    let end = t.find(|c: char| c == ':' || c.is_whitespace()).unwrap_or(t.len());
    let (name, rest) = t.split_at(end);
    if !(rest.is_empty() || rest.starts_with(':')) {
        return false;
    }
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.';
    if name.is_empty() || !name.chars().all(ident) || name.starts_with('.') || name.ends_with('.') {
        return false;
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    let class = last.rsplit('$').next().unwrap_or(last);
    class.starts_with(|c: char| c.is_ascii_uppercase())
        && (class.ends_with("Exception") || class.ends_with("Error") || class == "Throwable")
}

/// The first log-level word on the line decides (`24/11/24 10:01:02 ERROR Executor: ...`,
/// `ERROR:root:...`, `[WARN]`): so an INFO line whose message mentions ERROR stays plain.
/// Words are runs of letters, digits and `_`, matched in upper case exactly: `ERRORS_TABLE`
/// or "no errors" are not levels.
fn level_token(t: &str) -> Level {
    for word in t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        match word {
            "ERROR" | "FATAL" | "SEVERE" | "CRITICAL" => return Level::Error,
            "WARN" | "WARNING" => return Level::Warn,
            "INFO" | "DEBUG" | "TRACE" | "NOTICE" => return Level::Plain,
            _ => {}
        }
    }
    Level::Plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_log4j_lines_take_their_level() {
        assert_eq!(
            classify("24/11/24 10:01:02 ERROR Executor: Exception in task 3.0 in stage 1.0 (TID 7)"),
            Level::Error
        );
        assert_eq!(
            classify("24/11/24 10:01:02 WARN TaskSetManager: Lost task 0.0 in stage 1.0 (TID 1) (10.0.0.1 executor 2)"),
            Level::Warn
        );
        assert_eq!(classify("24/11/24 10:01:02 INFO SparkContext: Running Spark version 3.3.0-amzn-1"), Level::Plain);
        assert_eq!(classify("24/11/24 10:01:02 FATAL Driver: giving up"), Level::Error);
        assert_eq!(classify("2024-11-24 10:01:02,123 WARNING [main] retrying"), Level::Warn);
        assert_eq!(classify("ERROR:root:could not read s3://bucket/key"), Level::Error);
    }

    #[test]
    fn level_words_are_whole_upper_case_words_and_the_first_one_wins() {
        assert_eq!(classify("24/11/24 10:01:02 INFO GlueLogger: writing ERRORS_TABLE"), Level::Plain);
        assert_eq!(classify("24/11/24 10:01:02 INFO Writer: 0 ERROR rows, 3 WARN rows"), Level::Plain);
        assert_eq!(classify("no errors, no warnings found"), Level::Plain);
        assert_eq!(classify("TERRORS are not errors"), Level::Plain);
        assert_eq!(classify("[WARN] disk almost full"), Level::Warn);
    }

    #[test]
    fn java_exceptions_and_causes() {
        assert_eq!(classify("java.lang.OutOfMemoryError: Java heap space"), Level::Exception);
        assert_eq!(classify("org.apache.spark.SparkException: Job aborted due to stage failure"), Level::Exception);
        assert_eq!(classify("Exception in thread \"main\" java.lang.RuntimeException: boom"), Level::Exception);
        assert_eq!(classify("java.util.concurrent.ExecutionException"), Level::Exception);
        assert_eq!(classify("com.acme.Loader$BadRowException: row 7"), Level::Exception);
        assert_eq!(classify("Caused by: java.io.IOException: No space left on device"), Level::CausedBy);
        assert_eq!(classify("\tCaused by: java.io.FileNotFoundException: s3://b/k"), Level::CausedBy);
        assert_eq!(classify("\tat org.apache.spark.executor.Executor.run(Executor.scala:500)"), Level::Plain);
        assert_eq!(classify("\t... 42 more"), Level::Plain);
    }

    #[test]
    fn python_traceback() {
        let lines = [
            ("Traceback (most recent call last):", Level::Exception),
            ("  File \"/tmp/job.py\", line 12, in <module>", Level::Plain),
            ("    df = spark.read.parquet(path)", Level::Plain),
            (
                "py4j.protocol.Py4JJavaError: An error occurred while calling o122.pyWriteDynamicFrame.",
                Level::Exception,
            ),
            ("py4j.protocol.Py4JJavaError", Level::Exception),
            ("pyspark.sql.utils.AnalysisException: Path does not exist: s3://b/in", Level::Exception),
            ("ValueError: invalid literal for int() with base 10: 'x'", Level::Exception),
            ("Exception: boom", Level::Exception),
        ];
        for (text, want) in lines {
            assert_eq!(classify(text), want, "{text}");
        }
    }

    #[test]
    fn prose_that_only_looks_like_an_exception_is_plain() {
        assert_eq!(classify("Error handling is enabled"), Level::Plain);
        assert_eq!(classify("MyError occurred twice"), Level::Plain);
        assert_eq!(classify("some.package.error: lower case class"), Level::Plain);
        assert_eq!(classify("Row count: 10"), Level::Plain);
        assert_eq!(classify(""), Level::Plain);
        assert_eq!(classify("   "), Level::Plain);
    }

    #[test]
    fn a_multi_line_event_takes_its_loudest_line() {
        let event = "24/11/24 10:01:02 ERROR Executor: Exception in task 3.0\n\
                     java.lang.OutOfMemoryError: Java heap space\n\
                     \tat java.util.Arrays.copyOf(Arrays.java:3236)";
        assert_eq!(classify(event), Level::Exception);
        let with_cause = "org.apache.spark.SparkException: Job aborted\nCaused by: java.io.IOException: disk";
        assert_eq!(classify(with_cause), Level::CausedBy);
    }

    #[test]
    fn levels_are_ordered_by_interest() {
        assert!(Level::Plain < Level::Warn);
        assert!(Level::Warn < Level::Error);
        assert!(Level::Error < Level::Exception);
        assert!(Level::Exception < Level::CausedBy);
    }
}
