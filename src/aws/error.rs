//! Errors classified at the seam, in words an on-call engineer can act on.

use std::fmt;

/// What went wrong, broadly: decides backoff and what the pane says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    Throttled,
    AccessDenied,
    CredentialsExpired,
    CredentialsMissing,
    CredentialsInvalid,
    NotFound,
    /// No answer, or one cut short: timeouts, connection failures, unreadable responses.
    Network,
    /// AWS answered HTTP 5xx: it failed on its side (a write may or may not have been applied).
    Service,
    /// A write that failed ambiguously, then was looked for through the read side and had
    /// no effect: asking again is safe (set by `actions`, never by the SDK).
    NotStarted,
    Other,
}

impl ErrorKind {
    /// Stable snake_case name (snapshot JSON, logs).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Throttled => "throttled",
            Self::AccessDenied => "access_denied",
            Self::CredentialsExpired => "credentials_expired",
            Self::CredentialsMissing => "credentials_missing",
            Self::CredentialsInvalid => "credentials_invalid",
            Self::NotFound => "not_found",
            Self::Network => "network",
            Self::Service => "service",
            Self::NotStarted => "not_started",
            Self::Other => "other",
        }
    }

    /// Credentials problems do not heal by retrying quickly.
    pub fn is_credentials(self) -> bool {
        matches!(self, Self::CredentialsExpired | Self::CredentialsMissing | Self::CredentialsInvalid)
    }

    /// After a write failed this way, AWS may have acted on it anyway (no answer, or a 5xx).
    pub fn is_ambiguous(self) -> bool {
        matches!(self, Self::Network | Self::Service)
    }
}

/// An error from one AWS operation, already turned into advice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AwsError {
    pub kind: ErrorKind,
    /// `service:Operation`, e.g. `glue:GetJobRuns`.
    pub operation: String,
    /// The full, actionable message.
    pub message: String,
}

/// Reads that only add to what is shown, and what is missing without them: the streams'
/// landing zones, catalog partitions and schedules, and the tags that put resources in
/// streams. Being denied one is a warning, never a source that cannot be read.
const OPTIONAL: [(&str, &str, &str); 6] = [
    ("glue:GetTriggers", "glue:GetTriggers", "the streams' next runs are unknown"),
    ("glue:GetTables", "glue:GetTables", "the streams' curated tables are unknown"),
    ("glue:GetPartitions", "glue:GetPartitions", "the streams' catalog partitions are unknown"),
    ("s3:ListObjectsV2", "s3:ListBucket", "the streams' landing zones are unknown"),
    ("tag:GetResources", "tag:GetResources", "tags are read resource by resource"),
    ("glue:GetTags", "glue:GetTags", "resources join streams by name only"),
];

