//! From CLI flags and config to a connected account: demo or real AWS.

use std::sync::Arc;

use chrono::Utc;

use crate::actions::{AuditLog, Caller, Executor, audit_path};
use crate::aws::demo::DemoAccount;
use crate::aws::sdk::{self, AwsOptions, SetupError};
use crate::aws::{Account, EmrWrite, GlueWrite};
use crate::cli::Cli;
use crate::config::Settings;
use crate::poll::Clock;
use crate::state::Context;

pub struct Session {
    pub account: Account,
    pub clock: Clock,
    pub context: Context,
    /// The write side with its audit log; `None` in read-only mode (never built).
    pub executor: Option<Arc<Executor>>,
}

/// Why a session could not start.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Setup(#[from] SetupError),
    #[error("cannot open the audit log {0}: {1}; fix its directory or run with --read-only")]
    Audit(String, std::io::Error),
}

fn executor(
    glue: Arc<dyn GlueWrite>,
    emr: Arc<dyn EmrWrite>,
    context: &Context,
) -> Result<Arc<Executor>, SessionError> {
    let path = audit_path();
    let log = AuditLog::open(&path).map_err(|e| SessionError::Audit(path.display().to_string(), e))?;
    let caller = Caller { arn: None, account: None, profile: context.profile.clone(), region: context.region.clone() };
    Ok(Arc::new(Executor::new(glue, Arc::new(log), caller).with_emr(emr)))
}

/// The AWS CLI's precedence: flags, then config `[aws]`, then the SDK's own chain.
pub fn aws_options(cli: &Cli, settings: &Settings) -> AwsOptions {
    let aws = &settings.config.aws;
    AwsOptions {
        profile: cli.profile.clone().or_else(|| aws.profile.clone()),
        region: cli.region.clone().or_else(|| aws.region.clone()),
        endpoint_url: cli.endpoint_url.clone().or_else(|| aws.endpoint_url.clone()),
        ..AwsOptions::default()
    }
}

/// Who and where this session is, with the state dir and the session id read once here (so
/// `update` reads neither the environment nor a clock).
fn context(profile: Option<String>, region: String, read_only: bool, demo: bool) -> Context {
    Context {
        profile,
        region,
        account: None,
        read_only,
        demo,
        standalone: false,
        state_dir: crate::paths::state_dir(),
        session_id: crate::actions::client_token(),
    }
}

/// No AWS: the standalone event log viewer on a local file.
pub fn offline() -> Session {
    let account = crate::aws::offline::account();
    let context = context(None, "offline".into(), true, false);
    Session { account, clock: Arc::new(Utc::now), context, executor: None }
}

pub async fn connect(cli: &Cli, settings: &Settings) -> Result<Session, SessionError> {
    let read_only = cli.read_only || settings.config.read_only;
    if cli.demo {
        let demo = DemoAccount::live();
        let account = demo.account();
        let context = context(account.profile.clone(), account.region.clone(), read_only, true);
        let executor =
            if read_only { None } else { Some(executor(Arc::new(demo.clone()), Arc::new(demo.clone()), &context)?) };
        let clock: Clock = Arc::new(move || demo.now());
        return Ok(Session { account, clock, context, executor });
    }
    let loaded = sdk::load(&aws_options(cli, settings)).await?;
    let mut account = sdk::account(&loaded);
    let rates = &settings.config.logs;
    account.logs = sdk::logs(&loaded, account.stats.clone(), rates.filter_log_events_per_s, rates.get_log_events_per_s);
    let context = context(account.profile.clone(), account.region.clone(), read_only, false);
    let executor = if read_only {
        None
    } else {
        Some(executor(
            sdk::writer(&loaded, account.stats.clone()),
            sdk::emr_writer(&loaded, account.stats.clone()),
            &context,
        )?)
    };
    Ok(Session { account, clock: Arc::new(Utc::now), context, executor })
}
