//! Log excerpts as Glue and EMR Serverless write them: with a generic error message, the most
//! specific line anywhere in the logs wins, and the evidence names its stream.

use batchtop::triage::{Category, EVIDENCE_CHARS, LogExcerpt, MESSAGE_SOURCE, classify};

use super::{EMR_STREAM, GLUE_STREAM};

const GLUE_GENERIC: &str = "Command failed with exit code 1";
const EMR_GENERIC: &str = "Job failed, please check complete logs in configured logging destination. ExitCode: 1.";
const YARN_GENERIC: &str =
    "Yarn resource manager killed the Spark application, please refer to SparkUI and driver logs for details";

/// A Glue 3.0 driver error log: the Python traceback comes first, the cause last.
const GLUE_DRIVER_OOM: &[&str] = &[
    "24/05/01 02:13:05 INFO MemoryStore: Block broadcast_12 stored as values in memory (estimated size 1.9 GiB, free 120.4 MiB)",
    "24/05/01 02:13:07 ERROR ProcessLauncher: Error from Python:Traceback (most recent call last):",
    "  File \"/tmp/orders_nightly.py\", line 88, in <module>",
    "    glueContext.write_dynamic_frame.from_options(frame=orders, connection_type=\"s3\", format=\"parquet\")",
    "  File \"/opt/amazon/lib/python3.7/site-packages/awsglue/context.py\", line 230, in write_dynamic_frame_from_options",
    "py4j.protocol.Py4JJavaError: An error occurred while calling o122.pyWriteDynamicFrame.",
    ": java.lang.OutOfMemoryError: Java heap space",
    "\tat java.util.Arrays.copyOf(Arrays.java:3236)",
    "\tat java.io.ByteArrayOutputStream.grow(ByteArrayOutputStream.java:118)",
];

const GLUE_EXECUTOR_YARN: &[&str] = &[
    "24/05/01 02:13:09 ERROR YarnClusterScheduler: Lost executor 3 on 172.35.12.40: Container killed by YARN for exceeding memory limits. 5.5 GB of 5.5 GB physical memory used. Consider boosting spark.yarn.executor.memoryOverhead.",
    "24/05/01 02:13:10 ERROR TaskSetManager: Task 7 in stage 4.0 failed 4 times; aborting job",
    "org.apache.spark.SparkException: Job aborted due to stage failure: Task 7 in stage 4.0 failed 4 times",
];

const EXIT_137: &[&str] = &[
    "Traceback (most recent call last):",
    "24/05/01 02:13:09 WARN TaskSetManager: Lost task 3.0 in stage 7.0 (TID 112) (172.35.1.20 executor 4): ExecutorLostFailure (executor 4 exited caused by one of the running tasks) Reason: Container from a bad node: container_1714529000000_0001_01_000005 on host: 172.35.1.20. Exit status: 137. Diagnostics: Container killed on request. Exit code is 137",
];

const EMR_S3_403: &[&str] = &[
    "Traceback (most recent call last):",
    "  File \"/tmp/spark-5d1c/enrich.py\", line 41, in <module>",
    "    df = spark.read.parquet(\"s3://acme-raw/orders/dt=2024-05-01/\")",
    "py4j.protocol.Py4JJavaError: An error occurred while calling o93.parquet.",
    ": java.nio.file.AccessDeniedException: s3://acme-raw/orders/dt=2024-05-01: getFileStatus on s3://acme-raw/orders/dt=2024-05-01: com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 4Q9ZK1; S3 Extended Request ID: abc=; Proxy: null), S3 Extended Request ID: abc=:AccessDenied",
];

const SCHEMA: &[&str] = &[
    "Traceback (most recent call last):",
    "  File \"/tmp/orders_nightly.py\", line 57, in <module>",
    "    daily = orders.groupBy(F.to_date(\"order_ts\")).agg(F.sum(\"amount\"))",
    "pyspark.sql.utils.AnalysisException: cannot resolve 'order_ts' given input columns: [order_id, amount, created_at];",
];

const THROTTLED: &[&str] = &[
    "Traceback (most recent call last):",
    "  File \"/tmp/partitions.py\", line 19, in <module>",
    "com.amazonaws.services.glue.model.AWSGlueException: Rate exceeded (Service: AWSGlue; Status Code: 400; Error Code: ThrottlingException; Request ID: 0f1e2d3c)",
];

fn expect(message: &str, logs: &[LogExcerpt], category: Category, stream: &str, needle: &str) {
    let c = classify("FAILED", Some(message), logs);
    assert_eq!(c.category, category, "{c:?}");
    let e = c.evidence.expect("evidence");
    assert_eq!(e.source, stream);
    assert!(e.line.contains(needle), "evidence {:?} lacks {needle:?}", e.line);
    assert!(e.line.chars().count() <= EVIDENCE_CHARS);
}

#[test]
fn glue_driver_oom_beats_the_python_traceback() {
    let logs = [LogExcerpt::new(GLUE_STREAM, GLUE_DRIVER_OOM.iter().copied())];
    expect(GLUE_GENERIC, &logs, Category::OutOfMemory, GLUE_STREAM, "java.lang.OutOfMemoryError: Java heap space");
}

