//! batchtop: parse the command line, set up errors and logging, dispatch.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use batchtop::cli::{Cli, Command, EventlogCommand, Format};
use batchtop::{app, config, duration, logging, session, snapshot, terminal};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(code) = batchtop::docs::run(&cli) {
        return code;
    }
    if let Err(e) = terminal::install_hooks() {
        eprintln!("batchtop: cannot install error hooks: {e}");
    }
    let settings = match batchtop::state::pane::load_config(cli.config.as_deref()) {
        // Read-only: mutating actions are not even bound, dangerous plugins are gone.
        Ok(s) if cli.read_only || s.config.read_only => Arc::new(s.read_only()),
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("batchtop: config error: {e}");
            // For `check`, 2 means "critical"; batchtop not running at all is 3.
            return ExitCode::from(if matches!(cli.command, Some(Command::Check { .. })) { 3 } else { 2 });
        }
    };
    let settings =
        if cli.demo { Arc::new(batchtop::session::with_demo_streams((*settings).clone())) } else { settings };
    // -v: the log's lines on stderr too, for commands that print (never under the TUI).
    let (_log_guard, _log_path) = logging::init(cli.verbose && !cli.is_tui());
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("batchtop: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match &cli.command {
        None => runtime.block_on(tui(&cli, settings)),
        Some(Command::Snapshot { since, format, no_cost, timeout }) => {
            runtime.block_on(snapshot_cmd(&cli, settings, [since, timeout], *format, !*no_cost))
        }
        Some(Command::Audit { json }) => audit_cmd(*json),
        Some(Command::Report { since, format, save }) => {
            let args = batchtop::report_cli::Args { since: since.clone(), format: *format, save: *save };
            runtime.block_on(batchtop::report_cli::run(&cli, settings, &args))
        }
        // Printed by docs::run above, before the config is read.
        Some(Command::Completions { .. } | Command::Man { .. }) => ExitCode::SUCCESS,
        Some(Command::Check { since, format, timeout }) => {
            runtime.block_on(check_cmd(&cli, settings, [since, timeout], *format))
        }
        Some(Command::Logs { target, follow, filter, since }) => {
            let since = match since.as_deref().map(duration::parse).transpose() {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("batchtop: --since: {e}");
                    return ExitCode::from(2);
                }
            };
            runtime.block_on(async {
                let session = match session::connect(&cli, &settings).await {
                    Ok(s) => s,
                    Err(e) => {
                        e.print();
                        return ExitCode::from(2);
                    }
                };
                let args =
                    batchtop::logs_cli::Args { target: target.clone(), follow: *follow, filter: filter.clone(), since };
                ExitCode::from(batchtop::logs_cli::run(session.account(), &settings, &args, (session.clock)()).await)
            })
        }
        Some(Command::Eventlog { command: Some(EventlogCommand::Summarize { path, json }), .. }) => {
            runtime.block_on(eventlog_cmd(&cli, &settings, path, *json))
        }
        Some(Command::Eventlog { command: Some(EventlogCommand::Compare { a, b, json }), .. }) => {
            runtime.block_on(eventlog_compare_cmd(&cli, &settings, [a, b], *json))
        }
        Some(Command::Eventlog { path: Some(path), command: None }) => {
            runtime.block_on(eventlog_view(&cli, settings, path))
        }
        Some(Command::Eventlog { path: None, command: None }) => {
            eprintln!("batchtop: eventlog needs a PATH or s3:// URI (or: batchtop eventlog summarize PATH)");
            ExitCode::from(2)
        }
    }
}

/// Where an event log named on the command line comes from, and the account to read it with
/// (offline for a local path; the normal credential chain for S3).
async fn eventlog_source(
    cli: &Cli,
    settings: &config::Settings,
    path: &str,
) -> Result<(batchtop::state::eventlog::EventLogSource, session::Session), ExitCode> {
    use batchtop::state::eventlog::EventLogSource;
    if path.starts_with("s3://") {
        let s = session::connect(cli, settings).await.map_err(|e| {
            e.print();
            ExitCode::from(2)
        })?;
        return Ok((EventLogSource::S3(path.to_string()), s));
    }
    Ok((EventLogSource::Local(std::path::PathBuf::from(path)), session::offline()))
}

