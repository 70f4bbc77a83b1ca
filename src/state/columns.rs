//! Column tables: each column of a pane is declared once (header, width, the table width
//! at which it appears, its cell, what the `/` filter sees of it). The TUI, the `/` filter
//! and `snapshot --format table` read the same declaration.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use crate::model::RunState;

/// `MM-DD HH:MM` in UTC, or `-`.
pub fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%m-%d %H:%M").to_string()).unwrap_or_else(|| "-".into())
}

/// How wide a column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Exactly this many cells.
    Len(u16),
    /// A share of what is left (the weight against other `Fill` columns).
    Fill(u16),
    /// As wide as the context says (e.g. one cell per day of a report).
    Sized(u16),
    /// Never drawn: only the `/` filter reads it (a field worth finding, not worth a column).
    Hidden,
}

/// How a cell is coloured, by meaning; the theme picks the colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Plain,
    Dim,
    Warn,
    Error,
    Run(RunState),
    /// A sparkline.
    Spark,
    /// A context's own colour (an index into `config::contexts::COLORS`).
    Palette(u8),
}

/// One cell: its text and its tone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a> {
    pub text: Cow<'a, str>,
    pub tone: Tone,
}

impl<'a> Text<'a> {
    pub fn plain(text: impl Into<Cow<'a, str>>) -> Self {
        Self { text: text.into(), tone: Tone::Plain }
    }
    pub fn toned(text: impl Into<Cow<'a, str>>, tone: Tone) -> Self {
        Self { text: text.into(), tone }
    }
}

/// What the `/` filter takes a column for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Matched by free text only.
    Text,
    /// Also `state:`.
    State,
    /// Also `stream:`.
    Stream,
    /// Also `ctx:` (the row's context).
    Ctx,
    /// Not matched.
    Skip,
}

/// A value rows are ordered by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Int(i64),
    Time(Option<DateTime<Utc>>),
    Text(Option<String>),
}

/// How a column orders rows: its key, and whether biggest comes first.
pub struct SortBy<R: ?Sized, C: ?Sized> {
    pub key: fn(&R, &C) -> SortKey,
    pub descending: bool,
}

/// Order `rows` (positions into `items`) by `column`'s sort key; stable, so rows with equal
/// keys keep their order. A column without a sort key leaves them as they are.
pub fn sort_rows<R, C: ?Sized>(rows: &mut [usize], items: &[R], column: &Column<R, C>, ctx: &C) {
    let Some(by) = &column.sort else { return };
    let mut keyed: Vec<(SortKey, usize)> = rows.iter().map(|&i| ((by.key)(&items[i], ctx), i)).collect();
    if by.descending {
        keyed.sort_by(|a, b| b.0.cmp(&a.0));
    } else {
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
    }
    for (slot, (_, i)) in rows.iter_mut().zip(keyed) {
        *slot = i;
    }
}

/// The column headed `header`.
pub fn column<'c, R, C: ?Sized>(columns: &'c [Column<R, C>], header: &str) -> Option<&'c Column<R, C>> {
    columns.iter().find(|c| c.header == header)
}

/// One column of rows `R`, whose cells may read the context `C` (the app's state).
pub struct Column<R: ?Sized, C: ?Sized> {
    pub header: &'static str,
    pub width: Width,
    /// Shown when the table is at least this many cells wide (0: always)…
    pub from: u16,
    /// …and narrower than this (`u16::MAX`: however wide).
    pub until: u16,
    pub cell: for<'a> fn(&'a R, &'a C) -> Text<'a>,
    pub filter: Field,
    /// How `s` orders the table by this column, if it can.
    pub sort: Option<SortBy<R, C>>,
    /// A width the context decides (`Width::Sized`), e.g. one cell per day of a report.
    pub sized: Option<fn(&C) -> u16>,
    /// Shown only when this says so (the CONTEXT column, with several contexts).
    pub when: Option<fn(&C) -> bool>,
}

impl<R: ?Sized, C: ?Sized> Column<R, C> {
    /// A column shown from table width `from` on, without a sort key (see
    /// [`Column::sorted`], [`Column::until`]).
    pub const fn new(
        header: &'static str,
        width: Width,
        from: u16,
        filter: Field,
        cell: for<'a> fn(&'a R, &'a C) -> Text<'a>,
    ) -> Self {
        Column { header, width, from, until: u16::MAX, cell, filter, sort: None, sized: None, when: None }
    }

    /// The same column, as wide as `width(ctx)`.
    pub const fn sized_by(mut self, width: fn(&C) -> u16) -> Self {
        self.sized = Some(width);
        self.width = Width::Sized(0);
        self
    }

    /// Its width for `ctx`.
    pub fn width_in(&self, ctx: &C) -> Width {
        match (self.sized, self.width) {
            (Some(f), Width::Sized(_)) => Width::Sized(f(ctx)),
            (_, w) => w,
        }
    }

    /// Whether a table `width` cells wide shows this column.
    pub fn shown_at(&self, width: u16) -> bool {
        let below = self.until == u16::MAX || width < self.until;
        width >= self.from && below && self.width != Width::Hidden
    }

    /// The same column, shown only when `when(ctx)` holds.
    pub const fn only_if(mut self, when: fn(&C) -> bool) -> Self {
        self.when = Some(when);
        self
    }

    /// The same column, sortable by `key` (`descending`: biggest first).
    pub const fn sorted(mut self, key: fn(&R, &C) -> SortKey, descending: bool) -> Self {
        self.sort = Some(SortBy { key, descending });
        self
    }

