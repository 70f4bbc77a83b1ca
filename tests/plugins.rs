//! `[aliases]`, `[[hotkeys]]` and `[[plugins]]`: they parse, bad ones are located, and a
//! plugin runs with the selected row's fields in its environment (a script writes its
//! environment to a file). A dangerous plugin is gone in read-only mode.

mod support;

use std::sync::Arc;

use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::aws::demo::DemoAccount;
use batchtop::config::Settings;
use batchtop::state::pane::parse_config;
use batchtop::state::{AppState, Mode, Pane, View};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::{ch, context, key, load_demo, screen, typed};

const CONFIG: &str = r#"
[aliases]
prod-fail = "jobs state:FAILED"
fails = "emr state:FAILED"

[[hotkeys]]
key = "F"
command = "prod-fail"
description = "failed Glue jobs"

[[hotkeys]]
key = "f2"
command = "workflows"

[[plugins]]
key = "ctrl-e"
scopes = ["runs", "run", "jobs", "emr", "emr-run"]
description = "write the environment"
command = "env | grep ^BATCHTOP_ | sort > \"$OUT_FILE\""
background = true

[[plugins]]
key = "ctrl-k"
scopes = ["runs"]
description = "kill the driver"
command = "true"
background = true
dangerous = true
confirm = true

[[plugins]]
key = "ctrl-a"
description = "args, not a shell"
command = "printf"
args = ["%s|%s", "$BATCHTOP_JOB", "${BATCHTOP_RUN_ID}"]
background = true
scopes = ["runs"]
"#;

async fn state_with(settings: Settings) -> AppState {
    let demo = DemoAccount::fixed();
    let mut s = AppState::new(Arc::new(settings), context(), demo.now());
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    load_demo(&mut s, &demo, 0).await;
    s
}

/// Everything `?` shows, scrolled through.
fn help_text(s: &mut AppState) -> String {
    update(s, ch('?'));
    let mut all = String::new();
    for _ in 0..80 {
        all.push_str(&screen(s));
        update(s, key(KeyCode::Down));
    }
    update(s, key(KeyCode::Esc));
    all
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn plugin_runs(fx: &[Effect]) -> Vec<batchtop::state::plugins::PluginRun> {
    fx.iter().filter_map(|e| if let Effect::RunPlugin(r) = e { Some(r.clone()) } else { None }).collect()
}

/// Run a plugin as the loop does in the background, with `OUT_FILE` pointing at a file;
/// what it wrote there.
async fn run_and_read(mut run: batchtop::state::plugins::PluginRun, tag: &str) -> String {
    let out = std::env::temp_dir().join(format!("batchtop-plugin-{tag}-{}", std::process::id()));
    run.env.push(("OUT_FILE".into(), out.display().to_string()));
    match batchtop::app::spawn::background(run).await {
        Msg::PluginDone { result: Ok(exit), .. } => assert_eq!(exit.code, Some(0), "{exit:?}"),
        other => panic!("{other:?}"),
    }
    let text = std::fs::read_to_string(&out).expect("the plugin wrote its environment");
    let _ = std::fs::remove_file(&out);
    text
}

#[tokio::test]
async fn a_plugin_on_a_glue_run_sees_the_run() {
    let mut s = state_with(parse_config(CONFIG, "c.toml").expect("valid")).await;
    typed(&mut s, "/");
    typed(&mut s, "orders_curate");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    let Some(View::Runs(r)) = s.stack.last() else { panic!("runs view") };
    let run = r.selected(&s.data).expect("a run").clone();
    let fx = update(&mut s, ctrl('e'));
    let runs = plugin_runs(&fx);
    assert_eq!(runs.len(), 1, "{fx:?}");
    assert!(runs[0].background);
    let env = run_and_read(runs[0].clone(), "glue").await;
    for want in [
        "BATCHTOP_JOB=orders_curate".to_string(),
        format!("BATCHTOP_RUN_ID={}", run.id),
        format!("BATCHTOP_STATE={}", run.state.expect("state").as_str()),
        "BATCHTOP_STREAM=orders".into(),
        "BATCHTOP_REGION=eu-west-1".into(),
        "BATCHTOP_ACCOUNT=000000000000".into(),
        "BATCHTOP_PROFILE=demo".into(),
        "BATCHTOP_SCOPE=runs".into(),
        "BATCHTOP_READ_ONLY=0".into(),
    ] {
        assert!(env.lines().any(|l| l == want), "{want} missing in:\n{env}");
    }
    assert!(env.contains("BATCHTOP_CONTEXT="), "{env}");
    // The end is shown.
    update(
        &mut s,
        Msg::PluginDone {
            name: "write the environment".into(),
            result: Ok(batchtop::app::msg::PluginExit { code: Some(0), last_line: None }),
        },
    );
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("finished (exit 0)")), "{:?}", s.flash);
}