async fn eventlog_view(cli: &Cli, settings: Arc<config::Settings>, path: &str) -> ExitCode {
    let (source, session) = match eventlog_source(cli, &settings, path).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (mut term, guard) = match terminal::enter() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("batchtop: cannot set up the terminal: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = app::run::run_with(&mut term, session, settings, Some(source)).await;
    drop(guard);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line; the chain's detail is in the log.
            tracing::error!(error = ?e, "the TUI stopped");
            eprintln!("batchtop: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Read and summarise the event log named on the command line; an error is printed as one line.
async fn eventlog_summary(
    cli: &Cli,
    settings: &config::Settings,
    path: &str,
) -> Result<batchtop::eventlog::Summary, ExitCode> {
    let (source, session) = eventlog_source(cli, settings, path).await?;
    let objects = session.account().objects.clone();
    let (opts, reading) = (settings.config.eventlog.options(), settings.config.eventlog.reading());
    batchtop::app::fetch::load_with(&source, objects, opts, None, reading, Default::default()).await.map_err(|e| {
        eprintln!("batchtop: {e}");
        ExitCode::FAILURE
    })
}

async fn eventlog_cmd(cli: &Cli, settings: &config::Settings, path: &str, json: bool) -> ExitCode {
    match eventlog_summary(cli, settings, path).await {
        Ok(summary) if json => {
            batchtop::cli::print_line(&serde_json::to_string_pretty(&summary.to_json()).unwrap_or_default());
        }
        Ok(summary) => {
            batchtop::cli::print_text(&summary.to_text());
        }
        Err(code) => return code,
    }
    ExitCode::SUCCESS
}

async fn eventlog_compare_cmd(cli: &Cli, settings: &config::Settings, [a, b]: [&String; 2], json: bool) -> ExitCode {
    // One after the other: a run that cannot be read is the one line on stderr.
    let sa = match eventlog_summary(cli, settings, a).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let sb = match eventlog_summary(cli, settings, b).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    match batchtop::eventlog::compare::render((a, &sa), (b, &sb), json) {
        Ok(text) => {
            // Not print!: a closed pipe (`| head`) ends the output, it is no panic.
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("batchtop: {e}");
            ExitCode::FAILURE
        }
    }
}

fn audit_cmd(json: bool) -> ExitCode {
    let path = batchtop::actions::audit_path();
    let records = match batchtop::actions::read_all(&path) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("batchtop: no audit log yet at {}", path.display());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("batchtop: cannot read the audit log {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let mut bad = 0;
    for r in records {
        let printed = match r {
            Ok(rec) if json => batchtop::cli::print_line(&serde_json::to_string(&rec).unwrap_or_default()),
            Ok(rec) => batchtop::cli::print_line(&batchtop::actions::audit_line(&rec)),
            Err(e) => {
                bad += 1;
                eprintln!("batchtop: audit log {}: {e}", path.display());
                true
            }
        };
        if !printed {
            break;
        }
    }
    if bad > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// `check`: 3 when batchtop itself cannot run (bad flags, no session), else the inbox's code.
async fn check_cmd(
    cli: &Cli,
    settings: Arc<config::Settings>,
    [since, timeout]: [&str; 2],
    format: Format,
) -> ExitCode {
    let window = match (duration::parse(since), duration::parse(timeout)) {
        (Ok(since), Ok(timeout)) => (since, timeout),
        (Err(e), _) => {
            eprintln!("batchtop: --since: {e}");
            return ExitCode::from(3);
        }
        (_, Err(e)) => {
            eprintln!("batchtop: --timeout: {e}");
            return ExitCode::from(3);
        }
    };
    match session::connect(cli, &settings).await {
        Ok(s) => ExitCode::from(batchtop::check::run(s, settings, window, format).await),
        Err(e) => {
            e.print();
            ExitCode::from(3)
        }
    }
}

async fn tui(cli: &Cli, settings: Arc<config::Settings>) -> ExitCode {
    if let Some(name) = &settings.config.start_pane
        && batchtop::state::Pane::by_name(name).is_none()
    {
        let names: Vec<&str> = batchtop::state::PANES.iter().map(|p| p.name).collect();
        eprintln!("batchtop: config error: start_pane `{name}` is not a pane; use one of {}", names.join(", "));
        return ExitCode::from(2);
    }
    let session = match session::connect(cli, &settings).await {
        Ok(s) => s,
        Err(e) => {
            e.print();
            return ExitCode::from(2);
        }
    };
    let (mut term, guard) = match terminal::enter() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("batchtop: cannot set up the terminal: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = app::run::run(&mut term, session, settings).await;
    drop(guard);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line; the chain's detail is in the log.
            tracing::error!(error = ?e, "the TUI stopped");
            eprintln!("batchtop: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn snapshot_cmd(
    cli: &Cli,
    settings: Arc<config::Settings>,
    [since, timeout]: [&String; 2],
    format: Format,
    with_cost: bool,
) -> ExitCode {
    let (since, timeout) = match (duration::parse(since), duration::parse(timeout)) {
        (Ok(since), Ok(timeout)) => (since, timeout),
        (Err(e), _) => {
            eprintln!("batchtop: --since: {e}");
            return ExitCode::from(2);
        }
        (_, Err(e)) => {
            eprintln!("batchtop: --timeout: {e}");
            return ExitCode::from(2);
        }
    };
    let session = match session::connect(cli, &settings).await {
        Ok(s) => s,
        Err(e) => {
            e.print();
            return ExitCode::from(2);
        }
    };
    let gate = batchtop::poll::Gate::new(settings.config.poll.max_concurrency_total);
    let opts = snapshot::Options { since, with_cost, gate, timeout };
    // Every context at once: one that is slow or refused holds up no other.
    let snaps = futures_util::future::join_all(
        session.contexts.iter().map(|c| snapshot::take(&c.account, settings.clone(), &session.clock, &opts)),
    )
    .await;
    let generated_at = (session.clock)();
    let parts: Vec<snapshot::Part> =
        session.contexts.into_iter().zip(snaps).map(|(c, snap)| snapshot::Part { ctx: c.ctx, snap }).collect();
    // No credentials anywhere: one line per context and the way to the demo, no empty document.
    if let Some(lines) = snapshot::no_credentials(&parts) {
        lines.iter().for_each(|l| eprintln!("batchtop: {l}"));
        return ExitCode::from(2);
    }
    let text = match (format, parts.len()) {
        (Format::Json, 1) => serde_json::to_string_pretty(&snapshot::to_json(&parts[0].snap)),
        (Format::Json, _) => serde_json::to_string_pretty(&snapshot::to_json_many(generated_at, &parts)),
        (Format::Table, 1) => Ok(snapshot::to_table(&parts[0].snap)),
        (Format::Table, _) => Ok(snapshot::to_table_many(&parts)),
    };
    batchtop::cli::print_line(&text.unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")));
    if snapshot::many_ok(&parts) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
