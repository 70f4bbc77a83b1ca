//! Logs through the real SDK against the emulator: the right streams for a Glue run, an EMR
//! Serverless run (CloudWatch and S3 gzip) and a crawler; follow picks up new events with
//! Live Tail; a refused or ended Live Tail falls back to polling with no gap and no duplicate;
//! the API budget holds under three concurrent tails (requests per second counted at the
//! emulator); S3 logs re-read by byte range as they grow.

mod support;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use batchtop::aws::ApiStats;
use batchtop::logs::locate::{self, Layouts, Place, Plan};
use batchtop::logs::ring::Ring;
use batchtop::poll::logs::{TailEvent, TailMode, TailOptions, run_tail};
use chrono::Utc;
use serde_json::json;
use support::emu::{self, control, fault, fresh_account};
use tokio::sync::mpsc;

async fn put(client: &aws_sdk_cloudwatchlogs::Client, group: &str, stream: &str, lines: &[(i64, &str)]) {
    let _ = client.create_log_group().log_group_name(group).send().await;
    let _ = client.create_log_stream().log_group_name(group).log_stream_name(stream).send().await;
    let events: Vec<InputLogEvent> = lines
        .iter()
        .map(|(ts, m)| InputLogEvent::builder().timestamp(*ts).message(*m).build().expect("event"))
        .collect();
    client
        .put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(events))
        .send()
        .await
        .expect("PutLogEvents");
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Run a tail to its end (no follow) and return what it sent.
async fn read_all(acct: &str, plan: Plan, objects: Option<Arc<dyn batchtop::aws::ObjectRead>>) -> Vec<TailEvent> {
    let logs = emu::logs_reader(acct, 5, Arc::new(ApiStats::new())).await;
    let objects = objects.unwrap_or_else(|| Arc::new(batchtop::aws::NoObjects));
    let (tx, mut rx) = mpsc::channel(64);
    let opts = TailOptions { follow: false, ..Default::default() };
    tokio::spawn(run_tail(logs, objects, plan, opts, tx));
    let mut out = Vec::new();
    while let Some(ev) = tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.expect("tail answers") {
        out.push(ev);
    }
    out
}

fn messages(events: &[TailEvent]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            TailEvent::Events(v) => Some(v.iter().map(|e| (e.stream.clone(), e.message.clone())).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[tokio::test]
async fn a_glue_run_reads_its_driver_executor_and_error_streams_only() {
    let acct = fresh_account();
    let t0 = Utc::now().timestamp() as f64 - 600.0;
    let out = control(
        "/batchtop/glue/seed",
        &json!({"account_id": acct, "region": emu::REGION, "jobs": [{"name": "orders_curate", "runs": [
            {"state": "FAILED", "started_on": t0, "completed_on": t0 + 300.0, "error_message": "Command Failed with Exit Code 1",
             "arguments": {"--enable-continuous-cloudwatch-log": "true"}, "log_group_name": "/aws-glue/jobs"}]}]}),
    );
    let run_id = out["run_ids"]["orders_curate"][0].as_str().expect("run id").to_string();
    let other = format!("jr_{:064x}", 9);
    let c = emu::logs_client(&acct).await;
    let ts = (t0 as i64) * 1000 + 10_000;
    put(&c, "/aws-glue/jobs/output", &run_id, &[(ts, "driver stdout line")]).await;
    put(&c, "/aws-glue/jobs/output", &format!("{run_id}_1"), &[(ts + 1, "executor 1 stdout")]).await;
    put(
        &c,
        "/aws-glue/jobs/error",
        &run_id,
        &[(ts + 2, "java.lang.OutOfMemoryError: Java heap space"), (ts + 3, "Caused by: java.lang.OutOfMemoryError")],
    )
    .await;
    put(&c, "/aws-glue/jobs/logs-v2", &format!("{run_id}-driver"), &[(ts + 4, "continuous driver line")]).await;
    put(&c, "/aws-glue/jobs/output", &other, &[(ts + 5, "someone else's run")]).await;

    let account = emu::account(&acct).await;
    let run = account.glue.job_run("orders_curate", &run_id).await.expect("GetJobRun");
    let plan = locate::glue_run(&run, &Layouts::default());
    let events = read_all(&acct, plan, None).await;
    let got = messages(&events);
    let texts: Vec<&str> = got.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "driver stdout line",
            "executor 1 stdout",
            "java.lang.OutOfMemoryError: Java heap space",
            "Caused by: java.lang.OutOfMemoryError",
            "continuous driver line"
        ],
        "merged in time order, nothing from the other run"
    );
    assert!(events.contains(&TailEvent::Mode(TailMode::Done)));
    let found = events.iter().find_map(|e| match e {
        TailEvent::Found { streams, .. } => Some(streams.clone()),
        _ => None,
    });
    let found = found.expect("streams found");
    assert!(found.contains(&format!("/aws-glue/jobs/error › {run_id}")), "{found:?}");
    assert!(!found.iter().any(|s| s.contains(&other)), "{found:?}");
}

