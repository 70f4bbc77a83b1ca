//! The Data Quality and cost panes on the seeded demo account: a succeeded run whose data
//! failed its rules is marked in the jobs table, runs and detail; `:dq` lists results failed
//! first and opens a result's rules; `:cost` loads once (cache, else one request), answers
//! "which stream's cost jumped yesterday", refreshes only after a confirmation.

mod support;

use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::aws::demo::BAD_DATA_JOB;
use batchtop::cost::cache::CostCache;
use batchtop::cost::{CostQuery, load};
use batchtop::state::View;
use insta::assert_snapshot;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::{ch, key, loaded_state, render, screen, typed};

fn command(s: &mut batchtop::state::AppState, name: &str) -> Vec<Effect> {
    update(s, ch(':'));
    typed(s, name);
    update(s, key(KeyCode::Enter))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[tokio::test]
async fn a_succeeded_run_whose_data_failed_is_marked_in_jobs_runs_and_detail() {
    let (mut s, _) = loaded_state(120, 40).await;
    let job = s.data.jobs.iter().find(|j| j.job.name == BAD_DATA_JOB).expect("job");
    let last = job.last_run().expect("last run").clone();
    assert_eq!(last.state(), batchtop::model::RunState::Succeeded);
    assert!(s.dq.run_failed(BAD_DATA_JOB, &last.id));
    update(&mut s, ch('/'));
    typed(&mut s, BAD_DATA_JOB);
    update(&mut s, key(KeyCode::Enter));
    let text = screen(&s);
    let row = text.lines().find(|l| l.contains(BAD_DATA_JOB) && l.contains("SUCCEEDED")).expect("job row");
    assert!(row.contains("FAIL") && row.contains("data quality: 2 rule(s) failed"), "{row}");
    // The DQ cell is drawn in the error colour.
    let term = render(&s);
    let buf = term.backend().buffer();
    let line_at = |y: u16| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>();
    let y = (0..buf.area.height)
        .find(|&y| line_at(y).contains(BAD_DATA_JOB) && line_at(y).contains("SUCCEEDED"))
        .expect("row y");
    let line = line_at(y);
    let x = line.find(" FAIL ").expect("FAIL cell") as u16 + 1;
    assert_eq!(buf[(x, y)].fg, batchtop::ui::theme::Theme::of(Default::default()).error.fg.expect("error colour"));
    assert_snapshot!("jobs_dq_mark_120x40", text);
    update(&mut s, key(KeyCode::Enter));
    let runs = screen(&s);
    assert!(runs.lines().any(|l| l.contains("SUCCEEDED") && l.contains("FAIL")), "{runs}");
    update(&mut s, key(KeyCode::Enter));
    let detail = screen(&s);
    assert!(detail.contains("Data quality    FAILED orders_curate_rules on curated.orders_curate"), "{detail}");
    assert!(detail.contains("FAIL IsComplete \"customer_id\": Value: 0.9412 does not meet"), "{detail}");
    assert!(detail.contains("Est. cost") && detail.contains("(estimate: DPU-hours x $0.44/DPU-hour)"), "{detail}");
    assert_snapshot!("run_detail_dq_120x40", detail);
}

#[tokio::test]
async fn dq_pane_lists_results_and_opens_the_rules_failed_first() {
    for (w, h) in [(120, 40), (80, 24)] {
        let (mut s, _) = loaded_state(w, h).await;
        command(&mut s, "dq");
        let text = screen(&s);
        assert!(text.contains("Data Quality results") && text.contains("1 failing"), "{text}");
        assert_snapshot!(format!("dq_{w}x{h}"), text);
        update(&mut s, ch('/'));
        typed(&mut s, "state:FAILED");
        update(&mut s, key(KeyCode::Enter));
        assert_eq!(s.dq_pane.visible.len(), 1);
        update(&mut s, key(KeyCode::Enter));
        let Some(View::DqDetail(d)) = s.stack.last() else { panic!("detail view") };
        let r = d.result(&s.dq).expect("result");
        assert_eq!(r.job_name.as_deref(), Some(BAD_DATA_JOB));
        let text = screen(&s);
        let fail = text.find("FAIL   Completeness \"shipping_address\"").expect("failed rule");
        let pass = text.find("PASS   ColumnValues").expect("passed rule");
        assert!(fail < pass, "failed rules come first\n{text}");
        assert!(text.contains("Value: 0.8874 does not meet the constraint requirement!"), "{text}");
        assert!(text.contains("Column.shipping_address.Completeness = 0.8874"), "{text}");
        assert_snapshot!(format!("dq_detail_{w}x{h}"), text);
    }
}

#[tokio::test]
async fn dq_pane_shows_the_failed_evaluation_run_with_its_error() {
    let (mut s, _) = loaded_state(160, 40).await;
    command(&mut s, "dq");
    let text = screen(&s);
    assert!(text.contains("ruleset evaluation runs"), "{text}");
    let row = text.lines().find(|l| l.contains("curated.payments_publish") && l.contains("FAILED")).expect("run row");
    assert!(row.contains("AccessDeniedException"), "{row}");
}

async fn answer_load(
    demo: &batchtop::aws::demo::DemoAccount,
    fx: &[Effect],
    cache: &CostCache,
    s: &batchtop::state::AppState,
) -> Msg {
    let Some(Effect::LoadCost { force, account, .. }) = fx.iter().find(|e| matches!(e, Effect::LoadCost { .. })) else {
        panic!("no LoadCost in {fx:?}")
    };
    let query = CostQuery::last_days(s.now.date_naive(), &s.settings.config.cost);
    let result = load(demo, cache, account, &query, s.now, *force).await;
    Msg::CostLoaded { account: account.clone(), at: s.now, result: result.map(Box::new) }
}

#[tokio::test]
async fn cost_pane_answers_which_stream_jumped_and_asks_before_a_billed_refresh() {
    let dir = std::env::temp_dir().join(format!("batchtop-ui-cost-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = CostCache::new(&dir, std::time::Duration::from_secs(6 * 3600));
    let (mut s, demo) = loaded_state(120, 40).await;
    let fx = command(&mut s, "cost");
    assert!(fx.contains(&Effect::LoadCost { ctx: 0, force: false, account: "000000000000".into() }), "{fx:?}");
    let loading = screen(&s);
    assert!(loading.contains("loading"), "{loading}");
    let msg = answer_load(&demo, &fx, &cache, &s).await;
    update(&mut s, msg);
    assert_eq!(s.cost.requests, 1);
    let text = screen(&s);
    let first = s.cost.rows.first().expect("rows");
    assert_eq!(first.label, "team=finance stream=payments", "the biggest mover first");
    assert!(first.change_ratio.expect("ratio") > 0.8, "{first:?}");
    assert!(text.contains("untagged") && text.contains("team=(untagged) stream=(untagged)"), "{text}");
    assert!(text.contains("Cost Explorer requests this session: 1 ($0.01)"), "{text}");
    assert!(text.contains("estimated now from runs started in the last 24 h"), "{text}");
    assert_snapshot!("cost_120x40", text);

    // Ticks within the TTL never ask again.
    for _ in 0..5 {
        let now = s.now + chrono::Duration::minutes(30);
        let fx = update(&mut s, Msg::Tick { now, stats: Default::default() });
        assert!(!fx.iter().any(|e| matches!(e, Effect::LoadCost { .. })), "{fx:?}");
    }
    // A manual refresh asks first; anything but y cancels.
    update(&mut s, ctrl('r'));
    let ask = screen(&s);
    assert!(ask.contains("refresh cost from Cost Explorer?") && ask.contains("$0.01 per request"), "{ask}");
    assert_snapshot!("cost_refresh_confirm_120x40", ask);
    let fx = update(&mut s, ch('n'));
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadCost { .. })));
    update(&mut s, ctrl('r'));
    let fx = update(&mut s, ch('y'));
    assert!(fx.contains(&Effect::LoadCost { ctx: 0, force: true, account: "000000000000".into() }), "{fx:?}");
    let msg = answer_load(&demo, &fx, &cache, &s).await;
    update(&mut s, msg);
    assert_eq!(s.cost.requests, 2);
    // Past the TTL the pane reloads by itself, once.
    let now = s.now + chrono::Duration::hours(7);
    let fx = update(&mut s, Msg::Tick { now, stats: Default::default() });
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadCost { ctx: 0, force: false, .. })), "{fx:?}");
    let now = s.now + chrono::Duration::seconds(1);
    let fx = update(&mut s, Msg::Tick { now, stats: Default::default() });
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadCost { .. })), "in flight: {fx:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn reopening_the_cost_pane_uses_the_cache_not_cost_explorer() {
    let dir = std::env::temp_dir().join(format!("batchtop-ui-cost2-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = CostCache::new(&dir, std::time::Duration::from_secs(6 * 3600));
    let (mut s, demo) = loaded_state(120, 40).await;
    let fx = command(&mut s, "cost");
    let msg = answer_load(&demo, &fx, &cache, &s).await;
    update(&mut s, msg);
    command(&mut s, "jobs");
    let fx = command(&mut s, "cost");
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadCost { .. })), "loaded within the TTL: {fx:?}");
    // A new session (fresh state) finds the report in the disk cache: no request.
    let (mut s2, demo2) = loaded_state(120, 40).await;
    let fx = command(&mut s2, "cost");
    let msg = answer_load(&demo2, &fx, &cache, &s2).await;
    update(&mut s2, msg);
    assert_eq!(s2.cost.requests, 0, "served from the cache");
    assert!(screen(&s2).contains("from cache"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_pane_command_can_carry_a_filter() {
    let (mut s, _) = loaded_state(120, 40).await;
    command(&mut s, "dq orders_curate");
    assert_eq!(s.root, batchtop::state::Pane::Dq);
    assert_eq!(s.dq_pane.filter.text, "orders_curate");
    assert!(!s.dq_pane.visible.is_empty());
    assert!(s.dq_pane.visible.iter().all(|&i| s.dq.results[i].job_name.as_deref() == Some("orders_curate")));
    command(&mut s, "jobs state:FAILED");
    assert_eq!(s.root, batchtop::state::Pane::Jobs);
    assert!(s.jobs.visible.len() < s.data.jobs.len());
    assert!(screen(&s).contains("filter:state:FAILED"), "{}", screen(&s));
    command(&mut s, "nosuchpane x");
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("unknown command `nosuchpane`")), "{:?}", s.flash);
}
