//! The real AWS SDK clients behind the seam's traits.

mod catalog;
mod cost;
mod crawlers;
mod dq;
mod emr;
mod error;
mod glue;
mod glue_write;
mod landing;
mod logs;
mod retry;
pub mod s3;
mod sts;
mod tagging;
mod throttle;
mod workflows;

use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;

pub use cost::SdkCost;
pub use emr::SdkEmr;
pub use glue::{Pages, SdkGlue};
pub use glue_write::SdkGlueWrite;
pub use logs::SdkLogs;
pub use retry::{Reads, RetryPolicy};
pub use sts::SdkIdentity;

use super::error::ErrorContext;
use super::{Account, ApiStats};

/// How to reach AWS: the same knobs as the AWS CLI.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// SDK attempts per call (1 disables SDK retries; the pollers back off themselves).
    pub max_attempts: Option<u32>,
    /// Limit for one attempt and for the whole call (retries included).
    pub attempt_timeout: Option<Duration>,
    pub operation_timeout: Option<Duration>,
    /// How reads retry throttles and server errors (default: until the poll's deadline).
    pub reads: Option<RetryPolicy>,
}

/// Error raised before any client exists (no region, bad profile).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "no AWS region configured{0}: pass --region, set AWS_REGION, or add region to the profile in ~/.aws/config"
    )]
    NoRegion(String),
}

/// The loaded shared config plus what error messages need to know.
pub struct Loaded {
    pub sdk: aws_config::SdkConfig,
    pub ctx: ErrorContext,
    /// How the read clients retry (their SDK retries are off; `retry.rs`).
    pub reads: RetryPolicy,
}

/// Load the standard credential chain (env, profiles, SSO, IMDS) with the CLI's overrides.
pub async fn load(opts: &AwsOptions) -> Result<Loaded, SetupError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let retry = RetryConfig::standard().with_max_attempts(opts.max_attempts.unwrap_or(3).max(1));
    loader = loader.retry_config(retry);
    loader = loader.timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(opts.attempt_timeout.unwrap_or(Duration::from_secs(20)))
            .operation_timeout(opts.operation_timeout.unwrap_or(Duration::from_secs(60)))
            .build(),
    );
    let sdk = loader.load().await;
    let region = match sdk.region() {
        Some(r) => r.to_string(),
        None => {
            let which = opts.profile.as_ref().map(|p| format!(" for profile {p}")).unwrap_or_default();
            return Err(SetupError::NoRegion(which));
        }
    };
    let ctx = ErrorContext { profile: opts.profile.clone(), region, endpoint: opts.endpoint_url.clone() };
    Ok(Loaded { sdk, ctx, reads: opts.reads.unwrap_or_default() })
}

/// Build every read client of the account from the shared config. Glue, EMR Serverless and
/// STS reads retry through `retry.rs` (their SDK retries are off), each service with one
/// adaptive rate for the whole context.
pub fn account(loaded: &Loaded) -> Account {
    let off = RetryConfig::disabled();
    let glue = aws_sdk_glue::Client::from_conf(
        aws_sdk_glue::config::Builder::from(&loaded.sdk).retry_config(off.clone()).build(),
    );
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&loaded.sdk).retry_config(off.clone()).build(),
    );
    let emr = aws_sdk_emrserverless::Client::from_conf(
        aws_sdk_emrserverless::config::Builder::from(&loaded.sdk).retry_config(off.clone()).build(),
    );
    let tagging = aws_sdk_resourcegroupstagging::Client::from_conf(
        aws_sdk_resourcegroupstagging::config::Builder::from(&loaded.sdk).retry_config(off).build(),
    );
    let creds = loaded.sdk.credentials_provider();
    let clients = Clients { glue, sts, emr, tagging: Some(tagging) };
    let mut account = assemble(clients, (loaded.ctx.clone(), Pages::default()), loaded.reads, creds);
    let s3 = s3::client(&loaded.sdk, loaded.ctx.endpoint.is_some());
    account.landing = Arc::new(s3::SdkS3::new(s3.clone(), loaded.ctx.clone(), account.stats.clone()));
    // Event logs: ranged reads retry through `retry.rs`, so this client has no SDK retries.
    let conf = s3.config().to_builder().retry_config(RetryConfig::disabled()).build();
    let objects_reads = Arc::new(Reads::new(loaded.reads, account.stats.clone()));
    account.objects = Arc::new(
        s3::SdkS3::new(aws_sdk_s3::Client::from_conf(conf), loaded.ctx.clone(), account.stats.clone())
            .with_reads(objects_reads),
    );
    account.cost = cost(loaded, account.stats.clone());
    account.logs = logs(loaded, account.stats.clone(), 5, 10);
    account
}

/// The Cost Explorer reader of these credentials.
pub fn cost(loaded: &Loaded, stats: Arc<ApiStats>) -> Arc<dyn crate::aws::CostRead> {
    Arc::new(SdkCost::new(aws_sdk_costexplorer::Client::new(&loaded.sdk), loaded.ctx.clone(), stats))
}