#[tokio::test]
async fn an_emr_run_reads_cloudwatch_and_gzip_logs_from_s3_as_they_grow() {
    let acct = fresh_account();
    let app = emu::emr_app(&acct, "etl");
    let created = Utc::now().timestamp() as f64 - 300.0;
    let run_id = emu::emr_run(
        &acct,
        &app,
        json!({"name": "nightly", "state": "RUNNING",
                "created_at": created, "updated_at": created, "started_at": created + 10.0,
                "configuration_overrides": {"monitoringConfiguration": {
                    "s3MonitoringConfiguration": {"logUri": "s3://emr-logs/logs/"},
                    "cloudWatchLoggingConfiguration": {"enabled": true}}}}),
    );
    let c = emu::logs_client(&acct).await;
    let stream = format!("/applications/{app}/jobs/{run_id}/SPARK_DRIVER/stderr");
    put(&c, "/aws/emr-serverless", &stream, &[(now_ms() - 60_000, "ERROR SparkContext: boom")]).await;
    let s3 = emu::s3_client(&acct).await;
    s3.create_bucket().bucket("emr-logs").send().await.expect("bucket");
    let key = format!("logs/applications/{app}/jobs/{run_id}/SPARK_DRIVER/stdout.gz");
    let gz = |text: &str| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text.as_bytes()).expect("gzip");
        e.finish().expect("gzip")
    };
    let first = gz("stdout one\nstdout two\n");
    s3.put_object().bucket("emr-logs").key(&key).body(first.clone().into()).send().await.expect("put");

    let account = emu::account(&acct).await;
    let run = account.emr.job_run(&app, &run_id).await.expect("GetJobRun");
    let plan = locate::emr_run(&run, &Layouts::default());
    assert!(plan.places.iter().any(|p| matches!(p, Place::S3 { bucket, .. } if bucket == "emr-logs")), "{plan:?}");
    let logs = emu::logs_reader(&acct, 5, Arc::new(ApiStats::new())).await;
    let (tx, mut rx) = mpsc::channel(64);
    let opts = TailOptions { follow: true, live: false, s3_every: Duration::from_millis(300), ..Default::default() };
    let tail = tokio::spawn(run_tail(logs, emu::objects(&acct).await, plan, opts, tx));
    let mut ring = Ring::new(1000);
    let mut lines: Vec<String> = Vec::new();
    let mut grew = false;
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline && lines.len() < 4 {
        let Ok(Some(ev)) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await else { break };
        match ev {
            TailEvent::Events(v) => {
                for e in v {
                    if ring.push(e.ts_ms, &format!("{}|{}", e.group, e.stream), e.message.clone()) {
                        lines.push(e.message);
                    }
                }
            }
            TailEvent::Error(e) => panic!("{e:?}"),
            _ => {}
        }
        if !grew && lines.len() == 3 {
            // The object grows by a second gzip member: only the new bytes are fetched.
            let mut body = first.clone();
            body.extend(gz("stdout three\n"));
            s3.put_object().bucket("emr-logs").key(&key).body(body.into()).send().await.expect("put");
            grew = true;
        }
    }
    tail.abort();
    lines.sort();
    assert_eq!(lines, vec!["ERROR SparkContext: boom", "stdout one", "stdout three", "stdout two"]);
}

