//! The triage classifier against every real AWS error string in the shared fixture, one
//! positive and near-miss table per category, log excerpts as Glue and EMR Serverless write
//! them, and user rules from config.

use std::path::PathBuf;

use Category::*;
use batchtop::triage::{Category, Classification, LogExcerpt, MESSAGE_SOURCE, classify, is_generic, retry_helps};

const GLUE_STREAM: &str = "jr_5f2c0e9a7b1d4c3e8f6a2b9d0c1e3f5a7b9d2c4e6f8a0b1c3d5e7f9a1b3c5d7e-driver";
const EMR_STREAM: &str = "/applications/00fabc123/jobs/00fdef456/SPARK_DRIVER/stderr";

fn fails(message: &str) -> Classification {
    classify("FAILED", Some(message), &[])
}

// ---------------------------------------------------------------- the shared fixture

/// Every sample in ../shared/fixtures/aws-error-samples.json, keyed by a substring only it has.
const FIXTURE_EXPECTED: &[(&str, Category, Option<bool>)] = &[
    // Glue JobRun.ErrorMessage: S3 403 wrapped in py4j's "An error occurred while calling".
    ("Error Code: AccessDenied; Request ID: 021AAB703DB20A2D", S3AccessDenied, Some(false)),
    // Glue console text for a driver OOM: says nothing by itself (the cause is in the log).
    ("Command Failed with Exit Code 1", Unknown, None),
    // Glue driver error log lines.
    ("Executing /bin/sh -c \"kill -9 12039\"", OutOfMemory, Some(false)),
    // Glue executor OOM lines in CloudWatch.
    ("Lost executor 1 on ip-10-1-2-175.ec2.internal", OutOfMemory, Some(false)),
    // Glue disk spill failure: "spill" and "memory" words must not make it out_of_memory.
    ("UnsafeExternalSorter@5f4bb34a : No space left on device", DiskFull, Some(false)),
    // EMR Serverless stateDetails: generic prefix, then the disk error, then a SparkException.
    ("Caused by: java.io.IOException: No space left on device Exception in thread", DiskFull, Some(false)),
    // EMR Serverless: a dead shuffle peer; the awslabs guide says to tune resources (ambiguous:
    // a lost node does the same, hence retry null).
    ("The relative remote executor(Id: 34)", OutOfMemory, None),
    // EMR Serverless: the driver's scheduler was gone; same guide, same advice (ambiguous).
    ("Could not find CoarseGrainedScheduler", OutOfMemory, None),
];

fn fixture_samples() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/aws-error-samples.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    let mut out = Vec::new();
    for service in ["glue", "emr_serverless"] {
        let samples = json[service].as_array().unwrap_or_else(|| panic!("fixture has no {service} array"));
        out.extend(samples.iter().map(|s| s["text"].as_str().expect("sample has a text").to_string()));
    }
    out
}

fn expected_for(sample: &str) -> (Category, Option<bool>) {
    let keys: Vec<_> = FIXTURE_EXPECTED.iter().filter(|(key, ..)| sample.contains(key)).collect();
    assert_eq!(keys.len(), 1, "exactly one expectation must match fixture sample {sample:?}");
    (keys[0].1, keys[0].2)
}

#[test]
fn every_fixture_sample_as_the_error_message() {
    let samples = fixture_samples();
    assert_eq!(samples.len(), FIXTURE_EXPECTED.len(), "a fixture sample without an expectation, or a stale one");
    for sample in &samples {
        let (expected, retry) = expected_for(sample);
        let c = fails(sample);
        assert_eq!(c.category, expected, "{sample:?}: {c:?}");
        assert_eq!(c.retry_helps, retry, "{sample:?}");
        match c.evidence {
            Some(e) => assert_eq!(e.source, MESSAGE_SOURCE),
            None => assert_eq!(expected, Unknown, "{sample:?} has no evidence"),
        }
    }
}

#[test]
fn every_fixture_sample_as_log_lines_behind_a_generic_message() {
    for sample in fixture_samples() {
        let (expected, _) = expected_for(&sample);
        let logs = [LogExcerpt::new(GLUE_STREAM, sample.lines())];
        let c = classify("FAILED", Some("Command failed with exit code 1"), &logs);
        assert_eq!(c.category, expected, "{sample:?}: {c:?}");
        if expected != Unknown {
            assert_eq!(c.evidence.expect("evidence").source, GLUE_STREAM);
        }
    }
}

