//! Colours by role: the built-in skins (dark, light, mono), a skin file's changes on top of
//! one, and what the terminal can show (true colour, 256, 16, none).

use ratatui::style::{Color, Modifier, Style};

use crate::config::skins::{ColorDepth, Skin, StyleSpec};
use crate::model::RunState;
use crate::state::AppState;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// No colour at all: modifiers carry the meaning.
    pub mono: bool,
    pub depth: ColorDepth,
    pub title: Style,
    pub header: Style,
    pub selected: Style,
    pub dim: Style,
    pub border: Style,
    pub error: Style,
    pub warn: Style,
    pub badge: Style,
    pub spark: Style,
}

impl Theme {
    /// A built-in skin by name (`dark` for any other name).
    pub fn of(name: &str) -> Theme {
        let s = Style::default();
        let depth = ColorDepth::TrueColor;
        match name {
            "light" => Theme {
                mono: false,
                depth,
                title: s.fg(Color::Blue).add_modifier(Modifier::BOLD),
                header: s.fg(Color::Magenta).add_modifier(Modifier::BOLD),
                selected: s.bg(Color::Gray).add_modifier(Modifier::BOLD),
                dim: s.fg(Color::DarkGray),
                border: s.fg(Color::Blue),
                error: s.fg(Color::Red).add_modifier(Modifier::BOLD),
                warn: s.fg(Color::Rgb(160, 100, 0)),
                badge: s.fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
                spark: s.fg(Color::Blue),
            },
            "mono" => Theme {
                mono: true,
                depth: ColorDepth::None,
                title: s.add_modifier(Modifier::BOLD),
                header: s.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                selected: s.add_modifier(Modifier::REVERSED),
                dim: s,
                border: s,
                error: s.add_modifier(Modifier::BOLD),
                warn: s.add_modifier(Modifier::BOLD),
                badge: s.add_modifier(Modifier::REVERSED | Modifier::BOLD),
                spark: s,
            },
            _ => Theme {
                mono: false,
                depth,
                title: s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
                header: s.fg(Color::Yellow).add_modifier(Modifier::BOLD),
                selected: s.bg(Color::DarkGray).add_modifier(Modifier::BOLD),
                dim: s.fg(Color::Gray),
                border: s.fg(Color::Blue),
                error: s.fg(Color::LightRed).add_modifier(Modifier::BOLD),
                warn: s.fg(Color::Yellow),
                badge: s.fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD),
                spark: s.fg(Color::Cyan),
            },
        }
    }

    /// A skin file: its base, with the roles it sets replaced.
    pub fn from_skin(skin: &Skin) -> Theme {
        let mut t = Theme::of(skin.base.as_deref().unwrap_or("dark"));
        for (role, spec) in skin.roles() {
            let Some(spec) = spec else { continue };
            let style = style(spec);
            match role {
                "title" => t.title = style,
                "header" => t.header = style,
                "selected" => t.selected = style,
                "dim" => t.dim = style,
                "border" => t.border = style,
                "error" => t.error = style,
                "warn" => t.warn = style,
                "badge" => t.badge = style,
                _ => t.spark = style,
            }
        }
        t
    }

    /// The theme to draw `state` with: the skin in front (see `AppState::skin`), in the
    /// colours the terminal has.
    pub fn for_state(state: &AppState) -> Theme {
        let name = state.skin();
        let theme = match state.settings.skins.get(name) {
            Some(skin) => Theme::from_skin(skin),
            None => Theme::of(name),
        };
        theme.degrade(state.context.colors)
    }

    /// The same roles in what a terminal of `depth` shows: true colour to the 256-colour
    /// cube, anything to the 16 ANSI colours, or no colour (the mono skin's modifiers).
    pub fn degrade(self, depth: ColorDepth) -> Theme {
        if depth == ColorDepth::None {
            return Theme::of("mono");
        }
        let d = |s: Style| Style { fg: s.fg.map(|c| fit(c, depth)), bg: s.bg.map(|c| fit(c, depth)), ..s };
        Theme {
            depth,
            title: d(self.title),
            header: d(self.header),
            selected: d(self.selected),
            dim: d(self.dim),
            border: d(self.border),
            error: d(self.error),
            warn: d(self.warn),
            badge: d(self.badge),
            spark: d(self.spark),
            ..self
        }
    }

    /// A context's colour (`config::contexts::COLORS`, in that order); mono draws it bold.
    pub fn palette(&self, index: u8) -> Style {
        const COLORS: [Color; 8] = [
            Color::Cyan,
            Color::Magenta,
            Color::Yellow,
            Color::Green,
            Color::Blue,
            Color::Red,
            Color::White,
            Color::Gray,
        ];
        let s = Style::default();
        if self.mono {
            return s.add_modifier(Modifier::BOLD);
        }
        s.fg(COLORS[usize::from(index) % COLORS.len()])
    }

    /// Colour of a run state.
    pub fn state(&self, state: RunState) -> Style {
        let s = Style::default();
        if self.mono {
            return if state.is_failure() { s.add_modifier(Modifier::BOLD) } else { s };
        }
        match state {
            RunState::Failed | RunState::Error => s.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            RunState::Timeout | RunState::Expired => s.fg(Color::Magenta).add_modifier(Modifier::BOLD),
            RunState::Running | RunState::Starting | RunState::Stopping => s.fg(Color::Cyan),
            RunState::Waiting => s.fg(Color::Yellow),
            RunState::Succeeded => s.fg(Color::Green),
            RunState::Stopped | RunState::Unknown => s.fg(Color::Gray),
        }
    }
}

