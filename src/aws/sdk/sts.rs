//! STS GetCallerIdentity: asked until it answers, then remembered (a failed lookup is asked
//! again the next time); when the credentials expire is asked of the chain each time.

use std::sync::Arc;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use tokio::sync::OnceCell;

use super::error::classify;
use super::retry::{Reads, RetryPolicy};
use super::throttle::CountThrottles;
use crate::aws::error::ErrorContext;
use crate::aws::{ApiStats, AwsResult, BoxFut, CallerIdentity, IdentityRead};

pub struct SdkIdentity {
    client: aws_sdk_sts::Client,
    /// The credential chain of the account, asked for when its credentials expire.
    creds: Option<SharedCredentialsProvider>,
    ctx: ErrorContext,
    reads: Arc<Reads>,
    /// Account and ARN once STS answered (the expiry is not kept: it changes on refresh).
    cached: OnceCell<CallerIdentity>,
}

impl SdkIdentity {
    pub fn new(client: aws_sdk_sts::Client, ctx: ErrorContext, stats: Arc<ApiStats>) -> Self {
        let reads = Arc::new(Reads::new(RetryPolicy::none(), stats.clone()));
        Self { client: client.counting_throttles(&stats), creds: None, ctx, reads, cached: OnceCell::new() }
    }

    /// Also tell when the credentials of `creds` expire.
    pub fn with_credentials(mut self, creds: Option<SharedCredentialsProvider>) -> Self {
        self.creds = creds;
        self
    }

    /// Retry the lookup as `reads` says.
    pub fn with_reads(mut self, reads: Arc<Reads>) -> Self {
        self.reads = reads;
        self
    }

    /// When the chain's current credentials expire (None: they do not, or it cannot say).
    async fn expiry(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let creds = self.creds.as_ref()?.provide_credentials().await.ok()?;
        creds.expiry().map(chrono::DateTime::<chrono::Utc>::from)
    }

    async fn fetch(&self) -> AwsResult<CallerIdentity> {
        let op = "sts:GetCallerIdentity";
        let out = self
            .reads
            .call(op, || {
                let sent = self.client.get_caller_identity().send();
                async move { sent.await.map_err(|e| classify(&self.ctx, op, &e)) }
            })
            .await?;
        Ok(CallerIdentity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
            expires: None,
        })
    }

    /// The account id alone (no question to the credential chain).
    pub async fn account_id(&self) -> AwsResult<String> {
        Ok(self.cached.get_or_try_init(|| self.fetch()).await?.account.clone())
    }

    /// Who the caller is. A failed lookup is not remembered: the next call asks STS again.
    pub async fn get(&self) -> AwsResult<CallerIdentity> {
        let mut id = self.cached.get_or_try_init(|| self.fetch()).await?.clone();
        id.expires = self.expiry().await;
        Ok(id)
    }
}

impl IdentityRead for SdkIdentity {
    fn caller_identity(&self) -> BoxFut<'_, AwsResult<CallerIdentity>> {
        Box::pin(self.get())
    }
}