#[test]
fn the_glue_oom_doc_pair_message_plus_driver_log() {
    let samples = fixture_samples();
    let message = samples.iter().find(|s| s.contains("Command Failed with Exit Code 1")).expect("sample");
    let log = samples.iter().find(|s| s.contains("kill -9 12039")).expect("sample");
    assert!(is_generic(message));
    let c = classify("FAILED", Some(message), &[LogExcerpt::new(GLUE_STREAM, log.lines())]);
    assert_eq!(c.category, OutOfMemory);
    assert_eq!(c.retry_helps, Some(false));
    let e = c.evidence.expect("evidence");
    assert_eq!((e.source.as_str(), e.line.as_str()), (GLUE_STREAM, "# java.lang.OutOfMemoryError: Java heap space"));
}

// ---------------------------------------------------------------- per category

/// Messages that name the category (state FAILED, no logs).
const POSITIVE: &[(Category, &str)] = &[
    (OutOfMemory, "java.lang.OutOfMemoryError: GC overhead limit exceeded"),
    (
        OutOfMemory,
        "Container [pid=4242,containerID=container_1_0001_01_000002] is running beyond physical memory limits. Current usage: 5.6 GB of 5.5 GB physical memory used",
    ),
    (OutOfMemory, "Command failed with exit code 137"),
    (
        OutOfMemory,
        "MemoryError: Unable to allocate 3.20 GiB for an array with shape (430000000,) and data type float64",
    ),
    (DiskFull, "java.io.IOException: No space left on device"),
    (DiskFull, "OSError: [Errno 28] No space left on device: '/tmp/spark-local/blockmgr-1/0c/shuffle_3_7_0.data'"),
    (
        S3AccessDenied,
        "com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 7QW2Y; Proxy: null)",
    ),
    (
        S3AccessDenied,
        "java.nio.file.AccessDeniedException: s3a://acme-raw/orders/part-0000.parquet: getFileStatus on s3a://acme-raw/orders/part-0000.parquet: com.amazonaws.services.s3.model.AmazonS3Exception: Forbidden",
    ),
    (
        S3AccessDenied,
        "User: arn:aws:sts::123456789012:assumed-role/GlueJobRole/GlueJobRunnerSession is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::acme-curated/orders/x.parquet",
    ),
    (
        Permission,
        "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/GlueJobRole/s is not authorized to perform: glue:GetTable on resource: arn:aws:glue:us-east-1:123456789012:table/sales/orders",
    ),
    (
        Permission,
        "Exception in User Class: com.amazonaws.services.glue.model.AccessDeniedException: Insufficient Lake Formation permission(s) on orders (Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)",
    ),
    (
        Permission,
        "com.amazonaws.services.kms.model.AWSKMSException: User: arn:aws:sts::123456789012:assumed-role/GlueJobRole/s is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext",
    ),
    (InputMissing, "pyspark.sql.utils.AnalysisException: Path does not exist: s3://acme-raw/orders/dt=2024-05-01"),
    (
        InputMissing,
        "com.amazonaws.services.s3.model.AmazonS3Exception: The specified key does not exist. (Service: Amazon S3; Status Code: 404; Error Code: NoSuchKey; Request ID: 9X)",
    ),
    (InputMissing, "java.io.FileNotFoundException: No such file or directory: s3://acme-raw/orders/manifest.json"),
    (
        InputMissing,
        "com.amazonaws.services.glue.model.EntityNotFoundException: Table orders_v2 not found. (Service: AWSGlue; Status Code: 400; Error Code: EntityNotFoundException)",
    ),
    (
        SchemaMismatch,
        "pyspark.sql.utils.AnalysisException: cannot resolve 'order_ts' given input columns: [order_id, amount, created_at];",
    ),
    (
        SchemaMismatch,
        "org.apache.spark.sql.AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `order_ts` cannot be resolved.",
    ),
    (
        SchemaMismatch,
        "pyspark.sql.utils.AnalysisException: Unable to infer schema for Parquet. It must be specified manually.",
    ),
    (
        SchemaMismatch,
        "Caused by: org.apache.spark.sql.execution.datasources.SchemaColumnConvertNotSupportedException: column: [amount], physicalType: INT64, logicalType: string",
    ),
    (
        Capacity,
        "ConcurrentRunsExceededException: Concurrent runs exceeded for nightly_orders (Service: AWSGlue; Status Code: 400; Error Code: ConcurrentRunsExceededException)",
    ),
    (Capacity, "Exceeded maximum concurrent compute capacity for your account: 300."),
    (Capacity, "ResourceNumberLimitExceededException: Number of concurrent job runs exceeded the limit"),
    (Capacity, "Resource unavailable"),
    (Timeout, "Job run timed out"),
    (Timeout, "Job run exceeded the specified timeout of 120 minutes"),
    (
        Throttled,
        "Rate exceeded (Service: AWSGlue; Status Code: 400; Error Code: ThrottlingException; Request ID: 1a2b)",
    ),
    (
        Throttled,
        "com.amazonaws.services.s3.model.AmazonS3Exception: Please reduce your request rate. (Service: Amazon S3; Status Code: 503; Error Code: SlowDown; Request ID: 3C)",
    ),
    (
        Throttled,
        "botocore.exceptions.ClientError: An error occurred (ThrottlingException) when calling the GetPartitions operation (reached max retries: 4): Rate exceeded",
    ),
    (
        ServiceError,
        "InternalServiceException: Internal service error (Service: AWSGlue; Status Code: 500; Error Code: InternalServiceException)",
    ),
    (
        ServiceError,
        "com.amazonaws.services.s3.model.AmazonS3Exception: We encountered an internal error. Please try again. (Service: Amazon S3; Status Code: 500; Error Code: InternalError)",
    ),
    (ServiceError, "Service Unavailable (Service: AWSGlue; Status Code: 503)"),
    (Network, "java.net.UnknownHostException: orders-db.cluster-abc.us-east-1.rds.amazonaws.com"),
    (Network, "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure"),
    (Network, "java.net.ConnectException: Connection refused (Connection refused)"),
    (Network, "Could not find S3 endpoint or NAT gateway for subnetId: subnet-0abc123 in Vpc vpc-0def456"),
    (
        Network,
        "At least one security group must open all ingress ports. To limit traffic, the source security group in your inbound rule can be restricted to the same security group",
    ),
    (UserCode, "KeyError: 'customer_id'"),
    (UserCode, "java.lang.NullPointerException"),
    (UserCode, "ValueError: invalid literal for int() with base 10: 'n/a'"),
    (UserCode, "Traceback (most recent call last):"),
    (DataQuality, "AssertionError: The job failed due to failing DQ rules for node: AmazonS3_node1700883440212"),
    (DataQuality, "Data quality rules failed: 3 of 12 rules did not pass"),
    (Stopped, "Job run cancelled by user"),
    (Stopped, "Job run was stopped by the user via BatchStopJobRun"),
    (Unknown, "Command failed with exit code 1"),
    (
        Unknown,
        "Yarn resource manager killed the Spark application, please refer to SparkUI and driver logs for details",
    ),
    (
        Unknown,
        "Job failed, please check complete logs in configured logging destination. ExitCode: 1. Last few exceptions: ",
    ),
    (Unknown, "Widget factory reported a sprocket anomaly"),
];

