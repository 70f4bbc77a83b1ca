//! Key sequences to state, with no terminal and no AWS.

mod support;

use batchtop::app::msg::{Batch, Effect, Loaded, Msg, SourceId};
use batchtop::app::update::update;
use batchtop::aws::{AwsError, ErrorKind};
use batchtop::model::RunState;
use batchtop::state::{JobSort, Mode, View};
use ratatui::crossterm::event::KeyCode;
use support::{ch, key, loaded_state, send, typed};

#[tokio::test]
async fn filter_by_state_then_clear_with_esc() {
    let (mut s, _) = loaded_state(120, 40).await;
    assert_eq!(s.jobs.visible.len(), 30);
    update(&mut s, ch('/'));
    typed(&mut s, "state:failed");
    assert!(matches!(s.mode, Mode::Filter { .. }));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.mode, Mode::Normal);
    assert!(!s.jobs.visible.is_empty() && s.jobs.visible.len() < 30);
    for &i in &s.jobs.visible {
        assert!(s.data.jobs[i].last_run().expect("has runs").state().is_failure());
    }
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.jobs.visible.len(), 30);
}

#[tokio::test]
async fn esc_while_typing_restores_the_previous_filter() {
    let (mut s, _) = loaded_state(120, 40).await;
    send(&mut s, [ch('/')]);
    typed(&mut s, "stream:orders");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.jobs.visible.len(), 6);
    update(&mut s, ch('/'));
    typed(&mut s, "x");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.jobs.filter.text, "stream:orders");
    assert_eq!(s.jobs.visible.len(), 6);
}

#[tokio::test]
async fn regex_filter_and_bad_regex_warning() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, "^pay.*(curate|enrich)$");
    assert_eq!(s.jobs.visible.len(), 2);
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('/'));
    typed(&mut s, "(broken");
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("not a valid regex")));
}

#[tokio::test]
async fn sort_cycles_through_columns() {
    let (mut s, _) = loaded_state(120, 40).await;
    assert_eq!(s.jobs.sort, JobSort::Recent);
    update(&mut s, ch('s'));
    assert_eq!(s.jobs.sort, JobSort::Name);
    let names: Vec<&str> = s.jobs.visible.iter().map(|&i| s.data.jobs[i].job.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    update(&mut s, ch('s'));
    assert_eq!(s.jobs.sort, JobSort::State);
    let first = &s.data.jobs[s.jobs.visible[0]];
    assert!(first.last_run().expect("runs").state().is_failure());
    send(&mut s, [ch('s'), ch('s'), ch('s')]);
    assert_eq!(s.jobs.sort, JobSort::Recent);
}

#[tokio::test]
async fn enter_drills_down_and_esc_comes_back() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch('j'));
    let job = s.jobs.selected(&s.data).expect("selected").job.name.clone();
    update(&mut s, key(KeyCode::Enter));
    let Some(View::Runs(r)) = s.stack.last() else { panic!("runs view expected") };
    assert_eq!(r.job, job);
    assert!(!r.durations.is_empty());
    update(&mut s, key(KeyCode::Enter));
    let Some(View::Detail(d)) = s.stack.last() else { panic!("detail view expected") };
    assert_eq!(d.job, job);
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.stack.is_empty());
    assert_eq!(s.jobs.selected(&s.data).expect("selected").job.name, job);
}

#[tokio::test]
async fn selection_follows_the_job_when_data_reorders() {
    let (mut s, demo) = loaded_state(120, 40).await;
    send(&mut s, [ch('j'), ch('j'), ch('j')]);
    let job = s.jobs.selected(&s.data).expect("selected").job.name.clone();
    demo.advance(chrono::Duration::minutes(30));
    let (fresh, _) = loaded_state(120, 40).await;
    let mut data = fresh.data.clone();
    data.jobs.reverse();
    let now = s.now;
    update(
        &mut s,
        Msg::Loaded(Loaded {
            ctx: 0,
            source: SourceId::Glue,
            generation: 2,
            at: now,
            result: Ok(Box::new(Batch::from(batchtop::poll::Cycle { data, errors: vec![] }))),
        }),
    );
    assert_eq!(s.jobs.selected(&s.data).expect("selected").job.name, job);
}

#[tokio::test]
async fn cursor_moves_pages_and_clamps() {
    let (mut s, _) = loaded_state(80, 12).await;
    let rows = s.table_rows();
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.jobs.cursor.selected, rows);
    update(&mut s, ch('G'));
    assert_eq!(s.jobs.cursor.selected, 29);
    assert_eq!(s.jobs.cursor.offset, 30 - rows);
    update(&mut s, ch('g'));
    assert_eq!((s.jobs.cursor.selected, s.jobs.cursor.offset), (0, 0));
    update(&mut s, key(KeyCode::Up));
    assert_eq!(s.jobs.cursor.selected, 0);
}

