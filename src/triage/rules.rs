//! The built-in rule table: what a line must contain to name a root cause, how sure that is,
//! whether a rerun helps, and one line of advice an on-call engineer can act on.
//!
//! # Rank
//! Every line (of the error message, then of the logs) is tried against every rule; the rule
//! with the highest rank wins, ties go to the rule listed first, then to the line seen first.
//! User rules from `[[triage.rules]]` rank above all of these ([`USER`]).
//! A match ranked [`CONCLUSIVE`] or higher in the error message settles the question; a weaker
//! one (a generic traceback, a lost executor) sends the classifier on to the log lines, where
//! the most specific match anywhere wins. So `java.lang.OutOfMemoryError` inside a Python
//! traceback is `out_of_memory`, not `user_code`, and an S3 `AccessDenied` is
//! `s3_access_denied`, never the broader `permission`.
//!
//! # Whether a rerun helps ([`retry_helps`])
//! - `out_of_memory`, `disk_full`: false. Same data, same workers, same failure; change the
//!   worker type or count first.
//! - `s3_access_denied`, `permission`: false. A policy has to change.
//! - `input_missing`: null. A rerun helps once a late upstream run has written the data, not
//!   when the path or table name is wrong.
//! - `schema_mismatch`, `user_code`, `data_quality`: false. Code, mapping or data must change.
//! - `capacity`, `throttled`, `service_error`, `network`: true. Quotas free up, throttling and
//!   internal errors are transient; network failures usually are (a wrong security group is
//!   not, but then the advice says where to look).
//! - `timeout`: null. A rerun helps when the run was slowed by something transient, not when
//!   the data outgrew the timeout.
//! - `stopped`, `unknown`: null. It depends on who stopped it, or on what actually happened.
//!
//! Two rules deviate from their category on purpose: a lost executor or a dead shuffle peer
//! (`ExecutorLostFailure`, `FetchFailedException`) and `Could not find CoarseGrainedScheduler`
//! are filed under `out_of_memory` (the usual cause, and what the EMR and Glue troubleshooting
//! guides advise tuning) but with retry null, since a lost node also produces them.

use super::Category;

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BuiltinRule {
    pub rank: u8,
    pub category: Category,
    pub retry_helps: Option<bool>,
    pub pattern: &'static str,
    pub advice: &'static str,
}

/// User rules from the config file: tried before every built-in rule.
pub(crate) const USER: u8 = u8::MAX;
/// The exact words of a known failure (OutOfMemoryError, No space left on device, kms:Decrypt).
const DECISIVE: u8 = 95;
/// An unambiguous AWS error code or phrase (S3 403, ConcurrentRunsExceededException).
const STRONG: u8 = 90;
/// A network failure: below the codes above, above what it may be wrapped in.
const NETWORK: u8 = 85;
/// A well-known exception class with one meaning (FileNotFoundException, cannot resolve).
const SPECIFIC: u8 = 80;
/// A broad AWS answer (AccessDeniedException of any service).
const BROAD: u8 = 70;
/// A class that wraps several causes (AnalysisException, HTTP 5xx).
const LOOSE: u8 = 60;
/// A match at or above this rank in the error message is the answer; below it, logs are read.
pub(crate) const CONCLUSIVE: u8 = 50;
/// A symptom with a usual cause (waiting for resources, a lost executor).
const SYMPTOM: u8 = 40;
/// The echo of a failure elsewhere (the driver's scheduler is gone).
const ECHO: u8 = 30;
/// A named exception from the script's language (ValueError, NullPointerException).
const NAMED_EXCEPTION: u8 = 20;
/// Any traceback or `SomethingException:` line.
const ANY_EXCEPTION: u8 = 10;

/// Whether rerunning unchanged usually helps, per category (reasons in the module doc).
pub const fn retry_helps(category: Category) -> Option<bool> {
    use Category::*;
    match category {
        OutOfMemory | DiskFull | S3AccessDenied | Permission | SchemaMismatch | UserCode | DataQuality => Some(false),
        Capacity | Throttled | ServiceError | Network => Some(true),
        InputMissing | Timeout | Stopped | Unknown => None,
    }
}

