//! Colours by role, for the dark, light and mono themes.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeName;
use crate::model::RunState;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub name: ThemeName,
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
    pub fn of(name: ThemeName) -> Theme {
        let s = Style::default();
        match name {
            ThemeName::Dark => Theme {
                name,
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
            ThemeName::Light => Theme {
                name,
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
            ThemeName::Mono => Theme {
                name,
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
        if self.name == ThemeName::Mono {
            return s.add_modifier(Modifier::BOLD);
        }
        s.fg(COLORS[usize::from(index) % COLORS.len()])
    }

    /// Colour of a run state.
    pub fn state(&self, state: RunState) -> Style {
        let s = Style::default();
        if self.name == ThemeName::Mono {
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
