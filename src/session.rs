//! From CLI flags and config to a connected account: demo or real AWS.

use std::sync::Arc;

use chrono::Utc;

use crate::aws::Account;
use crate::aws::demo::DemoAccount;
use crate::aws::sdk::{self, AwsOptions, SetupError};
use crate::cli::Cli;
use crate::config::Settings;
use crate::poll::Clock;
use crate::state::Context;

pub struct Session {
    pub account: Account,
    pub clock: Clock,
    pub context: Context,
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

pub async fn connect(cli: &Cli, settings: &Settings) -> Result<Session, SetupError> {
    let read_only = cli.read_only || settings.config.read_only;
    if cli.demo {
        let demo = DemoAccount::live();
        let account = demo.account();
        let context = Context {
            profile: account.profile.clone(),
            region: account.region.clone(),
            account: None,
            read_only,
            demo: true,
        };
        let clock: Clock = Arc::new(move || demo.now());
        return Ok(Session { account, clock, context });
    }
    let loaded = sdk::load(&aws_options(cli, settings)).await?;
    let account = sdk::account(&loaded);
    let context = Context {
        profile: account.profile.clone(),
        region: account.region.clone(),
        account: None,
        read_only,
        demo: false,
    };
    Ok(Session { account, clock: Arc::new(Utc::now), context })
}