/// Messages that look like a category but are not: (not this, the message, but this).
const NEAR_MISS: &[(Category, &str, Category)] = &[
    (OutOfMemory, "memory usage is fine: 40%", Unknown),
    (OutOfMemory, "spark.executor.memoryOverhead set to 1g", Unknown),
    (OutOfMemory, "Command failed with exit code 1370", Unknown),
    (DiskFull, "disk usage 45% of 64 GB, plenty of space left", Unknown),
    (
        S3AccessDenied,
        "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/GlueJobRole/s is not authorized to perform: glue:GetTable on resource: arn:aws:glue:us-east-1:123456789012:table/sales/orders",
        Permission,
    ),
    (S3AccessDenied, "Listing s3://acme-raw/orders/ returned 0 objects", Unknown),
    (
        Permission,
        "An error occurred while calling o122.pyWriteDynamicFrame. Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)",
        S3AccessDenied,
    ),
    (Permission, "Permission check passed for role GlueJobRole", Unknown),
    (InputMissing, "Found 12 files under s3://acme-raw/orders/", Unknown),
    (SchemaMismatch, "pyspark.sql.utils.AnalysisException: Path does not exist: s3://acme-raw/x", InputMissing),
    (SchemaMismatch, "schema registry reachable, 42 subjects", Unknown),
    (Capacity, "MaxCapacity: 10.0 DPU configured", Unknown),
    (Capacity, "max concurrent runs: 3", Unknown),
    (Timeout, "java.net.SocketTimeoutException: connect timed out", Network),
    (Timeout, "timeout set to 2880 minutes", Unknown),
    (Throttled, "the sampling rate exceeded 10% of rows", Unknown),
    (ServiceError, "internal table refreshed in 3 s", Unknown),
    (
        ServiceError,
        "Please reduce your request rate. (Service: Amazon S3; Status Code: 503; Error Code: SlowDown)",
        Throttled,
    ),
    (Network, "connection pool size set to 10", Unknown),
    (UserCode, "0 exceptions recorded while processing", Unknown),
    (UserCode, "ValueError raised inside a UDF: java.lang.OutOfMemoryError: Java heap space", OutOfMemory),
    (DataQuality, "Data quality evaluation completed: 12 rules passed", Unknown),
    (Stopped, "org.apache.spark.SparkException: Job 3 cancelled because SparkContext was shut down", UserCode),
    (Stopped, "Stopping SparkContext", Unknown),
];

