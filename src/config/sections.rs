//! The sections of the config file as they are written (serde's view, with their defaults).
//! Loading, locating errors and checking values across sections stay in `config`.

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AwsSection {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PollSection {
    /// Job definitions and tags.
    pub glue_jobs: HumanDuration,
    /// Run history of every job.
    pub glue_runs: HumanDuration,
    /// Run history of jobs that have a run in flight.
    pub glue_runs_active: HumanDuration,
    /// Run history of jobs idle for `idle_after` (nothing in flight, the last run ended that
    /// long ago): read this often instead of every `glue_runs`.
    pub glue_runs_idle: HumanDuration,
    pub idle_after: HumanDuration,
    /// GetJobRuns calls a minute the full cycles of one context make at most; with more jobs
    /// than that allows, they are read in turns (runs in flight and due triggers first).
    pub glue_calls_per_minute: usize,
    /// The first pause before a throttled (or 5xx) read is tried again; it doubles each time.
    pub retry_backoff: HumanDuration,
    /// Calls in flight at once during the per-job fan-out, per context.
    pub max_concurrency: usize,
    /// Calls in flight at once over every context together (several contexts × hundreds of
    /// jobs must not mean thousands of calls at once).
    pub max_concurrency_total: usize,
    /// How far back the TUI reads run history.
    pub history: HumanDuration,
    /// Longest wait between retries when a source keeps failing.
    pub max_backoff: HumanDuration,
    /// Workflows and their last runs.
    pub workflows: HumanDuration,
    /// Crawlers and their metrics.
    pub crawlers: HumanDuration,
    /// EMR Serverless applications and job runs.
    pub emr: HumanDuration,
    /// EMR Serverless job runs while some are in flight.
    pub emr_active: HumanDuration,
    /// How far back EMR Serverless runs are read.
    pub emr_history: HumanDuration,
}

impl Default for PollSection {
    fn default() -> Self {
        Self {
            glue_jobs: HumanDuration(Duration::from_secs(300)),
            glue_runs: HumanDuration(Duration::from_secs(30)),
            glue_runs_active: HumanDuration(Duration::from_secs(5)),
            glue_runs_idle: HumanDuration(Duration::from_secs(600)),
            idle_after: HumanDuration(Duration::from_secs(24 * 3600)),
            glue_calls_per_minute: 600,
            retry_backoff: HumanDuration(Duration::from_millis(500)),
            max_concurrency: 8,
            max_concurrency_total: 32,
            history: HumanDuration(Duration::from_secs(48 * 3600)),
            max_backoff: HumanDuration(Duration::from_secs(300)),
            workflows: HumanDuration(Duration::from_secs(60)),
            crawlers: HumanDuration(Duration::from_secs(300)),
            emr: HumanDuration(Duration::from_secs(30)),
            emr_active: HumanDuration(Duration::from_secs(5)),
            emr_history: HumanDuration(Duration::from_secs(24 * 3600)),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlersSection {
    /// A catalog last refreshed longer ago than this is highlighted as stale.
    pub stale_after: HumanDuration,
}

impl Default for CrawlersSection {
    fn default() -> Self {
        Self { stale_after: HumanDuration(Duration::from_secs(26 * 3600)) }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataQualitySection {
    /// How often Data Quality results and evaluation runs are listed.
    pub poll: HumanDuration,
    /// How far back results are read (ListDataQualityResults StartedAfter).
    pub history: HumanDuration,
}

impl Default for DataQualitySection {
    fn default() -> Self {
        Self {
            poll: HumanDuration(Duration::from_secs(120)),
            history: HumanDuration(Duration::from_secs(7 * 24 * 3600)),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostSection {
    /// Cost Explorer SERVICE dimension values the cost pane is limited to.
    pub services: Vec<String>,
    /// One or two cost-allocation tag keys to group by.
    pub group_by: Vec<String>,
    /// Days of daily cost shown (the last is yesterday).
    pub days: u32,
    /// Cost Explorer metric.
    pub metric: String,
    /// Cached results are used for this long; nothing refreshes them sooner by itself.
    pub ttl: HumanDuration,
    /// Glue price per DPU-hour (USD), for per-run estimates.
    pub glue_dpu_hour: f64,
    /// EMR Serverless prices (USD) per vCPU-hour, GB-hour of memory and GB-hour of storage.
    pub emr_vcpu_hour: f64,
    pub emr_gb_hour: f64,
    pub emr_storage_gb_hour: f64,
    /// A profile whose credentials read Cost Explorer in the payer (management) account: one
    /// request grouped by LINKED_ACCOUNT then serves every context (only the first
    /// `group_by` key is used then).
    pub payer_profile: Option<String>,
}

impl Default for CostSection {
    fn default() -> Self {
        Self {
            services: vec!["AWS Glue".into(), "Amazon EMR Serverless".into(), "Amazon Elastic MapReduce".into()],
            group_by: vec!["team".into(), "stream".into()],
            days: 14,
            metric: "UnblendedCost".into(),
            ttl: HumanDuration(Duration::from_secs(6 * 3600)),
            glue_dpu_hour: 0.44,
            emr_vcpu_hour: 0.052624,
            emr_gb_hour: 0.0057785,
            emr_storage_gb_hour: 0.000111,
            payer_profile: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogsSection {
    /// Lines kept per log view (the oldest go first): memory stays bounded.
    pub ring_lines: usize,
    /// API budget per account and Region, shared by every tail and pane (calls per second).
    pub filter_log_events_per_s: u32,
    pub get_log_events_per_s: u32,
    /// Follow with CloudWatch Live Tail (else poll FilterLogEvents every second).
    pub live_tail: bool,
    /// Where logs are; the layouts marked third-party in the docs can be changed here.
    pub layouts: crate::logs::locate::Layouts,
}

impl Default for LogsSection {
    fn default() -> Self {
        Self {
            ring_lines: 100_000,
            filter_log_events_per_s: 5,
            get_log_events_per_s: 10,
            live_tail: true,
            layouts: Default::default(),
        }
    }
}

/// A duration written as text: `30s`, `5m`, `48h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        crate::duration::parse(&s).map(HumanDuration).map_err(serde::de::Error::custom)
    }
}
