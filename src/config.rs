//! config.toml: every option batchtop reads, validated with file, line and column.

pub mod contexts;
pub mod eventlog;
pub mod extras;
mod position;
mod sections;
pub mod skins;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::keymap::{KeyList, Keymap};
pub use crate::streams::StreamsSection;
pub use eventlog::EventlogSection;
pub use sections::{
    AwsSection, CostSection, CrawlersSection, DataQualitySection, HumanDuration, LogsSection, PollSection,
};

/// The whole file. Unknown keys are errors, not silently ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub read_only: bool,
    /// A skin name, or a `[theme]` table (skin, colors, per_context).
    pub theme: skins::ThemeConfig,
    pub aws: AwsSection,
    /// Several (profile, Region) pairs to watch at once.
    pub contexts: Vec<contexts::ContextEntry>,
    pub poll: PollSection,
    pub streams: StreamsSection,
    pub crawlers: CrawlersSection,
    pub eventlog: EventlogSection,
    pub data_quality: DataQualitySection,
    pub cost: CostSection,
    pub logs: LogsSection,
    pub keymap: BTreeMap<String, Spanned<KeyList>>,
    /// The pane batchtop starts on (default: the inbox when something is open, else jobs).
    pub start_pane: Option<String>,
    /// Root-cause rules of one's own, tried before the built-in ones.
    pub triage: crate::triage::TriageSection,
    /// Other words for `:` commands: `prod-fail = "jobs state:FAILED ctx:prod"`.
    pub aliases: BTreeMap<String, Spanned<String>>,
    /// Keys that run a `:` command.
    pub hotkeys: Vec<extras::HotkeyEntry>,
    /// Commands of one's own on the selected row.
    pub plugins: Vec<extras::PluginEntry>,
    /// Incident notes (`ctrl-s`, `batchtop report`).
    pub report: extras::ReportSection,
}

/// A config problem, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {key}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// Dotted key, e.g. `poll.glue_runs`.
    pub key: String,
    pub message: String,
}

/// What the rest of the program uses: the parsed file plus derived, validated parts.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    pub keymap: Keymap,
    pub stream_regex: Option<Regex>,
    pub source: Option<PathBuf>,
    /// The root-cause rules (built in, then `[[triage.rules]]`), compiled once, and the
    /// inbox's thresholds.
    pub triage: Arc<(crate::triage::Rules, crate::triage::inbox::Limits)>,
    /// `[aliases]`, `[[hotkeys]]` and `[[plugins]]`, checked.
    pub extras: extras::Extras,
    /// The skins named in the config that are files (`skins/NAME.toml`), read and checked.
    pub skins: BTreeMap<String, skins::Skin>,
}

impl Settings {
    pub fn defaults() -> Settings {
        let triage = Arc::new((crate::triage::Rules::builtin(), crate::triage::inbox::Limits::default()));
        let (config, keymap, extras) = (Config::default(), Keymap::defaults(), Default::default());
        Settings { config, keymap, stream_regex: None, source: None, triage, extras, skins: BTreeMap::new() }
    }

    /// Read-only mode: the mutating actions are not bound and the dangerous plugins are gone.
    pub fn read_only(mut self) -> Settings {
        self.keymap = self.keymap.read_only();
        self.extras.plugins.retain(|p| !p.dangerous);
        self
    }

    /// Check the words of aliases and hotkeys against the `:` commands (`is_command`, from
    /// the pane registry above this layer), located like every other config error.
    pub fn check_commands(self, is_command: &dyn Fn(&str) -> bool) -> Result<Settings, ConfigError> {
        match self.extras.check_commands(is_command) {
            Ok(()) => Ok(self),
            Err((key, (line, column), message)) => {
                Err(ConfigError { path: self.extras.origin.clone(), line, column, key, message })
            }
        }
    }

    /// The stream a job belongs to: its tag first, then the name regex.
    pub fn stream_of(&self, job_name: &str, tags: &BTreeMap<String, String>) -> Option<String> {
        if let Some(v) = tags.get(&self.config.streams.tag_key) {
            return Some(v.clone());
        }
        self.stream_by_name(job_name)
    }

    /// The stream a name maps to by the name regex alone (workflows, crawlers, tables).
    pub fn stream_by_name(&self, job_name: &str) -> Option<String> {
        let re = self.stream_regex.as_ref()?;
        let caps = re.captures(job_name)?;
        caps.name("stream").or_else(|| caps.get(1)).or_else(|| caps.get(0)).map(|m| m.as_str().to_string())
    }
}

