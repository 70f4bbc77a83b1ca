//! From CLI flags and config to connected contexts: demo or real AWS.

use std::sync::Arc;

use chrono::Utc;

use crate::actions::{AuditLog, Caller, Executor, audit_path};
use crate::aws::demo::DemoAccount;
use crate::aws::sdk::{self, AwsOptions, SetupError};
use crate::aws::{Account, EmrWrite, GlueWrite};
use crate::cli::Cli;
use crate::config::Settings;
use crate::config::contexts::{CtxSpec, resolve};
use crate::poll::Clock;
use crate::state::Context;
use crate::state::contexts::Ctx;

/// One connected context: who it is, its read clients, its write side.
pub struct Connected {
    pub ctx: Ctx,
    pub account: Account,
    /// The write side with its audit log; `None` when this context is read-only (never built).
    pub executor: Option<Arc<Executor>>,
}

pub struct Session {
    /// Every context, in the order given (at least one).
    pub contexts: Vec<Connected>,
    pub clock: Clock,
    pub context: Context,
}

impl Session {
    /// The first context's account (commands that read one account: `logs`, `eventlog`).
    pub fn account(&self) -> &Account {
        &self.contexts[0].account
    }
}

/// Why a session could not start.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("context {0}: {1}")]
    Setup(String, SetupError),
    #[error("cannot open the audit log {0}: {1}; fix its directory or run with --read-only")]
    Audit(String, std::io::Error),
    #[error("{0}")]
    Contexts(String),
}

impl SessionError {
    /// Print it for a person: one line, and for a context that could not be set up (no
    /// Region, no profile), where to look without an AWS account.
    pub fn print(&self) {
        eprintln!("batchtop: {self}");
        if matches!(self, SessionError::Setup(..)) {
            eprintln!("batchtop: {}", crate::snapshot::DEMO_HINT);
        }
    }
}

fn audit_log() -> Result<Arc<AuditLog>, SessionError> {
    let path = audit_path();
    let log = AuditLog::open(&path).map_err(|e| SessionError::Audit(path.display().to_string(), e))?;
    Ok(Arc::new(log))
}

/// The write side of one context. After an ambiguous failure of a write without an
/// idempotency token it looks for the effect through `account`'s read side.
fn executor(
    glue: Arc<dyn GlueWrite>,
    emr: Arc<dyn EmrWrite>,
    account: &Account,
    ctx: &Ctx,
    log: Arc<AuditLog>,
) -> Arc<Executor> {
    let caller = Caller { arn: None, account: None, profile: ctx.profile.clone(), region: ctx.region.clone() };
    Arc::new(Executor::new(glue, log, caller).with_emr(emr).with_reads(account))
}

/// The contexts the flags and config name (`--profile a,b --region x,y`, `[[contexts]]`,
/// else one from `[aws]` and the default chain).
pub fn specs(cli: &Cli, settings: &Settings) -> Result<Vec<CtxSpec>, SessionError> {
    let aws = &settings.config.aws;
    let env_profile = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
    resolve(
        (cli.profile.as_deref(), cli.region.as_deref()),
        &settings.config.contexts,
        (aws.profile.as_deref(), aws.region.as_deref()),
        env_profile.as_deref(),
    )
    .map_err(SessionError::Contexts)
}

/// The AWS CLI's precedence for one context: its profile and Region, then the SDK's chain;
/// the endpoint from the flag, then `[aws]`.
pub fn aws_options(cli: &Cli, settings: &Settings, spec: &CtxSpec) -> AwsOptions {
    AwsOptions {
        profile: spec.profile.clone(),
        region: spec.region.clone(),
        endpoint_url: cli.endpoint_url.clone().or_else(|| settings.config.aws.endpoint_url.clone()),
        reads: Some(sdk::RetryPolicy::until_deadline(settings.config.poll.retry_backoff.0)),
        ..AwsOptions::default()
    }
}

/// Who and where this session is, with the state dir and the session id read once here (so
/// `update` reads neither the environment nor a clock).
fn context(first: &Ctx, read_only: bool, demo: bool) -> Context {
    Context {
        profile: first.profile.clone(),
        region: first.region.clone(),
        account: None,
        read_only,
        demo,
        standalone: false,
        state_dir: crate::paths::state_dir(),
        session_id: crate::actions::client_token(),
        // Set from the config and the terminal's environment when the TUI starts (app::run).
        colors: Default::default(),
    }
}

