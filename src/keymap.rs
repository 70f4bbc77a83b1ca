//! Actions users bind by name, and the keys bound to them.

use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The default bindings, embedded from assets/keymap.toml.
pub const DEFAULT_KEYMAP: &str = include_str!("../assets/keymap.toml");

macro_rules! actions {
    ($($variant:ident => $name:literal, $help:literal;)*) => {
        /// Everything a key can do. Users bind them by their snake_case name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant),* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];
            pub fn name(self) -> &'static str { match self { $(Action::$variant => $name),* } }
            pub fn help(self) -> &'static str { match self { $(Action::$variant => $help),* } }
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    Quit => "quit", "quit batchtop";
    Help => "help", "show this help";
    Command => "command", "command bar: jump to a pane (:jobs)";
    Filter => "filter", "filter rows: text, regex, state:FAILED, stream:orders";
    Sort => "sort", "cycle the sort column";
    Open => "open", "open the selected row (job -> runs -> run detail)";
    Back => "back", "go back / close overlay / clear filter";
    Up => "up", "move up";
    Down => "down", "move down";
    PageUp => "page_up", "page up";
    PageDown => "page_down", "page down";
    Top => "top", "go to the first row";
    Bottom => "bottom", "go to the last row";
    Refresh => "refresh", "poll now";
    Bookmark => "bookmark", "show the job's bookmark (then reset or rewind it)";
    Rerun => "rerun", "rerun the job with the selected run's arguments";
    Stop => "stop", "stop running runs (marked ones, or the selected one)";
    Mark => "mark", "mark or unmark a run for stop";
    Start => "start", "start a workflow run or a crawler";
    Resume => "resume", "resume the failed nodes of a workflow run";
    Dashboard => "dashboard", "EMR Serverless Spark UI link (1 hour), copied to the clipboard";
    EventLog => "event_log", "open the Spark event log of the selected Glue or EMR Serverless run";
    Logs => "logs", "open the logs of the selected run or crawler (f follow, / search, & filter, e exception)";
    Acknowledge => "acknowledge", "acknowledge the inbox item, with a note";
    Mute => "mute", "mute the inbox item's resource for a while";
    Changes => "changes", "what changed since the job's last successful run";
    Report => "report", "incident notes as markdown, saved and copied";
    NextTab => "next_tab", "next tab (event log view)";
    PrevTab => "prev_tab", "previous tab (event log view)";
}

impl Action {
    /// Actions that change AWS (and `mark`, which only serves `stop`): absent in read-only mode.
    pub fn is_mutating(self) -> bool {
        matches!(self, Action::Rerun | Action::Stop | Action::Mark | Action::Start | Action::Resume | Action::Dashboard)
    }
}

/// One key with modifiers, as written in the keymap (`q`, `ctrl-c`, `enter`, `G`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// KeyCode subset that batchtop binds, ordered for stable help output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    F(u8),
}

impl Key {
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if lower.starts_with("ctrl-") && rest.len() > 5 {
                ctrl = true;
                rest = &rest[5..];
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeOrd::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCodeOrd::Enter,
                "esc" | "escape" => KeyCodeOrd::Esc,
                "tab" => KeyCodeOrd::Tab,
                "backtab" | "shift-tab" => KeyCodeOrd::BackTab,
                "backspace" => KeyCodeOrd::Backspace,
                "space" => KeyCodeOrd::Char(' '),
                "up" => KeyCodeOrd::Up,
                "down" => KeyCodeOrd::Down,
                "left" => KeyCodeOrd::Left,
                "right" => KeyCodeOrd::Right,
                "pgup" | "pageup" => KeyCodeOrd::PageUp,
                "pgdown" | "pagedown" => KeyCodeOrd::PageDown,
                "home" => KeyCodeOrd::Home,
                "end" => KeyCodeOrd::End,
                f if f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) => {
                    KeyCodeOrd::F(f[1..].parse().unwrap_or(1))
                }
                _ => return Err(format!("`{text}` is not a key: use e.g. q, G, ctrl-r, enter, esc, pgdown, f5")),
            },
        };
        Ok(Key { code, ctrl, alt })
    }

    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::F(n) => KeyCodeOrd::F(n),
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::Enter => f.write_str("enter"),
            KeyCodeOrd::Esc => f.write_str("esc"),
            KeyCodeOrd::Tab => f.write_str("tab"),
            KeyCodeOrd::BackTab => f.write_str("shift-tab"),
            KeyCodeOrd::Backspace => f.write_str("backspace"),
            KeyCodeOrd::Up => f.write_str("up"),
            KeyCodeOrd::Down => f.write_str("down"),
            KeyCodeOrd::Left => f.write_str("left"),
            KeyCodeOrd::Right => f.write_str("right"),
            KeyCodeOrd::PageUp => f.write_str("pgup"),
            KeyCodeOrd::PageDown => f.write_str("pgdown"),
            KeyCodeOrd::Home => f.write_str("home"),
            KeyCodeOrd::End => f.write_str("end"),
            KeyCodeOrd::F(n) => write!(f, "f{n}"),
        }
    }
}

