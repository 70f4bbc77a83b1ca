//! A selection in a list and the first visible row, kept consistent with the viewport.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    /// Move by `delta` rows within `len` rows, keeping the selection in a window of `rows`.
    pub fn step(&mut self, delta: isize, len: usize, rows: usize) {
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        let max = len - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(max);
        self.follow(len, rows);
    }

    pub fn top(&mut self) {
        *self = Cursor::default();
    }

    pub fn bottom(&mut self, len: usize, rows: usize) {
        self.selected = len.saturating_sub(1);
        self.follow(len, rows);
    }

    /// Clamp after the list or the viewport changed.
    pub fn follow(&mut self, len: usize, rows: usize) {
        let rows = rows.max(1);
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        self.selected = self.selected.min(len - 1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(len.saturating_sub(rows));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_follows_selection() {
        let mut c = Cursor::default();
        c.step(12, 100, 10);
        assert_eq!((c.selected, c.offset), (12, 3));
        c.step(-5, 100, 10);
        assert_eq!((c.selected, c.offset), (7, 3));
        c.step(-100, 100, 10);
        assert_eq!((c.selected, c.offset), (0, 0));
        c.bottom(100, 10);
        assert_eq!((c.selected, c.offset), (99, 90));
        c.follow(5, 10);
        assert_eq!((c.selected, c.offset), (4, 0));
        c.step(1, 0, 10);
        assert_eq!(c, Cursor::default());
    }
}
