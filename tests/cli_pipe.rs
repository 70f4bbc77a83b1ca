//! Output to a closed pipe (`batchtop ... | head -c0`) ends quietly for every command that
//! prints: no panic, no "Broken pipe" message.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};

use support::cli::Env;

/// Run batchtop with `args`, its stdout a pipe closed before it writes; its stderr.
fn run_into_closed_pipe(env: &Env, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_batchtop"))
        .env_clear()
        .env("HOME", &env.dir)
        .env("XDG_STATE_HOME", env.dir.join("state"))
        .env("XDG_CONFIG_HOME", env.dir.join("config"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run batchtop");
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("read stderr");
    let status = child.wait().expect("wait");
    (status.code(), err)
}

#[test]
fn every_printing_command_ends_quietly_on_a_closed_pipe() {
    let env = Env::new("pipe");
    let log = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spark-compare/run-a");
    let other = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spark-compare/run-b");
    let commands: [&[&str]; 6] = [
        &["--demo", "snapshot"],
        &["--demo", "snapshot", "--format", "table"],
        &["--demo", "check"],
        &["eventlog", "summarize", log],
        &["eventlog", "summarize", "--json", log],
        &["eventlog", "compare", log, other],
    ];
    for args in commands {
        let (code, err) = run_into_closed_pipe(&env, args);
        assert_ne!(code, Some(101), "{args:?} panicked: {err}");
        assert!(code.is_some(), "{args:?} was killed by a signal");
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
    }
}
