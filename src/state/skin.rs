//! Which skin is on: the context's own when one context is in front (narrowed to, or the
//! view opened from one of its rows, or the only one), else the config's.

use super::AppState;

impl AppState {
    /// The context whose skin applies, if one is in front.
    fn skin_ctx(&self) -> Option<usize> {
        if let Some(n) = self.narrow {
            return Some(n);
        }
        if !self.stack.is_empty() {
            return Some(self.focus_ctx());
        }
        (self.contexts.len() == 1).then_some(0)
    }

    /// The name of the skin to draw with: `[[contexts]] skin`, then `[theme] per_context` by
    /// context name or profile, then the config's skin.
    pub fn skin(&self) -> &str {
        let theme = &self.settings.config.theme;
        let own = self.skin_ctx().and_then(|i| {
            let c = self.contexts.get(i)?;
            let per = theme.per_context();
            c.skin
                .as_deref()
                .or_else(|| per.and_then(|m| m.get(&c.name)).map(String::as_str))
                .or_else(|| per.and_then(|m| c.profile.as_ref().and_then(|p| m.get(p))).map(String::as_str))
        });
        own.unwrap_or(theme.skin())
    }
}
