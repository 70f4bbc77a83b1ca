//! What a k9s user brings along: `[aliases]` for the `:` bar, `[[hotkeys]]` that run a `:`
//! command, and `[[plugins]]` that run a command of one's own on the selected row. Checked
//! when the config loads; a problem names its line and column like every other key.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::keymap::{Key, Keymap};

/// Where a plugin can be used: the root panes by their `:` name, the views opened from them,
/// or `all`.
pub const SCOPES: &[&str] = &[
    "inbox",
    "jobs",
    "workflows",
    "crawlers",
    "apps",
    "emr",
    "dq",
    "cost",
    "ctx",
    "runs",
    "run",
    "workflow-runs",
    "graph",
    "emr-run",
    "dq-result",
    "all",
];

/// `[[hotkeys]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotkeyEntry {
    pub key: Spanned<String>,
    /// A `:` command: a pane with an optional filter (`jobs state:FAILED`), an alias, `ctx NAME`.
    pub command: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `[[plugins]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginEntry {
    pub key: Spanned<String>,
    /// Panes and views it is offered in (default: all).
    #[serde(default)]
    pub scopes: Vec<Spanned<String>>,
    #[serde(default)]
    pub description: String,
    /// With `args`: the program. Without: a shell command line (`sh -c`).
    pub command: Spanned<String>,
    #[serde(default)]
    pub args: Vec<String>,
    /// Ask before running it.
    #[serde(default)]
    pub confirm: bool,
    /// Run it without leaving the TUI (output captured; the exit status is shown).
    #[serde(default)]
    pub background: bool,
    /// It changes something: left out in read-only mode, like the mutating actions.
    #[serde(default)]
    pub dangerous: bool,
}

/// A hotkey, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hotkey {
    pub key: Key,
    pub command: String,
    pub description: String,
}

/// A plugin, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plugin {
    pub key: Key,
    /// Empty: everywhere.
    pub scopes: Vec<String>,
    pub description: String,
    pub command: String,
    pub args: Vec<String>,
    pub confirm: bool,
    pub background: bool,
    pub dangerous: bool,
}

impl Plugin {
    /// Whether it is offered in `scope` (a [`SCOPES`] name).
    pub fn applies(&self, scope: &str) -> bool {
        self.scopes.is_empty() || self.scopes.iter().any(|s| s == "all" || s == scope)
    }

    /// Its name in help and messages: the description, else the command.
    pub fn label(&self) -> &str {
        if self.description.is_empty() { &self.command } else { &self.description }
    }
}

/// Aliases, hotkeys and plugins, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    pub aliases: BTreeMap<String, String>,
    pub hotkeys: Vec<Hotkey>,
    pub plugins: Vec<Plugin>,
    /// The `:` words they name, checked against the panes by [`Extras::check_commands`]
    /// (the pane registry lives above the config).
    pub words: Vec<Word>,
    /// The config file's name, for those errors.
    pub origin: String,
}

/// A word of an alias or hotkey, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub word: String,
    pub role: Role,
    /// The dotted key and the (line, column) for the error.
    pub key: String,
    pub at: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An alias's own name: must not hide a command.
    AliasName,
    /// The first word of what an alias stands for: a pane or command.
    AliasTarget,
    /// The first word of a hotkey's command: a pane, command or alias.
    Hotkey,
}

/// A problem: where (a byte span of the config text), the dotted key, what.
pub type Problem = (Range<usize>, String, String);

impl Extras {
    /// Check every word against the `:` commands (`is_command`: a pane or built-in command):
    /// the dotted key, line, column and message of the first that is wrong.
    pub fn check_commands(&self, is_command: &dyn Fn(&str) -> bool) -> Result<(), (String, (usize, usize), String)> {
        for w in &self.words {
            let bad = match w.role {
                Role::AliasName if is_command(&w.word) => {
                    format!("`{}` is already a command; choose another name", w.word)
                }
                Role::AliasTarget if !is_command(&w.word) => format!(
                    "`{}` is not a pane or command (an alias names a pane, then a filter: \"jobs state:FAILED\")",
                    w.word
                ),
                Role::Hotkey if !is_command(&w.word) && !self.aliases.contains_key(&w.word) => {
                    format!("`{}` is not a pane, command or alias (e.g. command = \"jobs state:FAILED\")", w.word)
                }
                _ => continue,
            };
            return Err((w.key.clone(), w.at, bad));
        }
        Ok(())
    }
}

/// The first word of a command line.
fn first_word(text: &str) -> String {
    text.split_whitespace().next().unwrap_or("").to_string()
}

/// Check the three sections against each other and the keymap; `line_col` turns a byte
/// offset of the text into a (line, column).
pub fn check(
    (aliases, hotkeys, plugins): (&BTreeMap<String, Spanned<String>>, &[HotkeyEntry], &[PluginEntry]),
    keymap: &Keymap,
    line_col: &dyn Fn(usize) -> (usize, usize),
) -> Result<Extras, Problem> {
    let mut out = Extras::default();
    for (name, target) in aliases {
        let key = format!("aliases.{name}");
        if name.is_empty() || name.contains(char::is_whitespace) || target.get_ref().trim().is_empty() {
            return Err((target.span(), key, "an alias is one word for a `:` command".into()));
        }
        let at = line_col(target.span().start);
        out.words.push(Word { word: name.clone(), role: Role::AliasName, key: key.clone(), at });
        out.words.push(Word { word: first_word(target.get_ref()), role: Role::AliasTarget, key, at });
        out.aliases.insert(name.clone(), target.get_ref().trim().to_string());
    }
    let mut taken: Vec<(Key, Vec<String>, String)> = Vec::new();
    for (i, h) in hotkeys.iter().enumerate() {
        let at = format!("hotkeys[{i}]");
        let key = parse_key(&h.key, &at, keymap)?;
        let word = first_word(h.command.get_ref());
        if word.is_empty() {
            return Err((h.command.span(), format!("{at}.command"), "a hotkey needs a `:` command".into()));
        }
        let pos = line_col(h.command.span().start);
        out.words.push(Word { word, role: Role::Hotkey, key: format!("{at}.command"), at: pos });
        claim(&mut taken, (key, Vec::new(), at.clone()), h.key.span())?;
        let description = h.description.clone().unwrap_or_else(|| format!(":{}", h.command.get_ref().trim()));
        out.hotkeys.push(Hotkey { key, command: h.command.get_ref().trim().to_string(), description });
    }
    for (i, p) in plugins.iter().enumerate() {
        out.plugins.push(plugin(i, p, keymap, &mut taken)?);
    }
    Ok(out)
}

fn plugin(
    i: usize,
    p: &PluginEntry,
    keymap: &Keymap,
    taken: &mut Vec<(Key, Vec<String>, String)>,
) -> Result<Plugin, Problem> {
    let at = format!("plugins[{i}]");
    let key = parse_key(&p.key, &at, keymap)?;
    for s in &p.scopes {
        if !SCOPES.contains(&s.get_ref().as_str()) {
            let msg = format!("unknown scope `{}` (scopes: {})", s.get_ref(), SCOPES.join(", "));
            return Err((s.span(), format!("{at}.scopes"), msg));
        }
    }
    if p.command.get_ref().trim().is_empty() {
        return Err((p.command.span(), format!("{at}.command"), "a plugin needs a command".into()));
    }
    let scopes: Vec<String> = p.scopes.iter().map(|s| s.get_ref().clone()).collect();
    claim(taken, (key, scopes.clone(), at), p.key.span())?;
    Ok(Plugin {
        key,
        scopes,
        description: p.description.clone(),
        command: p.command.get_ref().clone(),
        args: p.args.clone(),
        confirm: p.confirm,
        background: p.background,
        dangerous: p.dangerous,
    })
}

/// A key of a hotkey or plugin: one that parses and that no action is bound to.
fn parse_key(key: &Spanned<String>, at: &str, keymap: &Keymap) -> Result<Key, Problem> {
    let parsed = Key::parse(key.get_ref()).map_err(|m| (key.span(), format!("{at}.key"), m))?;
    if let Some(action) = keymap.bound(parsed) {
        let msg = format!(
            "`{parsed}` is bound to `{}`: choose another key, or move {} elsewhere under [keymap]",
            action.name(),
            action.name()
        );
        return Err((key.span(), format!("{at}.key"), msg));
    }
    Ok(parsed)
}

/// Take `key` for `who` in `scopes` (empty: everywhere); two may share a key only in
/// scopes apart.
fn claim(
    taken: &mut Vec<(Key, Vec<String>, String)>,
    mine: (Key, Vec<String>, String),
    span: Range<usize>,
) -> Result<(), Problem> {
    let overlap = |a: &[String], b: &[String]| {
        a.is_empty() || b.is_empty() || a.iter().any(|s| s == "all" || b.contains(s)) || b.iter().any(|s| s == "all")
    };
    if let Some((_, _, other)) = taken.iter().find(|(k, s, _)| *k == mine.0 && overlap(s, &mine.1)) {
        let msg = format!("`{}` is also the key of {other} in the same pane", mine.0);
        return Err((span, format!("{}.key", mine.2), msg));
    }
    taken.push(mine);
    Ok(())
}

/// `[report]`: what `ctrl-s` puts on the clipboard (OSC 52) besides saving the notes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportSection {
    pub clipboard: ClipboardContent,
}

/// The saved file's path (the default), or the notes themselves (up to 64 KiB; longer notes
/// copy the path).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipboardContent {
    #[default]
    Path,
    Text,
}
