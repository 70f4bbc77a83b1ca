//! The local AWS emulator (pinned moto + tests/emulator/launcher.py), started by
//! scripts/test, reached by the real SDK clients. Each test works in its own account.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_sdk_glue::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_glue::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_glue::error::BoxError;
use batchtop::aws::Account;
use batchtop::aws::sdk::{self, AwsOptions};
use serde_json::Value;

pub const REGION: &str = "us-east-1";

/// The config of SDK crate `$sdk` from `$loaded`, in emulator account `$account` (static dummy
/// credentials: the tests never depend on the machine's AWS setup).
macro_rules! conf_in {
    ($sdk:ident, $loaded:expr, $account:expr) => {
        $sdk::config::Builder::from(&$loaded.sdk)
            .credentials_provider(aws_sdk_glue::config::Credentials::new(
                "testing",
                "testing",
                None,
                None,
                "batchtop-tests",
            ))
            .interceptor(AccountHeader($account.to_string()))
            .build()
    };
}

/// `http://127.0.0.1:<port>` of the running emulator.
pub fn url() -> String {
    std::env::var("BATCHTOP_EMULATOR_URL")
        .expect("BATCHTOP_EMULATOR_URL is not set: run the tests with ./scripts/test, which starts the emulator")
}

/// A 12-digit account id no other test in this run uses.
pub fn fresh_account() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id() % 100_000;
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
            % 1000;
    format!("9{pid:05}{nanos:03}{n:03}")
}

/// Puts every call in the test's own emulator account.
#[derive(Debug)]
struct AccountHeader(String);

impl Intercept for AccountHeader {
    fn name(&self) -> &'static str {
        "MotoAccountHeader"
    }
    fn modify_before_signing(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        ctx.request_mut().headers_mut().insert("x-moto-account-id", self.0.clone());
        Ok(())
    }
}

/// Options for the real SDK path against the emulator: no SDK retries, short timeouts.
pub fn options(endpoint: &str) -> AwsOptions {
    AwsOptions {
        profile: None,
        region: Some(REGION.into()),
        endpoint_url: Some(endpoint.into()),
        max_attempts: Some(1),
        attempt_timeout: Some(Duration::from_secs(3)),
        operation_timeout: Some(Duration::from_secs(5)),
        reads: None,
    }
}

/// batchtop's account seam over real SDK clients that talk to the emulator as `account_id`.
pub async fn account(account_id: &str) -> Account {
    account_at(&url(), account_id).await
}

pub async fn account_at(endpoint: &str, account_id: &str) -> Account {
    account_with_pages(endpoint, account_id, sdk::Pages::default()).await
}

pub async fn account_with_pages(endpoint: &str, account_id: &str, pages: sdk::Pages) -> Account {
    let loaded = sdk::load(&options(endpoint)).await.expect("sdk config");
    account_over(loaded, account_id, pages)
}

/// As `account`, with `attempts` SDK attempts per call (`AwsOptions::max_attempts`) and a 1 ms
/// initial retry backoff instead of the SDK's 1 s, so retry tests stay fast.
pub async fn account_with_retries(account_id: &str, attempts: u32) -> Account {
    let mut opts = options(&url());
    opts.max_attempts = Some(attempts);
    let mut loaded = sdk::load(&opts).await.expect("sdk config");
    let retry = loaded.sdk.retry_config().cloned().expect("load sets a retry config");
    assert_eq!(retry.max_attempts(), attempts, "max_attempts reaches the SDK");
    let retry = retry.with_initial_backoff(Duration::from_millis(1));
    loaded.sdk = loaded.sdk.into_builder().retry_config(retry).build();
    account_over(loaded, account_id, sdk::Pages::default())
}

/// As `account`, with the real path's read side: reads retrying as `reads` says (their SDK
/// retries are off), and every job's tags through the Resource Groups Tagging API.
pub async fn account_retrying(account_id: &str, reads: sdk::RetryPolicy) -> Account {
    let loaded = sdk::load(&options(&url())).await.expect("sdk config");
    let creds = aws_sdk_glue::config::Credentials::new("testing", "testing", None, None, "batchtop-tests");
    let header = || AccountHeader(account_id.to_string());
    let glue =
        aws_sdk_glue::config::Builder::from(&loaded.sdk).credentials_provider(creds.clone()).interceptor(header());
    let sts = aws_sdk_sts::config::Builder::from(&loaded.sdk).credentials_provider(creds.clone()).interceptor(header());
    let tagging = aws_sdk_resourcegroupstagging::config::Builder::from(&loaded.sdk)
        .credentials_provider(creds)
        .interceptor(header());
    let clients = sdk::Clients {
        glue: aws_sdk_glue::Client::from_conf(glue.build()),
        sts: aws_sdk_sts::Client::from_conf(sts.build()),
        emr: emr_client(&loaded, account_id),
        tagging: Some(aws_sdk_resourcegroupstagging::Client::from_conf(tagging.build())),
    };
    sdk::from_clients_retrying(clients, loaded.ctx, sdk::Pages::default(), reads)
}

