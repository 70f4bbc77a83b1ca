//! Counting throttles per attempt: an SDK interceptor sees every HTTP answer, including the
//! throttled attempts that the SDK's own retries turned into a success, and records each one in
//! the account's `ApiStats`. `classify` does not count throttles, so a call that finally fails
//! throttled is counted once (by its last attempt here).

use std::sync::Arc;

use aws_sdk_glue::config::ConfigBag;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Response;

use crate::aws::ApiStats;
use crate::aws::error::{ErrorKind, kind_from_code};

/// Error bodies longer than this are not searched for an error code.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Records one throttle in `stats` for every throttled attempt of the client it is registered on.
#[derive(Debug)]
pub struct ThrottleCounter {
    stats: Arc<ApiStats>,
}

impl ThrottleCounter {
    pub fn new(stats: Arc<ApiStats>) -> Self {
        Self { stats }
    }
}

impl Intercept for ThrottleCounter {
    fn name(&self) -> &'static str {
        NAME
    }

    // Runs once per attempt, after the answer was read (error bodies are in memory by then).
    fn read_after_attempt(
        &self,
        ctx: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if ctx.response().is_some_and(is_throttled) {
            self.stats.record_throttle();
        }
        Ok(())
    }
}

/// Registering the counter on an SDK client: the same client config plus the interceptor.
/// Every `Sdk*` constructor does this with the account's stats, so every client batchtop
/// builds counts its throttles.
pub trait CountThrottles: Sized {
    /// This client, counting each throttled attempt in `stats`. A client that already counts
    /// throttles is returned as it is (each attempt is counted once).
    fn counting_throttles(self, stats: &Arc<ApiStats>) -> Self;
}

const NAME: &str = "BatchtopThrottleCounter";

macro_rules! count_throttles {
    ($($service:ident),* $(,)?) => {$(
        impl CountThrottles for $service::Client {
            fn counting_throttles(self, stats: &Arc<ApiStats>) -> Self {
                if self.config().interceptors().any(|i| i.name() == NAME) {
                    return self;
                }
                let conf = self.config().to_builder().interceptor(ThrottleCounter::new(stats.clone())).build();
                $service::Client::from_conf(conf)
            }
        }
    )*};
}

count_throttles!(
    aws_sdk_glue,
    aws_sdk_emrserverless,
    aws_sdk_cloudwatchlogs,
    aws_sdk_s3,
    aws_sdk_costexplorer,
    aws_sdk_sts,
    aws_sdk_resourcegroupstagging,
);

/// Whether an HTTP answer says "slow down": HTTP 429, or an error whose code is one of the
/// throttling codes (ThrottlingException, Throttling, SlowDown, ...) whatever the status.
pub fn is_throttled(resp: &Response) -> bool {
    let status = resp.status().as_u16();
    if status == 429 {
        return true;
    }
    if status < 400 {
        return false;
    }
    error_code(resp).is_some_and(|code| kind_from_code(&code) == Some(ErrorKind::Throttled))
}

/// The error code of an error answer, in every protocol batchtop's clients speak:
/// the `x-amzn-ErrorType` header (awsJson, restJson), the JSON body's `__type` / `code`,
/// or the XML body's `<Code>` (awsQuery: STS; restXml: S3).
fn error_code(resp: &Response) -> Option<String> {
    if let Some(header) = resp.headers().get("x-amzn-errortype") {
        return Some(sanitize(header).to_string());
    }
    let body = resp.body().bytes().filter(|b| b.len() <= MAX_ERROR_BODY)?;
    let text = std::str::from_utf8(body).ok()?.trim_start();
    if text.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let code = value.get("__type").or_else(|| value.get("code"))?.as_str()?;
        return Some(sanitize(code).to_string());
    }
    let start = text.find("<Code>")? + "<Code>".len();
    let end = text[start..].find("</Code>")? + start;
    Some(text[start..end].trim().to_string())
}

/// `aws.protocoltests#ThrottlingException:http://internal...` -> `ThrottlingException`.
fn sanitize(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    code.rsplit('#').next().unwrap_or(code).trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::primitives::SdkBody;
    use aws_smithy_runtime_api::http::StatusCode;

    fn answer(status: u16, header: Option<&str>, body: &str) -> Response {
        let mut r = Response::new(StatusCode::try_from(status).expect("status"), SdkBody::from(body.to_string()));
        if let Some(h) = header {
            r.headers_mut().insert("x-amzn-ErrorType", h.to_string());
        }
        r
    }

    #[test]
    fn throttles_are_recognised_in_every_protocol() {
        // HTTP 429 (restJson), whatever the body.
        assert!(is_throttled(&answer(429, None, "")));
        // awsJson: header and/or __type.
        assert!(is_throttled(&answer(400, Some("ThrottlingException:http://internal.amazon.com/coral/"), "{}")));
        assert!(is_throttled(&answer(
            400,
            None,
            r#"{"__type":"com.amazonaws.glue#ThrottlingException","message":"x"}"#
        )));
        assert!(is_throttled(&answer(400, None, r#"{"code":"TooManyRequestsException"}"#)));
        // awsQuery (STS) and restXml (S3 SlowDown is a 503).
        let sts = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        assert!(is_throttled(&answer(400, None, sts)));
        assert!(is_throttled(&answer(503, None, "<Error><Code>SlowDown</Code><Message>Reduce</Message></Error>")));
        assert!(is_throttled(&answer(400, None, r#"{"__type":"ProvisionedThroughputExceededException"}"#)));
        assert!(is_throttled(&answer(
            400,
            None,
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors></Response>"
        )));
    }

    #[test]
    fn other_answers_are_not_throttles() {
        assert!(!is_throttled(&answer(200, None, r#"{"__type":"ThrottlingException"}"#)));
        assert!(!is_throttled(&answer(400, Some("AccessDeniedException"), "{}")));
        assert!(!is_throttled(&answer(400, None, r#"{"__type":"EntityNotFoundException"}"#)));
        assert!(!is_throttled(&answer(500, None, "")));
        assert!(!is_throttled(&answer(503, None, "<Error><Code>ServiceUnavailable</Code></Error>")));
        assert!(!is_throttled(&answer(400, None, "not json, not xml")));
    }
}
