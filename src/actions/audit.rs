//! The audit log: JSON lines in the XDG state dir, mode 0600, one line before each call
//! (intent, flushed to disk first) and one after (outcome or error). A write without an
//! idempotency token that failed ambiguously has two more between them, under the same id:
//! `ambiguous` (the error) and `resolved` (what the read side showed).

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `$XDG_STATE_HOME/batchtop/audit.jsonl`.
pub fn audit_path() -> PathBuf {
    crate::paths::state_dir().join("audit.jsonl")
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// RFC 3339 UTC.
    pub time: String,
    /// `intent` (before the call), `outcome` (after it); after an ambiguous failure of a
    /// write without an idempotency token, also `ambiguous` (`error`: the call's error) and
    /// `resolved` (`outcome`: `{"Found": bool, "RunId", "Checked"}`, or `error` when the
    /// read side could not be asked), between the two.
    pub phase: String,
    /// Joins an intent to its outcome.
    pub id: String,
    /// The caller's ARN (STS GetCallerIdentity), when known.
    pub caller: Option<String>,
    pub account: Option<String>,
    pub profile: Option<String>,
    pub region: String,
    /// The API call, e.g. `glue:StartJobRun`.
    pub command: String,
    pub target: String,
    pub params: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl AuditLog {
    /// Open (or create) the log for appending, readable and writable by the owner only.
    pub fn open(path: &Path) -> io::Result<AuditLog> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            opts.mode(0o600);
            let file = opts.open(path)?;
            // An older file with looser permissions is tightened.
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            Ok(AuditLog { path: path.to_path_buf(), file: Mutex::new(file) })
        }
        #[cfg(not(unix))]
        {
            let file = opts.open(path)?;
            Ok(AuditLog { path: path.to_path_buf(), file: Mutex::new(file) })
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one record and make it durable before returning.
    pub fn write(&self, record: &AuditRecord) -> io::Result<()> {
        let mut line = serde_json::to_string(record).map_err(io::Error::other)?;
        line.push('\n');
        let mut f = self.file.lock().map_err(|_| io::Error::other("audit log lock poisoned"))?;
        f.write_all(line.as_bytes())?;
        f.flush()?;
        f.sync_data()
    }
}

/// One record for people: time, phase, caller, call, target, parameters, result.
pub fn audit_line(r: &AuditRecord) -> String {
    let who = r.caller.as_deref().or(r.account.as_deref()).unwrap_or("?");
    let result = match (&r.outcome, &r.error) {
        (Some(o), _) => format!(" -> {o}"),
        (_, Some(e)) => format!(" -> ERROR {e}"),
        _ => String::new(),
    };
    format!(
        "{} {:<7} {} profile={} region={} {} {} {}{}",
        r.time,
        r.phase,
        who,
        r.profile.as_deref().unwrap_or("default"),
        r.region,
        r.command,
        r.target,
        r.params,
        result
    )
}

/// Every record of the log at `path`; lines that do not parse are returned as errors.
pub fn read_all(path: &Path) -> io::Result<Vec<Result<AuditRecord, String>>> {
    let file = File::open(path)?;
    let mut out = Vec::new();
    for (n, line) in io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&line).map_err(|e| format!("line {}: {e}", n + 1)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_mode_is_0600() {
        let dir = std::env::temp_dir().join(format!("batchtop-audit-unit-{}", std::process::id()));
        let path = dir.join("audit.jsonl");
        let log = AuditLog::open(&path).expect("open");
        let rec = AuditRecord {
            time: "2026-11-24T12:00:00Z".into(),
            phase: "intent".into(),
            id: "a1".into(),
            caller: Some("arn:aws:iam::1:user/x".into()),
            account: Some("1".into()),
            profile: None,
            region: "eu-west-1".into(),
            command: "glue:StartJobRun".into(),
            target: "job j".into(),
            params: serde_json::json!({"JobName": "j"}),
            outcome: None,
            error: None,
        };
        log.write(&rec).expect("write");
        log.write(&AuditRecord {
            phase: "outcome".into(),
            outcome: Some(serde_json::json!({"JobRunId": "jr_1"})),
            ..rec.clone()
        })
        .expect("write");
        let back = read_all(&path).expect("read");
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].as_ref().expect("parses"), &rec);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
