//! tracing to a file in the XDG state dir, never to the terminal.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Start logging to `$XDG_STATE_HOME/batchtop/batchtop.log`. Level from `BATCHTOP_LOG`
/// (e.g. `debug`, `batchtop=trace`), default `info`. Keep the guard alive: it flushes.
/// `to_stderr` (`-v` on a command that prints, never the TUI): the same lines on stderr too,
/// with what the SDK said in full.
pub fn init(to_stderr: bool) -> (Option<WorkerGuard>, Option<PathBuf>) {
    use tracing_subscriber::fmt::writer::MakeWriterExt;
    let dir = crate::paths::state_dir();
    if std::fs::create_dir_all(&dir).is_err() {
        return (None, None);
    }
    let appender = tracing_appender::rolling::never(&dir, "batchtop.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("BATCHTOP_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false);
    let ok = match to_stderr {
        true => fmt.with_writer(writer.and(std::io::stderr)).try_init().is_ok(),
        false => fmt.with_writer(writer).try_init().is_ok(),
    };
    if ok { (Some(guard), Some(dir.join("batchtop.log"))) } else { (None, None) }
}
