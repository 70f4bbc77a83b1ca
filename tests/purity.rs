//! `update` and the state it changes read no clock and no environment: the time comes in
//! with `Msg::Tick`, the state dir and the session id in the context. Checked on the source,
//! so a new `Utc::now()` in the update path fails here rather than in a flaky snapshot.

use std::path::Path;

const FORBIDDEN: &[&str] =
    &["Utc::now", "SystemTime", "Instant::now", "std::env", "env::var", "paths::state_dir", "actions::client_token"];

/// The update path: everything `update` calls, and the state it changes.
fn update_path() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> =
        ["update.rs", "nav.rs", "actions.rs", "logs.rs", "quality.rs", "eventlog.rs", "plugins.rs", "report.rs"]
            .iter()
            .map(|f| Path::new("src/app").join(f))
            .collect();
    let mut dirs = vec![Path::new("src/state").to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("src/state").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files
}

#[test]
fn update_reads_no_clock_and_no_environment() {
    let mut found = Vec::new();
    for f in update_path() {
        let text = std::fs::read_to_string(&f).expect("read source");
        // Unit tests may read the clock.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if let Some(bad) = FORBIDDEN.iter().find(|b| line.contains(*b)) {
                found.push(format!("{}:{}: {bad}", f.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "the update path reads a clock or the environment:\n{}", found.join("\n"));
}