#[tokio::test]
async fn nothing_there_yet_says_where_batchtop_looked() {
    let acct = fresh_account();
    let crawler = batchtop::model::Crawler { name: "raw_orders".into(), ..Default::default() };
    let plan = locate::crawler(&crawler, &Layouts::default());
    let events = read_all(&acct, plan.clone(), None).await;
    assert!(messages(&events).is_empty());
    let looked = locate::describe(&plan);
    assert!(looked.contains("/aws-glue/crawlers") && looked.contains("raw_orders"), "{looked}");
    // The crawler's stream, once written, is found.
    let c = emu::logs_client(&acct).await;
    put(&c, "/aws-glue/crawlers", "raw_orders", &[(now_ms() - 1000, "[x] BENCHMARK : Running Start Crawl")]).await;
    let events = read_all(&acct, plan, None).await;
    assert_eq!(messages(&events).len(), 1);
}

/// Follow `plan` and return the receiver (the tail runs until the receiver is dropped).
async fn follow(acct: &str, plan: Plan, live: bool, stats: Arc<ApiStats>, rate: u32) -> mpsc::Receiver<TailEvent> {
    follow_with(emu::logs_reader(acct, rate, stats).await, plan, live)
}

fn follow_with(logs: Arc<dyn batchtop::aws::LogsRead>, plan: Plan, live: bool) -> mpsc::Receiver<TailEvent> {
    let (tx, rx) = mpsc::channel(256);
    let opts = TailOptions { follow: true, live, poll_every: Duration::from_millis(200), ..Default::default() };
    tokio::spawn(run_tail(logs, Arc::new(batchtop::aws::NoObjects), plan, opts, tx));
    rx
}

fn plan_for(group: &str, prefix: &str) -> Plan {
    Plan {
        title: "test".into(),
        run_id: prefix.into(),
        places: vec![Place::Group { group: group.into(), prefix: prefix.into() }],
        start_ms: Some(now_ms() - 3_600_000),
        end_ms: None,
    }
}

/// Read events until `want` distinct lines arrived (de-duplicated as the view does).
async fn collect_until(rx: &mut mpsc::Receiver<TailEvent>, ring: &mut Ring, modes: &mut Vec<TailMode>, want: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while ring.len() < want && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(TailEvent::Events(v))) => {
                for e in v {
                    ring.push(e.ts_ms, &e.stream, e.message);
                }
            }
            Ok(Some(TailEvent::Mode(m))) => modes.push(m),
            Ok(Some(_)) => {}
            _ => break,
        }
    }
}

#[tokio::test]
async fn live_tail_picks_up_new_events() {
    let acct = fresh_account();
    let c = emu::logs_client(&acct).await;
    put(&c, "/aws-glue/jobs/logs-v2", "jr_live-driver", &[(now_ms() - 5000, "before 0")]).await;
    let mut rx = follow(&acct, plan_for("/aws-glue/jobs/logs-v2", "jr_live"), true, Arc::new(ApiStats::new()), 5).await;
    let (mut ring, mut modes) = (Ring::new(100), Vec::new());
    collect_until(&mut rx, &mut ring, &mut modes, 1).await;
    // Wait for the session.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !modes.iter().any(|m| matches!(m, TailMode::LiveTail { .. })) && Instant::now() < deadline {
        if let Ok(Some(TailEvent::Mode(m))) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            modes.push(m);
        }
    }
    assert!(modes.iter().any(|m| matches!(m, TailMode::LiveTail { sampled: false })), "{modes:?}");
    let written = Instant::now();
    put(&c, "/aws-glue/jobs/logs-v2", "jr_live-driver", &[(now_ms(), "live 1")]).await;
    collect_until(&mut rx, &mut ring, &mut modes, 2).await;
    let latency = written.elapsed();
    let texts: Vec<String> = ring.iter().map(|l| l.text.clone()).collect();
    assert_eq!(texts, vec!["before 0", "live 1"]);
    assert!(latency < Duration::from_secs(5), "{latency:?}");
    eprintln!("live tail latency (PutLogEvents -> tail): {latency:?}");
}

