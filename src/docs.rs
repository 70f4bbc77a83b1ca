//! `batchtop completions SHELL` and `batchtop man`: generated from the clap definitions in
//! `cli.rs`, so they cannot drift from `--help` (tests/docs.rs keeps snapshots of both).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, Command};

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> String {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "batchtop", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The command line as the man pages describe it: the plain version (the commit and build
/// date of `--version` would make every build's page differ).
fn command() -> clap::Command {
    Cli::command().long_version(None::<&str>)
}

/// The man page of batchtop (roff).
pub fn man() -> std::io::Result<String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command()).render(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// batchtop.1 and one page per command into `dir` (created if needed); the files written.
pub fn man_pages(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(command(), dir)?;
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "1"))
        .collect();
    files.sort();
    Ok(files)
}

/// Handle `completions` and `man` before anything else is read (a broken config must not
/// stop them); `None` for every other command.
pub fn run(cli: &Cli) -> Option<ExitCode> {
    let text = match &cli.command {
        Some(Command::Completions { shell }) => Ok(completions(*shell)),
        Some(Command::Man { dir: None }) => man(),
        Some(Command::Man { dir: Some(dir) }) => {
            return Some(match man_pages(dir) {
                Ok(files) => {
                    files.iter().for_each(|f| println!("{}", f.display()));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("batchtop: cannot write man pages to {}: {e}", dir.display());
                    ExitCode::FAILURE
                }
            });
        }
        _ => return None,
    };
    Some(match text {
        // Not print!: a closed pipe (`| head`) ends the output, it is no panic.
        Ok(t) => {
            let _ = std::io::stdout().lock().write_all(t.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("batchtop: cannot render the man page: {e}");
            ExitCode::FAILURE
        }
    })
}
