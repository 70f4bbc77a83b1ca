//! Where in the config text a problem is: line and column, the section, the dotted key.

pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let upto = &text[..offset.min(text.len())];
    let line = upto.matches('\n').count() + 1;
    let column = upto.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

/// The section (`[poll]`) that holds `offset`, if any.
fn section_at(text: &str, offset: usize) -> Option<String> {
    let upto = &text[..offset.min(text.len())];
    upto.lines().rev().find_map(|l| {
        let t = l.trim();
        (t.starts_with('[') && t.ends_with(']')).then(|| t.trim_matches(|c| c == '[' || c == ']').trim().to_string())
    })
}

pub fn qualify(text: &str, offset: usize, key: &str) -> String {
    match section_at(text, offset) {
        Some(s) if !s.is_empty() => format!("{s}.{key}"),
        _ => key.to_string(),
    }
}

/// The dotted key written on the line at `offset`.
pub fn key_at(text: &str, offset: usize) -> String {
    let start = text[..offset.min(text.len())].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = text[start..].lines().next().unwrap_or("");
    match line.split_once('=') {
        Some((k, _)) => qualify(text, start, k.trim().trim_matches('"')),
        None => section_at(text, offset + 1).unwrap_or_else(|| "-".into()),
    }
}

pub fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(super::line_col("a\nbc", 3), (2, 2));
        assert_eq!(super::line_col("abc", 0), (1, 1));
    }
}
