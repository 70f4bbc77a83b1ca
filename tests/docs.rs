//! Completions, the man page and `--version`, from the clap definitions: the snapshots change
//! whenever a flag or command does, so they are reviewed with it and never drift from `--help`.

mod support;

use clap_complete::Shell;
use insta::assert_snapshot;
use support::cli::Env;

#[test]
fn completions_for_every_shell() {
    for (shell, name) in [
        (Shell::Bash, "bash"),
        (Shell::Zsh, "zsh"),
        (Shell::Fish, "fish"),
        (Shell::PowerShell, "powershell"),
        (Shell::Elvish, "elvish"),
    ] {
        let script = batchtop::docs::completions(shell);
        // Every command and a flag of each are offered.
        for word in ["snapshot", "check", "report", "completions", "man", "read-only", "since"] {
            assert!(script.contains(word), "{name}: {word} missing");
        }
        assert_snapshot!(format!("completions_{name}"), script);
    }
}

#[test]
fn the_man_page() {
    let page = batchtop::docs::man().expect("renders");
    assert!(page.starts_with(".ie"), "roff");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS", ".SH EXTRA", ".SH VERSION"] {
        assert!(page.contains(section), "{section}");
    }
    assert_snapshot!("man_page", page);
}

#[test]
fn the_binary_prints_them_without_a_config() {
    let env = Env::new("docs");
    // A broken config does not stop completions or the man page.
    let bad = env.dir.join("bad.toml");
    std::fs::write(&bad, "poll = [").expect("write");
    let bad = bad.to_str().expect("utf8");
    let out = env.run(&["--config", bad, "completions", "bash"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), batchtop::docs::completions(Shell::Bash));
    let out = env.run(&["--config", bad, "man"], None);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), batchtop::docs::man().expect("man"));
    let dir = env.dir.join("man1");
    let out = env.run(&["man", "--dir", dir.to_str().expect("utf8")], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for page in
        ["batchtop.1", "batchtop-snapshot.1", "batchtop-check.1", "batchtop-report.1", "batchtop-eventlog-compare.1"]
    {
        assert!(dir.join(page).is_file(), "{page}");
    }
    let out = env.run(&["completions", "tcsh"], None);
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");
}

#[test]
fn version_names_the_commit_and_the_build_date() {
    let env = Env::new("version");
    let out = env.run(&["--version"], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let re =
        regex::Regex::new(r"^batchtop \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,40}|unknown), built \d{4}-\d{2}-\d{2}\)\n$")
            .expect("regex");
    assert!(re.is_match(&text), "{text:?}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")));
    // -V is the short form.
    let out = env.run(&["-V"], None);
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("batchtop {}\n", env!("CARGO_PKG_VERSION")));
}