#[tokio::test]
async fn refused_live_tail_falls_back_to_polling_with_no_gap_or_duplicate() {
    let acct = fresh_account();
    let c = emu::logs_client(&acct).await;
    let group = "/aws-glue/jobs/output";
    put(&c, group, "jr_fb", &[(now_ms() - 10_000, "line 0"), (now_ms() - 9_000, "line 1")]).await;
    fault(&acct, "StartLiveTail", "access_denied", 1, 0);
    let mut rx = follow(&acct, plan_for(group, "jr_fb"), true, Arc::new(ApiStats::new()), 5).await;
    let (mut ring, mut modes) = (Ring::new(1000), Vec::new());
    let mut raw = 0usize;
    collect_until(&mut rx, &mut ring, &mut modes, 2).await;
    for i in 2..12 {
        put(&c, group, "jr_fb", &[(now_ms(), &format!("line {i}"))]).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        raw += 1;
    }
    collect_until(&mut rx, &mut ring, &mut modes, 12).await;
    assert!(raw > 0);
    assert!(modes.iter().any(|m| matches!(m, TailMode::Polling { reason } if reason.contains("refused"))), "{modes:?}");
    let texts: Vec<String> = ring.iter().map(|l| l.text.clone()).collect();
    let want: Vec<String> = (0..12).map(|i| format!("line {i}")).collect();
    assert_eq!(texts, want, "every line once, in order");
}