/// A raw Glue client in `account_id` (static dummy credentials, no retries), to set things up.
pub async fn glue_client(account_id: &str) -> aws_sdk_glue::Client {
    let loaded = sdk::load(&options(&url())).await.expect("sdk config");
    let conf = conf_in!(aws_sdk_glue, loaded, account_id);
    aws_sdk_glue::Client::from_conf(conf)
}

/// Faults by chance for every call of `account_id` (e.g. `{"throttle": 0.3, "http500": 0.05}`),
/// until `clear_faults`.
pub fn chaos(account_id: &str, odds: Value) {
    let mut body = serde_json::json!({"account_id": account_id, "seed": 7});
    if let (Some(b), Some(o)) = (body.as_object_mut(), odds.as_object()) {
        b.extend(o.clone());
    }
    control("/batchtop/faults/chaos", &body);
}

/// No more faults for `account_id` (queued or by chance).
pub fn clear_faults(account_id: &str) {
    control("/batchtop/faults/clear", &serde_json::json!({ "account_id": account_id }));
}

/// The account over real SDK clients built from `loaded`, in the emulator account `account_id`.
fn account_over(loaded: sdk::Loaded, account_id: &str, pages: sdk::Pages) -> Account {
    // Static dummy credentials: the test must not depend on the machine's AWS setup.
    let creds = aws_sdk_glue::config::Credentials::new("testing", "testing", None, None, "batchtop-tests");
    let glue_conf = aws_sdk_glue::config::Builder::from(&loaded.sdk)
        .credentials_provider(creds.clone())
        .interceptor(AccountHeader(account_id.to_string()))
        .build();
    let sts_conf = aws_sdk_sts::config::Builder::from(&loaded.sdk)
        .credentials_provider(creds)
        .interceptor(AccountHeader(account_id.to_string()))
        .build();
    sdk::from_clients_with(
        aws_sdk_glue::Client::from_conf(glue_conf),
        aws_sdk_sts::Client::from_conf(sts_conf),
        emr_client(&loaded, account_id),
        loaded.ctx,
        pages,
    )
}

/// The Glue write side in `account_id`, static dummy credentials.
pub async fn glue_writer(account_id: &str) -> std::sync::Arc<dyn batchtop::aws::GlueWrite> {
    let loaded = sdk::load(&options(&url())).await.expect("sdk config");
    let conf = conf_in!(aws_sdk_glue, loaded, account_id);
    let stats = std::sync::Arc::new(batchtop::aws::ApiStats::new());
    std::sync::Arc::new(sdk::SdkGlueWrite::new(aws_sdk_glue::Client::from_conf(conf), loaded.ctx, stats))
}

/// An EMR Serverless client in `account_id`, static dummy credentials.
pub fn emr_client(loaded: &sdk::Loaded, account_id: &str) -> aws_sdk_emrserverless::Client {
    let conf = conf_in!(aws_sdk_emrserverless, loaded, account_id);
    aws_sdk_emrserverless::Client::from_conf(conf)
}

/// The EMR Serverless write side in `account_id`, with a custom attempt timeout and SDK
/// retries (the clientToken test needs a retry after a timeout).
pub async fn emr_writer(
    account_id: &str,
    attempts: u32,
    attempt_timeout: Duration,
) -> std::sync::Arc<dyn batchtop::aws::EmrWrite> {
    let mut opts = options(&url());
    opts.max_attempts = Some(attempts);
    opts.attempt_timeout = Some(attempt_timeout);
    opts.operation_timeout = Some(attempt_timeout * (attempts + 1));
    let loaded = sdk::load(&opts).await.expect("sdk config");
    let client = emr_client(&loaded, account_id);
    std::sync::Arc::new(sdk::SdkEmr::new(client, loaded.ctx, std::sync::Arc::new(batchtop::aws::ApiStats::new())))
}