/// What is wrong with `[streams]`: where in `text`, the dotted key and the message.
fn streams_error(text: &str, streams: &StreamsSection) -> Result<(), (usize, String, String)> {
    let m = match streams.check() {
        Ok(()) => return Ok(()),
        Err(m) => m,
    };
    let key = m.split(':').next().unwrap_or("streams").to_string();
    let leaf = key.rsplit('.').next().unwrap_or("streams");
    let at = text.find(&format!("{leaf} =")).or_else(|| text.find("[streams")).unwrap_or(0);
    let message = m.split_once(": ").map(|(_, r)| r.to_string()).unwrap_or(m.clone());
    Err((at, key, message))
}

/// Which file to read: `--config`, then `$BATCHTOP_CONFIG`, then the XDG default.
/// The default may be absent; an explicitly named file must exist.
pub fn locate(flag: Option<&Path>) -> (PathBuf, bool) {
    if let Some(p) = flag {
        return (p.to_path_buf(), true);
    }
    if let Some(p) = std::env::var_os("BATCHTOP_CONFIG").filter(|v| !v.is_empty()) {
        return (PathBuf::from(p), true);
    }
    (crate::paths::config_dir().join("config.toml"), false)
}

/// Load and validate the config file named by the CLI/env, or the defaults.
pub fn load(flag: Option<&Path>) -> Result<Settings, ConfigError> {
    let (path, required) = locate(flag);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text, &path.display().to_string()).map(|mut s| {
            s.source = Some(path);
            s
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(Settings::defaults()),
        Err(e) => Err(ConfigError {
            path: path.display().to_string(),
            line: 0,
            column: 0,
            key: "-".into(),
            message: format!("cannot read config file: {e}"),
        }),
    }
}

/// Parse config text; `path` only labels errors.
/// The `[poll]` counts that must be at least 1: the key and where it is when one is not.
fn check_poll(poll: &PollSection, text: &str) -> Result<(), (&'static str, usize)> {
    let at = |key: &str| text.find(key).unwrap_or(0);
    if poll.max_concurrency == 0 || poll.max_concurrency_total == 0 {
        return Err(("poll.max_concurrency", at("max_concurrency")));
    }
    if poll.glue_calls_per_minute == 0 {
        return Err(("poll.glue_calls_per_minute", at("glue_calls_per_minute")));
    }
    Ok(())
}

pub fn parse(text: &str, path: &str) -> Result<Settings, ConfigError> {
    use position::{key_at, line_col, qualify, unknown_field};
    let located = |span: std::ops::Range<usize>, key: Option<String>, message: String| {
        let (line, column) = line_col(text, span.start);
        let key = key.unwrap_or_else(|| key_at(text, span.start));
        ConfigError { path: path.to_string(), line, column, key, message }
    };
    let config: Config = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let mut message = e.message().trim().to_string();
        if message.contains("untagged enum ThemeConfig") {
            message =
                "theme is a skin name (theme = \"dark\") or a [theme] table of skin, colors and per_context".into();
        }
        let key = unknown_field(&message).map(|f| qualify(text, span.start, f));
        located(span, key, message)
    })?;
    let stream_regex = match &config.streams.name_regex {
        Some(re) => Some(Regex::new(re.get_ref()).map_err(|e| {
            let msg = e.to_string().lines().last().unwrap_or("invalid regex").trim().to_string();
            located(re.span(), Some("streams.name_regex".into()), format!("invalid regex: {msg}"))
        })?),
        None => None,
    };
    let mut plain = BTreeMap::new();
    for (action, keys) in &config.keymap {
        if crate::keymap::Action::from_name(action).is_none() {
            return Err(located(keys.span(), Some(format!("keymap.{action}")), crate::keymap::unknown_action(action)));
        }
        plain.insert(action.clone(), keys.get_ref().clone());
    }
    let keymap = Keymap::build(&plain).map_err(|m| {
        let first = config.keymap.values().next().map(|k| k.span()).unwrap_or(0..0);
        located(first, Some("keymap".into()), m)
    })?;
    if let Err(m) = contexts::resolve((None, None), &config.contexts, (None, None), None) {
        let at = text.find("[[contexts]]").unwrap_or(0);
        return Err(located(at..at, Some("contexts".into()), m));
    }
    let rules = crate::triage::Rules::from_section(&config.triage).map_err(|e| {
        let at = text.find("[[triage.rules]]").unwrap_or(0);
        located(at..at, Some("triage.rules".into()), e.to_string())
    })?;
    let limits = config.triage.limits(config.crawlers.stale_after.0).map_err(|m| {
        let at = text.find("[triage]").unwrap_or(0);
        located(at..at, Some("triage".into()), m)
    })?;
    streams_error(text, &config.streams).map_err(|(at, key, m)| located(at..at, Some(key), m))?;
    check_poll(&config.poll, text)
        .map_err(|(key, at)| located(at..at, Some(key.into()), "must be at least 1".into()))?;
    if config.logs.ring_lines == 0 || config.logs.filter_log_events_per_s == 0 || config.logs.get_log_events_per_s == 0
    {
        let at = text.find("[logs]").unwrap_or(0);
        return Err(located(at..at, Some("logs".into()), "ring_lines and the rates must be at least 1".into()));
    }
    check_cost(&config.cost, text, &located)?;
    let line_col = |at: usize| line_col(text, at);
    let extras = extras::check((&config.aliases, &config.hotkeys, &config.plugins), &keymap, &line_col)
        .map(|e| extras::Extras { origin: path.to_string(), ..e })
        .map_err(|(span, key, message)| located(span, Some(key), message))?;
    let skins = load_skins(&config, text, path)?;
    let triage = Arc::new((rules, limits));
    Ok(Settings { config, keymap, stream_regex, source: None, triage, extras, skins })
}

