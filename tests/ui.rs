//! Snapshots of rendered screens from the seeded demo account, at 120x40 and 80x24.
//! Text is compared with insta; colours that carry meaning are checked on the buffer.

mod support;

use batchtop::app::msg::{Loaded, Msg, SourceId};
use batchtop::app::update::update;
use batchtop::aws::{AwsError, ErrorKind};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use support::{ch, key, loaded_state, render, screen};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

#[tokio::test]
async fn jobs_table() {
    for (w, h) in SIZES {
        let (s, _) = loaded_state(w, h).await;
        assert_snapshot!(format!("jobs_{w}x{h}"), screen(&s));
    }
}

#[tokio::test]
async fn run_history() {
    for (w, h) in SIZES {
        let (mut s, _) = loaded_state(w, h).await;
        update(&mut s, ch('/'));
        for c in "orders_curate".chars() {
            update(&mut s, ch(c));
        }
        update(&mut s, key(KeyCode::Enter));
        update(&mut s, key(KeyCode::Enter));
        assert_snapshot!(format!("runs_{w}x{h}"), screen(&s));
    }
}

#[tokio::test]
async fn run_detail() {
    for (w, h) in SIZES {
        let (mut s, _) = loaded_state(w, h).await;
        update(&mut s, ch('/'));
        for c in "state:fail".chars() {
            update(&mut s, ch(c));
        }
        update(&mut s, key(KeyCode::Enter));
        update(&mut s, key(KeyCode::Enter));
        update(&mut s, key(KeyCode::Enter));
        assert_snapshot!(format!("detail_{w}x{h}"), screen(&s));
        // Scrolled to the end, the arguments show, secrets masked.
        update(&mut s, key(KeyCode::End));
        let text = screen(&s);
        assert!(text.contains("--source_path"), "{text}");
        assert!(text.contains("********"), "secret argument must be masked");
        assert!(!text.contains("hunter2"), "secret value leaked");
        assert_snapshot!(format!("detail_end_{w}x{h}"), text);
    }
}

#[tokio::test]
async fn help() {
    for (w, h) in SIZES {
        let (mut s, _) = loaded_state(w, h).await;
        update(&mut s, ch('?'));
        assert_snapshot!(format!("help_{w}x{h}"), screen(&s));
    }
}

#[tokio::test]
async fn error_and_stale_state() {
    for (w, h) in SIZES {
        let (mut s, _) = loaded_state(w, h).await;
        let err = AwsError {
            kind: ErrorKind::CredentialsExpired,
            operation: "glue:GetJobs".into(),
            message: "credentials for profile prod expired: run aws sso login --profile prod".into(),
        };
        let now = s.now;
        update(
            &mut s,
            Msg::Loaded(Loaded { ctx: 0, source: SourceId::Glue, generation: 2, at: now, result: Err(err) }),
        );
        let later = now + chrono::Duration::seconds(192);
        update(&mut s, Msg::Tick { now: later, stats: Default::default() });
        let text = screen(&s);
        assert!(text.contains("showing data from 3m12s ago"), "{text}");
        assert!(text.contains("credentials for profile prod expired"), "{text}");
        assert_snapshot!(format!("stale_{w}x{h}"), text);
    }
}

#[tokio::test]
async fn too_small_terminal() {
    let (mut s, _) = loaded_state(39, 9).await;
    let text = screen(&s);
    assert!(text.contains("terminal too small"), "{text}");
    assert_snapshot!("too_small_39x9", text);
    // Exactly the minimum draws the real UI.
    update(&mut s, Msg::Resize { width: 40, height: 10 });
    let text = screen(&s);
    assert!(!text.contains("terminal too small") && text.contains("Glue jobs"), "{text}");
    // Degenerate sizes never panic.
    for (w, h) in [(1, 1), (40, 1), (1, 40), (200, 10)] {
        update(&mut s, Msg::Resize { width: w, height: h });
        let _ = screen(&s);
    }
}

#[tokio::test]
async fn failed_state_is_red() {
    let (s, _) = loaded_state(120, 40).await;
    let term = render(&s);
    let buf = term.backend().buffer();
    let mut found = false;
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        if let Some(col) = line.find("FAILED") {
            let x = line[..col].chars().count() as u16;
            assert_eq!(buf[(x, y)].fg, Color::LightRed, "FAILED must be red on row {y}");
            found = true;
        }
        if let Some(col) = line.find("SUCCEEDED") {
            let x = line[..col].chars().count() as u16;
            assert_eq!(buf[(x, y)].fg, Color::Green);
        }
    }
    assert!(found, "the demo shows failed jobs");
}

#[tokio::test]
async fn smallest_terminal_and_read_only_badge() {
    let (mut s, _) = loaded_state(40, 10).await;
    s.context.read_only = true;
    let text = screen(&s);
    assert!(text.contains("Glue jobs"), "{text}");
    assert!(text.contains("RO"), "read-only badge even when compact:\n{text}");
    assert_snapshot!("jobs_40x10_read_only", text);
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    assert!(screen(&s).contains(" READ-ONLY "));
}

#[tokio::test]
async fn mono_theme_has_no_colour() {
    let (mut s, _) = loaded_state(120, 40).await;
    let mut settings = (*s.settings).clone();
    settings.config.theme = "mono".into();
    s.settings = std::sync::Arc::new(settings);
    let term = render(&s);
    let buf = term.backend().buffer();
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset, "mono theme sets no foreground colour");
        assert_eq!(cell.bg, Color::Reset, "mono theme sets no background colour");
    }
}

#[tokio::test]
async fn status_bar_counts_throttles_per_minute() {
    let (mut s, _) = loaded_state(120, 40).await;
    let stats = batchtop::aws::StatsSnapshot { throttles: 12, throttles_last_minute: 5, ..Default::default() };
    let now = s.now;
    update(&mut s, Msg::Tick { now, stats });
    let text = screen(&s);
    let bar = text.lines().last().unwrap_or_default();
    assert!(bar.contains("5 throttled/min"), "{bar}");
    let cell = render(&s).backend().buffer().content().iter().rev().find(|c| c.symbol() == "/").cloned();
    assert!(cell.is_some_and(|c| c.fg != Color::Reset), "drawn as a warning");
}
