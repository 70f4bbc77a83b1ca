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

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
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
