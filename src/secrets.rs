//! Which argument keys look like they hold secrets, and their masked form.

pub const MASK: &str = "********";
const SECRET_WORDS: &[&str] = &["password", "passwd", "secret", "token", "key", "credential", "pwd"];

/// Whether an argument's key looks like it holds a secret.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| k.contains(w))
}

/// The value to show (on screen, in the audit log) for argument `key`.
pub fn shown_value<'a>(key: &str, value: &'a str) -> &'a str {
    if is_secret_key(key) { MASK } else { value }
}

/// Mask secrets in a command line: the value after a secret-looking `--flag`, and the
/// value of secret-looking `key=value` words (`--conf spark...secret.key=...` included).
pub fn mask_words(words: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut hide_next = false;
    for w in words {
        if hide_next {
            out.push(MASK.to_string());
            hide_next = false;
            continue;
        }
        match w.split_once('=') {
            Some((k, _)) if is_secret_key(k) => out.push(format!("{k}={MASK}")),
            _ => {
                hide_next = w.starts_with('-') && is_secret_key(w);
                out.push(w.clone());
            }
        }
    }
    out
}

/// `mask_words` over a whitespace-separated string such as sparkSubmitParameters.
pub fn mask_line(line: &str) -> String {
    let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    mask_words(&words).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_hide_secrets() {
        let words: Vec<String> = ["--date", "2026-11-24", "--jdbc-password", "hunter2", "token=abc", "--x", "y"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(mask_words(&words).join(" "), "--date 2026-11-24 --jdbc-password ******** token=******** --x y");
        assert_eq!(
            mask_line("--conf spark.executor.cores=4 --conf spark.hadoop.fs.s3a.secret.key=abc"),
            "--conf spark.executor.cores=4 --conf spark.hadoop.fs.s3a.secret.key=********"
        );
    }
}
