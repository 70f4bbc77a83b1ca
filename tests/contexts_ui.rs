//! Several contexts in one view: merged panes with a CONTEXT column, `/ctx:` filtering,
//! `:ctx` with narrowing and widening, actions that go to the row's context, and one
//! context's trouble kept its own.

mod support;

use batchtop::app::msg::{Effect, Loaded, Msg, SourceId};
use batchtop::app::update::update;
use batchtop::aws::{AwsError, ErrorKind};
use batchtop::state::overlay::Overlay;
use batchtop::state::{Pane, View};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use support::{ch, key, screen, two_contexts, typed};

fn command(s: &mut batchtop::state::AppState, text: &str) -> Vec<Effect> {
    update(s, ch(':'));
    typed(s, text);
    update(s, key(KeyCode::Enter))
}

/// The contexts of the rows the jobs pane shows, in order.
fn job_ctxs(s: &batchtop::state::AppState) -> Vec<usize> {
    s.jobs.visible.iter().map(|&i| s.data.jobs[i].ctx).collect()
}

#[tokio::test]
async fn every_pane_merges_both_contexts_and_says_where_each_row_lives() {
    let (s, _) = two_contexts(120, 40).await;
    let per_ctx = s.data.jobs.iter().filter(|j| j.ctx == 0).count();
    assert!(per_ctx > 3);
    assert_eq!(s.data.jobs.iter().filter(|j| j.ctx == 1).count(), per_ctx);
    assert_eq!(s.jobs.visible.len(), 2 * per_ctx);
    assert_eq!(s.wf_pane.visible.len(), s.workflows.len());
    assert!(s.workflows.iter().any(|w| w.ctx == 1) && s.emr.runs.iter().any(|r| r.ctx == 1));
    let text = screen(&s);
    assert!(text.contains("CONTEXT"), "{text}");
    assert!(text.contains("prod-eu") && text.contains("staging-us"), "{text}");
    assert!(text.contains("2/2 contexts ok"), "{text}");
    assert_snapshot!("contexts_jobs_120x40", text);
}

#[tokio::test]
async fn one_context_shows_no_context_column() {
    let (s, _) = support::loaded_state(120, 40).await;
    assert!(!screen(&s).contains("CONTEXT"));
}

#[tokio::test]
async fn ctx_filter_keeps_the_rows_of_that_context() {
    let (mut s, _) = two_contexts(120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, "ctx:staging");
    update(&mut s, key(KeyCode::Enter));
    let ctxs = job_ctxs(&s);
    assert!(!ctxs.is_empty());
    assert!(ctxs.iter().all(|&c| c == 1), "{ctxs:?}");
    // A prefix matches every context that starts with it; no context, no row.
    command(&mut s, "workflows ctx:prod");
    assert!(s.wf_pane.visible.iter().all(|&i| s.workflows[i].ctx == 0));
    assert!(!s.wf_pane.visible.is_empty());
    command(&mut s, "emr ctx:dev");
    assert!(s.emr_pane.visible.is_empty());
}

#[tokio::test]
async fn ctx_pane_lists_contexts_and_enter_narrows_every_pane() {
    let (mut s, _) = two_contexts(120, 40).await;
    command(&mut s, "workflows");
    command(&mut s, "ctx");
    assert_eq!(s.root, Pane::Ctx);
    let text = screen(&s);
    assert!(text.contains("111111111111") && text.contains("us-east-1"), "{text}");
    assert_snapshot!("contexts_ctx_pane_120x40", text);
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.narrow, Some(1));
    assert_eq!(s.root, Pane::Workflows, "back to the pane :ctx was opened from");
    assert!(s.wf_pane.visible.iter().all(|&i| s.workflows[i].ctx == 1));
    command(&mut s, "jobs");
    assert!(job_ctxs(&s).iter().all(|&c| c == 1));
    assert!(screen(&s).contains("staging-us only"));
    // Esc at a root pane widens again.
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.narrow, None);
    assert!(job_ctxs(&s).contains(&0));
    command(&mut s, "ctx prod-eu");
    assert_eq!(s.narrow, Some(0));
    command(&mut s, "ctx all");
    assert_eq!(s.narrow, None);
    command(&mut s, "ctx nowhere");
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("no context named `nowhere`")), "{:?}", s.flash);
}

#[tokio::test]
async fn an_action_goes_to_the_context_of_its_row() {
    let (mut s, _) = two_contexts(120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, "ctx:staging orders_curate");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.jobs.selected(&s.data).map(|j| (j.ctx, j.job.name.as_str())), Some((1, "orders_curate")));
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(s.stack.last(), Some(View::Runs(r)) if r.ctx == 1));
    update(&mut s, ch('r'));
    let Some(Overlay::Confirm(c)) = &s.overlay else { panic!("no confirmation: {:?}", s.flash) };
    assert_eq!(c.ctx, 1);
    let text = screen(&s);
    assert!(text.contains("staging-us") && text.contains("222222222222") && text.contains("us-east-1"), "{text}");
    let fx = update(&mut s, ch('y'));
    let ctxs: Vec<usize> =
        fx.iter().filter_map(|e| if let Effect::Execute { ctx, .. } = e { Some(*ctx) } else { None }).collect();
    assert_eq!(ctxs, vec![1]);
}