/// The skins the config names that are not built in, from `skins/` next to the config file.
fn load_skins(config: &Config, text: &str, path: &str) -> Result<BTreeMap<String, skins::Skin>, ConfigError> {
    // At the quoted value, else at the `theme` key.
    let at = |key: &str, value: &str, message: String| {
        let offset = text.find(&format!("\"{value}\"")).or_else(|| text.find("theme")).unwrap_or(0);
        let (line, column) = position::line_col(text, offset);
        ConfigError { path: path.to_string(), line, column, key: key.to_string(), message }
    };
    let colors = config.theme.colors();
    if !skins::COLOR_SETTINGS.contains(&colors) {
        let message = format!("`{colors}`: use one of {}", skins::COLOR_SETTINGS.join(", "));
        return Err(at("theme.colors", colors, message));
    }
    let dir = Path::new(path).parent().unwrap_or(Path::new("")).join("skins");
    let mut out = BTreeMap::new();
    for (name, key) in skins::named(&config.theme, &config.contexts) {
        if skins::BUILTIN.contains(&name.as_str()) || out.contains_key(&name) {
            continue;
        }
        if name.is_empty() || name.contains(['/', '\\', '.']) {
            return Err(at(
                &key,
                &name,
                format!("`{name}` is not a skin name (dark, light, mono, or a file in skins/)"),
            ));
        }
        let skin = skins::load(&dir, &name).map_err(|(file, (line, column, k, message))| match line {
            0 => at(&key, &name, message),
            _ => ConfigError { path: file, line, column, key: k, message },
        })?;
        out.insert(name, skin);
    }
    Ok(out)
}

/// `[cost]`: at most two tag keys, none empty, 1 to 365 days, prices of at least 0.
fn check_cost(
    cost: &CostSection,
    text: &str,
    located: &dyn Fn(std::ops::Range<usize>, Option<String>, String) -> ConfigError,
) -> Result<(), ConfigError> {
    let bad = |key: &str, message: &str| {
        let at = text.find(key).unwrap_or(0);
        Err(located(at..at, Some(format!("cost.{key}")), message.into()))
    };
    if cost.group_by.len() > 2 {
        return bad("group_by", "Cost Explorer groups by at most two keys");
    }
    if cost.group_by.iter().any(|k| k.trim().is_empty()) {
        return bad("group_by", "a tag key cannot be empty");
    }
    if !(1..=365).contains(&cost.days) {
        return bad("days", "must be between 1 and 365");
    }
    for (key, price) in [
        ("glue_dpu_hour", cost.glue_dpu_hour),
        ("emr_vcpu_hour", cost.emr_vcpu_hour),
        ("emr_gb_hour", cost.emr_gb_hour),
        ("emr_storage_gb_hour", cost.emr_storage_gb_hour),
    ] {
        if !price.is_finite() || price < 0.0 {
            return bad(key, "a price must be a number of at least 0");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_from_tag_then_regex() {
        let s = parse("[streams]\ntag_key = \"stream\"\nname_regex = \"^(?P<stream>[a-z]+)_\"\n", "t").expect("valid");
        let mut tags = BTreeMap::new();
        assert_eq!(s.stream_of("orders_curate", &tags).as_deref(), Some("orders"));
        tags.insert("stream".into(), "payments".into());
        assert_eq!(s.stream_of("orders_curate", &tags).as_deref(), Some("payments"));
        assert_eq!(Settings::defaults().stream_of("orders_curate", &BTreeMap::new()), None);
    }
}
