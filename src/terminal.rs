//! Raw mode and the alternate screen, always given back: on exit, on error, on panic.

use std::io::{self, Stdout};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// color-eyre's report and panic hooks, with the terminal restored before either prints.
pub fn install_hooks() -> color_eyre::Result<()> {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().display_env_section(false).into_hooks();
    eyre_hook.install()?;
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = restore();
        panic_hook(info);
    }));
    Ok(())
}

/// Enter the TUI. The guard restores the terminal when dropped, whatever happens.
pub fn enter() -> io::Result<(Tui, Guard)> {
    enable_raw_mode()?;
    let guard = Guard;
    execute!(io::stdout(), EnterAlternateScreen, Hide)?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((terminal, guard))
}

/// Step aside for a program that needs the terminal (a foreground plugin): as `restore`.
pub fn step_aside() -> io::Result<()> {
    restore()
}

/// Take the terminal back after `step_aside`, and draw everything anew at the next frame
/// (not `Terminal::clear`, which asks the terminal for the cursor position while the event
/// reader may take the answer). Both buffers blank: the next frame is compared with nothing,
/// so every cell is drawn.
pub fn take_back(terminal: &mut Tui) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, Hide, Clear(ClearType::All))?;
    terminal.swap_buffers();
    Ok(())
}

/// Suspend batchtop like any terminal program (ctrl-z, or a SIGTSTP from outside): give the
/// terminal back, stop until the shell continues it (`fg`), then take the terminal again and
/// draw everything anew.
#[cfg(unix)]
pub fn suspend(terminal: &mut Tui) -> io::Result<()> {
    step_aside()?;
    // SIGSTOP, not SIGTSTP: batchtop listens to SIGTSTP itself. Returns once continued.
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
    take_back(terminal)
}

#[cfg(not(unix))]
pub fn suspend(_terminal: &mut Tui) -> io::Result<()> {
    Ok(())
}

pub fn restore() -> io::Result<()> {
    let raw = disable_raw_mode();
    execute!(io::stdout(), LeaveAlternateScreen, Show)?;
    raw
}

/// Put `text` on the clipboard of the terminal the user sits at (OSC 52): works over SSH
/// and in tmux (with `set-clipboard on`), needs no X server or clipboard tool.
pub fn copy_to_clipboard(text: &str) -> io::Result<()> {
    use std::io::Write;
    let mut out = io::stdout();
    write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()))?;
    out.flush()
}

/// Standard base64 with padding (as OSC 52 takes it).
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Restores the terminal on drop (normal exit and `?` errors alike).
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = restore();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, enc) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(super::base64(plain.as_bytes()), enc);
        }
    }
}