/// A skin file's style (its colours were checked when the config loaded).
fn style(spec: &StyleSpec) -> Style {
    let mut s = Style::default();
    if let Some(c) = spec.fg.as_deref().and_then(|c| c.parse::<Color>().ok()) {
        s = s.fg(c);
    }
    if let Some(c) = spec.bg.as_deref().and_then(|c| c.parse::<Color>().ok()) {
        s = s.bg(c);
    }
    for (on, m) in [
        (spec.bold, Modifier::BOLD),
        (spec.italic, Modifier::ITALIC),
        (spec.underlined, Modifier::UNDERLINED),
        (spec.reversed, Modifier::REVERSED),
    ] {
        if on {
            s = s.add_modifier(m);
        }
    }
    s
}

/// The 16 ANSI colours with the RGB xterm gives them.
const ANSI: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// The RGB of a 256-colour index (xterm: 16 ANSI, a 6x6x6 cube, 24 greys).
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI[usize::from(i)].1,
        16..=231 => {
            let n = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(n / 36), level((n / 6) % 6), level(n % 6))
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

fn nearest_ansi((r, g, b): (u8, u8, u8)) -> Color {
    let dist = |(x, y, z): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(r, x) + d(g, y) + d(b, z)
    };
    ANSI.iter().min_by_key(|(_, rgb)| dist(*rgb)).map(|(c, _)| *c).unwrap_or(Color::White)
}

/// The 6x6x6 cube index nearest to an RGB colour.
fn cube((r, g, b): (u8, u8, u8)) -> u8 {
    let step = |v: u8| {
        if v < 48 {
            0
        } else if v < 115 {
            1
        } else {
            (v - 35) / 40
        }
    };
    16 + 36 * step(r) + 6 * step(g) + step(b)
}

/// `c` as a terminal of `depth` shows it.
pub fn fit(c: Color, depth: ColorDepth) -> Color {
    match (depth, c) {
        (ColorDepth::TrueColor | ColorDepth::None, _) => c,
        (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(cube((r, g, b))),
        (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => nearest_ansi((r, g, b)),
        (ColorDepth::Ansi16, Color::Indexed(i)) if i > 15 => nearest_ansi(indexed_rgb(i)),
        (ColorDepth::Ansi16, Color::Indexed(i)) => ANSI[usize::from(i)].0,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_degrade_to_what_the_terminal_has() {
        assert_eq!(fit(Color::Rgb(255, 0, 0), ColorDepth::Ansi256), Color::Indexed(196));
        assert_eq!(fit(Color::Rgb(250, 10, 10), ColorDepth::Ansi16), Color::LightRed);
        assert_eq!(fit(Color::Indexed(196), ColorDepth::Ansi16), Color::LightRed);
        assert_eq!(fit(Color::Indexed(1), ColorDepth::Ansi16), Color::Red);
        assert_eq!(fit(Color::Cyan, ColorDepth::Ansi16), Color::Cyan);
        assert_eq!(fit(Color::Rgb(1, 2, 3), ColorDepth::TrueColor), Color::Rgb(1, 2, 3));
        let light = Theme::of("light").degrade(ColorDepth::Ansi16);
        assert!(matches!(light.warn.fg, Some(c) if !matches!(c, Color::Rgb(..))));
        assert!(Theme::of("dark").degrade(ColorDepth::None).mono);
    }
}
