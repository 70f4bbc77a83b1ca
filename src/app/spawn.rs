//! Starting a plugin's process. In the background: no terminal, output captured, the exit
//! status and last line reported. In the foreground: the TUI steps aside (input stream
//! stopped, raw mode and the alternate screen left), the plugin owns the terminal until it
//! ends, then the TUI comes back as it was.

use std::process::Stdio;

use ratatui::crossterm::event::EventStream;

use super::msg::{Msg, PluginExit};
use crate::state::plugins::PluginRun;
use crate::terminal::Tui;

/// Output kept from a background plugin: its last line is what the flash line shows.
const KEEP: usize = 64 * 1024;

fn command(run: &PluginRun) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(&run.program);
    cmd.args(&run.args).envs(run.env.iter().map(|(k, v)| (k, v))).kill_on_drop(false);
    cmd
}

/// The last non-empty line of `bytes` (the end of the output only).
fn last_line(bytes: &[u8]) -> Option<String> {
    let tail = &bytes[bytes.len().saturating_sub(KEEP)..];
    let text = String::from_utf8_lossy(tail);
    let line = text.lines().rev().map(str::trim).find(|l| !l.is_empty())?;
    Some(line.chars().take(300).collect())
}

/// Run `run` without a terminal: stdin is empty, stdout and stderr are read.
pub async fn background(run: PluginRun) -> Msg {
    let mut cmd = command(&run);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let result = match cmd.output().await {
        Ok(out) => {
            let last = last_line(&out.stderr).or_else(|| last_line(&out.stdout));
            Ok(PluginExit { code: out.status.code(), last_line: last })
        }
        Err(e) => Err(format!("{}: {e}", run.program)),
    };
    Msg::PluginDone { name: run.name, result }
}

/// Hand the terminal to `run` until it ends, then take it back. `events` is replaced: the
/// old stream stops reading the keyboard, so every key goes to the plugin.
pub async fn foreground(terminal: &mut Tui, events: &mut EventStream, run: PluginRun) -> Msg {
    *events = EventStream::new();
    if let Err(e) = crate::terminal::step_aside() {
        tracing::warn!(error = %e, "leaving the alternate screen");
    }
    // Ctrl-C in the plugin interrupts the plugin, not batchtop (the terminal sends SIGINT to both).
    #[cfg(unix)]
    let _sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
    let mut cmd = command(&run);
    cmd.stdin(Stdio::inherit()).stdout(Stdio::inherit()).stderr(Stdio::inherit());
    let result = match cmd.status().await {
        Ok(status) => Ok(PluginExit { code: status.code(), last_line: None }),
        Err(e) => Err(format!("{}: {e}", run.program)),
    };
    if let Err(e) = crate::terminal::take_back(terminal) {
        tracing::warn!(error = %e, "coming back to the alternate screen");
    }
    Msg::PluginDone { name: run.name, result }
}
