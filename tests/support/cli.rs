//! Running the real binary with a clean environment in a temporary home.

use std::process::{Command, Output};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

/// A temporary home for the binary, removed on drop.
pub struct Env {
    pub dir: std::path::PathBuf,
}

impl Env {
    pub fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("batchtop-snap-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self { dir }
    }

    /// Run the binary with a clean environment: only what the test gives it.
    pub fn run(&self, args: &[&str], creds: Option<(&str, &str)>) -> Output {
        self.run_with(args, creds, &[])
    }

    /// As `run`, with these environment variables too.
    pub fn run_with(&self, args: &[&str], creds: Option<(&str, &str)>, vars: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_batchtop"));
        cmd.env_clear()
            .env("HOME", &self.dir)
            .env("XDG_STATE_HOME", self.dir.join("state"))
            .env("XDG_CONFIG_HOME", self.dir.join("config"))
            .env("AWS_CONFIG_FILE", self.dir.join("aws-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", self.dir.join("aws-credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(vars.iter().copied())
            .args(args);
        if let Some((id, secret)) = creds {
            cmd.env("AWS_ACCESS_KEY_ID", id).env("AWS_SECRET_ACCESS_KEY", secret);
        }
        cmd.output().expect("run batchtop")
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An epoch second as the snapshot JSON writes a time (RFC 3339, whole seconds), or null.
pub fn rfc3339(epoch: f64) -> Value {
    DateTime::<Utc>::from_timestamp(epoch as i64, 0)
        .map(|t| json!(t.to_rfc3339_opts(SecondsFormat::Secs, true)))
        .unwrap_or(Value::Null)
}
