//! Skins: `theme = "dark"`, or a `[theme]` table naming a skin, the colours the terminal
//! has, and a skin per context (so prod can look different). A skin is built in (`dark`,
//! `light`, `mono`) or a TOML file `skins/NAME.toml` next to the config file, read and
//! checked when the config loads, with file, line and column on a problem.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// The skins batchtop has without a file.
pub const BUILTIN: [&str; 3] = ["dark", "light", "mono"];

/// The roles a skin colours, in the order the docs list them.
pub const ROLES: [&str; 9] = ["title", "header", "selected", "dim", "border", "error", "warn", "badge", "spark"];

/// `theme = "NAME"` or a `[theme]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ThemeConfig {
    Name(String),
    Table(ThemeSection),
}

impl Default for ThemeConfig {
    fn default() -> Self {
        ThemeConfig::Name("dark".into())
    }
}

impl From<&str> for ThemeConfig {
    fn from(name: &str) -> Self {
        ThemeConfig::Name(name.into())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeSection {
    /// The skin (default `dark`).
    pub skin: Option<String>,
    /// What the terminal can show: `auto` (from COLORTERM and TERM), `truecolor`, `256`,
    /// `16` or `none`. NO_COLOR (set and not empty) always means `none`.
    pub colors: Option<String>,
    /// A skin per context, by context name or profile: `{ prod = "alert" }`.
    pub per_context: BTreeMap<String, String>,
}

impl ThemeConfig {
    /// The skin for every context without its own.
    pub fn skin(&self) -> &str {
        match self {
            ThemeConfig::Name(n) => n,
            ThemeConfig::Table(t) => t.skin.as_deref().unwrap_or("dark"),
        }
    }

    /// `colors` as written (`auto` when not).
    pub fn colors(&self) -> &str {
        match self {
            ThemeConfig::Table(ThemeSection { colors: Some(c), .. }) => c,
            _ => "auto",
        }
    }

    pub fn per_context(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            ThemeConfig::Table(t) => Some(&t.per_context),
            ThemeConfig::Name(_) => None,
        }
    }
}

/// The colours a terminal shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColorDepth {
    #[default]
    TrueColor,
    Ansi256,
    Ansi16,
    /// NO_COLOR, or `colors = "none"`: bold, reverse and underline only.
    None,
}

impl ColorDepth {
    /// What `colors` says; `auto` decides from NO_COLOR, COLORTERM and TERM as given (read by
    /// the caller, once, at start).
    pub fn resolve(setting: &str, no_color: Option<&str>, colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return ColorDepth::None;
        }
        match setting {
            "truecolor" | "24bit" => ColorDepth::TrueColor,
            "256" => ColorDepth::Ansi256,
            "16" => ColorDepth::Ansi16,
            "none" => ColorDepth::None,
            _ => match (colorterm.unwrap_or(""), term.unwrap_or("")) {
                (ct, _) if ct.contains("truecolor") || ct.contains("24bit") => ColorDepth::TrueColor,
                (_, t) if t.contains("256") || t.contains("direct") => ColorDepth::Ansi256,
                (_, "dumb") => ColorDepth::None,
                (_, "") => ColorDepth::TrueColor,
                _ => ColorDepth::Ansi16,
            },
        }
    }
}

/// `colors` values.
pub const COLOR_SETTINGS: [&str; 6] = ["auto", "truecolor", "24bit", "256", "16", "none"];

/// One role's look: colours by name (`red`, `lightblue`, `darkgray`), number (`0`..`255`) or
/// `#rrggbb`, and modifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StyleSpec {
    pub fg: Option<String>,
    pub bg: Option<String>,
    pub bold: bool,
    pub italic: bool,
    pub underlined: bool,
    pub reversed: bool,
}

/// A skin file: a built-in skin to start from, then the roles it changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Skin {
    /// `dark` (default), `light` or `mono`.
    pub base: Option<String>,
    pub title: Option<StyleSpec>,
    pub header: Option<StyleSpec>,
    pub selected: Option<StyleSpec>,
    pub dim: Option<StyleSpec>,
    pub border: Option<StyleSpec>,
    pub error: Option<StyleSpec>,
    pub warn: Option<StyleSpec>,
    pub badge: Option<StyleSpec>,
    pub spark: Option<StyleSpec>,
}

