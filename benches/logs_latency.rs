//! Latency from PutLogEvents to the line on screen (the tail's event applied to the log view
//! and one frame rendered), with Live Tail and with polling, against the emulator:
//!
//!   AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
//!     scripts/with-emulator cargo bench --bench logs_latency
//!
//! Prints the median, p90 and max over 20 lines per mode.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use batchtop::app::msg::Msg;
use batchtop::app::update::update;
use batchtop::aws::ApiStats;
use batchtop::aws::sdk::{self, AwsOptions};
use batchtop::config::Settings;
use batchtop::logs::locate::{Place, Plan};
use batchtop::poll::logs::{TailEvent, TailMode, TailOptions, run_tail};
use batchtop::state::logs::LogViewPane;
use batchtop::state::{AppState, Context, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

const SAMPLES: usize = 20;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn measure(live: bool, endpoint: &str) -> Result<Vec<Duration>, String> {
    let opts = AwsOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint.into()),
        max_attempts: Some(1),
        ..Default::default()
    };
    let loaded = sdk::load(&opts).await.map_err(|e| e.to_string())?;
    let client = aws_sdk_cloudwatchlogs::Client::new(&loaded.sdk);
    let group = format!("/aws-glue/jobs/bench-{}-{}", if live { "live" } else { "poll" }, std::process::id());
    let stream = "jr_latency-driver";
    let _ = client.create_log_group().log_group_name(&group).send().await;
    client
        .create_log_stream()
        .log_group_name(&group)
        .log_stream_name(stream)
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    let logs = sdk::logs(&loaded, Arc::new(ApiStats::new()), 5, 10);
    let plan = Plan {
        title: "latency".into(),
        run_id: "jr_latency".into(),
        places: vec![Place::Group { group: group.clone(), prefix: "jr_latency".into() }],
        start_ms: Some(now_ms() - 60_000),
        end_ms: None,
    };
    let (tx, mut rx) = mpsc::channel(256);
    let topts = TailOptions { follow: true, live, poll_every: Duration::from_secs(1), ..Default::default() };
    let tail = tokio::spawn(run_tail(logs, Arc::new(batchtop::aws::NoObjects), plan.clone(), topts, tx));
    let mut state = AppState::new(Arc::new(Settings::defaults()), Context::default(), chrono::Utc::now());
    update(&mut state, Msg::Resize { width: 120, height: 40 });
    state.stack.push(View::Logs(Box::new(LogViewPane::new(1, plan, 100_000))));
    let mut term = Terminal::new(TestBackend::new(120, 40)).map_err(|e| e.to_string())?;
    // Wait until the tail follows (the session started, or polling began).
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(TailEvent::Mode(TailMode::LiveTail { .. } | TailMode::Polling { .. }))) => break,
            Ok(Some(_)) => {}
            _ if Instant::now() > deadline => return Err("the tail did not start following".into()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for n in 0..SAMPLES {
        let text = format!("latency probe {n}");
        let sent = Instant::now();
        let ev = InputLogEvent::builder().timestamp(now_ms()).message(&text).build().map_err(|e| e.to_string())?;
        client
            .put_log_events()
            .log_group_name(&group)
            .log_stream_name(stream)
            .log_events(ev)
            .send()
            .await
            .map_err(|e| format!("{e:?}"))?;
        'wait: loop {
            let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .map_err(|_| format!("line {n} did not arrive"))?
                .ok_or("the tail ended")?;
            update(&mut state, Msg::Tail { id: 1000, event: ev });
            term.draw(|f| batchtop::ui::render(f, &state)).map_err(|e| e.to_string())?;
            if term.backend().to_string().contains(&text) {
                out.push(sent.elapsed());
                break 'wait;
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tail.abort();
    Ok(out)
}

fn report(name: &str, mut d: Vec<Duration>) {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1e3;
    let p = |q: f64| d[((d.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<10} n={} median {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        d.len(),
        ms(p(0.5)),
        ms(p(0.9)),
        ms(p(1.0))
    );
}

fn main() {
    let Ok(endpoint) = std::env::var("BATCHTOP_EMULATOR_URL") else {
        eprintln!("logs_latency: run it with scripts/with-emulator (BATCHTOP_EMULATOR_URL is not set)");
        return;
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("runtime: {e}");
            return;
        }
    };
    println!("PutLogEvents -> line on screen (event applied to the log view and one frame rendered)");
    for (name, live) in [("live tail", true), ("polling", false)] {
        match rt.block_on(measure(live, &endpoint)) {
            Ok(d) => report(name, d),
            Err(e) => eprintln!("{name}: {e}"),
        }
    }
}
