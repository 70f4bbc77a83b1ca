//! STS GetCallerIdentity, asked once and remembered.

use std::sync::Arc;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use tokio::sync::OnceCell;

use super::error::classify;
use super::throttle::CountThrottles;
use crate::aws::error::ErrorContext;
use crate::aws::{ApiStats, AwsResult, BoxFut, CallerIdentity, IdentityRead};

pub struct SdkIdentity {
    client: aws_sdk_sts::Client,
    /// The credential chain of the account, asked once for when its credentials expire.
    creds: Option<SharedCredentialsProvider>,
    ctx: ErrorContext,
    stats: Arc<ApiStats>,
    cached: OnceCell<CallerIdentity>,
}

impl SdkIdentity {
    pub fn new(client: aws_sdk_sts::Client, ctx: ErrorContext, stats: Arc<ApiStats>) -> Self {
        Self { client: client.counting_throttles(&stats), creds: None, ctx, stats, cached: OnceCell::new() }
    }

    /// Also tell when the credentials of `creds` expire.
    pub fn with_credentials(mut self, creds: Option<SharedCredentialsProvider>) -> Self {
        self.creds = creds;
        self
    }

    /// When the chain's current credentials expire (None: they do not, or it cannot say).
    async fn expiry(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let creds = self.creds.as_ref()?.provide_credentials().await.ok()?;
        creds.expiry().map(chrono::DateTime::<chrono::Utc>::from)
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
            expires: self.expiry().await,
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