impl AwsError {
    /// An optional read was denied: the IAM permission to ask for, and what is missing
    /// meanwhile.
    pub fn optional_denial(&self) -> Option<(&'static str, &'static str)> {
        if self.kind != ErrorKind::AccessDenied {
            return None;
        }
        OPTIONAL.iter().find(|(op, _, _)| *op == self.operation).map(|(_, perm, what)| (*perm, *what))
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the seam knows when it explains an error.
#[derive(Debug, Clone, Default)]
pub struct ErrorContext {
    pub profile: Option<String>,
    pub region: String,
    pub endpoint: Option<String>,
}

impl ErrorContext {
    fn profile_flag(&self) -> String {
        match &self.profile {
            Some(p) => format!(" --profile {p}"),
            None => String::new(),
        }
    }

    fn profile_name(&self) -> &str {
        self.profile.as_deref().unwrap_or("default")
    }

    /// Build the message for `kind` from the service's own `detail`: one line, what
    /// happened and what to do. The SDK's whole error chain goes to the log, never here.
    pub fn explain(&self, kind: ErrorKind, operation: &str, detail: &str) -> AwsError {
        let detail = one_line(detail);
        let detail = detail.as_str();
        let message = match kind {
            ErrorKind::Throttled => format!("{operation} throttled by AWS ({detail}); backing off"),
            ErrorKind::AccessDenied => format!(
                "access denied for {operation} in {}: {detail}. Ask for the permission or use another --profile",
                self.region
            ),
            ErrorKind::CredentialsExpired => format!(
                "credentials for profile {} expired: run aws sso login{} (or refresh them) ({detail})",
                self.profile_name(),
                self.profile_flag()
            ),
            // What the chain tried is in the log; on screen, what to do.
            ErrorKind::CredentialsMissing => format!(
                "no AWS credentials found for profile {}: set AWS_PROFILE or --profile, run aws configure{} or aws sso login{}",
                self.profile_name(),
                self.profile_flag(),
                self.profile_flag()
            ),
            ErrorKind::CredentialsInvalid => format!(
                "credentials for profile {} were rejected by AWS: check the access key and the account ({detail})",
                self.profile_name()
            ),
            ErrorKind::NotFound => format!("{operation}: not found: {detail}"),
            ErrorKind::Network => {
                let target = self.endpoint.clone().unwrap_or_else(|| format!("AWS in {}", self.region));
                format!("cannot reach {target} for {operation}: {detail}. Check the network, VPN or proxy")
            }
            ErrorKind::Service | ErrorKind::Other => format!("{operation} failed: {detail}"),
            ErrorKind::NotStarted => format!("{operation}: not started ({detail}); retry?"),
        };
        AwsError { kind, operation: operation.to_string(), message }
    }
}

/// The longest detail shown on one line.
const DETAIL_CHARS: usize = 160;

/// An SDK error's text cut to one readable line: its first line, without the Rust `Debug`
/// dump the SDK appends (`(DispatchFailure(DispatchFailure { ... }))`), without the
/// `dispatch failure: other:` plumbing, at most [`DETAIL_CHARS`] characters.
pub fn one_line(detail: &str) -> String {
    let first = detail.trim().lines().next().unwrap_or("").trim();
    let mut text = match debug_tail(first) {
        Some(at) => first[..at].trim_end(),
        None => first,
    };
    for plumbing in ["dispatch failure: ", "other: ", "io error: "] {
        text = text.strip_prefix(plumbing).unwrap_or(text);
    }
    let text = text.trim_end_matches("Attempted:").trim_end_matches([' ', ':', '.']).trim();
    if text.chars().count() <= DETAIL_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(DETAIL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Where ` (SomeType(` or ` (SomeType {` starts: the Debug dump of an error.
fn debug_tail(text: &str) -> Option<usize> {
    text.match_indices(" (").map(|(i, _)| i).find(|&i| {
        let rest = &text[i + 2..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        name.starts_with(|c: char| c.is_ascii_uppercase())
            && (rest[name.len()..].starts_with('(') || rest[name.len()..].starts_with(" {"))
    })
}

/// Classify by the service's error code (the `__type` / `Code` of the answer).
pub fn kind_from_code(code: &str) -> Option<ErrorKind> {
    let kind = match code {
        "ThrottlingException"
        | "Throttling"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "ProvisionedThroughputExceededException"
        | "SlowDown"
        | "RequestThrottled"
        | "RequestThrottledException" => ErrorKind::Throttled,
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" | "UnauthorizedException" => {
            ErrorKind::AccessDenied
        }
        "ExpiredTokenException" | "ExpiredToken" | "RequestExpired" | "TokenRefreshRequired" => {
            ErrorKind::CredentialsExpired
        }
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch"
        | "InvalidAccessKeyId"
        | "IncompleteSignature" => ErrorKind::CredentialsInvalid,
        "EntityNotFoundException" | "ResourceNotFoundException" | "NoSuchEntity" | "NoSuchKey" | "NoSuchBucket" => {
            ErrorKind::NotFound
        }
        _ => return None,
    };
    Some(kind)
}

/// Classify errors raised before any answer arrived (credential providers, connectors),
/// from the text of their source chain.
pub fn kind_from_local_text(text: &str) -> ErrorKind {
    let t = text.to_ascii_lowercase();
    if t.contains("expired") && (t.contains("token") || t.contains("sso") || t.contains("credential")) {
        ErrorKind::CredentialsExpired
    } else if t.contains("credential") || t.contains("no providers in chain") || t.contains("identity") {
        ErrorKind::CredentialsMissing
    } else {
        ErrorKind::Network
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ErrorContext {
        ErrorContext { profile: Some("prod".into()), region: "eu-west-1".into(), endpoint: None }
    }

    #[test]
    fn expired_credentials_tell_how_to_log_in() {
        let e = ctx().explain(
            ErrorKind::CredentialsExpired,
            "glue:GetJobs",
            "The security token included in the request is expired",
        );
        assert!(
            e.message.starts_with("credentials for profile prod expired: run aws sso login --profile prod"),
            "{}",
            e.message
        );
    }

    #[test]
    fn sdk_chains_become_one_line() {
        let chain = "dispatch failure: other: the credential provider was not enabled: no credentials found in chain. Attempted:\n  Environment: not set (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Other(None) } }))";
        assert_eq!(one_line(chain), "the credential provider was not enabled: no credentials found in chain");
        let dump = "io error: connection refused (os error 111) (DispatchFailure(DispatchFailure { source: X }))";
        assert_eq!(one_line(dump), "connection refused (os error 111)");
        assert_eq!(one_line(&"x".repeat(500)).chars().count(), DETAIL_CHARS);
        let e = ctx().explain(ErrorKind::CredentialsMissing, "sts:GetCallerIdentity", chain);
        assert!(!e.message.contains('\n') && !e.message.contains("DispatchFailure"), "{}", e.message);
        assert!(e.message.contains("aws sso login --profile prod"), "{}", e.message);
    }

    #[test]
    fn codes_classify() {
        assert_eq!(kind_from_code("ThrottlingException"), Some(ErrorKind::Throttled));
        assert_eq!(kind_from_code("AccessDeniedException"), Some(ErrorKind::AccessDenied));
        assert_eq!(kind_from_code("ExpiredTokenException"), Some(ErrorKind::CredentialsExpired));
        assert_eq!(kind_from_code("EntityNotFoundException"), Some(ErrorKind::NotFound));
        assert_eq!(kind_from_code("InternalServiceException"), None);
    }

    #[test]
    fn local_errors_classify_from_text() {
        assert_eq!(kind_from_local_text("the SSO session has expired or is invalid"), ErrorKind::CredentialsExpired);
        assert_eq!(kind_from_local_text("no credentials in the property bag"), ErrorKind::CredentialsMissing);
        assert_eq!(kind_from_local_text("connection refused (os error 111)"), ErrorKind::Network);
    }

    #[test]
    fn a_denied_optional_read_names_its_permission() {
        let denied = |op: &str| ctx().explain(ErrorKind::AccessDenied, op, "not authorized");
        assert_eq!(
            denied("glue:GetTriggers").optional_denial(),
            Some(("glue:GetTriggers", "the streams' next runs are unknown"))
        );
        assert_eq!(denied("s3:ListObjectsV2").optional_denial().map(|(p, _)| p), Some("s3:ListBucket"));
        assert_eq!(denied("glue:GetJobs").optional_denial(), None, "jobs are what batchtop is for");
        let throttled = ctx().explain(ErrorKind::Throttled, "glue:GetTriggers", "slow down");
        assert_eq!(throttled.optional_denial(), None, "only a denial is optional");
    }
}
