//! batchtop: parse the command line, set up errors and logging, dispatch.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use batchtop::cli::{Cli, Command, EventlogCommand, Format};
use batchtop::{app, config, duration, logging, session, snapshot, terminal};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = terminal::install_hooks() {
        eprintln!("batchtop: cannot install error hooks: {e}");
    }
    let settings = match config::load(cli.config.as_deref()) {
        // Read-only: mutating actions are not even bound.
        Ok(mut s) if cli.read_only || s.config.read_only => {
            s.keymap = s.keymap.read_only();
            Arc::new(s)
        }
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("batchtop: config error: {e}");
            return ExitCode::from(2);
        }
    };
    let (_log_guard, _log_path) = logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("batchtop: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match &cli.command {
        None => runtime.block_on(tui(&cli, settings)),
        Some(Command::Snapshot { since, format }) => {
            let since = match duration::parse(since) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("batchtop: --since: {e}");
                    return ExitCode::from(2);
                }
            };
            runtime.block_on(snapshot_cmd(&cli, settings, since, *format))
        }
        Some(Command::Audit { json }) => audit_cmd(*json),
        Some(Command::Eventlog { command: EventlogCommand::Summarize { path, json } }) => {
            eventlog_cmd(&settings, path, *json)
        }
    }
}

fn eventlog_cmd(settings: &config::Settings, path: &str, json: bool) -> ExitCode {
    if path.starts_with("s3://") {
        eprintln!(
            "batchtop: reading event logs from S3 is not supported yet; copy it first (aws s3 cp --recursive {path} .)"
        );
        return ExitCode::from(2);
    }
    let ev = &settings.config.eventlog;
    let opts = batchtop::eventlog::Options {
        skew_floor_ms: ev.skew_floor.0.as_millis() as u64,
        skew_ratio: ev.skew_ratio,
        ..Default::default()
    };
    match batchtop::eventlog::summarize(std::path::Path::new(path), &opts) {
        Ok(summary) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&summary.to_json()).unwrap_or_default());
            } else {
                print!("{}", summary.to_text());
            }
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
        match r {
            Ok(rec) if json => println!("{}", serde_json::to_string(&rec).unwrap_or_default()),
            Ok(rec) => println!("{}", batchtop::actions::audit_line(&rec)),
            Err(e) => {
                bad += 1;
                eprintln!("batchtop: audit log {}: {e}", path.display());
            }
        }
    }
    if bad > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

async fn tui(cli: &Cli, settings: Arc<config::Settings>) -> ExitCode {
    let session = match session::connect(cli, &settings).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("batchtop: {e}");
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
            eprintln!("batchtop: {e:?}");
            ExitCode::FAILURE
        }
    }
}

async fn snapshot_cmd(
    cli: &Cli,
    settings: Arc<config::Settings>,
    since: std::time::Duration,
    format: Format,
) -> ExitCode {
    let session = match session::connect(cli, &settings).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("batchtop: {e}");
            return ExitCode::from(2);
        }
    };
    let snap = snapshot::take(&session.account, settings, &session.clock, since).await;
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&snapshot::to_json(&snap))
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")),
        Format::Table => snapshot::to_table(&snap),
    };
    println!("{text}");
    if snap.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