/// The CloudWatch Logs reader of an account, with its API budget (calls per second of
/// FilterLogEvents and GetLogEvents).
pub fn logs(loaded: &Loaded, stats: Arc<ApiStats>, filter_rate: u32, get_rate: u32) -> Arc<dyn crate::aws::LogsRead> {
    let client = aws_sdk_cloudwatchlogs::Client::new(&loaded.sdk);
    let budget = Arc::new(crate::aws::budget::Budget::logs(filter_rate, get_rate, stats.clone()));
    Arc::new(SdkLogs::new(client, loaded.ctx.clone(), stats, budget))
}

/// Assemble an account from already built clients (tests add interceptors to theirs).
pub fn from_clients(
    glue: aws_sdk_glue::Client,
    sts: aws_sdk_sts::Client,
    emr: aws_sdk_emrserverless::Client,
    ctx: ErrorContext,
) -> Account {
    from_clients_with(glue, sts, emr, ctx, Pages::default())
}

/// As `from_clients`, with explicit page sizes.
pub fn from_clients_with(
    glue: aws_sdk_glue::Client,
    sts: aws_sdk_sts::Client,
    emr: aws_sdk_emrserverless::Client,
    ctx: ErrorContext,
    pages: Pages,
) -> Account {
    assemble(Clients { glue, sts, emr, tagging: None }, (ctx, pages), RetryPolicy::none(), None)
}

/// The read clients of one context.
pub struct Clients {
    pub glue: aws_sdk_glue::Client,
    pub sts: aws_sdk_sts::Client,
    pub emr: aws_sdk_emrserverless::Client,
    /// The Resource Groups Tagging API (None: each job's tags with GetTags).
    pub tagging: Option<aws_sdk_resourcegroupstagging::Client>,
}

/// As `from_clients_with`, reads retrying as `reads` says (tests of retries and rates).
pub fn from_clients_retrying(clients: Clients, ctx: ErrorContext, pages: Pages, reads: RetryPolicy) -> Account {
    assemble(clients, (ctx, pages), reads, None)
}

/// The account over these clients; `creds` (the chain) also tells when credentials expire.
fn assemble(
    clients: Clients,
    (ctx, pages): (ErrorContext, Pages),
    policy: RetryPolicy,
    creds: Option<aws_credential_types::provider::SharedCredentialsProvider>,
) -> Account {
    let stats = Arc::new(ApiStats::new());
    let hold = Arc::new(crate::aws::hold::CredentialsHold::new());
    let reads = |policy: RetryPolicy| Arc::new(Reads::new(policy, stats.clone()).with_hold(&hold));
    let sts_reads = reads(RetryPolicy { adaptive: false, ..policy });
    let identity = SdkIdentity::new(clients.sts, ctx.clone(), stats.clone()).with_credentials(creds);
    let identity = Arc::new(identity.with_reads(sts_reads));
    let glue_reads = reads(policy);
    let mut glue = SdkGlue::new(clients.glue, identity.clone(), ctx.clone(), stats.clone()).with_reads(glue_reads);
    if let Some(t) = clients.tagging {
        glue = glue.with_tagging(t);
    }
    let glue = Arc::new(glue.with_pages(pages));
    let emr_reads = reads(policy);
    let emr = SdkEmr::new(clients.emr, ctx.clone(), stats.clone()).with_reads(emr_reads);
    Account {
        glue: glue.clone(),
        workflows: glue.clone(),
        crawlers: glue.clone(),
        catalog: glue.clone(),
        dq: glue,
        cost: Arc::new(crate::aws::NoCost),
        logs: Arc::new(crate::aws::NoLogs),
        emr: Arc::new(emr),
        objects: Arc::new(crate::aws::NoObjects),
        landing: Arc::new(crate::aws::NoLanding),
        identity,
        stats,
        profile: ctx.profile.clone(),
        region: ctx.region.clone(),
    }
}

/// The EMR Serverless write side: only for `actions`, never built in read-only mode.
pub fn emr_writer(loaded: &Loaded, stats: Arc<ApiStats>) -> Arc<dyn crate::aws::EmrWrite> {
    Arc::new(SdkEmr::new(aws_sdk_emrserverless::Client::new(&loaded.sdk), loaded.ctx.clone(), stats))
}

/// The write side of the account: only for `actions`, never built in read-only mode. Its
/// writes without an idempotency token (StartJobRun, Start/ResumeWorkflowRun, StartCrawler)
/// run with SDK retries disabled (see `SdkGlueWrite`), whatever `AwsOptions::max_attempts` says.
pub fn writer(loaded: &Loaded, stats: Arc<ApiStats>) -> Arc<dyn crate::aws::GlueWrite> {
    Arc::new(SdkGlueWrite::new(aws_sdk_glue::Client::new(&loaded.sdk), loaded.ctx.clone(), stats))
}
