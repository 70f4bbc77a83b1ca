//! Skins: named skin files next to the config, a skin per context, the colours the
//! terminal has, NO_COLOR. Checked on rendered buffers.

mod support;

use std::path::PathBuf;
use std::sync::Arc;

use batchtop::app::msg::Msg;
use batchtop::app::update::update;
use batchtop::config::skins::ColorDepth;
use batchtop::state::AppState;
use ratatui::style::Color;
use support::{load_demo, render};

/// A config dir with `config.toml` and `skins/`, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str, config: &str, skins: &[(&str, &str)]) -> Dir {
        let d = std::env::temp_dir().join(format!("batchtop-skins-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(d.join("skins")).expect("dir");
        std::fs::write(d.join("config.toml"), config).expect("config");
        for (name, text) in skins {
            std::fs::write(d.join("skins").join(format!("{name}.toml")), text).expect("skin");
        }
        Dir(d)
    }

    fn load(&self) -> Result<batchtop::config::Settings, batchtop::config::ConfigError> {
        batchtop::config::load(Some(&self.0.join("config.toml")))
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const ALERT: &str =
    "base = \"dark\"\nborder = { fg = \"#ff0000\" }\ntitle = { fg = \"white\", bg = \"red\", bold = true }\n";

async fn state(settings: batchtop::config::Settings, colors: ColorDepth, two: bool) -> AppState {
    let (base, demo) = if two { support::two_contexts(120, 40).await } else { support::loaded_state(120, 40).await };
    let mut s = AppState::new(Arc::new(settings), base.context.clone(), demo.now());
    s.context.colors = colors;
    s.set_contexts(base.contexts.clone());
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    for ctx in 0..s.contexts.len() {
        load_demo(&mut s, &demo, ctx).await;
    }
    s
}

/// The foreground colour of the table's top-left border corner.
fn border_fg(s: &AppState) -> Option<Color> {
    let term = render(s);
    term.backend().buffer()[(0, 1)].style().fg
}

#[tokio::test]
async fn a_skin_file_colours_the_screen_in_what_the_terminal_has() {
    let dir = Dir::new("file", "theme = \"alert\"\n", &[("alert", ALERT)]);
    let settings = dir.load().expect("valid");
    assert!(settings.skins.contains_key("alert"));
    let s = state(settings.clone(), ColorDepth::TrueColor, false).await;
    assert_eq!(s.skin(), "alert");
    assert_eq!(border_fg(&s), Some(Color::Rgb(255, 0, 0)));
    let s = state(settings.clone(), ColorDepth::Ansi256, false).await;
    assert_eq!(border_fg(&s), Some(Color::Indexed(196)));
    let s = state(settings.clone(), ColorDepth::Ansi16, false).await;
    assert_eq!(border_fg(&s), Some(Color::LightRed));
    // NO_COLOR: not one cell has a colour.
    let s = state(settings, ColorDepth::None, false).await;
    let term = render(&s);
    let coloured = term.backend().buffer().content.iter().filter(|c| {
        let st = c.style();
        st.fg.is_some_and(|f| f != Color::Reset) || st.bg.is_some_and(|b| b != Color::Reset)
    });
    assert_eq!(coloured.count(), 0);
}

#[tokio::test]
async fn prod_gets_its_own_skin() {
    let config = "[theme]\nskin = \"dark\"\nper_context = { prod = \"alert\" }\n";
    let dir = Dir::new("ctx", config, &[("alert", ALERT)]);
    let mut s = state(dir.load().expect("valid"), ColorDepth::TrueColor, true).await;
    // Both contexts in view: the config's skin.
    assert_eq!(s.skin(), "dark");
    assert_eq!(border_fg(&s), Some(Color::Blue));
    // Narrowed to prod (by profile `prod`): prod's.
    s.narrow = Some(0);
    assert_eq!(s.contexts[0].profile.as_deref(), Some("prod"));
    assert_eq!(s.skin(), "alert");
    assert_eq!(border_fg(&s), Some(Color::Rgb(255, 0, 0)));
    s.narrow = Some(1);
    assert_eq!(s.skin(), "dark");
}

#[test]
fn skins_are_checked_when_the_config_loads() {
    let e = Dir::new("missing", "\ntheme = \"nope\"\n", &[]).load().expect_err("no such skin");
    assert_eq!((e.line, e.column, e.key.as_str()), (2, 9, "theme"), "{e}");
    assert!(e.message.contains("skin `nope`") && e.message.contains("dark, light, mono"), "{e}");
    let bad = "base = \"dark\"\nborder = { fg = \"#ff0000\" }\ntitle = { fg = \"shiny\" }\n";
    let e = Dir::new("bad", "theme = \"bad\"\n", &[("bad", bad)]).load().expect_err("bad colour");
    assert!(e.path.ends_with("skins/bad.toml"), "{e}");
    assert_eq!((e.line, e.column, e.key.as_str()), (3, 1, "title"), "{e}");
    let e = Dir::new("typo", "theme = \"t\"\n", &[("t", "bordr = { fg = \"red\" }\n")]).load().expect_err("typo");
    assert!(e.path.ends_with("skins/t.toml") && e.line == 1, "{e}");
    let e = Dir::new("colors", "[theme]\ncolors = \"88\"\n", &[]).load().expect_err("colors");
    assert_eq!((e.line, e.column, e.key.as_str()), (2, 10, "theme.colors"), "{e}");
    let e = Dir::new("field", "[theme]\nskn = \"x\"\n", &[]).load().expect_err("unknown field");
    assert!(e.message.contains("skin, colors and per_context") && e.line >= 1, "{e}");
    let ctx = "[[contexts]]\nname = \"prod\"\nskin = \"gone\"\n";
    let e = Dir::new("ctxskin", ctx, &[]).load().expect_err("context skin");
    assert_eq!((e.line, e.key.as_str()), (3, "contexts[0].skin"), "{e}");
    // The old form and the built-in names still work; the example skin parses.
    for ok in ["theme = \"light\"\n", "theme = \"mono\"\n", "[theme]\nskin = \"light\"\ncolors = \"16\"\n"] {
        Dir::new("ok", ok, &[]).load().expect(ok);
    }
    let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/skins/prod-alert.toml"));
    batchtop::config::skins::parse(&example.expect("example skin")).expect("the example skin is valid");
}
