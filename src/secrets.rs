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
