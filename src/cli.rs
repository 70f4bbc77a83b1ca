//! Command line: the AWS CLI's connection flags plus batchtop's own.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "batchtop", version, about = "A live terminal console for AWS Glue and EMR Serverless pipelines")]
pub struct Cli {
    /// AWS profile from ~/.aws/config (SSO, assume-role and credential_process work as in the
    /// AWS CLI); `prod,staging` watches several (default: $AWS_PROFILE, then `[[contexts]]`).
    #[arg(long, global = true, value_name = "PROFILE[,PROFILE...]")]
    pub profile: Option<String>,
    /// AWS Region, e.g. eu-west-1; `eu-west-1,us-east-1` watches several (each profile in each).
    #[arg(long, global = true, value_name = "REGION[,REGION...]")]
    pub region: Option<String>,
    /// Send every AWS call to this endpoint (a local emulator, a VPC endpoint).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Config file (default: $BATCHTOP_CONFIG, then $XDG_CONFIG_HOME/batchtop/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Never offer or run anything that changes AWS.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Run on the built-in simulated account instead of AWS.
    #[arg(long, global = true)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Poll every source once, print what came back, and exit (non-zero if any source failed).
    Snapshot {
        /// Only runs started within this window (e.g. 90m, 24h, 7d).
        #[arg(long, default_value = "24h")]
        since: String,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Leave Cost Explorer out (`cost` is null): for roles without ce:GetCostAndUsage.
        /// Otherwise the cost report comes from the cache while it is fresh ($0.01 a request).
        #[arg(long)]
        no_cost: bool,
        /// Keep retrying throttled and failed reads this long (e.g. 60s, 5m); then print what
        /// was read, with the errors, and exit non-zero.
        #[arg(long, default_value = "60s")]
        timeout: String,
    },
    /// Poll once and print what is broken (the inbox's open items), for cron, monitors and CI:
    /// exit 0 when nothing is open, 1 when only warnings are, 2 when anything critical is,
    /// 3 when batchtop could not read a source.
    Check {
        /// Only runs started within this window (e.g. 90m, 24h, 7d).
        #[arg(long, default_value = "24h")]
        since: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Keep retrying throttled and failed reads this long (e.g. 60s, 5m); then report what
        /// could not be read (exit 3).
        #[arg(long, default_value = "60s")]
        timeout: String,
    },
    /// Spark event logs: read them straight from disk or S3, no history server needed.
    /// `batchtop eventlog PATH|s3://...` opens the viewer; `summarize` prints; `compare` sets two runs side by side.
    #[command(args_conflicts_with_subcommands = true)]
    Eventlog {
        /// A local file or rolling folder, or an s3://bucket/prefix.
        path: Option<String>,
        #[command(subcommand)]
        command: Option<EventlogCommand>,
    },
    /// Print a run's driver and executor logs as plain lines (for pipes): CloudWatch Logs or
    /// S3 (gzip decompressed), following new lines with --follow.
    Logs {
        /// `<glue-job-name>/<run-id>`, `emr:<application-id>/<run-id>` or `crawler:<name>`.
        target: String,
        /// Keep printing new lines (Live Tail, else polling) until interrupted.
        #[arg(long, short)]
        follow: bool,
        /// A CloudWatch filter pattern (`ERROR`, `?ERROR ?WARN`, `"Caused by"`, `-INFO`) or a /regex/.
        #[arg(long)]
        filter: Option<String>,
        /// Start this far back (e.g. 30m, 1h); default: the run's start.
        #[arg(long)]
        since: Option<String>,
    },
    /// Print the audit log of every command batchtop ran (intent and outcome lines).
    Audit {
        /// The raw JSON lines, for jq.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum EventlogCommand {
    /// Application, jobs, stages (with Spark history server numbers), executors, failed tasks
    /// and ranked findings of one event log: a file (plain, zstd, lz4, snappy, lzf or gzip) or a rolling directory.
    Summarize {
        /// A local file or rolling folder, or an s3://bucket/prefix.
        path: String,
        /// Machine-readable JSON instead of the report.
        #[arg(long)]
        json: bool,
    },
    /// Run versus run: what changed from event log A to event log B (usually two runs of the
    /// same job): ranked findings first, then every Spark property that differs, then the
    /// stages side by side (duration, tasks, input, output, shuffle, spill, task p50/max).
    ///
    /// Stages are matched by name and call site ("save at curate.py:88"; directories in front
    /// of the file name are ignored), the n-th stage of a name in A with the n-th of that name
    /// in B; stages left over are matched the same way by name and file without the line
    /// number; the rest are listed as only in A or only in B.
    Compare {
        /// Run A, the reference (e.g. the last good run): a local file or rolling folder, or an s3://bucket/prefix.
        a: String,
        /// Run B, the one to explain: a local file or rolling folder, or an s3://bucket/prefix.
        b: String,
        /// Machine-readable JSON instead of the report.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Table,
}

/// Print `text` and a newline on stdout; a closed pipe (`| head`) ends the output quietly:
/// false then.
pub fn print_line(text: &str) -> bool {
    print_text(&format!("{text}\n"))
}

/// Print `text` as it is on stdout; false when stdout is closed (no panic, no message).
pub fn print_text(text: &str) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_ok()
}
