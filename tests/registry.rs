//! Every registered pane is reachable everywhere a user looks for it: `?` help, `:`
//! completion, the top bar (with its filter) and `snapshot --format table`. A pane added to
//! the registry but forgotten in one of these fails here.

mod support;

use batchtop::app::update::update;
use batchtop::state::{Mode, PANES};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use support::{ch, key, loaded_state, screen, typed};

#[tokio::test]
async fn every_pane_is_in_help() {
    let (mut s, _) = loaded_state(120, 90).await;
    update(&mut s, ch('?'));
    assert!(matches!(s.mode, Mode::Help { .. }));
    let text = screen(&s);
    for spec in PANES {
        let line = format!(":{:<13}{}", spec.name, spec.about);
        assert!(text.contains(&line), "help lacks `{line}`:\n{text}");
    }
}

/// The shortest prefix that completes to `name` (completion takes the first match).
fn prefix_of(name: &str) -> &str {
    (1..=name.len())
        .map(|n| &name[..n])
        .find(|p| PANES.iter().find(|s| s.name.starts_with(p)).is_some_and(|s| s.name == name))
        .unwrap_or(name)
}

#[tokio::test]
async fn every_pane_completes_after_colon_and_opens() {
    let (mut s, _) = loaded_state(120, 40).await;
    for spec in PANES {
        update(&mut s, ch(':'));
        typed(&mut s, prefix_of(spec.name));
        update(&mut s, key(KeyCode::Tab));
        assert_eq!(s.mode, Mode::Command { input: spec.name.to_string() }, "completion of {}", spec.name);
        update(&mut s, key(KeyCode::Enter));
        assert_eq!(s.root, spec.pane, ":{} opens its pane", spec.name);
        for alias in spec.aliases {
            update(&mut s, ch(':'));
            typed(&mut s, alias);
            update(&mut s, key(KeyCode::Enter));
            assert_eq!(s.root, spec.pane, ":{alias} opens {}", spec.name);
        }
    }
}

#[tokio::test]
async fn every_pane_shows_in_the_top_bar_with_its_filter() {
    let (mut s, _) = loaded_state(120, 40).await;
    for spec in PANES {
        update(&mut s, ch(':'));
        typed(&mut s, spec.name);
        update(&mut s, key(KeyCode::Enter));
        let filterable = s.active_table().and_then(|t| t.filter()).is_some();
        if filterable {
            update(&mut s, ch('/'));
            typed(&mut s, "zz9");
            update(&mut s, key(KeyCode::Enter));
        }
        let text = screen(&s);
        let top = text.lines().next().unwrap_or_default();
        assert!(top.contains(spec.name), "top bar of {} names it: {top}", spec.name);
        assert_eq!(top.contains("filter:zz9"), filterable, "top bar of {} shows its filter: {top}", spec.name);
        // The empty table says what it would list, in the pane's own words.
        if filterable {
            assert!(!text.contains("Glue apps") && !text.contains("Glue emr"), "{text}");
        }
        update(&mut s, key(KeyCode::Esc));
    }
}

#[tokio::test]
async fn dq_filter_shows_in_the_top_bar() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch(':'));
    typed(&mut s, "dq orders");
    update(&mut s, key(KeyCode::Enter));
    let text = screen(&s);
    assert_snapshot!("dq_filter_top_bar", text.lines().next().unwrap_or_default());
}

#[tokio::test]
async fn empty_emr_panes_say_what_they_list() {
    let (mut s, _) = loaded_state(120, 40).await;
    s.emr = Default::default();
    s.rebuild();
    for pane in ["apps", "emr"] {
        update(&mut s, ch(':'));
        typed(&mut s, pane);
        update(&mut s, key(KeyCode::Enter));
        let text = screen(&s);
        let note = text.lines().find(|l| l.contains("no ")).unwrap_or_default().trim().to_string();
        assert_snapshot!(format!("empty_{pane}"), note);
    }
}

#[test]
fn every_pane_is_in_the_table_snapshot_with_its_columns() {
    let env = support::cli::Env::new("registry");
    let out = env.run(&["--demo", "snapshot", "--format", "table"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    for spec in PANES {
        let at = lines.iter().position(|l| *l == spec.snapshot_section);
        let at = at.unwrap_or_else(|| panic!("no `{}` section:\n{table}", spec.snapshot_section));
        let header = lines.get(at + 1).copied().unwrap_or_default();
        assert!(!header.trim().is_empty(), "{} has a header line", spec.snapshot_section);
    }
    // A pane's header is its declared columns, every one of them (not cut to a terminal).
    let jobs = lines.iter().position(|l| *l == "GLUE JOBS").expect("jobs");
    let header: Vec<&str> = lines[jobs + 1].split_whitespace().collect();
    assert_eq!(header, ["NAME", "STREAM", "STATE", "DQ", "STARTED", "DURATION", "DPU-H", "ATT", "ERROR"]);
}