impl Skin {
    /// Every role it sets, with its name.
    pub fn roles(&self) -> [(&'static str, Option<&StyleSpec>); 9] {
        [
            ("title", self.title.as_ref()),
            ("header", self.header.as_ref()),
            ("selected", self.selected.as_ref()),
            ("dim", self.dim.as_ref()),
            ("border", self.border.as_ref()),
            ("error", self.error.as_ref()),
            ("warn", self.warn.as_ref()),
            ("badge", self.badge.as_ref()),
            ("spark", self.spark.as_ref()),
        ]
    }
}

/// Whether `text` is a colour ratatui understands.
pub fn is_color(text: &str) -> bool {
    text.parse::<ratatui::style::Color>().is_ok()
}

/// Every skin the config names (the global one, `per_context`, `[[contexts]] skin`), with
/// the dotted key that names it.
pub fn named(theme: &ThemeConfig, contexts: &[super::contexts::ContextEntry]) -> Vec<(String, String)> {
    let mut out = vec![(theme.skin().to_string(), "theme".to_string())];
    for (who, skin) in theme.per_context().into_iter().flatten() {
        out.push((skin.clone(), format!("theme.per_context.{who}")));
    }
    for (i, c) in contexts.iter().enumerate() {
        out.extend(c.skin.clone().map(|s| (s, format!("contexts[{i}].skin"))));
    }
    out
}

/// A problem in a skin file: (line, column, dotted key, message); line 0 when the file
/// could not be read.
pub type SkinProblem = (usize, usize, String, String);

/// Read and check `dir/NAME.toml`.
pub fn load(dir: &Path, name: &str) -> Result<Skin, (String, SkinProblem)> {
    let path = dir.join(format!("{name}.toml"));
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        let message = format!("skin `{name}`: cannot read {shown}: {e} (built in: {})", BUILTIN.join(", "));
        (shown.clone(), (0, 0, "-".to_string(), message))
    })?;
    parse(&text).map_err(|p| (shown, p))
}

/// Check the text of a skin file.
pub fn parse(text: &str) -> Result<Skin, SkinProblem> {
    use super::position::{key_at, line_col};
    let skin: Skin = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| s.start).unwrap_or(0);
        let (line, column) = line_col(text, at);
        (line, column, key_at(text, at), e.message().trim().to_string())
    })?;
    if let Some(base) = skin.base.as_deref().filter(|b| !BUILTIN.contains(b)) {
        return Err(at_key(text, "base", format!("`{base}` is not a built-in skin ({})", BUILTIN.join(", "))));
    }
    for (role, spec) in skin.roles() {
        for color in spec.into_iter().flat_map(|s| [s.fg.as_deref(), s.bg.as_deref()]).flatten() {
            if !is_color(color) {
                let msg = format!("`{color}` is not a colour: a name (red, lightblue, darkgray), 0..255 or #rrggbb");
                return Err(at_key(text, role, msg));
            }
        }
    }
    Ok(skin)
}

/// A problem located at the first line that starts with `key`.
fn at_key(text: &str, key: &str, message: String) -> SkinProblem {
    let offset = text
        .lines()
        .scan(0, |pos, l| {
            let here = *pos;
            *pos += l.len() + 1;
            Some((here, l))
        })
        .find(|(_, l)| l.trim_start().starts_with(key))
        .map(|(p, l)| p + (l.len() - l.trim_start().len()))
        .unwrap_or(0);
    let (line, column) = super::position::line_col(text, offset);
    (line, column, key.to_string(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_from_the_environment() {
        assert_eq!(ColorDepth::resolve("auto", Some("1"), Some("truecolor"), None), ColorDepth::None);
        assert_eq!(ColorDepth::resolve("auto", Some(""), Some("truecolor"), None), ColorDepth::TrueColor);
        assert_eq!(ColorDepth::resolve("auto", None, None, Some("xterm-256color")), ColorDepth::Ansi256);
        assert_eq!(ColorDepth::resolve("auto", None, None, Some("xterm")), ColorDepth::Ansi16);
        assert_eq!(ColorDepth::resolve("auto", None, None, Some("dumb")), ColorDepth::None);
        assert_eq!(ColorDepth::resolve("16", None, Some("truecolor"), None), ColorDepth::Ansi16);
    }

    #[test]
    fn skin_files_are_checked() {
        let ok = "base = \"light\"\nerror = { fg = \"#ff0000\", bold = true }\nborder = { fg = \"red\" }\n";
        assert_eq!(parse(ok).expect("valid").error.expect("error").fg.as_deref(), Some("#ff0000"));
        let (line, column, key, msg) = parse("border = { fg = \"red\" }\nerror = { fg = \"reddish\" }\n").unwrap_err();
        assert_eq!((line, column, key.as_str()), (2, 1, "error"), "{msg}");
        assert!(msg.contains("`reddish` is not a colour"), "{msg}");
        let (line, _, _, msg) = parse("title = { fg = \"red\" }\ntitel = { fg = \"red\" }\n").unwrap_err();
        assert_eq!(line, 2, "{msg}");
        assert!(parse("base = \"neon\"\n").unwrap_err().3.contains("not a built-in skin"));
    }
}