#[tokio::test]
async fn a_read_only_context_offers_no_action() {
    let (mut s, _) = two_contexts(120, 40).await;
    s.contexts[0].read_only = true;
    update(&mut s, ch('/'));
    typed(&mut s, "ctx:prod orders_curate");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('r'));
    assert!(s.overlay.is_none());
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("prod-eu is read-only")), "{:?}", s.flash);
}

#[tokio::test]
async fn one_contexts_failure_stays_its_own() {
    let (mut s, demo) = two_contexts(120, 40).await;
    let denied = AwsError {
        kind: ErrorKind::CredentialsExpired,
        operation: "glue:GetJobs".into(),
        message: "the SSO session of profile prod expired: run aws sso login --profile prod".into(),
    };
    let loaded = Loaded { ctx: 0, source: SourceId::Glue, generation: 2, at: demo.now(), result: Err(denied.clone()) };
    update(&mut s, Msg::Loaded(loaded));
    update(&mut s, Msg::Identity { ctx: 0, result: Err(denied) });
    assert!(s.contexts[1].status(SourceId::Glue).error.is_none());
    assert!(s.contexts[0].status(SourceId::Glue).error.is_some());
    // Its rows are kept (the data's age shows), the other context's too.
    assert!(job_ctxs(&s).contains(&0) && job_ctxs(&s).contains(&1));
    let text = screen(&s);
    assert!(text.contains("prod-eu: the SSO session of profile prod expired"), "{text}");
    assert!(text.contains("1/2 contexts ok"), "{text}");
    command(&mut s, "ctx");
    let text = screen(&s);
    assert!(text.contains("unreachable") && text.contains("aws sso login --profile prod"), "{text}");
    // Narrowed to the healthy one, its panes show no error.
    command(&mut s, "ctx staging-us");
    assert!(s.source_status().error.is_none());
}

#[tokio::test]
async fn logs_of_a_row_open_with_its_context() {
    let (mut s, _) = two_contexts(120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, "ctx:staging orders_curate");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, ch('l'));
    let tails: Vec<usize> =
        fx.iter().filter_map(|e| if let Effect::StartTail { ctx, .. } = e { Some(*ctx) } else { None }).collect();
    assert_eq!(tails, vec![1], "{fx:?} {:?}", s.flash);
    assert!(matches!(s.stack.last(), Some(View::Logs(l)) if l.ctx == 1));
    // And an EMR Serverless run's event log, from the other context.
    update(&mut s, key(KeyCode::Esc));
    command(&mut s, "emr ctx:prod");
    let wanted = s.emr_pane.visible.iter().position(|&i| s.emr.runs[i].monitoring.s3_log_uri.is_some());
    s.emr_pane.cursor.selected = wanted.expect("the demo has an EMR Serverless run logging to S3");
    let fx = update(&mut s, ch('E'));
    let loads: Vec<usize> =
        fx.iter().filter_map(|e| if let Effect::LoadEventLog { ctx, .. } = e { Some(*ctx) } else { None }).collect();
    assert_eq!(loads, vec![0], "{fx:?} {:?}", s.flash);
}

#[tokio::test]
async fn cost_follows_the_account_of_the_context_in_view() {
    let (mut s, _) = two_contexts(120, 40).await;
    let fx = command(&mut s, "cost");
    assert!(fx.contains(&Effect::LoadCost { ctx: 0, force: false, account: "111111111111".into() }), "{fx:?}");
    // Narrowed to staging, the pane asks for staging's account.
    command(&mut s, "ctx staging-us");
    let fx = command(&mut s, "cost");
    assert!(fx.contains(&Effect::LoadCost { ctx: 1, force: false, account: "222222222222".into() }), "{fx:?}");
    // An answer for the account no longer in view is dropped.
    let late = Msg::CostLoaded {
        account: "111111111111".into(),
        at: s.now,
        result: Err(AwsError { kind: ErrorKind::Other, operation: "ce:GetCostAndUsage".into(), message: "x".into() }),
    };
    update(&mut s, late);
    assert!(s.cost.loading, "still waiting for staging's report");
    // Two contexts of one account share one report: no second request.
    s.contexts[1].account = Some("111111111111".into());
    s.cost.loading = false;
    command(&mut s, "ctx prod-eu");
    s.cost.key = Some("111111111111".into());
    s.cost.last_attempt = Some(s.now);
    command(&mut s, "ctx staging-us");
    let fx = command(&mut s, "cost");
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadCost { .. })), "{fx:?}");
}