    /// The same column, shown only below `width` (a narrow variant of a wider one).
    pub const fn until(mut self, width: u16) -> Self {
        self.until = width;
        self
    }
}

/// The columns a table `width` cells wide shows for `ctx`, in order.
pub fn shown<'c, R: ?Sized, C: ?Sized>(
    columns: &'c [Column<R, C>],
    width: u16,
    ctx: &'c C,
) -> impl Iterator<Item = &'c Column<R, C>> {
    columns.iter().filter(move |c| c.shown_at(width) && c.when.is_none_or(|w| w(ctx)))
}

/// What the filter sees of one row: its state, its stream, its context and every cell's text.
pub struct RowFields<'a> {
    pub state: Cow<'a, str>,
    pub stream: Cow<'a, str>,
    pub ctx: Cow<'a, str>,
    pub cells: Vec<Cow<'a, str>>,
}

impl RowFields<'_> {
    /// Whether `filter` keeps this row.
    pub fn matches(&self, filter: &super::filter::Filter) -> bool {
        let cells: Vec<&str> = self.cells.iter().map(|c| c.as_ref()).collect();
        filter.matches(&super::filter::Fields {
            state: &self.state,
            stream: &self.stream,
            ctx: &self.ctx,
            cells: &cells,
        })
    }
}

/// What the filter sees of one row (every declared column, drawn or not).
pub fn filter_fields<'a, R: ?Sized, C: ?Sized>(columns: &[Column<R, C>], row: &'a R, ctx: &'a C) -> RowFields<'a> {
    let mut f =
        RowFields { state: Cow::Borrowed(""), stream: Cow::Borrowed(""), ctx: Cow::Borrowed(""), cells: Vec::new() };
    for c in columns {
        let text = match c.filter {
            Field::Skip => continue,
            _ => (c.cell)(row, ctx).text,
        };
        match c.filter {
            Field::State => f.state = text.clone(),
            Field::Stream => f.stream = text.clone(),
            Field::Ctx => f.ctx = text.clone(),
            _ => {}
        }
        f.cells.push(text);
    }
    f
}

/// The rows as aligned plain text (every column: a snapshot is not cut to a terminal).
pub fn to_text<R, C: ?Sized>(columns: &[Column<R, C>], rows: &[R], ctx: &C) -> String {
    let mut out = String::new();
    let line = |cells: Vec<(Width, Cow<'_, str>)>| {
        let mut l = String::new();
        for (i, (w, t)) in cells.iter().enumerate() {
            if i > 0 {
                l.push(' ');
            }
            match w {
                Width::Len(n) | Width::Sized(n) => {
                    let n = usize::from(*n);
                    let t: String = t.chars().take(n).collect();
                    l.push_str(&format!("{t:<n$}"));
                }
                Width::Fill(_) | Width::Hidden => l.push_str(t),
            }
        }
        l.trim_end().to_string()
    };
    let all: Vec<&Column<R, C>> = shown(columns, u16::MAX, ctx).collect();
    out.push_str(&line(all.iter().map(|c| (c.width_in(ctx), Cow::Borrowed(c.header))).collect()));
    out.push('\n');
    for r in rows {
        out.push_str(&line(all.iter().map(|c| (c.width_in(ctx), (c.cell)(r, ctx).text)).collect()));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row {
        name: &'static str,
        state: &'static str,
        secret: &'static str,
    }

    const COLS: &[Column<Row, ()>] = &[
        Column {
            header: "NAME",
            width: Width::Len(6),
            from: 0,
            until: u16::MAX,
            cell: |r, _| Text::plain(r.name),
            filter: Field::Text,
            sort: None,
            sized: None,
            when: None,
        },
        Column {
            header: "ST",
            width: Width::Len(3),
            from: 0,
            until: 50,
            cell: |r, _| Text::plain(&r.state[..1]),
            filter: Field::Skip,
            sort: None,
            sized: None,
            when: None,
        },
        Column {
            header: "STATE",
            width: Width::Len(9),
            from: 50,
            until: u16::MAX,
            cell: |r, _| Text::plain(r.state),
            filter: Field::State,
            sort: None,
            sized: None,
            when: None,
        },
        Column {
            header: "SECRET",
            width: Width::Hidden,
            from: 0,
            until: u16::MAX,
            cell: |r, _| Text::plain(r.secret),
            filter: Field::Text,
            sort: None,
            sized: None,
            when: None,
        },
    ];

    #[test]
    fn a_width_picks_its_columns_and_hidden_ones_only_filter() {
        let headers = |w| shown(COLS, w, &()).map(|c| c.header).collect::<Vec<_>>();
        assert_eq!(headers(40), ["NAME", "ST"]);
        assert_eq!(headers(80), ["NAME", "STATE"]);
        assert_eq!(headers(u16::MAX), ["NAME", "STATE"]);
        let row = Row { name: "orders", state: "FAILED", secret: "db.raw" };
        let f = filter_fields(COLS, &row, &());
        assert_eq!(f.state, "FAILED");
        assert_eq!(f.cells, ["orders", "FAILED", "db.raw"]);
    }

    #[test]
    fn text_is_aligned_and_cut_to_the_width() {
        let rows = [Row { name: "payments_x", state: "OK", secret: "" }];
        assert_eq!(to_text(COLS, &rows, &()), "NAME   STATE\npaymen OK\n");
    }
}