/// Keys to actions, built from the defaults plus the user's overrides.
#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: BTreeMap<Key, Action>,
    by_action: BTreeMap<Action, Vec<Key>>,
}

/// `action = "key"` or `action = ["key", ...]`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyList::One(k) => vec![k.as_str()],
            KeyList::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

impl Keymap {
    /// The embedded defaults with `overrides` (action name -> keys) applied.
    /// An override replaces all default keys of that action.
    pub fn build(overrides: &BTreeMap<String, KeyList>) -> Result<Keymap, String> {
        Self::build_for(overrides, false)
    }

    /// As `build`; with `read_only`, mutating actions are not bound at all.
    pub fn build_for(overrides: &BTreeMap<String, KeyList>, read_only: bool) -> Result<Keymap, String> {
        let defaults: BTreeMap<String, KeyList> =
            toml::from_str(DEFAULT_KEYMAP).map_err(|e| format!("built-in keymap is invalid: {e}"))?;
        let mut by_action: BTreeMap<Action, Vec<Key>> = BTreeMap::new();
        for (name, keys) in defaults.iter().filter(|(n, _)| !overrides.contains_key(*n)).chain(overrides) {
            let action = Action::from_name(name).ok_or_else(|| unknown_action(name))?;
            if read_only && action.is_mutating() {
                continue;
            }
            let parsed = keys.keys().into_iter().map(Key::parse).collect::<Result<Vec<_>, _>>()?;
            by_action.insert(action, parsed);
        }
        let mut by_key = BTreeMap::new();
        for (action, keys) in &by_action {
            for k in keys {
                if let Some(other) = by_key.insert(*k, *action) {
                    return Err(format!("key `{k}` is bound to both `{}` and `{}`", other.name(), action.name()));
                }
            }
        }
        Ok(Keymap { by_key, by_action })
    }

    /// This keymap without its mutating actions (read-only mode).
    pub fn read_only(&self) -> Keymap {
        let by_action: BTreeMap<Action, Vec<Key>> =
            self.by_action.iter().filter(|(a, _)| !a.is_mutating()).map(|(a, k)| (*a, k.clone())).collect();
        let by_key = self.by_key.iter().filter(|(_, a)| !a.is_mutating()).map(|(k, a)| (*k, *a)).collect();
        Keymap { by_key, by_action }
    }

    pub fn defaults() -> Keymap {
        Self::build(&BTreeMap::new()).unwrap_or_else(|_| Keymap { by_key: BTreeMap::new(), by_action: BTreeMap::new() })
    }

    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev)?;
        // SHIFT is not part of a Key: a shifted letter arrives as its capital.
        self.by_key.get(&key).copied()
    }

    /// The action `key` is bound to, if any.
    pub fn bound(&self, key: Key) -> Option<Action> {
        self.by_key.get(&key).copied()
    }

    /// Keys bound to `action`, for help and hints.
    pub fn keys(&self, action: Action) -> &[Key] {
        self.by_action.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// First key of `action` as text, for hints in the UI.
    pub fn hint(&self, action: Action) -> String {
        self.keys(action).first().map(|k| k.to_string()).unwrap_or_else(|| "unbound".into())
    }

    /// Every bound action with its keys, in declaration order: the help screen.
    pub fn help_rows(&self) -> Vec<(String, &'static str, &'static str)> {
        Action::ALL
            .iter()
            .filter_map(|a| {
                let keys = self.keys(*a);
                (!keys.is_empty())
                    .then(|| (keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", "), a.name(), a.help()))
            })
            .collect()
    }
}

pub fn unknown_action(name: &str) -> String {
    let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
    format!("unknown action `{name}` (actions: {})", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn defaults_bind_every_action() {
        let km = Keymap::defaults();
        for a in Action::ALL {
            assert!(!km.keys(*a).is_empty(), "{} unbound", a.name());
        }
        assert_eq!(km.action(&ev(KeyCode::Char('q'), KeyModifiers::NONE)), Some(Action::Quit));
        assert_eq!(km.action(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
        assert_eq!(km.action(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)), Some(Action::Bottom));
    }

    #[test]
    fn overrides_replace_and_conflicts_fail() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), KeyList::One("z".into()));
        let km = Keymap::build(&o).expect("valid");
        assert_eq!(km.action(&ev(KeyCode::Char('z'), KeyModifiers::NONE)), Some(Action::Quit));
        assert_eq!(km.action(&ev(KeyCode::Char('q'), KeyModifiers::NONE)), None);
        o.insert("sort".to_string(), KeyList::One("z".into()));
        assert!(Keymap::build(&o).unwrap_err().contains("bound to both"));
        let mut bad = BTreeMap::new();
        bad.insert("explode".to_string(), KeyList::One("e".into()));
        assert!(Keymap::build(&bad).unwrap_err().contains("unknown action `explode`"));
    }

    #[test]
    fn key_names_round_trip() {
        for k in ["q", "ctrl-r", "enter", "esc", "pgdown", "f5", "G", "space"] {
            assert_eq!(Key::parse(k).expect("parses").to_string(), k);
        }
        assert!(Key::parse("hyper-q").is_err());
    }
}