/// No AWS: the standalone event log viewer on a local file.
pub fn offline() -> Session {
    let account = crate::aws::offline::account();
    let ctx = Ctx { name: "offline".into(), region: "offline".into(), read_only: true, ..Default::default() };
    let context = context(&ctx, true, false);
    Session { contexts: vec![Connected { ctx, account, executor: None }], clock: Arc::new(Utc::now), context }
}

fn demo(read_only: bool) -> Result<Session, SessionError> {
    let demo = DemoAccount::live();
    let account = demo.account();
    let spec = CtxSpec { name: "demo".into(), profile: account.profile.clone(), ..Default::default() };
    let mut ctx = Ctx::new(&spec, account.region.clone());
    ctx.account = Some(crate::aws::demo::DEMO_ACCOUNT_ID.into());
    let executor = if read_only {
        None
    } else {
        Some(executor(Arc::new(demo.clone()), Arc::new(demo.clone()), &account, &ctx, audit_log()?))
    };
    let context = context(&ctx, read_only, true);
    let clock: Clock = Arc::new(move || demo.now());
    Ok(Session { contexts: vec![Connected { ctx, account, executor }], clock, context })
}

/// Connect one context: its own SDK config (credential chain, Region), read clients, and a
/// write side unless it (or the session) is read-only.
async fn connect_one(
    cli: &Cli,
    settings: &Settings,
    spec: &CtxSpec,
    log: Option<&Arc<AuditLog>>,
) -> Result<Connected, SessionError> {
    let loaded =
        sdk::load(&aws_options(cli, settings, spec)).await.map_err(|e| SessionError::Setup(spec.name.clone(), e))?;
    let mut account = sdk::account(&loaded);
    let rates = &settings.config.logs;
    account.logs = sdk::logs(&loaded, account.stats.clone(), rates.filter_log_events_per_s, rates.get_log_events_per_s);
    let ctx = Ctx::new(spec, account.region.clone());
    let executor = match log {
        Some(log) if !spec.read_only => Some(executor(
            sdk::writer(&loaded, account.stats.clone()),
            sdk::emr_writer(&loaded, account.stats.clone()),
            &account,
            &ctx,
            log.clone(),
        )),
        _ => None,
    };
    Ok(Connected { ctx, account, executor })
}

/// `[cost] payer_profile`: Cost Explorer through the payer account, shared by every context.
async fn payer_cost(cli: &Cli, settings: &Settings) -> Result<Option<Arc<dyn crate::aws::CostRead>>, SessionError> {
    let Some(profile) = settings.config.cost.payer_profile.clone() else { return Ok(None) };
    // Cost Explorer answers in us-east-1 whatever the contexts' Regions.
    let spec = CtxSpec { profile: Some(profile.clone()), region: Some("us-east-1".into()), ..CtxSpec::default() };
    let loaded = sdk::load(&aws_options(cli, settings, &spec))
        .await
        .map_err(|e| SessionError::Setup(format!("cost payer {profile}"), e))?;
    let reader = sdk::cost(&loaded, Arc::new(crate::aws::ApiStats::new()));
    Ok(Some(Arc::new(crate::cost::payer::PayerCost::new(reader, settings.config.cost.ttl.0))))
}

pub async fn connect(cli: &Cli, settings: &Settings) -> Result<Session, SessionError> {
    let read_only = cli.read_only || settings.config.read_only;
    if cli.demo {
        return demo(read_only);
    }
    let specs = specs(cli, settings)?;
    let log = if read_only || specs.iter().all(|s| s.read_only) { None } else { Some(audit_log()?) };
    let mut contexts = Vec::with_capacity(specs.len());
    for spec in &specs {
        contexts.push(connect_one(cli, settings, spec, log.as_ref()).await?);
    }
    if let Some(payer) = payer_cost(cli, settings).await? {
        contexts.iter_mut().for_each(|c| c.account.cost = payer.clone());
    }
    let context = context(&contexts[0].ctx, read_only, false);
    Ok(Session { contexts, clock: Arc::new(Utc::now), context })
}

/// `settings` with the demo account's `[streams]` when they set no landing or catalog of
/// their own (`--demo`).
pub fn with_demo_streams(mut settings: Settings) -> Settings {
    if settings.config.streams.configured() {
        return settings;
    }
    if let Ok(demo) = crate::config::parse(crate::aws::demo::STREAMS_CONFIG, "demo") {
        settings.config.streams = demo.config.streams;
        settings.stream_regex = settings.stream_regex.or(demo.stream_regex);
    }
    settings
}