#[tokio::test]
async fn a_plugin_on_an_emr_run_sees_the_application_and_run() {
    let mut s = state_with(parse_config(CONFIG, "c.toml").expect("valid")).await;
    update(&mut s, ch(':'));
    typed(&mut s, "emr");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.root, Pane::Emr);
    let run = s.emr_pane.selected().and_then(|i| s.emr.runs.get(i)).expect("an EMR run").clone();
    let runs = plugin_runs(&update(&mut s, ctrl('e')));
    let env = run_and_read(runs[0].clone(), "emr").await;
    for want in [
        format!("BATCHTOP_APPLICATION_ID={}", run.app_id),
        format!("BATCHTOP_RUN_ID={}", run.id),
        "BATCHTOP_SCOPE=emr".into(),
    ] {
        assert!(env.lines().any(|l| l == want), "{want} missing in:\n{env}");
    }
    // Out of its scopes, the key does nothing.
    update(&mut s, ch(':'));
    typed(&mut s, "crawlers");
    update(&mut s, key(KeyCode::Enter));
    assert!(plugin_runs(&update(&mut s, ctrl('e'))).is_empty());
}

#[tokio::test]
async fn args_are_not_a_shell_and_get_the_variables() {
    let mut s = state_with(parse_config(CONFIG, "c.toml").expect("valid")).await;
    update(&mut s, key(KeyCode::Enter));
    let Some(View::Runs(r)) = s.stack.last() else { panic!("runs view") };
    let (job, id) = (r.job.clone(), r.selected(&s.data).expect("run").id.clone());
    let runs = plugin_runs(&update(&mut s, ctrl('a')));
    assert_eq!(runs[0].program, "printf");
    assert_eq!(runs[0].args, ["%s|%s".to_string(), job.clone(), id.clone()]);
    let Msg::PluginDone { result: Ok(exit), .. } = batchtop::app::spawn::background(runs[0].clone()).await else {
        panic!("ran")
    };
    assert_eq!(exit.last_line.as_deref(), Some(format!("{job}|{id}").as_str()));
}

#[tokio::test]
async fn dangerous_plugins_ask_and_are_gone_in_read_only() {
    let mut s = state_with(parse_config(CONFIG, "c.toml").expect("valid")).await;
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, ctrl('k'));
    assert!(plugin_runs(&fx).is_empty(), "asks first");
    assert!(screen(&s).contains("run plugin?"), "{}", screen(&s));
    let fx = update(&mut s, ch('y'));
    assert_eq!(plugin_runs(&fx).len(), 1);
    assert!(help_text(&mut s).contains("kill the driver"));

    let ro = parse_config(CONFIG, "c.toml").expect("valid").read_only();
    assert!(ro.extras.plugins.iter().all(|p| !p.dangerous));
    assert_eq!(ro.extras.plugins.len(), 2);
    let mut s = state_with(ro).await;
    update(&mut s, key(KeyCode::Enter));
    assert!(update(&mut s, ctrl('k')).iter().all(|e| !matches!(e, Effect::RunPlugin(_))));
    let help = help_text(&mut s);
    assert!(!help.contains("kill the driver") && help.contains("write the environment"), "{help}");
}

