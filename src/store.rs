//! The inbox's acknowledgements and mutes on disk: JSON in the state dir, mode 0600,
//! written atomically (a temporary file renamed over the old one).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::triage::inbox::Marks;

/// `<state dir>/triage.json`.
pub fn marks_path(state_dir: &Path) -> PathBuf {
    state_dir.join("triage.json")
}

/// The marks saved before; none when there is no file yet.
pub fn read_marks(path: &Path) -> Result<Marks, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            format!("{} is not valid ({e}); acknowledgements start empty, the file is kept", path.display())
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Marks::default()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Write `contents` to `path` atomically, readable by the owner only.
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip_privately_and_a_bad_file_says_so() {
        let dir = std::env::temp_dir().join(format!("batchtop-store-{}", std::process::id()));
        let path = marks_path(&dir);
        assert_eq!(read_marks(&path), Ok(Marks::default()));
        let mut m = Marks::default();
        m.mutes.insert("1/eu-west-1/glue_job:x".into(), chrono::Utc::now());
        write_private(&path, &serde_json::to_string(&m).expect("json")).expect("write");
        assert_eq!(read_marks(&path), Ok(m));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "{not json").expect("write");
        assert!(read_marks(&path).unwrap_err().contains("not valid"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
