//! Command line: the AWS CLI's connection flags plus batchtop's own.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// `batchtop --version`: the version, the git commit and the build date (see build.rs).
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("BATCHTOP_GIT_COMMIT"),
    ", built ",
    env!("BATCHTOP_BUILD_DATE"),
    ")"
);

/// The files and variables batchtop reads and writes (`--help` and the man page).
const FILES: &str = "\
Files and environment:
  $XDG_CONFIG_HOME/batchtop/config.toml   the config (or --config, $BATCHTOP_CONFIG); skins/ next to it
  $XDG_STATE_HOME/batchtop/               the log (batchtop.log, level $BATCHTOP_LOG), the audit log,
                                          incident reports (reports/), acknowledgements
  AWS_PROFILE, AWS_REGION, ~/.aws/config  as for the AWS CLI
  NO_COLOR                                no colours (the mono skin)";

#[derive(Debug, Parser)]
#[command(
    name = "batchtop",
    version,
    long_version = LONG_VERSION,
    about = "A live terminal console for AWS Glue and EMR Serverless pipelines",
    after_long_help = FILES
)]
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
    /// Print the log on stderr too (what the SDK said in full), for commands that print;
    /// the TUI logs to $XDG_STATE_HOME/batchtop/batchtop.log only (level: BATCHTOP_LOG).
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Whether this run draws the TUI (no subcommand, or the event log viewer).
    pub fn is_tui(&self) -> bool {
        matches!(self.command, None | Some(Command::Eventlog { path: Some(_), command: None }))
    }
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
    /// Incident notes: the open problems with their class, evidence and advice, the failed
    /// runs with their error lines, the actions of the audit log, in UTC. The TUI writes the
    /// same with ctrl-s.
    Report {
        /// Failed runs and actions started within this window (e.g. 90m, 6h, 2d).
        #[arg(long, default_value = "6h")]
        since: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
        format: ReportFormat,
        /// Also write it to $XDG_STATE_HOME/batchtop/reports/ (the path goes to stderr).
        #[arg(long)]
        save: bool,
    },
    /// Print a completion script: `batchtop completions bash >
    /// ~/.local/share/bash-completion/completions/batchtop`, `zsh > ~/.zfunc/_batchtop`,
    /// `fish > ~/.config/fish/completions/batchtop.fish`, `powershell >> $PROFILE`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `batchtop man > ~/.local/share/man/man1/batchtop.1`.
    Man {
        /// Write batchtop.1 and one page per command (batchtop-snapshot.1, ...) into DIR instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
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
pub enum ReportFormat {
    Markdown,
    Json,
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
