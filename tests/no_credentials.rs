//! A new user without AWS credentials: `snapshot` and `check` say so in one line per
//! profile, then how to try batchtop without an account. No SDK Debug chains, no empty
//! tables, nothing on stdout. `-v` shows the detail. The real binary, no emulator needed
//! (nothing is sent: the credential chain fails first).

mod support;

use std::process::Output;

use support::cli::Env;

/// Two profiles that exist but hold no credentials.
fn env_with_two_profiles(tag: &str) -> Env {
    let env = Env::new(tag);
    let config = "[profile prod]\nregion = eu-west-1\n\n[profile staging]\nregion = us-east-1\n";
    std::fs::write(env.dir.join("aws-config"), config).expect("aws config");
    env
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr).lines().map(str::to_string).collect()
}

/// Every line is one readable line: no Rust Debug, no SDK plumbing.
fn assert_readable(lines: &[String]) {
    for l in lines {
        assert!(l.starts_with("batchtop: "), "{l}");
        for debug in ["DispatchFailure", "ConnectorError", "CredentialsNotLoaded", "Attempted", "{ ", "Some("] {
            assert!(!l.contains(debug), "Debug text `{debug}` on screen: {l}");
        }
        assert!(l.chars().count() < 240, "one line, not a page: {l}");
    }
}

#[test]
fn snapshot_without_credentials_is_one_line_and_the_demo_hint() {
    let env = Env::new("nocreds-one");
    for format in ["json", "table"] {
        let args = ["snapshot", "--format", format, "--endpoint-url", "http://127.0.0.1:9", "--region", "eu-west-1"];
        let out = env.run(&args, None);
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty(), "{format}: {}", String::from_utf8_lossy(&out.stdout));
        let lines = lines(&out);
        assert_eq!(lines.len(), 2, "{format}: one line for the profile, one for the demo: {lines:#?}");
        assert_readable(&lines);
        assert!(lines[0].contains("no AWS credentials found for profile default"), "{}", lines[0]);
        assert!(lines[0].contains("aws configure") && lines[0].contains("aws sso login"), "{}", lines[0]);
        assert!(lines[1].contains("batchtop --demo"), "{}", lines[1]);
    }
}

#[test]
fn two_profiles_without_credentials_are_two_lines_and_the_demo_hint() {
    let env = env_with_two_profiles("nocreds-two");
    for cmd in ["snapshot", "check"] {
        let out = env.run(&[cmd, "--profile", "prod,staging", "--endpoint-url", "http://127.0.0.1:9"], None);
        let lines = lines(&out);
        assert_eq!(lines.len(), 3, "{cmd}: {lines:#?}");
        assert_readable(&lines);
        assert!(lines[0].contains("prod") && lines[1].contains("staging"), "{cmd}: {lines:#?}");
        assert!(lines[2].contains("batchtop --demo"), "{cmd}: {lines:#?}");
        assert!(out.stdout.is_empty(), "{cmd}: {}", String::from_utf8_lossy(&out.stdout));
        // check: 3 is "batchtop could not read a source"; snapshot: 2, could not run.
        assert_eq!(out.status.code(), Some(if cmd == "check" { 3 } else { 2 }), "{cmd}");
    }
}

#[test]
fn check_without_credentials_is_one_line_and_the_demo_hint() {
    let env = Env::new("nocreds-check");
    let out = env.run(&["check", "--endpoint-url", "http://127.0.0.1:9", "--region", "eu-west-1"], None);
    assert_eq!(out.status.code(), Some(3));
    let lines = lines(&out);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert_readable(&lines);
}

#[test]
fn no_region_is_one_line_and_the_demo_hint() {
    let env = Env::new("noregion");
    let out = env.run(&["check"], None);
    assert_eq!(out.status.code(), Some(3));
    let lines = lines(&out);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].contains("no AWS region configured") && lines[1].contains("batchtop --demo"), "{lines:#?}");
}

#[test]
fn verbose_shows_what_the_sdk_tried() {
    let env = Env::new("nocreds-v");
    let out = env.run(&["-v", "snapshot", "--endpoint-url", "http://127.0.0.1:9", "--region", "eu-west-1"], None);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("Environment") && text.contains("credential"), "{text}");
    // The lines for the person are still there, last.
    assert!(text.trim_end().ends_with("-v shows the details"), "{text}");
}