#[tokio::test]
async fn aliases_and_hotkeys_run_commands() {
    let mut s = state_with(parse_config(CONFIG, "c.toml").expect("valid")).await;
    update(&mut s, ch(':'));
    typed(&mut s, "fai");
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.mode, Mode::Command { input: "fails".into() }, "Tab completes an alias");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.root, Pane::Emr);
    assert_eq!(s.emr_pane.filter.text, "state:FAILED");
    // F: the hotkey runs the alias prod-fail.
    update(&mut s, ch('F'));
    assert_eq!(s.root, Pane::Jobs);
    assert_eq!(s.jobs.filter.text, "state:FAILED");
    update(&mut s, key(KeyCode::F(2)));
    assert_eq!(s.root, Pane::Workflows);
    let help = help_text(&mut s);
    for want in ["Hotkeys", "failed Glue jobs", ":prod-fail", "Plugins", "write the environment"] {
        assert!(help.contains(want), "{want}:\n{help}");
    }
}

#[test]
fn bad_aliases_hotkeys_and_plugins_are_located() {
    let cases: [(&str, (usize, usize), &str, &str); 7] = [
        ("[[hotkeys]]\nkey = \"r\"\ncommand = \"jobs\"\n", (2, 7), "hotkeys[0].key", "bound to `rerun`"),
        ("[[hotkeys]]\nkey = \"hyper-x\"\ncommand = \"jobs\"\n", (2, 7), "hotkeys[0].key", "is not a key"),
        ("[[hotkeys]]\nkey = \"F\"\ncommand = \"jbos\"\n", (3, 11), "hotkeys[0].command", "`jbos` is not a pane"),
        ("[aliases]\njobs = \"dq\"\n", (2, 8), "aliases.jobs", "already a command"),
        ("[aliases]\nx = \"nowhere now\"\n", (2, 5), "aliases.x", "`nowhere` is not a pane"),
        (
            "[[plugins]]\nkey = \"ctrl-e\"\ncommand = \"true\"\nscopes = [\"jobs\", \"jbos\"]\n",
            (4, 19),
            "plugins[0].scopes",
            "unknown scope `jbos`",
        ),
        (
            "[[plugins]]\nkey = \"ctrl-e\"\ncommand = \"a\"\n\n[[plugins]]\nkey = \"ctrl-e\"\ncommand = \"b\"\nscopes = [\"jobs\"]\n",
            (6, 7),
            "plugins[1].key",
            "also the key of plugins[0]",
        ),
    ];
    for (text, (line, column), key, message) in cases {
        let e = parse_config(text, "c.toml").expect_err(text);
        assert_eq!((e.line, e.column), (line, column), "{text}\n{e}");
        assert_eq!(e.key, key, "{e}");
        assert!(e.message.contains(message), "{e}");
        assert!(e.to_string().starts_with(&format!("c.toml:{line}:{column}: {key}: ")), "{e}");
    }
    let unknown = "[[plugins]]\nkey = \"ctrl-e\"\ncommand = \"a\"\nbackgroud = true\n";
    let e = parse_config(unknown, "c.toml").expect_err("a typo");
    assert_eq!(e.line, 4, "{e}");
    // Plugins with the same key in different scopes are fine.
    let ok = "[[plugins]]\nkey = \"ctrl-e\"\ncommand = \"a\"\nscopes = [\"emr\"]\n\n[[plugins]]\nkey = \"ctrl-e\"\ncommand = \"b\"\nscopes = [\"jobs\"]\n";
    assert_eq!(parse_config(ok, "c.toml").expect("apart").extras.plugins.len(), 2);
}