const fn rule(rank: u8, category: Category, pattern: &'static str, advice: &'static str) -> BuiltinRule {
    BuiltinRule { rank, category, retry_helps: retry_helps(category), pattern, advice }
}

const fn rule_retry(
    rank: u8,
    category: Category,
    retry: Option<bool>,
    pattern: &'static str,
    advice: &'static str,
) -> BuiltinRule {
    BuiltinRule { rank, category, retry_helps: retry, pattern, advice }
}

const HEAP: &str = "raise the worker type (e.g. G.1X to G.2X) or driver/executor memory; look for a skewed stage or a collect()/toPandas() on the driver";
const CONTAINER: &str = "an executor outgrew its container: raise the worker type or spark.executor.memoryOverhead; look for a skewed stage";
const LOST: &str = "executors died mid-job (usually memory or disk pressure): raise the worker type or worker count, then look for a skewed stage";
const DISK: &str = "a worker ran out of local disk (shuffle spill): use a larger worker type or more workers, reduce skew, or raise the executor disk size";
const S3_DENIED: &str = "the job role cannot use this S3 path: check its IAM policy, the bucket policy and the object's KMS key for the path in the error";
const DENIED: &str = "add the denied action to the job role's IAM policy (the error names the action and the resource)";
const MISSING: &str =
    "the input does not exist: check that the upstream run wrote the path or key, and the job's path/date arguments";
const SCHEMA: &str = "the data's schema no longer matches the script: compare the columns and types in the error with the source and update the mapping";
const CONCURRENCY: &str = "too many runs at once: raise the job's MaxConcurrentRuns or the account quota, or stagger schedules; a later retry usually works";
const NO_CAPACITY: &str =
    "the account or Region is out of capacity: retry later, lower the worker count, or request a quota increase";
const THROTTLED: &str = "an AWS API throttled the job: add retries with backoff in the script, make fewer parallel calls, or ask for a quota increase";
const INTERNAL: &str =
    "AWS reported an internal or transient error: retry the run; if it repeats, open a support case with the run id";
const UNREACHABLE: &str =
    "a data store did not answer: check the connection's subnet, security groups and routes, and that the store is up";
const SCRIPT: &str = "the script raised an exception: open the driver log at the first traceback and fix the code or its assumptions about the input";

