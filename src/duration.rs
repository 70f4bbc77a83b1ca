//! Human durations: `500ms`, `30s`, `5m`, `24h`, `7d`, or combinations like `1h30m`.

use std::time::Duration;

pub fn parse(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    let mut total = Duration::ZERO;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!("`{text}` is not a duration: use e.g. 30s, 5m, 24h, 7d"));
        }
        let n: u64 = rest[..digits].parse().map_err(|_| format!("`{text}`: number too large"))?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let part = match unit {
            "ms" => Duration::from_millis(n),
            "s" => Duration::from_secs(n),
            "m" => Duration::from_secs(n * 60),
            "h" => Duration::from_secs(n * 3600),
            "d" => Duration::from_secs(n * 86_400),
            "" => return Err(format!("`{text}` needs a unit: ms, s, m, h or d")),
            u => return Err(format!("`{text}`: unknown unit `{u}` (use ms, s, m, h or d)")),
        };
        total += part;
    }
    Ok(total)
}

/// Short form for the UI: `42s`, `3m12s`, `2h05m`, `3d4h`.
pub fn short(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{}h", s / 86_400, (s % 86_400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse("30").is_err());
        assert!(parse("abc").is_err());
        assert!(parse("5w").is_err());
    }

    #[test]
    fn short_forms() {
        assert_eq!(short(42), "42s");
        assert_eq!(short(192), "3m12s");
        assert_eq!(short(7500), "2h05m");
        assert_eq!(short(100_000), "1d3h");
    }
}
