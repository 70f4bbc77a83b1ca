//! XDG base directories (config, state), with the usual fallbacks under $HOME.

use std::path::PathBuf;

fn base(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() && PathBuf::from(&v).is_absolute() => PathBuf::from(v),
        _ => {
            let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
            home.join(fallback)
        }
    }
}

/// `$XDG_CONFIG_HOME/batchtop`.
pub fn config_dir() -> PathBuf {
    base("XDG_CONFIG_HOME", ".config").join("batchtop")
}

/// `$XDG_STATE_HOME/batchtop` (logs, later the audit log).
pub fn state_dir() -> PathBuf {
    base("XDG_STATE_HOME", ".local/state").join("batchtop")
}

/// `$XDG_CACHE_HOME/batchtop` (Cost Explorer results).
pub fn cache_dir() -> PathBuf {
    base("XDG_CACHE_HOME", ".cache").join("batchtop")
}
