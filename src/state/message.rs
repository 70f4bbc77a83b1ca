//! The messages around the body (the error line, the flash line), wrapped to the width
//! instead of cut: how many rows they take is layout arithmetic shared by `table_rows` and
//! `ui`, so it lives here.

use super::{AppState, Mode};

/// A message takes at most this many rows; past them it ends with `…`.
pub const MAX_MESSAGE_ROWS: usize = 3;
/// Continuation rows of the error line are indented this much.
pub const INDENT: usize = 3;

/// The error line, split where the UI styles it: the prefix (which pane, how old the data
/// is) and the message's rows (the first one follows the prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLine {
    pub prefix: String,
    pub rows: Vec<String>,
}

impl AppState {
    /// The error line of the source behind the root pane, wrapped to the width.
    pub fn error_line(&self) -> Option<ErrorLine> {
        let status = self.source_status();
        let e = status.error.as_ref()?;
        let what = match status.partial_failures {
            n if n > 1 => format!(" ({n} calls failed)"),
            _ => String::new(),
        };
        let age = match status.last_ok {
            Some(t) => format!("{} ago", crate::duration::short((self.now - t).num_seconds())),
            None => "never".into(),
        };
        let prefix = format!(" ✖ {}{what} · showing data from {age} · ", self.root.name());
        let mut text = e.message.clone();
        if e.kind.is_credentials() && !self.context.demo {
            text.push_str(" · or try batchtop --demo");
        }
        let width = usize::from(self.width);
        let first = width.saturating_sub(prefix.chars().count()).max(10);
        let rows = wrap(&text, first, width.saturating_sub(INDENT).max(10), MAX_MESSAGE_ROWS);
        Some(ErrorLine { prefix, rows })
    }

    /// Rows the error line takes (0 when there is none).
    pub fn error_rows(&self) -> u16 {
        self.error_line().map(|l| l.rows.len() as u16).unwrap_or(0)
    }

    /// The flash message wrapped to the width (empty when there is none, or when the bottom
    /// row is an input).
    pub fn flash_lines(&self) -> Vec<String> {
        match (&self.flash, &self.mode) {
            (_, Mode::Filter { .. } | Mode::Command { .. }) | (None, _) => Vec::new(),
            (Some(f), _) => {
                let width = usize::from(self.width).saturating_sub(1).max(10);
                wrap(f, width, width, MAX_MESSAGE_ROWS)
            }
        }
    }

    /// Rows of the bottom bar: the status line, or the flash message's rows.
    pub fn bottom_rows(&self) -> u16 {
        self.flash_lines().len().max(1) as u16
    }
}

/// `text` cut into rows at spaces: the first at most `first` characters, the others at most
/// `rest`; a word longer than a row is cut inside. At most `max` rows, the last ending in `…`
/// when text was left out.
pub fn wrap(text: &str, first: usize, rest: usize, max: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    let cap = |rows: &Vec<String>| if rows.is_empty() { first.max(1) } else { rest.max(1) };
    for word in text.split_whitespace() {
        let mut word: &str = word;
        loop {
            let used = row.chars().count();
            let sep = usize::from(used > 0);
            let room = cap(&rows).saturating_sub(used + sep);
            let len = word.chars().count();
            if len <= room {
                if sep == 1 {
                    row.push(' ');
                }
                row.push_str(word);
                break;
            }
            if used > 0 && (len <= cap(&rows) || room < 2) {
                rows.push(std::mem::take(&mut row));
                continue;
            }
            // Longer than a whole row: fill this one and carry the rest.
            let at = word.char_indices().nth(room.max(1)).map(|(i, _)| i).unwrap_or(word.len());
            if sep == 1 {
                row.push(' ');
            }
            row.push_str(&word[..at]);
            rows.push(std::mem::take(&mut row));
            word = &word[at..];
            if word.is_empty() {
                break;
            }
        }
    }
    if !row.is_empty() {
        rows.push(row);
    }
    if rows.len() > max {
        rows.truncate(max);
        if let Some(last) = rows.last_mut() {
            let keep = rest.max(2) - 1;
            let cut: String = last.chars().take(keep).collect();
            *last = format!("{}…", cut.trim_end());
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn words_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap("a bb ccc dddd", 6, 6, 9), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefghij", 4, 4, 9), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("first rows differ", 5, 20, 9), ["first", "rows differ"]);
        assert_eq!(wrap("", 5, 5, 3), Vec::<String>::new());
    }

    #[test]
    fn too_many_rows_end_in_an_ellipsis() {
        let rows = wrap("one two three four five six", 5, 5, 2);
        assert_eq!(rows, ["one", "two…"]);
        for r in wrap(&"word ".repeat(100), 20, 20, 3) {
            assert!(r.chars().count() <= 20, "{r}");
        }
    }
}