#[tokio::test]
async fn command_bar_switches_panes_and_rejects_unknown() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.stack.len(), 1);
    update(&mut s, ch(':'));
    typed(&mut s, "jobs");
    update(&mut s, key(KeyCode::Enter));
    assert!(s.stack.is_empty());
    update(&mut s, ch(':'));
    typed(&mut s, "nosuch");
    update(&mut s, key(KeyCode::Enter));
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("unknown command `nosuch`")));
    update(&mut s, ch(':'));
    typed(&mut s, "jo");
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.mode, Mode::Command { input: "jobs".into() });
}

#[tokio::test]
async fn help_opens_and_any_key_closes_it() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch('?'));
    assert!(matches!(s.mode, Mode::Help { .. }));
    update(&mut s, ch('x'));
    assert_eq!(s.mode, Mode::Normal);
}

#[tokio::test]
async fn quit_and_refresh_are_effects() {
    let (mut s, _) = loaded_state(120, 40).await;
    assert!(update(&mut s, ch('Z')).is_empty(), "unbound key does nothing");
    let fx = update(
        &mut s,
        Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Char('r'),
            ratatui::crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    assert!(fx.contains(&Effect::PollNow(SourceId::Glue)));
    let fx = update(&mut s, ch('q'));
    assert!(fx.contains(&Effect::Quit) && s.quit);
}

#[tokio::test]
async fn failure_keeps_data_and_stale_generations_are_dropped() {
    let (mut s, _) = loaded_state(120, 40).await;
    let err = AwsError {
        kind: ErrorKind::Throttled,
        operation: "glue:GetJobs".into(),
        message: "glue:GetJobs throttled".into(),
    };
    let now = s.now;
    update(&mut s, Msg::Loaded(Loaded { ctx: 0, source: SourceId::Glue, generation: 3, at: now, result: Err(err) }));
    assert_eq!(s.data.jobs.len(), 30);
    assert_eq!(s.status(SourceId::Glue).error.as_ref().map(|e| e.kind), Some(ErrorKind::Throttled));
    // An older cycle arriving late changes nothing.
    let fx = update(
        &mut s,
        Msg::Loaded(Loaded {
            ctx: 0,
            source: SourceId::Glue,
            generation: 2,
            at: now,
            result: Ok(Box::new(Batch::from(batchtop::poll::Cycle { data: Default::default(), errors: vec![] }))),
        }),
    );
    assert!(fx.is_empty());
    assert_eq!(s.data.jobs.len(), 30);
    assert!(s.status(SourceId::Glue).error.is_some());
}

#[tokio::test]
async fn runs_view_filters_by_state() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('/'));
    typed(&mut s, "state:succ");
    update(&mut s, key(KeyCode::Enter));
    let Some(View::Runs(r)) = s.stack.last() else { panic!("runs view") };
    let runs = &r.entry(&s.data).expect("job").runs;
    assert!(r.visible.iter().all(|&i| runs[i].state() == RunState::Succeeded));
    assert!(r.visible.len() < runs.len() || runs.iter().all(|x| x.state() == RunState::Succeeded));
}

#[tokio::test]
async fn keymap_overrides_from_config_apply() {
    let (mut s, _) = loaded_state(120, 40).await;
    let settings = batchtop::config::parse("[keymap]\nquit = \"z\"\nfilter = \"f\"\n", "test.toml").expect("valid");
    s.settings = std::sync::Arc::new(settings);
    assert!(update(&mut s, ch('q')).is_empty(), "q is no longer quit");
    update(&mut s, ch('f'));
    assert!(matches!(s.mode, Mode::Filter { .. }));
    update(&mut s, key(KeyCode::Esc));
    assert!(update(&mut s, ch('z')).contains(&Effect::Quit));
}

#[tokio::test]
async fn every_sort_orders_by_its_column_then_by_name() {
    let (mut s, _) = loaded_state(120, 40).await;
    let now = s.now;
    let rows = |s: &batchtop::state::AppState| -> Vec<batchtop::model::JobEntry> {
        s.jobs.visible.iter().map(|&i| s.data.jobs[i].clone()).collect()
    };
    let started = |j: &batchtop::model::JobEntry| j.last_run().and_then(|r| r.started_on);
    let r = rows(&s);
    assert!(
        r.windows(2)
            .all(|w| started(&w[0]) > started(&w[1])
                || (started(&w[0]) == started(&w[1]) && w[0].job.name < w[1].job.name)),
        "newest first"
    );
    send(&mut s, [ch('s'), ch('s'), ch('s')]);
    assert_eq!(s.jobs.sort, JobSort::Duration);
    let dur = |j: &batchtop::model::JobEntry| j.last_run().and_then(|r| r.duration_s(now)).unwrap_or(-1);
    assert!(rows(&s).windows(2).all(|w| dur(&w[0]) >= dur(&w[1])), "longest first");
    update(&mut s, ch('s'));
    assert_eq!(s.jobs.sort, JobSort::Stream);
    let r = rows(&s);
    assert!(r.windows(2).all(|w| (w[0].stream.clone(), &w[0].job.name) <= (w[1].stream.clone(), &w[1].job.name)));
}
