//! The root-cause categories. Their snake_case names are a public contract: scripts match on
//! them in `snapshot` output and users name them in `[[triage.rules]]`.

use serde::{Deserialize, Serialize};

/// Why a run failed, as far as its state, message and logs tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Driver or executor heap, a YARN container killed for memory, exit code 137.
    OutOfMemory,
    /// No space left on device (shuffle spill, local disk).
    DiskFull,
    /// S3 answered 403 / AccessDenied.
    #[serde(rename = "s3_access_denied")]
    S3AccessDenied,
    /// IAM, Lake Formation, KMS, STS: any denial that is not S3's.
    Permission,
    /// FileNotFoundException, NoSuchKey, a path or table that does not exist.
    InputMissing,
    /// AnalysisException, a column that cannot be resolved, a type mismatch.
    SchemaMismatch,
    /// Account or job concurrency limits, maximum capacity, waiting too long for resources.
    Capacity,
    /// The run exceeded its timeout.
    Timeout,
    /// An AWS API inside the job answered "rate exceeded".
    Throttled,
    /// Glue or EMR internal or transient errors.
    ServiceError,
    /// VPC, ENI, DNS, connection refused or timed out to a data store.
    Network,
    /// An exception in the script not covered by another category.
    UserCode,
    /// Data quality rules failed.
    DataQuality,
    /// Stopped or cancelled by someone.
    Stopped,
    /// Nothing recognisable.
    Unknown,
}

impl Category {
    /// Every category, in the order of the enum.
    pub const ALL: [Category; 15] = [
        Category::OutOfMemory,
        Category::DiskFull,
        Category::S3AccessDenied,
        Category::Permission,
        Category::InputMissing,
        Category::SchemaMismatch,
        Category::Capacity,
        Category::Timeout,
        Category::Throttled,
        Category::ServiceError,
        Category::Network,
        Category::UserCode,
        Category::DataQuality,
        Category::Stopped,
        Category::Unknown,
    ];

    /// The snake_case name, identical to the serde name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::OutOfMemory => "out_of_memory",
            Category::DiskFull => "disk_full",
            Category::S3AccessDenied => "s3_access_denied",
            Category::Permission => "permission",
            Category::InputMissing => "input_missing",
            Category::SchemaMismatch => "schema_mismatch",
            Category::Capacity => "capacity",
            Category::Timeout => "timeout",
            Category::Throttled => "throttled",
            Category::ServiceError => "service_error",
            Category::Network => "network",
            Category::UserCode => "user_code",
            Category::DataQuality => "data_quality",
            Category::Stopped => "stopped",
            Category::Unknown => "unknown",
        }
    }

    /// The category named exactly `name` (snake_case), if any.
    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Whether rerunning unchanged usually helps: `Some(true)`, `Some(false)`, or `None` when
    /// it depends. The reasoning per category is in `rules.rs` ([`super::retry_helps`]).
    pub const fn retry_helps(self) -> Option<bool> {
        super::rules::retry_helps(self)
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::from_name(s).ok_or_else(|| {
            let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
            format!("unknown triage category `{s}` (expected one of: {})", names.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_are_the_as_str_names() {
        for c in Category::ALL {
            let json = serde_json::to_string(&c).expect("serialize");
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            let back: Category = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, c);
            assert_eq!(c.to_string().parse::<Category>(), Ok(c));
        }
    }

    #[test]
    fn names_are_unique_and_unknown_names_fail() {
        let mut names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Category::ALL.len());
        assert!("oom".parse::<Category>().is_err());
        assert!(serde_json::from_str::<Category>("\"OutOfMemory\"").is_err());
    }
}