/// POST a JSON body to a control endpoint of the launcher; returns the JSON answer.
pub fn control(path: &str, body: &Value) -> Value {
    let (status, text) = http("POST", path, Some(body));
    assert!((200..300).contains(&status), "POST {path} -> {status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// One job tagged `stream=<stream>` with one successful run that ended five minutes ago.
pub fn seed_tagged_job(account_id: &str, name: &str, stream: &str) {
    let now = chrono::Utc::now().timestamp() as f64;
    let run = serde_json::json!({"state": "SUCCEEDED", "started_on": now - 600.0, "completed_on": now - 300.0});
    let job = serde_json::json!({"name": name, "tags": {"stream": stream}, "runs": [run]});
    control("/batchtop/glue/seed", &serde_json::json!({"account_id": account_id, "region": REGION, "jobs": [job]}));
}

pub fn get(path: &str) -> Value {
    let (status, text) = http("GET", path, None);
    assert!((200..300).contains(&status), "GET {path} -> {status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// API calls this account made, by operation (counted by the launcher).
pub fn calls(account_id: &str) -> Value {
    get(&format!("/batchtop/calls?account_id={account_id}"))
}

pub fn calls_of(account_id: &str, op: &str) -> u64 {
    calls(account_id).get(op).and_then(Value::as_u64).unwrap_or(0)
}

pub fn reset_calls(account_id: &str) {
    control("/batchtop/calls/reset", &serde_json::json!({ "account_id": account_id }));
}

/// The next `count` calls of `operation` from `account_id` answer with `kind`.
pub fn fault(account_id: &str, operation: &str, kind: &str, count: u32, delay_ms: u64) {
    control(
        "/batchtop/faults",
        &serde_json::json!({"account_id": account_id, "operation": operation, "kind": kind, "count": count, "delay_ms": delay_ms}),
    );
}

/// Minimal HTTP/1.1 client for the control endpoints (keeps test dependencies small).
fn http(method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    let base = url();
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).expect("emulator reachable");
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    stream.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_string() };
    (status, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The write side over a real SDK client in `account_id` (what `actions` holds).
pub async fn writer(account_id: &str) -> std::sync::Arc<dyn batchtop::aws::GlueWrite> {
    glue_writer(account_id).await
}

/// The write side in `account_id` over a client configured for `attempts` SDK attempts per call
/// (1 ms initial backoff): its token-less Glue starts must still make one attempt.
pub async fn writer_with_retries(account_id: &str, attempts: u32) -> std::sync::Arc<dyn batchtop::aws::GlueWrite> {
    let mut opts = options(&url());
    opts.max_attempts = Some(attempts);
    let mut loaded = sdk::load(&opts).await.expect("sdk config");
    let retry = loaded.sdk.retry_config().cloned().expect("load sets a retry config");
    loaded.sdk = loaded.sdk.into_builder().retry_config(retry.with_initial_backoff(Duration::from_millis(1))).build();
    let conf = conf_in!(aws_sdk_glue, loaded, account_id);
    let stats = std::sync::Arc::new(batchtop::aws::ApiStats::new());
    let writer = sdk::SdkGlueWrite::new(aws_sdk_glue::Client::from_conf(conf), loaded.ctx, stats);
    assert_eq!(writer.max_attempts(), (attempts, 1), "the token-less starts get one attempt");
    std::sync::Arc::new(writer)
}

/// An S3 client in `account_id` (path style, static dummy credentials).
pub async fn s3_client(account_id: &str) -> aws_sdk_s3::Client {
    let loaded = sdk::load(&options(&url())).await.expect("sdk config");
    let creds = aws_sdk_glue::config::Credentials::new("testing", "testing", None, None, "batchtop-tests");
    let conf = aws_sdk_s3::config::Builder::from(&loaded.sdk)
        .credentials_provider(creds)
        .force_path_style(true)
        .interceptor(AccountHeader(account_id.to_string()))
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// As `s3_client`, with minutes rather than seconds to answer (putting tens of MB on a busy
/// machine).
pub async fn s3_client_patient(account_id: &str) -> aws_sdk_s3::Client {
    let client = s3_client(account_id).await;
    let timeouts = aws_sdk_s3::config::timeout::TimeoutConfig::builder()
        .operation_attempt_timeout(Duration::from_secs(300))
        .operation_timeout(Duration::from_secs(300))
        .build();
    aws_sdk_s3::Client::from_conf(client.config().to_builder().timeout_config(timeouts).build())
}

/// batchtop's S3 reader over `s3_client`.
pub async fn objects(account_id: &str) -> std::sync::Arc<dyn batchtop::aws::ObjectRead> {
    let loaded = sdk::load(&options(&url())).await.expect("sdk config");
    std::sync::Arc::new(sdk::s3::SdkS3::new(
        s3_client(account_id).await,
        loaded.ctx,
        std::sync::Arc::new(batchtop::aws::ApiStats::new()),
    ))
}

/// batchtop's S3 reader over `s3_client`, its ranged reads retrying as `policy` says.
pub async fn objects_retrying(
    account_id: &str,
    policy: sdk::RetryPolicy,
) -> std::sync::Arc<dyn batchtop::aws::ObjectRead> {
    let loaded = sdk::load(&options(&url())).await.expect("sdk config");
    let stats = std::sync::Arc::new(batchtop::aws::ApiStats::new());
    let reads = std::sync::Arc::new(sdk::Reads::new(policy, stats.clone()));
    std::sync::Arc::new(sdk::s3::SdkS3::new(s3_client(account_id).await, loaded.ctx, stats).with_reads(reads))
}

/// Run the real binary in `account_id` through the standard credential chain (an IAM access
/// key the launcher made for that account) against the emulator, with a clean environment.
/// `--region` and `--endpoint-url` are appended to `args`.
pub fn run_as(account_id: &str, args: &[&str]) -> std::process::Output {
    let key = control("/batchtop/access-key", &serde_json::json!({"account_id": account_id}));
    let dir = std::env::temp_dir().join(format!("batchtop-run-as-{account_id}-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_batchtop"))
        .env_clear()
        .env("HOME", &dir)
        .env("XDG_STATE_HOME", dir.join("s"))
        .env("XDG_CONFIG_HOME", dir.join("c"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", key["access_key_id"].as_str().expect("access key id"))
        .env("AWS_SECRET_ACCESS_KEY", key["secret_access_key"].as_str().expect("secret key"))
        .args(args)
        .args(["--region", REGION, "--endpoint-url", &url()])
        .output()
        .expect("run batchtop");
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// batchtop's Cost Explorer reader in `account_id` (static dummy credentials).
pub async fn cost_reader(account_id: &str) -> std::sync::Arc<dyn batchtop::aws::CostRead> {
    let loaded = sdk::load(&options(&url())).await.expect("sdk config");
    let conf = conf_in!(aws_sdk_costexplorer, loaded, account_id);
    std::sync::Arc::new(sdk::SdkCost::new(
        aws_sdk_costexplorer::Client::from_conf(conf),
        loaded.ctx,
        std::sync::Arc::new(batchtop::aws::ApiStats::new()),
    ))
}

/// A raw CloudWatch Logs client in `account_id` (to create groups and put events).
pub async fn logs_client(account_id: &str) -> aws_sdk_cloudwatchlogs::Client {
    let loaded = sdk::load(&options(&url())).await.expect("sdk config");
    let conf = conf_in!(aws_sdk_cloudwatchlogs, loaded, account_id);
    aws_sdk_cloudwatchlogs::Client::from_conf(conf)
}

/// batchtop's CloudWatch Logs reader in `account_id`, with its API budget (calls per second).
pub async fn logs_reader(
    account_id: &str,
    filter_rate: u32,
    stats: std::sync::Arc<batchtop::aws::ApiStats>,
) -> std::sync::Arc<dyn batchtop::aws::LogsRead> {
    let loaded = sdk::load(&options(&url())).await.expect("sdk config");
    let client = logs_client(account_id).await;
    let budget = std::sync::Arc::new(batchtop::aws::budget::Budget::logs(filter_rate, 10, stats.clone()));
    std::sync::Arc::new(sdk::SdkLogs::new(client, loaded.ctx, stats, budget))
}

/// Epoch milliseconds at which the emulator saw each call of `operation` from `account_id`.
pub fn call_times(account_id: &str, operation: &str) -> Vec<i64> {
    let v = get(&format!("/batchtop/call-times?account_id={account_id}&operation={operation}"));
    v["times_ms"].as_array().map(|a| a.iter().filter_map(Value::as_i64).collect()).unwrap_or_default()
}

/// A STARTED Spark application named `name` in `account_id` (launcher control endpoint).
pub fn emr_app(account_id: &str, name: &str) -> String {
    let body = serde_json::json!({"account_id": account_id, "region": REGION, "name": name, "type": "SPARK",
                                  "release_label": "emr-7.1.0", "state": "STARTED"});
    control("/batchtop/emr/application", &body)["application_id"].as_str().expect("application id").to_string()
}

/// A pinned EMR Serverless job run of `app_id`: `fields` are the control endpoint's run fields.
pub fn emr_run(account_id: &str, app_id: &str, fields: Value) -> String {
    let mut body = serde_json::json!({"account_id": account_id, "region": REGION, "application_id": app_id});
    if let (Some(b), Some(f)) = (body.as_object_mut(), fields.as_object()) {
        b.extend(f.clone());
    }
    control("/batchtop/emr/job-run", &body)["job_run_id"].as_str().expect("job run id").to_string()
}