#[tokio::test]
async fn an_ended_live_tail_switches_to_polling_without_losing_lines() {
    let acct = fresh_account();
    control("/batchtop/logs/live-tail", &json!({"account_id": acct, "max_seconds": 2}));
    let c = emu::logs_client(&acct).await;
    let group = "/aws-glue/jobs/logs-v2";
    put(&c, group, "jr_sw-driver", &[(now_ms() - 3000, "line 0")]).await;
    let mut rx = follow(&acct, plan_for(group, "jr_sw"), true, Arc::new(ApiStats::new()), 5).await;
    let (mut ring, mut modes) = (Ring::new(1000), Vec::new());
    collect_until(&mut rx, &mut ring, &mut modes, 1).await;
    // Lines written across the end of the session (about 2 s in).
    for i in 1..=20 {
        put(&c, group, "jr_sw-driver", &[(now_ms(), &format!("line {i}"))]).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    collect_until(&mut rx, &mut ring, &mut modes, 21).await;
    assert!(modes.iter().any(|m| matches!(m, TailMode::LiveTail { .. })), "{modes:?}");
    assert!(modes.iter().any(|m| matches!(m, TailMode::Polling { reason } if reason.contains("ended"))), "{modes:?}");
    let texts: Vec<String> = ring.iter().map(|l| l.text.clone()).collect();
    let want: Vec<String> = (0..=20).map(|i| format!("line {i}")).collect();
    assert_eq!(texts, want);
}

#[tokio::test]
async fn the_budget_holds_under_three_concurrent_tails() {
    let acct = fresh_account();
    let c = emu::logs_client(&acct).await;
    let stats = Arc::new(ApiStats::new());
    // One reader (one budget) per account and Region, shared by every tail, as in the app.
    let logs = emu::logs_reader(&acct, 5, stats.clone()).await;
    let mut receivers = Vec::new();
    for n in 0..3 {
        let group = format!("/aws-glue/jobs/output{n}");
        put(&c, &group, &format!("jr_b{n}"), &[(now_ms() - 1000, "x")]).await;
        // Polling (no Live Tail) every 200 ms: 15 FilterLogEvents a second wanted, 5 allowed.
        receivers.push(follow_with(logs.clone(), plan_for(&group, &format!("jr_b{n}")), false));
    }
    let drain = tokio::spawn(async move {
        let deadline = Instant::now() + Duration::from_secs(4);
        while Instant::now() < deadline {
            for rx in &mut receivers {
                while rx.try_recv().is_ok() {}
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        drop(receivers);
    });
    drain.await.expect("drain");
    let times = emu::call_times(&acct, "FilterLogEvents");
    assert!(times.len() >= 12, "the tails kept polling: {} calls", times.len());
    let worst = times.iter().map(|t| times.iter().filter(|u| **u >= *t && **u < t + 1000).count()).max().unwrap_or(0);
    assert!(worst <= 5, "at most 5 FilterLogEvents in any second, saw {worst}");
    assert!(stats.snapshot().held_calls > 0, "batchtop held calls back");
}

#[tokio::test]
async fn a_client_side_filter_keeps_context_around_matches() {
    let acct = fresh_account();
    let c = emu::logs_client(&acct).await;
    let t = now_ms() - 60_000;
    let lines: Vec<String> = (0..30)
        .map(|i| if i == 10 || i == 25 { format!("ERROR boom {i}") } else { format!("INFO step {i}") })
        .collect();
    let events: Vec<(i64, &str)> = lines.iter().enumerate().map(|(i, l)| (t + i as i64, l.as_str())).collect();
    put(&c, "/aws-glue/jobs/output", "jr_ctx", &events).await;
    let events = read_all(&acct, plan_for("/aws-glue/jobs/output", "jr_ctx"), None).await;
    let mut pane = batchtop::state::logs::LogViewPane::new(1, plan_for("/aws-glue/jobs/output", "jr_ctx"), 1000);
    for e in events.into_iter().filter_map(|e| match e {
        TailEvent::Events(v) => Some(v),
        _ => None,
    }) {
        for e in e {
            pane.ring.push(e.ts_ms, &e.stream, e.message);
        }
    }
    pane.context = 2;
    pane.filter = Some(("ERROR".into(), batchtop::logs::pattern::Pattern::parse("ERROR").expect("pattern")));
    let shown: Vec<String> = pane
        .rows()
        .iter()
        .map(|r| match r {
            batchtop::logs::pattern::Row::Line(i) => pane.ring.get(*i).map(|l| l.text.clone()).unwrap_or_default(),
            batchtop::logs::pattern::Row::Gap => "···".into(),
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            "INFO step 8",
            "INFO step 9",
            "ERROR boom 10",
            "INFO step 11",
            "INFO step 12",
            "···",
            "INFO step 23",
            "INFO step 24",
            "ERROR boom 25",
            "INFO step 26",
            "INFO step 27"
        ]
    );
    // The same pattern sent to CloudWatch returns the matches only.
    let logs = emu::logs_reader(&acct, 5, Arc::new(ApiStats::new())).await;
    let query = batchtop::aws::LogQuery {
        group: "/aws-glue/jobs/output".into(),
        stream_prefix: Some("jr_ctx".into()),
        pattern: batchtop::logs::pattern::Pattern::parse("?boom ?nothing").expect("p").server_pattern(),
        ..Default::default()
    };
    let page = logs.filter(&query, None).await.expect("FilterLogEvents");
    let got: Vec<&str> = page.events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(got, vec!["ERROR boom 10", "ERROR boom 25"]);
}

#[tokio::test]
async fn a_live_tail_session_outlives_the_sdk_call_timeouts() {
    // The test clients time a call out after 3 s (attempt) and 5 s (operation): the session's
    // stream must keep going past both.
    let acct = fresh_account();
    let c = emu::logs_client(&acct).await;
    let group = "/aws-glue/jobs/logs-v2";
    put(&c, group, "jr_long-driver", &[(now_ms() - 1000, "line 0")]).await;
    let mut rx = follow(&acct, plan_for(group, "jr_long"), true, Arc::new(ApiStats::new()), 5).await;
    let (mut ring, mut modes) = (Ring::new(100), Vec::new());
    collect_until(&mut rx, &mut ring, &mut modes, 1).await;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(7) {
        put(&c, group, "jr_long-driver", &[(now_ms(), &format!("line {}", ring.len()))]).await;
        let want = ring.len() + 1;
        collect_until(&mut rx, &mut ring, &mut modes, want).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(modes.iter().any(|m| matches!(m, TailMode::LiveTail { .. })), "{modes:?}");
    assert!(!modes.iter().any(|m| matches!(m, TailMode::Polling { .. })), "the session never dropped: {modes:?}");
    assert!(ring.len() >= 8, "{}", ring.len());
}