/// The table. Order matters only between rules of equal rank.
pub(crate) const BUILTIN: &[BuiltinRule] = &[
    // out_of_memory
    rule(
        DECISIVE,
        Category::OutOfMemory,
        r"(?i)OutOfMemoryError|Java heap space|GC overhead limit exceeded|Requested array size exceeds VM limit|Direct buffer memory|Unable to acquire \d+ bytes of memory|Not enough memory to build and broadcast|\bMemoryError\b",
        HEAP,
    ),
    rule(
        DECISIVE,
        Category::OutOfMemory,
        r"(?i)killed by YARN for exceeding (physical |virtual )?memory|exceeding (physical |virtual )?memory limits|running beyond (physical|virtual) memory limits",
        CONTAINER,
    ),
    rule(
        DECISIVE,
        Category::OutOfMemory,
        r"(?i)\bexit\w*\b[^0-9\n]{0,20}\b137\b|\bOOM[- ]?kill(ed)?\b|Cannot allocate memory",
        "a container was SIGKILLed (exit code 137, almost always memory): raise the worker type or executor memory; look for a skewed stage",
    ),
    rule_retry(
        SYMPTOM,
        Category::OutOfMemory,
        None,
        r"ExecutorLostFailure|ExecutorDeadException|FetchFailedException|Missing an output location for shuffle|(?i)\blost executor \d+",
        LOST,
    ),
    rule_retry(
        ECHO,
        Category::OutOfMemory,
        None,
        r"Could not find CoarseGrainedScheduler",
        "the driver stopped before its executors (often driver memory): raise driver memory or the worker type; find the first error in the driver log",
    ),
    // disk_full
    rule(
        DECISIVE,
        Category::DiskFull,
        r"(?i)No space left on device|Disk quota exceeded|\bENOSPC\b|not enough space on the disk",
        DISK,
    ),
    // permission that is not S3's: Lake Formation, KMS, STS / IAM roles
    rule(
        DECISIVE,
        Category::Permission,
        r"(?i)Lake ?Formation[^\n]{0,80}(permission|access ?denied|not authorized)|\blakeformation:\w+",
        "grant the job role Lake Formation permissions on the table or location named in the error",
    ),
    rule(
        DECISIVE,
        Category::Permission,
        r"(?i)\bkms:\w+|\bAWSKMS\b|\bKMS\b[^\n]{0,80}(denied|not authorized|disabled|pending deletion|not found|does not exist|invalid ?state)|KMS\w*(Invalid|Disabled|NotFound|AccessDenied)\w*Exception",
        "let the job role use the KMS key: its key policy and the role's kms:Decrypt / kms:GenerateDataKey",
    ),
    rule(
        DECISIVE,
        Category::Permission,
        r"(?i)\bsts:AssumeRole\w*|\biam:PassRole\b|unable to assume (the )?role|not authorized to assume|AssumeRole[^\n]{0,40}(denied|not authorized)",
        "check the job role's trust policy and the caller's iam:PassRole / sts:AssumeRole permissions",
    ),
    // s3_access_denied
    rule(
        STRONG,
        Category::S3AccessDenied,
        r"(?i)Service: Amazon S3; Status Code: 403|AmazonS3Exception\b[^\n]{0,80}(access ?denied|forbidden|\b403\b)|not authorized to perform:? s3:",
        S3_DENIED,
    ),
    rule(STRONG, Category::S3AccessDenied, r"Error Code: AccessDenied\b|<Code>AccessDenied</Code>", S3_DENIED),
    rule(
        STRONG,
        Category::S3AccessDenied,
        r"(?i)\bs3[an]?://[^\n]{0,200}(access ?denied|\bforbidden\b)|(access ?denied|403 forbidden)[^\n]{0,200}\bs3[an]?://|\bS3\b[^\n]{0,60}(access ?denied|403 forbidden)|(access ?denied|403 forbidden)[^\n]{0,60}\bS3\b",
        S3_DENIED,
    ),
    // data_quality, capacity, timeout, throttled, stopped
    rule(
        STRONG,
        Category::DataQuality,
        r"(?i)failing DQ rules|\bDQ rules? (have |has )?failed|data ?quality (rules?|checks?|evaluation|ruleset)\s+(has |have )?(failed|did not pass)|overall rule status is FAIL|one or more data quality rules",
        "data quality rules failed: open the run's data quality results to see which rules failed, then fix the data or the rules",
    ),
    rule(
        STRONG,
        Category::Capacity,
        r"ConcurrentRunsExceededException|(?i)max(imum)? concurrent runs? (exceeded|reached)|concurrent runs exceeded",
        CONCURRENCY,
    ),
    rule(
        STRONG,
        Category::Capacity,
        r"ResourceNumberLimitExceededException|ServiceQuotaExceededException|(?i)exceeded maximum concurrent compute capacity|\bresource unavailable\b|insufficient capacity|InsufficientCapacity",
        NO_CAPACITY,
    ),
    rule(
        STRONG,
        Category::Capacity,
        r"(?i)\b(exceeded|reached|exceeds|exceed)\s+(the\s+)?(application'?s?\s+)?max(imum)?\s*capacity|\bmax(imum)?\s*capacity\s+(has been\s+)?(exceeded|reached)",
        "the EMR Serverless application or job hit its maximum capacity: raise maximumCapacity or run fewer jobs at once",
    ),
    rule(
        SYMPTOM,
        Category::Capacity,
        r"(?i)waiting for resources|Initial job has not accepted any resources",
        NO_CAPACITY,
    ),
    rule(
        STRONG,
        Category::Timeout,
        r"(?i)\b(job|job run|run)\s+(has\s+|was\s+)?(timed out|exceeded\b[^.\n]{0,40}\btimeout)|\bexceeded (its |the )?(job |execution |configured |specified )?timeout\b",
        "the run hit its timeout: raise the job timeout if it is legitimately slower, otherwise look for a skewed or stuck stage",
    ),
    rule(
        STRONG,
        Category::Throttled,
        r"Rate exceeded|ThrottlingException|Error Code: Throttling\b|TooManyRequestsException|RequestLimitExceeded|\bLimitExceededException\b|ProvisionedThroughputExceededException|Status Code: 429\b",
        THROTTLED,
    ),
    rule(
        STRONG,
        Category::Throttled,
        r"Error Code: SlowDown\b|\bSlow ?Down\b|(?i)reduce your request rate",
        "S3 throttled requests to one prefix: spread keys over more prefixes, write fewer files, or raise fs.s3.maxRetries",
    ),
    rule(
        STRONG,
        Category::Stopped,
        r"(?i)\b(stopped|cancell?ed|killed|terminated)\s+by\s+(the\s+)?(user|operator|request|api|StopJobRun|CancelJobRun)\b|\b(BatchStopJobRun|StopJobRun|CancelJobRun)\b|\buser (requested|initiated) (stop|cancel)",
        "someone or something stopped the run: check CloudTrail for StopJobRun / CancelJobRun and the schedules or workflows that manage it",
    ),
    // network
    rule(
        NETWORK,
        Category::Network,
        r"(?i)UnknownHostException|Name or service not known|Temporary failure in name resolution|could not resolve host",
        "a host name did not resolve: check the VPC's DNS settings and the endpoint name in the connection",
    ),
    rule(
        NETWORK,
        Category::Network,
        r"(?i)Connection refused|ConnectException|connect timed out|Connection timed out|SocketTimeoutException|Read timed out|ConnectTimeoutException|Connection reset|No route to host|Network is unreachable|Communications link failure",
        UNREACHABLE,
    ),
    rule(
        NETWORK,
        Category::Network,
        r"(?i)Could not find S3 endpoint or NAT gateway|security group must open all ingress ports|\bENI\b|elastic network interface|(insufficient|not enough|no) (free )?(IP addresses|free addresses|available IP)|does not have enough (free )?(IP )?addresses",
        "the job's VPC setup is incomplete: check the subnet's free IPs, an S3 endpoint or NAT gateway, and a self-referencing security group",
    ),
    rule(
        BROAD,
        Category::Network,
        r"(?i)Unable to execute HTTP request",
        "an AWS call could not reach its endpoint: check VPC endpoints or NAT for the job's subnet",
    ),
    // input_missing
    rule(
        SPECIFIC,
        Category::InputMissing,
        r"(?i)FileNotFoundException|\bNoSuch(Key|Bucket)\b|specified (key|bucket) does not exist|\bpath does not exist\b|No such file or directory",
        MISSING,
    ),
    rule(
        SPECIFIC,
        Category::InputMissing,
        r"(?i)Table or view not found|TABLE_OR_VIEW_NOT_FOUND|\bNoSuch(Table|Database)Exception\b|EntityNotFoundException|\b(table|database) not found\b",
        "the table or database is not in the Data Catalog: check its name, the catalog id and whether the crawler or upstream job ran",
    ),
    rule(LOOSE, Category::InputMissing, r"(?i)Service: Amazon S3; Status Code: 404|\b404 Not Found\b", MISSING),
    // schema_mismatch
    rule(
        SPECIFIC,
        Category::SchemaMismatch,
        r"(?i)cannot resolve\b|UNRESOLVED_COLUMN|cannot be resolved|Column '[^'\n]*' does not exist|No such struct field",
        SCHEMA,
    ),
    rule(
        SPECIFIC,
        Category::SchemaMismatch,
        r"(?i)data ?type mismatch|DATATYPE_MISMATCH|\btype mismatch\b|incompatible (data )?types|Failed to merge incompatible|schema mismatch|SchemaColumnConvertNotSupportedException|Parquet column cannot be converted|cannot up ?cast|CANNOT_UP_CAST|Found duplicate column",
        SCHEMA,
    ),
    rule(
        SPECIFIC,
        Category::SchemaMismatch,
        r"(?i)unable to infer schema|UNABLE_TO_INFER_SCHEMA",
        "Spark could not infer a schema (often an empty or wrong path): check the input path holds files of the expected format, or pass a schema",
    ),
    rule(LOOSE, Category::SchemaMismatch, r"AnalysisException", SCHEMA),
    // service_error
    rule(
        SPECIFIC,
        Category::ServiceError,
        r"(?i)\binternal ?(service|server)? ?(error|exception|failure)\b|\bService ?Unavailable\b|ServiceUnavailableException",
        INTERNAL,
    ),
    rule(
        LOOSE,
        Category::ServiceError,
        r"Status Code: 5\d\d\b|\b50[0234] (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)",
        INTERNAL,
    ),
    // permission, broad (after every more specific denial above)
    rule(
        SPECIFIC,
        Category::Permission,
        r"(?i)\bExpiredToken(Exception)?\b|security token included in the request is (expired|invalid)|InvalidClientTokenId|UnrecognizedClientException",
        "the job's credentials are expired or invalid: check the role's session duration and any keys set in the script or connection",
    ),
    rule(
        BROAD,
        Category::Permission,
        r"AccessDeniedException|(?i)is not authorized to perform|\bUnauthorized(Operation|Exception)\b|\baccess ?denied\b|\bpermission denied\b|Status Code: 403\b|\b403 Forbidden\b|insufficient (permissions|privileges)",
        DENIED,
    ),
    // user_code: only when nothing above matched anywhere
    rule(
        NAMED_EXCEPTION,
        Category::UserCode,
        r"\b(ValueError|KeyError|TypeError|NameError|AttributeError|IndexError|ZeroDivisionError|ModuleNotFoundError|ImportError|SyntaxError|AssertionError|RuntimeError|NotImplementedError|UnboundLocalError|RecursionError|NullPointerException|ClassCastException|NumberFormatException|IllegalArgumentException|IllegalStateException|ArithmeticException|ClassNotFoundException|NoSuchMethodError|NoClassDefFoundError|UnsupportedOperationException|PythonException|GlueArgumentError|SystemExit)\b|\w*IndexOutOfBoundsException",
        SCRIPT,
    ),
    rule(
        ANY_EXCEPTION,
        Category::UserCode,
        r"Traceback \(most recent call last\)|Py4JJavaError|Exception in thread|User class threw exception|Job aborted due to stage failure|\b[\w.$]*(Exception|Error)\b:",
        "the script failed with an exception: read the first exception in the driver log",
    ),
];

/// Advice when the state alone says what happened.
pub(crate) fn state_advice(category: Category) -> &'static str {
    match category {
        Category::Stopped => {
            "the run was stopped or cancelled: check CloudTrail for who stopped it, and whether a workflow or schedule rerun is due"
        }
        Category::Timeout => {
            "the run hit its timeout: raise the job timeout if it is legitimately slower, otherwise look for a skewed or stuck stage"
        }
        Category::Capacity => {
            "the run waited for resources until it gave up: check concurrent runs, the account's DPU/vCPU quota and the Region's capacity"
        }
        _ => FALLBACK,
    }
}

/// Advice when nothing matched and the message is generic or absent.
pub(crate) const GENERIC: &str =
    "the error message says nothing specific: read the first exception in the driver's error log (it names the cause)";
/// Advice for Glue's ERROR state with nothing else to go on.
pub(crate) const ERROR_STATE: &str =
    "state ERROR: a trigger or workflow started a job that no longer exists; fix or delete the trigger";
/// Advice when the message says something no rule knows.
pub(crate) const FALLBACK: &str =
    "not a known failure pattern: read the message and the driver log; add a [[triage.rules]] entry if it recurs";