#[test]
fn yarn_memory_kill_beats_the_stage_failure() {
    let logs = [LogExcerpt::new("jr_5f2c-3", GLUE_EXECUTOR_YARN.iter().copied())];
    expect(
        YARN_GENERIC,
        &logs,
        Category::OutOfMemory,
        "jr_5f2c-3",
        "Container killed by YARN for exceeding memory limits",
    );
}

#[test]
fn exit_code_137_is_memory() {
    let logs = [LogExcerpt::new(GLUE_STREAM, EXIT_137.iter().copied())];
    expect(GLUE_GENERIC, &logs, Category::OutOfMemory, GLUE_STREAM, "Exit status: 137");
}

#[test]
fn emr_s3_403_in_the_driver_stderr() {
    let logs = [LogExcerpt::new(EMR_STREAM, EMR_S3_403.iter().copied())];
    expect(
        EMR_GENERIC,
        &logs,
        Category::S3AccessDenied,
        EMR_STREAM,
        "Access Denied (Service: Amazon S3; Status Code: 403",
    );
}

#[test]
fn analysis_exception_is_a_schema_mismatch() {
    let logs = [LogExcerpt::new(GLUE_STREAM, SCHEMA.iter().copied())];
    expect(GLUE_GENERIC, &logs, Category::SchemaMismatch, GLUE_STREAM, "cannot resolve 'order_ts'");
}

#[test]
fn glue_api_throttling_inside_the_job() {
    let logs = [LogExcerpt::new(GLUE_STREAM, THROTTLED.iter().copied())];
    expect(GLUE_GENERIC, &logs, Category::Throttled, GLUE_STREAM, "Rate exceeded");
}

#[test]
fn the_most_specific_line_of_any_stream_wins() {
    let driver = LogExcerpt::new(
        GLUE_STREAM,
        ["org.apache.spark.SparkException: Job aborted due to stage failure: Task 2 in stage 3.0 failed 4 times"],
    );
    let executor = LogExcerpt::new(
        "jr_5f2c-7",
        [
            "24/05/01 02:13:01 INFO ShuffleExternalSorter: Thread 71 spilling sort data of 1.2 GiB to disk (3 times so far)",
            "24/05/01 02:13:04 ERROR Executor: Exception in task 2.3 in stage 3.0 (TID 41)",
            "java.io.IOException: No space left on device",
        ],
    );
    expect(GLUE_GENERIC, &[driver, executor], Category::DiskFull, "jr_5f2c-7", "No space left on device");
}

#[test]
fn a_named_exception_beats_the_traceback_header() {
    let logs = [LogExcerpt::new(
        GLUE_STREAM,
        [
            "Traceback (most recent call last):",
            "  File \"/tmp/job.py\", line 12, in <module>",
            "KeyError: 'customer_id'",
        ],
    )];
    expect(GLUE_GENERIC, &logs, Category::UserCode, GLUE_STREAM, "KeyError: 'customer_id'");
}

#[test]
fn a_specific_message_is_not_overridden_by_logs() {
    let logs = [LogExcerpt::new(GLUE_STREAM, GLUE_DRIVER_OOM.iter().copied())];
    let message = "An error occurred while calling o122.pyWriteDynamicFrame. Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)";
    expect(message, &logs, Category::S3AccessDenied, MESSAGE_SOURCE, "Access Denied");
}

#[test]
fn a_weak_message_lets_the_logs_speak() {
    let logs = [LogExcerpt::new(GLUE_STREAM, ["java.io.IOException: No space left on device"])];
    let message = "org.apache.spark.SparkException: Job aborted due to stage failure";
    expect(message, &logs, Category::DiskFull, GLUE_STREAM, "No space left");
    // Without logs, the weak message is all there is.
    assert_eq!(classify("FAILED", Some(message), &[]).category, Category::UserCode);
}

#[test]
fn generic_message_and_quiet_logs_are_unknown() {
    let logs = [LogExcerpt::new(GLUE_STREAM, ["24/05/01 02:13:01 INFO SparkContext: Running Spark version 3.3.0"])];
    let c = classify("FAILED", Some(GLUE_GENERIC), &logs);
    assert_eq!(c.category, Category::Unknown);
    assert_eq!(c.retry_helps, None);
    assert!(c.evidence.is_none());
    assert!(c.advice.contains("driver"), "{}", c.advice);
}

#[test]
fn a_long_line_is_cut_around_the_match() {
    let line = format!("{} java.lang.OutOfMemoryError: Java heap space {}", "x".repeat(4000), "y".repeat(4000));
    let c = classify("FAILED", Some(GLUE_GENERIC), &[LogExcerpt::new(GLUE_STREAM, [line])]);
    let e = c.evidence.expect("evidence");
    assert!(e.line.contains("OutOfMemoryError") && e.line.chars().count() <= EVIDENCE_CHARS, "{}", e.line);
}
