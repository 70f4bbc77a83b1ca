//! Turning SDK errors into classified, actionable `AwsError`s.

use std::error::Error;

use aws_sdk_glue::config::http::HttpResponse;
use aws_sdk_glue::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::aws::AwsError;
use crate::aws::error::{ErrorContext, ErrorKind, kind_from_code, kind_from_local_text};

/// Classify one failed call. Throttles are counted per attempt by `throttle::ThrottleCounter`,
/// not here, so that a call that finally fails throttled is not counted twice.
pub fn classify<E>(ctx: &ErrorContext, operation: &str, err: &SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    let (kind, detail) = match err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            let status = se.raw().status().as_u16();
            let code = e.code().unwrap_or("");
            let msg = e.message().unwrap_or("");
            let kind = kind_from_code(code).unwrap_or(if status == 429 {
                ErrorKind::Throttled
            } else if status == 404 && code.is_empty() {
                ErrorKind::NotFound
            } else if status >= 500 {
                ErrorKind::Service
            } else {
                ErrorKind::Other
            });
            let detail = match (code.is_empty(), msg.is_empty()) {
                (false, false) => format!("{code}: {msg}"),
                (false, true) => code.to_string(),
                (true, false) => format!("HTTP {status}: {msg}"),
                (true, true) => format!("HTTP {status}"),
            };
            (kind, detail)
        }
        SdkError::TimeoutError(_) => (ErrorKind::Network, "timed out waiting for an answer".to_string()),
        SdkError::DispatchFailure(df) if df.is_timeout() => (ErrorKind::Network, "timed out".to_string()),
        SdkError::ResponseError(_) => (ErrorKind::Network, format!("{}", DisplayErrorContext(err))),
        other => {
            let text = format!("{}", DisplayErrorContext(other));
            (kind_from_local_text(&text), text)
        }
    };
    tracing::warn!(operation, kind = kind.as_str(), %detail, "aws call failed");
    ctx.explain(kind, operation, &detail)
}
