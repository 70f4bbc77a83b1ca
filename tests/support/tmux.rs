//! Driving the real binary in a real terminal: a private tmux server per test.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    dir: PathBuf,
}

impl Tmux {
    /// A private tmux server for this test (its own socket), cleaned up on drop with `dir`.
    pub fn new(tag: &str, dir: PathBuf) -> Self {
        Tmux { socket: format!("batchtop-{tag}-{}", std::process::id()), dir }
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux must be installed for this test");
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    pub fn text(&self, text: &str) {
        self.run(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Wait until the screen satisfies `pred`; panic with the screen after 15 s.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(15) {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A config in `dir` (as `XDG_CONFIG_HOME`) that starts on the jobs pane, for tests about
/// the panes rather than the first screen.
pub fn jobs_first(dir: &std::path::Path) {
    std::fs::create_dir_all(dir.join("batchtop")).expect("config dir");
    std::fs::write(dir.join("batchtop/config.toml"), "start_pane = \"jobs\"\n").expect("config");
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
