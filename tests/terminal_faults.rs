//! Terminal faults in a real terminal (tmux): ctrl-z suspends to the shell and `fg` brings
//! the screen back, redrawn; `kill -TSTP` does the same; a storm of 100 resizes in a second
//! leaves a correct frame.

mod support;

use support::tmux::Tmux;

/// The demo on the jobs pane, started from an interactive shell (job control on).
fn demo_in_a_shell(tag: &str) -> (Tmux, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("batchtop-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    support::tmux::jobs_first(&dir);
    let tmux = Tmux::new(tag, dir.clone());
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "env PS1='$ ' bash --norc --noprofile -i"]);
    tmux.wait_for("the shell", |s| s.contains("$"));
    let bin = env!("CARGO_BIN_EXE_batchtop");
    tmux.text(&format!("XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} BATCHTOP_CONFIG= {bin} --demo", d = dir.display()));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the jobs table", |s| s.contains("Glue jobs [30/30]"));
    (tmux, dir)
}

fn alternate(tmux: &Tmux) -> String {
    tmux.run(&["display", "-p", "-t", "e2e", "#{alternate_on}"]).trim().to_string()
}

#[test]
fn ctrl_z_suspends_and_fg_redraws() {
    let (tmux, _dir) = demo_in_a_shell("suspend");
    tmux.keys(&["C-z"]);
    let s = tmux.wait_for("the shell's prompt", |s| s.contains("Stopped"));
    assert!(!s.contains("Glue jobs"), "the terminal was given back:\n{s}");
    assert_eq!(alternate(&tmux), "0");
    tmux.text("fg");
    tmux.keys(&["Enter"]);
    let s = tmux.wait_for("the jobs table again", |s| s.contains("Glue jobs [30/30]") && s.contains("DEMO"));
    assert!(!s.contains("Stopped"), "every cell redrawn:\n{s}");
    assert_eq!(alternate(&tmux), "1");
    // A SIGTSTP from outside suspends the same way.
    tmux.text("");
    let pid = tmux.run(&["display", "-p", "-t", "e2e", "#{pane_pid}"]);
    let child = std::process::Command::new("pgrep").args(["-P", pid.trim(), "batchtop"]).output().expect("pgrep");
    let child = String::from_utf8_lossy(&child.stdout).trim().to_string();
    assert!(!child.is_empty(), "batchtop runs under the shell");
    std::process::Command::new("kill").args(["-TSTP", &child]).status().expect("kill");
    tmux.wait_for("stopped by SIGTSTP", |s| s.contains("Stopped") && !s.contains("Glue jobs"));
    tmux.text("fg");
    tmux.keys(&["Enter"]);
    tmux.wait_for("back again", |s| s.contains("Glue jobs [30/30]"));
    tmux.keys(&["q"]);
    tmux.wait_for("the shell after quitting", |s| !s.contains("Glue jobs"));
}

#[test]
fn a_storm_of_resizes_leaves_a_correct_frame() {
    let (tmux, _dir) = demo_in_a_shell("resize");
    for i in 0..100 {
        let (w, h) = if i % 2 == 0 { (80 + i % 37, 24 + i % 11) } else { (150 - i % 23, 50 - i % 13) };
        tmux.run(&["resize-window", "-t", "e2e", "-x", &w.to_string(), "-y", &h.to_string()]);
    }
    tmux.run(&["resize-window", "-t", "e2e", "-x", "100", "-y", "30"]);
    let s = tmux.wait_for("a frame at 100x30", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() == 30 && lines.iter().any(|l| l.contains("Glue jobs [30/30]")) && lines[29].contains("DEMO")
    });
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines.iter().all(|l| l.chars().count() <= 100), "{s}");
    // The same as a fresh draw at that size: quit and start again at 100x30, compare the frames.
    let settled = s.clone();
    tmux.keys(&["q"]);
    tmux.wait_for("the shell", |s| !s.contains("Glue jobs"));
    tmux.keys(&["Up", "Enter"]);
    let fresh = tmux.wait_for("a fresh frame", |s| s.contains("Glue jobs [30/30]") && s.lines().count() == 30);
    let rows = |f: &str| f.lines().filter(|l| l.contains("_job") || l.contains("Glue jobs")).count();
    assert_eq!(rows(&settled), rows(&fresh), "settled:\n{settled}\nfresh:\n{fresh}");
    tmux.keys(&["q"]);
}
