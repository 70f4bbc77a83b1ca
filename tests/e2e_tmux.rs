//! The real binary in a real terminal: start `--demo` in tmux, type like a person,
//! read the screen, quit, and check the terminal was given back.

mod support;

use support::tmux::Tmux;

/// Table rows of the jobs pane: lines between the borders that carry a state.
fn state_cells(screen: &str) -> Vec<String> {
    const STATES: [&str; 8] = ["SUCCEEDED", "FAILED", "TIMEOUT", "RUNNING", "STARTING", "STOPPED", "ERROR", "WAITING"];
    screen
        .lines()
        .filter(|l| l.starts_with('│') && !l.contains("NAME"))
        .filter_map(|l| l.split_whitespace().find(|w| STATES.contains(w)).map(str::to_string))
        .collect()
}

#[test]
fn demo_in_a_real_terminal() {
    let dir = std::env::temp_dir().join(format!("batchtop-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    support::tmux::jobs_first(&dir);
    let tmux = Tmux::new("e2e", dir.clone());
    let bin = env!("CARGO_BIN_EXE_batchtop");
    let script = format!(
        "XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} BATCHTOP_CONFIG= {bin} --demo; echo BATCHTOP_EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon'; sleep 30",
        d = dir.display()
    );
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", &script]);

    let s = tmux.wait_for("the jobs table", |s| s.contains("Glue jobs [30/30]"));
    assert!(s.contains("DEMO") && s.contains("eu-west-1"), "status bar:\n{s}");
    assert_eq!(
        tmux.run(&["display", "-p", "-t", "e2e", "#{alternate_on}"]).trim(),
        "1",
        "TUI uses the alternate screen"
    );

    // Filter to failures: every row left shows a failure state.
    tmux.keys(&["/"]);
    tmux.text("state:fail");
    tmux.keys(&["Enter"]);
    // Wait for the whole redraw: a screen caught between two frames still shows old rows.
    let failures = ["FAILED", "TIMEOUT", "ERROR"];
    let s = tmux.wait_for("the filtered table", |s| {
        s.contains("filter:state:fail")
            && !s.contains("[30/30]")
            && state_cells(s).iter().all(|c| failures.contains(&c.as_str()))
    });
    let states = state_cells(&s);
    assert!(!states.is_empty(), "some failed jobs:\n{s}");
    assert!(states.iter().all(|st| st == "FAILED"), "only failed jobs: {states:?}\n{s}");

    // Open the first failed job's runs, then come back.
    tmux.keys(&["Enter"]);
    let s = tmux.wait_for("the run history", |s| s.contains("runs of ") && s.contains("durations"));
    assert!(s.contains("FAILED"), "{s}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("the jobs table again", |s| s.contains("Glue jobs [") && !s.contains("runs of "));

    // Help lists the bindings, any key closes it.
    tmux.keys(&["?"]);
    let s = tmux.wait_for("help", |s| s.contains("help — any key closes"));
    assert!(s.contains("quit batchtop") && s.contains(":jobs"), "{s}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("help closed", |s| !s.contains("help — any key closes"));

    // Quit: exit 0, normal screen back, cooked mode (icanon) back.
    tmux.keys(&["q"]);
    // Wait for the exit line and for stty's answer after it (`icanon` or `-icanon`).
    let s = tmux.wait_for("exit", |s| s.contains("BATCHTOP_EXIT=") && s.contains("icanon"));
    assert!(s.contains("BATCHTOP_EXIT=0"), "{s}");
    assert!(!s.contains("Glue jobs"), "the alternate screen was left:\n{s}");
    let after = s.lines().skip_while(|l| !l.contains("BATCHTOP_EXIT")).nth(1).unwrap_or("").trim().to_string();
    assert_eq!(after, "icanon", "terminal is back in canonical (cooked) mode:\n{s}");
    assert_eq!(tmux.run(&["display", "-p", "-t", "e2e", "#{alternate_on}"]).trim(), "0");
    assert!(dir.join("batchtop/batchtop.log").exists(), "tracing writes to the XDG state dir");
}

#[test]
fn standalone_event_log_viewer() {
    let dir = std::env::temp_dir().join(format!("batchtop-e2e-ev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tmux = Tmux::new("e2e-ev", dir.clone());
    let log = format!(
        "{}/../shared/fixtures/spark-events/tasks_executors_fail_compressed_eventlog.zstd",
        env!("CARGO_MANIFEST_DIR")
    );
    let script = format!(
        "XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} BATCHTOP_CONFIG= {bin} eventlog {log}; echo BATCHTOP_EXIT=$?; sleep 30",
        d = dir.display(),
        bin = env!("CARGO_BIN_EXE_batchtop")
    );
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", &script]);
    let s = tmux.wait_for("the findings tab", |s| s.contains("findings (6)"));
    assert!(s.contains("application_1603128018386_7846"), "{s}");
    tmux.keys(&["Tab"]);
    tmux.wait_for("the stages tab", |s| s.contains("stages (enter: task durations)"));
    tmux.keys(&["Escape"]);
    // Alone, Esc keeps the only view and says how to quit (a quick Esc q would read as alt-q).
    tmux.wait_for("the hint", |s| s.contains("q quits the event log viewer"));
    tmux.keys(&["q"]);
    let s = tmux.wait_for("exit", |s| s.contains("BATCHTOP_EXIT="));
    assert!(s.contains("BATCHTOP_EXIT=0"), "{s}");
}

/// The `N/M lines` figure of the log view's status line.
fn log_lines(screen: &str) -> Option<usize> {
    let line = screen.lines().find(|l| l.contains(" lines"))?;
    let before = line.split(" lines").next()?;
    let figure = before.rsplit(' ').next()?;
    figure.split('/').nth(1)?.parse().ok()
}

#[test]
fn live_logs_of_a_running_emr_run() {
    let dir = std::env::temp_dir().join(format!("batchtop-e2e-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    support::tmux::jobs_first(&dir);
    let tmux = Tmux::new("e2e-logs", dir.clone());
    let bin = env!("CARGO_BIN_EXE_batchtop");
    let script = format!(
        "XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} BATCHTOP_CONFIG= {bin} --demo; echo BATCHTOP_EXIT=$?; sleep 30",
        d = dir.display()
    );
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "140", "-y", "40", &script]);
    tmux.wait_for("the jobs table", |s| s.contains("Glue jobs [30/30]"));
    tmux.keys(&[":"]);
    tmux.text("emr");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the EMR runs", |s| s.contains("EMR Serverless runs"));
    tmux.keys(&["/"]);
    tmux.text("state:RUNNING");
    tmux.keys(&["Enter"]);
    tmux.wait_for("running runs only", |s| s.contains("filter:state:RUNNING") && !s.contains("SCHEDULED"));
    tmux.keys(&["l"]);
    let s = tmux.wait_for("the live tail", |s| s.contains("LIVE TAIL") && log_lines(s).is_some_and(|n| n > 0));
    let first = log_lines(&s).expect("line count");
    assert!(s.contains("[driver stderr]"), "{s}");
    // The running run writes a line every 3 s: new lines arrive on their own.
    let start = std::time::Instant::now();
    let s = tmux.wait_for("a new line", |s| log_lines(s).is_some_and(|n| n > first));
    eprintln!("new line on screen after {:?}", start.elapsed());
    assert!(s.contains("follow"), "{s}");
    tmux.keys(&["q"]);
    tmux.wait_for("exit", |s| s.contains("BATCHTOP_EXIT=0"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_inbox_is_the_first_screen_of_an_account_in_trouble() {
    let dir = std::env::temp_dir().join(format!("batchtop-e2e-inbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tmux = Tmux::new("e2e-inbox", dir.clone());
    let bin = env!("CARGO_BIN_EXE_batchtop");
    let script = format!(
        "XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} BATCHTOP_CONFIG= {bin} --demo; echo BATCHTOP_EXIT=$?; sleep 30",
        d = dir.display()
    );
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "140", "-y", "40", &script]);
    let s = tmux.wait_for("the inbox with the workflow's blast radius and an acknowledged item", |s| {
        s.contains("Inbox") && s.contains("blocks 2: payments_curate") && s.contains("acknowledged")
    });
    assert!(s.starts_with(" batchtop inbox"), "the first screen:\n{s}");
    // The generic "exit code 1" failure is classified once its driver log is read.
    tmux.wait_for("the generic failure classified", |s| {
        s.lines().any(|l| l.contains("payments_curate") && l.contains("out_of_memory"))
    });
    tmux.keys(&["/"]);
    tmux.text("^payments_curate$");
    tmux.keys(&["Enter", "Enter"]);
    let s = tmux.wait_for("the classified run", |s| s.contains("Evidence") && s.contains("Cause"));
    assert!(s.contains("Advice"), "{s}");
    tmux.keys(&["c"]);
    tmux.wait_for("what changed", |s| s.contains("What changed") && s.contains("LAST GOOD"));
    tmux.keys(&["q"]);
    tmux.wait_for("exit", |s| s.contains("BATCHTOP_EXIT=0"));
}

#[test]
fn streams_then_the_late_stream_shows_its_failed_crawler() {
    let dir = std::env::temp_dir().join(format!("batchtop-e2e-streams-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tmux = Tmux::new("e2e-streams", dir.clone());
    let bin = env!("CARGO_BIN_EXE_batchtop");
    let script = format!(
        "XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} BATCHTOP_CONFIG= {bin} --demo; echo BATCHTOP_EXIT=$?; sleep 30",
        d = dir.display()
    );
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "140", "-y", "40", &script]);
    tmux.wait_for("the first screen", |s| s.contains("Inbox") || s.contains("Glue jobs"));
    tmux.keys(&[":"]);
    tmux.text("streams");
    tmux.keys(&["Enter"]);
    let row = |s: &str, name: &str, status: &str| s.lines().any(|l| l.contains(name) && l.contains(status));
    tmux.wait_for("every stream with its status", |s| {
        s.contains("Streams")
            && row(s, "inventory", "late")
            && row(s, "payments", "failed")
            && row(s, "orders", "degraded")
            && row(s, "customers", "no_data")
    });
    tmux.keys(&["/"]);
    tmux.text("stream:inventory");
    tmux.keys(&["Enter", "Enter"]);
    let s = tmux.wait_for("the late stream's pipeline", |s| s.contains("steps of inventory"));
    assert!(s.lines().any(|l| l.contains("inventory_raw_crawler") && l.contains("FAILED")), "{s}");
    tmux.keys(&["q"]);
    tmux.wait_for("exit", |s| s.contains("BATCHTOP_EXIT=0"));
    let _ = std::fs::remove_dir_all(&dir);
}
