//! STS GetCallerIdentity, asked once and remembered.

use std::sync::Arc;

use tokio::sync::OnceCell;

use super::error::classify;
use super::throttle::CountThrottles;
use crate::aws::error::ErrorContext;
use crate::aws::{ApiStats, AwsResult, BoxFut, CallerIdentity, IdentityRead};

pub struct SdkIdentity {
    client: aws_sdk_sts::Client,
    ctx: ErrorContext,
    stats: Arc<ApiStats>,
    cached: OnceCell<CallerIdentity>,
}

impl SdkIdentity {
    pub fn new(client: aws_sdk_sts::Client, ctx: ErrorContext, stats: Arc<ApiStats>) -> Self {
        Self { client: client.counting_throttles(&stats), ctx, stats, cached: OnceCell::new() }
    }

    async fn fetch(&self) -> AwsResult<CallerIdentity> {
        self.stats.record_call();
        let out = self
            .client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| classify(&self.ctx, "sts:GetCallerIdentity", &e))?;
        Ok(CallerIdentity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
        })
    }

    pub async fn get(&self) -> AwsResult<CallerIdentity> {
        self.cached.get_or_try_init(|| self.fetch()).await.cloned()
    }
}

impl IdentityRead for SdkIdentity {
    fn caller_identity(&self) -> BoxFut<'_, AwsResult<CallerIdentity>> {
        Box::pin(self.get())
    }
}