#[test]
fn positives() {
    for &(expected, message) in POSITIVE {
        let c = fails(message);
        assert_eq!(c.category, expected, "{message:?}: {c:?}");
        assert!(!c.advice.is_empty());
    }
}

#[test]
fn near_misses() {
    for &(not, message, expected) in NEAR_MISS {
        let c = fails(message);
        assert_ne!(c.category, not, "{message:?}");
        assert_eq!(c.category, expected, "{message:?}: {c:?}");
    }
}

#[test]
fn every_category_has_two_positives_and_a_near_miss() {
    for category in Category::ALL {
        let pos = POSITIVE.iter().filter(|(c, _)| *c == category).count();
        let neg = NEAR_MISS.iter().filter(|(c, _, _)| *c == category).count();
        if category == Unknown {
            assert!(pos >= 1, "unknown needs a positive case");
        } else {
            assert!(pos >= 2 && neg >= 1, "{category}: {pos} positive, {neg} near-miss cases");
        }
    }
}

#[test]
fn states_when_the_message_says_no_more() {
    let oom_log = [LogExcerpt::new(GLUE_STREAM, ["java.lang.OutOfMemoryError: Java heap space"])];
    let cases: &[(&str, Option<&str>, &[LogExcerpt], Category)] = &[
        ("STOPPED", None, &[], Stopped),
        ("CANCELLED", Some("Job failed, please check complete logs in configured logging destination."), &[], Stopped),
        ("STOPPED", Some("Command failed with exit code 1"), &oom_log, Stopped),
        ("TIMEOUT", None, &[], Timeout),
        ("TIMEOUT", Some("Traceback (most recent call last):"), &[], Timeout),
        ("WAITING", None, &[], Capacity),
        ("EXPIRED", None, &[], Capacity),
        // The message says more than the state.
        ("STOPPED", Some("java.lang.OutOfMemoryError: Java heap space"), &[], OutOfMemory),
        ("CANCELLED", Some("Job run exceeded the specified timeout of 60 minutes"), &[], Timeout),
        ("FAILED", None, &[], Unknown),
        ("ERROR", None, &[], Unknown),
    ];
    for (state, message, logs, expected) in cases {
        let c = classify(state, *message, logs);
        assert_eq!(c.category, *expected, "{state} {message:?}: {c:?}");
        assert_eq!(c.retry_helps, retry_helps(*expected));
    }
    assert!(classify("ERROR", None, &[]).advice.contains("no longer exists"));
}

#[test]
fn retry_semantics() {
    let expected = [
        (OutOfMemory, Some(false)),
        (DiskFull, Some(false)),
        (S3AccessDenied, Some(false)),
        (Permission, Some(false)),
        (InputMissing, None),
        (SchemaMismatch, Some(false)),
        (Capacity, Some(true)),
        (Timeout, None),
        (Throttled, Some(true)),
        (ServiceError, Some(true)),
        (Network, Some(true)),
        (UserCode, Some(false)),
        (DataQuality, Some(false)),
        (Stopped, None),
        (Unknown, None),
    ];
    assert_eq!(expected.len(), Category::ALL.len());
    for (category, retry) in expected {
        assert_eq!(retry_helps(category), retry, "{category}");
        assert_eq!(category.retry_helps(), retry, "{category}");
    }
}

#[test]
fn category_names_are_the_contract() {
    let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        names,
        [
            "out_of_memory",
            "disk_full",
            "s3_access_denied",
            "permission",
            "input_missing",
            "schema_mismatch",
            "capacity",
            "timeout",
            "throttled",
            "service_error",
            "network",
            "user_code",
            "data_quality",
            "stopped",
            "unknown"
        ]
    );
    let c = fails("java.io.IOException: No space left on device");
    let json = serde_json::to_value(&c).expect("serialize");
    assert_eq!(json["category"], "disk_full");
    assert_eq!(json["retry_helps"], false);
    assert_eq!(json["evidence"]["source"], MESSAGE_SOURCE);
    assert_eq!(
        serde_json::to_value(classify("STOPPED", None, &[])).expect("serialize")["retry_helps"],
        serde_json::Value::Null
    );
}

#[path = "triage_classify/logs.rs"]
mod logs;

#[path = "triage_classify/user_rules.rs"]
mod user_rules;
